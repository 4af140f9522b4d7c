//! The projection runner: each projection follows the log from its checkpoint and writes its
//! documents in the same transaction as the checkpoint, so a crash can neither lose nor double
//! an event. It also owns rebuild (a fresh generation swapped in when caught up) and the
//! replay check (a scratch generation compared with the live one).
//!
//! A projection that cannot apply an event stops at it: the event's position and the reason are
//! recorded on its generation (shown by `/readyz`), nothing after it is applied, and the next
//! start retries from the last checkpoint.
//!
//! # Leadership: a lease with a fencing token
//! One instance applies a projection: the holder of its lease (`projection_leases`, migration
//! 0007). A PostgreSQL session advisory lock did this before, and a leader stopped with
//! SIGSTOP kept it, with nothing advancing, for as long as it was stopped.
//! - **Acquire.** A standby tries every [`STANDBY_RETRY`]; the compare-and-swap succeeds only
//!   when there is no lease or it ran out, and begins a new term (`term + 1`), the fencing token.
//! - **Renew.** The leader renews every [`RENEW_EVERY`] from the loop that applies events, and
//!   every flush renews it again, so a long catch-up renews page by page. No timer of its own
//!   renews it: a leader whose runner hangs stops renewing even while its process lives.
//! - **Lose.** A lease not renewed for [`LEASE_TTL`] has run out and a standby takes it at its
//!   next try: a hung leader holds a projection up for at most [`TAKEOVER_WITHIN`].
//! - **Fence.** A flush of the live generation (documents and checkpoint, one transaction)
//!   begins by renewing the lease of the term it was applied under, and writes nothing when
//!   that term is over or its lease ran out. The renewal locks the lease row until commit, so a
//!   takeover falls wholly before the flush (which then refuses) or after it (and the new leader
//!   reads the checkpoint it left): no event is applied twice or out of order. A resumed old
//!   leader finds its term gone at its next flush or renewal and stands by. Correctness rests on
//!   the term; clocks only decide when a takeover may happen.
//! - **Clocks.** Expiry is written and compared in SQL on the database's clock, the one clock
//!   every instance shares; the process clock only paces renewals (four fit in a lease).
//! - **Stopped inside a flush.** On PostgreSQL a flush asks the server to end its transaction if
//!   it sits idle for 4 s, so a stopped leader neither keeps the lease row locked nor holds back
//!   the log's visible head (`autos_store::postgres`) past its lease.
//! - **Shutdown.** `autos serve` releases its leases when it stops ([`step_down`]); after a
//!   crash the next leader waits for the lease to run out.
//!
//! SQLite runs the same lease rather than assuming one process per file: nothing stops a second
//! `autos serve` on the same file, and its clock is the host's, the only one there.
//!
//! # Builders' generations
//! A rebuild or a replay check claims its generation and renews the claim from a task every
//! [`RENEW_EVERY`]. [`clear_leftovers`], run when `autos serve` and `autos project rebuild`
//! start, drops the building and scratch generations whose claim ran out: their builder died.

use std::collections::{BTreeMap, HashMap};
use std::ops::Deref;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use autos_store::{EventStore, StoredEvent};
use chrono::{DateTime, Utc};
use serde::Serialize;
use tokio::task::JoinHandle;
use tokio::time::Instant;
use uuid::Uuid;

use crate::docs::{BufferedDocs, Docs};
pub use crate::sql::LEASE_TTL;
use crate::sql::{Fence, ModelDigest, ReadModelDb};
use crate::{decode_event, Projection, ProjectionError};

/// Events read per page, and at most applied between two checkpoints of a live generation.
const BATCH: i64 = 5_000;
/// Pages applied between two checkpoints of a generation nobody reads yet (a rebuild's, a
/// replay check's): fewer, larger flushes rewrite a document touched on many pages once, not
/// on every page, and a crash loses at most these pages, to apply again.
const BUILDER_PAGES_PER_FLUSH: u32 = 20;
/// How long a caught-up runner sleeps when no commit wakes it.
const IDLE_POLL: Duration = Duration::from_millis(500);
/// How often a standby tries to take the lead.
pub const STANDBY_RETRY: Duration = Duration::from_secs(2);
/// How often a leader renews its lease, and a builder its claim.
pub const RENEW_EVERY: Duration = Duration::from_secs(3);
/// The longest a leader that stopped making progress keeps a projection from advancing.
pub const TAKEOVER_WITHIN: Duration = LEASE_TTL.saturating_add(STANDBY_RETRY);
/// How long `/readyz` waits for the database to say where the projections stand.
const PROGRESS_TIMEOUT: Duration = Duration::from_secs(2);

