//! Processo administrativo sancionador (docs/DOMAIN.md §2.7 and §3): the events of each act from the
//! auto de infração to payment — notification with the defence deadline, defence, decision with
//! every factor of the fine, appeal, res judicata, discounts, instalments, default, dívida ativa
//! and the claim in a liquidation estate — and every refusal by its rule id.

use autos_domain::case::{
    Abertura, AppealDecision, AppealOutcome, Assignment, FirstInstanceDecision, Instalment, InstalmentPlan, LeGround,
    Penalty, SanctionEvent, SharedEvent,
};
use autos_domain::fine::{AppliedCircumstance, AppliedDiscount, FineComputation, FineInputs, Rounding};
use autos_domain::rules::{CircumstanceKind, DiscountKind};
use autos_domain::testing::{actor, case_act, d, deadline, Act, Expect, World};
use autos_domain::NonEmptyText;
use autos_domain::{Actor, Calendar, CaseCommand, CaseEvent, Deadline, Money, Role};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use uuid::Uuid;

use crate::common::{registro, world_with_operator};

const PROCESSO: &str = "33910.018565/2017-58";
const GROUNDS: &str = "infração comprovada";

fn auto() -> CaseCommand {
    CaseCommand::LavrarAutoInfracao {
        registro: registro(),
        processo: NonEmptyText::written(PROCESSO),
        tipo_infracao: NonEmptyText::written("rn124.art77"),
        data_infracao: d(2017, 2, 10),
        fatos: NonEmptyText::written("negativa de cobertura de procedimento do rol"),
        beneficiarios_expostos: 500,
        origem: None,
        documento: NonEmptyText::written("Auto de Infração nº 1.234/2017"),
    }
}

fn fine(base: u32) -> FineInputs {
    FineInputs { valor_base: Money::reais(base), circunstancias: vec![], multiplicador_coletivo: Decimal::ONE }
}

/// The fine this world computes under RN 388/2015 for valor-base `base`: porte factor 0,5 (an
/// operator of 5 000 members, ≤ 20 000 in the test configuration), 500 members exposed (collective
/// maximum 1 up to 1 000), bounds R$ 5.000,00–1.000.000,00, no discount; `valor` is the
/// clamped fine.
fn fine_388(base: u32, valor: u32) -> FineComputation {
    FineComputation {
        versao_regras: "rn-388-2015".into(),
        tipo_infracao: "rn124.art77".into(),
        valor_base: Money::reais(base),
        beneficiarios_operadora: 5_000,
        fator_porte: dec!(0.5),
        circunstancias: vec![],
        beneficiarios_expostos: 500,
        multiplicador_coletivo: Decimal::ONE,
        multiplicador_coletivo_maximo: Decimal::ONE,
        norma_efeito_coletivo: String::new(),
        arredondamento: Rounding::MeioParaCima,
        limite_minimo: Money::reais(5_000),
        limite_maximo: Money::reais(1_000_000),
        desconto: None,
        piso_apos_desconto: false,
        valor_calculado: Decimal::from(base) * dec!(0.5),
        valor_multa: Money::reais(valor),
        valor_devido: Money::reais(valor),
    }
}

/// `fine` with a discount of `percentual`, leaving `devido` to pay.
fn discounted(fine: FineComputation, tipo: DiscountKind, percentual: Decimal, devido: u32) -> FineComputation {
    FineComputation {
        desconto: Some(AppliedDiscount { tipo, percentual, norma: String::new() }),
        valor_devido: Money::reais(devido),
        ..fine
    }
}

fn reincidencia() -> AppliedCircumstance {
    AppliedCircumstance { codigo: "reincidencia".into(), tipo: CircumstanceKind::Agravante, percentual: dec!(0.5) }
}

/// The 10-day appeal deadline of a decision on `on` (RN 388/2015).
fn appeal_deadline(on: NaiveDate, due: NaiveDate) -> Option<Deadline> {
    Some(deadline(on, 10, Calendar::Corridos, due))
}

/// The 30-day payment deadline from `on` (RN 48/2003).
fn payment_deadline(on: NaiveDate, due: NaiveDate) -> Option<Deadline> {
    Some(deadline(on, 30, Calendar::Corridos, due))
}

/// The defence deadline of a notification on Monday 6 Mar 2017: 10 business days, to 20 Mar.
fn defence_deadline() -> Option<Deadline> {
    Some(deadline(d(2017, 3, 6), 10, Calendar::Uteis, d(2017, 3, 20)))
}

fn fined(multa: FineComputation, prazo_recurso: Option<Deadline>) -> SanctionEvent {
    SanctionEvent::PrimeiraInstanciaDecidida {
        penalidade: Some(Penalty::Multa),
        multa: Some(Box::new(multa)),
        fundamentacao: GROUNDS.into(),
        prazo_recurso,
    }
}

fn decide_fine(base: u32) -> CaseCommand {
    CaseCommand::DecidirPrimeiraInstancia {
        decisao: FirstInstanceDecision::Multa { multa: fine(base) },
        fundamentacao: NonEmptyText::written(GROUNDS),
        documento: NonEmptyText::written("Decisão DIFIS nº 10/2017"),
    }
}

fn pay(reais: u32) -> CaseCommand {
    CaseCommand::RegistrarPagamento {
        valor: Money::reais(reais),
        parcela: None,
        documento: NonEmptyText::written("GRU 1"),
    }
}

