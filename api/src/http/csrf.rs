//! Cross-site request forgery. A request that changes something (any method but GET, HEAD and
//! OPTIONS) and is signed by the pages' session cookie rather than an `Authorization` header
//! (`crate::auth::cookie_session_id` decides, for this check and for authentication alike) must
//! 1. come from this site: its `Origin` (or, without one, its `Referer`) names the host it was
//!    sent to; and
//! 2. carry its session's CSRF token (`autos_app::sessions`): the form field `_csrf`, or the header
//!    `X-CSRF-Token` for a script. Compared in constant time.
//!
//! Either missing or wrong is a 403 and no handler runs, so nothing is stored. A cookie whose
//! session has ended passes on unsigned: the handler finds nobody signed in (the pages send the
//! visitor to sign in, the API answers 401). The cookie is also `SameSite=Strict`; these checks
//! hold where a browser ignores that. Requests signed by a bearer header carry no ambient
//! credential and are not checked.
//!
//! # The rule for page forms
//! Every `<form method="post">` of a page puts `{% include "csrf.html" %}` inside it. The include
//! reads the template's `officer` field, which every page template has, typed
//! `Option<crate::pages::PageOfficer>` — the signed-in officer with the session's token. A form
//! without the include is refused with a 403 the first time it is sent, in every test that sends it.
//!
//! # Why a middleware, and not the form extractor
//! The check runs here, before routing reaches a handler, so it holds for every route — a page
//! handler that takes no form at all (the audit page's buttons), an API route a page session
//! calls, and every form added later — instead of only for the handlers that remember to use a
//! checking extractor. The cost is reading the body: a form body without the header is buffered
//! here up to [`MAX_BODY`] (as the NUL check beside it does) and the request rebuilt from the
//! bytes, so the handlers' own extractors read it unchanged. The session found is handed on as a
//! request extension, so authentication does not look it up again.

use autos_app::sessions::{self, Session};
use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method};
use axum::middleware::Next;
use axum::response::Response;
use subtle::ConstantTimeEq;

use super::refusal;

use crate::auth::cookie_session_id;
use crate::idempotency::MAX_BODY;
use crate::state::AppState;
use crate::ApiError;

/// The header a script sends the session's token in.
pub(crate) const TOKEN_HEADER: &str = "x-csrf-token";
/// The form field a page form sends the session's token in (`templates/csrf.html`).
pub(crate) const TOKEN_FIELD: &str = "_csrf";

/// Refuses, with a 403, a change signed by the session cookie that was sent from another site or
/// from nowhere named, or without its session's token.
pub(super) async fn forged_changes_refused(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let safe = matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let session_id = match cookie_session_id(request.headers()) {
        Some(id) if !safe => id.to_owned(),
        _ => return next.run(request).await,
    };
    let path = request.uri().path().to_owned();
    if !from_this_site(request.headers()) {
        let refused = ApiError::Forbidden(
            "o formulário não veio de uma página do Autos (origem ausente ou de outro site); abra a página de novo e envie"
                .into(),
        );
        return refusal(&path, refused);
    }
    let session = match sessions::resolve(&state.store.database(), &session_id, chrono::Utc::now()).await {
        Ok(Some(session)) => session,
        Ok(None) => return next.run(request).await,
        Err(e) => return refusal(&path, e.into()),
    };
    let (mut request, sent) = match token_sent(request).await {
        Ok(sent) => sent,
        Err(e) => return refusal(&path, e),
    };
    if !sent.is_some_and(|sent| is_the_token_of(&session, &sent)) {
        let refused = ApiError::Forbidden(
            "o formulário expirou ou não veio de uma página do Autos; abra a página de novo e envie".into(),
        );
        return refusal(&path, refused);
    }
    request.extensions_mut().insert(session);
    next.run(request).await
}

/// Whether the request's `Origin` (else its `Referer`) names the host it was sent to.
fn from_this_site(headers: &HeaderMap) -> bool {
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let sender = headers.get(header::ORIGIN).or_else(|| headers.get(header::REFERER)).and_then(|v| v.to_str().ok());
    sender.is_some_and(|sender| host_of(sender) == Some(host))
}

/// The token the request carries: its header, else the `_csrf` field of a form body (read up to
/// [`MAX_BODY`]); and the request, rebuilt from the bytes read.
async fn token_sent(request: Request) -> Result<(Request, Option<String>), ApiError> {
    if let Some(value) = request.headers().get(TOKEN_HEADER) {
        let sent = value.to_str().ok().map(str::to_owned);
        return Ok((request, sent));
    }
    let form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !form {
        return Ok((request, None));
    }
    let (parts, body) = request.into_parts();
    let bytes = to_bytes(body, MAX_BODY).await.map_err(|_| ApiError::TooLarge(MAX_BODY))?;
    let sent =
        form_urlencoded::parse(&bytes).find(|(name, _)| name == TOKEN_FIELD).map(|(_, value)| value.into_owned());
    Ok((Request::from_parts(parts, Body::from(bytes)), sent))
}

/// Whether `sent` is the session's token, in time that does not depend on where they differ.
fn is_the_token_of(session: &Session, sent: &str) -> bool {
    bool::from(sent.as_bytes().ct_eq(session.csrf_token.as_bytes()))
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
