//! NIP (docs/DOMAIN.md §2.8, RN 343/2013 → RN 388/2015 → RN 483/2022 and RN 579/2023): the events of
//! the registration with the operator's protocol, the notification with its 5/10 business-day
//! deadlines on a real calendar, the answer, every classification and the review of an RVE at any
//! time; every refusal by its rule id.

use autos_domain::case::{Abertura, DeadlineKey, NipClassification, NipEvent, NipKind, TemaDemanda};
use autos_domain::stored::encode;
use autos_domain::testing::{actor, case_act, d, deadline, Act, World};
use autos_domain::NonEmptyText;
use autos_domain::{Actor, Calendar, CaseCommand, Role, SealedPersonalData};
use chrono::NaiveDate;
use uuid::Uuid;

use crate::common::{registro, world_with_operator};

const GROUNDS: &str = "análise da resposta e dos documentos";

fn beneficiary() -> SealedPersonalData {
    SealedPersonalData { subject_id: Uuid::from_u128(11), ciphertext: "YmVuZWZpY2lhcmlv".into() }
}

fn complaint() -> CaseCommand {
    CaseCommand::RegistrarReclamacaoNip {
        registro: registro(),
        canal: NonEmptyText::written("formulário eletrônico"),
        protocolo_operadora: "2026021300123".into(),
        tema: TemaDemanda::CoberturaAssistencial,
        beneficiario: beneficiary(),
    }
}

fn fiscal() -> Actor {
    actor(Role::Fiscal, &[])
}

fn atendente() -> Actor {
    actor(Role::Atendente, &[])
}

fn by_fiscal(case: Uuid, on: NaiveDate, command: CaseCommand) -> Act {
    case_act(case, fiscal(), on, command)
}

/// A NIP registered and notified on `on`.
fn notified(world: &mut World, on: NaiveDate, tipo: NipKind) -> Uuid {
    let case = world.new_case_id();
    world.given([
        case_act(case, atendente(), on, complaint()),
        by_fiscal(case, on, CaseCommand::NotificarOperadoraNip { tipo }),
    ]);
    case
}

fn answer(reparacao_em: Option<NaiveDate>) -> CaseCommand {
    CaseCommand::RegistrarRespostaOperadora {
        reparacao_em,
        documento: NonEmptyText::written("Resposta nº 4567 (Espaço da Operadora)"),
    }
}

fn answered(no_prazo: bool, reparacao_em: Option<NaiveDate>, reparacao_no_prazo: bool) -> NipEvent {
    NipEvent::RespostaRegistrada { no_prazo, reparacao_em, reparacao_no_prazo }
}

fn classify(classificacao: NipClassification) -> CaseCommand {
    CaseCommand::ClassificarNip { classificacao, fundamentacao: NonEmptyText::written(GROUNDS) }
}

/// The classification event: `sem_resposta` on silence; RN 579/2023 bound when `only_unresolved`.
fn classified(classificacao: NipClassification, sem_resposta: bool, only_unresolved: bool) -> NipEvent {
    NipEvent::Classificada {
        classificacao,
        fundamentacao: GROUNDS.into(),
        sem_resposta,
        encaminhada_para_pas: classificacao == NipClassification::NaoResolvida,
        pas_somente_se_nao_resolvida: only_unresolved,
    }
}

fn review() -> CaseCommand {
    CaseCommand::RevisarRve {
        fundamentacao: NonEmptyText::written("a reparação não foi efetiva"),
        documento: NonEmptyText::written("Despacho DIFIS"),
    }
}

#[test]
fn an_assistencial_nip_notified_on_the_friday_before_carnival_is_due_five_business_days_later() {
    // RN 388/2015: 5 du (assistencial), answer with proof in 10 du, from the first business day
    // after notification; Carnival 16–17 Feb 2026 and the weekends do not count.
    let mut world = world_with_operator(d(2024, 1, 2), 5_000);
    let case = world.new_case_id();
    world.given([case_act(case, atendente(), d(2026, 2, 13), complaint())]);
    let notify = CaseCommand::NotificarOperadoraNip { tipo: NipKind::Assistencial };
    world
        .when(by_fiscal(case, d(2026, 2, 13), notify))
        .then_events([NipEvent::OperadoraNotificada {
            tipo: NipKind::Assistencial,
            prazo_resolucao: deadline(d(2026, 2, 13), 5, Calendar::Uteis, d(2026, 2, 24)), // 18, 19, 20, 23, 24
            prazo_resposta: deadline(d(2026, 2, 13), 10, Calendar::Uteis, d(2026, 3, 3)),
        }])
        .then_state(|nip| {
            assert_eq!(nip.phase(), "operadora_notificada");
            assert_eq!(nip.prazos[&DeadlineKey::ResolucaoNip].due, d(2026, 2, 24));
        });
}

