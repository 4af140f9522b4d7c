//! The documents a projection reads and writes while it applies events: a keyed map per read
//! model, behind one trait with two implementations — the runner's write-back buffer over the
//! `read_model_docs` table, and a purely in-memory map used by time travel and tests. The same
//! projection code runs against both, which is what makes time travel equal to the live view.
//! The typed helpers every read model reads and writes with ([`load`], [`store`], [`add`]) are
//! here too.
//!
//! A document is held as the text the database gave, or as the typed value the projection
//! wrote ([`Doc`]): a document an event touches is read back by the next event as a clone of
//! that value, not through JSON, and turned into JSON text once, when it is written out. A
//! fold may also keep only some read models ([`Docs::keeps`]): time travel of an operator needs
//! its status, its cases and its sanctions, not the timeline, queues and counters the same
//! events feed, and those are then never built.

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

/// A document as a projection holds it.
#[derive(Clone)]
pub enum Doc {
    /// JSON text as the database gave it, parsed when first read.
    Text(Arc<str>),
    /// The value a projection wrote in this run (see [`Typed`]).
    Typed(Arc<dyn Typed>),
}

/// A document value of any read model's type: read back as itself, written out as JSON.
pub trait Typed: std::any::Any + Send + Sync {
    /// The JSON text stored for it.
    ///
    /// # Errors
    /// When the value does not serialise (a map with non-string keys).
    fn to_text(&self) -> Result<String, serde_json::Error>;
    /// The JSON value stored for it.
    ///
    /// # Errors
    /// As [`Typed::to_text`].
    fn to_json(&self) -> Result<Value, serde_json::Error>;
    fn as_any(&self) -> &dyn std::any::Any;
}

impl<T: Serialize + std::any::Any + Send + Sync> Typed for T {
    fn to_text(&self) -> Result<String, serde_json::Error> {
        serde_json::to_string(self)
    }

    fn to_json(&self) -> Result<Value, serde_json::Error> {
        serde_json::to_value(self)
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

impl Doc {
    /// A document held as the value `doc`.
    pub fn typed<T: Serialize + Send + Sync + 'static>(doc: T) -> Doc {
        Doc::Typed(Arc::new(doc))
    }

    /// The document as a `T`: a clone when it is held as one, parsed otherwise.
    ///
    /// # Errors
    /// When its JSON does not describe a `T`.
    pub fn read<T: DeserializeOwned + Clone + 'static>(&self) -> Result<T, serde_json::Error> {
        match self {
            Doc::Text(text) => serde_json::from_str(text),
            Doc::Typed(doc) => match doc.as_any().downcast_ref::<T>() {
                Some(doc) => Ok(doc.clone()),
                None => serde_json::from_value(doc.to_json()?),
            },
        }
    }

    /// The JSON text to store.
    ///
    /// # Errors
    /// As [`Typed::to_text`].
    pub fn to_text(&self) -> Result<String, serde_json::Error> {
        match self {
            Doc::Text(text) => Ok(text.to_string()),
            Doc::Typed(doc) => doc.to_text(),
        }
    }

    /// The document as a JSON value.
    ///
    /// # Errors
    /// When the text is not JSON or the value does not serialise.
    pub fn to_json(&self) -> Result<Value, serde_json::Error> {
        match self {
            Doc::Text(text) => serde_json::from_str(text),
            Doc::Typed(doc) => doc.to_json(),
        }
    }
}

impl std::fmt::Debug for Doc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.to_text() {
            Ok(text) => f.write_str(&text),
            Err(e) => write!(f, "<{e}>"),
        }
    }
}

/// Read and write access to a projection's documents while applying events.
#[async_trait]
pub trait Docs: Send {
    /// The current document, including changes not yet flushed.
    async fn get(&mut self, model: &str, key: &str) -> Result<Option<Doc>, ProjectionError>;
    /// Creates or replaces a document.
    fn put(&mut self, model: &str, key: &str, doc: Doc);
    /// Writes a document the projection never reads back (a timeline entry, one per event):
    /// it is flushed like any other but not kept in the read cache.
    fn put_once(&mut self, model: &str, key: &str, doc: Doc);
    /// Removes a document (absent is fine).
    fn delete(&mut self, model: &str, key: &str);
    /// Whether this fold keeps the documents of `model` (all do, but a scoped time travel):
    /// writes to a model it does not keep are dropped unbuilt.
    fn keeps(&self, model: &str) -> bool {
        let _ = model;
        true
    }
}

/// A document of `model` under `key` that does not read back, or write out, as JSON.
pub(crate) fn corrupt(model: &str, key: &str, e: &serde_json::Error) -> ProjectionError {
    ProjectionError::Corrupt(format!("{model}/{key}: {e}"))
}

