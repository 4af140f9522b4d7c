//! Request extractors that answer every malformed input with `invalid_input` (400) as
//! `application/problem+json`: a JSON body that must be a JSON object of the expected shape with
//! no unknown fields, and query strings.

use autos_domain::DomainError;
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

/// A JSON text that does not parse, told in pt-BR with where it breaks.
pub fn malformed(e: &serde_json::Error) -> ApiError {
    let what = match e.classify() {
        serde_json::error::Category::Eof => "o JSON termina antes do fim",
        serde_json::error::Category::Syntax if e.to_string().starts_with("key must be a string") => {
            "as chaves de um objeto JSON devem ser textos entre aspas"
        }
        serde_json::error::Category::Syntax if e.to_string().starts_with("trailing characters") => {
            "há caracteres depois do fim do JSON"
        }
        _ => "JSON malformado",
    };
    ApiError::InvalidInput(format!("{what} (linha {}, coluna {})", e.line(), e.column()))
}

/// The names serde gives the types it expected, as a person reads them.
fn expected_pt_br(expected: &str) -> String {
    let expected = expected.trim().trim_end_matches(|c: char| c == '.' || c.is_whitespace());
    let known = [
        ("u8", "um número inteiro sem sinal"),
        ("u16", "um número inteiro sem sinal"),
        ("u32", "um número inteiro sem sinal"),
        ("u64", "um número inteiro sem sinal"),
        ("i32", "um número inteiro"),
        ("i64", "um número inteiro"),
        ("a boolean", "verdadeiro ou falso (true ou false)"),
        ("a string", "um texto"),
        ("a sequence", "uma lista"),
        ("a map", "um objeto"),
        ("a valid date", "uma data (AAAA-MM-DD)"),
        ("a formatted date string", "uma data (AAAA-MM-DD)"),
        ("a Decimal type representing a fixed-point number", "um número decimal"),
        ("UUID parsable string", "um identificador (UUID)"),
    ];
    if let Some((_, text)) = known.iter().find(|(name, _)| *name == expected) {
        return (*text).to_owned();
    }
    if expected.starts_with("struct ")
        || expected.starts_with("internally tagged enum")
        || expected.starts_with("enum ")
    {
        return "um objeto".to_owned();
    }
    "outro tipo de valor".to_owned()
}

/// A decoding failure from serde (or from a value type's own check), told in pt-BR: the value
/// types of the domain already speak Portuguese; serde's own messages are translated, and any
/// other English text becomes a generic message rather than reach a person.
pub fn decoding_pt_br(message: &str) -> String {
    let quoted = |text: &str| text.split('`').nth(1).unwrap_or_default().to_owned();
    if let Some(rest) = message.strip_prefix("missing field ") {
        return format!("campo obrigatório ausente: {}", quoted(rest));
    }
    if message.starts_with("unknown field ") {
        return format!("campo desconhecido: {}", quoted(message));
    }
    if let Some(rest) = message.strip_prefix("unknown variant ") {
        let offered: Vec<String> = rest
            .split("expected")
            .nth(1)
            .unwrap_or_default()
            .split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_owned)
            .collect();
        return format!("valor desconhecido \"{}\"; valores aceitos: {}", quoted(rest), offered.join(", "));
    }
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        let expected = rest.split(", expected ").nth(1).unwrap_or_default();
        return format!("tipo de valor inválido: esperado {}", expected_pt_br(expected));
    }
    if message.starts_with("invalid value: ") || message.starts_with("invalid length ") {
        let expected = message.split(", expected ").nth(1).unwrap_or_default();
        return format!("valor inválido: esperado {}", expected_pt_br(expected));
    }
    if message.starts_with("input contains invalid characters")
        || message.starts_with("premature end of input")
        || message.starts_with("input is out of range")
        || message.starts_with("trailing input")
        || message.starts_with("input is not enough for unique date")
    {
        return "data inválida (use AAAA-MM-DD)".to_owned();
    }
    let english = ["expected", "invalid", "found", "input", "unknown", "character", "length"];
    if message.is_ascii() && english.iter().any(|w| message.to_lowercase().contains(w)) {
        return "valor inválido para este campo".to_owned();
    }
    message.to_owned()
}

/// Parses and checks a JSON body.
///
/// # Errors
/// `InvalidInput` naming the problem in pt-BR.
pub fn parse_json<T: DeserializeOwned + Serialize>(bytes: &[u8]) -> Result<T, ApiError> {
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| malformed(&e))?;
    if !value.is_object() {
        return Err(ApiError::InvalidInput("o corpo deve ser um objeto JSON".into()));
    }
    let parsed: T = serde_path_to_error::deserialize(value.clone()).map_err(|e| {
        let path = e.path().to_string();
        let inner = decoding_pt_br(&e.into_inner().to_string());
        if path.is_empty() || path == "." {
            ApiError::InvalidInput(inner)
        } else {
            // By its field, so the problem names it and a page shows it next to the input.
            ApiError::Domain(DomainError::invalid(&path, inner))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize, Serialize)]
    #[serde(rename_all = "snake_case")]
    enum Act {
        Registrar,
    }

    #[derive(Debug, serde::Deserialize, Serialize)]
    struct Probe {
        act: Act,
        documento: autos_domain::NonEmptyText,
        quantidade: u32,
        data: chrono::NaiveDate,
    }

    fn message(body: &str) -> String {
        match parse_json::<Probe>(body.as_bytes()) {
            Err(ApiError::InvalidInput(m)) => m,
            Err(ApiError::Domain(e @ DomainError::Invalid { .. })) => e.to_string(),
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn decoding_failures_speak_portuguese() {
        let cases = [
            (r#"{"act": "registrar", "quantidade": 1, "data": "2026-01-01"}"#, "campo obrigatório ausente: documento"),
            (
                r#"{"act": "registrar", "documento": "x", "quantidade": "muitos", "data": "2026-01-01"}"#,
                "campo quantidade: tipo de valor inválido: esperado um número inteiro sem sinal",
            ),
            (
                r#"{"act": "registrar", "documento": "x", "quantidade": 1, "data": "31/02/2026"}"#,
                "campo data: data inválida (use AAAA-MM-DD)",
            ),
            (r#"{"act": "outro"}"#, "campo act: valor desconhecido \"outro\"; valores aceitos: registrar"),
            (
                r#"{"act": "registrar", "documento": " ", "quantidade": 1, "data": "2026-01-01"}"#,
                "campo documento: campo obrigatório",
            ),
            (r#"{1: 2}"#, "as chaves de um objeto JSON devem ser textos entre aspas (linha 1, coluna 2)"),
            (r#"{"act": "registrar""#, "o JSON termina antes do fim (linha 1, coluna 19)"),
        ];
        for (body, expected) in cases {
            assert_eq!(message(body), expected, "{body}");
        }
    }
}
