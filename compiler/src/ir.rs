//! The typed IR: the one input of every back end.
//!
//! The checker lowers the AST to this form: every name is resolved to an
//! id, every expression has a [`Type`] and a static [`Scale`], every
//! operator is the concrete operation the unit algebra chose. Blocks become
//! nested `Let`s; locals are frame slots. Tables, conditions and limits keep
//! their own shape, so that explanations and coverage can name their rows
//! and reasons.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use rust_decimal::Decimal;

use crate::source::{Sources, Span};
use crate::types::{EnumId, RecordId, Scale, Type};

/// Index into [`Program::params`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ParamId(pub u32);

/// Index into [`Program::functions`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FuncId(pub u32);

/// Index into [`Program::classes`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClassesId(pub u32);

/// A slot in the frame of the function being evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LocalId(pub u32);

/// Doc comment, `source` reference and the module an item comes from.
#[derive(Debug, Clone, Default)]
pub struct Meta {
    pub module: String,
    pub doc: Option<String>,
    pub source: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Program {
    pub enums: Vec<EnumInfo>,
    pub records: Vec<RecordInfo>,
    pub params: Vec<ParamInfo>,
    pub functions: Vec<Function>,
    pub examples: Vec<ExampleInfo>,
    /// The `classes` items: windows on the calendar.
    pub classes: Vec<ClassesInfo>,
    /// The `evaluate` functions whose shape the checker accepted, in
    /// source order: the only ones a command may evaluate over data.
    pub entries: Vec<EntryPoint>,
    /// The text the program was checked from, so that explanations and
    /// coverage reports can name places (`file:line:col`) and quote the
    /// source without the caller handing the files over again.
    pub sources: Sources,
}

impl Program {
    pub fn enum_info(&self, id: EnumId) -> Option<&EnumInfo> {
        self.enums.get(id.0 as usize)
    }
    pub fn record(&self, id: RecordId) -> Option<&RecordInfo> {
        self.records.get(id.0 as usize)
    }
    pub fn param(&self, id: ParamId) -> Option<&ParamInfo> {
        self.params.get(id.0 as usize)
    }
    pub fn function(&self, id: FuncId) -> Option<&Function> {
        self.functions.get(id.0 as usize)
    }
    pub fn classes_info(&self, id: ClassesId) -> Option<&ClassesInfo> {
        self.classes.get(id.0 as usize)
    }

    /// The checked shape of the `evaluate` function `function`, or `None`
    /// when it is not an entry point the checker accepted.
    pub fn entry(&self, function: FuncId) -> Option<&EntryPoint> {
        self.entries.iter().find(|e| e.function == function)
    }

    /// The `evaluate` entry points, in source order.
    pub fn entry_points(&self) -> impl Iterator<Item = (FuncId, &Function)> {
        self.functions
            .iter()
            .enumerate()
            .filter(|(_, f)| f.kind == FunctionKind::Evaluate)
            .map(|(i, f)| (FuncId(u32::try_from(i).unwrap_or(u32::MAX)), f))
    }

    /// A span as its source writes it: `from 19:00 on fredag to 07:00 on
    /// next måndag`, `all day on klämdag`.
    pub fn window_text(&self, span: &WindowSpan) -> String {
        let day = |selector: DaySelector| match selector {
            DaySelector::Every => "every day".to_string(),
            DaySelector::Rule(func) => self
                .function(func)
                .map_or_else(|| "?".to_string(), |f| f.name.clone()),
        };
        let time = |minute: u32| format!("{:02}:{:02}", minute / 60, minute % 60);
        if span.from == 0 && span.to == 0 && span.until.is_none() {
            return format!("all day on {}", day(span.on));
        }
        let mut text = format!(
            "from {} on {} to {}",
            time(span.from),
            day(span.on),
            time(span.to)
        );
        if let Some(until) = span.until {
            text.push_str(&format!(" on next {}", day(until)));
        }
        text
    }

