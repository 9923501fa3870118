//! Checking expressions: resolve names, apply the unit algebra, compute
//! static scales, and lower to IR. Checking is bidirectional: `expected`
//! (when known) lets bare record literals `{ … }`, bare enum variants and
//! empty lists find their type.

use super::scale::{binary_scale, max_scale, storage_scale};
use super::scope::{Lookup, compatible};
use super::units::{self, common_type};
use super::{Checker, ItemRef, Local, RefTarget};
use crate::diagnostics::messages::check as msg;
use crate::ir::{Const, Expr, ExprKind, LocalId, UnOp};
use crate::source::Span;
use crate::spelling::closest_ignoring_case;
use crate::syntax::ast;
use crate::types::{Scale, Type};

pub(super) fn make(kind: ExprKind, ty: Type, scale: Scale, span: Span) -> Expr {
    Expr {
        kind,
        ty,
        scale,
        span,
    }
}

pub(super) fn error_expr(span: Span) -> Expr {
    make(ExprKind::Error, Type::Error, Some(0), span)
}

fn boxed(e: Expr) -> Box<Expr> {
    Box::new(e)
}

impl Checker<'_> {
    pub(super) fn push_local(&mut self, name: &str, ty: Type, scale: Scale) -> LocalId {
        let id = LocalId(self.ctx.n_locals);
        self.ctx.n_locals = self.ctx.n_locals.saturating_add(1);
        self.ctx
            .local_index
            .entry(name.to_string())
            .or_default()
            .push(self.ctx.locals.len());
        self.ctx.locals.push(Local {
            name: name.to_string(),
            id,
            ty,
            scale,
        });
        id
    }

    /// Leave the scopes opened since `self.ctx.locals.len()` was `mark`.
    pub(super) fn truncate_locals(&mut self, mark: usize) {
        while self.ctx.locals.len() > mark {
            let Some(local) = self.ctx.locals.pop() else {
                break;
            };
            if let Some(indices) = self.ctx.local_index.get_mut(&local.name) {
                indices.pop();
                if indices.is_empty() {
                    self.ctx.local_index.remove(&local.name);
                }
            }
        }
    }

    /// A date expression in scope to suggest in help lines: a `Date`
    /// local, or a `Date` field of a record local.
    pub(super) fn date_in_scope(&self) -> Option<String> {
        for local in self.ctx.locals.iter().rev() {
            match &local.ty {
                Type::Date => return Some(local.name.clone()),
                Type::Record(id) => {
                    if let Some(field) = self
                        .program
                        .record(*id)
                        .and_then(|r| r.fields.iter().find(|f| f.ty == Type::Date))
                    {
                        return Some(format!("{}.{}", local.name, field.name));
                    }
                }
                _ => {}
            }
        }
        None
    }

    fn find_local(&self, name: &str) -> Option<&Local> {
        let index = self.ctx.local_index.get(name)?.last()?;
        self.ctx.locals.get(*index)
    }

    pub(super) fn expr(&mut self, e: &ast::Expr, expected: Option<&Type>) -> Expr {
        let span = e.span;
        match &e.kind {
            ast::ExprKind::Literal(lit) => match super::literals::check_literal(lit, span) {
                Ok(c) => {
                    // A whole-number literal where a Decimal is wanted stays exact.
                    let ty = match (expected, &c.ty) {
                        (Some(Type::Decimal), Type::Int) => Type::Decimal,
                        _ => c.ty,
                    };
                    make(ExprKind::Const(c.value), ty, Some(c.scale), span)
                }
                Err(d) => {
                    self.error(d);
                    error_expr(span)
                }
            },
            ast::ExprKind::Paren(inner) => self.expr(inner, expected),
            ast::ExprKind::Name(ident) => {
                let checked = self.name(ident, expected);
                self.types.push((span, checked.ty.clone()));
                checked
            }
            ast::ExprKind::Field(object, field) => {
                let checked = self.field(object, field, span);
                self.types.push((field.span, checked.ty.clone()));
                checked
            }
            ast::ExprKind::Call { callee, args } => self.call(callee, args, expected, span),
            ast::ExprKind::Unary(op, operand) => self.unary(*op, operand, span),
            ast::ExprKind::Binary(op, left, right) => self.binary(*op, left, right, span),
            ast::ExprKind::At(param, date) => self.at(param, date, span),
            ast::ExprKind::If {
                cond,
                then,
                otherwise,
            } => self.if_(cond, then, otherwise, expected, span),
            ast::ExprKind::Match { scrutinee, arms } => {
                self.match_(scrutinee, arms, expected, span)
            }
            ast::ExprKind::Block { stmts, result } => self.block(stmts, result, expected),
            ast::ExprKind::Refused {
                value,
                message,
                message_span,
            } => self.expect_refused(value, message, *message_span, span),
            ast::ExprKind::Record { type_name, fields } => {
                self.record(type_name.as_ref(), fields, expected, span)
            }
            ast::ExprKind::List(items) => self.list(items, expected, span),
            ast::ExprKind::Comprehension {
                element,
                binder,
                list,
                filter,
            } => self.comprehension(element, binder, list, filter.as_deref(), expected, span),
            ast::ExprKind::Filter { list, binder, cond } => self.filter(list, binder, cond, span),
            ast::ExprKind::Round { value, step, mode } => {
                self.round(value, step, mode.as_ref(), expected, span)
            }
            ast::ExprKind::Error => error_expr(span),
        }
    }

    fn name(&mut self, ident: &ast::Ident, expected: Option<&Type>) -> Expr {
        let span = ident.span;
        if let Some(local) = self.find_local(&ident.name) {
            return make(
                ExprKind::Local(local.id),
                local.ty.clone(),
                local.scale,
                span,
            );
        }
        // A bare variant of the expected enum wins over other names.
        if let Some(Type::Enum(id)) = expected
            && let Some(index) = self.variant_index(*id, &ident.name)
        {
            self.references.push((span, RefTarget::Variant(*id, index)));
            return make(
                ExprKind::Const(Const::Variant(index)),
                Type::Enum(*id),
                Some(0),
                span,
            );
        }
        let found = self.lookup_item(self.ctx.module, &ident.name);
        if let Lookup::Found(item) = found {
            self.references.push((span, RefTarget::Item(item)));
        }
        match found {
            Lookup::Found(ItemRef::Param(_)) => {
                let hint = self.date_in_scope();
                self.error(msg::param_without_date(span, &ident.name, hint.as_deref()));
                return error_expr(span);
            }
            Lookup::Found(ItemRef::Func(_)) => {
                self.error(msg::not_a_value(
                    span,
                    &ident.name,
                    "a rule",
                    &format!("call it with its arguments: `{}(…)`", ident.name),
                ));
                return error_expr(span);
            }
            Lookup::Found(ItemRef::Record(_) | ItemRef::Enum(_)) => {
                self.error(msg::not_a_value(
                    span,
                    &ident.name,
                    "a type",
                    "use a value of the type, or `Enum.Variant` for a variant",
                ));
                return error_expr(span);
            }
            Lookup::Found(ItemRef::Classes(_)) => {
                self.error(msg::not_a_value(
                    span,
                    &ident.name,
                    "a `classes` item",
                    &format!("name one of its classes: `{}.…`", ident.name),
                ));
                return error_expr(span);
            }
            Lookup::Ambiguous(paths) => {
                self.error(msg::ambiguous_name(span, &ident.name, &paths));
                return error_expr(span);
            }
            Lookup::NotFound => {}
        }
        let enums = self.enums_with_variant(self.ctx.module, &ident.name);
        match enums.as_slice() {
            [(id, index)] => {
                self.references
                    .push((span, RefTarget::Variant(*id, *index)));
                make(
                    ExprKind::Const(Const::Variant(*index)),
                    Type::Enum(*id),
                    Some(0),
                    span,
                )
            }
            [] => {
                // Where an enum is expected, a near variant of it is the
                // likeliest meaning (`Helg` for `helg`).
                if let Some(Type::Enum(id)) = expected {
                    let variants = self.variants_of(*id);
                    let near =
                        closest_ignoring_case(&ident.name, variants.iter().map(String::as_str));
                    if near.is_some() {
                        let enum_name = self.program.type_name(&Type::Enum(*id));
                        self.error(msg::unknown_variant(
                            span,
                            &enum_name,
                            &ident.name,
                            &variants,
                            near.as_deref(),
                        ));
                        return error_expr(span);
                    }
                }
                let mut extra: Vec<String> = self.ctx.local_index.keys().cloned().collect();
                extra.extend(self.visible_variant_names(self.ctx.module));
                let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
                let diagnostic =
                    self.unknown_name_error(self.ctx.module, span, &ident.name, &extra);
                self.error(diagnostic);
                error_expr(span)
            }
            many => {
                let names: Vec<String> = many
                    .iter()
                    .filter_map(|(id, _)| self.program.enum_info(*id).map(|e| e.name.clone()))
                    .collect();
                self.error(msg::ambiguous_variant(span, &ident.name, &names));
                error_expr(span)
            }
        }
    }

    fn field(&mut self, object: &ast::Expr, field: &ast::Ident, span: Span) -> Expr {
        // `classes.class`
        if let ast::ExprKind::Name(classes_name) = &object.kind
            && self.find_local(&classes_name.name).is_none()
            && let Lookup::Found(ItemRef::Classes(id)) =
                self.lookup_item(self.ctx.module, &classes_name.name)
        {
            self.references
                .push((classes_name.span, RefTarget::Item(ItemRef::Classes(id))));
            let names: Vec<String> = self
                .program
                .classes_info(id)
                .map(|info| info.classes.iter().map(|c| c.name.clone()).collect())
                .unwrap_or_default();
            return match names.iter().position(|n| *n == field.name) {
                Some(index) => {
                    let class = u32::try_from(index).unwrap_or(u32::MAX);
                    self.references
                        .push((field.span, RefTarget::Class(id, class)));
                    make(
                        ExprKind::Const(Const::Class { classes: id, class }),
                        Type::Class,
                        Some(0),
                        span,
                    )
                }
                None => {
                    self.error(msg::unknown_class(
                        field.span,
                        &classes_name.name,
                        &field.name,
                        &names,
                    ));
                    error_expr(span)
                }
            };
        }
        // `Enum.Variant`
        if let ast::ExprKind::Name(type_name) = &object.kind
            && self.find_local(&type_name.name).is_none()
            && let Lookup::Found(ItemRef::Enum(id)) =
                self.lookup_item(self.ctx.module, &type_name.name)
        {
            self.references
                .push((type_name.span, RefTarget::Item(ItemRef::Enum(id))));
            return match self.variant_index(id, &field.name) {
                Some(index) => {
                    self.references
                        .push((field.span, RefTarget::Variant(id, index)));
                    make(
                        ExprKind::Const(Const::Variant(index)),
                        Type::Enum(id),
                        Some(0),
                        span,
                    )
                }
                None => {
                    let variants = self.variants_of(id);
                    let near =
                        closest_ignoring_case(&field.name, variants.iter().map(String::as_str));
                    self.error(msg::unknown_variant(
                        field.span,
                        &type_name.name,
                        &field.name,
                        &variants,
                        near.as_deref(),
                    ));
                    error_expr(span)
                }
            };
        }
        let object = self.expr(object, None);
        let fields: Vec<(String, Type)> = match &object.ty {
            Type::Error => return error_expr(span),
            Type::Record(id) => self
                .program
                .record(*id)
                .map(|r| {
                    r.fields
                        .iter()
                        .map(|f| (f.name.clone(), f.ty.clone()))
                        .collect()
                })
                .unwrap_or_default(),
            other => match other.builtin_fields() {
                Some(list) => list.into_iter().map(|(n, t)| (n.to_string(), t)).collect(),
                None => {
                    let type_name = self.program.type_name(other);
                    self.error(msg::not_a_record(field.span, &type_name, &field.name));
                    return error_expr(span);
                }
            },
        };
        match fields.iter().position(|(n, _)| *n == field.name) {
            Some(index) => {
                if let Type::Record(record) = &object.ty {
                    self.references.push((
                        field.span,
                        RefTarget::Field(*record, u32::try_from(index).unwrap_or(u32::MAX)),
                    ));
                }
                let ty = fields
                    .get(index)
                    .map(|(_, t)| t.clone())
                    .unwrap_or(Type::Error);
                let scale = storage_scale(&ty);
                make(
                    ExprKind::Field(boxed(object), u32::try_from(index).unwrap_or(u32::MAX)),
                    ty,
                    scale,
                    span,
                )
            }
            None => {
                let type_name = self.program.type_name(&object.ty);
                let names: Vec<String> = fields.into_iter().map(|(n, _)| n).collect();
                self.error(msg::unknown_field(
                    field.span,
                    &type_name,
                    &field.name,
                    &names,
                ));
                error_expr(span)
            }
        }
    }

    fn unary(&mut self, op: ast::UnaryOp, operand: &ast::Expr, span: Span) -> Expr {
        let operand = self.expr(operand, None);
        match op {
            ast::UnaryOp::Neg => {
                if !operand.ty.is_numeric() && !operand.ty.is_error() {
                    let found = self.program.type_name(&operand.ty);
                    self.error(msg::wrong_kind(operand.span, "a number", &found));
                    return error_expr(span);
                }
                let (ty, scale) = (operand.ty.clone(), operand.scale);
                make(ExprKind::Unary(UnOp::Neg, boxed(operand)), ty, scale, span)
            }
            ast::UnaryOp::Not => {
                self.expect_type(&operand, &Type::Bool);
                make(
                    ExprKind::Unary(UnOp::Not, boxed(operand)),
                    Type::Bool,
                    Some(0),
                    span,
                )
            }
        }
    }

    fn binary(
        &mut self,
        op: ast::BinaryOp,
        left: &ast::Expr,
        right: &ast::Expr,
        span: Span,
    ) -> Expr {
        let texts = (short_text(left), short_text(right));
        let left = self.expr(left, None);
        // The left side's type lets `r.avdelning == II` find its enum, and
        // `p.failed == []` the type of its empty list.
        let hint = match &left.ty {
            Type::Enum(_) | Type::List(_) => Some(left.ty.clone()),
            _ => None,
        };
        let right = self.expr(right, hint.as_ref());
        if left.ty.is_error() || right.ty.is_error() {
            return error_expr(span);
        }
        match units::binary(op, &left.ty, &right.ty) {
            Ok((bin_op, ty)) => {
                let scale = if ty.is_numeric() {
                    binary_scale(bin_op, left.scale, right.scale)
                } else {
                    Some(0)
                };
                make(
                    ExprKind::Binary(bin_op, boxed(left), boxed(right)),
                    ty,
                    scale,
                    span,
                )
            }
            Err(e) if e.needs_rate => {
                let (money, hours) = if left.ty == Type::Money {
                    (texts.0, texts.1)
                } else {
                    (texts.1, texts.0)
                };
                self.error(msg::hours_times_money(
                    span,
                    op.symbol() == "/",
                    money.as_deref(),
                    hours.as_deref(),
                ));
                error_expr(span)
            }
            Err(e) => {
                let l = self.program.type_name(&left.ty);
                let r = self.program.type_name(&right.ty);
                self.error(msg::unit_mismatch(span, op.symbol(), &l, &r, e.help));
                error_expr(span)
            }
        }
    }

    fn at(&mut self, param: &ast::Expr, date: &ast::Expr, span: Span) -> Expr {
        let date = self.expr(date, Some(&Type::Date));
        self.expect_type(&date, &Type::Date);
        let ast::ExprKind::Name(ident) = &param.kind else {
            self.error(msg::at_on_non_param(param.span));
            return error_expr(span);
        };
        match self.lookup_item(self.ctx.module, &ident.name) {
            Lookup::Found(ItemRef::Param(id)) => {
                self.references
                    .push((ident.span, RefTarget::Item(ItemRef::Param(id))));
                self.types.push((
                    ident.span,
                    self.program
                        .param(id)
                        .map(|p| p.ty.clone())
                        .unwrap_or(Type::Error),
                ));
                let Some(info) = self.program.param(id) else {
                    return error_expr(span);
                };
                let ty = info.ty.clone();
                let scale = info
                    .timeline
                    .iter()
                    .map(|(_, c)| match c {
                        Const::Number(n) => Some(n.scale()),
                        _ => Some(0),
                    })
                    .fold(Some(0), max_scale);
                make(
                    ExprKind::Param {
                        param: id,
                        at: boxed(date),
                    },
                    ty,
                    scale,
                    span,
                )
            }
            Lookup::Ambiguous(paths) => {
                self.error(msg::ambiguous_name(ident.span, &ident.name, &paths));
                error_expr(span)
            }
            Lookup::NotFound if self.find_local(&ident.name).is_none() => {
                let diagnostic =
                    self.unknown_name_error(self.ctx.module, ident.span, &ident.name, &[]);
                self.error(diagnostic);
                error_expr(span)
            }
            _ => {
                self.error(msg::at_on_non_param(param.span));
                error_expr(span)
            }
        }
    }

    /// The type two branches share, or a mismatch reported at `other`.
    pub(super) fn join_types(&mut self, first: &Expr, other: &Expr) -> Type {
        if first.ty.is_error() {
            return other.ty.clone();
        }
        if other.ty.is_error() {
            return first.ty.clone();
        }
        if let Some(t) = common_type(&first.ty, &other.ty) {
            return t;
        }
        if compatible(&other.ty, &first.ty) {
            return first.ty.clone();
        }
        self.expect_type(other, &first.ty);
        Type::Error
    }

    fn if_(
        &mut self,
        cond: &ast::Expr,
        then: &ast::Expr,
        otherwise: &ast::Expr,
        expected: Option<&Type>,
        span: Span,
    ) -> Expr {
        let cond = self.expr(cond, Some(&Type::Bool));
        self.expect_type(&cond, &Type::Bool);
        let then = self.expr(then, expected);
        let hint = expected.cloned().or_else(|| Some(then.ty.clone()));
        let otherwise = self.expr(otherwise, hint.as_ref());
        // With a known result type each branch answers for itself.
        let ty = match expected {
            Some(t) if !t.is_error() => {
                let then_ok = self.expect_type(&then, t);
                let otherwise_ok = self.expect_type(&otherwise, t);
                if then_ok && otherwise_ok {
                    common_type(&then.ty, &otherwise.ty).unwrap_or_else(|| t.clone())
                } else {
                    Type::Error
                }
            }
            _ => self.join_types(&then, &otherwise),
        };
        let scale = max_scale(then.scale, otherwise.scale);
        make(
            ExprKind::If {
                cond: boxed(cond),
                then: boxed(then),
                otherwise: boxed(otherwise),
            },
            ty,
            scale,
            span,
        )
    }
}

/// An operand as the drafter wrote it, when it is a name or a field
/// (`timmar`, `a.lön`), for help lines that show the fix in their words.
fn short_text(expr: &ast::Expr) -> Option<String> {
    match &expr.kind {
        ast::ExprKind::Name(ident) => Some(ident.name.clone()),
        ast::ExprKind::Field(object, field) => {
            short_text(object).map(|object| format!("{object}.{}", field.name))
        }
        _ => None,
    }
}
