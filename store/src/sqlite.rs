//! SQLite backend: the embedded default. Here is the SQL only SQLite has (the append, the event
//! columns and their decoding); the statements both backends share are in `tables`.
//!
//! The file runs in WAL mode with `synchronous=FULL` (durability first), `recursive_triggers`
//! on (so `INSERT OR REPLACE` cannot bypass the append-only delete trigger) and `secure_delete`
//! on (a destroyed key does not linger in free pages). Writes go through a
//! pool of exactly one connection, so appends are serialised in-process instead of spinning on
//! SQLite's busy handler; reads use a separate pool and run concurrently under WAL. An append
//! is a single `INSERT` statement (its own transaction); work that needs several
//! statements runs under `BEGIN IMMEDIATE`. Because one writer holds the lock from the first
//! write to commit, the rowid position is assigned in commit order and never skips.
//!
//! # A failed commit never leaves the writer inside a transaction
//! When a `COMMIT` fails on a full disk, SQLite rolls the transaction back by itself; sqlx's
//! `ROLLBACK` on drop then fails ("no transaction is active") and sqlx goes on counting the
//! connection as one transaction deep. Its next `begin` would open a `SAVEPOINT` (which in
//! SQLite starts a real transaction), a failure inside that one rolls back only *to* the
//! savepoint, and every later single-statement append would join that never-committed
//! transaction: answered as stored, handed positions that are then given out again, and lost.
//! The writer pool therefore refuses, at acquire, a connection whose transaction count is not
//! zero: it is closed (SQLite rolls back whatever is open) and a fresh one is opened.

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteRow, SqliteSynchronous};
use sqlx::{QueryBuilder, Row, Sqlite, SqlitePool, TransactionManager};
use tokio::sync::watch;
use uuid::Uuid;

use crate::append::{self, AppendBackend, HeadCache, InsertFailure, PlannedAppend};
use crate::group_commit::GroupCommit;
use crate::health::WriteHealth;
use crate::{tables, AppendBatch, AppendOutcome, Cut, Database, EventStore, StoreError, StoredEvent};

/// The event columns, in the order `decode_row` reads them by index (no name lookup per column
/// and row: replays and verifications decode millions).
const COLUMNS: &str = "position, event_id, stream_id, stream_version, event_type, schema_version, \
    payload, occurred_on, recorded_at, actor_id, actor_role, legal_basis, document_ref, \
    correlation_id, causation_id, command, prev_hash, hash";

/// Rows per INSERT statement, below SQLite's bound-parameter limit.
const ROWS_PER_STATEMENT: usize = 1_000;

/// The SQLite event store.
pub struct SqliteStore {
    writer: SqlitePool,
    reader: SqlitePool,
    heads: HeadCache,
    group: GroupCommit,
    health: WriteHealth,
    commits: watch::Sender<u64>,
}

fn connect_options(url: &str) -> Result<SqliteConnectOptions, StoreError> {
    let url = if url.starts_with("sqlite:") { url.to_owned() } else { format!("sqlite://{url}") };
    Ok(SqliteConnectOptions::from_str(&url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .busy_timeout(Duration::from_secs(10))
        .foreign_keys(true)
        // `INSERT OR REPLACE` deletes the row it replaces; without recursive triggers SQLite
        // skips the delete trigger, so an append-only table could be rewritten that way.
        .pragma("recursive_triggers", "ON")
        // Deleted content (a destroyed subject key) is overwritten, not left in free pages.
        .pragma("secure_delete", "ON")
        // 64 MiB of pages per connection (the default is 2 MiB): the B-trees a rebuild and the
        // reads walk stay in memory instead of being read back from the file on every touch.
        .pragma("cache_size", "-65536")
        // Statement journals (an upsert of many rows keeps one, to undo just that statement)
        // in memory: on disk they were a write of every page the statement touched.
        .pragma("temp_store", "MEMORY")
        // The rows of a page cross from SQLite's worker thread in one go rather than 50 at a
        // time (the default), which halves the cost of reading the log in pages.
        .row_buffer_size(ROW_BUFFER))
}

/// Rows buffered between SQLite's worker thread and the reader: a page of `read_all`.
const ROW_BUFFER: usize = 5_000;

impl SqliteStore {
    /// Opens (creating if needed) the database file and applies migrations.
    ///
    /// # Errors
    /// `Database` or `Migration`.
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        let options = connect_options(url)?;
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .test_before_acquire(false)
            // See the module doc: never hand out a connection that sqlx believes is inside a
            // transaction when no transaction of ours is running.
            .before_acquire(|conn, _| {
                Box::pin(
                    async move { Ok(<Sqlite as sqlx::Database>::TransactionManager::get_transaction_depth(conn) == 0) },
                )
            })
            .connect_with(options.clone())
            .await?;
        sqlx::migrate!("../migrations/sqlite").run(&writer).await?;
        let reader = SqlitePoolOptions::new()
            .max_connections(4)
            .test_before_acquire(false)
            .connect_with(options.read_only(false))
            .await?;
        let (commits, _) = watch::channel(0);
        Ok(SqliteStore {
            writer,
            reader,
            heads: HeadCache::default(),
            group: GroupCommit::default(),
            health: WriteHealth::default(),
            commits,
        })
    }

    /// Appends like [`EventStore::append`] but keeps the transaction open for `hold` before
    /// committing, to exercise readers against late commits.
    ///
    /// # Errors
    /// As [`EventStore::append`].
    #[cfg(feature = "testing")]
    pub async fn append_holding(&self, batch: AppendBatch, hold: Duration) -> Result<AppendOutcome, StoreError> {
        let mut outcomes = append::append(self, std::slice::from_ref(&batch), Some(hold)).await?;
        Ok(outcomes.remove(0))
    }

    /// The single-connection write pool (tests use it to tamper with rows on purpose).
    pub fn writer_pool(&self) -> &SqlitePool {
        &self.writer
    }
}

