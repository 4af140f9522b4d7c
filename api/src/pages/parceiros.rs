//! The Parceiros da Cidadania pages (docs/DOMAIN.md §6): the partners by UF with the map of
//! the agreements in force on a day (`/parceiros`), the registration of a partner
//! (`/parceiros/novo`), a partner with its agreements, the obligations of each quarter (devida,
//! cumprida, atrasada) and the bulletins issued (`/parceiros/{id}`), a form per act on the partner
//! and its agreements — signature with its obligations, publication, renewal, termination,
//! fulfilment, the partner's quarterly information, issue and dispatch of the bulletin —
//! (`/parceiros/{id}/atos/{ato}`), the programme's curated bulletin items with their forms
//! (`/parceiros/programa`), and the printable page of an issued bulletin
//! (`/parceiros/{id}/boletins/{trimestre}`), shown from its frozen content. Every form is drawn
//! from the act's description and filed through the same path as the API's. Fiscal and
//! diretoria act; auditors read; no other role reaches them. Without sign-in,
//! `/publico/parceiros` shows the map and the list of the agreements in force on a date by UF
//! (and the same as CSV) — agreements are published acts (DOU), and the page names only the
//! institutions and their agreements.

use askama::Template;
use autos_domain::acts::{find_act, partner_acts, programme_item_acts, ActInfo};
use autos_domain::forms::{self, Kind};
use autos_domain::parceiro::acordo::Situacao;
use autos_domain::parceiro::programa::ProgramaCommand;
use autos_domain::{ParceiroCommand, StreamRef, Trimestre, Uf};
use autos_projections::parceiros::{ParceiroDoc, ParceiroView, StatusAcordo};
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use serde_json::Value;
use uuid::Uuid;

use super::forms::{self as form_html, Envelope, Filled, Pickers};
use super::mapa::{self, Counted};
use super::{date_br, error_page, page, redirect, wait_until, MaybePageOfficer, PageOfficer};
use crate::http::export::{Format, Numbers, Separator, Style};
use crate::http::parceiros::{
    in_force, in_force_among, in_force_csv, parceiro_id, partner_act, partner_doc, partner_docs, programme_act_filed,
    programme_state, register_partner, today, InForce, READERS, WRITERS,
};
use crate::state::AppState;
use crate::ApiError;

/// The programme's pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/parceiros", get(list))
        .route("/parceiros/novo", get(registration_form).post(register))
        .route("/parceiros/programa", get(programme))
        .route("/parceiros/programa/atos/{ato}", get(programme_form).post(file_programme_act))
        .route("/parceiros/{id}", get(partner))
        .route("/parceiros/{id}/atos/{ato}", get(act_form).post(file_act))
        .route("/parceiros/{id}/boletins/{trimestre}", get(bulletin))
        .route("/publico/parceiros", get(public_agreements))
}

#[derive(Deserialize, Default)]
struct AgreementsFilter {
    uf: Option<String>,
    data: Option<String>,
    format: Option<Format>,
    separator: Option<Separator>,
    numbers: Option<Numbers>,
}

/// The UF and the day a filter asks for (today when absent or unreadable, with the message).
fn uf_and_day(filter: &AgreementsFilter) -> (Option<String>, chrono::NaiveDate, Option<String>) {
    let uf = filter.uf.as_deref().map(str::trim).filter(|u| !u.is_empty()).map(str::to_uppercase);
    let typed = filter.data.as_deref().map(str::trim).filter(|d| !d.is_empty());
    match typed.map(|d| forms::parse_date(d).ok_or(d)) {
        None => (uf, today(), None),
        Some(Ok(day)) => (uf, day, None),
        Some(Err(text)) => (uf, today(), Some(format!("data inválida: {text:?}; use DD/MM/AAAA"))),
    }
}

/// The map of the agreements in force on `day` by UF, each UF linking to `page` filtered by it.
fn agreements_map(rows: &[InForce], day: chrono::NaiveDate, page: &str) -> String {
    let mut counts = std::collections::BTreeMap::new();
    for uf in rows.iter().filter_map(|r| r.uf).filter_map(|u| Uf::parse(u).ok()) {
        *counts.entry(uf).or_insert(0) += 1;
    }
    let counted = Counted { one: "acordo vigente", many: "acordos vigentes" };
    let title = format!("Mapa do Brasil: acordos vigentes em {} por UF", date_br(Some(day)));
    mapa::svg(&counts, &counted, &title, |uf| format!("{page}?uf={uf}&data={day}"))
}

