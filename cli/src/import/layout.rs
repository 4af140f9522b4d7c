//! Reading operator registers: detects the file's encoding (UTF-8 or ISO-8859-1) and layout —
//! the seed report's `operators.csv`, and both layouts of ANS's open-data register of
//! operators (CADOP: the older ISO-8859-1 file with a title line and accented, quoted headers,
//! and the current UTF-8 one with `Registro_ANS;CNPJ;…`) — and turns each data row into raw
//! fields keyed by meaning, with its line number. Validation happens in the caller.

use std::collections::HashMap;

use chrono::NaiveDate;

pub use autos_app::labels::fold;

use crate::CliError;

/// Which register the file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// `registro_ans,razao_social,modalidade,regiao,municipio` (the seed report's 512).
    SeedReport,
    /// CADOP as ANS published it earlier: ISO-8859-1, title line, 19 columns, dd/mm/yyyy dates.
    CadopLegacy,
    /// CADOP today: UTF-8, `Registro_ANS;CNPJ;Razao_Social;…;Data_Registro_ANS`, ISO dates.
    CadopCurrent,
}

/// The fields Autos takes from any layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Registro,
    Cnpj,
    RazaoSocial,
    NomeFantasia,
    Modalidade,
    Cidade,
    Uf,
    Regiao,
    DataRegistro,
}

/// One data row: its 1-based line in the file and its fields, trimmed, empty ones absent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRow {
    pub line: usize,
    pub fields: HashMap<Field, String>,
}

impl RawRow {
    pub fn get(&self, field: Field) -> Option<&str> {
        self.fields.get(&field).map(String::as_str)
    }
}

/// A decoded register.
#[derive(Debug)]
pub struct Register {
    pub layout: Layout,
    pub encoding: &'static str,
    pub rows: Vec<RawRow>,
}

fn field_for(header: &str) -> Option<Field> {
    Some(match fold(header).as_str() {
        "registroans" => Field::Registro,
        "cnpj" => Field::Cnpj,
        "razaosocial" => Field::RazaoSocial,
        "nomefantasia" => Field::NomeFantasia,
        "modalidade" => Field::Modalidade,
        "cidade" | "municipio" => Field::Cidade,
        "uf" => Field::Uf,
        "regiao" => Field::Regiao,
        "dataregistroans" => Field::DataRegistro,
        _ => return None,
    })
}

/// Decodes bytes as UTF-8, or as ISO-8859-1 when they are not valid UTF-8.
fn decode_text(bytes: &[u8]) -> (String, &'static str) {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_owned(), "UTF-8"),
        Err(_) => (bytes.iter().map(|&b| char::from(b)).collect(), "ISO-8859-1"),
    }
}

/// Parses a register file.
///
/// # Errors
/// `Config` naming the problem when the layout is unknown, a required column is missing, or
/// the file is truncated inside a quoted field.
pub fn parse(bytes: &[u8]) -> Result<Register, CliError> {
    let (text, encoding) = decode_text(bytes);
    let lines: Vec<&str> = text.lines().collect();
    let Some(header_index) = lines.iter().position(|l| {
        let f = fold(l);
        f.contains("registroans") && (f.contains("razaosocial") || f.contains("cnpj"))
    }) else {
        return Err(CliError::Config(
            "layout desconhecido: nenhuma linha de cabeçalho com \"Registro ANS\" e \"Razão Social\"".into(),
        ));
    };
    let header_line = lines[header_index];
    let delimiter = if header_line.contains(';') { b';' } else { b',' };
    let layout = match (delimiter, header_line.contains("Registro_ANS")) {
        (b',', _) => Layout::SeedReport,
        (_, true) => Layout::CadopCurrent,
        (_, false) => Layout::CadopLegacy,
    };
    let body = lines[header_index..].join("\n");
    if body.matches('"').count() % 2 == 1 {
        return Err(CliError::Config("arquivo truncado ou malformado: aspas sem fechamento".into()));
    }
    let mut reader =
        csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).trim(csv::Trim::All).from_reader(body.as_bytes());
    let columns: Vec<Option<Field>> = reader
        .headers()
        .map_err(|e| CliError::Config(format!("cabeçalho ilegível: {e}")))?
        .iter()
        .map(field_for)
        .collect();
    for required in [Field::Registro, Field::RazaoSocial, Field::Modalidade] {
        if !columns.contains(&Some(required)) {
            return Err(CliError::Config(format!("coluna obrigatória ausente: {required:?}")));
        }
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| CliError::Config(format!("arquivo truncado ou malformado: {e}")))?;
        let line = header_index + record.position().map_or(0, |p| p.line() as usize);
        if record.iter().all(str::is_empty) {
            continue;
        }
        if record.len() < columns.len() {
            return Err(CliError::Config(format!(
                "arquivo truncado ou malformado: a linha {line} tem {} campos, o cabeçalho {}",
                record.len(),
                columns.len()
            )));
        }
        let fields = columns
            .iter()
            .zip(record.iter())
            .filter_map(|(field, value)| Some(((*field)?, value.trim().to_owned())))
            .filter(|(_, value)| !value.is_empty())
            .collect();
        rows.push(RawRow { line, fields });
    }
    Ok(Register { layout, encoding, rows })
}

