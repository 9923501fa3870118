//! The W2 calendar, computed once per year: for every day, the OB class and
//! the overtime class of each of its five fixed clock segments.
//!
//! Every window of the W2 text starts and ends at 00:00, 06:00, 07:00,
//! 19:00 or 22:00, so within a day the classes can only change at those
//! times: a day is five segments `[0, 6)`, `[6, 7)`, `[7, 19)`, `[19, 22)`,
//! `[22, 24)` hours, each with one class. A shift is then measured by
//! intersecting its interval with those segments (interval arithmetic),
//! never minute by minute. The classes of a segment are decided at its first
//! minute from the windows as the text states them (intervals of minutes);
//! a test checks every minute of several years against the segments.
//!
//! Dates are day numbers counted from 0001-01-01 (day 0, a Monday) in the
//! proleptic Gregorian calendar; minutes are `day * 1440 + clock`.
//! Not here: money, parsing.

use std::sync::OnceLock;

pub const MINUTES_PER_DAY: i64 = 1440;
const AT_06: i64 = 6 * 60;
const AT_07: i64 = 7 * 60;
const AT_19: i64 = 19 * 60;
const AT_22: i64 = 22 * 60;

/// The five clock segments of every day, `[start, end)` in minutes.
pub const SEGMENTS: [(i64, i64); 5] = [
    (0, AT_06),
    (AT_06, AT_07),
    (AT_07, AT_19),
    (AT_19, AT_22),
    (AT_22, MINUTES_PER_DAY),
];

/// Periods whose years are cached (the parser accepts exactly these).
pub const FIRST_YEAR: i64 = 1900;
pub const LAST_YEAR: i64 = 2199;

const MONDAY: i64 = 0;
const FRIDAY: i64 = 4;
const SATURDAY: i64 = 5;
const SUNDAY: i64 = 6;

/// Days from 0001-01-01 to 1970-01-01.
const DAYS_0001_TO_1970: i64 = 719_162;

/// The day number of a proleptic Gregorian date (H. Hinnant's
/// `days_from_civil`, shifted to count from 0001-01-01).
pub const fn day_number(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let month_from_march = if month > 2 { month - 3 } else { month + 9 };
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468 + DAYS_0001_TO_1970
}

