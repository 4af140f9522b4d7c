//! `/api/v1/parceiros` and `/api/v1/programa-parceiros`: the Parceiros da Cidadania programme
//! (docs/DOMAIN.md §6) — registering partners and every act on them and their agreements, the
//! programme's curated bulletin items, and the reads: partners by UF, one partner with its
//! agreements and obligations per quarter, the agreements in force on a date, and an issued
//! bulletin exactly as frozen; the agreements in force also as CSV (`format=csv`). Issuing a bulletin (`emitir_boletim`) takes only the agreement
//! and the quarter: the server builds the content from the bulletin read model of the partner's
//! UF, the programme's items and the partner's information, and records it with its SHA-256.
//!
//! Roles: DIFIS officers (`fiscal`) and the directorate write and read; auditors read; no other
//! role reaches the programme (`autos_domain::parceiro`'s module doc gives the argument).

use autos_app::parceiros;
use autos_app::personal_data::PARTNER_PERSONAL_FIELDS;
use autos_app::service::Outcome;
use autos_app::views::Page;
use autos_domain::parceiro::programa::{ProgramaCommand, ProgramaState};
use autos_domain::{ParceiroCommand, Role, StreamRef, Trimestre};
use autos_projections::keys;
use autos_projections::parceiros::{ParceiroDoc, ParceiroView, PARTNER, PROGRAMME};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use tower_http::request_id::RequestId;
use uuid::Uuid;

use super::cases::{if_match, sealed_command};
use super::export::{Cell, Format, Numbers, Separator, Style, Table};
use super::extract::Params;
use super::operators::require_json;
use crate::auth::{service_request, Signed};
use crate::idempotency::Seed;
use crate::state::AppState;
use crate::ApiError;

/// Who acts in the programme.
pub const WRITERS: &[Role] = &[Role::Fiscal, Role::Diretoria];
/// Who reads the programme's records.
pub const READERS: &[Role] = &[Role::Fiscal, Role::Diretoria, Role::Auditor];

pub(crate) fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

pub(crate) fn parceiro_id(text: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(text).map_err(|_| ApiError::InvalidInput(format!("identificador de parceiro inválido: {text:?}")))
}

