//! Authentication: the bearer token (header, or the `autos_token` cookie the pages set) names
//! an officer; handlers take [`Signed`] when a route needs one and [`MaybeSigned`] when public
//! data is served to everyone. Role checks live with the route or the domain's act catalogue.

use autos_domain::Role;
use axum::extract::FromRequestParts;
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::request::Parts;

use crate::http::AppState;
use crate::officers::{self, Officer};
use crate::ApiError;

/// The name of the cookie the sign-in page sets.
pub const TOKEN_COOKIE: &str = "autos_token";

/// An authenticated officer.
#[derive(Debug, Clone)]
pub struct Signed(pub Officer);

/// An officer when a valid token was sent, nobody otherwise.
#[derive(Debug, Clone)]
pub struct MaybeSigned(pub Option<Officer>);

fn bearer(parts: &Parts) -> Option<String> {
    if let Some(value) = parts.headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok()) {
        return value.strip_prefix("Bearer ").map(|t| t.trim().to_owned());
    }
    parts
        .headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == TOKEN_COOKIE)
        .map(|(_, value)| value.to_owned())
}

impl FromRequestParts<AppState> for MaybeSigned {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        match bearer(parts) {
            None => Ok(MaybeSigned(None)),
            Some(token) => Ok(MaybeSigned(officers::authenticate(&state.store.database(), &token).await?)),
        }
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
