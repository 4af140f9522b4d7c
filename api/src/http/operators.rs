//! `/api/v1/operadoras`: the operator registry (registration, cadastral acts, beneficiary counts)
//! and its reads (list, status now or at a past date, intervention timeline, cases).

use autos_domain::{OperatorCommand, Registro, Role};
use autos_projections::keys;
use autos_projections::models::{self, CaseRef, OperatorDoc, TimelineEntry};
use autos_projections::time_travel::Cut;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use tower_http::request_id::RequestId;

use super::export::{Cell, Format, Numbers, Separator, Style, Table};
use super::extract::Params;
use crate::auth::service_request;
use crate::auth::{MaybeSigned, Signed};
use crate::idempotency::Seed;
use crate::state::AppState;
use crate::ApiError;
use autos_app::labels::{fold, porte_label, standing};
use autos_app::service::{Outcome, Service};
use autos_app::views::Page;

pub(super) fn registro(text: &str) -> Result<Registro, ApiError> {
    Ok(Registro::parse(text)?)
}

/// Envelope fields a client may send beside a command's own fields.
pub(crate) struct Envelope {
    pub occurred_on: Option<NaiveDate>,
    pub expected_version: Option<i64>,
}

/// Splits the envelope fields off a JSON object, optionally sets its `act`, and parses the
/// command (no unknown fields).
pub(crate) fn command<T: serde::de::DeserializeOwned + serde::Serialize>(
    body: &[u8],
    act: Option<&str>,
) -> Result<(T, Envelope), ApiError> {
    let mut value: serde_json::Value = serde_json::from_slice(body).map_err(|e| super::extract::malformed(&e))?;
    let object =
        value.as_object_mut().ok_or_else(|| ApiError::InvalidInput("o corpo deve ser um objeto JSON".into()))?;
    let occurred_on = match object.remove("occurred_on") {
        None | Some(serde_json::Value::Null) => None,
        Some(v) => Some(
            serde_json::from_value(v)
                .map_err(|_| ApiError::InvalidInput("occurred_on: data inválida (AAAA-MM-DD)".into()))?,
        ),
    };
    let expected_version = match object.remove("expected_version") {
        None | Some(serde_json::Value::Null) => None,
        Some(v) => Some(
            v.as_i64()
                .filter(|n| *n >= 0)
                .ok_or_else(|| ApiError::InvalidInput("expected_version: inteiro >= 0".into()))?,
        ),
    };
    if let Some(act) = act {
        object.insert("act".into(), act.into());
    }
    let bytes = serde_json::to_vec(&value).map_err(|e| ApiError::InvalidInput(e.to_string()))?;
    Ok((super::extract::parse_json(&bytes)?, Envelope { occurred_on, expected_version }))
}

pub(super) fn require_json(headers: &axum::http::HeaderMap) -> Result<(), ApiError> {
    let ok = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if ok {
        Ok(())
    } else {
        Err(ApiError::InvalidInput("envie Content-Type: application/json".into()))
    }
}

/// Registers an operator (`admin`).
pub(super) async fn register(
    State(state): State<AppState>,
    signed: Signed,
    request_id: Option<Extension<RequestId>>,
    seed: Option<Extension<Seed>>,
    headers: axum::http::HeaderMap,
    body: Bytes,
) -> Result<impl IntoResponse, ApiError> {
    require_json(&headers)?;
    let (cmd, envelope): (OperatorCommand, _) = command(&body, Some("registrar_operadora"))?;
    let OperatorCommand::RegistrarOperadora { registro, .. } = &cmd else {
        return Err(ApiError::InvalidInput("corpo de registro de operadora esperado".into()));
    };
    let registro = *registro;
    let request = service_request(&signed, Vec::new(), envelope.occurred_on, request_id.as_ref().map(|e| &e.0));
    let outcome = state.service.keyed(seed.map(|e| e.0)).operator_command(registro, cmd, &request).await?;
    Ok((StatusCode::CREATED, Json(outcome)))
}

