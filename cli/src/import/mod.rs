//! `autos import operators FILE`: operator registers into the log through the application
//! service — real commands, real rules, one stream per operator. Re-importing is idempotent: an
//! unchanged row appends nothing, a changed row appends the cadastral change, a cancelled row
//! the cancellation once. Every cadastral change records the register's reference date, so an
//! older snapshot imported after a newer one is kept as history and never undoes the newer
//! data; an operator absent from a register is left as it is (only a cancellation cancels).
//! Every row either lands whole or is reported as rejected with its line and reason; município/UF
//! pairs that IBGE does not know are reported as warnings.
//!
//! # Layout
//! - [`layout`]: encodings and layouts, rows as raw fields; [`ibge`]: the municipalities;
//! - [`nip`]: ANS's open data of NIP demands; [`beneficiaries`]: monthly beneficiary counts;
//!   [`igr`]: ANS's published IGR tables.
//!
//! The `autos import …` commands themselves (progress bar, summary, exit status) are
//! `crate::imports`.

pub mod beneficiaries;
pub mod ibge;
pub mod igr;
pub mod layout;
pub mod nip;

use std::collections::HashMap;

use autos_domain::operator::{MotivoCancelamento, SituacaoRegistro};
use autos_domain::{Cnpj, Modalidade, NonEmptyText, OperadoraState, OperatorCommand, Region, Registro, Uf};
use chrono::NaiveDate;
use serde::Serialize;

use self::ibge::Municipalities;
use self::layout::{fold, parse, parse_date, Field, RawRow};
use autos_app::service::{Request, Service};
use autos_app::AppError;

use crate::CliError;

/// What an import did.
#[derive(Debug, Default, Clone, Serialize, PartialEq, Eq)]
pub struct ImportReport {
    pub layout: String,
    pub encoding: String,
    /// The reference date the changes were recorded with.
    pub referencia: Option<NaiveDate>,
    pub imported: usize,
    pub unchanged: usize,
    pub changed: usize,
    /// (line, reason) of every rejected row.
    pub rejected: Vec<(usize, String)>,
    /// (line, warning) of rows imported with something to check.
    pub warnings: Vec<(usize, String)>,
}

/// A row read and checked, ready to become commands.
#[derive(Debug, Clone, PartialEq)]
pub struct OperatorRow {
    pub registro: Registro,
    pub cnpj: Option<Cnpj>,
    pub razao_social: NonEmptyText,
    pub modalidade: Modalidade,
    pub uf: Option<Uf>,
    pub regiao: Option<Region>,
    pub municipio: Option<String>,
    pub registered_on: Option<NaiveDate>,
    pub cancellation: Option<Cancellation>,
}

/// A cancellation as the register of cancelled operators records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cancellation {
    pub on: NaiveDate,
    pub motivo: MotivoCancelamento,
    /// The motive as ANS wrote it.
    pub published: NonEmptyText,
}

/// The modalidade a register names, regardless of case and accents. The seed's plain
/// "Autogestão" means *autogestão não patrocinada* (its footnote); a plain "Administradora" is
/// an *administradora de planos* (RDC 39/2000).
pub fn modalidade(text: &str) -> Option<Modalidade> {
    let wanted = fold(text);
    match wanted.as_str() {
        "autogestao" => return Some(Modalidade::AutogestaoNaoPatrocinada),
        "administradora" => return Some(Modalidade::AdministradoraDePlanos),
        "seguradoraespecializadaemsaude" | "seguradora" => return Some(Modalidade::SeguradoraEspecializadaEmSaude),
        _ => {}
    }
    Modalidade::ALL.into_iter().find(|m| fold(m.label()) == wanted)
}

/// The region a register names ("Centro-Oeste", "C. Oeste", "SUDESTE"…).
pub fn region(text: &str) -> Option<Region> {
    let wanted = fold(text);
    [Region::Norte, Region::Nordeste, Region::CentroOeste, Region::Sudeste, Region::Sul]
        .into_iter()
        .find(|r| fold(r.label()) == wanted || (wanted == "coeste" && *r == Region::CentroOeste))
}

