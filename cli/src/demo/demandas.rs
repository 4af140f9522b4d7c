//! The report's Disque ANS demandas (table "Quantidade de denúncias e consultas registradas por
//! ano, segundo assunto, 2001 a 2003"): each consulta and denúncia registered by an atendente,
//! on a day inside the period its row's note gives (July to December 2001, when the service
//! started; January to August 2003), against an operator drawn in proportion to its members in
//! that month, so that the complaint index (denúncias per beneficiary) means something.
//!
//! Generated demandas carry no complainant: the field is optional, and personal data is never
//! invented.

use autos_domain::NonEmptyText;
use std::collections::btree_map::Entry;
use std::collections::BTreeMap;

use autos_domain::case::{DemandKind, TemaDemanda};
use autos_domain::{CaseCommand, Registro, Role};
use chrono::{Datelike, NaiveDate};
use rand::distributions::{Distribution, WeightedIndex};
use rand::rngs::StdRng;
use rand::Rng;
use serde::Deserialize;

use super::kit::{csv_rows, day_between, period, Desk, Members, BULK};
use crate::CliError;

/// Disque ANS demandas by theme and year (report table).
const DEMANDAS_BY_THEME: &str = include_str!("../../data/disque_ans_by_theme.csv");

/// Share of demandas that came through the web form rather than the phone line, in percent.
const WEB_FORM_PERCENT: u32 = 15;

#[derive(Deserialize)]
struct ThemeRow {
    theme: String,
    year: i32,
    consultas: u32,
    denuncias: u32,
    period_note: String,
}

/// One demanda to register.
pub(super) struct Demanda {
    on: NaiveDate,
    registro: Registro,
    theme: TemaDemanda,
    kind: DemandKind,
    by_web: bool,
}

/// The theme whose label is the report's text.
fn theme(label: &str) -> Result<TemaDemanda, CliError> {
    TemaDemanda::ALL
        .into_iter()
        .find(|t| t.label() == label)
        .ok_or_else(|| CliError::Config(format!("tema do Disque ANS desconhecido: {label:?}")))
}

/// Operators drawn by their members in one month.
struct MonthDraw {
    registros: Vec<Registro>,
    weights: WeightedIndex<u64>,
}

impl MonthDraw {
    fn new(members: &Members, on: NaiveDate) -> Result<MonthDraw, CliError> {
        let registros: Vec<Registro> = members.base.keys().copied().collect();
        let weights = WeightedIndex::new(registros.iter().map(|r| members.on(*r, on))).map_err(|e| {
            CliError::Config(format!("nenhuma operadora com beneficiários em {}: {e}", on.format("%m/%Y")))
        })?;
        Ok(MonthDraw { registros, weights })
    }
}

/// Every demanda of the table (`scale` times each), in date order, with its operator.
///
/// # Errors
/// `Config` when the embedded table is unreadable, names an unknown theme or period, or falls
/// in a month without beneficiary counts.
pub(super) fn plan(rng: &mut StdRng, scale: u32, members: &Members) -> Result<Vec<Demanda>, CliError> {
    let rows: Vec<ThemeRow> = csv_rows(DEMANDAS_BY_THEME)?;
    let mut drawn = Vec::with_capacity(rows.iter().map(|r| ((r.consultas + r.denuncias) * scale) as usize).sum());
    for row in rows {
        let theme = theme(&row.theme)?;
        let (first, last) = period(row.year, &row.period_note)?;
        let kinds = std::iter::repeat_n(DemandKind::Consulta, (row.consultas * scale) as usize)
            .chain(std::iter::repeat_n(DemandKind::Denuncia, (row.denuncias * scale) as usize));
        for kind in kinds {
            let on = day_between(rng, first, last);
            let by_web = rng.gen_range(0..100) < WEB_FORM_PERCENT;
            drawn.push((on, theme, kind, by_web));
        }
    }
    drawn.sort_by_key(|d| d.0);
    let mut months: BTreeMap<(i32, u32), MonthDraw> = BTreeMap::new();
    let mut demandas = Vec::with_capacity(drawn.len());
    for (on, theme, kind, by_web) in drawn {
        let draw = match months.entry((on.year(), on.month())) {
            Entry::Occupied(slot) => slot.into_mut(),
            Entry::Vacant(slot) => slot.insert(MonthDraw::new(members, on)?),
        };
        let registro = draw.registros[draw.weights.sample(rng)];
        demandas.push(Demanda { on, registro, theme, kind, by_web });
    }
    Ok(demandas)
}

/// Registers the demandas, [`BULK`] to a transaction.
///
/// # Errors
/// `Domain`/`Store` on a refused act or fault.
pub(super) async fn issue(desk: &mut Desk<'_>, demandas: Vec<Demanda>) -> Result<(), CliError> {
    for chunk in demandas.chunks(BULK) {
        let acts = chunk
            .iter()
            .map(|d| {
                let command = CaseCommand::RegistrarDemandaDisqueAns {
                    registro: d.registro,
                    tipo: d.kind,
                    tema: d.theme,
                    canal: NonEmptyText::written(if d.by_web { "Fale Conosco" } else { "telefone" }),
                    reclamante: None,
                };
                (d.on, command)
            })
            .collect();
        desk.open_cases(Role::Atendente, acts).await?;
    }
    Ok(())
}