#[test]
fn a_non_assistencial_nip_notified_on_the_same_friday_has_ten_business_days() {
    // RN 388/2015: 10 du (não assistencial): 18–20, 23–27 Feb, 2–3 Mar.
    let mut world = world_with_operator(d(2024, 1, 2), 5_000);
    let case = world.new_case_id();
    world.given([case_act(case, atendente(), d(2026, 2, 13), complaint())]);
    let notify = CaseCommand::NotificarOperadoraNip { tipo: NipKind::NaoAssistencial };
    world.when(by_fiscal(case, d(2026, 2, 13), notify)).then_events([NipEvent::OperadoraNotificada {
        tipo: NipKind::NaoAssistencial,
        prazo_resolucao: deadline(d(2026, 2, 13), 10, Calendar::Uteis, d(2026, 3, 3)),
        prazo_resposta: deadline(d(2026, 2, 13), 10, Calendar::Uteis, d(2026, 3, 3)),
    }]);
}

#[test]
fn a_nip_redressed_within_the_deadline_is_finalised_as_rve() {
    // RN 48/2003 art. 11 (RN 343/2013): voluntary effective redress inside the NIP deadlines.
    let mut world = world_with_operator(d(2024, 1, 2), 5_000);
    let case = notified(&mut world, d(2026, 2, 13), NipKind::Assistencial);
    world
        .when(by_fiscal(case, d(2026, 2, 26), answer(Some(d(2026, 2, 24)))))
        .then_events([answered(true, Some(d(2026, 2, 24)), true)])
        .then_state(|nip| assert_eq!((nip.phase(), nip.prazos.len()), ("classificacao", 0)));
    world
        .when(by_fiscal(case, d(2026, 3, 10), classify(NipClassification::Rve)))
        .then_events([classified(NipClassification::Rve, false, true)])
        .then_state(|nip| assert!(nip.phase() == "finalizada" && nip.is_closed()));
}

#[test]
fn an_rve_is_refused_without_a_redress_proved_within_the_resolution_deadline() {
    // RN 48/2003 art. 11 §§1, 4, 5 (RN 343/2013): RVE only inside the NIP deadlines.
    let mut world = world_with_operator(d(2024, 1, 2), 5_000);
    let late = notified(&mut world, d(2026, 2, 13), NipKind::Assistencial);
    world.when(by_fiscal(late, d(2026, 2, 27), answer(Some(d(2026, 2, 25))))).then_events([answered(
        true,
        Some(d(2026, 2, 25)),
        false,
    )]);
    world
        .when(by_fiscal(late, d(2026, 3, 10), classify(NipClassification::Rve)))
        .then_refused("nip.rve_sem_reparacao_no_prazo");
    let none = notified(&mut world, d(2026, 2, 13), NipKind::Assistencial);
    world.given([by_fiscal(none, d(2026, 2, 27), answer(None))]);
    world
        .when(by_fiscal(none, d(2026, 3, 10), classify(NipClassification::Rve)))
        .then_refused("nip.rve_sem_reparacao_no_prazo");
}

#[test]
fn an_rve_may_be_reviewed_at_any_time_and_becomes_nao_resolvida() {
    // RN 343/2013 art. 17: an RVE missing a requisite is reviewed at any time; RN 579/2023: the
    // não resolvida NIP is the only one that grounds a PAS.
    let mut world = world_with_operator(d(2024, 1, 2), 5_000);
    let case = notified(&mut world, d(2026, 2, 13), NipKind::Assistencial);
    world.given([
        by_fiscal(case, d(2026, 2, 20), answer(Some(d(2026, 2, 19)))),
        by_fiscal(case, d(2026, 3, 10), classify(NipClassification::Rve)),
    ]);
    assert!(world.case(case).is_closed());
    world
        .when(by_fiscal(case, d(2028, 8, 1), review()))
        .then_events([NipEvent::RveRevisada {
            fundamentacao: "a reparação não foi efetiva".into(),
            pas_somente_se_nao_resolvida: true,
        }])
        .then_state(|nip| assert!(nip.phase() == "encaminhada_para_pas" && nip.is_closed()));
    world.when(by_fiscal(case, d(2028, 8, 2), review())).then_refused("caso.encerrado");
}

