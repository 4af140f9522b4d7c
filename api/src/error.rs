//! The API layer's one error enum, shared by the HTTP handlers and the command line.

use autos_store::StoreError;
use thiserror::Error;

/// Every way an API request or an `autos` command can fail.
#[derive(Debug, Error)]
pub enum ApiError {
    /// The store refused or failed the operation.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A flag, an environment variable or a file the command needs is wrong.
    #[error("configuração inválida: {0}")]
    Config(String),
    /// Reading or writing a local file or socket failed.
    #[error("erro de E/S: {0}")]
    Io(#[from] std::io::Error),
    /// `autos verify` found tampering or damage; the report was already printed.
    #[error("a verificação de integridade encontrou {0} problema(s)")]
    IntegrityFailed(usize),
}
