//! Tamper evidence over the log: the seal, which records global checkpoints in position order,
//! and `verify`, which recomputes every stream's hash chain and every checkpoint and names the
//! first problem by stream, version and position. Both work through the `EventStore` trait, so
//! they behave the same on both backends.

use std::fmt;

use serde::Serialize;

use crate::hashing::{chain_digest, now_micros, stored_event_hash, GENESIS};
use crate::{Checkpoint, EventStore, PositionGap, StoreError};

const PAGE: i64 = 5_000;

/// Seals the log: extends the last checkpoint over up to `max_events` newly visible events,
/// recording the empty positions it proves as gaps — never one a signed tree head covers.
/// Returns the new checkpoint, or None when there was nothing new (or another sealer won).
///
/// # Errors
/// `Database` on IO faults.
pub async fn seal(store: &dyn EventStore, max_events: i64) -> Result<Option<Checkpoint>, StoreError> {
    let last = store.checkpoints().await?.pop();
    let (mut digest, mut position, mut count, seq) = match &last {
        Some(c) => (c.digest.clone(), c.position, c.event_count, c.seq),
        None => (GENESIS.to_vec(), 0, 0, 0),
    };
    // Every position a signed head covers held an event or an already recorded gap when it was
    // signed: an empty one there now is a removed event, which verify must report, not a gap.
    let vouched_to = store.latest_tree_head().await?.map_or(0, |h| h.position);
    let mut gaps = Vec::new();
    let mut sealed = 0;
    while sealed < max_events {
        let page = store.read_all(position, PAGE.min(max_events - sealed)).await?;
        if page.is_empty() {
            break;
        }
        for ev in &page {
            let first_empty = (position + 1).max(vouched_to + 1);
            if ev.position > first_empty {
                gaps.push(PositionGap { from_position: first_empty, to_position: ev.position - 1 });
            }
            digest = chain_digest(&digest, ev.position, &ev.hash).to_vec();
            position = ev.position;
            count += 1;
            sealed += 1;
        }
    }
    if sealed == 0 {
        return Ok(None);
    }
    let checkpoint = Checkpoint { seq: seq + 1, position, event_count: count, digest, sealed_at: now_micros() };
    Ok(store.record_checkpoint(&checkpoint, &gaps).await?.then_some(checkpoint))
}

/// Seals until the whole visible log is covered.
///
/// # Errors
/// `Database` on IO faults.
pub async fn seal_all(store: &dyn EventStore) -> Result<Option<Checkpoint>, StoreError> {
    let mut latest = None;
    while let Some(c) = seal(store, 100_000).await? {
        latest = Some(c);
    }
    Ok(latest)
}

/// What kind of tampering or damage verify found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    /// The event's content no longer matches its hash.
    AlteredEvent,
    /// A stream version is missing (a deleted event).
    MissingVersion,
    /// The previous-hash link does not match the event before it (inserted or reordered).
    BrokenChain,
    /// Versions and positions of a stream run in different orders.
    Reordered,
    /// A position below a checkpoint holds no event and is not a recorded gap.
    MissingPosition,
    /// A checkpoint's digest or count no longer matches the events before it.
    CheckpointMismatch,
    /// A signed head the witness holds is missing from the database, or held otherwise there.
    HeadMissing,
    /// A signed head's signature does not verify, or its key is unknown.
    HeadSignature,
    /// The log no longer gives the root a signed head signed (events changed, removed, swapped
    /// or cut off).
    HeadMismatch,
}

impl ProblemKind {
    /// What the finding means, in pt-BR, for the audit page.
    pub fn label(self) -> &'static str {
        match self {
            ProblemKind::AlteredEvent => "evento alterado (o conteúdo não confere com o hash)",
            ProblemKind::MissingVersion => "versão ausente no fluxo (evento removido)",
            ProblemKind::BrokenChain => "encadeamento rompido (evento inserido ou reordenado)",
            ProblemKind::Reordered => "versões e posições em ordens diferentes",
            ProblemKind::MissingPosition => "posição sem evento e sem lacuna registrada",
            ProblemKind::CheckpointMismatch => "checkpoint não confere com os eventos que cobre",
            ProblemKind::HeadMissing => "cabeçalho assinado ausente do banco ou reescrito",
            ProblemKind::HeadSignature => "cabeçalho com assinatura inválida ou de chave desconhecida",
            ProblemKind::HeadMismatch => "o registro não confere com um cabeçalho assinado",
        }
    }
}

