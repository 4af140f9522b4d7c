//! `autos import nip FILE`: ANS's open-data file of NIP consumer demands (`;`-separated, UTF-8 or
//! ISO-8859-1) into the log, one NIP case per demand with its classification, nature and outcome
//! as published, through the service's bulk path. The case id is derived from the demand
//! number, so a second run finds every demand it recorded and appends nothing. The file holds no
//! personal data and the importer invents none.

use std::collections::HashMap;

use autos_app::service::{Request, Service};
use autos_domain::case::{NipClassification, NipKind, TemaDemanda};
use autos_domain::{CaseCommand, NonEmptyText, Registro, Uf};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::layout::{decode_text, fold, parse_date};
use super::{append_rows, read_table, registro_of, seen_before, ImportReport, Planned, Tally};
use crate::CliError;

/// The columns the importer reads; the file may have more.
const COLUMNS: [&str; 16] = [
    "NUMERO_DA_DEMANDA",
    "ABERTURA_DA_DEMANDA",
    "ANO_DE_REFERENCIA",
    "MES_DE_REFERENCIA",
    "SITUACAO_DA_DEMANDA",
    "FORMA_DE_CONTATO_COM_A_ANS",
    "ASSUNTO",
    "REGISTRO_OPERADORA",
    "MODALIDADE_DA_OPERADORA",
    "TIPO_DE_PLANO_CONTRATADO",
    "UF_ONDE_CONSUMIDOR",
    "CLASSIFICACAO_DA_NIP",
    "NATUREZA_DA_NIP",
    "SITUACAO_DA_NIP",
    "DATA_DO_AUTO",
    "NUMERO_PROCESSO",
];

/// Demands decided per call of the bulk path.
const CHUNK_ROWS: usize = 1_000;

