//! Liquidação extrajudicial (DOMAIN.md §2.4) and cancellation of registration (§2.11).

use autos_domain::case::{BankruptcyGround, InquiryPhase, LeClosure, LeGround, MemberTransfer};
use autos_domain::operator::{CancellationMotive, Licence};
use autos_domain::testing::{actor, assert_refused, d, World};
use autos_domain::{CaseCommand, Role};
use uuid::Uuid;

use crate::common::{registro, world_with_operator};

fn decree() -> CaseCommand {
    CaseCommand::DecretarLiquidacao {
        registro: registro(),
        liquidante: "liquidante-1".into(),
        fundamento: LeGround::ViolacaoGrave,
        documento: "RO 20/2018".into(),
    }
}

fn df() -> CaseCommand {
    CaseCommand::InstaurarDirecaoFiscal {
        registro: registro(),
        motivos: vec!["passivo a descoberto".into()],
        diretor_fiscal: "df-1".into(),
        documento: "RO 1/2017".into(),
        vigencia_dias: None,
    }
}

fn le_world() -> (World, Uuid, Uuid) {
    let mut world = world_with_operator(d(2016, 2, 1), 5_000);
    let df_case = world.new_case_id();
    world.given_case(df_case, registro(), actor(Role::Diretoria, &[]), d(2017, 3, 2), df());
    let le_case = world.new_case_id();
    world.given_case(le_case, registro(), actor(Role::Diretoria, &[]), d(2017, 9, 1), decree());
    (world, df_case, le_case)
}

#[test]
fn decreeing_le_closes_the_df_and_cancels_the_registration() {
    // RN 316/2012 art. 4 III and art. 20: LE closes DF/DT and cancels the licence.
    let (world, df_case, _) = le_world();
    assert_eq!(world.case(df_case).phase(), "encerrada");
    let op = world.operator(registro());
    assert!(op.regimes.is_empty());
    assert!(matches!(op.licence, Licence::Cancelada { motivo: CancellationMotive::LiquidacaoExtrajudicial, .. }));
    assert_eq!(op.active_freezes.len(), 1, "the DF freeze stays; no second freeze");
}

#[test]
fn no_new_df_may_start_while_le_is_open() {
    // DOMAIN.md §2.4 invariant; ARCHITECTURE.md §2 cross-case rule.
    let (mut world, _, _) = le_world();
    let case = world.new_case_id();
    assert_refused(
        world.when_case(case, registro(), actor(Role::Diretoria, &[]), d(2017, 10, 1), df()),
        "operadora.registro_cancelado",
    );
}

#[test]
fn a_second_le_is_refused() {
    let (mut world, _, _) = le_world();
    let case = world.new_case_id();
    assert_refused(
        world.when_case(case, registro(), actor(Role::Diretoria, &[]), d(2017, 10, 1), decree()),
        "liquidacao.ja_decretada",
    );
}

#[test]
fn bankruptcy_closure_needs_ans_authorisation_first() {
    // Lei 9.656/1998 art. 23 §§1 and 3.
    let (mut world, _, le) = le_world();
    let diretoria = actor(Role::Diretoria, &[]);
    let close = CaseCommand::EncerrarLiquidacao {
        motivo: LeClosure::FalenciaOuInsolvenciaDecretada,
        documento: "sentença".into(),
    };
    assert_refused(
        world.when_case(le, registro(), diretoria.clone(), d(2018, 1, 1), close.clone()),
        "liquidacao.falencia_nao_autorizada",
    );
    let authorise = CaseCommand::AutorizarRequerimentoFalencia {
        fundamento: BankruptcyGround::AtivoInferiorAMetadeDosQuirografarios,
        documento: "RO 3/2018".into(),
    };
    world.given_case(le, registro(), diretoria.clone(), d(2018, 1, 1), authorise);
    world.given_case(le, registro(), diretoria, d(2018, 6, 1), close);
    assert!(world.operator(registro()).liquidation_case.is_none());
}

