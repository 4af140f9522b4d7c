//! The documents a projection reads and writes while it applies events: a keyed map per read
//! model, behind one trait with two implementations — the runner's write-back buffer over the
//! `read_model_docs` table, and a purely in-memory map used by time travel and tests. The same
//! projection code runs against both, which is what makes time travel equal to the live view.
//! The typed helpers every read model writes with ([`load`], [`store`], [`store_once`], [`add`])
//! are here too.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use async_trait::async_trait;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::sql::ReadModelDb;
use crate::ProjectionError;

pub use crate::sql::{Change, DocId};

/// Read and write access to a projection's documents while applying events.
#[async_trait]
pub trait Docs: Send {
    /// The current document, including changes not yet flushed.
    async fn get(&mut self, model: &str, key: &str) -> Result<Option<&Value>, ProjectionError>;
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
        Some(v) => T::deserialize(v).map_err(|e| ProjectionError::Corrupt(format!("{model}/{key}: {e}"))),
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
    let mut doc = docs.get(model, key).await?.cloned().unwrap_or_else(|| serde_json::json!({}));
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
    async fn get(&mut self, model: &str, key: &str) -> Result<Option<&Value>, ProjectionError> {
        Ok(self.docs.get(&(model.to_owned(), key.to_owned())))
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
/// checkpoint. Documents written or read earlier in the same run stay cached in two
/// generations: `recent` until it holds [`RECENT_CAPACITY`] documents, then it becomes `older`
/// (the previous `older` is dropped) and a hit there moves the document back to `recent` — so
/// what the log keeps touching (an operator's status, an open case) stays in memory however long
/// the run, and a rebuild rarely goes back to the database. `fresh` marks a generation that
/// started empty, where a key never written in this run is known to be absent; the keys dropped
/// from its cache are kept in `evicted`, the only ones to read back.
pub struct BufferedDocs {
    db: ReadModelDb,
    projection: &'static str,
    generation: i64,
    fresh: bool,
    pending: HashMap<DocId, Option<Arc<Value>>>,
    /// Write-once documents waiting for the flush, in write order; never cached.
    pending_once: Vec<Change>,
    recent: HashMap<DocId, Option<Arc<Value>>>,
    older: HashMap<DocId, Option<Arc<Value>>>,
    evicted: HashSet<DocId>,
}

/// Cached documents in each of the cache's two generations.
const RECENT_CAPACITY: usize = 250_000;

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
            older: HashMap::new(),
            evicted: HashSet::new(),
        }
    }

    /// Hands the pending changes to the caller (to be written with the checkpoint), keeping
    /// them cached.
    pub fn take_pending(&mut self) -> Vec<Change> {
        if self.recent.len() > RECENT_CAPACITY {
            let dropped = std::mem::replace(&mut self.older, std::mem::take(&mut self.recent));
            if self.fresh {
                self.evicted.extend(dropped.into_keys());
            }
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
        self.older.clear();
        self.evicted.clear();
        self.fresh = false;
    }

    pub fn pending_len(&self) -> usize {
        self.pending.len() + self.pending_once.len()
    }
}

#[async_trait]
impl Docs for BufferedDocs {
    async fn get(&mut self, model: &str, key: &str) -> Result<Option<&Value>, ProjectionError> {
        let id = (model.to_owned(), key.to_owned());
        if let Some(doc) = self.pending.get(&id) {
            return Ok(doc.as_deref());
        }
        let cached = match self.recent.entry(id) {
            Entry::Occupied(hit) => hit.into_mut(),
            Entry::Vacant(miss) => {
                let doc = match self.older.remove(miss.key()) {
                    Some(doc) => doc,
                    None if self.fresh && !self.evicted.contains(miss.key()) => return Ok(None),
                    None => self.db.get_doc(self.projection, self.generation, model, key).await?.map(Arc::new),
                };
                miss.insert(doc)
            }
        };
        Ok(cached.as_deref())
    }

    fn put(&mut self, model: &str, key: &str, doc: Value) {
        self.pending.insert((model.to_owned(), key.to_owned()), Some(Arc::new(doc)));
    }

    fn put_once(&mut self, model: &str, key: &str, doc: Value) {
        self.pending_once.push(((model.to_owned(), key.to_owned()), Some(Arc::new(doc))));
    }

    fn delete(&mut self, model: &str, key: &str) {
        self.pending.insert((model.to_owned(), key.to_owned()), None);
    }
}
