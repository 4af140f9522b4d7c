//! The ANS registration number of an operator (docs/DOMAIN.md §4): six digits, zero-padded, printed
//! as `NN.NNN-D`, or the five digits of the registros issued in 1998–2001, kept as issued (ANS's
//! files still list them so; padding one would name a different operator). The check digit is
//! inferred, not official `[UNCONF]`: it is reported as a warning and never rejects, and it does
//! not apply to five-digit registros.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::DomainError;

/// `registro_ans`, e.g. `005711`, or a five-digit registro of 1998–2001 such as `30004`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Registro {
    /// The digits as issued; a five-digit registro leaves the last slot unused (0).
    digits: [u8; 6],
    /// 5 or 6.
    len: u8,
}

impl Registro {
    /// Parses six digits, or the five of a registro issued in 1998–2001; `NN.NNN-D`
    /// punctuation is accepted.
    ///
    /// # Errors
    /// `Invalid` unless five or six digits remain after removing `.` and `-`.
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        let digits: Vec<u8> = text.trim().bytes().filter(|b| *b != b'.' && *b != b'-').collect();
        if !(5..=6).contains(&digits.len()) || !digits.iter().all(u8::is_ascii_digit) {
            return Err(DomainError::invalid(
                "registro",
                format!("registro ANS deve ter 6 dígitos (5 nos registros de 1998–2001): {text:?}"),
            ));
        }
        let mut out = [0u8; 6];
        for (slot, digit) in out.iter_mut().zip(&digits) {
            *slot = digit - b'0';
        }
        Ok(Registro { digits: out, len: digits.len() as u8 })
    }

    /// Whether this is a five-digit registro of 1998–2001.
    pub fn is_five_digit(&self) -> bool {
        self.len == 5
    }

    /// Whether the last digit matches the empirical check digit of docs/DOMAIN.md §4
    /// (S = 6·d1+5·d2+4·d3+3·d4+2·d5; DV = (11 − S mod 11) mod 10). Five-digit registros
    /// predate the rule and always match.
    pub fn check_digit_matches(&self) -> bool {
        if self.is_five_digit() {
            return true;
        }
        let s: u32 = self.digits[..5].iter().zip([6u32, 5, 4, 3, 2]).map(|(d, w)| u32::from(*d) * w).sum();
        (11 - s % 11) % 10 == u32::from(self.digits[5])
    }

    /// A pt-BR warning when the check digit does not match (soft validation).
    pub fn warning(&self) -> Option<String> {
        (!self.check_digit_matches()).then(|| {
            format!("o dígito verificador do registro {self} não confere com a regra empírica; confira o número")
        })
    }

    /// Printed form `NN.NNN-D` (a five-digit registro prints as issued).
    pub fn formatted(&self) -> String {
        if self.is_five_digit() {
            return self.to_string();
        }
        let d = self.digits.map(|x| char::from(b'0' + x));
        format!("{}{}.{}{}{}-{}", d[0], d[1], d[2], d[3], d[4], d[5])
    }
}

impl fmt::Display for Registro {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.digits[..usize::from(self.len)] {
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
    fn a_registro_needs_six_digits_or_the_five_of_1998_to_2001() {
        for text in ["", "1234", "1234567", "12a456", "12a45"] {
            assert!(matches!(Registro::parse(text), Err(DomainError::Invalid { .. })), "{text}");
        }
    }

    #[test]
    fn a_five_digit_registro_is_kept_as_issued_and_differs_from_its_padded_form() {
        let five = Registro::parse("30004").unwrap();
        assert!(five.is_five_digit());
        assert_eq!((five.to_string(), five.formatted()), ("30004".to_owned(), "30004".to_owned()));
        assert_ne!(five, Registro::parse("030004").unwrap());
        assert!(five.check_digit_matches() && five.warning().is_none());
        let json = serde_json::to_string(&five).unwrap();
        assert_eq!(serde_json::from_str::<Registro>(&json).unwrap(), five);
    }
}
