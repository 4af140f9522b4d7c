//! Group commit: appends that arrive while another is being written share the next transaction,
//! and so one commit and one fsync, instead of each paying its own (docs/EVENT-STORES.md).
//!
//! Every append joins a queue. The first to find no leader leads: it lets the tasks already woken
//! run first (the callers the previous group just answered, whose next appends would otherwise
//! miss this group by microseconds), takes what is queued, writes it as one plan
//! (`crate::append::plan`, the path of `append_many`, so each append keeps its own provenance,
//! its own expected-version check and its own outcome), answers every member, and hands the lead
//! to the first append that queued meanwhile — so no caller keeps writing other callers' appends
//! for long. An append that shares a stream or an event id with an earlier queued append waits
//! for the next group, which then sees the first one's head: appends to one stream are written
//! in the order they arrived.
//!
//! A member whose expected version is already known to be stale (the head cache holds a later
//! version of its stream: cached heads are committed) is left out of its group and sent back to
//! append on its own, which answers its conflict from its own task, while the others commit
//! together. A group that fails as a whole because of one member — stale
//! against a head this process had not seen, an idempotent retry, a row the database refuses —
//! is not answered with that one failure: every member is then appended on its own, in order,
//! through the ordinary path, so one conflict fails that append only and a retry gets its
//! recorded outcome. A fault all members share — the database out of
//! reach, a full disk — answers each member with it at once, and the appends that queued while
//! the group waited for it too (none of them tried, none stored), so that none waits for the
//! fault more than once. Nothing is answered before its
//! transaction committed.
//!
//! A leader whose caller goes away (a request cut short) drops its group: the members it had
//! taken see their answer channel close and append on their own — the store is idempotent by
//! event id, so an append the dropped group did commit is answered with its recorded outcome —
//! and the lead passes to the first append still queued.

use std::sync::{Arc, Mutex};

use tokio::sync::mpsc;

use crate::append::{self, AppendBackend, InsertFailure};
use crate::{AppendBatch, AppendOutcome, StoreError};

/// Members of one group at most: a group's rows go in one statement (SQLite: up to 1,000 rows
/// each), and a leader should not hold a caller for long.
const GROUP_LIMIT: usize = 64;

/// What an append waits for.
enum Reply {
    /// Its outcome, committed (or its own failure).
    Done(Result<AppendOutcome, StoreError>),
    /// It leads the next group.
    Lead,
    /// It was left out of its group (stale): it appends on its own, which answers its conflict.
    Alone,
}

struct Pending {
    /// Shared with its caller, which appends it alone if its group is dropped.
    batch: Arc<AppendBatch>,
    reply: mpsc::Sender<Reply>,
}

#[derive(Default)]
struct Queue {
    pending: Vec<Pending>,
    /// Whether an append is leading (writing a group, or about to take the queue).
    leading: bool,
    /// Members of the group taken last.
    last_group: usize,
}

/// The appends of one store waiting to be committed together.
#[derive(Default)]
pub(crate) struct GroupCommit {
    queue: Mutex<Queue>,
}

impl GroupCommit {
    fn lock(&self) -> std::sync::MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Appends `batch`, committed together with the appends that arrive meanwhile.
///
/// # Errors
/// As [`crate::EventStore::append`], for this append only.
pub(crate) async fn append<B: AppendBackend + ?Sized>(
    backend: &B,
    batch: AppendBatch,
) -> Result<AppendOutcome, StoreError> {
    let batch = Arc::new(batch);
    let (reply, answer) = mpsc::channel(2);
    let mut leads = {
        let mut queue = backend.group().lock();
        queue.pending.push(Pending { batch: batch.clone(), reply });
        !std::mem::replace(&mut queue.leading, true)
    };
    let mut waiting = Waiting { group: backend.group(), answer };
    loop {
        if leads {
            let _lead = Lead(backend.group());
            write_one_group(backend).await;
        }
        match waiting.answer.recv().await {
            Some(Reply::Done(outcome)) => return outcome,
            Some(Reply::Lead) => leads = true,
            Some(Reply::Alone) => return append_alone(backend, &batch).await,
            // The leader that held this append was dropped before answering it.
            None => return append_alone(backend, &batch).await,
        }
    }
}

/// An append waiting for its answer. Dropped before it (its caller went away), it passes on a
/// lead it was handed and did not take up, so the queue never waits for a leader that is gone.
struct Waiting<'a> {
    group: &'a GroupCommit,
    answer: mpsc::Receiver<Reply>,
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.answer.close();
        while let Ok(reply) = self.answer.try_recv() {
            if matches!(reply, Reply::Lead) {
                drop(Lead(self.group));
            }
        }
    }
}

