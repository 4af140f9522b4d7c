//! Reading the live read models: the documents of the live generation of each projection, in
//! pages (`after` is the last key of the previous page), and time travel through the same
//! projection code when a past state is asked for.

use autos_domain::{Registro, StreamRef};
use autos_projections::keys;
use autos_projections::models::{self, Estado};
use autos_projections::sql::ReadModelDb;
use autos_projections::time_travel::{fold_streams, Cut};
use autos_projections::ProjectionError;
use autos_store::EventStore;
use serde::de::DeserializeOwned;
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppError;

/// Largest page any list returns.
pub const MAX_PAGE: i64 = 500;

/// A page of a list, with the cursor of the next page.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `after` to get the next page; absent on the last page.
    pub next: Option<String>,
}

/// Read access to the live generation of every projection.
#[derive(Clone)]
pub struct Views {
    db: ReadModelDb,
}

fn typed<T: DeserializeOwned>(key: &str, value: serde_json::Value) -> Result<T, AppError> {
    serde_json::from_value(value).map_err(|e| ProjectionError::Corrupt(format!("{key}: {e}")).into())
}

impl Views {
    pub fn new(store: &dyn EventStore) -> Self {
        Views { db: ReadModelDb::new(store.database()) }
    }

    pub fn db(&self) -> &ReadModelDb {
        &self.db
    }

    async fn generation(&self, projection: &str) -> Result<i64, AppError> {
        Ok(self.db.live_generation(projection).await?.generation)
    }

    /// One document of the core projection.
    ///
    /// # Errors
    /// `Projection` on database faults.
    pub async fn get<T: DeserializeOwned>(&self, model: &str, key: &str) -> Result<Option<T>, AppError> {
        let generation = self.generation(Estado::NAME).await?;
        match self.db.get_doc(Estado::NAME, generation, model, key).await? {
            Some(v) => Ok(Some(typed(key, v)?)),
            None => Ok(None),
        }
    }

    /// A page of documents of the core projection whose key starts with `prefix`, filtered.
    ///
    /// # Errors
    /// `Projection` on database faults.
    pub async fn page<T: DeserializeOwned>(
        &self,
        model: &str,
        prefix: &str,
        after: Option<&str>,
        limit: i64,
        keep: impl Fn(&T) -> bool,
    ) -> Result<Page<T>, AppError> {
        let generation = self.generation(Estado::NAME).await?;
        let limit = limit.clamp(1, MAX_PAGE);
        let mut items = Vec::new();
        let mut cursor = after.map(str::to_owned);
        loop {
            let rows = self.db.list(Estado::NAME, generation, model, prefix, cursor.as_deref(), limit * 4).await?;
            let exhausted = (rows.len() as i64) < limit * 4;
            for (key, value) in rows {
                cursor = Some(key.clone());
                let doc: T = typed(&key, value)?;
                if keep(&doc) {
                    items.push(doc);
                    if items.len() as i64 == limit {
                        return Ok(Page { items, next: cursor });
                    }
                }
            }
            if exhausted {
                return Ok(Page { items, next: None });
            }
        }
    }

    /// Every document of the core projection under `prefix`, with its key (small models only:
    /// dashboard counters, the operator register).
    ///
    /// # Errors
    /// `Projection` on database faults.
    pub async fn entries(&self, model: &str, prefix: &str) -> Result<Vec<(String, serde_json::Value)>, AppError> {
        let generation = self.generation(Estado::NAME).await?;
        let mut out = Vec::new();
        loop {
            let after = out.last().map(|(k, _): &(String, serde_json::Value)| k.clone());
            let rows = self.db.list(Estado::NAME, generation, model, prefix, after.as_deref(), MAX_PAGE).await?;
            let done = (rows.len() as i64) < MAX_PAGE;
            out.extend(rows);
            if done {
                return Ok(out);
            }
        }
    }

    /// An operator's status now, or folded from the log as of a legal date and/or as known
    /// at a recording instant.
    ///
    /// # Errors
    /// `NotFound` when the operator has no events in the cut.
    pub async fn operator(
        &self,
        store: &dyn EventStore,
        registro: Registro,
        cut: Cut,
    ) -> Result<models::OperatorDoc, AppError> {
        let key = keys::operator(registro);
        let doc = if cut == Cut::default() {
            self.get::<models::OperatorDoc>(models::OPERATOR, &key).await?
        } else {
            let mut streams = vec![StreamRef::Operadora(registro).to_string()];
            let generation = self.generation(Estado::NAME).await?;
            for key in
                self.db.keys(Estado::NAME, generation, models::CASE_OF_OPERATOR, &keys::of_operator(registro)).await?
            {
                let id = keys::case_of_operator_id(registro, &key)
                    .and_then(|id| uuid::Uuid::parse_str(id).ok())
                    .ok_or_else(|| ProjectionError::Corrupt(format!("{}: {key}", models::CASE_OF_OPERATOR)))?;
                streams.push(StreamRef::Caso(id).to_string());
            }
            fold_streams(store, &Estado, &streams, cut, models::OPERATOR_FOLD).await?.read(models::OPERATOR, &key)?
        };
        doc.ok_or_else(|| AppError::NotFound(format!("operadora {key}")))
    }

    /// A case's state now, or as of / as known at.
    ///
    /// # Errors
    /// `NotFound` when the case has no events in the cut.
    pub async fn case(
        &self,
        store: &dyn EventStore,
        case_id: uuid::Uuid,
        cut: Cut,
    ) -> Result<models::CaseDoc, AppError> {
        let key = keys::case(case_id);
        let doc = if cut == Cut::default() {
            self.get::<models::CaseDoc>(models::CASE, &key).await?
        } else {
            let streams = [StreamRef::Caso(case_id).to_string()];
            fold_streams(store, &Estado, &streams, cut, models::CASE_FOLD).await?.read(models::CASE, &key)?
        };
        doc.ok_or_else(|| AppError::NotFound(format!("caso {key}")))
    }
}
