//! Processo administrativo sancionador (DOMAIN.md §2.7 and §3): the lifecycle from the auto de
//! infração to payment, the discount options, the appeal, instalments, default and dívida ativa,
//! and every transition the law refuses.

use autos_domain::case::{
    AppealDecision, DeadlineKey, FirstInstanceDecision, InstalmentPlan, LeGround, Penalty, SanctionState,
};
use autos_domain::fine::FineInputs;
use autos_domain::rules::DiscountKind;
use autos_domain::testing::{actor, assert_refused, d, World};
use autos_domain::{CaseCommand, CaseState, DomainError, Money, Role};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use uuid::Uuid;

use crate::common::{registro, world_with_operator};

const PROCESSO: &str = "33910.018565/2017-58";

fn auto() -> CaseCommand {
    CaseCommand::LavrarAutoInfracao {
        registro: registro(),
        processo: PROCESSO.into(),
        tipo_infracao: "rn124.art77".into(),
        data_infracao: d(2017, 2, 10),
        fatos: "negativa de cobertura de procedimento do rol".into(),
        beneficiarios_expostos: 500,
        origem: None,
        documento: "Auto de Infração nº 1.234/2017".into(),
    }
}

fn fine(base: u32) -> FineInputs {
    FineInputs { valor_base: Money::reais(base), circunstancias: vec![], multiplicador_coletivo: Decimal::ONE }
}

fn decide_fine(base: u32) -> CaseCommand {
    CaseCommand::DecidirPrimeiraInstancia {
        decisao: FirstInstanceDecision::Multa { multa: fine(base) },
        fundamentacao: "infração comprovada".into(),
        documento: "Decisão DIFIS nº 10/2017".into(),
    }
}

fn pay(reais: u32) -> CaseCommand {
    CaseCommand::RegistrarPagamento { valor: Money::reais(reais), parcela: None, documento: "GRU 1".into() }
}

fn pay_instalment(reais: u32, parcela: u32) -> CaseCommand {
    CaseCommand::RegistrarPagamento { valor: Money::reais(reais), parcela: Some(parcela), documento: "GRU 2".into() }
}

fn fiscal() -> autos_domain::Actor {
    actor(Role::Fiscal, &[])
}

fn diretoria() -> autos_domain::Actor {
    actor(Role::Diretoria, &[])
}

fn pas(case: &CaseState) -> SanctionState {
    match &case.detail {
        autos_domain::case::CaseDetail::Sancionador(s) => s.clone(),
        other => panic!("not a sanctioning process: {other:?}"),
    }
}

/// An auto de infração drawn up and notified on 6 Mar 2017 (rules of RN 388/2015).
fn notified(world: &mut World) -> Uuid {
    let case = world.new_case_id();
    world.given_case(case, registro(), fiscal(), d(2017, 3, 6), auto());
    world.given_case(
        case,
        registro(),
        fiscal(),
        d(2017, 3, 6),
        CaseCommand::NotificarAutuada { documento: "AR".into() },
    );
    case
}

/// A fine of `base` × porte 0,5 decided on 3 Apr 2017 after the defence.
fn decided(world: &mut World, base: u32) -> Uuid {
    let case = notified(world);
    world.given_case(
        case,
        registro(),
        fiscal(),
        d(2017, 3, 15),
        CaseCommand::RegistrarDefesa { protocolo: "P-1".into() },
    );
    world.given_case(case, registro(), diretoria(), d(2017, 4, 3), decide_fine(base));
    case
}

/// The same fine made final on 17 Apr 2017, after the appeal deadline ran out.
fn final_fine(world: &mut World, base: u32) -> Uuid {
    let case = decided(world, base);
    world.given_case(
        case,
        registro(),
        diretoria(),
        d(2017, 4, 17),
        CaseCommand::CertificarTransitoEmJulgado { documento: "Certidão".into() },
    );
    case
}

fn when(
    world: &mut World,
    case: Uuid,
    who: autos_domain::Actor,
    on: NaiveDate,
    command: CaseCommand,
) -> Result<Vec<autos_domain::Emitted>, DomainError> {
    world.when_case(case, registro(), who, on, command)
}

