//! AST building for the bracketed expression forms (record literals,
//! blocks, `if`, `match`) and for decision-table rows and cells.
//!
//! Like the rest of the builder it picks children by rule and never
//! assumes the grammar's shape; depth accounting is in `parser_expr`.

use pest::iterators::Pair;

use super::ast::{self, Cell, Expr, ExprKind};
use super::parser::Rule;
use super::parser_expr::{compare_op, error_expr};
use super::parser_items::Builder;
use crate::source::Span;

impl Builder<'_> {
    /// `Name { f: e, … }` or `{ f: e, … }`.
    pub(super) fn record_literal(&mut self, pair: Pair<'_, Rule>) -> Expr {
        let span = self.span(&pair);
        let mut type_name = None;
        let mut fields = Vec::new();
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::type_ident => type_name = Some(self.ident(&child)),
                Rule::field_init => {
                    let field_span = self.span(&child);
                    let mut name = self.missing_ident(field_span);
                    let mut value = None;
                    for part in child.into_inner() {
                        match part.as_rule() {
                            Rule::field_name => name = self.ident(&part),
                            Rule::an_expr => value = Some(self.expr(part)),
                            _ => {}
                        }
                    }
                    fields.push(ast::FieldInit {
                        name,
                        value: value.unwrap_or_else(|| error_expr(field_span)),
                        span: field_span,
                    });
                }
                _ => {}
            }
        }
        Expr {
            kind: ExprKind::Record { type_name, fields },
            span,
        }
    }

    /// `{ let a = e … result }`; without statements the block is its
    /// result.
    pub(super) fn block(&mut self, pair: Pair<'_, Rule>) -> Expr {
        let span = self.span(&pair);
        let mut stmts = Vec::new();
        let mut result = None;
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::let_stmt => stmts.push(ast::Stmt::Let(self.let_stmt(child))),
                Rule::refuse_stmt => stmts.push(ast::Stmt::Refuse(self.refuse_stmt(child))),
                Rule::an_expr => result = Some(self.expr(child)),
                _ => {}
            }
        }
        let result = result.unwrap_or_else(|| error_expr(span));
        if stmts.is_empty() {
            return result;
        }
        Expr {
            kind: ExprKind::Block {
                stmts,
                result: Box::new(result),
            },
            span,
        }
    }

    /// `refuse [for x in list] if test because "message"`.
    fn refuse_stmt(&mut self, pair: Pair<'_, Rule>) -> ast::Refuse {
        let span = self.span(&pair);
        let mut each = None;
        let mut test = None;
        let mut message = (String::new(), span);
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::refuse_each => {
                    let each_span = self.span(&child);
                    let mut binder = self.missing_ident(each_span);
                    let mut list = None;
                    for part in child.into_inner() {
                        match part.as_rule() {
                            Rule::name_ident => binder = self.ident(&part),
                            Rule::an_expr => list = Some(self.expr(part)),
                            _ => {}
                        }
                    }
                    each = Some((binder, list.unwrap_or_else(|| error_expr(each_span))));
                }
                Rule::an_expr => test = Some(self.expr(child)),
                Rule::text_lit => message = self.text(child),
                _ => {}
            }
        }
        ast::Refuse {
            each,
            test: test.unwrap_or_else(|| error_expr(span)),
            message: message.0,
            message_span: message.1,
            span,
        }
    }

    fn let_stmt(&mut self, pair: Pair<'_, Rule>) -> ast::Let {
        let span = self.span(&pair);
        let mut name = self.missing_ident(span);
        let mut ty = None;
        let mut value = None;
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::name_ident => name = self.ident(&child),
                Rule::type_expr => ty = Some(self.type_expr(child, 0)),
                Rule::an_expr => value = Some(self.expr(child)),
                _ => {}
            }
        }
        ast::Let {
            name,
            ty,
            value: value.unwrap_or_else(|| error_expr(span)),
            span,
        }
    }

    /// `if c { a } else if d { b } else { c }`: the grammar gives the
    /// branches flat; they nest here from the last one back.
    pub(super) fn if_chain(&mut self, pair: Pair<'_, Rule>) -> Expr {
        let span = self.span(&pair);
        let mut branches: Vec<(u32, Pair<'_, Rule>, Pair<'_, Rule>)> = Vec::new();
        let mut pending_start = None;
        let mut pending_cond = None;
        let mut otherwise = None;
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::kw_if => pending_start = Some(self.span(&child).start),
                Rule::an_expr => pending_cond = Some(child),
                Rule::block_expr => match (pending_start.take(), pending_cond.take()) {
                    (Some(start), Some(cond)) => branches.push((start, cond, child)),
                    _ => otherwise = Some(child),
                },
                _ => {}
            }
        }
        // `else if` is a flat chain as written: one level, one tree
        // level per branch.
        self.guarded(
            usize::from(!branches.is_empty()),
            branches.len(),
            span,
            |b| {
                let mut expr = otherwise.map_or_else(|| error_expr(span), |p| b.expr(p));
                for (start, cond, then) in branches.into_iter().rev() {
                    let cond = b.expr(cond);
                    let then = b.expr(then);
                    expr = Expr {
                        kind: ExprKind::If {
                            cond: Box::new(cond),
                            then: Box::new(then),
                            otherwise: Box::new(expr),
                        },
                        span: Span { start, ..span },
                    };
                }
                expr
            },
        )
    }

    /// `match e { A => x, B | C => y, _ => z }`.
    pub(super) fn match_expr(&mut self, pair: Pair<'_, Rule>) -> Expr {
        let span = self.span(&pair);
        let mut scrutinee = None;
        let mut arms = Vec::new();
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::an_expr => scrutinee = Some(self.expr(child)),
                Rule::match_arm => arms.push(self.match_arm(child)),
                _ => {}
            }
        }
        Expr {
            kind: ExprKind::Match {
                scrutinee: Box::new(scrutinee.unwrap_or_else(|| error_expr(span))),
                arms,
            },
            span,
        }
    }

    fn match_arm(&mut self, pair: Pair<'_, Rule>) -> ast::MatchArm {
        let span = self.span(&pair);
        let mut patterns = Vec::new();
        let mut wildcard = false;
        let mut body = None;
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::any_wildcard => wildcard = true,
                // `true` and `false` are patterns on a Bool; the checker
                // reads them by name.
                Rule::match_pattern => patterns.push(self.ident(&child)),
                Rule::an_expr => body = Some(self.expr(child)),
                _ => {}
            }
        }
        ast::MatchArm {
            patterns,
            wildcard,
            body: body.unwrap_or_else(|| error_expr(span)),
            span,
        }
    }

    /// `| cell | cell => result`.
    pub(super) fn table_row(&mut self, pair: Pair<'_, Rule>) -> ast::TableRow {
        let span = self.span(&pair);
        let mut cells = Vec::new();
        let mut result = None;
        for child in pair.into_inner() {
            let cell_span = self.span(&child);
            match child.as_rule() {
                Rule::cell_any => cells.push(Cell::Any(cell_span)),
                Rule::cell_compare => {
                    let mut op = None;
                    let mut value = None;
                    for part in child.into_inner() {
                        match part.as_rule() {
                            Rule::cell_value => value = Some(self.cell_value(part)),
                            rule => op = op.or(compare_op(rule)),
                        }
                    }
                    // `==` is not a cell comparison; a bare value tests equality.
                    match op {
                        Some(op) => cells.push(Cell::Compare(
                            op,
                            value.unwrap_or_else(|| error_expr(cell_span)),
                            cell_span,
                        )),
                        None => cells.push(Cell::OneOf(value.into_iter().collect(), cell_span)),
                    }
                }
                Rule::cell_range => {
                    let values: Vec<Expr> = child
                        .into_inner()
                        .filter(|p| p.as_rule() == Rule::cell_value)
                        .map(|p| self.cell_value(p))
                        .collect();
                    let mut values = values.into_iter();
                    let low = values.next().unwrap_or_else(|| error_expr(cell_span));
                    let high = values.next().unwrap_or_else(|| error_expr(cell_span));
                    cells.push(Cell::Range(low, high, cell_span));
                }
                Rule::cell_one_of => {
                    let values = child
                        .into_inner()
                        .filter(|p| p.as_rule() == Rule::cell_value)
                        .map(|p| self.cell_value(p))
                        .collect();
                    cells.push(Cell::OneOf(values, cell_span));
                }
                Rule::an_expr => result = Some(self.expr(child)),
                _ => {}
            }
        }
        ast::TableRow {
            cells,
            result: result.unwrap_or_else(|| error_expr(span)),
            span,
        }
    }

    /// A cell's value: any expression the grammar allows there; the
    /// checker requires a literal or a variant.
    fn cell_value(&mut self, pair: Pair<'_, Rule>) -> Expr {
        let span = self.span(&pair);
        match pair.into_inner().next() {
            Some(inner) => self.expr(inner),
            None => error_expr(span),
        }
    }
}
