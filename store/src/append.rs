//! The append algorithm both backends share: validate, resolve each stream's head (version and
//! last hash) from the cache or the database, compute versions and chained hashes, hand the
//! rows to the backend's single insert statement, and classify a failure as an idempotent retry
//! or a version conflict. Backends supply only the SQL that is theirs (the insert and the
//! lookup of event ids); the head lookup is the shared `tables::stream_head`.
//!
//! One call may carry several batches (bulk loads): each keeps its own provenance on its rows,
//! all are written in one transaction or none, and a stream written by an earlier batch of the
//! call is checked and chained against the head that batch leaves.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::hashing::{event_hash, now_micros, EventHashInput, GENESIS};
use crate::{tables, AppendBatch, AppendOutcome, EventStore, ExpectedVersion, StoreError, StreamAppend};

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

/// Who appended one batch of the call, as its rows carry it.
pub(crate) struct PlannedProvenance {
    pub actor_id: Uuid,
    pub actor_role: String,
    pub correlation_id: Option<Uuid>,
    pub causation_id: Option<Uuid>,
    pub command: Option<String>,
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
    /// Index of the row's batch in `PlannedAppend::provenances`.
    pub batch: usize,
}

/// Everything one insert transaction needs.
pub(crate) struct PlannedAppend {
    /// Rows in batch order, each batch's streams in request order.
    pub rows: Vec<PlannedRow>,
    /// One recording instant for the whole call: it commits as one transaction.
    pub recorded_at: DateTime<Utc>,
    pub provenances: Vec<PlannedProvenance>,
}

impl PlannedAppend {
    /// The provenance of `row`'s batch.
    pub fn provenance(&self, row: &PlannedRow) -> &PlannedProvenance {
        &self.provenances[row.batch]
    }
}

/// Why the backend's insert failed.
pub(crate) enum InsertFailure {
    /// A unique index refused a row: a stale version or an already-used event id.
    UniqueViolation,
    Other(StoreError),
}

