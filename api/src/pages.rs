//! The web pages officers and auditors use, in pt-BR and rendered on the server (askama): sign
//! in with a token, operator search, the operator page (status now or at a past date, cases,
//! intervention timeline), the case page (acts, deadlines, a form for each act the officer's
//! role may perform), deadlines, the dashboard with an SVG chart, the audit page, and the public
//! page (no sign-in) with the quarterly bulletin and the complaint index ranking.

use std::collections::BTreeMap;

use askama::Template;
use autos_domain::acts::{act_catalogue, find_act};
use autos_domain::{number_pt_br, CaseCommand, Registro, Role};
use autos_projections::bulletin;
use autos_projections::keys;
use autos_projections::models::{self, CaseRef, DeadlineDoc, InterventionKind, OperatorDoc, TimelineEntry};
use autos_projections::time_travel::Cut;
use autos_store::integrity;
use axum::extract::{Form, Path, Query, State};
use axum::http::header::{LOCATION, SET_COOKIE};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::{Datelike, NaiveDate};
use plotters::prelude::*;
use serde::Deserialize;

use crate::auth::{MaybeSigned, Signed, TOKEN_COOKIE};
use crate::http::reads;
use crate::state::AppState;
use crate::ApiError;
use autos_app::labels::{fold, porte_label, standing};
use autos_app::officers::{self, Officer};
use autos_app::service::Request;

/// The pages, mounted at `/`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(|| async { redirect("/operadoras") }))
        .route("/entrar", get(sign_in_form).post(sign_in))
        .route("/sair", get(sign_out))
        .route("/operadoras", get(operators))
        .route("/operadoras/{registro}", get(operator))
        .route("/casos/{id}", get(case))
        .route("/casos/{id}/atos", axum::routing::post(case_act))
        .route("/prazos", get(deadlines))
        .route("/painel", get(dashboard))
        .route("/auditoria", get(audit))
        .route("/publico", get(public_bulletin))
}

fn redirect(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(LOCATION, to.to_owned())]).into_response()
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

/// An error page: the problem's detail in Portuguese, with its status.
/// A 5xx names its incident id, which the log line carries too.
fn error_page(officer: Option<Officer>, error: impl Into<ApiError>) -> Response {
    let (status, problem, failure) = error.into().report();
    let incident = problem.incident_id.map(|id| format!(" (incidente {id})")).unwrap_or_default();
    let body = SignIn { officer, error: Some(format!("{}: {}{incident}", problem.title, problem.detail)) };
    let mut response = (status, page(&body)).into_response();
    response.extensions_mut().insert(failure);
    response
}

#[derive(Template)]
#[template(path = "entrar.html")]
struct SignIn {
    officer: Option<Officer>,
    error: Option<String>,
}

async fn sign_in_form(MaybeSigned(officer): MaybeSigned) -> Response {
    page(&SignIn { officer, error: None })
}

#[derive(Deserialize)]
struct TokenForm {
    token: String,
}

async fn sign_in(State(state): State<AppState>, Form(form): Form<TokenForm>) -> Response {
    match officers::authenticate(&state.store.database(), &form.token).await {
        Ok(Some(_)) => {
            let cookie = format!("{TOKEN_COOKIE}={}; HttpOnly; SameSite=Strict; Path=/", form.token.trim());
            (StatusCode::SEE_OTHER, [(LOCATION, "/operadoras".to_owned()), (SET_COOKIE, cookie)]).into_response()
        }
        Ok(None) => (
            StatusCode::UNAUTHORIZED,
            page(&SignIn { officer: None, error: Some("Token inválido ou revogado.".into()) }),
        )
            .into_response(),
        Err(e) => error_page(None, e),
    }
}

