//! TCAC (DOMAIN.md §2.6): eligibility, the RN 372/2015 steps, the RDC 57/2001 path, and the
//! two-year bar after a breach, decided against the operator's stream.

use autos_domain::case::TcacPhase;
use autos_domain::testing::{actor, assert_refused, d, World};
use autos_domain::{CaseCommand, Role};
use chrono::NaiveDate;
use uuid::Uuid;

use crate::common::{registro, world_with_operator};

fn request() -> CaseCommand {
    CaseCommand::RequererTcac {
        registro: registro(),
        processos: vec!["33910.018565/2019-58".into()],
        conduta: "reajuste aplicado sem autorização".into(),
        oferecido_pela_ans: false,
        conduta_em_nip: false,
        negativa_de_urgencia: false,
        documento: "Protocolo 123/2017".into(),
    }
}

/// Drives a TCAC opened on `on` up to "em vigor" under RN 372/2015.
fn in_force(world: &mut World, on: NaiveDate) -> Uuid {
    let case = world.new_case_id();
    let (fiscal, diretoria) = (actor(Role::Fiscal, &[]), actor(Role::Diretoria, &[]));
    world.given_case(case, registro(), fiscal.clone(), on, request());
    world.given_case(
        case,
        registro(),
        fiscal.clone(),
        on,
        CaseCommand::TriarTcac { admitido: true, fundamentacao: "requisitos atendidos".into() },
    );
    world.given_case(
        case,
        registro(),
        diretoria.clone(),
        on,
        CaseCommand::AprovarMinutaTcac { documento: "Minuta aprovada".into() },
    );
    world.given_case(case, registro(), fiscal.clone(), on, CaseCommand::RegistrarAssinaturaCompromissaria {});
    world.given_case(
        case,
        registro(),
        diretoria,
        on,
        CaseCommand::AutorizarTcac { numero: "TCAC nº 017/2017".into(), documento: "Deliberação DICOL".into() },
    );
    world.given_case(case, registro(), fiscal, on, CaseCommand::ComprovarPagamentoAntecipadoTcac {});
    case
}

fn breach(world: &mut World, case: Uuid, on: NaiveDate) {
    let decision = CaseCommand::DecidirCumprimentoTcac {
        cumprido: false,
        data_descumprimento: None,
        documento: "Deliberação DICOL".into(),
    };
    world.given_case(case, registro(), actor(Role::Diretoria, &[]), on, decision);
}

#[test]
fn a_tcac_runs_from_request_to_fulfilment_under_rn_372() {
    // RN 372/2015: screening, draft, signatures, DICOL, upfront payment, then in force.
    let mut world = world_with_operator(d(2016, 2, 1), 5_000);
    let case = in_force(&mut world, d(2017, 3, 6));
    assert_eq!(world.case(case).phase(), "em_vigor");
    let fulfilled = CaseCommand::DecidirCumprimentoTcac {
        cumprido: true,
        data_descumprimento: None,
        documento: "Deliberação DICOL".into(),
    };
    world.given_case(case, registro(), actor(Role::Diretoria, &[]), d(2018, 3, 6), fulfilled);
    assert!(world.case(case).is_closed());
    assert_eq!(world.operator(registro()).tcac_barred_until, None);
}

#[test]
fn a_breached_tcac_bars_a_new_one_for_two_years() {
    // Lei 9.656/1998 art. 29; RDC 57/2001; RN 372/2015 art. 5: no new TCAC within 2 years of a breach.
    let mut world = world_with_operator(d(2016, 2, 1), 5_000);
    let case = in_force(&mut world, d(2017, 3, 6));
    breach(&mut world, case, d(2018, 5, 10));
    assert_eq!(world.operator(registro()).tcac_barred_until, Some(d(2020, 5, 10)));
    let again = world.new_case_id();
    assert_refused(
        world.when_case(again, registro(), actor(Role::Fiscal, &[]), d(2019, 1, 15), request()),
        "tcac.barred_after_breach",
    );
    let later = world.new_case_id();
    assert!(
        world.when_case(later, registro(), actor(Role::Fiscal, &[]), d(2020, 5, 11), request()).is_ok(),
        "the bar ends after two years"
    );
}

