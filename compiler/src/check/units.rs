//! The unit algebra: which operators combine which types, and what comes out.
//!
//! Span-free: the checker attaches the span to a [`UnitError`]. The rules,
//! in the drafter's terms:
//! - `+`/`-` need the same unit (`Int` mixes with `Decimal`); a date moves by
//!   `Days` or `Months`; `Date - Date` is `Days`.
//! - `*` scales a unit by a plain number (`2 * 1.6 %` is `3.2 %`); `x * p`
//!   with a `Percent` takes that share of `x` (`Money * Percent -> Money`);
//!   two other units never multiply (`Money * Money` is meaningless).
//! - `/` of like units is a plain `Decimal` (`Money / Money`); a unit divided
//!   by a plain number keeps its unit; `x / p` with a `Percent` is `x * 100 / p`.
//! - comparisons need the same type (`==` on lists: of comparable elements);
//!   `and`/`or` need `Bool`.

use crate::ir::BinOp;
use crate::syntax::ast::BinaryOp;
use crate::types::Type;

/// Why two operand types do not combine, with a hint where one is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitError {
    pub help: Option<&'static str>,
    /// `Money` and `Hours` combined without a rate (E0214).
    pub needs_rate: bool,
}

impl UnitError {
    fn help(help: &'static str) -> UnitError {
        UnitError {
            help: Some(help),
            needs_rate: false,
        }
    }
    const NONE: UnitError = UnitError {
        help: None,
        needs_rate: false,
    };
    const NEEDS_RATE: UnitError = UnitError {
        help: None,
        needs_rate: true,
    };
}

/// A number with a unit that scales by plain numbers and by percentages.
fn is_scalable(ty: &Type) -> bool {
    matches!(
        ty,
        Type::Money | Type::Hours | Type::Rate | Type::Percent | Type::Decimal
    )
}

fn is_plain(ty: &Type) -> bool {
    matches!(ty, Type::Int | Type::Decimal)
}

/// The type both sides of an addition or comparison share, with `Int`
/// widened to `Decimal` when the other side is a `Decimal`.
pub fn common_type(left: &Type, right: &Type) -> Option<Type> {
    match (left, right) {
        (l, r) if l == r => Some(l.clone()),
        (Type::Int, Type::Decimal) | (Type::Decimal, Type::Int) => Some(Type::Decimal),
        _ => None,
    }
}

/// The operation and result type of `left op right`.
pub fn binary(op: BinaryOp, left: &Type, right: &Type) -> Result<(BinOp, Type), UnitError> {
    match op {
        BinaryOp::Add => add(left, right),
        BinaryOp::Sub => sub(left, right),
        BinaryOp::Mul => mul(left, right),
        BinaryOp::Div => div(left, right),
        BinaryOp::And | BinaryOp::Or => {
            if *left == Type::Bool && *right == Type::Bool {
                Ok((
                    if op == BinaryOp::And {
                        BinOp::And
                    } else {
                        BinOp::Or
                    },
                    Type::Bool,
                ))
            } else {
                Err(UnitError::NONE)
            }
        }
        BinaryOp::Eq | BinaryOp::Ne => equality(op, left, right),
        BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => ordering(op, left, right),
    }
}

fn add(left: &Type, right: &Type) -> Result<(BinOp, Type), UnitError> {
    match (left, right) {
        (Type::Date, Type::Days) | (Type::Days, Type::Date) => Ok((BinOp::AddDays, Type::Date)),
        (Type::Date, Type::Months) | (Type::Months, Type::Date) => {
            Ok((BinOp::AddMonths, Type::Date))
        }
        (Type::Text, Type::Text) => Ok((BinOp::Concat, Type::Text)),
        (l, r) if l.is_numeric() && r.is_numeric() => match common_type(l, r) {
            Some(t) => Ok((BinOp::Add, t)),
            None => Err(additive_hint(l, r)),
        },
        (l, r) => Err(additive_hint(l, r)),
    }
}

fn sub(left: &Type, right: &Type) -> Result<(BinOp, Type), UnitError> {
    match (left, right) {
        (Type::Date, Type::Days) => Ok((BinOp::SubDays, Type::Date)),
        (Type::Date, Type::Months) => Ok((BinOp::SubMonths, Type::Date)),
        (Type::Date, Type::Date) => Ok((BinOp::DateDiff, Type::Days)),
        (Type::Timestamp, Type::Timestamp) => Ok((BinOp::TimeDiff, Type::Hours)),
        (l, r) if l.is_numeric() && r.is_numeric() => match common_type(l, r) {
            Some(t) => Ok((BinOp::Sub, t)),
            None => Err(additive_hint(l, r)),
        },
        (l, r) => Err(additive_hint(l, r)),
    }
}

