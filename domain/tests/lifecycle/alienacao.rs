//! Alienação de carteira (docs/DOMAIN.md §2.5): the events of the voluntary request with its notice
//! and acquirer bar, of the ordered transfer with its single extension and failure, of the
//! compulsory auction on both streams, and of the transfer that keeps the contracts; every
//! refusal by its rule id.

use autos_domain::case::{Abertura, Abrangencia, AlienationEvent, CompulsoryGround, DeadlineKey, Medida, SharedEvent};
use autos_domain::stored::encode;
use autos_domain::testing::{actor, case_act, d, deadline, Expect, World};
use autos_domain::NonEmptyText;
use autos_domain::{Actor, Calendar, CaseCommand, OperadoraState, OperatorEvent, Registro, Role};
use chrono::NaiveDate;
use uuid::Uuid;

use crate::common::{operator, registro, world_with_operator};

fn acquirer() -> Registro {
    Registro::parse("005711").unwrap()
}

/// The standard operator and an acquirer, both registered on `on`.
fn market(on: NaiveDate) -> World {
    let mut world = world_with_operator(on, 12_000);
    operator(&mut world, acquirer(), on, 80_000);
    world
}

fn diretoria() -> Actor {
    actor(Role::Diretoria, &[])
}

fn fiscal() -> Actor {
    actor(Role::Fiscal, &[])
}

fn abertura(versao_regras: &str, fato_gerador: NaiveDate) -> Abertura {
    Abertura { registro: registro(), versao_regras: versao_regras.into(), fato_gerador, origem: None }
}

fn voluntary(abrangencia: Abrangencia, data_pretendida: NaiveDate) -> CaseCommand {
    CaseCommand::RequererAlienacaoVoluntaria {
        registro: registro(),
        adquirente: acquirer(),
        abrangencia,
        beneficiarios: 12_000,
        data_pretendida,
        documento: NonEmptyText::written("Protocolo 33910.000123/2017-11"),
    }
}

fn requested(on: NaiveDate, abrangencia: Abrangencia, data_pretendida: NaiveDate) -> AlienationEvent {
    AlienationEvent::VoluntariaRequerida {
        abertura: abertura("rn-388-2015", on),
        adquirente: acquirer(),
        abrangencia,
        beneficiarios: 12_000,
        data_pretendida,
    }
}

fn decide(autorizada: bool) -> CaseCommand {
    CaseCommand::DecidirAlienacaoVoluntaria {
        autorizada,
        adquirente: acquirer(),
        fundamentacao: NonEmptyText::written("documentação completa"),
        documento: NonEmptyText::written("Ofício DIPRO"),
    }
}

fn decided(autorizada: bool) -> AlienationEvent {
    AlienationEvent::VoluntariaDecidida { autorizada, fundamentacao: "documentação completa".into() }
}

fn transfer(adquirentes: Vec<Registro>) -> CaseCommand {
    CaseCommand::ComprovarTransferenciaCarteira {
        adquirentes,
        beneficiarios: 12_000,
        nova_carencia: false,
        aniversario_mantido: true,
        documento: NonEmptyText::written("Termo de responsabilidade"),
    }
}

/// The transfer of the 12 000 members to the acquirer, contracts kept (RDC 84/2001 art. 2).
fn transferred(no_prazo: Option<bool>) -> AlienationEvent {
    AlienationEvent::TransferenciaComprovada {
        adquirentes: vec![acquirer()],
        beneficiarios: 12_000,
        nova_carencia: false,
        aniversario_mantido: true,
        no_prazo,
    }
}

fn order(recebido_em: NaiveDate) -> CaseCommand {
    CaseCommand::DeterminarAlienacao {
        registro: registro(),
        recebido_em,
        motivos: vec!["risco à continuidade do atendimento".into()],
        documento: NonEmptyText::written("RO 200/2004"),
    }
}

fn extend() -> CaseCommand {
    CaseCommand::ProrrogarPrazo {
        prazo: DeadlineKey::AlienacaoDeterminada,
        motivo: NonEmptyText::written("negociação em curso"),
    }
}

fn compulsory(fundamento: CompulsoryGround) -> CaseCommand {
    CaseCommand::IniciarAlienacaoCompulsoria {
        registro: registro(),
        fundamento,
        documento: NonEmptyText::written("RO 300/2004"),
    }
}