/// The cancellation motive of the closed list that a motive of ANS's register of cancelled
/// operators names ("Pedido de cancelamento", "Por incorporação", "Alternat. à Liquidação -
/// Deliberação de Diretoria Colegiada"…), or `Outro` when none fits.
pub fn cancellation_motive(text: &str) -> MotivoCancelamento {
    use MotivoCancelamento as M;
    let f = fold(text);
    let has = |part: &str| f.contains(part);
    if has("alternat") && has("liquidacao") {
        M::AlternativaALiquidacao
    } else if has("liquidacaoextrajudicial") {
        M::LiquidacaoExtrajudicial
    } else if has("incorporacao") {
        M::Incorporacao
    } else if has("susep") && has("77") {
        M::CircularSusep77_1999
    } else if has("10185") {
        M::Lei10185_2001
    } else if has("rdc") && has("77") {
        M::DescumprimentoRdc77_2001
    } else if has("naooperacao") && has("edital") {
        M::NaoOperacaoEdital2002
    } else if has("naooperacao") {
        M::NaoOperacaoDeliberacaoDc
    } else if has("encerramento") && has("direcaofiscal") {
        M::EncerramentoDeDfComCancelamento
    } else if has("pessoajuridicadedireitopublico") {
        M::PessoaJuridicaDeDireitoPublico
    } else if has("filial") {
        M::Filial
    } else if has("art25") {
        M::SancaoArt25VI
    } else if has("pedidodecancelamento") || has("solicitacao") || has("pedidodaoperadora") {
        M::PorSolicitacaoDaOperadora
    } else {
        M::Outro
    }
}

/// A delimited file read whole with `reader` (its delimiter, trimming and flexibility): the
/// header names, trimmed, and every record. A header or a record that cannot be read refuses the
/// whole file, before anything is stored.
///
/// # Errors
/// `Config` naming what could not be read.
pub(crate) fn read_table(
    reader: &csv::ReaderBuilder,
    text: &str,
) -> Result<(Vec<String>, Vec<csv::StringRecord>), CliError> {
    let mut reader = reader.from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| CliError::Config(format!("cabeçalho ilegível: {e}")))?
        .iter()
        .map(|h| h.trim().to_owned())
        .collect();
    let records = reader
        .records()
        .collect::<Result<_, _>>()
        .map_err(|e| CliError::Config(format!("arquivo truncado ou malformado: {e}")))?;
    Ok((headers, records))
}

/// Records that `key` was first seen at `line`; the line it was first seen at when it was seen
/// before (a row repeated in the file).
pub(crate) fn seen_before<K: std::hash::Hash + Eq>(
    first_lines: &mut HashMap<K, usize>,
    key: K,
    line: usize,
) -> Option<usize> {
    match first_lines.entry(key) {
        std::collections::hash_map::Entry::Occupied(first) => Some(*first.get()),
        std::collections::hash_map::Entry::Vacant(slot) => {
            slot.insert(line);
            None
        }
    }
}

/// The registro as a register writes it: six digits; five, as issued in 1998–2001; fewer,
/// a six-digit registro whose leading zeros a spreadsheet dropped.
pub(crate) fn registro_of(text: &str) -> Result<Registro, String> {
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    if digits.is_empty() || digits.len() > 6 || digits.len() != text.chars().filter(|c| !c.is_whitespace()).count() {
        return Err(format!("registro ANS inválido: {text:?}"));
    }
    let issued = if digits.len() >= 5 { digits } else { format!("{digits:0>6}") };
    Registro::parse(&issued).map_err(|e| e.to_string())
}