#[test]
fn only_a_finalised_rve_is_reviewable() {
    // RN 343/2013 art. 17 concerns the RVE; other finalised NIPs are closed.
    let mut world = world_with_operator(d(2024, 1, 2), 5_000);
    let case = notified(&mut world, d(2026, 2, 13), NipKind::Assistencial);
    world.given([by_fiscal(case, d(2026, 2, 20), answer(Some(d(2026, 2, 19))))]);
    world.when(by_fiscal(case, d(2026, 3, 2), review())).then_refused("nip.transicao_invalida");
    world.given([by_fiscal(case, d(2026, 3, 10), classify(NipClassification::SemIndicioDeInfracao))]);
    world.when(by_fiscal(case, d(2026, 4, 1), review())).then_refused("caso.encerrado");
}

#[test]
fn a_nip_classified_nao_resolvida_is_sent_to_pas_and_records_rn_579() {
    // RN 483/2022 art. 15 (RN 579/2023, from 3 Jul 2023): only não resolvida opens a PAS.
    let mut world = world_with_operator(d(2022, 1, 3), 5_000);
    let case = notified(&mut world, d(2026, 2, 13), NipKind::NaoAssistencial);
    world.when(by_fiscal(case, d(2026, 2, 27), answer(None))).then_events([answered(true, None, false)]);
    world
        .when(by_fiscal(case, d(2026, 3, 10), classify(NipClassification::NaoResolvida)))
        .then_events([classified(NipClassification::NaoResolvida, false, true)])
        .then_state(|nip| assert!(nip.phase() == "encaminhada_para_pas" && nip.is_closed()));
    // A NIP opened before RN 579/2023 keeps its rule version (not retroactive).
    let older = notified(&mut world, d(2023, 5, 8), NipKind::NaoAssistencial);
    world.given([by_fiscal(older, d(2023, 5, 12), answer(None))]);
    world.when(by_fiscal(older, d(2023, 8, 1), classify(NipClassification::NaoResolvida))).then_events([classified(
        NipClassification::NaoResolvida,
        false,
        false,
    )]);
}

#[test]
fn every_other_classification_finalises_the_nip_without_a_pas() {
    // RN 388/2015 classification list.
    let mut world = world_with_operator(d(2024, 1, 2), 5_000);
    for classificacao in [
        NipClassification::SemIndicioDeInfracao,
        NipClassification::NaoBeneficiario,
        NipClassification::Duplicada,
        NipClassification::DadosInsuficientes,
        NipClassification::AgenteNaoResponsavel,
    ] {
        let case = notified(&mut world, d(2025, 6, 2), NipKind::NaoAssistencial);
        world.given([by_fiscal(case, d(2025, 6, 6), answer(None))]);
        world
            .when(by_fiscal(case, d(2025, 6, 20), classify(classificacao)))
            .then_events([classified(classificacao, false, true)])
            .then_state(|nip| assert!(nip.phase() == "finalizada" && nip.is_closed(), "{classificacao:?}"));
    }
}

#[test]
fn classification_before_the_operator_is_notified_is_premature() {
    // RN 388/2015: the classification follows the preliminary mediation.
    let mut world = world_with_operator(d(2024, 1, 2), 5_000);
    let case = world.new_case_id();
    world.given([case_act(case, atendente(), d(2026, 2, 13), complaint())]);
    assert_eq!(world.case(case).phase(), "reclamacao_registrada");
    world
        .when(by_fiscal(case, d(2026, 2, 13), classify(NipClassification::NaoResolvida)))
        .then_refused("nip.classificacao_prematura");
}

#[test]
fn a_silent_operator_is_classified_only_after_the_resolution_deadline() {
    // docs/DOMAIN.md §2.8: DeadlinePassed leads to classification; silence runs against the operator.
    let mut world = world_with_operator(d(2024, 1, 2), 5_000);
    let case = notified(&mut world, d(2026, 2, 13), NipKind::Assistencial);
    let unresolved = classify(NipClassification::NaoResolvida);
    world.when(by_fiscal(case, d(2026, 2, 24), unresolved.clone())).then_refused("prazo.nao_vencido");
    world
        .when(by_fiscal(case, d(2026, 2, 25), unresolved))
        .then_events([classified(NipClassification::NaoResolvida, true, true)])
        .then_state(|nip| assert_eq!(nip.phase(), "encaminhada_para_pas"));
}

