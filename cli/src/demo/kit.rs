//! The demo's kit, shared by the interventions (`demo.rs`) and its phases (`transfers`,
//! `sanctions`, `demandas`): the desk every act goes through (with progress), the beneficiary
//! counts and their moves, the report's embedded tables and the date helpers.

use std::collections::{BTreeMap, BTreeSet};

use autos_app::officers::Officer;
use autos_app::service::{Outcome, Request, Service};
use autos_domain::{Actor, CaseCommand, OperatorCommand, Registro, Role};
use chrono::{Datelike, Days, Months, NaiveDate};
use rand::rngs::StdRng;
use rand::Rng;
use uuid::Uuid;

use crate::CliError;

/// Acts per transaction in the bulk phases (beneficiary counts, autos de infração, demandas).
pub(crate) const BULK: usize = 1_000;

/// Where the demo is, for a progress bar.
#[derive(Debug, Clone, Copy)]
pub struct Progress<'a> {
    /// The phase, as officers read it.
    pub step: &'a str,
    /// Acts issued so far, and in all once the history is planned (0 before).
    pub acts: usize,
    pub planned: usize,
    /// Events the acts appended (the operator register's are not counted).
    pub events: usize,
}

pub(crate) fn csv_rows<T: serde::de::DeserializeOwned>(text: &str) -> Result<Vec<T>, CliError> {
    csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .collect::<Result<_, _>>()
        .map_err(|e| CliError::Config(format!("tabela embutida ilegível: {e}")))
}

pub(crate) fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// Issues acts as the officer of each role, and reports progress.
pub(crate) struct Desk<'a> {
    pub(crate) service: &'a Service,
    pub(crate) officers: BTreeMap<Role, Officer>,
    pub(crate) commands: usize,
    pub(crate) events: usize,
    pub(crate) planned: usize,
    pub(crate) step: &'static str,
    pub(crate) progress: &'a (dyn Fn(&Progress<'_>) + Sync),
}

impl<'a> Desk<'a> {
    /// A desk of `officers` (one per role) at its first `step`, nothing issued yet.
    pub(crate) fn new(
        service: &'a Service,
        officers: BTreeMap<Role, Officer>,
        step: &'static str,
        progress: &'a (dyn Fn(&Progress<'_>) + Sync),
    ) -> Self {
        Desk { service, officers, commands: 0, events: 0, planned: 0, step, progress }
    }

    pub(crate) fn request(&self, role: Role, on: NaiveDate, case: Option<Uuid>) -> Request {
        let officer = &self.officers[&role];
        Request {
            actor: Actor {
                officer_id: officer.officer_id.to_string(),
                role,
                appointed_cases: case.into_iter().collect(),
            },
            actor_id: officer.officer_id,
            occurred_on: on,
            correlation_id: Some(Uuid::now_v7()),
        }
    }

    pub(crate) fn step(&mut self, step: &'static str) {
        self.step = step;
        self.report();
    }

    pub(crate) fn report(&self) {
        (self.progress)(&Progress { step: self.step, acts: self.commands, planned: self.planned, events: self.events });
    }

    pub(crate) fn count(&mut self, outcomes: &[Outcome]) {
        self.commands += outcomes.len();
        self.events += outcomes.iter().map(|o| o.events.len()).sum::<usize>();
        self.report();
    }

    pub(crate) async fn case(
        &mut self,
        role: Role,
        case: Option<Uuid>,
        on: NaiveDate,
        command: CaseCommand,
    ) -> Result<Uuid, CliError> {
        let outcome = self.service.case_command(case, command, None, &self.request(role, on, case)).await?;
        let id = outcome.case_id.ok_or_else(|| CliError::Config("ato sem caso".into()))?;
        self.count(std::slice::from_ref(&outcome));
        Ok(id)
    }

    /// Registry acts by the admin, [`BULK`] to a transaction.
    pub(crate) async fn operators(
        &mut self,
        acts: Vec<(Registro, NaiveDate, OperatorCommand)>,
    ) -> Result<(), CliError> {
        for chunk in acts.chunks(BULK) {
            let requests: Vec<_> =
                chunk.iter().map(|(r, on, c)| (*r, c.clone(), self.request(Role::Administrador, *on, None))).collect();
            let outcomes = self.service.operator_commands(&requests).await?;
            self.count(&outcomes);
        }
        Ok(())
    }

    /// Case acts, each by the officer of its role (an interventor appointed to its case),
    /// [`BULK`] to a transaction; an act may be on a case an earlier act opened.
    pub(crate) async fn case_acts(&mut self, acts: Vec<(Uuid, Role, NaiveDate, CaseCommand)>) -> Result<(), CliError> {
        for chunk in acts.chunks(BULK) {
            let requests: Vec<_> = chunk
                .iter()
                .map(|(case, role, on, command)| {
                    let appointed = (*role == Role::Interventor).then_some(*case);
                    (*case, command.clone(), self.request(*role, *on, appointed))
                })
                .collect();
            let outcomes = self.service.case_commands(&requests).await?;
            self.count(&outcomes);
        }
        Ok(())
    }

    /// Opening acts by the officer of `role`, [`BULK`] to a transaction.
    pub(crate) async fn open_cases(&mut self, role: Role, acts: Vec<(NaiveDate, CaseCommand)>) -> Result<(), CliError> {
        for chunk in acts.chunks(BULK) {
            let requests: Vec<_> = chunk.iter().map(|(on, c)| (c.clone(), self.request(role, *on, None))).collect();
            let outcomes = self.service.open_cases(&requests).await?;
            self.count(&outcomes);
        }
        Ok(())
    }
}