fn date_field(row: &RawRow, field: Field, name: &str) -> Result<Option<NaiveDate>, String> {
    row.get(field).map(|text| parse_date(text).ok_or_else(|| format!("{name} inválida: {text:?}"))).transpose()
}

/// Checks one raw row.
///
/// # Errors
/// The reason, in pt-BR, naming the field.
pub fn check_row(row: &RawRow) -> Result<OperatorRow, String> {
    let registro = registro_of(row.get(Field::Registro).ok_or("registro ANS ausente")?)?;
    let cnpj = row.get(Field::Cnpj).map(Cnpj::parse).transpose().map_err(|e| e.to_string())?;
    let razao_social = row.get(Field::RazaoSocial).and_then(NonEmptyText::new).ok_or("razão social ausente")?;
    let modalidade_text = row.get(Field::Modalidade).ok_or("modalidade ausente")?;
    let modalidade =
        modalidade(modalidade_text).ok_or_else(|| format!("modalidade desconhecida: {modalidade_text:?}"))?;
    let uf = row.get(Field::Uf).map(Uf::parse).transpose().map_err(|e| e.to_string())?;
    let regiao = match row.get(Field::Regiao) {
        Some(text) => Some(region(text).ok_or_else(|| format!("região desconhecida: {text:?}"))?),
        None => uf.map(Uf::region),
    };
    let registered_on = date_field(row, Field::DataRegistro, "data de registro")?;
    let cancelled_on = date_field(row, Field::DataDescredenciamento, "data de descredenciamento")?;
    let cancellation = match (cancelled_on, row.get(Field::MotivoDescredenciamento)) {
        (Some(on), Some(text)) => {
            let published = NonEmptyText::new(text).ok_or("motivo do descredenciamento ausente")?;
            Some(Cancellation { on, motivo: cancellation_motive(text), published })
        }
        (None, None) => None,
        (None, Some(_)) => return Err("data de descredenciamento ausente".into()),
        (Some(_), None) => return Err("motivo do descredenciamento ausente".into()),
    };
    if let (Some(registered), Some(c)) = (registered_on, &cancellation) {
        if c.on < registered {
            return Err(format!("descredenciamento em {} anterior ao registro em {registered}", c.on));
        }
    }
    Ok(OperatorRow {
        registro,
        cnpj,
        razao_social,
        modalidade,
        uf,
        regiao,
        municipio: row.get(Field::Cidade).map(str::to_owned),
        registered_on,
        cancellation,
    })
}

/// Gives a row without UF the UF of its município (IBGE) and checks the município/UF pair of a
/// row that has one; the warning when either fails.
pub fn locate(row: &mut OperatorRow, table: &Municipalities) -> Option<String> {
    let municipio = row.municipio.as_deref()?;
    match row.uf {
        Some(uf) => table.check(municipio, uf).err(),
        None => match table.seat(municipio, row.regiao, row.razao_social.as_str()) {
            Ok(uf) => {
                row.uf = Some(uf);
                row.regiao = Some(uf.region());
                None
            }
            Err(warning) => Some(format!("{warning}; a UF fica em branco")),
        },
    }
}

/// The cadastral change that brings `state` in line with a row of a snapshot of `referencia`,
/// if anything differs and the change was not recorded already (an older snapshot's change is
/// recorded once, as history).
fn cadastral_change(
    row: &OperatorRow,
    state: &OperadoraState,
    referencia: Option<NaiveDate>,
) -> Option<OperatorCommand> {
    let older = referencia.zip(state.cadastro_referencia).is_some_and(|(new, current)| new < current);
    if older && state.historico_cadastral.iter().any(|h| Some(h.referencia) == referencia) {
        return None;
    }
    let razao_social = (state.razao_social != row.razao_social.as_str()).then(|| row.razao_social.to_string());
    let cnpj = row.cnpj.clone().filter(|c| state.cnpj.as_ref() != Some(c));
    let modalidade = Some(row.modalidade).filter(|m| state.modalidade != Some(*m));
    let uf = row.uf.filter(|u| state.uf != Some(*u));
    if razao_social.is_none() && cnpj.is_none() && modalidade.is_none() && uf.is_none() {
        return None;
    }
    Some(OperatorCommand::AlterarCadastro { razao_social, cnpj, modalidade, uf, referencia })
}

