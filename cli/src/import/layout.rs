//! Reading operator registers: detects the file's encoding (UTF-8 or ISO-8859-1) and its layout
//! by its header — the seed report's `operators.csv` and every layout ANS has published for its
//! register of operators (CADOP): the 2021–2022 file (ISO-8859-1, a title line, quoted headers
//! with accents and spaces, dd/mm/yyyy), the 2025 file (`Registro_ANS`, ISO dates), the current
//! one (`REGISTRO_OPERADORA`) and the register of cancelled operators (either of the last two
//! plus `Data_Descredenciamento` and `Motivo_do_Descredenciamento`). A header that matches no
//! layout is refused with the columns found and the closest layout. Each data row becomes raw
//! fields keyed by meaning, with its line number; validation happens in the caller.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;

pub use autos_app::labels::fold;

use crate::CliError;

/// Which register the file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// `registro_ans,razao_social,modalidade,regiao,municipio` (the seed report's 512).
    SeedReport,
    /// CADOP of 2021–2022: ISO-8859-1, title line, 19 quoted columns, dd/mm/yyyy dates.
    Cadop2021,
    /// CADOP of 2025: `Registro_ANS;CNPJ;…;Regiao_de_Comercializacao;Data_Registro_ANS`.
    Cadop2025,
    /// CADOP today: the 2025 columns with `REGISTRO_OPERADORA` first.
    CadopAtual,
    /// The register of cancelled operators in the 2025 columns.
    Canceladas2025,
    /// The register of cancelled operators in today's columns.
    CanceladasAtual,
}

const ADDRESS: [&str; 13] = [
    "Nome_Fantasia",
    "Modalidade",
    "Logradouro",
    "Numero",
    "Complemento",
    "Bairro",
    "Cidade",
    "UF",
    "CEP",
    "DDD",
    "Telefone",
    "Fax",
    "Endereco_eletronico",
];
const CANCELLATION: [&str; 2] = ["Data_Descredenciamento", "Motivo_do_Descredenciamento"];

impl Layout {
    pub const ALL: [Layout; 6] = [
        Layout::SeedReport,
        Layout::Cadop2021,
        Layout::Cadop2025,
        Layout::CadopAtual,
        Layout::Canceladas2025,
        Layout::CanceladasAtual,
    ];

    /// How the summary names it.
    pub fn label(self) -> &'static str {
        match self {
            Layout::SeedReport => "lista do relatório 2000–2003",
            Layout::Cadop2021 => "cadastro de operadoras de 2021–2022",
            Layout::Cadop2025 => "cadastro de operadoras de 2025 (Registro_ANS)",
            Layout::CadopAtual => "cadastro de operadoras atual (REGISTRO_OPERADORA)",
            Layout::Canceladas2025 => "cadastro de operadoras canceladas de 2025 (Registro_ANS)",
            Layout::CanceladasAtual => "cadastro de operadoras canceladas atual (REGISTRO_OPERADORA)",
        }
    }

    /// Whether rows of this layout record cancellations.
    pub fn is_cancelled_register(self) -> bool {
        matches!(self, Layout::Canceladas2025 | Layout::CanceladasAtual)
    }

    /// The header's columns as ANS writes them.
    pub fn columns(self) -> Vec<&'static str> {
        let cadop = |first: &'static str, cancelled: bool| {
            let mut columns = vec![first, "CNPJ", "Razao_Social"];
            columns.extend(ADDRESS);
            columns.extend(["Representante", "Cargo_Representante", "Regiao_de_Comercializacao", "Data_Registro_ANS"]);
            if cancelled {
                columns.extend(CANCELLATION);
            }
            columns
        };
        match self {
            Layout::SeedReport => vec!["registro_ans", "razao_social", "modalidade", "regiao", "municipio"],
            Layout::Cadop2021 => vec![
                "Registro ANS",
                "CNPJ",
                "Razão Social",
                "Nome Fantasia",
                "Modalidade",
                "Logradouro",
                "Número",
                "Complemento",
                "Bairro",
                "Cidade",
                "UF",
                "CEP",
                "DDD",
                "Telefone",
                "Fax",
                "Endereço eletrônico",
                "Representante",
                "Cargo Representante",
                "Data Registro ANS",
            ],
            Layout::Cadop2025 => cadop("Registro_ANS", false),
            Layout::CadopAtual => cadop("REGISTRO_OPERADORA", false),
            Layout::Canceladas2025 => cadop("Registro_ANS", true),
            Layout::CanceladasAtual => cadop("REGISTRO_OPERADORA", true),
        }
    }

    fn folded_columns(self) -> BTreeSet<String> {
        self.columns().into_iter().map(fold).collect()
    }
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
    DataDescredenciamento,
    MotivoDescredenciamento,
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
    /// A date the lines before the header state (the title line of the 2021–2022 file).
    pub stated_date: Option<NaiveDate>,
    pub rows: Vec<RawRow>,
}

