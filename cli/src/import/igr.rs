//! `autos import igr FILE`: ANS's published IGR tables as the reference series beside the index
//! Autos computes, through `registrar_igr_publicado` acts. Two layouts, by the header: today's
//! open data (`REGISTRO_OPERADORA;RAZAO_SOCIAL;COBERTURA;IGR;QTD_RECLAMACOES;QTD_BENEFICIARIOS;
//! PORTE_OPERADORA;COMPETENCIA;…`, comma decimals) and the older table (ISO-8859-1, CRLF, one row
//! per operator and coverage, `"Razão Social (Registro ANS)"` with the registro inside the
//! parentheses, monthly columns named like `Dez/19`, comma decimals padded with spaces, empty
//! cells for months without a value). A value already recorded appends nothing.

use std::collections::HashMap;

use autos_app::service::{Request, Service};
use autos_domain::operator::IgrPublicado;
use autos_domain::{NonEmptyText, OperatorCommand, Registro};
use rust_decimal::Decimal;

use super::beneficiaries::competencia;
use super::layout::{decode_text, delimiter_of, fold};
use super::{append_rows, operator_acts, read_table, registro_of, ImportReport, Planned, Tally};
use crate::CliError;

/// The months as the older table abbreviates them.
const MONTHS: [&str; 12] = ["jan", "fev", "mar", "abr", "mai", "jun", "jul", "ago", "set", "out", "nov", "dez"];

/// A monthly column of the older table (`Dez/19`) as (year, month).
pub fn month_column(header: &str) -> Option<(i32, u32)> {
    let (month, year) = header.trim().split_once('/')?;
    let month = MONTHS.iter().position(|m| fold(month) == *m)? as u32 + 1;
    let year: i32 = year.trim().parse().ok()?;
    Some((if year < 100 { 2000 + year } else { year }, month))
}

/// A decimal with a comma, padded with spaces (`"  1,25"`).
pub fn comma_decimal(text: &str) -> Option<Decimal> {
    text.trim().replace('.', "").replace(',', ".").parse().ok()
}

/// The registro inside the last parentheses of `"RAZÃO SOCIAL (123456)"`.
fn registro_in(text: &str) -> Result<Registro, String> {
    let inside = text.rsplit_once('(').and_then(|(_, rest)| rest.split_once(')')).map(|(r, _)| r);
    registro_of(inside.ok_or_else(|| format!("registro ANS ausente em {text:?}"))?.trim())
}

/// One published value with its line.
struct Value {
    line: usize,
    registro: Registro,
    publicado: IgrPublicado,
}

fn count(text: Option<&str>) -> Option<u64> {
    text.and_then(|t| t.trim().replace('.', "").parse().ok())
}

/// The values of today's layout.
fn current_values(headers: &[String], records: &[csv::StringRecord]) -> Vec<Result<Value, (usize, String)>> {
    let at = |name: &str| headers.iter().position(|h| fold(h) == fold(name));
    let columns = ["REGISTRO_OPERADORA", "COBERTURA", "IGR", "QTD_RECLAMACOES", "QTD_BENEFICIARIOS", "COMPETENCIA"];
    let [Some(registro), Some(cobertura), Some(igr), Some(claims), Some(members), Some(month)] = columns.map(at) else {
        return Vec::new();
    };
    records
        .iter()
        .enumerate()
        .map(|(i, record)| {
            let line = record.position().map_or(i + 2, |p| p.line() as usize);
            let cell = |at: usize| record.get(at).unwrap_or_default();
            let value = || -> Result<Value, String> {
                let (year, m) =
                    competencia(cell(month)).ok_or_else(|| format!("competência inválida: {:?}", cell(month)))?;
                Ok(Value {
                    line,
                    registro: registro_of(cell(registro).trim())?,
                    publicado: IgrPublicado {
                        competencia: format!("{year}-{m:02}"),
                        cobertura: cell(cobertura).trim().to_owned(),
                        igr: comma_decimal(cell(igr)).ok_or_else(|| format!("IGR inválido: {:?}", cell(igr)))?,
                        reclamacoes: count(record.get(claims)),
                        beneficiarios: count(record.get(members)),
                    },
                })
            };
            value().map_err(|reason| (line, reason))
        })
        .collect()
}

