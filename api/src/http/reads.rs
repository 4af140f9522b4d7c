//! Read-only lists served from the read models: deadlines (*prazos*) open, due today or
//! overdue, by case, family and UF; the intervention, Disque ANS, portfolio-transfer and
//! sanctioning-process dashboards (JSON, or CSV with `?format=csv`); the complaint index; the
//! quarterly Parceiros da Cidadania bulletin; the sanctions ledger and asset freezes by person.

use autos_domain::Role;
use autos_projections::boletim::{self, PublishedAct};
use autos_projections::enforcement::{FrozenAssetsEntry, SanctionEntry, FREEZES_BY_PERSON, SANCTIONS};
use autos_projections::keys::{self, ComplaintKey, InterventionCounter};
use autos_projections::models::{self, ComplaintKind, DeadlineDoc, InterventionKind};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::export::{Cell, Format, Numbers, Separator, Style, Table};
use super::extract::Params;
use crate::auth::Signed;
use crate::state::AppState;
use crate::ApiError;
use autos_app::views::Page;

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub(super) enum DeadlineStatus {
    Abertos,
    VenceHoje,
    Vencidos,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DeadlineQuery {
    status: Option<DeadlineStatus>,
    uf: Option<String>,
    familia: Option<String>,
    registro: Option<String>,
    /// The reference date for "due today" and "overdue" (today when absent).
    on: Option<NaiveDate>,
    after: Option<String>,
    limit: Option<i64>,
}

/// Open deadlines by due date.
pub(super) async fn deadlines(
    State(state): State<AppState>,
    signed: Signed,
    Params(query): Params<DeadlineQuery>,
) -> Result<Json<Page<DeadlineDoc>>, ApiError> {
    signed.require(&Role::ALL)?;
    let today = query.on.unwrap_or_else(|| chrono::Local::now().date_naive());
    let status = query.status.unwrap_or(DeadlineStatus::Abertos);
    let uf = query.uf.map(|u| u.to_uppercase());
    let page = state
        .views
        .page::<DeadlineDoc>(models::DEADLINE, "", query.after.as_deref(), query.limit.unwrap_or(100), |d| {
            let status_ok = match status {
                DeadlineStatus::Abertos => true,
                DeadlineStatus::VenceHoje => d.due == today,
                DeadlineStatus::Vencidos => d.due < today,
            };
            status_ok
                && uf.as_ref().is_none_or(|u| d.uf.as_deref().is_some_and(|x| x.eq_ignore_ascii_case(u)))
                && query.familia.as_ref().is_none_or(|f| d.family.as_ref() == Some(f))
                && query.registro.as_ref().is_none_or(|r| d.registro.as_ref() == Some(r))
        })
        .await?;
    Ok(Json(page))
}

/// A dashboard's format: JSON, or CSV with its separator and number format.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DashboardQuery {
    format: Option<Format>,
    separator: Option<Separator>,
    numbers: Option<Numbers>,
}

impl DashboardQuery {
    fn style(&self) -> Result<Option<Style>, ApiError> {
        Style::of(self.format, self.separator, self.numbers)
    }
}

/// Which table of the intervention dashboard a CSV holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum InterventionTable {
    /// "Ações de Intervenção", by type.
    #[default]
    Tipos,
    /// The same acts by the operator's modalidade.
    PorModalidade,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct InterventionsQuery {
    /// With `format=csv`: the table by type (default) or by modalidade.
    table: Option<InterventionTable>,
    format: Option<Format>,
    separator: Option<Separator>,
    numbers: Option<Numbers>,
}

