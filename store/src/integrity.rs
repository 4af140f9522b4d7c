//! Tamper evidence over the log: the seal, which records global checkpoints in position order,
//! and `verify`, which recomputes every stream's hash chain and every checkpoint and names the
//! first problem by stream, version and position. Both work through the `EventStore` trait, so
//! they behave the same on both backends.

use std::fmt;

use serde::Serialize;

use std::collections::{BTreeSet, HashMap};

use crate::hashing::{chain_digest, now_micros, stored_event_hash, GENESIS};
use crate::tree_heads::{HeadCheck, Leaves, TrustFiles};
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

/// Recomputes every stream chain and every checkpoint, in one read of the log in position
/// order. `progress` is called with the number of events checked so far.
///
/// # Errors
/// `Database` on IO faults (a finding is not an error).
pub async fn verify(store: &dyn EventStore, progress: &(dyn Fn(i64) + Sync)) -> Result<VerifyReport, StoreError> {
    Ok(scan(store, progress).await?.report)
}

/// What one read of the log found, and what it keeps for the steps that follow it: the leaves
/// for the signed heads, and the digest at every position past the last checkpoint, which a
/// checkpoint sealed after the read must give.
#[derive(Debug)]
pub struct Scan {
    pub report: VerifyReport,
    pub leaves: Leaves,
    unsealed: Vec<SealedSoFar>,
}

/// The global digest and the count of events up to one position.
#[derive(Debug)]
struct SealedSoFar {
    position: i64,
    event_count: i64,
    digest: [u8; 32],
}

/// The last event of a stream seen so far in position order.
struct StreamTip {
    version: i64,
    hash: Vec<u8>,
}

/// Reads the log once, in position order, and checks on the way: every event's content against
/// its hash, every stream's versions and previous-hash links (a stream that fails is read again
/// on its own, in version order, to name exactly what is wrong with it), every sealed position
/// (an event or a recorded gap) and every checkpoint. Each event is hashed once; the next page
/// is read while this one is checked.
///
/// # Errors
/// `Database` on IO faults (a finding is not an error).
pub async fn scan(store: &dyn EventStore, progress: &(dyn Fn(i64) + Sync)) -> Result<Scan, StoreError> {
    let checkpoints = store.checkpoints().await?;
    let gaps = store.gaps().await?;
    let sealed_to = checkpoints.last().map_or(0, |c| c.position);
    let mut pending = checkpoints.iter().peekable();
    let mut tips: HashMap<String, StreamTip> = HashMap::new();
    let mut suspect: BTreeSet<String> = BTreeSet::new();
    let mut global = Vec::new();
    let mut leaves = Leaves::default();
    let mut unsealed = Vec::new();
    let mut digest = GENESIS;
    let (mut position, mut count) = (0i64, 0i64);
    let mut next = store.read_all(0, PAGE).await?;
    while let Some(after) = next.last().map(|ev| ev.position) {
        let page = std::mem::take(&mut next);
        let (read, ()) = tokio::join!(store.read_all(after, PAGE), async {
            for ev in &page {
                let hash = stored_event_hash(ev);
                let tip = tips.get_mut(ev.stream_id.as_str());
                let (expected_version, prev_hash) =
                    tip.as_ref().map_or((1, &GENESIS[..]), |t| (t.version + 1, t.hash.as_slice()));
                if hash.as_slice() != ev.hash.as_slice()
                    || ev.stream_version != expected_version
                    || ev.prev_hash.as_slice() != prev_hash
                {
                    suspect.insert(ev.stream_id.clone());
                }
                match tip {
                    Some(t) => {
                        t.version = ev.stream_version;
                        t.hash.clone_from(&ev.hash);
                    }
                    None => {
                        tips.insert(
                            ev.stream_id.clone(),
                            StreamTip { version: ev.stream_version, hash: ev.hash.clone() },
                        );
                    }
                }
                while let Some(cp) = pending.next_if(|cp| cp.position < ev.position) {
                    check_checkpoint(cp, &digest, count, &mut global);
                }
                for missing in (position + 1)..ev.position.min(sealed_to + 1) {
                    if !gaps.iter().any(|g| g.from_position <= missing && missing <= g.to_position) {
                        global.push(Problem {
                            kind: ProblemKind::MissingPosition,
                            stream_id: None,
                            version: None,
                            position: Some(missing),
                            detail: "nenhum evento e nenhuma lacuna registrada nesta posição selada".into(),
                        });
                    }
                }
                // Recomputed from content, so an edit that leaves the stored hash alone still shows.
                digest = chain_digest(&digest, ev.position, &hash);
                position = ev.position;
                count += 1;
                leaves.push_event(ev, &hash);
                if position > sealed_to {
                    unsealed.push(SealedSoFar { position, event_count: count, digest });
                }
            }
            progress(count);
        });
        next = read?;
    }
    for cp in pending {
        check_checkpoint(cp, &digest, count, &mut global);
    }
    let mut problems = Vec::new();
    for stream in &suspect {
        check_stream(&store.read_stream(stream, 1).await?, &mut problems);
    }
    problems.append(&mut global);
    problems.truncate(MAX_PROBLEMS);
    let report = VerifyReport {
        events_checked: count,
        streams_checked: tips.len() as i64,
        checkpoints_checked: checkpoints.len() as i64,
        latest_checkpoint: checkpoints.last().cloned(),
        problems,
    };
    Ok(Scan { report, leaves, unsealed })
}

