//! Who acts (docs/ARCHITECTURE.md §6): the officer's role and, for an interventor, the cases they
//! are appointed to. Which role may perform which act is listed in [`crate::acts`].

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// An officer's capacity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Registers demandas (Disque ANS, NIP complaints).
    Atendente,
    /// DIFIS and Núcleos: autos de infração, instruction, TCAC negotiation, NIP classification.
    Fiscal,
    /// Diretoria Colegiada and directorate decisions: regimes, LE, alienação orders, appeals, cancellations.
    Diretoria,
    /// Diretor fiscal/técnico or liquidante — only on cases they are appointed to.
    Interventor,
    /// Reads everything, writes nothing.
    Auditor,
    /// Officers and the operator registry. Events recorded before this role was renamed carry
    /// its former name `admin`, which their hash covers; it is still read.
    #[serde(alias = "admin")]
    Administrador,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 6] =
        [Role::Atendente, Role::Fiscal, Role::Diretoria, Role::Interventor, Role::Auditor, Role::Administrador];

    /// The serde name (`fiscal`).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Atendente => "atendente",
            Role::Fiscal => "fiscal",
            Role::Diretoria => "diretoria",
            Role::Interventor => "interventor",
            Role::Auditor => "auditor",
            Role::Administrador => "administrador",
        }
    }

    /// The role a stored or typed name stands for, the former name `admin` included.
    pub fn parse(name: &str) -> Option<Role> {
        match name {
            "admin" => Some(Role::Administrador),
            _ => Role::ALL.into_iter().find(|r| r.as_str() == name),
        }
    }

    /// pt-BR label.
    pub fn label(self) -> &'static str {
        match self {
            Role::Atendente => "Atendente",
            Role::Fiscal => "Fiscal",
            Role::Diretoria => "Diretoria",
            Role::Interventor => "Interventor (diretor fiscal/técnico, liquidante)",
            Role::Auditor => "Auditor",
            Role::Administrador => "Administrador",
        }
    }
}

/// The officer performing a command, as authenticated by the API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub officer_id: String,
    pub role: Role,
    /// Cases an interventor was designated to (RN 300/2012); empty for every other role.
    pub appointed_cases: Vec<Uuid>,
}

impl Actor {
    /// An actor with no appointments.
    pub fn new(officer_id: impl Into<String>, role: Role) -> Self {
        Actor { officer_id: officer_id.into(), role, appointed_cases: Vec::new() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_former_name_of_the_administrador_is_still_read() {
        assert_eq!(Role::parse("admin"), Some(Role::Administrador));
        assert_eq!(serde_json::from_str::<Role>("\"admin\"").unwrap(), Role::Administrador);
        assert_eq!(Role::parse("administrador"), Some(Role::Administrador));
        assert_eq!(Role::parse("gerente"), None);
    }

    #[test]
    fn roles_serialize_as_their_snake_case_names() {
        for role in Role::ALL {
            assert_eq!(serde_json::to_value(role).unwrap(), role.as_str());
        }
    }
}
