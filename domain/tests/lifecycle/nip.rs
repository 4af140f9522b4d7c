//! NIP (DOMAIN.md §2.8, RN 343/2013 → RN 388/2015 → RN 483/2022 and RN 579/2023): registration
//! with the operator's protocol, the 5/10 business-day deadlines on a real calendar, the answer,
//! every classification, and the review of an RVE at any time.

use autos_domain::case::{DeadlineKey, DemandTheme, NipClassification, NipKind};
use autos_domain::stored::encode;
use autos_domain::testing::{actor, assert_refused, d, World};
use autos_domain::{CaseCommand, Emitted, Role, SealedPersonalData};
use chrono::NaiveDate;
use serde_json::Value;
use uuid::Uuid;

use crate::common::{registro, world_with_operator};

fn complaint() -> CaseCommand {
    CaseCommand::RegistrarReclamacaoNip {
        registro: registro(),
        canal: "formulário eletrônico".into(),
        protocolo_operadora: "2026021300123".into(),
        tema: DemandTheme::CoberturaAssistencial,
        beneficiario: SealedPersonalData { subject_id: Uuid::from_u128(11), ciphertext: "YmVuZWZpY2lhcmlv".into() },
    }
}

fn fiscal() -> autos_domain::Actor {
    actor(Role::Fiscal, &[])
}

/// A NIP registered and notified on `on`.
fn notified(world: &mut World, on: NaiveDate, tipo: NipKind) -> Uuid {
    let case = world.new_case_id();
    world.given_case(case, registro(), actor(Role::Atendente, &[]), on, complaint());
    world.given_case(case, registro(), fiscal(), on, CaseCommand::NotificarOperadoraNip { tipo });
    case
}

fn answer(reparacao_em: Option<NaiveDate>) -> CaseCommand {
    CaseCommand::RegistrarRespostaOperadora {
        reparacao_em, documento: "Resposta nº 4567 (Espaço da Operadora)".into()
    }
}

fn classify(classificacao: NipClassification) -> CaseCommand {
    CaseCommand::ClassificarNip { classificacao, fundamentacao: "análise da resposta e dos documentos".into() }
}

fn review() -> CaseCommand {
    CaseCommand::RevisarRve {
        fundamentacao: "a reparação não foi efetiva".into(), documento: "Despacho DIFIS".into()
    }
}

fn payload(out: &[Emitted]) -> Value {
    encode(&out[0].event).payload
}

#[test]
fn an_assistencial_nip_notified_on_the_friday_before_carnival_is_due_five_business_days_later() {
    // RN 388/2015: 5 du (assistencial), answer with proof in 10 du, from the first business day
    // after notification; Carnival 16–17 Feb 2026 and the weekends do not count.
    let mut world = world_with_operator(d(2024, 1, 2), 5_000);
    let case = notified(&mut world, d(2026, 2, 13), NipKind::Assistencial);
    let deadlines = world.case(case).deadlines;
    assert_eq!(deadlines[&DeadlineKey::ResolucaoNip].due, d(2026, 2, 24)); // 18, 19, 20, 23, 24
    assert_eq!(deadlines[&DeadlineKey::RespostaNip].due, d(2026, 3, 3));
    assert_eq!(world.case(case).phase(), "operadora_notificada");
}

#[test]
fn a_non_assistencial_nip_notified_on_the_same_friday_has_ten_business_days() {
    // RN 388/2015: 10 du (não assistencial).
    let mut world = world_with_operator(d(2024, 1, 2), 5_000);
    let case = notified(&mut world, d(2026, 2, 13), NipKind::NaoAssistencial);
    let resolution = world.case(case).deadlines[&DeadlineKey::ResolucaoNip].clone();
    assert_eq!((resolution.length, resolution.due), (10, d(2026, 3, 3))); // 18–20, 23–27 Feb, 2–3 Mar
}

#[test]
fn a_nip_redressed_within_the_deadline_is_finalised_as_rve() {
    // RN 48/2003 art. 11 (RN 343/2013): voluntary effective redress inside the NIP deadlines.
    let mut world = world_with_operator(d(2024, 1, 2), 5_000);
    let case = notified(&mut world, d(2026, 2, 13), NipKind::Assistencial);
    let out = world.given_case(case, registro(), fiscal(), d(2026, 2, 26), answer(Some(d(2026, 2, 24))));
    assert_eq!(payload(&out)["reparacao_no_prazo"], true);
    assert_eq!(payload(&out)["no_prazo"], true);
    assert_eq!(world.case(case).phase(), "classificacao");
    assert!(world.case(case).deadlines.is_empty());
    world.given_case(case, registro(), fiscal(), d(2026, 3, 10), classify(NipClassification::Rve));
    assert_eq!(world.case(case).phase(), "finalizada");
    assert!(world.case(case).is_closed());
}

