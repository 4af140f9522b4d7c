//! The Parceiros da Cidadania pages (docs/DOMAIN.md §6): the partners by UF (`/parceiros`), a
//! partner with its agreements, the obligations of each quarter (devida, cumprida, atrasada) and
//! the bulletins issued (`/parceiros/{id}`), a form per act on an agreement drawn from the act's
//! description (`/parceiros/{id}/atos/{ato}`, filed through the same path as the API's
//! `POST /api/v1/parceiros/{id}/atos`), and the printable page of an issued bulletin
//! (`/parceiros/{id}/boletins/{trimestre}`), shown from its frozen content. Fiscal and diretoria
//! act; auditors read; no other role reaches them. Without sign-in, `/publico/parceiros` lists
//! the agreements in force on a date by UF — agreements are published acts (DOU), and the list
//! names only the institutions and their agreements.

use askama::Template;
use autos_domain::acts::{programme_act_catalogue, ActInfo};
use autos_domain::forms::{self, FieldError};
use autos_domain::{DomainError, Trimestre};
use autos_projections::parceiros::{ParceiroDoc, ParceiroView, StatusAcordo, PARTNER};
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use serde_json::Value;

use super::forms::{self as form_html, Envelope, Filled, Pickers};
use super::{date_br, error_page, page, redirect, MaybePageOfficer, PageOfficer};
use crate::http::parceiros::{in_force, parceiro_id, partner_act, partner_doc, today, InForce, READERS, WRITERS};
use crate::state::AppState;
use crate::ApiError;

/// The programme's pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/parceiros", get(list))
        .route("/parceiros/{id}", get(partner))
        .route("/parceiros/{id}/atos/{ato}", get(act_form).post(file_act))
        .route("/parceiros/{id}/boletins/{trimestre}", get(bulletin))
        .route("/publico/parceiros", get(public_agreements))
}

#[derive(Deserialize, Default)]
struct PublicFilter {
    uf: Option<String>,
    data: Option<String>,
}

#[derive(Template)]
#[template(path = "publico_parceiros.html")]
struct PublicPage {
    officer: Option<PageOfficer>,
    uf: String,
    data: String,
    data_br: String,
    erro: Option<String>,
    linhas: Vec<InForce>,
}

/// The agreements in force on a day (today when absent), by UF, for anyone.
async fn public_agreements(
    State(state): State<AppState>,
    MaybePageOfficer(officer): MaybePageOfficer,
    Query(filter): Query<PublicFilter>,
) -> Response {
    let uf = filter.uf.as_deref().map(str::trim).filter(|u| !u.is_empty()).map(str::to_uppercase);
    let typed = filter.data.as_deref().map(str::trim).filter(|d| !d.is_empty());
    let (day, mut erro) = match typed.map(|d| forms::parse_date(d).ok_or(d)) {
        None => (today(), None),
        Some(Ok(day)) => (day, None),
        Some(Err(text)) => (today(), Some(format!("data inválida: {text:?}; use DD/MM/AAAA"))),
    };
    let linhas = match in_force(&state, day, uf.as_deref()).await {
        Ok(rows) => rows,
        Err(ApiError::Domain(e)) => {
            erro = Some(e.to_string());
            Vec::new()
        }
        Err(e) => return error_page(officer, e),
    };
    page(&PublicPage {
        officer,
        uf: uf.unwrap_or_default(),
        data: day.format("%Y-%m-%d").to_string(),
        data_br: date_br(Some(day)),
        erro,
        linhas,
    })
}

#[derive(Deserialize, Default)]
struct ListFilter {
    uf: Option<String>,
}

struct PartnerRow {
    id: String,
    nome: String,
    tipo: String,
    uf: String,
    regiao: String,
    municipio: String,
    acordos: String,
}

#[derive(Template)]
#[template(path = "parceiros.html")]
struct ListPage {
    officer: Option<PageOfficer>,
    uf: String,
    linhas: Vec<PartnerRow>,
}