/// What a projection is doing in this instance, for `/readyz` and `/metrics`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum RunState {
    Starting,
    /// Another instance holds the projection's lease.
    Standby,
    Running {
        generation: i64,
        position: i64,
    },
    /// Stopped at the event at `position`.
    Failed {
        position: i64,
        message: String,
    },
}

/// Shared view of every projection's state in one instance (it reads as the map), and the
/// instance's id: the holder recorded on the leases it takes.
#[derive(Debug, Clone)]
pub struct StatusBoard {
    instance: Uuid,
    states: Arc<RwLock<BTreeMap<&'static str, RunState>>>,
}

impl Default for StatusBoard {
    /// A board for a new instance, with an id of its own.
    fn default() -> Self {
        StatusBoard { instance: Uuid::new_v4(), states: Arc::default() }
    }
}

impl Deref for StatusBoard {
    type Target = RwLock<BTreeMap<&'static str, RunState>>;

    fn deref(&self) -> &Self::Target {
        &self.states
    }
}

impl StatusBoard {
    /// This instance's id.
    pub fn instance(&self) -> Uuid {
        self.instance
    }

    fn set(&self, name: &'static str, state: RunState) {
        if let Ok(mut b) = self.states.write() {
            b.insert(name, state);
        }
    }
}

/// The generation a catch-up writes, and the lease its flushes are fenced by (None for a
/// rebuild's or a replay check's own generation).
#[derive(Debug, Clone, Copy)]
struct Writer {
    generation: i64,
    fence: Option<Fence>,
}

/// Applies a page of events to `docs`, returning the position of the last event applied.
///
/// # Errors
/// The first `Decode` or `Apply` failure, naming the event; `Store`/`Database` when reading a
/// document failed (the caller retries, the projection does not stop).
pub(crate) async fn apply_page(
    projection: &dyn Projection,
    page: &[StoredEvent],
    docs: &mut dyn Docs,
    stop_after: Option<i64>,
) -> Result<Option<i64>, ProjectionError> {
    let mut last = None;
    for stored in page {
        if stop_after.is_some_and(|p| stored.position > p) {
            break;
        }
        if let Some(event) = decode_event(stored)? {
            projection.apply(stored, &event, docs).await.map_err(|e| match e {
                // A database that does not answer is a fault to retry, not an event to stop at.
                transient @ (ProjectionError::Store(_) | ProjectionError::Database(_)) => transient,
                e => ProjectionError::Apply {
                    projection: projection.name().into(),
                    position: stored.position,
                    event_type: stored.event_type.clone(),
                    message: e.to_string(),
                },
            })?;
        }
        last = Some(stored.position);
    }
    Ok(last)
}

