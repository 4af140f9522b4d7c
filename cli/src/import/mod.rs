//! `autos import operators FILE`: operator registers into the log through the application
//! service — real commands, real rules, one stream per operator. Re-importing is idempotent: an
//! unchanged row appends nothing, a changed row appends the cadastral change. Every row either
//! lands whole or is reported as rejected with its line and reason.

pub mod layout;

use std::collections::HashMap;

use autos_domain::{Cnpj, Modalidade, OperatorCommand, OperatorState, Region, Registro, Uf};
use serde::Serialize;

use self::layout::{fold, parse, Field, RawRow};
use autos_app::service::{Request, Service};
use autos_app::AppError;

use crate::CliError;

/// What an import did.
#[derive(Debug, Default, Clone, Serialize, PartialEq, Eq)]
pub struct ImportReport {
    pub layout: String,
    pub encoding: String,
    pub imported: usize,
    pub unchanged: usize,
    pub changed: usize,
    /// (line, reason) of every rejected row.
    pub rejected: Vec<(usize, String)>,
}

/// A row read and checked, ready to become a command.
#[derive(Debug, Clone, PartialEq)]
pub struct OperatorRow {
    pub registro: Registro,
    pub cnpj: Option<Cnpj>,
    pub razao_social: String,
    pub modalidade: Modalidade,
    pub uf: Option<Uf>,
    pub regiao: Option<Region>,
    pub municipio: Option<String>,
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

/// Checks one raw row.
///
/// # Errors
/// The reason, in pt-BR, naming the field.
pub fn check_row(row: &RawRow) -> Result<OperatorRow, String> {
    let registro_text = row.get(Field::Registro).ok_or("registro ANS ausente")?;
    let digits: String = registro_text.chars().filter(char::is_ascii_digit).collect();
    if digits.is_empty()
        || digits.len() > 6
        || digits.len() != registro_text.chars().filter(|c| !c.is_whitespace()).count()
    {
        return Err(format!("registro ANS inválido: {registro_text:?}"));
    }
    let registro = Registro::parse(&format!("{digits:0>6}")).map_err(|e| e.to_string())?;
    let cnpj = row.get(Field::Cnpj).map(Cnpj::parse).transpose().map_err(|e| e.to_string())?;
    let razao_social = row.get(Field::RazaoSocial).ok_or("razão social ausente")?.to_owned();
    let modalidade_text = row.get(Field::Modalidade).ok_or("modalidade ausente")?;
    let modalidade =
        modalidade(modalidade_text).ok_or_else(|| format!("modalidade desconhecida: {modalidade_text:?}"))?;
    let uf = row.get(Field::Uf).map(Uf::parse).transpose().map_err(|e| e.to_string())?;
    let regiao = match row.get(Field::Regiao) {
        Some(text) => Some(region(text).ok_or_else(|| format!("região desconhecida: {text:?}"))?),
        None => uf.map(Uf::region),
    };
    Ok(OperatorRow {
        registro,
        cnpj,
        razao_social,
        modalidade,
        uf,
        regiao,
        municipio: row.get(Field::Cidade).map(str::to_owned),
    })
}

/// The command that brings the operator's record in line with the row: a registration, a
/// cadastral change, or nothing.
///
/// # Errors
/// The reason when the row lacks what a registration needs.
pub fn command_for(row: &OperatorRow, current: Option<&OperatorState>) -> Result<Option<OperatorCommand>, String> {
    let Some(state) = current else {
        return Ok(Some(OperatorCommand::RegistrarOperadora {
            registro: row.registro,
            cnpj: row.cnpj.clone(),
            razao_social: row.razao_social.clone(),
            modalidade: row.modalidade,
            uf: row.uf,
            registro_provisorio: false,
            regiao: row.regiao,
            municipio: row.municipio.clone(),
        }));
    };
    let razao_social = (state.razao_social != row.razao_social).then(|| row.razao_social.clone());
    let cnpj = row.cnpj.clone().filter(|c| state.cnpj.as_ref() != Some(c));
    let modalidade = Some(row.modalidade).filter(|m| state.modalidade != Some(*m));
    let uf = row.uf.filter(|u| state.uf != Some(*u));
    if razao_social.is_none() && cnpj.is_none() && modalidade.is_none() && uf.is_none() {
        return Ok(None);
    }
    Ok(Some(OperatorCommand::AlterarCadastro { razao_social, cnpj, modalidade, uf }))
}

/// Imports a register file. `progress` receives (rows done, rows total).
///
/// # Errors
/// `Config` when the file cannot be read as a register at all (unknown layout, truncated);
/// `Store` on database faults. Row problems are reported, not errors.
pub async fn import_operators(
    service: &Service,
    bytes: &[u8],
    request: &Request,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<ImportReport, CliError> {
    let register = parse(bytes)?;
    let mut report = ImportReport {
        layout: format!("{:?}", register.layout),
        encoding: register.encoding.to_owned(),
        ..ImportReport::default()
    };
    let mut first_line: HashMap<Registro, usize> = HashMap::new();
    let total = register.rows.len();
    for (done, raw) in register.rows.iter().enumerate() {
        progress(done, total);
        let row = match check_row(raw) {
            Ok(row) => row,
            Err(reason) => {
                report.rejected.push((raw.line, reason));
                continue;
            }
        };
        if let Some(line) = first_line.insert(row.registro, raw.line) {
            report.rejected.push((raw.line, format!("registro {} repetido no arquivo (linha {line})", row.registro)));
            first_line.insert(row.registro, line);
            continue;
        }
        let current = service.operator_state(row.registro).await?.map(|(state, _)| state);
        let command = match command_for(&row, current.as_ref()) {
            Ok(Some(command)) => command,
            Ok(None) => {
                report.unchanged += 1;
                continue;
            }
            Err(reason) => {
                report.rejected.push((raw.line, reason));
                continue;
            }
        };
        let registering = matches!(command, OperatorCommand::RegistrarOperadora { .. });
        match service.operator_command(row.registro, command, request).await {
            Ok(_) if registering => report.imported += 1,
            Ok(_) => report.changed += 1,
            Err(AppError::Domain(e)) => report.rejected.push((raw.line, e.to_string())),
            Err(e) => return Err(e.into()),
        }
    }
    progress(total, total);
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

    fn raw(fields: &[(Field, &str)]) -> RawRow {
        RawRow { line: 7, fields: fields.iter().map(|(f, v)| (*f, (*v).to_owned())).collect() }
    }

    #[test]
    fn short_registros_keep_their_leading_zeros_and_bad_ones_are_rejected_with_a_reason() {
        let base = [(Field::RazaoSocial, "X"), (Field::Modalidade, "Filantropia")];
        let ok = check_row(&raw(&[&base[..], &[(Field::Registro, "5711")]].concat())).unwrap();
        assert_eq!(ok.registro.to_string(), "005711");
        let bad = check_row(&raw(&[&base[..], &[(Field::Registro, "12A45")]].concat())).unwrap_err();
        assert!(bad.contains("registro"), "{bad}");
        let cnpj =
            check_row(&raw(&[&base[..], &[(Field::Registro, "326305"), (Field::Cnpj, "11.222.333/0001-82")]].concat()));
        assert!(cnpj.is_err());
        let uf = check_row(&raw(&[&base[..], &[(Field::Registro, "326305"), (Field::Uf, "XX")]].concat()));
        assert!(uf.is_err());
    }

    #[test]
    fn an_unchanged_row_gives_no_command_and_a_changed_name_gives_a_cadastral_change() {
        let row = OperatorRow {
            registro: Registro::parse("326305").unwrap(),
            cnpj: Some(Cnpj::parse("11.222.333/0001-81").unwrap()),
            razao_social: "Saúde S.A.".into(),
            modalidade: Modalidade::MedicinaDeGrupo,
            uf: Some(Uf::Sp),
            regiao: Some(Region::Sudeste),
            municipio: None,
        };
        let Some(OperatorCommand::RegistrarOperadora { .. }) = command_for(&row, None).unwrap() else {
            panic!("registration expected")
        };
        let mut state = OperatorState {
            registro: Some(row.registro),
            cnpj: row.cnpj.clone(),
            razao_social: row.razao_social.clone(),
            modalidade: Some(row.modalidade),
            uf: row.uf,
            ..OperatorState::default()
        };
        assert_eq!(command_for(&row, Some(&state)).unwrap(), None);
        state.razao_social = "Nome Antigo".into();
        let Some(OperatorCommand::AlterarCadastro { razao_social, cnpj, .. }) =
            command_for(&row, Some(&state)).unwrap()
        else {
            panic!("cadastral change expected")
        };
        assert_eq!((razao_social.as_deref(), cnpj), (Some("Saúde S.A."), None));
    }
}
