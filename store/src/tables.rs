//! The store's SQL that is the same on both backends but for placeholders, written once.
//!
//! Each statement has `$n` placeholders (SQLite takes `$1` as parameter 1 too) and runs through
//! [`on_db!`] — writes on the SQLite writer pool (the one writer of the module doc of
//! `sqlite`), reads on its reader pool, everything on the PostgreSQL pool — so it is
//! type-checked against both drivers. It owns the tables beside the log (seal checkpoints and
//! the position gaps they prove, signed tree heads, subject keys, the personal-data read log), the reads of the
//! events table that need neither a backend's ordering nor its column casts (a stream's head
//! and version), and the ping.
//!
//! SQL that really differs stays in `sqlite` and `postgres`: the append and its position
//! draws, the visibility horizon of `read_all`, the event columns and their decoding. Where the
//! migrations (`migrations/*/0001_event_store.sql`) give a column of these tables different
//! types — ids BLOB or uuid, instants integer microseconds or timestamptz — [`Dialect`] binds
//! and decodes it per backend; the statement and the flow stay one.

use std::collections::HashSet;
use std::future::Future;

use chrono::{DateTime, Utc};
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::{PgPool, Row, SqlitePool, Transaction};
use uuid::Uuid;

use crate::append::StreamHead;
use crate::hashing::now_micros;
use crate::{on_db, Checkpoint, Database, PersonalRead, PositionGap, StoreError, SubjectKey, TreeHead};

/// What a backend does its own way for these tables, implemented by its pool so that the one
/// body `on_db!` expands per backend picks the right one.
trait Dialect {
    type Db: sqlx::Database;
    /// The value an id column (BLOB, uuid) is bound as.
    type Id;
    /// The value an instant column (integer microseconds, timestamptz) is bound as.
    type Instant;
    fn encode_id(&self, id: Uuid) -> Self::Id;
    /// The id in column `column` of `row`.
    fn decode_id(&self, row: &<Self::Db as sqlx::Database>::Row, column: &str) -> Result<Uuid, StoreError>;
    fn encode_instant(&self, at: DateTime<Utc>) -> Self::Instant;
    /// The instant in column `column` of `row`.
    fn decode_instant(
        &self,
        row: &<Self::Db as sqlx::Database>::Row,
        column: &str,
    ) -> Result<DateTime<Utc>, StoreError>;
    /// A transaction for a write of several statements (on SQLite `BEGIN IMMEDIATE`, which
    /// takes the write lock at once rather than at the first write).
    fn begin_write(&self) -> impl Future<Output = Result<Transaction<'static, Self::Db>, sqlx::Error>> + Send;
}

impl Dialect for SqlitePool {
    type Db = sqlx::Sqlite;
    type Id = Vec<u8>;
    type Instant = i64;

    fn encode_id(&self, id: Uuid) -> Vec<u8> {
        id.as_bytes().to_vec()
    }

    fn decode_id(&self, row: &SqliteRow, column: &str) -> Result<Uuid, StoreError> {
        let bytes: Vec<u8> = row.try_get(column)?;
        Uuid::from_slice(&bytes).map_err(|_| StoreError::Corrupt(format!("{column}: not an id")))
    }

    fn encode_instant(&self, at: DateTime<Utc>) -> i64 {
        at.timestamp_micros()
    }

    fn decode_instant(&self, row: &SqliteRow, column: &str) -> Result<DateTime<Utc>, StoreError> {
        let micros: i64 = row.try_get(column)?;
        DateTime::<Utc>::from_timestamp_micros(micros).ok_or_else(|| StoreError::Corrupt(format!("{column} {micros}")))
    }

    fn begin_write(&self) -> impl Future<Output = Result<Transaction<'static, sqlx::Sqlite>, sqlx::Error>> + Send {
        self.begin_with("BEGIN IMMEDIATE")
    }
}

impl Dialect for PgPool {
    type Db = sqlx::Postgres;
    type Id = Uuid;
    type Instant = DateTime<Utc>;

    fn encode_id(&self, id: Uuid) -> Uuid {
        id
    }

