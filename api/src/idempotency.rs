//! `Idempotency-Key` on every POST: the first request with a key runs and its answer is kept;
//! a retry with the same key and body gets that answer back and appends nothing; the same key
//! with another body is refused; a retry while the first is still running gets a 409.

use autos_store::hashing::now_micros;
use autos_store::{on_db, StoreError};
use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::http::AppState;
use crate::officers;
use crate::ApiError;

pub const HEADER: &str = "idempotency-key";
/// Largest request body accepted anywhere (also the body limit of the router).
pub const MAX_BODY: usize = 256 * 1024;
/// Status kept while the first request runs.
const PENDING: i32 = 0;

enum Claim {
    /// This request is the first with the key.
    Mine,
    /// A stored answer.
    Done(i32, String),
    Pending,
    OtherBody,
}

async fn claim(state: &AppState, officer: Uuid, key: &str, hash: &[u8]) -> Result<Claim, ApiError> {
    let db = state.store.database();
    let inserted = on_db!(&db, write, |pool| {
        sqlx::query(
            "INSERT INTO idempotent_responses (officer_id, idempotency_key, request_hash, status, body, created_at) \
             VALUES ($1, $2, $3, $4, '', $5) ON CONFLICT (officer_id, idempotency_key) DO NOTHING",
        )
        .bind(officer)
        .bind(key)
        .bind(hash)
        .bind(PENDING)
        .bind(now_micros())
        .execute(pool)
        .await
        .map_err(StoreError::from)?
        .rows_affected()
    });
    if inserted == 1 {
        return Ok(Claim::Mine);
    }
    let row: Option<(Vec<u8>, i32, String)> = on_db!(&db, write, |pool| {
        sqlx::query_as("SELECT request_hash, status, body FROM idempotent_responses WHERE officer_id = $1 AND idempotency_key = $2")
            .bind(officer)
            .bind(key)
            .fetch_optional(pool)
            .await
            .map_err(StoreError::from)?
    });
    Ok(match row {
        Some((stored, _, _)) if stored != hash => Claim::OtherBody,
        Some((_, PENDING, _)) | None => Claim::Pending,
        Some((_, status, body)) => Claim::Done(status, body),
    })
}

async fn settle(state: &AppState, officer: Uuid, key: &str, status: Option<(i32, &str)>) -> Result<(), ApiError> {
    let db = state.store.database();
    on_db!(&db, write, |pool| {
        match status {
            Some((status, body)) => sqlx::query(
                "UPDATE idempotent_responses SET status = $1, body = $2 WHERE officer_id = $3 AND idempotency_key = $4",
            )
            .bind(status)
            .bind(body)
            .bind(officer)
            .bind(key)
            .execute(pool)
            .await
            .map_err(StoreError::from)?,
            // A failure that stored nothing: free the key so the client may retry.
            None => sqlx::query("DELETE FROM idempotent_responses WHERE officer_id = $1 AND idempotency_key = $2")
                .bind(officer)
                .bind(key)
                .execute(pool)
                .await
                .map_err(StoreError::from)?,
        };
    });
    Ok(())
}

fn replay(status: i32, body: String) -> Response {
    let status = u16::try_from(status).ok().and_then(|s| StatusCode::from_u16(s).ok()).unwrap_or(StatusCode::OK);
    let mut response = (status, body).into_response();
    let content_type = if status.is_success() { "application/json" } else { "application/problem+json" };
    response.headers_mut().insert(axum::http::header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response.headers_mut().insert("idempotent-replayed", HeaderValue::from_static("true"));
    response
}

/// The middleware.
pub async fn idempotent(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let key = request.headers().get(HEADER).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let (Some(key), true) = (key, request.method() == Method::POST) else {
        return next.run(request).await;
    };
    match run_once(&state, key, request, next).await {
        Ok(response) | Err(response) => response,
    }
}

async fn run_once(state: &AppState, key: String, request: Request, next: Next) -> Result<Response, Response> {
    let reject = |e: ApiError| e.into_response();
    if key.is_empty() || key.len() > 200 {
        return Err(reject(ApiError::InvalidInput("Idempotency-Key deve ter de 1 a 200 caracteres".into())));
    }
    let token = request
        .headers()
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_owned);
    let officer = match token {
        Some(t) => officers::authenticate(&state.store.database(), &t).await.map_err(reject)?,
        None => None,
    };
    let Some(officer) = officer else {
        return Ok(next.run(request).await);
    };
    let (parts, body) = request.into_parts();
    let bytes = to_bytes(body, MAX_BODY)
        .await
        .map_err(|_| reject(ApiError::InvalidInput(format!("corpo maior que {MAX_BODY} bytes"))))?;
    let mut hasher = Sha256::new();
    hasher.update(parts.uri.path().as_bytes());
    hasher.update([0]);
    hasher.update(&bytes);
    let hash = hasher.finalize().to_vec();
    match claim(state, officer.officer_id, &key, &hash).await.map_err(reject)? {
        Claim::Done(status, body) => return Ok(replay(status, body)),
        Claim::Pending => {
            return Err(reject(ApiError::Conflict(
                "uma requisição com esta Idempotency-Key ainda está em andamento".into(),
            )))
        }
        Claim::OtherBody => {
            return Err(reject(ApiError::InvalidInput("Idempotency-Key já usada com outro corpo de requisição".into())))
        }
        Claim::Mine => {}
    }
    let response = next.run(Request::from_parts(parts, Body::from(bytes))).await;
    let (parts, body) = response.into_parts();
    let bytes = to_bytes(body, usize::MAX).await.unwrap_or_default();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let outcome =
        if parts.status.is_server_error() { None } else { Some((i32::from(parts.status.as_u16()), text.as_str())) };
    settle(state, officer.officer_id, &key, outcome).await.map_err(reject)?;
    Ok(Response::from_parts(parts, Body::from(bytes)))
}
