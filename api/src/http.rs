//! The HTTP server: application state, the router and the health endpoints.
//!
//! `/healthz` answers as long as the process runs; `/readyz` also checks that the event store
//! answers, so a load balancer stops sending traffic to an instance that lost its database.

use std::sync::Arc;

use autos_store::EventStore;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;

/// Shared by every request handler.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn EventStore>,
}

/// The whole HTTP surface of Autos.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .with_state(state)
}

async fn healthz() -> Json<serde_json::Value> {
    Json(json!({ "status": "ok" }))
}

async fn readyz(State(state): State<AppState>) -> Response {
    match state.store.ping().await {
        Ok(()) => Json(json!({ "status": "ready", "backend": state.store.backend_name() })).into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::CONTENT_TYPE, "application/problem+json")],
                Json(json!({
                    "type": "about:blank",
                    "title": "Serviço indisponível",
                    "status": 503,
                    "code": "unavailable",
                    "detail": "o banco de eventos não respondeu",
                })),
            )
                .into_response()
        }
    }
}
