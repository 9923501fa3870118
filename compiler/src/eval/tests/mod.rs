//! Interpreter tests on hand-built IR (builders here, cases by theme in
//! the submodules): the W1 formulas, params, tables, conditions, limits,
//! matches, aggregates, dates and every run-time error with the span of
//! the node where it happens.

mod constructs;
mod errors;
mod formulas;

use std::sync::Arc;

use rust_decimal::Decimal;

use super::*;
use crate::ir::*;
use crate::source::FileId;
use crate::types::{EnumId, RecordId, Type};

/// A span whose start identifies the node in assertions.
fn at(start: u32) -> Span {
    Span::new(FileId(0), start as usize, start as usize + 1)
}

/// A node of hand-built IR. Its static scale is unbounded for money,
/// percent and hours, so the canonical-scale rule (which relies on the
/// checker's scales) leaves these values as they are; stored values
/// (record fields, arguments, limits) still take their storage scale.
fn expr(kind: ExprKind, ty: Type, start: u32) -> Expr {
    let unit = |t: &Type| matches!(t, Type::Money | Type::Percent | Type::Hours);
    let scale = match &ty {
        t if unit(t) => None,
        Type::List(inner) if unit(inner) => None,
        _ => Some(0),
    };
    Expr {
        kind,
        ty,
        scale,
        span: at(start),
    }
}

fn num(text: &str, ty: Type) -> Expr {
    expr(ExprKind::Const(Const::Number(text.parse().unwrap())), ty, 0)
}

fn money(text: &str) -> Expr {
    num(text, Type::Money)
}

fn int(text: &str) -> Expr {
    num(text, Type::Int)
}

fn date(text: &str) -> Expr {
    expr(
        ExprKind::Const(Const::Date(text.parse().unwrap())),
        Type::Date,
        0,
    )
}

fn local(index: u32, ty: Type) -> Expr {
    expr(ExprKind::Local(LocalId(index)), ty, 0)
}

fn bin(op: BinOp, left: Expr, right: Expr, ty: Type, start: u32) -> Expr {
    expr(
        ExprKind::Binary(op, Box::new(left), Box::new(right)),
        ty,
        start,
    )
}

fn eq(left: Expr, right: Expr) -> Expr {
    bin(BinOp::Eq, left, right, Type::Bool, 900)
}

fn call(func: u32, args: Vec<Expr>, ty: Type, start: u32) -> Expr {
    expr(
        ExprKind::Call {
            func: FuncId(func),
            args,
        },
        ty,
        start,
    )
}

fn builtin(builtin: Builtin, args: Vec<Expr>, ty: Type, start: u32) -> Expr {
    expr(ExprKind::Builtin { builtin, args }, ty, start)
}

fn round(value: Expr, step: &str, mode: RoundMode, ty: Type) -> Expr {
    let step: Decimal = step.parse().unwrap();
    let kind = ExprKind::Round {
        value: Box::new(value),
        step,
        mode,
    };
    Expr {
        kind,
        ty,
        scale: Some(step.scale()),
        span: at(50),
    }
}

fn field(record: Expr, index: u32, ty: Type) -> Expr {
    expr(ExprKind::Field(Box::new(record), index), ty, 0)
}

fn list(items: Vec<Expr>, element: Type) -> Expr {
    expr(ExprKind::List(items), Type::List(Box::new(element)), 0)
}

fn function(
    name: &str,
    kind: FunctionKind,
    params: Vec<(&str, Type)>,
    ret: Type,
    n_locals: u32,
    body: Body,
) -> Function {
    Function {
        name: name.into(),
        kind,
        params: params
            .into_iter()
            .map(|(n, t)| (n.to_string(), t))
            .collect(),
        ret,
        n_locals,
        body,
        meta: Meta::default(),
        span: at(700),
    }
}

fn rule(name: &str, params: Vec<(&str, Type)>, ret: Type, body: Expr) -> Function {
    let n = u32::try_from(params.len()).unwrap();
    function(name, FunctionKind::Rule, params, ret, n, Body::Expr(body))
}

fn example(assertions: Vec<Expr>, n_locals: u32) -> ExampleInfo {
    ExampleInfo {
        title: "t".into(),
        module: "m".into(),
        n_locals,
        assertions,
        span: at(800),
    }
}

fn number(text: &str) -> Value {
    Value::Number(Number::from_decimal(text.parse().unwrap()))
}

fn day(text: &str) -> Value {
    Value::Date(text.parse().unwrap())
}

/// Evaluate one expression as the body of a rule without parameters.
fn eval(body: Expr) -> Result<Value, EvalError> {
    let ty = body.ty.clone();
    let program = Program {
        functions: vec![rule("f", vec![], ty, body)],
        ..Program::default()
    };
    Interpreter::new(&program).call(FuncId(0), &[])
}

fn shown(body: Expr) -> String {
    let ty = body.ty.clone();
    let program = Program::default();
    format_value(&program, &ty, &eval(body).unwrap())
}

fn garantibelopp() -> ParamInfo {
    ParamInfo {
        name: "garantibelopp".into(),
        ty: Type::Money,
        timeline: vec![
            (
                "2026-01-01".parse().unwrap(),
                Const::Number(Decimal::from(1709)),
            ),
            (
                "2027-01-01".parse().unwrap(),
                Const::Number(Decimal::from(1759)),
            ),
        ],
        meta: Meta::default(),
        span: at(600),
    }
}

fn anstalld() -> RecordInfo {
    let field = |name: &str, ty: Type| FieldInfo {
        name: name.into(),
        ty,
        doc: None,
        span: at(0),
    };
    RecordInfo {
        name: "Anställd".into(),
        fields: vec![
            field("fast_lön", Type::Money),
            field("sysselsättningsgrad", Type::Percent),
            field("semestertillägg", Type::Money),
        ],
        meta: Meta::default(),
        span: at(0),
    }
}
