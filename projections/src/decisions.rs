//! Decision replay: every recorded command is decided again, against the history before it and
//! with the rules as they are configured now, and each decision that would now come out
//! differently — other events, other amounts, or a refusal — is reported with the rule version
//! that applies. The log itself is never touched; the recorded events are what is folded
//! forward, so one changed decision does not cascade into the next.

use std::collections::HashMap;

use autos_domain::stored::encode;
use autos_domain::{
    decide_case, decide_operator, Actor, CaseCommand, CaseState, Context, DomainEvent, OperadoraState, OperatorCommand,
    Registro, Role, RuleBook, StreamRef,
};
use autos_store::{EventStore, StoredEvent};
use chrono::NaiveDate;
use serde::Serialize;
use uuid::Uuid;

use crate::{decode_event, ProjectionError};

/// One decision that would now be taken differently.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ChangedDecision {
    /// Position of the first event the decision appended.
    pub position: i64,
    pub occurred_on: NaiveDate,
    pub act: String,
    pub actor_role: String,
    /// Rule version in force on the act's legal date, under the current rule book.
    pub rule_version: Option<String>,
    /// Recorded events, as `stream event_type`.
    pub recorded: Vec<String>,
    /// What the decision gives now: events as `stream event_type`, or the refusal.
    pub now: Result<Vec<String>, String>,
    /// Whether the event types match but a payload (an amount, a deadline) differs.
    pub same_acts_other_content: bool,
}

/// The outcome of a replay.
#[derive(Debug, Clone, Serialize, Default)]
pub struct DecisionReplay {
    pub decisions_checked: u64,
    /// Batches without a recorded command (imports of legacy data, erasure records).
    pub without_command: u64,
    pub changed: Vec<ChangedDecision>,
}

/// Folded states of every stream seen so far.
#[derive(Default)]
struct States {
    operators: HashMap<String, OperadoraState>,
    cases: HashMap<String, CaseState>,
}

impl States {
    fn apply(&mut self, stored: &StoredEvent) -> Result<(), ProjectionError> {
        match decode_event(stored)? {
            Some(DomainEvent::Operator(e)) => self.operators.entry(stored.stream_id.clone()).or_default().evolve(&e),
            Some(DomainEvent::Case(e)) => self.cases.entry(stored.stream_id.clone()).or_default().evolve(&e),
            // No decision of the Parceiros da Cidadania programme is replayed yet.
            Some(DomainEvent::Parceiro(_) | DomainEvent::Programa(_)) | None => {}
        }
        Ok(())
    }

    fn operator(&self, registro: Registro) -> OperadoraState {
        self.operators.get(&StreamRef::Operadora(registro).to_string()).cloned().unwrap_or_default()
    }

    fn case(&self, id: Uuid) -> CaseState {
        self.cases.get(&StreamRef::Caso(id).to_string()).cloned().unwrap_or_default()
    }
}

/// The events one append wrote: same actor, recording instant and command, consecutive.
fn same_batch(a: &StoredEvent, b: &StoredEvent) -> bool {
    a.recorded_at == b.recorded_at
        && a.actor_id == b.actor_id
        && a.command == b.command
        && a.correlation_id == b.correlation_id
}

fn describe(stream: &str, event_type: &str) -> String {
    format!("{stream} {event_type}")
}