fn uuid_from_blob(bytes: &[u8]) -> Result<Uuid, StoreError> {
    Uuid::from_slice(bytes).map_err(|e| StoreError::Corrupt(format!("uuid column: {e}")))
}

fn optional_uuid(row: &SqliteRow, column: usize) -> Result<Option<Uuid>, StoreError> {
    row.try_get::<Option<Vec<u8>>, _>(column)?.as_deref().map(uuid_from_blob).transpose()
}

fn decode_row(row: &SqliteRow) -> Result<StoredEvent, StoreError> {
    let occurred: String = row.try_get(7)?;
    let recorded: i64 = row.try_get(8)?;
    Ok(StoredEvent {
        position: row.try_get(0)?,
        event_id: uuid_from_blob(row.try_get::<&[u8], _>(1)?)?,
        stream_id: row.try_get(2)?,
        stream_version: row.try_get(3)?,
        event_type: row.try_get(4)?,
        schema_version: row.try_get(5)?,
        payload: row.try_get(6)?,
        occurred_on: NaiveDate::parse_from_str(&occurred, "%Y-%m-%d")
            .map_err(|e| StoreError::Corrupt(format!("occurred_on {occurred:?}: {e}")))?,
        recorded_at: DateTime::<Utc>::from_timestamp_micros(recorded)
            .ok_or_else(|| StoreError::Corrupt(format!("recorded_at {recorded}")))?,
        actor_id: uuid_from_blob(row.try_get::<&[u8], _>(9)?)?,
        actor_role: row.try_get(10)?,
        legal_basis: row.try_get(11)?,
        document_ref: row.try_get(12)?,
        correlation_id: optional_uuid(row, 13)?,
        causation_id: optional_uuid(row, 14)?,
        command: row.try_get(15)?,
        prev_hash: row.try_get(16)?,
        hash: row.try_get(17)?,
    })
}

fn decode_rows(rows: Vec<SqliteRow>) -> Result<Vec<StoredEvent>, StoreError> {
    rows.iter().map(decode_row).collect()
}

fn classify(e: sqlx::Error) -> InsertFailure {
    match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => InsertFailure::UniqueViolation,
        _ => InsertFailure::Other(e.into()),
    }
}

fn push_rows<'a>(qb: &mut QueryBuilder<'a, Sqlite>, plan: &'a PlannedAppend, rows: &'a [append::PlannedRow]) {
    qb.push_values(rows, |mut b, r| {
        let p = plan.provenance(r);
        b.push_bind(r.event_id.as_bytes().as_slice())
            .push_bind(r.stream_id.as_str())
            .push_bind(r.version)
            .push_bind(r.event_type.as_str())
            .push_bind(r.schema_version)
            .push_bind(r.payload.as_str())
            .push_bind(r.occurred_on.format("%Y-%m-%d").to_string())
            .push_bind(plan.recorded_at.timestamp_micros())
            .push_bind(p.actor_id.as_bytes().as_slice())
            .push_bind(p.actor_role.as_str())
            .push_bind(r.legal_basis.as_deref())
            .push_bind(r.document_ref.as_deref())
            .push_bind(p.correlation_id.as_ref().map(|u| u.as_bytes().as_slice()))
            .push_bind(p.causation_id.as_ref().map(|u| u.as_bytes().as_slice()))
            .push_bind(p.command.as_deref())
            .push_bind(r.prev_hash.as_slice())
            .push_bind(r.hash.as_slice());
    });
}

const INSERT_HEAD: &str = "INSERT INTO events (event_id, stream_id, stream_version, event_type, \
    schema_version, payload, occurred_on, recorded_at, actor_id, actor_role, legal_basis, \
    document_ref, correlation_id, causation_id, command, prev_hash, hash) ";

/// Inserts `rows` with one statement and returns their positions in row order. The one writer
/// holds the write lock for the whole statement, so its rows take consecutive rowids ending at
/// its last_insert_rowid: no RETURNING rows need to travel back from the connection's thread.
async fn insert_rows<'c>(
    executor: impl sqlx::Executor<'c, Database = Sqlite>,
    plan: &PlannedAppend,
    rows: &[append::PlannedRow],
) -> Result<std::ops::RangeInclusive<i64>, InsertFailure> {
    let mut qb = QueryBuilder::<Sqlite>::new(INSERT_HEAD);
    push_rows(&mut qb, plan, rows);
    let last = qb.build().execute(executor).await.map_err(classify)?.last_insert_rowid();
    Ok(last - rows.len() as i64 + 1..=last)
}