fn additive_hint(left: &Type, right: &Type) -> UnitError {
    let help = match (left, right) {
        (Type::Money, Type::Percent) | (Type::Percent, Type::Money) => {
            Some("to add a share of an amount, multiply first: `amount + amount * 4.6 %`")
        }
        (Type::Timestamp, Type::Hours | Type::Days) => {
            Some("timestamps do not move by durations; build one with `timestamp(date, time)`")
        }
        (Type::Date, Type::Hours) | (Type::Hours, Type::Date) => {
            Some("hours do not move a date; add `Days` (`2 days`) or `Months` (`6 months`)")
        }
        (Type::Date, Type::Int) | (Type::Int, Type::Date) => {
            Some("say which unit the number counts: `n * 1 day` or `months(n)`")
        }
        (Type::Days, Type::Months) | (Type::Months, Type::Days) => {
            Some("days and months do not mix, because a month has no fixed length")
        }
        (unit, Type::Int | Type::Decimal) | (Type::Int | Type::Decimal, unit)
            if unit.is_numeric() =>
        {
            Some("write the number with its unit, like `5 SEK`, `2 %`, `8 h` or `3 days`")
        }
        _ => None,
    };
    UnitError {
        help,
        needs_rate: false,
    }
}

fn mul(left: &Type, right: &Type) -> Result<(BinOp, Type), UnitError> {
    match (left, right) {
        (Type::Int, Type::Int) => Ok((BinOp::Mul, Type::Int)),
        // Pay by the hour: a rate times hours is money.
        (Type::Rate, Type::Hours) | (Type::Hours, Type::Rate) => Ok((BinOp::Mul, Type::Money)),
        (a, b) if is_plain(a) && is_plain(b) => Ok((BinOp::Mul, Type::Decimal)),
        // A percentage scaled by a plain number stays a percentage:
        // `2 * 1.6 %` is `3.2 %` (the same quantity as 0.032).
        (Type::Percent, p) | (p, Type::Percent) if is_plain(p) => Ok((BinOp::Mul, Type::Percent)),
        // A share of a quantity: `Money * Percent`, `Percent * Percent`.
        (q, Type::Percent) | (Type::Percent, q) if is_scalable(q) => {
            Ok((BinOp::MulPercent, q.clone()))
        }
        // A quantity scaled by a plain number.
        (q, p) | (p, q) if is_scalable(q) && is_plain(p) => Ok((BinOp::Mul, q.clone())),
        // Durations are whole: they scale only by whole numbers.
        (d @ (Type::Days | Type::Months), Type::Int)
        | (Type::Int, d @ (Type::Days | Type::Months)) => Ok((BinOp::Mul, d.clone())),
        (Type::Money, Type::Money) => Err(UnitError::help(
            "an amount times an amount means nothing in an agreement; multiply by a number or a percentage",
        )),
        (Type::Money, Type::Hours) | (Type::Hours, Type::Money) => Err(UnitError::NEEDS_RATE),
        (Type::Days | Type::Months, Type::Decimal | Type::Percent)
        | (Type::Decimal | Type::Percent, Type::Days | Type::Months) => Err(UnitError::help(
            "durations are whole days or months; multiply by an `Int`",
        )),
        _ => Err(UnitError::NONE),
    }
}

fn div(left: &Type, right: &Type) -> Result<(BinOp, Type), UnitError> {
    match (left, right) {
        (a, b) if is_plain(a) && is_plain(b) => Ok((BinOp::Div, Type::Decimal)),
        (a, b) if a == b && a.is_numeric() => Ok((BinOp::Div, Type::Decimal)),
        (Type::Int, Type::Percent) => Ok((BinOp::DivPercent, Type::Decimal)),
        (q, Type::Percent) if is_scalable(q) => Ok((BinOp::DivPercent, q.clone())),
        (q, p) if is_scalable(q) && is_plain(p) => Ok((BinOp::Div, q.clone())),
        // `salary / 94 h` is money per hour; money at a rate lasts hours.
        (Type::Money, Type::Hours) => Ok((BinOp::Div, Type::Rate)),
        (Type::Money, Type::Rate) => Ok((BinOp::Div, Type::Hours)),
        (Type::Hours, Type::Money) => Err(UnitError::NEEDS_RATE),
        (Type::Days | Type::Months, Type::Int | Type::Decimal) => Err(UnitError::help(
            "durations are whole; divide their count instead, or divide by a duration of the same kind",
        )),
        _ => Err(UnitError::NONE),
    }
}

