//! The `Idempotency-Key` middleware on every POST: the first request with a key runs and its
//! answer is kept; a retry with the same key and request gets that answer back and appends
//! nothing; the same key with another request (path, `If-Match` or body) is refused. The
//! claims, leases and settling live in `autos_app::idempotency`, whose doc says how a key
//! survives interruptions; this module hashes the request, replays kept answers and hands the
//! handlers the request's [`Seed`]. Keys belong to the signed officer, by bearer token or by page
//! session alike (`crate::auth::signature`).

use std::time::Duration;

use autos_app::idempotency::{claim, lease, settle, Claim};
use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

pub use autos_app::idempotency::Seed;

use crate::state::AppState;
use crate::ApiError;

pub const HEADER: &str = "idempotency-key";
/// Largest request body accepted anywhere (also the body limit of the router).
pub const MAX_BODY: usize = 256 * 1024;

fn replay(status: i32, body: String) -> Response {
    let status = u16::try_from(status).ok().and_then(|s| StatusCode::from_u16(s).ok()).unwrap_or(StatusCode::OK);
    let mut response = (status, body).into_response();
    let content_type = if status.is_success() { "application/json" } else { "application/problem+json" };
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response.headers_mut().insert("idempotent-replayed", HeaderValue::from_static("true"));
    response
}

/// `error`'s answer with `Retry-After: wait` (whole seconds, at least one).
fn retry_after(error: ApiError, wait: Duration) -> Response {
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    let mut response = error.into_response();
    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds.max(1)));
    response
}

/// What makes two requests with one key the same request: path, expected version, body.
fn request_hash(parts: &axum::http::request::Parts, body: &[u8]) -> Vec<u8> {
    let mut hasher = Sha256::new();
    hasher.update(parts.uri.path().as_bytes());
    hasher.update([0]);
    if let Some(if_match) = parts.headers.get(header::IF_MATCH) {
        hasher.update([1]);
        hasher.update(if_match.as_bytes());
    }
    hasher.update([0]);
    hasher.update(body);
    hasher.finalize().to_vec()
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
    // Keys are the officer's, however the request is signed: a retry by bearer token, or from a
    // page session (any session of the same officer), gets the first answer back.
    let signature = crate::auth::signature(request.headers(), request.extensions(), state).await.map_err(reject)?;
    let Some(officer) = signature.map(|s| s.officer().officer_id) else {
        return Ok(next.run(request).await);
    };
    let (parts, body) = request.into_parts();
    let bytes = to_bytes(body, MAX_BODY)
        .await
        .map_err(|_| reject(ApiError::InvalidInput(format!("corpo maior que {MAX_BODY} bytes"))))?;
    let hash = request_hash(&parts, &bytes);
    let claim_token = match claim(&state.store.database(), officer, &key, &hash).await.map_err(|e| reject(e.into()))? {
        Claim::Mine(token) => token,
        Claim::Done(status, body) => return Ok(replay(status, body)),
        Claim::Running(left) => {
            let error = ApiError::Conflict("uma requisição com esta Idempotency-Key ainda está em andamento".into());
            return Err(retry_after(error, left));
        }
        Claim::OtherBody => {
            return Err(reject(ApiError::InvalidInput("Idempotency-Key já usada com outro corpo de requisição".into())))
        }
    };
    let mut request = Request::from_parts(parts, Body::from(bytes));
    request.extensions_mut().insert(Seed::new(officer, &key, &hash));
    let response = next.run(request).await;
    let (parts, body) = response.into_parts();
    let bytes = to_bytes(body, usize::MAX).await.unwrap_or_default();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let answer =
        if parts.status.is_server_error() { None } else { Some((i32::from(parts.status.as_u16()), text.as_str())) };
    if let Err(e) = settle(&state.store.database(), officer, &key, &claim_token, answer).await {
        tracing::error!(error = %e, %officer, key, status = %parts.status, "idempotent answer not kept");
        // A refused or failed request stored nothing: its own answer is still the truth.
        if parts.status.is_success() {
            let error = ApiError::Unavailable(
                "o ato pode ter sido registrado, mas a resposta não pôde ser guardada; \
                 repita a requisição com a mesma Idempotency-Key para obtê-la"
                    .into(),
            );
            return Err(retry_after(error, lease()));
        }
    }
    Ok(Response::from_parts(parts, Body::from(bytes)))
}
