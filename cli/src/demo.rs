//! `autos demo` (and `autos serve --demo` on an empty database): the 512 operators of ANS's
//! 2000–2003 report, their monthly beneficiary counts, and the report's history — 111 direções
//! fiscais, 9 direções técnicas, 2 combined, 21 liquidações and the 62 closures, distributed by
//! modalidade as the report's tables give them; the 124 alienações de carteira by year, total and
//! partial; the 16,879 sanctioning processes by subject and period; and the 160,450 Disque ANS
//! demandas by theme, year and type; and a *Parceiros da Cidadania* programme of ten partners in
//! the five regions since 2003 — every act issued through the application service by an
//! officer of the right role, on dates inside the report's period. The history is deterministic
//! for a given `--seed`; `--scale` multiplies the processes and demandas for load work.
//!
//! # Layout
//! - this module: officers, the operator register, beneficiary counts and the interventions;
//! - `kit`: the desk every act goes through (with progress), the beneficiary counts, tables and dates;
//! - `transfers`: the alienações de carteira; `sanctions`: the autos de infração; `demandas`:
//!   the Disque ANS demandas; `parceiros`: the Parceiros da Cidadania programme;
//! - `decade`: instead of the report, a decade of national volume for measurements
//!   (`autos demo --decade`, [`load_decade`]).

mod decade;
mod demandas;
mod kit;
mod parceiros;
mod sanctions;
mod transfers;

use autos_domain::NonEmptyText;
pub use decade::Decade;
pub use kit::Progress;
use kit::{csv_rows, date, Desk, Members};

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use autos_domain::case::RegimeClosure;
use autos_domain::rules::DeadlineRule;
use autos_domain::{Calendar, CaseCommand, Modalidade, Registro, Role, RuleBook, Setting};
use autos_store::EventStore;
use chrono::{Datelike, Days, NaiveDate};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde::Deserialize;

use crate::import::{self, ImportReport};
use crate::CliError;
use autos_app::officers::{self, Officer};
use autos_app::service::Service;

/// The seed report's list of 512 operators.
pub const SEED_OPERATORS: &[u8] = include_bytes!("../data/operators.csv");
/// Special regimes by modalidade (report table).
const REGIMES_BY_MODALIDADE: &str = include_str!("../data/special_regimes_by_modalidade.csv");
/// Intervention acts by type (report table).
const INTERVENTIONS: &str = include_str!("../data/interventions_summary.csv");

/// What the demo generates.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// The history is deterministic for a given seed.
    pub seed: u64,
    /// Multiplies the sanctioning processes and the demandas (load and benchmark work); the
    /// dashboards equal the report's tables only at scale 1.
    pub scale: u32,
    /// Instead of the report's history, a decade of national volume ([`load_decade`]).
    pub decade: Option<Decade>,
}

impl Default for Options {
    fn default() -> Self {
        Options { seed: 2003, scale: 1, decade: None }
    }
}

/// What the demo created.
#[derive(Debug)]
pub struct DemoReport {
    pub operators: ImportReport,
    pub commands: usize,
    /// Events the acts appended, the operator register's excepted.
    pub events: usize,
}

#[derive(Deserialize)]
struct RegimeRow {
    modalidade: String,
    dir_fiscal: usize,
    dir_tecnica: usize,
    dir_fiscal_tecnica: usize,
    liquidacoes: usize,
}

#[derive(Deserialize)]
struct InterventionRow {
    action: String,
    count: usize,
}

/// The rule book of the demonstration: the built-in one, plus the values the report's period
/// needs that docs/DOMAIN.md marks unconfirmed, each labelled as a demonstration value.
///
/// # Errors
/// `Domain` when the built-in book lacks the seed version.
pub fn rule_book() -> Result<RuleBook, CliError> {
    let mut book = RuleBook::builtin();
    book.configure_from("seed-2000", |r| {
        r.dt_comprovacao_cessacao = Setting::confirmed(
            DeadlineRule {
                days: 10,
                calendar: Calendar::Corridos,
                norm: "RDC 40/2000 — valor de demonstração (RN 417/2016 por analogia), não confirmado".into(),
            },
            "valor de demonstração, não confirmado",
        );
    })?;
    Ok(book)
}

/// A date between October 2000 and October 2003, the period of the report's timeline.
fn decree_date(rng: &mut StdRng) -> NaiveDate {
    date(2000, 10, 2) + Days::new(rng.gen_range(0..1_100))
}