async fn sign_out() -> Response {
    let cookie = format!("{TOKEN_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0");
    (StatusCode::SEE_OTHER, [(LOCATION, "/operadoras".to_owned()), (SET_COOKIE, cookie)]).into_response()
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
    officer: Option<Officer>,
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
    MaybeSigned(officer): MaybeSigned,
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

#[derive(Template)]
#[template(path = "operadora.html")]
struct OperatorPage {
    officer: Option<Officer>,
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
}

#[derive(Deserialize, Default)]
struct AsOfQuery {
    as_of: Option<String>,
}

fn date_br(d: Option<NaiveDate>) -> String {
    d.map(|d| d.format("%d/%m/%Y").to_string()).unwrap_or_default()
}

fn family_label(family: Option<&str>) -> String {
    family
        .and_then(|f| serde_json::from_value::<autos_domain::Family>(serde_json::Value::String(f.to_owned())).ok())
        .map_or_else(|| family.unwrap_or_default().to_owned(), |f| f.label().to_owned())
}

async fn operator(
    State(state): State<AppState>,
    MaybeSigned(officer): MaybeSigned,
    Path(text): Path<String>,
    Query(query): Query<AsOfQuery>,
) -> Response {
    let result = async {
        let registro = Registro::parse(&text)?;
        let as_of = match query.as_of.as_deref().filter(|s| !s.is_empty()) {
            Some(s) => Some(
                NaiveDate::parse_from_str(s, "%Y-%m-%d")
                    .map_err(|_| ApiError::InvalidInput(format!("data inválida: {s}")))?,
            ),
            None => None,
        };
        let doc = state.views.operator(state.store.as_ref(), registro, Cut { as_of, known_at: None }).await?;
        let (key, prefix) = (registro.to_string(), keys::of_operator(registro));
        let cases = state.views.page::<CaseRef>(models::CASE_OF_OPERATOR, &prefix, None, 200, |_| true).await?;
        let timeline = state
            .views
            .page::<TimelineEntry>(models::TIMELINE, &prefix, None, 500, |t| as_of.is_none_or(|d| t.occurred_on <= d))
            .await?;
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
                    caso: t.case_id,
                    papel: t.actor_role,
                    base_legal: t.legal_basis.unwrap_or_default(),
                    documento: t.document_ref.unwrap_or_default(),
                })
                .collect(),
        })
    }
    .await;
    match result {
        Ok(p) => page(&p),
        Err(e) => error_page(officer, e),
    }
}

#[derive(Template)]
#[template(path = "caso.html")]
struct CasePage {
    officer: Option<Officer>,
    case_id: String,
    registro: String,
    familia: String,
    fase: String,
    versao: i64,
    prazos: Vec<(String, String, u32, String, String)>,
    atos: Vec<(i64, String, String, String, String)>,
    formularios: Vec<(&'static str, &'static str)>,
    erro: Option<String>,
}

async fn case_page(state: &AppState, signed: &Signed, text: &str, erro: Option<String>) -> Result<CasePage, ApiError> {
    signed.require(&Role::ALL)?;
    let id = uuid::Uuid::parse_str(text).map_err(|_| ApiError::InvalidInput(format!("caso inválido: {text}")))?;
    let doc = state.views.case(state.store.as_ref(), id, Cut::default()).await?;
    let events = state.store.read_stream(&autos_domain::StreamRef::Caso(id).to_string(), 1).await?;
    let family = doc.state.family;
    let role = signed.0.role;
    Ok(CasePage {
        officer: Some(signed.0.clone()),
        case_id: doc.case_id.clone(),
        registro: doc.registro.clone().unwrap_or_default(),
        familia: family_label(doc.family.as_deref()),
        fase: doc.phase.replace('_', " "),
        versao: doc.version,
        prazos: doc
            .state
            .deadlines
            .iter()
            .map(|(k, d)| {
                let key = serde_json::to_value(k)
                    .ok()
                    .and_then(|v| v.as_str().map(|s| s.replace('_', " ")))
                    .unwrap_or_default();
                (key, date_br(Some(d.start)), d.length, date_br(Some(d.due)), d.norm.clone())
            })
            .collect(),
        atos: events
            .iter()
            .map(|e| {
                (
                    e.stream_version,
                    date_br(Some(e.occurred_on)),
                    e.event_type.replace(['.', '_'], " "),
                    e.actor_role.clone(),
                    e.legal_basis.clone().unwrap_or_default(),
                )
            })
            .collect(),
        formularios: act_catalogue()
            .iter()
            .filter(|a| !a.opens_case && a.roles.contains(&role) && family.is_some_and(|f| a.families.contains(&f)))
            .map(|a| (a.name, a.label))
            .collect(),
        erro,
    })
}

async fn case(State(state): State<AppState>, signed: Signed, Path(text): Path<String>) -> Response {
    match case_page(&state, &signed, &text, None).await {
        Ok(p) => page(&p),
        Err(e) => error_page(Some(signed.0), e),
    }
}

#[derive(Deserialize)]
struct ActForm {
    ato: String,
    data: String,
    versao: i64,
    campos: String,
}

