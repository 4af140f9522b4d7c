//! Direção fiscal (DOMAIN.md §2.2) and the asset freeze it imposes (§2.10).

use autos_domain::case::{CaseDetail, DeadlineKey, RegimeClosure};
use autos_domain::testing::{actor, assert_refused, d, World};
use autos_domain::{CaseCommand, DomainEvent, OperatorEvent, Role, StreamRef};
use uuid::Uuid;

use crate::common::{registro, world_with_operator, ADMIN_ID};

fn decree() -> CaseCommand {
    CaseCommand::InstaurarDirecaoFiscal {
        registro: registro(),
        motivos: vec!["ativos garantidores insuficientes".into()],
        diretor_fiscal: "interventor-1".into(),
        documento: "RO 101/2017 DOU 2017-03-02".into(),
        vigencia_dias: None,
    }
}

fn df_world() -> (World, Uuid) {
    let mut world = world_with_operator(d(2016, 2, 1), 5_000);
    let case = world.new_case_id();
    world.given_case(case, registro(), actor(Role::Diretoria, &[]), d(2017, 3, 2), decree());
    (world, case)
}

#[test]
fn decreeing_df_emits_the_regime_on_both_streams_and_freezes_administrators_assets() {
    // Lei 9.656/1998 art. 24 (DF ≤ 365 d) and art. 24-A (freeze of the last 12 months).
    let mut world = world_with_operator(d(2016, 2, 1), 5_000);
    let case = world.new_case_id();
    let out = world.when_case(case, registro(), actor(Role::Diretoria, &[]), d(2017, 3, 2), decree()).unwrap();
    assert!(out.iter().any(|e| e.stream == StreamRef::Caso(case)));
    assert!(out.iter().any(|e| matches!(e.event, DomainEvent::Operator(OperatorEvent::RegimeInstaurado { .. }))));
    let freeze = out
        .iter()
        .find(|e| matches!(e.event, DomainEvent::Operator(OperatorEvent::IndisponibilidadeRegistrada { .. })))
        .unwrap();
    assert_eq!(freeze.stream, StreamRef::Operadora(registro()));
    world.apply(&out);
    let freeze_case = *world.operator(registro()).active_freezes.iter().next().unwrap();
    let CaseDetail::Indisponibilidade(f) = world.case(freeze_case).detail else { panic!("freeze case expected") };
    assert_eq!(f.pessoas.len(), 1);
    assert_eq!(f.pessoas[0].pessoa_id, ADMIN_ID);
    assert_eq!(world.case(case).deadlines[&DeadlineKey::Vigencia].due, d(2018, 3, 2));
}

#[test]
fn a_second_df_for_the_same_operator_is_refused() {
    // DOMAIN.md §2.2 invariant 2: at most one active DF per operator.
    let (mut world, _) = df_world();
    let other = world.new_case_id();
    assert_refused(
        world.when_case(other, registro(), actor(Role::Diretoria, &[]), d(2017, 4, 1), decree()),
        "regime.ja_ativo",
    );
}

#[test]
fn a_df_longer_than_365_days_is_refused() {
    // Lei 9.656/1998 art. 24: "por prazo não superior a 365 dias".
    let mut world = world_with_operator(d(2016, 2, 1), 5_000);
    let case = world.new_case_id();
    let CaseCommand::InstaurarDirecaoFiscal { registro, motivos, diretor_fiscal, documento, .. } = decree() else {
        unreachable!()
    };
    let long =
        CaseCommand::InstaurarDirecaoFiscal { registro, motivos, diretor_fiscal, documento, vigencia_dias: Some(400) };
    assert_refused(
        world.when_case(case, registro, actor(Role::Diretoria, &[]), d(2017, 3, 2), long),
        "regime.prazo_maximo",
    );
}

