//! Clock time: times of day and wall-clock timestamps, minute precision.
//!
//! One place for their text form (`19:00`, `2026-06-05T18:30`) and their
//! numbering, which every stage shares: a time of day is its minute of
//! the day (0..1440); a timestamp is its minute counted from
//! 0001-01-01T00:00, so that `day number * 1440 + minute of day` with the
//! engine's day numbers (0001-01-01 is day 1) differs from it only by a
//! constant. There are no time zones and no daylight-saving shifts: the
//! difference of two timestamps is the minutes between their readings.

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike};

/// Minutes in a day.
pub const DAY_MINUTES: i64 = 1440;

/// `HH:MM` (or `H:MM`), 00:00 to 23:59. `24:00` is not a time of day: the
/// end of a day is `00:00` of the next.
pub fn parse_time(text: &str) -> Option<NaiveTime> {
    let (hours, minutes) = text.split_once(':')?;
    if hours.is_empty() || hours.len() > 2 || minutes.len() != 2 {
        return None;
    }
    let hours: u32 = hours.parse().ok()?;
    let minutes: u32 = minutes.parse().ok()?;
    NaiveTime::from_hms_opt(hours, minutes, 0)
}

/// `YYYY-MM-DDTHH:MM`; also `YYYY-MM-DD HH:MM` in data. Read by hand,
/// byte by byte: a month of shifts has dozens of timestamps per record,
/// and chrono's format parser was a tenth of a W2 run.
pub fn parse_timestamp(text: &str) -> Option<NaiveDateTime> {
    let b = text.as_bytes();
    if b.len() != 16 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    if !matches!(b.get(10), Some(b'T' | b' ')) || b.get(13) != Some(&b':') {
        return None;
    }
    let number = |from: usize, to: usize| -> Option<u32> {
        b.get(from..to)?.iter().try_fold(0u32, |acc, c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    let year = i32::try_from(number(0, 4)?).ok()?;
    let date = NaiveDate::from_ymd_opt(year, number(5, 7)?, number(8, 10)?)?;
    let time = NaiveTime::from_hms_opt(number(11, 13)?, number(14, 16)?, 0)?;
    Some(date.and_time(time))
}

pub fn format_time(time: NaiveTime) -> String {
    time.format("%H:%M").to_string()
}

pub fn format_timestamp(stamp: NaiveDateTime) -> String {
    stamp.format("%Y-%m-%dT%H:%M").to_string()
}

/// Minute of the day, 0..1440.
pub fn minute_of_day(time: NaiveTime) -> u32 {
    time.hour() * 60 + time.minute()
}

/// The day number of a date: 0001-01-01 is 1.
pub fn day_number(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce())
}

/// The date of a day number, if it is on the calendar chrono knows.
pub fn date_of_day(day: i64) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(i32::try_from(day).ok()?)
}

/// Minutes from 0001-01-01T00:00 (day 1) — a timestamp's number.
pub fn timestamp_minutes(stamp: NaiveDateTime) -> i64 {
    (day_number(stamp.date()) - 1) * DAY_MINUTES + i64::from(minute_of_day(stamp.time()))
}

/// The timestamp of a minute number, if it is on the calendar.
pub fn timestamp_of_minutes(minutes: i64) -> Option<NaiveDateTime> {
    let day = minutes.div_euclid(DAY_MINUTES) + 1;
    let minute = u32::try_from(minutes.rem_euclid(DAY_MINUTES)).ok()?;
    let time = NaiveTime::from_hms_opt(minute / 60, minute % 60, 0)?;
    Some(date_of_day(day)?.and_time(time))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests state expectations")]
mod tests {
    use super::*;

    #[test]
    fn times_of_day() {
        assert_eq!(minute_of_day(parse_time("19:00").unwrap()), 1140);
        assert_eq!(minute_of_day(parse_time("7:05").unwrap()), 425);
        assert_eq!(minute_of_day(parse_time("00:00").unwrap()), 0);
        assert_eq!(minute_of_day(parse_time("23:59").unwrap()), 1439);
        for bad in ["24:00", "25:00", "12:60", "1:5", "123:00", ":30", "ab:cd"] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
    }

    #[test]
    fn timestamps() {
        let t = parse_timestamp("2026-06-05T18:30").unwrap();
        assert_eq!(format_timestamp(t), "2026-06-05T18:30");
        assert_eq!(parse_timestamp("2026-06-05 18:30"), Some(t));
        assert_eq!(timestamp_of_minutes(timestamp_minutes(t)), Some(t));
        assert_eq!(
            timestamp_minutes(parse_timestamp("0001-01-01T00:01").unwrap()),
            1
        );
        for bad in [
            "2026-06-05T24:30",
            "2026-02-30T10:00",
            "2026-6-5T10:00",
            "2026-06-05T1:00",
            "2026-06-05",
            "2026-06-05T10:00:00",
        ] {
            assert_eq!(parse_timestamp(bad), None, "{bad}");
        }
    }
}
