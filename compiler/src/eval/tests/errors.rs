//! Run-time errors at the span of their node: division by zero, overflow,
//! the calendar's edges, nesting too deep; and `and`/`or` short-circuits
//! that skip an error.

use super::*;

#[test]
fn division_by_zero_and_overflow_are_errors_at_their_node() {
    let error = eval(bin(BinOp::Div, money("30000"), int("0"), Type::Money, 40)).unwrap_err();
    assert_eq!((error.code(), error.span()), (Code::DivisionByZero, at(40)));
    let error = eval(bin(
        BinOp::DivPercent,
        money("1"),
        num("0", Type::Percent),
        Type::Money,
        41,
    ))
    .unwrap_err();
    assert_eq!((error.code(), error.span()), (Code::DivisionByZero, at(41)));
    let big = || num("100000000000000000000", Type::Decimal);
    let error = eval(bin(BinOp::Mul, big(), big(), Type::Decimal, 42)).unwrap_err();
    assert_eq!((error.code(), error.span()), (Code::Overflow, at(42)));
    let max = || num("79228162514264337593543950335", Type::Decimal);
    let sum = bin(BinOp::Add, max(), max(), Type::Decimal, 43);
    let error = eval(bin(BinOp::Mul, sum, max(), Type::Decimal, 44)).unwrap_err();
    assert_eq!((error.code(), error.span()), (Code::Overflow, at(44)));
    let items = list(vec![max(), max(), max()], Type::Decimal);
    let total = expr(
        ExprKind::Aggregate(Aggregate::Sum, Box::new(items)),
        Type::Decimal,
        45,
    );
    let three_max = Number::from_fraction(3 * 79228162514264337593543950335, 1).unwrap();
    assert_eq!(eval(total), Ok(Value::Number(three_max)));
}

#[test]
fn short_circuit_skips_the_error() {
    let failing = || {
        eq(
            bin(BinOp::Div, int("1"), int("0"), Type::Decimal, 0),
            int("1"),
        )
    };
    let and = bin(
        BinOp::And,
        expr(ExprKind::Const(Const::Bool(false)), Type::Bool, 0),
        failing(),
        Type::Bool,
        0,
    );
    assert_eq!(eval(and), Ok(Value::Bool(false)));
    let or = bin(
        BinOp::Or,
        expr(ExprKind::Const(Const::Bool(true)), Type::Bool, 0),
        failing(),
        Type::Bool,
        0,
    );
    assert_eq!(eval(or), Ok(Value::Bool(true)));
    let or = bin(
        BinOp::Or,
        expr(ExprKind::Const(Const::Bool(false)), Type::Bool, 0),
        failing(),
        Type::Bool,
        0,
    );
    assert_eq!(eval(or).unwrap_err().code(), Code::DivisionByZero);
}

#[test]
fn dates_clamp_and_report_the_calendar_edge() {
    let months = |n: &str| num(n, Type::Months);
    let days = |n: &str| num(n, Type::Days);
    assert_eq!(
        shown(bin(
            BinOp::AddMonths,
            date("2026-08-31"),
            months("6"),
            Type::Date,
            0
        )),
        "2027-02-28"
    );
    assert_eq!(
        shown(bin(
            BinOp::AddMonths,
            months("1"),
            date("2026-01-31"),
            Type::Date,
            0
        )),
        "2026-02-28"
    );
    let twice = bin(
        BinOp::AddMonths,
        bin(
            BinOp::AddMonths,
            date("2026-01-31"),
            months("1"),
            Type::Date,
            0,
        ),
        months("1"),
        Type::Date,
        0,
    );
    assert_eq!(shown(twice), "2026-03-28");
    assert_eq!(
        shown(bin(
            BinOp::SubMonths,
            date("2024-02-29"),
            months("12"),
            Type::Date,
            0
        )),
        "2023-02-28"
    );
    assert_eq!(
        shown(bin(
            BinOp::SubDays,
            date("2026-03-01"),
            days("1"),
            Type::Date,
            0
        )),
        "2026-02-28"
    );
    assert_eq!(
        shown(bin(
            BinOp::DateDiff,
            date("2026-01-01"),
            date("2026-01-02"),
            Type::Days,
            0
        )),
        "-1"
    );
    let weeks = builtin(Builtin::ToWeeks, vec![int("2")], Type::Days, 0);
    assert_eq!(
        shown(bin(
            BinOp::AddDays,
            date("2026-01-01"),
            weeks,
            Type::Date,
            0
        )),
        "2026-01-15"
    );
    let years = builtin(Builtin::ToYears, vec![int("4")], Type::Months, 0);
    assert_eq!(
        shown(bin(
            BinOp::AddMonths,
            date("2024-02-29"),
            years,
            Type::Date,
            0
        )),
        "2028-02-29"
    );
    let error = eval(bin(
        BinOp::AddDays,
        date("2026-01-01"),
        days("999999999"),
        Type::Date,
        60,
    ))
    .unwrap_err();
    assert_eq!((error.code(), error.span()), (Code::DateOutOfRange, at(60)));
    assert_eq!(
        error.message(),
        "2026-01-01 + 999999999 days is outside the supported calendar"
    );
    let half = bin(BinOp::Div, int("1"), int("2"), Type::Decimal, 0);
    let error = eval(bin(
        BinOp::AddDays,
        date("2026-01-01"),
        half,
        Type::Date,
        61,
    ))
    .unwrap_err();
    assert_eq!((error.code(), error.span()), (Code::DateOutOfRange, at(61)));
    let make = builtin(
        Builtin::MakeDate,
        vec![int("2026"), int("2"), int("29")],
        Type::Date,
        62,
    );
    let error = eval(make).unwrap_err();
    assert_eq!((error.code(), error.span()), (Code::DateOutOfRange, at(62)));
    assert_eq!(error.message(), "`date(2026, 2, 29)` is not a date");
    let parts = [
        Builtin::Year,
        Builtin::Month,
        Builtin::Day,
        Builtin::DaysInMonth,
    ]
    .map(|b| shown(builtin(b, vec![date("2028-02-10")], Type::Int, 0)));
    assert_eq!(parts, ["2028", "2", "10", "29"].map(String::from));
}

