//! Alienação de carteira (DOMAIN.md §2.5): the voluntary request with its notice and acquirer
//! bar, the ordered transfer with its single extension and failure, the compulsory auction, and
//! the contracts kept on every transfer.

use autos_domain::case::{Abrangencia, CompulsoryGround, DeadlineKey, Measure};
use autos_domain::stored::encode;
use autos_domain::testing::{actor, assert_refused, d, World};
use autos_domain::{CaseCommand, DomainEvent, OperatorEvent, Registro, Role};
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

fn diretoria() -> autos_domain::Actor {
    actor(Role::Diretoria, &[])
}

fn voluntary(abrangencia: Abrangencia, data_pretendida: NaiveDate) -> CaseCommand {
    CaseCommand::RequererAlienacaoVoluntaria {
        registro: registro(),
        adquirente: acquirer(),
        abrangencia,
        beneficiarios: 12_000,
        data_pretendida,
        documento: "Protocolo 33910.000123/2017-11".into(),
    }
}

fn decide(autorizada: bool) -> CaseCommand {
    CaseCommand::DecidirAlienacaoVoluntaria {
        autorizada,
        adquirente: acquirer(),
        fundamentacao: "documentação completa".into(),
        documento: "Ofício DIPRO".into(),
    }
}

fn transfer(adquirentes: Vec<Registro>) -> CaseCommand {
    CaseCommand::ComprovarTransferenciaCarteira {
        adquirentes,
        beneficiarios: 12_000,
        nova_carencia: false,
        aniversario_mantido: true,
        documento: "Termo de responsabilidade".into(),
    }
}

fn order(recebido_em: NaiveDate) -> CaseCommand {
    CaseCommand::DeterminarAlienacao {
        registro: registro(),
        recebido_em,
        motivos: vec!["risco à continuidade do atendimento".into()],
        documento: "RO 200/2004".into(),
    }
}

fn extend() -> CaseCommand {
    CaseCommand::ProrrogarPrazo { prazo: DeadlineKey::AlienacaoDeterminada, motivo: "negociação em curso".into() }
}

fn fiscal_regime(world: &mut World, on: NaiveDate) {
    let df = world.new_case_id();
    world.given_case(
        df,
        registro(),
        diretoria(),
        on,
        CaseCommand::InstaurarDirecaoFiscal {
            registro: registro(),
            motivos: vec!["insuficiência de garantias".into()],
            diretor_fiscal: "Diretor Fiscal".into(),
            documento: "RO 10/2004".into(),
            vigencia_dias: None,
        },
    );
}

fn operator_events(out: &[autos_domain::Emitted]) -> Vec<String> {
    out.iter().filter(|e| matches!(e.event, DomainEvent::Operator(_))).map(|e| encode(&e.event).event_type).collect()
}

#[test]
fn a_voluntary_total_alienation_is_requested_authorised_and_transferred() {
    // RN 112/2005 (RN 145/2007): prior authorisation, then the members move keeping their contracts.
    let mut world = market(d(2016, 2, 1));
    let case = world.new_case_id();
    let fiscal = actor(Role::Fiscal, &[]);
    world.given_case(case, registro(), fiscal.clone(), d(2017, 3, 1), voluntary(Abrangencia::Total, d(2017, 4, 3)));
    assert_eq!(world.case(case).phase(), "requerida");
    world.given_case(case, registro(), diretoria(), d(2017, 3, 15), decide(true));
    assert_eq!(world.case(case).phase(), "autorizada");
    let out = world.given_case(case, registro(), fiscal, d(2017, 4, 3), transfer(vec![]));
    assert_eq!(world.case(case).phase(), "transferida");
    assert!(world.case(case).is_closed());
    assert_eq!(operator_events(&out), ["operadora.carteira_transferida"]);
    assert!(world.operator(registro()).carteira_transferred);
    let stored = encode(&out[0].event);
    assert_eq!(stored.event_type, "alienacao.transferencia_comprovada");
    assert_eq!(stored.payload["nova_carencia"], false);
    assert_eq!(stored.payload["aniversario_mantido"], true);
    assert_eq!(stored.payload["adquirentes"][0], "005711");
}

