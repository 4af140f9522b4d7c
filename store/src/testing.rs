//! Test support shared by every crate's tests (feature `testing`): a fresh database on either
//! backend — a temporary SQLite file or a PostgreSQL database `autos_t_<uuid>` created at
//! `AUTOS_TEST_PG_URL` and dropped afterwards — with the raw access tampering tests need, and
//! `on_both_backends!`, which defines test functions and runs each once per backend.

use std::sync::Arc;
use std::time::Duration;

use uuid::Uuid;

use crate::postgres::PgStore;
use crate::sqlite::SqliteStore;
use crate::{AppendBatch, AppendOutcome, EventStore, StoreError};

/// One backend under test, with the raw access the tampering tests need.
pub enum Subject {
    Sqlite(Arc<SqliteStore>, std::path::PathBuf),
    Postgres(Arc<PgStore>, String),
}

impl Subject {
    pub fn store(&self) -> Arc<dyn EventStore> {
        match self {
            Subject::Sqlite(s, _) => s.clone(),
            Subject::Postgres(s, _) => s.clone(),
        }
    }

    pub async fn append_holding(&self, batch: AppendBatch, hold: Duration) -> Result<AppendOutcome, StoreError> {
        match self {
            Subject::Sqlite(s, _) => s.append_holding(batch, hold).await,
            Subject::Postgres(s, _) => s.append_holding(batch, hold).await,
        }
    }

    /// Runs SQL against the log and its audit tables with their append-only triggers out of the
    /// way, as an attacker with database access would: on SQLite by dropping them, on PostgreSQL
    /// with `session_replication_role = replica`, which fires no trigger.
    pub async fn tamper(&self, statements: &[&str]) {
        const SQLITE_TRIGGERS: [&str; 13] = [
            "events_no_update",
            "events_no_delete",
            "seal_checkpoints_no_update",
            "seal_checkpoints_no_delete",
            "tree_heads_no_update",
            "tree_heads_no_delete",
            "tree_heads_no_replace",
            "position_gaps_no_update",
            "position_gaps_no_delete",
            "position_gaps_no_replace",
            "personal_data_reads_no_update",
            "personal_data_reads_no_delete",
            "personal_data_reads_no_replace",
        ];
        match self {
            Subject::Sqlite(s, _) => {
                let pool = s.writer_pool();
                for trigger in SQLITE_TRIGGERS {
                    sqlx::query(&format!("DROP TRIGGER IF EXISTS {trigger}")).execute(pool).await.unwrap();
                }
                for sql in statements {
                    sqlx::query(sql).execute(pool).await.expect(sql);
                }
            }
            Subject::Postgres(s, _) => {
                let mut tx = s.pool().begin().await.unwrap();
                // Tampering is the owner's doing: the application role may not.
                sqlx::query("SET LOCAL ROLE NONE").execute(&mut *tx).await.unwrap();
                sqlx::query("SET LOCAL session_replication_role = replica").execute(&mut *tx).await.unwrap();
                for sql in statements {
                    sqlx::query(sql).execute(&mut *tx).await.expect(sql);
                }
                tx.commit().await.unwrap();
            }
        }
    }

    /// `bytes` as a literal of this backend's SQL.
    pub fn bytes_literal(&self, bytes: &[u8]) -> String {
        match self {
            Subject::Sqlite(..) => format!("X'{}'", hex::encode(bytes)),
            Subject::Postgres(..) => format!("'\\x{}'::bytea", hex::encode(bytes)),
        }
    }

    pub async fn raw(&self, sql: &str) -> Result<(), sqlx::Error> {
        match self {
            Subject::Sqlite(s, _) => sqlx::query(sql).execute(s.writer_pool()).await.map(|_| ()),
            Subject::Postgres(s, _) => sqlx::query(sql).execute(s.pool()).await.map(|_| ()),
        }
    }

