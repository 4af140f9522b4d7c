//! Value objects parsed at the edge: each constructor rejects bad input with a precise
//! `DomainError::Invalid`, so the rest of the domain never re-validates them.

mod cnpj;
mod geo;
mod money;
mod operator_kind;
mod personal;
mod registro;
mod text;
mod trimestre;

pub use cnpj::Cnpj;
pub use geo::{Region, Uf};
pub use money::{number_pt_br, Money};
pub use operator_kind::{Modalidade, Porte};
pub use personal::SealedPersonalData;
pub use registro::Registro;
pub use text::{NonEmptyText, REQUIRED};
pub use trimestre::Trimestre;
