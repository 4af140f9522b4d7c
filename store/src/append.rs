//! The append algorithm both backends share: validate, resolve each stream's head (version and
//! last hash) from the cache or the database, compute versions and chained hashes, hand the
//! rows to the backend's single insert statement, and classify a failure as an idempotent retry
//! or a version conflict. Backends supply only the SQL.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::hashing::{event_hash, now_micros, EventHashInput, GENESIS};
use crate::{AppendBatch, AppendOutcome, ExpectedVersion, StoreError};

/// A stream's last version and the hash of that event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StreamHead {
    pub version: i64,
    pub hash: Vec<u8>,
}

impl StreamHead {
    fn empty() -> Self {
        StreamHead { version: 0, hash: GENESIS.to_vec() }
    }
}

/// One row ready for insertion.
pub(crate) struct PlannedRow {
    pub event_id: Uuid,
    pub stream_id: String,
    pub version: i64,
    pub event_type: String,
    pub schema_version: i32,
    pub payload: String,
    pub occurred_on: NaiveDate,
    pub legal_basis: Option<String>,
    pub document_ref: Option<String>,
    pub prev_hash: Vec<u8>,
    pub hash: Vec<u8>,
}

/// Everything one insert statement needs.
pub(crate) struct PlannedAppend {
    pub rows: Vec<PlannedRow>,
    pub recorded_at: DateTime<Utc>,
    pub actor_id: Uuid,
    pub actor_role: String,
    pub correlation_id: Option<Uuid>,
    pub causation_id: Option<Uuid>,
    pub command: Option<String>,
}

/// Why the backend's insert failed.
pub(crate) enum InsertFailure {
    /// A unique index refused a row: a stale version or an already-used event id.
    UniqueViolation,
    Other(StoreError),
}

/// The SQL a backend provides to the shared append algorithm.
#[async_trait]
pub(crate) trait AppendBackend: Send + Sync {
    /// The head at exactly `version`, or the latest head when `version` is None.
    async fn head(&self, stream_id: &str, version: Option<i64>) -> Result<Option<StreamHead>, StoreError>;
    /// Inserts every row in one statement; returns positions in row order. With `hold`, the
    /// rows are inserted in an explicit transaction kept open that long before commit (used by
    /// the ordering tests to produce late commits).
    async fn insert(&self, plan: &PlannedAppend, hold: Option<Duration>) -> Result<Vec<i64>, InsertFailure>;
    /// Existing (event id, stream id, version, position) for the given ids.
    async fn find_event_ids(&self, ids: &[Uuid]) -> Result<Vec<(Uuid, String, i64, i64)>, StoreError>;
    /// The cache of heads this process has seen.
    fn heads(&self) -> &HeadCache;
}

/// Last known head per stream. Events are immutable, so a cached (version, hash) pair is
/// always true of that version; freshness is enforced by the unique (stream, version) index.
#[derive(Default)]
pub(crate) struct HeadCache {
    inner: Mutex<HashMap<String, StreamHead>>,
}

const HEAD_CACHE_LIMIT: usize = 100_000;

impl HeadCache {
    fn get(&self, stream: &str) -> Option<StreamHead> {
        self.inner.lock().ok()?.get(stream).cloned()
    }
    pub(crate) fn put(&self, stream: &str, head: StreamHead) {
        if let Ok(mut map) = self.inner.lock() {
            if map.len() >= HEAD_CACHE_LIMIT {
                map.clear();
            }
            map.insert(stream.to_owned(), head);
        }
    }
}

const ANY_RETRIES: usize = 5;

/// Runs an append through `backend`.
///
/// # Errors
/// `InvalidInput` before any SQL; `Conflict` naming the first stale stream;
/// `IdempotencyMismatch` when only some ids exist; `Database` on IO faults.
pub(crate) async fn append<B: AppendBackend + ?Sized>(
    backend: &B,
    batch: &AppendBatch,
    hold: Option<Duration>,
) -> Result<AppendOutcome, StoreError> {
    batch.validate()?;
    let has_any = batch.streams.iter().any(|s| s.expected == ExpectedVersion::Any);
    let mut attempt = 0;
    loop {
        let heads = resolve_heads(backend, batch).await?;
        let plan = plan(batch, &heads);
        match backend.insert(&plan, hold).await {
            Ok(positions) => {
                for (s, head) in batch.streams.iter().zip(&heads) {
                    let last = plan
                        .rows
                        .iter()
                        .rev()
                        .find(|r| r.stream_id == s.stream_id)
                        .map(|r| StreamHead { version: r.version, hash: r.hash.clone() })
                        .unwrap_or_else(|| head.clone());
                    backend.heads().put(&s.stream_id, last);
                }
                let stream_versions = batch
                    .streams
                    .iter()
                    .zip(&heads)
                    .map(|(s, h)| (s.stream_id.clone(), h.version + s.events.len() as i64))
                    .collect();
                return Ok(AppendOutcome { positions, stream_versions, duplicate: false });
            }
            Err(InsertFailure::Other(e)) => return Err(e),
            Err(InsertFailure::UniqueViolation) => {
                if let Some(outcome) = existing_outcome(backend, batch).await? {
                    return Ok(outcome);
                }
                let conflict = first_conflict(backend, batch).await?;
                match conflict {
                    Some(err) => return Err(err),
                    // Only `Any` streams moved under us: read the new heads and try again.
                    None if has_any && attempt < ANY_RETRIES => attempt += 1,
                    None => {
                        return Err(StoreError::Conflict {
                            stream: batch.streams[0].stream_id.clone(),
                            expected: "any".into(),
                            actual: current_version(backend, &batch.streams[0].stream_id).await?,
                        })
                    }
                }
            }
        }
    }
}

