//! AST building for expressions, literals and table cells.
//!
//! The grammar writes every precedence level as a repetition, so `a + b +
//! c` arrives as one flat pair; here it is folded into a left-nested tree.
//! Two bounds keep later stages, which walk the tree recursively, from
//! running out of stack on hostile input. Nesting the drafter wrote
//! (brackets, calls, blocks, each chain as a whole) is bounded by
//! [`MAX_EXPR_DEPTH`] ("nested too deeply"); the depth of the tree built,
//! where a flat chain of N operators counts N, by the larger
//! [`MAX_TREE_DEPTH`] ("too long"). So a flat sum of a few hundred terms,
//! which a drafter writes as one level, is not refused as nesting.
//!
//! Recognised here rather than in the grammar: `round(…)` and
//! `filter(…, x => …)` (parsed as calls, so a failed special form is never
//! re-parsed), and the sole generator argument `sum(x for x in xs)`.

use pest::iterators::Pair;

use super::ast::{BinaryOp, CompareOp, Expr, ExprKind, Literal, LiteralUnit, UnaryOp};
use super::parser::Rule;
use super::parser_items::Builder;
use crate::diagnostics::messages::syntax as msg;
use crate::source::Span;

/// Bound on the nesting of one expression as written (see the module doc).
pub(super) const MAX_EXPR_DEPTH: usize = 256;

/// Bound on the depth of one expression tree, flat chains counted by their
/// operators (see the module doc). The interpreter refuses evaluation
/// deeper than 400 levels (`eval::functions::MAX_DEPTH`, sized for 2 MiB
/// stacks); this leaves 50 of them for the calls and brackets around the
/// deepest expression, so a program that parses does not stop on depth at
/// run time. `avtal-compiler`'s `deep_chain_tests` check, on a 2 MiB
/// thread, that the longest chain checks, evaluates and formats.
pub const MAX_TREE_DEPTH: usize = 350;

/// The placeholder for an expression that could not be built; a
/// diagnostic always accompanies it.
pub(super) fn error_expr(span: Span) -> Expr {
    Expr {
        kind: ExprKind::Error,
        span,
    }
}

/// A call argument: an expression, or `x => cond` (only valid in `filter`).
enum Arg {
    Expr(Expr),
    Lambda(super::ast::Ident, Expr, Span),
}

