//! autos-api: the HTTP API and the web pages of Autos, over the application service of
//! `autos-app`. The `autos` binary (`autos-cli`) serves [`router`]; the end-to-end tests start
//! the same router.
//!
//! # Layout
//! - [`router`]: the whole HTTP surface — [`http`] and [`pages`] under the common layers.
//! - [`http`]: the `/api/v1` routes, handlers, extractors, CSV exports, the operational
//!   endpoints and the OpenAPI document.
//! - [`pages`]: the server-rendered web pages (askama templates, SVG charts).
//! - [`state`]: [`AppState`], shared by every handler and middleware.
//! - [`auth`]: who is calling (bearer token or page session) and the service request of a signed officer.
//! - [`idempotency`]: the `Idempotency-Key` middleware over `autos_app::idempotency`.
//! - [`abuse`]: the per-address limit on token guesses; [`serve`]: the TCP server with its header
//!   deadline and connection cap.
//! - [`error`]: [`ApiError`], its mapping from `AppError` to problem documents, and the one
//!   middleware that logs failed requests.
//!
//! Modules depend downwards only: `router` → `http`, `pages` → `auth`, `idempotency` →
//! `state`, `error`.

pub mod abuse;
pub mod auth;
pub mod error;
pub mod http;
pub mod idempotency;
pub mod pages;
pub mod router;
pub mod serve;
pub mod state;

pub use error::ApiError;
pub use router::router;
pub use state::AppState;
