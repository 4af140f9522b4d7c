//! The operator aggregate (docs/DOMAIN.md §4, §2.11): the events of its registry acts — registration,
//! cadastral change, sales suspended and restored — the stored shape of a registration, and every
//! refusal by its rule id.

use autos_domain::testing::{actor, d, operator_act, World};
use autos_domain::NonEmptyText;
use autos_domain::{Actor, Cnpj, Modalidade, OperatorCommand, OperatorEvent, Region, Role, Uf};

use crate::common::{registro, world_with_operator};

fn register_again() -> OperatorCommand {
    OperatorCommand::RegistrarOperadora {
        registro: registro(),
        cnpj: Some(Cnpj::parse("11.222.333/0001-81").unwrap()),
        razao_social: NonEmptyText::written("Outra"),
        modalidade: Modalidade::Filantropia,
        uf: Some(Uf::Rj),
        registro_provisorio: false,
        regiao: None,
        municipio: None,
        referencia: None,
    }
}

fn admin() -> Actor {
    actor(Role::Administrador, &[])
}

#[test]
fn an_operator_cannot_be_registered_twice() {
    // Lei 9.656/1998 art. 8: one registro per legal entity.
    let mut world = world_with_operator(d(2001, 1, 10), 100);
    world
        .when(operator_act(registro(), admin(), d(2001, 2, 1), register_again()))
        .then_refused("operadora.ja_registrada");
}

#[test]
fn only_the_registry_admin_registers_operators() {
    // docs/ARCHITECTURE.md §6: admin keeps the operator registry.
    let mut world = World::default();
    world
        .when(operator_act(registro(), actor(Role::Fiscal, &[]), d(2001, 2, 1), register_again()))
        .then_refused("acesso.papel_nao_autorizado")
        .then_operator(|op| assert!(op.registro.is_none()));
}

#[test]
fn an_alphanumeric_cnpj_before_july_2026_is_rejected() {
    // IN RFB 2.229/2024: alphanumeric CNPJs exist only from July 2026.
    let mut world = world_with_operator(d(2025, 1, 10), 100);
    let cnpj = Cnpj::parse("12ABC34501DE35").unwrap();
    let change = OperatorCommand::AlterarCadastro {
        razao_social: None,
        cnpj: Some(cnpj.clone()),
        modalidade: None,
        uf: None,
        referencia: None,
    };
    world.when(operator_act(registro(), admin(), d(2026, 6, 30), change.clone())).then_invalid("cnpj");
    world
        .when(operator_act(registro(), admin(), d(2026, 7, 1), change))
        .then_events([OperatorEvent::CadastroAlterado {
            razao_social: None,
            cnpj: Some(cnpj.clone()),
            modalidade: None,
            uf: None,
            referencia: None,
            historico: false,
        }])
        .then_operator(|op| assert_eq!(op.cnpj, Some(cnpj)));
}

#[test]
fn beneficiary_counts_for_a_future_month_are_rejected() {
    // RN 17/2002 (SIB): a count is reported for a month that has begun.
    let mut world = world_with_operator(d(2003, 1, 10), 100);
    let future = OperatorCommand::InformarBeneficiarios { ano: 2003, mes: 2, quantidade: 10 };
    world
        .when(operator_act(registro(), admin(), d(2003, 1, 31), future.clone()))
        .then_invalid("mes")
        .then_operator(|op| assert_eq!(op.beneficiaries_on(d(2003, 5, 1)), 100));
    world
        .when(operator_act(registro(), admin(), d(2003, 2, 1), future))
        .then_events([OperatorEvent::BeneficiariosInformados { ano: 2003, mes: 2, quantidade: 10 }])
        .then_operator(|op| assert_eq!(op.beneficiaries_on(d(2003, 5, 1)), 10));
}

#[test]
fn sales_are_suspended_and_restored_but_never_restored_unsuspended() {
    // Lei 9.656/1998 art. 9 §4.
    let mut world = world_with_operator(d(2003, 1, 10), 100);
    let diretoria = actor(Role::Diretoria, &[]);
    let restore = OperatorCommand::RestabelecerComercializacao { documento: NonEmptyText::written("RO 9/2003") };
    world
        .when(operator_act(registro(), diretoria.clone(), d(2003, 2, 1), restore.clone()))
        .then_refused("operadora.comercializacao_nao_suspensa");
    let suspend = OperatorCommand::SuspenderComercializacao {
        escopo: NonEmptyText::written("todos os produtos"),
        documento: NonEmptyText::written("RO 8/2003"),
    };
    world
        .when(operator_act(registro(), diretoria.clone(), d(2003, 2, 1), suspend))
        .then_events([OperatorEvent::ComercializacaoSuspensa { escopo: "todos os produtos".into() }])
        .then_operator(|op| assert_eq!(op.comercializacao_suspensa.as_deref(), Some("todos os produtos")));
    world
        .when(operator_act(registro(), diretoria, d(2003, 3, 1), restore))
        .then_events([OperatorEvent::ComercializacaoRestabelecida {}])
        .then_operator(|op| assert!(op.comercializacao_suspensa.is_none()));
}

