//! Reading CSV cells: exact numbers and the hints for malformed ones,
//! dates, booleans, enum variants, text, and values that do not fit a cell.

use super::*;

#[test]
fn money_reads_exactly() {
    let v = read(Type::Money, "30000.00").unwrap();
    assert_eq!(decimal_of(&v), Decimal::new(3_000_000, 2));
    // Money is read at its canonical scale, 2 decimals.
    assert_eq!(
        decimal_of(&read(Type::Money, " -12.5 ").unwrap()),
        Decimal::new(-1250, 2)
    );
    assert_eq!(
        decimal_of(&read(Type::Money, "0.1").unwrap()).to_string(),
        "0.10"
    );
    // Trailing zeros beyond the type's decimals are harmless.
    assert_eq!(
        decimal_of(&read(Type::Money, "1.500").unwrap()).to_string(),
        "1.50"
    );
    assert!(read(Type::Money, "-0.00").is_ok());
}

#[test]
fn money_with_too_many_decimals_is_refused() {
    let (error, message) = read_error(Type::Money, "1.005");
    assert_eq!(error.problem, Problem::TooManyDecimals { allowed: 2 });
    assert_eq!(message.code, Code::BadCell);
    assert_eq!(
        message.message,
        "expected money with at most 2 decimals, found \"1.005\""
    );
}

#[test]
fn decimal_comma_is_refused_with_a_help() {
    let (error, message) = read_error(Type::Decimal, "12,5");
    assert_eq!(
        error.problem,
        Problem::Malformed(Hint::DecimalComma(Some("12.5".into())))
    );
    assert_eq!(
        message.message,
        "expected a decimal number like 1.25, found \"12,5\""
    );
    assert_eq!(
        message.help.as_deref(),
        Some("use a point as the decimal separator: `12.5`")
    );
}

#[test]
fn exponent_is_refused() {
    let (error, message) = read_error(Type::Money, "1e3");
    assert_eq!(error.problem, Problem::Malformed(Hint::Exponent));
    assert!(message.help.unwrap().contains("without an exponent"));
    assert!(read(Type::Money, "1E-2").is_err());
}

#[test]
fn thousands_separators_are_refused() {
    let (error, message) = read_error(Type::Money, "30 000");
    assert_eq!(
        error.problem,
        Problem::Malformed(Hint::Separators(Some("30000".into())))
    );
    assert_eq!(
        message.message,
        "expected money like 30000.00, found \"30 000\""
    );
    let (error, _) = read_error(Type::Money, "30,000.50");
    assert_eq!(
        error.problem,
        Problem::Malformed(Hint::Separators(Some("30000.50".into())))
    );
    let (error, _) = read_error(Type::Money, "30\u{a0}000,50");
    assert_eq!(
        error.problem,
        Problem::Malformed(Hint::Separators(Some("30000.50".into())))
    );
}

#[test]
fn units_and_odd_forms_are_refused() {
    let (error, message) = read_error(Type::Money, "30000 kr");
    assert_eq!(
        error.problem,
        Problem::Malformed(Hint::Unit(Some("30000".into())))
    );
    assert!(message.help.unwrap().contains("`30000`"));
    let (error, _) = read_error(Type::Percent, "83.46 %");
    assert_eq!(
        error.problem,
        Problem::Malformed(Hint::Unit(Some("83.46".into())))
    );
    for bad in [
        ".5", "5.", "+5", "--5", "5-", "1.2.3", "abc", "0x10", "NaN", "inf", "١٢",
    ] {
        assert!(read(Type::Decimal, bad).is_err(), "{bad}");
    }
    let (error, message) = read_error(Type::Money, "   ");
    assert_eq!(error.found, Found::Empty);
    assert_eq!(
        message.message,
        "expected money like 30000.00, found an empty cell"
    );
}

#[test]
fn huge_numbers_are_out_of_range_not_a_panic() {
    let (error, _) = read_error(Type::Decimal, &"9".repeat(40));
    assert_eq!(error.problem, Problem::OutOfRange);
    let (error, _) = read_error(Type::Decimal, &format!("0.{}", "1".repeat(29)));
    assert_eq!(error.problem, Problem::OutOfRange);
    assert!(read(Type::Decimal, "79228162514264337593543950335").is_ok());
    assert!(read(Type::Decimal, "-79228162514264337593543950335").is_ok());
    assert!(read(Type::Decimal, "79228162514264337593543950336").is_err());
    let long_zeros = format!("0.1{}", "0".repeat(29));
    assert_eq!(
        decimal_of(&read(Type::Decimal, &long_zeros).unwrap())
            .to_string()
            .len(),
        30
    );
    assert_eq!(
        decimal_of(&read(Type::Decimal, "1234567890123456789").unwrap()).to_string(),
        "1234567890123456789"
    );
    assert_eq!(
        decimal_of(&read(Type::Decimal, "-12345678901234567890.5").unwrap()).to_string(),
        "-12345678901234567890.5"
    );
}

