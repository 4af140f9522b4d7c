//! The act pages: one form per act, drawn from the act's description (`crate::forms`), for the
//! follow-up acts of a case (`/casos/{id}/atos/{ato}`, offered only when the officer's role may
//! perform the act in the case's current phase) and for the acts that open a case
//! (`/casos/novo/{ato}`, from the operator page or the attendant's "Nova demanda"). A submitted
//! form goes through the same parsing as the JSON API and the one command path; a refusal shows
//! the form again with everything typed and the message next to its field, or at the top with the
//! rule id and the norm when the law refuses the act.

use askama::Template;
use autos_app::officers;
use autos_app::service::Request;
use autos_domain::acts::{act_catalogue, find_act, ActInfo};
use autos_domain::forms::{self, Field, Kind};
use autos_domain::{Registro, Role};
use autos_projections::models::{self, CaseRef, OperatorDoc};
use autos_projections::time_travel::Cut;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::NaiveDate;
use serde::Deserialize;
use uuid::Uuid;

use super::forms::{self as form_html, Envelope, Filled, Pickers};
use super::{date_br, family_label, page, redirect, registro_formatado, PageOfficer};
use crate::state::AppState;
use crate::ApiError;

/// The act pages, mounted with the other pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/casos/{id}/atos/{ato}", get(case_act_form).post(file_case_act))
        .route("/casos/novo/{ato}", get(opening_form).post(file_opening))
}

#[derive(Template)]
#[template(path = "ato.html")]
struct ActPage {
    officer: Option<PageOfficer>,
    titulo: String,
    contexto: String,
    voltar: String,
    voltar_texto: String,
    acao: String,
    versao: String,
    data: String,
    erro_data: Option<String>,
    erro: Option<String>,
    /// The deadlines the act would open once the rule book confirms their lengths.
    prazos_pendentes: Vec<String>,
    campos: String,
    lista: String,
}

/// Where the act is filed: on a case, or opening one.
enum Target {
    Case { id: Uuid, registro: Registro, version: i64, family: String },
    Opening { registro: Option<Registro> },
}

/// The act's form with what was typed, the field messages and the message at the top.
async fn render(
    state: &AppState,
    officer: &PageOfficer,
    info: &ActInfo,
    target: &Target,
    envelope: &Envelope,
    filled: &Filled,
    top: Option<String>,
) -> Result<Response, ApiError> {
    let fields = forms::fields(info.name).ok_or_else(|| ApiError::NotFound(format!("ato {}", info.name)))?;
    let pickers = pickers(state, fields, target).await?;
    let (contexto, voltar, voltar_texto, acao, versao) = match target {
        Target::Case { id, registro, version, family } => (
            format!("{family} · operadora {}", registro_formatado(&registro.to_string())),
            format!("/casos/{id}"),
            "Voltar ao caso".to_owned(),
            format!("/casos/{id}/atos/{}", info.name),
            version.to_string(),
        ),
        Target::Opening { registro } => (
            info.families.first().map(|f| f.label().to_owned()).unwrap_or_default(),
            registro.map_or_else(|| "/operadoras".to_owned(), |r| format!("/operadoras/{r}")),
            "Voltar".to_owned(),
            format!("/casos/novo/{}", info.name),
            String::new(),
        ),
    };
    let data = if envelope.date.is_empty() {
        chrono::Local::now().date_naive().format("%Y-%m-%d").to_string()
    } else {
        forms::parse_date(&envelope.date).map_or_else(|| envelope.date.clone(), |d| d.format("%Y-%m-%d").to_string())
    };
    let prazos_pendentes = unconfirmed_deadlines(state, officer, info, target).await?;
    let body = ActPage {
        officer: Some(officer.clone()),
        titulo: info.label.to_owned(),
        contexto,
        voltar,
        voltar_texto,
        acao,
        versao,
        data,
        erro_data: filled.errors.get("_data").cloned(),
        erro: top,
        prazos_pendentes,
        campos: form_html::render(fields, filled, &pickers),
        lista: if pickers.operators.is_empty() { String::new() } else { form_html::operator_list(&pickers) },
    };
    Ok(page(&body))
}

