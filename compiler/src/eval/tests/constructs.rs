//! Tables, conditions, limits, matches, aggregates and comprehensions,
//! `min`/`max`, lets, fields and records.

use super::*;

fn anstallning_enum() -> EnumInfo {
    EnumInfo {
        name: "Anställning".into(),
        variants: vec!["fullmakt".into(), "tillsvidare".into(), "visstid".into()],
        meta: Meta::default(),
        span: at(0),
    }
}

/// `uppsägningstid(anställning, år)`, rows as in `tests/eval/tables_first_match.avtal`,
/// plus a last row computing from its input; no row for a negative `år`
/// unless the first row (any `år`) applies.
fn table_program() -> Program {
    let row = |cells: Vec<Cell>, result: Expr| TableRow {
        cells,
        result,
        span: at(0),
    };
    let v = Const::Variant;
    let n = |x: i64| Const::Number(Decimal::from(x));
    let rows = vec![
        row(vec![Cell::OneOf(vec![v(0)]), Cell::Any], int("6")),
        row(
            vec![Cell::OneOf(vec![v(1)]), Cell::Compare(CompareOp::Ge, n(10))],
            int("6"),
        ),
        row(
            vec![Cell::OneOf(vec![v(1)]), Cell::Range(n(2), n(9))],
            int("4"),
        ),
        row(
            vec![Cell::OneOf(vec![v(1), v(2)]), Cell::Range(n(0), n(1))],
            int("1"),
        ),
        row(
            vec![Cell::Any, Cell::Compare(CompareOp::Ge, n(0))],
            bin(BinOp::Sub, local(1, Type::Int), int("3"), Type::Int, 0),
        ),
    ];
    let params = vec![("anställning", Type::Enum(EnumId(0))), ("år", Type::Int)];
    Program {
        enums: vec![anstallning_enum()],
        functions: vec![function(
            "uppsägningstid",
            FunctionKind::Table,
            params,
            Type::Int,
            2,
            Body::Table(rows),
        )],
        ..Program::default()
    }
}

#[test]
fn tables_take_the_first_matching_row() {
    let program = table_program();
    let interpreter = Interpreter::new(&program);
    let run = |variant: u32, years: &str| {
        interpreter.call(FuncId(0), &[Value::Variant(variant), number(years)])
    };
    let cases = [
        (0, "40", "6"),
        (1, "12", "6"),
        (1, "10.0", "6"),
        (1, "9", "4"),
        (1, "2", "4"),
        (1, "1", "1"),
        (2, "12", "9"),
        (2, "1", "1"),
        (0, "-1", "6"),
    ];
    for (variant, years, want) in cases {
        assert_eq!(run(variant, years), Ok(number(want)), "{variant} {years}");
    }
    // 9.5 is in no range row and not < 2: the last row computes 6.5.
    assert_eq!(run(1, "9.5"), Ok(number("6.5")));
    let error = interpreter
        .call(FuncId(0), &[Value::Variant(1), number("-1.5")])
        .unwrap_err();
    assert_eq!(error.code(), Code::NoTableRow);
    assert_eq!(
        error.message(),
        "no row of table `uppsägningstid` matches anställning = tillsvidare, år = -1.5"
    );
    assert_eq!(error.span(), at(700));
}

#[test]
fn conditions_collect_failed_reasons_in_order() {
    let requirement = |name: Option<&str>, test: Expr, reason: &str| Requirement {
        name: name.map(String::from),
        test,
        reason: reason.into(),
        span: at(0),
    };
    let requirements = vec![
        requirement(
            Some("sparade"),
            bin(BinOp::Le, local(0, Type::Int), int("5"), Type::Bool, 0),
            "högst fem sparade dagar",
        ),
        requirement(
            None,
            expr(
                ExprKind::Unary(UnOp::Not, Box::new(local(1, Type::Bool))),
                Type::Bool,
                0,
            ),
            "ingen planerad längre frånvaro",
        ),
    ];
    let params = vec![("sparade", Type::Int), ("frånvaro", Type::Bool)];
    let program = Program {
        functions: vec![function(
            "får_byta",
            FunctionKind::Condition,
            params,
            Type::Eligibility,
            2,
            Body::Condition(requirements),
        )],
        ..Program::default()
    };
    let interpreter = Interpreter::new(&program);
    let show = |sparade: &str, franvaro: bool| {
        let value = interpreter
            .call(FuncId(0), &[number(sparade), Value::Bool(franvaro)])
            .unwrap();
        format_value(&program, &Type::Eligibility, &value)
    };
    assert_eq!(
        show("3", false),
        "Eligibility { ok: true, failed: [], reasons: [] }"
    );
    // A named requirement fails by its name; an unnamed one by its reason.
    assert_eq!(
        show("6", false),
        "Eligibility { ok: false, failed: [\"sparade\"], reasons: [\"högst fem sparade dagar\"] }"
    );
    assert_eq!(
        show("9", true),
        "Eligibility { ok: false, failed: [\"sparade\", \"ingen planerad längre frånvaro\"], reasons: [\"högst fem sparade dagar\", \"ingen planerad längre frånvaro\"] }"
    );
}

