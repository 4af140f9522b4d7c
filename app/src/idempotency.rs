//! The store side of `Idempotency-Key` (the axum middleware is `autos_api::idempotency`): the first request with a key runs and its answer is kept;
//! a retry with the same key and request gets that answer back and appends nothing; the same key
//! with another request (path, `If-Match` or body) is refused; and a retry after any
//! interruption — a client timeout, a database outage, a `kill -9` of the server — either gets
//! the recorded answer or performs the act, exactly once.
//!
//! # How a key survives interruptions
//!
//! The first request with a key claims it: a pending row in `idempotent_responses` (status 0,
//! its `body` holding the claim's own token, `created_at` the claim time), then runs, then
//! settles the row with its answer (or frees it after a 5xx, which stored nothing). A claim and
//! an append cannot share one transaction here — the claim is taken before the handler has
//! decided anything, and the append is the store's — so a run can stop between the two, or
//! between the append and the settle, and leave the claim pending. Two things make that safe:
//!
//! - **Deterministic event ids.** A keyed request carries a [`Seed`] (from officer, key and
//!   request hash) to the application service, which gives the `i`-th event of the act the id
//!   [`Seed::event_id`]`(i)` instead of a random one. The log's unique event id then admits the
//!   act at most once, however many runs of the request there are, and the service finds a
//!   request's act in the log by its first id: every keyed act first looks there and, when the
//!   act is recorded, answers it rebuilt from the log (the same positions, streams and
//!   versions the first run answered) instead of deciding it again on a state it already
//!   changed. This check runs on every keyed act, not only on a takeover, so it also covers a
//!   5xx whose append did commit (a lost commit acknowledgement frees the key) and a run that
//!   outlived its lease and appended while its successor decided.
//! - **A lease on the claim.** A pending claim younger than [`lease`] belongs to a run that may
//!   still be going: a retry gets 409 with `Retry-After` (the seconds left). An older one was
//!   abandoned: a retry takes it over with a compare-and-swap on the claim token (two retries
//!   cannot both win it) and runs the request, which answers the recorded act from the log or
//!   performs it. The lease must exceed the longest a request can run; the server has no
//!   whole-request timeout of its own, so [`LEASE`] is generous.
//!
//! When the settle itself fails after a successful act, the act is in the log but its answer
//! is not kept: the client is told so (503, retry with the same key), and the retry recovers
//! the answer through the lease. A settle only touches the claim it made, so a run whose
//! claim was taken over cannot free its successor's.

use std::sync::OnceLock;
use std::time::Duration;

use autos_store::hashing::now_micros;
use autos_store::{on_db, Database, StoreError};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::AppError;

/// Status kept while the first request runs.
const PENDING: i32 = 0;
/// How long a pending claim is presumed to belong to a run still going.
pub const LEASE: Duration = Duration::from_secs(60);
/// Overrides [`LEASE`] (whole seconds), read once; the fault tests shorten it.
pub const LEASE_ENV: &str = "AUTOS_IDEMPOTENCY_LEASE_SECS";
/// Claim attempts before a request that keeps racing other retries is told to wait.
const CLAIM_ROUNDS: usize = 3;

/// The lease in force: [`LEASE`], or [`LEASE_ENV`] when set to a number of seconds.
pub fn lease() -> Duration {
    static CHOSEN: OnceLock<Duration> = OnceLock::new();
    *CHOSEN.get_or_init(|| {
        std::env::var(LEASE_ENV).ok().and_then(|s| s.trim().parse().ok()).map_or(LEASE, Duration::from_secs)
    })
}

/// A keyed request's identity, from which the act it appends takes its event ids; set on the
/// request as an extension for the handlers to pass to the service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seed(Uuid);

/// A name-based UUID (RFC 9562 version 8 over SHA-256) of length-prefixed `parts`.
fn name_based(parts: &[&[u8]]) -> Uuid {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part);
    }
    let digest = hasher.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_custom_bytes(bytes).into_uuid()
}

impl Seed {
    /// The seed of `officer`'s request with `key` and `request_hash`.
    pub fn new(officer: Uuid, key: &str, request_hash: &[u8]) -> Seed {
        Seed(name_based(&[b"autos/idempotency-key", officer.as_bytes(), key.as_bytes(), request_hash]))
    }

