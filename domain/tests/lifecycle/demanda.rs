//! Demandas do Disque ANS (docs/DOMAIN.md §2.8, 2001–2003 flow): the events of a consulta answered and
//! of a denúncia judged in two internal instances, sent to a Núcleo and investigated; the sealed
//! complainant; every refusal by its rule id.

use autos_domain::case::{Abertura, DemandEvent, DemandKind, TemaDemanda};
use autos_domain::testing::{actor, case_act, d, World};
use autos_domain::NonEmptyText;
use autos_domain::{Actor, CaseCommand, Role, SealedPersonalData};
use uuid::Uuid;

use crate::common::{registro, world_with_operator};

fn complainant() -> SealedPersonalData {
    SealedPersonalData { subject_id: Uuid::from_u128(7), ciphertext: "c2VsYWRv".into() }
}

fn demanda(tipo: DemandKind) -> CaseCommand {
    CaseCommand::RegistrarDemandaDisqueAns {
        registro: registro(),
        tipo,
        tema: TemaDemanda::AumentoDeMensalidade,
        canal: NonEmptyText::written("telefone"),
        reclamante: Some(complainant()),
    }
}

fn atendente() -> Actor {
    actor(Role::Atendente, &[])
}

fn fiscal() -> Actor {
    actor(Role::Fiscal, &[])
}

fn opened(world: &mut World, tipo: DemandKind) -> Uuid {
    let case = world.new_case_id();
    world.given([case_act(case, atendente(), d(2002, 4, 8), demanda(tipo))]);
    case
}

fn evaluate(irregular: bool) -> CaseCommand {
    CaseCommand::AvaliarDenuncia {
        potencialmente_irregular: irregular,
        fundamentacao: NonEmptyText::written("análise"),
    }
}

fn evaluated(instancia: u8, potencialmente_irregular: bool) -> DemandEvent {
    DemandEvent::DenunciaAvaliada { instancia, potencialmente_irregular, fundamentacao: "análise".into() }
}

#[test]
fn a_consulta_is_registered_answered_and_ends() {
    // Disque ANS (2001): a consulta is answered by the atendimento; seed-era rules bind it.
    let mut world = world_with_operator(d(2001, 2, 1), 5_000);
    let case = world.new_case_id();
    world.when(case_act(case, atendente(), d(2002, 4, 8), demanda(DemandKind::Consulta))).then_events([
        DemandEvent::Registrada {
            abertura: Abertura {
                registro: registro(),
                versao_regras: "seed-2000".into(),
                fato_gerador: d(2002, 4, 8),
                origem: None,
            },
            tipo: DemandKind::Consulta,
            tema: TemaDemanda::AumentoDeMensalidade,
            canal: "telefone".into(),
            reclamante: Some(complainant()),
        },
    ]);
    let answer = CaseCommand::ResponderConsulta { resposta: NonEmptyText::written("orientação sobre reajuste") };
    world
        .when(case_act(case, atendente(), d(2002, 4, 8), answer))
        .then_events([DemandEvent::ConsultaRespondida { resposta: "orientação sobre reajuste".into() }])
        .then_state(|demand| assert!(demand.is_closed()));
}

#[test]
fn a_denuncia_goes_through_two_instances_to_the_nucleo_and_its_investigation() {
    // Seed flow: two internal evaluation instances → Núcleo Regional de Fiscalização → apuração.
    let mut world = world_with_operator(d(2001, 2, 1), 5_000);
    let case = opened(&mut world, DemandKind::Denuncia);
    let nucleo = CaseCommand::EncaminharAoNucleo { nucleo: NonEmptyText::written("Núcleo SP") };
    world.when(case_act(case, fiscal(), d(2002, 4, 10), evaluate(true))).then_events([evaluated(1, true)]);
    world.when(case_act(case, fiscal(), d(2002, 4, 11), nucleo.clone())).then_refused("demanda.transicao_invalida");
    world.when(case_act(case, fiscal(), d(2002, 4, 12), evaluate(true))).then_events([evaluated(2, true)]);
    world
        .when(case_act(case, fiscal(), d(2002, 4, 15), nucleo))
        .then_events([DemandEvent::EncaminhadaAoNucleo { nucleo: "Núcleo SP".into() }]);
    let conclude =
        CaseCommand::ConcluirApuracao { procedente: true, relatorio: NonEmptyText::written("infração constatada") };
    world
        .when(case_act(case, fiscal(), d(2002, 6, 3), conclude))
        .then_events([DemandEvent::ApuracaoConcluida { procedente: true, relatorio: "infração constatada".into() }])
        .then_state(|demand| assert_eq!(demand.phase(), "apuracao_concluida"));
}

