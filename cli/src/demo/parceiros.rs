//! The demo's *Parceiros da Cidadania* programme (docs/DOMAIN.md §6): ten partners, two in each
//! region, whose technical cooperation agreements were signed from 2003 on, published, renewed
//! every five years before they expired (one partner's ended in 2015), with the meetings,
//! trainings and information material each one recorded. Every act goes through the service's
//! partner path, as the pages file them; the bulletins are left for an officer to issue on the
//! demo, since their content is built from read models the demo load does not wait for.

use autos_domain::parceiro::acordo::Obrigacao;
use autos_domain::parceiro::{ContatosInstitucionais, TipoParceiro};
use autos_domain::NonEmptyText;
use autos_domain::{ParceiroCommand, Role, Trimestre, Uf};
use chrono::{Months, NaiveDate};
use uuid::Uuid;

use super::kit::{date, Desk};
use crate::CliError;

/// A partner of the demo and the day its agreement was signed.
struct Partner {
    tipo: TipoParceiro,
    nome: &'static str,
    uf: Uf,
    municipio: &'static str,
    assinatura: (i32, u32, u32),
}

const fn partner(
    tipo: TipoParceiro,
    nome: &'static str,
    uf: Uf,
    municipio: &'static str,
    assinatura: (i32, u32, u32),
) -> Partner {
    Partner { tipo, nome, uf, municipio, assinatura }
}

const PARTNERS: [Partner; 10] = [
    partner(TipoParceiro::Procon, "Fundação Procon-SP", Uf::Sp, "São Paulo", (2003, 6, 16)),
    partner(
        TipoParceiro::MinisterioPublico,
        "Ministério Público de Minas Gerais",
        Uf::Mg,
        "Belo Horizonte",
        (2003, 9, 2),
    ),
    partner(TipoParceiro::Procon, "Procon Pernambuco", Uf::Pe, "Recife", (2003, 11, 10)),
    partner(
        TipoParceiro::DefensoriaPublica,
        "Defensoria Pública do Estado da Bahia",
        Uf::Ba,
        "Salvador",
        (2004, 3, 22),
    ),
    partner(TipoParceiro::Procon, "Procon Rio Grande do Sul", Uf::Rs, "Porto Alegre", (2004, 5, 4)),
    partner(
        TipoParceiro::MinisterioPublico,
        "Ministério Público do Estado do Paraná",
        Uf::Pr,
        "Curitiba",
        (2004, 8, 17),
    ),
    partner(TipoParceiro::Procon, "Procon Amazonas", Uf::Am, "Manaus", (2005, 2, 14)),
    partner(TipoParceiro::OrganizacaoSociedadeCivil, "Instituto Paraense do Consumidor", Uf::Pa, "Belém", (2005, 7, 5)),
    partner(TipoParceiro::Procon, "Procon Goiás", Uf::Go, "Goiânia", (2006, 4, 11)),
    partner(
        TipoParceiro::DefensoriaPublica,
        "Defensoria Pública do Distrito Federal",
        Uf::Df,
        "Brasília",
        (2006, 10, 3),
    ),
];

/// Years an agreement (and each renewal) runs.
const TERM_YEARS: u32 = 5;

/// The partner whose agreement ended (by its index in [`PARTNERS`]) and when.
const ENDED: (usize, (i32, u32, u32)) = (7, (2015, 3, 31));

/// The obligations the demo records as fulfilled each year, with what was done.
const YEARLY: [(Obrigacao, &str, u32); 3] = [
    (Obrigacao::Reunioes, "Reunião anual de acompanhamento do acordo", 3),
    (Obrigacao::CapacitacaoRegional, "Capacitação regional de atendentes sobre a regulação dos planos de saúde", 6),
    (Obrigacao::MaterialInformativo, "Distribuição da cartilha do consumidor de planos de saúde", 9),
];

/// How many acts [`issue`] files, for the progress bar.
pub(crate) fn acts(today: NaiveDate) -> usize {
    PARTNERS.iter().enumerate().map(|(index, partner)| plan(index, partner, today).len()).sum()
}

