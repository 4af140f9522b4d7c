//! CSV exports of what officers take to spreadsheets — the dashboards and the operator
//! register — chosen with `?format=csv`: UTF-8 text with a header row in pt-BR, served as
//! `text/csv; charset=utf-8` with a file name. Fields are separated by commas, or by semicolons
//! after a first `sep=;` line (`separator=semicolon`, for spreadsheets set to pt-BR);
//! numbers are plain (`16879`, `1234.56`) or in pt-BR notation (`numbers=pt_br`: `16.879`,
//! `1.234,56`). Fields that hold the separator are quoted. A text field that a spreadsheet would
//! read as a formula (it begins with `=`, `+`, `-`, `@`, a tab or a carriage return) is written
//! with a leading apostrophe, so an operator's name or a theme typed by anyone never runs in the
//! officer's spreadsheet (OWASP, CSV injection); numbers are written as numbers.

use autos_domain::number_pt_br;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use rust_decimal::Decimal;
use serde::Deserialize;

use crate::ApiError;

/// The answer's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Format {
    Json,
    Csv,
}

/// The CSV field separator.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Separator {
    #[default]
    Comma,
    Semicolon,
}

/// How numbers are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Numbers {
    /// `1234.56`, as programs read them.
    #[default]
    Plain,
    /// `1.234,56`, as people in Brazil write them.
    PtBr,
}

/// How a CSV answer is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Style {
    separator: Separator,
    numbers: Numbers,
}

impl Style {
    /// The CSV style a query asks for, or None for JSON.
    ///
    /// # Errors
    /// `InvalidInput` when a separator or number format comes without `format=csv`.
    pub(crate) fn of(
        format: Option<Format>,
        separator: Option<Separator>,
        numbers: Option<Numbers>,
    ) -> Result<Option<Style>, ApiError> {
        match format {
            Some(Format::Csv) => {
                Ok(Some(Style { separator: separator.unwrap_or_default(), numbers: numbers.unwrap_or_default() }))
            }
            Some(Format::Json) | None if separator.is_some() || numbers.is_some() => {
                Err(ApiError::InvalidInput("separator e numbers só se aplicam com format=csv".into()))
            }
            Some(Format::Json) | None => Ok(None),
        }
    }
}

/// One field of a row.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Cell {
    Text(String),
    Integer(i64),
    Decimal(Decimal),
}

impl From<&str> for Cell {
    fn from(text: &str) -> Self {
        Cell::Text(text.to_owned())
    }
}

impl From<String> for Cell {
    fn from(text: String) -> Self {
        Cell::Text(text)
    }
}

impl From<i64> for Cell {
    fn from(n: i64) -> Self {
        Cell::Integer(n)
    }
}

impl From<Decimal> for Cell {
    fn from(n: Decimal) -> Self {
        Cell::Decimal(n)
    }
}

impl Cell {
    fn text(&self, numbers: Numbers) -> String {
        match (self, numbers) {
            (Cell::Text(text), _) if text.starts_with(['=', '+', '-', '@', '\t', '\r']) => format!("'{text}"),
            (Cell::Text(text), _) => text.clone(),
            (Cell::Integer(n), Numbers::Plain) => n.to_string(),
            (Cell::Decimal(n), Numbers::Plain) => n.to_string(),
            (Cell::Integer(n), Numbers::PtBr) => number_pt_br(&n.to_string()),
            (Cell::Decimal(n), Numbers::PtBr) => number_pt_br(&n.to_string()),
        }
    }
}

