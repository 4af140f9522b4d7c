//! The given/when/then harness of the domain tests (docs/STYLE.md habit 4). It owns [`World`] — the
//! operators, cases, partners and the programme folded from every accepted decision, decided the
//! way the application layer decides them: each decision sees every state the world knows and
//! gets deterministic fresh ids — the [`Act`] a test states, the [`Outcome`] it checks and the
//! [`Expect`]ed events it checks it against. No database, no clock.
//!
//! ```
//! use autos_domain::testing::{actor, d, operator_act, World};
//! use autos_domain::{Modalidade, NonEmptyText, OperatorCommand, OperatorEvent, Registro, Role};
//!
//! let registro = Registro::parse("326305").unwrap();
//! let register = OperatorCommand::RegistrarOperadora {
//!     registro,
//!     cnpj: None,
//!     razao_social: NonEmptyText::written("Operadora do Relatório"),
//!     modalidade: Modalidade::Filantropia,
//!     uf: None,
//!     registro_provisorio: false,
//!     regiao: None,
//!     municipio: None,
//!     referencia: None,
//! };
//! let authorise = OperatorCommand::ConcederAutorizacaoFuncionamento { documento: NonEmptyText::written("RO 1/2000") };
//! let admin = actor(Role::Administrador, &[]);
//! World::default()
//!     .given([operator_act(registro, admin.clone(), d(2000, 1, 3), register)])
//!     .when(operator_act(registro, admin, d(2000, 2, 1), authorise))
//!     .then_events([OperatorEvent::Autorizada {}])
//!     .then_operator(|op| assert!(op.registro == Some(registro)));
//! ```
//!
//! `given` acts must be accepted and are folded in. `when` decides one act, folds it in when it
//! is accepted, and returns an [`Outcome`]: [`Outcome::then_events`] compares the emitted events,
//! in order and with their streams, to typed domain values; [`Outcome::then_refused`] (a legal or
//! permission refusal, which must name its norm), [`Outcome::then_invalid`] and
//! [`Outcome::then_unconfigured`] check a refusal by its stable id; [`Outcome::then_state`] and
//! [`Outcome::then_operator`] look at the states after the decision. Failure messages list the
//! act and every emitted event.
//!
//! Norm *texts* (`Deadline::norm`, a discount's `norma`, the collective-effect `norma_…`) are
//! editorial and under revision, so `then_events` does not compare them: it requires them to be
//! present and compares every other fact exactly (state deadlines with [`deadline`]). Values a
//! test cannot state are matched by predicate ([`Expect::case_like`], [`Expect::operator_like`]);
//! ids the decision draws are known from [`Outcome::fresh_id`].

use std::collections::BTreeMap;
use std::fmt;

use chrono::NaiveDate;
use rust_decimal_macros::dec;
use serde_json::Value;
use uuid::Uuid;

use crate::case::{
    AlienationEvent, CancelEvent, DemandEvent, FreezeEvent, LeEvent, NipEvent, RegimeEvent, RepresentationEvent,
    SanctionEvent, SharedEvent, TcacEvent,
};
use crate::parceiro::programa::{decide_programa, ProgramaCommand, ProgramaEvent, ProgramaState};
use crate::rules::{CircumstanceKind, CircumstanceRule, PorteFactorBand, TcacBarStart};
use crate::stored::{decode, encode};
use crate::{
    decide_case, decide_operator, decide_parceiro, Actor, Calendar, CaseCommand, CaseEvent, CaseState, Context,
    Deadline, DomainError, DomainEvent, Emitted, OperadoraState, OperatorCommand, OperatorEvent, ParceiroCommand,
    ParceiroEvent, ParceiroState, Registro, Role, RuleBook, Setting, StreamRef,
};

