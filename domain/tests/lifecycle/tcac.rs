//! TCAC (docs/DOMAIN.md §2.6): the events of each RN 372/2015 step and of the RDC 57/2001 path, the
//! processes it suspends and the two-year bar after a breach on the operator's stream, and every
//! refusal by its rule id.

use autos_domain::case::{Abertura, TcacEvent, TcacPhase};
use autos_domain::testing::{actor, case_act, d, deadline, Act, Expect, World};
use autos_domain::NonEmptyText;
use autos_domain::{Actor, Calendar, CaseCommand, OperatorEvent, Role};
use chrono::NaiveDate;
use uuid::Uuid;

use crate::common::{registro, world_with_operator};

const PROCESSO: &str = "33910.018565/2019-58";

fn request() -> CaseCommand {
    CaseCommand::RequererTcac {
        registro: registro(),
        processos: vec![PROCESSO.into()],
        conduta: NonEmptyText::written("reajuste aplicado sem autorização"),
        oferecido_pela_ans: false,
        conduta_em_nip: false,
        negativa_de_urgencia: false,
        documento: NonEmptyText::written("Protocolo 123/2017"),
    }
}

fn fiscal() -> Actor {
    actor(Role::Fiscal, &[])
}

fn diretoria() -> Actor {
    actor(Role::Diretoria, &[])
}

/// The steps up to the DICOL authorisation, all on `on`.
fn up_to_authorisation(case: Uuid, on: NaiveDate) -> Vec<Act> {
    vec![
        case_act(case, fiscal(), on, request()),
        case_act(
            case,
            fiscal(),
            on,
            CaseCommand::TriarTcac { admitido: true, fundamentacao: NonEmptyText::written("requisitos atendidos") },
        ),
        case_act(
            case,
            diretoria(),
            on,
            CaseCommand::AprovarMinutaTcac { documento: NonEmptyText::written("Minuta aprovada") },
        ),
        case_act(case, fiscal(), on, CaseCommand::RegistrarAssinaturaCompromissaria {}),
        case_act(
            case,
            diretoria(),
            on,
            CaseCommand::AutorizarTcac {
                numero: NonEmptyText::written("TCAC nº 017/2017"),
                documento: NonEmptyText::written("Deliberação DICOL"),
            },
        ),
    ]
}

/// A TCAC opened on `on` and driven to "em vigor" under RN 372/2015.
fn in_force(world: &mut World, on: NaiveDate) -> Uuid {
    let case = world.new_case_id();
    world.given(up_to_authorisation(case, on));
    world.given([case_act(case, fiscal(), on, CaseCommand::ComprovarPagamentoAntecipadoTcac {})]);
    case
}

fn decide_fulfilment(cumprido: bool) -> CaseCommand {
    CaseCommand::DecidirCumprimentoTcac {
        cumprido,
        data_descumprimento: None,
        documento: NonEmptyText::written("Deliberação DICOL"),
    }
}

