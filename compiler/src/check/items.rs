//! Checking item bodies: rules, entry points, tables, conditions, limits
//! and examples. Bodies are checked on demand (callee before caller) so a
//! call knows its callee's result scale; a call back into a body being
//! checked is recursion.

use super::expr::error_expr;
use super::scale::{fits, max_scale, storage_scale, suggested_step};
use super::{BodyContext, CheckState, Checker, FuncSource};
use crate::diagnostics::messages::check as msg;
use crate::ir::{self, Body, ExampleInfo, FuncId, FunctionKind};
use crate::source::Span;
use crate::syntax::ast;
use crate::types::{Scale, Type};

impl Checker<'_> {
    pub(super) fn check_functions(&mut self) {
        for index in 0..self.func_sources.len() {
            let id = FuncId(u32::try_from(index).unwrap_or(u32::MAX));
            let span = self
                .program
                .function(id)
                .map(|f| f.span)
                .unwrap_or(Span::new(crate::source::FileId(0), 0, 0));
            self.ensure_checked(id, span);
        }
    }

    /// Check `id`'s body unless done; `call_span` is where it is needed.
    pub(super) fn ensure_checked(&mut self, id: FuncId, call_span: Span) {
        let Some(state) = self.func_state.get(id.0 as usize).copied() else {
            return;
        };
        match state {
            CheckState::Done => {}
            CheckState::InProgress => {
                let mut cycle: Vec<String> = self
                    .call_stack
                    .iter()
                    .skip_while(|f| **f != id)
                    .filter_map(|f| self.program.function(*f).map(|x| x.name.clone()))
                    .collect();
                let name = self
                    .program
                    .function(id)
                    .map(|f| f.name.clone())
                    .unwrap_or_default();
                cycle.push(name.clone());
                self.error(msg::recursion(call_span, &name, &cycle));
            }
            CheckState::Unchecked => {
                if let Some(s) = self.func_state.get_mut(id.0 as usize) {
                    *s = CheckState::InProgress;
                }
                self.call_stack.push(id);
                let saved = std::mem::take(&mut self.ctx);
                self.check_function_body(id);
                self.ctx = saved;
                self.call_stack.pop();
                if let Some(s) = self.func_state.get_mut(id.0 as usize) {
                    *s = CheckState::Done;
                }
            }
        }
    }

    fn check_function_body(&mut self, id: FuncId) {
        let Some((module, source)) = self.func_sources.get(id.0 as usize).copied() else {
            return;
        };
        let Some(function) = self.program.function(id) else {
            return;
        };
        let params = function.params.clone();
        let ret = function.ret.clone();
        let kind = function.kind;
        self.ctx = BodyContext {
            module,
            ..Default::default()
        };
        for (name, ty) in &params {
            let scale = storage_scale(ty);
            self.push_local(name, ty.clone(), scale);
        }
        self.ctx.n_params = self.ctx.n_locals;
        let (body, scale, ret) = match source {
            FuncSource::Rule(rule) => {
                let body = self.expr(&rule.body, Some(&ret));
                self.expect_type(&body, &ret);
                if kind == FunctionKind::Evaluate {
                    self.check_entry_point(id, rule, &params, &ret);
                }
                let scale = body.scale;
                (Body::Expr(body), scale, ret)
            }
            FuncSource::Table(table) => {
                let (rows, scale) = self.table_rows(table, &params, &ret);
                (Body::Table(rows), scale, ret)
            }
            FuncSource::Condition(condition) => {
                let mut requirements = Vec::new();
                let mut names: Vec<&ast::Ident> = Vec::new();
                for r in &condition.requirements {
                    if let Some(name) = &r.name {
                        match names.iter().find(|n| n.name == name.name) {
                            Some(first) => self.error(msg::duplicate_definition(
                                name.span, &name.name, first.span,
                            )),
                            None => names.push(name),
                        }
                    }
                    let test = self.expr(&r.test, Some(&Type::Bool));
                    self.expect_type(&test, &Type::Bool);
                    requirements.push(ir::Requirement {
                        name: r.name.as_ref().map(|n| n.name.clone()),
                        test,
                        reason: r.reason.clone(),
                        span: r.span,
                    });
                }
                (Body::Condition(requirements), Some(0), Type::Eligibility)
            }
            FuncSource::Limit(limit) => self.limit_body(limit),
        };
        let n_locals = self.ctx.n_locals;
        if let Some(f) = self.program.functions.get_mut(id.0 as usize) {
            f.body = body;
            f.ret = ret;
            f.n_locals = n_locals;
        }
        if let Some(s) = self.func_scale.get_mut(id.0 as usize) {
            *s = scale;
        }
    }

    fn limit_body(&mut self, limit: &ast::Limit) -> (Body, Scale, Type) {
        let measured = self.expr(&limit.measured, None);
        let ty = measured.ty.clone();
        if !ty.is_numeric() && !ty.is_error() {
            let found = self.program.type_name(&ty);
            self.error(msg::wrong_kind(measured.span, "a number", &found));
        }
        let bound = self.expr(&limit.bound, Some(&ty));
        self.expect_type(&bound, &ty);
        // Limit values are stored like record fields: they must fit the type.
        for value in [&measured, &bound] {
            let allowed = storage_scale(&ty);
            if !value.ty.is_error() && !fits(value.scale, allowed) {
                let type_name = self.program.type_name(&ty);
                self.error(msg::inexact(
                    value.span,
                    &type_name,
                    allowed.unwrap_or(0),
                    value.scale,
                    suggested_step(&ty),
                ));
            }
        }
        let scale = max_scale(measured.scale, bound.scale);
        let body = Body::Limit(ir::LimitBody {
            measured,
            at_most: limit.kind == ast::LimitKind::AtMost,
            bound,
            period: limit.period.as_ref().map(|(p, _)| p.clone()),
        });
        (body, scale, Type::LimitCheck(Box::new(ty)))
    }

    /// An entry point takes one record of data fields and returns one; an
    /// accepted one is recorded in [`ir::Program::entries`].
    fn check_entry_point(
        &mut self,
        function: FuncId,
        rule: &ast::Rule,
        params: &[(String, Type)],
        ret: &Type,
    ) {
        let input = match params {
            [(_, Type::Record(id))] => self
                .data_record(*id, rule.name.span, "input")
                .then_some(*id),
            [(_, Type::Error)] => None,
            _ => {
                self.error(msg::invalid_entry(
                    rule.name.span,
                    "it must take exactly one record parameter",
                    "write `evaluate Name(r: Input) -> Output`, where `Input` is a record of the data columns",
                ));
                None
            }
        };
        let output = match ret {
            Type::Record(id) => self
                .data_record(*id, rule.ret.span(), "output")
                .then_some(*id),
            Type::Error => None,
            _ => {
                self.error(msg::invalid_entry(
                    rule.ret.span(),
                    "it must return a record",
                    "declare a record of the output columns and return it",
                ));
                None
            }
        };
        if let (Some(input), Some(output)) = (input, output) {
            self.program.entries.push(ir::EntryPoint {
                function,
                input,
                output,
            });
        }
    }

    /// Whether every field of record `id` can be a data column. An input
    /// record may also hold lists of records of data columns (a month's
    /// shifts); an output record holds data columns only.
    fn data_record(&mut self, id: crate::types::RecordId, span: Span, role: &str) -> bool {
        let Some(info) = self.program.record(id).cloned() else {
            return false;
        };
        let input = role == "input";
        let help = if input {
            "an input record holds data columns (numbers, rates, dates, times, timestamps, \
             booleans, text, enums) and lists of records of data columns, one level deep; \
             compute other lists and records inside"
        } else {
            "an output record holds data columns only (numbers, rates, dates, times, \
             timestamps, booleans, text, enums); compute lists and records inside"
        };
        let mut ok = true;
        for field in &info.fields {
            let problem = match &field.ty {
                ty if is_data_column(ty) => None,
                Type::List(element) if input => self.bad_list_element(&field.name, element),
                ty => Some((
                    format!(
                        "{role} field `{}` has type `{}`, which is not a data column",
                        field.name,
                        self.program.type_name(ty)
                    ),
                    None,
                )),
            };
            if let Some((reason, element_field)) = problem {
                let mut diagnostic = msg::invalid_entry(span, &reason, help)
                    .with_related(field.span, "field declared here");
                if let Some(element_span) = element_field {
                    diagnostic =
                        diagnostic.with_related(element_span, "element field declared here");
                }
                self.error(diagnostic);
                ok = false;
            }
        }
        ok
    }

    /// Why a list of `element` cannot be input field `name` (its reason,
    /// and the element field at fault), or `None` when it can: a list of
    /// records whose fields are all data columns (no list in a list).
    fn bad_list_element(&self, name: &str, element: &Type) -> Option<(String, Option<Span>)> {
        let record = match element {
            Type::Error => return None,
            Type::Record(id) => self.program.record(*id)?,
            other => {
                return Some((
                    format!(
                        "input field `{name}` is a list of `{}`; a list input holds records",
                        self.program.type_name(other)
                    ),
                    None,
                ));
            }
        };
        let bad = record.fields.iter().find(|f| !is_data_column(&f.ty))?;
        Some((
            format!(
                "input field `{name}` is a list of `{}`, whose field `{}` has type `{}`, which is \
                 not a data column",
                record.name,
                bad.name,
                self.program.type_name(&bad.ty)
            ),
            Some(bad.span),
        ))
    }

    pub(super) fn check_examples(&mut self) {
        let modules = self.modules;
        for (module_index, module) in modules.iter().enumerate() {
            for item in &module.items {
                let ast::Item::Example(example) = item else {
                    continue;
                };
                self.ctx = BodyContext {
                    module: module_index,
                    ..Default::default()
                };
                let mut assertions = Vec::new();
                for a in &example.assertions {
                    let checked = self.expr(a, Some(&Type::Bool));
                    self.expect_type(&checked, &Type::Bool);
                    assertions.push(if checked.ty.is_error() {
                        error_expr(a.span)
                    } else {
                        checked
                    });
                }
                self.program.examples.push(ExampleInfo {
                    title: example.title.clone(),
                    module: self
                        .module_paths
                        .get(module_index)
                        .cloned()
                        .unwrap_or_default(),
                    n_locals: self.ctx.n_locals,
                    assertions,
                    span: example.span,
                });
            }
        }
    }
}

/// A type that fits one data cell: a column of an entry point's record.
fn is_data_column(ty: &Type) -> bool {
    matches!(
        ty,
        Type::Int
            | Type::Decimal
            | Type::Money
            | Type::Percent
            | Type::Hours
            | Type::Rate
            | Type::Days
            | Type::Months
            | Type::Date
            | Type::Time
            | Type::Timestamp
            | Type::Bool
            | Type::Text
            | Type::Enum(_)
            | Type::Error
    )
}
