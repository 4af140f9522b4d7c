//! The application service: the one path by which a command becomes events, used by the HTTP
//! API, the importer and the demo alike. It loads the streams the command needs, folds them with
//! the domain's `evolve`, asks the domain to decide, and appends every resulting event — to one
//! or several streams — atomically with the versions it read. A conflict on a version the client
//! pinned is returned (409); otherwise the command is retried on fresh state a bounded number of
//! times, so two officers acting at once never overwrite each other silently. Bulk loads (the
//! demonstration history) take the same decisions through `operator_commands` and
//! `open_cases`, which append many acts in one transaction, each with its own provenance.
//!
//! Acts decided on one stream alone — operator registry acts and the Parceiros da Cidadania
//! acts on a partner or on the programme — share one path (`on_one_stream`).
//!
//! A service [`Service::keyed`] to a request's idempotency [`Seed`] appends the act's events
//! with ids derived from the seed, and answers an act the seed's request already appended
//! from the log instead of deciding it again (`crate::idempotency` says why).

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex, PoisonError};

use autos_domain::case::DeadlineKey;
use autos_domain::parceiro::programa::{decide_programa, ProgramaCommand, ProgramaState};
use autos_domain::stored::decode_text;
use autos_domain::{
    decide_case, decide_operator, decide_parceiro, ActInfo, Actor, CaseCommand, CaseState, Context, DomainError,
    DomainEvent, Emitted, OperadoraState, OperatorCommand, ParceiroCommand, ParceiroState, Registro, RuleBook,
    StreamRef,
};
use autos_store::{on_db, AppendBatch, EventStore, ExpectedVersion, Provenance, StoreError};
use chrono::NaiveDate;
use serde::Serialize;
use uuid::Uuid;

use crate::idempotency::Seed;
use crate::AppError;

/// Attempts on fresh state when the client pinned no version.
const MAX_ATTEMPTS: usize = 5;

/// Who asks, why, and on which legal date.
#[derive(Debug, Clone)]
pub struct Request {
    pub actor: Actor,
    pub actor_id: Uuid,
    /// The legal date of the act (valid time).
    pub occurred_on: NaiveDate,
    pub correlation_id: Option<Uuid>,
}

/// What an accepted command appended.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    /// The case the command acted on or opened.
    pub case_id: Option<Uuid>,
    pub events: Vec<AppendedEvent>,
    /// Each touched stream's version after the append.
    pub stream_versions: BTreeMap<String, i64>,
}

/// One appended event, as answered to the client.
#[derive(Debug, Clone, Serialize)]
pub struct AppendedEvent {
    pub position: i64,
    pub stream_id: String,
    pub event_type: String,
}

/// A stream folded into its state, with the version it was read at.
#[derive(Clone)]
struct Folded<S> {
    state: S,
    version: i64,
    /// The legal date of the stream's first event (a case's opening act).
    opened_on: Option<NaiveDate>,
}

/// The norm of the acts' dates: the act states its date, and the process moves forward in time.
const NORM_ACT_DATE: &str = "Lei 9.784/1999 arts. 22 e 69";

/// The first day an act of the regulation of health plans can bear: Lei 9.656 of 3 June 1998.
pub const FIRST_ACT_DATE: NaiveDate = match NaiveDate::from_ymd_opt(1998, 6, 3) {
    Some(day) => day,
    None => panic!("a valid date"),
};

/// Refuses an act dated after today — a legal date is the day the act happened, never one to
/// come — or before the law the acts of the regulated market derive from (a year typed wrong).
///
/// # Errors
/// `Domain` with `ato.data_futura` or `ato.data_anterior_a_lei`.
fn refuse_date_out_of_range(request: &Request) -> Result<(), AppError> {
    let today = chrono::Local::now().date_naive();
    if request.occurred_on > today {
        return Err(DomainError::rule(
            "ato.data_futura",
            NORM_ACT_DATE,
            format!(
                "a data do ato ({}) é posterior a hoje ({}); registre o ato na data em que foi praticado",
                request.occurred_on.format("%d/%m/%Y"),
                today.format("%d/%m/%Y")
            ),
        )
        .into());
    }
    if request.occurred_on < FIRST_ACT_DATE {
        return Err(DomainError::rule(
            "ato.data_anterior_a_lei",
            "Lei 9.656/1998",
            format!(
                "a data do ato ({}) é anterior à Lei 9.656/1998 ({}), de que derivam os atos da regulação dos planos de saúde",
                request.occurred_on.format("%d/%m/%Y"),
                FIRST_ACT_DATE.format("%d/%m/%Y")
            ),
        )
        .into());
    }
    Ok(())
}