#[test]
fn no_tcac_for_conduct_still_in_a_nip_or_for_denial_of_urgency() {
    // RN 372/2015 art. 5.
    let mut world = world_with_operator(d(2016, 2, 1), 5_000);
    let fiscal = actor(Role::Fiscal, &[]);
    let mut in_nip = request();
    if let CaseCommand::RequererTcac { conduta_em_nip, .. } = &mut in_nip {
        *conduta_em_nip = true;
    }
    let case = world.new_case_id();
    assert_refused(world.when_case(case, registro(), fiscal.clone(), d(2017, 3, 6), in_nip), "tcac.conduta_em_nip");
    let mut urgency = request();
    if let CaseCommand::RequererTcac { negativa_de_urgencia, .. } = &mut urgency {
        *negativa_de_urgencia = true;
    }
    let case = world.new_case_id();
    assert_refused(world.when_case(case, registro(), fiscal, d(2017, 3, 6), urgency), "tcac.negativa_de_urgencia");
}

#[test]
fn a_tcac_is_authorised_only_after_the_draft_and_the_signature() {
    // RN 372/2015: the steps follow in order.
    let mut world = world_with_operator(d(2016, 2, 1), 5_000);
    let case = world.new_case_id();
    world.given_case(case, registro(), actor(Role::Fiscal, &[]), d(2017, 3, 6), request());
    let authorise = CaseCommand::AutorizarTcac { numero: "TCAC nº 1/2017".into(), documento: "DICOL".into() };
    assert_refused(
        world.when_case(case, registro(), actor(Role::Diretoria, &[]), d(2017, 3, 7), authorise),
        "tcac.transicao_invalida",
    );
}

#[test]
fn a_tcac_is_null_only_once_the_upfront_payment_deadline_passed() {
    // RN 372/2015: payment proved within 10 days of the DIFIS signature, or the term is null.
    let mut world = world_with_operator(d(2016, 2, 1), 5_000);
    let case = world.new_case_id();
    let (fiscal, diretoria) = (actor(Role::Fiscal, &[]), actor(Role::Diretoria, &[]));
    let on = d(2017, 3, 6);
    world.given_case(case, registro(), fiscal.clone(), on, request());
    world.given_case(
        case,
        registro(),
        fiscal.clone(),
        on,
        CaseCommand::TriarTcac { admitido: true, fundamentacao: "ok".into() },
    );
    world.given_case(
        case,
        registro(),
        diretoria.clone(),
        on,
        CaseCommand::AprovarMinutaTcac { documento: "Minuta".into() },
    );
    world.given_case(case, registro(), fiscal.clone(), on, CaseCommand::RegistrarAssinaturaCompromissaria {});
    world.given_case(
        case,
        registro(),
        diretoria,
        on,
        CaseCommand::AutorizarTcac { numero: "TCAC nº 2/2017".into(), documento: "DICOL".into() },
    );
    let null = CaseCommand::DeclararNulidadeTcac { documento: "Despacho".into() };
    assert_refused(world.when_case(case, registro(), fiscal.clone(), d(2017, 3, 8), null.clone()), "prazo.nao_vencido");
    world.given_case(case, registro(), fiscal, d(2017, 4, 30), null);
    assert_eq!(world.case(case).phase(), serde_json::to_value(TcacPhase::Nulo).unwrap().as_str().unwrap());
}

#[test]
fn under_rdc_57_an_authorised_tcac_is_in_force_at_once() {
    // RDC 57/2001: signing before DICOL suspends the PAS; no upfront-payment step.
    let mut world = world_with_operator(d(2001, 2, 1), 5_000);
    let case = world.new_case_id();
    let (fiscal, diretoria) = (actor(Role::Fiscal, &[]), actor(Role::Diretoria, &[]));
    let on = d(2002, 6, 3);
    world.given_case(case, registro(), fiscal.clone(), on, request());
    world.given_case(
        case,
        registro(),
        fiscal.clone(),
        on,
        CaseCommand::TriarTcac { admitido: true, fundamentacao: "ok".into() },
    );
    world.given_case(
        case,
        registro(),
        diretoria.clone(),
        on,
        CaseCommand::AprovarMinutaTcac { documento: "Minuta".into() },
    );
    world.given_case(case, registro(), fiscal, on, CaseCommand::RegistrarAssinaturaCompromissaria {});
    world.given_case(
        case,
        registro(),
        diretoria,
        on,
        CaseCommand::AutorizarTcac { numero: "TCAC nº 5/2002".into(), documento: "RDC".into() },
    );
    assert_eq!(world.case(case).phase(), "em_vigor");
    assert!(world.case(case).deadlines.is_empty());
}