/// Values for the `[UNCONF]` settings, for tests only — not confirmed law.
pub fn rule_book_configured_for_tests() -> RuleBook {
    let mut book = RuleBook::builtin();
    let configured = book.configure_from("seed-2000", |r| {
        let test = "configuração de teste";
        r.multa_fatores_porte = Setting::confirmed(
            vec![
                PorteFactorBand { max_beneficiaries: Some(20_000), factor: dec!(0.5) },
                PorteFactorBand { max_beneficiaries: None, factor: dec!(1) },
            ],
            test,
        );
        r.multa_circunstancias = Setting::confirmed(
            vec![CircumstanceRule {
                code: "reincidencia".into(),
                kind: CircumstanceKind::Agravante,
                percent: dec!(0.5),
            }],
            test,
        );
        r.tcac_vedacao_inicio = Setting::confirmed(TcacBarStart::DataDaDecisaoDicol, test);
    });
    debug_assert!(configured.is_ok());
    book
}

/// An actor with `role`, appointed to `cases` when an interventor.
pub fn actor(role: Role, cases: &[Uuid]) -> Actor {
    Actor { officer_id: format!("{}-1", role.as_str()), role, appointed_cases: cases.to_vec() }
}

/// A date, for tests.
pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or(NaiveDate::MIN)
}

/// An expected deadline: its facts, without the norm text (which `then_events` does not compare).
pub fn deadline(start: NaiveDate, length: u32, calendar: Calendar, due: NaiveDate) -> Deadline {
    Deadline { start, length, calendar, due, norm: String::new() }
}

/// What an act addresses and says.
#[derive(Debug, Clone)]
enum Command {
    /// `registro` is the operator the case act is decided against; `None` takes the one the
    /// command names or the case's.
    Case {
        case: Uuid,
        registro: Option<Registro>,
        command: CaseCommand,
    },
    Operator {
        registro: Registro,
        command: OperatorCommand,
    },
    Parceiro {
        parceiro: Uuid,
        command: ParceiroCommand,
    },
    Programa {
        command: ProgramaCommand,
    },
}

/// One act to decide: the command, who sends it and its legal date.
#[derive(Debug, Clone)]
pub struct Act {
    command: Command,
    actor: Actor,
    on: NaiveDate,
}

/// A case act, decided against the operator the command names (opening acts) or the case's.
pub fn case_act(case: Uuid, actor: Actor, on: NaiveDate, command: CaseCommand) -> Act {
    Act { command: Command::Case { case, registro: None, command }, actor, on }
}

/// An operator act.
pub fn operator_act(registro: Registro, actor: Actor, on: NaiveDate, command: OperatorCommand) -> Act {
    Act { command: Command::Operator { registro, command }, actor, on }
}

/// An act on a partner of the Parceiros da Cidadania programme.
pub fn parceiro_act(parceiro: Uuid, actor: Actor, on: NaiveDate, command: ParceiroCommand) -> Act {
    Act { command: Command::Parceiro { parceiro, command }, actor, on }
}

/// An act on the programme's stream.
pub fn programa_act(actor: Actor, on: NaiveDate, command: ProgramaCommand) -> Act {
    Act { command: Command::Programa { command }, actor, on }
}

impl fmt::Display for Act {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (name, stream) = match &self.command {
            Command::Case { case, command, .. } => (command.act(), StreamRef::Caso(*case)),
            Command::Operator { registro, command } => (command.act(), StreamRef::Operadora(*registro)),
            Command::Parceiro { parceiro, command } => (command.act(), StreamRef::Parceiro(*parceiro)),
            Command::Programa { command } => (command.act(), StreamRef::ProgramaParceiros),
        };
        write!(f, "{name} by {} on {} in {stream}", self.actor.role.as_str(), self.on)
    }
}

/// A decision as the world took it.
#[derive(Debug)]
struct Decision {
    result: Result<Vec<Emitted>, DomainError>,
    /// The operator the act was decided against.
    registro: Option<Registro>,
    /// The fresh ids the decision was handed, in order.
    fresh: Vec<Uuid>,
}

