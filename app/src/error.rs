//! The application's one error enum: everything the command path, the officers' register, the
//! idempotency claims, personal data and the read views can fail with. It says nothing about
//! HTTP or exit codes; `autos-api` maps it to problem documents and `autos-cli` to exit codes.

use autos_domain::DomainError;
use autos_projections::ProjectionError;
use autos_store::StoreError;
use thiserror::Error;
use uuid::Uuid;

/// Every way an application operation can fail.
#[derive(Debug, Error)]
pub enum AppError {
    /// The store refused or failed the operation.
    #[error(transparent)]
    Store(StoreError),
    /// A read model failed.
    #[error(transparent)]
    Projection(#[from] ProjectionError),
    /// The domain refused the command (bad value, role not allowed, act forbidden by law).
    #[error(transparent)]
    Domain(#[from] DomainError),
    /// The input is malformed (JSON, types, unknown fields, parameters, an empty name).
    #[error("entrada inválida: {0}")]
    InvalidInput(String),
    #[error("não encontrado: {0}")]
    NotFound(String),
    /// A concurrent request holds what this one needs (an Idempotency-Key in use).
    #[error("conflito: {0}")]
    Conflict(String),
    /// A dependency is down (database, a stopped projection).
    #[error("indisponível: {0}")]
    Unavailable(String),
    /// The personal data of this subject was erased (LGPD art. 18 VI): its key is destroyed.
    #[error("os dados pessoais do titular {0} foram eliminados (LGPD)")]
    Erased(Uuid),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Erased(subject) => AppError::Erased(subject),
            other => AppError::Store(other),
        }
    }
}

impl AppError {
    /// True for a version conflict, after which the act may be decided again on fresh state.
    pub fn is_version_conflict(&self) -> bool {
        matches!(self, AppError::Store(StoreError::Conflict { .. }))
    }
}
