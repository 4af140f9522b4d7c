//! Work queues and search: "Meus casos" (the open cases assigned to the signed-in officer, next
//! deadline first), the queue of a Núcleo or unit for managers, and the search of a case by its
//! process number (NUP).

use std::cmp::Ordering;

use askama::Template;
use autos_app::officers::Officer;
use autos_domain::Role;
use autos_projections::keys::{self, Queue};
use autos_projections::models::{self, ProcessRef, QueueEntry};
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use chrono::NaiveDate;
use serde::Deserialize;

use super::{date_br, deadline_status, error_page, family_label, operator_names, page, redirect, PageOfficer};
use crate::state::AppState;
use crate::ApiError;

/// The queue and search pages.
pub fn routes() -> Router<AppState> {
    Router::new().route("/meus-casos", get(my_cases)).route("/fila", get(unit_queue)).route("/busca", get(search))
}

struct QueueRow {
    case_id: String,
    familia: String,
    fase: String,
    operadora: String,
    registro: String,
    aberto: String,
    prazo: String,
    situacao: &'static str,
    alerta: bool,
}

#[derive(Template)]
#[template(path = "fila.html")]
struct QueuePage {
    officer: Option<Officer>,
    titulo: String,
    nucleo: String,
    gestor: bool,
    casos: Vec<QueueRow>,
    mais: bool,
}

/// How many cases a queue page lists.
const QUEUE_ROWS: i64 = 500;

/// The cases of one queue, next deadline first (cases without a running deadline last).
async fn queue_page(
    state: &AppState,
    officer: &PageOfficer,
    queue: Queue<'_>,
    titulo: String,
) -> Result<QueuePage, ApiError> {
    let found =
        state.views.page::<QueueEntry>(models::QUEUE, &keys::of_queue(queue), None, QUEUE_ROWS, |_| true).await?;
    let mut entries = found.items;
    entries.sort_by(|a, b| match (a.next_deadline, b.next_deadline) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => a.opened_on.cmp(&b.opened_on),
    });
    let names = operator_names(state, entries.iter().filter_map(|e| e.registro.clone())).await?;
    let today = chrono::Local::now().date_naive();
    let status = |due: Option<NaiveDate>| due.map_or(("sem prazo em curso", false), |d| deadline_status(d, today));
    Ok(QueuePage {
        officer: Some(officer.0.clone()),
        titulo,
        nucleo: match queue {
            Queue::Unit(unit) => unit.to_owned(),
            Queue::Officer(_) => String::new(),
        },
        gestor: matches!(officer.0.role, Role::Diretoria | Role::Fiscal),
        mais: found.next.is_some(),
        casos: entries
            .into_iter()
            .map(|e| {
                let (situacao, alerta) = status(e.next_deadline);
                let registro = e.registro.unwrap_or_default();
                QueueRow {
                    familia: family_label(e.family.as_deref()),
                    fase: e.phase.replace('_', " "),
                    operadora: names.get(&registro).cloned().unwrap_or_default(),
                    aberto: date_br(e.opened_on),
                    prazo: date_br(e.next_deadline),
                    situacao,
                    alerta,
                    registro,
                    case_id: e.case_id,
                }
            })
            .collect(),
    })
}

async fn my_cases(State(state): State<AppState>, officer: PageOfficer) -> Response {
    let id = officer.0.officer_id.to_string();
    match queue_page(&state, &officer, Queue::Officer(&id), "Meus casos".to_owned()).await {
        Ok(p) => page(&p),
        Err(e) => error_page(Some(officer.0), e),
    }
}

#[derive(Deserialize, Default)]
struct UnitQuery {
    nucleo: Option<String>,
}

async fn unit_queue(State(state): State<AppState>, officer: PageOfficer, Query(query): Query<UnitQuery>) -> Response {
    let result = async {
        officer.signed().require(&[Role::Diretoria, Role::Fiscal, Role::Auditor, Role::Admin])?;
        let unit = query.nucleo.as_deref().map(str::trim).unwrap_or_default().to_owned();
        if unit.is_empty() {
            return Ok(QueuePage {
                officer: Some(officer.0.clone()),
                titulo: "Fila de um Núcleo ou unidade".to_owned(),
                nucleo: String::new(),
                gestor: true,
                casos: Vec::new(),
                mais: false,
            });
        }
        queue_page(&state, &officer, Queue::Unit(&unit), format!("Fila de {unit}")).await
    }
    .await;
    match result {
        Ok(p) => page(&p),
        Err(e) => error_page(Some(officer.0), e),
    }
}

#[derive(Deserialize, Default)]
struct SearchQuery {
    processo: Option<String>,
}

/// Goes to the sanctioning process a NUP names.
async fn search(State(state): State<AppState>, officer: PageOfficer, Query(query): Query<SearchQuery>) -> Response {
    let nup = query.processo.as_deref().map(str::trim).unwrap_or_default().to_owned();
    let found = async {
        if nup.is_empty() {
            return Err(ApiError::InvalidInput("informe o número do processo (NUP)".into()));
        }
        state
            .views
            .get::<ProcessRef>(models::PROCESS_NUMBER, &keys::process_number(&nup))
            .await?
            .ok_or_else(|| ApiError::NotFound(format!("nenhum processo com o número {nup}")))
    }
    .await;
    match found {
        Ok(process) => redirect(&format!("/casos/{}", process.case_id)),
        Err(e) => error_page(Some(officer.0), e),
    }
}