/// The lead, while an append holds it: dropped — once its group is written, or half-way when the
/// leader's caller goes away — it is handed to the first append still queued.
struct Lead<'a>(&'a GroupCommit);

impl Drop for Lead<'_> {
    fn drop(&mut self) {
        let mut queue = self.0.lock();
        loop {
            let Some(next) = queue.pending.first() else {
                queue.leading = false;
                return;
            };
            if next.reply.try_send(Reply::Lead).is_ok() {
                return;
            }
            // That append's caller is gone: it will never lead or read an answer.
            queue.pending.remove(0);
        }
    }
}

/// Takes the queued appends that can share a transaction and writes them; answers each.
async fn write_one_group<B: AppendBackend + ?Sized>(backend: &B) {
    // With concurrent appenders (the last group had several members), one turn of the
    // scheduler first: the callers the previous group answered append again, and join this
    // group instead of the next (on PostgreSQL, eight writers then fill groups of 7.7 on average
    // instead of 4.5: ops/BENCHMARKS.md). One writer alone never waits for it.
    if backend.group().lock().last_group > 1 {
        tokio::task::yield_now().await;
    }
    let members = take_group(backend.group());
    let together = match members.len() {
        0 => return,
        1 => Err(GroupFailure::EachAlone),
        _ => {
            let batches: Vec<&AppendBatch> = members.iter().map(|m| m.batch.as_ref()).collect();
            write_together(backend, &batches).await
        }
    };
    let mut waiting = members.iter();
    let fault = match together {
        Ok(answers) => {
            for (member, answer) in members.iter().zip(answers) {
                let reply = answer.map_or(Reply::Alone, |outcome| Reply::Done(Ok(outcome)));
                let _ = member.reply.try_send(reply);
            }
            return;
        }
        Err(GroupFailure::Fault(fault)) => fault,
        Err(GroupFailure::EachAlone) => loop {
            let Some(member) = waiting.next() else { return };
            let outcome = append_alone(backend, &member.batch).await;
            let shared = outcome.as_ref().err().and_then(SharedFault::of);
            let _ = member.reply.try_send(Reply::Done(outcome));
            if let Some(fault) = shared {
                break fault;
            }
        },
    };
    // The database is out of reach or out of space: every member not yet answered would wait
    // for the same fault again, one after the other, and so would every append that queued
    // meanwhile; each is answered with it at once (none of them was tried, so none is stored).
    let queued = std::mem::take(&mut backend.group().lock().pending);
    for member in waiting.chain(&queued) {
        let _ = member.reply.try_send(Reply::Done(Err(fault.copy())));
    }
}

/// Why a group did not commit as a whole (nothing of it is stored either way).
enum GroupFailure {
    /// A member is stale, a retry, malformed, or the database refused a row: each member is
    /// appended on its own and gets its own answer.
    EachAlone,
    /// The database cannot be reached, or has no space: the same for every member.
    Fault(SharedFault),
}

/// A fault every member of a group shares, copied for each.
enum SharedFault {
    DiskFull(String),
    Unreachable(String),
}

impl SharedFault {
    /// The fault `error` is when every append would meet it too, if it is one.
    fn of(error: &StoreError) -> Option<Self> {
        match error {
            StoreError::DiskFull(e) => Some(SharedFault::DiskFull(e.to_string())),
            StoreError::Database(e) if crate::is_unreachable(e) => Some(SharedFault::Unreachable(e.to_string())),
            _ => None,
        }
    }

    /// The fault as one member's error: a full disk stays one, an unreachable database stays a
    /// connection failure (the API answers 507 and 503 as for an append alone).
    fn copy(&self) -> StoreError {
        match self {
            SharedFault::DiskFull(detail) => StoreError::DiskFull(sqlx::Error::Io(std::io::Error::new(
                std::io::ErrorKind::StorageFull,
                detail.clone(),
            ))),
            SharedFault::Unreachable(detail) => {
                StoreError::Database(sqlx::Error::Io(std::io::Error::other(detail.clone())))
            }
        }
    }
}

