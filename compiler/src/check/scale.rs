//! Static scales: how many decimals a numeric value can have.
//!
//! Literals have their written scale; `+`/`-` take the larger scale; a
//! product adds scales (a percentage adds two more, for the `/ 100`); a
//! division is unbounded (`None`) because it may not terminate; `round`
//! has the scale of its step. Values stored in records, read from input
//! data or leaving an entry point have their type's storage scale, and the
//! checker refuses to store a value that may not fit (E0206).

use crate::ir::BinOp;
use crate::types::{Scale, Type};

pub use crate::types::{MAX_DECIMAL_SCALE, storage_scale};

/// The step literal the help line suggests for rounding a type.
pub fn suggested_step(ty: &Type) -> &'static str {
    match ty {
        Type::Money => "0.01 SEK",
        Type::Percent => "0.01 %",
        Type::Hours => "0.01 h",
        Type::Decimal => "0.0001",
        _ => "1",
    }
}

fn add_scales(a: Scale, b: Scale) -> Scale {
    match (a, b) {
        (Some(x), Some(y)) => x.checked_add(y),
        _ => None,
    }
}

pub fn max_scale(a: Scale, b: Scale) -> Scale {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.max(y)),
        _ => None,
    }
}

/// Scale of the result of a binary operation.
pub fn binary_scale(op: BinOp, left: Scale, right: Scale) -> Scale {
    match op {
        BinOp::Add | BinOp::Sub => max_scale(left, right),
        BinOp::Mul => add_scales(left, right),
        BinOp::MulPercent => add_scales(add_scales(left, right), Some(2)),
        // Minutes / 60: a third of a minute's hours does not terminate.
        BinOp::Div | BinOp::DivPercent | BinOp::TimeDiff => None,
        _ => Some(0),
    }
}

/// Whether a value of static scale `found` fits the bound `allowed`.
pub fn fits(found: Scale, allowed: Scale) -> bool {
    match (found, allowed) {
        (_, None) => true,
        (Some(f), Some(a)) => f <= a,
        (None, Some(_)) => false,
    }
}