    /// The id of the act's `index`-th event, in the order the append batch carries them.
    pub fn event_id(self, index: usize) -> Uuid {
        name_based(&[self.0.as_bytes(), &(index as u64).to_be_bytes()])
    }
}

/// What the key's row says about this request.
pub enum Claim {
    /// This request holds the claim (a new one, or an abandoned one taken over) with this token.
    Mine(String),
    /// A stored answer.
    Done(i32, String),
    /// Another run holds a live claim, for this long still.
    Running(Duration),
    OtherBody,
}

/// The key's row: request hash, status, body (the claim token while pending), claim time.
type Row = (Vec<u8>, i32, String, DateTime<Utc>);

/// Claims `key` for `officer`'s request with `hash` (see the module doc).
///
/// # Errors
/// `Store` on database faults.
pub async fn claim(db: &Database, officer: Uuid, key: &str, hash: &[u8]) -> Result<Claim, AppError> {
    for _ in 0..CLAIM_ROUNDS {
        let token = Uuid::new_v4().to_string();
        let inserted = on_db!(db, write, |pool| {
            sqlx::query(
                "INSERT INTO idempotent_responses (officer_id, idempotency_key, request_hash, status, body, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (officer_id, idempotency_key) DO NOTHING",
            )
            .bind(officer)
            .bind(key)
            .bind(hash)
            .bind(PENDING)
            .bind(&token)
            .bind(now_micros())
            .execute(pool)
            .await
            .map_err(StoreError::from)?
            .rows_affected()
        });
        if inserted == 1 {
            return Ok(Claim::Mine(token));
        }
        let row: Option<Row> = on_db!(db, write, |pool| {
            sqlx::query_as(
                "SELECT request_hash, status, body, created_at FROM idempotent_responses \
                 WHERE officer_id = $1 AND idempotency_key = $2",
            )
            .bind(officer)
            .bind(key)
            .fetch_optional(pool)
            .await
            .map_err(StoreError::from)?
        });
        // Freed between the insert and the read (a failed run): claim it again.
        let Some((stored, status, body, claimed_at)) = row else { continue };
        if stored != hash {
            return Ok(Claim::OtherBody);
        }
        if status != PENDING {
            return Ok(Claim::Done(status, body));
        }
        let age = (now_micros() - claimed_at).to_std().unwrap_or_default();
        if let Some(left) = lease().checked_sub(age).filter(|left| !left.is_zero()) {
            return Ok(Claim::Running(left));
        }
        let taken = on_db!(db, write, |pool| {
            sqlx::query(
                "UPDATE idempotent_responses SET body = $1, created_at = $2 \
                 WHERE officer_id = $3 AND idempotency_key = $4 AND status = $5 AND body = $6",
            )
            .bind(&token)
            .bind(now_micros())
            .bind(officer)
            .bind(key)
            .bind(PENDING)
            .bind(&body)
            .execute(pool)
            .await
            .map_err(StoreError::from)?
            .rows_affected()
        });
        if taken == 1 {
            tracing::warn!(%officer, key, "idempotency claim abandoned past its lease taken over");
            return Ok(Claim::Mine(token));
        }
    }
    Ok(Claim::Running(lease()))
}

/// Records the answer on the claim `token` names (or frees it for a 5xx); a claim another run
/// took over in the meantime is left to that run.
///
/// # Errors
/// `Store` on database faults.
pub async fn settle(
    db: &Database,
    officer: Uuid,
    key: &str,
    token: &str,
    answer: Option<(i32, &str)>,
) -> Result<(), AppError> {
    on_db!(db, write, |pool| {
        match answer {
            Some((status, body)) => sqlx::query(
                "UPDATE idempotent_responses SET status = $1, body = $2 \
                 WHERE officer_id = $3 AND idempotency_key = $4 AND status = $5 AND body = $6",
            )
            .bind(status)
            .bind(body)
            .bind(officer)
            .bind(key)
            .bind(PENDING)
            .bind(token)
            .execute(pool)
            .await
            .map_err(StoreError::from)?,
            // A failure that stored nothing: free the key so the client may retry.
            None => sqlx::query(
                "DELETE FROM idempotent_responses \
                 WHERE officer_id = $1 AND idempotency_key = $2 AND status = $3 AND body = $4",
            )
            .bind(officer)
            .bind(key)
            .bind(PENDING)
            .bind(token)
            .execute(pool)
            .await
            .map_err(StoreError::from)?,
        };
    });
    Ok(())
}