/// The SQL a backend provides to the shared append algorithm.
#[async_trait]
pub(crate) trait AppendBackend: EventStore {
    /// The head at exactly `version`, or the latest head when `version` is None.
    async fn head(&self, stream_id: &str, version: Option<i64>) -> Result<Option<StreamHead>, StoreError> {
        tables::stream_head(&self.database(), stream_id, version).await
    }
    /// Inserts every row in one statement; returns positions in row order. With `hold`, the
    /// rows are inserted in an explicit transaction kept open that long before commit (used by
    /// the ordering tests to produce late commits).
    async fn insert(&self, plan: &PlannedAppend, hold: Option<Duration>) -> Result<Vec<i64>, InsertFailure>;
    /// Existing (event id, stream id, version, position) for the given ids.
    async fn find_event_ids(&self, ids: &[Uuid]) -> Result<Vec<(Uuid, String, i64, i64)>, StoreError>;
    /// The cache of heads this process has seen.
    fn heads(&self) -> &HeadCache;
    /// The appends waiting to be committed together (`crate::group_commit`).
    fn group(&self) -> &crate::group_commit::GroupCommit;
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

/// Runs an append of one or several batches through `backend`; outcomes in batch order.
///
/// # Errors
/// `InvalidInput` before any SQL; `Conflict` naming the first stale stream;
/// `IdempotencyMismatch` when only some ids exist; `Database` on IO faults.
pub(crate) async fn append<B: AppendBackend + ?Sized>(
    backend: &B,
    batches: &[AppendBatch],
    hold: Option<Duration>,
) -> Result<Vec<AppendOutcome>, StoreError> {
    if batches.is_empty() {
        return Err(StoreError::InvalidInput("no batch to append".into()));
    }
    let mut ids = std::collections::HashSet::new();
    for batch in batches {
        batch.validate()?;
        for e in batch.streams.iter().flat_map(|s| &s.events) {
            if !ids.insert(e.event_id) {
                return Err(StoreError::InvalidInput(format!("event id {} appears twice", e.event_id)));
            }
        }
    }
    let has_any = batches.iter().flat_map(|b| &b.streams).any(|s| s.expected == ExpectedVersion::Any);
    let mut attempt = 0;
    loop {
        let (plan, heads) = plan(backend, batches).await?;
        let inserted = backend.insert(&plan, hold).await;
        match &inserted {
            Ok(_) => backend.write_health().record(Ok(())),
            Err(InsertFailure::Other(e)) => backend.write_health().record(Err(e)),
            Err(InsertFailure::UniqueViolation) => {}
        }
        match inserted {
            Ok(positions) => return Ok(outcomes(backend, batches, &plan, &heads, positions)),
            Err(InsertFailure::Other(e)) => return Err(e),
            Err(InsertFailure::UniqueViolation) => {
                if let Some(outcomes) = existing_outcomes(backend, batches).await? {
                    return Ok(outcomes);
                }
                let conflict = first_conflict(backend, batches).await?;
                match conflict {
                    Some(err) => return Err(err),
                    // Only `Any` streams moved under us: read the new heads and try again.
                    None if has_any && attempt < ANY_RETRIES => attempt += 1,
                    None => {
                        let first = &batches[0].streams[0].stream_id;
                        return Err(StoreError::Conflict {
                            stream: first.clone(),
                            expected: "any".into(),
                            actual: current_version(backend, first).await?,
                        });
                    }
                }
            }
        }
    }
}

/// The outcome of each batch of an inserted plan (positions in row order), the head cache
/// moved to what the batches leave.
pub(crate) fn outcomes<B: AppendBackend + ?Sized, Batch: Borrow<AppendBatch>>(
    backend: &B,
    batches: &[Batch],
    plan: &PlannedAppend,
    heads: &[Vec<StreamHead>],
    positions: Vec<i64>,
) -> Vec<AppendOutcome> {
    let mut outcomes = Vec::with_capacity(batches.len());
    let mut rows = plan.rows.iter().zip(positions);
    for (batch, heads) in batches.iter().map(Borrow::borrow).zip(heads) {
        let taken: Vec<(&PlannedRow, i64)> = rows.by_ref().take(batch.len()).collect();
        for s in &batch.streams {
            if let Some((last, _)) = taken.iter().rev().find(|(r, _)| r.stream_id == s.stream_id) {
                let head = StreamHead { version: last.version, hash: last.hash.clone() };
                backend.heads().put(&s.stream_id, head);
            }
        }
        let stream_versions = batch
            .streams
            .iter()
            .zip(heads)
            .map(|(s, h)| (s.stream_id.clone(), h.version + s.events.len() as i64))
            .collect();
        let positions = taken.into_iter().map(|(_, p)| p).collect();
        outcomes.push(AppendOutcome { positions, stream_versions, duplicate: false });
    }
    outcomes
}

async fn current_version<B: AppendBackend + ?Sized>(backend: &B, stream: &str) -> Result<i64, StoreError> {
    Ok(backend.head(stream, None).await?.map_or(0, |h| h.version))
}

/// The head `s` is appended after: the one an earlier batch of the call left, checked against
/// the expected version, or the stored one (from the cache when it is the expected version).
async fn resolve_head<B: AppendBackend + ?Sized>(
    backend: &B,
    s: &StreamAppend,
    written: &HashMap<String, StreamHead>,
) -> Result<StreamHead, StoreError> {
    let conflict =
        |actual: i64| StoreError::Conflict { stream: s.stream_id.clone(), expected: s.expected.to_string(), actual };
    if let Some(head) = written.get(&s.stream_id) {
        return match s.expected {
            ExpectedVersion::Any => Ok(head.clone()),
            ExpectedVersion::Exact(n) if n == head.version => Ok(head.clone()),
            ExpectedVersion::NoStream | ExpectedVersion::Exact(_) => Err(conflict(head.version)),
        };
    }
    Ok(match s.expected {
        ExpectedVersion::NoStream | ExpectedVersion::Exact(0) => StreamHead::empty(),
        ExpectedVersion::Exact(n) => match backend.heads().get(&s.stream_id) {
            Some(h) if h.version == n => h,
            // A cached head is committed: the stream is already past the expected version.
            Some(h) if h.version > n => return Err(conflict(current_version(backend, &s.stream_id).await?)),
            _ => match backend.head(&s.stream_id, Some(n)).await? {
                Some(h) => h,
                None => return Err(conflict(current_version(backend, &s.stream_id).await?)),
            },
        },
        ExpectedVersion::Any => backend.head(&s.stream_id, None).await?.unwrap_or_else(StreamHead::empty),
    })
}

fn canonical_json(value: &serde_json::Value) -> String {
    // serde_json's map is ordered by key, so this text is canonical for a given value.
    value.to_string()
}

/// Versions and chained hashes of every row, and the head each stream of each batch was
/// appended after.
pub(crate) async fn plan<B: AppendBackend + ?Sized, Batch: Borrow<AppendBatch> + Sync>(
    backend: &B,
    batches: &[Batch],
) -> Result<(PlannedAppend, Vec<Vec<StreamHead>>), StoreError> {
    let mut planning = Planning::new(batches.len());
    let mut heads = Vec::with_capacity(batches.len());
    for batch in batches {
        let planned = planning.batch(backend, batch.borrow()).await?;
        heads.push(planning.add(planned));
    }
    Ok((planning.finish(), heads))
}

/// Like [`plan`] for batches that touch no stream in common (a group commit's members), leaving
/// out each batch that is stale — known from the head cache, without asking the database, or
/// found so while planning — so that it is appended on its own, off the group's path. Returns
/// the plan of the others and, per batch, the heads it was planned after (`None`: left out).
pub(crate) async fn plan_each<B: AppendBackend + ?Sized>(
    backend: &B,
    batches: &[&AppendBatch],
) -> Result<(PlannedAppend, Vec<Option<Vec<StreamHead>>>), StoreError> {
    let mut planning = Planning::new(batches.len());
    let mut each = Vec::with_capacity(batches.len());
    for batch in batches {
        if batch.streams.iter().any(|s| known_stale(backend, s)) {
            each.push(None);
            continue;
        }
        match planning.batch(backend, batch).await {
            Ok(planned) => each.push(Some(planning.add(planned))),
            Err(StoreError::Conflict { .. }) => each.push(None),
            // Not the member's own stream state (the database out of reach is everyone's).
            Err(e) => return Err(e),
        }
    }
    Ok((planning.finish(), each))
}

/// Whether the head cache already holds a later version of the stream than `s` expects: cached
/// heads are committed, so the append can only conflict.
fn known_stale<B: AppendBackend + ?Sized>(backend: &B, s: &StreamAppend) -> bool {
    let expected = match s.expected {
        ExpectedVersion::NoStream => 0,
        ExpectedVersion::Exact(n) => n,
        ExpectedVersion::Any => return false,
    };
    backend.heads().get(&s.stream_id).is_some_and(|h| h.version > expected)
}

/// A plan being built, batch by batch, at one recording instant.
struct Planning {
    recorded_at: DateTime<Utc>,
    rows: Vec<PlannedRow>,
    provenances: Vec<PlannedProvenance>,
    /// The head each stream is left at by the batches planned so far.
    written: HashMap<String, StreamHead>,
}

/// One batch's part of a plan.
struct PlannedBatch {
    rows: Vec<PlannedRow>,
    provenance: PlannedProvenance,
    heads: Vec<StreamHead>,
}

impl Planning {
    fn new(batches: usize) -> Self {
        Planning {
            recorded_at: now_micros(),
            rows: Vec::new(),
            provenances: Vec::with_capacity(batches),
            written: HashMap::new(),
        }
    }