fn equality(op: BinaryOp, left: &Type, right: &Type) -> Result<(BinOp, Type), UnitError> {
    let op = if op == BinaryOp::Eq {
        BinOp::Eq
    } else {
        BinOp::Ne
    };
    match (left, right) {
        (l, r) if l.is_numeric() && r.is_numeric() => match common_type(l, r) {
            Some(_) => Ok((op, Type::Bool)),
            None => Err(additive_hint(l, r)),
        },
        (Type::Date, Type::Date)
        | (Type::Time, Type::Time)
        | (Type::Timestamp, Type::Timestamp)
        | (Type::Bool, Type::Bool)
        | (Type::Text, Type::Text) => Ok((op, Type::Bool)),
        (Type::Enum(a), Type::Enum(b)) if a == b => Ok((op, Type::Bool)),
        // Equal lists hold equal elements in the same order, so their
        // elements must be comparable themselves.
        (Type::List(a), Type::List(b)) => match equality(BinaryOp::Eq, a, b) {
            Ok(_) => Ok((op, Type::Bool)),
            Err(_) => Err(UnitError::help(
                "lists compare element by element, so both must hold the same type of elements",
            )),
        },
        _ => Err(UnitError::NONE),
    }
}

fn ordering(op: BinaryOp, left: &Type, right: &Type) -> Result<(BinOp, Type), UnitError> {
    let op = match op {
        BinaryOp::Lt => BinOp::Lt,
        BinaryOp::Le => BinOp::Le,
        BinaryOp::Gt => BinOp::Gt,
        _ => BinOp::Ge,
    };
    match (left, right) {
        (l, r) if l.is_numeric() && r.is_numeric() => match common_type(l, r) {
            Some(_) => Ok((op, Type::Bool)),
            None => Err(additive_hint(l, r)),
        },
        (Type::Date, Type::Date)
        | (Type::Time, Type::Time)
        | (Type::Timestamp, Type::Timestamp) => Ok((op, Type::Bool)),
        _ => Err(UnitError::NONE),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(op: BinaryOp, l: Type, r: Type) -> Type {
        match binary(op, &l, &r) {
            Ok((_, t)) => t,
            Err(e) => unreachable!("{op:?} {l:?} {r:?} should type-check: {e:?}"),
        }
    }

    #[test]
    fn money_times_percent_is_money() {
        assert_eq!(ok(BinaryOp::Mul, Type::Money, Type::Percent), Type::Money);
        assert_eq!(ok(BinaryOp::Mul, Type::Percent, Type::Money), Type::Money);
        assert_eq!(
            binary(BinaryOp::Mul, &Type::Money, &Type::Percent).map(|r| r.0),
            Ok(BinOp::MulPercent)
        );
    }

    #[test]
    fn unit_errors() {
        assert!(binary(BinaryOp::Mul, &Type::Money, &Type::Money).is_err());
        assert!(binary(BinaryOp::Add, &Type::Money, &Type::Percent).is_err());
        assert!(binary(BinaryOp::Add, &Type::Date, &Type::Hours).is_err());
        assert!(binary(BinaryOp::Add, &Type::Days, &Type::Months).is_err());
        assert!(binary(BinaryOp::Lt, &Type::Money, &Type::Int).is_err());
    }

    #[test]
    fn division_of_like_units_is_plain() {
        assert_eq!(ok(BinaryOp::Div, Type::Money, Type::Money), Type::Decimal);
        assert_eq!(ok(BinaryOp::Div, Type::Money, Type::Int), Type::Money);
        assert_eq!(ok(BinaryOp::Div, Type::Int, Type::Int), Type::Decimal);
        assert_eq!(ok(BinaryOp::Div, Type::Money, Type::Percent), Type::Money);
    }

    #[test]
    fn dates() {
        assert_eq!(ok(BinaryOp::Sub, Type::Date, Type::Date), Type::Days);
        assert_eq!(ok(BinaryOp::Add, Type::Date, Type::Months), Type::Date);
        assert_eq!(ok(BinaryOp::Sub, Type::Date, Type::Days), Type::Date);
        assert_eq!(ok(BinaryOp::Mul, Type::Int, Type::Months), Type::Months);
    }
}