/// The names of the deadlines `info` would open on `target` if their lengths were confirmed.
async fn unconfirmed_deadlines(
    state: &AppState,
    officer: &PageOfficer,
    info: &ActInfo,
    target: &Target,
) -> Result<Vec<String>, ApiError> {
    let (case_id, registro, request) = match target {
        Target::Case { id, registro, .. } => {
            (Some(*id), Some(*registro), service_request(state, officer, *id, None).await?)
        }
        Target::Opening { registro } => {
            let signed = officer.signed();
            (None, *registro, crate::auth::service_request(&signed, Vec::new(), None, None))
        }
    };
    let keys = state.service.unconfirmed_deadlines(info.name, case_id, registro, &request).await?;
    Ok(keys
        .iter()
        .map(|key| {
            let code = autos_domain::case::code_label(key).replace(' ', "_");
            forms::label_of(forms::DEADLINES, &code).to_owned()
        })
        .collect())
}

/// Looks up what the act's pickers offer, only for the kinds its fields use.
async fn pickers(state: &AppState, fields: &[Field], target: &Target) -> Result<Pickers, ApiError> {
    let mut pickers = Pickers { fresh_id: Uuid::now_v7().to_string(), ..Pickers::default() };
    if form_html::uses(fields, &|k| matches!(k, Kind::Operator | Kind::Operators)) {
        let mut after: Option<String> = None;
        loop {
            let found = state.views.page::<OperatorDoc>(models::OPERATOR, "", after.as_deref(), 500, |_| true).await?;
            pickers.operators.extend(
                found.items.iter().map(|o| (o.registro.clone(), format!("{} — {}", o.registro, o.state.razao_social))),
            );
            match found.next {
                Some(next) => after = Some(next),
                None => break,
            }
        }
    }
    if form_html::uses(fields, &|k| matches!(k, Kind::Officer | Kind::Assignee)) {
        let active: Vec<_> =
            officers::list(&state.store.database()).await?.into_iter().filter(|o| !o.revoked).collect();
        pickers.officers = active
            .iter()
            .filter(|o| o.role == Role::Interventor)
            .map(|o| (o.officer_id.to_string(), o.name.clone()))
            .collect();
        pickers.assignees = active
            .iter()
            .filter(|o| matches!(o.role, Role::Fiscal | Role::Diretoria | Role::Atendente))
            .map(|o| (o.officer_id.to_string(), format!("{} — {}", o.name, o.role.label())))
            .collect();
    }
    let registro = match target {
        Target::Case { registro, .. } => Some(*registro),
        Target::Opening { registro } => *registro,
    };
    if let (Some(registro), true) =
        (registro, form_html::uses(fields, &|k| matches!(k, Kind::Administrator | Kind::Case)))
    {
        let doc = state.views.operator(state.store.as_ref(), registro, Cut::default()).await?;
        pickers.administrators = doc
            .state
            .administradores
            .iter()
            .filter(|a| a.fim.is_none())
            .map(|a| (a.administrador_id.to_string(), format!("{} — {}", a.nome, a.cargo)))
            .collect();
        let cases = state
            .views
            .page::<CaseRef>(
                models::CASE_OF_OPERATOR,
                &autos_projections::keys::of_operator(registro),
                None,
                500,
                |_| true,
            )
            .await?;
        pickers.cases = cases
            .items
            .into_iter()
            .map(|c| {
                let text = format!("{} aberto em {}", family_label(c.family.as_deref()), date_br(c.opened_on));
                (c.case_id, text)
            })
            .collect();
    }
    if let (Target::Case { id, .. }, true) = (target, form_html::uses(fields, &|k| k == Kind::Deadline)) {
        let doc = state.views.case(state.store.as_ref(), *id, Cut::default()).await?;
        pickers.deadlines = doc
            .state
            .prazos
            .iter()
            .map(|(key, d)| {
                let code = autos_domain::case::code_label(key).replace(' ', "_");
                let text = format!("{} (vence em {})", forms::label_of(forms::DEADLINES, &code), date_br(Some(d.due)));
                (code, text)
            })
            .collect();
    }
    Ok(pickers)
}

