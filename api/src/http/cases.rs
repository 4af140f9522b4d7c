//! `/api/v1/cases`: opening acts, acts on a case (optimistic concurrency by `If-Match` or
//! `expected_version`), the case's state now or at a past point, and its events.

use autos_domain::acts::find_act;
use autos_domain::{CaseCommand, Role};
use autos_projections::models::CaseDoc;
use autos_store::StoredEvent;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::{Extension, Json};
use tower_http::request_id::RequestId;
use uuid::Uuid;

use super::extract::Params;
use super::operators::{command, require_json, TimeQuery};
use super::{service_request, AppState};
use crate::auth::Signed;
use crate::ApiError;

fn case_id(text: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(text).map_err(|_| ApiError::InvalidInput(format!("identificador de caso inválido: {text:?}")))
}

/// The version pinned by `If-Match: "7"` (or `If-Match: 7`).
fn if_match(headers: &HeaderMap) -> Result<Option<i64>, ApiError> {
    headers
        .get(axum::http::header::IF_MATCH)
        .map(|v| {
            v.to_str()
                .ok()
                .map(|s| s.trim().trim_matches('"'))
                .and_then(|s| s.parse::<i64>().ok())
                .filter(|n| *n >= 0)
                .ok_or_else(|| ApiError::InvalidInput("If-Match deve conter a versão do caso".into()))
        })
        .transpose()
}

/// Interventors act only on cases that designate them: the case's state names the officer.
async fn appointed(state: &AppState, signed: &Signed, id: Uuid) -> Result<Vec<Uuid>, ApiError> {
    if signed.0.role != Role::Interventor {
        return Ok(Vec::new());
    }
    let Some((case, _)) = state.service.case_state(id).await? else { return Ok(Vec::new()) };
    let text = serde_json::to_string(&case).unwrap_or_default();
    Ok(if text.contains(&signed.0.officer_id.to_string()) { vec![id] } else { Vec::new() })
}

/// Parses a case act and checks it is (or is not) an opening act.
fn case_act(
    headers: &HeaderMap,
    body: &[u8],
    opening: bool,
) -> Result<(CaseCommand, super::operators::Envelope), ApiError> {
    require_json(headers)?;
    let (cmd, envelope): (CaseCommand, _) = command(body, None)?;
    match (find_act(&cmd.act())?.opens_case, opening) {
        (true, false) => Err(ApiError::InvalidInput(format!("o ato {} abre um novo caso; use POST /cases", cmd.act()))),
        (false, true) => {
            Err(ApiError::InvalidInput(format!("o ato {} não abre um caso; use POST /cases/{{id}}/acts", cmd.act())))
        }
        _ => Ok((cmd, envelope)),
    }
}

/// Opens a case with its opening act.
pub(super) async fn open(
    State(state): State<AppState>,
    signed: Signed,
    request_id: Option<Extension<RequestId>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<impl IntoResponse, ApiError> {
    let (cmd, envelope) = case_act(&headers, &body, true)?;
    let request = service_request(&signed, Vec::new(), envelope.occurred_on, request_id.as_ref().map(|e| &e.0));
    Ok((StatusCode::CREATED, Json(state.service.case_command(None, cmd, None, &request).await?)))
}

/// An act on an existing case.
pub(super) async fn act(
    State(state): State<AppState>,
    Path(text): Path<String>,
    signed: Signed,
    request_id: Option<Extension<RequestId>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<impl IntoResponse, ApiError> {
    let id = case_id(&text)?;
    let (cmd, envelope) = case_act(&headers, &body, false)?;
    let pinned = if_match(&headers)?.or(envelope.expected_version);
    let appointed = appointed(&state, &signed, id).await?;
    let request = service_request(&signed, appointed, envelope.occurred_on, request_id.as_ref().map(|e| &e.0));
    Ok((StatusCode::CREATED, Json(state.service.case_command(Some(id), cmd, pinned, &request).await?)))
}

/// A case's state, now or at a past point on either time axis.
pub(super) async fn show(
    State(state): State<AppState>,
    Path(text): Path<String>,
    Params(query): Params<TimeQuery>,
    signed: Signed,
) -> Result<impl IntoResponse, ApiError> {
    signed.require(&Role::ALL)?;
    let id = case_id(&text)?;
    let doc: CaseDoc = state.views.case(state.store.as_ref(), id, query.cut()).await?;
    let etag = format!("\"{}\"", doc.version);
    Ok(([(axum::http::header::ETAG, etag)], Json(doc)))
}

/// Every event of a case, in version order, with its full envelope.
pub(super) async fn events(
    State(state): State<AppState>,
    Path(text): Path<String>,
    signed: Signed,
) -> Result<Json<serde_json::Value>, ApiError> {
    signed.require(&Role::ALL)?;
    let id = case_id(&text)?;
    let events: Vec<StoredEvent> = state.store.read_stream(&format!("caso-{id}"), 1).await?;
    if events.is_empty() {
        return Err(ApiError::NotFound(format!("caso {id}")));
    }
    Ok(Json(serde_json::json!({ "items": events })))
}
