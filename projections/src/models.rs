//! The read models. `estado` is the core projection: one pass over the log folds every operator
//! and every case with the domain's own `evolve`, and derives from each step the operator status,
//! the case list, the open deadlines (*prazos*) and the intervention timeline, so that all of
//! them move together and cost one decode per event.
//!
//! The Parceiros da Cidadania streams feed [`crate::parceiros`]. Each sub-projection (these
//! counters, [`crate::enforcement`], [`crate::bulletin`]) is handed the
//! typed [`CaseEvent`] and matches on its variants, never on the stored event type, so renaming an
//! event fails to compile instead of silently emptying a read model. Keys are built by
//! [`crate::keys`] (keys sort as bytes):
//! - `operadora/{registro}` → [`OperatorDoc`]
//! - `caso/{case_id}` → [`CaseDoc`]
//! - `caso_da_operadora/{registro}/{case_id}` → [`CaseRef`]
//! - `prazo/{due}/{case_id}/{key}` → [`DeadlineDoc`] (open deadlines, by due date)
//! - `fila/{servidor|nucleo|uf}/{who}/{case_id}` → [`QueueEntry`] (open cases by officer, Núcleo
//!   and the operator's UF) and `caso_por_fase/{family}/{phase}/{case_id}` → [`QueueEntry`]
//!   (every case under its current phase), rewritten only when what they list moves
//! - `processo/{nup}` → [`ProcessRef`] and `documento/{número}/{case_id}` → [`ActDocumentRef`]
//!   (the searches by process and act number)
//! - `linha_do_tempo/{registro}/{occurred_on}/{position}` → [`TimelineEntry`] (legal-date order)
//! - `beneficiarios/{registro}/{AAAA-MM}` → the monthly beneficiary count
//! - `reclamacoes/{registro}/{AAAA-MM}/{tema}/{tipo}` and `painel/demandas/{ano}/{tema}/{tipo}`
//!   → `{"quantidade": n}`: Disque ANS demandas (`consulta`, `denuncia`) and NIPs (`nip`), never
//!   with personal data.
//! - `painel/intervencoes/{tipo}` and `painel/intervencoes_por_modalidade/{modalidade}/{tipo}` →
//!   `{"quantidade": n}`: the intervention acts of the seed report's tables. A DT decreed by the
//!   same act (same day and document) as a DF counts, with it, as one "Direção Técnica/Fiscal".

use std::collections::BTreeMap;

use async_trait::async_trait;
use autos_domain::case::{DemandEvent, DemandKind, LeEvent, NipEvent, RegimeClosure, RegimeEvent, TemaDemanda};
use autos_domain::operator::RegimeKind;
use autos_domain::{
    CaseEvent, CaseState, DomainEvent, Family, OperadoraState, OperatorEvent, Porte, Registro, StreamRef,
};
use autos_store::StoredEvent;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::docs::{add, load, store, Doc};
use crate::{keys, Docs, Projection, ProjectionError};

pub const OPERATOR: &str = "operadora";
pub const CASE: &str = "caso";
pub const CASE_OF_OPERATOR: &str = "caso_da_operadora";
pub const DEADLINE: &str = "prazo";
pub const TIMELINE: &str = "linha_do_tempo";
pub const BENEFICIARIES: &str = "beneficiarios";
pub const DASHBOARD: &str = "painel";
pub const COMPLAINTS: &str = "reclamacoes";
pub const QUEUE: &str = "fila";
pub const PROCESS_NUMBER: &str = "processo";
pub const CASE_BY_PHASE: &str = "caso_por_fase";
pub const ACT_DOCUMENT: &str = "documento";

/// The read models an operator's status is folded from: the status itself, its cases (whose
/// openings and closures move its counters) and its sanctions (whose fines it sums). Time
/// travel of an operator builds these and no other.
pub const OPERATOR_FOLD: &[&str] = &[OPERATOR, CASE, crate::enforcement::SANCTIONS];
/// The read models a case's state is folded from (its opening reads the operator's seat).
pub const CASE_FOLD: &[&str] = &[CASE, OPERATOR];

