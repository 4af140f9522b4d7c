//! `autos demo --decade`: a decade of national volume to measure Autos on (2016–2025). About a
//! thousand operators, drawn with the seed register's modalidades and UFs, inform their
//! beneficiaries every month; hundreds of thousands of NIP complaints a year run their whole
//! procedure — registered by an atendente with the beneficiary's data sealed under a key of its
//! own, notified, answered and classified by a fiscal; the ones classified *não resolvida* lead
//! to a sanctioning process (auto de infração, notification, defence, first-instance decision,
//! res judicata, then payment or dívida ativa); and the Diretoria Colegiada decrees a
//! direção fiscal a month, each followed by its diretor fiscal's directive instructions until
//! it ends. Every act goes through the application service's bulk path
//! ([`autos_app::service::Service::case_commands`]) by an officer of the act's role, so the log
//! holds what production would write.
//!
//! The volume is sized to `--events` (20 million by default: ANS's order of two million events a
//! year): each month gets the share of events still to write, and the NIPs of the month are as
//! many as that share allows at the events one NIP has appended so far.
//!
//! The proportions are assumptions of this generator, in the order of what ANS publishes of the
//! NIP in recent years (most demands solved by the operator's voluntary and effective redress):
//! see [`CLASSIFICATIONS`] and [`NIP_ASSISTENCIAL_PER_MILLE`]. The sealed personal data says it is
//! synthetic: no person's data is invented.

use std::collections::{BTreeMap, BTreeSet};

use autos_domain::case::{CaseDetail, FirstInstanceDecision, NipClassification, NipKind, RegimeClosure, TemaDemanda};
use autos_domain::rules::{PorteFactorBand, Setting};
use autos_domain::{
    CaseCommand, CaseState, Cnpj, FineInputs, Modalidade, Money, NonEmptyText, OperatorCommand, Registro, Role,
    RuleBook, SealedPersonalData, Uf,
};
use autos_store::personal::PersonalVault;
use chrono::{Datelike, Days, Months, NaiveDate};
use rand::distributions::{Distribution, WeightedIndex};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::Rng;
use rust_decimal::Decimal;
use uuid::Uuid;

use super::kit::{date, Desk, BULK};
use crate::import;
use crate::CliError;

/// The first month of the decade.
const FIRST_MONTH: (i32, u32) = (2016, 1);
/// Months of the decade.
const MONTHS: u32 = 120;
/// How large a decade to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decade {
    /// About how many events (the beneficiary counts alone are `operators` × 120).
    pub events: u64,
    /// How many operators (about a thousand are active in Brazil).
    pub operators: u32,
}
/// The first registro's five leading digits; the sixth is its check digit (docs/DOMAIN.md §4).
const FIRST_REGISTRO: u32 = 40_000;
/// Events one NIP appends before the first month shows the real figure (four acts, one event each).
const FIRST_EVENTS_PER_NIP: f64 = 4.0;

/// NIP classifications in per mille of the classified demands (assumption: redress by the
/// operator settles most of them, as ANS's NIP figures show in recent years).
pub const CLASSIFICATIONS: [(NipClassification, u32); 7] = [
    (NipClassification::Rve, 860),
    (NipClassification::NaoResolvida, 70),
    (NipClassification::SemIndicioDeInfracao, 40),
    (NipClassification::NaoBeneficiario, 10),
    (NipClassification::Duplicada, 10),
    (NipClassification::DadosInsuficientes, 5),
    (NipClassification::AgenteNaoResponsavel, 5),
];

/// Assistencial NIPs (coverage denied, network, deadlines) in per mille; the rest are not.
pub const NIP_ASSISTENCIAL_PER_MILLE: u32 = 880;

/// First-instance decisions of the sanctioning processes, in per mille: fine, warning, archive.
const DECISIONS: [(Decided, u32); 3] =
    [(Decided::Multa, 750), (Decided::Advertencia, 100), (Decided::Arquivamento, 150)];
