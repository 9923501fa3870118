//! Expressions as a reader expects them: `×` and `−`, fractions stacked,
//! `≤` and `≠`, `och`/`eller`, names as written and linked to their
//! definitions, aggregates and comprehensions in words, and every `round`
//! as a numbered note stated in words.
//!
//! Renders the AST (which keeps the names and parentheses as written),
//! never evaluates.

use avtal_compiler::ir::RoundMode;
use avtal_syntax::syntax::ast::{BinaryOp, Expr, ExprKind, Literal, UnaryOp};

use crate::context::Context;
use crate::html::escape;
use crate::words;

/// The renderer of one item's expressions, collecting its roundings.
pub struct Formula<'c, 'a> {
    context: &'c Context<'a>,
    /// The roundings met, in words, numbered from 1 in the text.
    pub roundings: Vec<String>,
}

impl<'c, 'a> Formula<'c, 'a> {
    pub fn new(context: &'c Context<'a>) -> Formula<'c, 'a> {
        Formula {
            context,
            roundings: Vec::new(),
        }
    }

    /// The roundings as a list under the formula, or nothing.
    pub fn rounding_notes(&self) -> String {
        if self.roundings.is_empty() {
            return String::new();
        }
        let mut out = String::from("<ol class=\"roundings\">");
        for words in &self.roundings {
            out.push_str(&format!("<li>Avrundning: {}</li>", escape(words)));
        }
        out.push_str("</ol>");
        out
    }

    /// A name as written, linked when it is a use of a documented item.
    pub fn name(&self, name: &str, span: avtal_compiler::Span) -> String {
        match self.context.href_at(span) {
            Some(href) => format!(
                "<a class=\"name\" href=\"{}\">{}</a>",
                escape(&href),
                escape(name)
            ),
            None => format!("<span class=\"name\">{}</span>", escape(name)),
        }
    }

    pub fn expr(&mut self, expr: &Expr) -> String {
        match &expr.kind {
            ExprKind::Literal(literal) => self.literal(literal, expr),
            ExprKind::Name(ident) => self.name(&ident.name, ident.span),
            ExprKind::Field(base, field) => {
                format!("{}.{}", self.expr(base), self.name(&field.name, field.span))
            }
            ExprKind::Call { callee, args } => self.call(callee, args),
            ExprKind::Unary(UnaryOp::Neg, inner) => format!("−{}", self.expr(inner)),
            ExprKind::Unary(UnaryOp::Not, inner) => {
                format!("<span class=\"op\">inte</span> {}", self.expr(inner))
            }
            ExprKind::Binary(BinaryOp::Div, left, right) => format!(
                "<span class=\"frac\"><span class=\"num\">{}</span><span class=\"den\">{}</span></span>",
                self.unparen(left),
                self.unparen(right)
            ),
            ExprKind::Binary(op, left, right) => format!(
                "{} <span class=\"op\">{}</span> {}",
                self.expr(left),
                operator(*op),
                self.expr(right)
            ),
            ExprKind::At(param, date) => format!(
                "{} <span class=\"op\">vid</span> {}",
                self.expr(param),
                self.expr(date)
            ),
            ExprKind::If {
                cond,
                then,
                otherwise,
            } => format!(
                "<span class=\"op\">om</span> {} <span class=\"op\">så</span> {}, <span class=\"op\">annars</span> {}",
                self.expr(cond),
                self.expr(then),
                self.expr(otherwise)
            ),
            ExprKind::Match { scrutinee, arms } => {
                let arms: Vec<String> = arms
                    .iter()
                    .map(|arm| {
                        let pattern = if arm.wildcard {
                            "övriga".to_string()
                        } else {
                            arm.patterns
                                .iter()
                                .map(|p| self.name(&p.name, p.span))
                                .collect::<Vec<_>>()
                                .join(" eller ")
                        };
                        format!("<li>{pattern} → {}</li>", self.expr(&arm.body))
                    })
                    .collect();
                format!(
                    "<span class=\"op\">beroende på</span> {}:<ul class=\"arms\">{}</ul>",
                    self.expr(scrutinee),
                    arms.concat()
                )
            }
            ExprKind::Block { stmts, result } => {
                let (result, lets) = self.block(stmts, result);
                format!("{result}{lets}")
            }
            ExprKind::Refused { value, message, .. } => format!(
                "{} <span class=\"op\">avvisas med</span> ”{}”",
                self.expr(value),
                escape(message)
            ),
            ExprKind::Record { type_name, fields } => {
                let fields: Vec<String> = fields
                    .iter()
                    .map(|f| format!("{}: {}", escape(&f.name.name), self.expr(&f.value)))
                    .collect();
                let name = type_name
                    .as_ref()
                    .map(|t| self.name(&t.name, t.span) + " ")
                    .unwrap_or_default();
                format!("{name}{{ {} }}", fields.join(", "))
            }
            ExprKind::List(items) => {
                let items: Vec<String> = items.iter().map(|e| self.expr(e)).collect();
                format!("[{}]", items.join(", "))
            }
            ExprKind::Comprehension {
                element,
                binder,
                list,
                filter,
            } => format!(
                "[{}]",
                self.comprehension(element, binder, list, filter.as_deref())
            ),
            ExprKind::Filter { list, binder, cond } => format!(
                "[{b} <span class=\"op\">för varje</span> {b} <span class=\"op\">i</span> {} <span class=\"op\">där</span> {}]",
                self.expr(list),
                self.expr(cond),
                b = escape(&binder.name)
            ),
            ExprKind::Round { value, step, mode } => self.round(value, step, mode.as_ref()),
            ExprKind::Paren(inner) => format!("({})", self.expr(inner)),
            ExprKind::Error => "?".to_string(),
        }
    }