#[derive(Template)]
#[template(path = "publico_parceiros.html")]
struct PublicPage {
    officer: Option<PageOfficer>,
    uf: String,
    data: String,
    data_br: String,
    erro: Option<String>,
    mapa: String,
    linhas: Vec<InForce>,
}

/// The agreements in force on a day (today when absent), on the map by UF and listed, for
/// anyone; as CSV with `format=csv`.
async fn public_agreements(
    State(state): State<AppState>,
    MaybePageOfficer(officer): MaybePageOfficer,
    Query(filter): Query<AgreementsFilter>,
) -> Response {
    let (uf, day, mut erro) = uf_and_day(&filter);
    let shown = async {
        let style = Style::of(filter.format, filter.separator, filter.numbers)?;
        let every = in_force(&state, day, None).await?;
        let chosen = uf.as_deref().map(Uf::parse).transpose();
        let linhas: Vec<InForce> = match chosen {
            Ok(chosen) => every.iter().filter(|r| chosen.is_none_or(|u| r.uf == Some(u.code()))).cloned().collect(),
            Err(e) => {
                erro = Some(e.to_string());
                Vec::new()
            }
        };
        if let Some(style) = style {
            return in_force_csv(&linhas, day, style);
        }
        Ok(page(&PublicPage {
            officer: officer.clone(),
            uf: uf.clone().unwrap_or_default(),
            data: day.format("%Y-%m-%d").to_string(),
            data_br: date_br(Some(day)),
            erro: erro.clone(),
            mapa: agreements_map(&every, day, "/publico/parceiros"),
            linhas,
        }))
    }
    .await;
    shown.unwrap_or_else(|e| error_page(officer.clone(), e))
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
    data: String,
    data_br: String,
    erro: Option<String>,
    mapa: String,
    linhas: Vec<PartnerRow>,
    /// Whether the officer may register partners and curate the bulletin.
    escreve: bool,
}

