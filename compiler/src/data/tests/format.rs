//! Writing values: exact cell text, errors instead of rounding, and JSON
//! output with the path of a nested value that does not fit.

use super::*;

#[test]
fn money_and_percent_print_two_decimals_never_minus_zero() {
    assert_eq!(write(Type::Money, &number("197")).unwrap(), "197.00");
    assert_eq!(write(Type::Money, &number("0")).unwrap(), "0.00");
    assert_eq!(write(Type::Money, &number("-0.000")).unwrap(), "0.00");
    let mut minus_zero = Decimal::new(0, 2);
    minus_zero.set_sign_negative(true);
    let v = Value::Number(Number::from_decimal(minus_zero));
    assert_eq!(write(Type::Money, &v).unwrap(), "0.00");
    assert_eq!(write(Type::Percent, &number("4.6")).unwrap(), "4.60");
    assert_eq!(write(Type::Money, &number("-12.5")).unwrap(), "-12.50");
}

#[test]
fn inexact_values_are_errors_not_rounded() {
    let error = write(Type::Money, &number("0.125")).unwrap_err();
    assert_eq!(error.problem, Problem::NotExact { allowed: Some(2) });
    let message = msg::cell(&error);
    assert_eq!(message.code, Code::NotExact);
    assert_eq!(
        message.message,
        "the value 0.125 cannot be written as money with at most 2 decimals"
    );
    assert!(write(Type::Int, &number("1.5")).is_err());
    assert!(write(Type::Hours, &number("1.125")).is_err());
    let third = Value::Number(Number::from_fraction(1, 3).unwrap());
    let error = write(Type::Decimal, &third).unwrap_err();
    assert_eq!(error.problem, Problem::NotExact { allowed: None });
    assert_eq!(
        msg::cell(&error).message,
        "the value 1/3 cannot be written as an exact decimal"
    );
    let error = write(Type::Money, &third).unwrap_err();
    assert_eq!(error.found, Found::Value("1/3".into()));
    let huge = Value::Number(Number::from_fraction(10i128.pow(30), 1).unwrap());
    let error = write(Type::Decimal, &huge).unwrap_err();
    assert_eq!(error.problem, Problem::TooLarge);
    assert_eq!(msg::cell(&error).code, Code::Overflow);
    let error = write(Type::Money, &huge).unwrap_err();
    assert_eq!(error.problem, Problem::TooLarge);
}

#[test]
fn other_scalars_print_plainly() {
    assert_eq!(write(Type::Int, &number("12.00")).unwrap(), "12");
    assert_eq!(write(Type::Days, &number("-3")).unwrap(), "-3");
    // Hours, like money, are written with exactly 2 decimals.
    assert_eq!(write(Type::Hours, &number("123.4")).unwrap(), "123.40");
    assert_eq!(write(Type::Hours, &number("173.10")).unwrap(), "173.10");
    assert_eq!(write(Type::Hours, &number("200")).unwrap(), "200.00");
    assert_eq!(write(Type::Hours, &number("-0.0")).unwrap(), "0.00");
    assert_eq!(write(Type::Decimal, &number("1.250")).unwrap(), "1.250");
    assert_eq!(write(Type::Decimal, &number("0.0005")).unwrap(), "0.0005");
    assert_eq!(write(Type::Decimal, &number("-0.05")).unwrap(), "-0.05");
    assert_eq!(
        write(Type::Decimal, &number("79228162514264337593543950335")).unwrap(),
        "79228162514264337593543950335"
    );
    assert_eq!(
        write(Type::Decimal, &number("-7.9228162514264337593543950335")).unwrap(),
        "-7.9228162514264337593543950335"
    );
    assert_eq!(
        write(Type::Decimal, &number("0.0000000000000000000000000001")).unwrap(),
        "0.0000000000000000000000000001"
    );
    assert_eq!(write(Type::Bool, &Value::Bool(true)).unwrap(), "true");
    let date = Value::Date(NaiveDate::from_ymd_opt(2027, 2, 28).unwrap());
    assert_eq!(write(Type::Date, &date).unwrap(), "2027-02-28");
    assert_eq!(
        write(Type::Enum(EnumId(0)), &Value::Variant(1)).unwrap(),
        "II"
    );
    assert!(write(Type::Enum(EnumId(0)), &Value::Variant(7)).is_err());
    assert!(write(Type::Money, &Value::Bool(true)).is_err());
}