fn pay_instalment(reais: u32, parcela: u32) -> CaseCommand {
    CaseCommand::RegistrarPagamento {
        valor: Money::reais(reais),
        parcela: Some(parcela),
        documento: NonEmptyText::written("GRU 2"),
    }
}

fn paid(valor: u32, parcela: Option<u32>, saldo: u32) -> SanctionEvent {
    SanctionEvent::PagamentoRegistrado { valor: Money::reais(valor), parcela, saldo: Money::reais(saldo) }
}

fn fiscal() -> Actor {
    actor(Role::Fiscal, &[])
}

fn diretoria() -> Actor {
    actor(Role::Diretoria, &[])
}

fn by_fiscal(case: Uuid, on: NaiveDate, command: CaseCommand) -> Act {
    case_act(case, fiscal(), on, command)
}

fn by_diretoria(case: Uuid, on: NaiveDate, command: CaseCommand) -> Act {
    case_act(case, diretoria(), on, command)
}

fn defence(protocolo: &str) -> CaseCommand {
    CaseCommand::RegistrarDefesa { protocolo: NonEmptyText::parse("protocolo", protocolo).unwrap() }
}

fn appeal() -> CaseCommand {
    CaseCommand::InterporRecurso { protocolo: NonEmptyText::written("R-1") }
}

fn certify() -> CaseCommand {
    CaseCommand::CertificarTransitoEmJulgado { documento: NonEmptyText::written("Certidão") }
}

/// An auto de infração drawn up and notified on 6 Mar 2017 (rules of RN 388/2015).
fn notified(world: &mut World) -> Uuid {
    let case = world.new_case_id();
    world.given([
        by_fiscal(case, d(2017, 3, 6), auto()),
        by_fiscal(case, d(2017, 3, 6), CaseCommand::NotificarAutuada { documento: NonEmptyText::written("AR") }),
    ]);
    case
}

/// A fine of `base` × porte 0,5 decided on 3 Apr 2017 after the defence.
fn decided(world: &mut World, base: u32) -> Uuid {
    let case = notified(world);
    world
        .given([by_fiscal(case, d(2017, 3, 15), defence("P-1")), by_diretoria(case, d(2017, 4, 3), decide_fine(base))]);
    case
}

/// The same fine made final on 17 Apr 2017, after the appeal deadline ran out.
fn final_fine(world: &mut World, base: u32) -> Uuid {
    let case = decided(world, base);
    world.given([by_diretoria(case, d(2017, 4, 17), certify())]);
    case
}

#[test]
fn a_fine_runs_from_the_auto_de_infracao_to_payment() {
    // Lei 9.656/1998 art. 29; RN 388/2015 (10 du defence, 10 d appeal); RN 48/2003 (30 d to pay).
    // The infraction of 10 Feb 2017 binds the RN 388 rules (tempus regit actum).
    let mut world = world_with_operator(d(2016, 2, 1), 5_000);
    let case = world.new_case_id();
    world.when(by_fiscal(case, d(2017, 3, 6), auto())).then_events([SanctionEvent::AutoLavrado {
        abertura: Abertura {
            registro: registro(),
            versao_regras: "rn-388-2015".into(),
            fato_gerador: d(2017, 2, 10),
            origem: None,
        },
        processo: PROCESSO.into(),
        tipo_infracao: "rn124.art77".into(),
        fatos: "negativa de cobertura de procedimento do rol".into(),
        beneficiarios_expostos: 500,
    }]);
    world
        .when(by_fiscal(case, d(2017, 3, 6), CaseCommand::NotificarAutuada { documento: NonEmptyText::written("AR") }))
        .then_events([SanctionEvent::AutuadaNotificada { prazo_defesa: defence_deadline() }])
        .then_state(|pas| assert_eq!(pas.phase(), "aguardando_defesa"));
    world
        .when(by_fiscal(case, d(2017, 3, 15), defence("P-1")))
        .then_events([SanctionEvent::DefesaRegistrada { protocolo: "P-1".into() }])
        .then_state(|pas| assert!(pas.phase() == "instrucao" && pas.prazos.is_empty()));
    world
        .when(by_diretoria(case, d(2017, 4, 3), decide_fine(30_000)))
        .then_events([fined(fine_388(30_000, 15_000), appeal_deadline(d(2017, 4, 3), d(2017, 4, 13)))])
        .then_state(|pas| assert_eq!(pas.phase(), "decidido"));
    world
        .when(by_diretoria(case, d(2017, 4, 17), certify()))
        .then_events([SanctionEvent::TransitoEmJulgadoCertificado {
            prazo_pagamento: payment_deadline(d(2017, 4, 17), d(2017, 5, 17)),
        }])
        .then_state(|pas| assert_eq!(pas.phase(), "final"));
    world.when(by_fiscal(case, d(2017, 5, 2), pay(5_000))).then_events([paid(5_000, None, 10_000)]);
    world
        .when(by_fiscal(case, d(2017, 5, 10), pay(10_000)))
        .then_events([paid(10_000, None, 0)])
        .then_state(|pas| assert!(pas.phase() == "pago" && pas.is_closed() && pas.prazos.is_empty()));
}