/// The partners (of one UF, or all) with their agreements as they stood on a day, and the map
/// of the agreements in force that day.
async fn list(State(state): State<AppState>, officer: PageOfficer, Query(filter): Query<AgreementsFilter>) -> Response {
    let (uf, day, erro) = uf_and_day(&filter);
    let result = async {
        officer.signed().require(READERS)?;
        let uf = uf.as_deref().map(Uf::parse).transpose()?;
        let docs = partner_docs(&state).await?;
        let mut linhas = Vec::new();
        for doc in docs.iter().filter(|d| uf.is_none_or(|u| d.state.uf == Some(u))) {
            let view = doc.view(day);
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
        let every = in_force_among(&docs, day, None);
        Ok::<_, ApiError>(page(&ListPage {
            officer: Some(officer.clone()),
            uf: uf.map(|u| u.code().to_owned()).unwrap_or_default(),
            data: day.format("%Y-%m-%d").to_string(),
            data_br: date_br(Some(day)),
            erro: erro.clone(),
            mapa: agreements_map(&every, day, "/parceiros"),
            linhas,
            escreve: WRITERS.contains(&officer.officer.role),
        }))
    }
    .await;
    result.unwrap_or_else(|e| error_page(Some(officer.clone()), e))
}

/// The text and CSS class of an obligation's situation in a quarter.
fn situation_cell(situacao: Situacao) -> Cell {
    let (label, classe, prazo) = match situacao {
        Situacao::Cumprida => ("Cumprida", "ok", None),
        Situacao::Devida { prazo } => ("Devida", "", Some(prazo)),
        Situacao::Atrasada { prazo } => ("Atrasada", "alerta", Some(prazo)),
        Situacao::QuandoOcorrer => ("Quando ocorrer", "", None),
        Situacao::ForaDaVigencia => ("Fora da vigência", "", None),
    };
    let texto = match prazo {
        Some(p) => format!("{label} (prazo {})", date_br(Some(p))),
        None => label.to_owned(),
    };
    Cell { texto, classe }
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
            celulas: t.obrigacoes.iter().map(|o| situation_cell(o.situacao)).collect(),
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

/// Where a programme form is filed and where it leads back.
struct Place {
    contexto: String,
    voltar: String,
    voltar_texto: &'static str,
    acao: String,
    /// The stream version the officer saw (`_versao`); empty where nothing is pinned.
    versao: String,
}

/// The form of `info` at `place`, with what was typed, the field messages and the message at
/// the top.
fn render(
    officer: &PageOfficer,
    place: &Place,
    info: &ActInfo,
    envelope: &Envelope,
    filled: &Filled,
    top: Option<String>,
) -> Response {
    let fields = forms::fields(info.name).unwrap_or_default();
    let data = if envelope.date.is_empty() { today().format("%Y-%m-%d").to_string() } else { envelope.date.clone() };
    let pickers = Pickers { fresh_id: Uuid::now_v7().to_string(), ..Pickers::default() };
    let lista = if form_html::uses(fields, &|k| matches!(k, Kind::Operator)) {
        form_html::operator_list(&pickers)
    } else {
        String::new()
    };
    page(&ActPage {
        officer: Some(officer.clone()),
        titulo: info.label.to_owned(),
        contexto: place.contexto.clone(),
        voltar: place.voltar.clone(),
        voltar_texto: place.voltar_texto.to_owned(),
        acao: place.acao.clone(),
        versao: place.versao.clone(),
        data,
        erro_data: filled.errors.get("_data").cloned(),
        erro: top,
        prazos_pendentes: Vec::new(),
        campos: form_html::render(fields, filled, &pickers),
        lista,
    })
}

/// Files the submitted form as `info` with `perform` (given the act's JSON and the version the
/// officer saw, it answers the page to go to); a form with something to fix, or refused, is
/// shown again with everything typed and the messages.
async fn file<Fut>(
    officer: &PageOfficer,
    place: &Place,
    info: &ActInfo,
    pairs: Vec<(String, String)>,
    perform: impl FnOnce(Value, Option<i64>) -> Fut,
) -> Response
where
    Fut: std::future::Future<Output = Result<String, ApiError>>,
{
    let (envelope, mut filled) = form_html::split(pairs);
    if filled.more_rows.is_some() {
        return render(officer, place, info, &envelope, &filled, None);
    }
    let fields = forms::fields(info.name).unwrap_or_default();
    let Some((mut json, occurred_on)) = form_html::read(info.name, fields, &envelope, &mut filled) else {
        let shown = render(officer, place, info, &envelope, &filled, Some(form_html::CHECK_FIELDS.into()));
        return (StatusCode::BAD_REQUEST, shown).into_response();
    };
    if let Some(day) = occurred_on {
        json["occurred_on"] = day.to_string().into();
    }
    match perform(json, envelope.version).await {
        Ok(to) => redirect(&to),
        Err(e) => match form_html::refusal(e, fields, &mut filled) {
            Ok((status, message)) => {
                (status, render(officer, place, info, &envelope, &filled, Some(message))).into_response()
            }
            Err(e) => error_page(Some(officer.clone()), e),
        },
    }
}

/// The programme acts on a partner that have a form.
fn acts_with_forms() -> impl Iterator<Item = &'static ActInfo> {
    partner_acts().filter(|a| forms::fields(a.name).is_some())
}

/// The act `act` on the partner, checked to have a form and to be the officer's to file, and
/// where its form is filed.
async fn partner_target(
    state: &AppState,
    officer: &PageOfficer,
    id: &str,
    act: &str,
) -> Result<(ParceiroDoc, Place, &'static ActInfo), ApiError> {
    officer.signed().require(WRITERS)?;
    let info = acts_with_forms().find(|a| a.name == act).ok_or_else(|| ApiError::NotFound(format!("ato {act}")))?;
    let doc = partner_doc(state, parceiro_id(id)?).await?;
    let place = Place {
        contexto: format!("Parceiros da Cidadania · {}", doc.state.nome),
        voltar: format!("/parceiros/{}", doc.parceiro_id),
        voltar_texto: "Voltar ao parceiro",
        acao: format!("/parceiros/{}/atos/{}", doc.parceiro_id, info.name),
        versao: doc.version.to_string(),
    };
    Ok((doc, place, info))
}

#[derive(Deserialize, Default)]
struct ActQuery {
    acordo: Option<String>,
}

/// A form first shown: every box of a list of choices ticked — the obligations of a new
/// agreement are those of the programme's standard work plan unless the officer unticks one.
fn first_filled(fields: &[forms::Field]) -> Filled {
    let mut filled = Filled::default();
    for field in fields {
        if let Kind::Choices(options) = field.kind {
            for (i, (value, _)) in options.iter().enumerate() {
                filled.values.insert(format!("{}.{i}", field.name), (*value).to_owned());
            }
        }
    }
    filled
}

async fn act_form(
    State(state): State<AppState>,
    officer: PageOfficer,
    Path((id, act)): Path<(String, String)>,
    Query(query): Query<ActQuery>,
) -> Response {
    let shown = async {
        let (doc, place, info) = partner_target(&state, &officer, &id, &act).await?;
        let mut filled = first_filled(forms::fields(info.name).unwrap_or_default());
        let current = doc.state.acordos.last().map(|a| a.numero.clone());
        if let Some(numero) = query.acordo.or(current) {
            filled.values.insert("acordo".into(), numero);
        }
        Ok::<_, ApiError>(render(&officer, &place, info, &Envelope::default(), &filled, None))
    }
    .await;
    shown.unwrap_or_else(|e| error_page(Some(officer.clone()), e))
}

async fn file_act(
    State(state): State<AppState>,
    officer: PageOfficer,
    Path((id, act)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let (doc, place, info) = match partner_target(&state, &officer, &id, &act).await {
        Ok(found) => found,
        Err(e) => return error_page(Some(officer.clone()), e),
    };
    let (state, signed) = (&state, officer.signed());
    file(&officer, &place, info, pairs, |json, version| async move {
        let id = parceiro_id(&doc.parceiro_id)?;
        let body = json.to_string();
        let outcome = partner_act(state, &state.service, &signed, id, body.as_bytes(), version, None).await?;
        let version = outcome.stream_versions.get(&StreamRef::Parceiro(id).to_string()).copied().unwrap_or(0);
        wait_for_partner(state, id, version).await;
        Ok(format!("/parceiros/{id}"))
    })
    .await
}

/// Waits until the partner's read model shows `version` (see [`wait_until`]).
async fn wait_for_partner(state: &AppState, id: Uuid, version: i64) {
    wait_until(|| async move {
        match partner_doc(state, id).await {
            Ok(doc) => Ok(doc.version >= version),
            Err(ApiError::NotFound(_)) => Ok(false),
            Err(e) => Err(e),
        }
    })
    .await;
}

/// The registration form, and where it is filed.
fn registration(officer: &PageOfficer) -> Result<(Place, &'static ActInfo), ApiError> {
    officer.signed().require(WRITERS)?;
    let info = find_act(ParceiroCommand::REGISTRATION)?;
    let place = Place {
        contexto: "Parceiros da Cidadania · nova instituição parceira".into(),
        voltar: "/parceiros".into(),
        voltar_texto: "Voltar aos parceiros",
        acao: "/parceiros/novo".into(),
        versao: String::new(),
    };
    Ok((place, info))
}

async fn registration_form(officer: PageOfficer) -> Response {
    match registration(&officer) {
        Ok((place, info)) => render(&officer, &place, info, &Envelope::default(), &Filled::default(), None),
        Err(e) => error_page(Some(officer.clone()), e),
    }
}

async fn register(
    State(state): State<AppState>,
    officer: PageOfficer,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let (place, info) = match registration(&officer) {
        Ok(found) => found,
        Err(e) => return error_page(Some(officer.clone()), e),
    };
    let (state, signed) = (&state, officer.signed());
    file(&officer, &place, info, pairs, |json, _| async move {
        let body = json.to_string();
        let (id, outcome) = register_partner(state, &state.service, &signed, body.as_bytes(), None).await?;
        let version = outcome.stream_versions.get(&StreamRef::Parceiro(id).to_string()).copied().unwrap_or(1);
        wait_for_partner(state, id, version).await;
        Ok(format!("/parceiros/{id}"))
    })
    .await
}

#[derive(Deserialize, Default)]
struct ProgrammeQuery {
    trimestre: Option<String>,
}

/// One curated item of the programme's page.
struct ItemRow {
    id: String,
    trimestre: String,
    secao: &'static str,
    data: String,
    titulo: String,
    referencia: String,
    /// The withdrawal's reason, once withdrawn.
    retirado: Option<String>,
}

#[derive(Template)]
#[template(path = "programa_parceiros.html")]
struct ProgrammePage {
    officer: Option<PageOfficer>,
    trimestre: String,
    linhas: Vec<ItemRow>,
    /// Whether the officer may include and withdraw items.
    escreve: bool,
}

/// The programme's curated items ("principais ações adotadas pela ANS" and the period's
/// documents), of one quarter or all, newest first, withdrawn ones marked.
async fn programme(
    State(state): State<AppState>,
    officer: PageOfficer,
    Query(query): Query<ProgrammeQuery>,
) -> Response {
    let shown = async {
        officer.signed().require(READERS)?;
        let chosen =
            query.trimestre.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(Trimestre::parse).transpose()?;
        let programa = programme_state(&state).await?;
        let mut linhas: Vec<ItemRow> = programa
            .itens
            .iter()
            .filter(|(_, item)| chosen.is_none_or(|t| item.trimestre == t))
            .map(|(id, item)| ItemRow {
                id: id.to_string(),
                trimestre: item.trimestre.to_string(),
                secao: item.tipo.label(),
                data: date_br(Some(item.data)),
                titulo: item.titulo.clone(),
                referencia: item.referencia.clone().unwrap_or_default(),
                retirado: item.retirado.clone(),
            })
            .collect();
        linhas.sort_by(|a, b| b.trimestre.cmp(&a.trimestre).then_with(|| a.titulo.cmp(&b.titulo)));
        Ok::<_, ApiError>(page(&ProgrammePage {
            officer: Some(officer.clone()),
            trimestre: chosen.map(|t| t.to_string()).unwrap_or_default(),
            linhas,
            escreve: WRITERS.contains(&officer.officer.role),
        }))
    }
    .await;
    shown.unwrap_or_else(|e| error_page(Some(officer.clone()), e))
}

#[derive(Deserialize, Default)]
struct ItemQuery {
    item: Option<String>,
    trimestre: Option<String>,
}

/// The programme act `act`, checked to be the officer's to file, and where its form is filed.
fn programme_target(officer: &PageOfficer, act: &str) -> Result<(Place, &'static ActInfo), ApiError> {
    officer.signed().require(WRITERS)?;
    let info = programme_item_acts().find(|a| a.name == act).ok_or_else(|| ApiError::NotFound(format!("ato {act}")))?;
    let place = Place {
        contexto: "Parceiros da Cidadania · boletim trimestral".into(),
        voltar: "/parceiros/programa".into(),
        voltar_texto: "Voltar aos itens do boletim",
        acao: format!("/parceiros/programa/atos/{}", info.name),
        versao: String::new(),
    };
    Ok((place, info))
}

async fn programme_form(
    State(state): State<AppState>,
    officer: PageOfficer,
    Path(act): Path<String>,
    Query(query): Query<ItemQuery>,
) -> Response {
    let shown = async {
        let (mut place, info) = programme_target(&officer, &act)?;
        let mut filled = Filled::default();
        if let Some(trimestre) = query.trimestre {
            filled.values.insert("trimestre".into(), trimestre);
        }
        if let Some(text) = query.item {
            let id = Uuid::parse_str(&text).map_err(|_| ApiError::InvalidInput(format!("item inválido: {text:?}")))?;
            let programa = programme_state(&state).await?;
            let item = programa.itens.get(&id).ok_or_else(|| ApiError::NotFound(format!("item {id}")))?;
            place.contexto = format!("{} · {} ({})", place.contexto, item.titulo, item.trimestre);
            filled.values.insert("item_id".into(), id.to_string());
        }
        Ok::<_, ApiError>(render(&officer, &place, info, &Envelope::default(), &filled, None))
    }
    .await;
    shown.unwrap_or_else(|e| error_page(Some(officer.clone()), e))
}

async fn file_programme_act(
    State(state): State<AppState>,
    officer: PageOfficer,
    Path(act): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let (place, info) = match programme_target(&officer, &act) {
        Ok(found) => found,
        Err(e) => return error_page(Some(officer.clone()), e),
    };
    let (state, signed) = (&state, officer.signed());
    file(&officer, &place, info, pairs, |json, _| async move {
        let filed: ProgramaCommand = serde_json::from_value(json.clone())
            .map_err(|_| ApiError::InvalidInput("ato do programa ilegível".into()))?;
        programme_act_filed(&state.service, &signed, json.to_string().as_bytes(), None).await?;
        let filed = &filed;
        wait_until(|| async move {
            let programa = programme_state(state).await?;
            Ok(match filed {
                ProgramaCommand::IncluirItemBoletim { item_id, .. } => programa.itens.contains_key(item_id),
                ProgramaCommand::RetirarItemBoletim { item_id, .. } => {
                    programa.itens.get(item_id).is_some_and(|i| i.retirado.is_some())
                }
            })
        })
        .await;
        Ok(match filed {
            ProgramaCommand::IncluirItemBoletim { trimestre, .. } => {
                format!("/parceiros/programa?trimestre={trimestre}")
            }
            ProgramaCommand::RetirarItemBoletim { .. } => "/parceiros/programa".to_owned(),
        })
    })
    .await
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