async fn list(State(state): State<AppState>, officer: PageOfficer, Query(filter): Query<ListFilter>) -> Response {
    let result = async {
        officer.signed().require(READERS)?;
        let uf =
            filter.uf.as_deref().map(str::trim).filter(|u| !u.is_empty()).map(autos_domain::Uf::parse).transpose()?;
        let today = today();
        let mut linhas = Vec::new();
        for (key, value) in state.views.entries(PARTNER, "").await? {
            let doc: ParceiroDoc = serde_json::from_value(value)
                .map_err(|e| autos_projections::ProjectionError::Corrupt(format!("{key}: {e}")))?;
            if uf.is_some_and(|u| doc.state.uf != Some(u)) {
                continue;
            }
            let view = doc.view(today);
            let acordos: Vec<String> =
                view.acordos.iter().map(|a| format!("{} ({})", a.numero, a.situacao.label())).collect();
            linhas.push(PartnerRow {
                id: view.parceiro_id,
                nome: view.nome,
                tipo: view.tipo_label.unwrap_or_default().to_owned(),
                uf: view.uf.unwrap_or_default(),
                regiao: view.regiao.unwrap_or_default().to_owned(),
                municipio: view.municipio.unwrap_or_default(),
                acordos: acordos.join("; "),
            });
        }
        linhas.sort_by(|a, b| (&a.uf, &a.nome).cmp(&(&b.uf, &b.nome)));
        Ok::<_, ApiError>(page(&ListPage {
            officer: Some(officer.clone()),
            uf: uf.map(|u| u.code().to_owned()).unwrap_or_default(),
            linhas,
        }))
    }
    .await;
    result.unwrap_or_else(|e| error_page(Some(officer.clone()), e))
}

/// The CSS class of an obligation's situation.
fn situation_class(situacao: &str) -> &'static str {
    match situacao {
        "cumprida" => "ok",
        "atrasada" => "alerta",
        _ => "",
    }
}

fn situation_label(situacao: &str) -> &'static str {
    match situacao {
        "cumprida" => "Cumprida",
        "devida" => "Devida",
        "atrasada" => "Atrasada",
        "quando_ocorrer" => "Quando ocorrer",
        _ => "Fora da vigência",
    }
}

/// One cell of the obligations table.
struct Cell {
    texto: String,
    classe: &'static str,
}

struct QuarterRow {
    trimestre: String,
    celulas: Vec<Cell>,
}

struct AgreementBlock {
    numero: String,
    situacao: &'static str,
    vigente: bool,
    vigencia: String,
    publicacao: String,
    obrigacoes: Vec<&'static str>,
    trimestres: Vec<QuarterRow>,
    boletins: Vec<(String, String, String, usize)>,
}

#[derive(Template)]
#[template(path = "parceiro.html")]
struct PartnerPage {
    officer: Option<PageOfficer>,
    parceiro: ParceiroView,
    acordos: Vec<AgreementBlock>,
    /// (act, label) of the forms the officer may file.
    atos: Vec<(&'static str, &'static str)>,
}

