//! The projection runner: each projection follows the log from its checkpoint and writes its
//! documents in the same transaction as the checkpoint, so a crash can neither lose nor double
//! an event. It also owns rebuild (a fresh generation swapped in when caught up) and the
//! replay check (a scratch generation compared with the live one).
//!
//! A projection that cannot apply an event stops at it: the event's position and the reason are
//! recorded on its generation (shown by `/readyz`), nothing after it is applied, and the next
//! start retries from the last checkpoint. On PostgreSQL a projection runs only where its
//! advisory lock is held, so two `autos serve` instances never both apply it; the standby
//! takes over when the leader's session ends.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use autos_store::{Database, EventStore, StoredEvent};
use serde::Serialize;

use crate::docs::{BufferedDocs, Docs};
use crate::sql::{ModelDigest, ReadModelDb};
use crate::{decode_event, Projection, ProjectionError};

/// A document change waiting to be written: the document, or None for a deletion.
type Change = (crate::docs::DocId, Option<serde_json::Value>);

/// Events read per page, and at most applied between two checkpoints.
const BATCH: i64 = 5_000;
/// How long a caught-up runner sleeps when no commit wakes it.
const IDLE_POLL: Duration = Duration::from_millis(500);
/// How often a standby tries to take the lead.
const STANDBY_RETRY: Duration = Duration::from_secs(2);

/// What a projection is doing, for `/readyz` and `/metrics`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum RunState {
    Starting,
    /// Another instance holds the projection's lock.
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

/// Shared view of every projection's state.
pub type StatusBoard = Arc<RwLock<BTreeMap<&'static str, RunState>>>;

fn set_state(board: &StatusBoard, name: &'static str, state: RunState) {
    if let Ok(mut b) = board.write() {
        b.insert(name, state);
    }
}

/// Applies a page of events to `docs`, returning the position of the last event applied.
///
/// # Errors
/// The first `Decode` or `Apply` failure, naming the event.
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
            projection.apply(stored, &event, docs).await.map_err(|e| ProjectionError::Apply {
                projection: projection.name().into(),
                position: stored.position,
                event_type: stored.event_type.clone(),
                message: e.to_string(),
            })?;
        }
        last = Some(stored.position);
    }
    Ok(last)
}

