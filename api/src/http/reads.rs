//! Read-only lists served from the read models: deadlines (*prazos*) open, due today or
//! overdue, by case, family and UF.

use autos_domain::Role;
use autos_projections::models::{self, DeadlineDoc};
use axum::extract::State;
use axum::Json;
use chrono::NaiveDate;
use serde::Deserialize;

use super::extract::Params;
use super::AppState;
use crate::auth::Signed;
use crate::views::Page;
use crate::ApiError;

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub(super) enum DeadlineStatus {
    Abertos,
    VenceHoje,
    Vencidos,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DeadlineQuery {
    status: Option<DeadlineStatus>,
    uf: Option<String>,
    family: Option<String>,
    registro: Option<String>,
    /// The reference date for "due today" and "overdue" (today when absent).
    on: Option<NaiveDate>,
    after: Option<String>,
    limit: Option<i64>,
}

/// Open deadlines by due date.
pub(super) async fn deadlines(
    State(state): State<AppState>,
    Params(query): Params<DeadlineQuery>,
    signed: Signed,
) -> Result<Json<Page<DeadlineDoc>>, ApiError> {
    signed.require(&Role::ALL)?;
    let today = query.on.unwrap_or_else(|| chrono::Local::now().date_naive());
    let status = query.status.unwrap_or(DeadlineStatus::Abertos);
    let uf = query.uf.map(|u| u.to_uppercase());
    let page = state
        .views
        .page::<DeadlineDoc>(models::DEADLINE, "", query.after.as_deref(), query.limit.unwrap_or(100), |d| {
            let status_ok = match status {
                DeadlineStatus::Abertos => true,
                DeadlineStatus::VenceHoje => d.due == today,
                DeadlineStatus::Vencidos => d.due < today,
            };
            status_ok
                && uf.as_ref().is_none_or(|u| d.uf.as_deref().is_some_and(|x| x.eq_ignore_ascii_case(u)))
                && query.family.as_ref().is_none_or(|f| d.family.as_ref() == Some(f))
                && query.registro.as_ref().is_none_or(|r| d.registro.as_ref() == Some(r))
        })
        .await?;
    Ok(Json(page))
}

/// The intervention acts of the seed report's tables, from the log: by type, in the report's
/// order, and by modalidade (public aggregates).
pub(super) async fn interventions(State(state): State<AppState>) -> Result<Json<serde_json::Value>, ApiError> {
    let mut by_kind = std::collections::BTreeMap::new();
    let mut by_modalidade = Vec::new();
    for (key, doc) in state.views.entries(models::DASHBOARD, "intervencoes").await? {
        let n = doc["quantidade"].as_i64().unwrap_or(0);
        if let Some(kind) = key.strip_prefix("intervencoes/") {
            by_kind.insert(kind.to_owned(), n);
        } else if let Some(rest) = key.strip_prefix("intervencoes_por_modalidade/") {
            if let Some((modalidade, kind)) = rest.split_once('/') {
                by_modalidade.push(serde_json::json!({ "modalidade": modalidade, "tipo": kind, "quantidade": n }));
            }
        }
    }
    let items: Vec<serde_json::Value> = models::INTERVENTION_KINDS
        .iter()
        .map(|kind| serde_json::json!({ "tipo": kind, "quantidade": by_kind.get(*kind).copied().unwrap_or(0) }))
        .collect();
    let total: i64 = models::INTERVENTION_KINDS.iter().map(|k| by_kind.get(*k).copied().unwrap_or(0)).sum();
    Ok(Json(serde_json::json!({ "items": items, "total": total, "por_modalidade": by_modalidade })))
}
