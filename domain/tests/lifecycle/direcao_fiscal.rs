//! Direção fiscal (docs/DOMAIN.md §2.2) and the asset freeze it imposes (§2.10): the events of the
//! decree on both streams and on the freeze it opens, the 365-day term and its renewal, the
//! programme, the removal of administrators, closure, and every refusal by its rule id.

use autos_domain::case::{
    Abertura, CourtEffect, DeadlineKey, FreezeEvent, FrozenPerson, RegimeClosure, RegimeEvent, SharedEvent,
};
use autos_domain::operator::RegimeKind;
use autos_domain::testing::{actor, case_act, d, deadline, Expect, World};
use autos_domain::NonEmptyText;
use autos_domain::{Actor, Calendar, CaseCommand, OperatorEvent, Role, StreamRef};
use uuid::Uuid;

use crate::common::{registro, world_with_operator, ADMIN_ID};

fn decree() -> CaseCommand {
    CaseCommand::InstaurarDirecaoFiscal {
        registro: registro(),
        motivos: vec!["ativos garantidores insuficientes".into()],
        diretor_fiscal: NonEmptyText::written("interventor-1"),
        documento: NonEmptyText::written("RO 101/2017 DOU 2017-03-02"),
        vigencia_dias: None,
    }
}

fn diretoria() -> Actor {
    actor(Role::Diretoria, &[])
}

fn df_world() -> (World, Uuid) {
    let mut world = world_with_operator(d(2016, 2, 1), 5_000);
    let case = world.new_case_id();
    world.given([case_act(case, diretoria(), d(2017, 3, 2), decree())]);
    (world, case)
}

#[test]
fn decreeing_df_emits_the_regime_on_both_streams_and_freezes_administrators_assets() {
    // Lei 9.656/1998 art. 24 (DF ≤ 365 d) and art. 24-A (freeze of who administered in the last
    // 12 months): the term runs 365 calendar days from the decree, to Friday 2 Mar 2018.
    let mut world = world_with_operator(d(2016, 2, 1), 5_000);
    let case = world.new_case_id();
    let outcome = world.when(case_act(case, diretoria(), d(2017, 3, 2), decree()));
    let freeze = outcome.fresh_id(0);
    let abertura = Abertura {
        registro: registro(),
        versao_regras: "rn-388-2015".into(),
        fato_gerador: d(2017, 3, 2),
        origem: None,
    };
    let vigencia = deadline(d(2017, 3, 2), 365, Calendar::Corridos, d(2018, 3, 2));
    let administrator = FrozenPerson {
        pessoa_id: ADMIN_ID,
        nome: "Diretor Presidente".into(),
        cargo: "diretor-presidente".into(),
        inicio: Some(d(2016, 2, 1)),
        fim: None,
    };
    outcome
        .then_events([
            Expect::from(RegimeEvent::Instaurado {
                abertura: abertura.clone(),
                regime: RegimeKind::DirecaoFiscal,
                diretor: "interventor-1".into(),
                motivos: vec!["ativos garantidores insuficientes".into()],
                vigencia,
            }),
            OperatorEvent::RegimeInstaurado {
                regime: RegimeKind::DirecaoFiscal,
                caso: case,
                desde: d(2017, 3, 2),
                vigencia_ate: d(2018, 3, 2),
            }
            .into(),
            Expect::from(FreezeEvent::Imposta {
                abertura: Abertura { origem: Some(case), ..abertura },
                pessoas: vec![administrator],
                janela_desde: d(2016, 3, 2),
            })
            .on(StreamRef::Caso(freeze)),
            OperatorEvent::IndisponibilidadeRegistrada { caso: freeze }.into(),
        ])
        .then_state(|df| assert_eq!((df.phase(), df.prazos[&DeadlineKey::Vigencia].due), ("ativa", d(2018, 3, 2))))
        .then_operator(|op| assert!(op.indisponibilidades_ativas.contains(&freeze) && op.regimes.len() == 1));
    assert_eq!(world.case(freeze).phase(), "imposta");
}

#[test]
fn a_second_df_for_the_same_operator_is_refused() {
    // docs/DOMAIN.md §2.2 invariant 2: at most one active DF per operator.
    let (mut world, _) = df_world();
    let other = world.new_case_id();
    world.when(case_act(other, diretoria(), d(2017, 4, 1), decree())).then_refused("regime.ja_ativo");
}