/// Decides one recorded batch again. Returns None when the decision is unchanged.
fn redecide(batch: &[StoredEvent], states: &States, rules: &RuleBook) -> Option<ChangedDecision> {
    let first = &batch[0];
    let command: serde_json::Value = serde_json::from_str(first.command.as_deref()?).ok()?;
    let role = Role::parse(&first.actor_role)?;
    let case_streams: Vec<Uuid> = batch
        .iter()
        .filter_map(|e| match StreamRef::parse(&e.stream_id) {
            Ok(StreamRef::Caso(id)) => Some(id),
            _ => None,
        })
        .fold(Vec::new(), |mut ids, id| {
            if !ids.contains(&id) {
                ids.push(id);
            }
            ids
        });
    let actor = Actor {
        officer_id: first.actor_id.to_string(),
        role,
        appointed_cases: case_streams.first().copied().into_iter().collect(),
    };
    let mut ctx = Context::new(actor, first.occurred_on, rules);
    let decided = if let Ok(cmd) = serde_json::from_value::<CaseCommand>(command.clone()) {
        let case_id = *case_streams.first()?;
        let case = states.case(case_id);
        let registro = case.abertura.as_ref().map(|a| a.registro).or_else(|| cmd.target_registro())?;
        ctx = ctx.on_case(case_id);
        ctx.fresh_ids = case_streams.iter().skip(1).copied().collect();
        for other in cmd.related_registros() {
            ctx.related_operators.insert(other, states.operator(other));
        }
        for other in cmd.related_case_ids() {
            ctx.related_cases.insert(other, states.case(other));
        }
        decide_case(&case, &states.operator(registro), cmd, &ctx)
    } else {
        let cmd: OperatorCommand = serde_json::from_value(command.clone()).ok()?;
        let StreamRef::Operadora(registro) = StreamRef::parse(&first.stream_id).ok()? else { return None };
        decide_operator(&states.operator(registro), cmd, &ctx)
    };
    // An append groups events by stream; compare per stream, in order within each stream.
    let mut recorded_events: Vec<&StoredEvent> = batch.iter().collect();
    recorded_events.sort_by(|a, b| a.stream_id.cmp(&b.stream_id));
    let recorded: Vec<String> = recorded_events.iter().map(|e| describe(&e.stream_id, &e.event_type)).collect();
    let rule_version = rules.in_force_on(first.occurred_on).ok().map(|r| r.versao.clone());
    let act = command.get("act").and_then(|a| a.as_str()).unwrap_or_default().to_owned();
    let base = |now, same_acts_other_content| ChangedDecision {
        position: first.position,
        occurred_on: first.occurred_on,
        act: act.clone(),
        actor_role: first.actor_role.clone(),
        rule_version: rule_version.clone(),
        recorded: recorded.clone(),
        now,
        same_acts_other_content,
    };
    match decided {
        Err(refusal) => Some(base(Err(format!("{}: {refusal}", refusal.rule_id())), false)),
        Ok(emitted) => {
            let mut now: Vec<(String, String, serde_json::Value)> = emitted
                .iter()
                .map(|e| {
                    let encoded = encode(&e.event);
                    (e.stream.to_string(), encoded.event_type, encoded.payload)
                })
                .collect();
            now.sort_by(|a, b| a.0.cmp(&b.0));
            let now_described: Vec<String> = now.iter().map(|(s, t, _)| describe(s, t)).collect();
            if now_described != recorded {
                return Some(base(Ok(now_described), false));
            }
            let same_content = now.iter().zip(&recorded_events).all(|((_, _, payload), stored)| {
                serde_json::from_str::<serde_json::Value>(&stored.payload).is_ok_and(|p| &p == payload)
            });
            (!same_content).then(|| base(Ok(now_described), true))
        }
    }
}

/// Replays every decision in the log. `progress` receives the position reached.
///
/// # Errors
/// `Decode` when a recorded event cannot be folded, `Store` on database faults.
pub async fn replay_decisions(
    store: &dyn EventStore,
    rules: &RuleBook,
    progress: &(dyn Fn(i64) + Sync),
) -> Result<DecisionReplay, ProjectionError> {
    let mut report = DecisionReplay::default();
    let mut states = States::default();
    let mut batch: Vec<StoredEvent> = Vec::new();
    let mut after = 0;
    loop {
        let page = store.read_all(after, 5_000).await?;
        let finished = page.is_empty();
        for event in page {
            after = event.position;
            if batch.last().is_some_and(|last| !same_batch(last, &event)) {
                settle(&mut batch, &mut states, rules, &mut report)?;
            }
            batch.push(event);
        }
        if finished {
            settle(&mut batch, &mut states, rules, &mut report)?;
            return Ok(report);
        }
        progress(after);
    }
}

fn settle(
    batch: &mut Vec<StoredEvent>,
    states: &mut States,
    rules: &RuleBook,
    report: &mut DecisionReplay,
) -> Result<(), ProjectionError> {
    if batch.is_empty() {
        return Ok(());
    }
    if batch[0].command.is_some() {
        report.decisions_checked += 1;
        if let Some(changed) = redecide(batch, states, rules) {
            report.changed.push(changed);
        }
    } else {
        report.without_command += 1;
    }
    for event in batch.drain(..) {
        states.apply(&event)?;
    }
    Ok(())
}
