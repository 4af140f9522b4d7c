//! `autos bench … project`: the read-model targets — a full rebuild of a synthetic history
//! (events/s), time travel for an operator with thousands of events (p50/p99), and projection
//! lag while events are appended at a steady rate (p50/p99).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use autos_domain::RuleBook;
use autos_projections::models::Estado;
use autos_projections::runner::{self, RunState, StatusBoard};
use autos_projections::time_travel::Cut;
use autos_store::{AppendBatch, EventStore, ExpectedVersion, Provenance};
use chrono::NaiveDate;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;
use uuid::Uuid;

use super::percentile;
use crate::history;
use crate::CliError;
use autos_app::views::Views;

/// Events per synthetic operator of the bulk history.
const EVENTS_PER_OPERATOR: usize = 500;

fn bar(total: u64, message: &'static str) -> ProgressBar {
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} ({per_sec}, {eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_message(message);
    bar
}

fn position_of(board: &StatusBoard) -> i64 {
    match board.read().ok().and_then(|b| b.get(Estado::NAME).cloned()) {
        Some(RunState::Running { position, .. }) => position,
        _ => 0,
    }
}

pub(super) async fn run(
    store: &Arc<dyn EventStore>,
    events: usize,
    large_operator_events: usize,
    time_travel_ops: usize,
    rate: u64,
    lag_seconds: u64,
) -> Result<serde_json::Value, CliError> {
    if !store.read_all(0, 1).await?.is_empty() {
        return Err(CliError::Config("o benchmark de projeções precisa de um banco vazio (use reset)".into()));
    }
    let rules = RuleBook::builtin();
    let operators = (events / EVENTS_PER_OPERATOR).max(1) as u32;
    let writing = bar(events as u64, "gerando histórico");
    let large = history::write(store, &rules, 0, 1, large_operator_events, &|_| {}).await?[0];
    history::write(store, &rules, 1, operators, EVENTS_PER_OPERATOR, &|n| writing.set_position(n)).await?;
    writing.finish_and_clear();

    let head = store.head_position().await?;
    let rebuilding = bar(head as u64, "reconstruindo");
    let started = Instant::now();
    runner::rebuild(store.as_ref(), &Estado, &|p| rebuilding.set_position(p as u64)).await?;
    let rebuild = started.elapsed();
    rebuilding.finish_and_clear();

    let views = Views::new(store.as_ref());
    let cut = Cut { as_of: NaiveDate::from_ymd_opt(2003, 6, 30), known_at: None };
    let mut travel = Vec::with_capacity(time_travel_ops);
    for _ in 0..time_travel_ops {
        let t = Instant::now();
        views.operator(store.as_ref(), large, cut).await?;
        travel.push(t.elapsed().as_micros() as u64);
    }
    travel.sort_unstable();

    let lag = measure_lag(store, &rules, operators + 1, rate, lag_seconds).await?;
    Ok(json!({
        "workload": "project",
        "events": head,
        "elapsed_s": rebuild.as_secs_f64(),
        "events_per_s": head as f64 / rebuild.as_secs_f64(),
        "rebuild_s": rebuild.as_secs_f64(),
        "rebuild_events_per_s": head as f64 / rebuild.as_secs_f64(),
        "time_travel_operator_events": large_operator_events,
        "time_travel_p50_ms": percentile(&travel, 0.5) / 1e3,
        "time_travel_p99_ms": percentile(&travel, 0.99) / 1e3,
        "lag_rate_per_s": rate,
        "lag_events": lag.0,
        "lag_p50_ms": lag.1,
        "lag_p99_ms": lag.2,
    }))
}

/// Appends one event at a time at `rate`/s for `seconds` while the live runner follows, and
/// measures for each event the time from its commit to the runner's checkpoint passing it.
async fn measure_lag(
    store: &Arc<dyn EventStore>,
    rules: &RuleBook,
    first_operator: u32,
    rate: u64,
    seconds: u64,
) -> Result<(usize, f64, f64), CliError> {
    let total = (rate * seconds) as usize;
    let mut emitted = Vec::new();
    let mut n = first_operator;
    while emitted.len() < total {
        emitted.extend(history::operator_decisions(rules, n, EVENTS_PER_OPERATOR)?.1);
        n += 1;
    }
    emitted.truncate(total);
    let board = StatusBoard::default();
    let follower = tokio::spawn(runner::run_projection(store.clone(), Arc::new(Estado), board.clone()));
    let committed: Arc<Mutex<VecDeque<(i64, Instant)>>> = Arc::default();
    let lags: Arc<Mutex<Vec<u64>>> = Arc::default();
    let watcher = {
        let (committed, lags, board) = (committed.clone(), lags.clone(), board.clone());
        tokio::spawn(async move {
            loop {
                let reached = position_of(&board);
                if let Ok(mut queue) = committed.lock() {
                    while queue.front().is_some_and(|(p, _)| *p <= reached) {
                        if let (Some((_, at)), Ok(mut l)) = (queue.pop_front(), lags.lock()) {
                            l.push(at.elapsed().as_micros() as u64);
                        }
                    }
                }
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
        })
    };
    let mut ticker = tokio::time::interval(Duration::from_micros(1_000_000 / rate.max(1)));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    for e in &emitted {
        ticker.tick().await;
        let streams = autos_projections::group_by_stream(std::slice::from_ref(e), |_| ExpectedVersion::Any);
        let provenance = Provenance {
            actor_id: Uuid::from_u128(0x1a9),
            actor_role: autos_domain::Role::Administrador.as_str().into(),
            correlation_id: None,
            causation_id: None,
            command: None,
        };
        let outcome = store.append(AppendBatch { streams, provenance }).await?;
        if let (Some(p), Ok(mut queue)) = (outcome.positions.last(), committed.lock()) {
            queue.push_back((*p, Instant::now()));
        }
    }
    for _ in 0..3_000 {
        if committed.lock().map(|q| q.is_empty()).unwrap_or(true) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    watcher.abort();
    follower.abort();
    let mut lags = lags.lock().map(|l| l.clone()).unwrap_or_default();
    lags.sort_unstable();
    Ok((lags.len(), percentile(&lags, 0.5) / 1e3, percentile(&lags, 0.99) / 1e3))
}