fn df_on(registro: Registro) -> CaseCommand {
    CaseCommand::InstaurarDirecaoFiscal {
        registro,
        motivos: vec!["insuficiência de garantias".into()],
        diretor_fiscal: NonEmptyText::written("Diretor Fiscal"),
        documento: NonEmptyText::written("RO 10/2004"),
        vigencia_dias: None,
    }
}

fn fiscal_regime(world: &mut World, on: NaiveDate) {
    let df = world.new_case_id();
    world.given([case_act(df, diretoria(), on, df_on(registro()))]);
}

/// A compulsory auction started on 2 Aug 2004 during a DF decreed on 2 Feb 2004.
fn auction(world: &mut World) -> Uuid {
    fiscal_regime(world, d(2004, 2, 2));
    let case = world.new_case_id();
    world.given([case_act(case, diretoria(), d(2004, 8, 2), compulsory(CompulsoryGround::PropostaDoDiretor))]);
    case
}

#[test]
fn a_voluntary_total_alienation_is_requested_authorised_and_transferred() {
    // RN 112/2005 (RN 145/2007): prior authorisation, then the members move keeping their contracts.
    let mut world = market(d(2016, 2, 1));
    let case = world.new_case_id();
    world
        .when(case_act(case, fiscal(), d(2017, 3, 1), voluntary(Abrangencia::Total, d(2017, 4, 3))))
        .then_events([requested(d(2017, 3, 1), Abrangencia::Total, d(2017, 4, 3))])
        .then_state(|a| assert_eq!(a.phase(), "requerida"));
    world
        .when(case_act(case, diretoria(), d(2017, 3, 15), decide(true)))
        .then_events([decided(true)])
        .then_state(|a| assert_eq!(a.phase(), "autorizada"));
    let outcome = world.when(case_act(case, fiscal(), d(2017, 4, 3), transfer(vec![])));
    let stored = encode(&outcome.events()[0].event);
    assert_eq!(stored.payload["adquirentes"][0], "005711", "the acquirer is stored by its registro");
    outcome
        .then_events([
            Expect::from(transferred(None)),
            OperatorEvent::CarteiraTransferida { caso: case, beneficiarios: 12_000 }.into(),
        ])
        .then_state(|a| assert!(a.phase() == "transferida" && a.is_closed()))
        .then_operator(|op| assert!(op.carteira_transferida));
}

#[test]
fn a_partial_voluntary_alienation_leaves_the_operator_carteira_in_place() {
    // RN 112/2005: partial transfers are voluntary only; the seller keeps the rest of its members.
    let mut world = market(d(2016, 2, 1));
    let case = world.new_case_id();
    world.given([
        case_act(case, diretoria(), d(2017, 3, 1), voluntary(Abrangencia::Parcial, d(2017, 5, 2))),
        case_act(case, diretoria(), d(2017, 3, 15), decide(true)),
    ]);
    world
        .when(case_act(case, diretoria(), d(2017, 5, 2), transfer(vec![acquirer()])))
        .then_events([transferred(None)])
        .then_state(|a| assert_eq!(a.phase(), "transferida"))
        .then_operator(|op| assert!(!op.carteira_transferida));
}

#[test]
fn a_voluntary_request_needs_thirty_days_of_notice() {
    // RN 112/2005 as amended by RN 145/2007: documents reach ANS ≥ 30 d before the transfer date.
    let mut world = market(d(2016, 2, 1));
    let case = world.new_case_id();
    world
        .when(case_act(case, fiscal(), d(2017, 3, 1), voluntary(Abrangencia::Total, d(2017, 3, 30))))
        .then_refused("alienacao.antecedencia_insuficiente");
    world
        .when(case_act(case, fiscal(), d(2017, 3, 1), voluntary(Abrangencia::Total, d(2017, 3, 31))))
        .then_events([requested(d(2017, 3, 1), Abrangencia::Total, d(2017, 3, 31))]);
}

