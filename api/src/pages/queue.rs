//! Work queues and search: "Meus casos" (the open cases assigned to the signed-in officer, next
//! deadline first), the queue of a Núcleo or of a UF for managers, and the search of cases by
//! process number (NUP), act number (auto de infração, RO, TCAC…), operator, family, phase,
//! responsible officer and UF, listed with cursor paging.

use std::cmp::Ordering;

use askama::Template;
use autos_domain::{Family, Role, Uf};
use autos_projections::keys::{self, Queue};
use autos_projections::models::{self, ActDocumentRef, CaseRef, ProcessRef, QueueEntry};
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde::Deserialize;

use super::{
    assignees, date_br, deadline_status, error_page, family_label, officer_names, operator_names, page, phase_code,
    redirect, typed, with_param, PageOfficer, PAGE_ROWS,
};
use crate::state::AppState;
use crate::ApiError;

/// The queue and search pages.
pub fn routes() -> Router<AppState> {
    Router::new().route("/meus-casos", get(my_cases)).route("/fila", get(unit_queue)).route("/busca", get(search))
}

/// One case as a queue or a search lists it.
struct CaseRow {
    case_id: String,
    familia: String,
    fase: String,
    operadora: String,
    registro: String,
    uf: String,
    responsavel: String,
    aberto: String,
    prazo: String,
    situacao: &'static str,
    alerta: bool,
}

impl CaseRow {
    fn rows(entries: Vec<QueueEntry>, names: &Names) -> Vec<CaseRow> {
        let today = chrono::Local::now().date_naive();
        entries
            .into_iter()
            .map(|e| {
                let (situacao, alerta) = match (e.closed_on, e.next_deadline) {
                    (Some(_), _) => ("encerrado", false),
                    (None, Some(due)) => deadline_status(due, today),
                    (None, None) => ("sem prazo em curso", false),
                };
                let registro = e.registro.unwrap_or_default();
                CaseRow {
                    familia: family_label(e.family.as_deref()),
                    fase: e.phase.replace('_', " "),
                    operadora: names.operators.get(&registro).cloned().unwrap_or_default(),
                    uf: e.uf.unwrap_or_default(),
                    responsavel: e.responsavel.and_then(|id| names.officers.get(&id).cloned()).unwrap_or_default(),
                    aberto: date_br(e.opened_on),
                    prazo: date_br(e.next_deadline),
                    situacao,
                    alerta,
                    registro,
                    case_id: e.case_id,
                }
            })
            .collect()
    }
}

/// The names a list shows instead of ids: razões sociais by registro, officers by id.
struct Names {
    operators: std::collections::BTreeMap<String, String>,
    officers: std::collections::BTreeMap<String, String>,
}

impl Names {
    async fn of(state: &AppState, entries: &[QueueEntry]) -> Result<Names, ApiError> {
        let operators = operator_names(state, entries.iter().filter_map(|e| e.registro.clone())).await?;
        Ok(Names { operators, officers: officer_names(state).await? })
    }
}

#[derive(Template)]
#[template(path = "fila.html")]
struct QueuePage {
    officer: Option<PageOfficer>,
    titulo: String,
    nucleo: String,
    uf: String,
    ufs: Vec<&'static str>,
    gestor: bool,
    casos: Vec<CaseRow>,
    mais: bool,
}

/// How many cases a queue page lists.
const QUEUE_ROWS: i64 = 500;

/// The cases of one queue, next deadline first (cases without a running deadline last).
async fn queue_page(
    state: &AppState,
    officer: &PageOfficer,
    queue: Queue<'_>,
    titulo: String,
) -> Result<QueuePage, ApiError> {
    let found =
        state.views.page::<QueueEntry>(models::QUEUE, &keys::of_queue(queue), None, QUEUE_ROWS, |_| true).await?;
    let mut entries = found.items;
    entries.sort_by(|a, b| match (a.next_deadline, b.next_deadline) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => a.opened_on.cmp(&b.opened_on),
    });
    let names = Names::of(state, &entries).await?;
    let (nucleo, uf) = match queue {
        Queue::Unit(unit) => (unit.to_owned(), String::new()),
        Queue::Uf(uf) => (String::new(), uf.to_owned()),
        Queue::Officer(_) => (String::new(), String::new()),
    };
    Ok(QueuePage {
        officer: Some(officer.clone()),
        titulo,
        nucleo,
        uf,
        ufs: Uf::ALL.iter().map(|u| u.code()).collect(),
        gestor: MANAGERS.contains(&officer.role),
        mais: found.next.is_some(),
        casos: CaseRow::rows(entries, &names),
    })
}