/// Runs the demo on an empty database: [`register_officers`], then [`load`].
///
/// # Errors
/// As [`register_officers`] and [`load`].
pub async fn run(
    store: Arc<dyn EventStore>,
    options: &Options,
    progress: &(dyn Fn(&Progress<'_>) + Sync),
) -> Result<DemoReport, CliError> {
    let created = register_officers(store.as_ref(), options).await?;
    let acting: Vec<Officer> = created.into_iter().map(|(officer, _)| officer).collect();
    load(store, &acting, options, progress).await
}

/// The first step of the demo: checks that the database is empty and registers one officer per
/// role, returned with its sign-in token. The caller shows the tokens before calling [`load`],
/// so that a load killed half-way leaves no officer whose token nobody saw.
///
/// # Errors
/// `Config` when the database already holds events or the scale is 0; `Store` on faults.
pub async fn register_officers(store: &dyn EventStore, options: &Options) -> Result<Vec<(Officer, String)>, CliError> {
    if options.scale == 0 {
        return Err(CliError::Config("a escala da demonstração deve ser ao menos 1".into()));
    }
    if !store.read_all(0, 1).await?.is_empty() {
        return Err(CliError::Config("o banco já tem eventos: a demonstração só roda em um banco vazio".into()));
    }
    let mut created = Vec::new();
    for role in Role::ALL {
        created.push(officers::add(&store.database(), &format!("Demonstração — {}", role.label()), role).await?);
    }
    Ok(created)
}

/// The history itself, every act issued by the officer of its role among `acting` (one per
/// role, from [`register_officers`]).
///
/// # Errors
/// `Config` when `acting` lacks a role; `Domain`/`Store` on a refused act or fault.
pub async fn load(
    store: Arc<dyn EventStore>,
    acting: &[Officer],
    options: &Options,
    progress: &(dyn Fn(&Progress<'_>) + Sync),
) -> Result<DemoReport, CliError> {
    let officers = officer_of_each_role(acting)?;
    let mut rng = StdRng::seed_from_u64(options.seed);
    let book = rule_book()?;
    let rules_start = book
        .versions
        .iter()
        .map(|v| v.vigente_desde)
        .min()
        .ok_or_else(|| CliError::Config("o livro de regras não tem versões".into()))?;
    let service = Service::new(store.clone(), Arc::new(book));
    let mut desk = Desk::new(&service, officers, "operadoras do relatório", progress);

    desk.report();
    let registration = desk.request(Role::Administrador, date(2000, 1, 3), None);
    let step = desk.step;
    let operators = import::import_operators(&service, SEED_OPERATORS, &registration, None, &|done, _| {
        progress(&Progress { step, acts: done, planned: 0, events: 0 });
    })
    .await?;
    desk.commands += operators.imported + operators.changed;
    let rows = import::layout::parse(SEED_OPERATORS)?.rows;
    let mut by_modalidade: BTreeMap<Modalidade, Vec<Registro>> = BTreeMap::new();
    for row in &rows {
        if let Ok(op) = import::check_row(row) {
            by_modalidade.entry(op.modalidade).or_default().push(op.registro);
        }
    }

    let planned = plan(&mut rng, &by_modalidade)?;
    // Operators whose direção fiscal ends cancelling the registration had no members left
    // (a cancellation needs the carteira transferred first): most cancelled operators of the
    // report never sent beneficiary data.
    let emptied: BTreeSet<Registro> = planned
        .iter()
        .filter_map(|p| match p {
            Planned::DirecaoFiscal { registro, outcome: DfOutcome::ClosedCancelling, .. } => Some(*registro),
            _ => None,
        })
        .collect();
    let registros: Vec<Registro> = by_modalidade.values().flatten().copied().collect();
    let mut members = Members::draw(&mut rng, &registros, &emptied);
    let in_regime: BTreeSet<Registro> = planned.iter().map(Planned::registro).collect();
    let transfers = transfers::plan(&mut rng, &by_modalidade, &in_regime, &mut members, rules_start)?;
    let sanctions = sanctions::plan(&mut rng, options.scale, &members, rules_start)?;
    let demandas = demandas::plan(&mut rng, options.scale, &members)?;
    let counts = members.counts();
    let today = chrono::Local::now().date_naive();
    desk.planned = parceiros::acts(today)
        + desk.commands
        + counts.len()
        + planned.iter().map(Planned::acts).sum::<usize>()
        + transfers.len() * transfers::ACTS_EACH
        + sanctions.len()
        + demandas.len();

    desk.step("beneficiários mensais");
    desk.operators(counts).await?;
    desk.step("intervenções");
    interventions(&mut desk, &planned).await?;
    desk.step("alienações de carteira");
    transfers::issue(&mut desk, &transfers).await?;
    desk.step("autos de infração");
    desk.open_cases(Role::Fiscal, sanctions).await?;
    desk.step("demandas do Disque ANS");
    demandas::issue(&mut desk, demandas).await?;
    desk.step("Parceiros da Cidadania");
    parceiros::issue(&mut desk, today).await?;
    Ok(DemoReport { operators, commands: desk.commands, events: desk.events })
}

/// The officer of each role among `acting`.
///
/// # Errors
/// `Config` when a role has none.
fn officer_of_each_role(acting: &[Officer]) -> Result<BTreeMap<Role, Officer>, CliError> {
    let officers: BTreeMap<Role, Officer> = acting.iter().map(|o| (o.role, o.clone())).collect();
    match Role::ALL.into_iter().find(|r| !officers.contains_key(r)) {
        Some(missing) => Err(CliError::Config(format!("a demonstração precisa de um servidor {}", missing.label()))),
        None => Ok(officers),
    }
}

/// Instead of [`load`], the decade of national volume of the `decade` module, of the `size`
/// given, every act issued by the officer of its role among `acting`, the beneficiaries' data
/// sealed by `vault`.
///
/// # Errors
/// `Config` when `acting` lacks a role; `Domain`/`Store` on a refused act or fault.
pub async fn load_decade(
    store: Arc<dyn EventStore>,
    acting: &[Officer],
    options: &Options,
    size: Decade,
    vault: &autos_store::personal::PersonalVault,
    progress: &(dyn Fn(&Progress<'_>) + Sync),
) -> Result<DemoReport, CliError> {
    let officers = officer_of_each_role(acting)?;
    let service = Service::new(store, Arc::new(decade::rule_book()?));
    let mut desk = Desk::new(&service, officers, "operadoras da década", progress);
    let mut rng = StdRng::seed_from_u64(options.seed);
    let operators = decade::load(&mut desk, vault, &mut rng, size).await?;
    let operators = ImportReport { imported: operators, ..ImportReport::default() };
    Ok(DemoReport { operators, commands: desk.commands, events: desk.events })
}

/// How a planned direção fiscal ends.
#[derive(Clone, Copy, PartialEq, Eq)]
enum DfOutcome {
    Liquidation,
    ClosedCancelling,
    Closed,
    Open,
}

/// One planned intervention.
enum Planned {
    DirecaoFiscal { registro: Registro, on: NaiveDate, end: NaiveDate, outcome: DfOutcome },
    DirecaoTecnica { registro: Registro, notice: NaiveDate, combined: bool, closed_on: Option<NaiveDate> },
}

impl Planned {
    fn registro(&self) -> Registro {
        match self {
            Planned::DirecaoFiscal { registro, .. } | Planned::DirecaoTecnica { registro, .. } => *registro,
        }
    }

    /// How many acts [`interventions`] issues for it.
    fn acts(&self) -> usize {
        match self {
            Planned::DirecaoFiscal { outcome, .. } => 1 + usize::from(*outcome != DfOutcome::Open),
            Planned::DirecaoTecnica { combined, closed_on, .. } => {
                2 + usize::from(*combined) + usize::from(closed_on.is_some())
            }
        }
    }
}

/// Assigns the report's intervention acts to operators of each modalidade, with dates.
fn plan(rng: &mut StdRng, by_modalidade: &BTreeMap<Modalidade, Vec<Registro>>) -> Result<Vec<Planned>, CliError> {
    let totals: BTreeMap<String, usize> =
        csv_rows::<InterventionRow>(INTERVENTIONS)?.into_iter().map(|r| (r.action, r.count)).collect();
    let total = |action: &str| totals.get(action).copied().unwrap_or(0);
    let mut closures_cancelling = total("Encerramentos de Direções Fiscais com cancelamento de registro");
    let mut closures = total("Encerramentos de Direções Fiscais sem cancelamento de registro");
    let mut dt_closures = total("Encerramento de Direção Técnica sem cancelamento de registro");
    let mut planned = Vec::new();
    for row in csv_rows::<RegimeRow>(REGIMES_BY_MODALIDADE)? {
        let Some(modalidade) = import::modalidade(&row.modalidade) else { continue };
        let mut pool = by_modalidade.get(&modalidade).cloned().unwrap_or_default();
        if pool.is_empty() {
            continue;
        }
        pool.shuffle(rng);
        let mut next = pool.into_iter().cycle();
        for i in 0..row.dir_fiscal {
            let Some(registro) = next.next() else { break };
            let on = decree_date(rng);
            let outcome = if i < row.liquidacoes {
                DfOutcome::Liquidation
            } else if closures_cancelling > 0 {
                closures_cancelling -= 1;
                DfOutcome::ClosedCancelling
            } else if closures > 0 {
                closures -= 1;
                DfOutcome::Closed
            } else {
                DfOutcome::Open
            };
            planned.push(Planned::DirecaoFiscal { registro, on, end: on + Days::new(rng.gen_range(60..300)), outcome });
        }
        for combined in
            std::iter::repeat_n(false, row.dir_tecnica).chain(std::iter::repeat_n(true, row.dir_fiscal_tecnica))
        {
            let Some(registro) = next.next() else { break };
            let notice = decree_date(rng);
            let closed_on = (!combined && dt_closures > 0).then(|| {
                dt_closures -= 1;
                notice + Days::new(rng.gen_range(90..330))
            });
            planned.push(Planned::DirecaoTecnica { registro, notice, combined, closed_on });
        }
    }
    Ok(planned)
}

/// Issues the planned acts, each by the Diretoria Colegiada, with RO numbers in order.
async fn interventions(desk: &mut Desk<'_>, planned: &[Planned]) -> Result<(), CliError> {
    let mut ro = 0u32;
    let mut document = |on: NaiveDate| {
        ro += 1;
        format!("RO {ro}/{}", on.year())
    };
    for step in planned {
        match *step {
            Planned::DirecaoFiscal { registro, on, end, outcome } => {
                let case = desk.case(Role::Diretoria, None, on, direcao_fiscal(registro, &document(on))).await?;
                let mut closing =
                    |motivo| CaseCommand::EncerrarRegime { motivo, documento: NonEmptyText::written(document(end)) };
                let act = match outcome {
                    DfOutcome::Liquidation => Some((
                        None,
                        CaseCommand::DecretarLiquidacao {
                            registro,
                            liquidante: NonEmptyText::written("liquidante"),
                            fundamento: autos_domain::case::LeGround::MetasDeSaneamentoNaoAtingidas,
                            documento: NonEmptyText::written(document(end)),
                        },
                    )),
                    DfOutcome::ClosedCancelling => {
                        Some((Some(case), closing(RegimeClosure::ComCancelamentoDeRegistro)))
                    }
                    DfOutcome::Closed => Some((Some(case), closing(RegimeClosure::GravidadeSuperada))),
                    DfOutcome::Open => None,
                };
                if let Some((target, command)) = act {
                    desk.case(Role::Diretoria, target, end, command).await?;
                }
            }
            Planned::DirecaoTecnica { registro, notice, combined, closed_on } => {
                let anomaly = CaseCommand::NotificarAnomaliaAssistencial {
                    registro,
                    falhas: vec!["rede assistencial insuficiente".into()],
                    recebido_em: notice,
                    documento: NonEmptyText::written(format!("Ofício DIPRO {}/{}", notice.ordinal(), notice.year())),
                };
                let case = desk.case(Role::Diretoria, None, notice, anomaly).await?;
                let on = notice + Days::new(30);
                let doc = document(on);
                if combined {
                    desk.case(Role::Diretoria, None, on, direcao_fiscal(registro, &doc)).await?;
                }
                let dt = CaseCommand::InstaurarDirecaoTecnica {
                    diretor_tecnico: NonEmptyText::written("diretor técnico"),
                    hipotese: autos_domain::case::DtHypothesis::SemComprovacaoNoPrazo,
                    documento: NonEmptyText::written(doc),
                    vigencia_dias: None,
                };
                desk.case(Role::Diretoria, Some(case), on, dt).await?;
                if let Some(closed_on) = closed_on {
                    let close = CaseCommand::EncerrarRegime {
                        motivo: RegimeClosure::GravidadeSuperada,
                        documento: NonEmptyText::written(document(closed_on)),
                    };
                    desk.case(Role::Diretoria, Some(case), closed_on, close).await?;
                }
            }
        }
    }
    Ok(())
}

fn direcao_fiscal(registro: Registro, documento: &str) -> CaseCommand {
    CaseCommand::InstaurarDirecaoFiscal {
        registro,
        motivos: vec!["insuficiência de garantias financeiras (RDC 40/2000)".into()],
        diretor_fiscal: NonEmptyText::written("diretor fiscal"),
        documento: NonEmptyText::written(documento),
        vigencia_dias: None,
    }
}