/// The acts of one partner, in date order.
fn plan(index: usize, partner: &Partner, today: NaiveDate) -> Vec<(NaiveDate, ParceiroCommand)> {
    let Partner { tipo, nome, uf, municipio, assinatura: (y, m, d) } = partner;
    let signed = date(*y, *m, *d);
    let numero = format!("ACT {:02}/{y}", index + 1);
    let years = |n: u32| signed.checked_add_months(Months::new(12 * n)).unwrap_or(signed);
    let ended = (index == ENDED.0).then(|| date(ENDED.1 .0, ENDED.1 .1, ENDED.1 .2));
    let last_day = ended.unwrap_or(today);
    let mut acts = vec![
        (
            signed,
            ParceiroCommand::CadastrarParceiro {
                tipo: *tipo,
                nome: NonEmptyText::written(*nome),
                uf: *uf,
                municipio: Some((*municipio).to_owned()),
                contatos: ContatosInstitucionais {
                    email: Some(format!("parceria{:02}@exemplo.gov.br", index + 1)),
                    telefone: None,
                    endereco: None,
                },
                responsavel: None,
            },
        ),
        (
            signed,
            ParceiroCommand::AssinarAcordo {
                numero: NonEmptyText::written(numero.clone()),
                assinatura: signed,
                vigencia_inicio: signed,
                vigencia_fim: years(TERM_YEARS),
                obrigacoes: Obrigacao::ALL.to_vec(),
                documento: NonEmptyText::written(format!("Acordo de Cooperação Técnica nº {:02}/{y}", index + 1)),
            },
        ),
        (
            signed + chrono::Days::new(20),
            ParceiroCommand::PublicarAcordo {
                acordo: numero.clone(),
                data: signed + chrono::Days::new(20),
                documento: NonEmptyText::written(format!(
                    "Extrato no DOU de {}",
                    (signed + chrono::Days::new(20)).format("%d/%m/%Y")
                )),
            },
        ),
    ];
    // Renewed a month before each term ends, while the partner stays in the programme.
    let mut term = 1;
    while years(term * TERM_YEARS) - chrono::Days::new(30) <= last_day {
        let on = years(term * TERM_YEARS) - chrono::Days::new(30);
        acts.push((
            on,
            ParceiroCommand::RenovarAcordo {
                acordo: numero.clone(),
                nova_vigencia_fim: years((term + 1) * TERM_YEARS),
                documento: NonEmptyText::written(format!("Termo Aditivo nº {term} ao {numero}")),
            },
        ));
        term += 1;
    }
    for year in *y..=last_day.format("%Y").to_string().parse().unwrap_or(*y) {
        for (obrigacao, descricao, month) in YEARLY {
            let on = date(year, month, 15);
            if on > signed + chrono::Days::new(20) && on <= last_day {
                acts.push((
                    on,
                    ParceiroCommand::RegistrarCumprimentoObrigacao {
                        acordo: numero.clone(),
                        obrigacao,
                        data: on,
                        trimestre: Trimestre::of(on),
                        descricao: NonEmptyText::written(format!("{descricao} ({year})")),
                        documento: NonEmptyText::written(format!("Relatório {:02}/{year} do {numero}", month)),
                    },
                ));
            }
        }
    }
    if let Some(on) = ended {
        acts.push((
            on,
            ParceiroCommand::EncerrarAcordo {
                acordo: numero,
                data: on,
                motivo: NonEmptyText::written("denúncia do acordo pelo parceiro"),
                documento: NonEmptyText::written("Ofício de denúncia do acordo"),
            },
        ));
    }
    acts.sort_by_key(|(on, _)| *on);
    acts
}

/// Files every partner's acts as a DIFIS officer (`fiscal`), one partner after another.
///
/// # Errors
/// `App` when the service refuses an act or the database fails.
pub(crate) async fn issue(desk: &mut Desk<'_>, today: NaiveDate) -> Result<(), CliError> {
    for (index, partner) in PARTNERS.iter().enumerate() {
        let id = Uuid::now_v7();
        for (on, command) in plan(index, partner, today) {
            let outcome =
                desk.service.parceiro_command(id, command, None, &desk.request(Role::Fiscal, on, None)).await?;
            desk.count(std::slice::from_ref(&outcome));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_region_has_two_partners_and_agreements_in_force_are_renewed_up_to_today() {
        let regions: std::collections::BTreeMap<_, usize> = PARTNERS.iter().fold(Default::default(), |mut by, p| {
            *by.entry(p.uf.region()).or_default() += 1;
            by
        });
        assert_eq!(regions.len(), 5);
        assert!(regions.values().all(|n| *n == 2), "{regions:?}");
        let today = date(2026, 12, 2);
        let first = plan(0, &PARTNERS[0], today);
        let renewals: Vec<NaiveDate> = first
            .iter()
            .filter_map(|(on, c)| matches!(c, ParceiroCommand::RenovarAcordo { .. }).then_some(*on))
            .collect();
        assert_eq!(renewals.len(), 4, "2008, 2013, 2018 and 2023: {renewals:?}");
        assert!(first.windows(2).all(|w| w[0].0 <= w[1].0), "in date order");
        let ended = plan(ENDED.0, &PARTNERS[ENDED.0], today);
        assert!(matches!(ended.last(), Some((_, ParceiroCommand::EncerrarAcordo { .. }))));
    }
}
