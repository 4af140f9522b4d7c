//! The JSON API: the `/api/v1` routes and their handlers, the operational endpoints
//! (`/healthz`, `/readyz`, `/metrics`, `/openapi.json`) and the layers every request passes
//! (request ids that also land in the events' `correlation_id`, tracing, metrics, the log of
//! failed requests, body limit, NUL characters and forged page requests refused; idempotency on
//! the API). `crate::router` joins it to the pages.

mod audit;
pub(crate) mod cases;
pub(crate) mod csrf;
mod events;
pub(crate) mod export;
pub mod extract;
pub mod igr;
mod nul;
pub mod openapi;
mod operators;
pub mod parceiros;
pub(crate) mod reads;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Instant;

use autos_domain::act_catalogue;
use autos_projections::runner::{self, Leader, ProjectionStatus, RunState};
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::idempotency::{self, MAX_BODY};
use crate::state::AppState;
use crate::ApiError;

const REQUEST_ID: &str = "x-request-id";

/// The pages' own styles are inline; nothing else comes from outside, and no script runs.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The JSON API, nested under `/api/v1`, and the operational endpoints, with the layers that
/// wrap every route (pages included, which `crate::router` merges in before them).
pub fn routes(state: &AppState) -> Router<AppState> {
    let api = Router::new()
        .route("/operadoras", post(operators::register).get(operators::list))
        .route("/operadoras/{registro}", get(operators::status))
        .route("/operadoras/{registro}/linha-do-tempo", get(operators::timeline))
        .route("/operadoras/{registro}/casos", get(operators::cases))
        .route("/operadoras/{registro}/beneficiarios", post(operators::beneficiaries))
        .route("/operadoras/{registro}/atos", post(operators::act))
        .route("/casos", post(cases::open))
        .route("/casos/{id}", get(cases::show))
        .route("/casos/{id}/atos", post(cases::act))
        .route("/casos/{id}/eventos", get(cases::events))
        .route("/casos/{id}/dados-pessoais", get(cases::personal_data))
        .route("/atos", get(acts))
        .route("/prazos", get(reads::deadlines))
        .route("/painel/intervencoes", get(reads::interventions))
        .route("/painel/demandas", get(reads::demands))
        .route("/painel/alienacoes", get(reads::transfers))
        .route("/painel/sancoes", get(reads::sanction_processes))
        .route("/sancoes", get(reads::sanctions))
        .route("/indisponibilidades", get(reads::asset_freezes))
        .route("/indice-reclamacoes", get(reads::complaint_index))
        .route("/igr", get(igr::export))
        .route("/boletins/{uf}/{ano}/{trimestre}", get(reads::bulletin))
        .route("/parceiros", post(parceiros::register).get(parceiros::list))
        .route("/parceiros/acordos", get(parceiros::agreements))
        .route("/parceiros/{id}", get(parceiros::show))
        .route("/parceiros/{id}/atos", post(parceiros::act))
        .route("/parceiros/{id}/boletins/{trimestre}", get(parceiros::bulletin))
        .route("/programa-parceiros/atos", post(parceiros::programme_act))
        .route("/programa-parceiros/itens", get(parceiros::programme_items))
        .route("/eventos", get(events::list))
        .route("/eventos/fluxo", get(events::stream))
        .route("/auditoria/verificacao", get(audit::verify).post(audit::start_verify))
        .route("/auditoria/reprocessamento", get(audit::replay).post(audit::start_replay))
        .route("/auditoria/prova/{position}", get(audit::proof))
        .route("/auditoria/consistencia", get(audit::consistency))
        .fallback(|| async { ApiError::NotFound("rota inexistente".into()) })
        .layer(middleware::from_fn_with_state(state.clone(), idempotency::idempotent));
    Router::new()
        .nest("/api/v1", api)
        .route("/openapi.json", get(openapi::serve))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
}

/// Wraps `routes` in the layers of every request: metrics, security headers, `no-store`, the
/// refusal of NUL characters and of forged cookie-signed changes ([`csrf`]), the log of failed
/// requests, the body limit, request ids and tracing.
pub fn layered(routes: Router<AppState>, state: &AppState) -> Router<AppState> {
    let header = |name: &'static str, value: &'static str| {
        SetResponseHeaderLayer::if_not_present(header::HeaderName::from_static(name), HeaderValue::from_static(value))
    };
    routes
        .layer(middleware::from_fn(record_metrics))
        // Security headers on every answer: no sniffing, no framing, no referrer beyond this
        // site, and a policy that lets the pages load only their own resources (no scripts).
        .layer(header("x-content-type-options", "nosniff"))
        .layer(header("x-frame-options", "DENY"))
        .layer(header("referrer-policy", "same-origin"))
        .layer(header("content-security-policy", CONTENT_SECURITY_POLICY))
        // Nothing a page or an answer holds is for a shared cache (the favicon says otherwise).
        .layer(header("cache-control", "no-store"))
        .layer(middleware::from_fn(nul::refuse_nul))
        .layer(middleware::from_fn_with_state(state.clone(), csrf::forged_changes_refused))
        .layer(middleware::from_fn(bounded))
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(REQUEST_LIMIT))
        .layer(middleware::from_fn(crate::error::log_failures))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY))
        .layer(PropagateRequestIdLayer::new(header::HeaderName::from_static(REQUEST_ID)))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .layer(SetRequestIdLayer::new(header::HeaderName::from_static(REQUEST_ID), MakeRequestUuid))
}