/// Files an act from the case page; a refusal is shown on the page, in Portuguese.
async fn case_act(
    State(state): State<AppState>,
    signed: Signed,
    Path(text): Path<String>,
    Form(form): Form<ActForm>,
) -> Response {
    let outcome = async {
        let id = uuid::Uuid::parse_str(&text).map_err(|_| ApiError::InvalidInput(format!("caso inválido: {text}")))?;
        find_act(&form.ato)?;
        let mut fields: serde_json::Value =
            serde_json::from_str(if form.campos.trim().is_empty() { "{}" } else { &form.campos })
                .map_err(|e| ApiError::InvalidInput(format!("campos do ato: JSON inválido ({e})")))?;
        let object = fields
            .as_object_mut()
            .ok_or_else(|| ApiError::InvalidInput("campos do ato: esperado um objeto JSON".into()))?;
        object.insert("act".into(), form.ato.clone().into());
        let command: CaseCommand = crate::http::extract::parse_json(&serde_json::to_vec(&fields).unwrap_or_default())?;
        let occurred_on = match form.data.trim() {
            "" => None,
            d => Some(
                NaiveDate::parse_from_str(d, "%Y-%m-%d")
                    .map_err(|_| ApiError::InvalidInput(format!("data do ato inválida: {d}")))?,
            ),
        };
        let request: Request = crate::auth::service_request(&signed, Vec::new(), occurred_on, None);
        Ok::<_, ApiError>(state.service.case_command(Some(id), command, Some(form.versao), &request).await?)
    }
    .await;
    match outcome {
        Ok(_) => redirect(&format!("/casos/{text}")),
        Err(e) => {
            let problem = e.problem();
            let message = match (&problem.rule_id, &problem.norm) {
                (Some(rule), Some(norm)) => format!("{} — regra {rule}, {norm}", problem.detail),
                _ => problem.detail.clone(),
            };
            match case_page(&state, &signed, &text, Some(message)).await {
                Ok(p) => {
                    (StatusCode::from_u16(problem.status).unwrap_or(StatusCode::BAD_REQUEST), page(&p)).into_response()
                }
                Err(e) => error_page(Some(signed.0), e),
            }
        }
    }
}

struct DeadlineLine {
    due: String,
    vencido: bool,
    case_id: String,
    familia: String,
    registro: String,
    uf: String,
    key: String,
    norm: String,
}

#[derive(Template)]
#[template(path = "prazos.html")]
struct DeadlinesPage {
    officer: Option<Officer>,
    vencidos: usize,
    hoje: usize,
    prazos: Vec<DeadlineLine>,
}

async fn deadlines(State(state): State<AppState>, signed: Signed) -> Response {
    let today = chrono::Local::now().date_naive();
    match state.views.page::<DeadlineDoc>(models::DEADLINE, "", None, 500, |_| true).await {
        Ok(found) => page(&DeadlinesPage {
            officer: Some(signed.0.clone()),
            vencidos: found.items.iter().filter(|d| d.due < today).count(),
            hoje: found.items.iter().filter(|d| d.due == today).count(),
            prazos: found
                .items
                .into_iter()
                .map(|d| DeadlineLine {
                    due: date_br(Some(d.due)),
                    vencido: d.due < today,
                    familia: family_label(d.family.as_deref()),
                    case_id: d.case_id,
                    registro: d.registro.unwrap_or_default(),
                    uf: d.uf.unwrap_or_default(),
                    key: d.key.replace('_', " "),
                    norm: d.norm,
                })
                .collect(),
        }),
        Err(e) => error_page(Some(signed.0), e),
    }
}

#[derive(Template)]
#[template(path = "painel.html")]
struct Dashboard {
    officer: Option<Officer>,
    grafico: String,
    intervencoes: Vec<(String, i64)>,
    total_intervencoes: i64,
    linhas: Vec<(String, u32)>,
    operadoras: usize,
    em_regime: usize,
    em_liquidacao: usize,
    canceladas: usize,
}

