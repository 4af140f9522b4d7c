//! `/api/v1/audit`: integrity verification of the whole log, the replay check of every read
//! model, and the proofs an outsider checks with the public key alone — an event's receipt and
//! the consistency of two signed heads (auditors).

use autos_domain::Role;
use autos_projections::runner::replay_check;
use autos_store::integrity;
use autos_store::tree_heads::{Consistency, Leaves, Receipt};
use autos_store::{EventStore, TreeHead};
use axum::extract::{Path, State};
use axum::Json;
use serde_json::json;

use crate::auth::Signed;
use crate::http::extract::Params;
use crate::state::AppState;
use crate::ApiError;

const AUDIT_ROLES: [Role; 2] = [Role::Auditor, Role::Admin];

/// Checks the signed heads, seals what is unsealed, recomputes every chain and checkpoint, and reports.
pub(super) async fn verify(State(state): State<AppState>, signed: Signed) -> Result<Json<serde_json::Value>, ApiError> {
    signed.require(&AUDIT_ROLES)?;
    let report = state.audit.verify_log(state.store.as_ref(), &|_| {}).await?;
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

/// The latest signed head, and the leaves of the log up to it.
async fn latest_head(store: &dyn EventStore) -> Result<(TreeHead, Leaves), ApiError> {
    let head = store.tree_heads().await?.pop().ok_or_else(|| {
        ApiError::NotFound("nenhum cabeçalho assinado ainda: o registro é assinado ao ser selado".into())
    })?;
    let leaves = Leaves::read(store, Some(head.position)).await?;
    Ok((head, leaves))
}

fn unmatched() -> ApiError {
    ApiError::LogMismatch("nenhuma prova pode ser dada contra ele; rode a verificação completa".into())
}

/// GET /api/v1/audit/proof/{position}: the receipt of one event — its hash, its inclusion proof
/// and the latest signed head — for `autos proof check`.
pub(super) async fn proof(
    State(state): State<AppState>,
    signed: Signed,
    Path(text): Path<String>,
) -> Result<Json<Receipt>, ApiError> {
    signed.require(&AUDIT_ROLES)?;
    let position: i64 = text.parse().map_err(|_| ApiError::InvalidInput(format!("posição inválida: {text:?}")))?;
    let store = state.store.as_ref();
    let not_found = || ApiError::NotFound(format!("evento na posição {position}"));
    let event = store.read_all(position.saturating_sub(1), 1).await?.pop().filter(|e| e.position == position);
    let event = event.ok_or_else(not_found)?;
    let (head, leaves) = latest_head(store).await?;
    if position > head.position {
        return Err(ApiError::NotFound(format!(
            "o evento na posição {position} ainda não está coberto por um cabeçalho assinado (último: posição {})",
            head.position
        )));
    }
    Receipt::build(&leaves, &head, &event).map(Json).ok_or_else(unmatched)
}

#[derive(serde::Deserialize)]
pub(super) struct ConsistencyQuery {
    from: Option<i64>,
}

/// GET /api/v1/audit/consistency?from=N: the proof that the latest signed head extends the
/// signed head of N events.
pub(super) async fn consistency(
    State(state): State<AppState>,
    signed: Signed,
    Params(query): Params<ConsistencyQuery>,
) -> Result<Json<Consistency>, ApiError> {
    signed.require(&AUDIT_ROLES)?;
    let from = query.from.ok_or_else(|| ApiError::InvalidInput("informe from=N, o tamanho de um cabeçalho".into()))?;
    let store = state.store.as_ref();
    let earlier = store.tree_heads().await?.into_iter().find(|h| h.tree_size == from);
    let earlier = earlier.ok_or_else(|| ApiError::NotFound(format!("cabeçalho assinado de {from} eventos")))?;
    let (latest, leaves) = latest_head(store).await?;
    Consistency::build(&leaves, &earlier, &latest).map(Json).ok_or_else(unmatched)
}
