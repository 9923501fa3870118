//! Checking calls: rules, tables, conditions and limits by name, and the
//! builtins (`min`, `max`, `abs`, date parts, durations, aggregates).

use super::expr::{error_expr, make};
use super::scale::{fits, max_scale, storage_scale, suggested_step};
use super::scope::Lookup;
use super::units::common_type;
use super::{Checker, ItemRef};
use crate::builtins::{BuiltinDef, Shape};
use crate::diagnostics::messages::check as msg;
use crate::ir::{Aggregate, Builtin, Expr, ExprKind};
use crate::source::Span;
use crate::syntax::ast;
use crate::types::Type;

fn boxed(e: Expr) -> Box<Expr> {
    Box::new(e)
}

impl Checker<'_> {
    pub(super) fn call(
        &mut self,
        callee: &ast::Ident,
        args: &[ast::Expr],
        expected: Option<&Type>,
        span: Span,
    ) -> Expr {
        match self.lookup_item(self.ctx.module, &callee.name) {
            Lookup::Found(ItemRef::Func(id)) => {
                self.references
                    .push((callee.span, super::RefTarget::Item(ItemRef::Func(id))));
                return self.call_function(id, callee, args, span);
            }
            Lookup::Found(ItemRef::Param(_)) => {
                let hint = self.date_in_scope().unwrap_or_else(|| "2026-01-01".into());
                self.error(
                    msg::not_callable(callee.span, &callee.name, "a param").with_help(format!(
                        "look a param up at a date: `{} at {hint}`",
                        callee.name
                    )),
                );
                return error_expr(span);
            }
            Lookup::Found(ItemRef::Record(_) | ItemRef::Enum(_)) => {
                self.error(
                    msg::not_callable(callee.span, &callee.name, "a type").with_help(format!(
                        "build a record with braces: `{} {{ … }}`",
                        callee.name
                    )),
                );
                return error_expr(span);
            }
            Lookup::Found(ItemRef::Classes(_)) => {
                self.error(
                    msg::not_callable(callee.span, &callee.name, "a `classes` item").with_help(
                        format!(
                            "measure an interval in one of its classes: `hours_in(start, end, {}.…)`",
                            callee.name
                        ),
                    ),
                );
                return error_expr(span);
            }
            Lookup::Ambiguous(paths) => {
                self.error(msg::ambiguous_name(callee.span, &callee.name, &paths));
                return error_expr(span);
            }
            Lookup::NotFound => {}
        }
        if let Some(e) = self.builtin_call(callee, args, expected, span) {
            return e;
        }
        let builtins: Vec<&str> = crate::builtins::names().collect();
        let diagnostic =
            self.unknown_name_error(self.ctx.module, callee.span, &callee.name, &builtins);
        self.error(diagnostic);
        for a in args {
            self.expr(a, None);
        }
        error_expr(span)
    }

    fn call_function(
        &mut self,
        id: crate::ir::FuncId,
        callee: &ast::Ident,
        args: &[ast::Expr],
        span: Span,
    ) -> Expr {
        self.ensure_checked(id, callee.span);
        let Some(function) = self.program.function(id) else {
            return error_expr(span);
        };
        let params = function.params.clone();
        let ret = function.ret.clone();
        let name = function.name.clone();
        if args.len() != params.len() {
            let signature = format!(
                "{}({})",
                name,
                params
                    .iter()
                    .map(|(n, t)| format!("{n}: {}", self.program.type_name(t)))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            self.error(msg::argument_count(
                span,
                &name,
                params.len(),
                args.len(),
                &signature,
            ));
            for a in args {
                self.expr(a, None);
            }
            return error_expr(span);
        }
        let mut checked = Vec::new();
        for (arg, (_, ty)) in args.iter().zip(&params) {
            let value = self.expr(arg, Some(ty));
            // A parameter is storage: the callee's scales assume its bound.
            if self.expect_type(&value, ty) && !value.ty.is_error() {
                let allowed = storage_scale(ty);
                if !fits(value.scale, allowed) {
                    let type_name = self.program.type_name(ty);
                    self.error(msg::inexact(
                        value.span,
                        &type_name,
                        allowed.unwrap_or(0),
                        value.scale,
                        suggested_step(ty),
                    ));
                }
            }
            checked.push(value);
        }
        let scale = self.func_scale.get(id.0 as usize).copied().unwrap_or(None);
        make(
            ExprKind::Call {
                func: id,
                args: checked,
            },
            ret,
            scale,
            span,
        )
    }

    /// Builtins, as the table of `crate::builtins` describes them; `None`
    /// when `callee` is not a builtin name.
    fn builtin_call(
        &mut self,
        callee: &ast::Ident,
        args: &[ast::Expr],
        expected: Option<&Type>,
        span: Span,
    ) -> Option<Expr> {
        let def = crate::builtins::lookup(&callee.name)?;
        let expr = match &def.shape {
            Shape::Aggregate(aggregate) => self.aggregate(*aggregate, callee, args, span),
            Shape::Extreme { aggregate, .. } if args.len() == 1 => {
                self.aggregate(*aggregate, callee, args, span)
            }
            Shape::Extreme { builtin, .. } => {
                self.min_max(*builtin == Builtin::Min, args, expected, span)
            }
            Shape::SameNumber(builtin) => {
                let Some([x]) = self.fixed_args(callee, args, 1, def.signature) else {
                    return Some(error_expr(span));
                };
                let x = self.expr(x, expected);
                if !x.ty.is_numeric() && !x.ty.is_error() {
                    let found = self.program.type_name(&x.ty);
                    self.error(msg::wrong_kind(x.span, "a number", &found));
                }
                let (ty, scale) = (x.ty.clone(), x.scale);
                make(
                    ExprKind::Builtin {
                        builtin: *builtin,
                        args: vec![x],
                    },
                    ty,
                    scale,
                    span,
                )
            }
            Shape::FixedList {
                builtin,
                params,
                element,
            } => {
                let result = Type::List(Box::new(element.clone()));
                return Some(
                    self.fixed_builtin(callee, def, *builtin, params, &result, args, span),
                );
            }
            Shape::Fixed {
                builtin,
                params,
                result,
            } => {
                return Some(self.fixed_builtin(callee, def, *builtin, params, result, args, span));
            }
            // `round` and `filter` have syntax of their own; called like a
            // function they are a parse error before the checker sees them.
            Shape::Syntax => return None,
        };
        Some(expr)
    }

    /// A builtin with fixed parameter types. Its result has scale 0, but
    /// for `hours(x)` (the scale of `x`) and the hours of a class (minutes
    /// / 60: unbounded).
    #[allow(
        clippy::too_many_arguments,
        reason = "the parts of one call, checked together"
    )]
    fn fixed_builtin(
        &mut self,
        callee: &ast::Ident,
        def: &BuiltinDef,
        builtin: Builtin,
        params: &[Type],
        result: &Type,
        args: &[ast::Expr],
        span: Span,
    ) -> Expr {
        {
            {
                if args.len() != params.len() {
                    self.error(msg::argument_count(
                        callee.span,
                        &callee.name,
                        params.len(),
                        args.len(),
                        def.signature,
                    ));
                    return error_expr(span);
                }
                let checked: Vec<Expr> = args
                    .iter()
                    .zip(params.iter())
                    .map(|(arg, ty)| {
                        let e = self.expr(arg, Some(ty));
                        self.expect_type(&e, ty);
                        e
                    })
                    .collect();
                let scale = match builtin {
                    Builtin::ToHours => checked.first().and_then(|e| e.scale),
                    Builtin::HoursIn | Builtin::HoursOn => None,
                    _ => Some(0),
                };
                make(
                    ExprKind::Builtin {
                        builtin,
                        args: checked,
                    },
                    result.clone(),
                    scale,
                    span,
                )
            }
        }
    }

    /// Check the argument count of a builtin; on a mismatch report it and
    /// return `None` (the caller then yields an error expression).
    fn fixed_args<'e, const N: usize>(
        &mut self,
        callee: &ast::Ident,
        args: &'e [ast::Expr],
        n: usize,
        signature: &str,
    ) -> Option<[&'e ast::Expr; N]> {
        let refs: Vec<&ast::Expr> = args.iter().collect();
        match <[&ast::Expr; N]>::try_from(refs) {
            Ok(array) => Some(array),
            Err(_) => {
                self.error(msg::argument_count(
                    callee.span,
                    &callee.name,
                    n,
                    args.len(),
                    signature,
                ));
                None
            }
        }
    }

    fn min_max(
        &mut self,
        is_min: bool,
        args: &[ast::Expr],
        expected: Option<&Type>,
        span: Span,
    ) -> Expr {
        let name = if is_min { "min" } else { "max" };
        if args.len() < 2 {
            self.error(msg::argument_count(
                span,
                name,
                2,
                args.len(),
                &format!("{name}(a, b, …) or {name}(list)"),
            ));
            return error_expr(span);
        }
        let mut checked: Vec<Expr> = Vec::new();
        let mut ty: Option<Type> = expected
            .filter(|t| t.is_numeric() || **t == Type::Date)
            .cloned();
        let mut scale = Some(0);
        for a in args {
            let value = self.expr(a, ty.as_ref());
            if value.ty.is_error() {
                checked.push(value);
                continue;
            }
            if !value.ty.is_numeric() && value.ty != Type::Date {
                let found = self.program.type_name(&value.ty);
                self.error(msg::wrong_kind(value.span, "a number or a date", &found));
                return error_expr(span);
            }
            match &ty {
                None => ty = Some(value.ty.clone()),
                Some(t) => match common_type(t, &value.ty) {
                    Some(c) => ty = Some(c),
                    None => {
                        let t = t.clone();
                        self.expect_type(&value, &t);
                    }
                },
            }
            scale = max_scale(scale, value.scale);
            checked.push(value);
        }
        let builtin = if is_min { Builtin::Min } else { Builtin::Max };
        make(
            ExprKind::Builtin {
                builtin,
                args: checked,
            },
            ty.unwrap_or(Type::Error),
            scale,
            span,
        )
    }

    fn aggregate(
        &mut self,
        aggregate: Aggregate,
        callee: &ast::Ident,
        args: &[ast::Expr],
        span: Span,
    ) -> Expr {
        let [list] = match self.fixed_args(callee, args, 1, &format!("{}(list)", callee.name)) {
            Some(a) => a,
            None => return error_expr(span),
        };
        let (list, element_ty) = self.list_operand(list);
        if element_ty.is_error() {
            return error_expr(span);
        }
        let (ty, scale) = match aggregate {
            Aggregate::Count => (Type::Int, Some(0)),
            Aggregate::All | Aggregate::Any => {
                if element_ty != Type::Bool {
                    let found = self.program.type_name(&list.ty);
                    self.error(msg::type_mismatch(list.span, "List<Bool>", &found, None));
                }
                (Type::Bool, Some(0))
            }
            Aggregate::Sum | Aggregate::Min | Aggregate::Max => {
                let ok = element_ty.is_numeric()
                    || (aggregate != Aggregate::Sum && element_ty == Type::Date);
                if !ok {
                    let found = self.program.type_name(&list.ty);
                    self.error(msg::wrong_kind(list.span, "a list of numbers", &found));
                    return error_expr(span);
                }
                (element_ty, list.scale)
            }
        };
        make(ExprKind::Aggregate(aggregate, boxed(list)), ty, scale, span)
    }
}
