//! The SQL behind the read models, written once for both backends: `autos_store::on_db!`
//! expands each body for the SQLite and the PostgreSQL pool, so the statements (portable SQL
//! with `$n` placeholders and `ON CONFLICT … DO UPDATE`) are checked by the compiler on both.
//!
//! Besides documents, generations and checkpoints, this holds the projection leases and the
//! builders' claims on their generations (migration 0007; the runner's module doc gives the
//! protocol). Every lease and claim time is read and compared on the database's clock — one
//! clock for every instance, whatever their own clocks say — in milliseconds since the Unix
//! epoch; `ReadModelDb::clock_ms` is the one place that names it per backend.

use std::collections::BTreeMap;
use std::time::Duration;

use autos_store::{hashing::now_micros, on_db, Database};
use chrono::{DateTime, Utc};
use serde_json::Value;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::ProjectionError;

/// A document address: (read model, key).
pub type DocId = (String, String);

/// A document change waiting to be written: the document (shared with the cache that keeps it
/// for the next reads), or None for a deletion.
pub type Change = (DocId, Option<crate::docs::Doc>);

/// Rows per multi-row INSERT (5 parameters each, below both backends' limits).
const ROWS_PER_STATEMENT: usize = 1_000;

/// How long a projection lease, or a builder's claim on its generation, lasts unless renewed:
/// the bound on how long a hung leader keeps a projection from advancing.
pub const LEASE_TTL: Duration = Duration::from_secs(12);
const LEASE_TTL_MS: i64 = LEASE_TTL.as_millis() as i64;

/// On PostgreSQL a flush transaction left idle this long (its process stopped between two
/// statements) is ended by the server: a stopped leader must not keep the lease row locked,
/// nor its transaction id holding back the log's visible head, past its lease.
const FLUSH_IDLE_LIMIT_MS: u64 = 4_000;

/// A lease as its holder knows it: the fencing token the holder's flushes carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fence {
    pub holder: Uuid,
    pub term: i64,
}

/// A projection's lease as recorded, with the database clock that read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaseRow {
    pub projection: String,
    pub holder: Uuid,
    pub term: i64,
    pub expires_at_ms: i64,
    pub now_ms: i64,
}

impl LeaseRow {
    /// When the lease runs out, on the database clock.
    pub fn expires_at(&self) -> Option<DateTime<Utc>> {
        DateTime::from_timestamp_millis(self.expires_at_ms)
    }
}

/// One generation of one projection, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct GenerationRow {
    pub projection: String,
    pub generation: i64,
    pub status: String,
    pub position: i64,
    pub failed_position: Option<i64>,
    pub failure: Option<String>,
}

/// Digest of one read model of one generation: row count and SHA-256 over its ordered rows.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ModelDigest {
    pub rows: i64,
    pub sha256: String,
}

/// The read-model tables of one database.
#[derive(Debug, Clone)]
pub struct ReadModelDb {
    db: Database,
}

fn parse_doc(text: &str) -> Result<Value, ProjectionError> {
    serde_json::from_str(text).map_err(|e| ProjectionError::Corrupt(format!("read model document: {e}")))
}

impl ReadModelDb {
    pub fn new(db: Database) -> Self {
        ReadModelDb { db }
    }