#[test]
fn a_paid_or_archived_process_is_immutable() {
    // docs/DOMAIN.md §2.7: a paid or archived PAS is immutable.
    let mut world = world_with_operator(d(2016, 2, 1), 5_000);
    let paid_case = final_fine(&mut world, 30_000);
    world.given([by_fiscal(paid_case, d(2017, 5, 10), pay(15_000))]);
    world.when(by_fiscal(paid_case, d(2017, 5, 11), pay(1))).then_refused("caso.encerrado");
    let archived = notified(&mut world);
    let archive = CaseCommand::DecidirPrimeiraInstancia {
        decisao: FirstInstanceDecision::Arquivamento,
        fundamentacao: NonEmptyText::written("conduta não comprovada"),
        documento: NonEmptyText::written("Decisão"),
    };
    world
        .when(by_diretoria(archived, d(2017, 3, 8), archive))
        .then_events([SanctionEvent::PrimeiraInstanciaDecidida {
            penalidade: None,
            multa: None,
            fundamentacao: "conduta não comprovada".into(),
            prazo_recurso: None,
        }])
        .then_state(|pas| assert!(pas.phase() == "arquivado" && pas.prazos.is_empty()));
    world.when(by_fiscal(archived, d(2017, 3, 9), appeal())).then_refused("caso.encerrado");
}

#[test]
fn paying_in_place_of_the_defence_earns_the_discount_and_settles_the_process() {
    // RN 388/2015: 40 % off for paying instead of defending, within the defence deadline; the
    // option waives the defence.
    let mut world = world_with_operator(d(2016, 2, 1), 5_000);
    let case = notified(&mut world);
    let option = CaseCommand::OptarPagamentoComDesconto {
        desconto: DiscountKind::PagamentoAntecipado,
        multa: Some(fine(30_000)),
    };
    world
        .when(by_fiscal(case, d(2017, 3, 10), option))
        .then_events([SanctionEvent::DescontoOptado {
            multa: Box::new(discounted(fine_388(30_000, 15_000), DiscountKind::PagamentoAntecipado, dec!(0.40), 9_000)),
            prazo_pagamento: defence_deadline(),
        }])
        .then_state(|pas| assert_eq!(pas.phase(), "pagamento_com_desconto"));
    world.when(by_fiscal(case, d(2017, 3, 13), defence("P"))).then_refused("pas.transicao_invalida");
    world.when(by_fiscal(case, d(2017, 3, 13), pay(4_000))).then_refused("pas.desconto_exige_pagamento_integral");
    world
        .when(by_fiscal(case, d(2017, 3, 14), pay(9_000)))
        .then_events([paid(9_000, None, 0)])
        .then_state(|pas| assert_eq!(pas.phase(), "pago"));
}

#[test]
fn an_unpaid_discount_lapses_and_the_process_goes_to_decision_without_defence() {
    // RN 388/2015: the discount requires payment within the defence deadline it replaces.
    let mut world = world_with_operator(d(2016, 2, 1), 5_000);
    let case = notified(&mut world);
    let option = CaseCommand::OptarPagamentoComDesconto {
        desconto: DiscountKind::PagamentoAntecipado,
        multa: Some(fine(30_000)),
    };
    world.given([by_fiscal(case, d(2017, 3, 10), option)]);
    world
        .when(by_fiscal(case, d(2017, 3, 20), CaseCommand::DeclararInadimplencia {}))
        .then_refused("prazo.nao_vencido");
    world.when(by_fiscal(case, d(2017, 3, 21), pay(9_000))).then_refused("pas.desconto_intempestivo");
    world
        .when(by_fiscal(case, d(2017, 3, 21), CaseCommand::DeclararInadimplencia {}))
        .then_events([SanctionEvent::DescontoCaducado { multa: None, prazo_pagamento: None }])
        .then_state(|pas| assert_eq!(pas.phase(), "instrucao"));
    world
        .when(by_diretoria(case, d(2017, 4, 3), decide_fine(30_000)))
        .then_events([fined(fine_388(30_000, 15_000), appeal_deadline(d(2017, 4, 3), d(2017, 4, 13)))]);
}

#[test]
fn paying_in_place_of_the_appeal_earns_the_smaller_discount() {
    // RN 388/2015: 20 % off for paying after the first-instance decision instead of appealing.
    let mut world = world_with_operator(d(2016, 2, 1), 5_000);
    let case = decided(&mut world, 30_000);
    let wrong = CaseCommand::OptarPagamentoComDesconto { desconto: DiscountKind::PagamentoAntecipado, multa: None };
    world.when(by_fiscal(case, d(2017, 4, 5), wrong)).then_refused("pas.desconto_incompativel_com_fase");
    let option = CaseCommand::OptarPagamentoComDesconto { desconto: DiscountKind::RenunciaRecurso, multa: None };
    world.when(by_fiscal(case, d(2017, 4, 5), option)).then_events([SanctionEvent::DescontoOptado {
        multa: Box::new(discounted(fine_388(30_000, 15_000), DiscountKind::RenunciaRecurso, dec!(0.20), 12_000)),
        prazo_pagamento: appeal_deadline(d(2017, 4, 3), d(2017, 4, 13)),
    }]);
    world.when(by_fiscal(case, d(2017, 4, 6), appeal())).then_refused("pas.transicao_invalida");
    world
        .when(by_fiscal(case, d(2017, 4, 10), pay(12_000)))
        .then_events([paid(12_000, None, 0)])
        .then_state(|pas| assert_eq!(pas.phase(), "pago"));
}