#[test]
fn a_fine_runs_from_the_auto_de_infracao_to_payment() {
    // Lei 9.656/1998 art. 29; RN 388/2015 (10 du defence, 10 d appeal); RN 48/2003 (30 d to pay).
    let mut world = world_with_operator(d(2016, 2, 1), 5_000);
    let case = notified(&mut world);
    assert_eq!(world.case(case).phase(), "aguardando_defesa");
    assert_eq!(world.case(case).deadlines[&DeadlineKey::Defesa].due, d(2017, 3, 20));
    world.given_case(
        case,
        registro(),
        fiscal(),
        d(2017, 3, 15),
        CaseCommand::RegistrarDefesa { protocolo: "P-1".into() },
    );
    assert_eq!(world.case(case).phase(), "instrucao");
    world.given_case(case, registro(), diretoria(), d(2017, 4, 3), decide_fine(30_000));
    let state = world.case(case);
    assert_eq!(state.phase(), "decidido");
    assert_eq!(state.deadlines[&DeadlineKey::Recurso].due, d(2017, 4, 13));
    let multa = pas(&state).multa.unwrap();
    assert_eq!((multa.fator_porte, multa.beneficiarios_operadora), (dec!(0.5), 5_000));
    assert_eq!(multa.valor_devido, Money::reais(15_000));
    assert_eq!(multa.versao_regras, "rn-388-2015");
    world.given_case(
        case,
        registro(),
        diretoria(),
        d(2017, 4, 17),
        CaseCommand::CertificarTransitoEmJulgado { documento: "Certidão".into() },
    );
    assert_eq!(world.case(case).phase(), "final");
    assert_eq!(world.case(case).deadlines[&DeadlineKey::Pagamento].due, d(2017, 5, 17));
    world.given_case(case, registro(), fiscal(), d(2017, 5, 2), pay(5_000));
    assert_eq!(pas(&world.case(case)).owed(), Money::reais(10_000));
    world.given_case(case, registro(), fiscal(), d(2017, 5, 10), pay(10_000));
    assert_eq!(world.case(case).phase(), "pago");
    assert!(world.case(case).is_closed() && world.case(case).deadlines.is_empty());
}

#[test]
fn a_paid_or_archived_process_is_immutable() {
    // DOMAIN.md §2.7: a paid or archived PAS is immutable.
    let mut world = world_with_operator(d(2016, 2, 1), 5_000);
    let paid = final_fine(&mut world, 30_000);
    world.given_case(paid, registro(), fiscal(), d(2017, 5, 10), pay(15_000));
    assert_refused(when(&mut world, paid, fiscal(), d(2017, 5, 11), pay(1)), "caso.encerrado");
    let archived = notified(&mut world);
    let archive = CaseCommand::DecidirPrimeiraInstancia {
        decisao: FirstInstanceDecision::Arquivamento,
        fundamentacao: "conduta não comprovada".into(),
        documento: "Decisão".into(),
    };
    world.given_case(archived, registro(), diretoria(), d(2017, 3, 8), archive);
    assert_eq!(world.case(archived).phase(), "arquivado");
    assert_refused(
        when(&mut world, archived, fiscal(), d(2017, 3, 9), CaseCommand::InterporRecurso { protocolo: "R".into() }),
        "caso.encerrado",
    );
}

