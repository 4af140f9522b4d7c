//! The quarterly *Boletim Parceiros da Cidadania* (docs/DOMAIN.md §6): per quarter, the complaint
//! counts (Disque ANS demandas and NIPs) by theme and by operator for the whole country, each region and each UF (the
//! operator's seat), and the ANS acts published in the quarter. Aggregates and public acts only:
//! no complainant's data is ever read.
//!
//! Documents (`{trimestre}` is `AAAA-Tn`; `{escopo}` is `BR`, `regiao:{Região}` or `uf:{UF}`;
//! an operator registered with a region but no UF counts nationally and in its region):
//! - `boletim_temas/{trimestre}/{escopo}/{tema}/{tipo}` → `{"quantidade": n}`
//! - `boletim_operadoras/{trimestre}/{escopo}/{registro}` → `{"consulta": n, "denuncia": m,
//!   "nip": k}` (Disque ANS demandas of 2001–2003 and NIPs)
//! - `boletim_atos/{trimestre}/{occurred_on}/{position}` → [`PublishedAct`]

use autos_domain::Uf;
use autos_store::StoredEvent;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::docs::Docs;
use crate::models::{complaint_of, load, store_once, CaseDoc, OperatorDoc, OPERATOR};
use crate::ProjectionError;

pub const THEMES: &str = "boletim_temas";
pub const OPERATORS: &str = "boletim_operadoras";
pub const ACTS: &str = "boletim_atos";

/// The acts of the ANS a bulletin reports: decrees, decisions and terms the ANS publishes.
pub const PUBLISHED_ACTS: [&str; 11] = [
    "regime_especial.instaurado",
    "regime_especial.encerrado",
    "liquidacao.decretada",
    "liquidacao.encerrada",
    "alienacao.determinada",
    "alienacao.voluntaria_decidida",
    "cancelamento.registro_cancelado",
    "cancelamento.portabilidade_especial_decretada",
    "tcac.autorizado",
    "pas.primeira_instancia_decidida",
    "pas.recurso_julgado",
];

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

/// Adds one to the counter `field` of a document.
async fn add(docs: &mut dyn Docs, model: &str, key: &str, field: &str) -> Result<(), ProjectionError> {
    let mut doc = docs.get(model, key).await?.unwrap_or_else(|| serde_json::json!({}));
    let current = doc[field].as_i64().unwrap_or(0);
    doc[field] = serde_json::json!(current + 1);
    docs.put(model, key, doc);
    Ok(())
}

/// Folds one case event of an operator into the bulletin documents.
///
/// # Errors
/// `Corrupt` when a stored document cannot be read back.
pub(crate) async fn apply(
    stored: &StoredEvent,
    case: &CaseDoc,
    registro: &str,
    docs: &mut dyn Docs,
) -> Result<(), ProjectionError> {
    let quarter = quarter_of(stored.occurred_on);
    if let Some((theme, kind)) = complaint_of(stored, case) {
        for scope in scopes(case.uf.as_deref(), case.regiao.as_deref()) {
            add(docs, THEMES, &format!("{quarter}/{scope}/{}/{kind}", theme.label()), "quantidade").await?;
            add(docs, OPERATORS, &format!("{quarter}/{scope}/{registro}"), kind).await?;
        }
        return Ok(());
    }
    match stored.event_type.as_str() {
        kind if PUBLISHED_ACTS.contains(&kind) => {
            let operator: OperatorDoc = load(docs, OPERATOR, registro).await?;
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
            store_once(docs, ACTS, &format!("{quarter}/{}/{:012}", stored.occurred_on, stored.position), &act)
        }
        _ => Ok(()),
    }
}