#[test]
fn the_appeal_may_reduce_the_fine_and_the_reduced_fine_is_paid() {
    // Lei 9.784/1999 arts. 56–64; RN 48/2003 art. 24: DICOL judges the appeal; the reduced fine
    // keeps the first-instance porte and is due in 30 days.
    let mut world = world_with_operator(d(2016, 2, 1), 5_000);
    let case = decided(&mut world, 30_000);
    world
        .when(by_fiscal(case, d(2017, 4, 10), appeal()))
        .then_events([SanctionEvent::RecursoInterposto { protocolo: "R-1".into() }])
        .then_state(|pas| assert_eq!(pas.phase(), "recurso"));
    let judge = |base| CaseCommand::JulgarRecurso {
        julgamento: AppealDecision::Reduzida { multa: fine(base) },
        fundamentacao: NonEmptyText::written("atenuante reconhecida"),
        documento: NonEmptyText::written("Deliberação DICOL"),
    };
    world.when(by_diretoria(case, d(2017, 5, 2), judge(40_000))).then_refused("pas.reducao_invalida");
    world
        .when(by_diretoria(case, d(2017, 5, 2), judge(20_000)))
        .then_events([SanctionEvent::RecursoJulgado {
            resultado: AppealOutcome::Reduzida,
            multa: Some(Box::new(fine_388(20_000, 10_000))),
            fundamentacao: "atenuante reconhecida".into(),
            prazo_pagamento: payment_deadline(d(2017, 5, 2), d(2017, 6, 1)),
        }])
        .then_state(|pas| assert_eq!(pas.phase(), "final"));
    world
        .when(by_fiscal(case, d(2017, 5, 20), pay(10_000)))
        .then_events([paid(10_000, None, 0)])
        .then_state(|pas| assert!(pas.is_closed()));
}

#[test]
fn an_appeal_that_cancels_the_penalty_archives_the_process() {
    // Lei 9.784/1999 art. 64: the appeal authority may annul or revoke the decision.
    let mut world = world_with_operator(d(2016, 2, 1), 5_000);
    let case = decided(&mut world, 30_000);
    world.given([by_fiscal(case, d(2017, 4, 10), appeal())]);
    let cancel = CaseCommand::JulgarRecurso {
        julgamento: AppealDecision::Cancelada,
        fundamentacao: NonEmptyText::written("nulidade da notificação"),
        documento: NonEmptyText::written("Deliberação DICOL"),
    };
    world
        .when(by_diretoria(case, d(2017, 5, 2), cancel))
        .then_events([SanctionEvent::RecursoJulgado {
            resultado: AppealOutcome::Cancelada,
            multa: None,
            fundamentacao: "nulidade da notificação".into(),
            prazo_pagamento: None,
        }])
        .then_state(|pas| assert!(pas.phase() == "arquivado" && pas.is_closed()));
}

#[test]
fn an_appeal_after_its_deadline_is_refused() {
    // RN 388/2015: appeal within 10 days of the decision (3 → 13 Apr 2017).
    let mut world = world_with_operator(d(2016, 2, 1), 5_000);
    let case = decided(&mut world, 30_000);
    world.when(by_fiscal(case, d(2017, 4, 14), appeal())).then_refused("pas.recurso_intempestivo");
    world.when(by_diretoria(case, d(2017, 4, 13), certify())).then_refused("prazo.nao_vencido");
}

#[test]
fn instalments_sum_exactly_to_the_fine_and_their_payments_settle_it() {
    // RN 48/2003: 30 d to pay or ask for instalments; RN 04/2002 (parcelamento).
    let mut world = world_with_operator(d(2016, 2, 1), 5_000);
    let case = final_fine(&mut world, 30_000);
    let due = [d(2017, 6, 5), d(2017, 7, 5), d(2017, 8, 7)];
    let plan = |amounts: [u32; 3]| CaseCommand::ConcederParcelamento {
        parcelas: amounts
            .iter()
            .zip(due)
            .map(|(v, vencimento)| InstalmentPlan { vencimento, valor: Money::reais(*v) })
            .collect(),
        documento: NonEmptyText::written("Termo de parcelamento"),
    };
    world
        .when(by_diretoria(case, d(2017, 5, 5), plan([5_000, 5_000, 4_000])))
        .then_refused("pas.parcelas_nao_somam_o_devido");
    let granted = (1..).zip(due).map(|(numero, vencimento)| Instalment {
        numero,
        vencimento,
        valor: Money::reais(5_000),
        pago: Money::ZERO,
    });
    world
        .when(by_diretoria(case, d(2017, 5, 5), plan([5_000, 5_000, 5_000])))
        .then_events([SanctionEvent::ParcelamentoConcedido { parcelas: granted.collect() }])
        .then_state(|pas| assert!(pas.phase() == "parcelado" && pas.prazos.is_empty()));
    world.when(by_fiscal(case, d(2017, 6, 1), pay_instalment(6_000, 1))).then_refused("pas.pagamento_excede_devido");
    world.when(by_fiscal(case, d(2017, 6, 1), pay(5_000))).then_invalid("parcela");
    for (n, on, saldo) in [(1, d(2017, 6, 1), 10_000), (2, d(2017, 7, 3), 5_000), (3, d(2017, 8, 1), 0)] {
        world.when(by_fiscal(case, on, pay_instalment(5_000, n))).then_events([paid(5_000, Some(n), saldo)]);
    }
    assert_eq!(world.case(case).phase(), "pago");
}