fn field_for(header: &str) -> Option<Field> {
    Some(match fold(header).as_str() {
        "registroans" | "registrooperadora" => Field::Registro,
        "cnpj" => Field::Cnpj,
        "razaosocial" => Field::RazaoSocial,
        "nomefantasia" => Field::NomeFantasia,
        "modalidade" => Field::Modalidade,
        "cidade" | "municipio" => Field::Cidade,
        "uf" => Field::Uf,
        "regiao" => Field::Regiao,
        "dataregistroans" => Field::DataRegistro,
        "datadescredenciamento" => Field::DataDescredenciamento,
        "motivododescredenciamento" => Field::MotivoDescredenciamento,
        _ => return None,
    })
}

/// Decodes bytes as UTF-8, or as ISO-8859-1 when they are not valid UTF-8.
pub fn decode_text(bytes: &[u8]) -> (String, &'static str) {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_owned(), "UTF-8"),
        Err(_) => (bytes.iter().map(|&b| char::from(b)).collect(), "ISO-8859-1"),
    }
}

/// The cells of one line (a header), unquoted.
pub fn split_line(line: &str, delimiter: u8) -> Vec<String> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(line.as_bytes());
    reader.records().next().and_then(Result::ok).map(|r| r.iter().map(str::to_owned).collect()).unwrap_or_default()
}

/// The delimiter of a header line: `;` when it has one, else `,`.
pub fn delimiter_of(line: &str) -> u8 {
    if line.contains(';') {
        b';'
    } else {
        b','
    }
}

/// The known layout whose columns are exactly `found` (compared without case, accents or
/// separators, in any order).
fn layout_of(found: &[String]) -> Option<Layout> {
    let found: BTreeSet<String> = found.iter().map(|c| fold(c)).collect();
    Layout::ALL.into_iter().find(|layout| layout.folded_columns() == found)
}

/// The refusal of a header that matches no layout: the columns found, the closest layout and
/// what it lacks and what it does not know.
fn unknown_layout(found: &[String]) -> CliError {
    let folded: BTreeSet<String> = found.iter().map(|c| fold(c)).collect();
    let distance = |layout: &Layout| layout.folded_columns().symmetric_difference(&folded).count();
    let closest = Layout::ALL.into_iter().min_by_key(distance).unwrap_or(Layout::CadopAtual);
    let missing: Vec<&str> = closest.columns().into_iter().filter(|c| !folded.contains(&fold(c))).collect();
    let expected = closest.folded_columns();
    let unknown: Vec<&str> = found.iter().map(String::as_str).filter(|c| !expected.contains(&fold(c))).collect();
    let list = |items: &[&str]| if items.is_empty() { "nenhuma".to_owned() } else { items.join(", ") };
    CliError::Config(format!(
        "layout desconhecido: colunas encontradas: {}. O layout mais próximo é o {}: faltam {}; não reconhecidas: {}. Nada foi importado.",
        found.join(", "),
        closest.label(),
        list(&missing),
        list(&unknown)
    ))
}

/// The first date (dd/mm/yyyy or yyyy-mm-dd) written in `text`.
fn date_in(text: &str) -> Option<NaiveDate> {
    text.split(|c: char| !(c.is_ascii_digit() || c == '/' || c == '-')).find_map(parse_date)
}

/// Lines looked at for the header: the title and blank lines of the 2021–2022 file come first.
const HEADER_SEARCH_LINES: usize = 5;

/// Parses a register file.
///
/// # Errors
/// `Config` naming the problem when the header matches no layout (with the columns found and
/// the closest layout), or the file is truncated inside a quoted field.
pub fn parse(bytes: &[u8]) -> Result<Register, CliError> {
    let (text, encoding) = decode_text(bytes);
    let lines: Vec<&str> = text.lines().collect();
    let candidates: Vec<(usize, Vec<String>)> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .take(HEADER_SEARCH_LINES)
        .map(|(i, l)| (i, split_line(l, delimiter_of(l))))
        .collect();
    let Some((header_index, layout)) = candidates.iter().find_map(|(i, cells)| Some((*i, layout_of(cells)?))) else {
        // The line with the most cells, the first of those on a tie, is taken for the header.
        let found =
            candidates.iter().map(|(_, cells)| cells).min_by_key(|cells| std::cmp::Reverse(cells.len())).cloned();
        return Err(unknown_layout(&found.unwrap_or_default()));
    };
    let stated_date = lines[..header_index].iter().find_map(|l| date_in(l));
    let header_line = lines[header_index];
    let delimiter = delimiter_of(header_line);
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
    Ok(Register { layout, encoding, stated_date, rows })
}