/// Follows the log into one generation until `stop_after` (or the current head when `None`),
/// flushing documents and checkpoint together after each page. Returns the last position
/// applied, or None when the writer lost the generation under it (retired or dropped, or the
/// lease of its fence is gone).
///
/// # Errors
/// `Apply`/`Decode` naming the event it stopped at (recorded on the generation), `Database`.
async fn catch_up(
    store: &dyn EventStore,
    db: &ReadModelDb,
    projection: &dyn Projection,
    writer: Writer,
    mut position: i64,
    stop_after: Option<i64>,
    progress: &(dyn Fn(i64) + Sync),
) -> Result<Option<i64>, ProjectionError> {
    let name = projection.name();
    let Writer { generation, fence } = writer;
    let mut docs = BufferedDocs::new(db.clone(), name, generation, position == 0);
    // Three stages overlap: page k+1 is read and page k-1's documents are written (with its
    // checkpoint) while page k is applied. A page's writes complete before the next page's
    // start, so the checkpoint still moves in order and only over fully written pages.
    let mut in_flight: Option<(Vec<crate::sql::Change>, i64)> = None;
    let pages_per_flush = if fence.is_some() { 1 } else { BUILDER_PAGES_PER_FLUSH };
    // Pages applied but held back for a later flush, and the last position they reach.
    let (mut held_pages, mut held_last) = (0, None);
    let mut page = store.read_all(position, BATCH).await?;
    loop {
        let done = page.is_empty() || stop_after.is_some_and(|p| position >= p);
        let next_after = page.last().map_or(position, |e| e.position);
        let flush = async {
            match in_flight.take() {
                Some((changes, last)) => {
                    // Serialising and binding the documents runs on a worker thread, beside the apply.
                    let db = db.clone();
                    let moved =
                        autos_store::on_worker(async move { db.flush(name, generation, &changes, last, fence).await });
                    Ok::<_, ProjectionError>(Some((moved.await?, last)))
                }
                None => Ok(None),
            }
        };
        let apply = async {
            if done {
                Ok(None)
            } else {
                apply_page(projection, &page, &mut docs, stop_after).await
            }
        };
        let read = async {
            if done {
                Ok(Vec::new())
            } else {
                store.read_all(next_after, BATCH).await
            }
        };
        let (flushed, applied, next) = tokio::join!(flush, apply, read);
        match flushed? {
            Some((false, _)) => return Ok(None),
            Some((true, last)) => {
                position = last;
                progress(position);
            }
            None => {}
        }
        match applied {
            Ok(Some(last)) => {
                held_pages += 1;
                if held_pages >= pages_per_flush {
                    in_flight = Some((docs.take_pending(), last));
                    (held_pages, held_last) = (0, None);
                } else {
                    held_last = Some(last);
                }
            }
            // Nothing left to apply (the end, or the stop position): the page in flight was
            // written by the join above; what is held back is written now.
            Ok(None) => {
                if let Some(last) = held_last {
                    if !db.flush(name, generation, &docs.take_pending(), last, fence).await? {
                        return Ok(None);
                    }
                    position = last;
                    progress(position);
                }
                return Ok(Some(position));
            }
            Err(e) => {
                docs.discard();
                if let ProjectionError::Apply { position: at, .. } | ProjectionError::Decode { position: at, .. } = &e {
                    db.record_failure(name, generation, *at, &e.to_string()).await?;
                }
                return Err(e);
            }
        }
        page = next?;
    }
}

/// Runs one projection forever: lead while this instance holds its lease, stand by otherwise.
pub async fn run_projection(store: Arc<dyn EventStore>, projection: Arc<dyn Projection>, board: StatusBoard) {
    let name = projection.name();
    let db = ReadModelDb::new(store.database());
    board.set(name, RunState::Starting);
    loop {
        match db.acquire_lease(name, board.instance).await {
            Ok(Some(fence)) => {
                tracing::info!(projection = name, term = fence.term, instance = %board.instance, "leading the projection");
                if let Some((position, message)) = lead(store.as_ref(), &db, projection.as_ref(), &board, fence).await {
                    tracing::error!(projection = name, position, %message, "projection stopped at an event it cannot apply");
                    board.set(name, RunState::Failed { position, message });
                    if let Err(e) = db.release_lease(name, board.instance).await {
                        tracing::warn!(projection = name, error = %e, "cannot release the lease; it will run out");
                    }
                    return;
                }
                tracing::warn!(projection = name, term = fence.term, "lease lost; standing by");
                board.set(name, RunState::Standby);
            }
            Ok(None) => board.set(name, RunState::Standby),
            Err(e) => tracing::warn!(projection = name, error = %e, "cannot reach the database; retrying"),
        }
        tokio::time::sleep(STANDBY_RETRY).await;
    }
}