/// `(year, month, day)` of a day number (Hinnant's `civil_from_days`).
pub fn civil_date(day_number: i64) -> (i64, i64, i64) {
    let z = day_number - DAYS_0001_TO_1970 + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// 0 = Monday … 6 = Sunday.
pub fn weekday(day: i64) -> i64 {
    day.rem_euclid(7)
}

/// Gregorian Easter Sunday by Lichtenberg's form of the computus (a third
/// method: the generator uses the anonymous algorithm, the Python
/// reference Gauss's).
pub fn easter_sunday(year: i64) -> i64 {
    let k = year.div_euclid(100);
    let m = 15 + (3 * k + 3).div_euclid(4) - (8 * k + 13).div_euclid(25);
    let s = 2 - (3 * k + 3).div_euclid(4);
    let a = year.rem_euclid(19);
    let d = (19 * a + m).rem_euclid(30);
    let r = (d + a / 11) / 29;
    let full_moon = 21 + d - r;
    let first_sunday = 7 - (year + year.div_euclid(4) + s).rem_euclid(7);
    let sunday_after = full_moon + 7 - (full_moon - first_sunday).rem_euclid(7);
    // `sunday_after` is a date in March (32 = 1 April).
    day_number(year, 3, 1) + sunday_after - 1
}

/// The Saturday of the seven days starting at `first`.
fn saturday_from(first: i64) -> i64 {
    first + (SATURDAY - weekday(first)).rem_euclid(7)
}

/// The dated days of one year that the W2 calendar names.
#[derive(Debug, Clone, Copy)]
pub struct YearDates {
    pub easter: i64,
    pub midsummer_eve: i64,
    pub all_saints: i64,
    pub public_holidays: [i64; 13],
    /// Midsummer Eve, 24 Dec, 31 Dec.
    pub free_eves: [i64; 3],
}

impl YearDates {
    pub fn new(year: i64) -> YearDates {
        let date = |month, day| day_number(year, month, day);
        let easter = easter_sunday(year);
        let midsummer_day = saturday_from(date(6, 20));
        let all_saints = saturday_from(date(10, 31));
        YearDates {
            easter,
            midsummer_eve: midsummer_day - 1,
            all_saints,
            public_holidays: [
                date(1, 1),
                date(1, 6),
                easter - 2,
                easter,
                easter + 1,
                date(5, 1),
                easter + 39,
                easter + 49,
                date(6, 6),
                midsummer_day,
                all_saints,
                date(12, 25),
                date(12, 26),
            ],
            free_eves: [midsummer_day - 1, date(12, 24), date(12, 31)],
        }
    }
}

/// Holidays and free days of a few consecutive years, for building tables.
struct Calendar {
    first_year: i64,
    years: Vec<YearDates>,
}

impl Calendar {
    /// Enough years for everything about `year`: windows of the year before
    /// reach into it, and "the first weekday after" looks into the next.
    fn around(year: i64) -> Calendar {
        let first_year = year - 2;
        Calendar {
            first_year,
            years: (first_year..=year + 3).map(YearDates::new).collect(),
        }
    }

    fn dates(&self, year: i64) -> YearDates {
        usize::try_from(year - self.first_year)
            .ok()
            .and_then(|i| self.years.get(i))
            .copied()
            .unwrap_or_else(|| YearDates::new(year))
    }

    fn is_free(&self, day: i64) -> bool {
        let dates = self.dates(civil_date(day).0);
        weekday(day) >= SATURDAY
            || dates.public_holidays.contains(&day)
            || dates.free_eves.contains(&day)
    }

    fn is_between_day(&self, day: i64) -> bool {
        !self.is_free(day) && self.is_free(day - 1) && self.is_free(day + 1)
    }

    fn first_weekday_after(&self, day: i64) -> i64 {
        let mut next = day + 1;
        while self.is_free(next) {
            next += 1;
        }
        next
    }

    /// From 19:00 on the day before `day` to 07:00 on the first weekday after it.
    fn eve_to_weekday(&self, day: i64) -> Window {
        Window {
            start: (day - 1) * MINUTES_PER_DAY + AT_19,
            end: self.first_weekday_after(day) * MINUTES_PER_DAY + AT_07,
        }
    }
}

/// The minutes `start <= m < end`.
#[derive(Debug, Clone, Copy)]
struct Window {
    start: i64,
    end: i64,
}

fn in_any(minute: i64, windows: &[Window]) -> bool {
    windows.iter().any(|w| w.start <= minute && minute < w.end)
}

/// The dated windows of the years around one year.
pub struct Windows {
    calendar: Calendar,
    storhelg: Vec<Window>,
    kvalificerad: Vec<Window>,
    qualified_overtime: Vec<Window>,
}

impl Windows {
    /// The windows that can hold a minute of `year` or of 1 Jan of the next:
    /// those of the years before, of and after it.
    pub fn around(year: i64) -> Windows {
        let calendar = Calendar::around(year);
        let (mut storhelg, mut kvalificerad, mut qualified_overtime) = (vec![], vec![], vec![]);
        for y in year - 1..=year + 1 {
            let dates = calendar.dates(y);
            let easter = dates.easter;
            storhelg.push(Window {
                start: (easter - 3) * MINUTES_PER_DAY + AT_19,
                end: (easter + 2) * MINUTES_PER_DAY + AT_07,
            });
            let whitsun_eve = easter + 48;
            for eve in [
                whitsun_eve,
                dates.midsummer_eve,
                day_number(y, 12, 24),
                day_number(y, 12, 31),
            ] {
                storhelg.push(calendar.eve_to_weekday(eve));
            }
            for holiday in [
                day_number(y, 1, 6),
                day_number(y, 5, 1),
                easter + 39,
                day_number(y, 6, 6),
                dates.all_saints,
            ] {
                kvalificerad.push(calendar.eve_to_weekday(holiday));
            }
            for day in dates.public_holidays.iter().chain(&dates.free_eves) {
                qualified_overtime.push(calendar.eve_to_weekday(*day));
            }
        }
        Windows {
            calendar,
            storhelg,
            kvalificerad,
            qualified_overtime,
        }
    }

    /// The OB class of the minute starting at `minute`: the highest whose window holds it.
    pub fn ob_class(&self, minute: i64) -> ObClass {
        let day = minute.div_euclid(MINUTES_PER_DAY);
        let clock = minute.rem_euclid(MINUTES_PER_DAY);
        if in_any(minute, &self.storhelg) {
            ObClass::Storhelg
        } else if friday_to_monday(day, clock)
            || in_any(minute, &self.kvalificerad)
            || self.calendar.is_between_day(day)
            || !(AT_06..AT_22).contains(&clock)
        {
            ObClass::Kvalificerad
        } else if (AT_19..AT_22).contains(&clock) {
            ObClass::Enkel
        } else {
            ObClass::None
        }
    }

    /// Whether a minute of overtime starting at `minute` is qualified.
    pub fn overtime_qualified(&self, minute: i64) -> bool {
        let day = minute.div_euclid(MINUTES_PER_DAY);
        let clock = minute.rem_euclid(MINUTES_PER_DAY);
        friday_to_monday(day, clock)
            || in_any(minute, &self.qualified_overtime)
            || self.calendar.is_free(day)
            || !(AT_06..AT_22).contains(&clock)
    }

    fn day_profile(&self, day: i64) -> DayProfile {
        let at = |(start, _): (i64, i64)| day * MINUTES_PER_DAY + start;
        DayProfile {
            ob: SEGMENTS.map(|segment| self.ob_class(at(segment))),
            qualified: SEGMENTS.map(|segment| self.overtime_qualified(at(segment))),
        }
    }
}

/// From 19:00 Friday to 07:00 Monday.
fn friday_to_monday(day: i64, clock: i64) -> bool {
    match weekday(day) {
        FRIDAY => clock >= AT_19,
        SATURDAY | SUNDAY => true,
        MONDAY => clock < AT_07,
        _ => false,
    }
}

/// An OB class; its value indexes the minute counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum ObClass {
    None = 0,
    Enkel = 1,
    Kvalificerad = 2,
    Storhelg = 3,
}