/// An open case in a work queue ("Meus casos", a Núcleo's queue).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueueEntry {
    pub case_id: String,
    pub registro: Option<String>,
    pub family: Option<String>,
    pub phase: String,
    pub opened_on: Option<NaiveDate>,
    pub next_deadline: Option<NaiveDate>,
    /// The operator's UF when the case opened.
    #[serde(default)]
    pub uf: Option<String>,
    /// The officer the case is assigned to (id), if any.
    #[serde(default)]
    pub responsavel: Option<String>,
    #[serde(default)]
    pub closed_on: Option<NaiveDate>,
}

impl QueueEntry {
    /// The case as its queues, the phase index and the search list it.
    pub fn of(case: &CaseDoc) -> QueueEntry {
        QueueEntry {
            case_id: case.case_id.clone(),
            registro: case.registro.clone(),
            family: case.family.clone(),
            phase: case.phase.clone(),
            opened_on: case.opened_on,
            next_deadline: case.next_deadline,
            uf: case.uf.clone(),
            responsavel: case.state.atribuicao.as_ref().and_then(|a| a.responsavel.clone()),
            closed_on: case.closed_on,
        }
    }
}

/// A case an act number (auto de infração, RO, TCAC…) was cited in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActDocumentRef {
    pub case_id: String,
    pub registro: Option<String>,
    pub family: Option<String>,
    pub occurred_on: NaiveDate,
    /// The act's document as cited.
    pub documento: String,
}

/// The sanctioning process a process number (NUP) names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProcessRef {
    pub case_id: String,
}

/// The field of a counter document (`{"quantidade": n}`).
pub(crate) const QUANTITY: &str = "quantidade";

/// Monthly beneficiary counts kept on the operator status (the full series is `beneficiarios`).
const MONTHS_ON_STATUS: usize = 12;

/// An operator's current status.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OperatorDoc {
    pub registro: String,
    pub state: OperadoraState,
    /// Open cases by family.
    pub open_cases: BTreeMap<String, u32>,
    pub cases_total: u32,
    /// Porte from the latest monthly beneficiary count.
    pub porte: Option<Porte>,
    /// Fines of its sanctioning processes, summed from the ledger.
    #[serde(default)]
    pub multas: crate::enforcement::FineTotals,
    pub last_event_position: i64,
}

/// A case's current state with the facts lists need.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CaseDoc {
    pub case_id: String,
    pub registro: Option<String>,
    /// The operator's UF when the case opened (for deadlines by UF).
    pub uf: Option<String>,
    /// The operator's region when the case opened: its UF's, or the one registered without a UF
    /// (the seed report lists region and municipality only).
    #[serde(default)]
    pub regiao: Option<String>,
    pub family: Option<String>,
    pub phase: String,
    pub opened_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    pub next_deadline: Option<NaiveDate>,
    pub version: i64,
    pub state: CaseState,
}

/// A case as listed on its operator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseRef {
    pub case_id: String,
    pub family: Option<String>,
    pub phase: String,
    pub opened_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
}

/// An open deadline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeadlineDoc {
    pub case_id: String,
    pub registro: Option<String>,
    pub family: Option<String>,
    pub uf: Option<String>,
    pub key: String,
    pub start: NaiveDate,
    pub length: u32,
    pub calendar: String,
    pub due: NaiveDate,
    pub norm: String,
    /// The officer the case is assigned to (id), if any.
    #[serde(default)]
    pub responsavel: Option<String>,
}

/// One act on an operator's intervention timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub position: i64,
    pub occurred_on: NaiveDate,
    pub recorded_at: DateTime<Utc>,
    pub event_type: String,
    pub stream_id: String,
    pub case_id: Option<String>,
    pub family: Option<String>,
    pub actor_role: String,
    pub legal_basis: Option<String>,
    pub document_ref: Option<String>,
}

fn label_of<T: Serialize>(value: &T) -> Option<String> {
    match serde_json::to_value(value) {
        Ok(Value::String(s)) => Some(s),
        _ => None,
    }
}

/// Adds `delta` to a dashboard counter.
pub(crate) async fn count(docs: &mut dyn Docs, key: &str, delta: i64) -> Result<(), ProjectionError> {
    add(docs, DASHBOARD, key, QUANTITY, delta).await
}

/// Counts an intervention act overall and by the operator's modalidade.
async fn count_intervention(
    docs: &mut dyn Docs,
    modalidade: &str,
    kind: InterventionKind,
    delta: i64,
) -> Result<(), ProjectionError> {
    count(docs, &keys::interventions(kind), delta).await?;
    count(docs, &keys::interventions_by_modalidade(modalidade, kind), delta).await
}

