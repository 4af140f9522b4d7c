//! autos-api: the HTTP API, the web pages and the commands of the `autos` binary.
//!
//! `main.rs` only parses the command line; every command lives in a module here so that the
//! end-to-end tests can start the same server the binary starts.

pub mod bench;
pub mod error;
pub mod http;
pub mod ops;

pub use error::ApiError;
