//! The report's sanctioning processes (table "Quantidade de processos registrados, segundo
//! assunto, 2000 a 2003", SCP extraction of 4 September 2003): each one an auto de infração
//! drawn up by a fiscal, whose `tipo_infracao` is the table's subject and whose date lies in the
//! table's period — `ate_2000` inside 2000 from the first rule version on, 2003 up to the
//! extraction date. Operators are drawn in proportion to their members, with a floor so that
//! small operators are inspected too.
//!
//! The processes stop at the auto: carrying them to a fine would need the seed era's porte
//! factors and circumstances, which docs/DOMAIN.md leaves unconfirmed. Process and document numbers
//! are marked as demonstration numbers: the ANS issues the real ones.

use autos_domain::NonEmptyText;
use autos_domain::{CaseCommand, Registro};
use chrono::{Datelike, Days, NaiveDate};
use rand::distributions::{Distribution, WeightedIndex};
use rand::rngs::StdRng;
use rand::Rng;
use serde::Deserialize;

use super::kit::{csv_rows, date, day_between, Members};
use crate::CliError;

/// Sanctioning processes by subject and period (report table).
const PROCESSES_BY_SUBJECT: &str = include_str!("../../data/enforcement_processes_by_subject.csv");

/// The day the report's process counts were extracted from the SCP (its 2003 column ends here).
const SCP_EXTRACTION: (i32, u32, u32) = (2003, 9, 4);

/// Weight every operator has besides its members, so that small ones are inspected too.
const FLOOR_WEIGHT: u64 = 1_000;

/// How long before the auto the conduct may have taken place, at most.
const CONDUCT_BEFORE_AUTO: u64 = 180;

#[derive(Deserialize)]
struct SubjectRow {
    subject: String,
    period: String,
    count: u32,
}

/// First and last day of a period column of the table.
fn window(period: &str, rules_start: NaiveDate) -> Result<(NaiveDate, NaiveDate), CliError> {
    let (y, m, d) = SCP_EXTRACTION;
    let extraction = date(y, m, d);
    let (first, last) = match period {
        "ate_2000" => (rules_start, date(2000, 12, 31)),
        year => {
            let year: i32 =
                year.parse().map_err(|_| CliError::Config(format!("período de processos desconhecido: {year:?}")))?;
            (date(year, 1, 1), date(year, 12, 31).min(extraction))
        }
    };
    if first > last {
        return Err(CliError::Config(format!("período de processos fora do relatório: {period:?}")));
    }
    Ok((first, last))
}

/// Every auto de infração of the table (`scale` times each), in date order, numbered per year.
///
/// # Errors
/// `Config` when the embedded table is unreadable or names an unknown period.
pub(super) fn plan(
    rng: &mut StdRng,
    scale: u32,
    members: &Members,
    rules_start: NaiveDate,
) -> Result<Vec<(NaiveDate, CaseCommand)>, CliError> {
    let registros: Vec<Registro> = members.base.keys().copied().collect();
    let weights = WeightedIndex::new(members.base.values().map(|n| n + FLOOR_WEIGHT))
        .map_err(|e| CliError::Config(format!("pesos das operadoras: {e}")))?;
    let mut drawn = Vec::new();
    for row in csv_rows::<SubjectRow>(PROCESSES_BY_SUBJECT)? {
        let (first, last) = window(&row.period, rules_start)?;
        for _ in 0..row.count * scale {
            let on = day_between(rng, first, last);
            let conduct = (on - Days::new(rng.gen_range(0..=CONDUCT_BEFORE_AUTO))).max(rules_start);
            let registro = registros[weights.sample(rng)];
            drawn.push((on, conduct, registro, row.subject.clone(), rng.gen_range(1..=2_000u64)));
        }
    }
    drawn.sort_by_key(|d| d.0);
    let mut year = 0;
    let mut number = 0;
    Ok(drawn
        .into_iter()
        .map(|(on, conduct, registro, subject, exposed)| {
            if on.year() != year {
                (year, number) = (on.year(), 0);
            }
            number += 1;
            let auto = CaseCommand::LavrarAutoInfracao {
                registro,
                processo: NonEmptyText::written(format!("PAS {number:06}/{year} (demonstração)")),
                fatos: NonEmptyText::written(format!("{subject}: conduta apurada pela fiscalização")),
                tipo_infracao: NonEmptyText::written(subject),
                data_infracao: conduct,
                beneficiarios_expostos: exposed,
                origem: None,
                documento: NonEmptyText::written(format!("Auto de Infração {number}/{year} (demonstração)")),
            };
            (on, auto)
        })
        .collect())
}
