//! Fault tests of `Idempotency-Key` through real `autos serve` processes, on SQLite and
//! PostgreSQL: a retry after any interruption — a `kill -9` at any point of the request, a
//! claim left pending after the act was appended or before it was, a settle that failed —
//! returns the recorded answer or performs the act, exactly once; a retry while the claim's
//! lease is fresh is told when to come back; another request under the same key is refused.
//! Each case checks what the client saw and what the log holds.

mod support;

use std::time::Duration;

use serde_json::Value;
use support::{demanda, register_operator, Backend, Serve, TestDb};

/// The claim lease of the servers that must see claims expire (seconds).
const SHORT_LEASE: &str = "1";
/// Longer than [`SHORT_LEASE`]: a claim reset to pending has expired after it.
const PAST_LEASE: Duration = Duration::from_millis(1500);
/// Claim time of a pending row a crashed server left long ago (both backends parse it).
const LONG_AGO: &str = "2000-01-01T00:00:00+00:00";

/// A fresh database with the suite's operator, an attendant's token, and a server on it.
struct World {
    db: TestDb,
    serve: Serve,
    env: Vec<(&'static str, &'static str)>,
    token: String,
}

impl World {
    /// A world whose server has `lease` (seconds) as claim lease, or the default one.
    async fn new(backend: Backend, lease: Option<&'static str>) -> World {
        let db = TestDb::new(backend);
        let admin = db.officer("administrador");
        let token = db.officer("atendente");
        let env: Vec<_> = lease.map(|l| ("AUTOS_IDEMPOTENCY_LEASE_SECS", l)).into_iter().collect();
        let serve = Serve::start(&db, &env).await;
        register_operator(&serve.base, &admin).await;
        World { db, serve, env, token }
    }

    /// `kill -9` of the server and a new one on the same database.
    async fn crash_and_restart(&mut self) {
        self.serve.kill9();
        self.serve = Serve::start(&self.db, &self.env).await;
    }

    /// Files `body` as a new case under `key`.
    async fn file(&self, key: &str, body: &Value) -> Answer {
        let request = support::client()
            .post(format!("{}/api/v1/casos", self.serve.base))
            .bearer_auth(&self.token)
            .header("idempotency-key", key)
            .json(body);
        let response = request.send().await.expect("the server answers");
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get("retry-after")
            .map(|v| v.to_str().unwrap().parse::<u64>().expect("Retry-After in seconds"));
        let body = response.json().await.unwrap_or(Value::Null);
        Answer { status, retry_after, body }
    }

    async fn event_count(&self) -> i64 {
        self.db.scalar("SELECT COUNT(*) FROM events").await
    }

    /// Runs one statement on the database, as an operator at a console would.
    async fn execute(&self, sql: &str) {
        match self.db.backend {
            Backend::Postgres => {
                support::psql(&self.db.url, sql);
            }
            Backend::Sqlite => {
                use sqlx::Connection;
                let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", self.db.url)).await.unwrap();
                sqlx::query(sql).execute(&mut conn).await.unwrap();
                conn.close().await.unwrap();
            }
        }
    }

    /// Puts `key`'s row back to pending, as a server that died after appending the act and
    /// before settling the key leaves it; `claimed_at` replaces the claim time when given.
    async fn unsettle(&self, key: &str, claimed_at: Option<&str>) {
        let time = claimed_at.map(|t| format!(", created_at = '{t}'")).unwrap_or_default();
        self.execute(&format!(
            "UPDATE idempotent_responses SET status = 0, body = ''{time} WHERE idempotency_key = '{key}'"
        ))
        .await;
    }

    /// Whether every position of `answer` is in the log.
    async fn logged(&self, answer: &Answer) -> bool {
        let positions = answer.positions();
        let list = positions.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
        let found = self.db.scalar(&format!("SELECT COUNT(*) FROM events WHERE position IN ({list})")).await;
        !positions.is_empty() && found == positions.len() as i64
    }
}

/// What the client saw.
#[derive(Debug)]
struct Answer {
    status: u16,
    retry_after: Option<u64>,
    body: Value,
}

impl Answer {
    fn positions(&self) -> Vec<i64> {
        support::positions(&support::Answer { status: Some(self.status), body: self.body.clone() })
    }
}

