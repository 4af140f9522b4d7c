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