    /// Human name of a type (`Money`, `List<Anställd>`).
    pub fn type_name(&self, ty: &Type) -> String {
        match ty {
            Type::Int => "Int".into(),
            Type::Decimal => "Decimal".into(),
            Type::Money => "Money".into(),
            Type::Percent => "Percent".into(),
            Type::Hours => "Hours".into(),
            Type::Days => "Days".into(),
            Type::Months => "Months".into(),
            Type::Rate => "Rate".into(),
            Type::Date => "Date".into(),
            Type::Time => "Time".into(),
            Type::Timestamp => "Timestamp".into(),
            Type::Class => "Class".into(),
            Type::Bool => "Bool".into(),
            Type::Text => "Text".into(),
            Type::Enum(id) => self
                .enum_info(*id)
                .map(|e| e.name.clone())
                .unwrap_or_else(|| "?".into()),
            Type::Record(id) => self
                .record(*id)
                .map(|r| r.name.clone())
                .unwrap_or_else(|| "?".into()),
            Type::List(inner) => format!("List<{}>", self.type_name(inner)),
            Type::Eligibility => "Eligibility".into(),
            Type::LimitCheck(inner) => format!("LimitCheck<{}>", self.type_name(inner)),
            Type::Error => "?".into(),
        }
    }
}

/// An `evaluate` function that maps one record of data columns to one:
/// checked once, by the checker (`check_entry_point`), so commands do not
/// check the shape again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntryPoint {
    pub function: FuncId,
    /// The record of input columns.
    pub input: RecordId,
    /// The record of output columns.
    pub output: RecordId,
}

#[derive(Debug, Clone)]
pub struct EnumInfo {
    pub name: String,
    pub variants: Vec<String>,
    pub meta: Meta,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct RecordInfo {
    pub name: String,
    pub fields: Vec<FieldInfo>,
    pub meta: Meta,
    pub span: Span,
}

impl RecordInfo {
    pub fn field_index(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.name == name)
    }
}

#[derive(Debug, Clone)]
pub struct FieldInfo {
    pub name: String,
    pub ty: Type,
    pub doc: Option<String>,
    pub span: Span,
}

/// A compile-time constant (param values, table cells).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Const {
    /// Any numeric type; the unit is the surrounding type's.
    Number(Decimal),
    Date(NaiveDate),
    /// Minute precision (seconds are always zero).
    Time(NaiveTime),
    /// Minute precision (seconds are always zero).
    Timestamp(NaiveDateTime),
    Bool(bool),
    Text(String),
    Variant(u32),
    /// One class of a `classes` item (`ob.kvalificerad`).
    Class {
        classes: ClassesId,
        class: u32,
    },
}

/// An effective-dated parameter. `timeline` is sorted by date, strictly
/// increasing (the checker guarantees it).
#[derive(Debug, Clone)]
pub struct ParamInfo {
    pub name: String,
    pub ty: Type,
    pub timeline: Vec<(NaiveDate, Const)>,
    pub meta: Meta,
    pub span: Span,
}