    /// The rows of `batch` after the heads the batches planned so far leave; nothing changes
    /// until it is added.
    async fn batch<B: AppendBackend + ?Sized>(
        &self,
        backend: &B,
        batch: &AppendBatch,
    ) -> Result<PlannedBatch, StoreError> {
        let index = self.provenances.len();
        let p = &batch.provenance;
        let command = p.command.as_ref().map(canonical_json);
        let mut rows = Vec::with_capacity(batch.len());
        let mut heads = Vec::with_capacity(batch.streams.len());
        for s in &batch.streams {
            // A batch names a stream once (`AppendBatch::validate`).
            let head = resolve_head(backend, s, &self.written).await?;
            let mut prev = head.hash.clone();
            for (version, e) in (head.version + 1..).zip(&s.events) {
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
                        recorded_at: self.recorded_at,
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
                    batch: index,
                });
            }
            heads.push(head);
        }
        let provenance = PlannedProvenance {
            actor_id: p.actor_id,
            actor_role: p.actor_role.clone(),
            correlation_id: p.correlation_id,
            causation_id: p.causation_id,
            command,
        };
        Ok(PlannedBatch { rows, provenance, heads })
    }

    /// Adds a planned batch; returns the heads its streams were appended after.
    fn add(&mut self, planned: PlannedBatch) -> Vec<StreamHead> {
        for row in &planned.rows {
            self.written.insert(row.stream_id.clone(), StreamHead { version: row.version, hash: row.hash.clone() });
        }
        self.rows.extend(planned.rows);
        self.provenances.push(planned.provenance);
        planned.heads
    }

    fn finish(self) -> PlannedAppend {
        PlannedAppend { rows: self.rows, recorded_at: self.recorded_at, provenances: self.provenances }
    }
}

/// When every event id of every batch already exists on the same streams, the original
/// outcomes; when only some batches exist, the call is not a retry of one earlier call.
async fn existing_outcomes<B: AppendBackend + ?Sized>(
    backend: &B,
    batches: &[AppendBatch],
) -> Result<Option<Vec<AppendOutcome>>, StoreError> {
    let mut found = Vec::with_capacity(batches.len());
    for batch in batches {
        found.push(existing_outcome(backend, batch).await?);
    }
    if found.iter().all(Option::is_none) {
        return Ok(None);
    }
    match found.iter().position(Option::is_none) {
        Some(missing) => Err(StoreError::IdempotencyMismatch(batches[missing].streams[0].events[0].event_id)),
        None => Ok(Some(found.into_iter().flatten().collect())),
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
    batches: &[AppendBatch],
) -> Result<Option<StoreError>, StoreError> {
    // A stream an earlier batch of the call writes was already checked against that batch.
    let mut seen = std::collections::HashSet::new();
    for s in batches.iter().flat_map(|b| &b.streams) {
        if !seen.insert(s.stream_id.as_str()) {
            continue;
        }
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