/// Reads a register date in either format (dd/mm/yyyy or yyyy-mm-dd).
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%d/%m/%Y").or_else(|_| NaiveDate::parse_from_str(text, "%Y-%m-%d")).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(layout: Layout) -> String {
        layout.columns().iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(";")
    }

    fn latin1(text: &str) -> Vec<u8> {
        text.chars().map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?')).collect()
    }

    #[test]
    fn the_2021_layout_is_detected_in_iso_8859_1_after_its_title_with_the_title_date() {
        let file = format!(
            "Relatório do Cadastro de Operadoras - Operadoras Ativas - 15/03/2021\n\n{}\n\"005711  \";\"92.693.118/0001-60\";\"BRADESCO SAÚDE S.A.\";\"\";\"Seguradora Especializada em Saúde\";\"R A\";\"1\";\"\";\"B\";\"Rio de Janeiro\";\"RJ\";\"20000000\";\"21\";\"1\";\"\";\"\";\"X\";\"Y\";\"14/05/1999\"\n",
            header(Layout::Cadop2021)
        );
        let register = parse(&latin1(&file)).unwrap();
        assert_eq!(register.layout, Layout::Cadop2021);
        assert_eq!(register.encoding, "ISO-8859-1");
        assert_eq!(register.stated_date, NaiveDate::from_ymd_opt(2021, 3, 15));
        let row = &register.rows[0];
        assert_eq!(row.line, 4);
        assert_eq!(row.get(Field::Registro), Some("005711"));
        assert_eq!(row.get(Field::RazaoSocial), Some("BRADESCO SAÚDE S.A."));
        assert_eq!(row.get(Field::NomeFantasia), None);
        assert_eq!(parse_date(row.get(Field::DataRegistro).unwrap()), NaiveDate::from_ymd_opt(1999, 5, 14));
    }

    #[test]
    fn the_2025_and_current_layouts_differ_by_their_first_column_only() {
        for (first, layout) in [("Registro_ANS", Layout::Cadop2025), ("REGISTRO_OPERADORA", Layout::CadopAtual)] {
            let file = format!("{first};CNPJ;Razao_Social;Nome_Fantasia;Modalidade;Logradouro;Numero;Complemento;Bairro;Cidade;UF;CEP;DDD;Telefone;Fax;Endereco_eletronico;Representante;Cargo_Representante;Regiao_de_Comercializacao;Data_Registro_ANS\n000701;33.000.000/0001-00;UNIMED SEGUROS;;Cooperativa Médica;R;1;;B;São Paulo;SP;01000000;11;1;;;;;1;2001-02-03\n");
            let register = parse(file.as_bytes()).unwrap();
            assert_eq!((register.layout, register.encoding), (layout, "UTF-8"));
            assert_eq!(register.rows[0].get(Field::Registro), Some("000701"));
            assert_eq!(register.rows[0].line, 2);
        }
    }

    #[test]
    fn the_cancelled_register_is_the_active_one_plus_the_cancellation_columns() {
        let file = format!(
            "{}\n30004;;X;;Filantropia;;;;;;;;;;;;;;;1999-01-04;2004-06-30;Pedido de cancelamento\n",
            Layout::CanceladasAtual.columns().join(";")
        );
        let register = parse(file.as_bytes()).unwrap();
        assert_eq!(register.layout, Layout::CanceladasAtual);
        assert!(register.layout.is_cancelled_register());
        assert_eq!(register.rows[0].get(Field::MotivoDescredenciamento), Some("Pedido de cancelamento"));
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
    fn an_unknown_header_is_refused_with_its_columns_and_the_closest_layout() {
        let err = parse(b"nome;valor\nx;1\n").unwrap_err().to_string();
        assert!(err.contains("layout desconhecido") && err.contains("nome, valor"), "{err}");
        let renamed = Layout::CadopAtual.columns().join(";").replace("Razao_Social", "Nome_Empresarial");
        let err = parse(format!("{renamed}\n").as_bytes()).unwrap_err().to_string();
        assert!(err.contains(Layout::CadopAtual.label()), "{err}");
        assert!(err.contains("faltam Razao_Social") && err.contains("não reconhecidas: Nome_Empresarial"), "{err}");
    }

    #[test]
    fn a_file_truncated_inside_a_quoted_field_is_refused() {
        let file = format!("{}\n\"005711\";\"92.693.118/0001-60\";\"BRADESCO", header(Layout::Cadop2021));
        assert!(parse(file.as_bytes()).is_err());
    }

    #[test]
    fn folding_ignores_case_accents_and_separators() {
        assert_eq!(fold("Razão Social"), fold("Razao_Social"));
        assert_eq!(fold("Cooperativa Odontológica"), "cooperativaodontologica");
    }
}
