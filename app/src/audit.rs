//! The auditor's checks as the audit page runs them: a full `verify` of the log (the signed tree
//! heads first, when the server has their keyring and witness) and the replay
//! check of every projection run in the background, one of each at a time, with their progress
//! and last result kept here; an incremental verify from the last checkpoint a verification
//! confirmed answers at once, so that the page never waits for a pass over the whole log.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use autos_store::integrity::{self, IncrementalReport, VerifyReport};
use autos_store::tree_heads::TrustFiles;
use autos_store::{Checkpoint, EventStore, StoreError};
use chrono::{DateTime, Utc};

use crate::AppError;

/// Where a background check stands.
#[derive(Debug, Clone, Default)]
pub enum Job<T> {
    /// Not run since the server started.
    #[default]
    Never,
    /// Running: started at, events (or projections) done so far.
    Running { since: DateTime<Utc>, done: i64 },
    /// Finished at, after so many seconds, with its result or the fault that stopped it.
    Finished { at: DateTime<Utc>, seconds: f64, outcome: Result<T, String> },
}

impl<T> Job<T> {
    /// Marks the job running unless it already is; true when it starts now.
    fn start(&mut self) -> bool {
        if matches!(self, Job::Running { .. }) {
            return false;
        }
        *self = Job::Running { since: Utc::now(), done: 0 };
        true
    }

    /// Records how far a running job has got.
    fn advance(&mut self, done: i64) {
        if let Job::Running { done: d, .. } = self {
            *d = (*d).max(done);
        }
    }
}

/// The replay check of one projection.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ReplayLine {
    pub projection: String,
    pub equal: bool,
    pub position: i64,
    /// The first document that differs (`model/key`).
    pub difference: Option<String>,
}

/// What the audit page shows.
#[derive(Debug, Clone, Default)]
pub struct AuditState {
    pub verify: Job<VerifyReport>,
    pub replay: Job<Vec<ReplayLine>>,
    /// The newest checkpoint a full or incremental verification confirmed.
    pub verified: Option<Checkpoint>,
}

/// The background checks of one server.
#[derive(Debug, Clone, Default)]
pub struct AuditJobs {
    state: Arc<Mutex<AuditState>>,
    /// The keyring and witness the signed heads are checked from, when the server has them.
    heads: Option<TrustFiles>,
}

impl AuditJobs {
    fn with<R>(&self, f: impl FnOnce(&mut AuditState) -> R) -> R {
        f(&mut self.state.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// Jobs whose full verification checks the signed heads of `files` first.
    pub fn checking_heads(files: TrustFiles) -> Self {
        AuditJobs { heads: Some(files), ..AuditJobs::default() }
    }

    /// The full verification ([`integrity::verify_and_seal`]): one read of the log, the signed
    /// heads checked against it when known, and the seal of what is new only when nothing was found.
    ///
    /// # Errors
    /// `Database` on faults, `TrustFile` when the keyring or the witness cannot be read.
    pub async fn verify_log(
        &self,
        store: &dyn EventStore,
        progress: &(dyn Fn(i64) + Sync),
    ) -> Result<VerifyReport, StoreError> {
        Ok(integrity::verify_and_seal(store, self.heads.as_ref(), progress).await?.report)
    }

    /// The checks as they stand now.
    pub fn snapshot(&self) -> AuditState {
        self.with(|s| s.clone())
    }

    /// Starts a full verification in the background (sealing what is new first); false when one
    /// is already running.
    pub fn start_verify(&self, store: Arc<dyn EventStore>) -> bool {
        let started = self.with(|s| s.verify.start());
        if started {
            let jobs = self.clone();
            tokio::spawn(async move {
                let clock = Instant::now();
                let progress = |done: i64| jobs.with(|s| s.verify.advance(done));
                let outcome = jobs.verify_log(store.as_ref(), &progress).await.map_err(|e| e.to_string());
                jobs.with(|s| {
                    if let Ok(report) = &outcome {
                        if report.ok() {
                            s.verified.clone_from(&report.latest_checkpoint);
                        }
                    }
                    s.verify = Job::Finished { at: Utc::now(), seconds: clock.elapsed().as_secs_f64(), outcome };
                });
            });
        }
        started
    }

    /// Starts the replay check of every projection in the background; false when one is running.
    pub fn start_replay(&self, store: Arc<dyn EventStore>) -> bool {
        let started = self.with(|s| s.replay.start());
        if started {
            let jobs = self.clone();
            tokio::spawn(async move {
                let clock = Instant::now();
                let mut lines = Vec::new();
                let mut fault = None;
                for projection in autos_projections::all() {
                    match autos_projections::runner::replay_check(store.as_ref(), projection.as_ref()).await {
                        Ok(check) => lines.push(ReplayLine {
                            equal: check.equal(),
                            position: check.position,
                            difference: check.first_difference.map(|d| format!("{}/{}", d.model, d.key)),
                            projection: check.projection.to_owned(),
                        }),
                        Err(e) => {
                            fault = Some(e.to_string());
                            break;
                        }
                    }
                    let done = lines.len() as i64;
                    jobs.with(|s| s.replay.advance(done));
                }
                let outcome = fault.map_or(Ok(lines), Err);
                jobs.with(|s| {
                    s.replay = Job::Finished { at: Utc::now(), seconds: clock.elapsed().as_secs_f64(), outcome };
                });
            });
        }
        started
    }

    /// Seals what is new and verifies it from the last confirmed checkpoint; `None` when no
    /// verification has confirmed one yet (the full check must run first).
    ///
    /// # Errors
    /// `Store` on database faults.
    pub async fn incremental(&self, store: &dyn EventStore) -> Result<Option<IncrementalReport>, AppError> {
        let Some(base) = self.with(|s| s.verified.clone()) else { return Ok(None) };
        integrity::seal_all(store).await?;
        let report = integrity::verify_since(store, &base).await?;
        if report.ok() {
            self.with(|s| {
                if s.verified.as_ref().is_none_or(|v| v.seq < report.latest_checkpoint.seq) {
                    s.verified = Some(report.latest_checkpoint.clone());
                }
            });
        }
        Ok(Some(report))
    }
}