/// The confirmation of unchanged data by a snapshot newer than the operator's: an older
/// snapshot imported later must then be known to be older.
fn confirmation(state: &OperadoraState, referencia: Option<NaiveDate>) -> Option<OperatorCommand> {
    let newer = referencia.is_some_and(|new| state.cadastro_referencia.is_none_or(|current| new > current));
    newer.then_some(OperatorCommand::AlterarCadastro {
        razao_social: None,
        cnpj: None,
        modalidade: None,
        uf: None,
        referencia,
    })
}

/// What a row does to the log.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Unchanged,
    /// Unchanged data, confirmed as of a newer reference date.
    Confirmed(Vec<(OperatorCommand, NaiveDate)>),
    Imported(Vec<(OperatorCommand, NaiveDate)>),
    Changed(Vec<(OperatorCommand, NaiveDate)>),
}

/// The acts, each with its legal date, that bring the operator's record in line with the row:
/// a registration (on its registration date, else `fallback`), a cadastral change (on the
/// reference date), a cancellation (on its date), or nothing.
///
/// # Errors
/// The reason when the row contradicts the record (a different cancellation).
pub fn acts_for(
    row: &OperatorRow,
    current: Option<&OperadoraState>,
    referencia: Option<NaiveDate>,
    fallback: NaiveDate,
) -> Result<Outcome, String> {
    let cancel = |c: &Cancellation| {
        let command =
            OperatorCommand::RegistrarCancelamentoPublicado { motivo: c.motivo, motivo_publicado: c.published.clone() };
        (command, c.on)
    };
    let Some(state) = current else {
        let registration = OperatorCommand::RegistrarOperadora {
            registro: row.registro,
            cnpj: row.cnpj.clone(),
            razao_social: row.razao_social.clone(),
            modalidade: row.modalidade,
            uf: row.uf,
            registro_provisorio: false,
            regiao: row.regiao,
            municipio: row.municipio.clone(),
            referencia,
        };
        // Without its registration date, an operator is taken as registered by the day it was
        // cancelled, at the latest.
        let on = row.registered_on.unwrap_or(fallback).min(row.cancellation.as_ref().map_or(fallback, |c| c.on));
        return Ok(Outcome::Imported(
            std::iter::once((registration, on)).chain(row.cancellation.iter().map(cancel)).collect(),
        ));
    };
    if let SituacaoRegistro::Cancelada { motivo, em } = &state.situacao_registro {
        return match &row.cancellation {
            Some(c) if c.on == *em && c.motivo == *motivo => Ok(Outcome::Unchanged),
            Some(c) => Err(format!(
                "a operadora já consta cancelada em {} ({}); o arquivo diz {} ({})",
                em.format("%d/%m/%Y"),
                state.motivo_cancelamento_publicado.as_deref().unwrap_or("motivo do ato de cancelamento"),
                c.on.format("%d/%m/%Y"),
                c.published
            )),
            // A cancelled operator in a register of active ones: an older snapshot.
            None => Ok(Outcome::Unchanged),
        };
    }
    let on = referencia.unwrap_or(fallback);
    let change = cadastral_change(row, state, referencia);
    if change.is_none() && row.cancellation.is_none() {
        return Ok(confirmation(state, referencia).map_or(Outcome::Unchanged, |c| Outcome::Confirmed(vec![(c, on)])));
    }
    let acts = change.map(|change| (change, on)).into_iter().chain(row.cancellation.iter().map(cancel)).collect();
    Ok(Outcome::Changed(acts))
}

/// Rows decided per call of the service's bulk path.
const CHUNK_ROWS: usize = 250;