#[test]
fn a_denuncia_not_irregular_is_archived_and_a_consulta_is_never_evaluated() {
    let mut world = world_with_operator(d(2001, 2, 1), 5_000);
    let case = opened(&mut world, DemandKind::Denuncia);
    world
        .when(case_act(case, fiscal(), d(2002, 4, 10), evaluate(false)))
        .then_events([evaluated(1, false)])
        .then_state(|demand| assert!(demand.is_closed()));
    let consulta = opened(&mut world, DemandKind::Consulta);
    world.when(case_act(consulta, fiscal(), d(2002, 4, 10), evaluate(true))).then_refused("demanda.transicao_invalida");
}

#[test]
fn the_complainant_travels_only_sealed() {
    // docs/ARCHITECTURE.md §4b; Lei 13.709/2018: personal data only as ciphertext in the log.
    let mut world = world_with_operator(d(2001, 2, 1), 5_000);
    let case = world.new_case_id();
    let outcome = world.when(case_act(case, atendente(), d(2002, 4, 8), demanda(DemandKind::Denuncia)));
    let stored = autos_domain::stored::encode(&outcome.events()[0].event);
    assert_eq!(stored.payload["reclamante"]["ciphertext"], "c2VsYWRv");
    assert_eq!(stored.payload["reclamante"].as_object().unwrap().len(), 2, "subject id and ciphertext only");
}

fn reconsider() -> CaseCommand {
    CaseCommand::ReconsiderarAvaliacaoDenuncia {
        fundamentacao: NonEmptyText::written("a gravação da ligação mostra negativa de cobertura"),
        documento: NonEmptyText::written("Despacho 12/2002"),
    }
}

#[test]
fn an_archived_denuncia_is_evaluated_again_only_after_an_explicit_reconsideration() {
    // Lei 9.784/1999 art. 56 §1: the authority that decided may reconsider; until it does, its
    // evaluation stands and a second, opposite one is refused.
    let mut world = world_with_operator(d(2001, 2, 1), 5_000);
    let case = opened(&mut world, DemandKind::Denuncia);
    world.given([case_act(case, fiscal(), d(2002, 4, 10), evaluate(false))]);
    world.when(case_act(case, fiscal(), d(2002, 4, 11), evaluate(true))).then_refused("caso.encerrado");
    world
        .when(case_act(case, fiscal(), d(2002, 4, 12), reconsider()))
        .then_events([DemandEvent::AvaliacaoReconsiderada {
            instancia: 1,
            fundamentacao: "a gravação da ligação mostra negativa de cobertura".into(),
            documento: "Despacho 12/2002".into(),
        }])
        .then_state(|demand| assert_eq!((demand.phase(), demand.is_closed()), ("registrada", false)));
    world.when(case_act(case, fiscal(), d(2002, 4, 15), evaluate(true))).then_events([evaluated(1, true)]);
    // The second instance's finding, reconsidered, puts the denúncia before that instance again.
    world.given([case_act(case, fiscal(), d(2002, 4, 16), evaluate(true))]);
    world
        .when(case_act(case, fiscal(), d(2002, 4, 17), reconsider()))
        .then_state(|demand| assert_eq!(demand.phase(), "primeira_instancia_irregular"));
}

#[test]
fn nothing_is_reconsidered_before_an_evaluation_or_once_the_nucleo_has_the_denuncia() {
    // Lei 9.784/1999 art. 56 §1: a reconsideration needs a decision that still has effect.
    let mut world = world_with_operator(d(2001, 2, 1), 5_000);
    let case = opened(&mut world, DemandKind::Denuncia);
    world
        .when(case_act(case, fiscal(), d(2002, 4, 9), reconsider()))
        .then_refused("demanda.reconsideracao_sem_avaliacao");
    world.given([
        case_act(case, fiscal(), d(2002, 4, 10), evaluate(true)),
        case_act(case, fiscal(), d(2002, 4, 12), evaluate(true)),
        case_act(
            case,
            fiscal(),
            d(2002, 4, 15),
            CaseCommand::EncaminharAoNucleo { nucleo: NonEmptyText::written("Núcleo SP") },
        ),
    ]);
    world
        .when(case_act(case, fiscal(), d(2002, 4, 16), reconsider()))
        .then_refused("demanda.reconsideracao_sem_avaliacao");
}