/// The intervention acts of the seed report's tables, from the log: by type, in the report's
/// order, and by modalidade (public aggregates).
pub(super) async fn interventions(
    State(state): State<AppState>,
    Params(query): Params<InterventionsQuery>,
) -> Result<Response, ApiError> {
    let style = Style::of(query.format, query.separator, query.numbers)?;
    if query.table.is_some() && style.is_none() {
        return Err(ApiError::InvalidInput("table só se aplica com format=csv".into()));
    }
    let mut by_kind = std::collections::BTreeMap::new();
    let mut by_modalidade = Vec::new();
    for (key, doc) in state.views.entries(models::DASHBOARD, keys::INTERVENTION_COUNTERS).await? {
        let n = doc["quantidade"].as_i64().unwrap_or(0);
        match InterventionCounter::parse(&key) {
            Some(InterventionCounter::Total(kind)) => {
                by_kind.insert(kind, n);
            }
            Some(InterventionCounter::PorModalidade(modalidade, kind)) => {
                by_modalidade.push((modalidade.to_owned(), kind.label(), n));
            }
            None => {}
        }
    }
    let kinds: Vec<(&str, i64)> =
        InterventionKind::TABLE.iter().map(|kind| (kind.label(), by_kind.get(kind).copied().unwrap_or(0))).collect();
    let Some(style) = style else {
        let items: Vec<serde_json::Value> =
            kinds.iter().map(|(tipo, n)| serde_json::json!({ "tipo": tipo, "quantidade": n })).collect();
        let total: i64 = kinds.iter().map(|(_, n)| n).sum();
        let por_modalidade: Vec<serde_json::Value> = by_modalidade
            .iter()
            .map(|(m, tipo, n)| serde_json::json!({ "modalidade": m, "tipo": tipo, "quantidade": n }))
            .collect();
        return Ok(Json(serde_json::json!({ "items": items, "total": total, "por_modalidade": por_modalidade }))
            .into_response());
    };
    let table = match query.table.unwrap_or_default() {
        InterventionTable::Tipos => Table {
            name: "painel-intervencoes",
            headers: vec!["Tipo de ação", "Quantidade"],
            rows: kinds.into_iter().map(|(tipo, n)| vec![tipo.into(), n.into()]).collect(),
        },
        InterventionTable::PorModalidade => Table {
            name: "painel-intervencoes-por-modalidade",
            headers: vec!["Modalidade", "Tipo de ação", "Quantidade"],
            rows: by_modalidade.into_iter().map(|(m, tipo, n)| vec![m.into(), tipo.into(), n.into()]).collect(),
        },
    };
    table.response(style)
}

/// The CSV of `table` when a style is asked for, else `json`.
fn csv_or_json(table: Table, style: Option<Style>, json: serde_json::Value) -> Result<Response, ApiError> {
    match style {
        Some(style) => table.response(style),
        None => Ok(Json(json).into_response()),
    }
}