fn agreement_block(a: &autos_projections::parceiros::AcordoView) -> AgreementBlock {
    let trimestres = a
        .trimestres
        .iter()
        .rev()
        .map(|t| QuarterRow {
            trimestre: t.trimestre.to_string(),
            celulas: t
                .obrigacoes
                .iter()
                .map(|o| {
                    let value = serde_json::to_value(o.situacao).unwrap_or(Value::Null);
                    let code = value["situacao"].as_str().unwrap_or_default().to_owned();
                    let prazo = value["prazo"].as_str().and_then(forms::parse_date);
                    let texto = match prazo {
                        Some(p) => format!("{} (prazo {})", situation_label(&code), date_br(Some(p))),
                        None => situation_label(&code).to_owned(),
                    };
                    Cell { texto, classe: situation_class(&code) }
                })
                .collect(),
        })
        .collect();
    AgreementBlock {
        numero: a.numero.clone(),
        situacao: a.situacao.label(),
        vigente: a.situacao == StatusAcordo::Vigente,
        vigencia: format!("{} a {}", date_br(Some(a.vigencia_inicio)), date_br(Some(a.ultimo_dia))),
        publicacao: a
            .publicacao
            .as_ref()
            .map(|p| format!("{} ({})", date_br(Some(p.data)), p.documento))
            .unwrap_or_else(|| "não publicada".into()),
        obrigacoes: a.obrigacoes.iter().map(|o| o.label()).collect(),
        trimestres,
        boletins: a
            .boletins
            .iter()
            .map(|b| (b.trimestre.to_string(), date_br(Some(b.emitido_em)), b.sha256.clone(), b.envios.len()))
            .collect(),
    }
}

/// The programme acts on an agreement that have a form.
fn acts_with_forms() -> impl Iterator<Item = &'static ActInfo> {
    programme_act_catalogue().iter().filter(|a| forms::fields(a.name).is_some())
}

async fn partner(State(state): State<AppState>, officer: PageOfficer, Path(id): Path<String>) -> Response {
    let result = async {
        officer.signed().require(READERS)?;
        let doc = partner_doc(&state, parceiro_id(&id)?).await?;
        let parceiro = doc.view(today());
        let acordos = parceiro.acordos.iter().rev().map(agreement_block).collect();
        let writer = WRITERS.contains(&officer.role);
        let atos = if writer { acts_with_forms().map(|a| (a.name, a.label)).collect() } else { Vec::new() };
        Ok::<_, ApiError>(page(&PartnerPage { officer: Some(officer.clone()), parceiro, acordos, atos }))
    }
    .await;
    result.unwrap_or_else(|e| error_page(Some(officer.clone()), e))
}

/// The act form's page (the same template as the case acts').
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
    prazos_pendentes: Vec<String>,
    campos: String,
    lista: String,
}

/// The act `act` on the partner, checked to have a form and to be the officer's to file.
async fn target(
    state: &AppState,
    officer: &PageOfficer,
    id: &str,
    act: &str,
) -> Result<(ParceiroDoc, &'static ActInfo), ApiError> {
    officer.signed().require(WRITERS)?;
    let info = acts_with_forms().find(|a| a.name == act).ok_or_else(|| ApiError::NotFound(format!("ato {act}")))?;
    Ok((partner_doc(state, parceiro_id(id)?).await?, info))
}

fn render(
    officer: &PageOfficer,
    doc: &ParceiroDoc,
    info: &ActInfo,
    envelope: &Envelope,
    filled: &Filled,
    top: Option<String>,
) -> Response {
    let fields = forms::fields(info.name).unwrap_or_default();
    let data = if envelope.date.is_empty() { today().format("%Y-%m-%d").to_string() } else { envelope.date.clone() };
    page(&ActPage {
        officer: Some(officer.clone()),
        titulo: info.label.to_owned(),
        contexto: format!("Parceiros da Cidadania · {}", doc.state.nome),
        voltar: format!("/parceiros/{}", doc.parceiro_id),
        voltar_texto: "Voltar ao parceiro".into(),
        acao: format!("/parceiros/{}/atos/{}", doc.parceiro_id, info.name),
        versao: doc.version.to_string(),
        data,
        erro_data: filled.errors.get("_data").cloned(),
        erro: top,
        prazos_pendentes: Vec::new(),
        campos: form_html::render(fields, filled, &Pickers::default()),
        lista: String::new(),
    })
}

#[derive(Deserialize, Default)]
struct ActQuery {
    acordo: Option<String>,
}