/// Fines paid, in per mille; the others go to dívida ativa.
const PAID_PER_MILLE: u32 = 550;

/// Themes of the NIPs, weighted (most are about coverage).
const THEMES: [(TemaDemanda, u32); 8] = [
    (TemaDemanda::CoberturaAssistencial, 45),
    (TemaDemanda::ContratoRegulamento, 15),
    (TemaDemanda::RedePrestadora, 10),
    (TemaDemanda::AumentoDeMensalidade, 10),
    (TemaDemanda::Reembolso, 8),
    (TemaDemanda::MecanismosDeRegulacao, 5),
    (TemaDemanda::Carencia, 4),
    (TemaDemanda::Outros, 3),
];

/// What a sanctioning process's first instance decides.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Decided {
    Multa,
    Advertencia,
    Arquivamento,
}

/// One synthetic operator.
struct Operator {
    registro: Registro,
    /// Members in the first month; they grow 0.3 % a month.
    members: u64,
}

impl Operator {
    fn members_in(&self, month: u32) -> u64 {
        self.members + self.members * u64::from(month) * 3 / 1_000
    }
}

/// A direção fiscal in force, and the month it ends.
struct Regime {
    case: Uuid,
    registro: Registro,
    ends_in: u32,
    instructions: u32,
}

/// A NIP classified não resolvida, waiting for its auto de infração.
struct Unresolved {
    nip: Uuid,
    registro: Registro,
    classified_on: NaiveDate,
}

/// A fine made final, to be paid or sent to dívida ativa once the payment deadline has run.
struct FinalFine {
    case: Uuid,
    final_on: NaiveDate,
    paid: bool,
}

/// The acts of one bulk call: (case, role, date, act).
type Acts = Vec<(Uuid, Role, NaiveDate, CaseCommand)>;

/// The rule book of the decade: the demonstration book, with a porte table for the fines,
/// labelled a demonstration value (docs/DOMAIN.md marks the bands unconfirmed).
///
/// # Errors
/// `Domain` when the built-in book lacks the version.
pub fn rule_book() -> Result<RuleBook, CliError> {
    let mut book = super::rule_book()?;
    const NORM: &str = "RN 124/2006 art. 10 — faixas de demonstração, não confirmadas";
    let band = |max: Option<u64>, factor: Decimal| PorteFactorBand { max_beneficiaries: max, factor };
    book.configure_from("rn-388-2015", |r| {
        r.multa_fatores_porte = Setting::confirmed(
            vec![
                band(Some(20_000), Decimal::new(5, 1)),
                band(Some(100_000), Decimal::new(8, 1)),
                band(None, Decimal::ONE),
            ],
            NORM,
        );
    })?;
    Ok(book)
}

fn month_start(month: u32) -> NaiveDate {
    date(FIRST_MONTH.0, FIRST_MONTH.1, 1) + Months::new(month)
}

/// A day of `month`, drawn uniformly.
fn day_in(rng: &mut StdRng, month: u32) -> NaiveDate {
    let first = month_start(month);
    let days = (month_start(month + 1) - first).num_days() as u64;
    first + Days::new(rng.gen_range(0..days))
}

fn text(text: String) -> NonEmptyText {
    NonEmptyText::written(text)
}

fn weighted<T: Copy>(rng: &mut StdRng, table: &[(T, u32)]) -> T {
    let total: u32 = table.iter().map(|(_, w)| w).sum();
    let mut pick = rng.gen_range(0..total);
    for (item, weight) in table {
        if pick < *weight {
            return *item;
        }
        pick -= weight;
    }
    table[table.len() - 1].0
}

/// The `n`-th synthetic registro: five digits and the check digit that matches them.
fn registro(n: u32) -> Result<Registro, CliError> {
    (0..10)
        .filter_map(|dv| Registro::parse(&format!("{}{dv}", FIRST_REGISTRO + n)).ok())
        .find(Registro::check_digit_matches)
        .ok_or_else(|| CliError::Config(format!("registro sintético {n} sem dígito verificador")))
}

