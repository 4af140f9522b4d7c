//! The read models. `estado` is the core projection: one pass over the log folds every operator
//! and every case with the domain's own `evolve`, and derives from each step the operator status,
//! the case list, the open deadlines (*prazos*) and the intervention timeline, so that all of
//! them move together and cost one decode per event.
//!
//! Document keys are chosen for the queries they serve (keys sort as bytes):
//! - `operadora/{registro}` → [`OperatorDoc`]
//! - `caso/{case_id}` → [`CaseDoc`]
//! - `caso_da_operadora/{registro}/{case_id}` → [`CaseRef`]
//! - `prazo/{due}/{case_id}/{key}` → [`DeadlineDoc`] (open deadlines, by due date)
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
use autos_domain::case::{CaseDetail, DemandKind, DemandTheme};
use autos_domain::{CaseState, DomainEvent, OperatorState, Porte};
use autos_store::StoredEvent;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{Docs, Projection, ProjectionError};

pub const OPERATOR: &str = "operadora";
pub const CASE: &str = "caso";
pub const CASE_OF_OPERATOR: &str = "caso_da_operadora";
pub const DEADLINE: &str = "prazo";
pub const TIMELINE: &str = "linha_do_tempo";
pub const BENEFICIARIES: &str = "beneficiarios";
pub const DASHBOARD: &str = "painel";
pub const COMPLAINTS: &str = "reclamacoes";

/// The intervention acts of the seed report's "Ações de Intervenção" table, in its order.
pub const INTERVENTION_KINDS: [&str; 7] = [
    "Direções Fiscais",
    "Direções Técnicas",
    "Direções Técnicas/Fiscais",
    "Liquidações Extrajudiciais",
    "Encerramentos de Direções Fiscais com cancelamento de registro",
    "Encerramentos de Direções Fiscais sem cancelamento de registro",
    "Encerramento de Direção Técnica sem cancelamento de registro",
];
/// Closure of a direção técnica that cancelled the registration (not in the seed's table).
pub const DT_CLOSED_CANCELLING: &str = "Encerramento de Direção Técnica com cancelamento de registro";

/// Monthly beneficiary counts kept on the operator status (the full series is `beneficiarios`).
const MONTHS_ON_STATUS: usize = 12;

/// An operator's current status.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OperatorDoc {
    pub registro: String,
    pub state: OperatorState,
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

/// Reads a typed document.
pub(crate) async fn load<T: DeserializeOwned + Default>(
    docs: &mut dyn Docs,
    model: &str,
    key: &str,
) -> Result<T, ProjectionError> {
    match docs.get(model, key).await? {
        None => Ok(T::default()),
        Some(v) => serde_json::from_value(v).map_err(|e| ProjectionError::Corrupt(format!("{model}/{key}: {e}"))),
    }
}

fn to_doc<T: Serialize>(model: &str, key: &str, doc: &T) -> Result<Value, ProjectionError> {
    serde_json::to_value(doc).map_err(|e| ProjectionError::Corrupt(format!("{model}/{key}: {e}")))
}

pub(crate) fn store<T: Serialize>(docs: &mut dyn Docs, model: &str, key: &str, doc: &T) -> Result<(), ProjectionError> {
    docs.put(model, key, to_doc(model, key, doc)?);
    Ok(())
}

/// Writes a document the projection never reads back (see [`Docs::put_once`]).
pub(crate) fn store_once<T: Serialize>(
    docs: &mut dyn Docs,
    model: &str,
    key: &str,
    doc: &T,
) -> Result<(), ProjectionError> {
    docs.put_once(model, key, to_doc(model, key, doc)?);
    Ok(())
}

fn label_of<T: Serialize>(value: &T) -> Option<String> {
    match serde_json::to_value(value) {
        Ok(Value::String(s)) => Some(s),
        _ => None,
    }
}

/// The key of an open deadline.
pub fn deadline_key(due: NaiveDate, case_id: &str, key: &str) -> String {
    format!("{due}/{case_id}/{key}")
}

/// The key of a timeline entry.
pub fn timeline_key(registro: &str, occurred_on: NaiveDate, position: i64) -> String {
    format!("{registro}/{occurred_on}/{position:012}")
}

/// Adds `delta` to a dashboard counter.
pub(crate) async fn count(docs: &mut dyn Docs, key: &str, delta: i64) -> Result<(), ProjectionError> {
    let current = docs.get(DASHBOARD, key).await?.and_then(|v| v["quantidade"].as_i64()).unwrap_or(0);
    docs.put(DASHBOARD, key, serde_json::json!({ "quantidade": current + delta }));
    Ok(())
}

/// Counts an intervention act overall and by the operator's modalidade.
async fn count_intervention(
    docs: &mut dyn Docs,
    modalidade: &str,
    kind: &str,
    delta: i64,
) -> Result<(), ProjectionError> {
    count(docs, &format!("intervencoes/{kind}"), delta).await?;
    count(docs, &format!("intervencoes_por_modalidade/{modalidade}/{kind}"), delta).await
}