#[test]
fn an_acquirer_under_a_special_regime_cannot_be_authorised_only_denied() {
    // RN 112/2005 art. 2 §1 (RN 145/2007): the acquirer may not be under a regime especial.
    let mut world = market(d(2016, 2, 1));
    let case = world.new_case_id();
    let df = world.new_case_id();
    world.given([
        case_act(case, diretoria(), d(2017, 3, 1), voluntary(Abrangencia::Total, d(2017, 4, 3))),
        case_act(df, diretoria(), d(2017, 3, 6), df_on(acquirer())),
    ]);
    world
        .when(case_act(case, diretoria(), d(2017, 3, 15), decide(true)))
        .then_refused("alienacao.adquirente_em_regime_especial");
    world
        .when(case_act(case, diretoria(), d(2017, 3, 15), decide(false)))
        .then_events([decided(false)])
        .then_state(|a| assert!(a.phase() == "negada" && a.is_closed()));
}

#[test]
fn before_rn_145_the_acquirer_bar_and_the_notice_did_not_apply() {
    // RDC 25/2000 era: notice length [UNCONF], no acquirer bar in the rule version.
    let mut world = market(d(2000, 6, 1));
    let df = world.new_case_id();
    let case = world.new_case_id();
    world.given([
        case_act(df, diretoria(), d(2002, 3, 4), df_on(acquirer())),
        case_act(case, diretoria(), d(2002, 4, 1), voluntary(Abrangencia::Total, d(2002, 4, 10))),
    ]);
    world.when(case_act(case, diretoria(), d(2002, 4, 5), decide(true))).then_events([decided(true)]).then_state(|a| {
        assert_eq!((a.phase(), a.abertura.as_ref().unwrap().versao_regras.as_str()), ("autorizada", "seed-2000"))
    });
}

#[test]
fn the_decision_must_name_the_requested_acquirer_and_a_registered_one() {
    // RN 112/2005: the acquirer of the request, with an active registration (Lei 9.656/1998 art. 8).
    let mut world = market(d(2016, 2, 1));
    let case = world.new_case_id();
    world.given([case_act(case, diretoria(), d(2017, 3, 1), voluntary(Abrangencia::Total, d(2017, 4, 3)))]);
    let other = CaseCommand::DecidirAlienacaoVoluntaria {
        autorizada: true,
        adquirente: Registro::parse("301337").unwrap(),
        fundamentacao: NonEmptyText::written("ok"),
        documento: NonEmptyText::written("Ofício"),
    };
    world.when(case_act(case, diretoria(), d(2017, 3, 15), other)).then_invalid("adquirente");
    let mut unknown = market(d(2016, 2, 1));
    unknown.operators.remove(&acquirer());
    let case = unknown.new_case_id();
    unknown.given([case_act(case, diretoria(), d(2017, 3, 1), voluntary(Abrangencia::Total, d(2017, 4, 3)))]);
    unknown.operators.insert(acquirer(), OperadoraState::default());
    unknown
        .when(case_act(case, diretoria(), d(2017, 3, 15), decide(true)))
        .then_refused("alienacao.adquirente_sem_registro");
}

#[test]
fn an_ordered_alienation_is_transferred_within_its_deadline() {
    // RDC 84/2001: the whole carteira within 30 d of receipt of the decision (5 May → 4 Jun 2004).
    let mut world = market(d(2003, 1, 6));
    let case = world.new_case_id();
    world.when(case_act(case, diretoria(), d(2004, 5, 3), order(d(2004, 5, 5)))).then_events([
        AlienationEvent::Determinada {
            abertura: abertura("rn-48-2003", d(2004, 5, 3)),
            motivos: vec!["risco à continuidade do atendimento".into()],
            prazo: deadline(d(2004, 5, 5), 30, Calendar::Corridos, d(2004, 6, 4)),
        },
    ]);
    world.when(case_act(case, fiscal(), d(2004, 6, 1), transfer(vec![]))).then_invalid("adquirentes");
    world
        .when(case_act(case, fiscal(), d(2004, 6, 1), transfer(vec![acquirer()])))
        .then_events([
            Expect::from(transferred(Some(true))),
            OperatorEvent::CarteiraTransferida { caso: case, beneficiarios: 12_000 }.into(),
        ])
        .then_state(|a| assert!(a.phase() == "transferida" && a.prazos.is_empty()))
        .then_operator(|op| assert!(op.carteira_transferida));
}

