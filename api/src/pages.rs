//! The web pages officers and auditors use, in pt-BR and rendered on the server (askama): sign
//! in with a token (which opens a page session, `autos_app::sessions`) and out, operator search,
//! the operator page (status now or at a past date, cases, intervention timeline), the case page
//! (acts, deadlines, a form for each act the officer's role may perform), deadlines, the
//! sanctions ledger, the dashboard with an SVG chart, the audit page, and the public page (no
//! sign-in) with the quarterly bulletin and the complaint index ranking. Every POST form puts
//! `{% include "csrf.html" %}` inside it (the rule is in `crate::http::csrf`).

use std::collections::BTreeMap;

use askama::Template;
use autos_domain::acts::find_act;
use autos_domain::{number_pt_br, Registro, Role};
use autos_projections::boletim;
use autos_projections::keys;
use autos_projections::models::{self, CaseRef, DeadlineDoc, InterventionKind, OperatorDoc, TimelineEntry};
use autos_projections::time_travel::Cut;
use autos_store::integrity;
use axum::extract::{Form, Path, Query, State};
use axum::http::header::{LOCATION, SET_COOKIE};
use axum::http::StatusCode;
use axum::response::{AppendHeaders, Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::{Datelike, NaiveDate};
use plotters::prelude::*;
use serde::Deserialize;

mod acts;
mod forms;
mod mapa;
mod parceiros;
mod queue;
mod sanctions;

use crate::auth::{signature_counting_guesses, Signature, Signed, RETIRED_TOKEN_COOKIE, SESSION_COOKIE};
use crate::http::reads;
use crate::state::AppState;
use crate::ApiError;
use autos_app::labels::{fold, porte_label, standing};
use autos_app::officers::{self, Officer};
use autos_app::sessions;

/// The pt-BR label of a role as events and logs record it (a name no release knows stays as it is).
fn role_label(name: &str) -> String {
    Role::parse(name).map_or_else(|| name.to_owned(), |role| role.label().to_owned())
}

/// The pages, mounted at `/`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(|| async { redirect("/operadoras") }))
        .route("/entrar", get(sign_in_form).post(sign_in))
        .route("/sair", axum::routing::post(sign_out))
        .route("/operadoras", get(operators))
        .route("/operadoras/{registro}", get(operator))
        .route("/casos/{id}", get(case))
        .route("/casos/{id}/dados-pessoais", get(personal_data))
        .merge(acts::routes())
        .merge(queue::routes())
        .merge(sanctions::routes())
        .merge(parceiros::routes())
        .route("/prazos", get(deadlines))
        .route("/painel", get(dashboard))
        .route("/auditoria", get(audit))
        .route("/auditoria/checkpoint", axum::routing::post(audit_prove))
        .route("/auditoria/verificar", axum::routing::post(audit_start_verify))
        .route("/auditoria/reprocessamento", axum::routing::post(audit_start_replay))
        .route("/publico", get(public_bulletin))
        .route("/favicon.ico", get(favicon))
        .route("/favicon.svg", get(favicon))
}

fn redirect(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(LOCATION, to.to_owned())]).into_response()
}

/// Waits, at most three seconds, until `shows` says the read model shows the act just filed, so
/// the page the officer lands on shows it (read-your-writes across instances: the read model is
/// asked, not this instance's projection runner). A read that fails ends the wait: the page
/// then says what it can.
async fn wait_until<F, Fut>(shows: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<bool, ApiError>>,
{
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(3);
    while tokio::time::Instant::now() < deadline {
        match shows().await {
            Ok(false) => tokio::time::sleep(std::time::Duration::from_millis(20)).await,
            Ok(true) | Err(_) => return,
        }
    }
}

/// A signed-in officer on a page, with the CSRF token of the session the page's forms send back
/// (`templates/csrf.html`; empty for a request signed by a bearer header, which needs none — see
/// `crate::http::csrf`). Every page template's `officer` field is an `Option` of this. A visitor
/// who is not signed in is sent to the sign-in page, which brings them back here afterwards.
#[derive(Debug, Clone)]
pub struct PageOfficer {
    pub officer: Officer,
    pub csrf: String,
}

impl std::ops::Deref for PageOfficer {
    type Target = Officer;

    fn deref(&self) -> &Officer {
        &self.officer
    }
}

impl From<Signature> for PageOfficer {
    fn from(signature: Signature) -> Self {
        match signature {
            Signature::Bearer(officer) => PageOfficer { officer, csrf: String::new() },
            Signature::Session(session) => PageOfficer { officer: session.officer, csrf: session.csrf_token },
        }
    }
}

impl PageOfficer {
    /// The officer as the API's extractor gives it, for role checks and service requests.
    fn signed(&self) -> Signed {
        Signed(self.officer.clone())
    }
}

impl axum::extract::FromRequestParts<AppState> for PageOfficer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &AppState) -> Result<Self, Response> {
        match MaybePageOfficer::from_request_parts(parts, state).await? {
            MaybePageOfficer(Some(officer)) => Ok(officer),
            MaybePageOfficer(None) => {
                let back = parts.uri.path_and_query().map_or("/", |p| p.as_str());
                let back = askama::filters::urlencode(back).map(|b| b.to_string()).unwrap_or_default();
                Err(redirect(&format!("/entrar?volta={back}")))
            }
        }
    }
}

/// The officer on a page anyone may see, when one is signed in.
#[derive(Debug, Clone)]
pub struct MaybePageOfficer(pub Option<PageOfficer>);

impl axum::extract::FromRequestParts<AppState> for MaybePageOfficer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &AppState) -> Result<Self, Response> {
        match signature_counting_guesses(parts, state).await {
            Ok(signature) => Ok(MaybePageOfficer(signature.map(PageOfficer::from))),
            Err(e) => Err(error_page(None, e)),
        }
    }
}

/// A page to go back to after signing in: a path of this site only.
fn local_path(back: Option<&str>) -> &str {
    back.filter(|b| b.starts_with('/') && !b.starts_with("//") && !b.contains('\\')).unwrap_or("/operadoras")
}

fn page<T: Template>(template: &T) -> Response {
    match template.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "erro ao montar a página").into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "erro.html")]
struct ErrorPage {
    officer: Option<PageOfficer>,
    titulo: String,
    detalhe: String,
    incidente: Option<String>,
}

/// An error page in the layout: the problem's title and detail in Portuguese, with its status.
/// A 5xx names its incident id, which the log line carries too.
pub(crate) fn error_page(officer: Option<PageOfficer>, error: impl Into<ApiError>) -> Response {
    let error = error.into();
    let retry_after = error.retry_after();
    let (status, problem, failure) = error.report();
    let titulo = match status {
        StatusCode::NOT_FOUND => "Página não encontrada".to_owned(),
        StatusCode::FORBIDDEN => "Acesso negado".to_owned(),
        StatusCode::CONFLICT => "O registro mudou enquanto você trabalhava".to_owned(),
        _ => problem.title.clone(),
    };
    let body =
        ErrorPage { officer, titulo, detalhe: problem.detail, incidente: problem.incident_id.map(|i| i.to_string()) };
    ApiError::finish(retry_after, failure, (status, page(&body)).into_response())
}