/// The partner's document in the read model.
pub(crate) async fn partner_doc(state: &AppState, id: Uuid) -> Result<ParceiroDoc, ApiError> {
    state.views.get(PARTNER, &keys::parceiro(id)).await?.ok_or_else(|| ApiError::NotFound(format!("parceiro {id}")))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ListQuery {
    uf: Option<String>,
    after: Option<String>,
    limit: Option<i64>,
}

/// Partners, filtered by UF, each with its agreements as they stand today.
pub(super) async fn list(
    State(state): State<AppState>,
    signed: Signed,
    Params(query): Params<ListQuery>,
) -> Result<Json<Page<ParceiroView>>, ApiError> {
    signed.require(READERS)?;
    let uf = query.uf.as_deref().map(autos_domain::Uf::parse).transpose()?;
    let keep = |doc: &ParceiroDoc| uf.is_none_or(|u| doc.state.uf == Some(u));
    let page = state.views.page(PARTNER, "", query.after.as_deref(), query.limit.unwrap_or(50), keep).await?;
    let today = today();
    Ok(Json(Page { items: page.items.iter().map(|d: &ParceiroDoc| d.view(today)).collect(), next: page.next }))
}

/// An accepted partner act, answered with the partner it acted on.
#[derive(Debug, Serialize)]
pub(super) struct PartnerOutcome {
    parceiro_id: Uuid,
    #[serde(flatten)]
    outcome: Outcome,
}

/// Registers a partner (`cadastrar_parceiro`, its contact person sealed at the edge).
pub(super) async fn register(
    State(state): State<AppState>,
    signed: Signed,
    request_id: Option<Extension<RequestId>>,
    seed: Option<Extension<Seed>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<impl IntoResponse, ApiError> {
    signed.require(WRITERS)?;
    require_json(&headers)?;
    let service = state.service.keyed(seed.map(|e| e.0));
    let (parceiro_id, outcome) =
        register_partner(&state, &service, &signed, &body, request_id.as_ref().map(|e| &e.0)).await?;
    Ok((StatusCode::CREATED, Json(PartnerOutcome { parceiro_id, outcome })))
}

/// Registers a partner from its `cadastrar_parceiro` JSON (the API's body, or the page's decoded
/// form), the contact person sealed; answers the new partner's id.
///
/// # Errors
/// `InvalidInput` for a malformed registration; the service's refusals.
pub(crate) async fn register_partner(
    state: &AppState,
    service: &autos_app::service::Service,
    signed: &Signed,
    body: &[u8],
    request_id: Option<&RequestId>,
) -> Result<(Uuid, Outcome), ApiError> {
    signed.require(WRITERS)?;
    let (cmd, envelope): (ParceiroCommand, _) =
        sealed_command(state, body, PARTNER_PERSONAL_FIELDS, Some(ParceiroCommand::REGISTRATION)).await?;
    let request = service_request(signed, Vec::new(), envelope.occurred_on, request_id);
    let outcome = service.parceiro_command(Uuid::now_v7(), cmd, None, &request).await?;
    // A repeated request is answered from the log: the partner is the stream it appended to.
    let parceiro_id = outcome
        .stream_versions
        .keys()
        .find_map(|s| match StreamRef::parse(s) {
            Ok(StreamRef::Parceiro(id)) => Some(id),
            _ => None,
        })
        .ok_or_else(|| ApiError::Internal("o cadastro não gravou o parceiro".into()))?;
    Ok((parceiro_id, outcome))
}

/// One partner as it stands today (ETag = its stream version).
pub(super) async fn show(
    State(state): State<AppState>,
    Path(text): Path<String>,
    signed: Signed,
) -> Result<impl IntoResponse, ApiError> {
    signed.require(READERS)?;
    let doc = partner_doc(&state, parceiro_id(&text)?).await?;
    let etag = format!("\"{}\"", doc.version);
    Ok(([(axum::http::header::ETAG, etag)], Json(doc.view(today()))))
}

/// Fills an `emitir_boletim` body with the content the server builds and its digest; a body
/// that brings its own content is refused.
async fn with_bulletin_content(state: &AppState, id: Uuid, body: &[u8]) -> Result<Vec<u8>, ApiError> {
    let Ok(Value::Object(mut object)) = serde_json::from_slice::<Value>(body) else { return Ok(body.to_vec()) };
    if object.get("act").and_then(Value::as_str) != Some("emitir_boletim") {
        return Ok(body.to_vec());
    }
    if object.contains_key("conteudo") || object.contains_key("sha256") {
        return Err(ApiError::InvalidInput(
            "conteudo e sha256: o servidor monta o boletim a partir dos modelos de leitura; informe só acordo e trimestre"
                .into(),
        ));
    }
    let trimestre: Trimestre = serde_json::from_value(object.get("trimestre").cloned().unwrap_or(Value::Null))
        .map_err(|_| ApiError::InvalidInput("trimestre: esperado AAAA-Tn (2024-T1)".into()))?;
    let acordo = object.get("acordo").and_then(Value::as_str).unwrap_or_default().to_owned();
    let Some((parceiro, _)) = state.service.parceiro_state(id).await? else {
        return Err(ApiError::NotFound(format!("parceiro {id}")));
    };
    let uf = parceiro.uf.ok_or_else(|| ApiError::NotFound(format!("parceiro {id}")))?;
    let ans = super::reads::build_bulletin(state, uf.code(), trimestre.ano(), trimestre.numero(), 10).await?;
    let ans = serde_json::to_value(ans).map_err(|e| ApiError::InvalidInput(e.to_string()))?;
    let programa = state.service.programa_state().await?;
    let conteudo = parceiros::conteudo(&parceiro, &acordo, trimestre, ans, &programa)?;
    object.insert("sha256".into(), parceiros::digest(&conteudo).into());
    object.insert("conteudo".into(), conteudo);
    Ok(Value::Object(object).to_string().into_bytes())
}

/// Any act on a partner or its agreements (`act` names it; `If-Match` or `expected_version`
/// pins the partner's version).
pub(super) async fn act(
    State(state): State<AppState>,
    Path(text): Path<String>,
    signed: Signed,
    request_id: Option<Extension<RequestId>>,
    seed: Option<Extension<Seed>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<impl IntoResponse, ApiError> {
    signed.require(WRITERS)?;
    let id = parceiro_id(&text)?;
    require_json(&headers)?;
    let service = state.service.keyed(seed.map(|e| e.0));
    let request_id = request_id.as_ref().map(|e| &e.0);
    let outcome = partner_act(&state, &service, &signed, id, &body, if_match(&headers)?, request_id).await?;
    Ok((StatusCode::CREATED, Json(PartnerOutcome { parceiro_id: id, outcome })))
}

/// Files an act on partner `id` from its JSON (the API's body, or a page's decoded form):
/// a bulletin's content built by the server, the contact person sealed, the version pinned by
/// `pinned` or the body's `expected_version`.
///
/// # Errors
/// `InvalidInput` for a malformed act or a registration; the service's refusals.
pub(crate) async fn partner_act(
    state: &AppState,
    service: &autos_app::service::Service,
    signed: &Signed,
    id: Uuid,
    body: &[u8],
    pinned: Option<i64>,
    request_id: Option<&RequestId>,
) -> Result<Outcome, ApiError> {
    signed.require(WRITERS)?;
    let body = with_bulletin_content(state, id, body).await?;
    let (cmd, envelope): (ParceiroCommand, _) = sealed_command(state, &body, PARTNER_PERSONAL_FIELDS, None).await?;
    if matches!(cmd, ParceiroCommand::CadastrarParceiro { .. }) {
        return Err(ApiError::InvalidInput(format!("{}: use POST /api/v1/parceiros", ParceiroCommand::REGISTRATION)));
    }
    let pinned = pinned.or(envelope.expected_version);
    let request = service_request(signed, Vec::new(), envelope.occurred_on, request_id);
    Ok(service.parceiro_command(id, cmd, pinned, &request).await?)
}

/// A bulletin issued to the partner, with its content exactly as frozen when issued.
pub(super) async fn bulletin(
    State(state): State<AppState>,
    Path((text, quarter)): Path<(String, String)>,
    signed: Signed,
) -> Result<Json<Value>, ApiError> {
    signed.require(READERS)?;
    let id = parceiro_id(&text)?;
    let trimestre = Trimestre::parse(&quarter)?;
    let doc = partner_doc(&state, id).await?;
    let (acordo, boletim) = doc
        .state
        .boletins_emitidos()
        .into_iter()
        .find(|(_, b)| b.trimestre == trimestre)
        .ok_or_else(|| ApiError::NotFound(format!("boletim de {trimestre} do parceiro {id}")))?;
    Ok(Json(json!({
        "parceiro_id": id, "acordo": acordo, "trimestre": trimestre, "emitido_em": boletim.emitido_em,
        "sha256": boletim.sha256, "envios": boletim.envios, "conteudo": boletim.conteudo,
    })))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct InForceQuery {
    /// The day (today when absent).
    vigentes_em: Option<NaiveDate>,
    uf: Option<String>,
    format: Option<Format>,
    separator: Option<Separator>,
    numbers: Option<Numbers>,
}

/// One agreement in force on a day.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct InForce {
    pub(crate) parceiro_id: String,
    pub(crate) parceiro: String,
    pub(crate) tipo: Option<&'static str>,
    pub(crate) uf: Option<&'static str>,
    pub(crate) regiao: Option<&'static str>,
    pub(crate) numero: String,
    pub(crate) vigencia_inicio: NaiveDate,
    pub(crate) ultimo_dia: NaiveDate,
}

/// Every partner's document in the read model.
pub(crate) async fn partner_docs(state: &AppState) -> Result<Vec<ParceiroDoc>, ApiError> {
    let mut docs = Vec::new();
    for (key, value) in state.views.entries(PARTNER, "").await? {
        docs.push(
            serde_json::from_value(value)
                .map_err(|e| autos_projections::ProjectionError::Corrupt(format!("{key}: {e}")))?,
        );
    }
    Ok(docs)
}

/// Every agreement in force on `on`, by UF and partner, from the validity dates (and
/// terminations) the partners' streams record (the API's list and the public page's).
pub(crate) async fn in_force(state: &AppState, on: NaiveDate, uf: Option<&str>) -> Result<Vec<InForce>, ApiError> {
    let uf = uf.map(autos_domain::Uf::parse).transpose()?;
    Ok(in_force_among(&partner_docs(state).await?, on, uf))
}

/// The agreements of `docs` in force on `on`, in `uf` or everywhere, sorted by UF and partner.
pub(crate) fn in_force_among(docs: &[ParceiroDoc], on: NaiveDate, uf: Option<autos_domain::Uf>) -> Vec<InForce> {
    let mut rows = Vec::new();
    for doc in docs.iter().filter(|d| uf.is_none_or(|u| d.state.uf == Some(u))) {
        let s = &doc.state;
        for a in s.acordos_vigentes_em(on) {
            rows.push(InForce {
                parceiro_id: doc.parceiro_id.clone(),
                parceiro: s.nome.clone(),
                tipo: s.tipo.map(|t| t.label()),
                uf: s.uf.map(|u| u.code()),
                regiao: s.regiao.map(|r| r.label()),
                numero: a.numero.clone(),
                vigencia_inicio: a.vigencia_inicio,
                ultimo_dia: a.ultimo_dia(),
            });
        }
    }
    rows.sort_by(|a, b| (a.uf, &a.parceiro, &a.numero).cmp(&(b.uf, &b.parceiro, &b.numero)));
    rows
}

/// The agreements in force on a day (today when absent), optionally in one UF; CSV with
/// `format=csv`.
pub(super) async fn agreements(
    State(state): State<AppState>,
    signed: Signed,
    Params(query): Params<InForceQuery>,
) -> Result<Response, ApiError> {
    signed.require(READERS)?;
    let style = Style::of(query.format, query.separator, query.numbers)?;
    let on = query.vigentes_em.unwrap_or_else(today);
    let items = in_force(&state, on, query.uf.as_deref()).await?;
    match style {
        Some(style) => in_force_csv(&items, on, style),
        None => Ok(Json(json!({ "vigentes_em": on, "items": items })).into_response()),
    }
}

/// The agreements in force on `on` as a CSV file (the API's and the public page's).
///
/// # Errors
/// `Internal` if the writer fails.
pub(crate) fn in_force_csv(rows: &[InForce], on: NaiveDate, style: Style) -> Result<Response, ApiError> {
    let day = on.format("%d/%m/%Y").to_string();
    let table = Table {
        name: "acordos-parceiros-da-cidadania",
        headers: vec!["vigente_em", "uf", "regiao", "parceiro", "tipo", "acordo", "inicio_vigencia", "fim_vigencia"],
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    Cell::from(day.as_str()),
                    Cell::from(r.uf.unwrap_or_default()),
                    Cell::from(r.regiao.unwrap_or_default()),
                    Cell::from(r.parceiro.as_str()),
                    Cell::from(r.tipo.unwrap_or_default()),
                    Cell::from(r.numero.as_str()),
                    Cell::from(r.vigencia_inicio.format("%d/%m/%Y").to_string()),
                    Cell::from(r.ultimo_dia.format("%d/%m/%Y").to_string()),
                ]
            })
            .collect(),
    };
    table.response(style)
}