// Lei 9.656/1998 art. 8; RN 85/2004: a registration carries the CNPJ. The 2000–2003 report lists
// operators without it, so only registrations dated in that historical period may lack it.
#[test]
fn a_historical_registration_may_lack_the_cnpj_but_a_current_one_may_not() {
    let historical = OperatorCommand::RegistrarOperadora {
        registro: registro(),
        cnpj: None,
        razao_social: NonEmptyText::written("Operadora do Relatório"),
        modalidade: Modalidade::MedicinaDeGrupo,
        uf: None,
        registro_provisorio: false,
        regiao: Some(Region::Sudeste),
        municipio: Some("SAO PAULO".into()),
        referencia: None,
    };
    World::default().when(operator_act(registro(), admin(), d(2003, 12, 31), historical.clone())).then_events([
        OperatorEvent::Registrada {
            registro: registro(),
            cnpj: None,
            razao_social: "Operadora do Relatório".into(),
            modalidade: Modalidade::MedicinaDeGrupo,
            uf: None,
            registro_provisorio: false,
            regiao: Some(Region::Sudeste),
            municipio: Some("SAO PAULO".into()),
            referencia: None,
        },
    ]);
    World::default().when(operator_act(registro(), admin(), d(2024, 1, 3), historical)).then_invalid("cnpj");
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
    let autos_domain::DomainEvent::Operator(OperatorEvent::Registrada { cnpj, uf, regiao, .. }) = decoded else {
        panic!("registration expected")
    };
    assert!(cnpj.is_some() && uf == Some(Uf::Rj) && regiao.is_none());
}

fn rename(name: &str, referencia: chrono::NaiveDate) -> OperatorCommand {
    OperatorCommand::AlterarCadastro {
        razao_social: Some(name.into()),
        cnpj: None,
        modalidade: None,
        uf: None,
        referencia: Some(referencia),
    }
}

#[test]
fn a_change_from_an_older_register_snapshot_is_history_not_the_current_value() {
    // Snapshots imported out of order: the newer data stays current.
    let mut world = world_with_operator(d(2001, 1, 10), 100);
    world
        .when(operator_act(registro(), admin(), d(2025, 3, 1), rename("Nome de 2025", d(2025, 3, 1))))
        .then_operator(|op| assert_eq!(op.cadastro_referencia, Some(d(2025, 3, 1))));
    world.when(operator_act(registro(), admin(), d(2022, 1, 1), rename("Nome de 2022", d(2022, 1, 1)))).then_operator(
        |op| {
            assert_eq!(op.razao_social, "Nome de 2025");
            assert_eq!(op.cadastro_referencia, Some(d(2025, 3, 1)));
            assert_eq!(op.historico_cadastral.len(), 1);
            assert_eq!(op.historico_cadastral[0].razao_social.as_deref(), Some("Nome de 2022"));
        },
    );
    world
        .when(operator_act(registro(), admin(), d(2026, 1, 5), rename("Nome de 2026", d(2026, 1, 5))))
        .then_operator(|op| assert_eq!(op.razao_social, "Nome de 2026"));
}

#[test]
fn a_published_cancellation_keeps_the_motive_as_written_and_is_terminal() {
    // The register of cancelled operators: legal date and motive as ANS published them.
    let mut world = world_with_operator(d(2001, 1, 10), 0);
    let cancel = OperatorCommand::RegistrarCancelamentoPublicado {
        motivo: autos_domain::operator::MotivoCancelamento::Outro,
        motivo_publicado: NonEmptyText::written("Transferência de controle societário"),
    };
    world.when(operator_act(registro(), admin(), d(2004, 6, 30), cancel.clone())).then_operator(|op| {
        assert!(matches!(op.situacao_registro, autos_domain::operator::SituacaoRegistro::Cancelada { em, .. } if em == d(2004, 6, 30)));
        assert_eq!(op.motivo_cancelamento_publicado.as_deref(), Some("Transferência de controle societário"));
    });
    world.when(operator_act(registro(), admin(), d(2004, 7, 1), cancel)).then_refused("operadora.registro_cancelado");
}

#[test]
fn a_beneficiary_count_above_brazils_population_is_refused_and_the_population_itself_is_not() {
    // RN 17/2002 (SIB): the count is of persons; IBGE's Censo 2022 counted 203.080.756.
    let mut world = world_with_operator(d(2003, 1, 10), 100);
    let count = |quantidade| OperatorCommand::InformarBeneficiarios { ano: 2003, mes: 2, quantidade };
    world
        .when(operator_act(registro(), admin(), d(2003, 2, 10), count(203_080_757)))
        .then_refused("contagem.acima_da_populacao")
        .then_operator(|op| assert_eq!(op.beneficiaries_on(d(2003, 2, 15)), 100));
    world
        .when(operator_act(registro(), admin(), d(2003, 2, 10), count(203_080_756)))
        .then_operator(|op| assert_eq!(op.beneficiaries_on(d(2003, 2, 15)), 203_080_756));
}
