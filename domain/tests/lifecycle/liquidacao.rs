//! Liquidação extrajudicial (docs/DOMAIN.md §2.4) and cancellation of registration (§2.11): the events
//! of the decree on the LE, the operator and the DF it closes, the inquiry and the freeze it
//! settles, the closures, the special portability window, and every refusal by its rule id.

use autos_domain::case::{
    Abertura, BankruptcyGround, CancelEvent, FreezeEvent, InquiryPhase, LeClosure, LeEvent, LeGround, MemberTransfer,
    RegimeClosure, RegimeEvent,
};
use autos_domain::operator::{MotivoCancelamento, RegimeKind, SituacaoRegistro};
use autos_domain::testing::{actor, case_act, d, deadline, Expect, World};
use autos_domain::NonEmptyText;
use autos_domain::{Actor, Calendar, CaseCommand, OperatorEvent, Role, StreamRef};
use uuid::Uuid;

use crate::common::{registro, world_with_operator};

fn decree() -> CaseCommand {
    CaseCommand::DecretarLiquidacao {
        registro: registro(),
        liquidante: NonEmptyText::written("liquidante-1"),
        fundamento: LeGround::ViolacaoGrave,
        documento: NonEmptyText::written("RO 20/2018"),
    }
}

fn df() -> CaseCommand {
    CaseCommand::InstaurarDirecaoFiscal {
        registro: registro(),
        motivos: vec!["passivo a descoberto".into()],
        diretor_fiscal: NonEmptyText::written("df-1"),
        documento: NonEmptyText::written("RO 1/2017"),
        vigencia_dias: None,
    }
}

fn diretoria() -> Actor {
    actor(Role::Diretoria, &[])
}

/// A DF decreed on 2 Mar 2017, with its freeze.
fn df_world() -> (World, Uuid) {
    let mut world = world_with_operator(d(2016, 2, 1), 5_000);
    let df_case = world.new_case_id();
    world.given([case_act(df_case, diretoria(), d(2017, 3, 2), df())]);
    (world, df_case)
}

/// The same, then the LE decreed on 1 Sep 2017.
fn le_world() -> (World, Uuid, Uuid) {
    let (mut world, df_case) = df_world();
    let le_case = world.new_case_id();
    world.given([case_act(le_case, diretoria(), d(2017, 9, 1), decree())]);
    (world, df_case, le_case)
}

fn the_freeze(world: &World) -> Uuid {
    *world.operator(registro()).indisponibilidades_ativas.iter().next().unwrap()
}

#[test]
fn decreeing_le_closes_the_df_and_cancels_the_registration() {
    // RN 316/2012 art. 4 III and art. 20: LE closes DF/DT and cancels the licence; the balance
    // sheet is due in 90 d (30 Nov 2017) and the inquiry in 120 d, 30 Dec 2017 rolling past the
    // weekend and New Year to 2 Jan 2018 (RN 276/2011). The DF's freeze stays: no second one.
    let (mut world, df_case) = df_world();
    let le = world.new_case_id();
    world
        .when(case_act(le, diretoria(), d(2017, 9, 1), decree()))
        .then_events([
            Expect::from(LeEvent::Decretada {
                abertura: Abertura {
                    registro: registro(),
                    versao_regras: "rn-388-2015".into(),
                    fato_gerador: d(2017, 9, 1),
                    origem: None,
                },
                liquidante: "liquidante-1".into(),
                fundamento: LeGround::ViolacaoGrave,
                prazo_balanco: Some(deadline(d(2017, 9, 1), 90, Calendar::Corridos, d(2017, 11, 30))),
                prazo_inquerito: Some(deadline(d(2017, 9, 1), 120, Calendar::Corridos, d(2018, 1, 2))),
            }),
            OperatorEvent::LiquidacaoDecretada { caso: le }.into(),
            OperatorEvent::RegistroCancelado {
                caso: le,
                motivo: MotivoCancelamento::LiquidacaoExtrajudicial,
                em: d(2017, 9, 1),
            }
            .into(),
            Expect::from(RegimeEvent::Encerrado { motivo: RegimeClosure::LiquidacaoDecretada })
                .on(StreamRef::Caso(df_case)),
            OperatorEvent::RegimeEncerrado { regime: RegimeKind::DirecaoFiscal, caso: df_case, em: d(2017, 9, 1) }
                .into(),
        ])
        .then_operator(|op| {
            assert!(op.regimes.is_empty());
            assert!(matches!(
                op.situacao_registro,
                SituacaoRegistro::Cancelada { motivo: MotivoCancelamento::LiquidacaoExtrajudicial, .. }
            ));
            assert_eq!(op.indisponibilidades_ativas.len(), 1, "the DF freeze stays; no second freeze");
        });
    assert_eq!(world.case(df_case).phase(), "encerrada");
}

#[test]
fn no_new_df_may_start_while_le_is_open() {
    // docs/DOMAIN.md §2.4 invariant; docs/ARCHITECTURE.md §2 cross-case rule.
    let (mut world, _, _) = le_world();
    let case = world.new_case_id();
    world.when(case_act(case, diretoria(), d(2017, 10, 1), df())).then_refused("operadora.registro_cancelado");
}