/// The values of the older table: one per filled monthly cell.
fn older_values(headers: &[String], records: &[csv::StringRecord]) -> Vec<Result<Value, (usize, String)>> {
    let months: Vec<(usize, (i32, u32))> =
        headers.iter().enumerate().filter_map(|(i, h)| Some((i, month_column(h)?))).collect();
    let cobertura_at = headers.iter().position(|h| fold(h) == "cobertura");
    let mut values = Vec::new();
    for (i, record) in records.iter().enumerate() {
        let line = record.position().map_or(i + 2, |p| p.line() as usize);
        let registro = match registro_in(record.get(0).unwrap_or_default()) {
            Ok(registro) => registro,
            Err(reason) => {
                values.push(Err((line, reason)));
                continue;
            }
        };
        let cobertura = cobertura_at.and_then(|at| record.get(at)).unwrap_or_default().trim().to_owned();
        for (at, (year, month)) in &months {
            let text = record.get(*at).unwrap_or_default();
            if text.trim().is_empty() {
                continue;
            }
            values.push(match comma_decimal(text) {
                Some(igr) => Ok(Value {
                    line,
                    registro,
                    publicado: IgrPublicado {
                        competencia: format!("{year}-{month:02}"),
                        cobertura: cobertura.clone(),
                        igr,
                        reclamacoes: None,
                        beneficiarios: None,
                    },
                }),
                None => Err((line, format!("IGR inválido em {}: {text:?}", headers[*at]))),
            });
        }
    }
    values
}

/// Imports a published IGR table. `progress` receives (values done, values total).
///
/// # Errors
/// `Config` when the header is neither layout (nothing stored); `App` on database faults.
pub async fn import_igr(
    service: &Service,
    bytes: &[u8],
    request: &Request,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<ImportReport, CliError> {
    let (text, encoding) = decode_text(bytes);
    let delimiter = delimiter_of(text.lines().next().unwrap_or_default());
    let (headers, records) = read_table(csv::ReaderBuilder::new().delimiter(delimiter).flexible(true), &text)?;
    let older = headers.first().is_some_and(|h| fold(h) == "razaosocialregistroans");
    let (layout, values) = if older {
        ("IGR publicado pela ANS, tabela mensal antiga", older_values(&headers, &records))
    } else if headers.iter().any(|h| fold(h) == "igr") && headers.iter().any(|h| fold(h) == "registrooperadora") {
        ("IGR dos dados abertos da ANS", current_values(&headers, &records))
    } else {
        return Err(CliError::Config(format!(
            "layout desconhecido: colunas encontradas: {}; esperado o IGR dos dados abertos (REGISTRO_OPERADORA;…;IGR;…;COMPETENCIA) ou a tabela com \"Razão Social (Registro ANS)\" e meses como Dez/19. Nada foi importado.",
            headers.join(", ")
        )));
    };
    let mut report = ImportReport { layout: layout.into(), encoding: encoding.to_owned(), ..ImportReport::default() };
    let mut published: HashMap<Registro, Option<Vec<IgrPublicado>>> = HashMap::new();
    let mut planned = Vec::new();
    let total = values.len();
    for (done, value) in values.into_iter().enumerate() {
        progress(done, total);
        let value = match value {
            Ok(value) => value,
            Err(rejected) => {
                report.rejected.push(rejected);
                continue;
            }
        };
        let known = match published.get(&value.registro) {
            Some(known) => known.clone(),
            None => {
                let state = service.operator_state(value.registro).await?.map(|(s, _)| s.igr_publicado);
                published.insert(value.registro, state.clone());
                state
            }
        };
        let Some(known) = known else {
            report
                .rejected
                .push((value.line, format!("operadora {} não registrada; importe o cadastro antes", value.registro)));
            continue;
        };
        let same_key = known
            .iter()
            .find(|p| p.competencia == value.publicado.competencia && p.cobertura == value.publicado.cobertura);
        let tally = match same_key {
            Some(p) if *p == value.publicado => {
                report.unchanged += 1;
                continue;
            }
            Some(_) => Tally::Changed,
            None => Tally::Imported,
        };
        let IgrPublicado { competencia, cobertura, igr, reclamacoes, beneficiarios } = value.publicado;
        let Some(cobertura) = NonEmptyText::new(cobertura) else {
            report.rejected.push((value.line, "cobertura ausente".into()));
            continue;
        };
        let command =
            OperatorCommand::RegistrarIgrPublicado { competencia, cobertura, igr, reclamacoes, beneficiarios };
        planned.push(Planned { line: value.line, tally, acts: vec![(value.registro, command, request.clone())] });
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
    fn the_older_tables_months_decimals_and_registros_are_read() {
        assert_eq!(month_column("Dez/19"), Some((2019, 12)));
        assert_eq!(month_column("Mar/20"), Some((2020, 3)));
        assert_eq!(month_column("Cobertura"), None);
        assert_eq!(comma_decimal("   1,25"), Some(Decimal::new(125, 2)));
        assert_eq!(comma_decimal(""), None);
        assert_eq!(registro_in("UNIMED (RS) X COOP (326305)").unwrap().to_string(), "326305");
        assert_eq!(registro_in("ANTIGA (30004)").unwrap().to_string(), "30004");
    }
}
