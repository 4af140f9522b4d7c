//! The whole HTTP surface of Autos: the JSON API and operational endpoints of [`crate::http`]
//! and the web pages of [`crate::pages`], under the layers every request passes.

use axum::Router;

use crate::state::AppState;

/// The router `autos serve` runs and the end-to-end tests start.
pub fn router(state: AppState) -> Router {
    let routes = crate::http::routes(&state).merge(crate::pages::routes()).fallback(crate::pages::not_found);
    crate::http::layered(routes, &state).with_state(state)
}
