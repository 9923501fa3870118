//! Every builtin function in one table: its name, signature, meaning and
//! how each stage treats it.
//!
//! The checker finds a builtin here by name and types it by its [`Shape`];
//! suggestions, completion and hover list [`BUILTINS`]; the compiled
//! code's speculation pass reads [`BuiltinDef::speculable`]. The
//! interpreter (`eval/builtins.rs`) and the translator
//! (`codegen/translate.rs`) match on [`Builtin`] exhaustively, so a new
//! variant does not compile until both give it a value. Adding a builtin
//! is one entry here, a variant of `ir::Builtin` when it is scalar, the two
//! `match` arms, and its tests (CONTRIBUTING.md, "Adding a builtin").

use crate::ir::{Aggregate, Builtin};
use crate::types::Type;

/// One builtin function.
#[derive(Debug, PartialEq)]
pub struct BuiltinDef {
    pub name: &'static str,
    /// As messages and editors show it: `abs(x: number)`.
    pub signature: &'static str,
    /// One line for hover and completion.
    pub doc: &'static str,
    pub shape: Shape,
}

/// How a builtin is called and typed.
#[derive(Debug, PartialEq)]
pub enum Shape {
    /// `f(args…)` with fixed parameter types and result, lowered to
    /// `ExprKind::Builtin`.
    Fixed {
        builtin: Builtin,
        params: &'static [Type],
        result: Type,
    },
    /// `abs(x)`: one number, the result of its type and scale.
    SameNumber(Builtin),
    /// `min`/`max`: of two or more numbers or dates (`builtin`), or the
    /// aggregate of one list.
    Extreme {
        builtin: Builtin,
        aggregate: Aggregate,
    },
    /// `f(args…)` with fixed parameter types and a list result.
    FixedList {
        builtin: Builtin,
        params: &'static [Type],
        element: Type,
    },
    /// A function of one list.
    Aggregate(Aggregate),
    /// Syntax of its own in the grammar (`round`, `filter`), listed here
    /// for suggestions and completion.
    Syntax,
}

impl BuiltinDef {
    /// True when the compiled code may compute it on a path the
    /// interpreter does not take (to choose with a `select` instead of a
    /// branch): cheap, and its only failure is leaving the fixed point,
    /// never an error of the program.
    pub fn speculable(&self) -> bool {
        match &self.shape {
            Shape::Fixed { builtin, .. } | Shape::SameNumber(builtin) => {
                builtin_speculable(*builtin)
            }
            Shape::Extreme { builtin, .. } => builtin_speculable(*builtin),
            Shape::FixedList { .. } | Shape::Aggregate(_) | Shape::Syntax => false,
        }
    }
}

/// See [`BuiltinDef::speculable`]; exhaustive, so a new builtin says.
fn builtin_speculable(builtin: Builtin) -> bool {
    match builtin {
        Builtin::Min
        | Builtin::Max
        | Builtin::Abs
        | Builtin::ToDays
        | Builtin::ToMonths
        | Builtin::ToWeeks
        | Builtin::ToYears
        | Builtin::ToHours
        | Builtin::DateOf
        | Builtin::TimeOf
        | Builtin::MakeTimestamp => true,
        // A zero divisor is an error of the program; the calendar and the
        // windows cost a search each.
        Builtin::IntDiv
        | Builtin::IntMod
        | Builtin::Weekday
        | Builtin::HoursIn
        | Builtin::HoursOn
        | Builtin::InClass
        | Builtin::DaysOf => false,
        // A date that does not exist is an error of the program; date
        // parts are a calendar conversion each, not cheap.
        Builtin::MakeDate
        | Builtin::Year
        | Builtin::Month
        | Builtin::Day
        | Builtin::DaysInMonth => false,
    }
}

const DATE: &[Type] = &[Type::Date];
const INT: &[Type] = &[Type::Int];
const TIMESTAMP: &[Type] = &[Type::Timestamp];
const INTERVAL: &[Type] = &[Type::Timestamp, Type::Timestamp];