/// The kinds of complaint the counts keep apart: a Disque ANS `consulta` or `denuncia`
/// (2001–2003 flow) or a `nip` (RN 343/2013 onwards).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ComplaintKind {
    Consulta,
    Denuncia,
    Nip,
}

impl ComplaintKind {
    /// Every kind, in the order the bulletin's columns show them.
    pub const ALL: [ComplaintKind; 3] = [ComplaintKind::Consulta, ComplaintKind::Denuncia, ComplaintKind::Nip];

    /// The stored name: the last segment of the complaint keys and the field of the bulletin's
    /// operator counts.
    pub fn label(self) -> &'static str {
        match self {
            ComplaintKind::Consulta => "consulta",
            ComplaintKind::Denuncia => "denuncia",
            ComplaintKind::Nip => "nip",
        }
    }

    /// The kind whose [`label`](Self::label) is `text`.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.label() == text)
    }
}

/// The theme and kind of the complaint `event` registers, if it registers one.
pub(crate) fn complaint_of(event: &CaseEvent) -> Option<(TemaDemanda, ComplaintKind)> {
    match event {
        CaseEvent::Demanda(DemandEvent::Registrada { tema, tipo, .. }) => Some((
            *tema,
            match tipo {
                DemandKind::Consulta => ComplaintKind::Consulta,
                DemandKind::Denuncia => ComplaintKind::Denuncia,
            },
        )),
        CaseEvent::Nip(
            NipEvent::ReclamacaoRegistrada { tema, .. } | NipEvent::DemandaPublicadaRegistrada { tema, .. },
        ) => Some((*tema, ComplaintKind::Nip)),
        _ => None,
    }
}

/// The intervention acts the dashboard counts: the seed report's "Ações de Intervenção" table
/// ([`InterventionKind::TABLE`]) and the closure of a direção técnica that cancelled the
/// registration, which the table does not list. The pt-BR [`label`](InterventionKind::label) is
/// both the key segment of the counters (`painel/intervencoes/{tipo}`) and the `tipo` the API
/// returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum InterventionKind {
    DirecaoFiscal,
    DirecaoTecnica,
    /// A DT decreed by the same act (same day and document) as a DF, counted with it.
    DirecaoTecnicaFiscal,
    Liquidacao,
    DfEncerradaComCancelamento,
    DfEncerradaSemCancelamento,
    DtEncerradaSemCancelamento,
    DtEncerradaComCancelamento,
}

impl InterventionKind {
    /// The seed report's table, in its order.
    pub const TABLE: [InterventionKind; 7] = [
        InterventionKind::DirecaoFiscal,
        InterventionKind::DirecaoTecnica,
        InterventionKind::DirecaoTecnicaFiscal,
        InterventionKind::Liquidacao,
        InterventionKind::DfEncerradaComCancelamento,
        InterventionKind::DfEncerradaSemCancelamento,
        InterventionKind::DtEncerradaSemCancelamento,
    ];

    /// Every kind: the table's, then the one it does not list.
    pub const ALL: [InterventionKind; 8] = [
        InterventionKind::DirecaoFiscal,
        InterventionKind::DirecaoTecnica,
        InterventionKind::DirecaoTecnicaFiscal,
        InterventionKind::Liquidacao,
        InterventionKind::DfEncerradaComCancelamento,
        InterventionKind::DfEncerradaSemCancelamento,
        InterventionKind::DtEncerradaSemCancelamento,
        InterventionKind::DtEncerradaComCancelamento,
    ];