#[test]
fn paying_in_place_of_the_defence_earns_the_discount_and_settles_the_process() {
    // RN 388/2015: 40 % off for paying instead of defending; the option waives the defence.
    let mut world = world_with_operator(d(2016, 2, 1), 5_000);
    let case = notified(&mut world);
    let option = CaseCommand::OptarPagamentoComDesconto {
        desconto: DiscountKind::PagamentoAntecipado,
        multa: Some(fine(30_000)),
    };
    world.given_case(case, registro(), fiscal(), d(2017, 3, 10), option);
    let state = world.case(case);
    assert_eq!(state.phase(), "pagamento_com_desconto");
    let multa = pas(&state).multa.unwrap();
    assert_eq!((multa.valor_multa, multa.valor_devido), (Money::reais(15_000), Money::reais(9_000)));
    assert_eq!(state.deadlines[&DeadlineKey::Pagamento].due, d(2017, 3, 20));
    assert!(!state.deadlines.contains_key(&DeadlineKey::Defesa));
    assert_refused(
        when(&mut world, case, fiscal(), d(2017, 3, 13), CaseCommand::RegistrarDefesa { protocolo: "P".into() }),
        "pas.transicao_invalida",
    );
    assert_refused(
        when(&mut world, case, fiscal(), d(2017, 3, 13), pay(4_000)),
        "pas.desconto_exige_pagamento_integral",
    );
    world.given_case(case, registro(), fiscal(), d(2017, 3, 14), pay(9_000));
    assert_eq!(world.case(case).phase(), "pago");
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
    world.given_case(case, registro(), fiscal(), d(2017, 3, 10), option);
    assert_refused(
        when(&mut world, case, fiscal(), d(2017, 3, 20), CaseCommand::DeclararInadimplencia {}),
        "prazo.nao_vencido",
    );
    assert_refused(when(&mut world, case, fiscal(), d(2017, 3, 21), pay(9_000)), "pas.desconto_intempestivo");
    world.given_case(case, registro(), fiscal(), d(2017, 3, 21), CaseCommand::DeclararInadimplencia {});
    let state = pas(&world.case(case));
    assert_eq!((world.case(case).phase(), state.defesa_renunciada, state.multa), ("instrucao".to_owned(), true, None));
    world.given_case(case, registro(), diretoria(), d(2017, 4, 3), decide_fine(30_000));
    assert_eq!(pas(&world.case(case)).multa.unwrap().valor_devido, Money::reais(15_000));
}

#[test]
fn paying_in_place_of_the_appeal_earns_the_smaller_discount() {
    // RN 388/2015: 20 % off for paying after the first-instance decision instead of appealing.
    let mut world = world_with_operator(d(2016, 2, 1), 5_000);
    let case = decided(&mut world, 30_000);
    let wrong = CaseCommand::OptarPagamentoComDesconto { desconto: DiscountKind::PagamentoAntecipado, multa: None };
    assert_refused(when(&mut world, case, fiscal(), d(2017, 4, 5), wrong), "pas.desconto_incompativel_com_fase");
    let option = CaseCommand::OptarPagamentoComDesconto { desconto: DiscountKind::RenunciaRecurso, multa: None };
    world.given_case(case, registro(), fiscal(), d(2017, 4, 5), option);
    assert_eq!(pas(&world.case(case)).owed(), Money::reais(12_000));
    assert_refused(
        when(&mut world, case, fiscal(), d(2017, 4, 6), CaseCommand::InterporRecurso { protocolo: "R".into() }),
        "pas.transicao_invalida",
    );
    world.given_case(case, registro(), fiscal(), d(2017, 4, 10), pay(12_000));
    assert_eq!(world.case(case).phase(), "pago");
}

#[test]
fn the_appeal_may_reduce_the_fine_and_the_reduced_fine_is_paid() {
    // Lei 9.784/1999 arts. 56–64; RN 48/2003 art. 24: DICOL judges the appeal.
    let mut world = world_with_operator(d(2016, 2, 1), 5_000);
    let case = decided(&mut world, 30_000);
    world.given_case(
        case,
        registro(),
        fiscal(),
        d(2017, 4, 10),
        CaseCommand::InterporRecurso { protocolo: "R-1".into() },
    );
    assert_eq!(world.case(case).phase(), "recurso");
    let judge = |base| CaseCommand::JulgarRecurso {
        julgamento: AppealDecision::Reduzida { multa: fine(base) },
        fundamentacao: "atenuante reconhecida".into(),
        documento: "Deliberação DICOL".into(),
    };
    assert_refused(when(&mut world, case, diretoria(), d(2017, 5, 2), judge(40_000)), "pas.reducao_invalida");
    world.given_case(case, registro(), diretoria(), d(2017, 5, 2), judge(20_000));
    let state = world.case(case);
    assert_eq!(state.phase(), "final");
    assert_eq!(pas(&state).owed(), Money::reais(10_000));
    assert!(state.deadlines.contains_key(&DeadlineKey::Pagamento));
    world.given_case(case, registro(), fiscal(), d(2017, 5, 20), pay(10_000));
    assert!(world.case(case).is_closed());
}