/// Operators, cases, partners and the programme folded from every accepted decision.
#[derive(Debug, Clone)]
pub struct World {
    pub rules: RuleBook,
    pub operators: BTreeMap<Registro, OperadoraState>,
    pub cases: BTreeMap<Uuid, CaseState>,
    pub parceiros: BTreeMap<Uuid, ParceiroState>,
    pub programa: ProgramaState,
    /// Every event accepted so far, in order.
    pub log: Vec<Emitted>,
    next_id: u128,
}

impl Default for World {
    fn default() -> Self {
        World::new(rule_book_configured_for_tests())
    }
}

impl World {
    /// An empty world with the given rules.
    pub fn new(rules: RuleBook) -> Self {
        World {
            rules,
            operators: BTreeMap::new(),
            cases: BTreeMap::new(),
            parceiros: BTreeMap::new(),
            programa: ProgramaState::default(),
            log: Vec::new(),
            next_id: 1,
        }
    }

    /// A deterministic fresh case id.
    pub fn new_case_id(&mut self) -> Uuid {
        self.next_id += 1;
        Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0000 | self.next_id)
    }

    /// Decides `act` against every state the world knows; folds nothing in.
    fn decide(&mut self, act: &Act) -> Decision {
        let fresh = vec![self.new_case_id(), self.new_case_id()];
        let mut ctx = Context::new(act.actor.clone(), act.on, &self.rules);
        ctx.related_operators = self.operators.clone();
        ctx.related_cases = self.cases.clone();
        ctx.fresh_ids = fresh.clone();
        let (result, registro) = match &act.command {
            Command::Operator { registro, command } => {
                let state = self.operators.get(registro).cloned().unwrap_or_default();
                (decide_operator(&state, command.clone(), &ctx), Some(*registro))
            }
            Command::Case { case, registro, command } => {
                let state = self.cases.get(case).cloned().unwrap_or_default();
                let registro = registro
                    .or_else(|| command.target_registro())
                    .or_else(|| state.abertura.as_ref().map(|a| a.registro));
                let op = registro.and_then(|r| self.operators.get(&r).cloned()).unwrap_or_default();
                (decide_case(&state, &op, command.clone(), &ctx.on_case(*case)), registro)
            }
            Command::Parceiro { parceiro, command } => {
                let state = self.parceiros.get(parceiro).cloned().unwrap_or_default();
                (decide_parceiro(&state, command.clone(), &ctx.on_parceiro(*parceiro)), None)
            }
            Command::Programa { command } => (decide_programa(&self.programa, command.clone(), &ctx), None),
        };
        Decision { result, registro, fresh }
    }

    /// Decides a case act against operator `registro`, without folding it in.
    ///
    /// # Errors
    /// The domain's refusal.
    pub fn when_case(
        &mut self,
        case_id: Uuid,
        registro: Registro,
        actor: Actor,
        on: NaiveDate,
        command: CaseCommand,
    ) -> Result<Vec<Emitted>, DomainError> {
        let act = Act { command: Command::Case { case: case_id, registro: Some(registro), command }, actor, on };
        self.decide(&act).result
    }

    /// Folds accepted events into the world.
    pub fn apply(&mut self, emitted: &[Emitted]) {
        for e in emitted {
            match (&e.stream, &e.event) {
                (StreamRef::Operadora(r), DomainEvent::Operator(ev)) => {
                    self.operators.entry(*r).or_default().evolve(ev)
                }
                (StreamRef::Caso(id), DomainEvent::Case(ev)) => self.cases.entry(*id).or_default().evolve(ev),
                (StreamRef::Parceiro(id), DomainEvent::Parceiro(ev)) => {
                    self.parceiros.entry(*id).or_default().evolve(ev)
                }
                (StreamRef::ProgramaParceiros, DomainEvent::Programa(ev)) => self.programa.evolve(ev),
                _ => {}
            }
            self.log.push(e.clone());
        }
    }

    /// Decides `act`, which must be accepted, and folds it in.
    ///
    /// # Panics
    /// When the act is refused — a `given` that fails is a broken test.
    #[track_caller]
    fn accept(&mut self, act: &Act) -> Vec<Emitted> {
        match self.decide(act).result {
            Ok(out) => {
                self.apply(&out);
                out
            }
            Err(e) => panic!("given {act} was refused [{}]: {e}", e.rule_id()),
        }
    }

    /// `given` acts: each must be accepted, and is folded in, in order.
    ///
    /// # Panics
    /// When an act is refused.
    #[track_caller]
    pub fn given(&mut self, acts: impl IntoIterator<Item = Act>) -> &mut Self {
        for act in acts {
            self.accept(&act);
        }
        self
    }

    /// A `given` operator act: must succeed, then is applied.
    ///
    /// # Panics
    /// When the act is refused.
    #[track_caller]
    pub fn given_operator(
        &mut self,
        registro: Registro,
        actor: Actor,
        on: NaiveDate,
        command: OperatorCommand,
    ) -> Vec<Emitted> {
        self.accept(&operator_act(registro, actor, on, command))
    }

    /// A `given` case act against operator `registro`: must succeed, then is applied.
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
        self.accept(&Act { command: Command::Case { case: case_id, registro: Some(registro), command }, actor, on })
    }

    /// The act under test: decided, folded in when accepted, and returned for checking.
    #[must_use = "check the outcome with its then_… methods"]
    pub fn when(&mut self, act: Act) -> Outcome<'_> {
        let decision = self.decide(&act);
        if let Ok(out) = &decision.result {
            self.apply(out);
        }
        Outcome { world: self, act, decision }
    }

    /// The state of a case.
    pub fn case(&self, id: Uuid) -> CaseState {
        self.cases.get(&id).cloned().unwrap_or_default()
    }

    /// The state of an operator.
    pub fn operator(&self, registro: Registro) -> OperadoraState {
        self.operators.get(&registro).cloned().unwrap_or_default()
    }

    /// The state of a partner.
    pub fn parceiro(&self, id: Uuid) -> ParceiroState {
        self.parceiros.get(&id).cloned().unwrap_or_default()
    }
}