/// A `classes` item: named classes of time, each a window on the calendar.
///
/// A minute belongs to a class when a span of its window holds it. Where
/// windows overlap, `ranked` items give the minute to the first class
/// listed; the checker requires unranked items to be disjoint.
#[derive(Debug, Clone)]
pub struct ClassesInfo {
    pub name: String,
    pub ranked: bool,
    pub classes: Vec<ClassInfo>,
    pub meta: Meta,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct ClassInfo {
    pub name: String,
    pub doc: Option<String>,
    pub spans: Vec<WindowSpan>,
    pub span: Span,
}

/// A span anchored on every day `on` selects: from minute `from` of that
/// day to minute `to` of the first later day `until` selects, or, without
/// `until`, to the first minute `to` after the start (the same day when
/// `to > from`, else the next day). Minutes are named by their start: the
/// span holds `[start, end)`.
#[derive(Debug, Clone)]
pub struct WindowSpan {
    /// Minute of the day, 0..1440.
    pub from: u32,
    pub on: DaySelector,
    pub to: u32,
    pub until: Option<DaySelector>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DaySelector {
    Every,
    /// A rule `(Date) -> Bool`.
    Rule(FuncId),
}

/// How many days after its anchor a span's `on next` day may lie. Where
/// the rule selects none of them, the span ends on the last (and the
/// checker reports the span, E0405).
pub const MAX_SPAN_DAYS: i64 = 14;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FunctionKind {
    Rule,
    Table,
    Condition,
    Limit,
    Evaluate,
}

#[derive(Debug, Clone)]
pub struct Function {
    pub name: String,
    pub kind: FunctionKind,
    /// Parameters occupy locals `0..params.len()`.
    pub params: Vec<(String, Type)>,
    pub ret: Type,
    /// Frame size: parameters plus every `let` and binder.
    pub n_locals: u32,
    pub body: Body,
    pub meta: Meta,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum Body {
    Expr(Expr),
    /// First match wins; rows are tested in order.
    Table(Vec<TableRow>),
    /// Every requirement is evaluated; the failed reasons are collected.
    Condition(Vec<Requirement>),
    Limit(LimitBody),
}

#[derive(Debug, Clone)]
pub struct TableRow {
    pub cells: Vec<Cell>,
    pub result: Expr,
    pub span: Span,
}

/// A test on one table input. Constants have the input's type.
#[derive(Debug, Clone)]
pub enum Cell {
    Any,
    OneOf(Vec<Const>),
    Compare(CompareOp, Const),
    /// Inclusive at both ends.
    Range(Const, Const),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone)]
pub struct Requirement {
    /// The short name written before the test, if any.
    pub name: Option<String>,
    pub test: Expr,
    pub reason: String,
    pub span: Span,
}

impl Requirement {
    /// What `.failed` lists for this requirement when it fails: its name,
    /// or its reason when it has none (as before names existed).
    pub fn handle(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.reason)
    }
}

#[derive(Debug, Clone)]
pub struct LimitBody {
    pub measured: Expr,
    pub at_most: bool,
    pub bound: Expr,
    pub period: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ExampleInfo {
    pub title: String,
    pub module: String,
    /// Frame size for the assertions' comprehension binders and lets.
    pub n_locals: u32,
    pub assertions: Vec<Expr>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Expr {
    pub kind: ExprKind,
    pub ty: Type,
    /// Static bound on decimals (numeric types only; `Some(0)` otherwise).
    pub scale: Scale,
    pub span: Span,
}

/// Rounding modes of `round(x, step, mode)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoundMode {
    /// The default: 0.125 → 0.13, −0.125 → −0.13.
    HalfAwayFromZero,
    /// Banker's rounding: 0.125 → 0.12.
    HalfEven,
    /// Away from zero: 0.121 → 0.13.
    Up,
    /// Toward zero: 0.129 → 0.12 (same as `toward_zero`).
    Down,
    /// Toward negative infinity.
    Floor,
    /// Toward positive infinity.
    Ceiling,
}

impl RoundMode {
    pub fn from_name(name: &str) -> Option<RoundMode> {
        match name {
            "half_away_from_zero" => Some(RoundMode::HalfAwayFromZero),
            "half_even" => Some(RoundMode::HalfEven),
            "up" => Some(RoundMode::Up),
            "down" | "toward_zero" => Some(RoundMode::Down),
            "floor" => Some(RoundMode::Floor),
            "ceiling" => Some(RoundMode::Ceiling),
            _ => None,
        }
    }

