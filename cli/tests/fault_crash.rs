//! Fault suite: the server killed and the database lost under load.
//! - `kill -9` of `autos serve` while eight attendants file demandas (both backends): every act
//!   answered 201 is in the log exactly once after a restart, the read models catch up to the
//!   log, and `verify` and `replay --check` pass.
//! - PostgreSQL stopped, then killed, under load (a cluster of the test's own): writes fail with
//!   a 503 within a bounded time instead of hanging, `/readyz` says not ready, and the same
//!   server recovers by itself when the database is back; nothing acknowledged is lost.

mod support;

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use support::{demanda, eventually, positions, post, register_operator, Answer, Backend, PgCluster, Serve, TestDb};
use tokio::sync::Mutex;

/// Eight attendants filing demandas until `stop`; every answer with the time it took.
struct Load {
    stop: Arc<AtomicBool>,
    answers: Arc<Mutex<Vec<(Answer, Duration)>>>,
    writers: Vec<tokio::task::JoinHandle<()>>,
}

impl Load {
    fn start(base: &str, token: &str, writers: usize) -> Load {
        let stop = Arc::new(AtomicBool::new(false));
        let answers = Arc::new(Mutex::new(Vec::new()));
        let client = support::client();
        let writers = (0..writers)
            .map(|_| {
                let (client, base, token) = (client.clone(), base.to_owned(), token.to_owned());
                let (stop, answers) = (stop.clone(), answers.clone());
                tokio::spawn(async move {
                    while !stop.load(Ordering::Relaxed) {
                        let started = Instant::now();
                        let answer = post(&client, &base, "/api/v1/casos", &token, &demanda(), &[]).await;
                        let failed = answer.status.is_none();
                        answers.lock().await.push((answer, started.elapsed()));
                        if failed {
                            // Connection refused while the server is down: do not spin.
                            tokio::time::sleep(Duration::from_millis(50)).await;
                        }
                    }
                })
            })
            .collect();
        Load { stop, answers, writers }
    }

    async fn count(&self, status: Option<u16>) -> usize {
        self.answers.lock().await.iter().filter(|(a, _)| a.status == status).count()
    }

    async fn finish(self) -> Vec<(Answer, Duration)> {
        self.stop.store(true, Ordering::Relaxed);
        for w in self.writers {
            w.await.unwrap();
        }
        Arc::try_unwrap(self.answers).unwrap().into_inner()
    }
}

/// The positions of every 201, checked to be unique.
fn acknowledged(answers: &[(Answer, Duration)]) -> BTreeSet<i64> {
    let all: Vec<i64> = answers.iter().filter(|(a, _)| a.status == Some(201)).flat_map(|(a, _)| positions(a)).collect();
    let unique: BTreeSet<i64> = all.iter().copied().collect();
    assert_eq!(unique.len(), all.len(), "a position was acknowledged twice");
    unique
}

/// Waits until every projection has applied the whole log (`/readyz` lag 0, or every running
/// position at the head when the field is absent).
async fn caught_up(serve: &Serve, head: i64) {
    eventually(Duration::from_secs(60), "the projections to apply the whole log", || async {
        let (_, ready) = serve.readyz().await;
        let projections = &ready["detail"]["projections"];
        projections.as_object().is_some_and(|p| {
            !p.is_empty() && p.values().all(|s| s["position"].as_i64().or(s["applied"].as_i64()).unwrap_or(0) >= head)
        })
    })
    .await;
}