/// The classes of one day's five segments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayProfile {
    pub ob: [ObClass; 5],
    pub qualified: [bool; 5],
}

/// One year's calendar as the evaluator reads it.
pub struct YearTable {
    /// The day number of 1 Jan.
    first_day: i64,
    /// 1 Jan of the year to 1 Jan of the next, inclusive: a shift starts in
    /// the year and lasts at most 24 hours.
    days: Vec<DayProfile>,
    holidays_per_month: [i64; 12],
}

impl YearTable {
    pub fn build(year: i64) -> YearTable {
        let windows = Windows::around(year);
        let first_day = day_number(year, 1, 1);
        let last_day = day_number(year + 1, 1, 1);
        let days = (first_day..=last_day)
            .map(|day| windows.day_profile(day))
            .collect();
        let mut holidays = YearDates::new(year).public_holidays.to_vec();
        // Two holidays can fall on one date (Ascension Day on 1 May, as in 2008).
        holidays.sort_unstable();
        holidays.dedup();
        let mut holidays_per_month = [0; 12];
        for (month, count) in (1..).zip(holidays_per_month.iter_mut()) {
            *count = holidays
                .iter()
                .filter(|&&day| civil_date(day).1 == month)
                .count() as i64;
        }
        YearTable {
            first_day,
            days,
            holidays_per_month,
        }
    }

    /// The profile of a day; a day outside the table (only for a shift the
    /// parser would have refused) is computed on the spot.
    #[inline]
    pub fn profile(&self, day: i64) -> DayProfile {
        match usize::try_from(day - self.first_day)
            .ok()
            .and_then(|i| self.days.get(i))
        {
            Some(profile) => *profile,
            None => Windows::around(civil_date(day).0).day_profile(day),
        }
    }

    /// The number of distinct public-holiday dates in a month (1..=12).
    pub fn holidays_in_month(&self, month: u32) -> i64 {
        let index = month.checked_sub(1).and_then(|i| usize::try_from(i).ok());
        index
            .and_then(|i| self.holidays_per_month.get(i))
            .copied()
            .unwrap_or(0)
    }
}

const CACHED_YEARS: usize = (LAST_YEAR - FIRST_YEAR + 1) as usize;
static TABLES: [OnceLock<YearTable>; CACHED_YEARS] = [const { OnceLock::new() }; CACHED_YEARS];

/// The cached table of a year in `FIRST_YEAR..=LAST_YEAR`, built on first use.
pub fn cached_year(year: i64) -> Option<&'static YearTable> {
    let cell = TABLES.get(usize::try_from(year - FIRST_YEAR).ok()?)?;
    Some(cell.get_or_init(|| YearTable::build(year)))
}