/// An operator registry act on the operator in the path, by `service` (keyed to the request);
/// `act` fixes the act when the route implies it.
async fn operator_act(
    service: &Service,
    text: &str,
    signed: &Signed,
    request_id: Option<&RequestId>,
    headers: &axum::http::HeaderMap,
    body: &[u8],
    act: Option<&str>,
) -> Result<(StatusCode, Json<Outcome>), ApiError> {
    require_json(headers)?;
    let registro = registro(text)?;
    let (cmd, envelope): (OperatorCommand, _) = command(body, act)?;
    let request = service_request(signed, Vec::new(), envelope.occurred_on, request_id);
    Ok((StatusCode::CREATED, Json(service.operator_command(registro, cmd, &request).await?)))
}

/// Any operator registry act (`act` names it).
pub(super) async fn act(
    State(state): State<AppState>,
    Path(text): Path<String>,
    signed: Signed,
    request_id: Option<Extension<RequestId>>,
    seed: Option<Extension<Seed>>,
    headers: axum::http::HeaderMap,
    body: Bytes,
) -> Result<impl IntoResponse, ApiError> {
    let service = state.service.keyed(seed.map(|e| e.0));
    operator_act(&service, &text, &signed, request_id.as_ref().map(|e| &e.0), &headers, &body, None).await
}