/// How a row counts in the report once its acts landed.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Tally {
    Imported,
    Changed,
    Unchanged,
}

/// One row's acts, ready for the bulk path: operator acts (`(Registro, OperatorCommand,
/// Request)`) or opening acts of cases (`(Uuid, CaseCommand, Request)`).
pub(crate) struct Planned<A> {
    pub line: usize,
    pub tally: Tally,
    pub acts: Vec<A>,
}

/// Appends the planned rows with one call of `append`; when the domain refuses an act, each row
/// with a call of its own, so that a refused row is reported and the others still land.
pub(crate) async fn append_rows<A: Clone>(
    planned: Vec<Planned<A>>,
    report: &mut ImportReport,
    append: impl AsyncFn(&[A]) -> Result<(), AppError>,
) -> Result<(), CliError> {
    let count = |report: &mut ImportReport, row: &Planned<A>| match row.tally {
        Tally::Imported => report.imported += 1,
        Tally::Changed => report.changed += 1,
        Tally::Unchanged => report.unchanged += 1,
    };
    let all: Vec<A> = planned.iter().flat_map(|p| p.acts.iter().cloned()).collect();
    match append(&all).await {
        Ok(()) => {
            planned.iter().for_each(|row| count(report, row));
            return Ok(());
        }
        Err(AppError::Domain(_)) => {}
        Err(e) => return Err(e.into()),
    }
    for row in &planned {
        match append(&row.acts).await {
            Ok(()) => count(report, row),
            Err(AppError::Domain(e)) => report.rejected.push((row.line, e.to_string())),
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

/// The bulk path of operator acts, for [`append_rows`].
pub(crate) fn operator_acts(
    service: &Service,
) -> impl AsyncFn(&[(Registro, OperatorCommand, Request)]) -> Result<(), AppError> + '_ {
    async move |acts| service.operator_commands(acts).await.map(drop)
}

/// Imports a register file. `referencia` is the snapshot's reference date (`--data-referencia`);
/// without it, the date the file states, else `request.occurred_on`. Registrations take the
/// row's registration date, cancellations theirs. `progress` receives (rows done, rows total).
///
/// # Errors
/// `Config` when the file cannot be read as a register at all (unknown layout, truncated) —
/// then nothing is stored; `App` on database faults. Row problems are reported, not errors.
pub async fn import_operators(
    service: &Service,
    bytes: &[u8],
    request: &Request,
    referencia: Option<NaiveDate>,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<ImportReport, CliError> {
    let register = parse(bytes)?;
    let referencia = referencia.or(register.stated_date);
    let mut report = ImportReport {
        layout: register.layout.label().to_owned(),
        encoding: register.encoding.to_owned(),
        referencia,
        ..ImportReport::default()
    };
    let table = Municipalities::ibge();
    let today = chrono::Local::now().date_naive();
    let mut first_line: HashMap<Registro, usize> = HashMap::new();
    let total = register.rows.len();
    let mut planned = Vec::new();
    for (done, raw) in register.rows.iter().enumerate() {
        progress(done, total);
        let mut row = match check_row(raw) {
            Ok(row) => row,
            Err(reason) => {
                report.rejected.push((raw.line, reason));
                continue;
            }
        };
        if register.layout.is_cancelled_register() && row.cancellation.is_none() {
            report.rejected.push((raw.line, "data e motivo do descredenciamento ausentes".into()));
            continue;
        }
        if let Some(line) = seen_before(&mut first_line, row.registro, raw.line) {
            report.rejected.push((raw.line, format!("registro {} repetido no arquivo (linha {line})", row.registro)));
            continue;
        }
        if let Some(warning) = locate(&mut row, table) {
            report.warnings.push((raw.line, warning));
        }
        let current = service.operator_state(row.registro).await?.map(|(state, _)| state);
        let (tally, acts) = match acts_for(&row, current.as_ref(), referencia, request.occurred_on) {
            Ok(Outcome::Unchanged) => {
                report.unchanged += 1;
                continue;
            }
            Ok(Outcome::Confirmed(acts)) => (Tally::Unchanged, acts),
            Ok(Outcome::Imported(acts)) => (Tally::Imported, acts),
            Ok(Outcome::Changed(acts)) => (Tally::Changed, acts),
            Err(reason) => {
                report.rejected.push((raw.line, reason));
                continue;
            }
        };
        if let Some((_, on)) = acts.iter().find(|(_, on)| *on > today) {
            report.rejected.push((raw.line, format!("data futura: {}", on.format("%d/%m/%Y"))));
            continue;
        }
        let acts = acts
            .into_iter()
            .map(|(command, on)| (row.registro, command, Request { occurred_on: on, ..request.clone() }))
            .collect();
        planned.push(Planned { line: raw.line, tally, acts });
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
    fn modalidade_names_match_without_regard_to_case_or_accents() {
        assert_eq!(modalidade("COOPERATIVA MEDICA"), Some(Modalidade::CooperativaMedica));
        assert_eq!(modalidade("Odontologia de Grupo"), Some(Modalidade::OdontologiaDeGrupo));
        assert_eq!(modalidade("Autogestão"), Some(Modalidade::AutogestaoNaoPatrocinada));
        assert_eq!(modalidade("Clube de Benefícios"), None);
    }

    #[test]
    fn the_motives_ans_writes_map_to_the_closed_list_and_the_rest_to_outro() {
        use MotivoCancelamento as M;
        let cases = [
            ("Pedido de cancelamento", M::PorSolicitacaoDaOperadora),
            ("Por incorporação", M::Incorporacao),
            ("Liquidação Extrajudicial", M::LiquidacaoExtrajudicial),
            ("Alternat. à Liquidação - Deliberação de Diretoria Colegiada", M::AlternativaALiquidacao),
            ("Descumprimento da Circular SUSEP no. 77/1999", M::CircularSusep77_1999),
            ("Adequação à Lei no. 10.185/2001", M::Lei10185_2001),
            ("Transferência de controle societário", M::Outro),
        ];
        for (text, motive) in cases {
            assert_eq!(cancellation_motive(text), motive, "{text}");
        }
    }

    fn raw(fields: &[(Field, &str)]) -> RawRow {
        RawRow { line: 7, fields: fields.iter().map(|(f, v)| (*f, (*v).to_owned())).collect() }
    }

    #[test]
    fn five_digit_registros_stay_as_issued_shorter_ones_regain_their_zeros_and_bad_ones_are_rejected() {
        let base = [(Field::RazaoSocial, "X"), (Field::Modalidade, "Filantropia")];
        let with = |registro: &str| check_row(&raw(&[&base[..], &[(Field::Registro, registro)]].concat()));
        assert_eq!(with("5711").unwrap().registro.to_string(), "005711");
        assert_eq!(with("30004").unwrap().registro.to_string(), "30004");
        assert!(with("12A45").unwrap_err().contains("registro"));
        let cnpj =
            check_row(&raw(&[&base[..], &[(Field::Registro, "326305"), (Field::Cnpj, "11.222.333/0001-82")]].concat()));
        assert!(cnpj.is_err());
        let uf = check_row(&raw(&[&base[..], &[(Field::Registro, "326305"), (Field::Uf, "XX")]].concat()));
        assert!(uf.is_err());
    }

    fn row() -> OperatorRow {
        OperatorRow {
            registro: Registro::parse("326305").unwrap(),
            cnpj: Some(Cnpj::parse("11.222.333/0001-81").unwrap()),
            razao_social: NonEmptyText::written("Saúde S.A."),
            modalidade: Modalidade::MedicinaDeGrupo,
            uf: Some(Uf::Sp),
            regiao: Some(Region::Sudeste),
            municipio: None,
            registered_on: NaiveDate::from_ymd_opt(1999, 5, 14),
            cancellation: None,
        }
    }

    fn state_of(row: &OperatorRow) -> OperadoraState {
        OperadoraState {
            registro: Some(row.registro),
            cnpj: row.cnpj.clone(),
            razao_social: row.razao_social.to_string(),
            modalidade: Some(row.modalidade),
            uf: row.uf,
            ..OperadoraState::default()
        }
    }

    #[test]
    fn an_unchanged_row_gives_no_act_and_a_changed_name_a_cadastral_change_on_the_reference_date() {
        let (row, fallback) = (row(), NaiveDate::from_ymd_opt(2026, 1, 2).unwrap());
        let Outcome::Imported(acts) = acts_for(&row, None, None, fallback).unwrap() else { panic!("registration") };
        assert_eq!(acts[0].1, row.registered_on.unwrap(), "registered on its registration date");
        let mut state = state_of(&row);
        assert_eq!(acts_for(&row, Some(&state), None, fallback).unwrap(), Outcome::Unchanged);
        state.razao_social = "Nome Antigo".into();
        let referencia = NaiveDate::from_ymd_opt(2025, 3, 1);
        let Outcome::Changed(acts) = acts_for(&row, Some(&state), referencia, fallback).unwrap() else {
            panic!("cadastral change expected")
        };
        let (OperatorCommand::AlterarCadastro { razao_social, cnpj, .. }, on) = &acts[0] else { panic!("change") };
        assert_eq!((razao_social.as_deref(), cnpj, Some(*on)), (Some("Saúde S.A."), &None, referencia));
    }

    #[test]
    fn an_older_snapshots_change_already_kept_as_history_is_not_recorded_again() {
        let mut row = row();
        let mut state = state_of(&row);
        state.cadastro_referencia = NaiveDate::from_ymd_opt(2025, 3, 1);
        row.razao_social = NonEmptyText::written("Nome de 2021");
        let old = NaiveDate::from_ymd_opt(2021, 3, 15);
        let fallback = NaiveDate::from_ymd_opt(2026, 1, 2).unwrap();
        assert!(matches!(acts_for(&row, Some(&state), old, fallback).unwrap(), Outcome::Changed(_)));
        state.historico_cadastral.push(autos_domain::operator::CadastroAnterior {
            referencia: old.unwrap(),
            razao_social: Some("Nome de 2021".into()),
            cnpj: None,
            modalidade: None,
            uf: None,
        });
        assert_eq!(acts_for(&row, Some(&state), old, fallback).unwrap(), Outcome::Unchanged);
    }

    #[test]
    fn a_cancelled_row_cancels_once_and_a_different_cancellation_is_rejected() {
        let mut row = row();
        let on = NaiveDate::from_ymd_opt(2004, 6, 30).unwrap();
        row.cancellation = Some(Cancellation {
            on,
            motivo: MotivoCancelamento::Outro,
            published: NonEmptyText::written("Transferência de controle"),
        });
        let fallback = NaiveDate::from_ymd_opt(2026, 1, 2).unwrap();
        let Outcome::Imported(acts) = acts_for(&row, None, None, fallback).unwrap() else { panic!("registration") };
        assert!(matches!(acts[1], (OperatorCommand::RegistrarCancelamentoPublicado { .. }, d) if d == on));
        let mut state = state_of(&row);
        state.situacao_registro = SituacaoRegistro::Cancelada { motivo: MotivoCancelamento::Outro, em: on };
        assert_eq!(acts_for(&row, Some(&state), None, fallback).unwrap(), Outcome::Unchanged);
        state.situacao_registro = SituacaoRegistro::Cancelada { motivo: MotivoCancelamento::Incorporacao, em: on };
        assert!(acts_for(&row, Some(&state), None, fallback).unwrap_err().contains("já consta cancelada"));
    }
}
