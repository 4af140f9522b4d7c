//! autos-api: the HTTP API, the web pages and the commands of the `autos` binary.
//!
//! `main.rs` only parses the command line; every command lives in a module here so that the
//! end-to-end tests can start the same server the binary starts.
//!
//! # Layout
//! - [`service`]: load, decide, append — the one command path (HTTP, import, demo).
//! - [`http`]: the router, handlers, extractors and operational endpoints.
//! - [`auth`], [`officers`], [`idempotency`]: who is calling, and retries that append nothing.
//! - [`personal_data`]: complainants' data sealed at the edge and opened, logged, for the roles that need it.
//! - [`views`]: reading the live read models and time travel. [`pages`]: the web pages.
//! - [`import`]: operator registers. [`ops`]: serve, migrate, verify, rebuild, replay, officers.
//! - [`backup`]: `autos backup` and `autos restore` on both backends.
//! - [`bench`]: the event-store yardstick and the read-model benchmark; [`history`]: synthetic histories.

pub mod auth;
pub mod backup;
pub mod bench;
pub mod demo;
pub mod error;
pub mod history;
pub mod http;
pub mod idempotency;
pub mod import;
pub mod officers;
pub mod ops;
pub mod pages;
pub mod personal_data;
pub mod service;
pub mod views;

pub use error::ApiError;