async fn act_form(
    State(state): State<AppState>,
    officer: PageOfficer,
    Path((id, act)): Path<(String, String)>,
    Query(query): Query<ActQuery>,
) -> Response {
    let shown = async {
        let (doc, info) = target(&state, &officer, &id, &act).await?;
        let mut filled = Filled::default();
        let current = doc.state.acordos.last().map(|a| a.numero.clone());
        if let Some(numero) = query.acordo.or(current) {
            filled.values.insert("acordo".into(), numero);
        }
        Ok::<_, ApiError>(render(&officer, &doc, info, &Envelope::default(), &filled, None))
    }
    .await;
    shown.unwrap_or_else(|e| error_page(Some(officer.clone()), e))
}

const CHECK_FIELDS: &str = "Confira os campos indicados abaixo.";

async fn file_act(
    State(state): State<AppState>,
    officer: PageOfficer,
    Path((id, act)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let (envelope, mut filled) = form_html::split(pairs);
    let (doc, info) = match target(&state, &officer, &id, &act).await {
        Ok(found) => found,
        Err(e) => return error_page(Some(officer.clone()), e),
    };
    let show = |filled: &Filled, top: Option<String>, status: StatusCode| {
        (status, render(&officer, &doc, info, &envelope, filled, top)).into_response()
    };
    if filled.more_rows.is_some() {
        return show(&filled, None, StatusCode::OK);
    }
    let fields = forms::fields(info.name).unwrap_or_default();
    let mut object = match forms::decode(fields, &filled.values) {
        Ok(object) => object,
        Err(errors) => {
            for FieldError { path, message } in errors {
                filled.errors.insert(path, message);
            }
            return show(&filled, Some(CHECK_FIELDS.into()), StatusCode::BAD_REQUEST);
        }
    };
    object.insert("act".into(), info.name.into());
    match envelope.date.trim() {
        "" => {}
        text => match forms::parse_date(text) {
            Some(date) => {
                object.insert("occurred_on".into(), date.to_string().into());
            }
            None => {
                filled.errors.insert("_data".into(), "data inválida; use DD/MM/AAAA".into());
                return show(&filled, Some(CHECK_FIELDS.into()), StatusCode::BAD_REQUEST);
            }
        },
    }
    let id = match parceiro_id(&doc.parceiro_id) {
        Ok(id) => id,
        Err(e) => return error_page(Some(officer.clone()), e),
    };
    let body = Value::Object(object).to_string();
    let signed = officer.signed();
    let filed = partner_act(&state, &state.service, &signed, id, body.as_bytes(), envelope.version, None).await;
    match filed {
        Ok(outcome) => {
            let stream = autos_domain::StreamRef::Parceiro(id).to_string();
            let version = outcome.stream_versions.get(&stream).copied().unwrap_or(0);
            wait_for_partner(&state, id, version).await;
            redirect(&format!("/parceiros/{id}"))
        }
        Err(ApiError::Domain(DomainError::Invalid { field, message })) if fields.iter().any(|f| f.name == field) => {
            filled.errors.insert(field, message);
            show(&filled, Some(CHECK_FIELDS.into()), StatusCode::BAD_REQUEST)
        }
        Err(e) => {
            let problem = e.problem();
            let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::BAD_REQUEST);
            if status.is_server_error() {
                return error_page(Some(officer.clone()), e);
            }
            let message = match (&problem.rule_id, &problem.norm) {
                (Some(rule), Some(norm)) => format!("{} (regra {rule}; {norm})", problem.detail),
                _ => problem.detail.clone(),
            };
            show(&filled, Some(message), status)
        }
    }
}

/// Waits, a bounded time, until the partner's read model shows `version`, so the page the
/// officer lands on shows the act just filed.
async fn wait_for_partner(state: &AppState, id: uuid::Uuid, version: i64) {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(3);
    while tokio::time::Instant::now() < deadline {
        match partner_doc(state, id).await {
            Ok(doc) if doc.version >= version => return,
            Err(ApiError::NotFound(_)) | Ok(_) => tokio::time::sleep(std::time::Duration::from_millis(20)).await,
            Err(_) => return,
        }
    }
}

