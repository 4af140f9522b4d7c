//! The document keys of the read models, written once: the projections build every key with
//! these functions, and the readers (the API, the pages, the application's views) scan and split
//! keys with the same module, so a key's shape cannot drift between writer and reader. Keys sort
//! as bytes and are chosen for the queries they serve; segments are separated by `/`.
//!
//! Core projection (`estado`, [`crate::models`]):
//! - `operadora/{registro}` ([`operator`]) and `caso/{case_id}` ([`case`]);
//! - `caso_da_operadora/{registro}/{case_id}` ([`case_of_operator`]) and
//!   `linha_do_tempo/{registro}/{occurred_on}/{position}` ([`timeline`]), scanned per operator
//!   from [`of_operator`];
//! - `prazo/{due}/{case_id}/{key}` ([`deadline`]);
//! - `fila/{servidor|nucleo|uf}/{who}/{case_id}` ([`queue`]), the open cases assigned to an
//!   officer or a Núcleo, and the open cases of the operators seated in a UF, scanned from
//!   [`of_queue`];
//! - `caso_por_fase/{family}/{phase}/{case_id}` ([`case_by_phase`]), every case under its family
//!   and current phase, scanned from [`of_phase`];
//! - `processo/{nup}` ([`process_number`]): the sanctioning process with that process number;
//! - `documento/{número}/{case_id}` ([`act_document`]): the cases an act number (auto de infração,
//!   RO, TCAC…) was cited in, scanned from [`of_act_document`];
//! - `beneficiarios/{registro}/{AAAA-MM}` ([`beneficiaries`]);
//! - `reclamacoes/{registro}/{AAAA-MM}/{tema}/{tipo}` ([`complaints`], [`ComplaintKey`]);
//! - `painel/…`: intervention acts ([`interventions`], [`InterventionCounter`]), DFs by act
//!   ([`df_by_act`]), demandas ([`demands`]), transfers ([`transfers`]) and sanctioning processes
//!   ([`processes`]), the last two read with [`counter_pair`].
//!
//! Enforcement ([`crate::enforcement`]): `sancao/{registro}/{case_id}` ([`sanction`]) and
//! `indisponibilidade_por_pessoa/{pessoa_id}/{case_id}` ([`frozen_assets`]).
//!
//! Bulletin ([`crate::bulletin`]): `boletim_temas/{trimestre}/{escopo}/{tema}/{tipo}`
//! ([`bulletin_theme`], [`BulletinThemeKey`]), `boletim_operadoras/{trimestre}/{escopo}/{registro}`
//! ([`bulletin_operator`]), both scanned from [`of_bulletin_scope`], and
//! `boletim_atos/{trimestre}/{occurred_on}/{position}` ([`bulletin_act`]).
//!
//! Parceiros da Cidadania ([`crate::parceiros`]): `parceiro/{parceiro_id}` ([`parceiro`]) and
//! the programme's items, `programa_parceiros/itens` ([`PROGRAMME_ITEMS`]).

use std::fmt::Display;

use chrono::NaiveDate;

use crate::models::{ComplaintKind, InterventionKind};

/// `operadora/{registro}`.
pub fn operator(registro: impl Display) -> String {
    registro.to_string()
}

/// `caso/{case_id}`.
pub fn case(case_id: impl Display) -> String {
    case_id.to_string()
}

/// The prefix of one operator's documents in the models keyed `{registro}/…`
/// (`caso_da_operadora`, `linha_do_tempo`, `beneficiarios`, `reclamacoes`, `sancao`).
pub fn of_operator(registro: impl Display) -> String {
    format!("{registro}/")
}

/// `caso_da_operadora/{registro}/{case_id}`.
pub fn case_of_operator(registro: impl Display, case_id: impl Display) -> String {
    format!("{registro}/{case_id}")
}

/// The case id of a `caso_da_operadora` key under `of_operator(registro)`.
pub fn case_of_operator_id(registro: impl Display, key: &str) -> Option<&str> {
    key.strip_prefix(&of_operator(registro))
}