#[test]
fn a_partial_voluntary_alienation_leaves_the_operator_carteira_in_place() {
    // RN 112/2005: partial transfers are voluntary only; the seller keeps the rest of its members.
    let mut world = market(d(2016, 2, 1));
    let case = world.new_case_id();
    world.given_case(case, registro(), diretoria(), d(2017, 3, 1), voluntary(Abrangencia::Parcial, d(2017, 5, 2)));
    world.given_case(case, registro(), diretoria(), d(2017, 3, 15), decide(true));
    let out = world.given_case(case, registro(), diretoria(), d(2017, 5, 2), transfer(vec![acquirer()]));
    assert!(operator_events(&out).is_empty());
    assert!(!world.operator(registro()).carteira_transferred);
    assert_eq!(world.case(case).phase(), "transferida");
}

#[test]
fn a_voluntary_request_needs_thirty_days_of_notice() {
    // RN 112/2005 as amended by RN 145/2007: documents reach ANS ≥ 30 d before the transfer date.
    let mut world = market(d(2016, 2, 1));
    let fiscal = actor(Role::Fiscal, &[]);
    let case = world.new_case_id();
    assert_refused(
        world.when_case(case, registro(), fiscal.clone(), d(2017, 3, 1), voluntary(Abrangencia::Total, d(2017, 3, 30))),
        "alienacao.antecedencia_insuficiente",
    );
    assert!(world
        .when_case(case, registro(), fiscal, d(2017, 3, 1), voluntary(Abrangencia::Total, d(2017, 3, 31)))
        .is_ok());
}

#[test]
fn an_acquirer_under_a_special_regime_cannot_be_authorised_only_denied() {
    // RN 112/2005 art. 2 §1 (RN 145/2007): the acquirer may not be under a regime especial.
    let mut world = market(d(2016, 2, 1));
    let case = world.new_case_id();
    world.given_case(case, registro(), diretoria(), d(2017, 3, 1), voluntary(Abrangencia::Total, d(2017, 4, 3)));
    let df = world.new_case_id();
    world.given_case(
        df,
        acquirer(),
        diretoria(),
        d(2017, 3, 6),
        CaseCommand::InstaurarDirecaoFiscal {
            registro: acquirer(),
            motivos: vec!["insuficiência de garantias".into()],
            diretor_fiscal: "Diretor Fiscal".into(),
            documento: "RO 77/2017".into(),
            vigencia_dias: None,
        },
    );
    assert_refused(
        world.when_case(case, registro(), diretoria(), d(2017, 3, 15), decide(true)),
        "alienacao.adquirente_em_regime_especial",
    );
    world.given_case(case, registro(), diretoria(), d(2017, 3, 15), decide(false));
    assert_eq!(world.case(case).phase(), "negada");
    assert!(world.case(case).is_closed());
}

#[test]
fn before_rn_145_the_acquirer_bar_and_the_notice_did_not_apply() {
    // RDC 25/2000 era: notice length [UNCONF], no acquirer bar in the rule version.
    let mut world = market(d(2000, 6, 1));
    let df = world.new_case_id();
    world.given_case(
        df,
        acquirer(),
        diretoria(),
        d(2002, 3, 4),
        CaseCommand::InstaurarDirecaoFiscal {
            registro: acquirer(),
            motivos: vec!["insuficiência de garantias".into()],
            diretor_fiscal: "Diretor Fiscal".into(),
            documento: "RO 5/2002".into(),
            vigencia_dias: None,
        },
    );
    let case = world.new_case_id();
    world.given_case(case, registro(), diretoria(), d(2002, 4, 1), voluntary(Abrangencia::Total, d(2002, 4, 10)));
    world.given_case(case, registro(), diretoria(), d(2002, 4, 5), decide(true));
    assert_eq!(world.case(case).phase(), "autorizada");
}