/// Refuses an act dated before the opening of its case.
///
/// # Errors
/// `Domain` with `ato.data_anterior_a_abertura`.
fn refuse_act_before_opening(case: &Folded<CaseState>, request: &Request) -> Result<(), AppError> {
    match case.opened_on.filter(|d| request.occurred_on < *d) {
        Some(opened_on) => Err(DomainError::rule(
            "ato.data_anterior_a_abertura",
            NORM_ACT_DATE,
            format!(
                "a data do ato ({}) é anterior à abertura do caso ({})",
                request.occurred_on.format("%d/%m/%Y"),
                opened_on.format("%d/%m/%Y")
            ),
        )
        .into()),
        None => Ok(()),
    }
}

/// The operator a case act is about: the case's, or for an opening act the one it names.
///
/// # Errors
/// `InvalidInput` for an act on a case not yet opened that names no operator.
fn case_registro(case: &Folded<CaseState>, command: &CaseCommand) -> Result<Registro, AppError> {
    match (case.state.abertura.as_ref(), command.target_registro()) {
        (Some(abertura), _) => Ok(abertura.registro),
        (None, Some(registro)) => Ok(registro),
        (None, None) => Err(AppError::InvalidInput(format!(
            "o ato {} não abre caso de uma operadora: a abertura deve indicar o registro da operadora",
            command.act()
        ))),
    }
}

/// Where a bulk call finds the cases its acts are on.
#[derive(Clone, Copy)]
enum CasesRead {
    /// Every case is new (a case that exists is a version conflict).
    NoneYet,
    /// Each case as the log holds it, or new when it has no events.
    FromTheLog,
}

/// Loads, decides and appends.
#[derive(Clone)]
pub struct Service {
    store: Arc<dyn EventStore>,
    rules: Arc<RuleBook>,
    /// `rules` with a placeholder for every deadline awaiting confirmation (see
    /// [`Service::unconfirmed_deadlines`]); never used to decide a real act.
    placeholder_rules: Arc<RuleBook>,
    /// The idempotency seed of the one request this service acts for.
    seed: Option<Seed>,
    /// Every operator folded so far, at the version it was read at: the next load reads only
    /// the events after it (a stream only grows, so that fold is the operator's state). A
    /// service and its keyed copies share it.
    operators: Arc<Mutex<HashMap<Registro, Folded<OperadoraState>>>>,
}

fn decode_stored(stored: &autos_store::StoredEvent) -> Result<DomainEvent, AppError> {
    Ok(decode_text(&stored.event_type, stored.schema_version, &stored.payload)?)
}

impl Service {
    pub fn new(store: Arc<dyn EventStore>, rules: Arc<RuleBook>) -> Self {
        let placeholder_rules = Arc::new(rules.with_placeholder_deadlines());
        Service { store, rules, placeholder_rules, seed: None, operators: Arc::default() }
    }

    /// This service acting for the request `seed` identifies, when it has one: the single acts
    /// ([`Service::operator_command`], [`Service::case_command`], [`Service::parceiro_command`],
    /// [`Service::programa_command`]) then append with event ids
    /// derived from the seed, and answer an act already appended under it from the log. Bulk
    /// calls ignore the seed.
    pub fn keyed(&self, seed: Option<Seed>) -> Service {
        Service { seed, ..self.clone() }
    }

    pub fn store(&self) -> &Arc<dyn EventStore> {
        &self.store
    }

    pub fn rules(&self) -> &RuleBook {
        &self.rules
    }

    /// Folds one stream with `apply`, remembering the version read.
    async fn fold<S: Default>(
        &self,
        stream: StreamRef,
        apply: impl Fn(&mut S, DomainEvent),
    ) -> Result<Folded<S>, AppError> {
        let mut folded = Folded { state: S::default(), version: 0, opened_on: None };
        for stored in self.store.read_stream(&stream.to_string(), 1).await? {
            apply(&mut folded.state, decode_stored(&stored)?);
            folded.version = stored.stream_version;
            folded.opened_on.get_or_insert(stored.occurred_on);
        }
        Ok(folded)
    }

