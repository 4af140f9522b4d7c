//! The one error type of the domain layer: business rejections only, never technical faults.
//! Messages are pt-BR because officers read them; `rule_id` and `norm` are stable so the API
//! can map a refusal to `rule_violation` (422) or `forbidden` (403) and name the norm.

/// Why a command was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// Input that cannot be parsed or is incomplete (HTTP 400).
    #[error("campo {field}: {message}")]
    Invalid { field: String, message: String },
    /// The actor may not perform the act: role not allowed, or interventor not appointed (HTTP 403).
    #[error("{message} ({norm})")]
    Forbidden { rule_id: String, norm: String, message: String },
    /// The act is refused by law or by the case's lifecycle (HTTP 422).
    #[error("{message} ({norm})")]
    Rule { rule_id: String, norm: String, message: String },
    /// The decision needs a value that docs/DOMAIN.md marks `[UNCONF]` and that nobody configured.
    #[error("valor normativo não configurado: {setting} (versão de regras {rule_version}); peça a um responsável pelo domínio que o confirme e configure")]
    Unconfigured { setting: String, rule_version: String },
}

impl DomainError {
    /// An input error on `field`.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        DomainError::Invalid { field: field.to_owned(), message: message.into() }
    }

    /// A legal or lifecycle refusal.
    pub fn rule(rule_id: &str, norm: &str, message: impl Into<String>) -> Self {
        DomainError::Rule { rule_id: rule_id.to_owned(), norm: norm.to_owned(), message: message.into() }
    }

    /// A permission refusal.
    pub fn forbidden(rule_id: &str, norm: &str, message: impl Into<String>) -> Self {
        DomainError::Forbidden { rule_id: rule_id.to_owned(), norm: norm.to_owned(), message: message.into() }
    }

    /// The stable rule id (`tcac.vedado_apos_descumprimento`, …); for input errors, `invalid.{field}`.
    pub fn rule_id(&self) -> String {
        match self {
            DomainError::Invalid { field, .. } => format!("invalid.{field}"),
            DomainError::Forbidden { rule_id, .. } | DomainError::Rule { rule_id, .. } => rule_id.clone(),
            DomainError::Unconfigured { setting, .. } => format!("config.{setting}"),
        }
    }

    /// The norm that grounds the refusal, when there is one.
    pub fn norm(&self) -> Option<&str> {
        match self {
            DomainError::Forbidden { norm, .. } | DomainError::Rule { norm, .. } => Some(norm),
            DomainError::Invalid { .. } | DomainError::Unconfigured { .. } => None,
        }
    }
}
