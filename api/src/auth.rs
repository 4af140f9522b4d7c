//! Authentication: the bearer token (header, or the `autos_token` cookie the pages set) names
//! an officer; handlers take [`Signed`] when a route needs one and [`MaybeSigned`] when public
//! data is served to everyone; [`service_request`] makes the signed officer the actor of an act.
//! Role checks live with the route or the domain's act catalogue. Failed token checks count
//! against the caller's address ([`crate::abuse`]).

use std::net::{IpAddr, SocketAddr};

use autos_domain::Role;
use axum::extract::connect_info::ConnectInfo;
use axum::extract::FromRequestParts;
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::request::Parts;

use autos_app::officers::{self, Officer};
use autos_app::service::Request as ServiceRequest;
use autos_domain::Actor;
use tower_http::request_id::RequestId;
use uuid::Uuid;

use crate::state::AppState;
use crate::ApiError;

/// The name of the cookie the sign-in page sets.
pub const TOKEN_COOKIE: &str = "autos_token";

/// An authenticated officer.
#[derive(Debug, Clone)]
pub struct Signed(pub Officer);

/// An officer when a valid token was sent, nobody otherwise.
#[derive(Debug, Clone)]
pub struct MaybeSigned(pub Option<Officer>);

/// The token a request carries: the `Authorization: Bearer` header, else the pages' cookie.
/// Authentication and the `Idempotency-Key` middleware read it the same way.
pub(crate) fn bearer(headers: &axum::http::HeaderMap) -> Option<String> {
    if let Some(value) = headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok()) {
        return value.strip_prefix("Bearer ").map(|t| t.trim().to_owned());
    }
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == TOKEN_COOKIE)
        .map(|(_, value)| value.to_owned())
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

    /// An unknown or revoked token counts as a guess of its address ([`crate::abuse`]); an
    /// address over its quota is refused with 429 whatever token it sends.
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let Some(token) = bearer(&parts.headers) else { return Ok(MaybeSigned(None)) };
        let Ok(Peer(peer)) = Peer::from_request_parts(parts, state).await;
        state.guesses.admit(peer)?;
        let officer = officers::authenticate(&state.store.database(), &token).await?;
        if officer.is_none() {
            state.guesses.failed(peer)?;
        }
        Ok(MaybeSigned(officer))
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
