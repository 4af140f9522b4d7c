//! The SQL behind the read models, written once for both backends: `autos_store::on_db!`
//! expands each body for the SQLite and the PostgreSQL pool, so the statements (portable SQL
//! with `$n` placeholders and `ON CONFLICT … DO UPDATE`) are checked by the compiler on both.

use std::collections::BTreeMap;

use autos_store::{hashing::now_micros, on_db, Database};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::ProjectionError;

/// A document address: (read model, key).
pub type DocId = (String, String);

/// Rows per multi-row INSERT (5 parameters each, below both backends' limits).
const ROWS_PER_STATEMENT: usize = 1_000;

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
        let sql = "SELECT doc FROM read_model_docs \
                   WHERE projection = $1 AND generation = $2 AND model = $3 AND doc_key = $4";
        let text: Option<String> = on_db!(&self.db, read, |pool| {
            sqlx::query_scalar(sql).bind(projection).bind(generation).bind(model).bind(key).fetch_optional(pool).await?
        });
        text.as_deref().map(parse_doc).transpose()
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

    /// Writes a batch of document changes and moves the checkpoint to `position`, in one
    /// transaction. Returns false (writing nothing) when the generation is no longer the one
    /// this writer owns (it was retired by a rebuild).
    ///
    /// # Errors
    /// `Database`.
    pub async fn flush(
        &self,
        projection: &str,
        generation: i64,
        changes: &[(DocId, Option<Value>)],
        position: i64,
    ) -> Result<bool, ProjectionError> {
        let upserts: Vec<(&DocId, String)> =
            changes.iter().filter_map(|(id, doc)| doc.as_ref().map(|d| (id, d.to_string()))).collect();
        let deletes: Vec<&DocId> = changes.iter().filter(|(_, d)| d.is_none()).map(|(id, _)| id).collect();
        on_db!(&self.db, write, |pool| {
            let mut tx = pool.begin().await?;
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
            for (model, key) in deletes {
                sqlx::query(
                    "DELETE FROM read_model_docs WHERE projection = $1 AND generation = $2 AND model = $3 AND doc_key = $4",
                )
                .bind(projection)
                .bind(generation)
                .bind(model)
                .bind(key)
                .execute(&mut *tx)
                .await?;
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

    async fn find_live(&self, projection: &str) -> Result<Option<GenerationRow>, ProjectionError> {
        Ok(self.generations().await?.into_iter().find(|g| g.projection == projection && g.status == "live"))
    }

    /// Opens a new, empty generation (`building` for a rebuild, `scratch` for a replay check).
    ///
    /// # Errors
    /// `Database`.
    pub async fn new_generation(&self, projection: &str, status: &str) -> Result<i64, ProjectionError> {
        let generation: i64 = on_db!(&self.db, write, |pool| {
            sqlx::query_scalar(
                "INSERT INTO projection_generations (projection, generation, status, position, updated_at) \
                 SELECT $1, COALESCE(MAX(generation), 0) + 1, $2, 0, $3 FROM projection_generations \
                 WHERE projection = $1 RETURNING generation",
            )
            .bind(projection)
            .bind(status)
            .bind(now_micros())
            .fetch_one(pool)
            .await?
        });
        Ok(generation)
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
    ///
    /// # Errors
    /// `Database`.
    pub async fn drop_generation(&self, projection: &str, generation: i64) -> Result<(), ProjectionError> {
        on_db!(&self.db, write, |pool| {
            let mut tx = pool.begin().await?;
            sqlx::query("DELETE FROM read_model_docs WHERE projection = $1 AND generation = $2")
                .bind(projection)
                .bind(generation)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM projection_generations WHERE projection = $1 AND generation = $2")
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
            let sql = "SELECT model, doc_key, doc FROM read_model_docs WHERE projection = $1 AND generation = $2 \
                       AND (model > $3 OR (model = $3 AND doc_key > $4)) ORDER BY model, doc_key LIMIT 5000";
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
