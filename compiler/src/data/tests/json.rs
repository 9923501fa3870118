//! Reading JSON: rows with strings and exact numbers, every problem with
//! its path, malformed rows, and scalars.

use super::*;

#[test]
fn json_rows_take_strings_and_exact_numbers() {
    let row = row_type()
        .parse_json_text(r#"{"extra": {"x": [1]}, "days": ["2026-01-01"], "division": "II", "salary": 30000.10}"#)
        .unwrap();
    let Value::Record(fields) = row else { panic!() };
    assert_eq!(decimal_of(&fields[0]).to_string(), "30000.10");
    assert_eq!(fields[1], Value::Variant(1));
    let row = row_type()
        .parse_json_text(r#"{"salary": "0.1234", "division": "I", "days": []}"#)
        .unwrap_err();
    assert_eq!(row.len(), 1);
    assert_eq!(row[0].path, "salary");
    assert_eq!(row[0].problem, Problem::TooManyDecimals { allowed: 2 });
    // Digits beyond f64's precision survive.
    let d = ty(Type::Decimal);
    let raw: &RawValue = serde_json::from_str("0.1234567890123456789").unwrap();
    assert_eq!(
        decimal_of(&d.parse_json(raw).unwrap()).to_string(),
        "0.1234567890123456789"
    );
}

#[test]
fn json_rows_report_every_problem_with_its_path() {
    let errors = row_type()
        .parse_json_text(r#"{"salary": null, "days": ["2026-01-01", "2026-02-30", 5]}"#)
        .unwrap_err();
    let summary: Vec<(String, Code)> = errors
        .iter()
        .map(|e| (e.path.clone(), msg::cell(e).code))
        .collect();
    assert_eq!(
        summary,
        vec![
            ("salary".to_string(), Code::BadCell),
            ("division".to_string(), Code::MissingInputField),
            ("days[1]".to_string(), Code::BadCell),
            ("days[2]".to_string(), Code::BadCell),
        ]
    );
    assert_eq!(
        msg::cell(&errors[0]).message,
        "expected money like 30000.00, found null"
    );
    assert_eq!(
        msg::cell(&errors[1]).message,
        "the row has no field `division`"
    );
}

#[test]
fn malformed_json_rows() {
    for line in ["{", "[1, 2]", "12", "{\"salary\": 1,}", "", "{} x", "{}{}"] {
        let errors = row_type().parse_json_text(line).unwrap_err();
        assert!(!errors.is_empty(), "{line}");
        let code = msg::cell(&errors[0]).code;
        assert!(
            matches!(code, Code::MalformedRow | Code::BadCell),
            "{line}: {code}"
        );
    }
    let errors = row_type()
        .parse_json_text(r#"{"salary": "1.00", "salary": "2.00", "division": "I", "days": []}"#)
        .unwrap_err();
    assert_eq!(errors[0].problem, Problem::Duplicate);
}

#[test]
fn json_scalars() {
    let parse = |t: Type, text: &str| {
        let raw: &RawValue = serde_json::from_str(text).unwrap();
        ty(t).parse_json(raw)
    };
    assert_eq!(parse(Type::Bool, "true").unwrap(), Value::Bool(true));
    assert_eq!(parse(Type::Bool, "\"false\"").unwrap(), Value::Bool(false));
    assert_eq!(
        decimal_of(&parse(Type::Int, "12").unwrap()),
        Decimal::from(12)
    );
    assert_eq!(
        decimal_of(&parse(Type::Int, "\"12\"").unwrap()),
        Decimal::from(12)
    );
    assert!(parse(Type::Money, "1e3").is_err());
    assert!(parse(Type::Date, "20260101").is_err());
    assert_eq!(
        parse(Type::Text, "\"a\\nb\"").unwrap(),
        Value::Text(Arc::from("a\nb"))
    );
    assert!(parse(Type::Money, "{}").is_err());
}
