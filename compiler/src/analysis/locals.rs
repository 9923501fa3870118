//! Local bindings (rule parameters, `let`s, comprehension and `filter`
//! binders) found by walking the AST with the checker's scoping rules: the
//! innermost binding of a name wins, a `let` is visible after itself, a
//! binder only in the expression it binds. The checker does not keep the
//! spans of locals, so this walk supplies them for IDE queries.

use crate::source::Span;
use crate::syntax::ast;

/// One local binding with every use of it.
#[derive(Debug, Clone)]
pub struct LocalBinding {
    pub name: String,
    pub def: Span,
    /// The written type, when the binding has one.
    pub ty: Option<String>,
    pub uses: Vec<Span>,
    /// The item the binding lives in (for completion and clash checks).
    pub scope: Span,
}

/// Every local binding of one module.
pub fn collect(module: &ast::Module) -> Vec<LocalBinding> {
    let mut walker = Walker {
        bindings: Vec::new(),
        stack: Vec::new(),
        scope: Span::new(module.file, 0, 0),
    };
    for item in &module.items {
        let scope = item.span();
        walker.scope = scope;
        match item {
            ast::Item::Rule(rule) | ast::Item::Evaluate(rule) => {
                walker.with_params(&rule.params, |w| w.expr(&rule.body));
            }
            ast::Item::Table(table) => walker.with_params(&table.params, |w| {
                for row in &table.rows {
                    for cell in &row.cells {
                        w.cell(cell);
                    }
                    w.expr(&row.result);
                }
            }),
            ast::Item::Condition(condition) => walker.with_params(&condition.params, |w| {
                for requirement in &condition.requirements {
                    w.expr(&requirement.test);
                }
            }),
            ast::Item::Limit(limit) => walker.with_params(&limit.params, |w| {
                w.expr(&limit.measured);
                w.expr(&limit.bound);
            }),
            ast::Item::Example(example) => {
                for assertion in &example.assertions {
                    walker.expr(assertion);
                }
            }
            ast::Item::Param(param) => {
                for step in &param.timeline {
                    walker.expr(&step.from);
                    walker.expr(&step.value);
                }
            }
            ast::Item::Record(_) | ast::Item::Enum(_) | ast::Item::Classes(_) => {}
        }
    }
    walker.bindings
}

struct Walker {
    bindings: Vec<LocalBinding>,
    /// Indices into `bindings` of the names in scope, innermost last.
    stack: Vec<usize>,
    scope: Span,
}

fn type_text(ty: &ast::TypeExpr) -> String {
    match ty {
        ast::TypeExpr::Named(ident) => ident.name.clone(),
        ast::TypeExpr::List(inner, _) => format!("List<{}>", type_text(inner)),
    }
}

impl Walker {
    fn bind(&mut self, ident: &ast::Ident, ty: Option<String>) {
        self.stack.push(self.bindings.len());
        self.bindings.push(LocalBinding {
            name: ident.name.clone(),
            def: ident.span,
            ty,
            uses: Vec::new(),
            scope: self.scope,
        });
    }

    fn with_params(&mut self, params: &[ast::ParamDecl], body: impl FnOnce(&mut Walker)) {
        let depth = self.stack.len();
        for param in params {
            self.bind(&param.name, Some(type_text(&param.ty)));
        }
        body(self);
        self.stack.truncate(depth);
    }

    fn use_name(&mut self, ident: &ast::Ident) {
        let found = self.stack.iter().rev().copied().find(|index| {
            self.bindings
                .get(*index)
                .is_some_and(|b| b.name == ident.name)
        });
        if let Some(binding) = found.and_then(|index| self.bindings.get_mut(index)) {
            binding.uses.push(ident.span);
        }
    }

    fn cell(&mut self, cell: &ast::Cell) {
        match cell {
            ast::Cell::Any(_) => {}
            ast::Cell::OneOf(values, _) => values.iter().for_each(|v| self.expr(v)),
            ast::Cell::Compare(_, value, _) => self.expr(value),
            ast::Cell::Range(low, high, _) => {
                self.expr(low);
                self.expr(high);
            }
        }
    }

    fn expr(&mut self, e: &ast::Expr) {
        match &e.kind {
            ast::ExprKind::Literal(_) | ast::ExprKind::Error => {}
            ast::ExprKind::Name(ident) => self.use_name(ident),
            ast::ExprKind::Field(object, _) => self.expr(object),
            ast::ExprKind::Call { args, .. } => args.iter().for_each(|a| self.expr(a)),
            ast::ExprKind::Unary(_, operand) | ast::ExprKind::Paren(operand) => self.expr(operand),
            ast::ExprKind::Binary(_, left, right) | ast::ExprKind::At(left, right) => {
                self.expr(left);
                self.expr(right);
            }
            ast::ExprKind::If {
                cond,
                then,
                otherwise,
            } => {
                self.expr(cond);
                self.expr(then);
                self.expr(otherwise);
            }
            ast::ExprKind::Match { scrutinee, arms } => {
                self.expr(scrutinee);
                arms.iter().for_each(|arm| self.expr(&arm.body));
            }
            ast::ExprKind::Block { stmts, result } => {
                let depth = self.stack.len();
                for stmt in stmts {
                    match stmt {
                        ast::Stmt::Let(l) => {
                            self.expr(&l.value);
                            self.bind(&l.name, l.ty.as_ref().map(type_text));
                        }
                        ast::Stmt::Refuse(r) => match &r.each {
                            Some((binder, list)) => {
                                self.expr(list);
                                let inner = self.stack.len();
                                self.bind(binder, None);
                                self.expr(&r.test);
                                self.stack.truncate(inner);
                            }
                            None => self.expr(&r.test),
                        },
                    }
                }
                self.expr(result);
                self.stack.truncate(depth);
            }
            ast::ExprKind::Refused { value, .. } => self.expr(value),
            ast::ExprKind::Record { fields, .. } => {
                fields.iter().for_each(|f| self.expr(&f.value));
            }
            ast::ExprKind::List(items) => items.iter().for_each(|i| self.expr(i)),
            ast::ExprKind::Comprehension {
                element,
                binder,
                list,
                filter,
            } => {
                self.expr(list);
                let depth = self.stack.len();
                self.bind(binder, None);
                self.expr(element);
                if let Some(filter) = filter {
                    self.expr(filter);
                }
                self.stack.truncate(depth);
            }
            ast::ExprKind::Filter { list, binder, cond } => {
                self.expr(list);
                let depth = self.stack.len();
                self.bind(binder, None);
                self.expr(cond);
                self.stack.truncate(depth);
            }
            ast::ExprKind::Round { value, step, .. } => {
                self.expr(value);
                self.expr(step);
            }
        }
    }
}
