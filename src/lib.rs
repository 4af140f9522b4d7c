//! The end-to-end harness: an Autos server on an ephemeral port over a fresh database of
//! either backend (the same router and projection runner `autos serve` starts), officers of
//! every role with their tokens, a small HTTP client that speaks the API's JSON, and page
//! sessions signed in as a browser signs in ([`Server::sign_in`]); [`browser`] drives headless
//! Chromium for the page tests.

pub mod browser;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use autos_api::{router, AppState};
use autos_app::officers;
use autos_domain::Role;
use autos_projections::runner::{self, RunState, StatusBoard};
use autos_store::testing::Subject;
use autos_store::EventStore;
use reqwest::{Method, StatusCode};
use serde_json::Value;

/// How long `settle` waits for the read models to move at all. A page of the runner is 5,000
/// events, and in a debug build on two cores, while the demonstration loads beside it, one page
/// of its sanctioning processes took more than 120 s on PostgreSQL.
const STALL_LIMIT: Duration = Duration::from_secs(600);

/// A running server and everything a test needs to talk to it.
pub struct Server {
    pub base: String,
    pub subject: Subject,
    pub board: StatusBoard,
    pub tokens: BTreeMap<Role, String>,
    client: reqwest::Client,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

/// An answer: status, JSON body (Null when the body is not JSON) and the body as text.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub body: Value,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
}

/// A page session, signed in at `/entrar` as a browser signs in.
#[derive(Debug, Clone)]
pub struct PageSession {
    /// The `cookie` header that signs a request by the session (`autos_sessao=…`).
    pub cookie: String,
    /// The session's CSRF token, as its pages carry it (`_csrf`, or the `x-csrf-token` header).
    pub csrf: String,
}

impl Server {
    /// Starts a server over `subject` with one officer per role.
    pub async fn start(subject: Subject) -> Server {
        let store = subject.store();
        let mut tokens = BTreeMap::new();
        for role in Role::ALL {
            let (_, token) =
                officers::add(&store.database(), &format!("Servidor {}", role.as_str()), role).await.unwrap();
            tokens.insert(role, token);
        }
        let board = StatusBoard::default();
        let mut tasks = Vec::new();
        for projection in autos_projections::all() {
            tasks.push(tokio::spawn(runner::run_projection(store.clone(), projection, board.clone())));
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let rules = Arc::new(autos_domain::testing::rule_book_configured_for_tests());
        let master = autos_store::personal::MasterKey::generate();
        let app = router(AppState::new(store, board.clone(), None, rules, master));
        tasks.push(tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        }));
        Server { base, subject, board, tokens, client: reqwest::Client::new(), tasks }
    }

    pub fn store(&self) -> Arc<dyn EventStore> {
        self.subject.store()
    }

    /// The backend's name, for artifacts kept per backend (`sqlite`, `postgres`).
    pub fn backend(&self) -> &'static str {
        match self.subject {
            Subject::Sqlite(..) => "sqlite",
            Subject::Postgres(..) => "postgres",
        }
    }

    /// Sends a request as `role` (None: anonymous) with an optional JSON body and headers.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        role: Option<Role>,
        body: Option<&Value>,
        headers: &[(&str, &str)],
    ) -> Answer {
        let mut request = self.client.request(method, format!("{}{path}", self.base));
        if let Some(role) = role {
            request = request.bearer_auth(&self.tokens[&role]);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap();
        Answer { status, body: serde_json::from_str(&text).unwrap_or(Value::Null), headers, text }
    }

    pub async fn get(&self, path: &str, role: Option<Role>) -> Answer {
        self.call(Method::GET, path, role, None, &[]).await
    }

    pub async fn post(&self, path: &str, role: Role, body: &Value) -> Answer {
        self.call(Method::POST, path, Some(role), Some(body), &[]).await
    }

    /// Sends raw bytes (malformed bodies) as `role`.
    pub async fn post_raw(&self, path: &str, role: Role, content_type: &str, body: Vec<u8>) -> Answer {
        let response = self
            .client
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.tokens[&role])
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap();
        Answer { status, body: serde_json::from_str(&text).unwrap_or(Value::Null), headers, text }
    }

    /// Signs in at `/entrar` with `token`: the session cookie the answer sets, and the CSRF token a
    /// page signed by it carries (its `autos-csrf` meta).
    pub async fn sign_in(&self, token: &str) -> PageSession {
        let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let answer = client.post(format!("{}/entrar", self.base)).form(&[("token", token)]).send().await.unwrap();
        assert_eq!(answer.status(), StatusCode::SEE_OTHER, "signed in");
        let cookie = answer
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok()?.split(';').next())
            .find(|pair| pair.starts_with("autos_sessao="))
            .expect("a session cookie")
            .to_owned();
        let page = client.get(format!("{}/operadoras", self.base)).header("cookie", &cookie).send().await.unwrap();
        let html = page.text().await.unwrap();
        let csrf = html
            .split_once("<meta name=\"autos-csrf\" content=\"")
            .and_then(|(_, rest)| rest.split_once('"'))
            .map(|(token, _)| token.to_owned())
            .expect("the page names the session's CSRF token");
        PageSession { cookie, csrf }
    }

    /// Number of events in the log (what "nothing stored" is checked against).
    pub async fn event_count(&self) -> i64 {
        self.subject.event_count().await
    }

    /// Waits until the read models have applied everything in the log, for as long as they
    /// keep moving (a large history takes a while); fails after `STALL_LIMIT` without progress, which
    /// leaves room for PostgreSQL's visible head to wait on an older transaction of another
    /// test in the same cluster.
    pub async fn settle(&self) {
        let head = self.subject.max_position().await;
        let slowest = || {
            self.board
                .read()
                .unwrap()
                .values()
                .map(|s| match s {
                    RunState::Running { position, .. } => *position,
                    _ => 0,
                })
                .min()
                .unwrap_or(0)
        };
        let mut last = (slowest(), std::time::Instant::now());
        loop {
            let position = slowest();
            if position >= head {
                return;
            }
            if position > last.0 {
                last = (position, std::time::Instant::now());
            } else if last.1.elapsed() > STALL_LIMIT {
                panic!("read models did not catch up to {head}: {:?}", self.board.read().unwrap());
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    pub async fn finish(self) {
        for task in self.tasks {
            task.abort();
        }
        self.subject.finish().await;
    }
}

/// Defines each `async fn(&Server)` written inside it and runs it once against a server on
/// SQLite and once on PostgreSQL, so a test cannot be defined and forgotten:
///
/// ```text
/// autos_e2e::e2e_on_both_backends!(
///     /// Doc comments and other attributes stay on the function.
///     async fn an_act_is_appended(server: &Server) { … }
/// );
/// ```
#[macro_export]
macro_rules! e2e_on_both_backends {
    ($($(#[$meta:meta])* async fn $test:ident($server:ident: $ty:ty $(,)?) $body:block)+) => {
        $($(#[$meta])* async fn $test($server: $ty) $body)+
        $crate::e2e_on_both_backends!(@run $($test),+);
    };
    (@run $($test:ident),+) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $test() {
                let server = $crate::Server::start(autos_store::testing::sqlite_subject().await).await;
                super::$test(&server).await;
                server.finish().await;
            })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $test() {
                let server = $crate::Server::start(autos_store::testing::postgres_subject().await).await;
                super::$test(&server).await;
                server.finish().await;
            })*
        }
    };
}
