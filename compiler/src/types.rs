//! Types with units, as the checker assigns them.
//!
//! Numbers carry their unit in the type: `Money`, `Percent`, `Hours`,
//! `Days` and `Months` are distinct, and the unit algebra in
//! `check/units.rs` says which operators combine them. `Days` (days, weeks)
//! and `Months` (months, years) are the two kinds of duration: they never
//! mix, because a month has no fixed number of days.

use serde::Serialize;

/// Index into [`crate::ir::Program::enums`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct EnumId(pub u32);

/// Index into [`crate::ir::Program::records`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct RecordId(pub u32);

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Type {
    /// Whole numbers (counts of days, years of service).
    Int,
    /// A plain exact decimal without unit.
    Decimal,
    /// Swedish kronor, exact; written with 2 decimals.
    Money,
    /// A percentage: the value `4.6` means 4.6 %.
    Percent,
    Hours,
    /// Money per hour (`SEK/h`): `salary / 94 h` is a rate, a rate times
    /// `Hours` is `Money`. Exact like every number; rounded only where a
    /// `round` is written.
    Rate,
    /// A number of days (from `days`/`weeks` literals and `Date - Date`).
    Days,
    /// A number of calendar months (from `months`/`years` literals).
    Months,
    Date,
    /// A time of day, minute precision (`19:00`), from 00:00 to 23:59.
    Time,
    /// A wall-clock date and time, minute precision (`2026-06-05T18:30`);
    /// no time zone and no daylight-saving shift: the difference of two
    /// timestamps is the minutes between their clock readings.
    Timestamp,
    /// One class of a `classes` item (`ob.kvalificerad`), the argument of
    /// `hours_in`.
    Class,
    Bool,
    Text,
    Enum(EnumId),
    Record(RecordId),
    List(Box<Type>),
    /// The value of a `condition`: `.ok: Bool`, `.failed: List<Text>`.
    Eligibility,
    /// The value of a `limit`: `.used`, `.bound`, `.room` (of the measured
    /// type) and `.violated: Bool`.
    LimitCheck(Box<Type>),
    /// Stands in after an error, so one mistake gives one diagnostic.
    Error,
}

impl Type {
    /// Numeric types: the ones `+`, `<`, `min`, `round` work on.
    pub fn is_numeric(&self) -> bool {
        matches!(
            self,
            Type::Int
                | Type::Decimal
                | Type::Money
                | Type::Percent
                | Type::Hours
                | Type::Rate
                | Type::Days
                | Type::Months
        )
    }

    /// Whole-number types (values always have scale 0).
    pub fn is_integral(&self) -> bool {
        matches!(self, Type::Int | Type::Days | Type::Months)
    }

    pub fn is_error(&self) -> bool {
        matches!(self, Type::Error)
    }

    /// Decimals a value of this type is written with at a boundary (CSV
    /// cell, entry point output), as DESIGN.md decides: money and percent
    /// 2, whole numbers 0. Hours and decimals keep the expression's own
    /// static scale (at least 1 for hours), see `check::scale`.
    pub fn boundary_scale(&self) -> Option<u32> {
        match self {
            Type::Money | Type::Percent | Type::Rate => Some(2),
            Type::Int | Type::Days | Type::Months => Some(0),
            _ => None,
        }
    }

    /// Fields of the built-in record-like types, in value order.
    pub fn builtin_fields(&self) -> Option<Vec<(&'static str, Type)>> {
        match self {
            Type::Eligibility => Some(vec![
                ("ok", Type::Bool),
                ("failed", Type::List(Box::new(Type::Text))),
                ("reasons", Type::List(Box::new(Type::Text))),
            ]),
            Type::LimitCheck(measured) => Some(vec![
                ("used", (**measured).clone()),
                ("bound", (**measured).clone()),
                ("room", (**measured).clone()),
                ("violated", Type::Bool),
            ]),
            _ => None,
        }
    }
}

/// Static bound on the number of decimals a numeric value can have.
/// `None` means unbounded: the value may be a non-terminating fraction
/// (after a division) and must be rounded before it leaves.
pub type Scale = Option<u32>;

/// Decimals a value of `ty` keeps when stored (a record field, a rule
/// argument, a limit) or read from data: money, percent and hours 2, whole
/// numbers 0, a plain `Decimal` at most 28 (so it always terminates); a
/// list stores its elements.
pub fn storage_scale(ty: &Type) -> Scale {
    match ty {
        Type::Money | Type::Percent | Type::Hours | Type::Rate => Some(2),
        Type::Int | Type::Days | Type::Months => Some(0),
        Type::Decimal => Some(MAX_DECIMAL_SCALE),
        Type::List(inner) => storage_scale(inner),
        _ => Some(0),
    }
}

/// The most decimals a stored `Decimal` has (rust_decimal's limit).
pub const MAX_DECIMAL_SCALE: u32 = 28;