    fn decode_id(&self, row: &PgRow, column: &str) -> Result<Uuid, StoreError> {
        Ok(row.try_get(column)?)
    }

    fn encode_instant(&self, at: DateTime<Utc>) -> DateTime<Utc> {
        at
    }

    fn decode_instant(&self, row: &PgRow, column: &str) -> Result<DateTime<Utc>, StoreError> {
        Ok(row.try_get(column)?)
    }

    fn begin_write(&self) -> impl Future<Output = Result<Transaction<'static, sqlx::Postgres>, sqlx::Error>> + Send {
        self.begin()
    }
}

/// See [`crate::EventStore::checkpoints`].
pub(crate) async fn checkpoints(db: &Database) -> Result<Vec<Checkpoint>, StoreError> {
    on_db!(db, read, |pool| {
        let rows =
            sqlx::query("SELECT seq, position, event_count, digest, sealed_at FROM seal_checkpoints ORDER BY seq")
                .fetch_all(pool)
                .await?;
        rows.iter()
            .map(|r| {
                Ok(Checkpoint {
                    seq: r.try_get("seq")?,
                    position: r.try_get("position")?,
                    event_count: r.try_get("event_count")?,
                    digest: r.try_get("digest")?,
                    sealed_at: pool.decode_instant(r, "sealed_at")?,
                })
            })
            .collect()
    })
}