/// The case an act is filed on, checked to offer `act` to the officer now.
async fn case_target(
    state: &AppState,
    officer: &PageOfficer,
    id_text: &str,
    act: &str,
) -> Result<(Uuid, Target, &'static ActInfo), ApiError> {
    let id = Uuid::parse_str(id_text).map_err(|_| ApiError::NotFound(format!("caso {id_text}")))?;
    let doc = state.views.case(state.store.as_ref(), id, Cut::default()).await?;
    let registro = doc
        .registro
        .as_deref()
        .and_then(|r| Registro::parse(r).ok())
        .ok_or_else(|| ApiError::NotFound(format!("caso {id}")))?;
    let request = service_request(state, officer, id, None).await?;
    let offered = state.service.acts_offered(id, &request).await?;
    let info = offered.into_iter().find(|a| a.name == act).ok_or_else(|| {
        ApiError::Forbidden(format!(
            "o ato \"{}\" não está disponível para o seu papel na fase atual do caso",
            find_act(act).map_or(act, |a| a.label)
        ))
    })?;
    let family = family_label(doc.family.as_deref());
    Ok((id, Target::Case { id, registro, version: doc.version, family }, info))
}

/// The service request of the signed officer on a case (interventors: the cases naming them).
async fn service_request(
    state: &AppState,
    officer: &PageOfficer,
    case: Uuid,
    occurred_on: Option<NaiveDate>,
) -> Result<Request, ApiError> {
    let signed = officer.signed();
    let appointed = crate::http::cases::appointed(state, &signed, case).await?;
    Ok(crate::auth::service_request(&signed, appointed, occurred_on, None))
}

async fn case_act_form(
    State(state): State<AppState>,
    officer: PageOfficer,
    Path((id, act)): Path<(String, String)>,
) -> Response {
    let shown = async {
        let (_, target, info) = case_target(&state, &officer, &id, &act).await?;
        render(&state, &officer, info, &target, &Envelope::default(), &Filled::default(), None).await
    }
    .await;
    shown.unwrap_or_else(|e| super::error_page(Some(officer.clone()), e))
}

async fn file_case_act(
    State(state): State<AppState>,
    officer: PageOfficer,
    Path((id, act)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let (envelope, filled) = form_html::split(pairs);
    let filed = async {
        let (id, target, info) = case_target(&state, &officer, &id, &act).await?;
        Ok::<_, ApiError>(
            file(&state, &officer, info, &target, envelope, filled, |command, occurred_on| {
                let state = state.clone();
                let officer = officer.clone();
                async move {
                    let request = service_request(&state, &officer, id, occurred_on).await?;
                    let version = command.1;
                    let outcome = state.service.case_command(Some(id), command.0, version, &request).await?;
                    Ok(case_version(&outcome, id))
                }
            })
            .await,
        )
    }
    .await;
    filed.unwrap_or_else(|e| super::error_page(Some(officer.clone()), e))
}

#[derive(Deserialize, Default)]
struct OpeningQuery {
    registro: Option<String>,
}

/// The opening act `act`, checked to be one the officer's role may perform.
fn opening_act(officer: &PageOfficer, act: &str) -> Result<&'static ActInfo, ApiError> {
    let info = find_act(act).map_err(|_| ApiError::NotFound(format!("ato {act}")))?;
    if !info.opens_case {
        return Err(ApiError::NotFound(format!("ato {act}")));
    }
    if !info.roles.contains(&officer.role) {
        return Err(ApiError::Forbidden(format!(
            "o papel {} não pode praticar o ato \"{}\"",
            officer.role.label(),
            info.label
        )));
    }
    Ok(info)
}

