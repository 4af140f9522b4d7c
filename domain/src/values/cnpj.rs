//! CNPJ (docs/DOMAIN.md §4): 12 base characters and 2 numeric check digits, modulus 11. Base characters
//! may be letters from July 2026 (IN RFB 2.229/2024; value = ASCII − 48); whether an alphanumeric
//! CNPJ is acceptable on a given date is decided by the operator aggregate, not by parsing.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::DomainError;

/// A CNPJ stored as its 14 characters, without punctuation.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Cnpj(String);

const WEIGHTS: [u32; 13] = [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];

fn check_digit(chars: &[u8]) -> u8 {
    let weights = &WEIGHTS[WEIGHTS.len() - chars.len()..];
    let sum: u32 = chars.iter().zip(weights).map(|(c, w)| u32::from(c - b'0') * w).sum();
    let r = sum % 11;
    if r < 2 {
        b'0'
    } else {
        b'0' + u8::try_from(11 - r).unwrap_or(0)
    }
}

impl Cnpj {
    /// First day on which an alphanumeric CNPJ may exist (IN RFB 2.229/2024).
    pub fn alphanumeric_from() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 7, 1).unwrap_or(NaiveDate::MIN)
    }

    /// Parses `12.345.678/0001-95`, `12345678000195` or the alphanumeric form `12.ABC.345/01DE-35`.
    ///
    /// # Errors
    /// `Invalid` for a wrong length, a character outside `0-9A-Z` in the base, a non-digit check
    /// digit, or check digits that do not match.
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        let clean: String =
            text.trim().chars().filter(|c| !matches!(c, '.' | '/' | '-')).collect::<String>().to_ascii_uppercase();
        let bytes = clean.as_bytes();
        if bytes.len() != 14 {
            return Err(DomainError::invalid("cnpj", format!("CNPJ deve ter 14 caracteres: {text:?}")));
        }
        if !bytes[..12].iter().all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
            || !bytes[12..].iter().all(u8::is_ascii_digit)
        {
            return Err(DomainError::invalid("cnpj", format!("CNPJ com caractere inválido: {text:?}")));
        }
        if bytes[..12].iter().all(|b| *b == bytes[0]) {
            return Err(DomainError::invalid("cnpj", format!("CNPJ com base repetida: {text:?}")));
        }
        let dv1 = check_digit(&bytes[..12]);
        let dv2 = check_digit(&[&bytes[..12], &[dv1]].concat());
        if bytes[12] != dv1 || bytes[13] != dv2 {
            return Err(DomainError::invalid("cnpj", format!("dígitos verificadores do CNPJ não conferem: {text:?}")));
        }
        Ok(Cnpj(clean))
    }

    /// Whether the base carries letters (only valid from [`Cnpj::alphanumeric_from`]).
    pub fn is_alphanumeric(&self) -> bool {
        self.0.bytes().any(|b| b.is_ascii_uppercase())
    }

    /// The 14 characters without punctuation.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Cnpj {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = &self.0;
        write!(f, "{}.{}.{}/{}-{}", &s[0..2], &s[2..5], &s[5..8], &s[8..12], &s[12..14])
    }
}

impl TryFrom<String> for Cnpj {
    type Error = DomainError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Cnpj::parse(&value)
    }
}

impl From<Cnpj> for String {
    fn from(value: Cnpj) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_numeric_cnpj_with_correct_check_digits_is_accepted() {
        let cnpj = Cnpj::parse("11.222.333/0001-81").unwrap();
        assert_eq!(cnpj.as_str(), "11222333000181");
        assert_eq!(cnpj.to_string(), "11.222.333/0001-81");
        assert!(!cnpj.is_alphanumeric());
    }

    #[test]
    fn the_alphanumeric_2026_form_is_accepted_with_numeric_check_digits() {
        // IN RFB 2.229/2024: letters count as ASCII − 48.
        let cnpj = Cnpj::parse("12.abc.345/01DE-35").unwrap();
        assert!(cnpj.is_alphanumeric());
        assert_eq!(cnpj.to_string(), "12.ABC.345/01DE-35");
    }

    #[test]
    fn wrong_check_digits_are_rejected() {
        for text in ["11.222.333/0001-82", "12ABC34501DE53", "1122233300018", "11.111.111/1111-11", "1122233300018A"] {
            assert!(Cnpj::parse(text).is_err(), "{text}");
        }
    }
}
