//! The operator aggregate (DOMAIN.md §4, §2.11).

use autos_domain::testing::{actor, assert_refused, d};
use autos_domain::{Cnpj, Modalidade, OperatorCommand, Role, Uf};

use crate::common::{registro, world_with_operator};

fn register_again() -> OperatorCommand {
    OperatorCommand::RegistrarOperadora {
        registro: registro(),
        cnpj: Some(Cnpj::parse("11.222.333/0001-81").unwrap()),
        razao_social: "Outra".into(),
        modalidade: Modalidade::Filantropia,
        uf: Some(Uf::Rj),
        registro_provisorio: false,
        regiao: None,
        municipio: None,
    }
}

#[test]
fn an_operator_cannot_be_registered_twice() {
    // Lei 9.656/1998 art. 8: one registro per legal entity.
    let mut world = world_with_operator(d(2001, 1, 10), 100);
    let result = world.when_operator(registro(), actor(Role::Admin, &[]), d(2001, 2, 1), register_again());
    assert_refused(result, "operadora.ja_registrada");
}

#[test]
fn only_the_registry_admin_registers_operators() {
    // ARCHITECTURE.md §6: admin keeps the operator registry.
    let mut world = autos_domain::testing::World::default();
    let result = world.when_operator(registro(), actor(Role::Fiscal, &[]), d(2001, 2, 1), register_again());
    assert_refused(result, "acesso.papel_nao_autorizado");
}

#[test]
fn an_alphanumeric_cnpj_before_july_2026_is_rejected() {
    // IN RFB 2.229/2024: alphanumeric CNPJs exist only from July 2026.
    let mut world = world_with_operator(d(2025, 1, 10), 100);
    let change = OperatorCommand::AlterarCadastro {
        razao_social: None,
        cnpj: Some(Cnpj::parse("12ABC34501DE35").unwrap()),
        modalidade: None,
        uf: None,
    };
    assert_refused(
        world.when_operator(registro(), actor(Role::Admin, &[]), d(2026, 6, 30), change.clone()),
        "invalid.cnpj",
    );
    assert!(world.when_operator(registro(), actor(Role::Admin, &[]), d(2026, 7, 1), change).is_ok());
}

#[test]
fn beneficiary_counts_for_a_future_month_are_rejected() {
    let mut world = world_with_operator(d(2003, 1, 10), 100);
    let future = OperatorCommand::InformarBeneficiarios { ano: 2003, mes: 2, quantidade: 10 };
    assert_refused(world.when_operator(registro(), actor(Role::Admin, &[]), d(2003, 1, 31), future), "invalid.mes");
    assert_eq!(world.operator(registro()).beneficiaries_on(d(2003, 5, 1)), 100);
}

#[test]
fn restoring_sales_that_were_never_suspended_is_refused() {
    // Lei 9.656/1998 art. 9 §4.
    let mut world = world_with_operator(d(2003, 1, 10), 100);
    let restore = OperatorCommand::RestabelecerComercializacao { documento: "RO 9/2003".into() };
    assert_refused(
        world.when_operator(registro(), actor(Role::Diretoria, &[]), d(2003, 2, 1), restore),
        "operadora.comercializacao_nao_suspensa",
    );
}

// Lei 9.656/1998 art. 8; RN 85/2004: a registration carries the CNPJ. The 2000–2003 report lists
// operators without it, so only registrations dated in that historical period may lack it.
#[test]
fn a_historical_registration_may_lack_the_cnpj_but_a_current_one_may_not() {
    let mut world = autos_domain::testing::World::default();
    let admin = autos_domain::testing::actor(autos_domain::Role::Admin, &[]);
    let historical = OperatorCommand::RegistrarOperadora {
        registro: registro(),
        cnpj: None,
        razao_social: "Operadora do Relatório".into(),
        modalidade: Modalidade::MedicinaDeGrupo,
        uf: None,
        registro_provisorio: false,
        regiao: Some(autos_domain::Region::Sudeste),
        municipio: Some("SAO PAULO".into()),
    };
    let events = world
        .when_operator(registro(), admin.clone(), autos_domain::testing::d(2000, 1, 3), historical.clone())
        .unwrap();
    assert_eq!(events.len(), 1);
    let mut fresh = autos_domain::testing::World::default();
    let refused = fresh.when_operator(registro(), admin, autos_domain::testing::d(2024, 1, 3), historical);
    autos_domain::testing::assert_refused(refused, "invalid.cnpj");
}

// The stored schema is stable: a registration stored before the optional fields existed decodes.
#[test]
fn a_registration_stored_with_the_earlier_shape_still_decodes() {
    let encoded = autos_domain::stored::EncodedEvent {
        event_type: "operadora.registrada".into(),
        schema_version: 1,
        payload: serde_json::json!({"registro": "326305", "cnpj": "11222333000181", "razao_social": "X", "modalidade": "filantropia", "uf": "RJ", "registro_provisorio": false}),
    };
    let decoded = autos_domain::stored::decode(&encoded).unwrap();
    let autos_domain::DomainEvent::Operator(autos_domain::OperatorEvent::Registrada { cnpj, uf, regiao, .. }) = decoded
    else {
        panic!("registration expected")
    };
    assert!(cnpj.is_some() && uf == Some(Uf::Rj) && regiao.is_none());
}
