//! Write health: whether the store's latest write reached the database. An append (or a probe)
//! that fails on a fault of the database itself — a full disk, an IO error, a lost connection —
//! marks the store as failing until a write succeeds again, so `/readyz` can say "not ready"
//! while writes fail and "ready" as soon as one gets through. A refusal (a version conflict, a
//! duplicate id) says nothing about the storage and leaves the health as it is.
//!
//! Nothing has to write for the health to recover: [`probe`] commits one tiny row
//! (`store_probe`, migration 0008) and is what `/readyz` runs while the store is failing.

use std::sync::Mutex;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::{on_db, EventStore, StoreError};

/// The state [`WriteHealth`] reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum WriteStatus {
    /// The latest write committed (or none failed yet).
    Ok,
    /// Writes have failed since `since`; `disk_full` when the database ran out of space.
    Failing { since: DateTime<Utc>, disk_full: bool },
}

impl WriteStatus {
    pub fn is_ok(&self) -> bool {
        matches!(self, WriteStatus::Ok)
    }
}

/// Shared by a backend's writes; see the module doc.
#[derive(Debug)]
pub struct WriteHealth {
    status: Mutex<WriteStatus>,
}

impl Default for WriteHealth {
    fn default() -> Self {
        WriteHealth { status: Mutex::new(WriteStatus::Ok) }
    }
}

impl WriteHealth {
    /// Records the outcome of one write.
    pub(crate) fn record(&self, outcome: Result<(), &StoreError>) {
        let Ok(mut status) = self.status.lock() else { return };
        match outcome {
            Ok(_) => *status = WriteStatus::Ok,
            Err(e) if e.is_storage_fault() => {
                let disk_full = matches!(e, StoreError::DiskFull(_));
                let since = match &*status {
                    WriteStatus::Failing { since, .. } => *since,
                    WriteStatus::Ok => {
                        tracing::error!(error = %e, "a write failed on the database; not ready until one succeeds");
                        Utc::now()
                    }
                };
                *status = WriteStatus::Failing { since, disk_full };
            }
            Err(_) => {}
        }
    }

    pub fn status(&self) -> WriteStatus {
        self.status.lock().map(|s| s.clone()).unwrap_or(WriteStatus::Ok)
    }
}

/// Commits one row beside the log and records the outcome in the store's write health.
///
/// # Errors
/// `DiskFull` or `Database` when the write does not commit.
pub async fn probe(store: &dyn EventStore) -> Result<(), StoreError> {
    let db = store.database();
    let outcome = on_db!(&db, write, |pool| {
        sqlx::query(
            "INSERT INTO store_probe (id, probed_at) VALUES (1, $1) \
             ON CONFLICT (id) DO UPDATE SET probed_at = excluded.probed_at",
        )
        .bind(Utc::now().timestamp_micros())
        .execute(pool)
        .await
        .map(|_| ())
        .map_err(StoreError::from)
    });
    store.write_health().record(outcome.as_ref().map(|_| ()));
    outcome
}