impl Scan {
    /// Checks the checkpoints sealed since the read against the digests the read recomputed,
    /// so a seal that followed it is verified too; one past the read is left to the next.
    ///
    /// # Errors
    /// `Database` on IO faults.
    pub async fn check_new_checkpoints(&mut self, store: &dyn EventStore) -> Result<(), StoreError> {
        let known = self.report.latest_checkpoint.as_ref().map_or(0, |c| c.seq);
        let read_to = self.unsealed.last().map_or(0, |s| s.position);
        for cp in store.checkpoints().await?.into_iter().filter(|c| c.seq > known && c.position <= read_to) {
            let at = self.unsealed.binary_search_by_key(&cp.position, |s| s.position).ok().map(|i| &self.unsealed[i]);
            match at {
                Some(s) if s.digest.as_slice() == cp.digest && s.event_count == cp.event_count => {}
                _ => self.report.problems.push(Problem {
                    kind: ProblemKind::CheckpointMismatch,
                    stream_id: None,
                    version: None,
                    position: Some(cp.position),
                    detail: format!(
                        "o checkpoint {} selado agora não confere com os eventos lidos até a posição {}",
                        cp.seq, cp.position
                    ),
                }),
            }
            self.report.checkpoints_checked += 1;
            if self.report.ok() {
                self.report.latest_checkpoint = Some(cp);
            }
        }
        Ok(())
    }
}

/// A full verification and what it leaves for signing: the report, and the check of the signed
/// heads (with the leaves of the whole log, for the notary) when heads were checked.
#[derive(Debug)]
pub struct FullVerification {
    pub report: VerifyReport,
    pub heads: Option<HeadCheck>,
}

/// The full verification as `autos verify` and the audit page run it: one [`scan`] of the log;
/// then the signed heads against the leaves it read, when `trust` is given; then, only when
/// nothing was found (sealing a log that no longer matches would record its holes as gaps and
/// seal what was changed), the seal of what is new, checked against the scan's digests.
/// Problems with the heads come first in the report.
///
/// # Errors
/// `Database` on faults, `TrustFile` when the keyring or the witness cannot be read.
pub async fn verify_and_seal(
    store: &dyn EventStore,
    trust: Option<&TrustFiles>,
    progress: &(dyn Fn(i64) + Sync),
) -> Result<FullVerification, StoreError> {
    let mut scan = scan(store, progress).await?;
    let heads = match trust {
        Some(files) => Some(files.check_leaves(store, std::mem::take(&mut scan.leaves)).await?),
        None => None,
    };
    let head_problems = heads.as_ref().map_or(&[][..], |h| h.problems.as_slice());
    if !head_problems.is_empty() || !scan.report.ok() {
        scan.report.problems.splice(0..0, head_problems.iter().cloned());
        scan.report.problems.truncate(MAX_PROBLEMS);
        return Ok(FullVerification { report: scan.report, heads });
    }
    seal_all(store).await?;
    scan.check_new_checkpoints(store).await?;
    Ok(FullVerification { report: scan.report, heads })
}