/// The roles that see the queues of a Núcleo or a UF.
const MANAGERS: [Role; 4] = [Role::Diretoria, Role::Fiscal, Role::Auditor, Role::Administrador];

async fn my_cases(State(state): State<AppState>, officer: PageOfficer) -> Response {
    let id = officer.officer_id.to_string();
    match queue_page(&state, &officer, Queue::Officer(&id), "Meus casos".to_owned()).await {
        Ok(p) => page(&p),
        Err(e) => error_page(Some(officer), e),
    }
}

#[derive(Deserialize, Default)]
struct UnitQuery {
    nucleo: Option<String>,
    uf: Option<String>,
}

async fn unit_queue(State(state): State<AppState>, officer: PageOfficer, Query(query): Query<UnitQuery>) -> Response {
    let result = async {
        officer.signed().require(&MANAGERS)?;
        let unit = query.nucleo.as_deref().map(str::trim).unwrap_or_default().to_owned();
        let uf = query.uf.as_deref().map(str::trim).unwrap_or_default().to_owned();
        if !unit.is_empty() {
            return queue_page(&state, &officer, Queue::Unit(&unit), format!("Fila de {unit}")).await;
        }
        if !uf.is_empty() {
            let uf = Uf::parse(&uf).map_err(|_| ApiError::InvalidInput(format!("UF desconhecida: {uf}")))?;
            let title = format!("Casos abertos de operadoras com sede em {}", uf.code());
            return queue_page(&state, &officer, Queue::Uf(uf.code()), title).await;
        }
        Ok(QueuePage {
            officer: Some(officer.clone()),
            titulo: "Fila de um Núcleo, unidade ou UF".to_owned(),
            nucleo: String::new(),
            uf: String::new(),
            ufs: Uf::ALL.iter().map(|u| u.code()).collect(),
            gestor: true,
            casos: Vec::new(),
            mais: false,
        })
    }
    .await;
    match result {
        Ok(p) => page(&p),
        Err(e) => error_page(Some(officer), e),
    }
}

/// The search, as typed.
#[derive(Deserialize, Default, Clone)]
struct SearchQuery {
    /// Process number (NUP): goes straight to the process.
    processo: Option<String>,
    /// An act number cited by a case (auto de infração, RO, TCAC…).
    documento: Option<String>,
    /// The operator's registro.
    operadora: Option<String>,
    familia: Option<String>,
    /// The phase as lists show it (`aguardando defesa`).
    fase: Option<String>,
    /// The responsible officer's id.
    responsavel: Option<String>,
    uf: Option<String>,
    /// Cursor of the list.
    apos: Option<String>,
}

impl SearchQuery {
    /// The phase as the read models spell it.
    fn phase(&self) -> String {
        phase_code(typed(&self.fase))
    }

    /// Whether a listed case matches every filter given.
    fn keeps(&self, e: &QueueEntry) -> bool {
        let matches = |filter: &str, value: Option<&str>| filter.is_empty() || value == Some(filter);
        let phase = self.phase();
        matches(typed(&self.operadora), e.registro.as_deref())
            && matches(typed(&self.familia), e.family.as_deref())
            && matches(&phase, Some(e.phase.as_str()))
            && matches(typed(&self.responsavel), e.responsavel.as_deref())
            && matches(typed(&self.uf).to_uppercase().as_str(), e.uf.as_deref())
    }

    fn is_empty(&self) -> bool {
        [&self.documento, &self.operadora, &self.familia, &self.fase, &self.responsavel, &self.uf]
            .iter()
            .all(|v| typed(v).is_empty())
    }
}

#[derive(Template)]
#[template(path = "busca.html")]
struct SearchPage {
    officer: Option<PageOfficer>,
    filtro: SearchQuery,
    buscou: bool,
    casos: Vec<CaseRow>,
    seguinte: Option<String>,
    ufs: Vec<&'static str>,
    familias: Vec<(&'static str, &'static str)>,
    responsaveis: Vec<(String, String)>,
    /// What the list holds, in words.
    fonte: &'static str,
}

