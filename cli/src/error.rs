//! The command line's error enum and its exit codes: an application failure ([`AppError`]),
//! a wrong flag, variable or file (`Config`), a local file or socket (`Io`), rows an import
//! rejected (exit 3) and an integrity check that found problems (exit 2); anything else exits 1.

use autos_app::AppError;
use autos_domain::DomainError;
use autos_projections::ProjectionError;
use autos_store::StoreError;
use thiserror::Error;

/// Every way an `autos` command can fail.
#[derive(Debug, Error)]
pub enum CliError {
    /// The application failed (store, read models, domain, input).
    #[error(transparent)]
    App(#[from] AppError),
    /// A flag, an environment variable or a file the command needs is wrong.
    #[error("configuração inválida: {0}")]
    Config(String),
    /// Reading or writing a local file or socket failed.
    #[error("erro de E/S: {0}")]
    Io(#[from] std::io::Error),
    /// An import rejected rows; the report was already printed.
    #[error("{0} linha(s) rejeitada(s) na importação")]
    Rejected(usize),
    /// `autos verify` found tampering or damage; the report was already printed.
    #[error("a verificação de integridade encontrou {0} problema(s)")]
    IntegrityFailed(usize),
}

impl From<StoreError> for CliError {
    fn from(e: StoreError) -> Self {
        CliError::App(e.into())
    }
}

impl From<ProjectionError> for CliError {
    fn from(e: ProjectionError) -> Self {
        CliError::App(e.into())
    }
}

impl From<DomainError> for CliError {
    fn from(e: DomainError) -> Self {
        CliError::App(e.into())
    }
}

impl CliError {
    /// The process exit code of this failure.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Rejected(_) => 3,
            CliError::IntegrityFailed(_) => 2,
            _ => 1,
        }
    }
}
