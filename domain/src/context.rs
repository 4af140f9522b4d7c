//! What a decision may know besides the state it decides on (docs/STYLE.md habit 2): the actor, the
//! legal date of the act, the rule book, and facts the application layer looked up beforehand —
//! other operators' standing, related cases, fresh ids for streams the decision opens.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use uuid::Uuid;

use crate::{Actor, CaseState, DomainError, OperadoraState, Registro, RuleBook};

/// Everything `decide_operator`/`decide_case`/`decide_parceiro` may consult.
#[derive(Debug, Clone)]
pub struct Context<'a> {
    pub actor: Actor,
    /// Legal date of the act (valid time): the decree, notification or registration date. The
    /// API passes the request's date, or the current date when the act is recorded on the day.
    pub today: NaiveDate,
    /// The case acted on (or the id chosen for the case an opening act creates).
    pub case_id: Option<Uuid>,
    /// The partner acted on (or the id chosen for the partner a registration creates).
    pub parceiro_id: Option<Uuid>,
    pub rules: &'a RuleBook,
    /// Standing of other operators the act names (the acquirer of a carteira).
    pub related_operators: BTreeMap<Registro, OperadoraState>,
    /// States of other cases the act names (the PAS a TCAC covers, the NIP or representação a PAS
    /// comes from); see `CaseCommand::related_case_ids`.
    pub related_cases: BTreeMap<Uuid, CaseState>,
    /// Fresh ids for cases a decision opens as a side effect (the asset freeze of a DF or LE);
    /// taken in order. Two are always enough.
    pub fresh_ids: Vec<Uuid>,
}

impl<'a> Context<'a> {
    /// A context with nothing looked up yet.
    pub fn new(actor: Actor, today: NaiveDate, rules: &'a RuleBook) -> Self {
        Context {
            actor,
            today,
            case_id: None,
            parceiro_id: None,
            rules,
            related_operators: BTreeMap::new(),
            related_cases: BTreeMap::new(),
            fresh_ids: Vec::new(),
        }
    }

    /// The same context acting on `case_id`.
    pub fn on_case(mut self, case_id: Uuid) -> Self {
        self.case_id = Some(case_id);
        self
    }

    /// The case id, required for case acts.
    ///
    /// # Errors
    /// `Invalid` when the application layer did not provide it.
    pub fn case_id(&self) -> Result<Uuid, DomainError> {
        self.case_id.ok_or_else(|| DomainError::invalid("case_id", "identificador do caso ausente"))
    }

    /// The same context acting on partner `parceiro_id`.
    pub fn on_parceiro(mut self, parceiro_id: Uuid) -> Self {
        self.parceiro_id = Some(parceiro_id);
        self
    }

    /// The partner id, required for partner acts.
    ///
    /// # Errors
    /// `Invalid` when the application layer did not provide it.
    pub fn parceiro_id(&self) -> Result<Uuid, DomainError> {
        self.parceiro_id.ok_or_else(|| DomainError::invalid("parceiro_id", "identificador do parceiro ausente"))
    }

    /// A related operator's state.
    ///
    /// # Errors
    /// `Invalid` when it was not looked up.
    pub fn related_operator(&self, registro: Registro) -> Result<&OperadoraState, DomainError> {
        self.related_operators.get(&registro).ok_or_else(|| {
            DomainError::invalid("registro", format!("situação da operadora {registro} não informada à decisão"))
        })
    }

    /// A related case's state.
    ///
    /// # Errors
    /// `Invalid` when it was not looked up.
    pub fn related_case(&self, id: Uuid) -> Result<&CaseState, DomainError> {
        self.related_cases
            .get(&id)
            .ok_or_else(|| DomainError::invalid("caso", format!("caso {id} não informado à decisão")))
    }

    /// The `n`-th fresh id.
    ///
    /// # Errors
    /// `Invalid` when too few were provided.
    pub fn fresh_id(&self, n: usize) -> Result<Uuid, DomainError> {
        self.fresh_ids.get(n).copied().ok_or_else(|| {
            DomainError::invalid("fresh_ids", "a decisão abre um novo caso e precisa de um identificador novo")
        })
    }
}
