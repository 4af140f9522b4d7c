//! The ANS registration number of an operator (docs/DOMAIN.md §4): six digits, zero-padded, printed
//! as `NN.NNN-D`. The check digit is inferred, not official `[UNCONF]`: it is reported as a
//! warning and never rejects.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::DomainError;

/// `registro_ans`, e.g. `005711`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Registro([u8; 6]);

impl Registro {
    /// Parses six digits; `NN.NNN-D` punctuation is accepted.
    ///
    /// # Errors
    /// `Invalid` unless exactly six digits remain after removing `.` and `-`.
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        let digits: Vec<u8> = text.trim().bytes().filter(|b| *b != b'.' && *b != b'-').collect();
        if digits.len() != 6 || !digits.iter().all(u8::is_ascii_digit) {
            return Err(DomainError::invalid("registro", format!("registro ANS deve ter 6 dígitos: {text:?}")));
        }
        let mut out = [0u8; 6];
        for (slot, digit) in out.iter_mut().zip(digits) {
            *slot = digit - b'0';
        }
        Ok(Registro(out))
    }

    /// Whether the last digit matches the empirical check digit of docs/DOMAIN.md §4
    /// (S = 6·d1+5·d2+4·d3+3·d4+2·d5; DV = (11 − S mod 11) mod 10).
    pub fn check_digit_matches(&self) -> bool {
        let s: u32 = self.0[..5].iter().zip([6u32, 5, 4, 3, 2]).map(|(d, w)| u32::from(*d) * w).sum();
        (11 - s % 11) % 10 == u32::from(self.0[5])
    }

    /// A pt-BR warning when the check digit does not match (soft validation).
    pub fn warning(&self) -> Option<String> {
        (!self.check_digit_matches()).then(|| {
            format!("o dígito verificador do registro {self} não confere com a regra empírica; confira o número")
        })
    }

    /// Printed form `NN.NNN-D`.
    pub fn formatted(&self) -> String {
        let d = self.0.map(|x| char::from(b'0' + x));
        format!("{}{}.{}{}{}-{}", d[0], d[1], d[2], d[3], d[4], d[5])
    }
}

impl fmt::Display for Registro {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in self.0 {
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl TryFrom<String> for Registro {
    type Error = DomainError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Registro::parse(&value)
    }
}

impl From<Registro> for String {
    fn from(value: Registro) -> Self {
        value.to_string()
    }
}

impl std::str::FromStr for Registro {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Registro::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_registros_carry_a_matching_check_digit() {
        // docs/DOMAIN.md §4: 326305, 005711, 000701 hold the empirical rule.
        for text in ["326305", "005711", "000701", "00.070-1"] {
            assert!(Registro::parse(text).unwrap().check_digit_matches(), "{text}");
        }
    }

    #[test]
    fn a_wrong_check_digit_is_a_warning_not_a_rejection() {
        let registro = Registro::parse("005712").unwrap();
        assert!(registro.warning().is_some());
        assert_eq!(registro.formatted(), "00.571-2");
    }

    #[test]
    fn a_registro_needs_exactly_six_digits() {
        for text in ["", "12345", "1234567", "12a456"] {
            assert!(matches!(Registro::parse(text), Err(DomainError::Invalid { .. })), "{text}");
        }
    }
}