/// The `n`-th synthetic CNPJ: a base of its own and the check digits that match it.
fn cnpj(n: u32) -> Result<Cnpj, CliError> {
    (0..100)
        .find_map(|dv| Cnpj::parse(&format!("{:08}0001{dv:02}", 70_000_000 + n)).ok())
        .ok_or_else(|| CliError::Config(format!("CNPJ sintético {n} sem dígitos verificadores")))
}

/// Registers the operators (modalidade and UF drawn from the seed register) and grants their
/// licences.
async fn register(desk: &mut Desk<'_>, rng: &mut StdRng, count: u32) -> Result<Vec<Operator>, CliError> {
    let seed: Vec<(Modalidade, Option<Uf>)> = import::layout::parse(super::SEED_OPERATORS)?
        .rows
        .iter()
        .filter_map(|row| import::check_row(row).ok())
        .map(|op| (op.modalidade, op.uf))
        .collect();
    let registered_on = month_start(0) - Days::new(30);
    let mut acts = Vec::new();
    let mut operators = Vec::new();
    for n in 0..count {
        let registro = registro(n)?;
        let (modalidade, uf) = *seed.choose(rng).ok_or_else(|| CliError::Config("cadastro de semente vazio".into()))?;
        let register = OperatorCommand::RegistrarOperadora {
            registro,
            cnpj: Some(cnpj(n)?),
            razao_social: text(format!("Operadora da Década {n:04} (sintética)")),
            modalidade,
            uf: Some(uf.unwrap_or(Uf::Sp)),
            registro_provisorio: false,
            regiao: None,
            municipio: None,
            referencia: None,
        };
        acts.push((registro, registered_on, register));
        let licence =
            OperatorCommand::ConcederAutorizacaoFuncionamento { documento: text(format!("Autorização {n}")) };
        acts.push((registro, registered_on + Days::new(1), licence));
        let band: u64 = [2_000, 8_000, 25_000, 60_000, 150_000, 400_000][rng.gen_range(0..6)];
        operators.push(Operator { registro, members: band + rng.gen_range(0..band) });
    }
    desk.operators(acts).await?;
    Ok(operators)
}

/// The decade itself (see the module's documentation), after the officers exist; returns the
/// number of operators registered.
///
/// # Errors
/// `Domain`/`Store` on a refused act (a generator bug) or a fault.
pub async fn load(
    desk: &mut Desk<'_>,
    vault: &PersonalVault,
    rng: &mut StdRng,
    size: Decade,
) -> Result<usize, CliError> {
    let events = size.events;
    desk.planned = usize::try_from(events).unwrap_or(usize::MAX);
    desk.step("operadoras da década");
    let operators = register(desk, rng, size.operators).await?;
    let weights = WeightedIndex::new(operators.iter().map(|o| o.members))
        .map_err(|e| CliError::Config(format!("pesos das operadoras: {e}")))?;
    let mut regimes: Vec<Regime> = Vec::new();
    let mut in_regime: BTreeSet<Registro> = BTreeSet::new();
    let mut unresolved: Vec<Unresolved> = Vec::new();
    let mut final_fines: Vec<FinalFine> = Vec::new();
    let (mut nips, mut nip_events) = (0u64, 0u64);
    for month in 0..MONTHS {
        let on = month_start(month);
        desk.step(if on.month() == 1 { "ano novo da década" } else { "mês da década" });
        let before = desk.events as u64;
        counts(desk, &operators, month).await?;
        regime_acts(desk, rng, &operators, &mut regimes, &mut in_regime, month).await?;
        sanctions(desk, rng, std::mem::take(&mut unresolved), &mut final_fines, month).await?;
        settle(desk, &mut final_fines, month).await?;
        let spent = desk.events as u64 - before;
        let per_nip = if nips == 0 { FIRST_EVENTS_PER_NIP } else { nip_events as f64 / nips as f64 };
        let share = events.saturating_sub(desk.events as u64) / u64::from(MONTHS - month);
        let count = (share.saturating_sub(spent) as f64 / per_nip).max(0.0) as usize;
        let written = desk.events as u64;
        unresolved = complaints(desk, vault, rng, &operators, &weights, month, count).await?;
        nips += count as u64;
        nip_events += desk.events as u64 - written;
    }
    Ok(operators.len())
}