/// Leads one projection under `fence`: catches up, waits for commits, renews the lease.
/// Returns None once the lease is lost, or the event it cannot apply (position, reason).
async fn lead(
    store: &dyn EventStore,
    db: &ReadModelDb,
    projection: &dyn Projection,
    board: &StatusBoard,
    fence: Fence,
) -> Option<(i64, String)> {
    let name = projection.name();
    let mut commits = store.commits();
    // Acquiring counts as renewing.
    let mut renew_at = Instant::now() + RENEW_EVERY;
    loop {
        if Instant::now() >= renew_at {
            match db.renew_lease(name, fence).await {
                Ok(true) => renew_at = Instant::now() + RENEW_EVERY,
                Ok(false) => return None,
                Err(e) => {
                    tracing::warn!(projection = name, error = %e, "cannot renew the lease; retrying");
                    tokio::time::sleep(STANDBY_RETRY).await;
                    continue;
                }
            }
        }
        let live = match db.live_generation(name).await {
            Ok(live) => live,
            Err(e) => {
                tracing::warn!(projection = name, error = %e, "cannot read the checkpoint; retrying");
                tokio::time::sleep(STANDBY_RETRY).await;
                continue;
            }
        };
        let report = |p| board.set(name, RunState::Running { generation: live.generation, position: p });
        report(live.position);
        let writer = Writer { generation: live.generation, fence: Some(fence) };
        match catch_up(store, db, projection, writer, live.position, None, &report).await {
            Ok(Some(_)) => {
                let _ = tokio::time::timeout(IDLE_POLL, commits.changed()).await;
            }
            // A rebuild swapped the generation, or the lease is gone: renewing now tells which.
            Ok(None) => renew_at = Instant::now(),
            Err(
                ProjectionError::Apply { position, message, .. } | ProjectionError::Decode { position, message, .. },
            ) => return Some((position, message)),
            Err(e) => {
                tracing::warn!(projection = name, error = %e, "projection interrupted; retrying");
                tokio::time::sleep(STANDBY_RETRY).await;
                renew_at = Instant::now();
            }
        }
    }
}

/// Stops this instance's runners and releases their leases (a graceful shutdown), so that
/// another instance, or this one restarted, takes over at once rather than when they run out.
pub async fn step_down(store: &dyn EventStore, board: &StatusBoard, runners: Vec<JoinHandle<()>>) {
    for runner in &runners {
        runner.abort();
    }
    for runner in runners {
        let _ = runner.await;
    }
    let db = ReadModelDb::new(store.database());
    let names: Vec<&'static str> = board.read().map(|b| b.keys().copied().collect()).unwrap_or_default();
    for name in names {
        if let Err(e) = db.release_lease(name, board.instance).await {
            tracing::warn!(projection = name, error = %e, "cannot release the lease; it will run out");
        }
    }
}

/// Where a projection stands, from the database: the same on every instance.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Progress {
    /// The last position of the log that readers can see.
    pub head_position: i64,
    /// The live generation's checkpoint, whichever instance applied it.
    pub applied_position: i64,
    /// `head_position - applied_position`.
    pub lag_events: i64,
    /// The lease as recorded; None before any instance led the projection.
    pub leader: Option<Leader>,
}

/// The holder of a projection's lease.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Leader {
    pub instance: Uuid,
    /// Whether the asking instance is the holder.
    pub this_instance: bool,
    pub term: i64,
    pub lease_expires_at: Option<DateTime<Utc>>,
    /// On the database clock; negative once the lease ran out (a standby takes it next).
    pub lease_expires_in_ms: i64,
}

impl Leader {
    /// Whether the asking instance holds a lease that has not run out.
    pub fn is_this_instance(&self) -> bool {
        self.this_instance && self.lease_expires_in_ms > 0
    }
}

/// One projection as `/readyz` and `/metrics` show it: this instance's runner and, when the
/// database answers, where the projection stands.
#[derive(Debug, Clone, Serialize)]
pub struct ProjectionStatus {
    #[serde(flatten)]
    pub state: RunState,
    #[serde(flatten)]
    pub progress: Option<Progress>,
}