#[async_trait]
impl AppendBackend for SqliteStore {
    async fn insert(&self, plan: &PlannedAppend, hold: Option<Duration>) -> Result<Vec<i64>, InsertFailure> {
        let positions = if plan.rows.len() <= ROWS_PER_STATEMENT && hold.is_none() {
            insert_rows(&self.writer, plan, &plan.rows).await?.collect()
        } else {
            let mut conn = self.writer.acquire().await.map_err(classify)?;
            let mut tx = sqlx::Connection::begin_with(&mut *conn, "BEGIN IMMEDIATE").await.map_err(classify)?;
            let mut positions = Vec::with_capacity(plan.rows.len());
            for chunk in plan.rows.chunks(ROWS_PER_STATEMENT) {
                positions.extend(insert_rows(&mut *tx, plan, chunk).await?);
            }
            if let Some(hold) = hold {
                tokio::time::sleep(hold).await;
            }
            tx.commit().await.map_err(classify)?;
            positions
        };
        self.commits.send_modify(|c| *c += 1);
        Ok(positions)
    }

    async fn find_event_ids(&self, ids: &[Uuid]) -> Result<Vec<(Uuid, String, i64, i64)>, StoreError> {
        let mut found = Vec::new();
        for id in ids {
            if let Some(r) = sqlx::query("SELECT stream_id, stream_version, position FROM events WHERE event_id = ?")
                .bind(id.as_bytes().as_slice())
                .fetch_optional(&self.reader)
                .await?
            {
                found.push((*id, r.try_get(0)?, r.try_get(1)?, r.try_get(2)?));
            }
        }
        Ok(found)
    }

    fn heads(&self) -> &HeadCache {
        &self.heads
    }

    fn group(&self) -> &GroupCommit {
        &self.group
    }
}

#[async_trait]
impl EventStore for SqliteStore {
    fn backend_name(&self) -> &'static str {
        "sqlite"
    }

    fn database(&self) -> Database {
        Database::Sqlite { writer: self.writer.clone(), reader: self.reader.clone() }
    }

    async fn append(&self, batch: AppendBatch) -> Result<AppendOutcome, StoreError> {
        crate::group_commit::append(self, batch).await
    }

    async fn append_many(&self, batches: Vec<AppendBatch>) -> Result<Vec<AppendOutcome>, StoreError> {
        append::append(self, &batches, None).await
    }

    async fn read_stream(&self, stream_id: &str, from_version: i64) -> Result<Vec<StoredEvent>, StoreError> {
        let sql =
            format!("SELECT {COLUMNS} FROM events WHERE stream_id = ? AND stream_version >= ? ORDER BY stream_version");
        decode_rows(sqlx::query(&sql).bind(stream_id).bind(from_version).fetch_all(&self.reader).await?)
    }

    async fn read_streams(&self, stream_ids: &[String], cut: Cut) -> Result<Vec<StoredEvent>, StoreError> {
        let (reader, streams) = (self.reader.clone(), crate::distinct(stream_ids));
        crate::on_worker(async move {
            let mut events = Vec::new();
            for ids in streams.chunks(tables::STREAMS_PER_QUERY) {
                let n = ids.len();
                let placeholders: Vec<String> = (1..=n).map(|i| format!("?{i}")).collect();
                let (as_of, known_at) = (n + 1, n + 2);
                let sql = format!(
                    "SELECT {COLUMNS} FROM events WHERE stream_id IN ({}) \
                     AND (?{as_of} IS NULL OR occurred_on <= ?{as_of}) \
                     AND (?{known_at} IS NULL OR recorded_at <= ?{known_at})",
                    placeholders.join(", ")
                );
                let mut query = sqlx::query(&sql);
                for id in ids {
                    query = query.bind(id);
                }
                let query = query
                    .bind(cut.as_of.map(|d| d.format("%Y-%m-%d").to_string()))
                    .bind(cut.known_at.map(|t| t.timestamp_micros()));
                events.extend(decode_rows(query.fetch_all(&reader).await?)?);
            }
            // Put in position order here, as on PostgreSQL (an ORDER BY invites a walk of the
            // whole log in position order).
            events.sort_unstable_by_key(|e| e.position);
            Ok(events)
        })
        .await
    }

    async fn read_all(&self, after_position: i64, limit: i64) -> Result<Vec<StoredEvent>, StoreError> {
        let reader = self.reader.clone();
        crate::on_worker(async move {
            let sql = format!("SELECT {COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?");
            decode_rows(sqlx::query(&sql).bind(after_position).bind(limit).fetch_all(&reader).await?)
        })
        .await
    }

    async fn head_position(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar("SELECT COALESCE(MAX(position), 0) FROM events").fetch_one(&self.reader).await?)
    }

    fn commits(&self) -> watch::Receiver<u64> {
        self.commits.subscribe()
    }

    fn write_health(&self) -> &WriteHealth {
        &self.health
    }
}
