//! The W1 formulas end to end: the vacation guarantee (197.00), the
//! reserve top-up through a non-terminating day rate, param lookups and
//! example outcomes.

use super::*;

/// W1: `max(0 SEK, round(garantibelopp at dag * a.sysselsättningsgrad
/// - (4.6 % * a.fast_lön + a.semestertillägg), 0.01 SEK))`.
fn w1_program(expected: &str) -> Program {
    let a = || local(0, Type::Record(RecordId(0)));
    let lookup = expr(
        ExprKind::Param {
            param: ParamId(0),
            at: Box::new(local(1, Type::Date)),
        },
        Type::Money,
        10,
    );
    let guarantee = bin(
        BinOp::MulPercent,
        lookup,
        field(a(), 1, Type::Percent),
        Type::Money,
        11,
    );
    let share = bin(
        BinOp::MulPercent,
        num("4.6", Type::Percent),
        field(a(), 0, Type::Money),
        Type::Money,
        12,
    );
    let deduction = bin(
        BinOp::Add,
        share,
        field(a(), 2, Type::Money),
        Type::Money,
        13,
    );
    let difference = bin(BinOp::Sub, guarantee, deduction, Type::Money, 14);
    let body = builtin(
        Builtin::Max,
        vec![
            money("0"),
            round(difference, "0.01", RoundMode::HalfAwayFromZero, Type::Money),
        ],
        Type::Money,
        15,
    );
    let person = expr(
        ExprKind::Record {
            record: RecordId(0),
            fields: vec![money("30000"), num("100", Type::Percent), money("132")],
        },
        Type::Record(RecordId(0)),
        0,
    );
    let assertion = eq(
        call(0, vec![person, date("2026-03-01")], Type::Money, 20),
        money(expected),
    );
    Program {
        records: vec![anstalld()],
        params: vec![garantibelopp()],
        functions: vec![rule(
            "garanti_per_dag",
            vec![("a", Type::Record(RecordId(0))), ("dag", Type::Date)],
            Type::Money,
            body,
        )],
        examples: vec![example(vec![assertion], 0)],
        ..Program::default()
    }
}

#[test]
fn w1_vacation_guarantee_is_197() {
    let program = w1_program("197.00");
    let interpreter = Interpreter::new(&program);
    assert_eq!(interpreter.run_example(0), ExampleOutcome::Passed);
    let person = Value::Record(Arc::from(vec![
        number("30000.00"),
        number("100.00"),
        number("132.00"),
    ]));
    let value = interpreter
        .call(FuncId(0), &[person, day("2026-03-01")])
        .unwrap();
    assert_eq!(format_value(&program, &Type::Money, &value), "197.00");
    assert_eq!(value.as_number().unwrap().scale(), Some(2));
}

#[test]
fn failed_example_shows_both_sides() {
    let program = w1_program("198");
    let outcome = Interpreter::new(&program).run_example(0);
    let ExampleOutcome::Failed(failures) = outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(
        failures,
        vec![AssertionFailure {
            span: at(900),
            expected: Some("198.00".into()),
            actual: Some("197.00".into())
        }]
    );
    let diagnostic = failures[0].to_diagnostic("heltid");
    assert_eq!(diagnostic.code, Code::ExampleFailed);
    assert_eq!(
        diagnostic.label.as_deref(),
        Some("expected 198.00, found 197.00")
    );
    assert!(matches!(
        Interpreter::new(&program).run_example(7),
        ExampleOutcome::Error(_)
    ));
}

#[test]
fn reserve_top_up_with_a_non_terminating_day_rate() {
    // round(days * salary * 12 / 365 - pay * days / reserve_days, 0.01 SEK)
    let (salary, days, pay, reserve) = (
        local(0, Type::Money),
        local(1, Type::Int),
        local(2, Type::Money),
        local(3, Type::Int),
    );
    let per_day = bin(
        BinOp::Div,
        bin(BinOp::Mul, salary, int("12"), Type::Money, 0),
        int("365"),
        Type::Money,
        0,
    );
    let earned = bin(BinOp::Mul, days.clone(), per_day, Type::Money, 0);
    let paid = bin(
        BinOp::Div,
        bin(BinOp::Mul, pay, days, Type::Money, 0),
        reserve,
        Type::Money,
        0,
    );
    let body = round(
        bin(BinOp::Sub, earned, paid, Type::Money, 0),
        "0.01",
        RoundMode::HalfAwayFromZero,
        Type::Money,
    );
    let params = vec![
        ("salary", Type::Money),
        ("days", Type::Int),
        ("pay", Type::Money),
        ("reserve_days", Type::Int),
    ];
    let program = Program {
        functions: vec![rule("reserve_topup", params, Type::Money, body)],
        ..Program::default()
    };
    let args = [
        number("30000.00"),
        number("10"),
        number("5000.00"),
        number("10"),
    ];
    let value = Interpreter::new(&program).call(FuncId(0), &args).unwrap();
    assert_eq!(value.as_number().unwrap().to_string(), "4863.01");
}

#[test]
fn param_lookup_and_before_first_date() {
    let lookup = |d: &str| {
        expr(
            ExprKind::Param {
                param: ParamId(0),
                at: Box::new(date(d)),
            },
            Type::Money,
            30,
        )
    };
    let program = |d: &str| Program {
        params: vec![garantibelopp()],
        functions: vec![rule("f", vec![], Type::Money, lookup(d))],
        ..Program::default()
    };
    let value = |d: &str| Interpreter::new(&program(d)).call(FuncId(0), &[]);
    assert_eq!(value("2026-01-01"), Ok(number("1709")));
    assert_eq!(value("2026-12-31"), Ok(number("1709")));
    assert_eq!(value("2027-01-01"), Ok(number("1759")));
    assert_eq!(value("2099-01-01"), Ok(number("1759")));
    let error = value("2025-12-31").unwrap_err();
    assert_eq!(error.code(), Code::BeforeFirstDate);
    assert_eq!(error.span(), at(30));
    assert_eq!(
        error.message(),
        "param `garantibelopp` has no value on 2025-12-31"
    );
    assert_eq!(
        error.help().as_deref(),
        Some("the param starts on 2026-01-01; check the date or add a `from` line")
    );
    assert_eq!(error.to_diagnostic().code, Code::BeforeFirstDate);
}