#[test]
fn deep_recursion_is_an_error_not_a_crash() {
    // f(n) = f(n + 1): the checker forbids this; the interpreter still stops.
    let body = call(
        0,
        vec![bin(BinOp::Add, local(0, Type::Int), int("1"), Type::Int, 0)],
        Type::Int,
        80,
    );
    let program = Program {
        functions: vec![rule("f", vec![("n", Type::Int)], Type::Int, body)],
        ..Program::default()
    };
    let error = Interpreter::new(&program)
        .call(FuncId(0), &[number("0")])
        .unwrap_err();
    assert_eq!(error.code(), Code::Recursion);
    // Deeply nested expressions of every recursive kind stop too, within
    // the 2 MiB stack of a test thread in a debug build.
    let nest = |wrap: &dyn Fn(Expr) -> Expr| {
        let mut nested = int("1");
        for _ in 0..1000 {
            nested = wrap(nested);
        }
        nested
    };
    let bool_const = |b: bool| expr(ExprKind::Const(Const::Bool(b)), Type::Bool, 0);
    let deep: Vec<Expr> = vec![
        nest(&|e| bin(BinOp::Add, e, int("1"), Type::Int, 81)),
        nest(&|e| bin(BinOp::Add, int("1"), e, Type::Int, 81)),
        nest(&|e| builtin(Builtin::Abs, vec![e], Type::Int, 81)),
        nest(&|e| builtin(Builtin::Max, vec![int("0"), e], Type::Int, 81)),
        nest(&|e| round(e, "1", RoundMode::HalfEven, Type::Int)),
        nest(&|e| expr(ExprKind::Unary(UnOp::Neg, Box::new(e)), Type::Int, 81)),
        nest(&|e| {
            let kind = ExprKind::If {
                cond: Box::new(bool_const(true)),
                then: Box::new(e),
                otherwise: Box::new(int("0")),
            };
            expr(kind, Type::Int, 81)
        }),
        nest(&|e| {
            let kind = ExprKind::Match {
                scrutinee: Box::new(bool_const(true)),
                arms: vec![(vec![1], e)],
                default: None,
            };
            expr(kind, Type::Int, 81)
        }),
        nest(&|e| {
            let kind = ExprKind::Let {
                local: LocalId(0),
                value: Box::new(int("1")),
                body: Box::new(e),
            };
            expr(kind, Type::Int, 81)
        }),
        nest(&|e| {
            let kind = ExprKind::Let {
                local: LocalId(0),
                value: Box::new(e),
                body: Box::new(local(0, Type::Int)),
            };
            expr(kind, Type::Int, 81)
        }),
        nest(&|e| {
            field(
                expr(
                    ExprKind::Record {
                        record: RecordId(0),
                        fields: vec![e],
                    },
                    Type::Int,
                    81,
                ),
                0,
                Type::Int,
            )
        }),
        nest(&|e| {
            expr(
                ExprKind::Aggregate(Aggregate::Sum, Box::new(list(vec![e], Type::Int))),
                Type::Int,
                81,
            )
        }),
        nest(&|e| {
            let kind = ExprKind::Comprehension {
                element: Box::new(local(0, Type::Int)),
                binder: LocalId(0),
                list: Box::new(list(vec![e], Type::Int)),
                filter: None,
            };
            let inner = expr(kind, Type::List(Box::new(Type::Int)), 81);
            expr(
                ExprKind::Aggregate(Aggregate::Max, Box::new(inner)),
                Type::Int,
                81,
            )
        }),
    ];
    for body in deep {
        let program = Program {
            functions: vec![function(
                "f",
                FunctionKind::Rule,
                vec![],
                Type::Int,
                1,
                Body::Expr(body),
            )],
            ..Program::default()
        };
        let error = Interpreter::new(&program).call(FuncId(0), &[]).unwrap_err();
        assert_eq!(error.code(), Code::Recursion);
    }
    assert!(matches!(
        Interpreter::new(&program).call(FuncId(0), &[]),
        Err(EvalError::Internal { .. })
    ));
}

#[test]
fn boolean_assertions_fail_without_sides() {
    let program = Program {
        examples: vec![example(
            vec![bin(BinOp::Lt, int("2"), int("1"), Type::Bool, 90)],
            0,
        )],
        ..Program::default()
    };
    let outcome = Interpreter::new(&program).run_example(0);
    assert_eq!(
        outcome,
        ExampleOutcome::Failed(vec![AssertionFailure {
            span: at(90),
            expected: None,
            actual: None
        }])
    );
}