#[test]
fn after_the_term_ends_without_renewal_only_closure_is_admitted() {
    // DOMAIN.md §2.2 invariant 1: continuation needs an explicit renewal.
    let (mut world, case) = df_world();
    let interventor = actor(Role::Interventor, &[case]);
    let id = CaseCommand::EmitirInstrucaoDiretiva { numero: "ID 1".into(), assunto: "documentos".into() };
    assert_refused(world.when_case(case, registro(), interventor, d(2018, 3, 5), id), "regime.vigencia_expirada");
    let close = CaseCommand::EncerrarRegime { motivo: RegimeClosure::GravidadeSuperada, documento: "RO 7/2018".into() };
    assert!(world.when_case(case, registro(), actor(Role::Diretoria, &[]), d(2018, 3, 5), close).is_ok());
}

#[test]
fn a_renewal_extends_the_term_before_it_ends() {
    let (mut world, case) = df_world();
    let renew = CaseCommand::RenovarRegime {
        vigencia_dias: 365,
        justificativa: "acompanhamento presencial necessário".into(),
        documento: "RO 5/2018".into(),
    };
    world.given_case(case, registro(), actor(Role::Diretoria, &[]), d(2018, 2, 1), renew);
    assert_eq!(
        world.operator(registro()).regimes.values().next().unwrap().vigencia_ate,
        world.case(case).deadlines[&DeadlineKey::Vigencia].due
    );
    assert!(world.case(case).deadlines[&DeadlineKey::Vigencia].due > d(2019, 3, 1));
}

#[test]
fn an_interventor_acts_only_on_the_case_they_are_appointed_to() {
    // RN 300/2012; ARCHITECTURE.md §6.
    let (mut world, case) = df_world();
    let id = CaseCommand::EmitirInstrucaoDiretiva { numero: "ID 1".into(), assunto: "balancetes".into() };
    assert_refused(
        world.when_case(case, registro(), actor(Role::Interventor, &[Uuid::nil()]), d(2017, 4, 1), id.clone()),
        "acesso.interventor_nao_designado",
    );
    assert!(world.when_case(case, registro(), actor(Role::Interventor, &[case]), d(2017, 4, 1), id).is_ok());
}

#[test]
fn the_programme_runs_from_request_to_approval_and_closure() {
    // RN 316/2012 arts. 8–10 and art. 4: 30 d (+30 once), DIOPE decision, closure on approval.
    let (mut world, case) = df_world();
    let interventor = actor(Role::Interventor, &[case]);
    let diretoria = actor(Role::Diretoria, &[]);
    world.given_case(
        case,
        registro(),
        interventor.clone(),
        d(2017, 4, 3),
        CaseCommand::SolicitarProgramaSaneamento { recebido_em: d(2017, 4, 3) },
    );
    let extend =
        CaseCommand::ProrrogarPrazo { prazo: DeadlineKey::ProgramaSaneamento, motivo: "pedido motivado".into() };
    world.given_case(case, registro(), diretoria.clone(), d(2017, 4, 20), extend.clone());
    assert_refused(world.when_case(case, registro(), diretoria.clone(), d(2017, 4, 21), extend), "prazo.ja_prorrogado");
    world.given_case(
        case,
        registro(),
        interventor.clone(),
        d(2017, 5, 30),
        CaseCommand::RegistrarProgramaApresentado { protocolo: "P-1".into() },
    );
    world.given_case(
        case,
        registro(),
        diretoria.clone(),
        d(2017, 6, 30),
        CaseCommand::DecidirProgramaSaneamento { aprovado: true, fundamentacao: "metas factíveis".into() },
    );
    world.given_case(
        case,
        registro(),
        diretoria,
        d(2017, 7, 10),
        CaseCommand::EncerrarRegime { motivo: RegimeClosure::ProgramaAprovado, documento: "RO 9/2017".into() },
    );
    assert_eq!(world.case(case).phase(), "encerrada");
    assert!(world.operator(registro()).regimes.is_empty());
}

