//! autos-store: the Autos event store over sqlx, one trait and two backends (SQLite, the
//! embedded default, and PostgreSQL for production).
//!
//! It owns the event log and everything that keeps it trustworthy: atomic multi-stream appends
//! with optimistic concurrency, idempotency by event id, a global order that catch-up readers
//! never skip, database-enforced append-only tables, per-stream hash chains and seal
//! checkpoints, and crypto-shredding of personal data. It knows nothing about the regulatory
//! domain: payloads are JSON objects with a stable `event_type`.
//!
//! # Layout
//! - [`model`]: envelope, append request and validation.
//! - `append`: the append algorithm both backends share (heads, hashes, conflicts).
//! - [`sqlite`], [`postgres`]: the SQL only one backend has (the append, position draws, the
//!   event columns, `read_all`'s horizon); the ordering technique is documented in `postgres`.
//! - `tables`: the SQL both backends share, written once (seal checkpoints and gaps, subject
//!   keys, the personal-data read log, stream heads and versions, the ping).
//! - [`hashing`]: canonical encoding and hashes; [`integrity`]: seal and verify.
//! - [`merkle`]: the RFC 9162 Merkle tree and its proofs (pure); [`tree_heads`]: signed tree
//!   heads over the log, the signing key and keyring files, the witness, receipts.
//! - [`personal`]: per-subject keys, encryption and `forget` (LGPD).
//! - [`health`]: whether writes reach the database (for readiness), and the write probe.
//! - [`subscription`]: catch-up reading that wakes on commits and falls back to polling.
//! - `testing` (feature): fresh databases on both backends for every crate's tests.

mod append;
mod error;
mod group_commit;
pub mod hashing;
pub mod health;
pub mod integrity;
pub mod merkle;
pub mod model;
pub mod personal;
pub mod postgres;
pub mod sqlite;
pub mod subscription;
mod tables;
#[cfg(feature = "testing")]
pub mod testing;
pub mod tree_heads;
pub mod witness;

use std::collections::HashSet;
use std::sync::Arc;

use async_trait::async_trait;
use uuid::Uuid;

pub use error::{is_unreachable, StoreError};
pub use model::{
    validate_stream_id, AppendBatch, AppendOutcome, Checkpoint, Cut, ExpectedVersion, NewEvent, PositionGap,
    Provenance, StoredEvent, StreamAppend, TreeHead,
};

/// The stream ids of `ids`, each once (a stream named twice is read once).
fn distinct(ids: &[String]) -> Vec<String> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// Runs `work` as its own task on the runtime and waits for it. Reads that decode thousands of
/// rows use it so that the decoding (and freeing sqlx's row copies) runs on a worker thread
/// while the caller's thread goes on with its own work, which is what lets the projection
/// runner read, apply and write in parallel. A panic in `work` is resumed in the caller.
///
/// # Errors
/// Those of `work`; `Database(WorkerCrashed)` when the runtime shuts down under it.
pub async fn on_worker<T, E>(work: impl std::future::Future<Output = Result<T, E>> + Send + 'static) -> Result<T, E>
where
    T: Send + 'static,
    E: From<StoreError> + Send + 'static,
{
    match tokio::spawn(work).await {
        Ok(result) => result,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(_) => Err(StoreError::Database(sqlx::Error::WorkerCrashed).into()),
    }
}

/// One read of a data subject's personal data, as logged (LGPD art. 37).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PersonalRead {
    pub id: i64,
    pub subject_id: Uuid,
    pub reader_id: Uuid,
    pub reader_role: String,
    pub purpose: String,
    pub read_at: chrono::DateTime<chrono::Utc>,
}

/// The state of a data subject's key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubjectKey {
    Absent,
    Live(Vec<u8>),
    Destroyed,
}

/// The raw connection pools, for the read models that live beside the log.
#[derive(Debug, Clone)]
pub enum Database {
    /// SQLite has one writer connection (shared with appends) and a pool of readers.
    Sqlite {
        writer: sqlx::SqlitePool,
        reader: sqlx::SqlitePool,
    },
    Postgres(sqlx::PgPool),
}

/// Runs `$body` once per backend with `$pool` bound to the SQLite reader or writer pool, or to
/// the PostgreSQL pool: SQL written once (portable text, `$n` placeholders) and type-checked
/// against both drivers. Used by the tables that live beside the log (read models, officers).
#[macro_export]
macro_rules! on_db {
    ($db:expr, read, |$pool:ident| $body:expr) => {
        match $db {
            $crate::Database::Sqlite { reader: $pool, .. } => $body,
            $crate::Database::Postgres($pool) => $body,
        }
    };
    ($db:expr, write, |$pool:ident| $body:expr) => {
        match $db {
            $crate::Database::Sqlite { writer: $pool, .. } => $body,
            $crate::Database::Postgres($pool) => $body,
        }
    };
}