#[test]
fn the_decision_must_name_the_requested_acquirer_and_a_registered_one() {
    let mut world = market(d(2016, 2, 1));
    let case = world.new_case_id();
    world.given_case(case, registro(), diretoria(), d(2017, 3, 1), voluntary(Abrangencia::Total, d(2017, 4, 3)));
    let other = CaseCommand::DecidirAlienacaoVoluntaria {
        autorizada: true,
        adquirente: Registro::parse("301337").unwrap(),
        fundamentacao: "ok".into(),
        documento: "Ofício".into(),
    };
    assert_refused(world.when_case(case, registro(), diretoria(), d(2017, 3, 15), other), "invalid.adquirente");
    let mut unknown = market(d(2016, 2, 1));
    unknown.operators.remove(&acquirer());
    let case = unknown.new_case_id();
    unknown.given_case(case, registro(), diretoria(), d(2017, 3, 1), voluntary(Abrangencia::Total, d(2017, 4, 3)));
    unknown.operators.insert(acquirer(), autos_domain::OperatorState::default());
    assert_refused(
        unknown.when_case(case, registro(), diretoria(), d(2017, 3, 15), decide(true)),
        "alienacao.adquirente_sem_registro",
    );
}

#[test]
fn an_ordered_alienation_is_transferred_within_its_deadline() {
    // RDC 84/2001: the whole carteira within 30 d of receipt of the decision.
    let mut world = market(d(2003, 1, 6));
    let case = world.new_case_id();
    world.given_case(case, registro(), diretoria(), d(2004, 5, 3), order(d(2004, 5, 5)));
    let prazo = world.case(case).deadlines[&DeadlineKey::AlienacaoDeterminada].clone();
    assert_eq!((prazo.start, prazo.due), (d(2004, 5, 5), d(2004, 6, 4)));
    let fiscal = actor(Role::Fiscal, &[]);
    assert_refused(
        world.when_case(case, registro(), fiscal.clone(), d(2004, 6, 1), transfer(vec![])),
        "invalid.adquirentes",
    );
    let out = world.given_case(case, registro(), fiscal, d(2004, 6, 1), transfer(vec![acquirer()]));
    assert_eq!(encode(&out[0].event).payload["no_prazo"], true);
    assert_eq!(world.case(case).phase(), "transferida");
    assert!(world.case(case).deadlines.is_empty());
    assert!(world.operator(registro()).carteira_transferred);
}

#[test]
fn the_ordered_deadline_is_extended_once_by_an_equal_period_and_not_twice() {
    // RN 35/2003: DICOL may extend the term once, by an equal period.
    let mut world = market(d(2003, 1, 6));
    let case = world.new_case_id();
    world.given_case(case, registro(), diretoria(), d(2004, 5, 3), order(d(2004, 5, 5)));
    world.given_case(case, registro(), diretoria(), d(2004, 6, 2), extend());
    let prazo = world.case(case).deadlines[&DeadlineKey::AlienacaoDeterminada].clone();
    assert_eq!((prazo.start, prazo.length, prazo.due), (d(2004, 6, 4), 30, d(2004, 7, 5))); // 4 Jul 2004 a Sunday
    assert_eq!(prazo.norm, "RN 35/2003");
    assert_refused(world.when_case(case, registro(), diretoria(), d(2004, 6, 20), extend()), "prazo.ja_prorrogado");
    assert_refused(
        world.when_case(case, registro(), actor(Role::Fiscal, &[]), d(2004, 6, 20), extend()),
        "acesso.papel_nao_autorizado",
    );
}

