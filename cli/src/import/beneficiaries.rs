//! `autos import beneficiarios FILE`: monthly beneficiary counts per operator (a `;` or `,` CSV with
//! the registro, the competência and the count) as `informar_beneficiarios` acts through the
//! service's bulk path. A count already informed for that month appends nothing; a different
//! count is the new information of the month.

use std::collections::{BTreeMap, HashMap};

use autos_app::service::{Request, Service};
use autos_domain::{OperatorCommand, Registro};
use chrono::NaiveDate;

use super::layout::{decode_text, delimiter_of, fold};
use super::{append_rows, operator_acts, read_table, registro_of, seen_before, ImportReport, Planned, Tally};
use crate::CliError;

/// The names a column may carry, folded.
const REGISTRO: [&str; 4] = ["registro", "registroans", "registrooperadora", "cdoperadora"];
const COMPETENCIA: [&str; 3] = ["competencia", "competenciabeneficiario", "mes"];
const QUANTIDADE: [&str; 4] = ["quantidade", "beneficiarios", "qtdbeneficiarios", "qtbeneficiario"];

/// An operator's monthly counts as recorded, by (year, month); None for an unknown operator.
type RecordedCounts = Option<BTreeMap<(i32, u32), u64>>;

/// Rows decided per call of the bulk path.
const CHUNK_ROWS: usize = 1_000;

/// A competência as `AAAA-MM`, `MM/AAAA` or `AAAAMM`.
pub fn competencia(text: &str) -> Option<(i32, u32)> {
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    let (year, month) = match (text.contains('/'), digits.len()) {
        (true, 6) => (&digits[2..], &digits[..2]),
        (false, 6) => (&digits[..4], &digits[4..]),
        _ => return None,
    };
    let (year, month) = (year.parse().ok()?, month.parse().ok()?);
    (1..=12).contains(&month).then_some((year, month))
}

/// The legal date of a month's count: the first day of the next month (the month closed), or
/// `today` when that is still to come.
fn informed_on(year: i32, month: u32, today: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, 1)
        .and_then(|d| d.checked_add_months(chrono::Months::new(1)))
        .map_or(today, |d| d.min(today))
}

/// Imports a beneficiary counts file. `progress` receives (rows done, rows total).
///
/// # Errors
/// `Config` when the file lacks a column (nothing stored); `App` on database faults.
pub async fn import_beneficiaries(
    service: &Service,
    bytes: &[u8],
    request: &Request,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<ImportReport, CliError> {
    let (text, encoding) = decode_text(bytes);
    let delimiter = delimiter_of(text.lines().next().unwrap_or_default());
    let (headers, records) = read_table(csv::ReaderBuilder::new().delimiter(delimiter).trim(csv::Trim::All), &text)?;
    let column = |names: &[&str]| headers.iter().position(|h| names.contains(&fold(h).as_str()));
    let (Some(registro_at), Some(month_at), Some(count_at)) =
        (column(&REGISTRO), column(&COMPETENCIA), column(&QUANTIDADE))
    else {
        return Err(CliError::Config(format!(
            "layout desconhecido: colunas encontradas: {}; esperadas registro, competência e quantidade de beneficiários. Nada foi importado.",
            headers.join(", ")
        )));
    };
    let mut report = ImportReport {
        layout: "beneficiários por operadora e mês".into(),
        encoding: encoding.to_owned(),
        ..ImportReport::default()
    };
    let today = chrono::Local::now().date_naive();
    let mut counts: HashMap<Registro, RecordedCounts> = HashMap::new();
    let mut first_line: HashMap<(Registro, i32, u32), usize> = HashMap::new();
    let mut planned = Vec::new();
    let total = records.len();
    for (done, record) in records.iter().enumerate() {
        progress(done, total);
        let line = record.position().map_or(done + 2, |p| p.line() as usize);
        let cell = |at: usize| record.get(at).unwrap_or_default();
        let checked = registro_of(cell(registro_at)).and_then(|registro| {
            let (year, month) =
                competencia(cell(month_at)).ok_or_else(|| format!("competência inválida: {:?}", cell(month_at)))?;
            let count: u64 = cell(count_at)
                .replace('.', "")
                .parse()
                .map_err(|_| format!("quantidade inválida: {:?}", cell(count_at)))?;
            Ok((registro, year, month, count))
        });
        let (registro, year, month, count) = match checked {
            Ok(row) => row,
            Err(reason) => {
                report.rejected.push((line, reason));
                continue;
            }
        };
        if let Some(first) = seen_before(&mut first_line, (registro, year, month), line) {
            report
                .rejected
                .push((line, format!("competência {month:02}/{year} repetida para {registro} (linha {first})")));
            continue;
        }
        let known = match counts.get(&registro) {
            Some(known) => known.clone(),
            None => {
                let state = service.operator_state(registro).await?.map(|(s, _)| s.beneficiarios_mensais);
                counts.insert(registro, state.clone());
                state
            }
        };
        let Some(known) = known else {
            report.rejected.push((line, format!("operadora {registro} não registrada; importe o cadastro antes")));
            continue;
        };
        if known.get(&(year, month)) == Some(&count) {
            report.unchanged += 1;
            continue;
        }
        let tally = if known.contains_key(&(year, month)) { Tally::Changed } else { Tally::Imported };
        let command = OperatorCommand::InformarBeneficiarios { ano: year, mes: month, quantidade: count };
        let acts =
            vec![(registro, command, Request { occurred_on: informed_on(year, month, today), ..request.clone() })];
        planned.push(Planned { line, tally, acts });
        if planned.len() == CHUNK_ROWS {
            append_rows(std::mem::take(&mut planned), &mut report, operator_acts(service)).await?;
        }
    }
    append_rows(planned, &mut report, operator_acts(service)).await?;
    progress(total, total);
    report.rejected.sort();
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn competencias_are_read_in_the_three_usual_forms() {
        assert_eq!(competencia("2024-03"), Some((2024, 3)));
        assert_eq!(competencia("03/2024"), Some((2024, 3)));
        assert_eq!(competencia("202403"), Some((2024, 3)));
        assert_eq!(competencia("2024-13"), None);
    }

    #[test]
    fn a_month_is_informed_once_it_closed_never_after_today() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        assert_eq!(informed_on(2024, 3, today), NaiveDate::from_ymd_opt(2024, 4, 1).unwrap());
        assert_eq!(informed_on(2026, 12, today), today);
    }
}