#[test]
fn a_second_le_is_refused() {
    let (mut world, _, _) = le_world();
    let case = world.new_case_id();
    world.when(case_act(case, diretoria(), d(2017, 10, 1), decree())).then_refused("liquidacao.ja_decretada");
}

#[test]
fn bankruptcy_closure_needs_ans_authorisation_first() {
    // Lei 9.656/1998 art. 23 §§1 and 3.
    let (mut world, _, le) = le_world();
    let close = CaseCommand::EncerrarLiquidacao {
        motivo: LeClosure::FalenciaOuInsolvenciaDecretada,
        documento: NonEmptyText::written("sentença"),
    };
    world
        .when(case_act(le, diretoria(), d(2018, 1, 1), close.clone()))
        .then_refused("liquidacao.falencia_nao_autorizada");
    let authorise = CaseCommand::AutorizarRequerimentoFalencia {
        fundamento: BankruptcyGround::AtivoInferiorAMetadeDosQuirografarios,
        documento: NonEmptyText::written("RO 3/2018"),
    };
    world.when(case_act(le, diretoria(), d(2018, 1, 1), authorise)).then_events([LeEvent::FalenciaAutorizada {
        fundamento: BankruptcyGround::AtivoInferiorAMetadeDosQuirografarios,
    }]);
    world
        .when(case_act(le, diretoria(), d(2018, 6, 1), close))
        .then_events([
            Expect::from(LeEvent::Encerrada { motivo: LeClosure::FalenciaOuInsolvenciaDecretada }),
            OperatorEvent::LiquidacaoEncerrada { caso: le }.into(),
        ])
        .then_operator(|op| assert!(op.caso_liquidacao.is_none()));
}

#[test]
fn the_inquiry_advances_in_order_and_a_no_loss_conclusion_lifts_the_freeze() {
    // RN 276/2011 (phases in order); Lei 9.656 art. 24-A: no loss found, the freeze ends.
    let (mut world, _, le) = le_world();
    let freeze = the_freeze(&world);
    let fiscal = actor(Role::Fiscal, &[]);
    let advance = |fase| case_act(le, fiscal.clone(), d(2017, 10, 1), CaseCommand::AvancarInquerito { fase });
    world.when(advance(InquiryPhase::Alegacoes)).then_refused("inquerito.fase_fora_de_ordem");
    for fase in [
        InquiryPhase::Instrucao,
        InquiryPhase::ExAdministradoresNotificados,
        InquiryPhase::RelatorioPreliminar,
        InquiryPhase::Alegacoes,
        InquiryPhase::DiligenciasFinais,
        InquiryPhase::RelatorioFinal,
    ] {
        world.when(advance(fase)).then_events([LeEvent::InqueritoAvancou { fase }]);
    }
    let conclude =
        CaseCommand::ConcluirInquerito { houve_prejuizo: false, documento: NonEmptyText::written("Relatório final") };
    world
        .when(case_act(le, diretoria(), d(2017, 12, 1), conclude))
        .then_events([
            Expect::from(LeEvent::InqueritoConcluido { houve_prejuizo: false }),
            Expect::from(FreezeEvent::ApuracaoConcluida { houve_prejuizo: false }).on(StreamRef::Caso(freeze)),
            OperatorEvent::IndisponibilidadeEncerrada { caso: freeze }.into(),
        ])
        .then_operator(|op| assert!(op.indisponibilidades_ativas.is_empty()));
}

#[test]
fn the_liquidante_files_the_balance_sheet_and_members_are_transferred() {
    // RN 316/2012: balance and creditor list within 90 d; members moved first; final accounts close.
    let (mut world, _, le) = le_world();
    let liquidante = actor(Role::Interventor, &[le]);
    let transfer = CaseCommand::RegistrarTransferenciaBeneficiarios { forma: MemberTransfer::PortabilidadeEspecial };
    world.when(case_act(le, liquidante.clone(), d(2017, 10, 1), transfer)).then_events([
        Expect::from(LeEvent::BeneficiariosTransferidos { forma: MemberTransfer::PortabilidadeEspecial }),
        OperatorEvent::CarteiraTransferida { caso: le, beneficiarios: 5_000 }.into(),
    ]);
    let close = CaseCommand::EncerrarLiquidacao {
        motivo: LeClosure::ContasFinaisAprovadas,
        documento: NonEmptyText::written("RO 1/2019"),
    };
    world.when(case_act(le, diretoria(), d(2017, 10, 2), close.clone())).then_refused("liquidacao.contas_sem_balanco");
    world
        .when(case_act(le, liquidante, d(2017, 11, 1), CaseCommand::ApresentarBalancoECredores { credores: 312 }))
        .then_events([LeEvent::BalancoApresentado { credores: 312, no_prazo: true }]);
    world
        .when(case_act(le, diretoria(), d(2019, 1, 1), close))
        .then_events([
            Expect::from(LeEvent::Encerrada { motivo: LeClosure::ContasFinaisAprovadas }),
            OperatorEvent::LiquidacaoEncerrada { caso: le }.into(),
        ])
        .then_state(|case| assert_eq!(case.phase(), "encerrada"));
}