#[test]
fn a_tcac_runs_from_request_to_fulfilment_under_rn_372() {
    // RN 372/2015: screening, draft (10 d to sign), signatures, DICOL (10 d to pay upfront),
    // upfront payment, then in force suspending the listed process (Lei 9.656/1998 art. 29 §1).
    let mut world = world_with_operator(d(2016, 2, 1), 5_000);
    let case = world.new_case_id();
    let on = d(2017, 3, 6);
    let step = deadline(on, 10, Calendar::Corridos, d(2017, 3, 16));
    world.when(case_act(case, fiscal(), on, request())).then_events([TcacEvent::Requerido {
        abertura: Abertura {
            registro: registro(),
            versao_regras: "rn-388-2015".into(),
            fato_gerador: on,
            origem: None,
        },
        processos: vec![PROCESSO.into()],
        conduta: "reajuste aplicado sem autorização".into(),
        oferecido_pela_ans: false,
    }]);
    let screen =
        CaseCommand::TriarTcac { admitido: true, fundamentacao: NonEmptyText::written("requisitos atendidos") };
    world
        .when(case_act(case, fiscal(), on, screen))
        .then_events([TcacEvent::Triado { admitido: true, fundamentacao: "requisitos atendidos".into() }]);
    world
        .when(case_act(
            case,
            diretoria(),
            on,
            CaseCommand::AprovarMinutaTcac { documento: NonEmptyText::written("Minuta") },
        ))
        .then_events([TcacEvent::MinutaAprovada { prazo_assinatura: Some(step.clone()) }]);
    world
        .when(case_act(case, fiscal(), on, CaseCommand::RegistrarAssinaturaCompromissaria {}))
        .then_events([TcacEvent::AssinadoPelaCompromissaria {}]);
    let authorise = CaseCommand::AutorizarTcac {
        numero: NonEmptyText::written("TCAC nº 017/2017"),
        documento: NonEmptyText::written("DICOL"),
    };
    world
        .when(case_act(case, diretoria(), on, authorise))
        .then_events([TcacEvent::Autorizado { numero: "TCAC nº 017/2017".into(), prazo_pagamento: Some(step) }])
        .then_operator(|op| assert_eq!(op.tcac_suspending(PROCESSO), None, "not in force before the payment"));
    world
        .when(case_act(case, fiscal(), on, CaseCommand::ComprovarPagamentoAntecipadoTcac {}))
        .then_events([
            Expect::from(TcacEvent::PagamentoAntecipadoComprovado {}),
            OperatorEvent::TcacEmVigor { caso: case, processos: vec![PROCESSO.into()] }.into(),
        ])
        .then_state(|tcac| assert_eq!(tcac.phase(), "em_vigor"))
        .then_operator(|op| assert_eq!(op.tcac_suspending(PROCESSO), Some(case)));
    world
        .when(case_act(case, diretoria(), d(2018, 3, 6), decide_fulfilment(true)))
        .then_events([
            Expect::from(TcacEvent::CumprimentoDecidido { cumprido: true }),
            OperatorEvent::TcacEncerrado { caso: case }.into(),
        ])
        .then_state(|tcac| assert!(tcac.is_closed()))
        .then_operator(|op| assert_eq!((op.tcac_vedado_ate, op.tcac_suspending(PROCESSO)), (None, None)));
}

#[test]
fn a_breached_tcac_bars_a_new_one_for_two_years() {
    // Lei 9.656/1998 art. 29; RDC 57/2001; RN 372/2015 art. 5: no new TCAC within 2 years of a
    // breach, counted here from the DICOL decision (10 May 2018 → 10 May 2020).
    let mut world = world_with_operator(d(2016, 2, 1), 5_000);
    let case = in_force(&mut world, d(2017, 3, 6));
    world
        .when(case_act(case, diretoria(), d(2018, 5, 10), decide_fulfilment(false)))
        .then_events([
            Expect::from(TcacEvent::CumprimentoDecidido { cumprido: false }),
            OperatorEvent::TcacEncerrado { caso: case }.into(),
            OperatorEvent::TcacVedado { caso: case, ate: d(2020, 5, 10) }.into(),
        ])
        .then_operator(|op| assert_eq!(op.tcac_vedado_ate, Some(d(2020, 5, 10))));
    let again = world.new_case_id();
    world.when(case_act(again, fiscal(), d(2020, 5, 9), request())).then_refused("tcac.vedado_apos_descumprimento");
    let later = world.new_case_id();
    world
        .when(case_act(later, fiscal(), d(2020, 5, 11), request()))
        .then_events([Expect::case_like("the request, once the bar ended", |e| {
            matches!(e, autos_domain::CaseEvent::Tcac(TcacEvent::Requerido { processos, .. }) if processos == &[PROCESSO])
        })]);
}