#[test]
fn an_rve_is_refused_without_a_redress_proved_within_the_resolution_deadline() {
    // RN 48/2003 art. 11 §§1, 4, 5 (RN 343/2013): RVE only inside the NIP deadlines.
    let mut world = world_with_operator(d(2024, 1, 2), 5_000);
    let late = notified(&mut world, d(2026, 2, 13), NipKind::Assistencial);
    world.given_case(late, registro(), fiscal(), d(2026, 2, 27), answer(Some(d(2026, 2, 25))));
    assert_refused(
        world.when_case(late, registro(), fiscal(), d(2026, 3, 10), classify(NipClassification::Rve)),
        "nip.rve_sem_reparacao_no_prazo",
    );
    let none = notified(&mut world, d(2026, 2, 13), NipKind::Assistencial);
    world.given_case(none, registro(), fiscal(), d(2026, 2, 27), answer(None));
    assert_refused(
        world.when_case(none, registro(), fiscal(), d(2026, 3, 10), classify(NipClassification::Rve)),
        "nip.rve_sem_reparacao_no_prazo",
    );
}

#[test]
fn an_rve_may_be_reviewed_at_any_time_and_becomes_nao_resolvida() {
    // RN 343/2013 art. 17: an RVE missing a requisite is reviewed at any time; RN 579/2023: the
    // não resolvida NIP is the only one that grounds a PAS.
    let mut world = world_with_operator(d(2024, 1, 2), 5_000);
    let case = notified(&mut world, d(2026, 2, 13), NipKind::Assistencial);
    world.given_case(case, registro(), fiscal(), d(2026, 2, 20), answer(Some(d(2026, 2, 19))));
    world.given_case(case, registro(), fiscal(), d(2026, 3, 10), classify(NipClassification::Rve));
    assert!(world.case(case).is_closed());
    let out = world.given_case(case, registro(), fiscal(), d(2028, 8, 1), review());
    assert_eq!(encode(&out[0].event).event_type, "nip.rve_revisada");
    assert_eq!(payload(&out)["pas_somente_se_nao_resolvida"], true);
    assert_eq!(world.case(case).phase(), "encaminhada_para_pas");
    assert!(world.case(case).is_closed());
    assert_refused(world.when_case(case, registro(), fiscal(), d(2028, 8, 2), review()), "caso.encerrado");
}

#[test]
fn only_a_finalised_rve_is_reviewable() {
    // RN 343/2013 art. 17 concerns the RVE; other finalised NIPs are closed.
    let mut world = world_with_operator(d(2024, 1, 2), 5_000);
    let case = notified(&mut world, d(2026, 2, 13), NipKind::Assistencial);
    world.given_case(case, registro(), fiscal(), d(2026, 2, 20), answer(Some(d(2026, 2, 19))));
    assert_refused(world.when_case(case, registro(), fiscal(), d(2026, 3, 2), review()), "nip.transicao_invalida");
    world.given_case(case, registro(), fiscal(), d(2026, 3, 10), classify(NipClassification::SemIndicioDeInfracao));
    assert_refused(world.when_case(case, registro(), fiscal(), d(2026, 4, 1), review()), "caso.encerrado");
}

#[test]
fn a_nip_classified_nao_resolvida_is_sent_to_pas_and_records_rn_579() {
    // RN 483/2022 art. 15 (RN 579/2023, from 3 Jul 2023): only não resolvida opens a PAS.
    let mut world = world_with_operator(d(2022, 1, 3), 5_000);
    let case = notified(&mut world, d(2026, 2, 13), NipKind::NaoAssistencial);
    world.given_case(case, registro(), fiscal(), d(2026, 2, 27), answer(None));
    let out = world.given_case(case, registro(), fiscal(), d(2026, 3, 10), classify(NipClassification::NaoResolvida));
    let stored = payload(&out);
    assert_eq!(stored["encaminhada_para_pas"], true);
    assert_eq!(stored["pas_somente_se_nao_resolvida"], true);
    assert_eq!(stored["sem_resposta"], false);
    assert_eq!(world.case(case).phase(), "encaminhada_para_pas");
    assert!(world.case(case).is_closed());
    // A NIP opened before RN 579/2023 keeps its rule version (not retroactive).
    let older = notified(&mut world, d(2023, 5, 8), NipKind::NaoAssistencial);
    world.given_case(older, registro(), fiscal(), d(2023, 5, 12), answer(None));
    let out = world.given_case(older, registro(), fiscal(), d(2023, 8, 1), classify(NipClassification::NaoResolvida));
    assert_eq!(payload(&out)["pas_somente_se_nao_resolvida"], false);
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
        world.given_case(case, registro(), fiscal(), d(2025, 6, 6), answer(None));
        let out = world.given_case(case, registro(), fiscal(), d(2025, 6, 20), classify(classificacao));
        assert_eq!(payload(&out)["encaminhada_para_pas"], false, "{classificacao:?}");
        assert_eq!(world.case(case).phase(), "finalizada", "{classificacao:?}");
        assert!(world.case(case).is_closed());
    }
}