#[test]
fn an_overdue_instalment_puts_the_operator_in_default() {
    // RN 48/2003: unpaid → Gerência Financeira → dívida ativa.
    let mut world = world_with_operator(d(2016, 2, 1), 5_000);
    let case = final_fine(&mut world, 30_000);
    let plan = CaseCommand::ConcederParcelamento {
        parcelas: vec![
            InstalmentPlan { vencimento: d(2017, 6, 5), valor: Money::reais(7_500) },
            InstalmentPlan { vencimento: d(2017, 7, 5), valor: Money::reais(7_500) },
        ],
        documento: NonEmptyText::written("Termo"),
    };
    world.given([by_diretoria(case, d(2017, 5, 5), plan), by_fiscal(case, d(2017, 6, 5), pay_instalment(7_500, 1))]);
    world
        .when(by_fiscal(case, d(2017, 7, 5), CaseCommand::DeclararInadimplencia {}))
        .then_refused("pas.parcelas_em_dia");
    world
        .when(by_fiscal(case, d(2017, 7, 6), CaseCommand::DeclararInadimplencia {}))
        .then_events([SanctionEvent::InadimplenciaDeclarada { valor_em_aberto: Money::reais(7_500) }])
        .then_state(|pas| assert_eq!(pas.phase(), "inadimplente"));
}

#[test]
fn an_unpaid_fine_goes_to_divida_ativa_only_after_default_is_declared() {
    // RN 48/2003 (30 d to pay, to 17 May 2017); Lei 6.830/1980; Lei 10.522/2002 (CADIN).
    let mut world = world_with_operator(d(2016, 2, 1), 5_000);
    let case = final_fine(&mut world, 30_000);
    let inscribe = CaseCommand::InscreverDividaAtiva { documento: NonEmptyText::written("CDA 77/2017") };
    world.when(by_diretoria(case, d(2017, 5, 10), inscribe.clone())).then_refused("pas.divida_ativa_sem_inadimplencia");
    world
        .when(by_fiscal(case, d(2017, 5, 17), CaseCommand::DeclararInadimplencia {}))
        .then_refused("prazo.nao_vencido");
    world
        .when(by_fiscal(case, d(2017, 5, 18), CaseCommand::DeclararInadimplencia {}))
        .then_events([SanctionEvent::InadimplenciaDeclarada { valor_em_aberto: Money::reais(15_000) }]);
    world
        .when(by_diretoria(case, d(2017, 6, 1), inscribe.clone()))
        .then_events([SanctionEvent::InscritoEmDividaAtiva { valor: Money::reais(15_000) }])
        .then_state(|pas| assert_eq!(pas.phase(), "divida_ativa"));
    world.when(by_diretoria(case, d(2017, 6, 2), inscribe)).then_refused("pas.transicao_invalida");
    world
        .when(by_fiscal(case, d(2018, 2, 1), pay(15_000)))
        .then_events([paid(15_000, None, 0)])
        .then_state(|pas| assert_eq!(pas.phase(), "pago"));
}

#[test]
fn no_sanction_before_the_defence_opportunity() {
    // Lei 9.784/1999 art. 2; RN 48/2003: notified, and defence filed or its deadline run out.
    let mut world = world_with_operator(d(2016, 2, 1), 5_000);
    let case = world.new_case_id();
    world.given([by_fiscal(case, d(2017, 3, 6), auto())]);
    world.when(by_diretoria(case, d(2017, 3, 6), decide_fine(30_000))).then_refused("pas.sancao_sem_defesa");
    world.given([by_fiscal(
        case,
        d(2017, 3, 6),
        CaseCommand::NotificarAutuada { documento: NonEmptyText::written("AR") },
    )]);
    world.when(by_diretoria(case, d(2017, 3, 20), decide_fine(30_000))).then_refused("pas.sancao_sem_defesa");
    world.when(by_fiscal(case, d(2017, 3, 21), defence("P"))).then_refused("pas.defesa_intempestiva");
    world
        .when(by_diretoria(case, d(2017, 3, 21), decide_fine(30_000)))
        .then_events([fined(fine_388(30_000, 15_000), appeal_deadline(d(2017, 3, 21), d(2017, 3, 31)))])
        .then_state(|pas| assert_eq!(pas.phase(), "decidido"));
}

