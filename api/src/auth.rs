//! Authentication: the `Authorization: Bearer` token names an officer for the API's clients; the
//! pages' cookie `autos_sessao` carries the id of a page session (`autos_app::sessions`), never a
//! token — a cookie `autos_token` an older version set is ignored. Handlers take [`Signed`] when a
//! route needs an officer and [`MaybeSigned`] when public data is served to everyone; the pages
//! take the [`Signature`] itself, whose session holds the token their forms carry
//! (`crate::http::csrf`). [`service_request`] makes the signed officer the actor of an act. Role
//! checks live with the route or the domain's act catalogue. Failed token checks count against the
//! caller's address ([`crate::abuse`]).

use std::net::{IpAddr, SocketAddr};

use autos_domain::Role;
use axum::extract::connect_info::ConnectInfo;
use axum::extract::FromRequestParts;
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::request::Parts;
use axum::http::{Extensions, HeaderMap};

use autos_app::officers::{self, Officer};
use autos_app::service::Request as ServiceRequest;
use autos_app::sessions::{self, Session};
use autos_domain::Actor;
use tower_http::request_id::RequestId;
use uuid::Uuid;

use crate::state::AppState;
use crate::ApiError;

/// The name of the cookie the sign-in page sets: the id of a page session.
pub const SESSION_COOKIE: &str = "autos_sessao";
/// The cookie that carried the raw bearer token before page sessions: never read, cleared at sign-in.
pub const RETIRED_TOKEN_COOKIE: &str = "autos_token";

/// An authenticated officer.
#[derive(Debug, Clone)]
pub struct Signed(pub Officer);

/// An officer when a valid token or session was sent, nobody otherwise.
#[derive(Debug, Clone)]
pub struct MaybeSigned(pub Option<Officer>);

/// How a request is signed: by its `Authorization: Bearer` token, or by a page session.
#[derive(Debug, Clone)]
pub enum Signature {
    Bearer(Officer),
    Session(Session),
}

impl Signature {
    /// The officer who signed the request.
    pub fn officer(&self) -> &Officer {
        match self {
            Signature::Bearer(officer) => officer,
            Signature::Session(session) => &session.officer,
        }
    }
}

/// The `Authorization: Bearer` token of a request.
fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok())?;
    value.strip_prefix("Bearer ").map(|t| t.trim().to_owned())
}

/// The page session a request is signed by: its `autos_sessao` cookie, when it has no
/// `Authorization` header (which, present, is the only credential read). The CSRF check and
/// authentication decide "signed by the cookie" by this one function.
pub(crate) fn cookie_session_id(headers: &HeaderMap) -> Option<&str> {
    if headers.contains_key(AUTHORIZATION) {
        return None;
    }
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value)
}

/// How the request is signed, if at all: by its bearer token, else by its page session — the one
/// `crate::http::csrf` already found for a change (a request extension), or looked up now.
/// Failed token checks are not counted here ([`signature_counting_guesses`] does).
pub(crate) async fn signature(
    headers: &HeaderMap,
    extensions: &Extensions,
    state: &AppState,
) -> Result<Option<Signature>, ApiError> {
    if headers.contains_key(AUTHORIZATION) {
        let Some(token) = bearer(headers) else { return Ok(None) };
        return Ok(officers::authenticate(&state.store.database(), &token).await?.map(Signature::Bearer));
    }
    if let Some(session) = extensions.get::<Session>() {
        return Ok(Some(Signature::Session(session.clone())));
    }
    let Some(id) = cookie_session_id(headers) else { return Ok(None) };
    let session = sessions::resolve(&state.store.database(), id, chrono::Utc::now()).await?;
    Ok(session.map(Signature::Session))
}

/// [`signature`], where an unknown or revoked bearer token counts as a guess of its address
/// ([`crate::abuse`]), and an address over its quota is refused with 429 whatever token it
/// sends. (A session id is 256 random bits: a stale cookie is no guess worth counting.)
pub(crate) async fn signature_counting_guesses(
    parts: &mut Parts,
    state: &AppState,
) -> Result<Option<Signature>, ApiError> {
    if bearer(&parts.headers).is_none() {
        return signature(&parts.headers, &parts.extensions, state).await;
    }
    let Ok(Peer(peer)) = Peer::from_request_parts(parts, state).await;
    state.guesses.admit(peer)?;
    let signature = signature(&parts.headers, &parts.extensions, state).await?;
    if signature.is_none() {
        state.guesses.failed(peer)?;
    }
    Ok(signature)
}

/// The address the request came from, when the server knows it (`crate::serve` records it).
#[derive(Debug, Clone, Copy)]
pub struct Peer(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for Peer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Peer(parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip())))
    }
}

impl FromRequestParts<AppState> for MaybeSigned {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let signature = signature_counting_guesses(parts, state).await?;
        Ok(MaybeSigned(signature.map(|s| s.officer().clone())))
    }
}

impl FromRequestParts<AppState> for Signed {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        MaybeSigned::from_request_parts(parts, state).await?.0.map(Signed).ok_or(ApiError::Unauthenticated)
    }
}

impl Signed {
    /// Refuses the request unless the officer has one of `roles`.
    ///
    /// # Errors
    /// `Forbidden` naming the roles allowed.
    pub fn require(&self, roles: &[Role]) -> Result<&Officer, ApiError> {
        if roles.contains(&self.0.role) {
            Ok(&self.0)
        } else {
            let allowed: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
            Err(ApiError::Forbidden(format!(
                "o papel {} não pode usar esta função (permitido: {})",
                self.0.role.as_str(),
                allowed.join(", ")
            )))
        }
    }
}

/// The request id as a UUID (it is generated as one), for the events' correlation id.
pub fn correlation_id(request_id: Option<&RequestId>) -> Option<Uuid> {
    request_id.and_then(|r| r.header_value().to_str().ok()).and_then(|s| Uuid::parse_str(s).ok())
}

/// The service request of a signed officer acting on `occurred_on` (today when absent).
pub fn service_request(
    signed: &Signed,
    appointed_cases: Vec<Uuid>,
    occurred_on: Option<chrono::NaiveDate>,
    request_id: Option<&RequestId>,
) -> ServiceRequest {
    let officer = &signed.0;
    ServiceRequest {
        actor: Actor { officer_id: officer.officer_id.to_string(), role: officer.role, appointed_cases },
        actor_id: officer.officer_id,
        occurred_on: occurred_on.unwrap_or_else(|| chrono::Local::now().date_naive()),
        correlation_id: correlation_id(request_id),
    }
}

#[cfg(test)]
mod tests {
    use super::cookie_session_id;
    use axum::http::{header, HeaderMap, HeaderValue};

    #[test]
    fn only_the_session_cookie_of_a_request_without_authorization_signs_it() {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_static("autos_token=autos_abc; autos_sessao=3f9a"));
        assert_eq!(cookie_session_id(&headers), Some("3f9a"));
        headers.insert(header::COOKIE, HeaderValue::from_static("autos_token=autos_abc"));
        assert_eq!(cookie_session_id(&headers), None, "the retired token cookie signs nothing");
        headers.insert(header::COOKIE, HeaderValue::from_static("autos_sessao=3f9a"));
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer autos_abc"));
        assert_eq!(cookie_session_id(&headers), None, "the header, when sent, is the only credential read");
    }
}