/// One page of the cases matching `query`, read from the index that narrows it most: the act
/// number, the responsible officer's queue, the family's phase index, the operator's cases or
/// the UF's queue; the other filters apply to what that index lists.
async fn matching(
    state: &AppState,
    query: &SearchQuery,
) -> Result<(Vec<QueueEntry>, Option<String>, &'static str), ApiError> {
    let after = query.apos.as_deref();
    let keep = |e: &QueueEntry| query.keeps(e);
    let documento = typed(&query.documento);
    if !documento.is_empty() {
        let found = state
            .views
            .page::<ActDocumentRef>(models::ACT_DOCUMENT, &keys::of_act_document(documento), after, PAGE_ROWS, |_| true)
            .await?;
        let mut entries = Vec::new();
        for reference in found.items {
            let Some(case) = state.views.get::<models::CaseDoc>(models::CASE, &reference.case_id).await? else {
                continue;
            };
            let entry = QueueEntry::of(&case);
            if keep(&entry) {
                entries.push(entry);
            }
        }
        return Ok((entries, found.next, "casos que citam o número do ato"));
    }
    let responsavel = typed(&query.responsavel);
    if !responsavel.is_empty() {
        let prefix = keys::of_queue(Queue::Officer(responsavel));
        let found = state.views.page::<QueueEntry>(models::QUEUE, &prefix, after, PAGE_ROWS, keep).await?;
        return Ok((found.items, found.next, "casos abertos atribuídos ao servidor"));
    }
    let familia = typed(&query.familia);
    if !familia.is_empty() {
        let phase = query.phase();
        let prefix = keys::of_phase(familia, (!phase.is_empty()).then_some(phase.as_str()));
        let found = state.views.page::<QueueEntry>(models::CASE_BY_PHASE, &prefix, after, PAGE_ROWS, keep).await?;
        return Ok((found.items, found.next, "casos da família, abertos e encerrados"));
    }
    let operadora = typed(&query.operadora);
    if !operadora.is_empty() {
        let found = state
            .views
            .page::<CaseRef>(models::CASE_OF_OPERATOR, &keys::of_operator(operadora), after, PAGE_ROWS, |c| {
                let phase = query.phase();
                phase.is_empty() || c.phase == phase
            })
            .await?;
        let entries = found
            .items
            .into_iter()
            .map(|c| QueueEntry {
                case_id: c.case_id,
                registro: Some(operadora.to_owned()),
                family: c.family,
                phase: c.phase,
                opened_on: c.opened_on,
                next_deadline: None,
                uf: None,
                responsavel: None,
                closed_on: c.closed_on,
            })
            .collect();
        return Ok((entries, found.next, "casos da operadora, abertos e encerrados"));
    }
    let uf = typed(&query.uf).to_uppercase();
    let found =
        state.views.page::<QueueEntry>(models::QUEUE, &keys::of_queue(Queue::Uf(&uf)), after, PAGE_ROWS, keep).await?;
    Ok((found.items, found.next, "casos abertos de operadoras com sede na UF"))
}

/// The search: a process number goes to its process, an act number cited by a single case to
/// that case; anything else lists the matching cases.
async fn search(State(state): State<AppState>, officer: PageOfficer, Query(query): Query<SearchQuery>) -> Response {
    let result = async {
        let nup = typed(&query.processo);
        if !nup.is_empty() {
            let process = state
                .views
                .get::<ProcessRef>(models::PROCESS_NUMBER, &keys::process_number(nup))
                .await?
                .ok_or_else(|| ApiError::NotFound(format!("nenhum processo com o número {nup}")))?;
            return Ok(Err(redirect(&format!("/casos/{}", process.case_id))));
        }
        let responsaveis = assignees(&state).await?;
        let mut body = SearchPage {
            officer: Some(officer.clone()),
            filtro: query.clone(),
            buscou: !query.is_empty(),
            casos: Vec::new(),
            seguinte: None,
            ufs: Uf::ALL.iter().map(|u| u.code()).collect(),
            familias: Family::ALL.iter().map(|f| (f.as_str(), f.label())).collect(),
            responsaveis,
            fonte: "",
        };
        if query.is_empty() {
            return Ok(Ok(body));
        }
        let (entries, next, fonte) = matching(&state, &query).await?;
        let single_act = !typed(&query.documento).is_empty() && entries.len() == 1 && next.is_none();
        if single_act && query.apos.is_none() {
            return Ok(Err(redirect(&format!("/casos/{}", entries[0].case_id))));
        }
        let names = Names::of(&state, &entries).await?;
        let params = [
            ("documento", query.documento.as_deref()),
            ("operadora", query.operadora.as_deref()),
            ("familia", query.familia.as_deref()),
            ("fase", query.fase.as_deref()),
            ("responsavel", query.responsavel.as_deref()),
            ("uf", query.uf.as_deref()),
        ];
        body.seguinte = next.as_deref().map(|n| with_param("/busca", &params, ("apos", n)));
        body.casos = CaseRow::rows(entries, &names);
        body.fonte = fonte;
        Ok::<_, ApiError>(Ok(body))
    }
    .await;
    match result {
        Ok(Ok(body)) => page(&body),
        Ok(Err(redirected)) => redirected,
        Err(e) => error_page(Some(officer), e),
    }
}
