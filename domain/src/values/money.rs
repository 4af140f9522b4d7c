//! Money in reais (docs/DOMAIN.md §3 precision notes): an exact decimal with two places, never
//! negative, formatted the pt-BR way (`R$ 1.234,56`). Arithmetic that may round lives in the
//! fine calculator, which records its rounding mode.

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::DomainError;

/// An amount in BRL with scale 2; serialized as a decimal string (`"1234.56"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "Decimal", into = "Decimal")]
pub struct Money(Decimal);

impl Default for Money {
    /// R$ 0,00.
    fn default() -> Self {
        Money::ZERO
    }
}

impl Money {
    /// R$ 0,00.
    pub const ZERO: Money = Money(Decimal::ZERO);

    /// An amount from an exact decimal.
    ///
    /// # Errors
    /// `Invalid` when negative or with more than two decimal places.
    pub fn from_decimal(value: Decimal) -> Result<Self, DomainError> {
        if value.is_sign_negative() && !value.is_zero() {
            return Err(DomainError::invalid("valor", format!("valor em reais não pode ser negativo: {value}")));
        }
        let normalized = value.normalize();
        if normalized.scale() > 2 {
            return Err(DomainError::invalid(
                "valor",
                format!("valor em reais admite no máximo 2 casas decimais: {value}"),
            ));
        }
        let mut two = normalized;
        two.rescale(2);
        Ok(Money(two))
    }

    /// Whole reais, for tables and tests.
    pub fn reais(value: u32) -> Money {
        let mut d = Decimal::from(value);
        d.rescale(2);
        Money(d)
    }

    /// Parses the pt-BR form: optional `R$`, `.` as thousands separator, `,` as decimal separator.
    ///
    /// # Errors
    /// `Invalid` for anything else, negatives, or more than two decimals.
    pub fn parse_pt_br(text: &str) -> Result<Self, DomainError> {
        let body = text.trim().trim_start_matches("R$").trim();
        let (int_part, frac) = match body.split_once(',') {
            Some((i, f)) => (i, f),
            None => (body, ""),
        };
        let groups: Vec<&str> = int_part.split('.').collect();
        let grouped_ok = groups.len() == 1
            || (!groups[0].is_empty() && groups[0].len() <= 3 && groups[1..].iter().all(|g| g.len() == 3));
        let digits_ok = !int_part.is_empty()
            && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit()))
            && frac.bytes().all(|b| b.is_ascii_digit());
        if !grouped_ok || !digits_ok || frac.len() > 2 {
            return Err(DomainError::invalid("valor", format!("valor em reais inválido (use 1.234,56): {text:?}")));
        }
        let plain = format!("{}.{}", groups.concat(), if frac.is_empty() { "0" } else { frac });
        let value: Decimal =
            plain.parse().map_err(|_| DomainError::invalid("valor", format!("valor em reais inválido: {text:?}")))?;
        Money::from_decimal(value)
    }

    /// The exact decimal value.
    pub fn amount(&self) -> Decimal {
        self.0
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "R$ {}", number_pt_br(&format!("{:.2}", self.0)))
    }
}

/// A plain decimal number (`-1234567.8`) in pt-BR notation (`-1.234.567,8`): thousands grouped
/// with `.`, the decimal comma.
pub fn number_pt_br(plain: &str) -> String {
    let (sign, digits) = plain.strip_prefix('-').map_or(("", plain), |rest| ("-", rest));
    let (whole, fraction) = digits.split_once('.').map_or((digits, None), |(w, f)| (w, Some(f)));
    let mut out = String::with_capacity(plain.len() + whole.len() / 3 + 1);
    out.push_str(sign);
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    if let Some(fraction) = fraction {
        out.push(',');
        out.push_str(fraction);
    }
    out
}

impl TryFrom<Decimal> for Money {
    type Error = DomainError;
    fn try_from(value: Decimal) -> Result<Self, Self::Error> {
        Money::from_decimal(value)
    }
}

impl From<Money> for Decimal {
    fn from(value: Money) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn money_is_formatted_the_pt_br_way() {
        assert_eq!(Money::from_decimal(dec!(6086561.35)).unwrap().to_string(), "R$ 6.086.561,35");
        assert_eq!(Money::reais(5000).to_string(), "R$ 5.000,00");
        assert_eq!(Money::ZERO.to_string(), "R$ 0,00");
        assert_eq!(Money::from_decimal(dec!(999.5)).unwrap().to_string(), "R$ 999,50");
    }

    #[test]
    fn pt_br_text_round_trips() {
        for text in ["R$ 232.399.728,71", "R$ 1.000.000,00", "R$ 12,30", "R$ 0,05"] {
            assert_eq!(Money::parse_pt_br(text).unwrap().to_string(), text);
        }
        assert_eq!(Money::parse_pt_br("1234").unwrap(), Money::reais(1234));
    }

    #[test]
    fn negative_amounts_and_extra_decimals_are_rejected() {
        assert!(Money::from_decimal(dec!(-0.01)).is_err());
        assert!(Money::from_decimal(dec!(1.001)).is_err());
        for text in ["1.23,00", "R$ -5,00", "12,345", "abc", "1..000"] {
            assert!(Money::parse_pt_br(text).is_err(), "{text}");
        }
    }

    #[test]
    fn money_serializes_as_a_decimal_string() {
        let json = serde_json::to_string(&Money::reais(5000)).unwrap();
        assert_eq!(json, "\"5000.00\"");
        let back: Money = serde_json::from_str(&json).unwrap();
        assert_eq!(back, Money::reais(5000));
        assert!(serde_json::from_str::<Money>("\"-1\"").is_err());
    }
}