impl Builder<'_> {
    /// Runs `build` with `nesting` added to the nesting as written and
    /// `tree` to the depth of the tree, or reports the first bound crossed
    /// (once per chunk) and returns an error expression.
    pub(super) fn guarded(
        &mut self,
        nesting: usize,
        tree: usize,
        span: Span,
        build: impl FnOnce(&mut Self) -> Expr,
    ) -> Expr {
        self.nesting = self.nesting.saturating_add(nesting);
        self.depth = self.depth.saturating_add(tree);
        let too_deep = if self.nesting > MAX_EXPR_DEPTH {
            Some(msg::too_deeply_nested(span, MAX_EXPR_DEPTH))
        } else if self.depth > MAX_TREE_DEPTH {
            Some(msg::too_long_expression(span, MAX_TREE_DEPTH))
        } else {
            None
        };
        let expr = match too_deep {
            Some(diagnostic) => {
                if !self.too_deep_reported {
                    self.too_deep_reported = true;
                    self.diagnostics.push(diagnostic);
                }
                error_expr(span)
            }
            None => build(self),
        };
        self.nesting = self.nesting.saturating_sub(nesting);
        self.depth = self.depth.saturating_sub(tree);
        expr
    }

    /// Any expression pair (a precedence level or a primary).
    pub(super) fn expr(&mut self, pair: Pair<'_, Rule>) -> Expr {
        // Skip the precedence levels that hold a single operand without
        // recursing through each of them.
        let mut pair = pair;
        while is_level(pair.as_rule()) {
            let mut inner = pair.clone().into_inner();
            match (inner.next(), inner.next()) {
                (Some(only), None) => pair = only,
                _ => break,
            }
        }
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::an_expr
            | Rule::expr_and
            | Rule::expr_cmp
            | Rule::expr_add
            | Rule::expr_mul
            | Rule::expr_at
            | Rule::expr_postfix => self.chain(pair),
            Rule::expr_not | Rule::expr_unary => self.prefix(pair),
            Rule::date_lit => self.date(&pair),
            Rule::time_lit => Expr {
                kind: ExprKind::Literal(Literal::Time(pair.as_str().to_owned())),
                span,
            },
            Rule::timestamp_lit => Expr {
                kind: ExprKind::Literal(Literal::Timestamp(pair.as_str().to_owned())),
                span,
            },
            Rule::number_lit => self.number(pair),
            Rule::text_lit => {
                let (text, span) = self.text(pair);
                Expr {
                    kind: ExprKind::Literal(Literal::Text(text)),
                    span,
                }
            }
            Rule::kw_true | Rule::kw_false => Expr {
                kind: ExprKind::Literal(Literal::Bool(pair.as_rule() == Rule::kw_true)),
                span,
            },
            Rule::name_ref => Expr {
                kind: ExprKind::Name(self.ident(&pair)),
                span,
            },
            Rule::paren_expr => self.guarded(1, 1, span, |b| {
                let inner = pair.into_inner().find(|p| p.as_rule() == Rule::an_expr);
                let inner = inner.map_or_else(|| error_expr(span), |p| b.expr(p));
                Expr {
                    kind: ExprKind::Paren(Box::new(inner)),
                    span,
                }
            }),
            Rule::call_expr => self.guarded(1, 1, span, |b| b.call(pair)),
            Rule::typed_record | Rule::record_lit => {
                self.guarded(1, 1, span, |b| b.record_literal(pair))
            }
            Rule::block_expr => self.guarded(1, 1, span, |b| b.block(pair)),
            Rule::if_expr => self.if_chain(pair),
            Rule::match_expr => self.guarded(1, 1, span, |b| b.match_expr(pair)),
            Rule::list_expr => self.guarded(1, 1, span, |b| b.list(pair)),
            _ => error_expr(span),
        }
    }

    /// `a op b op c …`, folded to the left. Also `x at d at e` and
    /// `a.b.c`, whose operators are `at` and `.`.
    fn chain(&mut self, pair: Pair<'_, Rule>) -> Expr {
        let span = self.span(&pair);
        let children: Vec<Pair<'_, Rule>> = pair.into_inner().collect();
        // One level as written, one tree level per operator.
        let operators = children.len() / 2;
        self.guarded(usize::from(operators > 0), operators, span, |b| {
            let mut children = children.into_iter();
            let Some(first) = children.next() else {
                return error_expr(span);
            };
            let mut lhs = b.expr(first);
            while let (Some(op), Some(rhs)) = (children.next(), children.next()) {
                let rhs_span = b.span(&rhs);
                let kind = match op.as_rule() {
                    Rule::kw_at => ExprKind::At(Box::new(lhs), Box::new(b.expr(rhs))),
                    Rule::op_dot => ExprKind::Field(Box::new(lhs), b.ident(&rhs)),
                    rule => match binary_op(rule) {
                        Some(op) => ExprKind::Binary(op, Box::new(lhs), Box::new(b.expr(rhs))),
                        None => ExprKind::Error,
                    },
                };
                lhs = Expr {
                    kind,
                    span: span_from(span, rhs_span),
                };
            }
            lhs
        })
    }

    /// `not not x`, `- - x`: prefix operators wrapped from the inside out.
    fn prefix(&mut self, pair: Pair<'_, Rule>) -> Expr {
        let span = self.span(&pair);
        let mut operators = Vec::new();
        let mut operand = None;
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::kw_not => operators.push((UnaryOp::Not, self.span(&child))),
                Rule::op_minus => operators.push((UnaryOp::Neg, self.span(&child))),
                _ => operand = Some(child),
            }
        }
        self.guarded(operators.len(), operators.len(), span, |b| {
            let mut expr = operand.map_or_else(|| error_expr(span), |p| b.expr(p));
            for (op, op_span) in operators.into_iter().rev() {
                let span = op_span.to(expr.span);
                expr = Expr {
                    kind: ExprKind::Unary(op, Box::new(expr)),
                    span,
                };
            }
            expr
        })
    }

    /// A date literal. The grammar accepts `2026-1-1` so that it is not
    /// read as a subtraction; it is reported here and padded.
    pub(super) fn date(&mut self, pair: &Pair<'_, Rule>) -> Expr {
        let span = self.span(pair);
        let written = pair.as_str();
        let parts: Vec<&str> = written.split('-').collect();
        // Dates in data files and in the compiled code's calendar have
        // four-digit years; a longer year is refused here, at the literal,
        // rather than read as a subtraction or a date no file can hold.
        if let Some(year) = parts.first()
            && year.len() > 4
        {
            self.diagnostics
                .push(msg::date_year_out_of_range(span, written, year));
            return error_expr(span);
        }
        let text = match parts.as_slice() {
            [_, month, day] if month.len() == 2 && day.len() == 2 => written.to_owned(),
            [year, month, day] => {
                let padded = format!("{year}-{month:0>2}-{day:0>2}");
                self.diagnostics
                    .push(msg::malformed_date(span, written, &padded));
                padded
            }
            _ => written.to_owned(),
        };
        Expr {
            kind: ExprKind::Literal(Literal::Date(text)),
            span,
        }
    }

    fn number(&mut self, pair: Pair<'_, Rule>) -> Expr {
        let span = self.span(&pair);
        let mut text = String::new();
        let mut unit = None;
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::number_digits => text = child.as_str().to_owned(),
                Rule::unit_word => unit = unit_of(child.as_str()),
                _ => {}
            }
        }
        Expr {
            kind: ExprKind::Literal(Literal::Number { text, unit }),
            span,
        }
    }

    /// A quoted text with its escapes resolved, and the span of the whole
    /// literal (quotes included).
    pub(super) fn text(&mut self, pair: Pair<'_, Rule>) -> (String, Span) {
        let span = self.span(&pair);
        let Some(body) = pair.into_inner().find(|p| p.as_rule() == Rule::text_body) else {
            return (String::new(), span);
        };
        let body_start = self.offset.saturating_add(body.as_span().start());
        let mut text = String::new();
        let mut chars = body.as_str().char_indices();
        while let Some((index, c)) = chars.next() {
            if c != '\\' {
                text.push(c);
                continue;
            }
            match chars.next() {
                Some((_, '"')) => text.push('"'),
                Some((_, '\\')) => text.push('\\'),
                Some((_, 'n')) => text.push('\n'),
                Some((_, other)) => {
                    let start = body_start.saturating_add(index);
                    let end = start.saturating_add(1).saturating_add(other.len_utf8());
                    let escape = format!("\\{other}");
                    self.diagnostics.push(msg::invalid_escape(
                        Span::new(self.file, start, end),
                        &escape,
                    ));
                    text.push(other);
                }
                None => text.push('\\'),
            }
        }
        (text, span)
    }

    fn call(&mut self, pair: Pair<'_, Rule>) -> Expr {
        let span = self.span(&pair);
        let mut callee = self.missing_ident(span);
        let mut args = Vec::new();
        let mut generator = None;
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::name_ref => callee = self.ident(&child),
                Rule::call_args => {
                    for arg in child.into_inner() {
                        match arg.as_rule() {
                            Rule::an_expr => args.push(Arg::Expr(self.expr(arg))),
                            Rule::lambda_arg => args.push(self.lambda(arg)),
                            Rule::generator_tail => generator = Some(arg),
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        if let Some(tail) = generator {
            // The grammar allows a generator only after a sole first argument.
            let element = match args.pop() {
                Some(Arg::Expr(e)) => e,
                Some(Arg::Lambda(_, _, lambda_span)) => {
                    self.diagnostics
                        .push(msg::lambda_outside_filter(lambda_span));
                    error_expr(lambda_span)
                }
                None => error_expr(span),
            };
            let comprehension = self.comprehension(element, tail);
            return Expr {
                kind: ExprKind::Call {
                    callee,
                    args: vec![comprehension],
                },
                span,
            };
        }
        match callee.name.as_str() {
            "round" => self.round(args, span),
            "filter" => self.filter(args, span),
            _ => {
                let had_lambda = args.iter().any(|a| matches!(a, Arg::Lambda(..)));
                let args = args.into_iter().map(|a| self.plain_arg(a)).collect();
                if had_lambda {
                    // The misplaced `x => …` was reported; an error in place
                    // of the whole call keeps the checker from also
                    // counting its arguments.
                    return error_expr(span);
                }
                Expr {
                    kind: ExprKind::Call { callee, args },
                    span,
                }
            }
        }
    }

    fn lambda(&mut self, pair: Pair<'_, Rule>) -> Arg {
        let span = self.span(&pair);
        let mut binder = self.missing_ident(span);
        let mut body = None;
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::name_ref => binder = self.ident(&child),
                Rule::an_expr => body = Some(self.expr(child)),
                _ => {}
            }
        }
        Arg::Lambda(binder, body.unwrap_or_else(|| error_expr(span)), span)
    }

    /// An argument outside `filter`: a lambda there is an error.
    fn plain_arg(&mut self, arg: Arg) -> Expr {
        match arg {
            Arg::Expr(e) => e,
            Arg::Lambda(_, _, span) => {
                self.diagnostics.push(msg::lambda_outside_filter(span));
                error_expr(span)
            }
        }
    }

    /// `round(value, step)` or `round(value, step, mode)`.
    fn round(&mut self, args: Vec<Arg>, span: Span) -> Expr {
        let count = args.len();
        let mut args: Vec<Expr> = args.into_iter().map(|a| self.plain_arg(a)).collect();
        if !(2..=3).contains(&count) {
            self.diagnostics.push(msg::round_arguments(span, count));
            return error_expr(span);
        }
        let mode = if count == 3 {
            match args.pop() {
                Some(Expr {
                    kind: ExprKind::Name(ident),
                    ..
                }) => Some(ident),
                Some(other) => {
                    self.diagnostics.push(msg::round_mode_not_name(other.span));
                    None
                }
                None => None,
            }
        } else {
            None
        };
        let mut args = args.into_iter();
        let value = args.next().unwrap_or_else(|| error_expr(span));
        let step = args.next().unwrap_or_else(|| error_expr(span));
        Expr {
            kind: ExprKind::Round {
                value: Box::new(value),
                step: Box::new(step),
                mode,
            },
            span,
        }
    }

    /// `filter(list, x => condition)`.
    fn filter(&mut self, args: Vec<Arg>, span: Span) -> Expr {
        let mut args = args.into_iter();
        match (args.next(), args.next(), args.next()) {
            (Some(Arg::Expr(list)), Some(Arg::Lambda(binder, cond, _)), None) => Expr {
                kind: ExprKind::Filter {
                    list: Box::new(list),
                    binder,
                    cond: Box::new(cond),
                },
                span,
            },
            _ => {
                self.diagnostics.push(msg::filter_arguments(span));
                error_expr(span)
            }
        }
    }

    /// `element for x in list [if cond]`, from the element and the tail.
    fn comprehension(&mut self, element: Expr, tail: Pair<'_, Rule>) -> Expr {
        let span = element.span.to(self.span(&tail));
        let mut binder = self.missing_ident(span);
        let mut exprs = Vec::new();
        for child in tail.into_inner() {
            match child.as_rule() {
                Rule::name_ident => binder = self.ident(&child),
                Rule::an_expr => exprs.push(self.expr(child)),
                _ => {}
            }
        }
        let mut exprs = exprs.into_iter();
        let list = exprs.next().unwrap_or_else(|| error_expr(span));
        Expr {
            kind: ExprKind::Comprehension {
                element: Box::new(element),
                binder,
                list: Box::new(list),
                filter: exprs.next().map(Box::new),
            },
            span,
        }
    }

    /// `[a, b]` or `[e for x in xs if c]`.
    fn list(&mut self, pair: Pair<'_, Rule>) -> Expr {
        let span = self.span(&pair);
        let mut items = Vec::new();
        let mut generator = None;
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::an_expr => items.push(self.expr(child)),
                Rule::generator_tail => generator = Some(child),
                _ => {}
            }
        }
        match (generator, items.pop()) {
            (Some(tail), Some(element)) => {
                let mut comprehension = self.comprehension(element, tail);
                comprehension.span = span;
                comprehension
            }
            (_, last) => {
                items.extend(last);
                Expr {
                    kind: ExprKind::List(items),
                    span,
                }
            }
        }
    }
}