/// One finding, located as exactly as the evidence allows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub kind: ProblemKind,
    pub stream_id: Option<String>,
    pub version: Option<i64>,
    pub position: Option<i64>,
    pub detail: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.kind.label())?;
        if let Some(s) = &self.stream_id {
            write!(f, " fluxo={s}")?;
        }
        if let Some(v) = self.version {
            write!(f, " versão={v}")?;
        }
        if let Some(p) = self.position {
            write!(f, " posição={p}")?;
        }
        write!(f, ": {}", self.detail)
    }
}

/// The outcome of a full verification.
#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    pub events_checked: i64,
    pub streams_checked: i64,
    pub checkpoints_checked: i64,
    pub latest_checkpoint: Option<Checkpoint>,
    /// Every problem found, in the order found (streams first, then the global order).
    pub problems: Vec<Problem>,
}

impl VerifyReport {
    /// True when nothing was found.
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

const MAX_PROBLEMS: usize = 100;

/// Recomputes every stream chain and every checkpoint. `progress` is called with the number of
/// events checked so far in each pass.
///
/// # Errors
/// `Database` on IO faults (a finding is not an error).
pub async fn verify(store: &dyn EventStore, progress: &(dyn Fn(i64) + Sync)) -> Result<VerifyReport, StoreError> {
    let mut problems = Vec::new();
    let (events_checked, streams_checked) = verify_streams(store, &mut problems, progress).await?;
    let checkpoints = store.checkpoints().await?;
    verify_global(store, &checkpoints, &mut problems, progress).await?;
    problems.truncate(MAX_PROBLEMS);
    Ok(VerifyReport {
        events_checked,
        streams_checked,
        checkpoints_checked: checkpoints.len() as i64,
        latest_checkpoint: checkpoints.last().cloned(),
        problems,
    })
}

fn problem(kind: ProblemKind, ev: &crate::StoredEvent, detail: impl Into<String>) -> Problem {
    Problem {
        kind,
        stream_id: Some(ev.stream_id.clone()),
        version: Some(ev.stream_version),
        position: Some(ev.position),
        detail: detail.into(),
    }
}

async fn verify_streams(
    store: &dyn EventStore,
    problems: &mut Vec<Problem>,
    progress: &(dyn Fn(i64) + Sync),
) -> Result<(i64, i64), StoreError> {
    let mut after: Option<(String, i64)> = None;
    let mut current: Option<(String, i64, Vec<u8>, i64)> = None; // stream, version, hash, position
    let (mut events, mut streams) = (0i64, 0i64);
    loop {
        let page = store.read_in_stream_order(after.clone(), PAGE).await?;
        let Some(last) = page.last() else { break };
        after = Some((last.stream_id.clone(), last.stream_version));
        for ev in &page {
            events += 1;
            let (expected_version, prev_hash, prev_position) = match &current {
                Some((s, v, h, p)) if *s == ev.stream_id => (v + 1, h.clone(), *p),
                _ => {
                    streams += 1;
                    (1, GENESIS.to_vec(), 0)
                }
            };
            if ev.stream_version != expected_version {
                problems.push(problem(
                    ProblemKind::MissingVersion,
                    ev,
                    format!("version {expected_version} of the stream is missing"),
                ));
            } else if ev.prev_hash != prev_hash {
                problems.push(problem(
                    ProblemKind::BrokenChain,
                    ev,
                    "previous-hash link does not match the event before it",
                ));
            }
            if ev.position <= prev_position {
                problems.push(problem(
                    ProblemKind::Reordered,
                    ev,
                    format!("position {} is not after the previous version's position {prev_position}", ev.position),
                ));
            }
            if stored_event_hash(ev).as_slice() != ev.hash.as_slice() {
                problems.push(problem(ProblemKind::AlteredEvent, ev, "content does not match the stored hash"));
            }
            current = Some((ev.stream_id.clone(), ev.stream_version, ev.hash.clone(), ev.position));
        }
        progress(events);
    }
    Ok((events, streams))
}

async fn verify_global(
    store: &dyn EventStore,
    checkpoints: &[Checkpoint],
    problems: &mut Vec<Problem>,
    progress: &(dyn Fn(i64) + Sync),
) -> Result<(), StoreError> {
    let gaps = store.gaps().await?;
    let sealed_to = checkpoints.last().map_or(0, |c| c.position);
    let mut pending = checkpoints.iter().peekable();
    let mut digest = GENESIS.to_vec();
    let (mut position, mut count) = (0i64, 0i64);
    let check = |cp: &Checkpoint, digest: &[u8], count: i64, problems: &mut Vec<Problem>| {
        if cp.digest != digest || cp.event_count != count {
            problems.push(Problem {
                kind: ProblemKind::CheckpointMismatch,
                stream_id: None,
                version: None,
                position: Some(cp.position),
                detail: format!(
                    "checkpoint {} sealed {} events up to position {}; the log now gives {count} events and another digest",
                    cp.seq, cp.event_count, cp.position
                ),
            });
        }
    };
    loop {
        let page = store.read_all(position, PAGE).await?;
        if page.is_empty() {
            break;
        }
        for ev in &page {
            while let Some(cp) = pending.next_if(|cp| cp.position < ev.position) {
                check(cp, &digest, count, problems);
            }
            for missing in (position + 1)..ev.position.min(sealed_to + 1) {
                if !gaps.iter().any(|g| g.from_position <= missing && missing <= g.to_position) {
                    problems.push(Problem {
                        kind: ProblemKind::MissingPosition,
                        stream_id: None,
                        version: None,
                        position: Some(missing),
                        detail: "no event and no recorded gap at this sealed position".into(),
                    });
                }
            }
            // Recomputed from content, so an edit that leaves the stored hash alone still shows.
            digest = chain_digest(&digest, ev.position, &stored_event_hash(ev)).to_vec();
            position = ev.position;
            count += 1;
        }
        progress(count);
    }
    for cp in pending {
        check(cp, &digest, count, problems);
    }
    Ok(())
}

/// The outcome of an incremental verification (see [`verify_since`]).
#[derive(Debug, Clone, Serialize)]
pub struct IncrementalReport {
    /// The checkpoint the check started from.
    pub base: Checkpoint,
    pub events_checked: i64,
    pub checkpoints_checked: i64,
    /// The newest checkpoint confirmed, from which the next incremental check can start.
    pub latest_checkpoint: Checkpoint,
    pub problems: Vec<Problem>,
}

impl IncrementalReport {
    /// True when nothing was found.
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Verifies only what came after `base`, a checkpoint an earlier verification confirmed: `base`
/// must still be recorded as it was, every later event must match its hash, and every later
/// checkpoint must extend `base`'s digest over those events. Its cost is that of the new events
/// alone; the per-stream links of the older events are left to the full [`verify`].
///
/// # Errors
/// `Database` on IO faults (a finding is not an error).
pub async fn verify_since(store: &dyn EventStore, base: &Checkpoint) -> Result<IncrementalReport, StoreError> {
    let checkpoints = store.checkpoints().await?;
    let mut problems = Vec::new();
    let mismatch = |cp: &Checkpoint, detail: String| Problem {
        kind: ProblemKind::CheckpointMismatch,
        stream_id: None,
        version: None,
        position: Some(cp.position),
        detail,
    };
    match checkpoints.iter().find(|c| c.seq == base.seq) {
        Some(recorded) if recorded.digest == base.digest && recorded.position == base.position => {}
        _ => problems.push(mismatch(base, format!("checkpoint {} was removed or rewritten", base.seq))),
    }
    let later: Vec<&Checkpoint> = checkpoints.iter().filter(|c| c.seq > base.seq).collect();
    let (mut digest, mut position, mut count) = (base.digest.clone(), base.position, base.event_count);
    let mut events_checked = 0;
    let mut pending = later.iter().peekable();
    let last_position = later.last().map_or(base.position, |c| c.position);
    'pages: while position < last_position {
        let page = store.read_all(position, PAGE).await?;
        if page.is_empty() {
            break;
        }
        for ev in &page {
            if ev.position > last_position {
                break 'pages;
            }
            let hash = stored_event_hash(ev);
            if hash.as_slice() != ev.hash.as_slice() {
                problems.push(Problem {
                    kind: ProblemKind::AlteredEvent,
                    stream_id: Some(ev.stream_id.clone()),
                    version: Some(ev.stream_version),
                    position: Some(ev.position),
                    detail: "content does not match its hash".into(),
                });
            }
            digest = chain_digest(&digest, ev.position, &hash).to_vec();
            position = ev.position;
            count += 1;
            events_checked += 1;
            while let Some(cp) = pending.next_if(|cp| cp.position <= position) {
                if cp.position != position || cp.digest != digest || cp.event_count != count {
                    problems
                        .push(mismatch(cp, format!("checkpoint {} does not extend checkpoint {}", cp.seq, base.seq)));
                }
            }
        }
    }
    for cp in pending {
        problems.push(mismatch(cp, format!("checkpoint {} covers events that are gone", cp.seq)));
    }
    problems.truncate(MAX_PROBLEMS);
    let latest_checkpoint = if problems.is_empty() { later.last().map_or(base, |c| c) } else { base }.clone();
    Ok(IncrementalReport {
        base: base.clone(),
        events_checked,
        checkpoints_checked: later.len() as i64,
        latest_checkpoint,
        problems,
    })
}

/// The text an auditor keeps: `autos-checkpoint:v1:<position>:<events>:<hex digest>`.
pub fn export_checkpoint(cp: &Checkpoint) -> String {
    format!("autos-checkpoint:v1:{}:{}:{}", cp.position, cp.event_count, hex::encode(&cp.digest))
}

/// Proves the log still extends an exported checkpoint: recomputes the digest of every event
/// up to its position. Ok(None) when it does; Ok(Some(problem)) describing the mismatch.
///
/// # Errors
/// `InvalidInput` when the text is not an exported checkpoint; `Database` on IO faults.
pub async fn verify_against(store: &dyn EventStore, exported: &str) -> Result<Option<Problem>, StoreError> {
    let parts: Vec<&str> = exported.trim().split(':').collect();
    let parsed = match parts.as_slice() {
        ["autos-checkpoint", "v1", p, n, d] => {
            p.parse::<i64>().ok().zip(n.parse::<i64>().ok()).zip(hex::decode(d).ok())
        }
        _ => None,
    };
    let Some(((target, expected_count), expected_digest)) = parsed else {
        return Err(StoreError::InvalidInput(format!(
            "not an exported checkpoint (autos-checkpoint:v1:<position>:<events>:<digest>): {exported:?}"
        )));
    };
    let mut digest = GENESIS.to_vec();
    let (mut position, mut count) = (0i64, 0i64);
    'pages: loop {
        let page = store.read_all(position, PAGE).await?;
        if page.is_empty() {
            break;
        }
        for ev in &page {
            if ev.position > target {
                break 'pages;
            }
            digest = chain_digest(&digest, ev.position, &stored_event_hash(ev)).to_vec();
            position = ev.position;
            count += 1;
        }
    }
    if digest == expected_digest && count == expected_count {
        Ok(None)
    } else {
        Ok(Some(Problem {
            kind: ProblemKind::CheckpointMismatch,
            stream_id: None,
            version: None,
            position: Some(target),
            detail: format!(
                "the exported checkpoint covered {expected_count} events; the log now gives {count} events up to position {target} with another digest"
            ),
        }))
    }
}