/// Defines each case written inside it and runs it once per backend.
macro_rules! on_both_backends {
    ($($(#[$meta:meta])* async fn $case:ident($backend:ident: $ty:ty $(,)?) $body:block)+) => {
        $($(#[$meta])* async fn $case($backend: $ty) $body)+
        on_both_backends!(@run $($case),+);
    };
    (@run $($case:ident),+) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread")]
            async fn $case() {
                super::$case(super::Backend::Sqlite).await;
            })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread")]
            async fn $case() {
                super::$case(super::Backend::Postgres).await;
            })*
        }
    };
}

on_both_backends!(
    /// A demanda the first request appended, its claim left pending by a crash before the settle:
    /// after the restart and the lease, the retry gets the first answer and appends nothing.
    async fn an_act_appended_before_a_crash_is_answered_from_the_log(backend: Backend) {
        let mut world = World::new(backend, Some(SHORT_LEASE)).await;
        let first = world.file("crash-after-append", &demanda()).await;
        assert_eq!(first.status, 201, "{:?}", first.body);
        let count = world.event_count().await;
        world.unsettle("crash-after-append", None).await;
        world.crash_and_restart().await;
        tokio::time::sleep(PAST_LEASE).await;
        let retry = world.file("crash-after-append", &demanda()).await;
        assert_eq!(retry.status, 201, "{:?}", retry.body);
        assert_eq!(retry.body, first.body, "the same case, positions and versions");
        assert_eq!(world.event_count().await, count, "the act is in the log once");
        let again = world.file("crash-after-append", &demanda()).await;
        assert_eq!((again.status, &again.body), (201, &first.body), "the recovered answer was kept");
        assert_eq!(world.event_count().await, count);
    }

    /// A claim a crashed server left before appending anything: the retry after the lease performs
    /// the act, once.
    async fn an_act_never_appended_is_performed_once_after_the_lease(backend: Backend) {
        let world = World::new(backend, Some(SHORT_LEASE)).await;
        let first = world.file("seen-first", &demanda()).await;
        assert_eq!(first.status, 201, "{:?}", first.body);
        let count = world.event_count().await;
        let per_act = first.positions().len() as i64;
        // The same request under another key, claimed and never run further.
        world
            .execute(&format!(
                "INSERT INTO idempotent_responses (officer_id, idempotency_key, request_hash, status, body, created_at) \
                 SELECT officer_id, 'crash-before-append', request_hash, 0, '', '{LONG_AGO}' \
                 FROM idempotent_responses WHERE idempotency_key = 'seen-first'"
            ))
            .await;
        let retry = world.file("crash-before-append", &demanda()).await;
        assert_eq!(retry.status, 201, "{:?}", retry.body);
        assert_ne!(retry.body["case_id"], first.body["case_id"], "a case of its own");
        assert_eq!(world.event_count().await, count + per_act, "the act appended once");
        assert!(world.logged(&retry).await);
        let again = world.file("crash-before-append", &demanda()).await;
        assert_eq!((again.status, &again.body), (201, &retry.body));
        assert_eq!(world.event_count().await, count + per_act);
    }

    /// `kill -9` at several points of a keyed request (before, during or after its claim, append or
    /// settle): after the restart and the lease, each retry answers 201 and the log holds each act
    /// exactly once.
    async fn a_kill_at_any_point_of_the_request_leaves_each_act_once(backend: Backend) {
        let mut world = World::new(backend, Some(SHORT_LEASE)).await;
        let before = world.event_count().await;
        let mut per_act = None;
        for (n, delay) in [0u64, 3, 10, 40].into_iter().enumerate() {
            let key = format!("killed-{n}");
            let in_flight = {
                let request = support::client()
                    .post(format!("{}/api/v1/casos", world.serve.base))
                    .bearer_auth(&world.token)
                    .header("idempotency-key", &key)
                    .json(&demanda());
                tokio::spawn(request.send())
            };
            tokio::time::sleep(Duration::from_millis(delay)).await;
            world.crash_and_restart().await;
            let _ = in_flight.await;
            tokio::time::sleep(PAST_LEASE).await;
            let retry = world.file(&key, &demanda()).await;
            assert_eq!(retry.status, 201, "kill after {delay} ms: {:?}", retry.body);
            assert!(world.logged(&retry).await, "kill after {delay} ms: the answer names logged events");
            let events = *per_act.get_or_insert(retry.positions().len() as i64);
            let acts = i64::try_from(n).unwrap() + 1;
            assert_eq!(world.event_count().await, before + acts * events, "kill after {delay} ms: once");
        }
    }

    /// A retry while the claim is fresh: 409 with the seconds left to wait, and nothing appended.
    async fn a_retry_within_the_lease_is_told_to_wait(backend: Backend) {
        let world = World::new(backend, None).await;
        let first = world.file("still-running", &demanda()).await;
        assert_eq!(first.status, 201, "{:?}", first.body);
        let count = world.event_count().await;
        world.unsettle("still-running", None).await;
        let retry = world.file("still-running", &demanda()).await;
        assert_eq!(retry.status, 409, "{:?}", retry.body);
        assert_eq!(retry.body["code"], "version_conflict");
        let wait = retry.retry_after.expect("Retry-After");
        assert!((1..=60).contains(&wait), "Retry-After {wait} within the lease");
        assert_eq!(world.event_count().await, count, "nothing appended");
    }

    /// The same key with another body: 400, settled or pending, and nothing appended.
    async fn the_same_key_with_another_body_is_refused(backend: Backend) {
        let world = World::new(backend, Some(SHORT_LEASE)).await;
        let first = world.file("one-request", &demanda()).await;
        assert_eq!(first.status, 201, "{:?}", first.body);
        let count = world.event_count().await;
        let mut other = demanda();
        other["canal"] = "internet".into();
        let refused = world.file("one-request", &other).await;
        assert_eq!((refused.status, refused.body["code"].as_str()), (400, Some("invalid_input")), "{:?}", refused.body);
        world.unsettle("one-request", Some(LONG_AGO)).await;
        let refused = world.file("one-request", &other).await;
        assert_eq!(refused.status, 400, "an abandoned claim is not another request's: {:?}", refused.body);
        assert_eq!(world.event_count().await, count, "nothing appended");
    }

    /// The act is appended but its answer cannot be kept: the client hears that the act may be
    /// recorded (503, retry with the key), and the retry after the lease gets the act's answer.
    async fn an_answer_that_could_not_be_kept_is_recovered_by_the_retry(backend: Backend) {
        let world = World::new(backend, Some(SHORT_LEASE)).await;
        let count = world.event_count().await;
        let (refuse, allow) = match backend {
            Backend::Sqlite => (
                "CREATE TRIGGER refuse_settle BEFORE UPDATE ON idempotent_responses \
                 WHEN NEW.status <> 0 BEGIN SELECT RAISE(ABORT, 'recusado'); END",
                "DROP TRIGGER refuse_settle",
            ),
            Backend::Postgres => (
                "CREATE FUNCTION refuse_settle() RETURNS trigger LANGUAGE plpgsql AS \
                 $$ BEGIN RAISE EXCEPTION 'recusado'; END $$; \
                 CREATE TRIGGER refuse_settle BEFORE UPDATE ON idempotent_responses \
                 FOR EACH ROW WHEN (NEW.status <> 0) EXECUTE FUNCTION refuse_settle()",
                "DROP TRIGGER refuse_settle ON idempotent_responses",
            ),
        };
        world.execute(refuse).await;
        let first = world.file("unkept", &demanda()).await;
        assert_eq!(first.status, 503, "{:?}", first.body);
        let detail = first.body["detail"].as_str().unwrap_or_default();
        assert!(detail.contains("pode ter sido registrado") && detail.contains("Idempotency-Key"), "{detail}");
        assert!(first.retry_after.is_some());
        let appended = world.event_count().await - count;
        assert!(appended > 0, "the act itself was recorded");
        world.execute(allow).await;
        tokio::time::sleep(PAST_LEASE).await;
        let retry = world.file("unkept", &demanda()).await;
        assert_eq!(retry.status, 201, "{:?}", retry.body);
        assert_eq!(retry.positions().len() as i64, appended);
        assert!(world.logged(&retry).await);
        assert_eq!(world.event_count().await, count + appended, "the act is in the log once");
    }
);
