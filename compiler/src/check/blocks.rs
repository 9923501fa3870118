//! Checking blocks and their statements (`let`, `refuse`), and the
//! `refused because` assertion of examples. Lowers `let` to
//! `ExprKind::Let` and `refuse` to `ExprKind::Refuse`, each wrapping the
//! rest of the block, so the IR keeps the written order of evaluation.

use super::Checker;
use super::expr::{error_expr, make};
use crate::diagnostics::messages::check as msg;
use crate::ir::{Aggregate, Expr, ExprKind, LocalId, RefuseEach};
use crate::source::Span;
use crate::syntax::ast;
use crate::types::Type;

/// A checked statement, waiting for the rest of its block.
enum Checked {
    Let(LocalId, Expr, Span),
    Refuse {
        test: Expr,
        each: Option<RefuseEach>,
        message: String,
        span: Span,
    },
}

impl Checker<'_> {
    pub(super) fn block(
        &mut self,
        stmts: &[ast::Stmt],
        result: &ast::Expr,
        expected: Option<&Type>,
    ) -> Expr {
        let mark = self.ctx.locals.len();
        let mut checked: Vec<Checked> = Vec::new();
        for stmt in stmts {
            match stmt {
                ast::Stmt::Let(l) => checked.push(self.let_stmt(l)),
                ast::Stmt::Refuse(r) => checked.push(self.refuse_stmt(r)),
            }
        }
        let mut body = self.expr(result, expected);
        self.truncate_locals(mark);
        for stmt in checked.into_iter().rev() {
            let (ty, scale) = (body.ty.clone(), body.scale);
            body = match stmt {
                Checked::Let(local, value, span) => {
                    let span = span.to(body.span);
                    make(
                        ExprKind::Let {
                            local,
                            value: Box::new(value),
                            body: Box::new(body),
                        },
                        ty,
                        scale,
                        span,
                    )
                }
                Checked::Refuse {
                    test,
                    each,
                    message,
                    span,
                } => {
                    // The statement alone: an error points at the refusal.
                    make(
                        ExprKind::Refuse {
                            test: Box::new(test),
                            each,
                            message,
                            body: Box::new(body),
                        },
                        ty,
                        scale,
                        span,
                    )
                }
            };
        }
        body
    }

    fn let_stmt(&mut self, l: &ast::Let) -> Checked {
        let annotated = l.ty.as_ref().map(|t| self.resolve_type(self.ctx.module, t));
        let value = self.expr(&l.value, annotated.as_ref());
        let ty = match annotated {
            Some(t) => {
                self.expect_type(&value, &t);
                t
            }
            None => value.ty.clone(),
        };
        let id = self.push_local(&l.name.name, ty, value.scale);
        Checked::Let(id, value, l.span)
    }

    /// `refuse if t because "m"` tests `t`; `refuse for x in xs if t …`
    /// tests `any([t for x in xs])` and remembers the list's path.
    fn refuse_stmt(&mut self, r: &ast::Refuse) -> Checked {
        if r.message.trim().is_empty() {
            self.error(msg::refusal_without_message(r.message_span));
        }
        let (test, each) = match &r.each {
            None => (self.bool_test(&r.test), None),
            Some((binder, list)) => {
                let path = self.parameter_path(list);
                let expected = Type::List(Box::new(Type::Bool));
                let comprehension =
                    self.comprehension(&r.test, binder, list, None, Some(&expected), r.span);
                if let ExprKind::Comprehension { element, .. } = &comprehension.kind {
                    self.expect_type(element, &Type::Bool);
                }
                let list_is_error = match &comprehension.kind {
                    ExprKind::Comprehension { list, .. } => list.ty.is_error(),
                    _ => true,
                };
                if path.is_none() && !list_is_error {
                    self.error(msg::refusal_list_not_a_field(list.span));
                }
                let test = make(
                    ExprKind::Aggregate(Aggregate::Any, Box::new(comprehension)),
                    Type::Bool,
                    Some(0),
                    r.span,
                );
                (test, path.map(|path| RefuseEach { path }))
            }
        };
        Checked::Refuse {
            test,
            each,
            message: r.message.clone(),
            span: r.span,
        }
    }

    fn bool_test(&mut self, test: &ast::Expr) -> Expr {
        let test = self.expr(test, Some(&Type::Bool));
        self.expect_type(&test, &Type::Bool);
        test
    }

    /// `shifts` for `r.shifts` when `r` is a parameter of the body (not a
    /// `let` or a binder): the place of an element in the input.
    fn parameter_path(&self, list: &ast::Expr) -> Option<String> {
        let mut names: Vec<&str> = Vec::new();
        let mut at = list;
        loop {
            match &at.kind {
                ast::ExprKind::Field(object, field) => {
                    names.push(&field.name);
                    at = object;
                }
                ast::ExprKind::Paren(inner) => at = inner,
                ast::ExprKind::Name(ident) => {
                    let local = self
                        .ctx
                        .local_index
                        .get(&ident.name)
                        .and_then(|indices| indices.last())
                        .and_then(|&index| self.ctx.locals.get(index))?;
                    if local.id.0 >= self.ctx.n_params || names.is_empty() {
                        return None;
                    }
                    names.reverse();
                    return Some(names.join("."));
                }
                _ => return None,
            }
        }
    }

    /// `value refused because "message"` (examples only): a `Bool`.
    pub(super) fn expect_refused(
        &mut self,
        value: &ast::Expr,
        message: &str,
        message_span: Span,
        span: Span,
    ) -> Expr {
        if message.trim().is_empty() {
            self.error(msg::refusal_without_message(message_span));
        }
        let value = self.expr(value, None);
        if value.ty.is_error() {
            return error_expr(span);
        }
        make(
            ExprKind::ExpectRefused {
                value: Box::new(value),
                message: message.to_string(),
            },
            Type::Bool,
            Some(0),
            span,
        )
    }
}