    /// The operator's state: the fold kept from an earlier load, moved past the events
    /// appended since.
    async fn operator(&self, registro: Registro) -> Result<Folded<OperadoraState>, AppError> {
        let kept = self.operators.lock().unwrap_or_else(PoisonError::into_inner).get(&registro).cloned();
        let mut folded = kept.unwrap_or(Folded { state: OperadoraState::default(), version: 0, opened_on: None });
        let stream = StreamRef::Operadora(registro).to_string();
        for stored in self.store.read_stream(&stream, folded.version + 1).await? {
            evolve_operator(&mut folded.state, decode_stored(&stored)?);
            folded.version = stored.stream_version;
            folded.opened_on.get_or_insert(stored.occurred_on);
        }
        if folded.version > 0 {
            let mut kept = self.operators.lock().unwrap_or_else(PoisonError::into_inner);
            if kept.get(&registro).is_none_or(|k| k.version < folded.version) {
                kept.insert(registro, folded.clone());
            }
        }
        Ok(folded)
    }

    async fn case(&self, case_id: Uuid) -> Result<Folded<CaseState>, AppError> {
        self.fold(StreamRef::Caso(case_id), evolve_case).await
    }

    /// The current state of an operator, folded from its stream (None when it has no events).
    ///
    /// # Errors
    /// `Store` on database faults.
    pub async fn operator_state(&self, registro: Registro) -> Result<Option<(OperadoraState, i64)>, AppError> {
        let folded = self.operator(registro).await?;
        Ok((folded.version > 0).then_some((folded.state, folded.version)))
    }

    /// The current state of a case (None when it has no events).
    ///
    /// # Errors
    /// `Store` on database faults.
    pub async fn case_state(&self, case_id: Uuid) -> Result<Option<(CaseState, i64)>, AppError> {
        let folded = self.case(case_id).await?;
        Ok((folded.version > 0).then_some((folded.state, folded.version)))
    }

    /// Which of `case_ids` name cases that exist (bulk imports, to skip what an earlier run
    /// recorded without reading each case).
    ///
    /// # Errors
    /// `Store` on database faults.
    pub async fn existing_cases(&self, case_ids: &[Uuid]) -> Result<HashSet<Uuid>, AppError> {
        let streams: Vec<String> = case_ids.iter().map(|id| StreamRef::Caso(*id).to_string()).collect();
        let found = self.store.existing_streams(&streams).await?;
        Ok(case_ids.iter().zip(&streams).filter(|(_, stream)| found.contains(*stream)).map(|(id, _)| *id).collect())
    }