/// Every builtin, in the order editors list them.
pub const BUILTINS: &[BuiltinDef] = &[
    BuiltinDef {
        name: "min",
        signature: "min(a, b, …) or min(list)",
        doc: "the smallest of two or more numbers or dates, or of a list (an empty list is an error)",
        shape: Shape::Extreme {
            builtin: Builtin::Min,
            aggregate: Aggregate::Min,
        },
    },
    BuiltinDef {
        name: "max",
        signature: "max(a, b, …) or max(list)",
        doc: "the largest of two or more numbers or dates, or of a list (an empty list is an error)",
        shape: Shape::Extreme {
            builtin: Builtin::Max,
            aggregate: Aggregate::Max,
        },
    },
    BuiltinDef {
        name: "abs",
        signature: "abs(x: number)",
        doc: "the absolute value, of the same type",
        shape: Shape::SameNumber(Builtin::Abs),
    },
    BuiltinDef {
        name: "round",
        signature: "round(x, step) or round(x, step, mode)",
        doc: "`x` rounded to a multiple of `step`; half away from zero unless a mode is named",
        shape: Shape::Syntax,
    },
    BuiltinDef {
        name: "sum",
        signature: "sum(list)",
        doc: "the sum of a list of numbers (0 for an empty list)",
        shape: Shape::Aggregate(Aggregate::Sum),
    },
    BuiltinDef {
        name: "count",
        signature: "count(list)",
        doc: "the number of elements of a list",
        shape: Shape::Aggregate(Aggregate::Count),
    },
    BuiltinDef {
        name: "all",
        signature: "all(list)",
        doc: "true when every element of a list of booleans is true (true for an empty list)",
        shape: Shape::Aggregate(Aggregate::All),
    },
    BuiltinDef {
        name: "any",
        signature: "any(list)",
        doc: "true when some element of a list of booleans is true",
        shape: Shape::Aggregate(Aggregate::Any),
    },
    BuiltinDef {
        name: "filter",
        signature: "filter(list, x => condition)",
        doc: "the elements of a list for which the condition holds",
        shape: Shape::Syntax,
    },
    BuiltinDef {
        name: "year",
        signature: "year(d: Date)",
        doc: "the year of a date, as an `Int`",
        shape: Shape::Fixed {
            builtin: Builtin::Year,
            params: DATE,
            result: Type::Int,
        },
    },
    BuiltinDef {
        name: "month",
        signature: "month(d: Date)",
        doc: "the month of a date, 1 to 12",
        shape: Shape::Fixed {
            builtin: Builtin::Month,
            params: DATE,
            result: Type::Int,
        },
    },
    BuiltinDef {
        name: "day",
        signature: "day(d: Date)",
        doc: "the day of the month of a date, 1 to 31",
        shape: Shape::Fixed {
            builtin: Builtin::Day,
            params: DATE,
            result: Type::Int,
        },
    },
    BuiltinDef {
        name: "days_in_month",
        signature: "days_in_month(d: Date)",
        doc: "the number of days of the month a date is in",
        shape: Shape::Fixed {
            builtin: Builtin::DaysInMonth,
            params: DATE,
            result: Type::Int,
        },
    },
    BuiltinDef {
        name: "date",
        signature: "date(year: Int, month: Int, day: Int)",
        doc: "the date of a year, month and day (an error when it does not exist)",
        shape: Shape::Fixed {
            builtin: Builtin::MakeDate,
            params: &[Type::Int, Type::Int, Type::Int],
            result: Type::Date,
        },
    },
    BuiltinDef {
        name: "days",
        signature: "days(n: Int)",
        doc: "`n` days, as a duration",
        shape: Shape::Fixed {
            builtin: Builtin::ToDays,
            params: INT,
            result: Type::Days,
        },
    },
    BuiltinDef {
        name: "weeks",
        signature: "weeks(n: Int)",
        doc: "`n` weeks, as a duration of 7 × n days",
        shape: Shape::Fixed {
            builtin: Builtin::ToWeeks,
            params: INT,
            result: Type::Days,
        },
    },
    BuiltinDef {
        name: "months",
        signature: "months(n: Int)",
        doc: "`n` months, as a duration (moving a date clamps to the month's end)",
        shape: Shape::Fixed {
            builtin: Builtin::ToMonths,
            params: INT,
            result: Type::Months,
        },
    },
    BuiltinDef {
        name: "years",
        signature: "years(n: Int)",
        doc: "`n` years, as a duration of 12 × n months",
        shape: Shape::Fixed {
            builtin: Builtin::ToYears,
            params: INT,
            result: Type::Months,
        },
    },
    BuiltinDef {
        name: "weekday",
        signature: "weekday(d: Date)",
        doc: "the weekday of a date as an `Int`: Monday 1, …, Sunday 7 (ISO 8601)",
        shape: Shape::Fixed {
            builtin: Builtin::Weekday,
            params: DATE,
            result: Type::Int,
        },
    },
    BuiltinDef {
        name: "div",
        signature: "div(a: Int, b: Int)",
        doc: "`a` divided by `b`, rounded down to a whole number (`div(-1, 7)` is -1); `b` = 0 is an error",
        shape: Shape::Fixed {
            builtin: Builtin::IntDiv,
            params: &[Type::Int, Type::Int],
            result: Type::Int,
        },
    },
    BuiltinDef {
        name: "mod",
        signature: "mod(a: Int, b: Int)",
        doc: "the remainder of `div(a, b)`: `a - b * div(a, b)`, with the sign of `b` (`mod(-1, 7)` is 6)",
        shape: Shape::Fixed {
            builtin: Builtin::IntMod,
            params: &[Type::Int, Type::Int],
            result: Type::Int,
        },
    },
    BuiltinDef {
        name: "hours",
        signature: "hours(x: Decimal)",
        doc: "a plain number as `Hours` (the other way: `h / 1 h` is a plain `Decimal`)",
        shape: Shape::Fixed {
            builtin: Builtin::ToHours,
            params: &[Type::Decimal],
            result: Type::Hours,
        },
    },
    BuiltinDef {
        name: "date_of",
        signature: "date_of(t: Timestamp)",
        doc: "the date of a timestamp",
        shape: Shape::Fixed {
            builtin: Builtin::DateOf,
            params: TIMESTAMP,
            result: Type::Date,
        },
    },
    BuiltinDef {
        name: "time_of",
        signature: "time_of(t: Timestamp)",
        doc: "the time of day of a timestamp",
        shape: Shape::Fixed {
            builtin: Builtin::TimeOf,
            params: TIMESTAMP,
            result: Type::Time,
        },
    },
    BuiltinDef {
        name: "timestamp",
        signature: "timestamp(d: Date, t: Time)",
        doc: "the timestamp of a date at a time of day",
        shape: Shape::Fixed {
            builtin: Builtin::MakeTimestamp,
            params: &[Type::Date, Type::Time],
            result: Type::Timestamp,
        },
    },
    BuiltinDef {
        name: "hours_in",
        signature: "hours_in(start: Timestamp, end: Timestamp, class: Class)",
        doc: "the hours of the interval from `start` to `end` that lie in a class (`ob.kvalificerad`), exact",
        shape: Shape::Fixed {
            builtin: Builtin::HoursIn,
            params: &[Type::Timestamp, Type::Timestamp, Type::Class],
            result: Type::Hours,
        },
    },
    BuiltinDef {
        name: "hours_on",
        signature: "hours_on(day: Date, start: Timestamp, end: Timestamp, class: Class)",
        doc: "the hours of the interval from `start` to `end` that lie in a class and on `day`, exact",
        shape: Shape::Fixed {
            builtin: Builtin::HoursOn,
            params: &[Type::Date, Type::Timestamp, Type::Timestamp, Type::Class],
            result: Type::Hours,
        },
    },
    BuiltinDef {
        name: "in_class",
        signature: "in_class(t: Timestamp, class: Class)",
        doc: "true when the minute that starts at `t` lies in a class",
        shape: Shape::Fixed {
            builtin: Builtin::InClass,
            params: &[Type::Timestamp, Type::Class],
            result: Type::Bool,
        },
    },
    BuiltinDef {
        name: "days_of",
        signature: "days_of(start: Timestamp, end: Timestamp)",
        doc: "the dates the minutes from `start` to `end` fall on, in order (empty when `end` is not after `start`)",
        shape: Shape::FixedList {
            builtin: Builtin::DaysOf,
            params: INTERVAL,
            element: Type::Date,
        },
    },
];