    /// The highest position written, whether or not readers may see it yet (on PostgreSQL the
    /// visible head lags while any transaction in the cluster is older than the last append).
    pub async fn max_position(&self) -> i64 {
        self.scalar("SELECT COALESCE(MAX(position), 0) FROM events").await
    }

    /// Every event written, visible to readers yet or not.
    pub async fn event_count(&self) -> i64 {
        self.scalar("SELECT COUNT(*) FROM events").await
    }

    /// The one integer `sql` selects.
    pub async fn scalar(&self, sql: &str) -> i64 {
        match self {
            Subject::Sqlite(s, _) => sqlx::query_scalar(sql).fetch_one(s.writer_pool()).await.unwrap(),
            Subject::Postgres(s, _) => sqlx::query_scalar(sql).fetch_one(s.pool()).await.unwrap(),
        }
    }

    pub async fn finish(self) {
        match self {
            Subject::Sqlite(s, path) => {
                s.writer_pool().close().await;
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Subject::Postgres(s, name) => {
                s.pool().close().await;
                let admin = admin_pool().await;
                sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&admin).await.unwrap();
            }
        }
    }
}

/// Waits until catch-up readers see `position` (on PostgreSQL another test's open transaction
/// holds the visible head back for a moment, never past an event).
///
/// # Panics
/// When the position does not become visible within ten seconds.
pub async fn wait_visible(store: &dyn EventStore, position: i64) {
    for _ in 0..1000 {
        if !store.read_all(position - 1, 1).await.unwrap().is_empty() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("position {position} never became visible");
}

/// The PostgreSQL server tests create their databases on.
pub fn pg_admin_url() -> String {
    std::env::var("AUTOS_TEST_PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

async fn admin_pool() -> sqlx::PgPool {
    sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .connect(&pg_admin_url())
        .await
        .expect("PostgreSQL must be reachable at AUTOS_TEST_PG_URL for the conformance suite")
}

/// A fresh SQLite store in a temporary file.
pub async fn sqlite_subject() -> Subject {
    let path = std::env::temp_dir().join(format!("autos-store-{}.db", Uuid::new_v4()));
    let store = SqliteStore::open(path.to_str().unwrap()).await.unwrap();
    Subject::Sqlite(Arc::new(store), path)
}

/// A fresh PostgreSQL store in a database of its own.
pub async fn postgres_subject() -> Subject {
    let name = format!("autos_t_{}", Uuid::new_v4().simple());
    let admin = admin_pool().await;
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&admin).await.unwrap();
    let base = pg_admin_url();
    let url = format!("{}/{name}", base.rsplit_once('/').unwrap().0);
    let store = PgStore::open(&url, 12).await.unwrap();
    Subject::Postgres(Arc::new(store), name)
}

/// Runs test functions once on SQLite and once on PostgreSQL, each on a fresh database.
///
/// Give it the test functions themselves, and it defines them and one `#[tokio::test]` per
/// backend for each, so no test can be written and left out of the run:
/// ```text
/// autos_store::on_both_backends!(
///     /// Doc comments and other attributes stay on the function.
///     async fn appends_atomically(s: &Subject) { … }
///     async fn reads_back(s: &Subject) { … }
/// );
/// ```
/// (In parentheses, rustfmt formats the functions as it would outside the macro.)
#[macro_export]
macro_rules! on_both_backends {
    ($($(#[$meta:meta])* async fn $test:ident($subject:ident: $ty:ty $(,)?) $body:block)+) => {
        $($(#[$meta])* async fn $test($subject: $ty) $body)+
        $crate::on_both_backends!(@run $($test),+);
    };
    (@run $($test:ident),+) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $test() {
                let subject = $crate::testing::sqlite_subject().await;
                super::$test(&subject).await;
                subject.finish().await;
            })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $test() {
                let subject = $crate::testing::postgres_subject().await;
                super::$test(&subject).await;
                subject.finish().await;
            })*
        }
    };
}