async fn current_version<B: AppendBackend + ?Sized>(backend: &B, stream: &str) -> Result<i64, StoreError> {
    Ok(backend.head(stream, None).await?.map_or(0, |h| h.version))
}

async fn resolve_heads<B: AppendBackend + ?Sized>(
    backend: &B,
    batch: &AppendBatch,
) -> Result<Vec<StreamHead>, StoreError> {
    let mut heads = Vec::with_capacity(batch.streams.len());
    for s in &batch.streams {
        let head = match s.expected {
            ExpectedVersion::NoStream | ExpectedVersion::Exact(0) => StreamHead::empty(),
            ExpectedVersion::Exact(n) => match backend.heads().get(&s.stream_id) {
                Some(h) if h.version == n => h,
                _ => match backend.head(&s.stream_id, Some(n)).await? {
                    Some(h) => h,
                    None => {
                        return Err(StoreError::Conflict {
                            stream: s.stream_id.clone(),
                            expected: s.expected.to_string(),
                            actual: current_version(backend, &s.stream_id).await?,
                        })
                    }
                },
            },
            ExpectedVersion::Any => backend.head(&s.stream_id, None).await?.unwrap_or_else(StreamHead::empty),
        };
        heads.push(head);
    }
    Ok(heads)
}

fn canonical_json(value: &serde_json::Value) -> String {
    // serde_json's map is ordered by key, so this text is canonical for a given value.
    value.to_string()
}

fn plan(batch: &AppendBatch, heads: &[StreamHead]) -> PlannedAppend {
    let recorded_at = now_micros();
    let p = &batch.provenance;
    let command = p.command.as_ref().map(canonical_json);
    let mut rows = Vec::with_capacity(batch.len());
    for (s, head) in batch.streams.iter().zip(heads) {
        let mut prev = head.hash.clone();
        for (i, e) in s.events.iter().enumerate() {
            let version = head.version + 1 + i as i64;
            let payload = canonical_json(&e.payload);
            let hash = event_hash(
                &EventHashInput {
                    stream_id: &s.stream_id,
                    stream_version: version,
                    event_id: e.event_id,
                    event_type: &e.event_type,
                    schema_version: e.schema_version,
                    payload: &payload,
                    occurred_on: e.occurred_on,
                    recorded_at,
                    actor_id: p.actor_id,
                    actor_role: &p.actor_role,
                    legal_basis: e.legal_basis.as_deref(),
                    document_ref: e.document_ref.as_deref(),
                    correlation_id: p.correlation_id,
                    causation_id: p.causation_id,
                    command: command.as_deref(),
                },
                &prev,
            )
            .to_vec();
            rows.push(PlannedRow {
                event_id: e.event_id,
                stream_id: s.stream_id.clone(),
                version,
                event_type: e.event_type.clone(),
                schema_version: e.schema_version,
                payload,
                occurred_on: e.occurred_on,
                legal_basis: e.legal_basis.clone(),
                document_ref: e.document_ref.clone(),
                prev_hash: std::mem::replace(&mut prev, hash.clone()),
                hash,
            });
        }
    }
    PlannedAppend {
        rows,
        recorded_at,
        actor_id: p.actor_id,
        actor_role: p.actor_role.clone(),
        correlation_id: p.correlation_id,
        causation_id: p.causation_id,
        command,
    }
}

/// When every event id of the batch already exists on the same streams, the original outcome.
async fn existing_outcome<B: AppendBackend + ?Sized>(
    backend: &B,
    batch: &AppendBatch,
) -> Result<Option<AppendOutcome>, StoreError> {
    let ids: Vec<Uuid> = batch.streams.iter().flat_map(|s| s.events.iter().map(|e| e.event_id)).collect();
    let found = backend.find_event_ids(&ids).await?;
    if found.is_empty() {
        return Ok(None);
    }
    let by_id: HashMap<Uuid, (String, i64, i64)> = found.into_iter().map(|(id, s, v, p)| (id, (s, v, p))).collect();
    let mut positions = Vec::with_capacity(ids.len());
    let mut stream_versions = Vec::new();
    for s in &batch.streams {
        let mut last = 0;
        for e in &s.events {
            match by_id.get(&e.event_id) {
                Some((stream, version, position)) if *stream == s.stream_id => {
                    positions.push(*position);
                    last = last.max(*version);
                }
                _ => return Err(StoreError::IdempotencyMismatch(e.event_id)),
            }
        }
        stream_versions.push((s.stream_id.clone(), last));
    }
    Ok(Some(AppendOutcome { positions, stream_versions, duplicate: true }))
}

async fn first_conflict<B: AppendBackend + ?Sized>(
    backend: &B,
    batch: &AppendBatch,
) -> Result<Option<StoreError>, StoreError> {
    for s in &batch.streams {
        let actual = current_version(backend, &s.stream_id).await?;
        let stale = match s.expected {
            ExpectedVersion::Any => false,
            ExpectedVersion::NoStream => actual != 0,
            ExpectedVersion::Exact(n) => actual != n,
        };
        if stale {
            return Ok(Some(StoreError::Conflict {
                stream: s.stream_id.clone(),
                expected: s.expected.to_string(),
                actual,
            }));
        }
    }
    Ok(None)
}
