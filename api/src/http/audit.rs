//! `/api/v1/audit`: integrity verification of the whole log and the replay check of every read
//! model (auditors).

use autos_domain::Role;
use autos_projections::runner::replay_check;
use autos_store::integrity;
use axum::extract::State;
use axum::Json;
use serde_json::json;

use crate::auth::Signed;
use crate::state::AppState;
use crate::ApiError;

const AUDIT_ROLES: [Role; 2] = [Role::Auditor, Role::Admin];

/// Seals what is unsealed, recomputes every chain and checkpoint, and reports.
pub(super) async fn verify(State(state): State<AppState>, signed: Signed) -> Result<Json<serde_json::Value>, ApiError> {
    signed.require(&AUDIT_ROLES)?;
    integrity::seal_all(state.store.as_ref()).await?;
    let report = integrity::verify(state.store.as_ref(), &|_| {}).await?;
    let checkpoint = report.latest_checkpoint.as_ref().map(integrity::export_checkpoint);
    Ok(Json(json!({ "ok": report.ok(), "report": report, "checkpoint": checkpoint })))
}

/// Rebuilds every read model into scratch tables and compares them with the live ones.
pub(super) async fn replay(State(state): State<AppState>, signed: Signed) -> Result<Json<serde_json::Value>, ApiError> {
    signed.require(&AUDIT_ROLES)?;
    let mut checks = Vec::new();
    for projection in autos_projections::all() {
        checks.push(replay_check(state.store.as_ref(), projection.as_ref()).await?);
    }
    let equal = checks.iter().all(|c| c.equal());
    Ok(Json(json!({ "equal": equal, "projections": checks })))
}