#[test]
fn a_process_covered_by_a_tcac_in_force_cannot_be_decided() {
    // Lei 9.656/1998 art. 29 §1: the TCAC suspends the listed processes while in force.
    let mut world = world_with_operator(d(2016, 2, 1), 5_000);
    let case = notified(&mut world);
    world.given([by_fiscal(case, d(2017, 3, 15), defence("P"))]);
    let tcac = world.new_case_id();
    let on = d(2017, 3, 16);
    let request = CaseCommand::RequererTcac {
        registro: registro(),
        processos: vec!["33910018565201758".into()],
        conduta: NonEmptyText::written("negativa de cobertura"),
        oferecido_pela_ans: false,
        conduta_em_nip: false,
        negativa_de_urgencia: false,
        documento: NonEmptyText::written("Protocolo"),
    };
    world.given([
        by_fiscal(tcac, on, request),
        by_fiscal(tcac, on, CaseCommand::TriarTcac { admitido: true, fundamentacao: NonEmptyText::written("ok") }),
        by_diretoria(tcac, on, CaseCommand::AprovarMinutaTcac { documento: NonEmptyText::written("Minuta") }),
        by_fiscal(tcac, on, CaseCommand::RegistrarAssinaturaCompromissaria {}),
        by_diretoria(
            tcac,
            on,
            CaseCommand::AutorizarTcac {
                numero: NonEmptyText::written("TCAC nº 3/2017"),
                documento: NonEmptyText::written("DICOL"),
            },
        ),
        by_fiscal(tcac, on, CaseCommand::ComprovarPagamentoAntecipadoTcac {}),
    ]);
    assert_eq!(world.operator(registro()).tcac_suspending(PROCESSO), Some(tcac));
    world.when(by_diretoria(case, d(2017, 4, 3), decide_fine(30_000))).then_refused("pas.suspenso_por_tcac");
    let breach = CaseCommand::DecidirCumprimentoTcac {
        cumprido: false,
        data_descumprimento: None,
        documento: NonEmptyText::written("Deliberação DICOL"),
    };
    world.given([by_diretoria(tcac, d(2017, 9, 1), breach)]);
    assert_eq!(world.operator(registro()).tcac_suspending(PROCESSO), None);
    world
        .when(by_diretoria(case, d(2017, 9, 4), decide_fine(30_000)))
        .then_events([fined(fine_388(30_000, 15_000), appeal_deadline(d(2017, 9, 4), d(2017, 9, 14)))]);
}

#[test]
fn a_decided_fine_stays_within_the_statutory_bounds() {
    // Lei 9.656/1998 arts. 27 and 35-D: R$ 5.000,00 to R$ 1.000.000,00 after all multipliers;
    // RN 124/2006 art. 9: up to 1 000 exposed members, no collective multiplier above 1.
    let mut world = world_with_operator(d(2016, 2, 1), 5_000);
    let low = notified(&mut world);
    world.given([by_fiscal(low, d(2017, 3, 15), defence("P"))]);
    world
        .when(by_diretoria(low, d(2017, 4, 3), decide_fine(2_000)))
        .then_events([fined(fine_388(2_000, 5_000), appeal_deadline(d(2017, 4, 3), d(2017, 4, 13)))]);
    let high = notified(&mut world);
    world.given([by_fiscal(high, d(2017, 3, 15), defence("P"))]);
    let decision = CaseCommand::DecidirPrimeiraInstancia {
        decisao: FirstInstanceDecision::Multa {
            multa: FineInputs {
                valor_base: Money::reais(900_000),
                circunstancias: vec!["reincidencia".into()],
                multiplicador_coletivo: Decimal::ONE,
            },
        },
        fundamentacao: NonEmptyText::written(GROUNDS),
        documento: NonEmptyText::written("Decisão"),
    };
    // 900 000 × 0,5 × (1 + 0,5) = 675 000, within the bounds.
    let aggravated = FineComputation {
        circunstancias: vec![reincidencia()],
        valor_calculado: dec!(675000),
        ..fine_388(900_000, 675_000)
    };
    world
        .when(by_diretoria(high, d(2017, 4, 3), decision))
        .then_events([fined(aggravated, appeal_deadline(d(2017, 4, 3), d(2017, 4, 13)))]);
    let collective = CaseCommand::DecidirPrimeiraInstancia {
        decisao: FirstInstanceDecision::Multa {
            multa: FineInputs {
                valor_base: Money::reais(10_000),
                circunstancias: vec![],
                multiplicador_coletivo: dec!(2),
            },
        },
        fundamentacao: NonEmptyText::written("efeito coletivo"),
        documento: NonEmptyText::written("Decisão"),
    };
    let case = notified(&mut world);
    world
        .when(by_diretoria(case, d(2017, 3, 21), collective))
        .then_refused("multa.multiplicador_coletivo_acima_do_limite");
}

#[test]
fn a_fine_above_the_maximum_after_every_multiplier_is_clamped() {
    // Lei 9.656/1998 arts. 27 and 35-D; RN 124/2006 art. 9 "até o limite": an operator of
    // 50 000 members (porte factor 1), 150 000 exposed (multiplier up to 15).
    let mut world = world_with_operator(d(2016, 2, 1), 50_000);
    let case = world.new_case_id();
    let mut wide = auto();
    if let CaseCommand::LavrarAutoInfracao { beneficiarios_expostos, .. } = &mut wide {
        *beneficiarios_expostos = 150_000;
    }
    world.given([
        by_fiscal(case, d(2017, 3, 6), wide),
        by_fiscal(case, d(2017, 3, 6), CaseCommand::NotificarAutuada { documento: NonEmptyText::written("AR") }),
    ]);
    let decision = CaseCommand::DecidirPrimeiraInstancia {
        decisao: FirstInstanceDecision::Multa {
            multa: FineInputs {
                valor_base: Money::reais(250_000),
                circunstancias: vec!["reincidencia".into()],
                multiplicador_coletivo: dec!(15),
            },
        },
        fundamentacao: NonEmptyText::written(GROUNDS),
        documento: NonEmptyText::written("Decisão"),
    };
    // 250 000 × 1 × 1,5 × 15 = 5 625 000, clamped to 1 000 000.
    let clamped = FineComputation {
        beneficiarios_operadora: 50_000,
        fator_porte: Decimal::ONE,
        circunstancias: vec![reincidencia()],
        beneficiarios_expostos: 150_000,
        multiplicador_coletivo: dec!(15),
        multiplicador_coletivo_maximo: dec!(15),
        valor_calculado: dec!(5625000),
        ..fine_388(250_000, 1_000_000)
    };
    world
        .when(by_diretoria(case, d(2017, 3, 21), decision))
        .then_events([fined(clamped, appeal_deadline(d(2017, 3, 21), d(2017, 3, 31)))])
        .then_state(|pas| {
            let autos_domain::case::CaseDetail::Sancionador(s) = &pas.detalhe else { panic!("a PAS") };
            let multa = s.multa.as_ref().unwrap();
            assert_eq!(multa.recompute(), **multa, "reproducible from its stored factors");
        });
}