async fn kill9_under_eight_writers(backend: Backend) {
    // Arrange
    let db = TestDb::new(backend);
    let admin = db.officer("administrador");
    let attendant = db.officer("atendente");
    let mut serve = Serve::start(&db, &[]).await;
    register_operator(&serve.base, &admin).await;
    let before = db.scalar("SELECT COALESCE(MAX(position), 0) FROM events").await;

    // Act: eight writers; kill -9 the server once it acknowledged some acts; restart it.
    let load = Load::start(&serve.base, &attendant, 8);
    eventually(Duration::from_secs(30), "acts acknowledged before the kill", || async {
        load.count(Some(201)).await >= 40
    })
    .await;
    serve.kill9();
    let answers = load.finish().await;
    let serve = Serve::start(&db, &[]).await;

    // Assert: every acknowledged act is in the log exactly once, and nothing else is.
    let acknowledged = acknowledged(&answers);
    let stored: Vec<i64> = db.positions_after(before).await;
    let stored_set: BTreeSet<i64> = stored.iter().copied().collect();
    assert!(
        acknowledged.is_subset(&stored_set),
        "acknowledged acts missing from the log: {:?}",
        acknowledged.difference(&stored_set).collect::<Vec<_>>()
    );
    // What the log holds beyond the 201s can only be acts whose answer the kill cut off.
    let cut_off = answers.iter().filter(|(a, _)| a.status.is_none()).count();
    let events_per_act = positions(&answers.iter().find(|(a, _)| a.status == Some(201)).unwrap().0).len();
    assert!(stored_set.len() <= acknowledged.len() + cut_off * events_per_act, "the log holds acts nobody filed");
    eprintln!(
        "{backend:?} kill -9: {} acts answered 201, {} requests cut off, {} events in the log after the setup",
        answers.iter().filter(|(a, _)| a.status == Some(201)).count(),
        cut_off,
        stored_set.len()
    );
    let ids = db.event_ids().await;
    assert_eq!(ids.iter().collect::<BTreeSet<_>>().len(), ids.len(), "an event is in the log twice");
    caught_up(&serve, *stored.last().unwrap()).await;
    let replay = db.autos(&["replay", "--check"]);
    assert!(
        replay.status.success(),
        "replay --check: {}{}",
        String::from_utf8_lossy(&replay.stdout),
        String::from_utf8_lossy(&replay.stderr)
    );
    let verify = db.autos(&["verify"]);
    assert!(verify.status.success(), "verify: {}", String::from_utf8_lossy(&verify.stdout));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_kill9_under_eight_writers_loses_no_acknowledged_act() {
    kill9_under_eight_writers(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_kill9_under_eight_writers_loses_no_acknowledged_act() {
    kill9_under_eight_writers(Backend::Postgres).await;
}

/// Under load, `outage` takes the cluster down; writes must fail fast and recover by themselves.
async fn database_outage_under_load(
    cluster: &PgCluster,
    serve: &Serve,
    token: &str,
    outage: impl Fn(&PgCluster),
) -> Vec<(Answer, Duration)> {
    let load = Load::start(&serve.base, token, 4);
    eventually(Duration::from_secs(30), "acts acknowledged before the outage", || async {
        load.count(Some(201)).await >= 20
    })
    .await;
    outage(cluster);
    eventually(Duration::from_secs(30), "writes answered 503 while the database is down", || async {
        load.count(Some(503)).await >= 4
    })
    .await;
    assert_eq!(serve.readyz().await.0, 503, "/readyz while the database is down");
    tokio::time::sleep(Duration::from_secs(2)).await;
    cluster.start();
    let acknowledged_before = load.count(Some(201)).await;
    eventually(Duration::from_secs(60), "writes accepted again without a restart", || async {
        load.count(Some(201)).await >= acknowledged_before + 20
    })
    .await;
    eventually(Duration::from_secs(30), "ready again", || async { serve.readyz().await.0 == 200 }).await;
    let answers = load.finish().await;
    // No request hung: each was answered (or refused) within the pool's bound and a margin.
    let slowest = answers.iter().map(|(_, d)| *d).max().unwrap();
    assert!(slowest < Duration::from_secs(15), "a request took {slowest:?} during the outage");
    let statuses: BTreeSet<Option<u16>> = answers.iter().map(|(a, _)| a.status).collect();
    assert!(statuses.iter().all(|s| matches!(s, Some(201 | 503))), "statuses seen: {statuses:?}");
    let count = |status| answers.iter().filter(|(a, _)| a.status == Some(status)).count();
    eprintln!("outage: {} answered 201, {} answered 503, slowest answer {slowest:?}", count(201), count(503));
    answers
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_stopped_and_killed_under_load_answers_503_and_recovers_without_restart() {
    // Arrange: a cluster of the test's own, so that stopping it disturbs no other test.
    let cluster = PgCluster::start_temp();
    let db = TestDb::at(Backend::Postgres, cluster.create_database("autos_outage"));
    let admin = db.officer("administrador");
    let attendant = db.officer("atendente");
    let serve = Serve::start(&db, &[]).await;
    register_operator(&serve.base, &admin).await;
    let before = db.scalar("SELECT COALESCE(MAX(position), 0) FROM events").await;

    // Act: a clean stop, then a crash of the postmaster, each under load.
    let mut answers = database_outage_under_load(&cluster, &serve, &attendant, PgCluster::stop).await;
    answers.extend(database_outage_under_load(&cluster, &serve, &attendant, PgCluster::kill9).await);

    // Assert: every acknowledged act survived both outages.
    let acknowledged = acknowledged(&answers);
    let stored: BTreeSet<i64> = db.positions_after(before).await.into_iter().collect();
    assert!(
        acknowledged.is_subset(&stored),
        "acknowledged acts missing: {:?}",
        acknowledged.difference(&stored).collect::<Vec<_>>()
    );
    let verify = db.autos(&["verify"]);
    assert!(verify.status.success(), "verify: {}", String::from_utf8_lossy(&verify.stdout));
}