/// One ranking row of the printable bulletin.
struct Ranked {
    nome: String,
    quantidade: String,
}

struct Scope {
    titulo: String,
    temas: Vec<Ranked>,
    operadoras: Vec<Ranked>,
}

#[derive(Template)]
#[template(path = "boletim_parceiro.html")]
struct BulletinPage {
    officer: Option<PageOfficer>,
    parceiro_id: String,
    titulo: String,
    parceiro: String,
    acordo: String,
    periodo: String,
    emitido_em: String,
    sha256: String,
    escopos: Vec<Scope>,
    /// (seção, data, título, referência)
    itens: Vec<(String, String, String, String)>,
    apresentacao: String,
    /// (registro, tema, quantidade)
    linhas: Vec<(String, String, String)>,
    /// (data, canal, documento)
    envios: Vec<(String, &'static str, String)>,
}

fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn scope(titulo: &str, panorama: &Value) -> Scope {
    let rows = |list: &Value, name: &str, count: &str| {
        list.as_array()
            .map(|items| {
                items.iter().map(|i| Ranked { nome: text(&i[name]), quantidade: text(&i[count]) }).collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    Scope {
        titulo: titulo.to_owned(),
        temas: rows(&panorama["temas"], "tema", "total"),
        operadoras: rows(&panorama["operadoras"], "razao_social", "demandas"),
    }
}

async fn bulletin(
    State(state): State<AppState>,
    officer: PageOfficer,
    Path((id, quarter)): Path<(String, String)>,
) -> Response {
    let result = async {
        officer.signed().require(READERS)?;
        let trimestre = Trimestre::parse(&quarter)?;
        let doc = partner_doc(&state, parceiro_id(&id)?).await?;
        let (acordo, boletim) = doc
            .state
            .boletins_emitidos()
            .into_iter()
            .find(|(_, b)| b.trimestre == trimestre)
            .ok_or_else(|| ApiError::NotFound(format!("boletim de {trimestre}")))?;
        let c = &boletim.conteudo;
        let ans = &c["informacoes_da_ans"];
        let escopos = vec![
            scope("Nacional", &ans["nacional"]),
            scope(&format!("Região {}", text(&ans["regiao"])), &ans["regional"]),
            scope(&format!("UF {}", text(&ans["uf"])), &ans["estadual"]),
        ];
        let itens = c["acoes_e_documentos_da_ans"]
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .map(|i| {
                        let data = i["data"].as_str().and_then(forms::parse_date);
                        (text(&i["secao"]), date_br(data), text(&i["titulo"]), text(&i["referencia"]))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let parceiro = &c["informacoes_do_parceiro"];
        let linhas = parceiro["informacao"]["linhas"]
            .as_array()
            .map(|rows| rows.iter().map(|l| (text(&l["registro"]), text(&l["tema"]), text(&l["quantidade"]))).collect())
            .unwrap_or_default();
        Ok::<_, ApiError>(page(&BulletinPage {
            officer: Some(officer.clone()),
            parceiro_id: doc.parceiro_id.clone(),
            titulo: text(&c["titulo"]),
            parceiro: text(&c["parceiro"]["nome"]),
            acordo: acordo.to_owned(),
            periodo: format!("{} a {}", date_br(Some(trimestre.first_day())), date_br(Some(trimestre.last_day()))),
            emitido_em: date_br(Some(boletim.emitido_em)),
            sha256: boletim.sha256.clone(),
            escopos,
            itens,
            apresentacao: text(&parceiro["apresentacao"]),
            linhas,
            envios: boletim
                .envios
                .iter()
                .map(|e| (date_br(Some(e.data)), e.canal.label(), e.documento.clone()))
                .collect(),
        }))
    }
    .await;
    result.unwrap_or_else(|e| error_page(Some(officer.clone()), e))
}