/// The kinds of complaint the counts keep apart: a Disque ANS `consulta` or `denuncia`
/// (2001–2003 flow) or a `nip` (RN 343/2013 onwards).
pub const COMPLAINT_KINDS: [&str; 3] = ["consulta", "denuncia", "nip"];

/// The theme and kind of the complaint `stored` registers, if it registers one.
pub(crate) fn complaint_of(stored: &StoredEvent, case: &CaseDoc) -> Option<(DemandTheme, &'static str)> {
    match (&case.state.detail, stored.event_type.as_str()) {
        (CaseDetail::Demanda(demand), "demanda.registrada") => Some((
            demand.tema,
            match demand.tipo {
                DemandKind::Consulta => COMPLAINT_KINDS[0],
                DemandKind::Denuncia => COMPLAINT_KINDS[1],
            },
        )),
        (CaseDetail::Nip(nip), "nip.reclamacao_registrada") => Some((nip.tema, COMPLAINT_KINDS[2])),
        _ => None,
    }
}

/// The core projection (see the module doc).
pub struct Estado;

impl Estado {
    pub const NAME: &'static str = "estado";

    async fn operator_event(
        stored: &StoredEvent,
        event: &autos_domain::OperatorEvent,
        docs: &mut dyn Docs,
    ) -> Result<String, ProjectionError> {
        let registro = stored.stream_id.trim_start_matches("operadora-").to_owned();
        let mut doc: OperatorDoc = load(docs, OPERATOR, &registro).await?;
        doc.registro.clone_from(&registro);
        doc.state.evolve(event);
        if let autos_domain::OperatorEvent::BeneficiariosInformados { ano, mes, quantidade } = event {
            store(
                docs,
                BENEFICIARIES,
                &format!("{registro}/{ano:04}-{mes:02}"),
                &serde_json::json!({ "quantidade": quantidade }),
            )?;
        }
        // The monthly series lives in its own model; the status keeps the last year of it.
        while doc.state.beneficiaries.len() > MONTHS_ON_STATUS {
            doc.state.beneficiaries.pop_first();
        }
        doc.porte = doc.state.beneficiaries.values().next_back().map(|n| Porte::from_beneficiarios(*n));
        doc.last_event_position = stored.position;
        store(docs, OPERATOR, &registro, &doc)?;
        Ok(registro)
    }

    async fn case_event(
        stored: &StoredEvent,
        event: &autos_domain::CaseEvent,
        docs: &mut dyn Docs,
    ) -> Result<(Option<String>, String, Option<String>), ProjectionError> {
        let case_id = stored.stream_id.trim_start_matches("caso-").to_owned();
        let mut case: CaseDoc = load(docs, CASE, &case_id).await?;
        let was_open = case.version > 0 && case.closed_on.is_none();
        let old_deadlines = case.state.deadlines.clone();
        let old_phase = case.phase.clone();
        case.state.evolve(event);
        case.case_id.clone_from(&case_id);
        case.version = stored.stream_version;
        case.registro = case.state.abertura.as_ref().map(|a| a.registro.to_string());
        case.family = case.state.family.as_ref().and_then(label_of);
        case.phase = case.state.phase();
        case.opened_on = case.opened_on.or(Some(stored.occurred_on));
        let is_closed = case.state.is_closed();
        if is_closed && case.closed_on.is_none() {
            case.closed_on = Some(stored.occurred_on);
        }
        let open = !is_closed;
        case.next_deadline = if open { case.state.deadlines.values().map(|d| d.due).min() } else { None };
        let deadlines_moved = old_deadlines != case.state.deadlines || was_open != open;
        if deadlines_moved && was_open {
            for (k, d) in &old_deadlines {
                docs.delete(DEADLINE, &deadline_key(d.due, &case_id, &label_of(k).unwrap_or_default()));
            }
        }
        let opened_now = stored.stream_version == 1;
        if opened_now {
            if let Some(r) = &case.registro {
                let seat = load::<OperatorDoc>(docs, OPERATOR, r).await?.state;
                case.uf = seat.uf.as_ref().and_then(label_of);
                case.regiao = seat.uf.map(|u| u.region()).or(seat.regiao).map(|r| r.label().to_owned());
            }
        }
        let uf = case.uf.clone();
        if open && deadlines_moved {
            for (k, d) in &case.state.deadlines {
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
                };
                store(docs, DEADLINE, &deadline_key(d.due, &case_id, &key), &doc)?;
            }
        }
        let closed_now = was_open && !open;
        if let Some(registro) = &case.registro {
            // The operator's counters move only when a case opens or closes.
            if opened_now || closed_now {
                let mut op: OperatorDoc = load(docs, OPERATOR, registro).await?;
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
                store(docs, OPERATOR, registro, &op)?;
            }
            if opened_now || closed_now || old_phase != case.phase {
                let case_ref = CaseRef {
                    case_id: case_id.clone(),
                    family: case.family.clone(),
                    phase: case.phase.clone(),
                    opened_on: case.opened_on,
                    closed_on: case.closed_on,
                };
                store(docs, CASE_OF_OPERATOR, &format!("{registro}/{case_id}"), &case_ref)?;
            }
        }
        if let Some(registro) = &case.registro {
            Self::count_interventions(stored, &case, registro, docs).await?;
            Self::count_demands(stored, &case, registro, docs).await?;
            crate::enforcement::apply(stored, &case, registro, docs).await?;
            crate::bulletin::apply(stored, &case, registro, docs).await?;
        }
        let (registro, family) = (case.registro.clone(), case.family.clone());
        store(docs, CASE, &case_id, &case)?;
        Ok((registro, case_id, family))
    }
}

