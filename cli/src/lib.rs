//! autos-cli: the commands of the `autos` binary, over `autos-app` (the application) and
//! `autos-api` (the server `autos serve` runs). `main.rs` only parses the command line; every
//! command lives in a module here so that the end-to-end tests can run the same code.
//!
//! # Layout
//! - [`ops`]: serve, migrate, verify, rules, rebuild, replay, officers, `lgpd forget`, the rule book in force.
//! - [`trust`]: the signed tree heads' files, `autos keys`, the head check, `autos proof check`;
//!   [`witness_service`]: `autos witness serve`, a witness for another machine.
//! - [`backup`]: `autos backup` and `autos restore` on both backends.
//! - [`demo`]: the demonstration history of ANS's 2000–2003 report (its tables in `cli/data/`).
//! - [`import`]: operator registers (the seed report and every CADOP layout ANS published) and the IBGE municipalities;
//!   [`imports`]: the `autos import …` commands over it (progress, summary, exit status).
//! - [`bench`]: the event-store yardstick and the read-model benchmark; [`history`]: synthetic histories.
//! - [`error`]: [`CliError`] and its exit codes.
//!
//! Modules depend downwards only: `imports` → `ops`, `backup` → `ops` → `demo` → `import`, `ops` → `trust`;
//! `bench` → `history`.

pub mod backup;
pub mod bench;
pub mod demo;
pub mod error;
pub mod history;
pub mod import;
pub mod imports;
pub mod ops;
pub mod trust;
pub mod witness_service;

pub use error::CliError;