/// A monthly beneficiary count.
pub(super) async fn beneficiaries(
    State(state): State<AppState>,
    Path(text): Path<String>,
    signed: Signed,
    request_id: Option<Extension<RequestId>>,
    seed: Option<Extension<Seed>>,
    headers: axum::http::HeaderMap,
    body: Bytes,
) -> Result<impl IntoResponse, ApiError> {
    let request_id = request_id.as_ref().map(|e| &e.0);
    let service = state.service.keyed(seed.map(|e| e.0));
    operator_act(&service, &text, &signed, request_id, &headers, &body, Some("informar_beneficiarios")).await
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ListQuery {
    /// Part of the name or the registro.
    q: Option<String>,
    uf: Option<String>,
    modalidade: Option<String>,
    after: Option<String>,
    limit: Option<i64>,
    /// `csv`: every operator the filters keep, as a spreadsheet (no pages).
    format: Option<Format>,
    separator: Option<Separator>,
    numbers: Option<Numbers>,
}

/// Operators by registro, filtered by name, UF and modalidade (public); the whole register as
/// CSV with `format=csv`.
pub(super) async fn list(
    State(state): State<AppState>,
    Params(query): Params<ListQuery>,
) -> Result<Response, ApiError> {
    let style = Style::of(query.format, query.separator, query.numbers)?;
    let needle = query.q.as_deref().map(fold).unwrap_or_default();
    let uf = query.uf.map(|u| u.to_uppercase());
    let modalidade = query.modalidade.as_deref().map(fold);
    let keep = |op: &OperatorDoc| {
        let name_ok =
            needle.is_empty() || op.registro.contains(&needle) || fold(&op.state.razao_social).contains(&needle);
        let uf_ok = uf.as_ref().is_none_or(|u| op.state.uf.is_some_and(|x| x.code() == u));
        let modalidade_ok =
            modalidade.as_ref().is_none_or(|m| op.state.modalidade.is_some_and(|x| fold(x.label()) == *m));
        name_ok && uf_ok && modalidade_ok
    };
    let Some(style) = style else {
        let page = state
            .views
            .page::<OperatorDoc>(models::OPERATOR, "", query.after.as_deref(), query.limit.unwrap_or(50), keep)
            .await?;
        return Ok(Json(page).into_response());
    };
    if query.after.is_some() || query.limit.is_some() {
        return Err(ApiError::InvalidInput("after e limit não se aplicam com format=csv: o arquivo traz todas".into()));
    }
    let mut rows = Vec::new();
    for (_, value) in state.views.entries(models::OPERATOR, "").await? {
        let doc: OperatorDoc = serde_json::from_value(value)
            .map_err(|e| ApiError::Projection(autos_projections::ProjectionError::Corrupt(e.to_string())))?;
        if keep(&doc) {
            rows.push(register_row(&doc));
        }
    }
    let table = Table { name: "operadoras", headers: REGISTER_HEADERS.to_vec(), rows };
    table.response(style)
}

/// The columns of the register's CSV.
const REGISTER_HEADERS: [&str; 16] = [
    "Registro ANS",
    "Razão social",
    "CNPJ",
    "Modalidade",
    "UF",
    "Região",
    "Município",
    "Situação",
    "Porte",
    "Beneficiários (último mês informado)",
    "Mês informado",
    "Casos",
    "Multas impostas (R$)",
    "Multas pagas (R$)",
    "Multas em aberto (R$)",
    "Multas em dívida ativa (R$)",
];

/// One operator as a row of the register's CSV.
fn register_row(doc: &OperatorDoc) -> Vec<Cell> {
    let s = &doc.state;
    let last_count = s.beneficiarios_mensais.iter().next_back();
    let standing: Vec<String> = standing(doc).into_iter().map(|(label, _)| label).collect();
    vec![
        doc.registro.as_str().into(),
        s.razao_social.as_str().into(),
        s.cnpj.as_ref().map(|c| c.as_str().to_owned()).unwrap_or_default().into(),
        s.modalidade.map(|m| m.label()).unwrap_or_default().into(),
        s.uf.map(|u| u.code()).unwrap_or_default().into(),
        s.regiao.map(|r| r.label()).unwrap_or_default().into(),
        s.municipio.clone().unwrap_or_default().into(),
        standing.join("; ").into(),
        doc.porte.map(porte_label).unwrap_or_default().into(),
        last_count.map_or(Cell::Text(String::new()), |(_, n)| Cell::Integer(*n as i64)),
        last_count.map(|((y, m), _)| format!("{m:02}/{y}")).unwrap_or_default().into(),
        i64::from(doc.cases_total).into(),
        doc.multas.imposta.into(),
        doc.multas.paga.into(),
        doc.multas.em_aberto.into(),
        doc.multas.em_divida_ativa.into(),
    ]
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct TimeQuery {
    /// Legal date (valid time): acts that occurred on or before it.
    as_of: Option<NaiveDate>,
    /// Recording instant (transaction time): what the record held then.
    known_at: Option<DateTime<Utc>>,
}

impl TimeQuery {
    pub(super) fn cut(&self) -> Cut {
        Cut { as_of: self.as_of, known_at: self.known_at }
    }
}

/// Operator status, now or at a past point on either time axis (public).
pub(super) async fn status(
    State(state): State<AppState>,
    Path(text): Path<String>,
    Params(query): Params<TimeQuery>,
    MaybeSigned(_): MaybeSigned,
) -> Result<Json<OperatorDoc>, ApiError> {
    let registro = registro(&text)?;
    Ok(Json(state.views.operator(state.store.as_ref(), registro, query.cut()).await?))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PageQuery {
    after: Option<String>,
    limit: Option<i64>,
}

/// A page of an operator's documents of `model` (keys `{registro}/…`), the cursor relative to
/// the operator.
async fn operator_page<T: serde::de::DeserializeOwned>(
    state: &AppState,
    text: &str,
    query: PageQuery,
    model: &str,
) -> Result<Json<Page<T>>, ApiError> {
    let registro = registro(text)?;
    let prefix = keys::of_operator(registro);
    let after = query.after.map(|a| format!("{prefix}{a}"));
    let mut page =
        state.views.page::<T>(model, &prefix, after.as_deref(), query.limit.unwrap_or(100), |_| true).await?;
    page.next = page.next.map(|k| k.trim_start_matches(&prefix).to_owned());
    Ok(Json(page))
}

/// The intervention timeline in legal-date order.
pub(super) async fn timeline(
    State(state): State<AppState>,
    Path(text): Path<String>,
    Params(query): Params<PageQuery>,
) -> Result<Json<Page<TimelineEntry>>, ApiError> {
    operator_page(&state, &text, query, models::TIMELINE).await
}

/// The operator's cases.
pub(super) async fn cases(
    State(state): State<AppState>,
    Path(text): Path<String>,
    signed: Signed,
    Params(query): Params<PageQuery>,
) -> Result<Json<Page<CaseRef>>, ApiError> {
    signed.require(&Role::ALL)?;
    operator_page(&state, &text, query, models::CASE_OF_OPERATOR).await
}
