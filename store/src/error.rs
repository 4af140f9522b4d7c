//! The store layer's one error enum. Database text never reaches a client: the API maps
//! `Database` to a 503/500 without its message.

use thiserror::Error;

/// Every way a store operation can fail.
#[derive(Debug, Error)]
pub enum StoreError {
    /// The batch or an event in it is malformed; nothing was written.
    #[error("invalid append: {0}")]
    InvalidInput(String),
    /// A stream's expected version did not match; nothing was written.
    #[error("version conflict on stream {stream}: expected {expected}, actual {actual}")]
    Conflict { stream: String, expected: String, actual: i64 },
    /// Some but not all event ids of a batch already exist, or exist on another stream.
    #[error("event id {0} was already appended with different content")]
    IdempotencyMismatch(uuid::Uuid),
    /// Personal data of a subject whose key was destroyed (LGPD erasure).
    #[error("personal data of subject {0} was erased")]
    Erased(uuid::Uuid),
    /// The master key or a ciphertext is unusable.
    #[error("personal data crypto: {0}")]
    Crypto(String),
    /// A stored row cannot be decoded (corruption or a schema the code does not know).
    #[error("corrupt stored row: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration error: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
}

impl StoreError {
    /// True when a retry with fresh state may succeed (a conflict or a transient database fault).
    pub fn is_conflict(&self) -> bool {
        matches!(self, StoreError::Conflict { .. })
    }
}
