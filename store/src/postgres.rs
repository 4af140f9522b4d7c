//! PostgreSQL backend: production. Here is the SQL only PostgreSQL has (the append and its
//! position draws, the visibility horizon, the event columns); the statements both backends
//! share are in `tables`.
//!
//! # Ordering: why a catch-up reader never skips
//! A sequence value is drawn at insert time but becomes visible at commit, so "position >
//! checkpoint" alone loses late commits. Here every append is one statement whose first step is
//! `autos_draw_positions()` (migrations/postgres/0005), which, under a short critical section (a
//! session advisory lock released before the insert, so commits and their fsyncs still overlap),
//! first assigns the transaction its id and then draws its positions. Among event writers,
//! transaction-id order therefore equals position order. `read_all` returns only rows whose
//! transaction id is below `pg_snapshot_xmin(pg_current_snapshot())`: every transaction with a
//! smaller id has ended, and every position below a returned row belongs to such a transaction,
//! so nothing can appear below it later. The visible log grows only at its end.
//!
//! Costs, stated: a long-running transaction anywhere in the cluster holds readers back (never
//! makes them skip); positions drawn by aborted transactions stay empty and the seal records
//! them in `position_gaps` once they lie below the horizon, so every position is accounted for.
//! After a dump and restore the xid counter starts again; bumping `store_epoch.epoch` makes
//! every restored row visible (rows of an older epoch pass the horizon test by definition).
//!
//! # Throughput
//! One round trip per append: the version check is the unique `(stream_id, stream_version)`
//! index, the previous hash comes from the head cache (`append.rs`), and all rows of a batch go
//! in with one `INSERT … SELECT FROM unnest(…)`, the statement that draws their positions.
//! The pool does not ping on acquire.
//! Commit notifications are coalesced: after local appends a notifier sends one
//! `NOTIFY autos_events` at most every 10 ms from outside the append transaction (a NOTIFY
//! inside it would serialise commits), and a listener turns other instances' notifications
//! into the same in-process commit signal.

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::postgres::{PgConnectOptions, PgListener, PgPoolOptions, PgRow};
use sqlx::{Connection, PgConnection, PgPool, Row};
use tokio::sync::{watch, Notify};
use uuid::Uuid;

use crate::append::{self, AppendBackend, HeadCache, InsertFailure, PlannedAppend};
use crate::group_commit::GroupCommit;
use crate::health::WriteHealth;
use crate::{AppendBatch, AppendOutcome, Cut, Database, EventStore, StoreError, StoredEvent};

/// The event columns, in the order `decode_row` reads them by index (no name lookup per column
/// and row: replays and verifications decode millions).
const COLUMNS: &str = "position, event_id, stream_id, stream_version, event_type, schema_version, \
    payload::text AS payload, occurred_on, recorded_at, actor_id, actor_role, legal_basis, \
    document_ref, correlation_id, causation_id, command::text AS command, prev_hash, hash";

/// The visibility condition of `read_all` (see the module doc). The horizon is a scalar
/// subquery, so PostgreSQL computes it once per statement (an InitPlan), not once per row.
const BELOW_HORIZON: &str = "(xid_epoch < $2 OR xid < (SELECT pg_snapshot_xmin(pg_current_snapshot())))";

const CHANNEL: &str = "autos_events";

/// How long a session may sit idle inside a transaction before the server ends it.
const IDLE_IN_TRANSACTION: &str = "30s";

/// Taken by every connection of the pool: the role may read the log and append to it, never
/// change or remove what is there (migrations/postgres/0011).
const TAKE_APP_ROLE: &str = "SET ROLE autos_app";

/// The application role and its grants, as migrations 0011 and 0012 (the sessions table) create
/// them: `autos restore` runs them again on a restored database, whose dump carries no privileges.
pub const APP_ROLE_GRANTS: &str = concat!(
    include_str!("../../migrations/postgres/0011_least_privilege_role.sql"),
    include_str!("../../migrations/postgres/0012_sessions.sql"),
    include_str!("../../migrations/postgres/0013_application_schema.sql")
);

/// The PostgreSQL event store.
pub struct PgStore {
    pool: PgPool,
    epoch: i32,
    heads: HeadCache,
    group: GroupCommit,
    health: WriteHealth,
    commits: Arc<watch::Sender<u64>>,
    appended: Arc<Notify>,
}