#[test]
fn a_programme_not_presented_cannot_be_declared_missing_before_the_deadline() {
    // RN 316/2012 art. 8.
    let (mut world, case) = df_world();
    let interventor = actor(Role::Interventor, &[case]);
    world.given_case(
        case,
        registro(),
        interventor.clone(),
        d(2017, 4, 3),
        CaseCommand::SolicitarProgramaSaneamento { recebido_em: d(2017, 4, 3) },
    );
    assert_refused(
        world.when_case(
            case,
            registro(),
            interventor.clone(),
            d(2017, 5, 3),
            CaseCommand::RegistrarProgramaNaoApresentado {},
        ),
        "prazo.nao_vencido",
    );
    world.given_case(
        case,
        registro(),
        interventor.clone(),
        d(2017, 5, 4),
        CaseCommand::RegistrarProgramaNaoApresentado {},
    );
    assert_refused(
        world.when_case(
            case,
            registro(),
            interventor,
            d(2017, 5, 5),
            CaseCommand::RegistrarProgramaApresentado { protocolo: "tarde".into() },
        ),
        "direcao_fiscal.transicao_invalida",
    );
}

#[test]
fn closing_df_with_cancellation_requires_members_to_be_provided_for() {
    // DOMAIN.md §2.11: no compulsory cancellation with members left without transfer/portability.
    let (mut world, case) = df_world();
    let close = CaseCommand::EncerrarRegime {
        motivo: RegimeClosure::ComCancelamentoDeRegistro,
        documento: "RO 12/2017".into(),
    };
    assert_refused(
        world.when_case(case, registro(), actor(Role::Diretoria, &[]), d(2017, 8, 1), close),
        "cancelamento.beneficiarios_sem_transferencia",
    );
}

#[test]
fn an_administrator_removed_by_ans_leaves_office_on_the_operator_stream() {
    // Lei 9.656/1998 art. 24 §§1–2.
    let (mut world, case) = df_world();
    let remove = CaseCommand::AfastarAdministrador {
        administrador_id: ADMIN_ID,
        motivo: "descumpriu instrução diretiva".into(),
        documento: "RO 3/2017".into(),
    };
    world.given_case(case, registro(), actor(Role::Diretoria, &[]), d(2017, 5, 1), remove);
    assert!(world.operator(registro()).administrators.iter().all(|a| a.fim == Some(d(2017, 5, 1))));
}

#[test]
fn the_freeze_is_lifted_only_by_an_inquiry_outcome_or_a_court_order() {
    // Lei 9.656/1998 art. 24-A; DOMAIN.md §2.10.
    let (mut world, _) = df_world();
    let freeze = *world.operator(registro()).active_freezes.iter().next().unwrap();
    let diretoria = actor(Role::Diretoria, &[]);
    let extend = autos_domain::CaseCommand::EstenderIndisponibilidade {
        pessoa_id: Uuid::from_u128(7),
        nome: "Conselheiro".into(),
        cargo: "conselho".into(),
        motivacao: " ".into(),
    };
    assert_refused(
        world.when_case(freeze, registro(), diretoria.clone(), d(2017, 6, 1), extend),
        "indisponibilidade.extensao_sem_motivacao",
    );
    world.given_case(
        freeze,
        registro(),
        diretoria.clone(),
        d(2018, 6, 1),
        CaseCommand::RegistrarResultadoApuracao { houve_prejuizo: true, documento: "Relatório final".into() },
    );
    assert_eq!(world.case(freeze).phase(), "mantida");
    let again = CaseCommand::RegistrarResultadoApuracao { houve_prejuizo: false, documento: "x".into() };
    assert_refused(
        world.when_case(freeze, registro(), diretoria.clone(), d(2018, 7, 1), again),
        "indisponibilidade.apuracao_ja_concluida",
    );
    world.given_case(
        freeze,
        registro(),
        diretoria,
        d(2019, 1, 1),
        CaseCommand::RegistrarDecisaoJudicial {
            efeito: autos_domain::case::CourtEffect::Levanta,
            documento: "Proc. 123".into(),
        },
    );
    assert!(world.operator(registro()).active_freezes.is_empty());
}
