//! Golden national-holiday calendars for 2000–2003 (the seed era) and 2024–2027, written out by
//! hand from the published calendars so the Easter arithmetic is checked against facts.

use autos_domain::HolidayCalendar;
use chrono::NaiveDate;

fn dates(year: i32, days: &[(u32, u32)]) -> Vec<NaiveDate> {
    days.iter().map(|(m, d)| NaiveDate::from_ymd_opt(year, *m, *d).unwrap()).collect()
}

fn computed(year: i32) -> Vec<NaiveDate> {
    let mut all: Vec<NaiveDate> = HolidayCalendar::national_holidays(year).into_iter().map(|(d, _)| d).collect();
    all.dedup();
    all
}

#[test]
fn the_2000_calendar_has_good_friday_on_tiradentes() {
    // Easter 23 Apr 2000: Good Friday coincides with Tiradentes (21 Apr).
    let golden =
        dates(2000, &[(1, 1), (3, 6), (3, 7), (4, 21), (5, 1), (6, 22), (9, 7), (10, 12), (11, 2), (11, 15), (12, 25)]);
    assert_eq!(computed(2000), golden);
}

#[test]
fn the_2001_calendar_matches_the_published_one() {
    let golden = dates(
        2001,
        &[(1, 1), (2, 26), (2, 27), (4, 13), (4, 21), (5, 1), (6, 14), (9, 7), (10, 12), (11, 2), (11, 15), (12, 25)],
    );
    assert_eq!(computed(2001), golden);
}

#[test]
fn the_2002_calendar_matches_the_published_one() {
    let golden = dates(
        2002,
        &[(1, 1), (2, 11), (2, 12), (3, 29), (4, 21), (5, 1), (5, 30), (9, 7), (10, 12), (11, 2), (11, 15), (12, 25)],
    );
    assert_eq!(computed(2002), golden);
}

#[test]
fn the_2003_calendar_matches_the_published_one() {
    let golden = dates(
        2003,
        &[(1, 1), (3, 3), (3, 4), (4, 18), (4, 21), (5, 1), (6, 19), (9, 7), (10, 12), (11, 2), (11, 15), (12, 25)],
    );
    assert_eq!(computed(2003), golden);
}

#[test]
fn the_2024_calendar_includes_consciencia_negra() {
    // Lei 14.759/2023 made 20 Nov a national holiday from 2024.
    let golden = dates(
        2024,
        &[
            (1, 1),
            (2, 12),
            (2, 13),
            (3, 29),
            (4, 21),
            (5, 1),
            (5, 30),
            (9, 7),
            (10, 12),
            (11, 2),
            (11, 15),
            (11, 20),
            (12, 25),
        ],
    );
    assert_eq!(computed(2024), golden);
}

#[test]
fn the_2025_calendar_matches_the_published_one() {
    let golden = dates(
        2025,
        &[
            (1, 1),
            (3, 3),
            (3, 4),
            (4, 18),
            (4, 21),
            (5, 1),
            (6, 19),
            (9, 7),
            (10, 12),
            (11, 2),
            (11, 15),
            (11, 20),
            (12, 25),
        ],
    );
    assert_eq!(computed(2025), golden);
}

#[test]
fn the_2026_calendar_matches_the_published_one() {
    let golden = dates(
        2026,
        &[
            (1, 1),
            (2, 16),
            (2, 17),
            (4, 3),
            (4, 21),
            (5, 1),
            (6, 4),
            (9, 7),
            (10, 12),
            (11, 2),
            (11, 15),
            (11, 20),
            (12, 25),
        ],
    );
    assert_eq!(computed(2026), golden);
}

#[test]
fn the_2027_calendar_matches_the_published_one() {
    let golden = dates(
        2027,
        &[
            (1, 1),
            (2, 8),
            (2, 9),
            (3, 26),
            (4, 21),
            (5, 1),
            (5, 27),
            (9, 7),
            (10, 12),
            (11, 2),
            (11, 15),
            (11, 20),
            (12, 25),
        ],
    );
    assert_eq!(computed(2027), golden);
}

#[test]
fn holidays_are_not_business_days_but_ordinary_weekdays_are() {
    let calendar = HolidayCalendar::default();
    for year in (2000..=2003).chain(2024..=2027) {
        for (day, name) in HolidayCalendar::national_holidays(year) {
            assert!(!calendar.is_business_day(day), "{day} {name}");
        }
    }
    assert!(calendar.is_business_day(NaiveDate::from_ymd_opt(2003, 3, 5).unwrap()));
    // Ash Wednesday
}