    /// The follow-up acts the request's actor may perform on the case in its current phase
    /// (`autos_domain::forms::offered`), for the pages to offer only those.
    ///
    /// # Errors
    /// `NotFound` for an unknown case; `Store` on database faults.
    pub async fn acts_offered(&self, case_id: Uuid, request: &Request) -> Result<Vec<&'static ActInfo>, AppError> {
        let case = self.case(case_id).await?;
        let Some(abertura) = case.state.abertura.as_ref().filter(|_| case.version > 0) else {
            return Err(AppError::NotFound(format!("caso {case_id}")));
        };
        let operator = self.operator(abertura.registro).await?;
        let mut ctx = self.context(request).on_case(case_id);
        ctx.fresh_ids = vec![Uuid::now_v7(), Uuid::now_v7()];
        Ok(autos_domain::forms::offered(&case.state, &operator.state, &ctx))
    }

    /// The deadlines `act` would open (on `case_id`, or on the case it opens for `registro`)
    /// if the rule book confirmed their lengths: the act opens none of them today.
    ///
    /// # Errors
    /// `NotFound` for an unknown case; `Store` on database faults.
    pub async fn unconfirmed_deadlines(
        &self,
        act: &str,
        case_id: Option<Uuid>,
        registro: Option<Registro>,
        request: &Request,
    ) -> Result<Vec<DeadlineKey>, AppError> {
        let (case, registro, id) = match case_id {
            Some(id) => {
                let case = self.case(id).await?;
                let registro = case.state.abertura.as_ref().map(|a| a.registro);
                (case.state, registro, id)
            }
            None => (CaseState::default(), registro, Uuid::now_v7()),
        };
        let Some(registro) = registro else { return Ok(Vec::new()) };
        let operator = self.operator(registro).await?;
        let mut ctx = self.context(request).on_case(id);
        ctx.fresh_ids = vec![Uuid::now_v7(), Uuid::now_v7()];
        Ok(autos_domain::forms::unconfirmed_deadlines(act, &case, &operator.state, &ctx, &self.placeholder_rules))
    }

    fn context(&self, request: &Request) -> Context<'_> {
        Context::new(request.actor.clone(), request.occurred_on, &self.rules)
    }

    /// An operator registry act (registration, cadastral change, administrators, beneficiaries).
    ///
    /// # Errors
    /// `Domain` when refused, `Store` on conflicts after the retries or database faults.
    pub async fn operator_command(
        &self,
        registro: Registro,
        command: OperatorCommand,
        request: &Request,
    ) -> Result<Outcome, AppError> {
        refuse_date_out_of_range(request)?;
        let outcome = self.once(self.decide_operator_command(registro, command, request)).await?;
        Ok(Outcome { case_id: None, ..outcome })
    }

    /// Decides and appends an operator registry act (see [`Service::operator_command`]).
    async fn decide_operator_command(
        &self,
        registro: Registro,
        command: OperatorCommand,
        request: &Request,
    ) -> Result<Outcome, AppError> {
        let stream = StreamRef::Operadora(registro);
        self.on_one_stream(stream, None, request, &command, evolve_operator, |state, command| {
            decide_operator(state, command, &self.context(request))
        })
        .await
    }

    /// The one path of the acts decided on a single stream (operator registry acts, the
    /// Parceiros da Cidadania acts): folds the stream with `evolve`, checks the `pinned` version
    /// (a mismatch is a conflict returned as is), has `decide` decide `command` on the state, and
    /// appends with the version read — retried on fresh state after a conflict when nothing was
    /// pinned.
    async fn on_one_stream<S, C>(
        &self,
        stream: StreamRef,
        pinned: Option<i64>,
        request: &Request,
        command: &C,
        evolve: fn(&mut S, DomainEvent),
        decide: impl Fn(&S, C) -> Result<Vec<Emitted>, DomainError>,
    ) -> Result<Outcome, AppError>
    where
        S: Default,
        C: Clone + Serialize,
    {
        let command_json = serde_json::to_value(command).map_err(|e| AppError::InvalidInput(e.to_string()))?;
        let (command_json, decide) = (&command_json, &decide);
        retrying(pinned.is_none(), move || async move {
            let folded = self.fold(stream, evolve).await?;
            if let Some(p) = pinned.filter(|p| *p != folded.version) {
                return Err(StoreError::Conflict {
                    stream: stream.to_string(),
                    expected: p.to_string(),
                    actual: folded.version,
                }
                .into());
            }
            let emitted = decide(&folded.state, command.clone())?;
            self.append(emitted, &BTreeMap::from([(stream, folded.version)]), request, command_json).await
        })
        .await
    }

    /// An act on a partner of the Parceiros da Cidadania programme (its registration included);
    /// `pinned` is the partner's stream version the client saw.
    ///
    /// # Errors
    /// `Domain` when refused, `Store` on conflicts or database faults.
    pub async fn parceiro_command(
        &self,
        parceiro_id: Uuid,
        command: ParceiroCommand,
        pinned: Option<i64>,
        request: &Request,
    ) -> Result<Outcome, AppError> {
        refuse_date_out_of_range(request)?;
        let stream = StreamRef::Parceiro(parceiro_id);
        let act = self.on_one_stream(stream, pinned, request, &command, evolve_parceiro, |state, command| {
            decide_parceiro(state, command, &self.context(request).on_parceiro(parceiro_id))
        });
        self.once(act).await
    }

    /// An act on the programme's stream (the bulletin items of a quarter).
    ///
    /// # Errors
    /// `Domain` when refused, `Store` on conflicts after the retries or database faults.
    pub async fn programa_command(&self, command: ProgramaCommand, request: &Request) -> Result<Outcome, AppError> {
        refuse_date_out_of_range(request)?;
        let stream = StreamRef::ProgramaParceiros;
        let act = self.on_one_stream(stream, None, request, &command, evolve_programa, |state, command| {
            decide_programa(state, command, &self.context(request))
        });
        self.once(act).await
    }

    /// The current state of a partner (None when it has no events), with its version.
    ///
    /// # Errors
    /// `Store` on database faults.
    pub async fn parceiro_state(&self, parceiro_id: Uuid) -> Result<Option<(ParceiroState, i64)>, AppError> {
        let folded = self.fold(StreamRef::Parceiro(parceiro_id), evolve_parceiro).await?;
        Ok((folded.version > 0).then_some((folded.state, folded.version)))
    }

    /// The programme's curated bulletin items, folded from its stream.
    ///
    /// # Errors
    /// `Store` on database faults.
    pub async fn programa_state(&self) -> Result<ProgramaState, AppError> {
        Ok(self.fold(StreamRef::ProgramaParceiros, evolve_programa).await?.state)
    }

    /// Operator registry acts, many at once, for bulk loads where one commit per act would
    /// dominate: each act is decided against its operator's state, folded once per call and
    /// carried forward by the events of the earlier acts of the call, and every act's events
    /// are appended in one transaction, each act with its own provenance. On a version
    /// conflict the whole call is decided again on fresh state.
    ///
    /// # Errors
    /// `Domain` for the first refused act (then nothing is appended); `Store` on conflicts
    /// after the retries or database faults.
    pub async fn operator_commands(
        &self,
        acts: &[(Registro, OperatorCommand, Request)],
    ) -> Result<Vec<Outcome>, AppError> {
        retrying(true, move || async move {
            let mut operators: BTreeMap<Registro, Folded<OperadoraState>> = BTreeMap::new();
            let mut pending = Pending::default();
            for (registro, command, request) in acts {
                refuse_date_out_of_range(request)?;
                let operator = match operators.entry(*registro) {
                    Entry::Occupied(slot) => slot.into_mut(),
                    Entry::Vacant(slot) => slot.insert(self.operator(*registro).await?),
                };
                let emitted = decide_operator(&operator.state, command.clone(), &self.context(request))?;
                let versions = BTreeMap::from([(StreamRef::Operadora(*registro), operator.version)]);
                carry_forward(
                    operator,
                    StreamRef::Operadora(*registro),
                    request.occurred_on,
                    &emitted,
                    evolve_operator,
                );
                let command_json = serde_json::to_value(command).map_err(|e| AppError::InvalidInput(e.to_string()))?;
                pending.push(None, self.batch(emitted, &versions, request, &command_json, None).await?);
            }
            pending.append(self).await
        })
        .await
    }

    /// A case act: opens a case (`case_id` None) or acts on one. `pinned` is the case version
    /// the client saw; a mismatch is a conflict returned as is.
    ///
    /// # Errors
    /// `Domain` when refused, `NotFound` for an unknown case, `Store` on conflicts or faults.
    pub async fn case_command(
        &self,
        case_id: Option<Uuid>,
        command: CaseCommand,
        pinned: Option<i64>,
        request: &Request,
    ) -> Result<Outcome, AppError> {
        refuse_date_out_of_range(request)?;
        let outcome = self.once(self.decide_case_command(case_id, command, pinned, request)).await?;
        // An act answered from the log names the case it opened; an act on a case, that case.
        Ok(Outcome { case_id: case_id.or(outcome.case_id), ..outcome })
    }

    /// Decides and appends a case act (see [`Service::case_command`]).
    async fn decide_case_command(
        &self,
        case_id: Option<Uuid>,
        command: CaseCommand,
        pinned: Option<i64>,
        request: &Request,
    ) -> Result<Outcome, AppError> {
        let command_json = serde_json::to_value(&command).map_err(|e| AppError::InvalidInput(e.to_string()))?;
        let (command, command_json) = (&command, &command_json);
        retrying(pinned.is_none(), move || async move {
            let (id, case) = match case_id {
                Some(id) => {
                    let case = self.case(id).await?;
                    if case.version == 0 {
                        return Err(AppError::NotFound(format!("caso {id}")));
                    }
                    (id, case)
                }
                None => (Uuid::now_v7(), Folded { state: CaseState::default(), version: 0, opened_on: None }),
            };
            refuse_act_before_opening(&case, request)?;
            if let Some(p) = pinned {
                if p != case.version {
                    return Err(StoreError::Conflict {
                        stream: StreamRef::Caso(id).to_string(),
                        expected: p.to_string(),
                        actual: case.version,
                    }
                    .into());
                }
            }
            let registro = case_registro(&case, command)?;
            let operator = self.operator(registro).await?;
            let (emitted, versions) =
                self.decide_on_case(id, &case, registro, &operator, command.clone(), request).await?;
            let outcome = self.append(emitted, &versions, request, command_json).await?;
            Ok(Outcome { case_id: Some(id), ..outcome })
        })
        .await
    }

    /// Decides a case act on the folded case and operator, loading the other operators and
    /// cases the command names; returns the events and every stream version the decision read.
    async fn decide_on_case(
        &self,
        id: Uuid,
        case: &Folded<CaseState>,
        registro: Registro,
        operator: &Folded<OperadoraState>,
        command: CaseCommand,
        request: &Request,
    ) -> Result<(Vec<Emitted>, BTreeMap<StreamRef, i64>), AppError> {
        let mut ctx = self.context(request).on_case(id);
        let mut versions =
            BTreeMap::from([(StreamRef::Caso(id), case.version), (StreamRef::Operadora(registro), operator.version)]);
        for other in command.related_registros() {
            let folded = self.operator(other).await?;
            versions.insert(StreamRef::Operadora(other), folded.version);
            ctx.related_operators.insert(other, folded.state);
        }
        for other in command.related_case_ids() {
            let folded = self.case(other).await?;
            versions.insert(StreamRef::Caso(other), folded.version);
            ctx.related_cases.insert(other, folded.state);
        }
        ctx.fresh_ids = vec![Uuid::now_v7(), Uuid::now_v7()];
        let emitted = decide_case(&case.state, &operator.state, command, &ctx)?;
        Ok((emitted, versions))
    }

    /// Opening acts, many at once, for bulk loads where one commit per act would dominate.
    /// Each act is decided as [`Service::case_command`] decides it, against its operator's
    /// state — folded once per call and carried forward by the operator events that earlier
    /// acts of the call emit — and every act's events are appended in one transaction, each
    /// act with its own provenance. Other cases an act names are read as stored before the
    /// call. On a version conflict the whole call is decided again on fresh state.
    ///
    /// # Errors
    /// `InvalidInput` for an act that names no operator; `Domain` for the first refused act
    /// (then nothing is appended); `Store` on conflicts after the retries or database faults.
    pub async fn open_cases(&self, acts: &[(CaseCommand, Request)]) -> Result<Vec<Outcome>, AppError> {
        let identified: Vec<(Uuid, CaseCommand, Request)> =
            acts.iter().map(|(command, request)| (Uuid::now_v7(), command.clone(), request.clone())).collect();
        self.open_cases_as(&identified).await
    }

    /// [`Service::open_cases`], each case under the id given: an importer derives it from the
    /// source's own key (a demand number), so that a second run finds the case it opened. A
    /// case that already exists is a version conflict.
    ///
    /// # Errors
    /// As [`Service::open_cases`].
    pub async fn open_cases_as(&self, acts: &[(Uuid, CaseCommand, Request)]) -> Result<Vec<Outcome>, AppError> {
        self.bulk_case_acts(acts, CasesRead::NoneYet).await
    }

    /// Case acts, many at once, for bulk loads: each on the case of its id, which is read from
    /// the log, or opened by an earlier act of the same call, or opened by this one. Each act
    /// is decided as [`Service::case_command`] decides it, on its case and operator folded once
    /// per call and carried forward by the events of the earlier acts of the call, and every
    /// act's events are appended in one transaction, each act with its own provenance. Other
    /// cases an act names are read as stored before the call. On a version conflict the whole
    /// call is decided again on fresh state.
    ///
    /// # Errors
    /// As [`Service::open_cases`].
    pub async fn case_commands(&self, acts: &[(Uuid, CaseCommand, Request)]) -> Result<Vec<Outcome>, AppError> {
        self.bulk_case_acts(acts, CasesRead::FromTheLog).await
    }

    /// The bulk path of [`Service::open_cases_as`] and [`Service::case_commands`].
    async fn bulk_case_acts(
        &self,
        acts: &[(Uuid, CaseCommand, Request)],
        read: CasesRead,
    ) -> Result<Vec<Outcome>, AppError> {
        retrying(true, move || async move {
            let mut operators: BTreeMap<Registro, Folded<OperadoraState>> = BTreeMap::new();
            let mut cases: BTreeMap<Uuid, Folded<CaseState>> = BTreeMap::new();
            let mut pending = Pending::default();
            for (id, command, request) in acts {
                refuse_date_out_of_range(request)?;
                let case = match cases.entry(*id) {
                    Entry::Occupied(slot) => slot.into_mut(),
                    Entry::Vacant(slot) => slot.insert(match read {
                        CasesRead::NoneYet => Folded { state: CaseState::default(), version: 0, opened_on: None },
                        CasesRead::FromTheLog => self.case(*id).await?,
                    }),
                };
                refuse_act_before_opening(case, request)?;
                let registro = case_registro(case, command)?;
                let operator = match operators.entry(registro) {
                    Entry::Occupied(slot) => slot.into_mut(),
                    Entry::Vacant(slot) => slot.insert(self.operator(registro).await?),
                };
                let (emitted, versions) =
                    self.decide_on_case(*id, case, registro, operator, command.clone(), request).await?;
                let on = request.occurred_on;
                carry_forward(operator, StreamRef::Operadora(registro), on, &emitted, evolve_operator);
                carry_forward(case, StreamRef::Caso(*id), on, &emitted, evolve_case);
                let command_json = serde_json::to_value(command).map_err(|e| AppError::InvalidInput(e.to_string()))?;
                pending.push(Some(*id), self.batch(emitted, &versions, request, &command_json, None).await?);
            }
            pending.append(self).await
        })
        .await
    }

    /// The append of the decided events, grouped by stream in decision order, each stream
    /// expected at the version it was read at (streams the decision opens are expected not to
    /// exist), with the (stream, event type) of each event; None when nothing was decided.
    /// With a `seed`, the events take their ids from it, in batch order.
    async fn batch(
        &self,
        emitted: Vec<Emitted>,
        versions: &BTreeMap<StreamRef, i64>,
        request: &Request,
        command: &serde_json::Value,
        seed: Option<Seed>,
    ) -> Result<Option<(AppendBatch, Vec<(String, String)>)>, AppError> {
        if emitted.is_empty() {
            return Ok(None);
        }
        // A decision may also close a case it did not load (an LE ends the operator's regimes,
        // known from the operator's state, which is pinned): such a stream is expected at its
        // current version, so a concurrent act on it still conflicts.
        let mut versions = versions.clone();
        for e in &emitted {
            if let Entry::Vacant(slot) = versions.entry(e.stream) {
                slot.insert(self.store.stream_version(&e.stream.to_string()).await?);
            }
        }
        let mut streams = autos_projections::group_by_stream(&emitted, |stream| match versions.get(stream) {
            Some(0) | None => ExpectedVersion::NoStream,
            Some(v) => ExpectedVersion::Exact(*v),
        });
        if let Some(seed) = seed {
            for (index, event) in streams.iter_mut().flat_map(|s| s.events.iter_mut()).enumerate() {
                event.event_id = seed.event_id(index);
            }
        }
        let provenance = Provenance {
            actor_id: request.actor_id,
            actor_role: request.actor.role.as_str().to_owned(),
            correlation_id: request.correlation_id,
            causation_id: None,
            command: Some(command.clone()),
        };
        let types: Vec<(String, String)> =
            streams.iter().flat_map(|s| s.events.iter().map(|e| (s.stream_id.clone(), e.event_type.clone()))).collect();
        Ok(Some((AppendBatch { streams, provenance }, types)))
    }

    /// The answer for an append's outcome.
    fn outcome(&self, outcome: autos_store::AppendOutcome, types: Vec<(String, String)>) -> Outcome {
        if !outcome.duplicate {
            metrics::counter!("autos_events_appended_total").increment(outcome.positions.len() as u64);
        }
        Outcome {
            case_id: None,
            events: outcome
                .positions
                .iter()
                .zip(types)
                .map(|(position, (stream_id, event_type))| AppendedEvent { position: *position, stream_id, event_type })
                .collect(),
            stream_versions: outcome.stream_versions.into_iter().collect(),
        }
    }

    /// A keyed act at most once: the act the seed's request already appended, answered from the
    /// log, or else `act` run; when `act` fails and the seed's act is in the log by then, a run
    /// of the same request that outlived its claim appended it meanwhile, and that is the answer.
    async fn once(
        &self,
        act: impl std::future::Future<Output = Result<Outcome, AppError>>,
    ) -> Result<Outcome, AppError> {
        if let Some(recorded) = self.recorded().await? {
            return Ok(recorded);
        }
        match act.await {
            Err(e) if self.seed.is_some() => match self.recorded().await {
                Ok(Some(recorded)) => Ok(recorded),
                _ => Err(e),
            },
            other => other,
        }
    }

    /// The act the seed's request appended, read back from the log by its event ids and
    /// answered as its append was (`case_id` names the case it opened, if any); None without a
    /// seed or when the request appended nothing.
    async fn recorded(&self) -> Result<Option<Outcome>, AppError> {
        let Some(seed) = self.seed else { return Ok(None) };
        let db = self.store.database();
        let mut recorded = Outcome { case_id: None, events: Vec::new(), stream_versions: BTreeMap::new() };
        loop {
            let row: Option<(i64, String, i64, String)> = on_db!(&db, read, |pool| {
                sqlx::query_as("SELECT position, stream_id, stream_version, event_type FROM events WHERE event_id = $1")
                    .bind(seed.event_id(recorded.events.len()))
                    .fetch_optional(pool)
                    .await
                    .map_err(StoreError::from)?
            });
            let Some((position, stream_id, version, event_type)) = row else { break };
            if version == 1 && recorded.case_id.is_none() {
                if let Ok(StreamRef::Caso(id)) = StreamRef::parse(&stream_id) {
                    recorded.case_id = Some(id);
                }
            }
            let last = recorded.stream_versions.entry(stream_id.clone()).or_insert(version);
            *last = (*last).max(version);
            recorded.events.push(AppendedEvent { position, stream_id, event_type });
        }
        Ok((!recorded.events.is_empty()).then_some(recorded))
    }

    /// Appends the decided events (see [`Service::batch`]).
    async fn append(
        &self,
        emitted: Vec<Emitted>,
        versions: &BTreeMap<StreamRef, i64>,
        request: &Request,
        command: &serde_json::Value,
    ) -> Result<Outcome, AppError> {
        match self.batch(emitted, versions, request, command, self.seed).await? {
            None => Ok(Outcome { case_id: None, events: Vec::new(), stream_versions: BTreeMap::new() }),
            Some((batch, types)) => Ok(self.outcome(self.store.append(batch).await?, types)),
        }
    }
}