/// The status of every projection this instance runs; progress is left out when the
/// database does not answer within [`PROGRESS_TIMEOUT`].
pub async fn status(store: &dyn EventStore, board: &StatusBoard) -> BTreeMap<&'static str, ProjectionStatus> {
    let states = board.read().map(|b| b.clone()).unwrap_or_default();
    let names: Vec<&'static str> = states.keys().copied().collect();
    let mut progress = match tokio::time::timeout(PROGRESS_TIMEOUT, progress(store, board.instance, &names)).await {
        Ok(Ok(progress)) => progress,
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "cannot read the projections' progress");
            BTreeMap::new()
        }
        Err(_) => BTreeMap::new(),
    };
    states
        .into_iter()
        .map(|(name, state)| (name, ProjectionStatus { state, progress: progress.remove(name) }))
        .collect()
}

async fn progress(
    store: &dyn EventStore,
    instance: Uuid,
    names: &[&'static str],
) -> Result<BTreeMap<&'static str, Progress>, ProjectionError> {
    let db = ReadModelDb::new(store.database());
    let head_position = store.head_position().await?;
    let generations = db.generations().await?;
    let leases = db.leases().await?;
    Ok(names
        .iter()
        .map(|&name| {
            let applied_position =
                generations.iter().find(|g| g.projection == name && g.status == "live").map_or(0, |g| g.position);
            let leader = leases.iter().find(|l| l.projection == name).map(|l| Leader {
                instance: l.holder,
                this_instance: l.holder == instance,
                term: l.term,
                lease_expires_at: l.expires_at(),
                lease_expires_in_ms: l.expires_at_ms - l.now_ms,
            });
            let lag_events = (head_position - applied_position).max(0);
            (name, Progress { head_position, applied_position, lag_events, leader })
        })
        .collect())
}

/// A building or scratch generation, claimed by its builder while this lives: a task renews
/// the claim every [`RENEW_EVERY`] until it is dropped.
struct Claim {
    generation: i64,
    renewal: JoinHandle<()>,
}

impl Claim {
    async fn open(db: &ReadModelDb, projection: &'static str, status: &str) -> Result<Claim, ProjectionError> {
        let generation = db.new_generation(projection, status).await?;
        let db = db.clone();
        let renewal = tokio::spawn(async move {
            loop {
                tokio::time::sleep(RENEW_EVERY).await;
                if let Err(e) = db.renew_claim(projection, generation).await {
                    tracing::warn!(projection, generation, error = %e, "cannot renew the claim on the generation");
                }
            }
        });
        Ok(Claim { generation, renewal })
    }
}

impl Drop for Claim {
    fn drop(&mut self) {
        self.renewal.abort();
    }
}

/// A projection's housekeeping, run when `autos serve` and `autos project rebuild` start:
/// deletes the documents of retired generations (kept out of the rebuild so the new
/// generation serves as soon as it is complete) and drops the building and scratch
/// generations whose builder died. Returns how many of those it dropped.
///
/// # Errors
/// `Database`.
pub async fn clear_leftovers(store: &dyn EventStore, projection: &dyn Projection) -> Result<usize, ProjectionError> {
    let db = ReadModelDb::new(store.database());
    db.drop_retired(projection.name()).await?;
    db.drop_abandoned(projection.name()).await
}

/// Rebuilds a projection into a fresh generation from position 0 while the live one keeps
/// serving, then swaps it in (the old generation's documents are left to
/// [`clear_leftovers`]). `progress` receives the position reached.
///
/// # Errors
/// `Apply`/`Decode` (the new generation is dropped and the live one untouched), `Database`.
pub async fn rebuild(
    store: &dyn EventStore,
    projection: &dyn Projection,
    progress: &(dyn Fn(i64) + Sync),
) -> Result<i64, ProjectionError> {
    let db = ReadModelDb::new(store.database());
    let name = projection.name();
    db.live_generation(name).await?;
    let claim = Claim::open(&db, name, "building").await?;
    let generation = claim.generation;
    let started = std::time::Instant::now();
    match catch_up(store, &db, projection, Writer { generation, fence: None }, 0, None, progress).await {
        Ok(Some(position)) => {
            let applied = started.elapsed();
            db.promote(name, generation).await?;
            tracing::info!(projection = name, position, ?applied, swapped = ?(started.elapsed() - applied), "rebuilt");
            Ok(position)
        }
        Ok(None) => {
            Err(ProjectionError::Corrupt(format!("generation {generation} was retired or dropped during its rebuild")))
        }
        Err(e) => {
            db.drop_generation(name, generation).await?;
            Err(e)
        }
    }
}

