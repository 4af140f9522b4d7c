//! The fault suite's harness: real `autos serve` processes (the binary cargo built for these
//! tests) over a fresh database of either backend, so that a test can do to them what an
//! operator of the system meets — `kill -9`, `SIGSTOP`, a database stopped under load, a full
//! disk — and then look at what the clients were told and what the log holds.
//!
//! Each test file includes it with `mod support;`; not every file uses every helper.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use uuid::Uuid;

/// The `autos` binary under test.
pub const AUTOS: &str = env!("CARGO_BIN_EXE_autos");

/// The two backends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The PostgreSQL server tests create their databases on.
pub fn pg_admin_url() -> String {
    std::env::var("AUTOS_TEST_PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// Runs `psql` against `url` and returns its trimmed output.
///
/// # Panics
/// When psql fails.
pub fn psql(url: &str, sql: &str) -> String {
    let out = Command::new("psql").args([url, "-Atqc", sql]).output().expect("psql must be installed");
    assert!(out.status.success(), "psql {sql}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// A fresh database and a working directory of its own (master key, backups), removed on drop.
pub struct TestDb {
    pub backend: Backend,
    pub url: String,
    pub dir: PathBuf,
    pg_name: Option<String>,
}

impl TestDb {
    /// A new, empty database on `backend`; SQLite's file lives in `dir` (a tmpfs, in the disk
    /// tests) or in a new temporary directory.
    pub fn new(backend: Backend) -> TestDb {
        let dir = std::env::temp_dir().join(format!("autos-fault-{}", Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        TestDb::in_dir(backend, dir)
    }

    /// As [`TestDb::new`] with the working directory (and SQLite's file) in `dir`.
    pub fn in_dir(backend: Backend, dir: PathBuf) -> TestDb {
        match backend {
            Backend::Sqlite => {
                let url = dir.join("autos.db").display().to_string();
                TestDb { backend, url, dir, pg_name: None }
            }
            Backend::Postgres => {
                let name = format!("autos_t_{}", Uuid::new_v4().simple());
                psql(&pg_admin_url(), &format!("CREATE DATABASE {name}"));
                TestDb { backend, url: pg_url_of(&name), dir, pg_name: Some(name) }
            }
        }
    }

    /// A database the test made itself (on a [`PgCluster`] of its own): nothing is dropped but
    /// the directory.
    pub fn at(backend: Backend, url: String) -> TestDb {
        let dir = std::env::temp_dir().join(format!("autos-fault-{}", Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        TestDb { backend, url, dir, pg_name: None }
    }

    /// Runs the `autos` command line on this database, in its directory.
    pub fn autos(&self, args: &[&str]) -> Output {
        autos_in(&self.dir, &self.url, args)
    }

    /// [`TestDb::autos`] with extra environment.
    pub fn autos_with(&self, env: &[(&str, &str)], args: &[&str]) -> Output {
        let mut command = Command::new(AUTOS);
        command.args(args).current_dir(&self.dir).env("DATABASE_URL", &self.url).env("RUST_LOG", "warn");
        for (k, v) in env {
            command.env(k, v);
        }
        command.stdin(Stdio::null()).output().unwrap()
    }

    /// A new officer of `role` and its bearer token (the last line `officer add` prints).
    pub fn officer(&self, role: &str) -> String {
        let out = self.autos(&["officer", "add", "--name", &format!("Servidor {role}"), "--role", role]);
        assert!(out.status.success(), "officer add: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).lines().last().unwrap().trim().to_owned()
    }

    /// A count (or any integer) read straight from the database.
    pub async fn scalar(&self, sql: &str) -> i64 {
        self.scalar_text(sql).await.parse().unwrap()
    }

    /// One value read straight from the database, as text (sqlite3 CLI is not assumed: SQLite
    /// reads go through a throwaway sqlx connection).
    pub async fn scalar_text(&self, sql: &str) -> String {
        let sql = format!("SELECT CAST(({sql}) AS TEXT)");
        match self.backend {
            Backend::Postgres => psql(&self.url, &sql),
            Backend::Sqlite => {
                use sqlx::Connection;
                let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", self.url)).await.unwrap();
                let value: String = sqlx::query_scalar(&sql).fetch_one(&mut conn).await.unwrap();
                conn.close().await.unwrap();
                value
            }
        }
    }

    /// Runs `statements` with the append-only triggers of the log and its audit tables out of
    /// the way, as an attacker who holds the database would: on SQLite by dropping them, on
    /// PostgreSQL with `session_replication_role = replica`, which fires no trigger.
    pub async fn tamper(&self, statements: &[&str]) {
        match self.backend {
            Backend::Postgres => {
                let script = format!("SET session_replication_role = replica; {};", statements.join("; "));
                psql(&self.url, &script);
            }
            Backend::Sqlite => {
                use sqlx::Connection;
                let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", self.url)).await.unwrap();
                let triggers: Vec<String> = sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'trigger'")
                    .fetch_all(&mut conn)
                    .await
                    .unwrap();
                for trigger in triggers {
                    sqlx::query(&format!("DROP TRIGGER {trigger}")).execute(&mut conn).await.unwrap();
                }
                for sql in statements {
                    sqlx::query(sql).execute(&mut conn).await.expect(sql);
                }
                conn.close().await.unwrap();
            }
        }
    }

    /// Every position in the log after `after`, in order.
    pub async fn positions_after(&self, after: i64) -> Vec<i64> {
        let sql = format!("SELECT position FROM events WHERE position > {after} ORDER BY position");
        match self.backend {
            Backend::Postgres => psql(&self.url, &sql).lines().map(|l| l.parse().unwrap()).collect(),
            Backend::Sqlite => {
                use sqlx::Connection;
                let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", self.url)).await.unwrap();
                let rows: Vec<i64> = sqlx::query_scalar(&sql).fetch_all(&mut conn).await.unwrap();
                conn.close().await.unwrap();
                rows
            }
        }
    }

    /// Every event id in the log, in position order.
    pub async fn event_ids(&self) -> Vec<Uuid> {
        match self.backend {
            Backend::Postgres => psql(&self.url, "SELECT event_id FROM events ORDER BY position")
                .lines()
                .map(|l| l.parse().unwrap())
                .collect(),
            Backend::Sqlite => {
                use sqlx::Connection;
                let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", self.url)).await.unwrap();
                let rows: Vec<Vec<u8>> = sqlx::query_scalar("SELECT event_id FROM events ORDER BY position")
                    .fetch_all(&mut conn)
                    .await
                    .unwrap();
                conn.close().await.unwrap();
                rows.iter().map(|b| Uuid::from_slice(b).unwrap()).collect()
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(name) = &self.pg_name {
            let _ = Command::new("psql")
                .args([&pg_admin_url(), "-qc", &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")])
                .output();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The URL of database `name` on the test server.
pub fn pg_url_of(name: &str) -> String {
    let admin = pg_admin_url();
    format!("{}/{name}", admin.rsplit_once('/').unwrap().0)
}

/// Runs `autos ARGS` on `url` with `dir` as working directory (where the master key lives).
pub fn autos_in(dir: &Path, url: &str, args: &[&str]) -> Output {
    Command::new(AUTOS)
        .args(args)
        .current_dir(dir)
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// A free TCP port on the loopback interface.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// One `autos serve` process.
pub struct Serve {
    pub base: String,
    child: Child,
    pub log: PathBuf,
}

impl Serve {
    /// Starts `autos serve` on `db` with extra environment, and waits until `/healthz` answers.
    pub async fn start(db: &TestDb, env: &[(&str, &str)]) -> Serve {
        let port = free_port();
        // Beside, not inside, the database's directory: that one may be a full disk.
        let log = std::env::temp_dir().join(format!("autos-serve-{}.log", Uuid::new_v4().simple()));
        let mut command = Command::new(AUTOS);
        command
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .current_dir(&db.dir)
            .env("DATABASE_URL", &db.url)
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&log).unwrap())
            .stderr(std::fs::File::options().append(true).open(&log).unwrap());
        for (k, v) in env {
            command.env(k, v);
        }
        let child = command.spawn().unwrap();
        let serve = Serve { base: format!("http://127.0.0.1:{port}"), child, log };
        serve.wait_healthy(Duration::from_secs(60)).await;
        serve
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    async fn wait_healthy(&self, within: Duration) {
        let client = client();
        let deadline = Instant::now() + within;
        while Instant::now() < deadline {
            if let Ok(r) = client.get(format!("{}/healthz", self.base)).send().await {
                if r.status().is_success() {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("autos serve did not come up; its log:\n{}", self.log_text());
    }

    /// What the server wrote to its log so far.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// `kill -9`: no shutdown, no flush, nothing.
    pub fn kill9(&mut self) {
        signal(self.pid(), "KILL");
        let _ = self.child.wait();
    }

    /// `SIGSTOP`: the process hangs with every socket and lock it holds.
    pub fn stop(&self) {
        signal(self.pid(), "STOP");
    }

    /// `SIGCONT`.
    pub fn resume(&self) {
        signal(self.pid(), "CONT");
    }

    /// `/readyz` as JSON, whatever its status.
    pub async fn readyz(&self) -> (u16, Value) {
        let r = client()
            .get(format!("{}/readyz", self.base))
            .send()
            .await
            .unwrap_or_else(|e| panic!("/readyz: {e}; the server's log:\n{}", self.log_text()));
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        signal(self.pid(), "CONT");
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.log);
    }
}

fn signal(pid: u32, name: &str) {
    let _ = Command::new("kill").args([&format!("-{name}"), &pid.to_string()]).stderr(Stdio::null()).status();
}

/// An HTTP client with a bounded timeout per request (a fault must not hang a test).
pub fn client() -> reqwest::Client {
    reqwest::Client::builder().timeout(Duration::from_secs(20)).build().unwrap()
}

/// An answer: status (None when the request itself failed: refused, reset, timed out) and body.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: Option<u16>,
    pub body: Value,
}

/// POSTs `body` to `base + path` with `token`, and optional extra headers.
pub async fn post(
    client: &reqwest::Client,
    base: &str,
    path: &str,
    token: &str,
    body: &Value,
    headers: &[(&str, &str)],
) -> Answer {
    let mut request = client.post(format!("{base}{path}")).bearer_auth(token).json(body);
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    match request.send().await {
        Ok(r) => {
            let status = r.status().as_u16();
            Answer { status: Some(status), body: r.json().await.unwrap_or(Value::Null) }
        }
        Err(_) => Answer { status: None, body: Value::Null },
    }
}

/// The registro of the operator [`register_operator`] creates.
pub const REGISTRO: &str = "326305";

/// Registers the suite's operator through the API.
pub async fn register_operator(base: &str, admin_token: &str) {
    let body = serde_json::json!({
        "registro": REGISTRO, "cnpj": "11.222.333/0001-81", "razao_social": "Saúde Exemplo S.A.",
        "modalidade": "medicina_de_grupo", "uf": "SP", "registro_provisorio": false
    });
    let answer = post(&client(), base, "/api/v1/operadoras", admin_token, &body, &[]).await;
    assert_eq!(answer.status, Some(201), "{:?}", answer.body);
}

/// A Disque ANS demanda on the suite's operator: the act an attendant files most often.
pub fn demanda() -> Value {
    serde_json::json!({"act": "registrar_demanda_disque_ans", "registro": REGISTRO, "tipo": "denuncia",
        "tema": "aumento_de_mensalidade", "canal": "telefone"})
}

/// The event positions a 201 answer of `POST /api/v1/casos` reports.
pub fn positions(answer: &Answer) -> Vec<i64> {
    answer.body["events"]
        .as_array()
        .map(|e| e.iter().filter_map(|e| e["position"].as_i64()).collect())
        .unwrap_or_default()
}

/// Waits until `check` holds, polling, or panics with `what` after `within`.
pub async fn eventually<F, Fut>(within: Duration, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("{what}: not within {within:?}");
}

/// A PostgreSQL 15 cluster of the test's own, on a free port, in a temporary directory owned
/// by the `postgres` user (initdb refuses root): a database that a test may stop, kill, fill
/// or restore into without touching the shared server. Stopped and removed on drop.
pub struct PgCluster {
    pub port: u16,
    pub data: PathBuf,
}

/// Where Debian puts PostgreSQL 15's server programs.
const PG_BIN: &str = "/usr/lib/postgresql/15/bin";

fn as_postgres(program: &str, args: &[&str]) -> Output {
    Command::new("runuser")
        .args(["-u", "postgres", "--", &format!("{PG_BIN}/{program}")])
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

impl PgCluster {
    /// Creates and starts a cluster in `data` (which must not exist yet, or be empty).
    pub fn start_in(data: PathBuf) -> PgCluster {
        std::fs::create_dir_all(&data).unwrap();
        let chown = Command::new("chown").args(["-R", "postgres:postgres", &data.display().to_string()]).status();
        assert!(chown.unwrap().success());
        let d = data.display().to_string();
        let init = as_postgres("initdb", &["-D", &d, "-A", "trust", "-U", "postgres", "--no-sync"]);
        assert!(init.status.success(), "initdb: {}", String::from_utf8_lossy(&init.stderr));
        let cluster = PgCluster { port: free_port(), data };
        cluster.start();
        cluster
    }

    /// A cluster in a new temporary directory.
    pub fn start_temp() -> PgCluster {
        let base = std::env::temp_dir().join(format!("autos-pg-{}", Uuid::new_v4().simple()));
        PgCluster::start_in(base.join("data"))
    }

    /// `pg_ctl start`, waiting until it accepts connections. After a `kill -9` the orphaned
    /// backends take a moment to notice and exit; until then the start is retried.
    pub fn start(&self) {
        let d = self.data.display().to_string();
        let options = format!("-p {} -k /tmp -c listen_addresses=127.0.0.1 -c fsync=on", self.port);
        let log = format!("{d}/server.log");
        let mut last = None;
        for _ in 0..20 {
            let out = as_postgres("pg_ctl", &["-D", &d, "-l", &log, "-o", &options, "-w", "-t", "60", "start"]);
            if out.status.success() {
                return;
            }
            last = Some(out);
            std::thread::sleep(Duration::from_millis(500));
        }
        let log_text = std::fs::read_to_string(&log).unwrap_or_default();
        panic!("pg_ctl start: {:?}\n{log_text}", last.map(|o| String::from_utf8_lossy(&o.stderr).into_owned()));
    }

    /// Whether the postmaster is up (`pg_ctl status`).
    pub fn is_running(&self) -> bool {
        as_postgres("pg_ctl", &["-D", &self.data.display().to_string(), "status"]).status.success()
    }

    /// `pg_ctl stop -m fast`: clients are disconnected, the cluster shuts down cleanly.
    pub fn stop(&self) {
        let d = self.data.display().to_string();
        let _ = as_postgres("pg_ctl", &["-D", &d, "-m", "fast", "-w", "stop"]);
    }

    /// `kill -9` of the postmaster: the cluster dies as on a power loss of the server process.
    pub fn kill9(&self) {
        let pid = std::fs::read_to_string(self.data.join("postmaster.pid")).unwrap_or_default();
        if let Some(pid) = pid.lines().next() {
            signal(pid.trim().parse().unwrap_or(0), "KILL");
        }
    }

    /// The admin URL of the cluster (database `postgres`).
    pub fn admin_url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Creates database `name` and returns its URL.
    pub fn create_database(&self, name: &str) -> String {
        psql(&self.admin_url(), &format!("CREATE DATABASE {name}"));
        format!("postgres://postgres@127.0.0.1:{}/{name}", self.port)
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        self.stop();
        if let Some(parent) = self.data.parent() {
            let _ = std::fs::remove_dir_all(parent);
        }
    }
}
