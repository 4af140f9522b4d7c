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
    /// A file of the signed tree heads (signing key, keyring, witness) cannot be read, written or
    /// parsed.
    #[error("tree-head file: {0}")]
    TrustFile(String),
    /// A witness database of the signed tree heads cannot be reached, read or written.
    #[error("witness: {0}")]
    Witness(String),
    /// A stored row cannot be decoded (corruption or a schema the code does not know).
    #[error("corrupt stored row: {0}")]
    Corrupt(String),
    /// The database could not write for lack of space (SQLite `SQLITE_FULL`, PostgreSQL
    /// `53100 disk_full`); nothing of the failed statement was stored.
    #[error("database storage is full: {0}")]
    DiskFull(sqlx::Error),
    #[error("database error: {0}")]
    Database(sqlx::Error),
    #[error("migration error: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
}

/// SQLite's primary result code for a full disk or database.
const SQLITE_FULL: i64 = 13;
/// PostgreSQL's SQLSTATE for a full disk.
const PG_DISK_FULL: &str = "53100";

fn is_disk_full(e: &sqlx::Error) -> bool {
    let sqlx::Error::Database(db) = e else { return false };
    let Some(code) = db.code() else { return false };
    if db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
        // SQLite reports its extended result code as a number; the primary code is its low byte.
        code.parse::<i64>().is_ok_and(|c| c & 0xff == SQLITE_FULL)
    } else {
        code == PG_DISK_FULL
    }
}

/// True for a database error that says the database cannot be reached or cannot serve now
/// (connection, IO, pool, shutdown, lock contention) — a retry later may succeed — rather
/// than that the data or the statement is wrong. The API answers such a fault 503; group commit
/// answers every append of a group with it.
pub fn is_unreachable(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::Protocol(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(db) => {
            let code = db.code().map(|c| c.into_owned()).unwrap_or_default();
            if db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
                // SQLite's primary result codes: BUSY, LOCKED, NOMEM, READONLY, IOERR, FULL, CANTOPEN.
                code.parse::<i64>().is_ok_and(|c| matches!(c & 0xff, 5 | 6 | 7 | 8 | 10 | 13 | 14))
            } else {
                // PostgreSQL SQLSTATE classes: connection exception, transaction rollback
                // (serialization, deadlock), insufficient resources, operator intervention
                // (shutdown, cancel), system error (IO).
                ["08", "40", "53", "57", "58"].iter().any(|class| code.starts_with(class))
            }
        }
        _ => false,
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        if is_disk_full(&e) {
            StoreError::DiskFull(e)
        } else {
            StoreError::Database(e)
        }
    }
}

impl StoreError {
    /// True for faults of the database itself (unreachable, IO, full disk), after which a write
    /// may have failed and the store is not fit to take writes until one succeeds again.
    pub fn is_storage_fault(&self) -> bool {
        match self {
            StoreError::DiskFull(_) => true,
            StoreError::Database(e) => !matches!(e, sqlx::Error::Database(db) if db.is_unique_violation()
                || db.is_check_violation() || db.is_foreign_key_violation()),
            _ => false,
        }
    }

    /// True when a retry with fresh state may succeed (a conflict or a transient database fault).
    pub fn is_conflict(&self) -> bool {
        matches!(self, StoreError::Conflict { .. })
    }
}