/// Reads the register date in either layout's format (dd/mm/yyyy or yyyy-mm-dd).
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%d/%m/%Y").or_else(|_| NaiveDate::parse_from_str(text, "%Y-%m-%d")).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const LEGACY_HEADER: &str = "\"Registro ANS\";\"CNPJ\";\"Razão Social\";\"Nome Fantasia\";\"Modalidade\";\"Logradouro\";\"Número\";\"Complemento\";\"Bairro\";\"Cidade\";\"UF\";\"CEP\";\"DDD\";\"Telefone\";\"Fax\";\"Endereço eletrônico\";\"Representante\";\"Cargo Representante\";\"Data Registro ANS\"";

    fn latin1(text: &str) -> Vec<u8> {
        text.chars().map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?')).collect()
    }

    #[test]
    fn the_legacy_cadop_layout_is_detected_in_iso_8859_1_with_padded_quoted_values() {
        let file = format!(
            "Relatório do Cadastro de Operadoras\n\n{LEGACY_HEADER}\n\"005711  \";\"92.693.118/0001-60\";\"BRADESCO SAÚDE S.A.\";\"\";\"Seguradora Especializada em Saúde\";\"R A\";\"1\";\"\";\"B\";\"Rio de Janeiro\";\"RJ\";\"20000000\";\"21\";\"1\";\"\";\"\";\"X\";\"Y\";\"14/05/1999\"\n"
        );
        let register = parse(&latin1(&file)).unwrap();
        assert_eq!(register.layout, Layout::CadopLegacy);
        assert_eq!(register.encoding, "ISO-8859-1");
        let row = &register.rows[0];
        assert_eq!(row.line, 4);
        assert_eq!(row.get(Field::Registro), Some("005711"));
        assert_eq!(row.get(Field::RazaoSocial), Some("BRADESCO SAÚDE S.A."));
        assert_eq!(row.get(Field::NomeFantasia), None);
        assert_eq!(parse_date(row.get(Field::DataRegistro).unwrap()), NaiveDate::from_ymd_opt(1999, 5, 14));
    }

    #[test]
    fn the_current_cadop_layout_is_detected_in_utf8_with_iso_dates() {
        let file = "Registro_ANS;CNPJ;Razao_Social;Nome_Fantasia;Modalidade;Logradouro;Numero;Complemento;Bairro;Cidade;UF;CEP;DDD;Telefone;Fax;Endereco_eletronico;Representante;Cargo_Representante;Regiao_de_Comercializacao;Data_Registro_ANS\n000701;33.000.000/0001-00;UNIMED SEGUROS;;Cooperativa Médica;R;1;;B;São Paulo;SP;01000000;11;1;;;;;1;2001-02-03\n";
        let register = parse(file.as_bytes()).unwrap();
        assert_eq!(register.layout, Layout::CadopCurrent);
        assert_eq!(register.encoding, "UTF-8");
        assert_eq!(register.rows[0].get(Field::Uf), Some("SP"));
        assert_eq!(register.rows[0].line, 2);
    }

    #[test]
    fn the_seed_report_list_is_read_with_commas() {
        let file = "registro_ans,razao_social,modalidade,regiao,municipio\n306347,ABS-ASSISTÊNCIA BUCAL,Odontologia de Grupo,Nordeste,FORTALEZA\n";
        let register = parse(file.as_bytes()).unwrap();
        assert_eq!(register.layout, Layout::SeedReport);
        assert_eq!(register.rows[0].get(Field::Regiao), Some("Nordeste"));
        assert_eq!(register.rows[0].get(Field::Cidade), Some("FORTALEZA"));
    }

    #[test]
    fn a_file_without_a_register_header_is_an_unknown_layout() {
        let err = parse(b"nome;valor\nx;1\n").unwrap_err();
        assert!(err.to_string().contains("layout desconhecido"), "{err}");
    }

    #[test]
    fn a_file_truncated_inside_a_quoted_field_is_refused() {
        let file = format!("{LEGACY_HEADER}\n\"005711\";\"92.693.118/0001-60\";\"BRADESCO");
        assert!(parse(file.as_bytes()).is_err());
    }

    #[test]
    fn folding_ignores_case_accents_and_separators() {
        assert_eq!(fold("Razão Social"), fold("Razao_Social"));
        assert_eq!(fold("Cooperativa Odontológica"), "cooperativaodontologica");
    }
}