/// The page for an address no route serves (the JSON API answers its own 404 as a problem).
pub async fn not_found(MaybePageOfficer(officer): MaybePageOfficer, uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        return ApiError::NotFound(uri.path().to_owned()).into_response();
    }
    error_page(officer, ApiError::NotFound(format!("nada existe no endereço {}", uri.path())))
}

/// The site's icon: the brand's colour with an "A".
async fn favicon() -> Response {
    const ICON: &str = "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'><rect width='32' height='32' rx='6' fill='#0b4f6c'/><text x='16' y='23' font-family='sans-serif' font-size='20' font-weight='700' fill='#fff' text-anchor='middle'>A</text></svg>";
    (
        [
            (axum::http::header::CONTENT_TYPE, "image/svg+xml"),
            (axum::http::header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        ICON,
    )
        .into_response()
}

#[derive(Template)]
#[template(path = "entrar.html")]
struct SignIn {
    officer: Option<PageOfficer>,
    error: Option<String>,
    volta: String,
}

#[derive(Deserialize, Default)]
struct BackQuery {
    volta: Option<String>,
}

async fn sign_in_form(MaybePageOfficer(officer): MaybePageOfficer, Query(query): Query<BackQuery>) -> Response {
    page(&SignIn { officer, error: None, volta: local_path(query.volta.as_deref()).to_owned() })
}

#[derive(Deserialize)]
struct TokenForm {
    token: String,
    volta: Option<String>,
}

/// Signs in: a valid token opens a page session (`autos_app::sessions`), whose id alone the cookie
/// carries; the cookie of older versions, which held the token itself, is cleared.
async fn sign_in(State(state): State<AppState>, peer: crate::auth::Peer, Form(form): Form<TokenForm>) -> Response {
    let volta = local_path(form.volta.as_deref()).to_owned();
    if let Err(e) = state.guesses.admit(peer.0) {
        return error_page(None, e);
    }
    let db = state.store.database();
    match officers::authenticate(&db, &form.token).await {
        Ok(Some(officer)) => match sessions::open(&db, officer, chrono::Utc::now()).await {
            Ok((session_id, _)) => {
                let session = session_cookie(&session_id, None, state.secure_cookie);
                let retired = format!("{RETIRED_TOKEN_COOKIE}=; Max-Age=0; Path=/");
                let cookies = AppendHeaders([(SET_COOKIE, session), (SET_COOKIE, retired)]);
                (StatusCode::SEE_OTHER, [(LOCATION, volta)], cookies).into_response()
            }
            Err(e) => error_page(None, e),
        },
        Ok(None) => match state.guesses.failed(peer.0) {
            Err(too_many) => error_page(None, too_many),
            Ok(()) => (
                StatusCode::UNAUTHORIZED,
                page(&SignIn { officer: None, error: Some("Token inválido ou revogado.".into()), volta }),
            )
                .into_response(),
        },
        Err(e) => error_page(None, e),
    }
}

/// Signs out: the session ends on the server, so its cookie, even a copy of it, signs nothing more.
async fn sign_out(State(state): State<AppState>, headers: axum::http::HeaderMap) -> Response {
    if let Some(session_id) = crate::auth::cookie_session_id(&headers) {
        if let Err(e) = sessions::close(&state.store.database(), session_id).await {
            return error_page(None, e);
        }
    }
    let cookie = session_cookie("", Some(0), state.secure_cookie);
    (StatusCode::SEE_OTHER, [(LOCATION, "/operadoras".to_owned()), (SET_COOKIE, cookie)]).into_response()
}

/// The session cookie: never readable by scripts, never sent by another site, `Secure` when the
/// server is reached over HTTPS; `max_age` 0 clears it. Without `max_age` it lasts until the
/// browser closes; the session itself ends on the server (`autos_app::sessions::LIFETIME`).
fn session_cookie(session_id: &str, max_age: Option<u32>, secure: bool) -> String {
    let mut cookie = format!("{SESSION_COOKIE}={session_id}; HttpOnly; SameSite=Strict; Path=/");
    if let Some(seconds) = max_age {
        cookie.push_str(&format!("; Max-Age={seconds}"));
    }
    if secure {
        cookie.push_str("; Secure");
    }
    cookie
}

fn registro_formatado(registro: &str) -> String {
    Registro::parse(registro).map(|r| r.formatted()).unwrap_or_else(|_| registro.to_owned())
}

struct OperatorRow {
    registro: String,
    registro_formatado: String,
    razao_social: String,
    modalidade: String,
    uf: String,
    situacao: Vec<(String, bool)>,
    casos_abertos: u32,
}

#[derive(Template)]
#[template(path = "operadoras.html")]
struct Operators {
    officer: Option<PageOfficer>,
    q: String,
    uf: String,
    rows: Vec<OperatorRow>,
    next: Option<String>,
}

#[derive(Deserialize, Default)]
struct SearchQuery {
    q: Option<String>,
    uf: Option<String>,
    after: Option<String>,
}

async fn operators(
    State(state): State<AppState>,
    MaybePageOfficer(officer): MaybePageOfficer,
    Query(query): Query<SearchQuery>,
) -> Response {
    let q = query.q.unwrap_or_default();
    let uf = query.uf.unwrap_or_default().to_uppercase();
    let needle = fold(&q);
    let found = state
        .views
        .page::<OperatorDoc>(models::OPERATOR, "", query.after.as_deref(), 100, |op| {
            (needle.is_empty() || op.registro.contains(&needle) || fold(&op.state.razao_social).contains(&needle))
                && (uf.is_empty() || op.state.uf.is_some_and(|u| u.code() == uf))
        })
        .await;
    match found {
        Ok(found) => page(&Operators {
            officer,
            q,
            uf,
            next: found.next,
            rows: found
                .items
                .iter()
                .map(|op| OperatorRow {
                    registro: op.registro.clone(),
                    registro_formatado: registro_formatado(&op.registro),
                    razao_social: op.state.razao_social.clone(),
                    modalidade: op.state.modalidade.map(|m| m.label().to_owned()).unwrap_or_default(),
                    uf: op.state.uf.map(|u| u.code().to_owned()).unwrap_or_default(),
                    situacao: standing(op),
                    casos_abertos: op.open_cases.values().sum(),
                })
                .collect(),
        }),
        Err(e) => error_page(officer, e),
    }
}

struct CaseLine {
    case_id: String,
    familia: String,
    fase: String,
    aberto: String,
    encerrado: String,
}

struct TimelineLine {
    data: String,
    ato: String,
    caso: Option<String>,
    papel: String,
    base_legal: String,
    documento: String,
}

/// One month of the operator's IGR: the value Autos computes and the values ANS published.
struct IgrLine {
    /// MM/AAAA.
    competencia: String,
    /// pt-BR decimal, empty when the month has no beneficiary count.
    calculado: String,
    reclamacoes: String,
    beneficiarios: String,
    /// "1,23 (Médico-hospitalar)" per coverage ANS published, empty when none.
    publicado: String,
}

/// Closed months the IGR table shows before the page's date.
const IGR_MONTHS: u32 = 12;

/// The operator's IGR month by month: the last [`IGR_MONTHS`] closed months before `until`
/// and every month ANS published, newest first; months with neither value are left out.
async fn igr_lines(
    state: &AppState,
    registro: Registro,
    published: &[autos_domain::operator::IgrPublicado],
    until: NaiveDate,
) -> Result<Vec<IgrLine>, ApiError> {
    let mut months: Vec<String> = (1..=IGR_MONTHS)
        .filter_map(|k| until.checked_sub_months(chrono::Months::new(k)))
        .map(|d| d.format("%Y-%m").to_string())
        .chain(published.iter().map(|p| p.competencia.clone()))
        .collect();
    months.sort_unstable_by(|a, b| b.cmp(a));
    months.dedup();
    let computed = state.views.computed_igr(registro, &months).await?;
    let decimal = |d: rust_decimal::Decimal| format!("{d:.2}").replace('.', ",");
    Ok(months
        .iter()
        .filter_map(|month| {
            let own = computed.iter().find(|c| &c.competencia == month);
            let theirs: Vec<String> = published
                .iter()
                .filter(|p| &p.competencia == month)
                .map(|p| format!("{} ({})", decimal(p.igr), p.cobertura))
                .collect();
            if own.is_none() && theirs.is_empty() {
                return None;
            }
            let (year, number) = month.split_once('-')?;
            Some(IgrLine {
                competencia: format!("{number}/{year}"),
                calculado: own.map(|c| decimal(c.igr)).unwrap_or_default(),
                reclamacoes: own.map(|c| c.reclamacoes.to_string()).unwrap_or_default(),
                beneficiarios: own.map(|c| c.beneficiarios.to_string()).unwrap_or_default(),
                publicado: theirs.join("; "),
            })
        })
        .collect())
}

#[derive(Template)]
#[template(path = "operadora.html")]
struct OperatorPage {
    officer: Option<PageOfficer>,
    registro: String,
    registro_formatado: String,
    razao_social: String,
    modalidade: String,
    uf: String,
    cnpj: Option<String>,
    porte: Option<String>,
    as_of: Option<String>,
    situacao: Vec<(String, bool)>,
    casos: Vec<CaseLine>,
    linha: Vec<TimelineLine>,
    /// Links to the next page of cases and of the timeline, when there is one.
    casos_seguinte: Option<String>,
    linha_seguinte: Option<String>,
    /// (act name, label) of the cases the officer's role may open here.
    aberturas: Vec<(&'static str, &'static str)>,
    igr: Vec<IgrLine>,
}

#[derive(Deserialize, Default)]
struct OperatorQuery {
    as_of: Option<String>,
    /// Cursor of the case list.
    casos: Option<String>,
    /// Cursor of the timeline.
    linha: Option<String>,
}

/// Families whose acts have external effect and are published: what anonymous visitors see.
const PUBLIC_FAMILIES: [&str; 5] =
    ["direcao_fiscal", "direcao_tecnica", "liquidacao_extrajudicial", "alienacao_carteira", "cancelamento_registro"];

/// Rows of a list page and the link to the next one.
const PAGE_ROWS: i64 = 200;

/// The page's address with one query parameter set (for "next page" links).
fn with_param(path: &str, params: &[(&str, Option<&str>)], set: (&str, &str)) -> String {
    let mut pairs: Vec<String> = params
        .iter()
        .filter(|(k, v)| *k != set.0 && v.is_some_and(|v| !v.is_empty()))
        .map(|(k, v)| {
            format!(
                "{k}={}",
                askama::filters::urlencode(v.unwrap_or_default()).map(|e| e.to_string()).unwrap_or_default()
            )
        })
        .collect();
    pairs.push(format!("{}={}", set.0, askama::filters::urlencode(set.1).map(|e| e.to_string()).unwrap_or_default()));
    format!("{path}?{}", pairs.join("&"))
}

fn date_br(d: Option<NaiveDate>) -> String {
    d.map(|d| d.format("%d/%m/%Y").to_string()).unwrap_or_default()
}

fn family_label(family: Option<&str>) -> String {
    family
        .and_then(autos_domain::Family::parse)
        .map_or_else(|| family.unwrap_or_default().to_owned(), |f| f.label().to_owned())
}

async fn operator(
    State(state): State<AppState>,
    MaybePageOfficer(officer): MaybePageOfficer,
    Path(text): Path<String>,
    Query(query): Query<OperatorQuery>,
) -> Response {
    let result = async {
        let registro = Registro::parse(&text).map_err(|_| ApiError::NotFound(format!("operadora {text}")))?;
        let as_of = match query.as_of.as_deref().filter(|s| !s.is_empty()) {
            Some(s) => Some(
                NaiveDate::parse_from_str(s, "%Y-%m-%d")
                    .map_err(|_| ApiError::InvalidInput(format!("data inválida: {s}")))?,
            ),
            None => None,
        };
        let doc = state.views.operator(state.store.as_ref(), registro, Cut { as_of, known_at: None }).await?;
        let (key, prefix) = (registro.to_string(), keys::of_operator(registro));
        let signed_in = officer.is_some();
        let cases = if signed_in {
            state
                .views
                .page::<CaseRef>(models::CASE_OF_OPERATOR, &prefix, query.casos.as_deref(), PAGE_ROWS, |_| true)
                .await?
        } else {
            autos_app::views::Page { items: Vec::new(), next: None }
        };
        let timeline = state
            .views
            .page::<TimelineEntry>(models::TIMELINE, &prefix, query.linha.as_deref(), PAGE_ROWS, |t| {
                as_of.is_none_or(|d| t.occurred_on <= d)
                    && (signed_in || t.family.as_deref().is_none_or(|f| PUBLIC_FAMILIES.contains(&f)))
            })
            .await?;
        let igr = igr_lines(
            &state,
            registro,
            &doc.state.igr_publicado,
            as_of.unwrap_or_else(|| chrono::Local::now().date_naive()),
        )
        .await?;
        let path = format!("/operadoras/{key}");
        let params =
            [("as_of", query.as_of.as_deref()), ("casos", query.casos.as_deref()), ("linha", query.linha.as_deref())];
        Ok::<_, ApiError>(OperatorPage {
            officer: officer.clone(),
            registro_formatado: registro.formatted(),
            registro: key,
            razao_social: doc.state.razao_social.clone(),
            modalidade: doc.state.modalidade.map(|m| m.label().to_owned()).unwrap_or_default(),
            uf: doc.state.uf.map(|u| u.code().to_owned()).unwrap_or_default(),
            cnpj: doc.state.cnpj.as_ref().map(|c| c.as_str().to_owned()),
            porte: doc.porte.map(porte_label),
            as_of: as_of.map(|d| d.format("%d/%m/%Y").to_string()),
            situacao: standing(&doc),
            igr,
            casos_seguinte: cases.next.as_deref().map(|n| with_param(&path, &params, ("casos", n))),
            linha_seguinte: timeline.next.as_deref().map(|n| with_param(&path, &params, ("linha", n))),
            casos: cases
                .items
                .into_iter()
                .map(|c| CaseLine {
                    familia: family_label(c.family.as_deref()),
                    fase: c.phase.replace('_', " "),
                    aberto: date_br(c.opened_on),
                    encerrado: date_br(c.closed_on),
                    case_id: c.case_id,
                })
                .collect(),
            linha: timeline
                .items
                .into_iter()
                .map(|t| TimelineLine {
                    data: date_br(Some(t.occurred_on)),
                    ato: t.event_type.replace(['.', '_'], " "),
                    caso: t.case_id.filter(|_| signed_in),
                    papel: role_label(&t.actor_role),
                    base_legal: t.legal_basis.unwrap_or_default(),
                    documento: t.document_ref.unwrap_or_default(),
                })
                .collect(),
            aberturas: officer
                .as_ref()
                .map(|o| acts::openings_for(o.role).into_iter().map(|a| (a.name, a.label)).collect())
                .unwrap_or_default(),
        })
    }
    .await;
    match result {
        Ok(p) => page(&p),
        Err(e) => error_page(officer, e),
    }
}

/// A running deadline on the case page.
struct DeadlineRow {
    prazo: String,
    inicio: String,
    dias: u32,
    dias_uteis: bool,
    vence: String,
    situacao: &'static str,
    alerta: bool,
    norma: String,
}

/// One act of the case as filed, with its events' description.
struct ActRow {
    versao: i64,
    data: String,
    ato: String,
    quem: String,
    papel: String,
    base_legal: String,
    documento: String,
    campos: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "caso.html")]
struct CasePage {
    officer: Option<PageOfficer>,
    case_id: String,
    registro: String,
    registro_formatado: String,
    razao_social: String,
    familia: String,
    fase: String,
    aberto: String,
    encerrado: String,
    versao: i64,
    prazos: Vec<DeadlineRow>,
    atos: Vec<ActRow>,
    /// (act name, label) the officer may perform now.
    atos_possiveis: Vec<(&'static str, &'static str)>,
    /// Whether the case holds personal data the officer's role may open.
    dados_pessoais: bool,
    /// An asset freeze's persons: (nome, cargo, period in office).
    pessoas: Vec<(String, String, String)>,
}

/// One person's data as opened: (act, "Reclamante"/"Beneficiário", each datum as (label, value));
/// no data means it was erased under LGPD.
type OpenedItem = (String, String, Vec<(String, String)>);

#[derive(Template)]
#[template(path = "dados_pessoais.html")]
struct PersonalDataPage {
    officer: Option<PageOfficer>,
    case_id: String,
    finalidade: String,
    itens: Vec<OpenedItem>,
    erro: Option<String>,
}

#[derive(Deserialize, Default)]
struct PurposeForm {
    finalidade: Option<String>,
}

/// The personal data of a case, opened for an officer who states a purpose (each read logged).
async fn personal_data(
    State(state): State<AppState>,
    officer: PageOfficer,
    Path(text): Path<String>,
    Query(form): Query<PurposeForm>,
) -> Response {
    let signed = officer.signed();
    let asked = form.finalidade.is_some();
    let finalidade = form.finalidade.unwrap_or_default();
    let opened = async {
        let id = uuid::Uuid::parse_str(&text).map_err(|_| ApiError::NotFound(format!("caso {text}")))?;
        if !asked {
            signed.require(&crate::http::cases::PERSONAL_DATA_READERS)?;
            return Ok(Vec::new());
        }
        crate::http::cases::open_personal_data(&state, &signed, id, &finalidade).await
    }
    .await;
    let (itens, erro) = match opened {
        Ok(items) => (
            items
                .into_iter()
                .map(|item| {
                    let data = item.dados.as_ref().and_then(|d| d.as_object()).map(|object| {
                        object
                            .iter()
                            .map(|(k, v)| {
                                let label = autos_domain::forms::label_of(autos_domain::forms::PERSON, k).to_owned();
                                (label, v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                            })
                            .collect()
                    });
                    let field = if item.campo == "reclamante" { "Reclamante" } else { "Beneficiário" };
                    (format!("ato nº {}", item.versao), field.to_owned(), data.unwrap_or_default())
                })
                .collect(),
            None,
        ),
        Err(ApiError::InvalidInput(m)) => (Vec::new(), Some(m.replace("finalidade: ", ""))),
        Err(e) => return error_page(Some(officer.clone()), e),
    };
    page(&PersonalDataPage { officer: Some(officer.clone()), case_id: text, finalidade, itens, erro })
}

/// Whether a deadline is overdue, due today or open, as on the page.
fn deadline_status(due: NaiveDate, today: NaiveDate) -> (&'static str, bool) {
    match due.cmp(&today) {
        std::cmp::Ordering::Less => ("vencido", true),
        std::cmp::Ordering::Equal => ("vence hoje", true),
        std::cmp::Ordering::Greater => ("em curso", false),
    }
}

/// Officer names by id, for "who did it".
async fn officer_names(state: &AppState) -> Result<BTreeMap<String, String>, ApiError> {
    Ok(officers::list(&state.store.database()).await?.into_iter().map(|o| (o.officer_id.to_string(), o.name)).collect())
}

async fn case_page(state: &AppState, officer: &PageOfficer, text: &str) -> Result<CasePage, ApiError> {
    let signed = &officer.signed();
    signed.require(&Role::ALL)?;
    let id = uuid::Uuid::parse_str(text).map_err(|_| ApiError::NotFound(format!("caso {text}")))?;
    let doc = state.views.case(state.store.as_ref(), id, Cut::default()).await?;
    let events = state.store.read_stream(&autos_domain::StreamRef::Caso(id).to_string(), 1).await?;
    let registro = doc.registro.clone().unwrap_or_default();
    let operator = match Registro::parse(&registro) {
        Ok(r) => Some(state.views.operator(state.store.as_ref(), r, Cut::default()).await?),
        Err(_) => None,
    };
    let names = officer_names(state).await?;
    let today = chrono::Local::now().date_naive();
    let appointed = crate::http::cases::appointed(state, signed, id).await?;
    let request = crate::auth::service_request(signed, appointed, None, None);
    let offered = state.service.acts_offered(id, &request).await?;
    // One row per act: the events an act appended share its command and its version run.
    let mut atos: Vec<ActRow> = Vec::new();
    let mut last_command: Option<(String, i64)> = None;
    for e in &events {
        let command = e.command.clone().unwrap_or_default();
        if last_command.as_ref().is_some_and(|(c, v)| *c == command && *v + 1 == e.stream_version) {
            last_command = Some((command, e.stream_version));
            continue;
        }
        last_command = Some((command.clone(), e.stream_version));
        let value: serde_json::Value = serde_json::from_str(&command).unwrap_or_default();
        let act_name = value["act"].as_str().unwrap_or_default();
        let info = find_act(act_name).ok();
        atos.push(ActRow {
            versao: e.stream_version,
            data: date_br(Some(e.occurred_on)),
            ato: info.map_or_else(|| e.event_type.replace(['.', '_'], " "), |a| a.label.to_owned()),
            quem: names.get(&e.actor_id.to_string()).cloned().unwrap_or_else(|| "sistema".to_owned()),
            papel: role_label(&e.actor_role),
            base_legal: e.legal_basis.clone().unwrap_or_default(),
            documento: e.document_ref.clone().unwrap_or_default(),
            campos: autos_domain::forms::fields(act_name)
                .map(|fields| forms::summary(fields, &value, &names))
                .unwrap_or_default(),
        });
    }
    Ok(CasePage {
        officer: Some(officer.clone()),
        case_id: doc.case_id.clone(),
        registro_formatado: registro_formatado(&registro),
        razao_social: operator.map(|o| o.state.razao_social).unwrap_or_default(),
        registro,
        familia: family_label(doc.family.as_deref()),
        fase: doc.phase.replace('_', " "),
        aberto: date_br(doc.opened_on),
        encerrado: date_br(doc.closed_on),
        versao: doc.version,
        prazos: doc
            .state
            .prazos
            .iter()
            .map(|(k, d)| {
                let (situacao, alerta) = deadline_status(d.due, today);
                DeadlineRow {
                    prazo: autos_domain::forms::label_of(
                        autos_domain::forms::DEADLINES,
                        &autos_domain::case::code_label(k).replace(' ', "_"),
                    )
                    .to_owned(),
                    inicio: date_br(Some(d.start)),
                    dias: d.length,
                    dias_uteis: d.calendar == autos_domain::Calendar::Uteis,
                    vence: date_br(Some(d.due)),
                    situacao,
                    alerta,
                    norma: d.norm.clone(),
                }
            })
            .collect(),
        atos,
        atos_possiveis: offered.iter().map(|a| (a.name, a.label)).collect(),
        pessoas: match &doc.state.detalhe {
            autos_domain::case::CaseDetail::Indisponibilidade(freeze) => freeze
                .pessoas
                .iter()
                .map(|p| {
                    let period = match (p.inicio, p.fim) {
                        (Some(i), Some(f)) => format!("de {} a {}", date_br(Some(i)), date_br(Some(f))),
                        (Some(i), None) => format!("desde {}", date_br(Some(i))),
                        _ => String::new(),
                    };
                    (p.nome.clone(), p.cargo.clone(), period)
                })
                .collect(),
            _ => Vec::new(),
        },
        dados_pessoais: matches!(doc.family.as_deref(), Some("demanda_disque_ans" | "nip"))
            && crate::http::cases::PERSONAL_DATA_READERS.contains(&officer.role),
    })
}

async fn case(State(state): State<AppState>, officer: PageOfficer, Path(text): Path<String>) -> Response {
    match case_page(&state, &officer, &text).await {
        Ok(p) => page(&p),
        Err(e) => error_page(Some(officer.clone()), e),
    }
}

struct DeadlineLine {
    due: String,
    situacao: &'static str,
    alerta: bool,
    case_id: String,
    familia: String,
    registro: String,
    operadora: String,
    uf: String,
    responsavel: String,
    key: String,
    norm: String,
}

#[derive(Template)]
#[template(path = "prazos.html")]
struct DeadlinesPage {
    officer: Option<PageOfficer>,
    vencidos: usize,
    hoje: usize,
    prazos: Vec<DeadlineLine>,
    seguinte: Option<String>,
    filtro: DeadlineFilter,
    ufs: Vec<&'static str>,
    familias: Vec<(&'static str, &'static str)>,
    responsaveis: Vec<(String, String)>,
}

/// The officers a case can be assigned to, by id, with their role: for the pickers and filters.
async fn assignees(state: &AppState) -> Result<Vec<(String, String)>, ApiError> {
    Ok(officers::list(&state.store.database())
        .await?
        .into_iter()
        .filter(|o| !o.revoked && matches!(o.role, Role::Fiscal | Role::Diretoria | Role::Atendente))
        .map(|o| (o.officer_id.to_string(), format!("{} — {}", o.name, o.role.label())))
        .collect())
}

/// The filters of the deadlines page, as typed.
#[derive(Deserialize, Default, Clone)]
struct DeadlineFilter {
    uf: Option<String>,
    familia: Option<String>,
    operadora: Option<String>,
    /// The responsible officer's id.
    responsavel: Option<String>,
    /// `vencido`, `hoje` or `aberto`; empty: all.
    situacao: Option<String>,
    /// Cursor of the list.
    apos: Option<String>,
}

impl DeadlineFilter {
    fn keeps(&self, d: &DeadlineDoc, today: NaiveDate) -> bool {
        let (uf, familia, operadora, situacao) =
            (typed(&self.uf), typed(&self.familia), typed(&self.operadora), typed(&self.situacao));
        (uf.is_empty() || d.uf.as_deref() == Some(uf))
            && (familia.is_empty() || d.family.as_deref() == Some(familia))
            && (operadora.is_empty() || d.registro.as_deref() == Some(operadora))
            && (typed(&self.responsavel).is_empty() || d.responsavel.as_deref() == Some(typed(&self.responsavel)))
            && match situacao {
                "vencido" => d.due < today,
                "hoje" => d.due == today,
                "aberto" => d.due >= today,
                _ => true,
            }
    }
}

/// A filter as typed: trimmed, empty when absent.
fn typed(value: &Option<String>) -> &str {
    value.as_deref().map_or("", str::trim)
}

/// A phase as typed (`Aguardando  defesa`) in the read models' spelling (`aguardando_defesa`).
fn phase_code(typed: &str) -> String {
    typed.to_lowercase().split_whitespace().collect::<Vec<_>>().join("_")
}

/// Razões sociais by registro, for the registros a list shows.
async fn operator_names(
    state: &AppState,
    registros: impl Iterator<Item = String>,
) -> Result<BTreeMap<String, String>, ApiError> {
    let mut names = BTreeMap::new();
    for registro in registros {
        if names.contains_key(&registro) {
            continue;
        }
        let doc = state.views.get::<OperatorDoc>(models::OPERATOR, &registro).await?;
        names.insert(registro, doc.map(|d| d.state.razao_social).unwrap_or_default());
    }
    Ok(names)
}

async fn deadlines(
    State(state): State<AppState>,
    officer: PageOfficer,
    Query(filtro): Query<DeadlineFilter>,
) -> Response {
    let today = chrono::Local::now().date_naive();
    let result = async {
        let keep = filtro.clone();
        let found = state
            .views
            .page::<DeadlineDoc>(models::DEADLINE, "", filtro.apos.as_deref(), PAGE_ROWS, move |d| keep.keeps(d, today))
            .await?;
        let names = operator_names(&state, found.items.iter().filter_map(|d| d.registro.clone())).await?;
        let params = [
            ("uf", filtro.uf.as_deref()),
            ("familia", filtro.familia.as_deref()),
            ("operadora", filtro.operadora.as_deref()),
            ("responsavel", filtro.responsavel.as_deref()),
            ("situacao", filtro.situacao.as_deref()),
        ];
        let officers = officer_names(&state).await?;
        Ok::<_, ApiError>(DeadlinesPage {
            officer: Some(officer.clone()),
            vencidos: found.items.iter().filter(|d| d.due < today).count(),
            hoje: found.items.iter().filter(|d| d.due == today).count(),
            seguinte: found.next.as_deref().map(|n| with_param("/prazos", &params, ("apos", n))),
            prazos: found
                .items
                .into_iter()
                .map(|d| {
                    let (situacao, alerta) = deadline_status(d.due, today);
                    let registro = d.registro.unwrap_or_default();
                    DeadlineLine {
                        due: date_br(Some(d.due)),
                        situacao,
                        alerta,
                        familia: family_label(d.family.as_deref()),
                        case_id: d.case_id,
                        operadora: names.get(&registro).cloned().unwrap_or_default(),
                        registro,
                        uf: d.uf.unwrap_or_default(),
                        responsavel: d.responsavel.and_then(|id| officers.get(&id).cloned()).unwrap_or_default(),
                        key: autos_domain::forms::label_of(autos_domain::forms::DEADLINES, &d.key).to_owned(),
                        norm: d.norm,
                    }
                })
                .collect(),
            filtro,
            ufs: autos_domain::Uf::ALL.iter().map(|u| u.code()).collect(),
            familias: autos_domain::Family::ALL.iter().map(|f| (f.as_str(), f.label())).collect(),
            responsaveis: assignees(&state).await?,
        })
    }
    .await;
    match result {
        Ok(p) => page(&p),
        Err(e) => error_page(Some(officer.clone()), e),
    }
}

#[derive(Template)]
#[template(path = "painel.html")]
struct Dashboard {
    officer: Option<PageOfficer>,
    grafico: String,
    intervencoes: Vec<(String, i64)>,
    total_intervencoes: i64,
    linhas: Vec<(String, u32)>,
    operadoras: usize,
    em_regime: usize,
    em_liquidacao: usize,
    canceladas: usize,
}

/// A horizontal bar chart as inline SVG, with pt-BR numbers on the axis, a log scale when the
/// bars differ by orders of magnitude, and a text alternative naming every bar (the table beside
/// the chart holds the same figures).
fn bar_chart(rows: &[(String, f64)], title: &str) -> String {
    let mut svg = String::new();
    let max = rows.iter().map(|r| r.1).fold(1.0, f64::max);
    let min = rows.iter().map(|r| r.1).filter(|v| *v > 0.0).fold(max, f64::min);
    let logarithmic = max / min >= 100.0;
    {
        let height = 40 + 28 * rows.len().max(1) as u32;
        let root = SVGBackend::with_string(&mut svg, (720, height)).into_drawing_area();
        let axis = |v: &f64| number_pt_br(&format!("{v:.0}"));
        let drawn = (|| -> Result<(), Box<dyn std::error::Error + '_>> {
            root.fill(&WHITE)?;
            let mut builder = ChartBuilder::on(&root);
            builder.margin(8).x_label_area_size(24).y_label_area_size(230);
            let label = |v: &SegmentValue<usize>| match v {
                SegmentValue::CenterOf(i) => rows.get(*i).map(|r| r.0.clone()).unwrap_or_default(),
                _ => String::new(),
            };
            let bar = |i: usize, from: f64, n: f64| {
                Rectangle::new(
                    [(from, SegmentValue::Exact(i)), (n, SegmentValue::Exact(i + 1))],
                    RGBColor(11, 79, 108).filled(),
                )
            };
            if logarithmic {
                let mut chart =
                    builder.build_cartesian_2d((0.5..max * 2.0).log_scale(), (0..rows.len()).into_segmented())?;
                chart.configure_mesh().disable_y_mesh().x_label_formatter(&axis).y_label_formatter(&label).draw()?;
                chart.draw_series(rows.iter().enumerate().map(|(i, (_, n))| bar(i, 0.5, n.max(0.5))))?;
            } else {
                let mut chart = builder.build_cartesian_2d(0.0..max * 1.05, (0..rows.len()).into_segmented())?;
                chart.configure_mesh().disable_y_mesh().x_label_formatter(&axis).y_label_formatter(&label).draw()?;
                chart.draw_series(rows.iter().enumerate().map(|(i, (_, n))| bar(i, 0.0, *n)))?;
            }
            root.present()?;
            Ok(())
        })();
        if let Err(e) = drawn {
            tracing::warn!(error = %e, "chart not drawn");
        }
    }
    let figure = |n: f64| number_pt_br(&if n.fract() == 0.0 { format!("{n:.0}") } else { format!("{n:.2}") });
    let description: Vec<String> = rows.iter().map(|(label, n)| format!("{label}: {}", figure(*n))).collect();
    let scale = if logarithmic { " (eixo em escala logarítmica)" } else { "" };
    let alternative = format!("{title}{scale}. {}", description.join("; "));
    let alternative =
        askama::filters::escape(&alternative, askama::filters::Html).map(|e| e.to_string()).unwrap_or_default();
    svg.replacen("<svg ", &format!("<svg role=\"img\" aria-label=\"{alternative}\" "), 1)
}

async fn dashboard(State(state): State<AppState>, officer: PageOfficer) -> Response {
    let mut all = Vec::new();
    let mut after: Option<String> = None;
    loop {
        match state.views.page::<OperatorDoc>(models::OPERATOR, "", after.as_deref(), 500, |_| true).await {
            Ok(found) => {
                all.extend(found.items);
                match found.next {
                    Some(n) => after = Some(n),
                    None => break,
                }
            }
            Err(e) => return error_page(Some(officer.clone()), e),
        }
    }
    let mut by_family: BTreeMap<String, u32> = BTreeMap::new();
    for op in &all {
        for (family, n) in &op.open_cases {
            *by_family.entry(family_label(Some(family))).or_default() += n;
        }
    }
    let linhas: Vec<(String, u32)> = by_family.into_iter().filter(|(_, n)| *n > 0).collect();
    let counters: BTreeMap<_, i64> = match state.views.entries(models::DASHBOARD, keys::INTERVENTION_TOTALS).await {
        Ok(entries) => entries
            .into_iter()
            .filter_map(|(k, v)| Some((keys::intervention_total(&k)?, v["quantidade"].as_i64().unwrap_or(0))))
            .collect(),
        Err(e) => return error_page(Some(officer.clone()), e),
    };
    let intervencoes: Vec<(String, i64)> =
        InterventionKind::TABLE.iter().map(|k| (k.label().to_owned(), counters.get(k).copied().unwrap_or(0))).collect();
    page(&Dashboard {
        total_intervencoes: intervencoes.iter().map(|(_, n)| n).sum(),
        intervencoes,
        officer: Some(officer.clone()),
        grafico: bar_chart(
            &linhas.iter().map(|(l, n)| (l.clone(), f64::from(*n))).collect::<Vec<_>>(),
            "Casos abertos por família",
        ),
        operadoras: all.len(),
        em_regime: all.iter().filter(|o| !o.state.regimes.is_empty()).count(),
        em_liquidacao: all.iter().filter(|o| o.state.caso_liquidacao.is_some()).count(),
        canceladas: all.iter().filter(|o| o.state.is_cancelled()).count(),
        linhas,
    })
}

/// One read of the personal-data log, as the audit page lists it.
struct ReadRow {
    quando: String,
    quem: String,
    papel: String,
    finalidade: String,
    titular: String,
}

#[derive(Template)]
#[template(path = "auditoria.html")]
struct AuditPage {
    officer: Option<PageOfficer>,
    /// The full verification: state line, whether it found nothing, its findings.
    completa: String,
    completa_ok: Option<bool>,
    em_andamento: bool,
    problemas: Vec<String>,
    /// The incremental verification done for this page.
    incremental: String,
    incremental_ok: Option<bool>,
    checkpoint: Option<String>,
    /// The proof of a kept checkpoint, when one was submitted: (proved, message).
    prova: Option<(bool, String)>,
    checkpoint_enviado: String,
    replay: String,
    replay_linhas: Vec<(String, bool, String)>,
    leituras: Vec<ReadRow>,
    leituras_seguinte: Option<String>,
}

/// A finding in pt-BR: what it means and where it is.
fn finding(p: &integrity::Problem) -> String {
    let mut text = p.kind.label().to_owned();
    if let Some(s) = &p.stream_id {
        text.push_str(&format!(" — fluxo {s}"));
    }
    if let Some(v) = p.version {
        text.push_str(&format!(", versão {v}"));
    }
    if let Some(pos) = p.position {
        text.push_str(&format!(", posição {pos}"));
    }
    text
}

fn when_br(at: chrono::DateTime<chrono::Utc>) -> String {
    at.with_timezone(&chrono::Local).format("%d/%m/%Y %H:%M:%S").to_string()
}

#[derive(Deserialize, Default)]
struct AuditQuery {
    /// Cursor of the read log (the last id seen).
    leituras: Option<i64>,
}

#[derive(Deserialize)]
struct KeptCheckpoint {
    checkpoint: String,
}

async fn audit(State(state): State<AppState>, officer: PageOfficer, Query(query): Query<AuditQuery>) -> Response {
    audit_page(&state, &officer, query.leituras, None).await
}

/// Proves that the log extends a checkpoint the auditor kept.
async fn audit_prove(
    State(state): State<AppState>,
    officer: PageOfficer,
    Form(kept): Form<KeptCheckpoint>,
) -> Response {
    audit_page(&state, &officer, None, Some(kept.checkpoint)).await
}

async fn audit_start_verify(State(state): State<AppState>, officer: PageOfficer) -> Response {
    match officer.signed().require(&[Role::Auditor, Role::Administrador]) {
        Ok(_) => {
            state.audit.start_verify(state.store.clone());
            redirect("/auditoria")
        }
        Err(e) => error_page(Some(officer), e),
    }
}

async fn audit_start_replay(State(state): State<AppState>, officer: PageOfficer) -> Response {
    match officer.signed().require(&[Role::Auditor, Role::Administrador]) {
        Ok(_) => {
            state.audit.start_replay(state.store.clone());
            redirect("/auditoria")
        }
        Err(e) => error_page(Some(officer), e),
    }
}

async fn audit_page(state: &AppState, officer: &PageOfficer, before: Option<i64>, kept: Option<String>) -> Response {
    use autos_app::audit::Job;
    let signed = officer.signed();
    let result = async {
        signed.require(&[Role::Auditor, Role::Administrador])?;
        if matches!(state.audit.snapshot().verify, Job::Never) {
            state.audit.start_verify(state.store.clone());
        }
        let incremental = state.audit.incremental(state.store.as_ref()).await?;
        let jobs = state.audit.snapshot();
        let (completa, completa_ok, em_andamento, problemas) = match &jobs.verify {
            Job::Never => ("A verificação completa ainda não foi feita.".to_owned(), None, false, Vec::new()),
            Job::Running { since, done } => (
                format!(
                    "Verificação completa em andamento desde {}: {} eventos conferidos.",
                    when_br(*since),
                    number_pt_br(&done.to_string())
                ),
                None,
                true,
                Vec::new(),
            ),
            Job::Finished { at, seconds, outcome: Ok(report) } => (
                format!(
                    "Última verificação completa em {}: {} eventos em {} fluxos e {} checkpoints, em {} s.",
                    when_br(*at),
                    number_pt_br(&report.events_checked.to_string()),
                    number_pt_br(&report.streams_checked.to_string()),
                    number_pt_br(&report.checkpoints_checked.to_string()),
                    number_pt_br(&format!("{seconds:.1}"))
                ),
                Some(report.ok()),
                false,
                report.problems.iter().map(finding).collect(),
            ),
            Job::Finished { at, outcome: Err(_), .. } => (
                format!(
                    "A verificação completa de {} não terminou: o banco de dados falhou. Tente de novo.",
                    when_br(*at)
                ),
                Some(false),
                false,
                Vec::new(),
            ),
        };
        let (incremental_text, incremental_ok) = match &incremental {
            None => ("Disponível assim que uma verificação completa confirmar um checkpoint.".to_owned(), None),
            Some(report) => (
                format!(
                    "Desde o checkpoint nº {} (posição {}): {} eventos novos e {} checkpoints conferidos agora.",
                    report.base.seq,
                    report.base.position,
                    number_pt_br(&report.events_checked.to_string()),
                    report.checkpoints_checked
                ),
                Some(report.ok()),
            ),
        };
        let mut problemas = problemas;
        if let Some(report) = &incremental {
            problemas.extend(report.problems.iter().map(finding));
        }
        let prova = match kept.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
            None => None,
            Some(text) => Some(match integrity::verify_against(state.store.as_ref(), text).await {
                Ok(None) => {
                    (true, "O registro estende o checkpoint guardado: nada do que ele cobre foi alterado.".to_owned())
                }
                Ok(Some(problem)) => {
                    (false, format!("O registro NÃO estende o checkpoint guardado: {}.", finding(&problem)))
                }
                Err(autos_store::StoreError::InvalidInput(_)) => (
                    false,
                    "O texto não é um checkpoint exportado (autos-checkpoint:v1:posição:eventos:resumo).".to_owned(),
                ),
                Err(e) => return Err(ApiError::from(e)),
            }),
        };
        let (replay, replay_linhas) = match &jobs.replay {
            Job::Never => ("A conferência de reprocessamento ainda não foi feita.".to_owned(), Vec::new()),
            Job::Running { since, done } => {
                (format!("Em andamento desde {}: {done} projeções conferidas.", when_br(*since)), Vec::new())
            }
            Job::Finished { at, seconds, outcome: Ok(lines) } => (
                format!("Última conferência em {}, em {} s.", when_br(*at), number_pt_br(&format!("{seconds:.1}"))),
                lines
                    .iter()
                    .map(|l| {
                        let text = if l.equal {
                            format!("idêntica à reconstrução a partir do registro (posição {})", l.position)
                        } else {
                            format!(
                                "DIFERENTE da reconstrução; primeira diferença em {}",
                                l.difference.clone().unwrap_or_default()
                            )
                        };
                        (l.projection.clone(), l.equal, text)
                    })
                    .collect(),
            ),
            Job::Finished { at, outcome: Err(_), .. } => {
                (format!("A conferência de {} não terminou: o banco de dados falhou.", when_br(*at)), Vec::new())
            }
        };
        let names = officer_names(state).await?;
        let reads = state.store.personal_reads(before, PAGE_ROWS).await?;
        let leituras_seguinte = (reads.len() as i64 == PAGE_ROWS)
            .then(|| reads.last().map(|r| format!("/auditoria?leituras={}", r.id)))
            .flatten();
        let checkpoint = state.store.checkpoints().await?.pop().map(|c| integrity::export_checkpoint(&c));
        Ok::<_, ApiError>(AuditPage {
            officer: Some(officer.clone()),
            completa,
            completa_ok,
            em_andamento,
            problemas,
            incremental: incremental_text,
            incremental_ok,
            checkpoint,
            checkpoint_enviado: kept.unwrap_or_default(),
            prova,
            replay,
            replay_linhas,
            leituras: reads
                .into_iter()
                .map(|r| ReadRow {
                    quando: when_br(r.read_at),
                    quem: names.get(&r.reader_id.to_string()).cloned().unwrap_or_else(|| r.reader_id.to_string()),
                    papel: role_label(&r.reader_role),
                    finalidade: r.purpose,
                    titular: r.subject_id.to_string(),
                })
                .collect(),
            leituras_seguinte,
        })
    }
    .await;
    match result {
        Ok(p) => page(&p),
        Err(e) => error_page(Some(officer.clone()), e),
    }
}