#[test]
fn an_appeal_that_cancels_the_penalty_archives_the_process() {
    // Lei 9.784/1999 art. 64: the appeal authority may annul or revoke the decision.
    let mut world = world_with_operator(d(2016, 2, 1), 5_000);
    let case = decided(&mut world, 30_000);
    world.given_case(
        case,
        registro(),
        fiscal(),
        d(2017, 4, 10),
        CaseCommand::InterporRecurso { protocolo: "R-1".into() },
    );
    let cancel = CaseCommand::JulgarRecurso {
        julgamento: AppealDecision::Cancelada,
        fundamentacao: "nulidade da notificação".into(),
        documento: "Deliberação DICOL".into(),
    };
    world.given_case(case, registro(), diretoria(), d(2017, 5, 2), cancel);
    assert_eq!(world.case(case).phase(), "arquivado");
    assert_eq!(pas(&world.case(case)).owed(), Money::ZERO);
}

#[test]
fn an_appeal_after_its_deadline_is_refused() {
    // RN 388/2015: appeal within 10 days of the decision.
    let mut world = world_with_operator(d(2016, 2, 1), 5_000);
    let case = decided(&mut world, 30_000);
    assert_refused(
        when(&mut world, case, fiscal(), d(2017, 4, 14), CaseCommand::InterporRecurso { protocolo: "R".into() }),
        "pas.recurso_intempestivo",
    );
    let certify = CaseCommand::CertificarTransitoEmJulgado { documento: "Certidão".into() };
    assert_refused(when(&mut world, case, diretoria(), d(2017, 4, 13), certify), "prazo.nao_vencido");
}

#[test]
fn a_final_advertencia_closes_the_process_with_nothing_to_pay() {
    // Lei 9.656/1998 art. 25 I.
    let mut world = world_with_operator(d(2016, 2, 1), 5_000);
    let case = notified(&mut world);
    world.given_case(
        case,
        registro(),
        fiscal(),
        d(2017, 3, 15),
        CaseCommand::RegistrarDefesa { protocolo: "P".into() },
    );
    let warn = CaseCommand::DecidirPrimeiraInstancia {
        decisao: FirstInstanceDecision::Advertencia,
        fundamentacao: "primeira ocorrência".into(),
        documento: "Decisão".into(),
    };
    world.given_case(case, registro(), diretoria(), d(2017, 4, 3), warn);
    assert_eq!(pas(&world.case(case)).penalidade, Some(Penalty::Advertencia));
    let option = CaseCommand::OptarPagamentoComDesconto { desconto: DiscountKind::RenunciaRecurso, multa: None };
    assert_refused(when(&mut world, case, fiscal(), d(2017, 4, 5), option), "pas.desconto_incompativel_com_fase");
    world.given_case(
        case,
        registro(),
        diretoria(),
        d(2017, 4, 17),
        CaseCommand::CertificarTransitoEmJulgado { documento: "Certidão".into() },
    );
    assert_eq!(world.case(case).phase(), "advertencia_definitiva");
    assert!(world.case(case).is_closed());
}

