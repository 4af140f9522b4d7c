//! National holidays for deadline counting (docs/DOMAIN.md §2, §8): fixed-date holidays, the movable
//! ones computed from Easter (Carnival Monday and Tuesday, Good Friday, Corpus Christi) and any
//! configured local dates. Carnival and Corpus Christi are federal *pontos facultativos* on which
//! ANS does not count business days, so they are treated as holidays here.

use std::collections::BTreeSet;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

/// Holidays on which no business day runs. `local` holds configured extra dates (a Núcleo's
/// municipal holidays, declared closures); the national ones are computed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HolidayCalendar {
    pub local: BTreeSet<NaiveDate>,
}

/// Western (Gregorian) Easter Sunday, anonymous Gregorian algorithm.
pub fn easter(year: i32) -> NaiveDate {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    ymd(year, u32::try_from(month).unwrap_or(4), u32::try_from(day).unwrap_or(1))
}

fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or(NaiveDate::MIN)
}

fn shift(date: NaiveDate, days: i64) -> NaiveDate {
    let magnitude = Days::new(days.unsigned_abs());
    if days >= 0 { date.checked_add_days(magnitude) } else { date.checked_sub_days(magnitude) }.unwrap_or(date)
}

impl HolidayCalendar {
    /// National holidays of `year`, sorted, with their pt-BR names. Nov 20 (Consciência Negra)
    /// is national from 2024 (Lei 14.759/2023).
    pub fn national_holidays(year: i32) -> Vec<(NaiveDate, &'static str)> {
        let e = easter(year);
        let mut days = vec![
            (ymd(year, 1, 1), "Confraternização Universal"),
            (shift(e, -48), "Carnaval (segunda-feira)"),
            (shift(e, -47), "Carnaval (terça-feira)"),
            (shift(e, -2), "Paixão de Cristo"),
            (ymd(year, 4, 21), "Tiradentes"),
            (ymd(year, 5, 1), "Dia do Trabalho"),
            (shift(e, 60), "Corpus Christi"),
            (ymd(year, 9, 7), "Independência do Brasil"),
            (ymd(year, 10, 12), "Nossa Senhora Aparecida"),
            (ymd(year, 11, 2), "Finados"),
            (ymd(year, 11, 15), "Proclamação da República"),
            (ymd(year, 12, 25), "Natal"),
        ];
        if year >= 2024 {
            days.push((ymd(year, 11, 20), "Dia Nacional de Zumbi e da Consciência Negra"));
        }
        days.sort();
        days
    }

    /// Whether `date` is a national or configured holiday.
    pub fn is_holiday(&self, date: NaiveDate) -> bool {
        self.local.contains(&date) || Self::national_holidays(date.year()).iter().any(|(d, _)| *d == date)
    }

    /// A business day (*dia útil*): Monday to Friday and not a holiday.
    pub fn is_business_day(&self, date: NaiveDate) -> bool {
        !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) && !self.is_holiday(date)
    }

    /// The first business day on or after `date`.
    pub fn roll_forward(&self, date: NaiveDate) -> NaiveDate {
        let mut d = date;
        while !self.is_business_day(d) {
            d = shift(d, 1);
        }
        d
    }

    /// `date` plus `days` calendar days.
    pub fn add_days(date: NaiveDate, days: u32) -> NaiveDate {
        shift(date, i64::from(days))
    }

    /// The `n`-th business day after `date` (`date` itself never counts); `n = 0` gives `date`.
    pub fn add_business_days(&self, date: NaiveDate, n: u32) -> NaiveDate {
        let mut d = date;
        let mut counted = 0;
        while counted < n {
            d = shift(d, 1);
            if self.is_business_day(d) {
                counted += 1;
            }
        }
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn easter_matches_known_dates() {
        let known = [
            (2000, 4, 23),
            (2001, 4, 15),
            (2002, 3, 31),
            (2003, 4, 20),
            (2024, 3, 31),
            (2025, 4, 20),
            (2026, 4, 5),
            (2027, 3, 28),
        ];
        for (y, m, d) in known {
            assert_eq!(easter(y), ymd(y, m, d));
        }
    }

    #[test]
    fn a_configured_local_holiday_is_not_a_business_day() {
        let mut calendar = HolidayCalendar::default();
        let day = ymd(2025, 1, 20); // São Sebastião, Rio de Janeiro (a Monday)
        assert!(calendar.is_business_day(day));
        calendar.local.insert(day);
        assert!(!calendar.is_business_day(day));
    }
}