/// Follows the log into one generation until `stop_after` (or the current head when `None`),
/// flushing documents and checkpoint together after each page. Returns the last position
/// applied, or None when the generation was retired under it.
///
/// # Errors
/// `Apply`/`Decode` naming the event it stopped at (recorded on the generation), `Database`.
async fn catch_up(
    store: &dyn EventStore,
    db: &ReadModelDb,
    projection: &dyn Projection,
    generation: i64,
    mut position: i64,
    stop_after: Option<i64>,
    progress: &(dyn Fn(i64) + Sync),
) -> Result<Option<i64>, ProjectionError> {
    let name = projection.name();
    let mut docs = BufferedDocs::new(db.clone(), name, generation, position == 0);
    // Three stages overlap: page k+1 is read and page k-1's documents are written (with its
    // checkpoint) while page k is applied. A page's writes complete before the next page's
    // start, so the checkpoint still moves in order and only over fully written pages.
    let mut in_flight: Option<(Vec<Change>, i64)> = None;
    let mut page = store.read_all(position, BATCH).await?;
    loop {
        let done = page.is_empty() || stop_after.is_some_and(|p| position >= p);
        let next_after = page.last().map_or(position, |e| e.position);
        let flush = async {
            match in_flight.take() {
                Some((changes, last)) => {
                    // Serialising and binding the documents runs on a worker thread, beside the apply.
                    let db = db.clone();
                    let moved = autos_store::on_worker(async move { db.flush(name, generation, &changes, last).await });
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
            Ok(Some(last)) => in_flight = Some((docs.take_pending(), last)),
            // Nothing left to apply (the end, or the stop position): the pending page was
            // written by the join above.
            Ok(None) => return Ok(Some(position)),
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

/// Holds a projection's leadership for as long as it lives.
enum Leadership {
    /// SQLite: one process owns the file.
    Embedded,
    /// A connection of its own, detached from the pool: when the holder dies it closes and the
    /// lock goes with it (a pooled connection would carry the lock on to its next user).
    Postgres(sqlx::PgConnection),
}

impl Leadership {
    async fn try_acquire(store: &dyn EventStore, name: &str) -> Result<Option<Leadership>, ProjectionError> {
        match store.database() {
            Database::Sqlite { .. } => Ok(Some(Leadership::Embedded)),
            Database::Postgres(pool) => {
                let mut conn = pool.acquire().await?.detach();
                let got: bool =
                    sqlx::query_scalar("SELECT pg_try_advisory_lock(hashtext('autos.projection'), hashtext($1))")
                        .bind(name)
                        .fetch_one(&mut conn)
                        .await?;
                if got {
                    Ok(Some(Leadership::Postgres(conn)))
                } else {
                    let _ = sqlx::Connection::close(conn).await;
                    Ok(None)
                }
            }
        }
    }

    /// False when the session that holds the lock is gone (the lock went with it).
    async fn still_held(&mut self) -> bool {
        match self {
            Leadership::Embedded => true,
            Leadership::Postgres(conn) => sqlx::query("SELECT 1").execute(conn).await.is_ok(),
        }
    }
}

/// Runs one projection forever: lead (or stand by), catch up, wait for commits.
pub async fn run_projection(store: Arc<dyn EventStore>, projection: Arc<dyn Projection>, board: StatusBoard) {
    let name = projection.name();
    let db = ReadModelDb::new(store.database());
    let mut commits = store.commits();
    set_state(&board, name, RunState::Starting);
    loop {
        let mut lead = match Leadership::try_acquire(store.as_ref(), name).await {
            Ok(Some(lead)) => lead,
            Ok(None) => {
                set_state(&board, name, RunState::Standby);
                tokio::time::sleep(STANDBY_RETRY).await;
                continue;
            }
            Err(e) => {
                tracing::warn!(projection = name, error = %e, "cannot reach the database; retrying");
                tokio::time::sleep(STANDBY_RETRY).await;
                continue;
            }
        };
        loop {
            if !lead.still_held().await {
                break;
            }
            let live = match db.live_generation(name).await {
                Ok(live) => live,
                Err(e) => {
                    tracing::warn!(projection = name, error = %e, "cannot read the checkpoint; retrying");
                    tokio::time::sleep(STANDBY_RETRY).await;
                    continue;
                }
            };
            let report = |p| set_state(&board, name, RunState::Running { generation: live.generation, position: p });
            report(live.position);
            match catch_up(store.as_ref(), &db, projection.as_ref(), live.generation, live.position, None, &report)
                .await
            {
                Ok(Some(_)) => {
                    let _ = tokio::time::timeout(IDLE_POLL, commits.changed()).await;
                }
                Ok(None) => tracing::info!(projection = name, "generation replaced by a rebuild; switching"),
                Err(
                    ProjectionError::Apply { position, message, .. }
                    | ProjectionError::Decode { position, message, .. },
                ) => {
                    tracing::error!(projection = name, position, %message, "projection stopped at an event it cannot apply");
                    set_state(&board, name, RunState::Failed { position, message });
                    return;
                }
                Err(e) => {
                    tracing::warn!(projection = name, error = %e, "projection interrupted; retrying");
                    tokio::time::sleep(STANDBY_RETRY).await;
                }
            }
        }
    }
}

/// Deletes the documents of a projection's retired generations: the housekeeping after a
/// rebuild, kept out of it so the new generation serves as soon as it is complete.
///
/// # Errors
/// `Database`.
pub async fn clear_retired(store: &dyn EventStore, projection: &dyn Projection) -> Result<(), ProjectionError> {
    ReadModelDb::new(store.database()).drop_retired(projection.name()).await
}

/// Rebuilds a projection into a fresh generation from position 0 while the live one keeps
/// serving, then swaps it in (the old generation's documents are left to
/// [`clear_retired`]). `progress` receives the position reached.
///
/// # Errors
/// `Apply`/`Decode` (the new generation is dropped and the live one untouched), `Database`.
pub async fn rebuild(
    store: &dyn EventStore,
    projection: &dyn Projection,
    progress: &(dyn Fn(i64) + Sync),
) -> Result<i64, ProjectionError> {
    let db = ReadModelDb::new(store.database());
    db.live_generation(projection.name()).await?;
    let generation = db.new_generation(projection.name(), "building").await?;
    let started = std::time::Instant::now();
    match catch_up(store, &db, projection, generation, 0, None, progress).await {
        Ok(Some(position)) => {
            let applied = started.elapsed();
            db.promote(projection.name(), generation).await?;
            tracing::info!(projection = projection.name(), position, ?applied, swapped = ?(started.elapsed() - applied), "rebuilt");
            Ok(position)
        }
        Ok(None) => Err(ProjectionError::Corrupt(format!("generation {generation} was retired during its rebuild"))),
        Err(e) => {
            db.drop_generation(projection.name(), generation).await?;
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
/// table (digest) and, when they differ, finds the first differing row.
///
/// # Errors
/// `Apply`/`Decode`, `Database`.
pub async fn replay_check(store: &dyn EventStore, projection: &dyn Projection) -> Result<ReplayCheck, ProjectionError> {
    let db = ReadModelDb::new(store.database());
    let name = projection.name();
    let scratch = db.new_generation(name, "scratch").await?;
    let outcome = compare_with_live(store, &db, projection, scratch).await;
    db.drop_generation(name, scratch).await?;
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
        scratch_position = catch_up(store, db, projection, scratch, scratch_position, Some(live.position), &|_| {})
            .await?
            .unwrap_or(scratch_position);
        let live_digest = db.digests(name, live.generation).await?;
        if db.live_generation(name).await?.position != live.position {
            continue;
        }
        let rebuilt = db.digests(name, scratch).await?;
        let first_difference =
            if live_digest == rebuilt { None } else { first_difference(db, name, live.generation, scratch).await? };
        return Ok(ReplayCheck {
            projection: name,
            position: live.position,
            live: live_digest,
            rebuilt,
            first_difference,
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