/// A horizontal bar chart as inline SVG.
fn bar_chart(rows: &[(String, f64)]) -> String {
    let mut svg = String::new();
    {
        let height = 40 + 28 * rows.len().max(1) as u32;
        let root = SVGBackend::with_string(&mut svg, (720, height)).into_drawing_area();
        let max = rows.iter().map(|r| r.1).fold(1.0, f64::max);
        let drawn = (|| -> Result<(), Box<dyn std::error::Error + '_>> {
            root.fill(&WHITE)?;
            let mut chart = ChartBuilder::on(&root)
                .margin(8)
                .x_label_area_size(24)
                .y_label_area_size(230)
                .build_cartesian_2d(0.0..max * 1.05, (0..rows.len()).into_segmented())?;
            chart
                .configure_mesh()
                .disable_y_mesh()
                .y_label_formatter(&|v| match v {
                    SegmentValue::CenterOf(i) => rows.get(*i).map(|r| r.0.clone()).unwrap_or_default(),
                    _ => String::new(),
                })
                .draw()?;
            chart.draw_series(rows.iter().enumerate().map(|(i, (_, n))| {
                Rectangle::new(
                    [(0.0, SegmentValue::Exact(i)), (*n, SegmentValue::Exact(i + 1))],
                    RGBColor(11, 79, 108).filled(),
                )
            }))?;
            root.present()?;
            Ok(())
        })();
        if let Err(e) = drawn {
            tracing::warn!(error = %e, "chart not drawn");
        }
    }
    svg
}

async fn dashboard(State(state): State<AppState>, signed: Signed) -> Response {
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
            Err(e) => return error_page(Some(signed.0), e),
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
        Err(e) => return error_page(Some(signed.0), e),
    };
    let intervencoes: Vec<(String, i64)> =
        InterventionKind::TABLE.iter().map(|k| (k.label().to_owned(), counters.get(k).copied().unwrap_or(0))).collect();
    page(&Dashboard {
        total_intervencoes: intervencoes.iter().map(|(_, n)| n).sum(),
        intervencoes,
        officer: Some(signed.0.clone()),
        grafico: bar_chart(&linhas.iter().map(|(l, n)| (l.clone(), f64::from(*n))).collect::<Vec<_>>()),
        operadoras: all.len(),
        em_regime: all.iter().filter(|o| !o.state.regimes.is_empty()).count(),
        em_liquidacao: all.iter().filter(|o| o.state.liquidation_case.is_some()).count(),
        canceladas: all.iter().filter(|o| o.state.is_cancelled()).count(),
        linhas,
    })
}

#[derive(Template)]
#[template(path = "auditoria.html")]
struct AuditPage {
    officer: Option<Officer>,
    ok: bool,
    eventos: i64,
    fluxos: i64,
    checkpoints: i64,
    checkpoint: Option<String>,
    problemas: Vec<String>,
    replay: Vec<String>,
}

async fn audit(State(state): State<AppState>, signed: Signed) -> Response {
    let result = async {
        signed.require(&[Role::Auditor, Role::Admin])?;
        integrity::seal_all(state.store.as_ref()).await?;
        let report = integrity::verify(state.store.as_ref(), &|_| {}).await?;
        let mut replay = Vec::new();
        for projection in autos_projections::all() {
            let check = autos_projections::runner::replay_check(state.store.as_ref(), projection.as_ref()).await?;
            replay.push(if check.equal() {
                format!(
                    "{}: idêntica à reconstrução a partir do registro (posição {})",
                    check.projection, check.position
                )
            } else {
                format!(
                    "{}: DIFERENTE da reconstrução (primeira diferença: {:?})",
                    check.projection,
                    check.first_difference.map(|d| format!("{}/{}", d.model, d.key))
                )
            });
        }
        Ok::<_, ApiError>(AuditPage {
            officer: Some(signed.0.clone()),
            ok: report.ok(),
            eventos: report.events_checked,
            fluxos: report.streams_checked,
            checkpoints: report.checkpoints_checked,
            checkpoint: report.latest_checkpoint.as_ref().map(integrity::export_checkpoint),
            problemas: report.problems.iter().map(ToString::to_string).collect(),
            replay,
        })
    }
    .await;
    match result {
        Ok(p) => page(&p),
        Err(e) => error_page(Some(signed.0), e),
    }
}

#[derive(Template)]
#[template(path = "publico.html")]
struct PublicPage {
    officer: Option<Officer>,
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
        let quarter = bulletin::quarter_of(day);
        let found = state
            .views
            .page::<serde_json::Value>(
                bulletin::THEMES,
                &keys::of_bulletin_scope(&quarter, bulletin::NATIONAL),
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
    MaybeSigned(officer): MaybeSigned,
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
