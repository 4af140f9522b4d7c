//! The calendar quarter (*trimestre*), the period of the Parceiros da Cidadania bulletin and of the
//! partners' quarterly information (docs/DOMAIN.md §6). Written `AAAA-Tn` (`2003-T3`), the same
//! text the bulletin's read-model keys use.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::DomainError;

/// A year and its quarter 1..=4; ordered by time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Trimestre {
    ano: i32,
    numero: u32,
}

impl Trimestre {
    /// Quarter `numero` (1..=4) of `ano`.
    ///
    /// # Errors
    /// `Invalid` for a quarter outside 1..=4 or a year outside 1900..=9999.
    pub fn new(ano: i32, numero: u32) -> Result<Self, DomainError> {
        if !(1..=4).contains(&numero) || !(1900..=9999).contains(&ano) {
            return Err(DomainError::invalid("trimestre", format!("trimestre inválido: {numero}º de {ano}")));
        }
        Ok(Trimestre { ano, numero })
    }

    /// Parses `AAAA-Tn`.
    ///
    /// # Errors
    /// `Invalid` for any other text.
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        let wrong = || DomainError::invalid("trimestre", format!("esperado AAAA-Tn (ex.: 2003-T3): {text:?}"));
        let (ano, numero) = text.split_once("-T").ok_or_else(wrong)?;
        if ano.len() != 4 || numero.len() != 1 || !ano.bytes().chain(numero.bytes()).all(|b| b.is_ascii_digit()) {
            return Err(wrong());
        }
        Trimestre::new(ano.parse().map_err(|_| wrong())?, numero.parse().map_err(|_| wrong())?)
    }

    /// The quarter `date` falls in.
    pub fn of(date: NaiveDate) -> Self {
        Trimestre { ano: date.year(), numero: date.month0() / 3 + 1 }
    }

    pub fn ano(self) -> i32 {
        self.ano
    }

    /// 1..=4.
    pub fn numero(self) -> u32 {
        self.numero
    }

    /// The first day of the quarter.
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.ano, self.numero * 3 - 2, 1).unwrap_or(NaiveDate::MIN)
    }

    /// The last day of the quarter.
    pub fn last_day(self) -> NaiveDate {
        self.next().first_day().pred_opt().unwrap_or(NaiveDate::MAX)
    }

    /// The following quarter.
    pub fn next(self) -> Self {
        if self.numero == 4 {
            Trimestre { ano: self.ano + 1, numero: 1 }
        } else {
            Trimestre { numero: self.numero + 1, ..self }
        }
    }

    /// Whether the quarter is over on `today`.
    pub fn has_ended(self, today: NaiveDate) -> bool {
        today > self.last_day()
    }

    /// Whether the quarter shares a day with `[start, end]`.
    pub fn overlaps(self, start: NaiveDate, end: NaiveDate) -> bool {
        start <= self.last_day() && self.first_day() <= end
    }
}

impl fmt::Display for Trimestre {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-T{}", self.ano, self.numero)
    }
}

impl TryFrom<String> for Trimestre {
    type Error = DomainError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Trimestre::parse(&value)
    }
}

impl From<Trimestre> for String {
    fn from(value: Trimestre) -> Self {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn quarters_round_trip_and_know_their_days() {
        let q = Trimestre::parse("2003-T4").unwrap();
        assert_eq!(q.to_string(), "2003-T4");
        assert_eq!(serde_json::to_value(q).unwrap(), "2003-T4");
        assert_eq!((q.first_day(), q.last_day()), (d(2003, 10, 1), d(2003, 12, 31)));
        assert_eq!(q.next(), Trimestre::new(2004, 1).unwrap());
        assert_eq!(Trimestre::of(d(2004, 3, 31)), Trimestre::new(2004, 1).unwrap());
        assert_eq!(Trimestre::of(d(2004, 4, 1)).last_day(), d(2004, 6, 30));
        assert!(!q.has_ended(d(2003, 12, 31)) && q.has_ended(d(2004, 1, 1)));
        assert!(q < q.next());
    }

    #[test]
    fn malformed_quarters_are_rejected() {
        for text in ["2003-T5", "2003-T0", "2003T1", "03-T1", "2003-t1", "2003-T12", " 2003-T1"] {
            assert!(Trimestre::parse(text).is_err(), "{text}");
        }
        assert!(Trimestre::new(2003, 0).is_err());
    }
}
