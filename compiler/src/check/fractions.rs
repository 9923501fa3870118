//! A fraction written as a param's value (`from 2026-01-01 = 1/700` in a
//! `Percent` param): the drafter means "one seven-hundredth", but a param's
//! value is a literal, and `1/700` as a percentage has no exact decimal
//! form. Checking it as an expression would give two errors (a `Decimal`
//! where a `Percent` is expected, and not a literal), and the first one's
//! "write a percentage: `4.6 %`" help says nothing about the fraction.
//! Here it gets one error whose help gives the literal to write: the exact
//! percentage when the fraction has one (`1/8` is `12.5 %`), else the
//! percentage to four decimals, marked as rounded, with the other way out
//! (divide where the value is used).

use rust_decimal::Decimal;

use crate::diagnostics::Diagnostic;
use crate::diagnostics::messages::check as msg;
use crate::syntax::ast;
use crate::types::Type;

/// Decimals shown when a fraction has no exact form; an agreement that
/// states such a share rounds it, and four is the most the stdlib's
/// percentages use.
const SHOWN_DECIMALS: u32 = 4;

/// The diagnostic for a param value of type `ty` that is a fraction of two
/// plain numbers, or `None` when `value` is something else.
pub(super) fn fraction_in_param(value: &ast::Expr, ty: &Type) -> Option<Diagnostic> {
    let ast::ExprKind::Binary(ast::BinaryOp::Div, numerator, denominator) = &value.kind else {
        return None;
    };
    let numerator = plain_number(numerator)?;
    let denominator = plain_number(denominator)?;
    let (scale, unit) = match ty {
        Type::Percent => (Decimal::ONE_HUNDRED, " %"),
        Type::Decimal => (Decimal::ONE, ""),
        _ => return None,
    };
    let written = format!("{numerator}/{denominator}");
    let share = numerator.checked_mul(scale)?.checked_div(denominator)?;
    // Exact when the quotient, multiplied back, gives the numerator again
    // (rust_decimal rounds a quotient that does not terminate at 28 digits).
    let exact = share.checked_mul(denominator) == numerator.checked_mul(scale);
    let (literal, exact) = if exact && share.normalize().scale() <= 10 {
        (format!("{}{unit}", share.normalize()), true)
    } else {
        let rounded = share.round_dp(SHOWN_DECIMALS).normalize();
        (format!("{rounded}{unit}"), false)
    };
    Some(msg::fraction_in_param(
        value.span,
        &written,
        &literal,
        exact,
        denominator,
    ))
}

/// A number literal without a unit, as a decimal.
fn plain_number(expr: &ast::Expr) -> Option<Decimal> {
    match &expr.kind {
        ast::ExprKind::Literal(ast::Literal::Number { text, unit: None }) => text.parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::source::{FileId, Span};

    fn fraction(a: &str, b: &str) -> ast::Expr {
        let span = Span::new(FileId(0), 0, 1);
        let number = |text: &str| ast::Expr {
            kind: ast::ExprKind::Literal(ast::Literal::Number {
                text: text.into(),
                unit: None,
            }),
            span,
        };
        ast::Expr {
            kind: ast::ExprKind::Binary(
                ast::BinaryOp::Div,
                Box::new(number(a)),
                Box::new(number(b)),
            ),
            span,
        }
    }

    #[test]
    fn exact_fraction_suggests_its_percentage() {
        let d = fraction_in_param(&fraction("1", "8"), &Type::Percent).unwrap();
        assert!(d.help.unwrap().contains("`12.5 %`"));
    }

    #[test]
    fn inexact_fraction_suggests_a_rounded_percentage() {
        let d = fraction_in_param(&fraction("1", "700"), &Type::Percent).unwrap();
        let help = d.help.unwrap();
        assert!(help.contains("`0.1429 %`"), "{help}");
        assert!(help.contains("rounded"), "{help}");
    }

    #[test]
    fn other_types_and_shapes_are_left_alone() {
        assert!(fraction_in_param(&fraction("1", "8"), &Type::Money).is_none());
        assert!(fraction_in_param(&fraction("1", "0"), &Type::Percent).is_none());
    }
}