#[test]
fn instalments_sum_exactly_to_the_fine_and_their_payments_settle_it() {
    // RN 48/2003: 30 d to pay or ask for instalments; RN 04/2002 (parcelamento).
    let mut world = world_with_operator(d(2016, 2, 1), 5_000);
    let case = final_fine(&mut world, 30_000);
    let plan = |amounts: [u32; 3]| CaseCommand::ConcederParcelamento {
        parcelas: amounts
            .iter()
            .zip([d(2017, 6, 5), d(2017, 7, 5), d(2017, 8, 7)])
            .map(|(v, vencimento)| InstalmentPlan { vencimento, valor: Money::reais(*v) })
            .collect(),
        documento: "Termo de parcelamento".into(),
    };
    assert_refused(
        when(&mut world, case, diretoria(), d(2017, 5, 5), plan([5_000, 5_000, 4_000])),
        "pas.parcelas_nao_somam_o_devido",
    );
    world.given_case(case, registro(), diretoria(), d(2017, 5, 5), plan([5_000, 5_000, 5_000]));
    assert_eq!(world.case(case).phase(), "parcelado");
    assert_refused(
        when(&mut world, case, fiscal(), d(2017, 6, 1), pay_instalment(6_000, 1)),
        "pas.pagamento_excede_devido",
    );
    assert_refused(when(&mut world, case, fiscal(), d(2017, 6, 1), pay(5_000)), "invalid.parcela");
    for (n, on) in [(1, d(2017, 6, 1)), (2, d(2017, 7, 3)), (3, d(2017, 8, 1))] {
        world.given_case(case, registro(), fiscal(), on, pay_instalment(5_000, n));
    }
    let state = world.case(case);
    assert_eq!(state.phase(), "pago");
    assert!(pas(&state).parcelas.iter().all(|p| p.pago == p.valor));
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
        documento: "Termo".into(),
    };
    world.given_case(case, registro(), diretoria(), d(2017, 5, 5), plan);
    world.given_case(case, registro(), fiscal(), d(2017, 6, 5), pay_instalment(7_500, 1));
    assert_refused(
        when(&mut world, case, fiscal(), d(2017, 7, 5), CaseCommand::DeclararInadimplencia {}),
        "pas.parcelas_em_dia",
    );
    world.given_case(case, registro(), fiscal(), d(2017, 7, 6), CaseCommand::DeclararInadimplencia {});
    assert_eq!(world.case(case).phase(), "inadimplente");
    assert_eq!(pas(&world.case(case)).owed(), Money::reais(7_500));
}

#[test]
fn an_unpaid_fine_goes_to_divida_ativa_only_after_default_is_declared() {
    // RN 48/2003; Lei 6.830/1980; Lei 10.522/2002 (CADIN).
    let mut world = world_with_operator(d(2016, 2, 1), 5_000);
    let case = final_fine(&mut world, 30_000);
    let inscribe = CaseCommand::InscreverDividaAtiva { documento: "CDA 77/2017".into() };
    assert_refused(
        when(&mut world, case, diretoria(), d(2017, 5, 10), inscribe.clone()),
        "pas.divida_ativa_sem_inadimplencia",
    );
    assert_refused(
        when(&mut world, case, fiscal(), d(2017, 5, 17), CaseCommand::DeclararInadimplencia {}),
        "prazo.nao_vencido",
    );
    world.given_case(case, registro(), fiscal(), d(2017, 5, 18), CaseCommand::DeclararInadimplencia {});
    world.given_case(case, registro(), diretoria(), d(2017, 6, 1), inscribe.clone());
    assert_eq!(world.case(case).phase(), "divida_ativa");
    assert_refused(when(&mut world, case, diretoria(), d(2017, 6, 2), inscribe), "pas.transicao_invalida");
    world.given_case(case, registro(), fiscal(), d(2018, 2, 1), pay(15_000));
    assert_eq!(world.case(case).phase(), "pago");
}

#[test]
fn no_sanction_before_the_defence_opportunity() {
    // Lei 9.784/1999 art. 2; RN 48/2003: notified, and defence filed or its deadline run out.
    let mut world = world_with_operator(d(2016, 2, 1), 5_000);
    let case = world.new_case_id();
    world.given_case(case, registro(), fiscal(), d(2017, 3, 6), auto());
    assert_refused(when(&mut world, case, diretoria(), d(2017, 3, 6), decide_fine(30_000)), "pas.sancao_sem_defesa");
    world.given_case(
        case,
        registro(),
        fiscal(),
        d(2017, 3, 6),
        CaseCommand::NotificarAutuada { documento: "AR".into() },
    );
    assert_refused(when(&mut world, case, diretoria(), d(2017, 3, 20), decide_fine(30_000)), "pas.sancao_sem_defesa");
    assert_refused(
        when(&mut world, case, fiscal(), d(2017, 3, 21), CaseCommand::RegistrarDefesa { protocolo: "P".into() }),
        "pas.defesa_intempestiva",
    );
    world.given_case(case, registro(), diretoria(), d(2017, 3, 21), decide_fine(30_000));
    assert_eq!(world.case(case).phase(), "decidido");
}