#[test]
fn a_df_longer_than_365_days_is_refused() {
    // Lei 9.656/1998 art. 24: "por prazo não superior a 365 dias".
    let mut world = world_with_operator(d(2016, 2, 1), 5_000);
    let with_days = |days| {
        let CaseCommand::InstaurarDirecaoFiscal { registro, motivos, diretor_fiscal, documento, .. } = decree() else {
            unreachable!()
        };
        CaseCommand::InstaurarDirecaoFiscal { registro, motivos, diretor_fiscal, documento, vigencia_dias: Some(days) }
    };
    let case = world.new_case_id();
    world.when(case_act(case, diretoria(), d(2017, 3, 2), with_days(366))).then_refused("regime.prazo_maximo");
    world.when(case_act(case, diretoria(), d(2017, 3, 2), with_days(180))).then_state(|df| {
        assert_eq!(df.prazos[&DeadlineKey::Vigencia].due, d(2017, 8, 29), "180 calendar days, a Tuesday");
    });
}

#[test]
fn after_the_term_ends_without_renewal_only_closure_is_admitted() {
    // docs/DOMAIN.md §2.2 invariant 1: continuation needs an explicit renewal.
    let (mut world, case) = df_world();
    let interventor = actor(Role::Interventor, &[case]);
    let id = CaseCommand::EmitirInstrucaoDiretiva {
        numero: NonEmptyText::written("ID 1"),
        assunto: NonEmptyText::written("documentos"),
    };
    world.when(case_act(case, interventor, d(2018, 3, 5), id)).then_refused("regime.vigencia_expirada");
    let close = CaseCommand::EncerrarRegime {
        motivo: RegimeClosure::GravidadeSuperada,
        documento: NonEmptyText::written("RO 7/2018"),
    };
    world
        .when(case_act(case, diretoria(), d(2018, 3, 5), close))
        .then_events([
            Expect::from(RegimeEvent::Encerrado { motivo: RegimeClosure::GravidadeSuperada }),
            OperatorEvent::RegimeEncerrado { regime: RegimeKind::DirecaoFiscal, caso: case, em: d(2018, 3, 5) }.into(),
        ])
        .then_operator(|op| assert!(op.regimes.is_empty()));
}

#[test]
fn a_renewal_extends_the_term_before_it_ends() {
    // Lei 9.656/1998 art. 24: each period ≤ 365 d, counted from the current end (2 Mar 2018);
    // 2 Mar 2019 is a Saturday and 4–5 Mar Carnival, so it ends on Wednesday 6 Mar 2019.
    let (mut world, case) = df_world();
    let renew = |vigencia_dias| CaseCommand::RenovarRegime {
        vigencia_dias,
        justificativa: NonEmptyText::written("acompanhamento presencial necessário"),
        documento: NonEmptyText::written("RO 5/2018"),
    };
    world.when(case_act(case, diretoria(), d(2018, 2, 1), renew(366))).then_refused("regime.prazo_maximo");
    world
        .when(case_act(case, diretoria(), d(2018, 2, 1), renew(365)))
        .then_events([
            Expect::from(RegimeEvent::Renovado {
                vigencia: deadline(d(2018, 3, 2), 365, Calendar::Corridos, d(2019, 3, 6)),
                justificativa: "acompanhamento presencial necessário".into(),
            }),
            OperatorEvent::RegimeRenovado {
                regime: RegimeKind::DirecaoFiscal,
                caso: case,
                vigencia_ate: d(2019, 3, 6),
            }
            .into(),
        ])
        .then_operator(|op| assert_eq!(op.regimes.values().next().map(|r| r.vigencia_ate), Some(d(2019, 3, 6))));
}

#[test]
fn an_interventor_acts_only_on_the_case_they_are_appointed_to() {
    // RN 300/2012; docs/ARCHITECTURE.md §6.
    let (mut world, case) = df_world();
    let id = CaseCommand::EmitirInstrucaoDiretiva {
        numero: NonEmptyText::written("ID 1"),
        assunto: NonEmptyText::written("balancetes"),
    };
    world
        .when(case_act(case, actor(Role::Interventor, &[Uuid::nil()]), d(2017, 4, 1), id.clone()))
        .then_refused("acesso.interventor_nao_designado");
    world
        .when(case_act(case, actor(Role::Interventor, &[case]), d(2017, 4, 1), id))
        .then_events([RegimeEvent::InstrucaoDiretivaEmitida { numero: "ID 1".into(), assunto: "balancetes".into() }]);
}