/// How an expected event is recognised.
enum Matcher {
    /// These facts exactly, norm texts aside.
    Exact(DomainEvent),
    /// Any event the predicate accepts; `label` says what it looks for.
    Like { label: String, test: Box<dyn Fn(&DomainEvent) -> bool> },
}

/// Which aggregate an expected event belongs to, for its default stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Aggregate {
    Case,
    Operator,
    Parceiro,
    Programa,
}

impl Aggregate {
    fn of(event: &DomainEvent) -> Self {
        match event {
            DomainEvent::Case(_) => Aggregate::Case,
            DomainEvent::Operator(_) => Aggregate::Operator,
            DomainEvent::Parceiro(_) => Aggregate::Parceiro,
            DomainEvent::Programa(_) => Aggregate::Programa,
        }
    }
}

/// One expected event and the stream it goes to: by default a case event goes to the case acted
/// on, an operator event to the operator the act was decided against, a partner event to the
/// partner acted on and a programme event to the programme's stream; [`Expect::on`] names
/// another stream.
pub struct Expect {
    matcher: Matcher,
    stream: Option<StreamRef>,
    aggregate: Aggregate,
}

impl Expect {
    /// Exactly this event (norm texts aside).
    pub fn exact(event: DomainEvent) -> Self {
        let aggregate = Aggregate::of(&event);
        Expect { matcher: Matcher::Exact(event), stream: None, aggregate }
    }

    /// A case event the predicate accepts, for facts a test cannot state exactly.
    pub fn case_like(label: &str, test: impl Fn(&CaseEvent) -> bool + 'static) -> Self {
        let test = move |e: &DomainEvent| matches!(e, DomainEvent::Case(c) if test(c));
        Expect {
            matcher: Matcher::Like { label: label.to_owned(), test: Box::new(test) },
            stream: None,
            aggregate: Aggregate::Case,
        }
    }