#[derive(Template)]
#[template(path = "publico.html")]
struct PublicPage {
    officer: Option<PageOfficer>,
    b: reads::Bulletin,
    de: String,
    ate: String,
    ufs: Vec<String>,
    erro: Option<String>,
    grafico: String,
    /// (operator, denúncias, average beneficiaries, months informed, index), formatted.
    ranking: Vec<(String, i64, String, u32, String)>,
    panoramas: Vec<(String, reads::Panorama)>,
    atos_nacionais: Vec<(String, i64)>,
}

#[derive(Deserialize)]
struct BulletinChoice {
    uf: Option<String>,
    ano: Option<String>,
    trimestre: Option<String>,
}

/// The latest quarter, from today back, with any Disque ANS demanda in the country.
async fn latest_quarter_with_data(state: &AppState) -> Result<(i32, u32), ApiError> {
    let mut day = chrono::Local::now().date_naive();
    for _ in 0..160 {
        let quarter = boletim::quarter_of(day);
        let found = state
            .views
            .page::<serde_json::Value>(
                boletim::THEMES,
                &keys::of_bulletin_scope(&quarter, boletim::NATIONAL),
                None,
                1,
                |_| true,
            )
            .await?;
        if !found.items.is_empty() {
            return Ok((day.year(), day.month0() / 3 + 1));
        }
        day = day.checked_sub_months(chrono::Months::new(3)).unwrap_or(day);
    }
    let today = chrono::Local::now().date_naive();
    Ok((today.year(), today.month0() / 3 + 1))
}