#[test]
fn before_rn_35_the_ordered_deadline_admits_no_extension() {
    // RDC 84/2001 alone had no extension; RN 35/2003 introduced it.
    let mut world = market(d(2000, 6, 1));
    let case = world.new_case_id();
    world.given_case(case, registro(), diretoria(), d(2002, 5, 2), order(d(2002, 5, 6)));
    assert_refused(world.when_case(case, registro(), diretoria(), d(2002, 5, 20), extend()), "prazo.improrrogavel");
}

#[test]
fn a_missed_ordered_alienation_fails_only_after_the_deadline_then_dicol_records_the_next_measure() {
    // RDC 84/2001; DOMAIN.md §2.5: ORDERED --DeadlineMissed--> FAILED → compulsória | portabilidade | LE | cancelamento.
    let mut world = market(d(2003, 1, 6));
    let case = world.new_case_id();
    world.given_case(case, registro(), diretoria(), d(2004, 5, 3), order(d(2004, 5, 5)));
    let missed = CaseCommand::RegistrarDescumprimentoAlienacao { descricao: "nenhuma adquirente".into() };
    let fiscal = actor(Role::Fiscal, &[]);
    assert_refused(
        world.when_case(case, registro(), fiscal.clone(), d(2004, 6, 4), missed.clone()),
        "prazo.nao_vencido",
    );
    world.given_case(case, registro(), fiscal.clone(), d(2004, 6, 7), missed);
    assert_eq!(world.case(case).phase(), "frustrada");
    assert!(!world.case(case).is_closed(), "DICOL still has to choose what follows");
    assert_refused(
        world.when_case(case, registro(), fiscal, d(2004, 6, 8), transfer(vec![acquirer()])),
        "alienacao.transicao_invalida",
    );
    let measure =
        CaseCommand::DeterminarMedida { medida: Measure::LiquidacaoExtrajudicial, documento: "RO 230/2004".into() };
    world.given_case(case, registro(), diretoria(), d(2004, 6, 15), measure);
    assert_eq!(world.case(case).phase(), "medida_determinada");
    assert!(world.case(case).is_closed());
}

#[test]
fn a_transfer_that_imposes_new_waiting_periods_or_a_new_anniversary_is_refused() {
    // RDC 84/2001 art. 2: contracts kept integrally, no new carência, same anniversary date.
    let mut world = market(d(2003, 1, 6));
    let case = world.new_case_id();
    world.given_case(case, registro(), diretoria(), d(2004, 5, 3), order(d(2004, 5, 5)));
    let with = |nova_carencia, aniversario_mantido| CaseCommand::ComprovarTransferenciaCarteira {
        adquirentes: vec![acquirer()],
        beneficiarios: 12_000,
        nova_carencia,
        aniversario_mantido,
        documento: "Termo".into(),
    };
    let fiscal = actor(Role::Fiscal, &[]);
    assert_refused(
        world.when_case(case, registro(), fiscal.clone(), d(2004, 5, 20), with(true, true)),
        "alienacao.condicoes_nao_mantidas",
    );
    assert_refused(
        world.when_case(case, registro(), fiscal, d(2004, 5, 20), with(false, false)),
        "alienacao.condicoes_nao_mantidas",
    );
}

#[test]
fn a_compulsory_auction_with_winners_ends_in_the_transfer() {
    // RDC 82/2001: ANS auctions the whole carteira on the diretor fiscal's proposal during a DF.
    let mut world = market(d(2003, 1, 6));
    fiscal_regime(&mut world, d(2004, 2, 2));
    let case = world.new_case_id();
    let start = CaseCommand::IniciarAlienacaoCompulsoria {
        registro: registro(),
        fundamento: CompulsoryGround::PropostaDoDiretor,
        documento: "RO 300/2004".into(),
    };
    world.given_case(case, registro(), diretoria(), d(2004, 8, 2), start);
    assert_eq!(world.operator(registro()).compulsory_alienation_case, Some(case));
    assert_eq!(world.case(case).phase(), "em_leilao");
    let result =
        CaseCommand::RegistrarResultadoLeilao { arrematantes: vec![acquirer()], documento: "Ata do leilão".into() };
    world.given_case(case, registro(), diretoria(), d(2004, 9, 1), result);
    assert_eq!(world.case(case).phase(), "arrematada");
    assert_refused(
        world.when_case(
            case,
            registro(),
            actor(Role::Fiscal, &[]),
            d(2004, 9, 10),
            transfer(vec![Registro::parse("301337").unwrap()]),
        ),
        "invalid.adquirentes",
    );
    let out = world.given_case(case, registro(), actor(Role::Fiscal, &[]), d(2004, 9, 10), transfer(vec![]));
    assert_eq!(operator_events(&out), ["operadora.carteira_transferida", "operadora.alienacao_compulsoria_encerrada"]);
    let op = world.operator(registro());
    assert!(op.carteira_transferred && op.compulsory_alienation_case.is_none());
    assert!(world.case(case).is_closed());
}

