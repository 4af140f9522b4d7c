//! Representações (docs/DOMAIN.md §2.9): the events of a referral registered with a concrete
//! obligation and period, distributed and archived with a reason; every refusal by its rule id.

use autos_domain::case::{Abertura, OriginArea, RepresentationEvent, RepresentationSubject};
use autos_domain::testing::{actor, case_act, d};
use autos_domain::NonEmptyText;
use autos_domain::{Actor, CaseCommand, Role};
use chrono::NaiveDate;

use crate::common::{registro, world_with_operator};

fn register(obrigacao: &str, inicio: NaiveDate, fim: NaiveDate) -> CaseCommand {
    CaseCommand::RegistrarRepresentacao {
        registro: registro(),
        origem: OriginArea::Dides,
        assunto: RepresentationSubject::Sib,
        obrigacao: NonEmptyText::parse("obrigacao", obrigacao).unwrap(),
        periodo_inicio: inicio,
        periodo_fim: fim,
        documento: NonEmptyText::written("Memorando DIDES 45/2002"),
    }
}

fn fiscal() -> Actor {
    actor(Role::Fiscal, &[])
}

#[test]
fn a_representacao_is_registered_distributed_and_archived() {
    // Lei 9.961/2000 art. 4; docs/DOMAIN.md §2.9 lifecycle.
    let mut world = world_with_operator(d(2001, 2, 1), 5_000);
    let case = world.new_case_id();
    let registration = register("RN 4/2000 (envio do SIB)", d(2002, 1, 1), d(2002, 6, 30));
    world
        .when(case_act(case, fiscal(), d(2002, 9, 2), registration))
        .then_events([RepresentationEvent::Registrada {
            abertura: Abertura {
                registro: registro(),
                versao_regras: "seed-2000".into(),
                fato_gerador: d(2002, 9, 2),
                origem: None,
            },
            origem: OriginArea::Dides,
            assunto: RepresentationSubject::Sib,
            obrigacao: "RN 4/2000 (envio do SIB)".into(),
            periodo_inicio: d(2002, 1, 1),
            periodo_fim: d(2002, 6, 30),
        }])
        .then_state(|r| assert_eq!(r.phase(), "registrada"));
    world
        .when(case_act(
            case,
            fiscal(),
            d(2002, 9, 3),
            CaseCommand::DistribuirRepresentacao { unidade: NonEmptyText::written("Núcleo RJ") },
        ))
        .then_events([RepresentationEvent::Distribuida { unidade: "Núcleo RJ".into() }]);
    world
        .when(case_act(
            case,
            fiscal(),
            d(2002, 10, 1),
            CaseCommand::ArquivarRepresentacao { motivo: NonEmptyText::written("dados enviados") },
        ))
        .then_events([RepresentationEvent::Arquivada { motivo: "dados enviados".into() }])
        .then_state(|r| assert!(r.is_closed()));
}

#[test]
fn a_representacao_must_name_a_concrete_obligation_and_a_sensible_period() {
    // docs/DOMAIN.md §2.9 invariant: a concrete legal/infralegal obligation and period.
    let mut world = world_with_operator(d(2001, 2, 1), 5_000);
    let case = world.new_case_id();
    let mut blank = serde_json::to_value(register("RN 4/2000", d(2002, 1, 1), d(2002, 6, 30))).unwrap();
    blank["obrigacao"] = "  ".into();
    let refused = serde_json::from_value::<CaseCommand>(blank).unwrap_err();
    assert!(
        refused.to_string().starts_with(autos_domain::values::REQUIRED),
        "a blank obligation never reaches the decision: {refused}"
    );
    world
        .when(case_act(case, fiscal(), d(2002, 9, 2), register("RN 4/2000", d(2002, 6, 30), d(2002, 1, 1))))
        .then_invalid("periodo_fim");
    world
        .when(case_act(case, fiscal(), d(2002, 9, 2), register("RN 4/2000", d(2002, 10, 1), d(2002, 12, 31))))
        .then_invalid("periodo_inicio")
        .then_state(|r| assert_eq!(r.phase(), "vazio"));
}

#[test]
fn an_archived_representacao_takes_no_more_acts() {
    // Corrections are new acts in another case (docs/DOMAIN.md §8).
    let mut world = world_with_operator(d(2001, 2, 1), 5_000);
    let case = world.new_case_id();
    world.given([
        case_act(case, fiscal(), d(2002, 9, 2), register("RN 4/2000", d(2002, 1, 1), d(2002, 6, 30))),
        case_act(
            case,
            fiscal(),
            d(2002, 9, 3),
            CaseCommand::ArquivarRepresentacao { motivo: NonEmptyText::written("improcedente") },
        ),
    ]);
    world
        .when(case_act(
            case,
            fiscal(),
            d(2002, 9, 4),
            CaseCommand::DistribuirRepresentacao { unidade: NonEmptyText::written("DIFIS") },
        ))
        .then_refused("caso.encerrado");
}