#[test]
fn a_late_answer_is_recorded_as_late() {
    // RN 388/2015: answer with proof in 10 du (to 3 Mar 2026); a late one is kept, marked late.
    let mut world = world_with_operator(d(2024, 1, 2), 5_000);
    let case = notified(&mut world, d(2026, 2, 13), NipKind::Assistencial);
    world.when(by_fiscal(case, d(2026, 3, 4), answer(None))).then_events([answered(false, None, false)]);
    world.when(by_fiscal(case, d(2026, 3, 4), answer(Some(d(2026, 3, 4))))).then_refused("nip.transicao_invalida");
}

#[test]
fn a_future_redress_date_is_refused() {
    let mut world = world_with_operator(d(2024, 1, 2), 5_000);
    let case = notified(&mut world, d(2026, 2, 13), NipKind::Assistencial);
    world
        .when(by_fiscal(case, d(2026, 2, 18), answer(Some(d(2026, 2, 19)))))
        .then_invalid("reparacao_em")
        .then_state(|nip| assert_eq!(nip.phase(), "operadora_notificada"));
}

#[test]
fn the_complaint_needs_the_operator_protocol_and_a_sealed_beneficiary() {
    // RN 388/2015 (NIP); docs/ARCHITECTURE.md §4b and Lei 13.709/2018: beneficiary data only sealed.
    let mut world = world_with_operator(d(2024, 1, 2), 5_000);
    let case = world.new_case_id();
    let mut no_protocol = complaint();
    if let CaseCommand::RegistrarReclamacaoNip { protocolo_operadora, .. } = &mut no_protocol {
        *protocolo_operadora = "  ".into();
    }
    world
        .when(case_act(case, atendente(), d(2026, 2, 13), no_protocol))
        .then_refused("nip.protocolo_operadora_ausente");
    let mut clear = complaint();
    if let CaseCommand::RegistrarReclamacaoNip { beneficiario, .. } = &mut clear {
        beneficiario.ciphertext = "Maria da Silva, CPF 123.456.789-00".into();
    }
    world.when(case_act(case, atendente(), d(2026, 2, 13), clear)).then_invalid("beneficiario");
    let outcome = world.when(case_act(case, atendente(), d(2026, 2, 13), complaint()));
    let stored = encode(&outcome.events()[0].event);
    assert_eq!(stored.event_type, "nip.reclamacao_registrada");
    assert_eq!(stored.payload["beneficiario"]["ciphertext"], "YmVuZWZpY2lhcmlv");
    assert_eq!(stored.payload["beneficiario"].as_object().unwrap().len(), 2, "subject id and ciphertext only");
    outcome
        .then_events([NipEvent::ReclamacaoRegistrada {
            abertura: Abertura {
                registro: registro(),
                versao_regras: "rn-623-2024".into(),
                fato_gerador: d(2026, 2, 13),
                origem: None,
            },
            canal: "formulário eletrônico".into(),
            protocolo_operadora: "2026021300123".into(),
            tema: TemaDemanda::CoberturaAssistencial,
            beneficiario: beneficiary(),
        }])
        .then_state(|nip| {
            let state = serde_json::to_value(nip).unwrap().to_string();
            assert!(!state.contains("YmVuZWZpY2lhcmlv"), "the case state keeps no personal data");
        });
}

#[test]
fn before_the_nip_existed_complaints_follow_the_disque_ans_flow() {
    // RN 343/2013 created the NIP; the 2003 rule version knows only the Disque ANS demandas.
    let mut world = world_with_operator(d(2003, 1, 6), 5_000);
    let case = world.new_case_id();
    world.when(case_act(case, atendente(), d(2010, 5, 3), complaint())).then_refused("nip.procedimento_nao_vigente");
}

