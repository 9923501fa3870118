//! Checking compound values: record literals, lists, comprehensions,
//! `filter` and `round`.

use super::expr::{error_expr, make};
use super::scale::{fits, max_scale, storage_scale, suggested_step};
use super::scope::{Lookup, compatible};
use super::units::common_type;
use super::{Checker, ItemRef};
use crate::diagnostics::messages::check as msg;
use crate::ir::{Const, Expr, ExprKind, RoundMode};
use crate::source::Span;
use crate::syntax::ast;
use crate::types::Type;

fn boxed(e: Expr) -> Box<Expr> {
    Box::new(e)
}

impl Checker<'_> {
    pub(super) fn record(
        &mut self,
        type_name: Option<&ast::Ident>,
        fields: &[ast::FieldInit],
        expected: Option<&Type>,
        span: Span,
    ) -> Expr {
        let id = match (type_name, expected) {
            (Some(name), _) => match self.lookup_item(self.ctx.module, &name.name) {
                Lookup::Found(ItemRef::Record(id)) => {
                    self.references
                        .push((name.span, super::RefTarget::Item(ItemRef::Record(id))));
                    id
                }
                _ => {
                    let suggestion = self.suggest(self.ctx.module, &name.name, &[]);
                    self.error(msg::unknown_type(
                        name.span,
                        &name.name,
                        suggestion.as_deref(),
                    ));
                    return error_expr(span);
                }
            },
            (None, Some(Type::Record(id))) => *id,
            (None, Some(Type::Error)) => return error_expr(span),
            (None, _) => {
                self.error(msg::cannot_infer_record(span));
                return error_expr(span);
            }
        };
        let Some(info) = self.program.record(id).cloned() else {
            return error_expr(span);
        };
        let mut any_unknown = false;
        let mut values: Vec<Option<Expr>> = vec![None; info.fields.len()];
        let mut first_spans: Vec<Option<Span>> = vec![None; info.fields.len()];
        // Field name → index, so that a literal of a wide record costs one
        // lookup per field rather than a scan of the fields (`field_index`).
        let field_indexes: std::collections::HashMap<&str, usize> = info
            .fields
            .iter()
            .enumerate()
            .rev()
            .map(|(index, f)| (f.name.as_str(), index))
            .collect();
        for init in fields {
            let Some(index) = field_indexes.get(init.name.name.as_str()).copied() else {
                let names: Vec<String> = info.fields.iter().map(|f| f.name.clone()).collect();
                self.error(msg::unknown_field(
                    init.name.span,
                    &info.name,
                    &init.name.name,
                    &names,
                ));
                any_unknown = true;
                continue;
            };
            self.references.push((
                init.name.span,
                super::RefTarget::Field(id, u32::try_from(index).unwrap_or(u32::MAX)),
            ));
            if let Some(Some(first)) = first_spans.get(index) {
                self.error(msg::duplicate_field(
                    init.name.span,
                    &init.name.name,
                    *first,
                ));
                continue;
            }
            let field_ty = info
                .fields
                .get(index)
                .map(|f| f.ty.clone())
                .unwrap_or(Type::Error);
            let value = self.expr(&init.value, Some(&field_ty));
            if self.expect_type(&value, &field_ty) && !value.ty.is_error() {
                let allowed = storage_scale(&field_ty);
                if !fits(value.scale, allowed) {
                    let type_name = self.program.type_name(&field_ty);
                    self.error(msg::inexact(
                        value.span,
                        &type_name,
                        allowed.unwrap_or(0),
                        value.scale,
                        suggested_step(&field_ty),
                    ));
                }
            }
            if let Some(slot) = values.get_mut(index) {
                *slot = Some(value);
            }
            if let Some(slot) = first_spans.get_mut(index) {
                *slot = Some(init.name.span);
            }
        }
        let missing: Vec<String> = info
            .fields
            .iter()
            .zip(&values)
            .filter(|(_, v)| v.is_none())
            .map(|(f, _)| f.name.clone())
            .collect();
        if !missing.is_empty() {
            // A misspelt field already has its diagnostic; don't add a second.
            if !any_unknown {
                self.error(msg::missing_fields(span, &info.name, &missing));
            }
            return error_expr(span);
        }
        let fields: Vec<Expr> = values.into_iter().flatten().collect();
        make(
            ExprKind::Record { record: id, fields },
            Type::Record(id),
            Some(0),
            span,
        )
    }

    pub(super) fn list(
        &mut self,
        items: &[ast::Expr],
        expected: Option<&Type>,
        span: Span,
    ) -> Expr {
        let mut element_ty = match expected {
            Some(Type::List(inner)) => Some((**inner).clone()),
            _ => None,
        };
        let mut checked = Vec::new();
        let mut scale = Some(0);
        for item in items {
            let value = self.expr(item, element_ty.as_ref());
            match &element_ty {
                Some(t) => {
                    let t = t.clone();
                    if compatible(&value.ty, &t) {
                        if let Some(c) = common_type(&value.ty, &t) {
                            element_ty = Some(c);
                        }
                    } else {
                        self.expect_type(&value, &t);
                    }
                }
                None => element_ty = Some(value.ty.clone()),
            }
            scale = max_scale(scale, value.scale);
            checked.push(value);
        }
        let Some(element_ty) = element_ty else {
            self.error(msg::empty_list(span));
            return error_expr(span);
        };
        make(
            ExprKind::List(checked),
            Type::List(Box::new(element_ty)),
            scale,
            span,
        )
    }

    /// Check an expression that must be a list; returns it and its element type.
    pub(super) fn list_operand(&mut self, e: &ast::Expr) -> (Expr, Type) {
        let list = self.expr(e, None);
        match &list.ty {
            Type::List(inner) => {
                let inner = (**inner).clone();
                (list, inner)
            }
            Type::Error => (list, Type::Error),
            other => {
                let found = self.program.type_name(other);
                self.error(msg::not_a_list(list.span, &found));
                (list, Type::Error)
            }
        }
    }

    pub(super) fn comprehension(
        &mut self,
        element: &ast::Expr,
        binder: &ast::Ident,
        list: &ast::Expr,
        filter: Option<&ast::Expr>,
        expected: Option<&Type>,
        span: Span,
    ) -> Expr {
        let (list, element_ty) = self.list_operand(list);
        let mark = self.ctx.locals.len();
        let binder_scale = if element_ty.is_numeric() {
            list.scale
        } else {
            Some(0)
        };
        let id = self.push_local(&binder.name, element_ty, binder_scale);
        let filter = filter.map(|f| {
            let f = self.expr(f, Some(&Type::Bool));
            self.expect_type(&f, &Type::Bool);
            boxed(f)
        });
        let expected_element = match expected {
            Some(Type::List(inner)) => Some((**inner).clone()),
            _ => None,
        };
        let element = self.expr(element, expected_element.as_ref());
        self.truncate_locals(mark);
        let ty = Type::List(Box::new(element.ty.clone()));
        let scale = element.scale;
        make(
            ExprKind::Comprehension {
                element: boxed(element),
                binder: id,
                list: boxed(list),
                filter,
            },
            ty,
            scale,
            span,
        )
    }

    pub(super) fn filter(
        &mut self,
        list: &ast::Expr,
        binder: &ast::Ident,
        cond: &ast::Expr,
        span: Span,
    ) -> Expr {
        let (list, element_ty) = self.list_operand(list);
        let mark = self.ctx.locals.len();
        let binder_scale = if element_ty.is_numeric() {
            list.scale
        } else {
            Some(0)
        };
        let id = self.push_local(&binder.name, element_ty.clone(), binder_scale);
        let cond = self.expr(cond, Some(&Type::Bool));
        self.expect_type(&cond, &Type::Bool);
        self.truncate_locals(mark);
        let element = make(ExprKind::Local(id), element_ty.clone(), binder_scale, span);
        let scale = list.scale;
        make(
            ExprKind::Comprehension {
                element: boxed(element),
                binder: id,
                list: boxed(list),
                filter: Some(boxed(cond)),
            },
            Type::List(Box::new(element_ty)),
            scale,
            span,
        )
    }

    pub(super) fn round(
        &mut self,
        value: &ast::Expr,
        step: &ast::Expr,
        mode: Option<&ast::Ident>,
        expected: Option<&Type>,
        span: Span,
    ) -> Expr {
        let value = self.expr(value, expected);
        // The step keeps its own type: `1` is a whole step even when the
        // value is a `Decimal`, which makes the result an `Int`.
        let step_checked = self.expr(step, None);
        let mode = match mode {
            None => RoundMode::HalfAwayFromZero,
            Some(m) => match RoundMode::from_name(&m.name) {
                Some(mode) => mode,
                None => {
                    self.error(msg::unknown_round_mode(m.span, &m.name, RoundMode::NAMES));
                    RoundMode::HalfAwayFromZero
                }
            },
        };
        if value.ty.is_error() || step_checked.ty.is_error() {
            return error_expr(span);
        }
        if !value.ty.is_numeric() {
            let found = self.program.type_name(&value.ty);
            self.error(msg::wrong_kind(value.span, "a number", &found));
            return error_expr(span);
        }
        let step_value = match &step_checked.kind {
            ExprKind::Const(Const::Number(n)) => *n,
            _ => {
                self.error(msg::invalid_round_step(step.span, "it must be a literal"));
                return error_expr(span);
            }
        };
        if step_value <= rust_decimal::Decimal::ZERO {
            self.error(msg::invalid_round_step(
                step.span,
                "it must be greater than zero",
            ));
            return error_expr(span);
        }
        let step_ok = step_checked.ty == value.ty
            || (value.ty == Type::Decimal && step_checked.ty == Type::Int)
            || (value.ty == Type::Int && step_checked.ty == Type::Int);
        if !step_ok {
            let found = self.program.type_name(&step_checked.ty);
            let wanted = self.program.type_name(&value.ty);
            self.error(msg::invalid_round_step(
                step.span,
                &format!("the value is `{wanted}` but the step is `{found}`"),
            ));
            return error_expr(span);
        }
        // Rounding a plain decimal to a whole step gives a whole number.
        let ty = if value.ty == Type::Decimal && step_checked.ty == Type::Int {
            Type::Int
        } else {
            value.ty.clone()
        };
        make(
            ExprKind::Round {
                value: boxed(value),
                step: step_value,
                mode,
            },
            ty,
            Some(step_value.scale()),
            span,
        )
    }
}