async fn public_bulletin(
    State(state): State<AppState>,
    MaybePageOfficer(officer): MaybePageOfficer,
    Query(choice): Query<BulletinChoice>,
) -> Response {
    let (latest_year, latest_quarter) = match latest_quarter_with_data(&state).await {
        Ok(q) => q,
        Err(e) => return error_page(officer, e),
    };
    let uf = choice.uf.unwrap_or_else(|| "SP".to_owned());
    let ano = choice.ano.as_deref().map_or(Ok(latest_year), str::parse::<i32>);
    let trimestre = choice.trimestre.as_deref().map_or(Ok(latest_quarter), str::parse::<u32>);
    let (built, erro) = match (ano, trimestre) {
        (Ok(ano), Ok(trimestre)) => match reads::build_bulletin(&state, &uf, ano, trimestre, 10).await {
            Ok(b) => (Ok(b), None),
            Err(e) => (reads::build_bulletin(&state, "SP", latest_year, latest_quarter, 10).await, Some(e.to_string())),
        },
        _ => (
            reads::build_bulletin(&state, "SP", latest_year, latest_quarter, 10).await,
            Some("ano e trimestre devem ser números".to_owned()),
        ),
    };
    let b = match built {
        Ok(b) => b,
        Err(e) => return error_page(officer, e),
    };
    let ranking = b
        .indice_de_reclamacoes
        .iter()
        .map(|r| {
            (
                format!("{} — {}", r.registro, r.razao_social),
                r.numerador,
                number_pt_br(&format!("{:.1}", r.denominador)),
                r.meses_informados,
                number_pt_br(&format!("{:.2}", r.indice)),
            )
        })
        .collect();
    let grafico = bar_chart(
        &b.indice_de_reclamacoes
            .iter()
            .map(|r| (r.razao_social.chars().take(30).collect(), r.indice))
            .collect::<Vec<_>>(),
        "Índice de reclamações por operadora",
    );
    let panoramas = vec![
        ("Panorama nacional".to_owned(), b.nacional.clone()),
        (format!("Região {}", b.regiao), b.regional.clone()),
        (format!("UF {}", b.uf), b.estadual.clone()),
    ];
    let atos_nacionais = b.atos_nacionais.iter().map(|(k, n)| (k.clone(), *n)).collect();
    page(&PublicPage {
        officer,
        de: b.de.format("%d/%m/%Y").to_string(),
        ate: b.ate.format("%d/%m/%Y").to_string(),
        ufs: autos_domain::Uf::ALL.iter().map(ToString::to_string).collect(),
        erro,
        grafico,
        ranking,
        panoramas,
        atos_nacionais,
        b,
    })
}

#[cfg(test)]
mod tests {
    use super::session_cookie;

    #[test]
    fn the_session_cookie_is_http_only_strict_and_secure_when_asked() {
        let plain = session_cookie("3f9a", None, false);
        assert_eq!(plain, "autos_sessao=3f9a; HttpOnly; SameSite=Strict; Path=/");
        assert!(session_cookie("3f9a", None, true).ends_with("; Secure"));
        assert_eq!(
            session_cookie("", Some(0), true),
            "autos_sessao=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0; Secure"
        );
    }
}
