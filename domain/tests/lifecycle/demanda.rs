//! Demandas do Disque ANS (DOMAIN.md §2.8, 2001–2003 flow): consultas answered; denúncias
//! judged in two internal instances, sent to a Núcleo, investigated.

use autos_domain::case::{DemandKind, DemandTheme};
use autos_domain::testing::{actor, assert_refused, d, World};
use autos_domain::{CaseCommand, Role, SealedPersonalData};
use uuid::Uuid;

use crate::common::{registro, world_with_operator};

fn demanda(tipo: DemandKind) -> CaseCommand {
    CaseCommand::RegistrarDemandaDisqueAns {
        registro: registro(),
        tipo,
        tema: DemandTheme::AumentoDeMensalidade,
        canal: "telefone".into(),
        reclamante: Some(SealedPersonalData { subject_id: Uuid::from_u128(7), ciphertext: "c2VsYWRv".into() }),
    }
}

fn opened(world: &mut World, tipo: DemandKind) -> Uuid {
    let case = world.new_case_id();
    world.given_case(case, registro(), actor(Role::Atendente, &[]), d(2002, 4, 8), demanda(tipo));
    case
}

fn evaluate(irregular: bool) -> CaseCommand {
    CaseCommand::AvaliarDenuncia { potencialmente_irregular: irregular, fundamentacao: "análise".into() }
}

#[test]
fn a_consulta_is_answered_and_ends() {
    // Disque ANS (2001): a consulta is answered by the atendimento.
    let mut world = world_with_operator(d(2001, 2, 1), 5_000);
    let case = opened(&mut world, DemandKind::Consulta);
    world.given_case(
        case,
        registro(),
        actor(Role::Atendente, &[]),
        d(2002, 4, 8),
        CaseCommand::ResponderConsulta { resposta: "orientação sobre reajuste".into() },
    );
    assert!(world.case(case).is_closed());
}

#[test]
fn a_denuncia_goes_through_two_instances_to_the_nucleo_and_its_investigation() {
    // Seed flow: two internal evaluation instances → Núcleo Regional de Fiscalização → apuração.
    let mut world = world_with_operator(d(2001, 2, 1), 5_000);
    let case = opened(&mut world, DemandKind::Denuncia);
    let fiscal = actor(Role::Fiscal, &[]);
    let nucleo = CaseCommand::EncaminharAoNucleo { nucleo: "Núcleo SP".into() };
    world.given_case(case, registro(), fiscal.clone(), d(2002, 4, 10), evaluate(true));
    assert_refused(
        world.when_case(case, registro(), fiscal.clone(), d(2002, 4, 11), nucleo.clone()),
        "demanda.transicao_invalida",
    );
    world.given_case(case, registro(), fiscal.clone(), d(2002, 4, 12), evaluate(true));
    world.given_case(case, registro(), fiscal.clone(), d(2002, 4, 15), nucleo);
    world.given_case(
        case,
        registro(),
        fiscal,
        d(2002, 6, 3),
        CaseCommand::ConcluirApuracao { procedente: true, relatorio: "infração constatada".into() },
    );
    assert_eq!(world.case(case).phase(), "apuracao_concluida");
}

#[test]
fn a_denuncia_not_irregular_is_archived_and_a_consulta_is_never_evaluated() {
    let mut world = world_with_operator(d(2001, 2, 1), 5_000);
    let fiscal = actor(Role::Fiscal, &[]);
    let case = opened(&mut world, DemandKind::Denuncia);
    world.given_case(case, registro(), fiscal.clone(), d(2002, 4, 10), evaluate(false));
    assert!(world.case(case).is_closed());
    let consulta = opened(&mut world, DemandKind::Consulta);
    assert_refused(
        world.when_case(consulta, registro(), fiscal, d(2002, 4, 10), evaluate(true)),
        "demanda.transicao_invalida",
    );
}

#[test]
fn the_complainant_travels_only_sealed() {
    // ARCHITECTURE.md §4b; Lei 13.709/2018: personal data only as ciphertext in the log.
    let mut world = world_with_operator(d(2001, 2, 1), 5_000);
    let case = world.new_case_id();
    let out = world
        .when_case(case, registro(), actor(Role::Atendente, &[]), d(2002, 4, 8), demanda(DemandKind::Denuncia))
        .unwrap();
    let stored = autos_domain::stored::encode(&out[0].event);
    assert_eq!(stored.payload["reclamante"]["ciphertext"], "c2VsYWRv");
    assert_eq!(stored.payload["reclamante"].as_object().unwrap().len(), 2, "subject id and ciphertext only");
}