/// Whose work queue: an officer's (by id), a Núcleo's, or a UF's (the operator's seat).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Queue<'a> {
    Officer(&'a str),
    Unit(&'a str),
    Uf(&'a str),
}

/// The prefix of one queue: `fila/servidor/{id}/`, `fila/nucleo/{nucleo}/` or `fila/uf/{UF}/`.
pub fn of_queue(queue: Queue<'_>) -> String {
    match queue {
        Queue::Officer(id) => format!("servidor/{id}/"),
        Queue::Unit(unit) => format!("nucleo/{}/", segment(unit)),
        Queue::Uf(uf) => format!("uf/{}/", segment(uf)),
    }
}

/// A free text as one key segment: its slashes become division slashes, which sort apart.
fn segment(text: &str) -> String {
    text.trim().replace('/', "∕")
}

/// The prefix of the cases of a family (`caso_por_fase/{family}/`), or of one of its phases
/// (`caso_por_fase/{family}/{phase}/`).
pub fn of_phase(family: &str, phase: Option<&str>) -> String {
    match phase {
        Some(phase) => format!("{family}/{phase}/"),
        None => format!("{family}/"),
    }
}

/// `caso_por_fase/{family}/{phase}/{case_id}`.
pub fn case_by_phase(family: &str, phase: &str, case_id: impl Display) -> String {
    format!("{}{case_id}", of_phase(family, Some(phase)))
}

/// An act number as searched: trimmed, upper case, inner blanks collapsed (`ai  13/2026` and
/// `AI 13/2026` are one number).
pub fn act_number(text: &str) -> String {
    segment(&text.split_whitespace().collect::<Vec<_>>().join(" ").to_uppercase())
}

/// The prefix of the cases an act number was cited in: `documento/{número}/`.
pub fn of_act_document(number: &str) -> String {
    format!("{}/", act_number(number))
}

/// `documento/{número}/{case_id}`.
pub fn act_document(number: &str, case_id: impl Display) -> String {
    format!("{}{case_id}", of_act_document(number))
}

/// `fila/{servidor|nucleo|uf}/{who}/{case_id}`.
pub fn queue(queue: Queue<'_>, case_id: impl Display) -> String {
    format!("{}{case_id}", of_queue(queue))
}

/// `processo/{nup}`.
pub fn process_number(nup: &str) -> String {
    nup.trim().to_owned()
}

/// `prazo/{due}/{case_id}/{key}`: open deadlines in due-date order.
pub fn deadline(due: NaiveDate, case_id: impl Display, key: &str) -> String {
    format!("{due}/{case_id}/{key}")
}

/// `linha_do_tempo/{registro}/{occurred_on}/{position}`: legal-date order, then log order.
pub fn timeline(registro: impl Display, occurred_on: NaiveDate, position: i64) -> String {
    format!("{registro}/{occurred_on}/{position:012}")
}

/// The month segment of the monthly models, `AAAA-MM`.
pub fn month(year: i32, month: u32) -> String {
    format!("{year:04}-{month:02}")
}

/// `beneficiarios/{registro}/{AAAA-MM}` (the month as [`month`] gives it).
pub fn beneficiaries(registro: impl Display, month: &str) -> String {
    format!("{registro}/{month}")
}

/// The month of a [`beneficiaries`] key.
pub fn beneficiaries_month(key: &str) -> Option<&str> {
    key.rsplit_once('/').map(|(_, month)| month)
}

/// The prefix of an operator's beneficiary counts of one year.
pub fn beneficiaries_of_year(registro: impl Display, year: i32) -> String {
    format!("{registro}/{year:04}-")
}

/// `reclamacoes/{registro}/{AAAA-MM}/{tema}/{tipo}`.
pub fn complaints(registro: impl Display, month: &str, theme: &str, kind: ComplaintKind) -> String {
    format!("{registro}/{month}/{theme}/{}", kind.label())
}

/// The prefix of an operator's complaint counts of one month.
pub fn complaints_of_month(registro: impl Display, month: &str) -> String {
    format!("{registro}/{month}/")
}

/// A complaint-count key split into its segments (a theme label may itself hold a slash, so
/// the theme is what lies between the month and the kind).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ComplaintKey<'a> {
    pub registro: &'a str,
    pub month: &'a str,
    pub theme: &'a str,
    pub kind: ComplaintKind,
}

impl<'a> ComplaintKey<'a> {
    /// Splits a `reclamacoes` key; `None` for any other shape.
    pub fn parse(key: &'a str) -> Option<Self> {
        let (registro, rest) = key.split_once('/')?;
        let (month, rest) = rest.split_once('/')?;
        let (theme, kind) = rest.rsplit_once('/')?;
        Some(ComplaintKey { registro, month, theme, kind: ComplaintKind::parse(kind)? })
    }
}

/// The prefix of the overall intervention counters of `painel`.
pub const INTERVENTION_TOTALS: &str = "intervencoes/";
const INTERVENTIONS_BY_MODALIDADE: &str = "intervencoes_por_modalidade/";

/// The prefix of both intervention counter families of `painel` (overall and by modalidade).
pub const INTERVENTION_COUNTERS: &str = "intervencoes";

/// `painel/intervencoes/{tipo}`.
pub fn interventions(kind: InterventionKind) -> String {
    format!("{INTERVENTION_TOTALS}{}", kind.label())
}

/// `painel/intervencoes_por_modalidade/{modalidade}/{tipo}`.
pub fn interventions_by_modalidade(modalidade: &str, kind: InterventionKind) -> String {
    format!("{INTERVENTIONS_BY_MODALIDADE}{modalidade}/{}", kind.label())
}

/// The kind an overall counter `intervencoes/{tipo}` counts; `None` for any other key.
pub fn intervention_total(key: &str) -> Option<InterventionKind> {
    InterventionKind::parse(key.strip_prefix(INTERVENTION_TOTALS)?)
}

/// An intervention counter of `painel`, read back from its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InterventionCounter<'a> {
    /// `intervencoes/{tipo}`.
    Total(InterventionKind),
    /// `intervencoes_por_modalidade/{modalidade}/{tipo}`.
    PorModalidade(&'a str, InterventionKind),
}

impl<'a> InterventionCounter<'a> {
    /// Splits an intervention counter key; `None` for any other `painel` key.
    pub fn parse(key: &'a str) -> Option<Self> {
        if key.starts_with(INTERVENTION_TOTALS) {
            return intervention_total(key).map(InterventionCounter::Total);
        }
        let (modalidade, kind) = key.strip_prefix(INTERVENTIONS_BY_MODALIDADE)?.split_once('/')?;
        InterventionKind::parse(kind).map(|kind| InterventionCounter::PorModalidade(modalidade, kind))
    }
}

/// `painel/df_por_ato/{registro}/{occurred_on}/{document_ref}`: the DF a decree instituted, so a
/// DT of the same act counts with it.
pub fn df_by_act(registro: impl Display, occurred_on: NaiveDate, document_ref: &str) -> String {
    format!("df_por_ato/{registro}/{occurred_on}/{document_ref}")
}

/// The prefix of the demandas counters of `painel`.
pub const DEMAND_COUNTERS: &str = "demandas/";

/// `painel/demandas/{ano}/{tema}/{tipo}`.
pub fn demands(year: i32, theme: &str, kind: ComplaintKind) -> String {
    format!("{DEMAND_COUNTERS}{year}/{theme}/{}", kind.label())
}

/// Splits a `painel/demandas` key into year, theme and kind (a theme label may itself hold a
/// slash: "Contrato / regulamento").
pub fn parse_demands(key: &str) -> Option<(&str, &str, ComplaintKind)> {
    let (year, rest) = key.strip_prefix(DEMAND_COUNTERS)?.split_once('/')?;
    let (theme, kind) = rest.rsplit_once('/')?;
    Some((year, theme, ComplaintKind::parse(kind)?))
}

/// The counter family of `painel/transferencias/{ano}/{total|parcial}`.
pub const TRANSFERS: &str = "transferencias";
/// The counter family of `painel/processos/{periodo}/{assunto}`.
pub const PROCESSES: &str = "processos";

/// `painel/transferencias/{ano}/{escopo}`.
pub fn transfers(year: i32, scope: &str) -> String {
    format!("{TRANSFERS}/{year}/{scope}")
}

/// `painel/processos/{periodo}/{assunto}`.
pub fn processes(period: &str, subject: &str) -> String {
    format!("{PROCESSES}/{period}/{subject}")
}

/// The prefix of a two-segment counter family of `painel` ([`TRANSFERS`], [`PROCESSES`]).
pub fn counters_of(family: &str) -> String {
    format!("{family}/")
}

/// Splits `{family}/{a}/{b}` into `(a, b)`.
pub fn counter_pair<'a>(family: &str, key: &'a str) -> Option<(&'a str, &'a str)> {
    key.strip_prefix(family)?.strip_prefix('/')?.split_once('/')
}

