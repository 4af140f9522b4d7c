//! The web pages' sessions: signing in with a bearer token opens a session, and the browser's
//! cookie carries only the session's id — 256 bits from the operating system's CSPRNG (through
//! `rand`'s `ThreadRng`), of which the `sessions` table keeps only the SHA-256 (migration 0012),
//! so neither a copy of the database nor a stolen cookie reveals the officer's token.
//!
//! A session names its officer and ends at the first of: [`LIFETIME`] after sign-in, [`IDLE_LIMIT`]
//! without a request, sign-out ([`close`] deletes it) and the officer's revocation (every lookup
//! joins the active officers). Each session has its own CSRF token, which every page form of the
//! session sends back (`autos_api::http::csrf` checks it).

use autos_store::{on_db, Database, StoreError};
use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::officers::{officer_from_row, Officer};
use crate::AppError;

/// How long a session lasts after sign-in, however busy.
pub const LIFETIME: Duration = Duration::hours(8);
/// How long a session lasts without a request.
pub const IDLE_LIMIT: Duration = Duration::hours(1);
/// A session's last request is written at most this often (not one write per page).
const TOUCH_EVERY: Duration = Duration::minutes(1);

/// A live session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub officer: Officer,
    /// The value the session's forms send back (`_csrf`, or the `X-CSRF-Token` header).
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
}

/// 32 random bytes in hex.
fn secret() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

fn session_hash(id: &str) -> Vec<u8> {
    Sha256::digest(id.as_bytes()).to_vec()
}

/// Opens a session for `officer` at `now`; returns the session's id, which only the cookie holds,
/// and the session. Sessions that have ended are removed on the way.
///
/// # Errors
/// `Store` on database faults.
pub async fn open(db: &Database, officer: Officer, now: DateTime<Utc>) -> Result<(String, Session), AppError> {
    let (id, csrf_token) = (secret(), secret());
    let expires_at = now + LIFETIME;
    let now_ms = now.timestamp_millis();
    on_db!(db, write, |pool| {
        sqlx::query("DELETE FROM sessions WHERE expires_at_ms <= $1 OR seen_at_ms <= $2")
            .bind(now_ms)
            .bind((now - IDLE_LIMIT).timestamp_millis())
            .execute(pool)
            .await
            .map_err(StoreError::from)?;
        sqlx::query(
            "INSERT INTO sessions (session_hash, officer_id, csrf_token, created_at_ms, expires_at_ms, seen_at_ms) \
             VALUES ($1, $2, $3, $4, $5, $4)",
        )
        .bind(session_hash(&id))
        .bind(officer.officer_id)
        .bind(&csrf_token)
        .bind(now_ms)
        .bind(expires_at.timestamp_millis())
        .execute(pool)
        .await
        .map_err(StoreError::from)?;
    });
    Ok((id, Session { officer, csrf_token, expires_at }))
}

type SessionRow = (uuid::Uuid, String, String, Option<DateTime<Utc>>, String, i64, i64);

/// The live session `id` names at `now`, if any: not expired, not idle too long, of an active
/// officer. Records the request as the session's latest.
///
/// # Errors
/// `Store` on database faults.
pub async fn resolve(db: &Database, id: &str, now: DateTime<Utc>) -> Result<Option<Session>, AppError> {
    let sql = "SELECT o.officer_id, o.name, o.role, o.revoked_at, s.csrf_token, s.expires_at_ms, s.seen_at_ms \
               FROM sessions s JOIN officers o ON o.officer_id = s.officer_id \
               WHERE s.session_hash = $1 AND o.revoked_at IS NULL AND s.expires_at_ms > $2 AND s.seen_at_ms > $3";
    let hash = session_hash(id);
    let (now_ms, idle_since_ms) = (now.timestamp_millis(), (now - IDLE_LIMIT).timestamp_millis());
    let row: Option<SessionRow> = on_db!(db, read, |pool| {
        sqlx::query_as(sql)
            .bind(&hash)
            .bind(now_ms)
            .bind(idle_since_ms)
            .fetch_optional(pool)
            .await
            .map_err(StoreError::from)?
    });
    let Some((officer_id, name, role, revoked_at, csrf_token, expires_at_ms, seen_at_ms)) = row else {
        return Ok(None);
    };
    if now_ms - seen_at_ms >= TOUCH_EVERY.num_milliseconds() {
        on_db!(db, write, |pool| {
            sqlx::query("UPDATE sessions SET seen_at_ms = $1 WHERE session_hash = $2")
                .bind(now_ms)
                .bind(&hash)
                .execute(pool)
                .await
                .map_err(StoreError::from)?;
        });
    }
    let officer = officer_from_row((officer_id, name, role, revoked_at))?;
    let expires_at = DateTime::from_timestamp_millis(expires_at_ms)
        .ok_or_else(|| AppError::Store(StoreError::Corrupt(format!("fim de sessão inválido: {expires_at_ms}"))))?;
    Ok(Some(Session { officer, csrf_token, expires_at }))
}

/// Ends the session `id` names (sign-out); nothing happens when there is none.
///
/// # Errors
/// `Store` on database faults.
pub async fn close(db: &Database, id: &str) -> Result<(), AppError> {
    on_db!(db, write, |pool| {
        sqlx::query("DELETE FROM sessions WHERE session_hash = $1")
            .bind(session_hash(id))
            .execute(pool)
            .await
            .map_err(StoreError::from)?;
    });
    Ok(())
}