#[test]
fn the_programme_runs_from_request_to_approval_and_closure() {
    // RN 316/2012 arts. 8–11 and art. 4: 30 d (+30 once), DIOPE decision with 10 d to appeal,
    // closure on approval.
    let (mut world, case) = df_world();
    let interventor = actor(Role::Interventor, &[case]);
    let request = CaseCommand::SolicitarProgramaSaneamento { recebido_em: d(2017, 4, 3) };
    world.when(case_act(case, interventor.clone(), d(2017, 4, 3), request)).then_events([
        RegimeEvent::ProgramaSolicitado { prazo: deadline(d(2017, 4, 3), 30, Calendar::Corridos, d(2017, 5, 3)) },
    ]);
    let extend = CaseCommand::ProrrogarPrazo {
        prazo: DeadlineKey::ProgramaSaneamento,
        motivo: NonEmptyText::written("pedido motivado"),
    };
    world.when(case_act(case, diretoria(), d(2017, 4, 20), extend.clone())).then_events([SharedEvent::Prorrogado {
        prazo: DeadlineKey::ProgramaSaneamento,
        novo: deadline(d(2017, 5, 3), 30, Calendar::Corridos, d(2017, 6, 2)),
        motivo: "pedido motivado".into(),
    }]);
    world.when(case_act(case, diretoria(), d(2017, 4, 21), extend)).then_refused("prazo.ja_prorrogado");
    let presented = CaseCommand::RegistrarProgramaApresentado { protocolo: NonEmptyText::written("P-1") };
    world
        .when(case_act(case, interventor, d(2017, 5, 30), presented))
        .then_events([RegimeEvent::ProgramaApresentado { protocolo: "P-1".into() }]);
    let approve = CaseCommand::DecidirProgramaSaneamento {
        aprovado: true,
        fundamentacao: NonEmptyText::written("metas factíveis"),
    };
    world.when(case_act(case, diretoria(), d(2017, 6, 30), approve)).then_events([RegimeEvent::ProgramaDecidido {
        aprovado: true,
        fundamentacao: "metas factíveis".into(),
        prazo_recurso: Some(deadline(d(2017, 6, 30), 10, Calendar::Corridos, d(2017, 7, 10))),
    }]);
    let close = CaseCommand::EncerrarRegime {
        motivo: RegimeClosure::ProgramaAprovado,
        documento: NonEmptyText::written("RO 9/2017"),
    };
    world
        .when(case_act(case, diretoria(), d(2017, 7, 10), close))
        .then_events([
            Expect::from(RegimeEvent::Encerrado { motivo: RegimeClosure::ProgramaAprovado }),
            OperatorEvent::RegimeEncerrado { regime: RegimeKind::DirecaoFiscal, caso: case, em: d(2017, 7, 10) }.into(),
        ])
        .then_state(|df| assert_eq!(df.phase(), "encerrada"))
        .then_operator(|op| assert!(op.regimes.is_empty()));
}

#[test]
fn a_programme_not_presented_cannot_be_declared_missing_before_the_deadline() {
    // RN 316/2012 art. 8: 30 days from receipt, to 3 May 2017.
    let (mut world, case) = df_world();
    let interventor = actor(Role::Interventor, &[case]);
    let request = CaseCommand::SolicitarProgramaSaneamento { recebido_em: d(2017, 4, 3) };
    world.given([case_act(case, interventor.clone(), d(2017, 4, 3), request)]);
    let missing = CaseCommand::RegistrarProgramaNaoApresentado {};
    world.when(case_act(case, interventor.clone(), d(2017, 5, 3), missing.clone())).then_refused("prazo.nao_vencido");
    world
        .when(case_act(case, interventor.clone(), d(2017, 5, 4), missing))
        .then_events([RegimeEvent::ProgramaNaoApresentado {}])
        .then_state(|df| assert!(!df.prazos.contains_key(&DeadlineKey::ProgramaSaneamento)));
    let late = CaseCommand::RegistrarProgramaApresentado { protocolo: NonEmptyText::written("tarde") };
    world.when(case_act(case, interventor, d(2017, 5, 5), late)).then_refused("direcao_fiscal.transicao_invalida");
}

#[test]
fn closing_df_with_cancellation_requires_members_to_be_provided_for() {
    // docs/DOMAIN.md §2.11: no compulsory cancellation with members left without transfer/portability.
    let (mut world, case) = df_world();
    let close = CaseCommand::EncerrarRegime {
        motivo: RegimeClosure::ComCancelamentoDeRegistro,
        documento: NonEmptyText::written("RO 12/2017"),
    };
    world
        .when(case_act(case, diretoria(), d(2017, 8, 1), close))
        .then_refused("cancelamento.beneficiarios_sem_transferencia")
        .then_operator(|op| assert!(!op.is_cancelled()));
}

