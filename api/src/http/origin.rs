//! Cross-site request forgery: a request that changes something (any method but GET, HEAD and
//! OPTIONS) and is signed in by the pages' cookie, not by an `Authorization` header, must come
//! from this site — its `Origin` (or, without one, its `Referer`) names the host it was sent to.
//! The cookie is also `SameSite=Strict`; this check holds where a browser ignores that.

use axum::extract::Request;
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::Response;

use super::refusal;

use crate::auth::TOKEN_COOKIE;
use crate::ApiError;

/// Refuses, with a 403, a cookie-signed change sent from another site or from nowhere named.
pub(super) async fn same_origin_changes(request: Request, next: Next) -> Response {
    let safe = matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let headers = request.headers();
    let by_cookie = !headers.contains_key(header::AUTHORIZATION)
        && headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .any(|v| v.split(';').any(|pair| pair.trim().starts_with(&format!("{TOKEN_COOKIE}="))));
    if safe || !by_cookie {
        return next.run(request).await;
    }
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let sender = headers.get(header::ORIGIN).or_else(|| headers.get(header::REFERER)).and_then(|v| v.to_str().ok());
    if sender.is_some_and(|sender| host_of(sender) == Some(host)) {
        return next.run(request).await;
    }
    let refused = ApiError::Forbidden(
        "o formulário não veio de uma página do Autos (origem ausente ou de outro site); abra a página de novo e envie"
            .into(),
    );
    refusal(request.uri().path(), refused)
}

/// The `host[:port]` of an origin or URL (`http://127.0.0.1:8080/casos` → `127.0.0.1:8080`).
fn host_of(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    Some(rest.split(['/', '?', '#']).next().unwrap_or(rest))
}

#[cfg(test)]
mod tests {
    use super::host_of;

    #[test]
    fn the_host_of_an_origin_or_a_referer() {
        assert_eq!(host_of("http://127.0.0.1:8080"), Some("127.0.0.1:8080"));
        assert_eq!(host_of("https://autos.ans.gov.br/casos/1?x=2"), Some("autos.ans.gov.br"));
        assert_eq!(host_of("null"), None);
    }
}