/// Every operator's beneficiary count of the month, informed by the administrador.
async fn counts(desk: &mut Desk<'_>, operators: &[Operator], month: u32) -> Result<(), CliError> {
    let on = month_start(month);
    let acts = operators
        .iter()
        .map(|o| {
            let count = OperatorCommand::InformarBeneficiarios {
                ano: on.year(),
                mes: on.month(),
                quantidade: o.members_in(month),
            };
            (o.registro, on + Days::new(14), count)
        })
        .collect();
    desk.operators(acts).await
}

/// The month's decrees of direção fiscal, the diretores' directive instructions and the ends of
/// the regimes whose term is over.
async fn regime_acts(
    desk: &mut Desk<'_>,
    rng: &mut StdRng,
    operators: &[Operator],
    regimes: &mut Vec<Regime>,
    in_regime: &mut BTreeSet<Registro>,
    month: u32,
) -> Result<(), CliError> {
    let mut acts: Acts = Vec::new();
    let on = month_start(month);
    // One decree a month, of an operator not already in a regime.
    let candidates: Vec<&Operator> = operators.iter().filter(|o| !in_regime.contains(&o.registro)).collect();
    if let Some(operator) = candidates.choose(rng) {
        let case = Uuid::now_v7();
        let decree = CaseCommand::InstaurarDirecaoFiscal {
            registro: operator.registro,
            motivos: vec!["anormalidades econômico-financeiras (RN 316/2012)".into()],
            // The diretor fiscal is the interventor officer, named by id as the pages appoint one.
            diretor_fiscal: text(desk.officers[&Role::Interventor].officer_id.to_string()),
            documento: text(format!("RO {}/{}", month + 1, on.year())),
            vigencia_dias: None,
        };
        acts.push((case, Role::Diretoria, on + Days::new(2), decree));
        in_regime.insert(operator.registro);
        regimes.push(Regime {
            case,
            registro: operator.registro,
            ends_in: month + rng.gen_range(4..11),
            instructions: 0,
        });
    }
    for regime in regimes.iter_mut() {
        for week in 0..4u64 {
            regime.instructions += 1;
            let instruction = CaseCommand::EmitirInstrucaoDiretiva {
                numero: text(format!("ID {}/{}", regime.instructions, on.year())),
                assunto: text("remessa de balancetes e do plano de recuperação".into()),
            };
            acts.push((regime.case, Role::Interventor, on + Days::new(5 + 7 * week), instruction));
        }
        if regime.ends_in == month {
            let close = CaseCommand::EncerrarRegime {
                motivo: RegimeClosure::GravidadeSuperada,
                documento: text(format!("RO de encerramento {}/{}", month + 1, on.year())),
            };
            acts.push((regime.case, Role::Diretoria, on + Days::new(27), close));
        }
    }
    let ended: Vec<Registro> = regimes.iter().filter(|r| r.ends_in == month).map(|r| r.registro).collect();
    regimes.retain(|r| r.ends_in != month);
    for registro in ended {
        in_regime.remove(&registro);
    }
    desk.case_acts(acts).await
}