    /// The report's pt-BR name (stored in the counter keys: never change one).
    pub fn label(self) -> &'static str {
        match self {
            InterventionKind::DirecaoFiscal => "Direções Fiscais",
            InterventionKind::DirecaoTecnica => "Direções Técnicas",
            InterventionKind::DirecaoTecnicaFiscal => "Direções Técnicas/Fiscais",
            InterventionKind::Liquidacao => "Liquidações Extrajudiciais",
            InterventionKind::DfEncerradaComCancelamento => {
                "Encerramentos de Direções Fiscais com cancelamento de registro"
            }
            InterventionKind::DfEncerradaSemCancelamento => {
                "Encerramentos de Direções Fiscais sem cancelamento de registro"
            }
            InterventionKind::DtEncerradaSemCancelamento => {
                "Encerramento de Direção Técnica sem cancelamento de registro"
            }
            InterventionKind::DtEncerradaComCancelamento => {
                "Encerramento de Direção Técnica com cancelamento de registro"
            }
        }
    }

    /// The kind whose [`label`](Self::label) is `text`.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.label() == text)
    }

    /// The closure of a regime of `family` for `motivo`; `None` when the closure is no act of
    /// the table (a regime closed because a liquidação was decreed counts as the liquidação).
    fn of_closure(family: Option<Family>, motivo: RegimeClosure) -> Option<Self> {
        let cancelling = match motivo {
            RegimeClosure::LiquidacaoDecretada => return None,
            RegimeClosure::ComCancelamentoDeRegistro | RegimeClosure::RegistroCancelado => true,
            RegimeClosure::GravidadeSuperada
            | RegimeClosure::ProgramaAprovado
            | RegimeClosure::OperacaoIrregularCessada
            | RegimeClosure::PrazoEncerrado
            | RegimeClosure::CarteiraExtinta => false,
        };
        Some(match (family, cancelling) {
            (Some(Family::DirecaoFiscal), true) => InterventionKind::DfEncerradaComCancelamento,
            (Some(Family::DirecaoFiscal), false) => InterventionKind::DfEncerradaSemCancelamento,
            (_, false) => InterventionKind::DtEncerradaSemCancelamento,
            (_, true) => InterventionKind::DtEncerradaComCancelamento,
        })
    }
}

/// The core projection (see the module doc).
pub struct Estado;

impl Estado {
    /// Files an open case in the queues of its officer, its Núcleo and its operator's UF, and
    /// takes it out of those it left (a reassignment, or the case closed); refreshed on every act
    /// that moves what they list.
    fn file_in_queues(
        case: &CaseDoc,
        old: Option<&autos_domain::case::Assignment>,
        was_open: bool,
        docs: &mut dyn Docs,
    ) {
        let queues = |a: Option<&autos_domain::case::Assignment>| -> Vec<String> {
            let officer =
                a.and_then(|a| a.responsavel.as_deref()).map(|id| keys::queue(keys::Queue::Officer(id), &case.case_id));
            let unit = a.and_then(|a| a.nucleo.as_deref()).map(|n| keys::queue(keys::Queue::Unit(n), &case.case_id));
            let uf = case.uf.as_deref().map(|uf| keys::queue(keys::Queue::Uf(uf), &case.case_id));
            officer.into_iter().chain(unit).chain(uf).collect()
        };
        let open = case.closed_on.is_none();
        let now = if open { queues(case.state.atribuicao.as_ref()) } else { Vec::new() };
        if was_open {
            for key in queues(old).into_iter().filter(|k| !now.contains(k)) {
                docs.delete(QUEUE, &key);
            }
        }
        let entry = QueueEntry::of(case);
        for key in now {
            store(docs, QUEUE, &key, entry.clone());
        }
    }

    /// Files the case under its family and current phase, out of the phase it left.
    fn file_by_phase(case: &CaseDoc, old_phase: Option<&str>, docs: &mut dyn Docs) {
        let Some(family) = case.family.as_deref() else { return };
        if let Some(old) = old_phase.filter(|old| *old != case.phase) {
            docs.delete(CASE_BY_PHASE, &keys::case_by_phase(family, old, &case.case_id));
        }
        store(docs, CASE_BY_PHASE, &keys::case_by_phase(family, &case.phase, &case.case_id), QueueEntry::of(case));
    }

    pub const NAME: &'static str = "estado";

    async fn operator_event(
        stored: &StoredEvent,
        registro: Registro,
        event: &OperatorEvent,
        docs: &mut dyn Docs,
    ) -> Result<String, ProjectionError> {
        let registro = registro.to_string();
        let mut doc: OperatorDoc = load(docs, OPERATOR, &keys::operator(&registro)).await?;
        doc.registro.clone_from(&registro);
        doc.state.evolve(event);
        if let OperatorEvent::BeneficiariosInformados { ano, mes, quantidade } = event {
            store(
                docs,
                BENEFICIARIES,
                &keys::beneficiaries(&registro, &keys::month(*ano, *mes)),
                serde_json::json!({ QUANTITY: quantidade }),
            );
        }
        // The monthly series lives in its own model; the status keeps the last year of it.
        while doc.state.beneficiarios_mensais.len() > MONTHS_ON_STATUS {
            doc.state.beneficiarios_mensais.pop_first();
        }
        doc.porte = doc.state.beneficiarios_mensais.values().next_back().map(|n| Porte::from_beneficiarios(*n));
        doc.last_event_position = stored.position;
        store(docs, OPERATOR, &keys::operator(&registro), doc);
        Ok(registro)
    }