    /// The database clock in milliseconds since the Unix epoch, as an SQL expression
    /// (SQLite's clock is the host's: one host owns the file).
    fn clock_ms(&self) -> &'static str {
        match self.db {
            Database::Sqlite { .. } => "CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)",
            Database::Postgres(_) => "(extract(epoch FROM clock_timestamp()) * 1000)::bigint",
        }
    }

    /// Renews the lease `$1` held by `$2` in term `$3` for `$4` ms, if it has not run out: the
    /// fencing statement, alone or first in a flush.
    fn renew_lease_sql(&self) -> String {
        let now = self.clock_ms();
        format!(
            "UPDATE projection_leases SET expires_at_ms = {now} + $4 \
             WHERE projection = $1 AND holder = $2 AND term = $3 AND expires_at_ms > {now}"
        )
    }

    /// The statement that deletes `keys` documents of one model and generation, bound as
    /// projection, generation, model, then each key. Each key is looked up by the whole primary
    /// key, whatever the planner knows: on PostgreSQL `doc_key IN (…)` after the other three
    /// columns was planned, without statistics (a fresh generation has none), as a scan of the
    /// whole model filtered by the list, so each key is found through a lateral lookup and the
    /// rows deleted by their tuple ids.
    fn delete_docs_sql(&self, keys: usize) -> String {
        let placeholders = |wrap: fn(usize) -> String| (4..4 + keys).map(wrap).collect::<Vec<_>>().join(", ");
        match self.db {
            Database::Postgres(_) => format!(
                "DELETE FROM read_model_docs WHERE ctid = ANY(ARRAY(\
                 SELECT found.ctid FROM (VALUES {}) AS named(doc_key) CROSS JOIN LATERAL (\
                 SELECT ctid FROM read_model_docs WHERE projection = $1 AND generation = $2 AND model = $3 \
                 AND doc_key = named.doc_key OFFSET 0) AS found))",
                placeholders(|n| format!("(${n})"))
            ),
            Database::Sqlite { .. } => format!(
                "DELETE FROM read_model_docs WHERE projection = $1 AND generation = $2 AND model = $3 \
                 AND doc_key IN ({})",
                placeholders(|n| format!("${n}"))
            ),
        }
    }

    /// One document of one generation.
    ///
    /// # Errors
    /// `Database`, `Corrupt`.
    pub async fn get_doc(
        &self,
        projection: &str,
        generation: i64,
        model: &str,
        key: &str,
    ) -> Result<Option<Value>, ProjectionError> {
        self.get_doc_text(projection, generation, model, key).await?.as_deref().map(parse_doc).transpose()
    }

    /// A document's JSON text, unparsed.
    ///
    /// # Errors
    /// `Database`.
    pub async fn get_doc_text(
        &self,
        projection: &str,
        generation: i64,
        model: &str,
        key: &str,
    ) -> Result<Option<std::sync::Arc<str>>, ProjectionError> {
        let sql = "SELECT doc FROM read_model_docs \
                   WHERE projection = $1 AND generation = $2 AND model = $3 AND doc_key = $4";
        let text: Option<String> = on_db!(&self.db, read, |pool| {
            sqlx::query_scalar(sql).bind(projection).bind(generation).bind(model).bind(key).fetch_optional(pool).await?
        });
        Ok(text.map(std::sync::Arc::from))
    }

    /// Documents of one model whose key starts with `prefix`, after key `after`, in key order.
    ///
    /// # Errors
    /// `Database`, `Corrupt`.
    pub async fn list(
        &self,
        projection: &str,
        generation: i64,
        model: &str,
        prefix: &str,
        after: Option<&str>,
        limit: i64,
    ) -> Result<Vec<(String, Value)>, ProjectionError> {
        let lower = after.map_or_else(|| prefix.to_owned(), |a| a.max(prefix).to_owned());
        let inclusive = after.is_none_or(|a| a < prefix);
        let upper = format!("{prefix}\u{10FFFF}");
        let sql = if inclusive {
            "SELECT doc_key, doc FROM read_model_docs WHERE projection = $1 AND generation = $2 \
             AND model = $3 AND doc_key >= $4 AND doc_key < $5 ORDER BY doc_key LIMIT $6"
        } else {
            "SELECT doc_key, doc FROM read_model_docs WHERE projection = $1 AND generation = $2 \
             AND model = $3 AND doc_key > $4 AND doc_key < $5 ORDER BY doc_key LIMIT $6"
        };
        let rows: Vec<(String, String)> = on_db!(&self.db, read, |pool| {
            sqlx::query_as(sql)
                .bind(projection)
                .bind(generation)
                .bind(model)
                .bind(&lower)
                .bind(&upper)
                .bind(limit)
                .fetch_all(pool)
                .await?
        });
        rows.into_iter().map(|(k, d)| Ok((k, parse_doc(&d)?))).collect()
    }

    /// Every key of one model that starts with `prefix`, in key order, without the documents.
    ///
    /// # Errors
    /// `Database`.
    pub async fn keys(
        &self,
        projection: &str,
        generation: i64,
        model: &str,
        prefix: &str,
    ) -> Result<Vec<String>, ProjectionError> {
        let sql = "SELECT doc_key FROM read_model_docs WHERE projection = $1 AND generation = $2 \
                   AND model = $3 AND doc_key >= $4 AND doc_key < $5 ORDER BY doc_key";
        let upper = format!("{prefix}\u{10FFFF}");
        Ok(on_db!(&self.db, read, |pool| {
            sqlx::query_scalar(sql)
                .bind(projection)
                .bind(generation)
                .bind(model)
                .bind(prefix)
                .bind(&upper)
                .fetch_all(pool)
                .await?
        }))
    }

    /// Writes a batch of document changes and moves the checkpoint to `position`, in one
    /// transaction. With a `fence` (the live runner), the transaction first renews the lease of
    /// the fence's term, which locks the lease row until commit, so a takeover is ordered
    /// entirely before or after this flush. Returns false (writing nothing) when the writer no
    /// longer owns the generation: it was retired or dropped, or the lease ran out or passed
    /// to another term.
    ///
    /// # Errors
    /// `Database`.
    pub async fn flush(
        &self,
        projection: &str,
        generation: i64,
        changes: &[Change],
        position: i64,
        fence: Option<Fence>,
    ) -> Result<bool, ProjectionError> {
        let upserts = changes
            .iter()
            .filter_map(|(id, doc)| doc.as_ref().map(|d| (id, d)))
            .map(|((model, key), doc)| {
                let text = doc.to_text().map_err(|e| crate::docs::corrupt(model, key, &e))?;
                Ok(((model, key), text))
            })
            .collect::<Result<Vec<_>, ProjectionError>>()?;
        let mut deletes: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for ((model, key), _) in changes.iter().filter(|(_, doc)| doc.is_none()) {
            deletes.entry(model).or_default().push(key);
        }
        let idle_limit = match self.db {
            Database::Postgres(_) => {
                Some(format!("SELECT set_config('idle_in_transaction_session_timeout', '{FLUSH_IDLE_LIMIT_MS}', true)"))
            }
            Database::Sqlite { .. } => None,
        };
        let renew = self.renew_lease_sql();
        on_db!(&self.db, write, |pool| {
            let mut tx = pool.begin().await?;
            if let Some(sql) = &idle_limit {
                sqlx::query(sql).execute(&mut *tx).await?;
            }
            if let Some(fence) = fence {
                let held = sqlx::query(&renew)
                    .bind(projection)
                    .bind(fence.holder)
                    .bind(fence.term)
                    .bind(LEASE_TTL_MS)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if held == 0 {
                    return Ok(false);
                }
            }
            let moved = sqlx::query(
                "UPDATE projection_generations SET position = $1, updated_at = $2, \
                 failed_position = NULL, failure = NULL \
                 WHERE projection = $3 AND generation = $4 AND status <> 'retired' AND position <= $1",
            )
            .bind(position)
            .bind(now_micros())
            .bind(projection)
            .bind(generation)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if moved == 0 {
                return Ok(false);
            }
            for chunk in upserts.chunks(ROWS_PER_STATEMENT) {
                let mut insert = sqlx::QueryBuilder::new(
                    "INSERT INTO read_model_docs (projection, generation, model, doc_key, doc) ",
                );
                insert.push_values(chunk, |mut row, ((model, key), doc)| {
                    row.push_bind(projection).push_bind(generation).push_bind(model).push_bind(key).push_bind(doc);
                });
                insert.push(" ON CONFLICT (projection, generation, model, doc_key) DO UPDATE SET doc = excluded.doc");
                insert.build().execute(&mut *tx).await?;
            }
            for (model, keys) in &deletes {
                for chunk in keys.chunks(ROWS_PER_STATEMENT) {
                    // Only full chunks are kept prepared: each model's last has a length of its own.
                    let sql = self.delete_docs_sql(chunk.len());
                    let full = chunk.len() == ROWS_PER_STATEMENT;
                    let mut delete = sqlx::query(&sql).persistent(full).bind(projection).bind(generation).bind(*model);
                    for key in chunk {
                        delete = delete.bind(*key);
                    }
                    delete.execute(&mut *tx).await?;
                }
            }
            tx.commit().await?;
        });
        Ok(true)
    }

    /// Every generation of every projection.
    ///
    /// # Errors
    /// `Database`.
    pub async fn generations(&self) -> Result<Vec<GenerationRow>, ProjectionError> {
        let sql = "SELECT projection, generation, status, position, failed_position, failure \
                   FROM projection_generations ORDER BY projection, generation";
        type Row = (String, i64, String, i64, Option<i64>, Option<String>);
        let rows: Vec<Row> = on_db!(&self.db, read, |pool| sqlx::query_as(sql).fetch_all(pool).await?);
        Ok(rows
            .into_iter()
            .map(|(projection, generation, status, position, failed_position, failure)| GenerationRow {
                projection,
                generation,
                status,
                position,
                failed_position,
                failure,
            })
            .collect())
    }

    /// The live generation of a projection, creating generation 1 when there is none.
    ///
    /// # Errors
    /// `Database`.
    pub async fn live_generation(&self, projection: &str) -> Result<GenerationRow, ProjectionError> {
        if let Some(row) = self.find_live(projection).await? {
            return Ok(row);
        }
        on_db!(&self.db, write, |pool| {
            sqlx::query(
                "INSERT INTO projection_generations (projection, generation, status, position, updated_at) \
                 SELECT $1, 1, 'live', 0, $2 WHERE NOT EXISTS \
                 (SELECT 1 FROM projection_generations WHERE projection = $1) \
                 ON CONFLICT (projection, generation) DO NOTHING",
            )
            .bind(projection)
            .bind(now_micros())
            .execute(pool)
            .await?;
        });
        self.find_live(projection)
            .await?
            .ok_or_else(|| ProjectionError::Corrupt(format!("projection {projection} has no live generation")))
    }

    /// The live generation of a projection, if it ever had one (nothing creates it here).
    ///
    /// # Errors
    /// `Database`.
    pub async fn find_live(&self, projection: &str) -> Result<Option<GenerationRow>, ProjectionError> {
        Ok(self.generations().await?.into_iter().find(|g| g.projection == projection && g.status == "live"))
    }

    /// Opens a new, empty generation (`building` for a rebuild, `scratch` for a replay check),
    /// claimed by its builder for [`LEASE_TTL`] (see [`ReadModelDb::renew_claim`]).
    ///
    /// # Errors
    /// `Database`.
    pub async fn new_generation(&self, projection: &str, status: &str) -> Result<i64, ProjectionError> {
        let now = self.clock_ms();
        let sql = format!(
            "INSERT INTO projection_generations (projection, generation, status, position, updated_at, claimed_until_ms) \
             SELECT $1, COALESCE(MAX(generation), 0) + 1, $2, 0, $3, {now} + $4 FROM projection_generations \
             WHERE projection = $1 RETURNING generation"
        );
        let generation: i64 = on_db!(&self.db, write, |pool| {
            sqlx::query_scalar(&sql)
                .bind(projection)
                .bind(status)
                .bind(now_micros())
                .bind(LEASE_TTL_MS)
                .fetch_one(pool)
                .await?
        });
        Ok(generation)
    }

    /// Extends a builder's claim on its generation by [`LEASE_TTL`].
    ///
    /// # Errors
    /// `Database`.
    pub async fn renew_claim(&self, projection: &str, generation: i64) -> Result<(), ProjectionError> {
        let now = self.clock_ms();
        let sql = format!(
            "UPDATE projection_generations SET claimed_until_ms = {now} + $3 WHERE projection = $1 AND generation = $2"
        );
        on_db!(&self.db, write, |pool| {
            sqlx::query(&sql).bind(projection).bind(generation).bind(LEASE_TTL_MS).execute(pool).await?;
        });
        Ok(())
    }

    /// Removes the building and scratch generations whose builder's claim ran out (a killed
    /// `autos project rebuild` or replay check), with their documents; returns how many.
    ///
    /// # Errors
    /// `Database`.
    pub async fn drop_abandoned(&self, projection: &str) -> Result<usize, ProjectionError> {
        let now = self.clock_ms();
        let sql = format!(
            "SELECT generation FROM projection_generations WHERE projection = $1 \
             AND status IN ('building', 'scratch') AND (claimed_until_ms IS NULL OR claimed_until_ms <= {now})"
        );
        let abandoned: Vec<i64> =
            on_db!(&self.db, write, |pool| sqlx::query_scalar(&sql).bind(projection).fetch_all(pool).await?);
        for &generation in &abandoned {
            self.drop_generation(projection, generation).await?;
        }
        Ok(abandoned.len())
    }

    /// Takes the lease of `projection` for `holder` when nobody holds it or its lease ran out,
    /// in a new term; None when another holder's lease is still running.
    ///
    /// # Errors
    /// `Database`.
    pub async fn acquire_lease(&self, projection: &str, holder: Uuid) -> Result<Option<Fence>, ProjectionError> {
        let now = self.clock_ms();
        let sql = format!(
            "INSERT INTO projection_leases (projection, holder, term, expires_at_ms) VALUES ($1, $2, 1, {now} + $3) \
             ON CONFLICT (projection) DO UPDATE SET holder = excluded.holder, term = projection_leases.term + 1, \
             expires_at_ms = excluded.expires_at_ms WHERE projection_leases.expires_at_ms <= {now} RETURNING term"
        );
        let term: Option<i64> = on_db!(&self.db, write, |pool| {
            sqlx::query_scalar(&sql).bind(projection).bind(holder).bind(LEASE_TTL_MS).fetch_optional(pool).await?
        });
        Ok(term.map(|term| Fence { holder, term }))
    }

    /// Extends the lease of `fence`'s term by [`LEASE_TTL`]; false when it ran out or another
    /// term began (the holder is no longer the leader).
    ///
    /// # Errors
    /// `Database`.
    pub async fn renew_lease(&self, projection: &str, fence: Fence) -> Result<bool, ProjectionError> {
        let sql = self.renew_lease_sql();
        let renewed = on_db!(&self.db, write, |pool| {
            sqlx::query(&sql)
                .bind(projection)
                .bind(fence.holder)
                .bind(fence.term)
                .bind(LEASE_TTL_MS)
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(renewed == 1)
    }

    /// Ends `holder`'s lease of `projection` now, so another instance need not wait for it to
    /// run out.
    ///
    /// # Errors
    /// `Database`.
    pub async fn release_lease(&self, projection: &str, holder: Uuid) -> Result<(), ProjectionError> {
        on_db!(&self.db, write, |pool| {
            sqlx::query("UPDATE projection_leases SET expires_at_ms = 0 WHERE projection = $1 AND holder = $2")
                .bind(projection)
                .bind(holder)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// Every projection's lease, with the database clock's reading.
    ///
    /// # Errors
    /// `Database`.
    pub async fn leases(&self) -> Result<Vec<LeaseRow>, ProjectionError> {
        let now = self.clock_ms();
        let sql =
            format!("SELECT projection, holder, term, expires_at_ms, {now} FROM projection_leases ORDER BY projection");
        let rows: Vec<(String, Uuid, i64, i64, i64)> =
            on_db!(&self.db, read, |pool| sqlx::query_as(&sql).fetch_all(pool).await?);
        Ok(rows
            .into_iter()
            .map(|(projection, holder, term, expires_at_ms, now_ms)| LeaseRow {
                projection,
                holder,
                term,
                expires_at_ms,
                now_ms,
            })
            .collect())
    }

    /// Makes `generation` the live one in one transaction: the previous live generation is
    /// retired (its documents stay until [`ReadModelDb::drop_retired`]).
    ///
    /// # Errors
    /// `Database`.
    pub async fn promote(&self, projection: &str, generation: i64) -> Result<(), ProjectionError> {
        on_db!(&self.db, write, |pool| {
            let mut tx = pool.begin().await?;
            sqlx::query(
                "UPDATE projection_generations SET status = 'retired', updated_at = $1 \
                 WHERE projection = $2 AND generation <> $3 AND status = 'live'",
            )
            .bind(now_micros())
            .bind(projection)
            .bind(generation)
            .execute(&mut *tx)
            .await?;
            sqlx::query("UPDATE projection_generations SET status = 'live' WHERE projection = $1 AND generation = $2")
                .bind(projection)
                .bind(generation)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Deletes the documents of retired generations (no reader uses them once retired).
    ///
    /// # Errors
    /// `Database`.
    pub async fn drop_retired(&self, projection: &str) -> Result<(), ProjectionError> {
        on_db!(&self.db, write, |pool| {
            sqlx::query(
                "DELETE FROM read_model_docs WHERE projection = $1 AND generation IN \
                 (SELECT generation FROM projection_generations WHERE projection = $1 AND status = 'retired')",
            )
            .bind(projection)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// Removes a generation and its documents (a finished replay check, an abandoned rebuild).
    /// The generation row goes first: a flush still writing to it then waits for this
    /// transaction and finds no checkpoint to move, so it leaves no documents behind.
    ///
    /// # Errors
    /// `Database`.
    pub async fn drop_generation(&self, projection: &str, generation: i64) -> Result<(), ProjectionError> {
        on_db!(&self.db, write, |pool| {
            let mut tx = pool.begin().await?;
            sqlx::query("DELETE FROM projection_generations WHERE projection = $1 AND generation = $2")
                .bind(projection)
                .bind(generation)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM read_model_docs WHERE projection = $1 AND generation = $2")
                .bind(projection)
                .bind(generation)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Records that a projection stopped at the event at `position`.
    ///
    /// # Errors
    /// `Database`.
    pub async fn record_failure(
        &self,
        projection: &str,
        generation: i64,
        position: i64,
        failure: &str,
    ) -> Result<(), ProjectionError> {
        on_db!(&self.db, write, |pool| {
            sqlx::query(
                "UPDATE projection_generations SET failed_position = $1, failure = $2, updated_at = $3 \
                 WHERE projection = $4 AND generation = $5",
            )
            .bind(position)
            .bind(failure)
            .bind(now_micros())
            .bind(projection)
            .bind(generation)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// Row count and digest of every model of one generation.
    ///
    /// # Errors
    /// `Database`.
    pub async fn digests(
        &self,
        projection: &str,
        generation: i64,
    ) -> Result<BTreeMap<String, ModelDigest>, ProjectionError> {
        let mut out: BTreeMap<String, (i64, Sha256)> = BTreeMap::new();
        self.scan(projection, generation, |model, key, doc| {
            let (rows, hasher) = out.entry(model.to_owned()).or_insert_with(|| (0, Sha256::new()));
            *rows += 1;
            for part in [key.as_bytes(), doc.as_bytes()] {
                hasher.update((part.len() as u64).to_be_bytes());
                hasher.update(part);
            }
        })
        .await?;
        Ok(out.into_iter().map(|(m, (rows, h))| (m, ModelDigest { rows, sha256: hex::encode(h.finalize()) })).collect())
    }

    /// Every document of one generation in (model, key) order, as stored text.
    ///
    /// # Errors
    /// `Database`.
    pub async fn scan(
        &self,
        projection: &str,
        generation: i64,
        mut visit: impl FnMut(&str, &str, &str) + Send,
    ) -> Result<(), ProjectionError> {
        let mut after: (String, String) = (String::new(), String::new());
        loop {
            // A row-value bound, which both planners turn into a range of the primary key: the
            // `model > $3 OR (model = $3 AND doc_key > $4)` form is a filter to PostgreSQL, so
            // every page scanned the generation again from its first row.
            let sql = "SELECT model, doc_key, doc FROM read_model_docs WHERE projection = $1 AND generation = $2 \
                       AND (model, doc_key) > ($3, $4) ORDER BY model, doc_key LIMIT 5000";
            let rows: Vec<(String, String, String)> = on_db!(&self.db, read, |pool| {
                sqlx::query_as(sql)
                    .bind(projection)
                    .bind(generation)
                    .bind(&after.0)
                    .bind(&after.1)
                    .fetch_all(pool)
                    .await?
            });
            let Some(last) = rows.last() else { return Ok(()) };
            after = (last.0.clone(), last.1.clone());
            for (model, key, doc) in &rows {
                visit(model, key, doc);
            }
        }
    }
}
