//! The JSON API: the `/api/v1` routes and their handlers, the operational endpoints
//! (`/healthz`, `/readyz`, `/metrics`, `/openapi.json`) and the layers every request passes
//! (request ids that also land in the events' `correlation_id`, tracing, metrics, the log of
//! failed requests, body limit; idempotency on the API). `crate::router` joins it to the pages.

mod audit;
mod cases;
mod events;
mod export;
pub mod extract;
pub mod openapi;
mod operators;
pub(crate) mod reads;

use std::time::Instant;

use autos_domain::act_catalogue;
use autos_projections::runner::RunState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};

use crate::idempotency::{self, MAX_BODY};
use crate::state::AppState;
use crate::ApiError;

const REQUEST_ID: &str = "x-request-id";

/// The JSON API, nested under `/api/v1`, and the operational endpoints, with the layers that
/// wrap every route (pages included, which `crate::router` merges in before them).
pub fn routes(state: &AppState) -> Router<AppState> {
    let api = Router::new()
        .route("/operators", post(operators::register).get(operators::list))
        .route("/operators/{registro}", get(operators::status))
        .route("/operators/{registro}/timeline", get(operators::timeline))
        .route("/operators/{registro}/cases", get(operators::cases))
        .route("/operators/{registro}/beneficiaries", post(operators::beneficiaries))
        .route("/operators/{registro}/acts", post(operators::act))
        .route("/cases", post(cases::open))
        .route("/cases/{id}", get(cases::show))
        .route("/cases/{id}/acts", post(cases::act))
        .route("/cases/{id}/events", get(cases::events))
        .route("/cases/{id}/personal-data", get(cases::personal_data))
        .route("/acts", get(acts))
        .route("/deadlines", get(reads::deadlines))
        .route("/dashboard/interventions", get(reads::interventions))
        .route("/dashboard/demandas", get(reads::demands))
        .route("/dashboard/transfers", get(reads::transfers))
        .route("/dashboard/sanctions", get(reads::sanction_processes))
        .route("/sanctions", get(reads::sanctions))
        .route("/asset-freezes", get(reads::asset_freezes))
        .route("/complaint-index", get(reads::complaint_index))
        .route("/bulletins/{uf}/{year}/{quarter}", get(reads::bulletin))
        .route("/events", get(events::list))
        .route("/events/stream", get(events::stream))
        .route("/audit/verify", get(audit::verify))
        .route("/audit/replay", post(audit::replay))
        .fallback(|| async { ApiError::NotFound("rota inexistente".into()) })
        .layer(middleware::from_fn_with_state(state.clone(), idempotency::idempotent));
    Router::new()
        .nest("/api/v1", api)
        .route("/openapi.json", get(openapi::serve))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
}

/// Wraps `routes` in the layers of every request: metrics, the log of failed requests, the
/// body limit, request ids and tracing.
pub fn layered(routes: Router<AppState>) -> Router<AppState> {
    routes
        .layer(middleware::from_fn(record_metrics))
        .layer(middleware::from_fn(crate::error::log_failures))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY))
        .layer(PropagateRequestIdLayer::new(header::HeaderName::from_static(REQUEST_ID)))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .layer(SetRequestIdLayer::new(header::HeaderName::from_static(REQUEST_ID), MakeRequestUuid))
}

/// Counts requests and their latency by route for `/metrics`.
async fn record_metrics(request: Request, next: Next) -> Response {
    let route =
        request.extensions().get::<MatchedPath>().map_or_else(|| "desconhecida".to_owned(), |p| p.as_str().to_owned());
    let method = request.method().to_string();
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::histogram!("autos_http_request_seconds", "route" => route.clone(), "method" => method.clone())
        .record(started.elapsed().as_secs_f64());
    metrics::counter!("autos_http_requests_total", "route" => route, "method" => method, "status" => status)
        .increment(1);
    response
}

/// The act catalogue: every act, the roles that may perform it and its families.
async fn acts() -> Json<serde_json::Value> {
    Json(json!({ "items": act_catalogue() }))
}

async fn healthz() -> Json<serde_json::Value> {
    Json(json!({ "status": "ok" }))
}

/// Ready when the database answers and no projection stopped on an event.
async fn readyz(State(state): State<AppState>) -> Response {
    let database = state.store.ping().await;
    let projections = state.board.read().map(|b| b.clone()).unwrap_or_default();
    let failed: Vec<_> = projections.iter().filter(|(_, s)| matches!(s, RunState::Failed { .. })).collect();
    let body = json!({
        "backend": state.store.backend_name(),
        "database": database.is_ok(),
        "projections": projections,
    });
    if database.is_ok() && failed.is_empty() {
        Json(json!({ "status": "ready", "detail": body })).into_response()
    } else {
        let mut problem = ApiError::Unavailable("banco de dados indisponível ou projeção parada".into()).problem();
        problem.detail = format!("{problem_detail}: {body}", problem_detail = problem.detail);
        let status = StatusCode::SERVICE_UNAVAILABLE;
        (status, [(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"))], Json(problem))
            .into_response()
    }
}

async fn metrics(State(state): State<AppState>) -> Response {
    match &state.metrics {
        Some(handle) => {
            let mut text = handle.render();
            if let Ok(board) = state.board.read() {
                for (name, s) in board.iter() {
                    if let RunState::Running { position, .. } = s {
                        text.push_str(&format!("autos_projection_position{{projection=\"{name}\"}} {position}\n"));
                    }
                }
            }
            ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text).into_response()
        }
        None => ApiError::Unavailable("métricas desativadas".into()).into_response(),
    }
}