#[test]
fn the_ordered_deadline_is_extended_once_by_an_equal_period_and_not_twice() {
    // RN 35/2003: DICOL may extend the term once, by an equal period, from its end (4 Jun 2004);
    // 4 Jul 2004 is a Sunday, so it ends on Monday 5 Jul. The extension names the RN 35 rule.
    let mut world = market(d(2003, 1, 6));
    let case = world.new_case_id();
    world.given([case_act(case, diretoria(), d(2004, 5, 3), order(d(2004, 5, 5)))]);
    let original = world.case(case).prazos[&DeadlineKey::AlienacaoDeterminada].norm.clone();
    world.when(case_act(case, diretoria(), d(2004, 6, 2), extend())).then_events([SharedEvent::Prorrogado {
        prazo: DeadlineKey::AlienacaoDeterminada,
        novo: deadline(d(2004, 6, 4), 30, Calendar::Corridos, d(2004, 7, 5)),
        motivo: "negociação em curso".into(),
    }]);
    let rules = world.rules.in_force_on(d(2004, 5, 3)).unwrap();
    let extension_norm = rules.alienacao_determinada_prorrogacao.as_ref().unwrap().norm.clone();
    let extended = world.case(case).prazos[&DeadlineKey::AlienacaoDeterminada].norm.clone();
    assert_eq!(extended, extension_norm);
    assert_ne!(extended, original, "the extension rests on its own norm, not the RDC 84 term's");
    world.when(case_act(case, diretoria(), d(2004, 6, 20), extend())).then_refused("prazo.ja_prorrogado");
    world.when(case_act(case, fiscal(), d(2004, 6, 20), extend())).then_refused("acesso.papel_nao_autorizado");
}

#[test]
fn before_rn_35_the_ordered_deadline_admits_no_extension() {
    // RDC 84/2001 alone had no extension; RN 35/2003 introduced it.
    let mut world = market(d(2000, 6, 1));
    let case = world.new_case_id();
    world.given([case_act(case, diretoria(), d(2002, 5, 2), order(d(2002, 5, 6)))]);
    world.when(case_act(case, diretoria(), d(2002, 5, 20), extend())).then_refused("prazo.improrrogavel");
}

#[test]
fn a_missed_ordered_alienation_fails_only_after_the_deadline_then_dicol_records_the_next_measure() {
    // RDC 84/2001; docs/DOMAIN.md §2.5: ORDERED --DeadlineMissed--> FAILED → compulsória | portabilidade | LE | cancelamento.
    let mut world = market(d(2003, 1, 6));
    let case = world.new_case_id();
    world.given([case_act(case, diretoria(), d(2004, 5, 3), order(d(2004, 5, 5)))]);
    let missed =
        CaseCommand::RegistrarDescumprimentoAlienacao { descricao: NonEmptyText::written("nenhuma adquirente") };
    world.when(case_act(case, fiscal(), d(2004, 6, 4), missed.clone())).then_refused("prazo.nao_vencido");
    world
        .when(case_act(case, fiscal(), d(2004, 6, 7), missed))
        .then_events([AlienationEvent::Descumprida { descricao: "nenhuma adquirente".into() }])
        .then_state(|a| {
            assert_eq!(a.phase(), "frustrada");
            assert!(!a.is_closed(), "DICOL still has to choose what follows");
        });
    world
        .when(case_act(case, fiscal(), d(2004, 6, 8), transfer(vec![acquirer()])))
        .then_refused("alienacao.transicao_invalida");
    let measure = CaseCommand::DeterminarMedida {
        medida: Medida::LiquidacaoExtrajudicial,
        documento: NonEmptyText::written("RO 230/2004"),
    };
    world
        .when(case_act(case, diretoria(), d(2004, 6, 15), measure))
        .then_events([AlienationEvent::MedidaDeterminada { medida: Medida::LiquidacaoExtrajudicial }])
        .then_state(|a| assert!(a.phase() == "medida_determinada" && a.is_closed()));
}

#[test]
fn a_transfer_that_imposes_new_waiting_periods_or_a_new_anniversary_is_refused() {
    // RDC 84/2001 art. 2: contracts kept integrally, no new carência, same anniversary date.
    let mut world = market(d(2003, 1, 6));
    let case = world.new_case_id();
    world.given([case_act(case, diretoria(), d(2004, 5, 3), order(d(2004, 5, 5)))]);
    let with = |nova_carencia, aniversario_mantido| CaseCommand::ComprovarTransferenciaCarteira {
        adquirentes: vec![acquirer()],
        beneficiarios: 12_000,
        nova_carencia,
        aniversario_mantido,
        documento: NonEmptyText::written("Termo"),
    };
    for (nova_carencia, aniversario_mantido) in [(true, true), (false, false)] {
        world
            .when(case_act(case, fiscal(), d(2004, 5, 20), with(nova_carencia, aniversario_mantido)))
            .then_refused("alienacao.condicoes_nao_mantidas")
            .then_state(|a| assert_eq!(a.phase(), "determinada"));
    }
}

