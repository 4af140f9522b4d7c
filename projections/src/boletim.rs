//! The quarterly *Boletim Parceiros da Cidadania* (docs/DOMAIN.md §6): per quarter, the complaint
//! counts (Disque ANS demandas and NIPs) by theme and by operator for the whole country, each region and each UF (the
//! operator's seat), and the ANS acts published in the quarter. Aggregates and public acts only:
//! no complainant's data is ever read.
//!
//! Like the core projection's counters, it matches on the typed [`CaseEvent`]. Documents (keys
//! built by [`crate::keys`]; `{trimestre}` is `AAAA-Tn`; `{escopo}` is `BR`, `regiao:{Região}` or
//! `uf:{UF}`; an operator registered with a region but no UF counts nationally and in its region):
//! - `boletim_temas/{trimestre}/{escopo}/{tema}/{tipo}` → `{"quantidade": n}`
//! - `boletim_operadoras/{trimestre}/{escopo}/{registro}` → `{"consulta": n, "denuncia": m,
//!   "nip": k}` (Disque ANS demandas of 2001–2003 and NIPs)
//! - `boletim_atos/{trimestre}/{occurred_on}/{position}` → [`PublishedAct`]

use autos_domain::case::{AlienationEvent, CancelEvent, LeEvent, RegimeEvent, SanctionEvent, TcacEvent};
use autos_domain::{CaseEvent, Uf};
use autos_store::StoredEvent;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::docs::{add, load, Doc, Docs};
use crate::models::{complaint_of, CaseDoc, OperatorDoc, OPERATOR, QUANTITY};
use crate::{keys, ProjectionError};

pub const THEMES: &str = "boletim_temas";
pub const OPERATORS: &str = "boletim_operadoras";
pub const ACTS: &str = "boletim_atos";

/// Whether `event` is an act of the ANS a bulletin reports: a decree, decision or term the ANS
/// publishes.
fn is_published_act(event: &CaseEvent) -> bool {
    matches!(
        event,
        CaseEvent::Regime(RegimeEvent::Instaurado { .. } | RegimeEvent::Encerrado { .. })
            | CaseEvent::Liquidacao(LeEvent::Decretada { .. } | LeEvent::Encerrada { .. })
            | CaseEvent::Alienacao(AlienationEvent::Determinada { .. } | AlienationEvent::VoluntariaDecidida { .. })
            | CaseEvent::Cancelamento(
                CancelEvent::RegistroCancelado { .. } | CancelEvent::PortabilidadeEspecialDecretada { .. }
            )
            | CaseEvent::Tcac(TcacEvent::Autorizado { .. })
            | CaseEvent::Sancionador(
                SanctionEvent::PrimeiraInstanciaDecidida { .. } | SanctionEvent::RecursoJulgado { .. }
            )
    )
}

/// An ANS act published in the quarter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublishedAct {
    pub occurred_on: NaiveDate,
    pub event_type: String,
    pub registro: String,
    pub razao_social: String,
    pub uf: Option<String>,
    pub family: Option<String>,
    pub case_id: String,
    pub legal_basis: Option<String>,
    pub document_ref: Option<String>,
}

/// The quarter of a date, `AAAA-Tn`.
pub fn quarter_of(date: NaiveDate) -> String {
    format!("{}-T{}", date.year(), date.month0() / 3 + 1)
}

/// The national scope.
pub const NATIONAL: &str = "BR";

/// The scope of a UF.
pub fn uf_scope(uf: Uf) -> String {
    format!("uf:{uf}")
}

/// The scope of a region (its pt-BR name, as `Region::label` gives it).
pub fn region_scope(region: &str) -> String {
    format!("regiao:{region}")
}

/// The scopes a fact of an operator counts in: the country, its region (from its UF, or as
/// registered when the UF is unknown) and its UF.
pub fn scopes(uf: Option<&str>, region: Option<&str>) -> Vec<String> {
    let uf = uf.and_then(|u| Uf::parse(u).ok());
    let region = uf.map(|u| u.region().label()).or(region);
    std::iter::once(NATIONAL.to_owned()).chain(region.map(region_scope)).chain(uf.map(uf_scope)).collect()
}

/// Folds one case event of an operator into the bulletin documents.
///
/// # Errors
/// `Corrupt` when a stored document cannot be read back.
pub(crate) async fn apply(
    stored: &StoredEvent,
    event: &CaseEvent,
    case: &CaseDoc,
    registro: &str,
    docs: &mut dyn Docs,
) -> Result<(), ProjectionError> {
    let quarter = quarter_of(stored.occurred_on);
    if let Some((theme, kind)) = complaint_of(event) {
        for scope in scopes(case.uf.as_deref(), case.regiao.as_deref()) {
            add(docs, THEMES, &keys::bulletin_theme(&quarter, &scope, theme.label(), kind), QUANTITY, 1).await?;
            add(docs, OPERATORS, &keys::bulletin_operator(&quarter, &scope, registro), kind.label(), 1).await?;
        }
        return Ok(());
    }
    if !is_published_act(event) {
        return Ok(());
    }
    let operator: OperatorDoc = load(docs, OPERATOR, &keys::operator(registro)).await?;
    let act = PublishedAct {
        occurred_on: stored.occurred_on,
        event_type: stored.event_type.clone(),
        registro: registro.to_owned(),
        razao_social: operator.state.razao_social.clone(),
        uf: case.uf.clone(),
        family: case.family.clone(),
        case_id: case.case_id.clone(),
        legal_basis: stored.legal_basis.clone(),
        document_ref: stored.document_ref.clone(),
    };
    docs.put_once(ACTS, &keys::bulletin_act(&quarter, stored.occurred_on, stored.position), Doc::typed(act));
    Ok(())
}