/// Rules that are a precedence level (and may hold a single operand).
fn is_level(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::an_expr
            | Rule::expr_and
            | Rule::expr_not
            | Rule::expr_cmp
            | Rule::expr_add
            | Rule::expr_mul
            | Rule::expr_unary
            | Rule::expr_at
            | Rule::expr_postfix
    )
}

fn binary_op(rule: Rule) -> Option<BinaryOp> {
    Some(match rule {
        Rule::kw_or => BinaryOp::Or,
        Rule::kw_and => BinaryOp::And,
        Rule::op_eq => BinaryOp::Eq,
        Rule::op_ne => BinaryOp::Ne,
        Rule::op_lt => BinaryOp::Lt,
        Rule::op_le => BinaryOp::Le,
        Rule::op_gt => BinaryOp::Gt,
        Rule::op_ge => BinaryOp::Ge,
        Rule::op_plus => BinaryOp::Add,
        Rule::op_minus => BinaryOp::Sub,
        Rule::op_star => BinaryOp::Mul,
        Rule::op_slash => BinaryOp::Div,
        _ => return None,
    })
}

pub(super) fn compare_op(rule: Rule) -> Option<CompareOp> {
    Some(match rule {
        Rule::op_lt => CompareOp::Lt,
        Rule::op_le => CompareOp::Le,
        Rule::op_gt => CompareOp::Gt,
        Rule::op_ge => CompareOp::Ge,
        Rule::op_ne => CompareOp::Ne,
        _ => return None,
    })
}

fn unit_of(word: &str) -> Option<LiteralUnit> {
    Some(match word {
        "SEK" | "kr" => LiteralUnit::Sek,
        "SEK/h" | "kr/h" => LiteralUnit::SekPerHour,
        "%" => LiteralUnit::Percent,
        "h" => LiteralUnit::Hours,
        "day" | "days" => LiteralUnit::Days,
        "week" | "weeks" => LiteralUnit::Weeks,
        "month" | "months" => LiteralUnit::Months,
        "year" | "years" => LiteralUnit::Years,
        _ => return None,
    })
}

/// The span from the start of a chain to the end of its latest operand.
fn span_from(chain: Span, operand: Span) -> Span {
    Span {
        file: chain.file,
        start: chain.start,
        end: operand.end,
    }
}