#[test]
fn payments_must_be_positive_and_never_exceed_what_is_owed() {
    // RN 48/2003: the GRU settles what the decision fixed, no more.
    let mut world = world_with_operator(d(2016, 2, 1), 5_000);
    let case = final_fine(&mut world, 30_000);
    let zero =
        CaseCommand::RegistrarPagamento { valor: Money::ZERO, parcela: None, documento: NonEmptyText::written("GRU") };
    world.when(by_fiscal(case, d(2017, 5, 2), zero)).then_refused("pas.pagamento_nao_positivo");
    world.when(by_fiscal(case, d(2017, 5, 2), pay(15_001))).then_refused("pas.pagamento_excede_devido");
    world.when(by_fiscal(case, d(2017, 5, 2), pay_instalment(5_000, 1))).then_invalid("parcela");
    let negative = serde_json::json!({"act": "registrar_pagamento", "valor": "-100.00", "documento": "GRU"});
    assert!(serde_json::from_value::<CaseCommand>(negative).is_err(), "negative money is rejected at parsing");
}

#[test]
fn a_credit_is_filed_in_the_estate_only_when_the_operator_is_in_liquidation() {
    // Lei 9.656/1998 art. 24-D; Lei 6.024/1974: ANS's claim joins the liquidation estate.
    let mut world = world_with_operator(d(2016, 2, 1), 5_000);
    let case = final_fine(&mut world, 30_000);
    let file = CaseCommand::HabilitarCreditoNaMassa { documento: NonEmptyText::written("Ofício de habilitação") };
    world.when(by_fiscal(case, d(2017, 5, 2), file.clone())).then_refused("pas.operadora_fora_de_liquidacao");
    let le = world.new_case_id();
    let decree = CaseCommand::DecretarLiquidacao {
        registro: registro(),
        liquidante: NonEmptyText::written("liquidante-1"),
        fundamento: LeGround::ViolacaoGrave,
        documento: NonEmptyText::written("RO 20/2017"),
    };
    world.given([by_diretoria(le, d(2017, 5, 3), decree)]);
    world
        .when(by_fiscal(case, d(2017, 5, 4), file.clone()))
        .then_events([SanctionEvent::CreditoHabilitado { liquidacao: le, valor: Money::reais(15_000) }]);
    world.when(by_fiscal(case, d(2017, 5, 5), file)).then_refused("pas.credito_ja_habilitado");
}

#[test]
fn only_a_fiscal_draws_up_an_auto_and_only_the_diretoria_decides() {
    // docs/ARCHITECTURE.md §6: fiscal for autos de infração; diretoria for decisions and appeals.
    let mut world = world_with_operator(d(2016, 2, 1), 5_000);
    let case = world.new_case_id();
    world
        .when(case_act(case, actor(Role::Atendente, &[]), d(2017, 3, 6), auto()))
        .then_refused("acesso.papel_nao_autorizado");
    let case = notified(&mut world);
    for role in [Role::Fiscal, Role::Auditor] {
        world
            .when(case_act(case, actor(role, &[]), d(2017, 3, 21), decide_fine(30_000)))
            .then_refused("acesso.papel_nao_autorizado");
    }
}

#[test]
fn the_process_binds_to_the_rules_in_force_on_the_infraction_date() {
    // Tempus regit actum (docs/DOMAIN.md §0): a 2002 infraction follows the seed-era rules, whose
    // defence deadline is [UNCONF], so the opportunity cannot be shown to have passed.
    let mut world = world_with_operator(d(2001, 2, 1), 5_000);
    let case = world.new_case_id();
    let mut old = auto();
    if let CaseCommand::LavrarAutoInfracao { data_infracao, .. } = &mut old {
        *data_infracao = d(2002, 11, 4);
    }
    world.when(by_fiscal(case, d(2003, 10, 6), old)).then_events([Expect::case_like(
        "an auto bound to seed-2000 on the infraction date",
        |e| {
            matches!(e, CaseEvent::Sancionador(SanctionEvent::AutoLavrado { abertura, .. })
                if abertura.versao_regras == "seed-2000" && abertura.fato_gerador == d(2002, 11, 4))
        },
    )]);
    world
        .when(by_fiscal(case, d(2003, 10, 6), CaseCommand::NotificarAutuada { documento: NonEmptyText::written("AR") }))
        .then_events([SanctionEvent::AutuadaNotificada { prazo_defesa: None }])
        .then_state(|pas| assert!(pas.prazos.is_empty()));
    world.when(by_diretoria(case, d(2004, 1, 5), decide_fine(30_000))).then_unconfigured("pas_defesa");
}