/// The NIPs registered in the month, each through its whole procedure; returns the ones
/// classified não resolvida.
#[allow(clippy::too_many_arguments)]
async fn complaints(
    desk: &mut Desk<'_>,
    vault: &PersonalVault,
    rng: &mut StdRng,
    operators: &[Operator],
    weights: &WeightedIndex<u64>,
    month: u32,
    count: usize,
) -> Result<Vec<Unresolved>, CliError> {
    let mut unresolved = Vec::new();
    let mut planned = 0;
    while planned < count {
        let batch = (count - planned).min(BULK / 4);
        let subjects: Vec<(Uuid, serde_json::Value)> = (0..batch)
            .map(|i| {
                let reference = format!("beneficiário sintético da década, mês {month}, nº {}", planned + i + 1);
                (Uuid::now_v7(), serde_json::json!({ "referencia": reference }))
            })
            .collect();
        let sealed = vault.seal_new(&subjects).await?;
        let mut acts: Acts = Vec::with_capacity(batch * 4);
        for sealed in sealed {
            let beneficiario = SealedPersonalData { subject_id: sealed.subject_id, ciphertext: sealed.ciphertext };
            let case = Uuid::now_v7();
            let registro = operators[weights.sample(rng)].registro;
            let registered = day_in(rng, month);
            let notified = registered + Days::new(rng.gen_range(1..4));
            let classificacao = weighted(rng, &CLASSIFICATIONS);
            let redress = classificacao == NipClassification::Rve;
            let answered = notified + Days::new(rng.gen_range(2..5));
            let classified = answered + Days::new(rng.gen_range(5..25));
            let tipo = if rng.gen_range(0..1_000) < NIP_ASSISTENCIAL_PER_MILLE {
                NipKind::Assistencial
            } else {
                NipKind::NaoAssistencial
            };
            let complaint = CaseCommand::RegistrarReclamacaoNip {
                registro,
                canal: text(if rng.gen_bool(0.7) { "formulário eletrônico" } else { "Disque ANS" }.into()),
                protocolo_operadora: format!("{}{:06}", registered.format("%Y%m%d"), rng.gen_range(0..1_000_000)),
                tema: weighted(rng, &THEMES),
                beneficiario,
            };
            acts.push((case, Role::Atendente, registered, complaint));
            acts.push((case, Role::Fiscal, notified, CaseCommand::NotificarOperadoraNip { tipo }));
            let answer = CaseCommand::RegistrarRespostaOperadora {
                reparacao_em: redress.then(|| answered - Days::new(1)),
                documento: text(format!("Resposta {} (Espaço da Operadora)", case.simple())),
            };
            acts.push((case, Role::Fiscal, answered, answer));
            let classify = CaseCommand::ClassificarNip {
                classificacao,
                fundamentacao: text("análise da resposta da operadora e dos documentos".into()),
            };
            acts.push((case, Role::Fiscal, classified, classify));
            if classificacao == NipClassification::NaoResolvida {
                unresolved.push(Unresolved { nip: case, registro, classified_on: classified });
            }
        }
        desk.case_acts(acts).await?;
        planned += batch;
    }
    Ok(unresolved)
}