async fn opening_form(
    State(state): State<AppState>,
    officer: PageOfficer,
    Path(act): Path<String>,
    Query(query): Query<OpeningQuery>,
) -> Response {
    let shown = async {
        let info = opening_act(&officer, &act)?;
        let registro = query.registro.as_deref().and_then(|r| Registro::parse(r).ok());
        let mut filled = Filled::default();
        if let Some(r) = registro {
            filled.values.insert("registro".into(), r.to_string());
        }
        render(&state, &officer, info, &Target::Opening { registro }, &Envelope::default(), &filled, None).await
    }
    .await;
    shown.unwrap_or_else(|e| super::error_page(Some(officer.clone()), e))
}

async fn file_opening(
    State(state): State<AppState>,
    officer: PageOfficer,
    Path(act): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let (envelope, filled) = form_html::split(pairs);
    let filed = async {
        let info = opening_act(&officer, &act)?;
        let registro = filled.values.get("registro").and_then(|r| Registro::parse(r.trim()).ok());
        Ok::<_, ApiError>(
            file(&state, &officer, info, &Target::Opening { registro }, envelope, filled, |command, occurred_on| {
                let state = state.clone();
                let officer = officer.clone();
                async move {
                    let signed = officer.signed();
                    let request = crate::auth::service_request(&signed, Vec::new(), occurred_on, None);
                    let outcome = state.service.case_command(None, command.0, None, &request).await?;
                    let id = outcome.case_id.ok_or_else(|| ApiError::Internal("ato de abertura sem caso".into()))?;
                    Ok(case_version(&outcome, id))
                }
            })
            .await,
        )
    }
    .await;
    filed.unwrap_or_else(|e| super::error_page(Some(officer.clone()), e))
}

/// Reads a submitted form into the act and files it with `perform`; on success, goes to the case;
/// otherwise shows the form again with what went wrong.
async fn file<F, Fut>(
    state: &AppState,
    officer: &PageOfficer,
    info: &ActInfo,
    target: &Target,
    envelope: Envelope,
    mut filled: Filled,
    perform: F,
) -> Response
where
    F: FnOnce((autos_domain::CaseCommand, Option<i64>), Option<NaiveDate>) -> Fut,
    Fut: std::future::Future<Output = Result<(Uuid, i64), ApiError>>,
{
    let opening = matches!(target, Target::Opening { .. });
    let envelope = &envelope;
    let show = |filled: Filled, top: Option<String>, status: StatusCode| async move {
        match render(state, officer, info, target, envelope, &filled, top).await {
            Ok(response) => (status, response).into_response(),
            Err(e) => super::error_page(Some(officer.clone()), e),
        }
    };
    if filled.more_rows.is_some() {
        return show(filled, None, StatusCode::OK).await;
    }
    let fields = forms::fields(info.name).unwrap_or_default();
    let Some((json, occurred_on)) = form_html::read(info.name, fields, envelope, &mut filled) else {
        return show(filled, Some(form_html::CHECK_FIELDS.into()), StatusCode::BAD_REQUEST).await;
    };
    let version = envelope.version;
    let outcome = async {
        let (command, _) = crate::http::cases::parse_case_act(state, json.to_string().as_bytes(), opening).await?;
        perform((command, version), occurred_on).await
    }
    .await;
    match outcome {
        Ok((case_id, version)) => {
            super::wait_until(|| async move {
                let doc = state.views.get::<models::CaseDoc>(models::CASE, &case_id.to_string()).await?;
                Ok(doc.is_some_and(|d| d.version >= version))
            })
            .await;
            redirect(&format!("/casos/{case_id}"))
        }
        Err(e) => match form_html::refusal(e, fields, &mut filled) {
            Ok((status, message)) => show(filled, Some(message), status).await,
            Err(e) => super::error_page(Some(officer.clone()), e),
        },
    }
}

/// The case and its version after an act.
fn case_version(outcome: &autos_app::service::Outcome, id: Uuid) -> (Uuid, i64) {
    (id, outcome.stream_versions.get(&autos_domain::StreamRef::Caso(id).to_string()).copied().unwrap_or(0))
}

/// The opening acts the officer's role may perform, for the operator page's menu.
pub fn openings_for(role: Role) -> Vec<&'static ActInfo> {
    act_catalogue().iter().filter(|a| a.opens_case && a.roles.contains(&role)).collect()
}