#[test]
fn an_auto_comes_only_from_a_complaint_or_referral_of_the_same_operator() {
    // Lei 9.656/1998 art. 29 caput; RN 48/2003 art. 1: auto, representação or denúncia.
    let mut world = world_with_operator(d(2016, 2, 1), 5_000);
    let tcac = world.new_case_id();
    let request = CaseCommand::RequererTcac {
        registro: registro(),
        processos: vec!["1".into()],
        conduta: NonEmptyText::written("c"),
        oferecido_pela_ans: false,
        conduta_em_nip: false,
        negativa_de_urgencia: false,
        documento: NonEmptyText::written("Protocolo"),
    };
    world.given([by_fiscal(tcac, d(2017, 1, 9), request)]);
    let with_origin = |origem: Uuid| {
        let mut from = auto();
        if let CaseCommand::LavrarAutoInfracao { origem: o, .. } = &mut from {
            *o = Some(origem);
        }
        from
    };
    let case = world.new_case_id();
    world.when(by_fiscal(case, d(2017, 3, 6), with_origin(tcac))).then_refused("pas.origem_invalida");
    let representation = world.new_case_id();
    let referral = CaseCommand::RegistrarRepresentacao {
        registro: registro(),
        origem: autos_domain::case::OriginArea::Dides,
        assunto: autos_domain::case::RepresentationSubject::Sib,
        obrigacao: NonEmptyText::written("RN 124/2006 art. 2"),
        periodo_inicio: d(2016, 6, 1),
        periodo_fim: d(2016, 12, 31),
        documento: NonEmptyText::written("Memorando"),
    };
    world.given([by_fiscal(representation, d(2017, 1, 9), referral)]);
    world.when(by_fiscal(case, d(2017, 3, 6), with_origin(representation))).then_events([Expect::case_like(
        "an auto whose opening names the representação",
        move |e| {
            matches!(e, CaseEvent::Sancionador(SanctionEvent::AutoLavrado { abertura, .. })
                if abertura.origem == Some(representation))
        },
    )]);
    let future = CaseCommand::LavrarAutoInfracao {
        registro: registro(),
        processo: NonEmptyText::written(PROCESSO),
        tipo_infracao: NonEmptyText::written("rn124.art77"),
        data_infracao: d(2017, 3, 7),
        fatos: NonEmptyText::written("f"),
        beneficiarios_expostos: 1,
        origem: None,
        documento: NonEmptyText::written("Auto"),
    };
    let other = world.new_case_id();
    world.when(by_fiscal(other, d(2017, 3, 6), future)).then_invalid("data_infracao");
}

// Assignment (Lei 9.784/1999 arts. 11 a 17): any family's case is assigned to an officer or a
// Núcleo by a fiscal or the board; the act records who is responsible, and says so when nothing
// would change.
#[test]
fn a_case_is_assigned_and_reassigned_to_an_officer_or_a_nucleo() {
    let mut world = world_with_operator(d(2017, 1, 2), 5_000);
    let case = notified(&mut world);
    let assign = |responsavel: Option<&str>, nucleo: Option<&str>| CaseCommand::AtribuirCaso {
        responsavel: responsavel.map(str::to_owned),
        nucleo: nucleo.map(str::to_owned),
        motivo: None,
    };
    world.when(by_diretoria(case, d(2017, 3, 7), assign(Some("officer-1"), Some(" NURAF-SP ")))).then_events([
        SharedEvent::Atribuido {
            atribuicao: Assignment { responsavel: Some("officer-1".into()), nucleo: Some("NURAF-SP".into()) },
            motivo: None,
        },
    ]);
    world
        .when(by_fiscal(case, d(2017, 3, 8), assign(Some("officer-1"), Some("NURAF-SP"))))
        .then_refused("caso.ja_atribuido");
    world.when(by_fiscal(case, d(2017, 3, 8), assign(None, Some("  ")))).then_invalid("responsavel");
    world
        .when(by_fiscal(case, d(2017, 3, 8), assign(Some("officer-2"), None)))
        .then_state(|s| assert_eq!(s.atribuicao.as_ref().and_then(|a| a.responsavel.as_deref()), Some("officer-2")));
    let attendant = actor(Role::Atendente, &[]);
    world
        .when(case_act(case, attendant, d(2017, 3, 9), assign(Some("officer-3"), None)))
        .then_refused("acesso.papel_nao_autorizado");
}

#[test]
fn an_auto_exposing_more_beneficiaries_than_brazil_has_people_is_refused() {
    // RN 124/2006 art. 9 §7: the exposed members are persons of the affected product; no count
    // of persons exceeds the population (IBGE, Censo 2022).
    let mut world = world_with_operator(d(2016, 2, 1), 50_000);
    let case = world.new_case_id();
    let mut absurd = auto();
    if let CaseCommand::LavrarAutoInfracao { beneficiarios_expostos, .. } = &mut absurd {
        *beneficiarios_expostos = autos_domain::operator::POPULACAO_DO_BRASIL + 1;
    }
    world.when(by_fiscal(case, d(2017, 3, 6), absurd)).then_refused("contagem.acima_da_populacao");
}
