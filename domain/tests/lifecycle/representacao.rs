//! Representações (DOMAIN.md §2.9): registered with a concrete obligation and period,
//! distributed, archived with a reason.

use autos_domain::case::{OriginArea, RepresentationSubject};
use autos_domain::testing::{actor, assert_refused, d};
use autos_domain::{CaseCommand, Role};

use crate::common::{registro, world_with_operator};

fn register(obrigacao: &str, inicio: chrono::NaiveDate, fim: chrono::NaiveDate) -> CaseCommand {
    CaseCommand::RegistrarRepresentacao {
        registro: registro(),
        origem: OriginArea::Dides,
        assunto: RepresentationSubject::Sib,
        obrigacao: obrigacao.into(),
        periodo_inicio: inicio,
        periodo_fim: fim,
        documento: "Memorando DIDES 45/2002".into(),
    }
}

#[test]
fn a_representacao_is_registered_distributed_and_archived() {
    // Lei 9.961/2000 art. 4; DOMAIN.md §2.9 lifecycle.
    let mut world = world_with_operator(d(2001, 2, 1), 5_000);
    let case = world.new_case_id();
    let fiscal = actor(Role::Fiscal, &[]);
    world.given_case(
        case,
        registro(),
        fiscal.clone(),
        d(2002, 9, 2),
        register("RN 4/2000 (envio do SIB)", d(2002, 1, 1), d(2002, 6, 30)),
    );
    assert_eq!(world.case(case).phase(), "registrada");
    world.given_case(
        case,
        registro(),
        fiscal.clone(),
        d(2002, 9, 3),
        CaseCommand::DistribuirRepresentacao { unidade: "Núcleo RJ".into() },
    );
    world.given_case(
        case,
        registro(),
        fiscal,
        d(2002, 10, 1),
        CaseCommand::ArquivarRepresentacao { motivo: "dados enviados".into() },
    );
    assert!(world.case(case).is_closed());
}

#[test]
fn a_representacao_must_name_a_concrete_obligation_and_a_sensible_period() {
    // DOMAIN.md §2.9 invariant: a concrete legal/infralegal obligation and period.
    let mut world = world_with_operator(d(2001, 2, 1), 5_000);
    let fiscal = actor(Role::Fiscal, &[]);
    let case = world.new_case_id();
    assert_refused(
        world.when_case(case, registro(), fiscal.clone(), d(2002, 9, 2), register("  ", d(2002, 1, 1), d(2002, 6, 30))),
        "invalid.obrigacao",
    );
    let case = world.new_case_id();
    assert_refused(
        world.when_case(case, registro(), fiscal, d(2002, 9, 2), register("RN 4/2000", d(2002, 6, 30), d(2002, 1, 1))),
        "invalid.periodo_fim",
    );
}

#[test]
fn an_archived_representacao_takes_no_more_acts() {
    // Corrections are new acts in another case (DOMAIN.md §8).
    let mut world = world_with_operator(d(2001, 2, 1), 5_000);
    let case = world.new_case_id();
    let fiscal = actor(Role::Fiscal, &[]);
    world.given_case(
        case,
        registro(),
        fiscal.clone(),
        d(2002, 9, 2),
        register("RN 4/2000", d(2002, 1, 1), d(2002, 6, 30)),
    );
    world.given_case(
        case,
        registro(),
        fiscal.clone(),
        d(2002, 9, 3),
        CaseCommand::ArquivarRepresentacao { motivo: "improcedente".into() },
    );
    assert_refused(
        world.when_case(
            case,
            registro(),
            fiscal,
            d(2002, 9, 4),
            CaseCommand::DistribuirRepresentacao { unidade: "DIFIS".into() },
        ),
        "caso.encerrado",
    );
}