#[test]
fn classification_before_the_operator_is_notified_is_premature() {
    // RN 388/2015: the classification follows the preliminary mediation.
    let mut world = world_with_operator(d(2024, 1, 2), 5_000);
    let case = world.new_case_id();
    world.given_case(case, registro(), actor(Role::Atendente, &[]), d(2026, 2, 13), complaint());
    assert_eq!(world.case(case).phase(), "reclamacao_registrada");
    assert_refused(
        world.when_case(case, registro(), fiscal(), d(2026, 2, 13), classify(NipClassification::NaoResolvida)),
        "nip.classificacao_prematura",
    );
}

#[test]
fn a_silent_operator_is_classified_only_after_the_resolution_deadline() {
    // DOMAIN.md §2.8: DeadlinePassed leads to classification; silence runs against the operator.
    let mut world = world_with_operator(d(2024, 1, 2), 5_000);
    let case = notified(&mut world, d(2026, 2, 13), NipKind::Assistencial);
    let unresolved = classify(NipClassification::NaoResolvida);
    assert_refused(
        world.when_case(case, registro(), fiscal(), d(2026, 2, 24), unresolved.clone()),
        "prazo.nao_vencido",
    );
    let out = world.given_case(case, registro(), fiscal(), d(2026, 2, 25), unresolved);
    assert_eq!(payload(&out)["sem_resposta"], true);
    assert_eq!(world.case(case).phase(), "encaminhada_para_pas");
}

#[test]
fn a_late_answer_is_recorded_as_late() {
    // RN 388/2015: answer with proof in 10 du; a late one is kept, marked late.
    let mut world = world_with_operator(d(2024, 1, 2), 5_000);
    let case = notified(&mut world, d(2026, 2, 13), NipKind::Assistencial);
    let out = world.given_case(case, registro(), fiscal(), d(2026, 3, 4), answer(None));
    assert_eq!(payload(&out)["no_prazo"], false);
    assert_refused(
        world.when_case(case, registro(), fiscal(), d(2026, 3, 4), answer(Some(d(2026, 3, 5)))),
        "nip.transicao_invalida",
    );
}

#[test]
fn a_future_redress_date_is_refused() {
    let mut world = world_with_operator(d(2024, 1, 2), 5_000);
    let case = notified(&mut world, d(2026, 2, 13), NipKind::Assistencial);
    assert_refused(
        world.when_case(case, registro(), fiscal(), d(2026, 2, 18), answer(Some(d(2026, 2, 19)))),
        "invalid.reparacao_em",
    );
}

#[test]
fn the_complaint_needs_the_operator_protocol_and_a_sealed_beneficiary() {
    // RN 388/2015 (NIP); ARCHITECTURE.md §4b and Lei 13.709/2018: beneficiary data only sealed.
    let mut world = world_with_operator(d(2024, 1, 2), 5_000);
    let atendente = actor(Role::Atendente, &[]);
    let case = world.new_case_id();
    let mut no_protocol = complaint();
    if let CaseCommand::RegistrarReclamacaoNip { protocolo_operadora, .. } = &mut no_protocol {
        *protocolo_operadora = "  ".into();
    }
    assert_refused(
        world.when_case(case, registro(), atendente.clone(), d(2026, 2, 13), no_protocol),
        "nip.protocolo_operadora_ausente",
    );
    let mut clear = complaint();
    if let CaseCommand::RegistrarReclamacaoNip { beneficiario, .. } = &mut clear {
        beneficiario.ciphertext = "Maria da Silva, CPF 123.456.789-00".into();
    }
    assert_refused(world.when_case(case, registro(), atendente.clone(), d(2026, 2, 13), clear), "invalid.beneficiario");
    let out = world.when_case(case, registro(), atendente, d(2026, 2, 13), complaint()).unwrap();
    let stored = encode(&out[0].event);
    assert_eq!(stored.event_type, "nip.reclamacao_registrada");
    assert_eq!(stored.payload["beneficiario"]["ciphertext"], "YmVuZWZpY2lhcmlv");
    assert_eq!(stored.payload["beneficiario"].as_object().unwrap().len(), 2, "subject id and ciphertext only");
    world.apply(&out);
    let state = serde_json::to_value(world.case(case)).unwrap().to_string();
    assert!(!state.contains("YmVuZWZpY2lhcmlv"), "the case state keeps no personal data");
}