#[test]
fn limits_report_room_and_violation() {
    let limit = |at_most: bool, bound: &str| {
        let body = LimitBody {
            measured: bin(
                BinOp::Add,
                local(0, Type::Hours),
                local(1, Type::Hours),
                Type::Hours,
                0,
            ),
            at_most,
            bound: num(bound, Type::Hours),
            period: Some("calendar year".into()),
        };
        let params = vec![("mertid", Type::Hours), ("övertid", Type::Hours)];
        let ty = Type::LimitCheck(Box::new(Type::Hours));
        Program {
            functions: vec![function(
                "tak",
                FunctionKind::Limit,
                params,
                ty,
                2,
                Body::Limit(body),
            )],
            ..Program::default()
        }
    };
    let show = |program: &Program, a: &str, b: &str| {
        let value = Interpreter::new(program)
            .call(FuncId(0), &[number(a), number(b)])
            .unwrap();
        format_value(program, &Type::LimitCheck(Box::new(Type::Hours)), &value)
    };
    // The three numbers are stored values: at the storage scale of hours.
    let at_most = limit(true, "200");
    assert_eq!(
        show(&at_most, "120.5", "79.5"),
        "LimitCheck<Hours> { used: 200.00, bound: 200.00, room: 0.00, violated: false }"
    );
    assert_eq!(
        show(&at_most, "150", "60.5"),
        "LimitCheck<Hours> { used: 210.50, bound: 200.00, room: -10.50, violated: true }"
    );
    let at_least = limit(false, "20");
    assert_eq!(
        show(&at_least, "15", "0"),
        "LimitCheck<Hours> { used: 15.00, bound: 20.00, room: -5.00, violated: true }"
    );
    assert_eq!(
        show(&at_least, "20", "5"),
        "LimitCheck<Hours> { used: 25.00, bound: 20.00, room: 5.00, violated: false }"
    );
}

#[test]
fn matches_on_variants_and_bools() {
    let arms = |scrutinee: Expr| {
        expr(
            ExprKind::Match {
                scrutinee: Box::new(scrutinee),
                arms: vec![(vec![0], int("10")), (vec![1, 2], int("20"))],
                default: Some(Box::new(int("30"))),
            },
            Type::Int,
            0,
        )
    };
    let variant = |v: u32| expr(ExprKind::Const(Const::Variant(v)), Type::Enum(EnumId(0)), 0);
    let boolean = |b: bool| expr(ExprKind::Const(Const::Bool(b)), Type::Bool, 0);
    assert_eq!(eval(arms(variant(0))), Ok(number("10")));
    assert_eq!(eval(arms(variant(2))), Ok(number("20")));
    assert_eq!(eval(arms(variant(5))), Ok(number("30")));
    assert_eq!(eval(arms(boolean(false))), Ok(number("10")));
    assert_eq!(eval(arms(boolean(true))), Ok(number("20")));
}