/// `sancao/{registro}/{case_id}`.
pub fn sanction(registro: impl Display, case_id: impl Display) -> String {
    format!("{registro}/{case_id}")
}

/// The prefix of one person's frozen assets.
pub fn frozen_assets_of(pessoa_id: impl Display) -> String {
    format!("{pessoa_id}/")
}

/// `indisponibilidade_por_pessoa/{pessoa_id}/{case_id}`.
pub fn frozen_assets(pessoa_id: impl Display, case_id: impl Display) -> String {
    format!("{pessoa_id}/{case_id}")
}

/// `boletim_temas/{trimestre}/{escopo}/{tema}/{tipo}`.
pub fn bulletin_theme(quarter: &str, scope: &str, theme: &str, kind: ComplaintKind) -> String {
    format!("{quarter}/{scope}/{theme}/{}", kind.label())
}

/// The prefix of a bulletin's documents of one quarter and scope (`boletim_temas`,
/// `boletim_operadoras`).
pub fn of_bulletin_scope(quarter: &str, scope: &str) -> String {
    format!("{quarter}/{scope}/")
}

/// A `boletim_temas` key split into its segments (the theme is what lies between the scope and
/// the kind: a theme label may itself hold a slash).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BulletinThemeKey<'a> {
    pub quarter: &'a str,
    pub scope: &'a str,
    pub theme: &'a str,
    pub kind: ComplaintKind,
}