    async fn case_event(
        stored: &StoredEvent,
        case_id: Uuid,
        event: &CaseEvent,
        docs: &mut dyn Docs,
    ) -> Result<(Option<String>, String, Option<String>), ProjectionError> {
        let case_id = case_id.to_string();
        let mut case: CaseDoc = load(docs, CASE, &keys::case(&case_id)).await?;
        let was_open = case.version > 0 && case.closed_on.is_none();
        let old_deadlines = case.state.prazos.clone();
        let old_phase = case.phase.clone();
        let old_assignment = case.state.atribuicao.clone();
        let old_next_deadline = case.next_deadline;
        case.state.evolve(event);
        case.case_id.clone_from(&case_id);
        case.version = stored.stream_version;
        case.registro = case.state.abertura.as_ref().map(|a| a.registro.to_string());
        case.family = case.state.familia.as_ref().and_then(label_of);
        case.phase = case.state.phase().to_owned();
        case.opened_on = case.opened_on.or(Some(stored.occurred_on));
        let is_closed = case.state.is_closed();
        if is_closed && case.closed_on.is_none() {
            case.closed_on = Some(stored.occurred_on);
        } else if !is_closed {
            // Reopened (an archived denúncia reconsidered, an RVE reviewed).
            case.closed_on = None;
        }
        let open = !is_closed;
        case.next_deadline = if open { case.state.prazos.values().map(|d| d.due).min() } else { None };
        let reassigned = old_assignment != case.state.atribuicao;
        let deadlines_moved = old_deadlines != case.state.prazos || was_open != open || reassigned;
        if deadlines_moved && was_open {
            for (k, d) in &old_deadlines {
                docs.delete(DEADLINE, &keys::deadline(d.due, &case_id, &label_of(k).unwrap_or_default()));
            }
        }
        let opened_now = stored.stream_version == 1;
        if opened_now {
            if let Some(r) = &case.registro {
                let seat = load::<OperatorDoc>(docs, OPERATOR, &keys::operator(r)).await?.state;
                case.uf = seat.uf.as_ref().and_then(label_of);
                case.regiao = seat.uf.map(|u| u.region()).or(seat.regiao).map(|r| r.label().to_owned());
            }
        }
        let uf = case.uf.clone();
        if open && deadlines_moved {
            for (k, d) in &case.state.prazos {
                let key = label_of(k).unwrap_or_default();
                let doc = DeadlineDoc {
                    case_id: case_id.clone(),
                    registro: case.registro.clone(),
                    family: case.family.clone(),
                    uf: uf.clone(),
                    key: key.clone(),
                    start: d.start,
                    length: d.length,
                    calendar: label_of(&d.calendar).unwrap_or_default(),
                    due: d.due,
                    norm: d.norm.clone(),
                    responsavel: case.state.atribuicao.as_ref().and_then(|a| a.responsavel.clone()),
                };
                store(docs, DEADLINE, &keys::deadline(d.due, &case_id, &key), doc);
            }
        }
        let closed_now = was_open && !open;
        if let Some(registro) = &case.registro {
            // The operator's counters move only when a case opens or closes.
            if opened_now || closed_now {
                let mut op: OperatorDoc = load(docs, OPERATOR, &keys::operator(registro)).await?;
                let family = case.family.clone().unwrap_or_default();
                let n = op.open_cases.entry(family).or_default();
                if opened_now {
                    op.cases_total += 1;
                    if open {
                        *n += 1;
                    }
                } else {
                    *n = n.saturating_sub(1);
                }
                op.registro.clone_from(registro);
                store(docs, OPERATOR, &keys::operator(registro), op);
            }
            if opened_now || closed_now || old_phase != case.phase {
                let case_ref = CaseRef {
                    case_id: case_id.clone(),
                    family: case.family.clone(),
                    phase: case.phase.clone(),
                    opened_on: case.opened_on,
                    closed_on: case.closed_on,
                };
                store(docs, CASE_OF_OPERATOR, &keys::case_of_operator(registro, &case_id), case_ref);
            }
        }
        if let Some(registro) = &case.registro {
            Self::count_interventions(stored, event, &case, registro, docs).await?;
            Self::count_demands(stored, event, registro, docs).await?;
            crate::enforcement::apply(stored, event, &case, registro, docs).await?;
            crate::boletim::apply(stored, event, &case, registro, docs).await?;
        }
        let listing_moved = opened_now
            || was_open != open
            || reassigned
            || old_phase != case.phase
            || old_next_deadline != case.next_deadline;
        if listing_moved {
            Self::file_in_queues(&case, old_assignment.as_ref(), was_open, docs);
            Self::file_by_phase(&case, (!opened_now).then_some(old_phase.as_str()), docs);
        }
        if let Some(documento) = stored.document_ref.as_deref().filter(|d| !d.trim().is_empty()) {
            let entry = ActDocumentRef {
                case_id: case_id.clone(),
                registro: case.registro.clone(),
                family: case.family.clone(),
                occurred_on: stored.occurred_on,
                documento: documento.to_owned(),
            };
            docs.put_once(ACT_DOCUMENT, &keys::act_document(documento, &case_id), Doc::typed(entry));
        }
        if opened_now {
            if let autos_domain::case::CaseDetail::Sancionador(pas) = &case.state.detalhe {
                store(
                    docs,
                    PROCESS_NUMBER,
                    &keys::process_number(&pas.processo),
                    ProcessRef { case_id: case_id.clone() },
                );
            }
        }
        let (registro, family) = (case.registro.clone(), case.family.clone());
        store(docs, CASE, &keys::case(&case_id), case);
        Ok((registro, case_id, family))
    }
}

