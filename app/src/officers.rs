//! Officers and their bearer tokens: `autos officer add` prints a token once and keeps only its
//! SHA-256; every request's actor is the officer its token (or the page session it opened,
//! [`crate::sessions`]) names, never a client-given field.

use autos_domain::Role;
use autos_store::hashing::now_micros;
use autos_store::{on_db, Database, StoreError};
use rand::RngCore;
use serde::Serialize;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::AppError;

/// A registered officer.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Officer {
    pub officer_id: Uuid,
    pub name: String,
    pub role: Role,
    pub revoked: bool,
}

/// Token prefix, so a leaked token is recognisable in logs and secret scanners.
const TOKEN_PREFIX: &str = "autos_";

fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.trim().as_bytes()).to_vec()
}

fn parse_role(text: &str) -> Result<Role, AppError> {
    Role::parse(text).ok_or_else(|| {
        AppError::Store(StoreError::Corrupt(format!("papel desconhecido no cadastro de servidores: {text:?}")))
    })
}

pub(crate) type OfficerRow = (Uuid, String, String, Option<chrono::DateTime<chrono::Utc>>);

pub(crate) fn officer_from_row((officer_id, name, role, revoked_at): OfficerRow) -> Result<Officer, AppError> {
    Ok(Officer { officer_id, name, role: parse_role(&role)?, revoked: revoked_at.is_some() })
}

/// Registers an officer and returns the token, which is shown once and never stored.
///
/// # Errors
/// `InvalidInput` for an empty name, `Store` on database faults.
pub async fn add(db: &Database, name: &str, role: Role) -> Result<(Officer, String), AppError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(AppError::InvalidInput("o nome do servidor é obrigatório".into()));
    }
    let mut secret = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut secret);
    let token = format!("{TOKEN_PREFIX}{}", hex::encode(secret));
    let officer = Officer { officer_id: Uuid::now_v7(), name: name.to_owned(), role, revoked: false };
    let role_text = role.as_str();
    on_db!(db, write, |pool| {
        sqlx::query(
            "INSERT INTO officers (officer_id, name, role, token_hash, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(officer.officer_id)
        .bind(&officer.name)
        .bind(role_text)
        .bind(token_hash(&token))
        .bind(now_micros())
        .execute(pool)
        .await
        .map_err(StoreError::from)?;
    });
    Ok((officer, token))
}

/// Revokes an officer's token; returns false when no such active officer exists.
///
/// # Errors
/// `Store` on database faults.
pub async fn revoke(db: &Database, officer_id: Uuid) -> Result<bool, AppError> {
    let done = on_db!(db, write, |pool| {
        sqlx::query("UPDATE officers SET revoked_at = $1 WHERE officer_id = $2 AND revoked_at IS NULL")
            .bind(now_micros())
            .bind(officer_id)
            .execute(pool)
            .await
            .map_err(StoreError::from)?
            .rows_affected()
    });
    Ok(done == 1)
}

/// Every officer, active and revoked, by name.
///
/// # Errors
/// `Store` on database faults.
pub async fn list(db: &Database) -> Result<Vec<Officer>, AppError> {
    let sql = "SELECT officer_id, name, role, revoked_at FROM officers ORDER BY name, officer_id";
    let rows: Vec<OfficerRow> =
        on_db!(db, read, |pool| sqlx::query_as(sql).fetch_all(pool).await.map_err(StoreError::from)?);
    rows.into_iter().map(officer_from_row).collect()
}

/// The active officer a bearer token names, if any.
///
/// # Errors
/// `Store` on database faults.
pub async fn authenticate(db: &Database, token: &str) -> Result<Option<Officer>, AppError> {
    if !token.trim().starts_with(TOKEN_PREFIX) {
        return Ok(None);
    }
    let sql = "SELECT officer_id, name, role, revoked_at FROM officers WHERE token_hash = $1 AND revoked_at IS NULL";
    let row: Option<OfficerRow> = on_db!(db, read, |pool| {
        sqlx::query_as(sql).bind(token_hash(token)).fetch_optional(pool).await.map_err(StoreError::from)?
    });
    row.map(officer_from_row).transpose()
}
