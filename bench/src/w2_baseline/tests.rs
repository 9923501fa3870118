//! Records at the edges of the W2 calendar, computed by hand (the arithmetic
//! is in the comments), the calendar's fixed dates, the parser's refusals,
//! and the five-segment invariant the evaluator rests on.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "tests"
)]

use super::calendar::{self, MINUTES_PER_DAY, SEGMENTS, Windows, YearTable};
use super::parse::Field;
use super::*;

/// A record from its fields, through the parser; shifts as (start, end, kind).
fn record(
    period: &str,
    salary: &str,
    rate: &str,
    ytd: &str,
    shifts: &[(&str, &str, &str)],
) -> Record {
    let shifts: Vec<String> = shifts
        .iter()
        .map(|(s, e, k)| format!(r#"{{"start": "{s}", "end": "{e}", "kind": "{k}"}}"#))
        .collect();
    let line = format!(
        r#"{{"id": 7, "period": "{period}", "salary": {salary}, "rate": {rate}, "overtime_ytd": {ytd}, "shifts": [{}]}}"#,
        shifts.join(", ")
    );
    parse_record(&line).unwrap()
}

/// OB only: ordinary shifts, salary 30000.00 at 100.00 %.
fn ordinary(period: &str, shifts: &[(&str, &str)]) -> Output {
    let shifts: Vec<_> = shifts.iter().map(|&(s, e)| (s, e, "ordinary")).collect();
    evaluate(&record(period, "30000.00", "100.00", "0.00", &shifts))
}

fn overtime(period: &str, salary: &str, rate: &str, shifts: &[(&str, &str)]) -> Output {
    let shifts: Vec<_> = shifts.iter().map(|&(s, e)| (s, e, "overtime")).collect();
    evaluate(&record(period, salary, rate, "0.00", &shifts))
}

#[test]
fn friday_19_00() {
    // Fri 2026-03-06 17:00-21:00: 17-19 no window; 19-21 is in "19:00 Friday
    // to 07:00 Monday", kvalificerad, which outranks enkel (19-22).
    // Fri 2026-03-13 18:59-19:01: 18:59 is outside, 19:00 inside.
    // kvalificerad 120 + 1 = 121 min = 2.0166.. h -> 2.02; pay 121 * 60 / 60 = 121.00.
    let o = ordinary(
        "2026-03-01",
        &[
            ("2026-03-06T17:00", "2026-03-06T21:00"),
            ("2026-03-13T18:59", "2026-03-13T19:01"),
        ],
    );
    assert_eq!(
        (o.ob_enkel_hours, o.ob_kval_hours, o.ob_storhelg_hours),
        (0, 202, 0)
    );
    assert_eq!(o.ob_pay, 12_100);
    // Thu 2026-03-05 19:00-21:00 is only enkel: 120 min * 20 / 60 = 40.00.
    let o = ordinary("2026-03-01", &[("2026-03-05T19:00", "2026-03-05T21:00")]);
    assert_eq!(
        (o.ob_enkel_hours, o.ob_kval_hours, o.ob_pay),
        (200, 0, 4_000)
    );
}

#[test]
fn monday_07_00() {
    // Mon 2026-03-09 05:00-09:00: 05-07 inside "to 07:00 Monday" (05-06 is
    // also night), 07-09 in no window. kvalificerad 120 min: 2.00 h, 120.00.
    let o = ordinary("2026-03-01", &[("2026-03-09T05:00", "2026-03-09T09:00")]);
    assert_eq!(
        (o.ob_kval_hours, o.ob_enkel_hours, o.ob_pay),
        (200, 0, 12_000)
    );
    // The same as overtime on Mon 2026-03-16, fte = 30000 * 100 / 100 = 30000:
    // qualified 05-07 (120 min), simple 07-09 (120 min);
    // 2 * 30000 / 94 + 2 * 30000 / 72 = 638.2978.. + 833.3333.. = 1471.6312.. -> 1471.63.
    let o = overtime(
        "2026-03-01",
        "30000.00",
        "100.00",
        &[("2026-03-16T05:00", "2026-03-16T09:00")],
    );
    assert_eq!(
        (o.overtime_qualified_hours, o.overtime_simple_hours),
        (200, 200)
    );
    assert_eq!(o.overtime_pay, 147_163);
}

#[test]
fn maundy_thursday_19_00() {
    // Easter 2026 is 5 April; Maundy Thursday 2 April. 17:00-23:00: 17-19 no
    // window (1 April is a weekday, so 2 April is no between-day); 19-23
    // storhelg, above enkel (19-22) and night (22-23): 240 min = 4.00 h,
    // 240 * 90 / 60 = 360.00.
    let o = ordinary("2026-04-01", &[("2026-04-02T17:00", "2026-04-02T23:00")]);
    assert_eq!(
        (o.ob_storhelg_hours, o.ob_kval_hours, o.ob_enkel_hours),
        (400, 0, 0)
    );
    assert_eq!(o.ob_pay, 36_000);
    assert_eq!(o.holidays_in_period, 3); // Good Friday 3, Easter Sunday 5, Easter Monday 6
    // The storhelg ends at 07:00 on the day after Easter Monday, Tue 7 April:
    // 06:00-08:00 is 60 min storhelg (90.00) and 60 min of nothing.
    let o = ordinary("2026-04-01", &[("2026-04-07T06:00", "2026-04-07T08:00")]);
    assert_eq!(
        (o.ob_storhelg_hours, o.ob_kval_hours, o.ob_pay),
        (100, 0, 9_000)
    );
    // Overtime on Maundy Thursday 2027 (25 March; Good Friday 26 March):
    // 17-19 simple (120 min), 19-23 qualified (the day before a public
    // holiday from 19:00, 240 min); 2 * 30000 / 94 + 4 * 30000 / 72
    // = 638.2978.. + 1666.6666.. = 2304.9645.. -> 2304.96.
    let o = overtime(
        "2027-03-01",
        "30000.00",
        "100.00",
        &[("2027-03-25T17:00", "2027-03-25T23:00")],
    );
    assert_eq!(
        (o.overtime_simple_hours, o.overtime_qualified_hours),
        (200, 400)
    );
    assert_eq!(o.overtime_pay, 230_496);
    assert_eq!(o.holidays_in_period, 3); // 26, 28, 29 March 2027
}

#[test]
fn between_day() {
    // Ascension Day 2026 is Thu 14 May (5 April + 39); Fri 15 May lies
    // between it and Saturday: a between-day, kvalificerad all day.
    // 05:00-13:00 and 19:00-23:00: 480 + 240 = 720 min kvalificerad (not
    // enkel at 19-22): 12.00 h, 720 * 60 / 60 = 720.00.
    let o = ordinary(
        "2026-05-01",
        &[
            ("2026-05-15T05:00", "2026-05-15T13:00"),
            ("2026-05-15T19:00", "2026-05-15T23:00"),
        ],
    );
    assert_eq!(
        (o.ob_kval_hours, o.ob_enkel_hours, o.ob_storhelg_hours),
        (1_200, 0, 0)
    );
    assert_eq!(o.ob_pay, 72_000);
    assert_eq!(o.holidays_in_period, 3); // 1 May, Ascension 14 May, Whit Sunday 24 May
    // Overtime the same day 06:00-10:00: the Ascension window runs to 07:00
    // on the first weekday after it, which is this between-day, so 06-07 is
    // qualified (60 min); the between-day rule is OB only, so 07-10 is simple
    // (180 min). 3 * 30000 / 94 + 30000 / 72 = 957.4468.. + 416.6666.. = 1374.1134.. -> 1374.11.
    let o = overtime(
        "2026-05-01",
        "30000.00",
        "100.00",
        &[("2026-05-15T06:00", "2026-05-15T10:00")],
    );
    assert_eq!(
        (o.overtime_qualified_hours, o.overtime_simple_hours),
        (100, 300)
    );
    assert_eq!(o.overtime_pay, 137_411);
}

#[test]
fn over_the_amount_change() {
    // Wed 2027-03-31 20:00 to Thu 2027-04-01 02:00 (Easter 2027 was 28 March,
    // its storhelg ended 30 March 07:00): 20-22 enkel 120 min at 20.00 = 40.00;
    // 22-24 kvalificerad 120 min at 60.00 = 120.00; 00-02 on 1 April
    // kvalificerad 120 min at 62.00 = 124.00. OB pay 284.00.
    let o = ordinary("2027-03-01", &[("2027-03-31T20:00", "2027-04-01T02:00")]);
    assert_eq!(
        (o.ob_enkel_hours, o.ob_kval_hours, o.ob_storhelg_hours),
        (200, 400, 0)
    );
    assert_eq!(o.ob_pay, 28_400);
    // A minute each side of the change: 23:59 at 60.00/60 = 1.00,
    // 00:00 at 62.00/60 = 1.0333..; 2.0333.. -> 2.03.
    let o = ordinary("2027-03-01", &[("2027-03-31T23:59", "2027-04-01T00:01")]);
    assert_eq!(o.ob_pay, 203);
}

#[test]
fn storhelg_over_the_year_end() {
    // 31 Dec 2026 (Thu): storhelg from 19:00 on 30 Dec to 07:00 on the first
    // weekday after it: 1 Jan 2027 is a holiday, 2-3 Jan a weekend, so Mon
    // 4 Jan. 30 Dec 18:00-20:00: 60 min nothing, 60 min storhelg; 31 Dec
    // 20:00 to 1 Jan 08:00: 720 min storhelg. 780 min = 13.00 h,
    // 780 * 90 / 60 = 1170.00.
    let o = ordinary(
        "2026-12-01",
        &[
            ("2026-12-30T18:00", "2026-12-30T20:00"),
            ("2026-12-31T20:00", "2027-01-01T08:00"),
        ],
    );
    assert_eq!(
        (o.ob_storhelg_hours, o.ob_kval_hours, o.ob_enkel_hours),
        (1_300, 0, 0)
    );
    assert_eq!(o.ob_pay, 117_000);
    assert_eq!(o.holidays_in_period, 2); // 25 and 26 Dec
}

#[test]
fn midsummer_24_hours() {
    // Midsummer Day 2026 is Sat 20 June, the Eve Fri 19 June; storhelg from
    // Thu 18 June 19:00 to 07:00 Mon 22 June. Thu 18:00 to Fri 18:00, 24 h:
    // 60 min nothing, 1380 min storhelg = 23.00 h, 1380 * 90 / 60 = 2070.00.
    let o = ordinary("2026-06-01", &[("2026-06-18T18:00", "2026-06-19T18:00")]);
    assert_eq!(
        (o.ob_storhelg_hours, o.ob_kval_hours, o.ob_pay),
        (2_300, 0, 207_000)
    );
    assert_eq!(o.holidays_in_period, 2); // 6 June, Midsummer Day 20 June
}

#[test]
fn non_terminating_fte() {
    // fte = 30000 * 100 / 33.33 = 100000000/1111 = 90009.0009..;
    // one simple hour (Tue 2026-03-10 08-09): fte / 94 = 957.5425.. -> 957.54;
    // one mertid hour: fte / 142 = 633.8662.. -> 633.87.
    let o = evaluate(&record(
        "2026-03-01",
        "30000.00",
        "33.33",
        "0.00",
        &[
            ("2026-03-10T08:00", "2026-03-10T09:00", "overtime"),
            ("2026-03-10T10:00", "2026-03-10T11:00", "mertid"),
        ],
    ));
    assert_eq!((o.overtime_simple_hours, o.overtime_pay), (100, 95_754));
    assert_eq!((o.mertid_hours, o.mertid_pay), (100, 63_387));
}

#[test]
fn half_ore_ties_round_away_from_zero() {
    // One simple hour: 18800.47 / 94 = 200.005 exactly -> 200.01.
    let o = overtime(
        "2026-03-01",
        "18800.47",
        "100.00",
        &[("2026-03-10T08:00", "2026-03-10T09:00")],
    );
    assert_eq!(o.overtime_pay, 20_001);
    // One qualified hour (Saturday): 21600.36 / 72 = 300.005 -> 300.01.
    let o = overtime(
        "2026-03-01",
        "21600.36",
        "100.00",
        &[("2026-03-14T08:00", "2026-03-14T09:00")],
    );
    assert_eq!((o.overtime_qualified_hours, o.overtime_pay), (100, 30_001));
    // One mertid hour: 21300.71 / 142 = 150.005 -> 150.01.
    let o = evaluate(&record(
        "2026-03-01",
        "21300.71",
        "100.00",
        "0.00",
        &[("2026-03-10T08:00", "2026-03-10T09:00", "mertid")],
    ));
    assert_eq!(o.mertid_pay, 15_001);
}

#[test]
fn violations_are_strict() {
    // Three weekday shifts 06:00-22:40 (1000 min each): 3000 min = 50 h, not
    // above 50; with ytd 100.00, 100 + 50 = 150, not above 150.
    let days = [
        ("2026-03-02T06:00", "2026-03-02T22:40", "overtime"),
        ("2026-03-03T06:00", "2026-03-03T22:40", "overtime"),
        ("2026-03-04T06:00", "2026-03-04T22:40", "overtime"),
    ];
    // Mon 2 March 06-07 is qualified ("to 07:00 Monday"), and 22:00-22:40
    // each day (night): 60 + 3 * 40 = 180 min; simple 2820 min = 47 h.
    // 47 * 30000 / 94 + 3 * 30000 / 72 = 15000 + 1250 = 16250.00.
    let o = evaluate(&record("2026-03-01", "30000.00", "100.00", "100.00", &days));
    assert!(!o.overtime_month_violation && !o.overtime_year_violation);
    assert_eq!(
        (o.overtime_simple_hours, o.overtime_qualified_hours),
        (4_700, 300)
    );
    assert_eq!(o.overtime_pay, 1_625_000);
    // One more minute: 3001 min > 3000, and 100 + 50.0166.. > 150.
    let mut more = days.to_vec();
    more.push(("2026-03-05T08:00", "2026-03-05T08:01", "overtime"));
    // 2821 simple min = 47.0166.. h -> 47.02; 2821 / 60 * 30000 / 94
    // = 15005.3191.., + 1250 = 16255.3191.. -> 16255.32.
    let o = evaluate(&record("2026-03-01", "30000.00", "100.00", "100.00", &more));
    assert!(o.overtime_month_violation && o.overtime_year_violation);
    assert_eq!(
        (o.overtime_simple_hours, o.overtime_pay),
        (4_702, 1_625_532)
    );
    // ytd one hundredth higher: 100.01 + 50 > 150, the month still not above 50.
    let o = evaluate(&record("2026-03-01", "30000.00", "100.00", "100.01", &days));
    assert!(!o.overtime_month_violation && o.overtime_year_violation);
}

#[test]
fn holidays_in_period_counts_distinct_dates() {
    let count =
        |period: &str| evaluate(&record(period, "1.00", "100.00", "0.00", &[])).holidays_in_period;
    // 2008: Easter 23 March, Ascension Day 1 May, the same date as May Day;
    // Whit Sunday 11 May. Two dates.
    assert_eq!(count("2008-05-01"), 2);
    // All Saints' Day 2026 is Sat 31 October, in 2027 Sat 6 November.
    assert_eq!(
        (
            count("2026-10-01"),
            count("2026-11-01"),
            count("2027-11-01")
        ),
        (1, 0, 1)
    );
    assert_eq!(
        (
            count("2026-01-01"),
            count("2026-02-01"),
            count("2027-04-01")
        ),
        (2, 0, 0)
    );
}

#[test]
fn easter_dates() {
    for (y, m, d) in [
        (1818, 3, 22),
        (1943, 4, 25),
        (1954, 4, 18),
        (1981, 4, 19),
        (2000, 4, 23),
        (2008, 3, 23),
        (2011, 4, 24),
        (2019, 4, 21),
        (2024, 3, 31),
        (2025, 4, 20),
        (2026, 4, 5),
        (2027, 3, 28),
        (2028, 4, 16),
        (2029, 4, 1),
        (2030, 4, 21),
        (2038, 4, 25),
        (2049, 4, 18),
        (2076, 4, 19),
        (2285, 3, 22),
    ] {
        assert_eq!(
            calendar::easter_sunday(y),
            calendar::day_number(y, m, d),
            "{y}"
        );
    }
}

#[test]
fn day_numbers() {
    // 0001-01-01 is day 0 and a Monday; chrono agrees on 2027-04-01.
    assert_eq!(calendar::day_number(1, 1, 1), 0);
    assert_eq!(calendar::weekday(0), 0);
    let chrono_day = NaiveDate::from_ymd_opt(2027, 4, 1)
        .unwrap()
        .num_days_from_ce()
        - 1;
    assert_eq!(AMOUNT_CHANGE_DAY, i64::from(chrono_day));
    for day in calendar::day_number(1899, 1, 1)..calendar::day_number(2201, 1, 1) {
        let (y, m, d) = calendar::civil_date(day);
        assert_eq!(calendar::day_number(y, m, d), day);
    }
}

/// Every window starts and ends at 00, 06, 07, 19 or 22 o'clock, so a
/// day's classes cannot change inside a segment: checked minute by minute.
#[test]
fn classes_are_constant_within_segments() {
    for year in [2008, 2026, 2027] {
        let windows = Windows::around(year);
        let table = YearTable::build(year);
        let first = calendar::day_number(year, 1, 1);
        for day in first..=calendar::day_number(year + 1, 1, 1) {
            let profile = table.profile(day);
            for (i, (start, end)) in SEGMENTS.into_iter().enumerate() {
                for clock in start..end {
                    let minute = day * MINUTES_PER_DAY + clock;
                    assert_eq!(windows.ob_class(minute), profile.ob[i], "day {day} {clock}");
                    assert_eq!(windows.overtime_qualified(minute), profile.qualified[i]);
                }
            }
        }
    }
}

fn line(salary: &str, shifts: &str) -> String {
    format!(
        r#"{{"id": 1, "period": "2026-03-01", "salary": {salary}, "rate": 100.00, "overtime_ytd": 0.00, "shifts": [{shifts}]}}"#
    )
}

fn shift(start: &str, end: &str) -> String {
    format!(r#"{{"start": "{start}", "end": "{end}", "kind": "ordinary"}}"#)
}

#[test]
fn numbers_are_read_exactly() {
    let salary = |text: &str| parse_record(&line(text, "")).map(|r| r.salary_cents);
    assert_eq!(salary("30000.00"), Ok(3_000_000));
    assert_eq!(salary("30000"), Ok(3_000_000));
    assert_eq!(salary("0.010"), Ok(1));
    assert_eq!(salary("1e2"), Ok(10_000));
    assert_eq!(salary("125E-2"), Ok(125));
    assert_eq!(salary("-0.00"), Ok(0));
    assert_eq!(
        salary("0.1000000000000000055511151231257827"),
        Err(ParseError::MoreThanTwoDecimals(Field::Salary))
    );
    assert_eq!(
        salary("30000.001"),
        Err(ParseError::MoreThanTwoDecimals(Field::Salary))
    );
    assert_eq!(salary("-1.00"), Err(ParseError::OutOfRange(Field::Salary)));
    assert_eq!(salary("1e13"), Err(ParseError::OutOfRange(Field::Salary)));
    assert_eq!(salary("9999999999999.99"), Ok(999_999_999_999_999));
    assert_eq!(
        salary("\"30000.00\""),
        Err(ParseError::NotANumber(Field::Salary))
    );
    let zero_rate = line("1.00", "").replace("100.00", "0.00");
    assert_eq!(parse_record(&zero_rate), Err(ParseError::ZeroRate));
}

#[test]
fn malformed_lines_are_refused() {
    let refused = |text: &str| parse_record(text).err();
    let one = |start: &str, end: &str| refused(&line("1.00", &shift(start, end)));
    assert_eq!(one("2026-03-31T00:00", "2026-04-01T00:00"), None); // exactly 24 h
    assert_eq!(
        one("2026-03-31T00:00", "2026-04-01T00:01"),
        Some(ParseError::ShiftLongerThanADay(1))
    );
    assert_eq!(
        one("2026-03-05T10:00", "2026-03-05T10:00"),
        Some(ParseError::ShiftNotAfterStart(1))
    );
    assert_eq!(
        one("2026-04-01T00:00", "2026-04-01T01:00"),
        Some(ParseError::ShiftOutsideMonth(1))
    );
    assert_eq!(
        one("2026-02-28T23:00", "2026-03-01T01:00"),
        Some(ParseError::ShiftOutsideMonth(1))
    );
    assert!(matches!(
        one("2026-02-30T10:00", "2026-03-01T11:00"),
        Some(ParseError::BadTime { .. })
    ));
    assert!(matches!(
        one("2026-03-01T24:00", "2026-03-02T01:00"),
        Some(ParseError::BadTime { .. })
    ));
    assert!(matches!(
        one("2026-03-01 10:00", "2026-03-01T11:00"),
        Some(ParseError::BadTime { .. })
    ));
    assert!(matches!(
        one("2026-3-01T10:00", "2026-03-01T11:00"),
        Some(ParseError::BadTime { .. })
    ));
    // Touching shifts are fine, overlapping ones are not, in any order.
    let two = |a: String, b: String| refused(&line("1.00", &format!("{a}, {b}")));
    let (early, late) = (
        shift("2026-03-02T08:00", "2026-03-02T12:00"),
        shift("2026-03-02T12:00", "2026-03-02T13:00"),
    );
    assert_eq!(two(late.clone(), early.clone()), None);
    let overlapping = shift("2026-03-02T11:59", "2026-03-02T12:30");
    assert_eq!(two(overlapping, early), Some(ParseError::ShiftsOverlap));
    let period = |p: &str| refused(&line("1.00", "").replace("2026-03-01", p));
    assert_eq!(
        period("2026-03-02"),
        Some(ParseError::PeriodNotFirstOfMonth)
    );
    assert_eq!(
        period("2200-03-01"),
        Some(ParseError::PeriodOutsideYears(2200))
    );
    for bad in [
        "",
        "[]",
        r#"{"id": 1}"#,
        &line("1.00", "").replace("\"id\": 1", "\"id\": 1.5"),
        &line("1.00", "").replace("\"id\": 1", "\"id\": 1, \"id\": 2"),
        &line(
            "1.00",
            &shift("2026-03-02T08:00", "2026-03-02T09:00").replace("ordinary", "Ordinary"),
        ),
        &format!("{} x", line("1.00", "")),
        // Arrays in place of objects (serde would take them as structs).
        r#"[1, "2026-03-01", 1.00, 100.00, 0.00, []]"#,
        &line(
            "1.00",
            r#"["2026-03-02T08:00", "2026-03-02T09:00", "ordinary"]"#,
        ),
        &line(
            "1.00",
            &shift("2026-03-02T08:00", "2026-03-02T09:00")
                .replace("}", r#", "end": "2026-03-02T10:00"}"#),
        ),
        &line(
            "1.00",
            r#"{"start": "2026-03-02T08:00", "kind": "ordinary"}"#,
        ),
    ] {
        assert!(matches!(refused(bad), Some(ParseError::Json(_))), "{bad}");
    }
}

#[test]
fn csv_rows() {
    let o = Output {
        id: 12,
        ob_pay: 123_457,
        overtime_pay: -5,
        mertid_hours: 1_250,
        overtime_year_violation: true,
        holidays_in_period: 3,
        ..Output::default()
    };
    let mut row = Vec::new();
    write_csv_row(&mut row, &o).unwrap();
    assert_eq!(
        String::from_utf8(row).unwrap(),
        "12,0.00,0.00,0.00,1234.57,0.00,0.00,-0.05,12.50,0.00,false,true,3\n"
    );
    assert_eq!(CSV_HEADER.split(',').count(), 13);
}
