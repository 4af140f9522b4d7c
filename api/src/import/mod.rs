//! `autos import operators FILE`: operator registers into the log through the application
//! service.

pub mod layout;