fn check_checkpoint(cp: &Checkpoint, digest: &[u8], count: i64, problems: &mut Vec<Problem>) {
    if cp.digest != digest || cp.event_count != count {
        problems.push(Problem {
            kind: ProblemKind::CheckpointMismatch,
            stream_id: None,
            version: None,
            position: Some(cp.position),
            detail: format!(
                "o checkpoint {} selou {} eventos até a posição {}; o registro agora dá {count} eventos e outro resumo",
                cp.seq, cp.event_count, cp.position
            ),
        });
    }
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

/// Names what is wrong with one stream, read in version order.
fn check_stream(events: &[crate::StoredEvent], problems: &mut Vec<Problem>) {
    check_links(events, 1, &GENESIS, 0, problems);
}

/// Names what is wrong with a run of one stream's events in version order, the first of which
/// should be `expected_version`, link to `prev_hash` and come after `prev_position`.
fn check_links(
    events: &[crate::StoredEvent],
    mut expected_version: i64,
    prev_hash: &[u8],
    mut prev_position: i64,
    problems: &mut Vec<Problem>,
) {
    let mut prev_hash = prev_hash.to_vec();
    for ev in events {
        if ev.stream_version != expected_version {
            problems.push(problem(
                ProblemKind::MissingVersion,
                ev,
                format!("falta a versão {expected_version} do fluxo"),
            ));
        } else if ev.prev_hash != prev_hash {
            problems.push(problem(
                ProblemKind::BrokenChain,
                ev,
                "o hash anterior não confere com o evento que o precede",
            ));
        }
        if ev.position <= prev_position {
            problems.push(problem(
                ProblemKind::Reordered,
                ev,
                format!("a posição {} não vem depois da posição {prev_position} da versão anterior", ev.position),
            ));
        }
        if stored_event_hash(ev).as_slice() != ev.hash.as_slice() {
            problems.push(problem(ProblemKind::AlteredEvent, ev, "o conteúdo não confere com o hash guardado"));
        }
        (expected_version, prev_hash, prev_position) = (ev.stream_version + 1, ev.hash.clone(), ev.position);
    }
}

/// The outcome of an incremental verification (see [`verify_since`]).
#[derive(Debug, Clone, Serialize)]
pub struct IncrementalReport {
    /// The checkpoint the check started from.
    pub base: Checkpoint,
    pub events_checked: i64,
    /// Streams the new events belong to (one that continues an older history is read back from
    /// the event before its first new one).
    pub streams_checked: i64,
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

    /// This check followed by `next`, which started from this one's latest checkpoint.
    pub fn followed_by(mut self, mut next: IncrementalReport) -> IncrementalReport {
        self.events_checked += next.events_checked;
        self.streams_checked += next.streams_checked;
        self.checkpoints_checked += next.checkpoints_checked;
        self.problems.append(&mut next.problems);
        self.problems.truncate(MAX_PROBLEMS);
        if self.ok() {
            self.latest_checkpoint = next.latest_checkpoint;
        }
        self
    }
}

/// The first new event of a stream seen by an incremental verification, and the last one.
struct NewRun {
    first_version: i64,
    first_position: i64,
    last_version: i64,
    last_hash: Vec<u8>,
    broken: bool,
}

/// Verifies only what came after `base`, a checkpoint an earlier verification confirmed: `base`
/// must still be recorded as it was, every later event must match its hash and follow the
/// event before it in its stream (version and previous hash, the older one read back from the
/// store), and every later checkpoint must extend `base`'s digest over those events. Its cost is
/// that of the new events and one read per stream they touch; the older events are left to the
/// full [`verify`], and so are the signed heads.
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
        _ => problems.push(mismatch(base, format!("o checkpoint {} foi removido ou reescrito", base.seq))),
    }
    let later: Vec<&Checkpoint> = checkpoints.iter().filter(|c| c.seq > base.seq).collect();
    let (mut digest, mut position, mut count) = (base.digest.clone(), base.position, base.event_count);
    let mut events_checked = 0;
    let mut runs: HashMap<String, NewRun> = HashMap::new();
    let mut stream_problems = Vec::new();
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
            match runs.get_mut(ev.stream_id.as_str()) {
                Some(run) => {
                    run.broken |= ev.stream_version != run.last_version + 1 || ev.prev_hash != run.last_hash;
                    run.last_version = ev.stream_version;
                    run.last_hash.clone_from(&ev.hash);
                }
                None => {
                    runs.insert(
                        ev.stream_id.clone(),
                        NewRun {
                            first_version: ev.stream_version,
                            first_position: ev.position,
                            last_version: ev.stream_version,
                            last_hash: ev.hash.clone(),
                            broken: ev.stream_version == 1 && ev.prev_hash != GENESIS,
                        },
                    );
                }
            }
            if hash.as_slice() != ev.hash.as_slice() {
                stream_problems.push(problem(
                    ProblemKind::AlteredEvent,
                    ev,
                    "o conteúdo não confere com o hash guardado",
                ));
            }
            digest = chain_digest(&digest, ev.position, &hash).to_vec();
            position = ev.position;
            count += 1;
            events_checked += 1;
            while let Some(cp) = pending.next_if(|cp| cp.position <= position) {
                if cp.position != position || cp.digest != digest || cp.event_count != count {
                    problems
                        .push(mismatch(cp, format!("o checkpoint {} não estende o checkpoint {}", cp.seq, base.seq)));
                }
            }
        }
    }
    for cp in pending {
        problems.push(mismatch(cp, format!("o checkpoint {} cobre eventos que não existem mais", cp.seq)));
    }
    for (stream, run) in &runs {
        if run.first_version == 1 && !run.broken {
            continue;
        }
        // Read back from the event before the first new one: the link to the older history.
        let from = (run.first_version - 1).max(1);
        let events = store.read_stream(stream, from).await?;
        let run_events: Vec<crate::StoredEvent> =
            events.into_iter().filter(|e| e.stream_version < run.first_version || e.position <= position).collect();
        let mut found = Vec::new();
        match run_events.split_first() {
            Some((anchor, rest)) if run.first_version > 1 && anchor.stream_version == from => {
                check_links(rest, run.first_version, &anchor.hash, anchor.position, &mut found);
            }
            _ if run.first_version > 1 => found.push(Problem {
                kind: ProblemKind::MissingVersion,
                stream_id: Some(stream.clone()),
                version: Some(run.first_version),
                position: Some(run.first_position),
                detail: format!("falta a versão {from} do fluxo, anterior ao primeiro evento novo"),
            }),
            _ => check_stream(&run_events, &mut found),
        }
        // An event altered in place is named by the stream check too: name it once.
        found.retain(|p| p.kind != ProblemKind::AlteredEvent);
        stream_problems.append(&mut found);
    }
    stream_problems.sort_by_key(|p| p.position);
    problems.splice(0..0, stream_problems);
    problems.truncate(MAX_PROBLEMS);
    let latest_checkpoint = if problems.is_empty() { later.last().map_or(base, |c| c) } else { base }.clone();
    Ok(IncrementalReport {
        base: base.clone(),
        events_checked,
        streams_checked: runs.len() as i64,
        checkpoints_checked: later.len() as i64,
        latest_checkpoint,
        problems,
    })
}