#[test]
fn a_process_covered_by_a_tcac_in_force_cannot_be_decided() {
    // Lei 9.656/1998 art. 29 §1: the TCAC suspends the listed processes while in force.
    let mut world = world_with_operator(d(2016, 2, 1), 5_000);
    let case = notified(&mut world);
    world.given_case(
        case,
        registro(),
        fiscal(),
        d(2017, 3, 15),
        CaseCommand::RegistrarDefesa { protocolo: "P".into() },
    );
    let tcac = world.new_case_id();
    let on = d(2017, 3, 16);
    let steps = [
        (
            fiscal(),
            CaseCommand::RequererTcac {
                registro: registro(),
                processos: vec!["33910018565201758".into()],
                conduta: "negativa de cobertura".into(),
                oferecido_pela_ans: false,
                conduta_em_nip: false,
                negativa_de_urgencia: false,
                documento: "Protocolo".into(),
            },
        ),
        (fiscal(), CaseCommand::TriarTcac { admitido: true, fundamentacao: "ok".into() }),
        (diretoria(), CaseCommand::AprovarMinutaTcac { documento: "Minuta".into() }),
        (fiscal(), CaseCommand::RegistrarAssinaturaCompromissaria {}),
        (diretoria(), CaseCommand::AutorizarTcac { numero: "TCAC nº 3/2017".into(), documento: "DICOL".into() }),
        (fiscal(), CaseCommand::ComprovarPagamentoAntecipadoTcac {}),
    ];
    for (who, command) in steps {
        world.given_case(tcac, registro(), who, on, command);
    }
    assert_eq!(world.operator(registro()).tcac_suspending(PROCESSO), Some(tcac));
    assert_refused(when(&mut world, case, diretoria(), d(2017, 4, 3), decide_fine(30_000)), "pas.suspenso_por_tcac");
    let breach = CaseCommand::DecidirCumprimentoTcac {
        cumprido: false,
        data_descumprimento: None,
        documento: "Deliberação DICOL".into(),
    };
    world.given_case(tcac, registro(), diretoria(), d(2017, 9, 1), breach);
    assert_eq!(world.operator(registro()).tcac_suspending(PROCESSO), None);
    world.given_case(case, registro(), diretoria(), d(2017, 9, 4), decide_fine(30_000));
}

#[test]
fn a_decided_fine_stays_within_the_statutory_bounds() {
    // Lei 9.656/1998 arts. 27 and 35-D: R$ 5.000,00 to R$ 1.000.000,00 after all multipliers.
    let mut world = world_with_operator(d(2016, 2, 1), 5_000);
    let low = decided(&mut world, 2_000);
    assert_eq!(pas(&world.case(low)).multa.unwrap().valor_multa, Money::reais(5_000));
    let high = notified(&mut world);
    world.given_case(
        high,
        registro(),
        fiscal(),
        d(2017, 3, 15),
        CaseCommand::RegistrarDefesa { protocolo: "P".into() },
    );
    let decision = CaseCommand::DecidirPrimeiraInstancia {
        decisao: FirstInstanceDecision::Multa {
            multa: FineInputs {
                valor_base: Money::reais(900_000),
                circunstancias: vec!["reincidencia".into()],
                multiplicador_coletivo: Decimal::ONE,
            },
        },
        fundamentacao: "reincidência".into(),
        documento: "Decisão".into(),
    };
    world.given_case(high, registro(), diretoria(), d(2017, 4, 3), decision);
    let multa = pas(&world.case(high)).multa.unwrap();
    assert_eq!((multa.valor_calculado, multa.valor_multa), (dec!(675000.00), Money::reais(675_000)));
    let collective = CaseCommand::DecidirPrimeiraInstancia {
        decisao: FirstInstanceDecision::Multa {
            multa: FineInputs {
                valor_base: Money::reais(10_000),
                circunstancias: vec![],
                multiplicador_coletivo: dec!(2),
            },
        },
        fundamentacao: "efeito coletivo".into(),
        documento: "Decisão".into(),
    };
    let case = notified(&mut world);
    assert_refused(
        when(&mut world, case, diretoria(), d(2017, 3, 21), collective),
        "multa.multiplicador_coletivo_acima_do_limite",
    );
}

