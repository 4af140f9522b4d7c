//! `autos demo` (and `autos serve --demo` on an empty database): the 512 operators of ANS's
//! 2000–2003 report, their monthly beneficiary counts, and the report's intervention history —
//! 111 direções fiscais, 9 direções técnicas, 2 combined, 21 liquidações and the 62 closures,
//! distributed by modalidade as the report's tables give them — every act issued through the
//! application service by an officer of the right role, on dates inside the report's period.
//! The history is deterministic for a given `--seed`.

use std::collections::BTreeMap;
use std::sync::Arc;

use autos_domain::case::RegimeClosure;
use autos_domain::rules::DeadlineRule;
use autos_domain::{Actor, Calendar, CaseCommand, Modalidade, OperatorCommand, Registro, Role, RuleBook, Setting};
use autos_store::EventStore;
use chrono::{Datelike, Days, Months, NaiveDate};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde::Deserialize;
use uuid::Uuid;

use crate::import::{self, ImportReport};
use crate::officers::{self, Officer};
use crate::service::{Request, Service};
use crate::ApiError;

/// The seed report's list of 512 operators.
pub const SEED_OPERATORS: &[u8] = include_bytes!("../data/operators.csv");
/// Special regimes by modalidade (report table).
const REGIMES_BY_MODALIDADE: &str = include_str!("../data/special_regimes_by_modalidade.csv");
/// Intervention acts by type (report table).
const INTERVENTIONS: &str = include_str!("../data/interventions_summary.csv");

/// What the demo created.
#[derive(Debug)]
pub struct DemoReport {
    /// One officer per role with the token to sign in (shown once).
    pub officers: Vec<(Officer, String)>,
    pub operators: ImportReport,
    pub commands: usize,
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

fn csv_rows<T: serde::de::DeserializeOwned>(text: &str) -> Result<Vec<T>, ApiError> {
    csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .collect::<Result<_, _>>()
        .map_err(|e| ApiError::Config(format!("tabela embutida ilegível: {e}")))
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// Issues acts as one officer.
struct Desk<'a> {
    service: &'a Service,
    officers: BTreeMap<Role, Officer>,
    commands: usize,
}

impl Desk<'_> {
    fn request(&self, role: Role, on: NaiveDate, case: Option<Uuid>) -> Request {
        let officer = &self.officers[&role];
        Request {
            actor: Actor {
                officer_id: officer.officer_id.to_string(),
                role,
                appointed_cases: case.into_iter().collect(),
            },
            actor_id: officer.officer_id,
            occurred_on: on,
            correlation_id: Some(Uuid::now_v7()),
        }
    }

    async fn operator(&mut self, registro: Registro, on: NaiveDate, command: OperatorCommand) -> Result<(), ApiError> {
        self.service.operator_command(registro, command, &self.request(Role::Admin, on, None)).await?;
        self.commands += 1;
        Ok(())
    }

    async fn case(
        &mut self,
        role: Role,
        case: Option<Uuid>,
        on: NaiveDate,
        command: CaseCommand,
    ) -> Result<Uuid, ApiError> {
        let outcome = self.service.case_command(case, command, None, &self.request(role, on, case)).await?;
        self.commands += 1;
        outcome.case_id.ok_or_else(|| ApiError::Config("ato sem caso".into()))
    }
}