#[test]
fn a_compulsory_auction_with_winners_ends_in_the_transfer() {
    // RDC 82/2001: ANS auctions the whole carteira on the diretor fiscal's proposal during a DF.
    let mut world = market(d(2003, 1, 6));
    fiscal_regime(&mut world, d(2004, 2, 2));
    let case = world.new_case_id();
    world
        .when(case_act(case, diretoria(), d(2004, 8, 2), compulsory(CompulsoryGround::PropostaDoDiretor)))
        .then_events([
            Expect::from(AlienationEvent::CompulsoriaIniciada {
                abertura: abertura("rn-48-2003", d(2004, 8, 2)),
                fundamento: CompulsoryGround::PropostaDoDiretor,
            }),
            OperatorEvent::AlienacaoCompulsoriaIniciada { caso: case }.into(),
        ])
        .then_state(|a| assert_eq!(a.phase(), "em_leilao"))
        .then_operator(|op| assert_eq!(op.caso_alienacao_compulsoria, Some(case)));
    let result = CaseCommand::RegistrarResultadoLeilao {
        arrematantes: vec![acquirer()],
        documento: NonEmptyText::written("Ata do leilão"),
    };
    world
        .when(case_act(case, diretoria(), d(2004, 9, 1), result))
        .then_events([AlienationEvent::ResultadoLeilaoRegistrado { arrematantes: vec![acquirer()] }])
        .then_state(|a| assert_eq!(a.phase(), "arrematada"));
    world
        .when(case_act(case, fiscal(), d(2004, 9, 10), transfer(vec![Registro::parse("301337").unwrap()])))
        .then_invalid("adquirentes");
    world
        .when(case_act(case, fiscal(), d(2004, 9, 10), transfer(vec![])))
        .then_events([
            Expect::from(transferred(None)),
            OperatorEvent::CarteiraTransferida { caso: case, beneficiarios: 12_000 }.into(),
            OperatorEvent::AlienacaoCompulsoriaEncerrada { caso: case }.into(),
        ])
        .then_state(|a| assert!(a.is_closed()))
        .then_operator(|op| assert!(op.carteira_transferida && op.caso_alienacao_compulsoria.is_none()));
}

#[test]
fn a_deserted_auction_fails_and_awaits_the_next_measure() {
    // RDC 82/2001; docs/DOMAIN.md §2.5: a failed alienação leads to portabilidade especial, LE or cancelamento.
    let mut world = market(d(2003, 1, 6));
    let case = auction(&mut world);
    let deserted = CaseCommand::RegistrarResultadoLeilao {
        arrematantes: vec![],
        documento: NonEmptyText::written("Ata: leilão deserto"),
    };
    world
        .when(case_act(case, diretoria(), d(2004, 9, 1), deserted))
        .then_events([
            Expect::from(AlienationEvent::ResultadoLeilaoRegistrado { arrematantes: vec![] }),
            OperatorEvent::AlienacaoCompulsoriaEncerrada { caso: case }.into(),
        ])
        .then_state(|a| assert_eq!(a.phase(), "frustrada"))
        .then_operator(|op| assert!(op.caso_alienacao_compulsoria.is_none()));
    let measure = CaseCommand::DeterminarMedida {
        medida: Medida::PortabilidadeEspecial,
        documento: NonEmptyText::written("RO 310/2004"),
    };
    world
        .when(case_act(case, diretoria(), d(2004, 9, 15), measure))
        .then_events([AlienationEvent::MedidaDeterminada { medida: Medida::PortabilidadeEspecial }])
        .then_state(|a| assert!(a.is_closed()));
}

