//! A given/when/then harness for domain tests (STYLE.md habit 4): a [`World`] of operators and
//! cases, where `given` acts must succeed and are folded in, and `when` returns the decision for
//! the test to assert. No database; the world hands every decision all the states it knows.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal_macros::dec;
use uuid::Uuid;

use crate::rules::{CircumstanceKind, CircumstanceRule, PorteFactorBand, TcacBarStart};
use crate::{
    decide_case, decide_operator, Actor, CaseCommand, CaseState, Context, DomainError, DomainEvent, Emitted,
    OperatorCommand, OperatorState, Registro, Role, RuleBook, Setting, StreamRef,
};

/// Values for the `[UNCONF]` settings, for tests only — not confirmed law.
pub fn rule_book_configured_for_tests() -> RuleBook {
    let mut book = RuleBook::builtin();
    let configured = book.configure_from("seed-2000", |r| {
        let test = "configuração de teste";
        r.fine_porte_factors = Setting::confirmed(
            vec![
                PorteFactorBand { max_beneficiaries: Some(20_000), factor: dec!(0.5) },
                PorteFactorBand { max_beneficiaries: None, factor: dec!(1) },
            ],
            test,
        );
        r.fine_circumstances = Setting::confirmed(
            vec![CircumstanceRule {
                code: "reincidencia".into(),
                kind: CircumstanceKind::Agravante,
                percent: dec!(0.5),
            }],
            test,
        );
        r.tcac_bar_start = Setting::confirmed(TcacBarStart::DataDaDecisaoDicol, test);
    });
    debug_assert!(configured.is_ok());
    book
}

/// Operators and cases folded from every accepted decision.
#[derive(Debug, Clone)]
pub struct World {
    pub rules: RuleBook,
    pub operators: BTreeMap<Registro, OperatorState>,
    pub cases: BTreeMap<Uuid, CaseState>,
    /// Every event accepted so far, in order.
    pub log: Vec<Emitted>,
    next_id: u128,
}

impl Default for World {
    fn default() -> Self {
        World::new(rule_book_configured_for_tests())
    }
}

/// An actor with `role`, appointed to `cases` when an interventor.
pub fn actor(role: Role, cases: &[Uuid]) -> Actor {
    Actor { officer_id: format!("{}-1", role.as_str()), role, appointed_cases: cases.to_vec() }
}

/// A date, for tests.
pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or(NaiveDate::MIN)
}

impl World {
    /// An empty world with the given rules.
    pub fn new(rules: RuleBook) -> Self {
        World { rules, operators: BTreeMap::new(), cases: BTreeMap::new(), log: Vec::new(), next_id: 1 }
    }

    /// A deterministic fresh case id.
    pub fn new_case_id(&mut self) -> Uuid {
        self.next_id += 1;
        Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0000 | self.next_id)
    }

    fn context(&mut self, actor: Actor, on: NaiveDate, case_id: Option<Uuid>) -> (Context<'_>, Vec<Uuid>) {
        let fresh = vec![self.new_case_id(), self.new_case_id()];
        let mut ctx = Context::new(actor, on, &self.rules);
        ctx.case_id = case_id;
        ctx.related_operators = self.operators.clone();
        ctx.related_cases = self.cases.clone();
        ctx.fresh_ids = fresh.clone();
        (ctx, fresh)
    }

    /// Decides an operator act.
    pub fn when_operator(
        &mut self,
        registro: Registro,
        actor: Actor,
        on: NaiveDate,
        command: OperatorCommand,
    ) -> Result<Vec<Emitted>, DomainError> {
        let state = self.operators.get(&registro).cloned().unwrap_or_default();
        let (ctx, _) = self.context(actor, on, None);
        decide_operator(&state, command, &ctx)
    }

    /// Decides a case act; `registro` is the case's operator.
    pub fn when_case(
        &mut self,
        case_id: Uuid,
        registro: Registro,
        actor: Actor,
        on: NaiveDate,
        command: CaseCommand,
    ) -> Result<Vec<Emitted>, DomainError> {
        let case = self.cases.get(&case_id).cloned().unwrap_or_default();
        let op = self.operators.get(&registro).cloned().unwrap_or_default();
        let (ctx, _) = self.context(actor, on, Some(case_id));
        decide_case(&case, &op, command, &ctx)
    }

    /// Folds accepted events into the world.
    pub fn apply(&mut self, emitted: &[Emitted]) {
        for e in emitted {
            match (&e.stream, &e.event) {
                (StreamRef::Operadora(r), DomainEvent::Operator(ev)) => {
                    self.operators.entry(*r).or_default().evolve(ev)
                }
                (StreamRef::Caso(id), DomainEvent::Case(ev)) => self.cases.entry(*id).or_default().evolve(ev),
                _ => {}
            }
            self.log.push(e.clone());
        }
    }

    /// A `given` operator act: must succeed, then is applied.
    ///
    /// # Panics
    /// When the act is refused — a `given` that fails is a broken test.
    #[track_caller]
    pub fn given_operator(
        &mut self,
        registro: Registro,
        actor: Actor,
        on: NaiveDate,
        command: OperatorCommand,
    ) -> Vec<Emitted> {
        let out = self.when_operator(registro, actor, on, command).unwrap_or_else(|e| panic!("given refused: {e:?}"));
        self.apply(&out);
        out
    }

    /// A `given` case act: must succeed, then is applied.
    ///
    /// # Panics
    /// When the act is refused.
    #[track_caller]
    pub fn given_case(
        &mut self,
        case_id: Uuid,
        registro: Registro,
        actor: Actor,
        on: NaiveDate,
        command: CaseCommand,
    ) -> Vec<Emitted> {
        let out =
            self.when_case(case_id, registro, actor, on, command).unwrap_or_else(|e| panic!("given refused: {e:?}"));
        self.apply(&out);
        out
    }

    /// The state of a case.
    pub fn case(&self, id: Uuid) -> CaseState {
        self.cases.get(&id).cloned().unwrap_or_default()
    }

    /// The state of an operator.
    pub fn operator(&self, registro: Registro) -> OperatorState {
        self.operators.get(&registro).cloned().unwrap_or_default()
    }
}

/// Asserts a refusal with `rule_id`.
///
/// # Panics
/// When the result is not an error with that rule id.
#[track_caller]
pub fn assert_refused<T: std::fmt::Debug>(result: Result<T, DomainError>, rule_id: &str) {
    match result {
        Err(e) => assert_eq!(e.rule_id(), rule_id, "refused for another reason: {e}"),
        Ok(v) => panic!("expected refusal {rule_id}, got {v:?}"),
    }
}