#[test]
fn a_balance_sheet_after_ninety_days_is_recorded_as_late() {
    // RN 316/2012: 90 d from the decree, to 30 Nov 2017.
    let (mut world, _, le) = le_world();
    let liquidante = actor(Role::Interventor, &[le]);
    world
        .when(case_act(le, liquidante, d(2017, 12, 1), CaseCommand::ApresentarBalancoECredores { credores: 10 }))
        .then_events([LeEvent::BalancoApresentado { credores: 10, no_prazo: false }]);
}

#[test]
fn a_compulsory_cancellation_waits_for_the_special_portability_window() {
    // RN 438/2018: 60 d from the RO in DOU (4 Feb → 5 Apr 2019); docs/DOMAIN.md §2.11.
    let mut world = world_with_operator(d(2019, 1, 1), 800);
    let case = world.new_case_id();
    let start = CaseCommand::IniciarCancelamentoRegistro {
        registro: registro(),
        motivo: MotivoCancelamento::SancaoArt25VI,
        documento: NonEmptyText::written("RO 4/2019"),
    };
    world.when(case_act(case, diretoria(), d(2019, 2, 1), start)).then_events([
        Expect::from(CancelEvent::Iniciado {
            abertura: Abertura {
                registro: registro(),
                versao_regras: "rn-388-2015".into(),
                fato_gerador: d(2019, 2, 1),
                origem: None,
            },
            motivo: MotivoCancelamento::SancaoArt25VI,
        }),
        OperatorEvent::CancelamentoIniciado { caso: case, motivo: MotivoCancelamento::SancaoArt25VI }.into(),
    ]);
    let cancel = CaseCommand::CancelarRegistro { documento: NonEmptyText::written("RO 9/2019") };
    world
        .when(case_act(case, diretoria(), d(2019, 2, 2), cancel.clone()))
        .then_refused("cancelamento.beneficiarios_sem_transferencia");
    let window = deadline(d(2019, 2, 4), 60, Calendar::Corridos, d(2019, 4, 5));
    let portability = CaseCommand::DecretarPortabilidadeEspecial {
        publicada_em: d(2019, 2, 4),
        documento: NonEmptyText::written("RO 5/2019"),
    };
    world.when(case_act(case, diretoria(), d(2019, 2, 4), portability)).then_events([
        Expect::from(CancelEvent::PortabilidadeEspecialDecretada { prazo: window.clone() }),
        OperatorEvent::PortabilidadeEspecialDecretada { caso: case, prazo: window }.into(),
    ]);
    world
        .when(case_act(case, diretoria(), d(2019, 4, 5), cancel.clone()))
        .then_refused("cancelamento.beneficiarios_sem_transferencia");
    world
        .when(case_act(case, diretoria(), d(2019, 4, 6), cancel.clone()))
        .then_events([
            Expect::from(CancelEvent::RegistroCancelado {}),
            OperatorEvent::RegistroCancelado {
                caso: case,
                motivo: MotivoCancelamento::SancaoArt25VI,
                em: d(2019, 4, 6),
            }
            .into(),
        ])
        .then_operator(|op| assert!(op.is_cancelled()));
    world.when(case_act(case, diretoria(), d(2019, 4, 7), cancel)).then_refused("caso.encerrado");
}

#[test]
fn a_voluntary_cancellation_needs_no_portability() {
    // docs/DOMAIN.md §2.11: only a compulsory cancellation waits for the members to be provided for.
    let mut world = world_with_operator(d(2001, 1, 1), 100);
    let case = world.new_case_id();
    let start = CaseCommand::IniciarCancelamentoRegistro {
        registro: registro(),
        motivo: MotivoCancelamento::PorSolicitacaoDaOperadora,
        documento: NonEmptyText::written("RO 2/2001"),
    };
    world.given([case_act(case, diretoria(), d(2001, 5, 1), start)]);
    let again = world.new_case_id();
    let liquidation_motive = CaseCommand::IniciarCancelamentoRegistro {
        registro: registro(),
        motivo: MotivoCancelamento::LiquidacaoExtrajudicial,
        documento: NonEmptyText::written("RO 3/2001"),
    };
    world.when(case_act(again, diretoria(), d(2001, 5, 2), liquidation_motive)).then_invalid("motivo");
    world
        .when(case_act(
            case,
            diretoria(),
            d(2001, 6, 1),
            CaseCommand::CancelarRegistro { documento: NonEmptyText::written("RO 3/2001") },
        ))
        .then_events([
            Expect::from(CancelEvent::RegistroCancelado {}),
            OperatorEvent::RegistroCancelado {
                caso: case,
                motivo: MotivoCancelamento::PorSolicitacaoDaOperadora,
                em: d(2001, 6, 1),
            }
            .into(),
        ])
        .then_operator(|op| assert!(op.is_cancelled()));
}