impl PgStore {
    /// Connects, applies migrations and starts the notifier and listener tasks.
    ///
    /// # Errors
    /// `Database` or `Migration`.
    pub async fn open(url: &str, max_connections: u32) -> Result<Self, StoreError> {
        // A client that stops inside a transaction (hung, SIGSTOP) would hold the visible
        // horizon back for every reader of the log: the server ends such a session after
        // IDLE_IN_TRANSACTION. Work that legitimately waits inside a transaction (a backup's
        // exported snapshot) lifts it with SET LOCAL.
        // JIT compilation off: the store's statements are index lookups and page reads, and a
        // cost estimate made without fresh statistics (a fresh bulk load) had a one-millisecond
        // lookup JIT-compiled for 160 ms.
        let options = PgConnectOptions::from_str(url)?
            .options([("idle_in_transaction_session_timeout", IDLE_IN_TRANSACTION), ("jit", "off")]);
        // The migrations run as the owner, on a connection of their own; every connection of the
        // pool then works as the least-privileged application role they grant (migration 0011).
        let mut owner = PgConnection::connect_with(&options).await?;
        sqlx::migrate!("../migrations/postgres").run(&mut owner).await?;
        owner.close().await?;
        let pool = PgPoolOptions::new()
            .max_connections(max_connections.max(2))
            .min_connections(1)
            .test_before_acquire(false)
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(|conn, _| {
                Box::pin(async move { sqlx::query(TAKE_APP_ROLE).execute(conn).await.map(|_| ()) })
            })
            .connect_with(options)
            .await?;
        let epoch: i32 = sqlx::query_scalar("SELECT epoch FROM store_epoch").fetch_one(&pool).await?;
        let (tx, _) = watch::channel(0);
        let commits = Arc::new(tx);
        let appended = Arc::new(Notify::new());
        tokio::spawn(notifier(pool.clone(), appended.clone()));
        tokio::spawn(listener(url.to_owned(), pool.clone(), commits.clone()));
        Ok(PgStore {
            pool,
            epoch,
            heads: HeadCache::default(),
            group: GroupCommit::default(),
            health: WriteHealth::default(),
            commits,
            appended,
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

    /// The pool (tests use it to tamper with rows on purpose).
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

async fn notifier(pool: PgPool, appended: Arc<Notify>) {
    loop {
        appended.notified().await;
        if let Err(e) = sqlx::query("SELECT pg_notify($1, '')").bind(CHANNEL).execute(&pool).await {
            tracing::warn!(error = %e, "commit notification not sent; subscribers fall back to polling");
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
        if pool.is_closed() {
            return;
        }
    }
}

/// Turns `NOTIFY autos_events` from any instance into the in-process commit signal. The
/// LISTEN session has a connection of its own, outside the pool, so it never takes one from
/// the appends; it lives as long as the pool does.
async fn listener(url: String, pool: PgPool, commits: Arc<watch::Sender<u64>>) {
    while !pool.is_closed() {
        match PgListener::connect(&url).await {
            Ok(mut l) => {
                if l.listen(CHANNEL).await.is_ok() {
                    while l.recv().await.is_ok() {
                        commits.send_modify(|c| *c += 1);
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "LISTEN failed; subscribers fall back to polling"),
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

fn decode_row(row: &PgRow) -> Result<StoredEvent, StoreError> {
    Ok(StoredEvent {
        position: row.try_get(0)?,
        event_id: row.try_get(1)?,
        stream_id: row.try_get(2)?,
        stream_version: row.try_get(3)?,
        event_type: row.try_get(4)?,
        schema_version: row.try_get(5)?,
        payload: row.try_get(6)?,
        occurred_on: row.try_get(7)?,
        recorded_at: row.try_get(8)?,
        actor_id: row.try_get(9)?,
        actor_role: row.try_get(10)?,
        legal_basis: row.try_get(11)?,
        document_ref: row.try_get(12)?,
        correlation_id: row.try_get(13)?,
        causation_id: row.try_get(14)?,
        command: row.try_get(15)?,
        prev_hash: row.try_get(16)?,
        hash: row.try_get(17)?,
    })
}

fn decode_rows(rows: Vec<PgRow>) -> Result<Vec<StoredEvent>, StoreError> {
    rows.iter().map(decode_row).collect()
}

/// The columns every append inserts. Parameters follow the same order; `$1` is the store
/// epoch and `$9` the recording instant, shared by all rows.
macro_rules! insert_into_events {
    () => {
        "INSERT INTO events (position, xid_epoch, event_id, stream_id, stream_version, event_type, \
         schema_version, payload, occurred_on, recorded_at, actor_id, actor_role, legal_basis, document_ref, \
         correlation_id, causation_id, command, prev_hash, hash) "
    };
}

/// A one-event append (most commands): scalar parameters, and the positions drawn by the
/// function scan that the row is selected from, so before the row is built.
const INSERT_ONE: &str = concat!(
    insert_into_events!(),
    "SELECT d.first, $1, $2, $3, $4, $5, $6, $7::json, $8, $9, $10, $11, $12, $13, $14, \
    $15, $16::json, $17, $18 FROM autos_draw_positions(1) AS d(first) RETURNING position"
);

/// Several events: array parameters, and the positions drawn once by a MATERIALIZED CTE (a
/// function in FROM could be rescanned per row), before the first row is inserted.
const INSERT_MANY: &str = concat!(
    "WITH drawn AS MATERIALIZED (SELECT autos_draw_positions(cardinality($2)) AS first) ",
    insert_into_events!(),
    "SELECT drawn.first + t.ord - 1, $1, t.event_id, t.stream_id, t.version, t.event_type, t.schema_version, \
    t.payload::json, t.occurred_on, $9, t.actor_id, t.actor_role, t.legal, t.doc, t.correlation_id, \
    t.causation_id, t.command::json, t.prev_hash, t.hash \
    FROM drawn, unnest($2, $3, $4, $5, $6, $7, $8, $10, $11, $12, $13, $14, $15, $16, $17, $18) \
    WITH ORDINALITY AS t(event_id, stream_id, version, event_type, schema_version, payload, occurred_on, \
        actor_id, actor_role, legal, doc, correlation_id, causation_id, command, prev_hash, hash, ord) \
    RETURNING position"
);

type PositionsQuery<'q> = sqlx::query::QueryScalar<'q, sqlx::Postgres, i64, sqlx::postgres::PgArguments>;

/// Binds one column of the append: the row's value for a one-event append, else an array of
/// every row's value.
fn bind_column<'q, T>(
    query: PositionsQuery<'q>,
    rows: &'q [append::PlannedRow],
    value: impl Fn(&'q append::PlannedRow) -> T,
) -> PositionsQuery<'q>
where
    T: 'q + Send + sqlx::Encode<'q, sqlx::Postgres> + sqlx::Type<sqlx::Postgres> + sqlx::postgres::PgHasArrayType,
{
    match rows {
        [only] => query.bind(value(only)),
        _ => query.bind(rows.iter().map(value).collect::<Vec<T>>()),
    }
}

/// The append statement for `plan` with every parameter bound.
fn append_query<'q>(plan: &'q PlannedAppend, sql: &'q str, epoch: i32) -> PositionsQuery<'q> {
    let rows = plan.rows.as_slice();
    let mut q = sqlx::query_scalar::<_, i64>(sql).bind(epoch);
    q = bind_column(q, rows, |r| r.event_id);
    q = bind_column(q, rows, |r| r.stream_id.as_str());
    q = bind_column(q, rows, |r| r.version);
    q = bind_column(q, rows, |r| r.event_type.as_str());
    q = bind_column(q, rows, |r| r.schema_version);
    q = bind_column(q, rows, |r| r.payload.as_str());
    q = bind_column(q, rows, |r| r.occurred_on);
    q = q.bind(plan.recorded_at);
    q = bind_column(q, rows, |r| plan.provenance(r).actor_id);
    q = bind_column(q, rows, |r| plan.provenance(r).actor_role.as_str());
    q = bind_column(q, rows, |r| r.legal_basis.as_deref());
    q = bind_column(q, rows, |r| r.document_ref.as_deref());
    q = bind_column(q, rows, |r| plan.provenance(r).correlation_id);
    q = bind_column(q, rows, |r| plan.provenance(r).causation_id);
    q = bind_column(q, rows, |r| plan.provenance(r).command.as_deref());
    q = bind_column(q, rows, |r| r.prev_hash.as_slice());
    bind_column(q, rows, |r| r.hash.as_slice())
}

#[async_trait]
impl AppendBackend for PgStore {
    async fn insert(&self, plan: &PlannedAppend, hold: Option<Duration>) -> Result<Vec<i64>, InsertFailure> {
        let sql = if plan.rows.len() == 1 { INSERT_ONE } else { INSERT_MANY };
        let query = append_query(plan, sql, self.epoch);
        let mut conn = self.pool.acquire().await.map_err(|e| InsertFailure::Other(e.into()))?;
        let result = match hold {
            None => query.fetch_all(&mut *conn).await,
            Some(hold) => {
                async {
                    let mut tx = sqlx::Connection::begin(&mut *conn).await?;
                    let positions = query.fetch_all(&mut *tx).await?;
                    tokio::time::sleep(hold).await;
                    tx.commit().await?;
                    Ok(positions)
                }
                .await
            }
        };
        if result.is_err() {
            // A failure between autos_draw_positions()'s lock and unlock (a cancel) must not
            // leave the ordering lock held by a pooled session.
            let _ = sqlx::query("SELECT pg_advisory_unlock_all()").execute(&mut *conn).await;
        }
        match result {
            Ok(mut positions) => {
                positions.sort_unstable();
                self.commits.send_modify(|c| *c += 1);
                self.appended.notify_one();
                Ok(positions)
            }
            Err(sqlx::Error::Database(db)) if db.is_unique_violation() => Err(InsertFailure::UniqueViolation),
            Err(e) => Err(InsertFailure::Other(e.into())),
        }
    }

    async fn find_event_ids(&self, ids: &[Uuid]) -> Result<Vec<(Uuid, String, i64, i64)>, StoreError> {
        let rows =
            sqlx::query("SELECT event_id, stream_id, stream_version, position FROM events WHERE event_id = ANY($1)")
                .bind(ids)
                .fetch_all(&self.pool)
                .await?;
        rows.iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?))).collect()
    }

    fn heads(&self) -> &HeadCache {
        &self.heads
    }

    fn group(&self) -> &GroupCommit {
        &self.group
    }
}

#[async_trait]
impl EventStore for PgStore {
    fn backend_name(&self) -> &'static str {
        "postgres"
    }

    fn database(&self) -> Database {
        Database::Postgres(self.pool.clone())
    }

    async fn append(&self, batch: AppendBatch) -> Result<AppendOutcome, StoreError> {
        crate::group_commit::append(self, batch).await
    }

    async fn append_many(&self, batches: Vec<AppendBatch>) -> Result<Vec<AppendOutcome>, StoreError> {
        append::append(self, &batches, None).await
    }

    async fn read_stream(&self, stream_id: &str, from_version: i64) -> Result<Vec<StoredEvent>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM events WHERE stream_id = $1 AND stream_version >= $2 ORDER BY stream_version"
        );
        decode_rows(sqlx::query(&sql).bind(stream_id).bind(from_version).fetch_all(&self.pool).await?)
    }

    async fn read_streams(&self, stream_ids: &[String], cut: Cut) -> Result<Vec<StoredEvent>, StoreError> {
        let (pool, streams) = (self.pool.clone(), crate::distinct(stream_ids));
        crate::on_worker(async move {
            // Each stream looked up by its index, whatever the statistics say: `stream_id =
            // ANY($1)`, or a join with the list, is planned from estimates of rows per stream,
            // and with statistics missing or stale (a fresh bulk load, autovacuum behind) the
            // planner scans the whole log instead (25–45 ms at 200k events, for 600 rows); the
            // lateral subquery behind `OFFSET 0` is run once per stream. The few thousand rows
            // are put in position order here, not by an ORDER BY, which invites a walk of the
            // position index.
            let sql = format!(
                "SELECT {COLUMNS} FROM unnest($1::text[]) AS named(id) CROSS JOIN LATERAL \
                 (SELECT * FROM events WHERE stream_id = named.id AND ($2::date IS NULL OR occurred_on <= $2) \
                 AND ($3::timestamptz IS NULL OR recorded_at <= $3) OFFSET 0) AS e"
            );
            let query = sqlx::query(&sql).bind(streams).bind(cut.as_of).bind(cut.known_at);
            let mut events = decode_rows(query.fetch_all(&pool).await?)?;
            events.sort_unstable_by_key(|e| e.position);
            Ok(events)
        })
        .await
    }

    async fn read_all(&self, after_position: i64, limit: i64) -> Result<Vec<StoredEvent>, StoreError> {
        let (pool, epoch) = (self.pool.clone(), self.epoch);
        crate::on_worker(async move {
            let sql = format!(
                "SELECT {COLUMNS} FROM events WHERE position > $1 AND {BELOW_HORIZON} ORDER BY position LIMIT $3"
            );
            decode_rows(sqlx::query(&sql).bind(after_position).bind(epoch).bind(limit).fetch_all(&pool).await?)
        })
        .await
    }

    async fn head_position(&self) -> Result<i64, StoreError> {
        let sql = format!(
            "SELECT position FROM events WHERE position > $1 AND {BELOW_HORIZON} ORDER BY position DESC LIMIT 1"
        );
        let head: Option<i64> =
            sqlx::query_scalar(&sql).bind(0_i64).bind(self.epoch).fetch_optional(&self.pool).await?;
        Ok(head.unwrap_or(0))
    }

    fn commits(&self) -> watch::Receiver<u64> {
        self.commits.subscribe()
    }

    fn write_health(&self) -> &WriteHealth {
        &self.health
    }
}
