//! Checking `classes` items: each span's times and day selectors.
//!
//! A day selector is `every day` or a rule `(Date) -> Bool`; the times are
//! time literals. Whether a window can hold a minute, and whether the
//! classes of an unranked item overlap, depends on the calendar the rules
//! compute, so `windows::verify` decides it after the whole program has
//! checked.

use super::literals::check_literal;
use super::scope::Lookup;
use super::{Checker, ItemRef, RefTarget};
use crate::diagnostics::messages::check as msg;
use crate::ir::{ClassesId, Const, DaySelector, FunctionKind, WindowSpan};
use crate::syntax::ast;
use crate::types::Type;

impl Checker<'_> {
    pub(super) fn check_classes(&mut self) {
        let sources = std::mem::take(&mut self.classes_sources);
        for (index, (module, classes)) in sources.iter().enumerate() {
            let id = ClassesId(u32::try_from(index).unwrap_or(u32::MAX));
            self.ctx.module = *module;
            for class in &classes.classes {
                let spans: Vec<WindowSpan> = class
                    .spans
                    .iter()
                    .filter_map(|span| self.window_span(span))
                    .collect();
                let Some(info) = self
                    .program
                    .classes
                    .get_mut(id.0 as usize)
                    .and_then(|info| info.classes.iter_mut().find(|c| c.span == class.name.span))
                else {
                    continue;
                };
                info.spans = spans;
            }
        }
        self.classes_sources = sources;
        self.ctx = Default::default();
    }

    fn window_span(&mut self, span: &ast::WindowSpan) -> Option<WindowSpan> {
        let from = self.time_of(span.from.as_ref());
        let to = self.time_of(span.to.as_ref());
        let on = self.day_selector(&span.on);
        let until = match &span.until {
            Some(selector) => Some(self.day_selector(selector)?),
            None => None,
        };
        Some(WindowSpan {
            from: from?,
            on: on?,
            to: to?,
            until,
            span: span.span,
        })
    }

    /// The minute of the day of a time literal; `None` (`all day`) is
    /// midnight.
    fn time_of(&mut self, literal: Option<&ast::Expr>) -> Option<u32> {
        let Some(expr) = literal else { return Some(0) };
        let ast::ExprKind::Literal(literal) = &expr.kind else {
            return None;
        };
        match check_literal(literal, expr.span) {
            Ok(checked) => match checked.value {
                Const::Time(time) => Some(crate::clock::minute_of_day(time)),
                _ => None,
            },
            Err(diagnostic) => {
                self.error(diagnostic);
                None
            }
        }
    }

    fn day_selector(&mut self, selector: &ast::DaySelector) -> Option<DaySelector> {
        let ident = match selector {
            ast::DaySelector::Every(_) => return Some(DaySelector::Every),
            ast::DaySelector::Rule(ident) => ident,
        };
        match self.lookup_item(self.ctx.module, &ident.name) {
            Lookup::Found(ItemRef::Func(id)) => {
                self.references
                    .push((ident.span, RefTarget::Item(ItemRef::Func(id))));
                let function = self.program.function(id)?;
                let takes_a_date = matches!(function.params.as_slice(), [(_, Type::Date)]);
                if takes_a_date && function.ret == Type::Bool {
                    return Some(DaySelector::Rule(id));
                }
                if function.ret.is_error() {
                    return None;
                }
                let params: Vec<String> = function
                    .params
                    .iter()
                    .map(|(_, ty)| self.program.type_name(ty))
                    .collect();
                let kind = match function.kind {
                    FunctionKind::Rule => "a rule",
                    FunctionKind::Table => "a table",
                    FunctionKind::Condition => "a condition",
                    FunctionKind::Limit => "a limit",
                    FunctionKind::Evaluate => "an entry point",
                };
                let found = format!(
                    "{kind} `({}) -> {}`",
                    params.join(", "),
                    self.program.type_name(&function.ret)
                );
                self.error(msg::invalid_day_selector(ident.span, &ident.name, &found));
                None
            }
            Lookup::Found(other) => {
                let found = match other {
                    ItemRef::Param(_) => "a param",
                    ItemRef::Record(_) => "a record type",
                    ItemRef::Enum(_) => "an enum type",
                    ItemRef::Classes(_) => "a `classes` item",
                    ItemRef::Func(_) => "a rule",
                };
                self.error(msg::invalid_day_selector(ident.span, &ident.name, found));
                None
            }
            Lookup::Ambiguous(paths) => {
                self.error(msg::ambiguous_name(ident.span, &ident.name, &paths));
                None
            }
            Lookup::NotFound => {
                let diagnostic =
                    self.unknown_name_error(self.ctx.module, ident.span, &ident.name, &[]);
                self.error(diagnostic);
                None
            }
        }
    }
}
