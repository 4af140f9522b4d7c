//! Request extractors that answer every malformed input with `invalid_input` (400) as
//! `application/problem+json`: a JSON body that must be a JSON object of the expected shape with
//! no unknown fields, and query strings.

use axum::body::{to_bytes, Bytes};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::idempotency::MAX_BODY;
use crate::ApiError;

/// A JSON body of type `T`.
pub struct JsonBody<T>(pub T);

/// Every key of `input` must survive a round trip through `T`: a key the type does not know is
/// an unknown field (serde would otherwise ignore it silently).
fn unknown_field(input: &serde_json::Value, parsed: &serde_json::Value, path: &str) -> Option<String> {
    let (serde_json::Value::Object(input), serde_json::Value::Object(parsed)) = (input, parsed) else {
        return None;
    };
    input.iter().find_map(|(k, v)| match parsed.get(k) {
        None => Some(format!("{path}{k}")),
        Some(p) => unknown_field(v, p, &format!("{path}{k}.")),
    })
}

/// Parses and checks a JSON body.
///
/// # Errors
/// `InvalidInput` naming the problem.
pub fn parse_json<T: DeserializeOwned + Serialize>(bytes: &[u8]) -> Result<T, ApiError> {
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| ApiError::InvalidInput(format!("JSON malformado: {e}")))?;
    if !value.is_object() {
        return Err(ApiError::InvalidInput("o corpo deve ser um objeto JSON".into()));
    }
    let parsed: T = serde_path_to_error::deserialize(value.clone()).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if path.is_empty() || path == "." {
            ApiError::InvalidInput(format!("valor inválido: {inner}"))
        } else {
            ApiError::InvalidInput(format!("campo {path}: valor inválido ({inner})"))
        }
    })?;
    let round_trip = serde_json::to_value(&parsed).map_err(|e| ApiError::InvalidInput(e.to_string()))?;
    if let Some(field) = unknown_field(&value, &round_trip, "") {
        return Err(ApiError::InvalidInput(format!("campo desconhecido: {field}")));
    }
    Ok(parsed)
}

impl<S, T> FromRequest<S> for JsonBody<T>
where
    S: Send + Sync,
    T: DeserializeOwned + Serialize,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, _: &S) -> Result<Self, Self::Rejection> {
        let is_json = request
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        if !is_json {
            return Err(ApiError::InvalidInput("envie Content-Type: application/json".into()));
        }
        let bytes: Bytes = to_bytes(request.into_body(), MAX_BODY).await.map_err(|_| ApiError::TooLarge(MAX_BODY))?;
        parse_json(&bytes).map(JsonBody)
    }
}

/// Query-string parameters of type `T`.
pub struct Params<T>(pub T);

impl<S, T> FromRequestParts<S> for Params<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        serde_urlencoded_from(query).map(Params)
    }
}

fn serde_urlencoded_from<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    axum::extract::Query::<T>::try_from_uri(
        &format!("/?{query}").parse().map_err(|_| ApiError::InvalidInput("URL inválida".into()))?,
    )
    .map(|q| q.0)
    .map_err(|e| ApiError::InvalidInput(format!("parâmetros inválidos: {}", e.body_text())))
}