/// The store contract; both backends pass the same conformance suite. The provided methods
/// are the one SQL path both backends share (`tables`); a backend implements only what its SQL
/// does its own way.
#[async_trait]
pub trait EventStore: Send + Sync + 'static {
    /// `sqlite` or `postgres`.
    fn backend_name(&self) -> &'static str;
    /// The pool, for read models and operational checks.
    fn database(&self) -> Database;

    /// Appends to one or several streams in one transaction.
    ///
    /// # Errors
    /// `InvalidInput`, `Conflict` (nothing written), `IdempotencyMismatch`, `Database`.
    async fn append(&self, batch: AppendBatch) -> Result<AppendOutcome, StoreError>;

    /// Appends several batches, each with its own provenance, in one transaction: all are
    /// written or none (bulk loads, where one commit per act would dominate). A stream an
    /// earlier batch of the call writes is checked against the version that batch leaves.
    /// Outcomes are in batch order.
    ///
    /// # Errors
    /// As [`EventStore::append`], for the first batch that fails.
    async fn append_many(&self, batches: Vec<AppendBatch>) -> Result<Vec<AppendOutcome>, StoreError>;

    /// Events of one stream from `from_version` (inclusive), in version order.
    async fn read_stream(&self, stream_id: &str, from_version: i64) -> Result<Vec<StoredEvent>, StoreError>;

    /// The events of every stream of `stream_ids` that `cut` admits, in position order, read at
    /// once (time travel folds an operator's stream and each of its cases' streams: one query
    /// instead of one per case).
    async fn read_streams(&self, stream_ids: &[String], cut: Cut) -> Result<Vec<StoredEvent>, StoreError>;

    /// Up to `limit` events after `after_position`, in position order, never past an event that
    /// could still become visible below a returned one.
    async fn read_all(&self, after_position: i64, limit: i64) -> Result<Vec<StoredEvent>, StoreError>;

    /// The position of the last event `read_all` can return now (0 for an empty log).
    async fn head_position(&self) -> Result<i64, StoreError>;

    /// A stream's last version (0 when it has no events).
    async fn stream_version(&self, stream_id: &str) -> Result<i64, StoreError> {
        tables::stream_version(&self.database(), stream_id).await
    }

    /// Which of `stream_ids` have events (bulk imports asking, for a thousand rows at a time,
    /// which were recorded by an earlier run).
    async fn existing_streams(&self, stream_ids: &[String]) -> Result<HashSet<String>, StoreError> {
        tables::existing_streams(&self.database(), stream_ids).await
    }

    /// A counter that changes whenever a commit may have made new events visible.
    fn commits(&self) -> tokio::sync::watch::Receiver<u64>;

    /// Whether the latest append (or write probe) reached the database.
    fn write_health(&self) -> &health::WriteHealth;

    /// All seal checkpoints, oldest first.
    async fn checkpoints(&self) -> Result<Vec<Checkpoint>, StoreError> {
        tables::checkpoints(&self.database()).await
    }
    /// Records a checkpoint and the gaps it proved; false when another sealer got there first.
    async fn record_checkpoint(&self, checkpoint: &Checkpoint, gaps: &[PositionGap]) -> Result<bool, StoreError> {
        tables::record_checkpoint(&self.database(), checkpoint, gaps).await
    }
    /// Every signed tree head, smallest tree first.
    async fn tree_heads(&self) -> Result<Vec<TreeHead>, StoreError> {
        tables::tree_heads(&self.database()).await
    }
    /// The signed tree head of the largest tree, if any.
    async fn latest_tree_head(&self) -> Result<Option<TreeHead>, StoreError> {
        tables::latest_tree_head(&self.database()).await
    }
    /// Records a signed tree head; false when one of that size was already recorded.
    async fn record_tree_head(&self, head: &TreeHead) -> Result<bool, StoreError> {
        tables::record_tree_head(&self.database(), head).await
    }
    /// Every recorded gap, in position order.
    async fn gaps(&self) -> Result<Vec<PositionGap>, StoreError> {
        tables::gaps(&self.database()).await
    }

    /// Stores each wrapped data key unless its subject has one, a thousand to a statement;
    /// returns the subjects whose key this call stored.
    async fn insert_subject_keys(&self, keys: &[(Uuid, Vec<u8>)]) -> Result<HashSet<Uuid>, StoreError> {
        tables::insert_subject_keys(&self.database(), keys).await
    }
    async fn subject_key(&self, subject: Uuid) -> Result<SubjectKey, StoreError> {
        tables::subject_key(&self.database(), subject).await
    }
    /// Destroys the key; true when a live key was destroyed.
    async fn destroy_subject_key(&self, subject: Uuid) -> Result<bool, StoreError> {
        tables::destroy_subject_key(&self.database(), subject).await
    }
    async fn log_personal_read(
        &self,
        subject: Uuid,
        reader: Uuid,
        role: &str,
        purpose: &str,
    ) -> Result<(), StoreError> {
        tables::log_personal_read(&self.database(), subject, reader, role, purpose).await
    }

    /// The personal-data read log, newest first: up to `limit` reads with an id below `before`
    /// (for the next page, the last id seen).
    async fn personal_reads(&self, before: Option<i64>, limit: i64) -> Result<Vec<PersonalRead>, StoreError> {
        tables::personal_reads(&self.database(), before, limit).await
    }

    /// Cheap liveness check of the database.
    async fn ping(&self) -> Result<(), StoreError> {
        tables::ping(&self.database()).await
    }
}

/// Opens the store named by `url` and applies pending migrations.
/// `postgres://…` selects PostgreSQL; `sqlite://…`, `sqlite:…` or a plain path selects SQLite.
///
/// # Errors
/// `Database` when unreachable, `Migration` when the schema cannot be brought up to date.
pub async fn open(url: &str, max_connections: u32) -> Result<Arc<dyn EventStore>, StoreError> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(postgres::PgStore::open(url, max_connections).await?))
    } else {
        Ok(Arc::new(sqlite::SqliteStore::open(url).await?))
    }
}