#[test]
fn the_inquiry_advances_in_order_and_a_no_loss_conclusion_lifts_the_freeze() {
    // RN 276/2011 (120 d + 120, phases in order); Lei 9.656 art. 24-A.
    let (mut world, _, le) = le_world();
    let fiscal = actor(Role::Fiscal, &[]);
    assert_refused(
        world.when_case(
            le,
            registro(),
            fiscal.clone(),
            d(2017, 9, 10),
            CaseCommand::AvancarInquerito { fase: InquiryPhase::Alegacoes },
        ),
        "inquerito.fase_fora_de_ordem",
    );
    for fase in [
        InquiryPhase::Instrucao,
        InquiryPhase::ExAdministradoresNotificados,
        InquiryPhase::RelatorioPreliminar,
        InquiryPhase::Alegacoes,
        InquiryPhase::DiligenciasFinais,
        InquiryPhase::RelatorioFinal,
    ] {
        world.given_case(le, registro(), fiscal.clone(), d(2017, 10, 1), CaseCommand::AvancarInquerito { fase });
    }
    world.given_case(
        le,
        registro(),
        actor(Role::Diretoria, &[]),
        d(2017, 12, 1),
        CaseCommand::ConcluirInquerito { houve_prejuizo: false, documento: "Relatório final".into() },
    );
    assert!(world.operator(registro()).active_freezes.is_empty());
}

#[test]
fn the_liquidante_files_the_balance_sheet_and_members_are_transferred() {
    // RN 316/2012: balance and creditor list within 90 d; members moved first.
    let (mut world, _, le) = le_world();
    let liquidante = actor(Role::Interventor, &[le]);
    world.given_case(
        le,
        registro(),
        liquidante.clone(),
        d(2017, 10, 1),
        CaseCommand::RegistrarTransferenciaBeneficiarios { forma: MemberTransfer::PortabilidadeEspecial },
    );
    world.given_case(
        le,
        registro(),
        liquidante,
        d(2017, 11, 1),
        CaseCommand::ApresentarBalancoECredores { credores: 312 },
    );
    world.given_case(
        le,
        registro(),
        actor(Role::Diretoria, &[]),
        d(2019, 1, 1),
        CaseCommand::EncerrarLiquidacao { motivo: LeClosure::ContasFinaisAprovadas, documento: "RO 1/2019".into() },
    );
    assert_eq!(world.case(le).phase(), "encerrada");
}

#[test]
fn a_compulsory_cancellation_waits_for_the_special_portability_window() {
    // RN 438/2018: 60 d from the RO in DOU; DOMAIN.md §2.11.
    let mut world = world_with_operator(d(2019, 1, 1), 800);
    let case = world.new_case_id();
    let diretoria = actor(Role::Diretoria, &[]);
    let start = CaseCommand::IniciarCancelamentoRegistro {
        registro: registro(),
        motivo: CancellationMotive::SancaoArt25VI,
        documento: "RO 4/2019".into(),
    };
    world.given_case(case, registro(), diretoria.clone(), d(2019, 2, 1), start);
    let cancel = CaseCommand::CancelarRegistro { documento: "RO 9/2019".into() };
    assert_refused(
        world.when_case(case, registro(), diretoria.clone(), d(2019, 2, 2), cancel.clone()),
        "cancelamento.beneficiarios_sem_transferencia",
    );
    world.given_case(
        case,
        registro(),
        diretoria.clone(),
        d(2019, 2, 4),
        CaseCommand::DecretarPortabilidadeEspecial { publicada_em: d(2019, 2, 4), documento: "RO 5/2019".into() },
    );
    assert_refused(
        world.when_case(case, registro(), diretoria.clone(), d(2019, 4, 5), cancel.clone()),
        "cancelamento.beneficiarios_sem_transferencia",
    );
    world.given_case(case, registro(), diretoria.clone(), d(2019, 4, 6), cancel.clone());
    assert!(world.operator(registro()).is_cancelled());
    assert_refused(world.when_case(case, registro(), diretoria, d(2019, 4, 7), cancel), "caso.encerrado");
}

#[test]
fn a_voluntary_cancellation_needs_no_portability() {
    let mut world = world_with_operator(d(2001, 1, 1), 100);
    let case = world.new_case_id();
    let diretoria = actor(Role::Diretoria, &[]);
    world.given_case(
        case,
        registro(),
        diretoria.clone(),
        d(2001, 5, 1),
        CaseCommand::IniciarCancelamentoRegistro {
            registro: registro(),
            motivo: CancellationMotive::PorSolicitacaoDaOperadora,
            documento: "RO 2/2001".into(),
        },
    );
    world.given_case(
        case,
        registro(),
        diretoria,
        d(2001, 6, 1),
        CaseCommand::CancelarRegistro { documento: "RO 3/2001".into() },
    );
    assert!(world.operator(registro()).is_cancelled());
}
