//! Group commit: appends that arrive while another is being written share the next transaction,
//! and so one commit and one fsync, instead of each paying its own (docs/EVENT-STORES.md).
//!
//! Every append joins a queue. The first to find no leader leads: it takes what is queued, writes
//! it as one plan (`crate::append::plan`, the path of `append_many`, so each append keeps its own
//! provenance, its own expected-version check and its own outcome), answers every member, and
//! hands the lead to the first append that queued meanwhile — so no caller keeps writing other
//! callers' appends for long. An append that shares a stream or an event id with an earlier
//! member waits for the next group, which then sees the first one's head.
//!
//! A group that fails as a whole — one member's version is stale, one is an idempotent retry, a
//! disk is full — is not answered with that one failure: every member is then appended on its
//! own, in order, through the ordinary path, so one conflict fails that append only, a retry
//! gets its recorded outcome, and each member gets its own error. Nothing is answered before its
//! transaction committed.
//!
//! A leader whose caller goes away (a request cut short) drops its group: the members it had
//! taken see their answer channel close and append on their own — the store is idempotent by
//! event id, so an append the dropped group did commit is answered with its recorded outcome —
//! and the lead passes to the first append still queued.

use std::sync::Mutex;

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
}

struct Pending {
    batch: AppendBatch,
    reply: mpsc::Sender<Reply>,
}

#[derive(Default)]
struct Queue {
    pending: Vec<Pending>,
    /// Whether an append is leading (writing a group, or about to take the queue).
    leading: bool,
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
    let (reply, answer) = mpsc::channel(2);
    let mut leads = {
        let mut queue = backend.group().lock();
        queue.pending.push(Pending { batch: batch.clone(), reply });
        !std::mem::replace(&mut queue.leading, true)
    };
    let mut waiting = Waiting { group: backend.group(), answer };
    loop {
        if leads {
            let lead = Lead { group: backend.group(), handed_over: false };
            write_one_group(backend).await;
            lead.hand_over();
        }
        match waiting.answer.recv().await {
            Some(Reply::Done(outcome)) => return outcome,
            Some(Reply::Lead) => leads = true,
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
                Lead { group: self.group, handed_over: false }.hand_over();
            }
        }
    }
}

/// The lead, while an append holds it: handed to the first append still queued when the group is
/// written, or when the leader is dropped half-way.
struct Lead<'a> {
    group: &'a GroupCommit,
    handed_over: bool,
}

impl Lead<'_> {
    fn hand_over(mut self) {
        self.pass();
    }

    fn pass(&mut self) {
        if std::mem::replace(&mut self.handed_over, true) {
            return;
        }
        let mut queue = self.group.lock();
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

impl Drop for Lead<'_> {
    fn drop(&mut self) {
        self.pass();
    }
}

/// Takes the queued appends that can share a transaction and writes them; answers each.
async fn write_one_group<B: AppendBackend + ?Sized>(backend: &B) {
    let members = take_group(backend.group());
    if members.is_empty() {
        return;
    }
    if let [only] = members.as_slice() {
        let outcome = append_alone(backend, &only.batch).await;
        let _ = only.reply.try_send(Reply::Done(outcome));
        return;
    }
    let batches: Vec<AppendBatch> = members.iter().map(|m| m.batch.clone()).collect();
    match write_together(backend, &batches).await {
        Some(outcomes) => {
            for (member, outcome) in members.iter().zip(outcomes) {
                let _ = member.reply.try_send(Reply::Done(Ok(outcome)));
            }
        }
        None => {
            for member in &members {
                let outcome = append_alone(backend, &member.batch).await;
                let _ = member.reply.try_send(Reply::Done(outcome));
            }
        }
    }
}

/// The queued appends, in arrival order, that touch no stream and no event id an earlier one
/// does (those stay queued, in order, for the next group), up to [`GROUP_LIMIT`].
fn take_group(group: &GroupCommit) -> Vec<Pending> {
    let mut queue = group.lock();
    let mut streams = std::collections::HashSet::new();
    let mut events = std::collections::HashSet::new();
    let mut members = Vec::new();
    let mut later = Vec::new();
    for pending in queue.pending.drain(..) {
        let batch = &pending.batch;
        let overlaps = members.len() >= GROUP_LIMIT
            || batch.streams.iter().any(|s| streams.contains(&s.stream_id))
            || batch.streams.iter().flat_map(|s| &s.events).any(|e| events.contains(&e.event_id));
        if overlaps {
            later.push(pending);
            continue;
        }
        streams.extend(batch.streams.iter().map(|s| s.stream_id.clone()));
        events.extend(batch.streams.iter().flat_map(|s| &s.events).map(|e| e.event_id));
        members.push(pending);
    }
    queue.pending = later;
    members
}

/// Writes `batches` as one transaction; `None` when it did not commit as a whole (nothing of it
/// is stored then), for each to be appended on its own.
async fn write_together<B: AppendBackend + ?Sized>(backend: &B, batches: &[AppendBatch]) -> Option<Vec<AppendOutcome>> {
    if batches.iter().any(|b| b.validate().is_err()) {
        return None;
    }
    let ids: Vec<uuid::Uuid> =
        batches.iter().flat_map(|b| &b.streams).flat_map(|s| &s.events).map(|e| e.event_id).collect();
    if ids.iter().collect::<std::collections::HashSet<_>>().len() != ids.len() {
        return None;
    }
    let (plan, heads) = append::plan(backend, batches).await.ok()?;
    match backend.insert(&plan, None).await {
        Ok(positions) => {
            backend.write_health().record(Ok(()));
            Some(append::outcomes(backend, batches, &plan, &heads, positions))
        }
        Err(InsertFailure::UniqueViolation) => None,
        Err(InsertFailure::Other(e)) => {
            backend.write_health().record(Err(&e));
            None
        }
    }
}

async fn append_alone<B: AppendBackend + ?Sized>(
    backend: &B,
    batch: &AppendBatch,
) -> Result<AppendOutcome, StoreError> {
    let mut outcomes = append::append(backend, std::slice::from_ref(batch), None).await?;
    Ok(outcomes.remove(0))
}
