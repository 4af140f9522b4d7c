//! Input no database can store: a NUL character in the path, the query or the body. PostgreSQL
//! refuses NUL in text, SQLite would keep it and cut every reader's string at it, so both backends
//! answer the same 400 before any handler runs — never a 503 from the database.

use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;

use super::refusal;

use crate::idempotency::MAX_BODY;
use crate::ApiError;

const REFUSED: &str = "o pedido contém um caractere nulo (U+0000), que não pode ser gravado";

/// Refuses a request that carries a NUL character, raw or escaped (`%00` in a URL or form,
/// `\u0000` in JSON), with a 400: a page in the layout for the pages, a problem for the API.
pub(super) async fn refuse_nul(request: Request, next: Next) -> Response {
    let escaped_in_url = |text: &str| text.to_ascii_lowercase().contains("%00");
    let (parts, body) = request.into_parts();
    let in_url = escaped_in_url(parts.uri.path()) || parts.uri.query().is_some_and(escaped_in_url);
    let bytes = match to_bytes(body, MAX_BODY).await {
        Ok(bytes) => bytes,
        Err(_) => return refusal(parts.uri.path(), ApiError::TooLarge(MAX_BODY)),
    };
    let form = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let in_body =
        bytes.contains(&0) || (form && escaped_in_url(&String::from_utf8_lossy(&bytes))) || has_json_nul_escape(&bytes);
    if in_url || in_body {
        return refusal(parts.uri.path(), ApiError::InvalidInput(REFUSED.into()));
    }
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}

/// Whether `bytes` hold a JSON `\u0000` escape: a `\u0000` preceded by an even number of
/// backslashes (an escaped backslash followed by `u0000` is text, not a NUL).
fn has_json_nul_escape(bytes: &[u8]) -> bool {
    let needle = b"\\u0000";
    bytes
        .windows(needle.len())
        .enumerate()
        .any(|(at, window)| window == needle && bytes[..at].iter().rev().take_while(|b| **b == b'\\').count() % 2 == 0)
}

#[cfg(test)]
mod tests {
    use super::has_json_nul_escape;

    #[test]
    fn only_a_real_escape_is_a_nul() {
        assert!(has_json_nul_escape(br#"{"fatos": "a\u0000b"}"#));
        assert!(has_json_nul_escape(br#"{"fatos": "\\\u0000"}"#), "an escaped backslash, then a NUL");
        assert!(!has_json_nul_escape(br#"{"fatos": "\\u0000"}"#), "the text \\u0000");
        assert!(!has_json_nul_escape(br#"{"fatos": "u0000 \u00e9"}"#));
    }
}