#[test]
fn before_the_nip_existed_complaints_follow_the_disque_ans_flow() {
    // RN 343/2013 created the NIP; the 2003 rule version knows only the Disque ANS demandas.
    let mut world = world_with_operator(d(2003, 1, 6), 5_000);
    let case = world.new_case_id();
    assert_refused(
        world.when_case(case, registro(), actor(Role::Atendente, &[]), d(2010, 5, 3), complaint()),
        "nip.procedimento_nao_vigente",
    );
}

#[test]
fn acts_out_of_order_are_refused_with_their_rule() {
    // DOMAIN.md §2.8 lifecycle.
    let mut world = world_with_operator(d(2024, 1, 2), 5_000);
    let case = world.new_case_id();
    world.given_case(case, registro(), actor(Role::Atendente, &[]), d(2026, 2, 13), complaint());
    assert_refused(world.when_case(case, registro(), fiscal(), d(2026, 2, 13), answer(None)), "nip.transicao_invalida");
    assert_refused(world.when_case(case, registro(), fiscal(), d(2026, 2, 13), review()), "nip.transicao_invalida");
    let notify = CaseCommand::NotificarOperadoraNip { tipo: NipKind::Assistencial };
    world.given_case(case, registro(), fiscal(), d(2026, 2, 13), notify.clone());
    assert_refused(world.when_case(case, registro(), fiscal(), d(2026, 2, 16), notify), "nip.transicao_invalida");
    let extend = CaseCommand::ProrrogarPrazo { prazo: DeadlineKey::ResolucaoNip, motivo: "pedido".into() };
    assert_refused(
        world.when_case(case, registro(), actor(Role::Diretoria, &[]), d(2026, 2, 16), extend),
        "caso.ato_incompativel",
    );
    world.given_case(case, registro(), fiscal(), d(2026, 2, 20), answer(None));
    world.given_case(case, registro(), fiscal(), d(2026, 3, 2), classify(NipClassification::Duplicada));
    assert_refused(
        world.when_case(case, registro(), fiscal(), d(2026, 3, 3), classify(NipClassification::NaoResolvida)),
        "caso.encerrado",
    );
}

#[test]
fn only_the_roles_of_the_catalogue_act_on_a_nip() {
    // ARCHITECTURE.md §6: the atendente registers, the fiscal notifies and classifies.
    let mut world = world_with_operator(d(2024, 1, 2), 5_000);
    let case = world.new_case_id();
    assert_refused(
        world.when_case(case, registro(), fiscal(), d(2026, 2, 13), complaint()),
        "acesso.papel_nao_autorizado",
    );
    world.given_case(case, registro(), actor(Role::Atendente, &[]), d(2026, 2, 13), complaint());
    let notify = CaseCommand::NotificarOperadoraNip { tipo: NipKind::Assistencial };
    assert_refused(
        world.when_case(case, registro(), actor(Role::Diretoria, &[]), d(2026, 2, 13), notify.clone()),
        "acesso.papel_nao_autorizado",
    );
    world.given_case(case, registro(), fiscal(), d(2026, 2, 13), notify);
    world.given_case(case, registro(), actor(Role::Atendente, &[]), d(2026, 2, 20), answer(None));
    assert_refused(
        world.when_case(
            case,
            registro(),
            actor(Role::Atendente, &[]),
            d(2026, 3, 2),
            classify(NipClassification::Duplicada),
        ),
        "acesso.papel_nao_autorizado",
    );
    assert_refused(
        world.when_case(
            case,
            registro(),
            actor(Role::Auditor, &[]),
            d(2026, 3, 2),
            classify(NipClassification::Duplicada),
        ),
        "acesso.papel_nao_autorizado",
    );
}