#[test]
fn a_deserted_auction_fails_and_awaits_the_next_measure() {
    // RDC 82/2001; DOMAIN.md §2.5: a failed alienação leads to portabilidade especial, LE or cancelamento.
    let mut world = market(d(2003, 1, 6));
    fiscal_regime(&mut world, d(2004, 2, 2));
    let case = world.new_case_id();
    let start = CaseCommand::IniciarAlienacaoCompulsoria {
        registro: registro(),
        fundamento: CompulsoryGround::PropostaDoDiretor,
        documento: "RO 300/2004".into(),
    };
    world.given_case(case, registro(), diretoria(), d(2004, 8, 2), start);
    let deserted =
        CaseCommand::RegistrarResultadoLeilao { arrematantes: vec![], documento: "Ata: leilão deserto".into() };
    let out = world.given_case(case, registro(), diretoria(), d(2004, 9, 1), deserted);
    assert_eq!(operator_events(&out), ["operadora.alienacao_compulsoria_encerrada"]);
    assert_eq!(world.case(case).phase(), "frustrada");
    assert!(world.operator(registro()).compulsory_alienation_case.is_none());
    let measure =
        CaseCommand::DeterminarMedida { medida: Measure::PortabilidadeEspecial, documento: "RO 310/2004".into() };
    world.given_case(case, registro(), diretoria(), d(2004, 9, 15), measure);
    assert!(world.case(case).is_closed());
}

#[test]
fn a_compulsory_alienation_needs_a_cancelled_registration_or_a_regime_and_runs_once() {
    // RDC 82/2001: after the licence is cancelled, or on proposal of the diretor fiscal/técnico.
    let mut world = market(d(2003, 1, 6));
    let start = |fundamento| CaseCommand::IniciarAlienacaoCompulsoria {
        registro: registro(),
        fundamento,
        documento: "RO 300/2004".into(),
    };
    let case = world.new_case_id();
    assert_refused(
        world.when_case(case, registro(), diretoria(), d(2004, 8, 2), start(CompulsoryGround::PropostaDoDiretor)),
        "alienacao.compulsoria_sem_fundamento",
    );
    assert_refused(
        world.when_case(case, registro(), diretoria(), d(2004, 8, 2), start(CompulsoryGround::CancelamentoDoRegistro)),
        "alienacao.compulsoria_sem_fundamento",
    );
    fiscal_regime(&mut world, d(2004, 2, 2));
    world.given_case(case, registro(), diretoria(), d(2004, 8, 2), start(CompulsoryGround::PropostaDoDiretor));
    let again = world.new_case_id();
    assert_refused(
        world.when_case(again, registro(), diretoria(), d(2004, 8, 3), start(CompulsoryGround::PropostaDoDiretor)),
        "alienacao.compulsoria_em_curso",
    );
}