/// First and last day of a period of the report's tables, from its `period_note` (such as
/// "Jul-Dec 2001 only" or "Jan-Aug 2003 only"; none or "full year" is the whole year).
///
/// # Errors
/// `Config` for a note that names no month range.
pub(crate) fn period(year: i32, note: &str) -> Result<(NaiveDate, NaiveDate), CliError> {
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let month = |name: &str| MONTHS.iter().position(|m| *m == name).map(|i| i as u32 + 1);
    let (first, last) = if note.is_empty() || note == "full year" {
        (1, 12)
    } else {
        let range = note.split_whitespace().next().and_then(|range| range.split_once('-'));
        match range.and_then(|(a, b)| Some((month(a)?, month(b)?))) {
            Some((a, b)) if a <= b => (a, b),
            _ => return Err(CliError::Config(format!("período da tabela não reconhecido: {note:?}"))),
        }
    };
    let end = date(year, last, 1) + Months::new(1) - Days::new(1);
    Ok((date(year, first, 1), end))
}

/// A day drawn uniformly in `[from, to]`.
pub(crate) fn day_between(rng: &mut StdRng, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    from + Days::new(rng.gen_range(0..=(to - from).num_days().max(0) as u64))
}

/// The monthly beneficiary counts the demo informs (January 2001 to September 2003): a size
/// drawn per operator, growing 1 % a month, moved by the portfolio transfers.
pub(crate) struct Members {
    pub(crate) base: BTreeMap<Registro, u64>,
    /// From a month on: all members gone (the whole carteira sold), or a change.
    pub(crate) moves: BTreeMap<Registro, Vec<(NaiveDate, Move)>>,
}

#[derive(Clone, Copy)]
pub(crate) enum Move {
    AllGone,
    Change(i64),
}

/// The first month with a count (the report's beneficiary series starts in 2001).
pub(crate) const FIRST_MONTH: (i32, u32) = (2001, 1);
/// Months with a count, from [`FIRST_MONTH`] to September 2003.
pub(crate) const MONTHS_INFORMED: u32 = 33;

impl Members {
    /// Draws each operator's size; the operators in `emptied` have no members.
    pub(crate) fn draw(rng: &mut StdRng, registros: &[Registro], emptied: &BTreeSet<Registro>) -> Members {
        let base = registros
            .iter()
            .map(|r| {
                let band: u64 = [0, 800, 6_000, 15_000, 40_000, 150_000][rng.gen_range(0..6)] + rng.gen_range(1..800);
                (*r, if emptied.contains(r) { 0 } else { band })
            })
            .collect();
        Members { base, moves: BTreeMap::new() }
    }

    /// Members in the month of `on`.
    pub(crate) fn on(&self, registro: Registro, on: NaiveDate) -> u64 {
        let base = self.base.get(&registro).copied().unwrap_or(0);
        let (y, m) = FIRST_MONTH;
        let elapsed = ((on.year() - y) * 12 + on.month() as i32 - m as i32).max(0) as u64;
        let mut count = (base + base * elapsed / 100) as i64;
        let month = date(on.year(), on.month(), 1);
        for (from, change) in self.moves.get(&registro).into_iter().flatten() {
            if *from <= month {
                match change {
                    Move::AllGone => count = 0,
                    Move::Change(n) => count += n,
                }
            }
        }
        count.max(0) as u64
    }

    /// From the month after `on`.
    pub(crate) fn moved(&mut self, registro: Registro, on: NaiveDate, change: Move) {
        let from = date(on.year(), on.month(), 1) + Months::new(1);
        self.moves.entry(registro).or_default().push((from, change));
    }

    /// Every monthly count as a registry act, operator by operator.
    pub(crate) fn counts(&self) -> Vec<(Registro, NaiveDate, OperatorCommand)> {
        let mut acts = Vec::new();
        for registro in self.base.keys() {
            for m in 0..MONTHS_INFORMED {
                let month = date(FIRST_MONTH.0, FIRST_MONTH.1, 1) + Months::new(m);
                let quantidade = self.on(*registro, month);
                let count =
                    OperatorCommand::InformarBeneficiarios { ano: month.year(), mes: month.month(), quantidade };
                acts.push((*registro, month + Days::new(14), count));
            }
        }
        acts
    }
}