impl<'a> BulletinThemeKey<'a> {
    /// Splits a `boletim_temas` key; `None` for any other shape.
    pub fn parse(key: &'a str) -> Option<Self> {
        let (quarter, rest) = key.split_once('/')?;
        let (scope, rest) = rest.split_once('/')?;
        let (theme, kind) = rest.rsplit_once('/')?;
        Some(BulletinThemeKey { quarter, scope, theme, kind: ComplaintKind::parse(kind)? })
    }
}

/// `boletim_operadoras/{trimestre}/{escopo}/{registro}`.
pub fn bulletin_operator(quarter: &str, scope: &str, registro: impl Display) -> String {
    format!("{quarter}/{scope}/{registro}")
}

/// The operator of a `boletim_operadoras` key.
pub fn bulletin_operator_registro(key: &str) -> Option<&str> {
    key.splitn(3, '/').nth(2)
}

/// The prefix of a quarter's published acts.
pub fn bulletin_acts_of(quarter: &str) -> String {
    format!("{quarter}/")
}

/// `boletim_atos/{trimestre}/{occurred_on}/{position}`: legal-date order within the quarter.
pub fn bulletin_act(quarter: &str, occurred_on: NaiveDate, position: i64) -> String {
    format!("{quarter}/{occurred_on}/{position:012}")
}