/// The text an auditor keeps: `autos-checkpoint:v1:<position>:<events>:<hex digest>`.
pub fn export_checkpoint(cp: &Checkpoint) -> String {
    format!("autos-checkpoint:v1:{}:{}:{}", cp.position, cp.event_count, hex::encode(&cp.digest))
}

/// What an exported checkpoint states.
struct Exported {
    position: i64,
    event_count: i64,
    digest: Vec<u8>,
}

fn parse_exported(exported: &str) -> Result<Exported, StoreError> {
    let parts: Vec<&str> = exported.trim().split(':').collect();
    let parsed = match parts.as_slice() {
        ["autos-checkpoint", "v1", p, n, d] => {
            p.parse::<i64>().ok().zip(n.parse::<i64>().ok()).zip(hex::decode(d).ok())
        }
        _ => None,
    };
    let Some(((position, event_count), digest)) = parsed else {
        return Err(StoreError::InvalidInput(format!(
            "não é um checkpoint exportado (autos-checkpoint:v1:<posição>:<eventos>:<resumo>): {exported:?}"
        )));
    };
    Ok(Exported { position, event_count, digest })
}

/// The recorded checkpoint an exported one names, when the log still records it exactly as
/// exported; otherwise the finding that it was removed or rewritten. The starting point of an
/// incremental verification from a checkpoint an auditor kept.
///
/// # Errors
/// `InvalidInput` when the text is not an exported checkpoint; `Database` on IO faults.
pub async fn recorded_checkpoint(
    store: &dyn EventStore,
    exported: &str,
) -> Result<Result<Checkpoint, Problem>, StoreError> {
    let kept = parse_exported(exported)?;
    let recorded = store.checkpoints().await?.into_iter().find(|c| c.position == kept.position);
    Ok(match recorded {
        Some(cp) if cp.event_count == kept.event_count && cp.digest == kept.digest => Ok(cp),
        found => Err(Problem {
            kind: ProblemKind::CheckpointMismatch,
            stream_id: None,
            version: None,
            position: Some(kept.position),
            detail: match found {
                Some(cp) => format!(
                    "o checkpoint {} da posição {} foi reescrito: guardado com {} eventos e outro resumo, registrado agora com {}",
                    cp.seq, kept.position, kept.event_count, cp.event_count
                ),
                None => format!("nenhum checkpoint registrado na posição {}: foi removido", kept.position),
            },
        }),
    })
}

/// Proves the log still extends an exported checkpoint: recomputes the digest of every event
/// up to its position. Ok(None) when it does; Ok(Some(problem)) describing the mismatch.
///
/// # Errors
/// `InvalidInput` when the text is not an exported checkpoint; `Database` on IO faults.
pub async fn verify_against(store: &dyn EventStore, exported: &str) -> Result<Option<Problem>, StoreError> {
    let Exported { position: target, event_count: expected_count, digest: expected_digest } = parse_exported(exported)?;
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
                "o checkpoint exportado cobria {expected_count} eventos; o registro agora dá {count} eventos até a posição {target}, com outro resumo"
            ),
        }))
    }
}