/// The sanctioning processes of last month's unresolved NIPs, from the auto de infração to
/// the res judicata; the final fines are kept for [`settle`].
async fn sanctions(
    desk: &mut Desk<'_>,
    rng: &mut StdRng,
    unresolved: Vec<Unresolved>,
    final_fines: &mut Vec<FinalFine>,
    month: u32,
) -> Result<(), CliError> {
    let today = chrono::Local::now().date_naive();
    let mut acts: Acts = Vec::new();
    for (n, nip) in unresolved.into_iter().enumerate() {
        let drawn_up = nip.classified_on + Days::new(rng.gen_range(20..60));
        let notified = drawn_up + Days::new(rng.gen_range(1..6));
        let defence = notified + Days::new(rng.gen_range(3..10));
        let decided_on = defence + Days::new(rng.gen_range(30..120));
        let final_on = decided_on + Days::new(rng.gen_range(20..40));
        if final_on >= today {
            continue;
        }
        let case = Uuid::now_v7();
        let year = drawn_up.year();
        let tipo_infracao = if drawn_up < date(2022, 4, 1) { "rn124.art77" } else { "rn489.art101" };
        let auto = CaseCommand::LavrarAutoInfracao {
            registro: nip.registro,
            processo: text(format!("33910.{:06}/{year}-{:02}", month * 10_000 + n as u32, n % 100)),
            tipo_infracao: text(tipo_infracao.into()),
            data_infracao: nip.classified_on,
            fatos: text("demanda NIP classificada não resolvida: negativa de cobertura".into()),
            beneficiarios_expostos: 1,
            origem: Some(nip.nip),
            documento: text(format!("Auto de Infração {}/{year}", month * 10_000 + n as u32)),
        };
        acts.push((case, Role::Fiscal, drawn_up, auto));
        let notify = CaseCommand::NotificarAutuada { documento: text(format!("AR da autuação {n}/{year}")) };
        acts.push((case, Role::Fiscal, notified, notify));
        acts.push((
            case,
            Role::Fiscal,
            defence,
            CaseCommand::RegistrarDefesa { protocolo: text(format!("Defesa {n}/{year}")) },
        ));
        let decided = weighted(rng, &DECISIONS);
        let decisao = match decided {
            Decided::Multa => FirstInstanceDecision::Multa {
                multa: FineInputs {
                    valor_base: Money::reais(rng.gen_range(5..=80) * 1_000),
                    circunstancias: Vec::new(),
                    multiplicador_coletivo: Decimal::ONE,
                },
            },
            Decided::Advertencia => FirstInstanceDecision::Advertencia,
            Decided::Arquivamento => FirstInstanceDecision::Arquivamento,
        };
        let decide = CaseCommand::DecidirPrimeiraInstancia {
            decisao,
            fundamentacao: text("infração apurada na demanda NIP".into()),
            documento: text(format!("Decisão DIFIS {n}/{}", decided_on.year())),
        };
        acts.push((case, Role::Diretoria, decided_on, decide));
        if decided != Decided::Arquivamento {
            let certify = CaseCommand::CertificarTransitoEmJulgado { documento: text(format!("Certidão {n}/{year}")) };
            acts.push((case, Role::Diretoria, final_on, certify));
        }
        if decided == Decided::Multa {
            final_fines.push(FinalFine { case, final_on, paid: rng.gen_range(0..1_000) < PAID_PER_MILLE });
        }
    }
    desk.case_acts(acts).await
}

/// The fines whose payment deadline ran out by the month's end: paid in full, or declared in
/// default and sent to dívida ativa.
async fn settle(desk: &mut Desk<'_>, final_fines: &mut Vec<FinalFine>, month: u32) -> Result<(), CliError> {
    let month_end = month_start(month + 1) - Days::new(1);
    let today = chrono::Local::now().date_naive();
    let due: Vec<FinalFine> = {
        let (due, waiting) = std::mem::take(final_fines)
            .into_iter()
            .partition(|f: &FinalFine| f.final_on + Days::new(45) <= month_end.min(today));
        *final_fines = waiting;
        due
    };
    let mut acts: Acts = Vec::new();
    let mut owed: BTreeMap<Uuid, Money> = BTreeMap::new();
    for fine in due.iter().filter(|f| f.paid) {
        let state = desk.service.case_state(fine.case).await?;
        if let Some((CaseState { detalhe: CaseDetail::Sancionador(pas), .. }, _)) = state {
            if let Some(multa) = pas.multa {
                owed.insert(fine.case, multa.valor_devido);
            }
        }
    }
    for fine in due {
        let late = fine.final_on + Days::new(40);
        if let Some(valor) = owed.get(&fine.case).filter(|_| fine.paid) {
            let pay = CaseCommand::RegistrarPagamento {
                valor: *valor,
                parcela: None,
                documento: text(format!("GRU {}", fine.case.simple())),
            };
            acts.push((fine.case, Role::Fiscal, fine.final_on + Days::new(20), pay));
        } else {
            acts.push((fine.case, Role::Fiscal, late, CaseCommand::DeclararInadimplencia {}));
            let inscribe = CaseCommand::InscreverDividaAtiva { documento: text(format!("CDA {}", fine.case.simple())) };
            acts.push((fine.case, Role::Diretoria, late + Days::new(5), inscribe));
        }
    }
    desk.case_acts(acts).await
}
