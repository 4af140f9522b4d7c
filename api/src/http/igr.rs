//! `GET /api/v1/igr?competencia=AAAA-MM` (default: the last closed month): the IGR Autos computes from its NIPs and beneficiary
//! counts, in the layout of ANS's open-data IGR file (`;`-separated, comma decimals, no `sep=`
//! line): one row per operator with a beneficiary count on or before the month, the NIPs opened
//! in the month per 10.000 beneficiaries of the last month informed (public aggregates).

use autos_domain::{Modalidade, Porte};
use autos_projections::models::{self, OperatorDoc};
use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::Deserialize;

use super::extract::Params;
use crate::state::AppState;
use crate::ApiError;

/// The header of ANS's open-data IGR file.
pub const HEADER: &str = "REGISTRO_OPERADORA;RAZAO_SOCIAL;COBERTURA;IGR;QTD_RECLAMACOES;QTD_BENEFICIARIOS;PORTE_OPERADORA;COMPETENCIA;COMPETENCIA_BENEFICIARIO;DT_ATUALIZACAO";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct IgrQuery {
    /// AAAA-MM; the last closed month when absent.
    competencia: Option<String>,
}

/// The coverage ANS files an operator's IGR under, from its modalidade.
pub(crate) fn coverage(modalidade: Option<Modalidade>) -> &'static str {
    match modalidade {
        Some(Modalidade::OdontologiaDeGrupo | Modalidade::CooperativaOdontologica) => "Odontológica",
        _ => "Médico-hospitalar",
    }
}

fn porte(count: u64) -> &'static str {
    match Porte::from_beneficiarios(count) {
        Porte::SemBeneficiarios => "Sem beneficiários",
        Porte::Pequeno => "Pequeno",
        Porte::Medio => "Médio",
        Porte::Grande => "Grande",
    }
}

/// A field of the file: `;` and line breaks never occur inside one.
fn field(text: &str) -> String {
    text.replace([';', '\n', '\r'], " ")
}

/// The computed IGR of every operator for a competência, as ANS's file lays it out.
pub(super) async fn export(
    State(state): State<AppState>,
    Params(query): Params<IgrQuery>,
) -> Result<Response, ApiError> {
    let today = chrono::Local::now().date_naive();
    let month = match &query.competencia {
        Some(text) => NaiveDate::parse_from_str(&format!("{text}-01"), "%Y-%m-%d")
            .map_err(|_| ApiError::InvalidInput(format!("competencia: esperado AAAA-MM, recebido {text:?}")))?,
        None => today.checked_sub_months(chrono::Months::new(1)).unwrap_or(today),
    };
    let competencia = month.format("%Y-%m").to_string();
    let today = today.format("%Y-%m-%d");
    let mut lines = vec![HEADER.to_owned()];
    for (_, value) in state.views.entries(models::OPERATOR, "").await? {
        let doc: OperatorDoc = serde_json::from_value(value)
            .map_err(|e| ApiError::Projection(autos_projections::ProjectionError::Corrupt(e.to_string())))?;
        let Ok(registro) = autos_domain::Registro::parse(&doc.registro) else { continue };
        let Some(computed) = state.views.computed_igr(registro, std::slice::from_ref(&competencia)).await?.pop()
        else {
            continue;
        };
        lines.push(
            [
                doc.registro.clone(),
                field(&doc.state.razao_social),
                coverage(doc.state.modalidade).to_owned(),
                format!("{:.2}", computed.igr).replace('.', ","),
                computed.reclamacoes.to_string(),
                computed.beneficiarios.to_string(),
                porte(computed.beneficiarios as u64).to_owned(),
                competencia.replace('-', ""),
                computed.competencia_beneficiario.replace('-', ""),
                today.to_string(),
            ]
            .join(";"),
        );
    }
    let disposition =
        HeaderValue::from_str(&format!("attachment; filename=\"igr_{}.csv\"", competencia.replace('-', "")))
            .map_err(|e| ApiError::InvalidInput(e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8")),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        lines.join("\n") + "\n",
    )
        .into_response())
}