    /// A block's result, its refusals as an "avvisas" list and its
    /// `let`s as a "där" list.
    pub fn block(
        &mut self,
        stmts: &[avtal_syntax::syntax::ast::Stmt],
        result: &Expr,
    ) -> (String, String) {
        use avtal_syntax::syntax::ast::Stmt;
        let result = self.expr(result);
        let mut refusals = String::new();
        let mut lets = String::new();
        for stmt in stmts {
            match stmt {
                Stmt::Let(binding) => lets.push_str(&format!(
                    "<li><span class=\"name\">{}</span> = {}</li>",
                    escape(&binding.name.name),
                    self.expr(&binding.value)
                )),
                Stmt::Refuse(refuse) => {
                    let each = match &refuse.each {
                        Some((binder, list)) => format!(
                            "<span class=\"op\">varje</span> {} <span class=\"op\">i</span> {} ",
                            escape(&binder.name),
                            self.expr(list)
                        ),
                        None => String::new(),
                    };
                    refusals.push_str(&format!(
                        "<li>{each}<span class=\"op\">om</span> {}: ”{}”</li>",
                        self.expr(&refuse.test),
                        escape(&refuse.message)
                    ));
                }
            }
        }
        let mut text = String::new();
        if !refusals.is_empty() {
            text.push_str(&format!(
                "<div class=\"refuse\">avvisas (indata godtas inte)<ul>{refusals}</ul></div>"
            ));
        }
        if !lets.is_empty() {
            text.push_str(&format!("<div class=\"where\">där<ul>{lets}</ul></div>"));
        }
        (result, text)
    }

    /// `x för varje m i lista där villkor`, without brackets.
    fn comprehension(
        &mut self,
        element: &Expr,
        binder: &avtal_syntax::syntax::ast::Ident,
        list: &Expr,
        filter: Option<&Expr>,
    ) -> String {
        let mut text = format!(
            "{} <span class=\"op\">för varje</span> {} <span class=\"op\">i</span> {}",
            self.expr(element),
            escape(&binder.name),
            self.expr(list)
        );
        if let Some(filter) = filter {
            text.push_str(&format!(
                " <span class=\"op\">där</span> {}",
                self.expr(filter)
            ));
        }
        text
    }

    /// The parts of a fraction need no parentheses of their own.
    fn unparen(&mut self, expr: &Expr) -> String {
        match &expr.kind {
            ExprKind::Paren(inner) => self.expr(inner),
            _ => self.expr(expr),
        }
    }

    fn literal(&self, literal: &Literal, expr: &Expr) -> String {
        match literal {
            Literal::Text(text) => format!("”{}”", escape(text)),
            Literal::Bool(true) => "ja".to_string(),
            Literal::Bool(false) => "nej".to_string(),
            // Numbers, dates and times as written, with their units.
            _ => format!(
                "<span class=\"value\">{}</span>",
                escape(self.context.snippet(expr.span).trim())
            ),
        }
    }

    fn call(&mut self, callee: &avtal_syntax::syntax::ast::Ident, args: &[Expr]) -> String {
        // `sum(x for m in l)`: the aggregate's only argument needs no brackets.
        let args_text: Vec<String> = args
            .iter()
            .map(|a| match &a.kind {
                ExprKind::Comprehension {
                    element,
                    binder,
                    list,
                    filter,
                } if args.len() == 1 => {
                    self.comprehension(element, binder, list, filter.as_deref())
                }
                _ => self.expr(a),
            })
            .collect();
        let words = match callee.name.as_str() {
            "sum" => Some("summan av"),
            "count" => Some("antalet"),
            "all" => Some("alla"),
            "any" => Some("något av"),
            "min" => Some("det minsta av"),
            "max" => Some("det största av"),
            _ => None,
        };
        // A builtin has no definition to link to; a same-named item does.
        match (words, self.context.href_at(callee.span)) {
            (Some(words), None) => format!(
                "<span class=\"op\">{words}</span> ({})",
                args_text.join(", ")
            ),
            _ => format!(
                "{}({})",
                self.name(&callee.name, callee.span),
                args_text.join(", ")
            ),
        }
    }

    fn round(
        &mut self,
        value: &Expr,
        step: &Expr,
        mode: Option<&avtal_syntax::syntax::ast::Ident>,
    ) -> String {
        let inner = self.expr(value);
        let mode = mode
            .and_then(|m| RoundMode::from_name(&m.name))
            .unwrap_or(RoundMode::HalfAwayFromZero);
        let (number, unit) = match &step.kind {
            ExprKind::Literal(Literal::Number { text, unit }) => (text.clone(), *unit),
            _ => (self.context.snippet(step.span).trim().to_string(), None),
        };
        self.roundings.push(words::rounding(&number, unit, mode));
        format!(
            "<span class=\"op\">avrundat</span>({inner})<sup class=\"note\">{}</sup>",
            self.roundings.len()
        )
    }
}

fn operator(op: BinaryOp) -> &'static str {
    match op {
        BinaryOp::Add => "+",
        BinaryOp::Sub => "−",
        BinaryOp::Mul => "×",
        BinaryOp::Div => "/",
        BinaryOp::Eq => "=",
        BinaryOp::Ne => "≠",
        BinaryOp::Lt => "&lt;",
        BinaryOp::Le => "≤",
        BinaryOp::Gt => "&gt;",
        BinaryOp::Ge => "≥",
        BinaryOp::And => "och",
        BinaryOp::Or => "eller",
    }
}