    /// An operator event the predicate accepts.
    pub fn operator_like(label: &str, test: impl Fn(&OperatorEvent) -> bool + 'static) -> Self {
        let test = move |e: &DomainEvent| matches!(e, DomainEvent::Operator(o) if test(o));
        Expect {
            matcher: Matcher::Like { label: label.to_owned(), test: Box::new(test) },
            stream: None,
            aggregate: Aggregate::Operator,
        }
    }

    /// The same expectation on `stream` (a case the decision opened, another operator).
    pub fn on(self, stream: StreamRef) -> Self {
        Expect { stream: Some(stream), ..self }
    }

    fn matches(&self, actual: &DomainEvent) -> bool {
        match &self.matcher {
            Matcher::Exact(expected) => comparable(expected) == comparable(actual),
            Matcher::Like { test, .. } => test(actual),
        }
    }
}

impl fmt::Debug for Expect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.matcher {
            Matcher::Exact(e) => write!(f, "{e:?}"),
            Matcher::Like { label, .. } => write!(f, "like {label:?}"),
        }
    }
}

impl From<DomainEvent> for Expect {
    fn from(event: DomainEvent) -> Self {
        Expect::exact(event)
    }
}

impl From<CaseEvent> for Expect {
    fn from(event: CaseEvent) -> Self {
        Expect::exact(DomainEvent::Case(event))
    }
}

impl From<OperatorEvent> for Expect {
    fn from(event: OperatorEvent) -> Self {
        Expect::exact(DomainEvent::Operator(event))
    }
}

impl From<ParceiroEvent> for Expect {
    fn from(event: ParceiroEvent) -> Self {
        Expect::exact(DomainEvent::Parceiro(event))
    }
}

impl From<ProgramaEvent> for Expect {
    fn from(event: ProgramaEvent) -> Self {
        Expect::exact(DomainEvent::Programa(event))
    }
}

macro_rules! family_events {
    ($($event:ty => $variant:ident),* $(,)?) => {$(
        impl From<$event> for Expect {
            fn from(event: $event) -> Self {
                Expect::exact(DomainEvent::Case(CaseEvent::$variant(event)))
            }
        }
    )*};
}

family_events!(
    SharedEvent => Shared,
    RegimeEvent => Regime,
    FreezeEvent => Indisponibilidade,
    LeEvent => Liquidacao,
    CancelEvent => Cancelamento,
    TcacEvent => Tcac,
    RepresentationEvent => Representacao,
    DemandEvent => Demanda,
    SanctionEvent => Sancionador,
    AlienationEvent => Alienacao,
    NipEvent => Nip,
);

/// Whether a payload key holds a norm text.
fn is_norm_key(key: &str) -> bool {
    key == "norm" || key.starts_with("norma")
}

/// Blanks every norm text; returns the paths of those that were empty.
fn blank_norms(value: &mut Value, path: &str, empty: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                let here = format!("{path}.{key}");
                if is_norm_key(key) {
                    if v.as_str().is_none_or(|s| s.trim().is_empty()) {
                        empty.push(here);
                    }
                    *v = Value::String(String::new());
                } else {
                    blank_norms(v, &here, empty);
                }
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter_mut().enumerate() {
                blank_norms(v, &format!("{path}[{i}]"), empty);
            }
        }
        _ => {}
    }
}

/// The event with its norm texts blanked, through the stored schema (so amounts compare as
/// numbers), and the paths of norm texts it lacked.
fn comparable_with_gaps(event: &DomainEvent) -> (Result<DomainEvent, DomainError>, Vec<String>) {
    let mut encoded = encode(event);
    let mut empty = Vec::new();
    blank_norms(&mut encoded.payload, &encoded.event_type, &mut empty);
    (decode(&encoded), empty)
}

fn comparable(event: &DomainEvent) -> Result<DomainEvent, DomainError> {
    comparable_with_gaps(event).0
}

fn listing(events: &[Emitted]) -> String {
    if events.is_empty() {
        return "  (none)".into();
    }
    let lines: Vec<String> = events
        .iter()
        .enumerate()
        .map(|(i, e)| format!("  [{i}] {} {:?}  — {}", e.stream, e.event, e.legal_basis))
        .collect();
    lines.join("\n")
}

