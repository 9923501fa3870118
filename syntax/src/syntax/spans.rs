//! Visiting every [`Span`] of a syntax tree, mutably.
//!
//! The chunk cache of the parser stores each chunk's tree with spans
//! relative to the chunk, and moves them to the chunk's place in the file
//! (and to the file's id) when it reuses them; this walk is how.

use super::ast::*;
use crate::diagnostics::Diagnostic;
use crate::source::Span;

/// Calls `f` on every span a node holds, its children's included.
pub(crate) trait SpansMut {
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span));
}

impl<T: SpansMut> SpansMut for Vec<T> {
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        for node in self {
            node.spans_mut(f);
        }
    }
}

impl<T: SpansMut> SpansMut for Option<T> {
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        if let Some(node) = self {
            node.spans_mut(f);
        }
    }
}

impl<T: SpansMut> SpansMut for Box<T> {
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        (**self).spans_mut(f);
    }
}

impl SpansMut for Span {
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        f(self);
    }
}

impl SpansMut for Diagnostic {
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        f(&mut self.span);
        for related in &mut self.related {
            f(&mut related.span);
        }
    }
}

impl SpansMut for Ident {
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        f(&mut self.span);
    }
}

impl SpansMut for Path {
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        self.segments.spans_mut(f);
        f(&mut self.span);
    }
}

impl SpansMut for Use {
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        self.path.spans_mut(f);
        f(&mut self.span);
    }
}

impl SpansMut for ItemMeta {
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        if let Some((_, span)) = &mut self.source {
            f(span);
        }
    }
}

impl SpansMut for Item {
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        match self {
            Item::Param(x) => x.spans_mut(f),
            Item::Record(x) => x.spans_mut(f),
            Item::Enum(x) => x.spans_mut(f),
            Item::Rule(x) | Item::Evaluate(x) => x.spans_mut(f),
            Item::Table(x) => x.spans_mut(f),
            Item::Condition(x) => x.spans_mut(f),
            Item::Limit(x) => x.spans_mut(f),
            Item::Classes(x) => x.spans_mut(f),
            Item::Example(x) => x.spans_mut(f),
        }
    }
}

impl SpansMut for Classes {
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        self.meta.spans_mut(f);
        self.name.spans_mut(f);
        self.classes.spans_mut(f);
        f(&mut self.span);
    }
}

impl SpansMut for ClassDef {
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        self.name.spans_mut(f);
        self.spans.spans_mut(f);
        f(&mut self.span);
    }
}

impl SpansMut for WindowSpan {
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        if let Some(from) = &mut self.from {
            from.spans_mut(f);
        }
        self.on.spans_mut(f);
        if let Some(to) = &mut self.to {
            to.spans_mut(f);
        }
        if let Some(until) = &mut self.until {
            until.spans_mut(f);
        }
        f(&mut self.span);
    }
}

impl SpansMut for DaySelector {
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        match self {
            DaySelector::Every(span) => f(span),
            DaySelector::Rule(ident) => ident.spans_mut(f),
        }
    }
}

impl SpansMut for TypeExpr {
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        match self {
            TypeExpr::Named(name) => name.spans_mut(f),
            TypeExpr::List(element, span) => {
                element.spans_mut(f);
                f(span);
            }
        }
    }
}

impl SpansMut for Param {
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        self.meta.spans_mut(f);
        self.name.spans_mut(f);
        self.ty.spans_mut(f);
        self.timeline.spans_mut(f);
        f(&mut self.span);
    }
}

impl SpansMut for ParamStep {
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        self.from.spans_mut(f);
        self.value.spans_mut(f);
        f(&mut self.span);
    }
}

impl SpansMut for RecordDef {
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        self.meta.spans_mut(f);
        self.name.spans_mut(f);
        self.fields.spans_mut(f);
        f(&mut self.span);
    }
}

impl SpansMut for FieldDef {
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        self.name.spans_mut(f);
        self.ty.spans_mut(f);
        f(&mut self.span);
    }
}

impl SpansMut for EnumDef {
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        self.meta.spans_mut(f);
        self.name.spans_mut(f);
        self.variants.spans_mut(f);
        f(&mut self.span);
    }
}

impl SpansMut for VariantDef {
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        self.name.spans_mut(f);
        f(&mut self.span);
    }
}

impl SpansMut for Rule {
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        self.meta.spans_mut(f);
        self.name.spans_mut(f);
        self.params.spans_mut(f);
        self.ret.spans_mut(f);
        self.body.spans_mut(f);
        f(&mut self.span);
    }
}

impl SpansMut for ParamDecl {
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        self.name.spans_mut(f);
        self.ty.spans_mut(f);
        f(&mut self.span);
    }
}

