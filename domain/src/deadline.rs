//! Deadlines (*prazos*) as stored facts (docs/DOMAIN.md §2 design rule): the event that opens a
//! deadline carries its start, length, calendar, due date and norm; an extension is a new event
//! with a new `Deadline`; nothing is ever recomputed from today's rules.
//!
//! Counting (Lei 9.784/1999 art. 66, RN 48/2003 art. 2 §1): the start day is excluded and the
//! end day included; a calendar-day deadline that ends on a non-business day rolls to the next
//! business day; a business-day deadline ends on the `n`-th business day after the start.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::HolidayCalendar;

/// How a deadline counts days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Calendar {
    /// *Dias corridos*: calendar days, the end rolled to a business day.
    Corridos,
    /// *Dias úteis*: business days.
    Uteis,
}

/// A deadline as stored on the event that opened it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadline {
    /// The triggering date (notification, receipt, publication); it does not count.
    pub start: NaiveDate,
    pub length: u32,
    pub calendar: Calendar,
    /// Last day on which the act is timely.
    pub due: NaiveDate,
    /// The norm that fixes the length, e.g. "RN 316/2012 art. 8".
    pub norm: String,
}

impl Deadline {
    /// Opens a deadline of `length` days from `start`.
    pub fn open(start: NaiveDate, length: u32, calendar: Calendar, norm: &str, holidays: &HolidayCalendar) -> Deadline {
        let due = match calendar {
            Calendar::Corridos => holidays.roll_forward(HolidayCalendar::add_days(start, length)),
            Calendar::Uteis => holidays.add_business_days(start, length),
        };
        Deadline { start, length, calendar, due, norm: norm.to_owned() }
    }

    /// The deadline after an extension of `length` days counted from the current due date.
    pub fn extended(&self, length: u32, calendar: Calendar, norm: &str, holidays: &HolidayCalendar) -> Deadline {
        Deadline::open(self.due, length, calendar, norm, holidays)
    }

    /// Whether an act on `date` is within the deadline.
    pub fn is_timely(&self, date: NaiveDate) -> bool {
        date <= self.due
    }

    /// Whether the deadline has run out by `today` (the due day itself is still timely).
    pub fn has_expired(&self, today: NaiveDate) -> bool {
        today > self.due
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn a_calendar_day_deadline_ending_on_a_sunday_rolls_to_monday() {
        // Lei 9.784/1999 art. 66 §1.
        let deadline =
            Deadline::open(d(2003, 5, 2), 30, Calendar::Corridos, "RDC 84/2001", &HolidayCalendar::default());
        assert_eq!(deadline.due, d(2003, 6, 2)); // 1 Jun 2003 is a Sunday
    }

    #[test]
    fn a_business_day_deadline_skips_carnival_and_the_weekend() {
        // RN 388/2015: NIP assistencial, 5 du from notification on Friday 13 Feb 2026.
        let deadline =
            Deadline::open(d(2026, 2, 13), 5, Calendar::Uteis, "RN 388/2015 art. 10", &HolidayCalendar::default());
        assert_eq!(deadline.due, d(2026, 2, 24)); // Carnival 16–17 Feb; 18,19,20,23,24
    }

    #[test]
    fn a_calendar_day_deadline_ending_on_good_friday_rolls_past_the_weekend() {
        let deadline =
            Deadline::open(d(2024, 3, 19), 10, Calendar::Corridos, "RN 48/2003 art. 2", &HolidayCalendar::default());
        assert_eq!(deadline.due, d(2024, 4, 1)); // 29 Mar 2024 Good Friday → Monday 1 Apr
    }

    #[test]
    fn an_extension_counts_from_the_previous_due_date() {
        let calendar = HolidayCalendar::default();
        let first = Deadline::open(d(2002, 1, 10), 30, Calendar::Corridos, "RN 316/2012 art. 8", &calendar);
        let extended = first.extended(30, Calendar::Corridos, "RN 316/2012 art. 8 §1", &calendar);
        assert_eq!(extended.start, first.due);
        assert!(extended.due > first.due);
        assert_eq!(first.due, d(2002, 2, 13)); // 9 Feb is a Saturday, 11–12 Feb Carnival
        assert!(first.is_timely(first.due) && first.has_expired(d(2002, 2, 14)));
    }
}