/// `parceiro/{parceiro_id}`.
pub fn parceiro(parceiro_id: impl Display) -> String {
    parceiro_id.to_string()
}

/// `programa_parceiros/itens`: the programme's one document.
pub const PROGRAMME_ITEMS: &str = "itens";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_keep_their_stored_shapes() {
        let day = NaiveDate::from_ymd_opt(2003, 4, 7).unwrap();
        let case_id = "0190a6b2-6d1c-7f00-8000-000000000001";
        assert_eq!(case_of_operator("005711", case_id), format!("005711/{case_id}"));
        assert_eq!(deadline(day, case_id, "defesa"), format!("2003-04-07/{case_id}/defesa"));
        assert_eq!(timeline("005711", day, 42), "005711/2003-04-07/000000000042");
        assert_eq!(beneficiaries("005711", &month(2003, 4)), "005711/2003-04");
        assert_eq!(beneficiaries_of_year("005711", 2003), "005711/2003-");
        assert_eq!(interventions(InterventionKind::DirecaoFiscal), "intervencoes/Direções Fiscais");
        assert_eq!(
            interventions_by_modalidade("Cooperativa Médica", InterventionKind::Liquidacao),
            "intervencoes_por_modalidade/Cooperativa Médica/Liquidações Extrajudiciais"
        );
        assert_eq!(df_by_act("005711", day, "RO 1/2003"), "df_por_ato/005711/2003-04-07/RO 1/2003");
        assert_eq!(transfers(2003, "parcial"), "transferencias/2003/parcial");
        assert_eq!(processes("ate_2000", "cobertura"), "processos/ate_2000/cobertura");
        assert_eq!(bulletin_act("2003-T2", day, 7), "2003-T2/2003-04-07/000000000007");
    }

    #[test]
    fn readers_split_what_projections_build() {
        let theme = "Contrato / regulamento";
        let key = complaints("005711", "2003-04", theme, ComplaintKind::Denuncia);
        assert_eq!(key, "005711/2003-04/Contrato / regulamento/denuncia");
        assert_eq!(
            ComplaintKey::parse(&key),
            Some(ComplaintKey { registro: "005711", month: "2003-04", theme, kind: ComplaintKind::Denuncia })
        );
        assert_eq!(parse_demands(&demands(2002, theme, ComplaintKind::Nip)), Some(("2002", theme, ComplaintKind::Nip)));
        let case_id = "0190f0a0-0000-7000-8000-000000000001";
        assert_eq!(case_of_operator_id("005711", &case_of_operator("005711", case_id)), Some(case_id));
        assert_eq!(case_of_operator_id("005712", &case_of_operator("005711", case_id)), None);
        for kind in InterventionKind::ALL {
            assert_eq!(InterventionCounter::parse(&interventions(kind)), Some(InterventionCounter::Total(kind)));
            assert_eq!(
                InterventionCounter::parse(&interventions_by_modalidade("Autogestão", kind)),
                Some(InterventionCounter::PorModalidade("Autogestão", kind))
            );
        }
        assert_eq!(InterventionCounter::parse(&df_by_act("005711", NaiveDate::MIN, "")), None);
        assert_eq!(counter_pair(TRANSFERS, &transfers(2003, "total")), Some(("2003", "total")));
        let key = bulletin_theme("2003-T2", "regiao:Sudeste", theme, ComplaintKind::Consulta);
        assert!(key.starts_with(&of_bulletin_scope("2003-T2", "regiao:Sudeste")));
        assert_eq!(
            BulletinThemeKey::parse(&key),
            Some(BulletinThemeKey {
                quarter: "2003-T2",
                scope: "regiao:Sudeste",
                theme,
                kind: ComplaintKind::Consulta
            })
        );
        assert_eq!(bulletin_operator_registro(&bulletin_operator("2003-T2", "uf:SP", "005711")), Some("005711"));
    }
}