#[test]
fn a_fine_above_the_maximum_after_every_multiplier_is_clamped() {
    // Lei 9.656/1998 arts. 27 and 35-D; RN 124/2006 art. 9 "até o limite".
    let mut world = world_with_operator(d(2016, 2, 1), 50_000);
    let case = world.new_case_id();
    let mut wide = auto();
    if let CaseCommand::LavrarAutoInfracao { beneficiarios_expostos, .. } = &mut wide {
        *beneficiarios_expostos = 150_000;
    }
    world.given_case(case, registro(), fiscal(), d(2017, 3, 6), wide);
    world.given_case(
        case,
        registro(),
        fiscal(),
        d(2017, 3, 6),
        CaseCommand::NotificarAutuada { documento: "AR".into() },
    );
    let decision = CaseCommand::DecidirPrimeiraInstancia {
        decisao: FirstInstanceDecision::Multa {
            multa: FineInputs {
                valor_base: Money::reais(250_000),
                circunstancias: vec!["reincidencia".into()],
                multiplicador_coletivo: dec!(15),
            },
        },
        fundamentacao: "efeito coletivo".into(),
        documento: "Decisão".into(),
    };
    world.given_case(case, registro(), diretoria(), d(2017, 3, 21), decision);
    let multa = pas(&world.case(case)).multa.unwrap();
    assert_eq!(multa.valor_calculado, dec!(5625000.00));
    assert_eq!(multa.valor_multa, Money::reais(1_000_000));
    assert_eq!(multa.recompute(), *multa);
}

#[test]
fn payments_must_be_positive_and_never_exceed_what_is_owed() {
    // RN 48/2003: the GRU settles what the decision fixed, no more.
    let mut world = world_with_operator(d(2016, 2, 1), 5_000);
    let case = final_fine(&mut world, 30_000);
    let zero = CaseCommand::RegistrarPagamento { valor: Money::ZERO, parcela: None, documento: "GRU".into() };
    assert_refused(when(&mut world, case, fiscal(), d(2017, 5, 2), zero), "pas.pagamento_nao_positivo");
    assert_refused(when(&mut world, case, fiscal(), d(2017, 5, 2), pay(15_001)), "pas.pagamento_excede_devido");
    let negative = serde_json::json!({"act": "registrar_pagamento", "valor": "-100.00", "documento": "GRU"});
    assert!(serde_json::from_value::<CaseCommand>(negative).is_err(), "negative money is rejected at parsing");
}

#[test]
fn a_credit_is_filed_in_the_estate_only_when_the_operator_is_in_liquidation() {
    // Lei 9.656/1998 art. 24-D; Lei 6.024/1974: ANS's claim joins the liquidation estate.
    let mut world = world_with_operator(d(2016, 2, 1), 5_000);
    let case = final_fine(&mut world, 30_000);
    let file = CaseCommand::HabilitarCreditoNaMassa { documento: "Ofício de habilitação".into() };
    assert_refused(when(&mut world, case, fiscal(), d(2017, 5, 2), file.clone()), "pas.operadora_fora_de_liquidacao");
    let le = world.new_case_id();
    let decree = CaseCommand::DecretarLiquidacao {
        registro: registro(),
        liquidante: "liquidante-1".into(),
        fundamento: LeGround::ViolacaoGrave,
        documento: "RO 20/2017".into(),
    };
    world.given_case(le, registro(), diretoria(), d(2017, 5, 3), decree);
    world.given_case(case, registro(), fiscal(), d(2017, 5, 4), file.clone());
    assert_eq!(pas(&world.case(case)).credito_habilitado_em, Some(le));
    assert_refused(when(&mut world, case, fiscal(), d(2017, 5, 5), file), "pas.credito_ja_habilitado");
}