/// A fault of the group's write: shared by every member when it is one, each alone otherwise.
fn group_failure(error: StoreError) -> GroupFailure {
    SharedFault::of(&error).map_or(GroupFailure::EachAlone, GroupFailure::Fault)
}

/// The queued appends, in arrival order, that touch no stream and no event id an earlier queued
/// one does — a member or one left queued, so that a later append never overtakes it — (those
/// stay queued, in order, for the next group), up to [`GROUP_LIMIT`].
fn take_group(group: &GroupCommit) -> Vec<Pending> {
    let mut queue = group.lock();
    let mut touched = Touched::default();
    let mut members = Vec::new();
    let mut later = Vec::new();
    for pending in queue.pending.drain(..) {
        let waits = members.len() >= GROUP_LIMIT || touched.by(&pending.batch);
        touched.add(&pending.batch);
        if waits {
            later.push(pending);
        } else {
            members.push(pending);
        }
    }
    queue.pending = later;
    queue.last_group = members.len();
    members
}

/// The streams and event ids the appends looked at so far touch.
#[derive(Default)]
struct Touched {
    streams: std::collections::HashSet<String>,
    events: std::collections::HashSet<uuid::Uuid>,
}

impl Touched {
    fn by(&self, batch: &AppendBatch) -> bool {
        batch.streams.iter().any(|s| self.streams.contains(s.stream_id.as_str()))
            || batch.streams.iter().flat_map(|s| &s.events).any(|e| self.events.contains(&e.event_id))
    }

    fn add(&mut self, batch: &AppendBatch) {
        self.streams.extend(batch.streams.iter().map(|s| s.stream_id.clone()));
        self.events.extend(batch.streams.iter().flat_map(|s| &s.events).map(|e| e.event_id));
    }
}

/// Writes `batches` as one transaction, each stale one left out, or says why the others did not
/// commit as a whole. Per batch, in order: its outcome, or `None` when it was left out (it is to
/// be appended on its own, which answers its conflict).
async fn write_together<B: AppendBackend + ?Sized>(
    backend: &B,
    batches: &[&AppendBatch],
) -> Result<Vec<Option<AppendOutcome>>, GroupFailure> {
    if batches.iter().any(|b| b.validate().is_err()) {
        return Err(GroupFailure::EachAlone);
    }
    let ids: Vec<uuid::Uuid> =
        batches.iter().flat_map(|b| &b.streams).flat_map(|s| &s.events).map(|e| e.event_id).collect();
    if ids.iter().collect::<std::collections::HashSet<_>>().len() != ids.len() {
        return Err(GroupFailure::EachAlone);
    }
    let (plan, each) = append::plan_each(backend, batches).await.map_err(group_failure)?;
    let left_out: Vec<bool> = each.iter().map(Option::is_none).collect();
    let planned: Vec<&AppendBatch> = batches.iter().zip(&left_out).filter(|(_, out)| !**out).map(|(b, _)| *b).collect();
    let heads: Vec<_> = each.into_iter().flatten().collect();
    let mut outcomes = if planned.is_empty() {
        Vec::new()
    } else {
        match backend.insert(&plan, None).await {
            Ok(positions) => {
                backend.write_health().record(Ok(()));
                append::outcomes(backend, &planned, &plan, &heads, positions)
            }
            Err(InsertFailure::UniqueViolation) => return Err(GroupFailure::EachAlone),
            Err(InsertFailure::Other(e)) => {
                backend.write_health().record(Err(&e));
                return Err(group_failure(e));
            }
        }
    }
    .into_iter();
    Ok(left_out.into_iter().map(|out| if out { None } else { outcomes.next() }).collect())
}

async fn append_alone<B: AppendBackend + ?Sized>(
    backend: &B,
    batch: &AppendBatch,
) -> Result<AppendOutcome, StoreError> {
    let mut outcomes = append::append(backend, std::slice::from_ref(batch), None).await?;
    Ok(outcomes.remove(0))
}