/// An act on the programme's stream (including or withdrawing a bulletin item).
pub(super) async fn programme_act(
    State(state): State<AppState>,
    signed: Signed,
    request_id: Option<Extension<RequestId>>,
    seed: Option<Extension<Seed>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<impl IntoResponse, ApiError> {
    require_json(&headers)?;
    let service = state.service.keyed(seed.map(|e| e.0));
    let request_id = request_id.as_ref().map(|e| &e.0);
    Ok((StatusCode::CREATED, Json(programme_act_filed(&service, &signed, &body, request_id).await?)))
}

/// Files an act on the programme's stream from its JSON (the API's body, or a page's form).
///
/// # Errors
/// `InvalidInput` for a malformed act; the service's refusals.
pub(crate) async fn programme_act_filed(
    service: &autos_app::service::Service,
    signed: &Signed,
    body: &[u8],
    request_id: Option<&RequestId>,
) -> Result<Outcome, ApiError> {
    signed.require(WRITERS)?;
    let (cmd, envelope): (ProgramaCommand, _) = super::operators::command(body, None)?;
    let request = service_request(signed, Vec::new(), envelope.occurred_on, request_id);
    Ok(service.programa_command(cmd, &request).await?)
}

/// The programme's curated items (the read model's, empty before the first).
pub(crate) async fn programme_state(state: &AppState) -> Result<ProgramaState, ApiError> {
    Ok(state.views.get(PROGRAMME, keys::PROGRAMME_ITEMS).await?.unwrap_or_default())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ItemsQuery {
    trimestre: Option<String>,
}

/// The programme's items of a quarter not withdrawn, or every item ever included.
pub(super) async fn programme_items(
    State(state): State<AppState>,
    signed: Signed,
    Params(query): Params<ItemsQuery>,
) -> Result<Json<Value>, ApiError> {
    signed.require(READERS)?;
    let programa = programme_state(&state).await?;
    let items: Vec<Value> = match query.trimestre.as_deref().map(Trimestre::parse).transpose()? {
        Some(t) => {
            programa.itens_do_trimestre(t).into_iter().map(|(id, i)| json!({"item_id": id, "item": i})).collect()
        }
        None => programa.itens.iter().map(|(id, i)| json!({"item_id": id, "item": i})).collect(),
    };
    Ok(Json(json!({ "items": items })))
}
