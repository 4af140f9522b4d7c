//! Stream identities (docs/ARCHITECTURE.md §2): `operadora-{registro}` for an operator and
//! `caso-{uuid}` for a case. Parsing is strict so a typo never creates a new stream.

use std::fmt;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{DomainError, Registro};

/// The stream an event belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum StreamRef {
    Operadora(Registro),
    Caso(Uuid),
}

impl StreamRef {
    /// Parses `operadora-NNNNNN` (`operadora-NNNNN` for a registro of 1998–2001) or `caso-{uuid}`.
    ///
    /// # Errors
    /// `Invalid` for any other text.
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        if let Some(rest) = text.strip_prefix("operadora-") {
            if (5..=6).contains(&rest.len()) && rest.bytes().all(|b| b.is_ascii_digit()) {
                return Registro::parse(rest).map(StreamRef::Operadora);
            }
        } else if let Some(rest) = text.strip_prefix("caso-") {
            if let Ok(id) = Uuid::parse_str(rest) {
                if rest == id.hyphenated().to_string() {
                    return Ok(StreamRef::Caso(id));
                }
            }
        }
        Err(DomainError::invalid("stream", format!("identificador de fluxo inválido: {text:?}")))
    }
}

impl fmt::Display for StreamRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StreamRef::Operadora(registro) => write!(f, "operadora-{registro}"),
            StreamRef::Caso(id) => write!(f, "caso-{}", id.hyphenated()),
        }
    }
}

impl TryFrom<String> for StreamRef {
    type Error = DomainError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        StreamRef::parse(&value)
    }
}

impl From<StreamRef> for String {
    fn from(value: StreamRef) -> Self {
        value.to_string()
    }
}

impl std::str::FromStr for StreamRef {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        StreamRef::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_ids_round_trip() {
        for text in ["operadora-005711", "operadora-30004", "caso-0190a6b2-6d1c-7f00-8000-000000000001"] {
            assert_eq!(StreamRef::parse(text).unwrap().to_string(), text);
        }
    }

    #[test]
    fn malformed_stream_ids_are_rejected() {
        for text in [
            "operadora-5711",
            "operadora-00.571-1",
            "caso-xyz",
            "caso-0190A6B2-6D1C-7F00-8000-000000000001",
            "titular-1",
        ] {
            assert!(StreamRef::parse(text).is_err(), "{text}");
        }
    }
}
