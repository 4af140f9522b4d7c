//! `/api/v1/casos`: opening acts, acts on a case (optimistic concurrency by `If-Match` or
//! `expected_version`), the case's state now or at a past point, its events, and the personal
//! data its acts sealed (for the roles that need it, each read logged).

use autos_domain::acts::find_act;
use autos_domain::{CaseCommand, Role, StreamRef};
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
use crate::auth::service_request;
use crate::auth::Signed;
use crate::idempotency::Seed;
use crate::state::AppState;
use crate::ApiError;
use autos_app::personal_data::{self, OpenedPersonalData, PersonalFields, CASE_PERSONAL_FIELDS};

fn case_id(text: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(text).map_err(|_| ApiError::InvalidInput(format!("identificador de caso inválido: {text:?}")))
}

/// The version pinned by `If-Match: "7"` (or `If-Match: 7`).
pub(super) fn if_match(headers: &HeaderMap) -> Result<Option<i64>, ApiError> {
    headers
        .get(axum::http::header::IF_MATCH)
        .map(|v| {
            v.to_str()
                .ok()
                .map(|s| s.trim().trim_matches('"'))
                .and_then(|s| s.parse::<i64>().ok())
                .filter(|n| *n >= 0)
                .ok_or_else(|| ApiError::InvalidInput("If-Match deve conter a versão (ETag) lida".into()))
        })
        .transpose()
}

/// Interventors act only on cases that appoint them: the officer id the case's state records
/// for its diretor or liquidante ([`autos_domain::CaseState::appointed_officer`]). The JSON API
/// and the pages both ask here.
pub(crate) async fn appointed(state: &AppState, signed: &Signed, id: Uuid) -> Result<Vec<Uuid>, ApiError> {
    if signed.0.role != Role::Interventor {
        return Ok(Vec::new());
    }
    let Some((case, _)) = state.service.case_state(id).await? else { return Ok(Vec::new()) };
    Ok(if case.appointed_officer() == Some(signed.0.officer_id) { vec![id] } else { Vec::new() })
}

/// Parses a case act's JSON and checks it is (or is not) an opening act; personal data in clear
/// is sealed only once the rest of the act has parsed. The pages send their forms' acts here too.
pub(crate) async fn parse_case_act(
    state: &AppState,
    body: &[u8],
    opening: bool,
) -> Result<(CaseCommand, super::operators::Envelope), ApiError> {
    let (cmd, envelope): (CaseCommand, _) = sealed_command(state, body, CASE_PERSONAL_FIELDS, None).await?;
    match (find_act(cmd.act())?.opens_case, opening) {
        (true, false) => Err(ApiError::InvalidInput(format!("o ato {} abre um novo caso; use POST /casos", cmd.act()))),
        (false, true) => {
            Err(ApiError::InvalidInput(format!("o ato {} não abre um caso; use POST /casos/{{id}}/atos", cmd.act())))
        }
        _ => Ok((cmd, envelope)),
    }
}

/// Parses an act's JSON as [`command`] does (`act` fixing the act when the route implies it),
/// the personal data in clear under `fields` sealed only once the rest of the act has parsed
/// with placeholders.
pub(crate) async fn sealed_command<T: serde::de::DeserializeOwned + serde::Serialize>(
    state: &AppState,
    body: &[u8],
    fields: &[&str],
    act: Option<&str>,
) -> Result<(T, super::operators::Envelope), ApiError> {
    match PersonalFields::extract(body, fields)? {
        None => command(body, act),
        Some(personal) => {
            command::<T>(&personal.placeholder_body(), act)?;
            command(&personal.seal(&state.personal).await?, act)
        }
    }
}

