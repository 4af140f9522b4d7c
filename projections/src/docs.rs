//! The documents a projection reads and writes while it applies events: a keyed map per read
//! model, behind one trait with two implementations — the runner's write-back buffer over the
//! `read_model_docs` table, and a purely in-memory map used by time travel and tests. The same
//! projection code runs against both, which is what makes time travel equal to the live view.
//! The typed helpers every read model writes with ([`load`], [`store`], [`store_once`], [`add`])
//! are here too.

use std::collections::{BTreeMap, HashMap, HashSet};

use async_trait::async_trait;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::sql::ReadModelDb;
use crate::ProjectionError;

pub use crate::sql::DocId;

/// Read and write access to a projection's documents while applying events.
#[async_trait]
pub trait Docs: Send {
    /// The current document, including changes not yet flushed.
    async fn get(&mut self, model: &str, key: &str) -> Result<Option<Value>, ProjectionError>;
    /// Creates or replaces a document.
    fn put(&mut self, model: &str, key: &str, doc: Value);
    /// Writes a document the projection never reads back (a timeline entry, one per event):
    /// it is flushed like any other but not kept in the read cache.
    fn put_once(&mut self, model: &str, key: &str, doc: Value);
    /// Removes a document (absent is fine).
    fn delete(&mut self, model: &str, key: &str);
}

/// Reads a typed document (its default when absent).
pub(crate) async fn load<T: DeserializeOwned + Default>(
    docs: &mut dyn Docs,
    model: &str,
    key: &str,
) -> Result<T, ProjectionError> {
    match docs.get(model, key).await? {
        None => Ok(T::default()),
        Some(v) => serde_json::from_value(v).map_err(|e| ProjectionError::Corrupt(format!("{model}/{key}: {e}"))),
    }
}

fn to_doc<T: Serialize>(model: &str, key: &str, doc: &T) -> Result<Value, ProjectionError> {
    serde_json::to_value(doc).map_err(|e| ProjectionError::Corrupt(format!("{model}/{key}: {e}")))
}

/// Creates or replaces a typed document.
pub(crate) fn store<T: Serialize>(docs: &mut dyn Docs, model: &str, key: &str, doc: &T) -> Result<(), ProjectionError> {
    docs.put(model, key, to_doc(model, key, doc)?);
    Ok(())
}

/// Writes a typed document the projection never reads back (see [`Docs::put_once`]).
pub(crate) fn store_once<T: Serialize>(
    docs: &mut dyn Docs,
    model: &str,
    key: &str,
    doc: &T,
) -> Result<(), ProjectionError> {
    docs.put_once(model, key, to_doc(model, key, doc)?);
    Ok(())
}

/// Adds `delta` to the counter `field` of a document (created as `{field: delta}` when absent).
pub(crate) async fn add(
    docs: &mut dyn Docs,
    model: &str,
    key: &str,
    field: &str,
    delta: i64,
) -> Result<(), ProjectionError> {
    let mut doc = docs.get(model, key).await?.unwrap_or_else(|| serde_json::json!({}));
    let current = doc[field].as_i64().unwrap_or(0);
    doc[field] = serde_json::json!(current + delta);
    docs.put(model, key, doc);
    Ok(())
}

/// Documents held entirely in memory, ordered by key.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct MemoryDocs {
    pub docs: BTreeMap<DocId, Value>,
}

#[async_trait]
impl Docs for MemoryDocs {
    async fn get(&mut self, model: &str, key: &str) -> Result<Option<Value>, ProjectionError> {
        Ok(self.docs.get(&(model.to_owned(), key.to_owned())).cloned())
    }

    fn put(&mut self, model: &str, key: &str, doc: Value) {
        self.docs.insert((model.to_owned(), key.to_owned()), doc);
    }

    fn put_once(&mut self, model: &str, key: &str, doc: Value) {
        self.put(model, key, doc);
    }

    fn delete(&mut self, model: &str, key: &str) {
        self.docs.remove(&(model.to_owned(), key.to_owned()));
    }
}

impl MemoryDocs {
    /// Every document of one model, in key order.
    pub fn model<'a>(&'a self, model: &'a str) -> impl Iterator<Item = (&'a str, &'a Value)> + 'a {
        self.docs.iter().filter(move |((m, _), _)| m == model).map(|((_, k), v)| (k.as_str(), v))
    }
}

/// Write-back buffer over one generation of a projection's table: reads fall through to the
/// database, writes wait in `pending` until the runner flushes them together with the
/// checkpoint. Documents written earlier in the same run stay cached (`recent`), so a rebuild
/// rarely goes back to the database; `fresh` marks a generation that started empty, where a
/// key never written in this run is known to be absent.
pub struct BufferedDocs {
    db: ReadModelDb,
    projection: &'static str,
    generation: i64,
    fresh: bool,
    pending: HashMap<DocId, Option<Value>>,
    /// Write-once documents waiting for the flush, in write order; never cached.
    pending_once: Vec<(DocId, Option<Value>)>,
    recent: HashMap<DocId, Option<Value>>,
}

/// Cached documents kept across flushes before the cache is dropped.
const RECENT_CAPACITY: usize = 200_000;

impl BufferedDocs {
    pub fn new(db: ReadModelDb, projection: &'static str, generation: i64, fresh: bool) -> Self {
        BufferedDocs {
            db,
            projection,
            generation,
            fresh,
            pending: HashMap::new(),
            pending_once: Vec::new(),
            recent: HashMap::new(),
        }
    }

    /// Hands the pending changes to the caller (to be written with the checkpoint), keeping
    /// them cached.
    pub fn take_pending(&mut self) -> Vec<(DocId, Option<Value>)> {
        if self.recent.len() > RECENT_CAPACITY {
            self.recent.clear();
            self.fresh = false;
        }
        let mut pending: Vec<_> = self.pending.drain().collect();
        for (id, doc) in &pending {
            self.recent.insert(id.clone(), doc.clone());
        }
        // A write-once document may be written again within a page (one act's several events
        // citing one document): the last write stands, and a flush never names a key twice.
        let mut once = std::mem::take(&mut self.pending_once);
        let mut seen = HashSet::with_capacity(once.len());
        once.reverse();
        once.retain(|(id, _)| seen.insert(id.clone()));
        once.reverse();
        pending.append(&mut once);
        pending
    }

    /// Forgets everything buffered (after a failed flush the database is the truth again).
    pub fn discard(&mut self) {
        self.pending.clear();
        self.pending_once.clear();
        self.recent.clear();
        self.fresh = false;
    }

    pub fn pending_len(&self) -> usize {
        self.pending.len() + self.pending_once.len()
    }
}

#[async_trait]
impl Docs for BufferedDocs {
    async fn get(&mut self, model: &str, key: &str) -> Result<Option<Value>, ProjectionError> {
        let id = (model.to_owned(), key.to_owned());
        if let Some(doc) = self.pending.get(&id).or_else(|| self.recent.get(&id)) {
            return Ok(doc.clone());
        }
        if self.fresh {
            return Ok(None);
        }
        let doc = self.db.get_doc(self.projection, self.generation, model, key).await?;
        self.recent.insert(id, doc.clone());
        Ok(doc)
    }

    fn put(&mut self, model: &str, key: &str, doc: Value) {
        self.pending.insert((model.to_owned(), key.to_owned()), Some(doc));
    }

    fn put_once(&mut self, model: &str, key: &str, doc: Value) {
        self.pending_once.push(((model.to_owned(), key.to_owned()), Some(doc)));
    }

    fn delete(&mut self, model: &str, key: &str) {
        self.pending.insert((model.to_owned(), key.to_owned()), None);
    }
}