/// The case of a demand: a fixed id derived from its number.
pub fn case_id(numero_demanda: &str) -> Uuid {
    let digest = Sha256::digest(format!("nip-dados-abertos:{}", numero_demanda.trim()).as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_custom_bytes(bytes).into_uuid()
}

/// The theme of the report's list that an `ASSUNTO` path names, by its segments in order.
pub fn theme(assunto: &str) -> TemaDemanda {
    use TemaDemanda as T;
    let words: &[(&str, TemaDemanda)] = &[
        ("reajuste", T::AumentoDeMensalidade),
        ("mensalidade", T::AumentoDeMensalidade),
        ("carencia", T::Carencia),
        ("preexistente", T::DoencaOuLesaoPreexistente),
        ("urgencia", T::UrgenciaEEmergencia),
        ("reembolso", T::Reembolso),
        ("internacao", T::Internacao),
        ("rede", T::RedePrestadora),
        ("prestador", T::RedePrestadora),
        ("geografica", T::CoberturaGeografica),
        ("aposentado", T::AposentadosDemitidosEExonerados),
        ("demitido", T::AposentadosDemitidosEExonerados),
        ("mecanismo", T::MecanismosDeRegulacao),
        ("autorizacao", T::MecanismosDeRegulacao),
        ("cobertura", T::CoberturaAssistencial),
        ("contrato", T::ContratoRegulamento),
        ("regulamento", T::ContratoRegulamento),
        ("ressarcimento", T::Sus),
    ];
    let segments: Vec<String> = assunto.split(">>").map(fold).collect();
    segments
        .iter()
        .find_map(|segment| {
            if segment == "sus" {
                return Some(T::Sus);
            }
            words.iter().find(|(word, _)| segment.contains(word)).map(|(_, theme)| *theme)
        })
        .unwrap_or(T::Outros)
}

/// The classification of RN 388/2015 that a published `CLASSIFICACAO_DA_NIP` names, if any
/// ("Inativa", "Não procedente" and the like are kept only as published).
pub fn classification(text: &str) -> Option<NipClassification> {
    use NipClassification as C;
    let f = fold(text);
    Some(match f.as_str() {
        "rve" => C::Rve,
        _ if f.contains("reparacaovoluntaria") => C::Rve,
        _ if f.contains("naoresolvida") => C::NaoResolvida,
        _ if f.contains("naobeneficiario") => C::NaoBeneficiario,
        _ if f.contains("duplicad") => C::Duplicada,
        _ if f.contains("dadosinsuficientes") => C::DadosInsuficientes,
        _ if f.contains("naoresponsavel") => C::AgenteNaoResponsavel,
        _ if f.contains("semindicio") => C::SemIndicioDeInfracao,
        _ => return None,
    })
}

fn nature(text: &str) -> Option<NipKind> {
    match fold(text).as_str() {
        "assistencial" => Some(NipKind::Assistencial),
        "naoassistencial" => Some(NipKind::NaoAssistencial),
        _ => None,
    }
}

/// One checked row: its operator and the act that records its demand, on the demand's case,
/// on its opening date.
struct Demand {
    line: usize,
    registro: Registro,
    case_id: Uuid,
    opened_on: chrono::NaiveDate,
    command: CaseCommand,
}

/// A date as the file writes it, with or without the time of day.
fn date_of(text: &str) -> Option<chrono::NaiveDate> {
    parse_date(text.split([' ', 'T']).next().unwrap_or(text))
}

fn check(line: usize, cell: &dyn Fn(&str) -> Option<String>) -> Result<Demand, String> {
    let required = |name: &str| cell(name).ok_or_else(|| format!("{name} ausente"));
    let required_text = |name: &str| cell(name).and_then(NonEmptyText::new).ok_or_else(|| format!("{name} ausente"));
    let numero = required_text("NUMERO_DA_DEMANDA")?;
    let opened_text = required("ABERTURA_DA_DEMANDA")?;
    let opened_on = date_of(&opened_text).ok_or_else(|| format!("ABERTURA_DA_DEMANDA inválida: {opened_text:?}"))?;
    let registro = registro_of(&required("REGISTRO_OPERADORA")?)?;
    let natureza_text = required("NATUREZA_DA_NIP")?;
    let natureza = nature(&natureza_text).ok_or_else(|| format!("NATUREZA_DA_NIP desconhecida: {natureza_text:?}"))?;
    let assunto = required_text("ASSUNTO")?;
    let classificacao_publicada = cell("CLASSIFICACAO_DA_NIP");
    let data_do_auto = match cell("DATA_DO_AUTO") {
        Some(text) => Some(date_of(&text).ok_or_else(|| format!("DATA_DO_AUTO inválida: {text:?}"))?),
        None => None,
    };
    let uf_consumidor = match cell("UF_ONDE_CONSUMIDOR") {
        Some(text) => Some(Uf::parse(&text).map_err(|e| e.to_string())?),
        None => None,
    };
    let competencia = match (cell("ANO_DE_REFERENCIA"), cell("MES_DE_REFERENCIA")) {
        (Some(ano), Some(mes)) => match (ano.parse::<i32>(), mes.parse::<u32>()) {
            (Ok(ano), Ok(mes)) if (1..=12).contains(&mes) && (1998..=9999).contains(&ano) => {
                Some(format!("{ano}-{mes:02}"))
            }
            _ => return Err(format!("ANO_DE_REFERENCIA/MES_DE_REFERENCIA inválidos: {ano:?}/{mes:?}")),
        },
        _ => None,
    };
    let command = CaseCommand::RegistrarDemandaNipPublicada {
        registro,
        numero_demanda: numero.clone(),
        canal: cell("FORMA_DE_CONTATO_COM_A_ANS")
            .and_then(NonEmptyText::new)
            .unwrap_or_else(|| NonEmptyText::written("não informada")),
        tema: theme(&assunto),
        assunto,
        natureza,
        classificacao: classificacao_publicada.as_deref().and_then(classification),
        classificacao_publicada,
        situacao_demanda: cell("SITUACAO_DA_DEMANDA"),
        situacao_nip: cell("SITUACAO_DA_NIP"),
        tipo_de_plano: cell("TIPO_DE_PLANO_CONTRATADO"),
        uf_consumidor,
        data_do_auto,
        numero_processo: cell("NUMERO_PROCESSO"),
        competencia,
        modalidade_publicada: cell("MODALIDADE_DA_OPERADORA"),
    };
    Ok(Demand { line, registro, case_id: case_id(&numero), opened_on, command })
}

/// Records the demands of one chunk: those an earlier run recorded count as unchanged, the
/// others go to the bulk path in one call (each on its own when the domain refuses one).
async fn record_chunk(
    service: &Service,
    request: &Request,
    demands: &[Demand],
    report: &mut ImportReport,
) -> Result<(), CliError> {
    let ids: Vec<Uuid> = demands.iter().map(|d| d.case_id).collect();
    let recorded = service.existing_cases(&ids).await?;
    report.unchanged += recorded.len();
    let planned = demands
        .iter()
        .filter(|d| !recorded.contains(&d.case_id))
        .map(|d| Planned {
            line: d.line,
            tally: Tally::Imported,
            acts: vec![(d.case_id, d.command.clone(), Request { occurred_on: d.opened_on, ..request.clone() })],
        })
        .collect();
    append_rows(planned, report, async |acts: &[(Uuid, CaseCommand, Request)]| {
        service.open_cases_as(acts).await.map(drop)
    })
    .await
}

/// Imports a NIP demands file. `progress` receives (rows done, rows total).
///
/// # Errors
/// `Config` when the file lacks the columns (nothing stored); `App` on database faults. Row
/// problems are reported, not errors.
pub async fn import_nip(
    service: &Service,
    bytes: &[u8],
    request: &Request,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<ImportReport, CliError> {
    let (text, encoding) = decode_text(bytes);
    let (headers, records) =
        read_table(csv::ReaderBuilder::new().delimiter(b';').flexible(true).trim(csv::Trim::All), &text)?;
    let index: HashMap<String, usize> = headers.iter().enumerate().map(|(i, h)| (fold(h), i)).collect();
    let missing: Vec<&str> = COLUMNS.iter().copied().filter(|c| !index.contains_key(&fold(c))).collect();
    if !missing.is_empty() {
        return Err(CliError::Config(format!(
            "layout desconhecido: colunas encontradas: {}; faltam as colunas das demandas NIP da ANS: {}. Nada foi importado.",
            headers.join(", "),
            missing.join(", ")
        )));
    }
    let mut report = ImportReport {
        layout: "demandas NIP dos dados abertos da ANS".into(),
        encoding: encoding.to_owned(),
        ..ImportReport::default()
    };
    let today = chrono::Local::now().date_naive();
    let mut seen: HashMap<Uuid, usize> = HashMap::new();
    let mut known_operators: HashMap<Registro, bool> = HashMap::new();
    let mut demands = Vec::new();
    for (done, record) in records.iter().enumerate() {
        let line = record.position().map_or(done + 2, |p| p.line() as usize);
        let cell = |name: &str| {
            index
                .get(&fold(name))
                .and_then(|i| record.get(*i))
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        let demand = match check(line, &cell) {
            Ok(demand) => demand,
            Err(reason) => {
                report.rejected.push((line, reason));
                continue;
            }
        };
        if let Some(first) = seen_before(&mut seen, demand.case_id, line) {
            report.rejected.push((line, format!("demanda repetida no arquivo (linha {first})")));
            continue;
        }
        if demand.opened_on > today {
            report.rejected.push((line, format!("data futura: {}", demand.opened_on.format("%d/%m/%Y"))));
            continue;
        }
        let known = match known_operators.get(&demand.registro) {
            Some(known) => *known,
            None => {
                let known = service.operator_state(demand.registro).await?.is_some();
                known_operators.insert(demand.registro, known);
                known
            }
        };
        if !known {
            report
                .rejected
                .push((line, format!("operadora {} não registrada; importe o cadastro antes", demand.registro)));
            continue;
        }
        demands.push(demand);
    }
    // A chunk of one operator's demands folds that operator once: in file order, a thousand
    // rows name hundreds of operators, and each would be read again in every chunk.
    demands.sort_by_key(|d| (d.registro, d.opened_on, d.line));
    let total = records.len();
    let checked_out = total - demands.len();
    for (index, chunk) in demands.chunks(CHUNK_ROWS).enumerate() {
        progress(checked_out + index * CHUNK_ROWS, total);
        record_chunk(service, request, chunk, &mut report).await?;
    }
    progress(total, total);
    report.rejected.sort();
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_demand_number_always_names_the_same_case_and_two_numbers_two_cases() {
        assert_eq!(case_id("4512345"), case_id(" 4512345 "));
        assert_ne!(case_id("4512345"), case_id("4512346"));
    }

    #[test]
    fn the_assunto_path_and_the_classification_map_where_they_fit() {
        assert_eq!(theme("Cobertura >> Rol de Procedimentos >> Exames"), TemaDemanda::CoberturaAssistencial);
        assert_eq!(theme("Financeiro >> Reajuste >> Faixa etária"), TemaDemanda::AumentoDeMensalidade);
        assert_eq!(theme("Atendimento >> Cancelamento de contrato"), TemaDemanda::ContratoRegulamento);
        assert_eq!(theme("Portabilidade"), TemaDemanda::Outros);
        assert_eq!(classification("RVE"), Some(NipClassification::Rve));
        assert_eq!(classification("Não Resolvida"), Some(NipClassification::NaoResolvida));
        assert_eq!(classification("Inativa"), None);
        assert_eq!(nature("Não Assistencial"), Some(NipKind::NaoAssistencial));
    }
}