fn evolve_case(state: &mut CaseState, event: DomainEvent) {
    if let DomainEvent::Case(e) = event {
        state.evolve(&e);
    }
}

fn evolve_operator(state: &mut OperadoraState, event: DomainEvent) {
    if let DomainEvent::Operator(e) = event {
        state.evolve(&e);
    }
}

fn evolve_parceiro(state: &mut ParceiroState, event: DomainEvent) {
    if let DomainEvent::Parceiro(e) = event {
        state.evolve(&e);
    }
}

fn evolve_programa(state: &mut ProgramaState, event: DomainEvent) {
    if let DomainEvent::Programa(e) = event {
        state.evolve(&e);
    }
}

/// Runs `act` — a decision on freshly read state and its append — and, while `retry` allows,
/// runs it again after a version conflict, [`MAX_ATTEMPTS`] times in all; any other outcome,
/// or the last conflict, is returned as is. The one retry loop of the service.
async fn retrying<T, F, Fut>(retry: bool, mut act: F) -> Result<T, AppError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, AppError>>,
{
    let mut attempt = 0;
    loop {
        attempt += 1;
        match act().await {
            Err(e) if retry && e.is_version_conflict() && attempt < MAX_ATTEMPTS => continue,
            other => return other,
        }
    }
}

/// Moves a folded stream past the events a decision dated `on` emitted on it, so that the next
/// act of the same call is decided on the state this one leaves.
fn carry_forward<S>(
    folded: &mut Folded<S>,
    stream: StreamRef,
    on: NaiveDate,
    emitted: &[Emitted],
    apply: impl Fn(&mut S, DomainEvent),
) {
    for e in emitted.iter().filter(|e| e.stream == stream) {
        apply(&mut folded.state, e.event.clone());
        folded.version += 1;
        folded.opened_on.get_or_insert(on);
    }
}