#[test]
fn acts_out_of_order_are_refused_with_their_rule() {
    // docs/DOMAIN.md §2.8 lifecycle.
    let mut world = world_with_operator(d(2024, 1, 2), 5_000);
    let case = world.new_case_id();
    world.given([case_act(case, atendente(), d(2026, 2, 13), complaint())]);
    world.when(by_fiscal(case, d(2026, 2, 13), answer(None))).then_refused("nip.transicao_invalida");
    world.when(by_fiscal(case, d(2026, 2, 13), review())).then_refused("nip.transicao_invalida");
    let notify = CaseCommand::NotificarOperadoraNip { tipo: NipKind::Assistencial };
    world.given([by_fiscal(case, d(2026, 2, 13), notify.clone())]);
    world.when(by_fiscal(case, d(2026, 2, 16), notify)).then_refused("nip.transicao_invalida");
    let extend =
        CaseCommand::ProrrogarPrazo { prazo: DeadlineKey::ResolucaoNip, motivo: NonEmptyText::written("pedido") };
    world
        .when(case_act(case, actor(Role::Diretoria, &[]), d(2026, 2, 16), extend))
        .then_refused("caso.ato_incompativel");
    world.given([
        by_fiscal(case, d(2026, 2, 20), answer(None)),
        by_fiscal(case, d(2026, 3, 2), classify(NipClassification::Duplicada)),
    ]);
    world
        .when(by_fiscal(case, d(2026, 3, 3), classify(NipClassification::NaoResolvida)))
        .then_refused("caso.encerrado");
}

#[test]
fn only_the_roles_of_the_catalogue_act_on_a_nip() {
    // docs/ARCHITECTURE.md §6: the atendente registers, the fiscal notifies and classifies.
    let mut world = world_with_operator(d(2024, 1, 2), 5_000);
    let case = world.new_case_id();
    world.when(by_fiscal(case, d(2026, 2, 13), complaint())).then_refused("acesso.papel_nao_autorizado");
    world.given([case_act(case, atendente(), d(2026, 2, 13), complaint())]);
    let notify = CaseCommand::NotificarOperadoraNip { tipo: NipKind::Assistencial };
    world
        .when(case_act(case, actor(Role::Diretoria, &[]), d(2026, 2, 13), notify.clone()))
        .then_refused("acesso.papel_nao_autorizado");
    world.given([by_fiscal(case, d(2026, 2, 13), notify), case_act(case, atendente(), d(2026, 2, 20), answer(None))]);
    for role in [Role::Atendente, Role::Auditor] {
        world
            .when(case_act(case, actor(role, &[]), d(2026, 3, 2), classify(NipClassification::Duplicada)))
            .then_refused("acesso.papel_nao_autorizado");
    }
}

fn published(competencia: &str) -> CaseCommand {
    CaseCommand::RegistrarDemandaNipPublicada {
        registro: registro(),
        numero_demanda: NonEmptyText::written("5000123"),
        canal: NonEmptyText::written("Central de atendimento"),
        assunto: NonEmptyText::written("Cobertura >> Rol de Procedimentos"),
        tema: TemaDemanda::CoberturaAssistencial,
        natureza: NipKind::Assistencial,
        classificacao: Some(NipClassification::Rve),
        classificacao_publicada: Some("RVE".into()),
        situacao_demanda: Some("Finalizada".into()),
        situacao_nip: None,
        tipo_de_plano: None,
        uf_consumidor: None,
        data_do_auto: None,
        numero_processo: None,
        competencia: Some(competencia.into()),
        modalidade_publicada: Some(" Medicina de Grupo ".into()),
    }
}

#[test]
fn a_published_demand_keeps_its_reference_month_and_modalidade_and_a_month_that_does_not_exist_is_refused() {
    // RN 388/2015 (dados abertos da NIP): the demand is recorded as ANS published it, with the
    // month ANS counts it in.
    let mut world = world_with_operator(d(2024, 1, 2), 5_000);
    let case = world.new_case_id();
    let outcome = world.when(case_act(case, atendente(), d(2024, 3, 4), published("2024-03")));
    let [emitted] = outcome.events() else { panic!("one event expected: {:?}", outcome.events()) };
    let autos_domain::DomainEvent::Case(autos_domain::CaseEvent::Nip(NipEvent::DemandaPublicadaRegistrada {
        demanda,
        ..
    })) = &emitted.event
    else {
        panic!("a published demand expected: {emitted:?}")
    };
    assert_eq!(demanda.competencia.as_deref(), Some("2024-03"));
    assert_eq!(demanda.modalidade_publicada.as_deref(), Some("Medicina de Grupo"));
    let other = world.new_case_id();
    for month in ["2024-13", "2024-3"] {
        world.when(case_act(other, atendente(), d(2024, 3, 4), published(month))).then_invalid("competencia");
    }
}