#[test]
fn only_a_fiscal_draws_up_an_auto_and_only_the_diretoria_decides() {
    // ARCHITECTURE.md §6: fiscal for autos de infração; diretoria for decisions and appeals.
    let mut world = world_with_operator(d(2016, 2, 1), 5_000);
    let case = world.new_case_id();
    assert_refused(
        when(&mut world, case, actor(Role::Atendente, &[]), d(2017, 3, 6), auto()),
        "acesso.papel_nao_autorizado",
    );
    let case = notified(&mut world);
    assert_refused(
        when(&mut world, case, fiscal(), d(2017, 3, 21), decide_fine(30_000)),
        "acesso.papel_nao_autorizado",
    );
    assert_refused(
        when(&mut world, case, actor(Role::Auditor, &[]), d(2017, 3, 21), decide_fine(30_000)),
        "acesso.papel_nao_autorizado",
    );
}

#[test]
fn the_process_binds_to_the_rules_in_force_on_the_infraction_date() {
    // Tempus regit actum (DOMAIN.md §0): a 2002 infraction follows the seed-era rules, whose
    // defence deadline is [UNCONF], so the opportunity cannot be shown to have passed.
    let mut world = world_with_operator(d(2001, 2, 1), 5_000);
    let case = world.new_case_id();
    let mut old = auto();
    if let CaseCommand::LavrarAutoInfracao { data_infracao, .. } = &mut old {
        *data_infracao = d(2002, 11, 4);
    }
    world.given_case(case, registro(), fiscal(), d(2003, 10, 6), old);
    let state = world.case(case);
    assert_eq!(
        state.abertura.as_ref().map(|a| (a.versao_regras.as_str(), a.fato_gerador)),
        Some(("seed-2000", d(2002, 11, 4)))
    );
    world.given_case(
        case,
        registro(),
        fiscal(),
        d(2003, 10, 6),
        CaseCommand::NotificarAutuada { documento: "AR".into() },
    );
    assert!(world.case(case).deadlines.is_empty());
    assert_refused(when(&mut world, case, diretoria(), d(2004, 1, 5), decide_fine(30_000)), "config.pas_defence");
}

#[test]
fn an_auto_comes_only_from_a_complaint_or_referral_of_the_same_operator() {
    // Lei 9.656/1998 art. 29 caput; RN 48/2003 art. 1: auto, representação or denúncia.
    let mut world = world_with_operator(d(2016, 2, 1), 5_000);
    let tcac = world.new_case_id();
    let request = CaseCommand::RequererTcac {
        registro: registro(),
        processos: vec!["1".into()],
        conduta: "c".into(),
        oferecido_pela_ans: false,
        conduta_em_nip: false,
        negativa_de_urgencia: false,
        documento: "Protocolo".into(),
    };
    world.given_case(tcac, registro(), fiscal(), d(2017, 1, 9), request);
    let mut from_tcac = auto();
    if let CaseCommand::LavrarAutoInfracao { origem, .. } = &mut from_tcac {
        *origem = Some(tcac);
    }
    let case = world.new_case_id();
    assert_refused(when(&mut world, case, fiscal(), d(2017, 3, 6), from_tcac), "pas.origem_invalida");
    let future = CaseCommand::LavrarAutoInfracao {
        registro: registro(),
        processo: PROCESSO.into(),
        tipo_infracao: "rn124.art77".into(),
        data_infracao: d(2017, 3, 7),
        fatos: "f".into(),
        beneficiarios_expostos: 1,
        origem: None,
        documento: "Auto".into(),
    };
    assert_refused(when(&mut world, case, fiscal(), d(2017, 3, 6), future), "invalid.data_infracao");
}
