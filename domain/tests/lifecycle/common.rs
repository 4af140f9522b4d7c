//! Shared fixtures: a registered, authorised operator with one administrator and members, so
//! every family starts from the same realistic ground.

use autos_domain::testing::{actor, World};
use autos_domain::NonEmptyText;
use autos_domain::{Cnpj, Modalidade, OperatorCommand, Registro, Role, Uf};
use chrono::{Datelike, NaiveDate};
use uuid::Uuid;

pub fn registro() -> Registro {
    Registro::parse("326305").unwrap()
}

pub const ADMIN_ID: Uuid = Uuid::from_u128(0xA1);

/// An authorised operator registered on `on`, with one administrator and `members` beneficiaries.
pub fn operator(world: &mut World, registro: Registro, on: NaiveDate, members: u64) {
    let admin = actor(Role::Administrador, &[]);
    let register = OperatorCommand::RegistrarOperadora {
        registro,
        cnpj: Some(Cnpj::parse("11.222.333/0001-81").unwrap()),
        razao_social: NonEmptyText::written("Saúde Exemplo S.A."),
        modalidade: Modalidade::MedicinaDeGrupo,
        uf: Some(Uf::Sp),
        registro_provisorio: true,
        regiao: None,
        municipio: None,
        referencia: None,
    };
    world.given_operator(registro, admin.clone(), on, register);
    world.given_operator(
        registro,
        admin.clone(),
        on,
        OperatorCommand::ConcederAutorizacaoFuncionamento { documento: NonEmptyText::written("RO 1/2000") },
    );
    let administrator = OperatorCommand::RegistrarAdministrador {
        administrador_id: ADMIN_ID,
        nome: NonEmptyText::written("Diretor Presidente"),
        cargo: NonEmptyText::written("diretor-presidente"),
        inicio: on,
    };
    world.given_operator(registro, admin.clone(), on, administrator);
    world.given_operator(
        registro,
        admin,
        on,
        OperatorCommand::InformarBeneficiarios { ano: on.year(), mes: on.month(), quantidade: members },
    );
}

/// A world holding the standard operator.
pub fn world_with_operator(on: NaiveDate, members: u64) -> World {
    let mut world = World::default();
    operator(&mut world, registro(), on, members);
    world
}