/// Disque ANS demandas by theme, year and type (public aggregates).
pub(super) async fn demands(
    State(state): State<AppState>,
    Params(query): Params<DashboardQuery>,
) -> Result<Response, ApiError> {
    let style = query.style()?;
    let mut rows: std::collections::BTreeMap<(String, String), (i64, i64)> = std::collections::BTreeMap::new();
    for (key, doc) in state.views.entries(models::DASHBOARD, keys::DEMAND_COUNTERS).await? {
        let n = doc["quantidade"].as_i64().unwrap_or(0);
        let Some((year, theme, kind)) = keys::parse_demands(&key) else { continue };
        let entry = rows.entry((theme.to_owned(), year.to_owned())).or_default();
        match kind {
            ComplaintKind::Consulta => entry.0 += n,
            ComplaintKind::Denuncia => entry.1 += n,
            // NIPs are not Disque ANS demandas of the 2001–2003 table.
            ComplaintKind::Nip => {}
        }
    }
    let items: Vec<serde_json::Value> = rows
        .iter()
        .map(|((tema, ano), (consultas, denuncias))| serde_json::json!({ "tema": tema, "ano": ano, "consultas": consultas, "denuncias": denuncias }))
        .collect();
    let table = Table {
        name: "painel-demandas",
        headers: vec!["Tema", "Ano", "Consultas", "Denúncias"],
        rows: rows.into_iter().map(|((tema, ano), (c, d))| vec![tema.into(), ano.into(), c.into(), d.into()]).collect(),
    };
    csv_or_json(table, style, serde_json::json!({ "items": items }))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct IndexQuery {
    registro: String,
    /// The last month of the window, AAAA-MM.
    mes: String,
    /// Months in the window (1 = the seed's monthly index; 3 = IGR; 6 = IR 2012).
    janela: Option<u32>,
    /// Per how many beneficiaries (1 = the seed's "percentual" base; 10000 = modern indices).
    escala: Option<u32>,
}

/// The complaint index of one operator: numerator (denúncias and NIPs in the window), denominator
/// (beneficiaries summed over the window's months), window and scale kept apart; the ratio is
/// given unrounded as a convenience (docs/DOMAIN.md §5).
pub(super) async fn complaint_index(
    State(state): State<AppState>,
    Params(query): Params<IndexQuery>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let registro = autos_domain::Registro::parse(&query.registro)?;
    let end = NaiveDate::parse_from_str(&format!("{}-01", query.mes), "%Y-%m-%d")
        .map_err(|_| ApiError::InvalidInput(format!("mes: esperado AAAA-MM, recebido {:?}", query.mes)))?;
    let window = query.janela.unwrap_or(1).clamp(1, 24);
    let scale = query.escala.unwrap_or(10_000).max(1);
    let months: Vec<String> = (0..window)
        .rev()
        .filter_map(|k| end.checked_sub_months(chrono::Months::new(k)))
        .map(|d| d.format("%Y-%m").to_string())
        .collect();
    let (mut numerator, mut denominator) = (0i64, 0i64);
    for month in &months {
        for (key, doc) in state.views.entries(models::COMPLAINTS, &keys::complaints_of_month(registro, month)).await? {
            if ComplaintKey::parse(&key).is_some_and(|k| k.kind != ComplaintKind::Consulta) {
                numerator += doc["quantidade"].as_i64().unwrap_or(0);
            }
        }
        if let Some(doc) =
            state.views.get::<serde_json::Value>(models::BENEFICIARIES, &keys::beneficiaries(registro, month)).await?
        {
            denominator += doc["quantidade"].as_i64().unwrap_or(0);
        }
    }
    let value = (denominator > 0).then(|| numerator as f64 * f64::from(scale) / denominator as f64);
    // The IGR ANS published for the window's last month, beside the computed index.
    let published: Vec<autos_domain::operator::IgrPublicado> = state
        .views
        .get::<models::OperatorDoc>(models::OPERATOR, &registro.to_string())
        .await?
        .map(|doc| doc.state.igr_publicado.into_iter().filter(|p| Some(&p.competencia) == months.last()).collect())
        .unwrap_or_default();
    Ok(Json(serde_json::json!({
        "registro": registro.to_string(),
        "meses": months,
        "numerador": numerator,
        "denominador": denominator,
        "janela_meses": window,
        "escala": scale,
        "indice": value,
        "igr_publicado": published,
    })))
}

/// Dashboard counters under `painel/{prefix}/{a}/{b}`, as `(a, b, quantidade)`.
async fn counters(state: &AppState, prefix: &str) -> Result<Vec<(String, String, i64)>, ApiError> {
    let mut out = Vec::new();
    for (key, doc) in state.views.entries(models::DASHBOARD, &keys::counters_of(prefix)).await? {
        if let Some((a, b)) = keys::counter_pair(prefix, &key) {
            out.push((a.to_owned(), b.to_owned(), doc["quantidade"].as_i64().unwrap_or(0)));
        }
    }
    Ok(out)
}

/// Portfolio transfers (*alienações de carteira*) by year, total and partial (public aggregates).
pub(super) async fn transfers(
    State(state): State<AppState>,
    Params(query): Params<DashboardQuery>,
) -> Result<Response, ApiError> {
    let style = query.style()?;
    let mut years: std::collections::BTreeMap<String, (i64, i64)> = std::collections::BTreeMap::new();
    for (year, scope, n) in counters(&state, keys::TRANSFERS).await? {
        let entry = years.entry(year).or_default();
        if scope == "parcial" {
            entry.1 += n;
        } else {
            entry.0 += n;
        }
    }
    let items: Vec<serde_json::Value> = years
        .iter()
        .map(|(ano, (total, parcial))| serde_json::json!({ "ano": ano, "total": total, "parcial": parcial }))
        .collect();
    let sum: i64 = years.values().map(|(t, p)| t + p).sum();
    let table = Table {
        name: "painel-alienacoes-de-carteira",
        headers: vec!["Ano", "Totais", "Parciais"],
        rows: years.into_iter().map(|(ano, (t, p))| vec![ano.into(), t.into(), p.into()]).collect(),
    };
    csv_or_json(table, style, serde_json::json!({ "items": items, "soma": sum }))
}

/// Sanctioning processes by subject and period (`ate_2000`, `2001`…), as the report counts them
/// (public aggregates).
pub(super) async fn sanction_processes(
    State(state): State<AppState>,
    Params(query): Params<DashboardQuery>,
) -> Result<Response, ApiError> {
    let style = query.style()?;
    let rows = counters(&state, keys::PROCESSES).await?;
    let total: i64 = rows.iter().map(|(_, _, n)| n).sum();
    let items: Vec<serde_json::Value> = rows
        .iter()
        .map(|(periodo, assunto, n)| serde_json::json!({ "assunto": assunto, "periodo": periodo, "quantidade": n }))
        .collect();
    let table = Table {
        name: "painel-processos-sancionadores",
        headers: vec!["Assunto", "Período", "Quantidade"],
        rows: rows
            .into_iter()
            .map(|(periodo, assunto, n)| {
                let periodo = if periodo == "ate_2000" { "até 2000".to_owned() } else { periodo };
                vec![Cell::from(assunto), periodo.into(), n.into()]
            })
            .collect(),
    };
    csv_or_json(table, style, serde_json::json!({ "items": items, "total": total }))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct LedgerQuery {
    registro: Option<String>,
    after: Option<String>,
    limit: Option<i64>,
}

/// The sanctions ledger: every fine with its stored factors, discount, payments and instalments.
pub(super) async fn sanctions(
    State(state): State<AppState>,
    signed: Signed,
    Params(query): Params<LedgerQuery>,
) -> Result<Json<Page<SanctionEntry>>, ApiError> {
    signed.require(&Role::ALL)?;
    let prefix = match &query.registro {
        Some(r) => keys::of_operator(autos_domain::Registro::parse(r)?),
        None => String::new(),
    };
    let page = state
        .views
        .page::<SanctionEntry>(SANCTIONS, &prefix, query.after.as_deref(), query.limit.unwrap_or(100), |_| true)
        .await?;
    Ok(Json(page))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FreezeQuery {
    /// The person's id (as in the freeze case).
    pessoa: Option<uuid::Uuid>,
    registro: Option<String>,
    after: Option<String>,
    limit: Option<i64>,
}

/// Asset freezes (*indisponibilidade de bens*) by person; names of administrators are shown to
/// officers only.
pub(super) async fn asset_freezes(
    State(state): State<AppState>,
    signed: Signed,
    Params(query): Params<FreezeQuery>,
) -> Result<Json<Page<FrozenAssetsEntry>>, ApiError> {
    signed.require(&[Role::Fiscal, Role::Diretoria, Role::Interventor, Role::Auditor, Role::Administrador])?;
    let prefix = query.pessoa.map(keys::frozen_assets_of).unwrap_or_default();
    let registro = query.registro.as_deref().map(autos_domain::Registro::parse).transpose()?.map(|r| r.to_string());
    let page = state
        .views
        .page::<FrozenAssetsEntry>(
            FREEZES_BY_PERSON,
            &prefix,
            query.after.as_deref(),
            query.limit.unwrap_or(100),
            |f| registro.as_ref().is_none_or(|r| &f.registro == r),
        )
        .await?;
    Ok(Json(page))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct BulletinQuery {
    /// How many themes and operators each ranking lists (default 10).
    limite: Option<usize>,
}

/// One scope's ranking of themes and operators.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Panorama {
    pub(crate) escopo: String,
    pub(crate) temas: Vec<ThemeCount>,
    pub(crate) operadoras: Vec<OperatorCount>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct ThemeCount {
    pub(crate) tema: String,
    pub(crate) consultas: i64,
    pub(crate) denuncias: i64,
    /// NIPs (RN 343/2013 onwards).
    pub(crate) nip: i64,
    pub(crate) total: i64,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct OperatorCount {
    pub(crate) registro: String,
    pub(crate) razao_social: String,
    pub(crate) demandas: i64,
    /// Denúncias and NIPs: the complaints the index counts.
    pub(crate) reclamacoes: i64,
}

/// The quarterly Parceiros da Cidadania bulletin of one UF.
#[derive(Debug, Serialize)]
pub(crate) struct Bulletin {
    pub(crate) uf: String,
    pub(crate) regiao: String,
    pub(crate) ano: i32,
    pub(crate) trimestre: u32,
    pub(crate) de: NaiveDate,
    pub(crate) ate: NaiveDate,
    pub(crate) nacional: Panorama,
    pub(crate) regional: Panorama,
    pub(crate) estadual: Panorama,
    /// ANS acts published in the quarter, by kind, nationally.
    pub(crate) atos_nacionais: std::collections::BTreeMap<String, i64>,
    /// The ANS acts published in the quarter on operators seated in the UF.
    pub(crate) atos_na_uf: Vec<PublishedAct>,
    /// The complaint index of the operators of the UF's region in the quarter, highest first.
    pub(crate) indice_de_reclamacoes: Vec<IndexRank>,
}

impl Bulletin {
    /// The first and last day of a quarter.
    fn quarter_bounds(ano: i32, trimestre: u32) -> Option<(NaiveDate, NaiveDate)> {
        let first = NaiveDate::from_ymd_opt(ano, (trimestre - 1) * 3 + 1, 1)?;
        let last = first.checked_add_months(chrono::Months::new(3))?.pred_opt()?;
        Some((first, last))
    }
}

/// `(registro, consultas, reclamações)` of every operator with complaints in a quarter and
/// scope; reclamações are the denúncias of the Disque ANS flow and the NIPs.
async fn operator_counts(state: &AppState, quarter: &str, scope: &str) -> Result<Vec<(String, i64, i64)>, ApiError> {
    Ok(state
        .views
        .entries(boletim::OPERATORS, &keys::of_bulletin_scope(quarter, scope))
        .await?
        .into_iter()
        .map(|(key, doc)| {
            let registro = keys::bulletin_operator_registro(&key).unwrap_or_default().to_owned();
            let count = |kind: ComplaintKind| doc[kind.label()].as_i64().unwrap_or(0);
            (registro, count(ComplaintKind::Consulta), count(ComplaintKind::Denuncia) + count(ComplaintKind::Nip))
        })
        .collect())
}

async fn razao_social(state: &AppState, registro: &str) -> Result<String, ApiError> {
    Ok(state
        .views
        .get::<models::OperatorDoc>(models::OPERATOR, registro)
        .await?
        .map(|d| d.state.razao_social)
        .unwrap_or_default())
}

/// Operators below this average of beneficiaries are left out of the ranking (IGR ficha técnica).
const RANKING_MIN_BENEFICIARIES: i64 = 100;

/// One operator's complaint index over a quarter: numerator, denominator, window and scale
/// kept apart; the ratio unrounded.
#[derive(Debug, Serialize)]
pub(crate) struct IndexRank {
    pub registro: String,
    pub razao_social: String,
    /// Complaints registered in the quarter: denúncias (Disque ANS) and NIPs.
    pub numerador: i64,
    /// The average of the monthly beneficiary counts informed for the quarter's months.
    pub denominador: f64,
    pub meses_informados: u32,
    pub escala: u32,
    pub indice: f64,
}

/// The complaint index of every operator with complaints (denúncias, NIPs) in a quarter (a scope of the bulletin),
/// per 10.000 beneficiaries over the average of the quarter's months, highest first; operators
/// averaging fewer than 100 beneficiaries or without counts are left out.
///
/// # Errors
/// `Projection` on database faults.
pub(crate) async fn index_ranking(
    state: &AppState,
    de: NaiveDate,
    scope: &str,
    limit: usize,
) -> Result<Vec<IndexRank>, ApiError> {
    const SCALE: u32 = 10_000;
    let quarter = boletim::quarter_of(de);
    let months: Vec<String> = (0..3)
        .filter_map(|k| de.checked_add_months(chrono::Months::new(k)))
        .map(|m| m.format("%Y-%m").to_string())
        .collect();
    let mut ranking = Vec::new();
    for (registro, _, complaints) in operator_counts(state, &quarter, scope).await? {
        if complaints == 0 {
            continue;
        }
        // The quarter's months lie in one year: one range read gives their counts.
        let (mut sum, mut informed) = (0i64, 0u32);
        for (key, doc) in
            state.views.entries(models::BENEFICIARIES, &keys::beneficiaries_of_year(&registro, de.year())).await?
        {
            if months.iter().any(|m| key.ends_with(m.as_str())) {
                sum += doc["quantidade"].as_i64().unwrap_or(0);
                informed += 1;
            }
        }
        if informed == 0 || sum < RANKING_MIN_BENEFICIARIES * i64::from(informed) {
            continue;
        }
        let average = sum as f64 / f64::from(informed);
        ranking.push(IndexRank {
            razao_social: String::new(),
            registro,
            numerador: complaints,
            denominador: average,
            meses_informados: informed,
            escala: SCALE,
            indice: complaints as f64 * f64::from(SCALE) / average,
        });
    }
    ranking.sort_by(|a, b| b.indice.total_cmp(&a.indice).then_with(|| a.registro.cmp(&b.registro)));
    ranking.truncate(limit);
    for rank in &mut ranking {
        rank.razao_social = razao_social(state, &rank.registro).await?;
    }
    Ok(ranking)
}

async fn panorama(state: &AppState, quarter: &str, scope: &str, limit: usize) -> Result<Panorama, ApiError> {
    let mut themes: std::collections::BTreeMap<String, [i64; 3]> = std::collections::BTreeMap::new();
    for (key, doc) in state.views.entries(boletim::THEMES, &keys::of_bulletin_scope(quarter, scope)).await? {
        if let Some(k) = keys::BulletinThemeKey::parse(&key) {
            if let Some(slot) = ComplaintKind::ALL.iter().position(|kind| *kind == k.kind) {
                themes.entry(k.theme.to_owned()).or_default()[slot] += doc["quantidade"].as_i64().unwrap_or(0);
            }
        }
    }
    let mut temas: Vec<ThemeCount> = themes
        .into_iter()
        .map(|(tema, [consultas, denuncias, nip])| ThemeCount {
            tema,
            consultas,
            denuncias,
            nip,
            total: consultas + denuncias + nip,
        })
        .collect();
    temas.sort_by(|a, b| b.total.cmp(&a.total).then_with(|| a.tema.cmp(&b.tema)));
    temas.truncate(limit);
    let mut counts = operator_counts(state, quarter, scope).await?;
    counts.sort_by(|a, b| (b.1 + b.2).cmp(&(a.1 + a.2)).then_with(|| a.0.cmp(&b.0)));
    counts.truncate(limit);
    let mut operadoras = Vec::with_capacity(counts.len());
    for (registro, consultas, reclamacoes) in counts {
        let razao_social = razao_social(state, &registro).await?;
        operadoras.push(OperatorCount { registro, razao_social, demandas: consultas + reclamacoes, reclamacoes });
    }
    Ok(Panorama { escopo: scope.to_owned(), temas, operadoras })
}

/// The quarterly Parceiros da Cidadania bulletin of a UF (docs/DOMAIN.md §6): the themes and
/// operators most demanded nationally, in the UF's region and in the UF, and the ANS acts
/// published in the quarter (public aggregates and public acts only).
pub(super) async fn bulletin(
    State(state): State<AppState>,
    Path((uf, ano, trimestre)): Path<(String, String, String)>,
    Params(query): Params<BulletinQuery>,
) -> Result<Json<Bulletin>, ApiError> {
    let number = |name: &str, text: &str| {
        text.parse::<u32>()
            .map_err(|_| ApiError::InvalidInput(format!("{name}: esperado um número, recebido {text:?}")))
    };
    let (ano, trimestre) = (number("ano", &ano)?, number("trimestre", &trimestre)?);
    let ano = i32::try_from(ano).map_err(|_| ApiError::InvalidInput(format!("ano fora do intervalo: {ano}")))?;
    Ok(Json(build_bulletin(&state, &uf, ano, trimestre, query.limite.unwrap_or(10)).await?))
}

/// Builds the bulletin (shared by the API and the public page).
///
/// # Errors
/// `InvalidInput` for an unknown UF, a quarter outside 1–4 or a year outside 2000–2100.
pub(crate) async fn build_bulletin(
    state: &AppState,
    uf: &str,
    ano: i32,
    trimestre: u32,
    limit: usize,
) -> Result<Bulletin, ApiError> {
    let uf = autos_domain::Uf::parse(uf)?;
    if !(1..=4).contains(&trimestre) || !(2000..=2100).contains(&ano) {
        return Err(ApiError::InvalidInput(format!(
            "trimestre {ano}/{trimestre} inválido: use um ano entre 2000 e 2100 e um trimestre de 1 a 4"
        )));
    }
    let (de, ate) = Bulletin::quarter_bounds(ano, trimestre)
        .ok_or_else(|| ApiError::InvalidInput(format!("trimestre {ano}/{trimestre} inválido")))?;
    let quarter = boletim::quarter_of(de);
    let limit = limit.clamp(1, 100);
    let (national, regional, local) =
        (boletim::NATIONAL.to_owned(), boletim::region_scope(uf.region().label()), boletim::uf_scope(uf));
    let mut atos_nacionais = std::collections::BTreeMap::new();
    let mut atos_na_uf = Vec::new();
    for (key, doc) in state.views.entries(boletim::ACTS, &keys::bulletin_acts_of(&quarter)).await? {
        let act: PublishedAct = serde_json::from_value(doc)
            .map_err(|e| autos_projections::ProjectionError::Corrupt(format!("{key}: {e}")))?;
        *atos_nacionais.entry(act.event_type.clone()).or_insert(0) += 1;
        if act.uf.as_deref() == Some(&uf.to_string()) {
            atos_na_uf.push(act);
        }
    }
    Ok(Bulletin {
        uf: uf.to_string(),
        regiao: uf.region().label().to_owned(),
        ano,
        trimestre,
        de,
        ate,
        indice_de_reclamacoes: index_ranking(state, de, &regional, limit).await?,
        nacional: panorama(state, &quarter, &national, limit).await?,
        regional: panorama(state, &quarter, &regional, limit).await?,
        estadual: panorama(state, &quarter, &local, limit).await?,
        atos_nacionais,
        atos_na_uf,
    })
}