/// A decision of [`World::when`], to check; each check returns the outcome for the next one.
pub struct Outcome<'w> {
    world: &'w mut World,
    act: Act,
    decision: Decision,
}

impl Outcome<'_> {
    /// The `n`-th fresh id the decision was handed (the id of a case it opened on the side).
    ///
    /// # Panics
    /// When the world hands fewer ids.
    #[track_caller]
    pub fn fresh_id(&self, n: usize) -> Uuid {
        match self.decision.fresh.get(n) {
            Some(id) => *id,
            None => panic!("the world hands {} fresh ids per decision", self.decision.fresh.len()),
        }
    }

    /// The emitted events, for checks the typed expectations cannot make (the stored payload).
    ///
    /// # Panics
    /// When the act was refused.
    #[track_caller]
    pub fn events(&self) -> &[Emitted] {
        match &self.decision.result {
            Ok(out) => out,
            Err(e) => panic!("{} was refused [{}]: {e}", self.act, e.rule_id()),
        }
    }

    /// The stream an expectation addresses.
    fn stream_of(&self, expect: &Expect) -> Option<StreamRef> {
        expect.stream.or(match (&self.act.command, expect.aggregate) {
            (Command::Case { case, .. }, Aggregate::Case) => Some(StreamRef::Caso(*case)),
            (_, Aggregate::Operator) => self.decision.registro.map(StreamRef::Operadora),
            (Command::Parceiro { parceiro, .. }, Aggregate::Parceiro) => Some(StreamRef::Parceiro(*parceiro)),
            (_, Aggregate::Programa) => Some(StreamRef::ProgramaParceiros),
            (_, Aggregate::Case | Aggregate::Parceiro) => None,
        })
    }

    /// Checks the emitted events, in order, against `expected`; each event must also be dated on
    /// the act's legal date and name its legal basis and the norm of every deadline it opens.
    ///
    /// # Panics
    /// When the act was refused or the events differ.
    #[track_caller]
    pub fn then_events<I>(self, expected: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<Expect>,
    {
        let expected: Vec<Expect> = expected.into_iter().map(Into::into).collect();
        let emitted = self.events();
        let report = |problem: String| -> String {
            format!(
                "{}: {problem}\nexpected {} event(s):\n{}\nemitted {} event(s):\n{}",
                self.act,
                expected.len(),
                expected
                    .iter()
                    .enumerate()
                    .map(|(i, e)| {
                        let stream = self.stream_of(e).map_or_else(|| "(any stream)".to_owned(), |s| s.to_string());
                        format!("  [{i}] {stream} {e:?}")
                    })
                    .collect::<Vec<_>>()
                    .join("\n"),
                emitted.len(),
                listing(emitted)
            )
        };
        if emitted.len() != expected.len() {
            panic!("{}", report("another number of events".into()));
        }
        for (i, (actual, expect)) in emitted.iter().zip(&expected).enumerate() {
            let (decoded, missing) = comparable_with_gaps(&actual.event);
            if let Err(e) = decoded {
                panic!("{}", report(format!("event [{i}] does not survive the stored schema: {e}")));
            }
            if !missing.is_empty() {
                panic!("{}", report(format!("event [{i}] names no norm at {}", missing.join(", "))));
            }
            if actual.legal_basis.trim().is_empty() {
                panic!("{}", report(format!("event [{i}] names no legal basis")));
            }
            if actual.occurred_on != self.act.on {
                panic!("{}", report(format!("event [{i}] is dated {}", actual.occurred_on)));
            }
            if let Some(stream) = self.stream_of(expect).filter(|s| *s != actual.stream) {
                panic!("{}", report(format!("event [{i}] went to {} instead of {stream}", actual.stream)));
            }
            if !expect.matches(&actual.event) {
                panic!("{}", report(format!("event [{i}] differs")));
            }
        }
        self
    }

    /// The refusal, which the test expects.
    #[track_caller]
    fn refusal(&self, expected: &str) -> &DomainError {
        match &self.decision.result {
            Err(e) => e,
            Ok(out) => panic!("{}: expected refusal {expected}, but it was accepted:\n{}", self.act, listing(out)),
        }
    }

    /// Checks a legal or permission refusal with `rule_id`, which names the norm it rests on.
    ///
    /// # Panics
    /// When the act was accepted or refused otherwise.
    #[track_caller]
    pub fn then_refused(self, rule_id: &str) -> Self {
        let e = self.refusal(rule_id);
        assert!(
            matches!(e, DomainError::Rule { .. } | DomainError::Forbidden { .. }),
            "{}: expected refusal {rule_id}, got {e:?}",
            self.act
        );
        assert_eq!(e.rule_id(), rule_id, "{}: refused for another reason: {e}", self.act);
        assert!(e.norm().is_some_and(|n| !n.trim().is_empty()), "{}: refusal {rule_id} names no norm", self.act);
        self
    }

    /// Checks an input refusal on `field`.
    ///
    /// # Panics
    /// When the act was accepted or refused otherwise.
    #[track_caller]
    pub fn then_invalid(self, field: &str) -> Self {
        let e = self.refusal(&format!("invalid.{field}"));
        assert!(
            matches!(e, DomainError::Invalid { field: f, .. } if f == field),
            "{}: expected invalid {field}, got {e:?}",
            self.act
        );
        self
    }

    /// Checks a refusal for want of the `[UNCONF]` setting `setting`.
    ///
    /// # Panics
    /// When the act was accepted or refused otherwise.
    #[track_caller]
    pub fn then_unconfigured(self, setting: &str) -> Self {
        let e = self.refusal(&format!("config.{setting}"));
        assert!(
            matches!(e, DomainError::Unconfigured { setting: s, .. } if s == setting),
            "{}: expected unconfigured {setting}, got {e:?}",
            self.act
        );
        self
    }

    /// Looks at the case acted on, after the decision.
    ///
    /// # Panics
    /// For an operator act.
    #[track_caller]
    pub fn then_state(self, check: impl FnOnce(&CaseState)) -> Self {
        let Command::Case { case, .. } = &self.act.command else {
            panic!("{}: an operator act has no case state; use then_operator", self.act)
        };
        check(&self.world.case(*case));
        self
    }

    /// Looks at the partner acted on, after the decision.
    ///
    /// # Panics
    /// For an act on another stream.
    #[track_caller]
    pub fn then_parceiro(self, check: impl FnOnce(&ParceiroState)) -> Self {
        let Command::Parceiro { parceiro, .. } = &self.act.command else {
            panic!("{}: the act is on no partner", self.act)
        };
        check(&self.world.parceiro(*parceiro));
        self
    }

    /// Looks at the programme's state, after the decision.
    pub fn then_programa(self, check: impl FnOnce(&ProgramaState)) -> Self {
        check(&self.world.programa);
        self
    }

    /// Looks at the operator the act was decided against, after the decision.
    ///
    /// # Panics
    /// When the act named no operator.
    #[track_caller]
    pub fn then_operator(self, check: impl FnOnce(&OperadoraState)) -> Self {
        let Some(registro) = self.decision.registro else { panic!("{}: the act names no operator", self.act) };
        check(&self.world.operator(registro));
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operator::SituacaoRegistro;
    use crate::{Modalidade, NonEmptyText};

    fn registro() -> Registro {
        Registro::parse("326305").unwrap()
    }

    fn admin() -> Actor {
        actor(Role::Administrador, &[])
    }

    fn register() -> OperatorCommand {
        OperatorCommand::RegistrarOperadora {
            registro: registro(),
            cnpj: None,
            razao_social: NonEmptyText::written("Operadora do Relatório"),
            modalidade: Modalidade::Filantropia,
            uf: None,
            registro_provisorio: false,
            regiao: None,
            municipio: None,
            referencia: None,
        }
    }

    fn authorise() -> Act {
        let command =
            OperatorCommand::ConcederAutorizacaoFuncionamento { documento: NonEmptyText::written("RO 1/2000") };
        operator_act(registro(), admin(), d(2000, 2, 1), command)
    }

    fn registered() -> World {
        let mut world = World::default();
        world.given([operator_act(registro(), admin(), d(2000, 1, 3), register())]);
        world
    }

    #[test]
    fn an_accepted_act_is_checked_by_its_events_and_folded_in() {
        let mut world = registered();
        world
            .when(authorise())
            .then_events([OperatorEvent::Autorizada {}])
            .then_operator(|op| assert_eq!(op.situacao_registro, SituacaoRegistro::Autorizada));
        assert_eq!(world.log.len(), 2);
    }

    #[test]
    #[should_panic(expected = "event [0] differs")]
    fn another_event_fails_the_check() {
        registered().when(authorise()).then_events([OperatorEvent::ComercializacaoRestabelecida {}]);
    }

    #[test]
    #[should_panic(expected = "another number of events")]
    fn a_missing_event_fails_the_check() {
        registered().when(authorise()).then_events(Vec::<Expect>::new());
    }

    #[test]
    #[should_panic(expected = "instead of operadora-005711")]
    fn an_event_on_another_stream_fails_the_check() {
        let other = StreamRef::Operadora(Registro::parse("005711").unwrap());
        registered().when(authorise()).then_events([Expect::from(OperatorEvent::Autorizada {}).on(other)]);
    }

    #[test]
    #[should_panic(expected = "unmet predicate")]
    fn a_predicate_that_rejects_the_event_fails_the_check() {
        registered()
            .when(authorise())
            .then_events([Expect::operator_like("unmet predicate", |e| matches!(e, OperatorEvent::Registrada { .. }))]);
    }

    #[test]
    fn a_refusal_is_checked_by_its_rule_id_and_norm() {
        let mut world = registered();
        world.given([authorise()]);
        world.when(authorise()).then_refused("operadora.ja_autorizada");
    }

    #[test]
    #[should_panic(expected = "refused for another reason")]
    fn a_refusal_for_another_rule_fails_the_check() {
        let mut world = registered();
        world.given([authorise()]);
        world.when(authorise()).then_refused("operadora.ja_registrada");
    }

    #[test]
    #[should_panic(expected = "but it was accepted")]
    fn an_accepted_act_fails_a_refusal_check() {
        registered().when(authorise()).then_refused("operadora.ja_autorizada");
    }

    #[test]
    #[should_panic(expected = "expected invalid")]
    fn a_legal_refusal_is_not_an_input_error() {
        let mut world = registered();
        world.given([authorise()]);
        world.when(authorise()).then_invalid("documento");
    }

    #[test]
    #[should_panic(expected = "was refused")]
    fn a_refused_given_breaks_the_test() {
        World::default().given([authorise()]);
    }

    #[test]
    fn events_compare_by_their_facts_with_norm_texts_aside_but_present() {
        let caso = Uuid::from_u128(1);
        let with = |due, norm: &str| {
            let prazo = Deadline { norm: norm.into(), ..deadline(d(2019, 2, 4), 60, Calendar::Corridos, due) };
            DomainEvent::Operator(OperatorEvent::PortabilidadeEspecialDecretada { caso, prazo })
        };
        let stated = with(d(2019, 4, 5), "");
        assert_eq!(comparable(&stated), comparable(&with(d(2019, 4, 5), "RN 438/2018")));
        assert_ne!(comparable(&stated), comparable(&with(d(2019, 4, 8), "RN 438/2018")));
        assert_eq!(comparable_with_gaps(&stated).1, ["operadora.portabilidade_especial_decretada.prazo.norm"]);
        assert!(comparable_with_gaps(&with(d(2019, 4, 5), "RN 438/2018")).1.is_empty());
    }
}