/// The outcome of comparing a scratch rebuild with the live read model.
#[derive(Debug, Clone, Serialize)]
pub struct ReplayCheck {
    pub projection: &'static str,
    pub position: i64,
    pub live: BTreeMap<String, ModelDigest>,
    pub rebuilt: BTreeMap<String, ModelDigest>,
    /// The first differing row, as `model/key`, with both sides' documents.
    pub first_difference: Option<RowDifference>,
    /// No instance has served the projection yet (it has no live generation): there was
    /// nothing to compare.
    pub nothing_to_compare: bool,
}

/// One row that differs between the live read model and its rebuild.
#[derive(Debug, Clone, Serialize)]
pub struct RowDifference {
    pub model: String,
    pub key: String,
    pub live: Option<String>,
    pub rebuilt: Option<String>,
}

impl ReplayCheck {
    pub fn equal(&self) -> bool {
        self.first_difference.is_none() && self.live == self.rebuilt
    }
}

/// How many times the check chases a live projection that keeps moving.
const CHECK_ATTEMPTS: usize = 5;

/// Rebuilds a projection into scratch tables up to the live checkpoint and compares every
/// table (digest) and, when they differ, finds the first differing row. A projection never
/// served has nothing to compare: the check says so and creates nothing.
///
/// # Errors
/// `Apply`/`Decode`, `Database`.
pub async fn replay_check(store: &dyn EventStore, projection: &dyn Projection) -> Result<ReplayCheck, ProjectionError> {
    let db = ReadModelDb::new(store.database());
    let name = projection.name();
    if db.find_live(name).await?.is_none() {
        return Ok(ReplayCheck {
            projection: name,
            position: 0,
            live: BTreeMap::new(),
            rebuilt: BTreeMap::new(),
            first_difference: None,
            nothing_to_compare: true,
        });
    }
    let scratch = Claim::open(&db, name, "scratch").await?;
    let outcome = compare_with_live(store, &db, projection, scratch.generation).await;
    db.drop_generation(name, scratch.generation).await?;
    outcome
}

async fn compare_with_live(
    store: &dyn EventStore,
    db: &ReadModelDb,
    projection: &dyn Projection,
    scratch: i64,
) -> Result<ReplayCheck, ProjectionError> {
    let name = projection.name();
    let mut scratch_position = 0;
    for _ in 0..CHECK_ATTEMPTS {
        let live = db.live_generation(name).await?;
        let writer = Writer { generation: scratch, fence: None };
        scratch_position = catch_up(store, db, projection, writer, scratch_position, Some(live.position), &|_| {})
            .await?
            .unwrap_or(scratch_position);
        let (live_digest, rebuilt) = tokio::try_join!(db.digests(name, live.generation), db.digests(name, scratch))?;
        if db.live_generation(name).await?.position != live.position {
            continue;
        }
        let first_difference =
            if live_digest == rebuilt { None } else { first_difference(db, name, live.generation, scratch).await? };
        return Ok(ReplayCheck {
            projection: name,
            position: live.position,
            live: live_digest,
            rebuilt,
            first_difference,
            nothing_to_compare: false,
        });
    }
    Err(ProjectionError::Corrupt(format!("{name}: the live projection kept moving; retry the check when writes pause")))
}

async fn first_difference(
    db: &ReadModelDb,
    name: &str,
    live: i64,
    scratch: i64,
) -> Result<Option<RowDifference>, ProjectionError> {
    let mut rows: HashMap<(String, String), (Option<String>, Option<String>)> = HashMap::new();
    db.scan(name, live, |m, k, d| {
        rows.entry((m.into(), k.into())).or_default().0 = Some(d.into());
    })
    .await?;
    db.scan(name, scratch, |m, k, d| {
        rows.entry((m.into(), k.into())).or_default().1 = Some(d.into());
    })
    .await?;
    let mut differing: Vec<_> = rows.into_iter().filter(|(_, (a, b))| a != b).collect();
    differing.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(differing.into_iter().next().map(|((model, key), (live, rebuilt))| RowDifference { model, key, live, rebuilt }))
}
