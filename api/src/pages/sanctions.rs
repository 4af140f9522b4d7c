//! The sanctions ledger page (`/sancoes`): every sanctioning process with its penalty, the fine in
//! force, what was paid and what is owed, in pt-BR money, filtered by operator, phase and
//! standing (owed, in dívida ativa, settled) and listed with cursor paging.

use askama::Template;
use autos_domain::case::Penalty;
use autos_domain::Registro;
use autos_projections::enforcement::{SanctionEntry, SANCTIONS};
use autos_projections::keys;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use rust_decimal::Decimal;
use serde::Deserialize;

use super::{date_br, error_page, operator_names, page, phase_code, typed, with_param, PageOfficer, PAGE_ROWS};
use crate::state::AppState;
use crate::ApiError;

/// The sanctions page.
pub fn routes() -> Router<AppState> {
    Router::new().route("/sancoes", get(sanctions))
}

/// The filters, as typed.
#[derive(Deserialize, Default, Clone)]
struct SanctionFilter {
    operadora: Option<String>,
    /// The phase as lists show it (`aguardando pagamento`).
    fase: Option<String>,
    /// `em_aberto` (something owed), `divida_ativa`, `quitada` (a fine, nothing owed); empty: all.
    situacao: Option<String>,
    /// Cursor of the list.
    apos: Option<String>,
}

impl SanctionFilter {
    fn keeps(&self, s: &SanctionEntry) -> bool {
        let phase = phase_code(typed(&self.fase));
        (phase.is_empty() || s.phase == phase)
            && match typed(&self.situacao) {
                "em_aberto" => s.saldo.amount() > Decimal::ZERO,
                "divida_ativa" => s.em_divida_ativa,
                "quitada" => s.multa.is_some() && s.saldo.amount() == Decimal::ZERO,
                _ => true,
            }
    }
}

struct SanctionRow {
    case_id: String,
    processo: String,
    registro: String,
    operadora: String,
    infracao: String,
    fase: String,
    aberto: String,
    penalidade: &'static str,
    multa: String,
    pago: String,
    saldo: String,
    divida_ativa: bool,
}

#[derive(Template)]
#[template(path = "sancoes.html")]
struct SanctionsPage {
    officer: Option<PageOfficer>,
    filtro: SanctionFilter,
    linhas: Vec<SanctionRow>,
    seguinte: Option<String>,
}

async fn sanctions(
    State(state): State<AppState>,
    officer: PageOfficer,
    Query(filtro): Query<SanctionFilter>,
) -> Response {
    let result = async {
        let operadora = typed(&filtro.operadora);
        let prefix = if operadora.is_empty() {
            String::new()
        } else {
            let registro = Registro::parse(operadora)
                .map_err(|_| ApiError::InvalidInput(format!("registro ANS inválido: {operadora}")))?;
            keys::of_operator(registro)
        };
        let keep = filtro.clone();
        let found = state
            .views
            .page::<SanctionEntry>(SANCTIONS, &prefix, filtro.apos.as_deref(), PAGE_ROWS, move |s| keep.keeps(s))
            .await?;
        let names = operator_names(&state, found.items.iter().map(|s| s.registro.clone())).await?;
        let params = [
            ("operadora", filtro.operadora.as_deref()),
            ("fase", filtro.fase.as_deref()),
            ("situacao", filtro.situacao.as_deref()),
        ];
        Ok::<_, ApiError>(SanctionsPage {
            officer: Some(officer.clone()),
            seguinte: found.next.as_deref().map(|n| with_param("/sancoes", &params, ("apos", n))),
            linhas: found
                .items
                .into_iter()
                .map(|s| SanctionRow {
                    operadora: names.get(&s.registro).cloned().unwrap_or_default(),
                    infracao: s.tipo_infracao,
                    fase: s.phase.replace('_', " "),
                    aberto: date_br(s.aberto_em),
                    penalidade: match s.penalidade {
                        Some(Penalty::Multa) => "multa",
                        Some(Penalty::Advertencia) => "advertência",
                        None => "a decidir",
                    },
                    multa: s.multa.as_ref().map(|m| m.valor_devido.to_string()).unwrap_or_default(),
                    pago: s.pago.to_string(),
                    saldo: s.saldo.to_string(),
                    divida_ativa: s.em_divida_ativa,
                    case_id: s.case_id,
                    processo: s.processo,
                    registro: s.registro,
                })
                .collect(),
            filtro,
        })
    }
    .await;
    match result {
        Ok(p) => page(&p),
        Err(e) => error_page(Some(officer), e),
    }
}
