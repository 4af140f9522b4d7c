//! The projections layer's one error enum.

use autos_store::StoreError;
use thiserror::Error;

/// Every way building or reading a read model can fail.
#[derive(Debug, Error)]
pub enum ProjectionError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// A stored event could not be decoded into a domain event.
    #[error("event at position {position} ({event_type}) cannot be decoded: {message}")]
    Decode { position: i64, event_type: String, message: String },
    /// A projection could not apply an event; it stops there until fixed.
    #[error("projection {projection} cannot apply the event at position {position} ({event_type}): {message}")]
    Apply { projection: String, position: i64, event_type: String, message: String },
    /// A read-model row or checkpoint is not what the code expects.
    #[error("corrupt read model: {0}")]
    Corrupt(String),
    /// No such projection, operator or case.
    #[error("not found: {0}")]
    NotFound(String),
}