impl SpansMut for Table {
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        self.meta.spans_mut(f);
        self.name.spans_mut(f);
        self.params.spans_mut(f);
        self.ret.spans_mut(f);
        self.rows.spans_mut(f);
        f(&mut self.span);
    }
}

impl SpansMut for TableRow {
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        self.cells.spans_mut(f);
        self.result.spans_mut(f);
        f(&mut self.span);
    }
}

impl SpansMut for Cell {
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        match self {
            Cell::Any(span) => f(span),
            Cell::OneOf(values, span) => {
                values.spans_mut(f);
                f(span);
            }
            Cell::Compare(_, value, span) => {
                value.spans_mut(f);
                f(span);
            }
            Cell::Range(low, high, span) => {
                low.spans_mut(f);
                high.spans_mut(f);
                f(span);
            }
        }
    }
}

impl SpansMut for Condition {
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        self.meta.spans_mut(f);
        self.name.spans_mut(f);
        self.params.spans_mut(f);
        self.requirements.spans_mut(f);
        f(&mut self.span);
    }
}

impl SpansMut for Requirement {
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        self.name.spans_mut(f);
        self.test.spans_mut(f);
        f(&mut self.span);
    }
}

impl SpansMut for Limit {
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        self.meta.spans_mut(f);
        self.name.spans_mut(f);
        self.params.spans_mut(f);
        self.measured.spans_mut(f);
        self.bound.spans_mut(f);
        if let Some((_, span)) = &mut self.period {
            f(span);
        }
        f(&mut self.span);
    }
}

impl SpansMut for Example {
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        self.meta.spans_mut(f);
        f(&mut self.title_span);
        self.assertions.spans_mut(f);
        f(&mut self.span);
    }
}

impl SpansMut for MatchArm {
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        self.patterns.spans_mut(f);
        self.body.spans_mut(f);
        f(&mut self.span);
    }
}

impl SpansMut for Let {
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        self.name.spans_mut(f);
        self.ty.spans_mut(f);
        self.value.spans_mut(f);
        f(&mut self.span);
    }
}

impl SpansMut for Stmt {
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        match self {
            Stmt::Let(l) => l.spans_mut(f),
            Stmt::Refuse(r) => r.spans_mut(f),
        }
    }
}

impl SpansMut for Refuse {
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        if let Some((binder, list)) = &mut self.each {
            binder.spans_mut(f);
            list.spans_mut(f);
        }
        self.test.spans_mut(f);
        f(&mut self.message_span);
        f(&mut self.span);
    }
}

impl SpansMut for FieldInit {
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        self.name.spans_mut(f);
        self.value.spans_mut(f);
        f(&mut self.span);
    }
}

impl SpansMut for Expr {
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        match &mut self.kind {
            ExprKind::Literal(_) | ExprKind::Error => {}
            ExprKind::Name(name) => name.spans_mut(f),
            ExprKind::Field(base, field) => {
                base.spans_mut(f);
                field.spans_mut(f);
            }
            ExprKind::Call { callee, args } => {
                callee.spans_mut(f);
                args.spans_mut(f);
            }
            ExprKind::Unary(_, operand) | ExprKind::Paren(operand) => operand.spans_mut(f),
            ExprKind::Binary(_, left, right) | ExprKind::At(left, right) => {
                left.spans_mut(f);
                right.spans_mut(f);
            }
            ExprKind::If {
                cond,
                then,
                otherwise,
            } => {
                cond.spans_mut(f);
                then.spans_mut(f);
                otherwise.spans_mut(f);
            }
            ExprKind::Match { scrutinee, arms } => {
                scrutinee.spans_mut(f);
                arms.spans_mut(f);
            }
            ExprKind::Block { stmts, result } => {
                stmts.spans_mut(f);
                result.spans_mut(f);
            }
            ExprKind::Refused {
                value,
                message_span,
                ..
            } => {
                value.spans_mut(f);
                f(message_span);
            }
            ExprKind::Record { type_name, fields } => {
                type_name.spans_mut(f);
                fields.spans_mut(f);
            }
            ExprKind::List(elements) => elements.spans_mut(f),
            ExprKind::Comprehension {
                element,
                binder,
                list,
                filter,
            } => {
                element.spans_mut(f);
                binder.spans_mut(f);
                list.spans_mut(f);
                filter.spans_mut(f);
            }
            ExprKind::Filter { list, binder, cond } => {
                list.spans_mut(f);
                binder.spans_mut(f);
                cond.spans_mut(f);
            }
            ExprKind::Round { value, step, mode } => {
                value.spans_mut(f);
                step.spans_mut(f);
                mode.spans_mut(f);
            }
        }
        f(&mut self.span);
    }
}

impl SpansMut for super::parser_items::TopEntry {
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        match self {
            Self::Module(path) => path.spans_mut(f),
            Self::Use(use_) => use_.spans_mut(f),
            Self::Item(item) => item.spans_mut(f),
        }
    }
}