/// The builtin called `name`, if any.
pub fn lookup(name: &str) -> Option<&'static BuiltinDef> {
    BUILTINS.iter().find(|def| def.name == name)
}

/// The table's entry of a scalar builtin.
pub fn def_of(builtin: Builtin) -> Option<&'static BuiltinDef> {
    BUILTINS.iter().find(|def| match &def.shape {
        Shape::Fixed { builtin: b, .. }
        | Shape::FixedList { builtin: b, .. }
        | Shape::SameNumber(b)
        | Shape::Extreme { builtin: b, .. } => *b == builtin,
        Shape::Aggregate(_) | Shape::Syntax => false,
    })
}

/// Every builtin name.
pub fn names() -> impl Iterator<Item = &'static str> {
    BUILTINS.iter().map(|def| def.name)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests state expectations")]
mod tests {
    use super::*;

    /// Every scalar builtin has exactly one entry, and names are unique.
    #[test]
    fn every_builtin_has_one_entry() {
        let all = [
            Builtin::Min,
            Builtin::Max,
            Builtin::Abs,
            Builtin::Year,
            Builtin::Month,
            Builtin::Day,
            Builtin::MakeDate,
            Builtin::ToDays,
            Builtin::ToWeeks,
            Builtin::ToMonths,
            Builtin::ToYears,
            Builtin::DaysInMonth,
            Builtin::Weekday,
            Builtin::IntDiv,
            Builtin::IntMod,
            Builtin::ToHours,
            Builtin::DateOf,
            Builtin::TimeOf,
            Builtin::MakeTimestamp,
            Builtin::HoursIn,
            Builtin::HoursOn,
            Builtin::InClass,
            Builtin::DaysOf,
        ];
        for builtin in all {
            let def = def_of(builtin).unwrap();
            assert_eq!(lookup(def.name), Some(def));
        }
        let mut names: Vec<&str> = names().collect();
        let n = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), n, "a builtin name twice");
        // Signatures name their builtin.
        for def in BUILTINS {
            assert!(def.signature.starts_with(def.name), "{def:?}");
        }
    }
}