#[test]
fn acts_out_of_order_are_refused_with_their_rule() {
    // DOMAIN.md §2.5 lifecycles.
    let mut world = market(d(2016, 2, 1));
    let fiscal = actor(Role::Fiscal, &[]);
    let case = world.new_case_id();
    world.given_case(case, registro(), fiscal.clone(), d(2017, 3, 1), voluntary(Abrangencia::Total, d(2017, 4, 3)));
    assert_refused(
        world.when_case(case, registro(), fiscal.clone(), d(2017, 3, 2), transfer(vec![])),
        "alienacao.transicao_invalida",
    );
    let missed = CaseCommand::RegistrarDescumprimentoAlienacao { descricao: "x".into() };
    assert_refused(
        world.when_case(case, registro(), fiscal.clone(), d(2017, 3, 2), missed),
        "alienacao.transicao_invalida",
    );
    let result = CaseCommand::RegistrarResultadoLeilao { arrematantes: vec![], documento: "Ata".into() };
    assert_refused(
        world.when_case(case, registro(), diretoria(), d(2017, 3, 2), result),
        "alienacao.transicao_invalida",
    );
    assert_refused(world.when_case(case, registro(), diretoria(), d(2017, 3, 2), extend()), "prazo.inexistente");
    let measure = CaseCommand::DeterminarMedida { medida: Measure::CancelamentoDeRegistro, documento: "RO".into() };
    assert_refused(
        world.when_case(case, registro(), diretoria(), d(2017, 3, 2), measure),
        "alienacao.transicao_invalida",
    );
    world.given_case(case, registro(), diretoria(), d(2017, 3, 15), decide(false));
    assert_refused(world.when_case(case, registro(), diretoria(), d(2017, 3, 16), decide(true)), "caso.encerrado");
    let ordered = world.new_case_id();
    world.given_case(ordered, registro(), diretoria(), d(2017, 5, 2), order(d(2017, 5, 3)));
    assert_refused(
        world.when_case(ordered, registro(), diretoria(), d(2017, 5, 4), decide(true)),
        "alienacao.transicao_invalida",
    );
    assert_refused(
        world.when_case(ordered, registro(), diretoria(), d(2017, 5, 4), voluntary(Abrangencia::Total, d(2017, 7, 3))),
        "caso.ja_aberto",
    );
}

#[test]
fn only_the_roles_of_the_catalogue_act_on_an_alienacao() {
    // ARCHITECTURE.md §6: DICOL orders and decides; fiscal records; an interventor only where appointed.
    let mut world = market(d(2016, 2, 1));
    let case = world.new_case_id();
    assert_refused(
        world.when_case(
            case,
            registro(),
            actor(Role::Atendente, &[]),
            d(2017, 3, 1),
            voluntary(Abrangencia::Total, d(2017, 4, 3)),
        ),
        "acesso.papel_nao_autorizado",
    );
    assert_refused(
        world.when_case(case, registro(), actor(Role::Fiscal, &[]), d(2017, 3, 1), order(d(2017, 3, 2))),
        "acesso.papel_nao_autorizado",
    );
    world.given_case(
        case,
        registro(),
        actor(Role::Fiscal, &[]),
        d(2017, 3, 1),
        voluntary(Abrangencia::Total, d(2017, 4, 3)),
    );
    assert_refused(
        world.when_case(case, registro(), actor(Role::Fiscal, &[]), d(2017, 3, 15), decide(true)),
        "acesso.papel_nao_autorizado",
    );
    world.given_case(case, registro(), diretoria(), d(2017, 3, 15), decide(true));
    assert_refused(
        world.when_case(
            case,
            registro(),
            actor(Role::Interventor, &[Uuid::from_u128(9)]),
            d(2017, 4, 3),
            transfer(vec![]),
        ),
        "acesso.interventor_nao_designado",
    );
    world.given_case(case, registro(), actor(Role::Interventor, &[case]), d(2017, 4, 3), transfer(vec![]));
    assert_eq!(world.case(case).phase(), "transferida");
    assert!(world
        .log
        .iter()
        .any(|e| matches!(e.event, DomainEvent::Operator(OperatorEvent::CarteiraTransferida { .. }))));
}