/// See [`crate::EventStore::record_checkpoint`].
pub(crate) async fn record_checkpoint(
    db: &Database,
    cp: &Checkpoint,
    gaps: &[PositionGap],
) -> Result<bool, StoreError> {
    on_db!(db, write, |pool| {
        let mut tx = pool.begin_write().await?;
        let inserted = sqlx::query(
            "INSERT INTO seal_checkpoints (seq, position, event_count, digest, sealed_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (seq) DO NOTHING",
        )
        .bind(cp.seq)
        .bind(cp.position)
        .bind(cp.event_count)
        .bind(cp.digest.as_slice())
        .bind(pool.encode_instant(cp.sealed_at))
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if inserted {
            for g in gaps {
                sqlx::query("INSERT INTO position_gaps (from_position, to_position) VALUES ($1, $2)")
                    .bind(g.from_position)
                    .bind(g.to_position)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        tx.commit().await?;
        Ok(inserted)
    })
}

const TREE_HEADS: &str = "SELECT tree_size, position, root, signed_at, key_id, signature FROM tree_heads";

/// See [`crate::EventStore::tree_heads`].
pub(crate) async fn tree_heads(db: &Database) -> Result<Vec<TreeHead>, StoreError> {
    read_tree_heads(db, "ORDER BY tree_size").await
}

/// See [`crate::EventStore::latest_tree_head`].
pub(crate) async fn latest_tree_head(db: &Database) -> Result<Option<TreeHead>, StoreError> {
    Ok(read_tree_heads(db, "ORDER BY tree_size DESC LIMIT 1").await?.pop())
}

async fn read_tree_heads(db: &Database, order: &str) -> Result<Vec<TreeHead>, StoreError> {
    let sql = format!("{TREE_HEADS} {order}");
    on_db!(db, read, |pool| {
        let rows = sqlx::query(&sql).fetch_all(pool).await?;
        rows.iter()
            .map(|r| {
                Ok(TreeHead {
                    tree_size: r.try_get("tree_size")?,
                    position: r.try_get("position")?,
                    root: r.try_get("root")?,
                    signed_at: pool.decode_instant(r, "signed_at")?,
                    key_id: r.try_get("key_id")?,
                    signature: r.try_get("signature")?,
                })
            })
            .collect()
    })
}

/// See [`crate::EventStore::record_tree_head`]. An `INSERT … SELECT … WHERE NOT EXISTS`, not
/// `ON CONFLICT DO NOTHING`: SQLite's trigger against replacing inserts (migration 0009) would
/// refuse the conflicting row before the conflict clause could skip it.
pub(crate) async fn record_tree_head(db: &Database, head: &TreeHead) -> Result<bool, StoreError> {
    Ok(on_db!(db, write, |pool| {
        sqlx::query(
            "INSERT INTO tree_heads (tree_size, position, root, signed_at, key_id, signature) \
             SELECT $1, $2, $3, $4, $5, $6 WHERE NOT EXISTS (SELECT 1 FROM tree_heads WHERE tree_size = $1)",
        )
        .bind(head.tree_size)
        .bind(head.position)
        .bind(head.root.as_slice())
        .bind(pool.encode_instant(head.signed_at))
        .bind(head.key_id.as_str())
        .bind(head.signature.as_slice())
        .execute(pool)
        .await?
        .rows_affected()
    }) == 1)
}

/// See [`crate::EventStore::gaps`].
pub(crate) async fn gaps(db: &Database) -> Result<Vec<PositionGap>, StoreError> {
    on_db!(db, read, |pool| {
        let rows = sqlx::query("SELECT from_position, to_position FROM position_gaps ORDER BY from_position")
            .fetch_all(pool)
            .await?;
        rows.iter().map(|r| Ok(PositionGap { from_position: r.try_get(0)?, to_position: r.try_get(1)? })).collect()
    })
}

/// Subject keys written per statement by [`insert_subject_keys`] (three parameters each; SQLite
/// takes 32,766 parameters a statement).
const SUBJECT_KEYS_PER_STATEMENT: usize = 1_000;

/// See [`crate::EventStore::insert_subject_keys`].
pub(crate) async fn insert_subject_keys(db: &Database, keys: &[(Uuid, Vec<u8>)]) -> Result<HashSet<Uuid>, StoreError> {
    let created = now_micros();
    let mut inserted = HashSet::new();
    for chunk in keys.chunks(SUBJECT_KEYS_PER_STATEMENT) {
        on_db!(db, write, |pool| {
            let mut insert = sqlx::QueryBuilder::new("INSERT INTO subject_keys (subject_id, wrapped_key, created_at) ");
            insert.push_values(chunk, |mut row, (subject, wrapped)| {
                row.push_bind(pool.encode_id(*subject))
                    .push_bind(wrapped.as_slice())
                    .push_bind(pool.encode_instant(created));
            });
            let rows = insert.push(" ON CONFLICT DO NOTHING RETURNING subject_id").build().fetch_all(pool).await?;
            for row in &rows {
                inserted.insert(pool.decode_id(row, "subject_id")?);
            }
        });
    }
    Ok(inserted)
}

/// See [`crate::EventStore::subject_key`].
pub(crate) async fn subject_key(db: &Database, subject: Uuid) -> Result<SubjectKey, StoreError> {
    let wrapped: Option<Option<Vec<u8>>> = on_db!(db, read, |pool| {
        sqlx::query_scalar("SELECT wrapped_key FROM subject_keys WHERE subject_id = $1")
            .bind(pool.encode_id(subject))
            .fetch_optional(pool)
            .await?
    });
    Ok(match wrapped {
        None => SubjectKey::Absent,
        Some(Some(k)) => SubjectKey::Live(k),
        Some(None) => SubjectKey::Destroyed,
    })
}

/// See [`crate::EventStore::destroy_subject_key`].
pub(crate) async fn destroy_subject_key(db: &Database, subject: Uuid) -> Result<bool, StoreError> {
    let changed = on_db!(db, write, |pool| {
        sqlx::query(
            "INSERT INTO subject_keys (subject_id, wrapped_key, created_at, destroyed_at) VALUES ($1, NULL, $2, $2) \
             ON CONFLICT (subject_id) DO UPDATE SET wrapped_key = NULL, destroyed_at = excluded.destroyed_at \
             WHERE subject_keys.wrapped_key IS NOT NULL",
        )
        .bind(pool.encode_id(subject))
        .bind(pool.encode_instant(now_micros()))
        .execute(pool)
        .await?
        .rows_affected()
    });
    Ok(changed == 1)
}

/// See [`crate::EventStore::log_personal_read`].
pub(crate) async fn log_personal_read(
    db: &Database,
    subject: Uuid,
    reader: Uuid,
    role: &str,
    purpose: &str,
) -> Result<(), StoreError> {
    on_db!(db, write, |pool| {
        sqlx::query(
            "INSERT INTO personal_data_reads (subject_id, reader_id, reader_role, purpose, read_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(pool.encode_id(subject))
        .bind(pool.encode_id(reader))
        .bind(role)
        .bind(purpose)
        .bind(pool.encode_instant(now_micros()))
        .execute(pool)
        .await?;
    });
    Ok(())
}

/// See [`crate::EventStore::personal_reads`].
pub(crate) async fn personal_reads(
    db: &Database,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<PersonalRead>, StoreError> {
    on_db!(db, read, |pool| {
        let rows = sqlx::query(
            "SELECT id, subject_id, reader_id, reader_role, purpose, read_at FROM personal_data_reads \
             WHERE id < $1 ORDER BY id DESC LIMIT $2",
        )
        .bind(before.unwrap_or(i64::MAX))
        .bind(limit)
        .fetch_all(pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(PersonalRead {
                    id: r.try_get("id")?,
                    subject_id: pool.decode_id(r, "subject_id")?,
                    reader_id: pool.decode_id(r, "reader_id")?,
                    reader_role: r.try_get("reader_role")?,
                    purpose: r.try_get("purpose")?,
                    read_at: pool.decode_instant(r, "read_at")?,
                })
            })
            .collect()
    })
}

/// The head at exactly `version`, or the latest head when `version` is None (see
/// `append::AppendBackend::head`).
pub(crate) async fn stream_head(
    db: &Database,
    stream_id: &str,
    version: Option<i64>,
) -> Result<Option<StreamHead>, StoreError> {
    on_db!(db, read, |pool| {
        let row =
            match version {
                Some(v) => {
                    sqlx::query("SELECT stream_version, hash FROM events WHERE stream_id = $1 AND stream_version = $2")
                        .bind(stream_id)
                        .bind(v)
                        .fetch_optional(pool)
                        .await?
                }
                None => sqlx::query(
                    "SELECT stream_version, hash FROM events WHERE stream_id = $1 ORDER BY stream_version DESC LIMIT 1",
                )
                .bind(stream_id)
                .fetch_optional(pool)
                .await?,
            };
        row.map(|r| Ok(StreamHead { version: r.try_get(0)?, hash: r.try_get(1)? })).transpose()
    })
}

/// See [`crate::EventStore::stream_version`].
pub(crate) async fn stream_version(db: &Database, stream_id: &str) -> Result<i64, StoreError> {
    Ok(on_db!(db, read, |pool| {
        sqlx::query_scalar("SELECT COALESCE(MAX(stream_version), 0) FROM events WHERE stream_id = $1")
            .bind(stream_id)
            .fetch_one(pool)
            .await?
    }))
}

/// Stream ids per query of [`existing_streams`] and of SQLite's `read_streams`, below SQLite's
/// bound-parameter limit.
pub(crate) const STREAMS_PER_QUERY: usize = 1_000;

/// See [`crate::EventStore::existing_streams`]: one query per thousand ids, each stream found
/// by the first event of the `(stream_id, stream_version)` key.
pub(crate) async fn existing_streams(db: &Database, stream_ids: &[String]) -> Result<HashSet<String>, StoreError> {
    let mut found = HashSet::new();
    for ids in stream_ids.chunks(STREAMS_PER_QUERY) {
        let placeholders: Vec<String> = (1..=ids.len()).map(|n| format!("${n}")).collect();
        let sql = format!(
            "SELECT stream_id FROM events WHERE stream_version = 1 AND stream_id IN ({})",
            placeholders.join(", ")
        );
        let rows: Vec<String> = on_db!(db, read, |pool| {
            let mut query = sqlx::query_scalar(&sql);
            for id in ids {
                query = query.bind(id);
            }
            query.fetch_all(pool).await?
        });
        found.extend(rows);
    }
    Ok(found)
}

/// See [`crate::EventStore::ping`].
pub(crate) async fn ping(db: &Database) -> Result<(), StoreError> {
    on_db!(db, read, |pool| {
        sqlx::query("SELECT 1").execute(pool).await?;
    });
    Ok(())
}