impl Estado {
    /// Complaints — Disque ANS demandas and NIPs: by theme × year × type for the dashboard, and
    /// by operator × month × theme × type for the complaint counts (aggregates only: no personal
    /// data is read).
    async fn count_demands(
        stored: &StoredEvent,
        case: &CaseDoc,
        registro: &str,
        docs: &mut dyn Docs,
    ) -> Result<(), ProjectionError> {
        let Some((theme, kind)) = complaint_of(stored, case) else { return Ok(()) };
        let on = stored.occurred_on;
        count(docs, &format!("demandas/{}/{}/{kind}", on.year(), theme.label()), 1).await?;
        let key = format!("{registro}/{}/{}/{kind}", on.format("%Y-%m"), theme.label());
        let current = docs.get(COMPLAINTS, &key).await?.and_then(|v| v["quantidade"].as_i64()).unwrap_or(0);
        docs.put(COMPLAINTS, &key, serde_json::json!({ "quantidade": current + 1 }));
        Ok(())
    }

    /// The dashboard counters of intervention acts, read from the stored schema.
    async fn count_interventions(
        stored: &StoredEvent,
        case: &CaseDoc,
        registro: &str,
        docs: &mut dyn Docs,
    ) -> Result<(), ProjectionError> {
        let kind = match stored.event_type.as_str() {
            "regime_especial.instaurado" | "regime_especial.encerrado" | "liquidacao.decretada" => {
                stored.event_type.as_str()
            }
            _ => return Ok(()),
        };
        let payload: Value =
            serde_json::from_str(&stored.payload).map_err(|e| ProjectionError::Corrupt(e.to_string()))?;
        let operator: OperatorDoc = load(docs, OPERATOR, registro).await?;
        let modalidade = operator.state.modalidade.map(|m| m.label()).unwrap_or("não informada");
        let family = case.family.as_deref();
        match (kind, payload["regime"].as_str(), payload["motivo"].as_str()) {
            ("regime_especial.instaurado", Some("direcao_fiscal"), _) => {
                count_intervention(docs, modalidade, INTERVENTION_KINDS[0], 1).await
            }
            ("regime_especial.instaurado", Some("direcao_tecnica"), _) => {
                let same_act = docs
                    .get(
                        DASHBOARD,
                        &format!(
                            "df_por_ato/{registro}/{}/{}",
                            stored.occurred_on,
                            stored.document_ref.as_deref().unwrap_or_default()
                        ),
                    )
                    .await?
                    .is_some();
                if same_act {
                    count_intervention(docs, modalidade, INTERVENTION_KINDS[0], -1).await?;
                    count_intervention(docs, modalidade, INTERVENTION_KINDS[2], 1).await
                } else {
                    count_intervention(docs, modalidade, INTERVENTION_KINDS[1], 1).await
                }
            }
            ("liquidacao.decretada", _, _) => count_intervention(docs, modalidade, INTERVENTION_KINDS[3], 1).await,
            ("regime_especial.encerrado", _, Some("liquidacao_decretada")) => Ok(()),
            ("regime_especial.encerrado", _, motivo) => {
                let cancelling = motivo == Some("com_cancelamento_de_registro") || motivo == Some("registro_cancelado");
                let kind = match (family, cancelling) {
                    (Some("direcao_fiscal"), true) => INTERVENTION_KINDS[4],
                    (Some("direcao_fiscal"), false) => INTERVENTION_KINDS[5],
                    (_, false) => INTERVENTION_KINDS[6],
                    (_, true) => DT_CLOSED_CANCELLING,
                };
                count_intervention(docs, modalidade, kind, 1).await
            }
            _ => Ok(()),
        }?;
        if kind == "regime_especial.instaurado" && payload["regime"] == "direcao_fiscal" {
            let key = format!(
                "df_por_ato/{registro}/{}/{}",
                stored.occurred_on,
                stored.document_ref.as_deref().unwrap_or_default()
            );
            docs.put(DASHBOARD, &key, serde_json::json!({ "caso": case.case_id }));
        }
        Ok(())
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
        let (registro, case_id, family) = match event {
            DomainEvent::Operator(e) => (Some(Self::operator_event(stored, e, docs).await?), None, None),
            DomainEvent::Case(e) => {
                let (registro, case_id, family) = Self::case_event(stored, e, docs).await?;
                (registro, Some(case_id), family)
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
            store_once(docs, TIMELINE, &timeline_key(&registro, stored.occurred_on, stored.position), &entry)?;
        }
        Ok(())
    }
}
