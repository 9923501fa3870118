//! Reading and writing data cells: one CSV cell or one JSON value into an
//! interpreter [`Value`](crate::eval::Value) of a known [`Type`], and a
//! `Value` back into cell text or JSON. No IO: the CLI reads the files and
//! hands over text.
//!
//! The rules (DESIGN.md, "Units in data"):
//! - numbers are plain decimals in the value's own unit: `30000.00` money,
//!   `83.46` for 83.46 %, `26.5` hours, `12` for whole numbers; they are read
//!   exactly (never through `f64`), with a point as decimal separator, no
//!   exponent, no thousands separator and no unit; a value may not have
//!   more decimals than its type keeps (money, percent and hours 2, whole
//!   numbers 0), but trailing zeros beyond that are fine (`12.00` is `12`);
//!   money, percent and hours are read at exactly 2 decimals (`30000` is
//!   `30000.00`), their canonical scale;
//! - dates are ISO `2026-01-31`;
//! - booleans are `true`/`false` in any letter case, or `1`/`0`;
//! - enum values are variant names, exactly as declared (case-sensitive);
//! - text is taken as is (other cells have surrounding blanks trimmed);
//! - in JSON, numbers may be strings (`"30000.00"`) or JSON numbers (their
//!   exact text is used, through `RawValue`), booleans JSON booleans or the
//!   strings above, records objects and lists arrays.
//!
//! Output is exact: money, percent and hours with 2 decimals, whole
//! numbers without, decimals as they are; never `-0.00`. A value that
//! does not fit is an error (E0507), never rounded. Wording of every error lives in `diagnostics::messages::data`.
//!
//! Code map: this file holds [`DataType`] (a [`Type`] resolved for data)
//! and its [`Kind`]; `cells.rs` reads CSV cells, `numbers.rs` reads exact
//! decimal text, `names.rs` compares names of columns and keys in NFC, `json.rs` reads JSON values and rows, `format.rs` writes
//! values as cell text or JSON (the crate `avtal-engine` reads plain cells
//! straight into a compiled layout, with [`DataType::max_scale`]), and `problems.rs` has [`CellError`] and what it is made
//! of.

mod cells;
mod format;
mod json;
mod names;
mod numbers;
mod problems;

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::result_large_err
)]
mod tests;

use crate::ir::Program;
use crate::types::Type;

pub use format::write_json_string;
pub use names::data_name;
pub use numbers::parse_decimal;
pub(crate) use problems::shorten;
pub use problems::{CellError, Expected, Found, Hint, Problem};

/// A type resolved for reading and writing data: enum variant names and
/// record fields are copied out of the [`Program`] once, so that per-cell
/// work needs no lookups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataType {
    kind: Kind,
}

/// The shape of a [`DataType`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    Int,
    Days,
    Months,
    Decimal,
    Money,
    Percent,
    Hours,
    Rate,
    Date,
    Time,
    Timestamp,
    Bool,
    Text,
    Enum {
        name: String,
        variants: Vec<String>,
    },
    /// Also the built-in record-like types (`Eligibility`, `LimitCheck`).
    Record {
        name: String,
        fields: Vec<(String, DataType)>,
    },
    List(Box<DataType>),
    /// A type data cannot hold (only after a check error).
    Unsupported(String),
}

impl DataType {
    /// Resolve `ty` against `program`.
    pub fn new(program: &Program, ty: &Type) -> DataType {
        let kind = match ty {
            Type::Int => Kind::Int,
            Type::Days => Kind::Days,
            Type::Months => Kind::Months,
            Type::Decimal => Kind::Decimal,
            Type::Money => Kind::Money,
            Type::Percent => Kind::Percent,
            Type::Hours => Kind::Hours,
            Type::Rate => Kind::Rate,
            Type::Date => Kind::Date,
            Type::Time => Kind::Time,
            Type::Timestamp => Kind::Timestamp,
            Type::Class => Kind::Unsupported(program.type_name(ty)),
            Type::Bool => Kind::Bool,
            Type::Text => Kind::Text,
            Type::Enum(id) => match program.enum_info(*id) {
                Some(info) => Kind::Enum {
                    name: info.name.clone(),
                    variants: info.variants.clone(),
                },
                None => Kind::Unsupported(program.type_name(ty)),
            },
            Type::Record(id) => match program.record(*id) {
                Some(info) => Kind::Record {
                    name: info.name.clone(),
                    fields: info
                        .fields
                        .iter()
                        .map(|f| (f.name.clone(), DataType::new(program, &f.ty)))
                        .collect(),
                },
                None => Kind::Unsupported(program.type_name(ty)),
            },
            Type::Eligibility | Type::LimitCheck(_) => Kind::Record {
                name: program.type_name(ty),
                fields: ty
                    .builtin_fields()
                    .unwrap_or_default()
                    .into_iter()
                    .map(|(name, field_ty)| (name.to_string(), DataType::new(program, &field_ty)))
                    .collect(),
            },
            Type::List(inner) => Kind::List(Box::new(DataType::new(program, inner))),
            Type::Error => Kind::Unsupported(program.type_name(ty)),
        };
        DataType { kind }
    }

    pub fn kind(&self) -> &Kind {
        &self.kind
    }

    /// The fields, when this is a record type.
    pub fn record_fields(&self) -> Option<&[(String, DataType)]> {
        match &self.kind {
            Kind::Record { fields, .. } => Some(fields),
            _ => None,
        }
    }

    /// True when a value of this type fits in one CSV cell (not a record,
    /// list or unsupported type).
    pub fn is_scalar(&self) -> bool {
        !matches!(
            self.kind,
            Kind::Record { .. } | Kind::List(_) | Kind::Unsupported(_)
        )
    }

    /// True for the exact numbers a data file holds as decimals or whole
    /// numbers: money, percent, hours, amounts per hour, whole numbers,
    /// days and months (not `Decimal`, whose scale varies by value).
    pub fn is_fixed_number(&self) -> bool {
        matches!(
            self.kind,
            Kind::Money
                | Kind::Percent
                | Kind::Hours
                | Kind::Rate
                | Kind::Int
                | Kind::Days
                | Kind::Months
        )
    }

    /// A description for messages.
    pub fn expected(&self) -> Expected {
        match &self.kind {
            Kind::Int => Expected::Int,
            Kind::Days => Expected::Days,
            Kind::Months => Expected::Months,
            Kind::Decimal => Expected::Decimal,
            Kind::Money => Expected::Money,
            Kind::Percent => Expected::Percent,
            Kind::Hours => Expected::Hours,
            Kind::Rate => Expected::Rate,
            Kind::Date => Expected::Date,
            Kind::Time => Expected::Time,
            Kind::Timestamp => Expected::Timestamp,
            Kind::Bool => Expected::Bool,
            Kind::Text => Expected::Text,
            Kind::Enum { name, variants } => Expected::Enum {
                name: name.clone(),
                variants: variants.clone(),
            },
            Kind::Record { name, .. } => Expected::Record(name.clone()),
            Kind::List(_) => Expected::List,
            Kind::Unsupported(name) => Expected::Unsupported(name.clone()),
        }
    }

    fn error(&self, problem: Problem, found: Found) -> CellError {
        CellError {
            path: String::new(),
            expected: self.expected(),
            problem,
            found,
        }
    }

    /// Decimals a number of this type may have (`None`: any).
    pub fn max_scale(&self) -> Option<u32> {
        match self.kind {
            Kind::Money | Kind::Percent | Kind::Hours | Kind::Rate => Some(2),
            Kind::Int | Kind::Days | Kind::Months => Some(0),
            _ => None,
        }
    }
}