#[test]
fn aggregates_and_comprehensions() {
    let items = || {
        list(
            vec![money("30000"), money("25000.50"), money("40000")],
            Type::Money,
        )
    };
    let aggregate =
        |a: Aggregate, list: Expr, ty: Type| expr(ExprKind::Aggregate(a, Box::new(list)), ty, 70);
    // [x * 2 for x in items if x > 26000] — slot 0 is the binder.
    let comprehension = |filter_above: &str| {
        expr(
            ExprKind::Comprehension {
                element: Box::new(bin(
                    BinOp::Mul,
                    local(0, Type::Money),
                    int("2"),
                    Type::Money,
                    0,
                )),
                binder: LocalId(0),
                list: Box::new(items()),
                filter: Some(Box::new(bin(
                    BinOp::Gt,
                    local(0, Type::Money),
                    money(filter_above),
                    Type::Bool,
                    0,
                ))),
            },
            Type::List(Box::new(Type::Money)),
            0,
        )
    };
    let run = |body: Expr| {
        let ty = body.ty.clone();
        let program = Program {
            functions: vec![function(
                "f",
                FunctionKind::Rule,
                vec![],
                ty,
                1,
                Body::Expr(body),
            )],
            ..Program::default()
        };
        Interpreter::new(&program).call(FuncId(0), &[])
    };
    assert_eq!(
        run(aggregate(Aggregate::Sum, items(), Type::Money)),
        Ok(number("95000.50"))
    );
    assert_eq!(
        run(aggregate(
            Aggregate::Sum,
            comprehension("26000"),
            Type::Money
        )),
        Ok(number("140000"))
    );
    assert_eq!(
        run(aggregate(
            Aggregate::Count,
            comprehension("26000"),
            Type::Int
        )),
        Ok(number("2"))
    );
    assert_eq!(
        run(aggregate(Aggregate::Min, comprehension("0"), Type::Money)),
        Ok(number("50001.00"))
    );
    assert_eq!(
        run(aggregate(Aggregate::Max, items(), Type::Money)),
        Ok(number("40000"))
    );
    let empty = run(aggregate(
        Aggregate::Sum,
        comprehension("99999"),
        Type::Money,
    ))
    .unwrap();
    assert_eq!(empty.as_number().unwrap().to_string(), "0");
    let error = run(aggregate(
        Aggregate::Min,
        comprehension("99999"),
        Type::Money,
    ))
    .unwrap_err();
    assert_eq!((error.code(), error.span()), (Code::EmptyList, at(70)));
    assert_eq!(error.message(), "`min` of an empty list has no value");
    let shown = run(comprehension("26000")).unwrap();
    assert_eq!(
        format_value(
            &Program::default(),
            &Type::List(Box::new(Type::Money)),
            &shown
        ),
        "[60000.00, 80000.00]"
    );
    let bools = |values: &[bool]| {
        let items = values
            .iter()
            .map(|b| expr(ExprKind::Const(Const::Bool(*b)), Type::Bool, 0))
            .collect();
        list(items, Type::Bool)
    };
    assert_eq!(
        run(aggregate(Aggregate::All, bools(&[]), Type::Bool)),
        Ok(Value::Bool(true))
    );
    assert_eq!(
        run(aggregate(Aggregate::All, bools(&[true, false]), Type::Bool)),
        Ok(Value::Bool(false))
    );
    assert_eq!(
        run(aggregate(Aggregate::Any, bools(&[false, true]), Type::Bool)),
        Ok(Value::Bool(true))
    );
    assert_eq!(
        run(aggregate(Aggregate::Any, bools(&[]), Type::Bool)),
        Ok(Value::Bool(false))
    );
}

#[test]
fn min_max_keep_the_first_on_ties() {
    let min = builtin(
        Builtin::Min,
        vec![money("2.50"), money("2.5"), money("3")],
        Type::Money,
        0,
    );
    assert_eq!(eval(min).unwrap().as_number().unwrap().to_string(), "2.50");
    let max = builtin(Builtin::Max, vec![money("0"), money("-5")], Type::Money, 0);
    assert_eq!(eval(max).unwrap().as_number().unwrap().to_string(), "0");
    let dates = builtin(
        Builtin::Max,
        vec![date("2026-01-01"), date("2026-06-30"), date("2026-03-01")],
        Type::Date,
        0,
    );
    assert_eq!(eval(dates), Ok(day("2026-06-30")));
    let abs = builtin(Builtin::Abs, vec![money("-5.50")], Type::Money, 0);
    assert_eq!(eval(abs).unwrap().as_number().unwrap().to_string(), "5.50");
}

#[test]
fn lets_fields_records_and_text() {
    // let x = Anställd { … } in x.fast_lön + x.semestertillägg
    let record = expr(
        ExprKind::Record {
            record: RecordId(0),
            fields: vec![money("100"), num("50", Type::Percent), money("0.50")],
        },
        Type::Record(RecordId(0)),
        0,
    );
    let x = || local(0, Type::Record(RecordId(0)));
    let sum = bin(
        BinOp::Add,
        field(x(), 0, Type::Money),
        field(x(), 2, Type::Money),
        Type::Money,
        0,
    );
    let body = expr(
        ExprKind::Let {
            local: LocalId(0),
            value: Box::new(record),
            body: Box::new(sum),
        },
        Type::Money,
        0,
    );
    let program = Program {
        records: vec![anstalld()],
        functions: vec![function(
            "f",
            FunctionKind::Rule,
            vec![],
            Type::Money,
            1,
            Body::Expr(body),
        )],
        ..Program::default()
    };
    assert_eq!(
        Interpreter::new(&program).call(FuncId(0), &[]),
        Ok(number("100.50"))
    );
    let text = |t: &str| expr(ExprKind::Const(Const::Text(t.into())), Type::Text, 0);
    assert_eq!(
        eval(bin(
            BinOp::Concat,
            text("be"),
            text("viljas"),
            Type::Text,
            0
        )),
        Ok(Value::Text(Arc::from("beviljas")))
    );
    assert_eq!(eval(eq(text("a"), text("a"))), Ok(Value::Bool(true)));
    assert_eq!(
        eval(eq(money("1.50"), num("1.5", Type::Decimal))),
        Ok(Value::Bool(true))
    );
}