/// The rule book of the demonstration: the built-in one, plus the values the report's period
/// needs that DOMAIN.md marks unconfirmed, each labelled as a demonstration value.
///
/// # Errors
/// `Domain` when the built-in book lacks the seed version.
pub fn rule_book() -> Result<RuleBook, ApiError> {
    let mut book = RuleBook::builtin();
    book.configure_from("seed-2000", |r| {
        r.dt_cessation_proof = Setting::confirmed(
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

/// Runs the demo on an empty database.
///
/// # Errors
/// `Config` when the database already holds events; `Domain`/`Store` on a refused act or fault.
pub async fn run(
    store: Arc<dyn EventStore>,
    seed: u64,
    progress: &(dyn Fn(&str) + Sync),
) -> Result<DemoReport, ApiError> {
    if !store.read_all(0, 1).await?.is_empty() {
        return Err(ApiError::Config("o banco já tem eventos: a demonstração só roda em um banco vazio".into()));
    }
    let mut rng = StdRng::seed_from_u64(seed);
    let mut created = Vec::new();
    for role in Role::ALL {
        created.push(officers::add(&store.database(), &format!("Demonstração — {}", role.label()), role).await?);
    }
    let service = Service::new(store.clone(), Arc::new(rule_book()?));
    let mut desk =
        Desk { service: &service, officers: created.iter().map(|(o, _)| (o.role, o.clone())).collect(), commands: 0 };

    progress("operadoras do relatório");
    let registration = desk.request(Role::Admin, date(2000, 1, 3), None);
    let operators = import::import_operators(&service, SEED_OPERATORS, &registration, &|_, _| {}).await?;
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
    let emptied: std::collections::BTreeSet<Registro> = planned
        .iter()
        .filter_map(|p| match p {
            Planned::DirecaoFiscal { registro, outcome: DfOutcome::ClosedCancelling, .. } => Some(*registro),
            _ => None,
        })
        .collect();

    progress("beneficiários mensais");
    for registros in by_modalidade.values() {
        for registro in registros {
            let band: u64 = [0, 800, 6_000, 15_000, 40_000, 150_000][rng.gen_range(0..6)] + rng.gen_range(0..800);
            let base = if emptied.contains(registro) { 0 } else { band };
            for m in 0..33u32 {
                let month = date(2001, 1, 1) + Months::new(m);
                let quantidade = if base == 0 { 0 } else { base + base * u64::from(m) / 100 };
                let count =
                    OperatorCommand::InformarBeneficiarios { ano: month.year(), mes: month.month(), quantidade };
                desk.operator(*registro, month + Days::new(14), count).await?;
            }
        }
    }

    progress("intervenções");
    interventions(&mut desk, &planned).await?;
    Ok(DemoReport { officers: created, operators, commands: desk.commands })
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

/// Assigns the report's intervention acts to operators of each modalidade, with dates.
fn plan(rng: &mut StdRng, by_modalidade: &BTreeMap<Modalidade, Vec<Registro>>) -> Result<Vec<Planned>, ApiError> {
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
async fn interventions(desk: &mut Desk<'_>, planned: &[Planned]) -> Result<(), ApiError> {
    let mut ro = 0u32;
    let mut document = |on: NaiveDate| {
        ro += 1;
        format!("RO {ro}/{}", on.year())
    };
    for step in planned {
        match *step {
            Planned::DirecaoFiscal { registro, on, end, outcome } => {
                let case = desk.case(Role::Diretoria, None, on, direcao_fiscal(registro, &document(on))).await?;
                let closing = |motivo| CaseCommand::EncerrarRegime { motivo, documento: String::new() };
                let act = match outcome {
                    DfOutcome::Liquidation => Some((
                        None,
                        CaseCommand::DecretarLiquidacao {
                            registro,
                            liquidante: "liquidante".into(),
                            fundamento: autos_domain::case::LeGround::MetasDeSaneamentoNaoAtingidas,
                            documento: document(end),
                        },
                    )),
                    DfOutcome::ClosedCancelling => {
                        Some((Some(case), closing(RegimeClosure::ComCancelamentoDeRegistro)))
                    }
                    DfOutcome::Closed => Some((Some(case), closing(RegimeClosure::GravidadeSuperada))),
                    DfOutcome::Open => None,
                };
                if let Some((target, mut command)) = act {
                    if let CaseCommand::EncerrarRegime { documento, .. } = &mut command {
                        *documento = document(end);
                    }
                    desk.case(Role::Diretoria, target, end, command).await?;
                }
            }
            Planned::DirecaoTecnica { registro, notice, combined, closed_on } => {
                let anomaly = CaseCommand::NotificarAnomaliaAssistencial {
                    registro,
                    falhas: vec!["rede assistencial insuficiente".into()],
                    recebido_em: notice,
                    documento: format!("Ofício DIPRO {}/{}", notice.ordinal(), notice.year()),
                };
                let case = desk.case(Role::Diretoria, None, notice, anomaly).await?;
                let on = notice + Days::new(30);
                let doc = document(on);
                if combined {
                    desk.case(Role::Diretoria, None, on, direcao_fiscal(registro, &doc)).await?;
                }
                let dt = CaseCommand::InstaurarDirecaoTecnica {
                    diretor_tecnico: "diretor técnico".into(),
                    hipotese: autos_domain::case::DtHypothesis::SemComprovacaoNoPrazo,
                    documento: doc,
                    vigencia_dias: None,
                };
                desk.case(Role::Diretoria, Some(case), on, dt).await?;
                if let Some(closed_on) = closed_on {
                    let close = CaseCommand::EncerrarRegime {
                        motivo: RegimeClosure::GravidadeSuperada,
                        documento: document(closed_on),
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
        diretor_fiscal: "diretor fiscal".into(),
        documento: documento.to_owned(),
        vigencia_dias: None,
    }
}