/// The appends of one bulk call, in act order.
#[derive(Default)]
struct Pending {
    /// Per act: the case it opened, and whether it appends anything.
    acts: Vec<(Option<Uuid>, bool)>,
    batches: Vec<AppendBatch>,
    /// Per batch: (stream, event type) of each event, for the answer.
    types: Vec<Vec<(String, String)>>,
}

impl Pending {
    fn push(&mut self, case_id: Option<Uuid>, batch: Option<(AppendBatch, Vec<(String, String)>)>) {
        self.acts.push((case_id, batch.is_some()));
        if let Some((batch, types)) = batch {
            self.batches.push(batch);
            self.types.push(types);
        }
    }

    /// Appends every batch in one transaction; one answer per act.
    async fn append(self, service: &Service) -> Result<Vec<Outcome>, AppError> {
        let outcomes =
            if self.batches.is_empty() { Vec::new() } else { service.store.append_many(self.batches).await? };
        let mut answers = outcomes.into_iter().zip(self.types).map(|(o, t)| service.outcome(o, t));
        Ok(self
            .acts
            .into_iter()
            .map(|(case_id, appends)| {
                let answer = appends.then(|| answers.next()).flatten().unwrap_or_else(|| Outcome {
                    case_id: None,
                    events: Vec::new(),
                    stream_versions: BTreeMap::new(),
                });
                Outcome { case_id, ..answer }
            })
            .collect())
    }
}