/// Reads a typed document (its default when absent).
pub(crate) async fn load<T: DeserializeOwned + Default + Clone + 'static>(
    docs: &mut dyn Docs,
    model: &str,
    key: &str,
) -> Result<T, ProjectionError> {
    match docs.get(model, key).await? {
        None => Ok(T::default()),
        Some(doc) => doc.read().map_err(|e| corrupt(model, key, &e)),
    }
}

/// Creates or replaces a typed document (it is serialised when flushed).
pub(crate) fn store<T: Serialize + Send + Sync + 'static>(docs: &mut dyn Docs, model: &str, key: &str, doc: T) {
    if docs.keeps(model) {
        docs.put(model, key, Doc::typed(doc));
    }
}

/// Adds `delta` to the counter `field` of a document (created as `{field: delta}` when absent).
pub(crate) async fn add(
    docs: &mut dyn Docs,
    model: &str,
    key: &str,
    field: &str,
    delta: i64,
) -> Result<(), ProjectionError> {
    if !docs.keeps(model) {
        return Ok(());
    }
    let mut doc: Value = match docs.get(model, key).await? {
        Some(doc) => doc.read().map_err(|e| corrupt(model, key, &e))?,
        None => serde_json::json!({}),
    };
    let current = doc[field].as_i64().unwrap_or(0);
    doc[field] = serde_json::json!(current + delta);
    docs.put(model, key, Doc::typed(doc));
    Ok(())
}

/// Documents held entirely in memory, ordered by key; with a scope, only those of the read
/// models it names.
#[derive(Debug, Default, Clone)]
pub struct MemoryDocs {
    pub docs: BTreeMap<DocId, Doc>,
    scope: Option<&'static [&'static str]>,
}

#[async_trait]
impl Docs for MemoryDocs {
    async fn get(&mut self, model: &str, key: &str) -> Result<Option<Doc>, ProjectionError> {
        Ok(self.docs.get(&(model.to_owned(), key.to_owned())).cloned())
    }

    fn put(&mut self, model: &str, key: &str, doc: Doc) {
        if self.keeps(model) {
            self.docs.insert((model.to_owned(), key.to_owned()), doc);
        }
    }

    fn put_once(&mut self, model: &str, key: &str, doc: Doc) {
        self.put(model, key, doc);
    }

    fn delete(&mut self, model: &str, key: &str) {
        self.docs.remove(&(model.to_owned(), key.to_owned()));
    }

    fn keeps(&self, model: &str) -> bool {
        self.scope.is_none_or(|models| models.contains(&model))
    }
}

impl MemoryDocs {
    /// An empty map that keeps only the documents of `models`.
    pub fn scoped(models: &'static [&'static str]) -> Self {
        MemoryDocs { docs: BTreeMap::new(), scope: Some(models) }
    }

    /// Every document of one model, in key order.
    pub fn model<'a>(&'a self, model: &'a str) -> impl Iterator<Item = (&'a str, &'a Doc)> + 'a {
        self.docs.iter().filter(move |((m, _), _)| m == model).map(|((_, k), v)| (k.as_str(), v))
    }

    /// One document as a `T`, if there is one.
    ///
    /// # Errors
    /// `Corrupt` when its JSON does not describe a `T`.
    pub fn read<T: DeserializeOwned + Clone + 'static>(
        &self,
        model: &str,
        key: &str,
    ) -> Result<Option<T>, ProjectionError> {
        self.docs
            .get(&(model.to_owned(), key.to_owned()))
            .map(|doc| doc.read().map_err(|e| corrupt(model, key, &e)))
            .transpose()
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
    pending: HashMap<DocId, Option<Doc>>,
    /// Write-once documents waiting for the flush, in write order; never cached.
    pending_once: Vec<Change>,
    recent: HashMap<DocId, Option<Doc>>,
    older: HashMap<DocId, Option<Doc>>,
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
    async fn get(&mut self, model: &str, key: &str) -> Result<Option<Doc>, ProjectionError> {
        let id = (model.to_owned(), key.to_owned());
        if let Some(doc) = self.pending.get(&id) {
            return Ok(doc.clone());
        }
        let cached = match self.recent.entry(id) {
            Entry::Occupied(hit) => hit.into_mut(),
            Entry::Vacant(miss) => {
                let doc = match self.older.remove(miss.key()) {
                    Some(doc) => doc,
                    None if self.fresh && !self.evicted.contains(miss.key()) => return Ok(None),
                    None => self.db.get_doc_text(self.projection, self.generation, model, key).await?.map(Doc::Text),
                };
                miss.insert(doc)
            }
        };
        Ok(cached.clone())
    }

    fn put(&mut self, model: &str, key: &str, doc: Doc) {
        self.pending.insert((model.to_owned(), key.to_owned()), Some(doc));
    }

    fn put_once(&mut self, model: &str, key: &str, doc: Doc) {
        self.pending_once.push(((model.to_owned(), key.to_owned()), Some(doc)));
    }

    fn delete(&mut self, model: &str, key: &str) {
        self.pending.insert((model.to_owned(), key.to_owned()), None);
    }
}