impl Estado {
    /// Complaints — Disque ANS demandas and NIPs: by theme × year × type for the dashboard, and
    /// by operator × month × theme × type for the complaint counts (aggregates only: no personal
    /// data is read).
    async fn count_demands(
        stored: &StoredEvent,
        event: &CaseEvent,
        registro: &str,
        docs: &mut dyn Docs,
    ) -> Result<(), ProjectionError> {
        let Some((theme, kind)) = complaint_of(event) else { return Ok(()) };
        let on = stored.occurred_on;
        count(docs, &keys::demands(on.year(), theme.label(), kind), 1).await?;
        let month = keys::month(on.year(), on.month());
        add(docs, COMPLAINTS, &keys::complaints(registro, &month, theme.label(), kind), QUANTITY, 1).await
    }

    /// The dashboard counters of intervention acts. Each DF is remembered by its act
    /// (`df_por_ato`), so that a DT decreed by the same act turns it into one DT/DF.
    async fn count_interventions(
        stored: &StoredEvent,
        event: &CaseEvent,
        case: &CaseDoc,
        registro: &str,
        docs: &mut dyn Docs,
    ) -> Result<(), ProjectionError> {
        let kind = match event {
            CaseEvent::Regime(RegimeEvent::Instaurado { regime: RegimeKind::DirecaoFiscal, .. }) => {
                InterventionKind::DirecaoFiscal
            }
            CaseEvent::Regime(RegimeEvent::Instaurado { regime: RegimeKind::DirecaoTecnica, .. }) => {
                InterventionKind::DirecaoTecnica
            }
            CaseEvent::Liquidacao(LeEvent::Decretada { .. }) => InterventionKind::Liquidacao,
            CaseEvent::Regime(RegimeEvent::Encerrado { motivo }) => {
                match InterventionKind::of_closure(case.state.familia, *motivo) {
                    Some(kind) => kind,
                    None => return Ok(()),
                }
            }
            _ => return Ok(()),
        };
        let operator: OperatorDoc = load(docs, OPERATOR, &keys::operator(registro)).await?;
        let modalidade = operator.state.modalidade.map(|m| m.label()).unwrap_or("não informada");
        let same_act =
            keys::df_by_act(registro, stored.occurred_on, stored.document_ref.as_deref().unwrap_or_default());
        match kind {
            InterventionKind::DirecaoFiscal => {
                count_intervention(docs, modalidade, kind, 1).await?;
                store(docs, DASHBOARD, &same_act, serde_json::json!({ "caso": case.case_id }));
                Ok(())
            }
            InterventionKind::DirecaoTecnica if docs.get(DASHBOARD, &same_act).await?.is_some() => {
                count_intervention(docs, modalidade, InterventionKind::DirecaoFiscal, -1).await?;
                count_intervention(docs, modalidade, InterventionKind::DirecaoTecnicaFiscal, 1).await
            }
            _ => count_intervention(docs, modalidade, kind, 1).await,
        }
    }
}

