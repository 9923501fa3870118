//! Checking `match`: variants by name, exhaustiveness, unreachable arms.

use super::Checker;
use super::expr::make;
use super::scale::max_scale;
use crate::diagnostics::messages::check as msg;
use crate::ir::{Expr, ExprKind};
use crate::source::Span;
use crate::syntax::ast;
use crate::types::Type;

fn boxed(e: Expr) -> Box<Expr> {
    Box::new(e)
}

impl Checker<'_> {
    /// `true`/`false` as a match pattern on a Bool: variant 0 is false.
    fn bool_pattern(name: &str) -> Option<u32> {
        match name {
            "false" => Some(0),
            "true" => Some(1),
            _ => None,
        }
    }

    pub(super) fn match_(
        &mut self,
        scrutinee: &ast::Expr,
        arms: &[ast::MatchArm],
        expected: Option<&Type>,
        span: Span,
    ) -> Expr {
        let scrutinee = self.expr(scrutinee, None);
        let (enum_id, variants): (Option<crate::types::EnumId>, Vec<String>) = match &scrutinee.ty {
            Type::Enum(id) => (Some(*id), self.variants_of(*id)),
            Type::Bool => (None, vec!["false".into(), "true".into()]),
            Type::Error => (None, Vec::new()),
            other => {
                let found = self.program.type_name(other);
                self.error(
                    msg::wrong_kind(scrutinee.span, "an enum or a `Bool`", &found)
                        .with_help("use `if` to test numbers, dates and text"),
                );
                (None, Vec::new())
            }
        };
        let known = !variants.is_empty();
        let mut covered = vec![false; variants.len()];
        let mut has_default = false;
        // An arm with a misspelt variant was meant to cover something: the
        // unknown variant is reported, and "not covered" would repeat it.
        let mut misspelt = false;
        let mut ir_arms: Vec<(Vec<u32>, Expr)> = Vec::new();
        let mut default: Option<Box<Expr>> = None;
        let mut result_ty: Option<Type> = expected.cloned();
        let mut first_body: Option<Expr> = None;
        let mut scale = Some(0);
        for arm in arms {
            let mut indices = Vec::new();
            for pattern in &arm.patterns {
                let index = match enum_id {
                    Some(id) => self.variant_index(id, &pattern.name),
                    None => Self::bool_pattern(&pattern.name),
                };
                match index {
                    Some(i) => indices.push(i),
                    None if known => {
                        misspelt = true;
                        let enum_name = enum_id
                            .and_then(|id| self.program.enum_info(id))
                            .map(|e| e.name.clone())
                            .unwrap_or_else(|| "Bool".into());
                        let near = crate::spelling::closest_ignoring_case(
                            &pattern.name,
                            variants.iter().map(String::as_str),
                        );
                        self.error(msg::unknown_variant(
                            pattern.span,
                            &enum_name,
                            &pattern.name,
                            &variants,
                            near.as_deref(),
                        ));
                    }
                    None => {}
                }
            }
            let all_covered = covered.iter().all(|c| *c);
            let adds_nothing = if arm.wildcard {
                all_covered
            } else {
                !indices.is_empty()
                    && indices
                        .iter()
                        .all(|i| covered.get(*i as usize).copied().unwrap_or(true))
            };
            if known && (has_default || adds_nothing) {
                self.error(msg::unreachable_arm(arm.span));
            }
            for i in &indices {
                if let Some(c) = covered.get_mut(*i as usize) {
                    *c = true;
                }
            }
            let body = self.expr(&arm.body, result_ty.as_ref());
            match &first_body {
                None => {
                    if result_ty.is_none() {
                        result_ty = Some(body.ty.clone());
                    } else if let Some(t) = &result_ty {
                        let t = t.clone();
                        self.expect_type(&body, &t);
                    }
                    first_body = Some(body.clone());
                }
                Some(first) => {
                    let first = first.clone();
                    let joined = self.join_types(&first, &body);
                    if !joined.is_error() {
                        result_ty = Some(joined);
                    }
                }
            }
            scale = max_scale(scale, body.scale);
            if arm.wildcard {
                if !has_default {
                    default = Some(boxed(body));
                }
                has_default = true;
            } else {
                ir_arms.push((indices, body));
            }
        }
        if known && !has_default && !misspelt {
            let missing: Vec<String> = variants
                .iter()
                .zip(&covered)
                .filter(|(_, c)| !**c)
                .map(|(v, _)| v.clone())
                .collect();
            if !missing.is_empty() {
                self.error(msg::non_exhaustive(span, &missing));
            }
        }
        make(
            ExprKind::Match {
                scrutinee: boxed(scrutinee),
                arms: ir_arms,
                default,
            },
            result_ty.unwrap_or(Type::Error),
            scale,
            span,
        )
    }
}