#[test]
fn json_output() {
    let out_type = ty(Type::Record(RecordId(1)));
    let value = Value::Record(Arc::from(vec![
        number("-0"),
        Value::Text(Arc::from("rad 1\n\"citat\"")),
        Value::Record(Arc::from(vec![
            number("210.5"),
            number("200"),
            number("-10.5"),
            Value::Bool(true),
        ])),
    ]));
    let mut out = String::new();
    out_type.write_json(&value, &mut out).unwrap();
    assert_eq!(
        out,
        r#"{"pay":"0.00","note":"rad 1\n\"citat\"","room":{"used":"210.50","bound":"200.00","room":"-10.50","violated":true}}"#
    );
    let parsed: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(parsed["room"]["violated"], true);
    // A nested value that does not fit names its path.
    let bad = Value::Record(Arc::from(vec![
        number("1"),
        Value::Text(Arc::from("")),
        Value::Record(Arc::from(vec![
            number("0.001"),
            number("1"),
            number("1"),
            Value::Bool(false),
        ])),
    ]));
    let error = out_type.write_json(&bad, &mut String::new()).unwrap_err();
    assert_eq!(error.path, "room.used");
}

/// Issue 13, item 10: every date the writer writes, the reader reads back
/// as the same date; a date it cannot write (years past 9999 or before 0)
/// is an E0504 error, not text the reader would refuse.
#[test]
fn dates_written_are_dates_read_and_the_rest_are_errors() {
    let day = |y: i32, m: u32, d: u32| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    let in_files = [
        day(0, 1, 1),
        day(1, 1, 1),
        day(2026, 6, 1),
        day(9999, 12, 31),
    ];
    for date in in_files {
        let text = write(Type::Date, &Value::Date(date)).unwrap();
        assert_eq!(
            read(Type::Date, &text).unwrap(),
            Value::Date(date),
            "{text}"
        );
        // The same through JSON: a string that reads back.
        let mut json = String::new();
        ty(Type::Date)
            .write_json(&Value::Date(date), &mut json)
            .unwrap();
        assert_eq!(json, format!("\"{text}\""));
    }
    let beyond = [day(10000, 4, 1), day(-1, 12, 31), day(262_142, 12, 31)];
    for date in beyond {
        // What the writer used to write (chrono's `+10000-04-01`) is refused
        // by the reader, so the writer must refuse it too.
        assert!(read(Type::Date, &date.to_string()).is_err(), "{date}");
        let error = write(Type::Date, &Value::Date(date)).unwrap_err();
        assert_eq!(error.problem, Problem::DateBeyondFiles);
        assert_eq!(error.found, Found::Value(date.to_string()));
        let message = msg::cell(&error);
        assert_eq!(message.code, Code::DateOutOfRange);
        assert_eq!(
            message.message,
            format!("the date {date} cannot be written as `YYYY-MM-DD`")
        );
        assert!(
            ty(Type::Date)
                .write_json(&Value::Date(date), &mut String::new())
                .is_err()
        );
    }
}

#[test]
fn a_date_beyond_the_files_in_a_json_row_names_its_path() {
    let day = |y: i32, m: u32, d: u32| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    let row = Value::Record(Arc::from(vec![
        number("1"),
        Value::Variant(0),
        Value::List(Arc::from(vec![
            Value::Date(day(2026, 1, 1)),
            Value::Date(day(10000, 4, 1)),
        ])),
    ]));
    let error = row_type().write_json(&row, &mut String::new()).unwrap_err();
    assert_eq!(error.path, "days[1]");
    assert_eq!(error.problem, Problem::DateBeyondFiles);
}