#[test]
fn a_compulsory_alienation_needs_a_cancelled_registration_or_a_regime_and_runs_once() {
    // RDC 82/2001: after the licence is cancelled, or on proposal of the diretor fiscal/técnico.
    let mut world = market(d(2003, 1, 6));
    let case = world.new_case_id();
    for fundamento in [CompulsoryGround::PropostaDoDiretor, CompulsoryGround::CancelamentoDoRegistro] {
        world
            .when(case_act(case, diretoria(), d(2004, 8, 2), compulsory(fundamento)))
            .then_refused("alienacao.compulsoria_sem_fundamento");
    }
    let started = auction(&mut world);
    let again = world.new_case_id();
    world
        .when(case_act(again, diretoria(), d(2004, 8, 3), compulsory(CompulsoryGround::PropostaDoDiretor)))
        .then_refused("alienacao.compulsoria_em_curso")
        .then_operator(|op| assert_eq!(op.caso_alienacao_compulsoria, Some(started)));
}

#[test]
fn acts_out_of_order_are_refused_with_their_rule() {
    // docs/DOMAIN.md §2.5 lifecycles.
    let mut world = market(d(2016, 2, 1));
    let case = world.new_case_id();
    world.given([case_act(case, fiscal(), d(2017, 3, 1), voluntary(Abrangencia::Total, d(2017, 4, 3)))]);
    let on = d(2017, 3, 2);
    world.when(case_act(case, fiscal(), on, transfer(vec![]))).then_refused("alienacao.transicao_invalida");
    let missed = CaseCommand::RegistrarDescumprimentoAlienacao { descricao: NonEmptyText::written("x") };
    world.when(case_act(case, fiscal(), on, missed)).then_refused("alienacao.transicao_invalida");
    let result =
        CaseCommand::RegistrarResultadoLeilao { arrematantes: vec![], documento: NonEmptyText::written("Ata") };
    world.when(case_act(case, diretoria(), on, result)).then_refused("alienacao.transicao_invalida");
    world.when(case_act(case, diretoria(), on, extend())).then_refused("prazo.inexistente");
    let measure = CaseCommand::DeterminarMedida {
        medida: Medida::CancelamentoDeRegistro,
        documento: NonEmptyText::written("RO"),
    };
    world.when(case_act(case, diretoria(), on, measure)).then_refused("alienacao.transicao_invalida");
    world.given([case_act(case, diretoria(), d(2017, 3, 15), decide(false))]);
    world.when(case_act(case, diretoria(), d(2017, 3, 16), decide(true))).then_refused("caso.encerrado");
    let ordered = world.new_case_id();
    world.given([case_act(ordered, diretoria(), d(2017, 5, 2), order(d(2017, 5, 3)))]);
    world
        .when(case_act(ordered, diretoria(), d(2017, 5, 4), decide(true)))
        .then_refused("alienacao.transicao_invalida");
    world
        .when(case_act(ordered, diretoria(), d(2017, 5, 4), voluntary(Abrangencia::Total, d(2017, 7, 3))))
        .then_refused("caso.ja_aberto");
}

#[test]
fn only_the_roles_of_the_catalogue_act_on_an_alienacao() {
    // docs/ARCHITECTURE.md §6: DICOL orders and decides; fiscal records; an interventor only where appointed.
    let mut world = market(d(2016, 2, 1));
    let case = world.new_case_id();
    world
        .when(case_act(case, actor(Role::Atendente, &[]), d(2017, 3, 1), voluntary(Abrangencia::Total, d(2017, 4, 3))))
        .then_refused("acesso.papel_nao_autorizado");
    world
        .when(case_act(case, fiscal(), d(2017, 3, 1), order(d(2017, 3, 2))))
        .then_refused("acesso.papel_nao_autorizado");
    world.given([case_act(case, fiscal(), d(2017, 3, 1), voluntary(Abrangencia::Total, d(2017, 4, 3)))]);
    world.when(case_act(case, fiscal(), d(2017, 3, 15), decide(true))).then_refused("acesso.papel_nao_autorizado");
    world.given([case_act(case, diretoria(), d(2017, 3, 15), decide(true))]);
    world
        .when(case_act(case, actor(Role::Interventor, &[Uuid::from_u128(9)]), d(2017, 4, 3), transfer(vec![])))
        .then_refused("acesso.interventor_nao_designado");
    world
        .when(case_act(case, actor(Role::Interventor, &[case]), d(2017, 4, 3), transfer(vec![])))
        .then_events([
            Expect::from(transferred(None)),
            OperatorEvent::CarteiraTransferida { caso: case, beneficiarios: 12_000 }.into(),
        ])
        .then_state(|a| assert_eq!(a.phase(), "transferida"));
}