#[test]
fn no_tcac_for_conduct_still_in_a_nip_or_for_denial_of_urgency() {
    // RN 372/2015 art. 5.
    let mut world = world_with_operator(d(2016, 2, 1), 5_000);
    let mut in_nip = request();
    if let CaseCommand::RequererTcac { conduta_em_nip, .. } = &mut in_nip {
        *conduta_em_nip = true;
    }
    let case = world.new_case_id();
    world.when(case_act(case, fiscal(), d(2017, 3, 6), in_nip)).then_refused("tcac.conduta_em_nip");
    let mut urgency = request();
    if let CaseCommand::RequererTcac { negativa_de_urgencia, .. } = &mut urgency {
        *negativa_de_urgencia = true;
    }
    world.when(case_act(case, fiscal(), d(2017, 3, 6), urgency)).then_refused("tcac.negativa_de_urgencia");
    let mut nothing = request();
    if let CaseCommand::RequererTcac { processos, .. } = &mut nothing {
        *processos = vec![" ".into()];
    }
    world.when(case_act(case, fiscal(), d(2017, 3, 6), nothing)).then_invalid("processos");
}

#[test]
fn a_tcac_is_authorised_only_after_the_draft_and_the_signature() {
    // RN 372/2015: the steps follow in order.
    let mut world = world_with_operator(d(2016, 2, 1), 5_000);
    let case = world.new_case_id();
    world.given([case_act(case, fiscal(), d(2017, 3, 6), request())]);
    let authorise = CaseCommand::AutorizarTcac {
        numero: NonEmptyText::written("TCAC nº 1/2017"),
        documento: NonEmptyText::written("DICOL"),
    };
    world.when(case_act(case, diretoria(), d(2017, 3, 7), authorise)).then_refused("tcac.transicao_invalida");
}

#[test]
fn a_late_signature_is_refused() {
    // RN 372/2015: the compromissária signs within 10 days of the approved draft (6 → 16 Mar 2017).
    let mut world = world_with_operator(d(2016, 2, 1), 5_000);
    let case = world.new_case_id();
    let mut steps = up_to_authorisation(case, d(2017, 3, 6));
    steps.truncate(3);
    world.given(steps);
    world
        .when(case_act(case, fiscal(), d(2017, 3, 17), CaseCommand::RegistrarAssinaturaCompromissaria {}))
        .then_refused("tcac.assinatura_fora_do_prazo");
}

#[test]
fn a_tcac_is_null_only_once_the_upfront_payment_deadline_passed() {
    // RN 372/2015: payment proved within 10 days of the DIFIS signature (to 16 Mar 2017), or the
    // term is null.
    let mut world = world_with_operator(d(2016, 2, 1), 5_000);
    let case = world.new_case_id();
    world.given(up_to_authorisation(case, d(2017, 3, 6)));
    let null = CaseCommand::DeclararNulidadeTcac { documento: NonEmptyText::written("Despacho") };
    world.when(case_act(case, fiscal(), d(2017, 3, 16), null.clone())).then_refused("prazo.nao_vencido");
    world
        .when(case_act(case, fiscal(), d(2017, 3, 17), CaseCommand::ComprovarPagamentoAntecipadoTcac {}))
        .then_refused("tcac.pagamento_fora_do_prazo");
    world
        .when(case_act(case, fiscal(), d(2017, 4, 30), null))
        .then_events([TcacEvent::Anulado {}])
        .then_state(|tcac| {
            assert_eq!(tcac.phase(), <&str>::from(TcacPhase::Nulo));
        })
        .then_operator(|op| assert_eq!(op.tcac_suspending(PROCESSO), None));
}

#[test]
fn under_rdc_57_an_authorised_tcac_is_in_force_at_once() {
    // RDC 57/2001: signing before DICOL suspends the PAS; no step deadlines, no upfront payment.
    let mut world = world_with_operator(d(2001, 2, 1), 5_000);
    let case = world.new_case_id();
    let mut steps = up_to_authorisation(case, d(2002, 6, 3));
    let authorise = steps.remove(4);
    let sign = steps.remove(3);
    let draft = steps.remove(2);
    world.given(steps);
    world.when(draft).then_events([TcacEvent::MinutaAprovada { prazo_assinatura: None }]);
    world.given([sign]);
    world
        .when(authorise)
        .then_events([
            Expect::from(TcacEvent::Autorizado { numero: "TCAC nº 017/2017".into(), prazo_pagamento: None }),
            OperatorEvent::TcacEmVigor { caso: case, processos: vec![PROCESSO.into()] }.into(),
        ])
        .then_state(|tcac| assert_eq!((tcac.phase(), tcac.prazos.len()), ("em_vigor", 0)));
}