#[test]
fn an_administrator_removed_by_ans_leaves_office_on_the_operator_stream() {
    // Lei 9.656/1998 art. 24 §§1–2.
    let (mut world, case) = df_world();
    let remove = |administrador_id| CaseCommand::AfastarAdministrador {
        administrador_id,
        motivo: NonEmptyText::written("descumpriu instrução diretiva"),
        documento: NonEmptyText::written("RO 3/2017"),
    };
    world.when(case_act(case, diretoria(), d(2017, 5, 1), remove(Uuid::from_u128(7)))).then_invalid("administrador_id");
    world
        .when(case_act(case, diretoria(), d(2017, 5, 1), remove(ADMIN_ID)))
        .then_events([
            Expect::from(RegimeEvent::AdministradorAfastado {
                administrador_id: ADMIN_ID,
                motivo: "descumpriu instrução diretiva".into(),
            }),
            OperatorEvent::AdministradorDesligado {
                administrador_id: ADMIN_ID,
                fim: d(2017, 5, 1),
                afastado_pela_ans: true,
            }
            .into(),
        ])
        .then_operator(|op| assert!(op.administradores.iter().all(|a| a.fim == Some(d(2017, 5, 1)))));
}

#[test]
fn the_freeze_is_lifted_only_by_an_inquiry_outcome_or_a_court_order() {
    // Lei 9.656/1998 art. 24-A; docs/DOMAIN.md §2.10: a loss keeps the freeze; a court order lifts it.
    let (mut world, _) = df_world();
    let freeze = *world.operator(registro()).indisponibilidades_ativas.iter().next().unwrap();
    let extend = |motivacao: &str| CaseCommand::EstenderIndisponibilidade {
        pessoa_id: Uuid::from_u128(7),
        nome: NonEmptyText::written("Conselheiro"),
        cargo: NonEmptyText::written("conselho"),
        motivacao: motivacao.into(),
    };
    world
        .when(case_act(freeze, diretoria(), d(2017, 6, 1), extend(" ")))
        .then_refused("indisponibilidade.extensao_sem_motivacao");
    world.when(case_act(freeze, diretoria(), d(2017, 6, 1), extend("conselheiro com poder de gestão"))).then_events([
        FreezeEvent::Estendida {
            pessoa: FrozenPerson {
                pessoa_id: Uuid::from_u128(7),
                nome: "Conselheiro".into(),
                cargo: "conselho".into(),
                inicio: None,
                fim: None,
            },
            motivacao: "conselheiro com poder de gestão".into(),
        },
    ]);
    let result = |houve_prejuizo| CaseCommand::RegistrarResultadoApuracao {
        houve_prejuizo,
        documento: NonEmptyText::written("Relatório final"),
    };
    world
        .when(case_act(freeze, diretoria(), d(2018, 6, 1), result(true)))
        .then_events([FreezeEvent::ApuracaoConcluida { houve_prejuizo: true }])
        .then_state(|f| assert_eq!(f.phase(), "mantida"));
    world
        .when(case_act(freeze, diretoria(), d(2018, 7, 1), result(false)))
        .then_refused("indisponibilidade.apuracao_ja_concluida");
    let lift = CaseCommand::RegistrarDecisaoJudicial {
        efeito: CourtEffect::Levanta,
        documento: NonEmptyText::written("Proc. 123"),
    };
    world
        .when(case_act(freeze, diretoria(), d(2019, 1, 1), lift))
        .then_events([
            Expect::from(FreezeEvent::DecisaoJudicialRegistrada { efeito: CourtEffect::Levanta }),
            OperatorEvent::IndisponibilidadeEncerrada { caso: freeze }.into(),
        ])
        .then_operator(|op| assert!(op.indisponibilidades_ativas.is_empty()));
}

#[test]
fn the_diretor_fiscal_named_by_officer_id_is_the_cases_appointed_officer_and_a_name_appoints_nobody() {
    // Lei 9.656/1998 art. 24: the diretor fiscal is the person ANS appoints to the regime.
    let officer = Uuid::from_u128(0x0190_a6b2_6d1c_7f00_8000_0000_0000_0042);
    let (world, by_name) = df_world();
    assert_eq!(world.case(by_name).appointed_officer(), None, "\"interventor-1\" names no officer of Autos");
    let mut world = world_with_operator(d(2016, 2, 1), 5_000);
    let CaseCommand::InstaurarDirecaoFiscal { registro, motivos, documento, vigencia_dias, .. } = decree() else {
        unreachable!()
    };
    let appointing = CaseCommand::InstaurarDirecaoFiscal {
        registro,
        motivos,
        diretor_fiscal: NonEmptyText::parse("diretor_fiscal", officer.to_string()).unwrap(),
        documento,
        vigencia_dias,
    };
    let case = world.new_case_id();
    world.when(case_act(case, diretoria(), d(2017, 3, 2), appointing)).then_state(|df| {
        assert_eq!(df.appointed_officer(), Some(officer));
    });
}