/// How long a request may take, its body included. Excepted: the event stream, meant to last,
/// and the synchronous audit endpoints of the API, which run as long as the log is big (the
/// audit page runs the same work as background jobs).
const REQUEST_LIMIT: std::time::Duration = std::time::Duration::from_secs(30);

/// Answers 503 `timed_out` to a request still unanswered after [`REQUEST_LIMIT`]. An act whose
/// answer this replaces may or may not have been appended: the client repeats it with its
/// Idempotency-Key and gets the first answer, or the act is appended then.
async fn bounded(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if path == "/api/v1/eventos/fluxo" || path.starts_with("/api/v1/auditoria/") {
        return next.run(request).await;
    }
    let path = path.to_owned();
    match tokio::time::timeout(REQUEST_LIMIT, next.run(request)).await {
        Ok(response) => response,
        Err(_) => refusal(&path, ApiError::TimedOut),
    }
}

/// A request refused by a layer, before or instead of its handler: a problem document for the
/// API, a page in the layout for the pages.
fn refusal(path: &str, error: ApiError) -> Response {
    if path.starts_with("/api/") {
        error.into_response()
    } else {
        crate::pages::error_page(None, error)
    }
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

/// How long `/readyz` waits for each database check.
const READY_CHECK: std::time::Duration = std::time::Duration::from_secs(2);

/// Ready when the database answers, writes reach it, and no projection stopped on an event.
/// While writes fail (a full disk, an IO fault) each call probes with one real commit, so the
/// server reports ready again by itself as soon as the fault clears.
/// Per projection the body shows this instance's runner state and, from the database, the log
/// head, the applied position, the lag and the lease holder.
/// Each database check is bounded by [`READY_CHECK`], so a database that does not answer makes
/// `/readyz` say so within seconds instead of hanging the probe.
async fn readyz(State(state): State<AppState>) -> Response {
    let database = matches!(tokio::time::timeout(READY_CHECK, state.store.ping()).await, Ok(Ok(())));
    if !state.store.write_health().status().is_ok() {
        let _ = tokio::time::timeout(READY_CHECK, autos_store::health::probe(state.store.as_ref())).await;
    }
    let writes = state.store.write_health().status();
    let projections = runner::status(state.store.as_ref(), &state.board).await;
    let failed: Vec<_> = projections.iter().filter(|(_, s)| matches!(s.state, RunState::Failed { .. })).collect();
    let body = json!({
        "backend": state.store.backend_name(),
        "database": database,
        "instance": state.board.instance(),
        "writes": writes,
        "projections": projections,
    });
    if database && writes.is_ok() && failed.is_empty() {
        Json(json!({ "status": "ready", "detail": body })).into_response()
    } else {
        let mut problem =
            ApiError::Unavailable("banco de dados indisponível, gravações falhando ou projeção parada".into())
                .problem();
        problem.detail = format!("{problem_detail}: {body}", problem_detail = problem.detail);
        let status = StatusCode::SERVICE_UNAVAILABLE;
        (status, [(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"))], Json(problem))
            .into_response()
    }
}

/// One gauge per projection: its name, its help text and how to read it from a status.
type Gauge = (&'static str, &'static str, fn(&ProjectionStatus) -> Option<i64>);

const PROJECTION_GAUGES: [Gauge; 5] = [
    ("autos_projection_position", "Última posição aplicada por esta instância, quando lidera", |s| match s.state {
        RunState::Running { position, .. } => Some(position),
        _ => None,
    }),
    ("autos_projection_head_position", "Última posição do registro visível aos leitores", |s| {
        s.progress.as_ref().map(|p| p.head_position)
    }),
    ("autos_projection_applied_position", "Posição aplicada pela geração viva, por qualquer instância", |s| {
        s.progress.as_ref().map(|p| p.applied_position)
    }),
    ("autos_projection_lag_events", "Eventos do registro ainda não aplicados pela projeção", |s| {
        s.progress.as_ref().map(|p| p.lag_events)
    }),
    ("autos_projection_leader", "1 quando esta instância detém a concessão da projeção, 0 quando não", |s| {
        s.progress.as_ref().map(|p| i64::from(p.leader.as_ref().is_some_and(Leader::is_this_instance)))
    }),
];

/// The projection gauges in Prometheus text format.
fn projection_gauges(status: &BTreeMap<&'static str, ProjectionStatus>) -> String {
    let mut text = String::new();
    for (metric, help, value) in PROJECTION_GAUGES {
        let samples: Vec<_> = status.iter().filter_map(|(name, s)| value(s).map(|v| (name, v))).collect();
        if samples.is_empty() {
            continue;
        }
        let _ = writeln!(text, "# HELP {metric} {help}\n# TYPE {metric} gauge");
        for (name, v) in samples {
            let _ = writeln!(text, "{metric}{{projection=\"{name}\"}} {v}");
        }
    }
    text
}

async fn metrics(State(state): State<AppState>) -> Response {
    match &state.metrics {
        Some(handle) => {
            let mut text = handle.render();
            text.push_str(&projection_gauges(&runner::status(state.store.as_ref(), &state.board).await));
            ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text).into_response()
        }
        None => ApiError::Unavailable("métricas desativadas".into()).into_response(),
    }
}