#[test]
fn whole_numbers() {
    assert_eq!(
        decimal_of(&read(Type::Int, "12").unwrap()),
        Decimal::from(12)
    );
    assert_eq!(
        decimal_of(&read(Type::Int, "12.00").unwrap()).to_string(),
        "12"
    );
    assert_eq!(
        decimal_of(&read(Type::Days, "-3").unwrap()),
        Decimal::from(-3)
    );
    let (error, message) = read_error(Type::Int, "12.5");
    assert_eq!(error.problem, Problem::TooManyDecimals { allowed: 0 });
    assert_eq!(
        message.message,
        "expected a whole number like 12, found \"12.5\""
    );
    assert!(read(Type::Months, "6").is_ok());
}

#[test]
fn hours_and_percent() {
    assert_eq!(
        decimal_of(&read(Type::Hours, "26.9").unwrap()).to_string(),
        "26.90"
    );
    assert!(read(Type::Hours, "26.925").is_err());
    assert_eq!(
        decimal_of(&read(Type::Percent, "83.46").unwrap()).to_string(),
        "83.46"
    );
}

#[test]
fn dates() {
    assert_eq!(
        read(Type::Date, "2026-01-31").unwrap(),
        Value::Date(NaiveDate::from_ymd_opt(2026, 1, 31).unwrap())
    );
    let (error, message) = read_error(Type::Date, "2026-02-30");
    assert_eq!(error.problem, Problem::NoSuchDay);
    assert_eq!(
        message.help.as_deref(),
        Some("\"2026-02-30\" is not a day in the calendar")
    );
    let (error, _) = read_error(Type::Date, "31.01.2026");
    assert_eq!(
        error.problem,
        Problem::Malformed(Hint::DateFormat(Some("2026-01-31".into())))
    );
    let (error, _) = read_error(Type::Date, "2026/1/31");
    assert_eq!(
        error.problem,
        Problem::Malformed(Hint::DateFormat(Some("2026-01-31".into())))
    );
    let (error, _) = read_error(Type::Date, "20260131");
    assert_eq!(
        error.problem,
        Problem::Malformed(Hint::DateFormat(Some("2026-01-31".into())))
    );
    assert!(read(Type::Date, "2026-1-31x").is_err());
    assert!(read(Type::Date, "åäö").is_err());
}

#[test]
fn booleans() {
    for (text, value) in [
        ("true", true),
        ("FALSE", false),
        ("True", true),
        ("1", true),
        ("0", false),
    ] {
        assert_eq!(
            read(Type::Bool, text).unwrap(),
            Value::Bool(value),
            "{text}"
        );
    }
    let (_, message) = read_error(Type::Bool, "ja");
    assert_eq!(message.message, "expected `true` or `false`, found \"ja\"");
}

#[test]
fn enums_are_exact_and_list_their_variants() {
    let avdelning = Type::Enum(EnumId(0));
    assert_eq!(read(avdelning.clone(), "II").unwrap(), Value::Variant(1));
    let (error, message) = read_error(avdelning.clone(), "III");
    assert_eq!(message.code, Code::BadEnumValue);
    assert_eq!(message.message, "expected one of `I`, `II`, found \"III\"");
    assert_eq!(error.problem, Problem::UnknownVariant { suggestion: None });
    let (error, message) = read_error(avdelning, "ii");
    assert_eq!(
        error.problem,
        Problem::UnknownVariant {
            suggestion: Some("II".into())
        }
    );
    assert!(message.help.unwrap().starts_with("did you mean `II`?"));
}

#[test]
fn text_is_taken_as_is() {
    assert_eq!(
        read(Type::Text, " Åsa ").unwrap(),
        Value::Text(Arc::from(" Åsa "))
    );
}

#[test]
fn lists_do_not_fit_a_cell() {
    let (error, _) = read_error(Type::List(Box::new(Type::Int)), "[1]");
    assert_eq!(error.problem, Problem::NotInCell);
}
