//! `/api/v1/auditoria`: integrity verification of the whole log and the replay check of every read
//! model — long work, run as one background job of each kind at a time (a `POST` starts one or
//! joins the one running, a `GET` reads its progress and its last result), never inside a
//! request — and the proofs an outsider checks with the public key alone: an event's receipt
//! and the consistency of two signed heads (auditors).

use autos_app::audit::Job;
use autos_domain::Role;
use autos_store::integrity;
use autos_store::tree_heads::{Consistency, Leaves, Receipt};
use autos_store::{EventStore, TreeHead};
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use crate::auth::Signed;
use crate::http::extract::Params;
use crate::state::AppState;
use crate::ApiError;

const AUDIT_ROLES: [Role; 2] = [Role::Auditor, Role::Administrador];

/// A background job as the API shows it: `estado` (`nunca`, `em_andamento`, `concluida`,
/// `falhou`), since when and how far it has got, and the fields `result` gives a finished one.
fn job_document<T>(job: &Job<T>, result: impl Fn(&T) -> Value) -> Value {
    match job {
        Job::Never => json!({ "estado": "nunca" }),
        Job::Running { since, done } => json!({ "estado": "em_andamento", "desde": since, "feito": done }),
        Job::Finished { at, seconds, outcome: Ok(value) } => {
            let mut document = json!({ "estado": "concluida", "concluida_em": at, "segundos": seconds });
            if let (Value::Object(fields), Value::Object(more)) = (&mut document, result(value)) {
                fields.extend(more);
            }
            document
        }
        Job::Finished { at, seconds, outcome: Err(fault) } => {
            json!({ "estado": "falhou", "concluida_em": at, "segundos": seconds, "erro": fault })
        }
    }
}

fn verify_document(state: &AppState) -> Value {
    job_document(&state.audit.snapshot().verify, |report| {
        let checkpoint = report.latest_checkpoint.as_ref().map(integrity::export_checkpoint);
        json!({ "ok": report.ok(), "report": report, "checkpoint": checkpoint })
    })
}

fn replay_document(state: &AppState) -> Value {
    job_document(
        &state.audit.snapshot().replay,
        |lines| json!({ "equal": lines.iter().all(|l| l.equal), "projections": lines }),
    )
}

/// 202 with the job's document, pointing at where its progress is read.
fn accepted(location: &'static str, document: Value) -> Response {
    (StatusCode::ACCEPTED, [(header::LOCATION, location)], Json(document)).into_response()
}

/// POST: starts the full verification in the background — the signed heads, then every chain
/// and checkpoint, sealing what is new only when nothing was found — or joins the one running.
pub(super) async fn start_verify(State(state): State<AppState>, signed: Signed) -> Result<Response, ApiError> {
    signed.require(&AUDIT_ROLES)?;
    state.audit.start_verify(state.store.clone());
    Ok(accepted("/api/v1/auditoria/verificacao", verify_document(&state)))
}

/// GET: the full verification's progress, or its last result.
pub(super) async fn verify(State(state): State<AppState>, signed: Signed) -> Result<Json<Value>, ApiError> {
    signed.require(&AUDIT_ROLES)?;
    Ok(Json(verify_document(&state)))
}

/// POST: starts rebuilding every read model into scratch tables to compare with the live ones,
/// in the background, or joins the check running.
pub(super) async fn start_replay(State(state): State<AppState>, signed: Signed) -> Result<Response, ApiError> {
    signed.require(&AUDIT_ROLES)?;
    state.audit.start_replay(state.store.clone());
    Ok(accepted("/api/v1/auditoria/reprocessamento", replay_document(&state)))
}

/// GET: the replay check's progress (projections done), or its last result.
pub(super) async fn replay(State(state): State<AppState>, signed: Signed) -> Result<Json<Value>, ApiError> {
    signed.require(&AUDIT_ROLES)?;
    Ok(Json(replay_document(&state)))
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

/// GET /api/v1/auditoria/prova/{position}: the receipt of one event — its hash, its inclusion proof
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

/// GET /api/v1/auditoria/consistencia?from=N: the proof that the latest signed head extends the
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