/// Opens a case with its opening act.
pub(super) async fn open(
    State(state): State<AppState>,
    signed: Signed,
    request_id: Option<Extension<RequestId>>,
    seed: Option<Extension<Seed>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<impl IntoResponse, ApiError> {
    require_json(&headers)?;
    let (cmd, envelope) = parse_case_act(&state, &body, true).await?;
    let request = service_request(&signed, Vec::new(), envelope.occurred_on, request_id.as_ref().map(|e| &e.0));
    let service = state.service.keyed(seed.map(|e| e.0));
    Ok((StatusCode::CREATED, Json(service.case_command(None, cmd, None, &request).await?)))
}

/// An act on an existing case.
pub(super) async fn act(
    State(state): State<AppState>,
    Path(text): Path<String>,
    signed: Signed,
    request_id: Option<Extension<RequestId>>,
    seed: Option<Extension<Seed>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<impl IntoResponse, ApiError> {
    let id = case_id(&text)?;
    require_json(&headers)?;
    let (cmd, envelope) = parse_case_act(&state, &body, false).await?;
    let pinned = if_match(&headers)?.or(envelope.expected_version);
    let appointed = appointed(&state, &signed, id).await?;
    let request = service_request(&signed, appointed, envelope.occurred_on, request_id.as_ref().map(|e| &e.0));
    let service = state.service.keyed(seed.map(|e| e.0));
    Ok((StatusCode::CREATED, Json(service.case_command(Some(id), cmd, pinned, &request).await?)))
}

/// A case's state, now or at a past point on either time axis.
pub(super) async fn show(
    State(state): State<AppState>,
    Path(text): Path<String>,
    signed: Signed,
    Params(query): Params<TimeQuery>,
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
    let events: Vec<StoredEvent> = state.store.read_stream(&StreamRef::Caso(id).to_string(), 1).await?;
    if events.is_empty() {
        return Err(ApiError::NotFound(format!("caso {id}")));
    }
    Ok(Json(serde_json::json!({ "items": events })))
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PurposeQuery {
    /// Why the officer reads the data (required); it is logged with the read (LGPD art. 37).
    /// Optional in the type so that a role without access is refused before its query is read.
    finalidade: Option<String>,
}

/// The personal data sealed in a case's acts, opened for an officer whose work needs it.
pub(super) async fn personal_data(
    State(state): State<AppState>,
    Path(text): Path<String>,
    signed: Signed,
    Params(query): Params<PurposeQuery>,
) -> Result<Json<serde_json::Value>, ApiError> {
    signed.require(&PERSONAL_DATA_READERS)?;
    let id = case_id(&text)?;
    let items = open_personal_data(&state, &signed, id, query.finalidade.as_deref().unwrap_or_default()).await?;
    Ok(Json(serde_json::json!({ "items": items })))
}

/// The roles whose work needs the complainants' and beneficiaries' data.
pub(crate) const PERSONAL_DATA_READERS: [Role; 3] = [Role::Atendente, Role::Fiscal, Role::Diretoria];

/// Opens every piece of personal data of case `id` for `signed`, who states `purpose`; the vault
/// logs each read (LGPD art. 37). The pages open the data through here too.
pub(crate) async fn open_personal_data(
    state: &AppState,
    signed: &Signed,
    id: Uuid,
    purpose: &str,
) -> Result<Vec<OpenedPersonalData>, ApiError> {
    signed.require(&PERSONAL_DATA_READERS)?;
    let purpose = purpose.trim();
    if purpose.chars().count() < 5 {
        return Err(ApiError::InvalidInput("finalidade: diga para que os dados serão usados".into()));
    }
    let events = state.store.read_stream(&StreamRef::Caso(id).to_string(), 0).await?;
    if events.is_empty() {
        return Err(ApiError::NotFound(format!("caso {id}")));
    }
    let reader = autos_store::personal::PersonalDataReader {
        officer_id: signed.0.officer_id,
        role: signed.0.role.as_str().to_owned(),
        purpose: purpose.to_owned(),
    };
    Ok(personal_data::open_all(&state.personal, &events, &reader).await?)
}
