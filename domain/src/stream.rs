//! Stream identities (docs/ARCHITECTURE.md §2): `operadora-{registro}` for an operator,
//! `caso-{uuid}` for a case, `parceiro-{uuid}` for a partner of the Parceiros da Cidadania
//! programme with its agreements, and the programme's own singleton stream
//! `programa-parceiros-da-cidadania` (docs/DOMAIN.md §6). Parsing is strict so a typo never
//! creates a new stream.

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
    Parceiro(Uuid),
    /// The programme's curated bulletin items, one stream for the whole programme.
    ProgramaParceiros,
}

/// The text of [`StreamRef::ProgramaParceiros`].
const PROGRAMA_PARCEIROS: &str = "programa-parceiros-da-cidadania";

/// A hyphenated lowercase UUID, the only spelling a stream id accepts.
fn strict_uuid(text: &str) -> Option<Uuid> {
    Uuid::parse_str(text).ok().filter(|id| text == id.hyphenated().to_string())
}

impl StreamRef {
    /// Parses `operadora-NNNNNN` (`operadora-NNNNN` for a registro of 1998–2001), `caso-{uuid}`,
    /// `parceiro-{uuid}` or `programa-parceiros-da-cidadania`.
    ///
    /// # Errors
    /// `Invalid` for any other text.
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        if let Some(rest) = text.strip_prefix("operadora-") {
            if (5..=6).contains(&rest.len()) && rest.bytes().all(|b| b.is_ascii_digit()) {
                return Registro::parse(rest).map(StreamRef::Operadora);
            }
        } else if let Some(id) = text.strip_prefix("caso-").and_then(strict_uuid) {
            return Ok(StreamRef::Caso(id));
        } else if let Some(id) = text.strip_prefix("parceiro-").and_then(strict_uuid) {
            return Ok(StreamRef::Parceiro(id));
        } else if text == PROGRAMA_PARCEIROS {
            return Ok(StreamRef::ProgramaParceiros);
        }
        Err(DomainError::invalid("stream", format!("identificador de fluxo inválido: {text:?}")))
    }
}

impl fmt::Display for StreamRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StreamRef::Operadora(registro) => write!(f, "operadora-{registro}"),
            StreamRef::Caso(id) => write!(f, "caso-{}", id.hyphenated()),
            StreamRef::Parceiro(id) => write!(f, "parceiro-{}", id.hyphenated()),
            StreamRef::ProgramaParceiros => f.write_str(PROGRAMA_PARCEIROS),
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
        for text in [
            "operadora-005711",
            "operadora-30004",
            "caso-0190a6b2-6d1c-7f00-8000-000000000001",
            "parceiro-0190a6b2-6d1c-7f00-8000-000000000002",
            "programa-parceiros-da-cidadania",
        ] {
            assert_eq!(StreamRef::parse(text).unwrap().to_string(), text);
            let json = serde_json::to_value(StreamRef::parse(text).unwrap()).unwrap();
            assert_eq!(serde_json::from_value::<StreamRef>(json).unwrap().to_string(), text);
        }
        let id = Uuid::from_u128(7);
        assert_eq!(StreamRef::parse(&format!("parceiro-{id}")).unwrap(), StreamRef::Parceiro(id));
        assert_ne!(StreamRef::Parceiro(id), StreamRef::Caso(id));
    }

    #[test]
    fn malformed_stream_ids_are_rejected() {
        for text in [
            "operadora-5711",
            "operadora-00.571-1",
            "caso-xyz",
            "caso-0190A6B2-6D1C-7F00-8000-000000000001",
            "titular-1",
            "parceiro-xyz",
            "parceiro-0190A6B2-6D1C-7F00-8000-000000000001",
            "parceiro-0190a6b26d1c7f008000000000000001",
            "parceiro-",
            "programa-parceiros",
            "programa-parceiros-da-cidadania-1",
        ] {
            assert!(StreamRef::parse(text).is_err(), "{text}");
        }
    }
}