    pub const NAMES: &'static [&'static str] = &[
        "half_away_from_zero",
        "half_even",
        "up",
        "down",
        "toward_zero",
        "floor",
        "ceiling",
    ];
}

/// The concrete operation the unit algebra chose for a binary operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    /// Numbers of the same unit (or unit and plain number) added.
    Add,
    Sub,
    /// Product of two numbers where at most one carries a unit.
    Mul,
    /// `x * p` where `p` is a Percent: `x * p / 100`.
    MulPercent,
    /// Exact quotient; may be a non-terminating fraction.
    Div,
    /// `x / p` where `p` is a Percent: `x * 100 / p`.
    DivPercent,
    /// Date plus/minus a number of days.
    AddDays,
    SubDays,
    /// Date plus/minus calendar months, one step, clamped to the month's end.
    AddMonths,
    SubMonths,
    /// Date minus date: days.
    DateDiff,
    /// Timestamp minus timestamp: exact hours (minutes / 60).
    TimeDiff,
    /// Text concatenation.
    Concat,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    /// Short-circuit.
    And,
    Or,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnOp {
    Neg,
    Not,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aggregate {
    /// Sum of a numeric list (0 for an empty list).
    Sum,
    /// Number of elements.
    Count,
    /// True when every element is true (true for an empty list).
    All,
    /// True when some element is true.
    Any,
    /// Smallest / largest element; an empty list is an evaluation error.
    Min,
    Max,
}

/// Builtin functions other than aggregates and `round`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Builtin {
    /// `min(a, b, …)`, `max(a, b, …)`: two or more numbers or dates.
    Min,
    Max,
    /// `abs(x)`
    Abs,
    /// `year(d)`, `month(d)`, `day(d)`: Int parts of a date.
    Year,
    Month,
    Day,
    /// `date(y, m, d)`: an error when the date does not exist.
    MakeDate,
    /// `days(n)`, `weeks(n)`, `months(n)`, `years(n)`: Int to a duration.
    ToDays,
    ToWeeks,
    ToMonths,
    ToYears,
    /// `days_in_month(d)`
    DaysInMonth,
    /// `weekday(d)`: ISO weekday, Monday 1 to Sunday 7.
    Weekday,
    /// `div(a, b)`, `mod(a, b)`: floor division of whole numbers and its
    /// remainder (`mod(-1, 7)` is 6); a zero divisor is an error.
    IntDiv,
    IntMod,
    /// `hours(x)`: a plain number as `Hours`.
    ToHours,
    /// `date_of(t)`, `time_of(t)`: the parts of a timestamp.
    DateOf,
    TimeOf,
    /// `timestamp(d, t)`: a date at a time of day.
    MakeTimestamp,
    /// `hours_in(start, end, class)`: the hours of `[start, end)` in the
    /// class; `hours_on(day, start, end, class)` only those on `day`.
    HoursIn,
    HoursOn,
    /// `in_class(t, class)`: whether the minute starting at `t` is in the
    /// class.
    InClass,
    /// `days_of(start, end)`: the dates the minutes of `[start, end)` fall on.
    DaysOf,
}

/// Where the per-element form of a refusal points: the list's path from
/// the rule's parameter (`shifts` of `r.shifts`, `a.b` of `p.a.b`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefuseEach {
    pub path: String,
}

#[derive(Debug, Clone)]
pub enum ExprKind {
    Const(Const),
    Local(LocalId),
    /// Look a param up at a date.
    Param {
        param: ParamId,
        at: Box<Expr>,
    },
    Call {
        func: FuncId,
        args: Vec<Expr>,
    },
    Builtin {
        builtin: Builtin,
        args: Vec<Expr>,
    },
    Unary(UnOp, Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    If {
        cond: Box<Expr>,
        then: Box<Expr>,
        otherwise: Box<Expr>,
    },
    /// `arms` map variant indices to bodies; `default` is the `_` arm.
    Match {
        scrutinee: Box<Expr>,
        arms: Vec<(Vec<u32>, Expr)>,
        default: Option<Box<Expr>>,
    },
    Let {
        local: LocalId,
        value: Box<Expr>,
        body: Box<Expr>,
    },
    /// Field by index, of a record or of a built-in record-like value.
    Field(Box<Expr>, u32),
    /// Fields in declaration order.
    Record {
        record: RecordId,
        fields: Vec<Expr>,
    },
    List(Vec<Expr>),
    Comprehension {
        element: Box<Expr>,
        binder: LocalId,
        list: Box<Expr>,
        filter: Option<Box<Expr>>,
    },
    Aggregate(Aggregate, Box<Expr>),
    /// `refuse … if test because "message"`, then `body`: when `test`
    /// (a `Bool`) holds, the record fails with `message` (E0510) and
    /// `body` is not evaluated. For the per-element form `test` is
    /// `any([t for x in list])`, a plain `Aggregate(Any, Comprehension)`
    /// the compiled back end translates as it is, and `each` is set: the
    /// interpreter then tests the elements itself to name the first one
    /// refused (`shifts[4]`).
    Refuse {
        test: Box<Expr>,
        each: Option<RefuseEach>,
        message: String,
        body: Box<Expr>,
    },
    /// `value refused because "message"` (examples only): true when
    /// evaluating `value` stops at a refusal with exactly `message`, false
    /// when it gives a value or another message; other errors stay errors.
    ExpectRefused {
        value: Box<Expr>,
        message: String,
    },
    /// Round to a multiple of `step` (positive), with `mode`.
    Round {
        value: Box<Expr>,
        step: Decimal,
        mode: RoundMode,
    },
    /// Placeholder after a check error; programs with errors are never run.
    Error,
}