#[async_trait]
impl Projection for Estado {
    fn name(&self) -> &'static str {
        Self::NAME
    }

    async fn apply(
        &self,
        stored: &StoredEvent,
        event: &DomainEvent,
        docs: &mut dyn Docs,
    ) -> Result<(), ProjectionError> {
        let stream = StreamRef::parse(&stored.stream_id)
            .map_err(|e| ProjectionError::Corrupt(format!("position {}: {e}", stored.position)))?;
        let (registro, case_id, family) = match (stream, event) {
            (StreamRef::Operadora(registro), DomainEvent::Operator(e)) => {
                (Some(Self::operator_event(stored, registro, e, docs).await?), None, None)
            }
            (StreamRef::Caso(case_id), DomainEvent::Case(e)) => {
                let (registro, case_id, family) = Self::case_event(stored, case_id, e, docs).await?;
                (registro, Some(case_id), family)
            }
            (StreamRef::Parceiro(parceiro_id), DomainEvent::Parceiro(e)) => {
                return crate::parceiros::apply_parceiro(stored, parceiro_id, e, docs).await
            }
            (StreamRef::ProgramaParceiros, DomainEvent::Programa(e)) => {
                return crate::parceiros::apply_programa(e, docs).await
            }
            _ => {
                return Err(ProjectionError::Corrupt(format!(
                    "position {}: event of another kind of stream on {}",
                    stored.position, stored.stream_id
                )))
            }
        };
        if let Some(registro) = registro {
            let entry = TimelineEntry {
                position: stored.position,
                occurred_on: stored.occurred_on,
                recorded_at: stored.recorded_at,
                event_type: stored.event_type.clone(),
                stream_id: stored.stream_id.clone(),
                case_id,
                family,
                actor_role: stored.actor_role.clone(),
                legal_basis: stored.legal_basis.clone(),
                document_ref: stored.document_ref.clone(),
            };
            docs.put_once(TIMELINE, &keys::timeline(&registro, stored.occurred_on, stored.position), Doc::typed(entry));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervention_kinds_keep_the_report_labels() {
        let labels: Vec<&str> = InterventionKind::ALL.iter().map(|k| k.label()).collect();
        assert_eq!(
            labels,
            [
                "Direções Fiscais",
                "Direções Técnicas",
                "Direções Técnicas/Fiscais",
                "Liquidações Extrajudiciais",
                "Encerramentos de Direções Fiscais com cancelamento de registro",
                "Encerramentos de Direções Fiscais sem cancelamento de registro",
                "Encerramento de Direção Técnica sem cancelamento de registro",
                "Encerramento de Direção Técnica com cancelamento de registro",
            ]
        );
        assert_eq!(InterventionKind::TABLE, InterventionKind::ALL[..7]);
        for kind in InterventionKind::ALL {
            assert_eq!(InterventionKind::parse(kind.label()), Some(kind));
        }
        for kind in ComplaintKind::ALL {
            assert_eq!(ComplaintKind::parse(kind.label()), Some(kind));
        }
    }

    #[test]
    fn regime_closures_count_as_the_report_does() {
        use InterventionKind as K;
        let df = Some(Family::DirecaoFiscal);
        let dt = Some(Family::DirecaoTecnica);
        assert_eq!(K::of_closure(df, RegimeClosure::LiquidacaoDecretada), None);
        assert_eq!(K::of_closure(df, RegimeClosure::ComCancelamentoDeRegistro), Some(K::DfEncerradaComCancelamento));
        assert_eq!(K::of_closure(df, RegimeClosure::RegistroCancelado), Some(K::DfEncerradaComCancelamento));
        assert_eq!(K::of_closure(df, RegimeClosure::GravidadeSuperada), Some(K::DfEncerradaSemCancelamento));
        assert_eq!(K::of_closure(dt, RegimeClosure::PrazoEncerrado), Some(K::DtEncerradaSemCancelamento));
        assert_eq!(K::of_closure(dt, RegimeClosure::RegistroCancelado), Some(K::DtEncerradaComCancelamento));
    }
}
