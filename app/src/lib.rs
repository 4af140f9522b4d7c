//! autos-app: the application — the one path by which a command becomes events, and what every
//! entry point (the HTTP API and pages in `autos-api`, the importer, the demo and the tools in
//! `autos-cli`) shares beneath the transport: who the officers are, idempotent acts, personal
//! data and reading the read models. It knows nothing of HTTP or of the command line.
//!
//! # Layout
//! - [`service`]: load, decide, append — the one command path, with its bounded retries.
//! - [`officers`]: officers and their bearer tokens.
//! - [`sessions`]: the web pages' sessions (the cookie's id, its lifetime, its CSRF token).
//! - [`idempotency`]: the claims, leases and settling behind `Idempotency-Key`, and the
//!   [`idempotency::Seed`] an idempotent act takes its event ids from.
//! - [`personal_data`]: complainants' data sealed at the edge and opened, logged, for the roles that need it.
//! - [`parceiros`]: the content of a bulletin issued to a partner and its SHA-256.
//! - [`views`]: reading the live read models and time travel.
//! - [`igr`]: the IGR computed from the read models.
//! - [`labels`]: text folding for search and the pt-BR labels the API and the pages share.
//! - [`error`]: [`AppError`], everything the application can fail with.

pub mod audit;
pub mod error;
pub mod idempotency;
pub mod igr;
pub mod labels;
pub mod officers;
pub mod parceiros;
pub mod personal_data;
pub mod service;
pub mod sessions;
pub mod views;

pub use error::AppError;