/// A table to export.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Table {
    /// The file name, without `.csv`.
    pub name: &'static str,
    pub headers: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    /// The CSV text.
    ///
    /// # Errors
    /// `Internal` if the writer fails (it writes to memory).
    pub(super) fn csv(&self, style: Style) -> Result<Vec<u8>, ApiError> {
        let delimiter = match style.separator {
            Separator::Comma => b',',
            Separator::Semicolon => b';',
        };
        let mut out = Vec::new();
        if delimiter == b';' {
            out.extend_from_slice(b"sep=;\n");
        }
        let mut writer =
            csv::WriterBuilder::new().delimiter(delimiter).terminator(csv::Terminator::Any(b'\n')).from_writer(out);
        let failed = |e: csv::Error| ApiError::Internal(format!("CSV: {e}"));
        writer.write_record(&self.headers).map_err(failed)?;
        for row in &self.rows {
            writer.write_record(row.iter().map(|c| c.text(style.numbers))).map_err(failed)?;
        }
        writer.into_inner().map_err(|e| ApiError::Internal(format!("CSV: {e}")))
    }

    /// The CSV as a download.
    ///
    /// # Errors
    /// As [`Table::csv`].
    pub(super) fn response(&self, style: Style) -> Result<Response, ApiError> {
        let body = self.csv(style)?;
        let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{}.csv\"", self.name))
            .map_err(|e| ApiError::InvalidInput(e.to_string()))?;
        Ok((
            [
                (header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8")),
                (header::CONTENT_DISPOSITION, disposition),
            ],
            body,
        )
            .into_response())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        Table {
            name: "teste",
            headers: vec!["Tema", "Quantidade", "Valor (R$)"],
            rows: vec![
                vec!["Contrato / regulamento".into(), 16_879i64.into(), Decimal::new(12_345_675, 1).into()],
                vec!["Reajuste; \"anual\"".into(), (-1_000i64).into(), Decimal::new(-25, 2).into()],
                vec!["Carência".into(), 7i64.into(), Decimal::new(999, 0).into()],
            ],
        }
    }

    #[test]
    fn text_a_spreadsheet_would_run_as_a_formula_is_written_as_text() {
        let style = Style::of(Some(Format::Csv), None, None).unwrap().unwrap();
        let mut table = table();
        table.rows = ["=HYPERLINK(\"http://x\")", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "a=b"]
            .into_iter()
            .map(|t| vec![t.into(), (-5i64).into(), Decimal::new(-1, 0).into()])
            .collect();
        let text = String::from_utf8(table.csv(style).unwrap()).unwrap();
        let firsts: Vec<&str> = text.lines().skip(1).map(|l| l.rsplitn(3, ',').nth(2).unwrap()).collect();
        assert_eq!(
            firsts,
            ["\"'=HYPERLINK(\"\"http://x\"\")\"", "'+1", "'-2+3", "'@SUM(A1)", "'\tx", "\"'\rx\"", "a=b"],
            "{text}"
        );
        assert!(text.lines().nth(1).unwrap().ends_with(",-5,-1"), "numbers stay numbers: {text}");
    }

    #[test]
    fn plain_numbers_with_commas_read_back_as_they_were() {
        let style = Style::of(Some(Format::Csv), None, None).unwrap().unwrap();
        let text = String::from_utf8(table().csv(style).unwrap()).unwrap();
        assert_eq!(
            text,
            "Tema,Quantidade,Valor (R$)\nContrato / regulamento,16879,1234567.5\n\
             \"Reajuste; \"\"anual\"\"\",-1000,-0.25\nCarência,7,999\n"
        );
    }

    #[test]
    fn pt_br_numbers_with_semicolons_group_thousands_and_use_the_decimal_comma() {
        let style = Style::of(Some(Format::Csv), Some(Separator::Semicolon), Some(Numbers::PtBr)).unwrap().unwrap();
        let text = String::from_utf8(table().csv(style).unwrap()).unwrap();
        assert_eq!(
            text,
            "sep=;\nTema;Quantidade;Valor (R$)\nContrato / regulamento;16.879;1.234.567,5\n\
             \"Reajuste; \"\"anual\"\"\";-1.000;-0,25\nCarência;7;999\n"
        );
    }

    #[test]
    fn pt_br_numbers_with_commas_are_quoted() {
        let style = Style::of(Some(Format::Csv), Some(Separator::Comma), Some(Numbers::PtBr)).unwrap().unwrap();
        let text = String::from_utf8(table().csv(style).unwrap()).unwrap();
        assert!(text.contains("Contrato / regulamento,16.879,\"1.234.567,5\"\n"), "{text}");
    }

    #[test]
    fn csv_options_without_formato_csv_are_refused() {
        assert_eq!(Style::of(None, None, None).unwrap(), None);
        assert_eq!(Style::of(Some(Format::Json), None, None).unwrap(), None);
        assert!(Style::of(None, Some(Separator::Semicolon), None).is_err());
        assert!(Style::of(Some(Format::Json), None, Some(Numbers::PtBr)).is_err());
    }
}
