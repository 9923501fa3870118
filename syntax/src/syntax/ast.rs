//! The untyped syntax tree, as the parser builds it.
//!
//! Every node carries a [`Span`]. Names are not resolved here: an
//! identifier is just text. The concrete syntax of each node is shown in its
//! doc comment; `docs/reference.md` is the full reference.

use crate::source::{FileId, Span};

/// An identifier with its span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// One parsed file.
#[derive(Debug, Clone)]
pub struct Module {
    pub file: FileId,
    /// `module staten.villkorsavtal.semester`; `None` when the file has no header.
    pub name: Option<Path>,
    /// `use lag.las`
    pub uses: Vec<Use>,
    pub items: Vec<Item>,
}

/// A dotted module path `a.b.c`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Path {
    pub segments: Vec<Ident>,
    pub span: Span,
}

impl Path {
    pub fn dotted(&self) -> String {
        self.segments
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>()
            .join(".")
    }
}

/// `use a.b.c`: brings every item of module `a.b.c` into scope.
#[derive(Debug, Clone)]
pub struct Use {
    pub path: Path,
    pub span: Span,
}

/// Doc comment (`///` lines, joined with `\n`, leading `/// ` stripped) and
/// `source "…"` reference shared by items.
#[derive(Debug, Clone, Default)]
pub struct ItemMeta {
    pub doc: Option<String>,
    pub source: Option<(String, Span)>,
}

#[derive(Debug, Clone)]
pub enum Item {
    Param(Param),
    Record(RecordDef),
    Enum(EnumDef),
    Rule(Rule),
    Table(Table),
    Condition(Condition),
    Limit(Limit),
    Classes(Classes),
    Example(Example),
    Evaluate(Rule),
}

impl Item {
    pub fn span(&self) -> Span {
        match self {
            Item::Param(x) => x.span,
            Item::Record(x) => x.span,
            Item::Enum(x) => x.span,
            Item::Rule(x) | Item::Evaluate(x) => x.span,
            Item::Table(x) => x.span,
            Item::Condition(x) => x.span,
            Item::Limit(x) => x.span,
            Item::Classes(x) => x.span,
            Item::Example(x) => x.span,
        }
    }

    /// The declared name, if the item has one (examples do not).
    pub fn name(&self) -> Option<&Ident> {
        match self {
            Item::Param(x) => Some(&x.name),
            Item::Record(x) => Some(&x.name),
            Item::Enum(x) => Some(&x.name),
            Item::Rule(x) | Item::Evaluate(x) => Some(&x.name),
            Item::Table(x) => Some(&x.name),
            Item::Condition(x) => Some(&x.name),
            Item::Limit(x) => Some(&x.name),
            Item::Classes(x) => Some(&x.name),
            Item::Example(_) => None,
        }
    }
}

/// A type as written: `Money`, `List<Anställd>`, `Avdelning`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeExpr {
    Named(Ident),
    List(Box<TypeExpr>, Span),
}

impl TypeExpr {
    pub fn span(&self) -> Span {
        match self {
            TypeExpr::Named(i) => i.span,
            TypeExpr::List(_, s) => *s,
        }
    }
}

/// ```text
/// /// doc
/// param garantibelopp: Money
///   source "VA 5 kap. 14 §"
/// {
///   from 2026-01-01 = 1709 SEK
///   from 2027-01-01 = 1759 SEK
/// }
/// ```
#[derive(Debug, Clone)]
pub struct Param {
    pub meta: ItemMeta,
    pub name: Ident,
    pub ty: TypeExpr,
    pub timeline: Vec<ParamStep>,
    pub span: Span,
}

/// `from 2026-01-01 = 1709 SEK`
#[derive(Debug, Clone)]
pub struct ParamStep {
    pub from: Expr,
    pub value: Expr,
    pub span: Span,
}

/// `record Anställd { fast_lön: Money, sysselsättningsgrad: Percent }`
/// (fields separated by commas or newlines; each field may have a `///` doc).
#[derive(Debug, Clone)]
pub struct RecordDef {
    pub meta: ItemMeta,
    pub name: Ident,
    pub fields: Vec<FieldDef>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct FieldDef {
    pub doc: Option<String>,
    pub name: Ident,
    pub ty: TypeExpr,
    pub span: Span,
}

/// `enum Avdelning { I, II }` (variants separated by commas or newlines).
#[derive(Debug, Clone)]
pub struct EnumDef {
    pub meta: ItemMeta,
    pub name: Ident,
    pub variants: Vec<VariantDef>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct VariantDef {
    pub doc: Option<String>,
    pub name: Ident,
    pub span: Span,
}

/// `rule name(a: T, b: U) -> R source "…" = expr`, and the same shape for
/// `evaluate Name(r: In) -> Out = expr`. A block body is written
/// `= { let x = …  x }` or directly `{ let x = … x }`.
#[derive(Debug, Clone)]
pub struct Rule {
    pub meta: ItemMeta,
    pub name: Ident,
    pub params: Vec<ParamDecl>,
    pub ret: TypeExpr,
    pub body: Expr,
    pub span: Span,
}

/// `a: Anställd`
#[derive(Debug, Clone)]
pub struct ParamDecl {
    pub name: Ident,
    pub ty: TypeExpr,
    pub span: Span,
}

/// A decision table with first-match hit policy:
/// ```text
/// table uppsägningstid(anställning: Anställning, år: Int) -> Int
///   source "Chefsavtalet 9 § 3 p.; LAS 11 §"
/// {
///   | fullmakt    | _       => 6
///   | tillsvidare | < 2     => 4
///   | tillsvidare | 2..9    => 4
///   | tillsvidare | >= 10   => 6
/// }
/// ```
/// One cell per input, in parameter order.
#[derive(Debug, Clone)]
pub struct Table {
    pub meta: ItemMeta,
    pub name: Ident,
    pub params: Vec<ParamDecl>,
    pub ret: TypeExpr,
    pub rows: Vec<TableRow>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct TableRow {
    pub cells: Vec<Cell>,
    pub result: Expr,
    pub span: Span,
}

/// A table cell: a test on one input.
#[derive(Debug, Clone)]
pub enum Cell {
    /// `_`: any value.
    Any(Span),
    /// A literal or a variant name (`fullmakt`, `true`, `5`, `2026-01-01`),
    /// or several joined by `or`: `Saco_S or OFR`. Equality test.
    OneOf(Vec<Expr>, Span),
    /// `< 2`, `<= 2`, `> 2`, `>= 10`, `!= x`.
    Compare(CompareOp, Expr, Span),
    /// `2..9`: inclusive range.
    Range(Expr, Expr, Span),
}

impl Cell {
    pub fn span(&self) -> Span {
        match self {
            Cell::Any(s) | Cell::OneOf(_, s) | Cell::Compare(_, _, s) | Cell::Range(_, _, s) => *s,
        }
    }
}

/// Eligibility with reasons:
/// ```text
/// condition får_byta(a: Ansökan)
///   source "VA 5 kap. 18 §"
/// {
///   requires a.sparade_dagar <= 5 because "högst fem sparade dagar"
///   requires not a.längre_frånvaro because "ingen planerad längre frånvaro"
/// }
/// ```
/// Its value has type `Eligibility` (`.ok: Bool`, `.failed: List<Text>`).
/// Every requirement is evaluated, so all failed reasons are reported.
#[derive(Debug, Clone)]
pub struct Condition {
    pub meta: ItemMeta,
    pub name: Ident,
    pub params: Vec<ParamDecl>,
    pub requirements: Vec<Requirement>,
    pub span: Span,
}

/// ```text
/// classes ob ranked source "W2: OB" {
///   storhelg { from 19:00 on skärtorsdag to 07:00 on next vardag }
///   enkel { from 19:00 on every day to 22:00 }
/// }
/// ```
#[derive(Debug, Clone)]
pub struct Classes {
    pub meta: ItemMeta,
    pub name: Ident,
    /// `ranked`: the first class listed wins where windows overlap.
    pub ranked: bool,
    pub classes: Vec<ClassDef>,
    pub span: Span,
}

/// One class and its window, a union of spans.
#[derive(Debug, Clone)]
pub struct ClassDef {
    pub doc: Option<String>,
    pub name: Ident,
    pub spans: Vec<WindowSpan>,
    pub span: Span,
}

/// `from 19:00 on fredag to 07:00 on next måndag`, or `all day on
/// klämdag` (with `from` and `to` both `00:00` and no `until`).
#[derive(Debug, Clone)]
pub struct WindowSpan {
    /// Time literals; `None` for `all day`.
    pub from: Option<Expr>,
    pub on: DaySelector,
    pub to: Option<Expr>,
    /// `on next <day>`: the span ends on the first later day selected.
    pub until: Option<DaySelector>,
    pub span: Span,
}

/// Which days a span starts (or ends) on.
#[derive(Debug, Clone)]
pub enum DaySelector {
    /// `every day`
    Every(Span),
    /// A rule `(Date) -> Bool`.
    Rule(Ident),
}

impl DaySelector {
    pub fn span(&self) -> Span {
        match self {
            DaySelector::Every(span) => *span,
            DaySelector::Rule(ident) => ident.span,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Requirement {
    /// The short name written before the test (`requires sparade: …`).
    pub name: Option<Ident>,
    pub test: Expr,
    pub reason: String,
    pub span: Span,
}

/// A cap or floor:
/// ```text
/// limit mertid_och_övertid(mertid: Hours, övertid: Hours)
///   source "VA 4 kap. 9 §"
/// {
///   mertid + övertid at most 200 h per calendar year
/// }
/// ```
/// Its value has type `LimitCheck<T>` (`.used`, `.bound`, `.room`, `.violated`).
#[derive(Debug, Clone)]
pub struct Limit {
    pub meta: ItemMeta,
    pub name: Ident,
    pub params: Vec<ParamDecl>,
    pub measured: Expr,
    pub kind: LimitKind,
    pub bound: Expr,
    /// `per calendar year`, `per month`, …: the period the measured value
    /// covers (documentation and explanation; inputs are already per period).
    pub period: Option<(String, Span)>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitKind {
    AtMost,
    AtLeast,
}

/// `example "heltid" { garanti(…) == 197.00 SEK  … }`: one or more
/// Boolean assertions, each on its own line.
#[derive(Debug, Clone)]
pub struct Example {
    pub meta: ItemMeta,
    pub title: String,
    pub title_span: Span,
    pub assertions: Vec<Expr>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    Add,
    Sub,
    Mul,
    Div,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
}

impl BinaryOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::And => "and",
            BinaryOp::Or => "or",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    Lt,
    Le,
    Gt,
    Ge,
    Ne,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    Neg,
    Not,
}

/// Units a number literal can carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LiteralUnit {
    /// `1709 SEK` (also `kr`)
    Sek,
    /// `4.6 %`
    Percent,
    /// `200 h`
    Hours,
    /// `20 SEK/h` (also `kr/h`): money per hour.
    SekPerHour,
    /// `90 days`, `1 day`
    Days,
    /// `2 weeks`, `1 week` (7 days each)
    Weeks,
    /// `18 months`, `1 month`
    Months,
    /// `2 years`, `1 year` (12 months each)
    Years,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// Decimal text exactly as written (`30000`, `0.046`); the checker
    /// decides Int vs Decimal from the presence of a `.`.
    Number {
        text: String,
        unit: Option<LiteralUnit>,
    },
    /// `2026-01-01` as written; validated by the checker.
    Date(String),
    /// `19:00` as written; validated by the checker.
    Time(String),
    /// `2026-06-05T18:30` as written; validated by the checker.
    Timestamp(String),
    Text(String),
    Bool(bool),
}

#[derive(Debug, Clone)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum ExprKind {
    Literal(Literal),
    /// A bare name: a local, a param, a rule, an enum variant or a type.
    Name(Ident),
    /// `a.b`: a record field, or `Enum.Variant`.
    Field(Box<Expr>, Ident),
    /// `f(a, b)`: a rule, table, condition, limit or builtin. `callee` is
    /// always a name.
    Call {
        callee: Ident,
        args: Vec<Expr>,
    },
    Unary(UnaryOp, Box<Expr>),
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    /// `param at date`
    At(Box<Expr>, Box<Expr>),
    /// `if c { a } else { b }`; `else if` nests.
    If {
        cond: Box<Expr>,
        then: Box<Expr>,
        otherwise: Box<Expr>,
    },
    /// `match x { A => e, B | C => e, _ => e }`
    Match {
        scrutinee: Box<Expr>,
        arms: Vec<MatchArm>,
    },
    /// `{ let a = e  refuse if t because "…"  let b: T = e  result }`
    Block {
        stmts: Vec<Stmt>,
        result: Box<Expr>,
    },
    /// `EXPR refused because "MESSAGE"`, an assertion of an example only:
    /// true when evaluating `value` stops at a `refuse` with `message`.
    Refused {
        value: Box<Expr>,
        message: String,
        message_span: Span,
    },
    /// `Anställd { fast_lön: 30000 SEK, … }`, or `{ … }` where the type is
    /// known from context (a call argument, a rule's result).
    Record {
        type_name: Option<Ident>,
        fields: Vec<FieldInit>,
    },
    /// `[a, b, c]`
    List(Vec<Expr>),
    /// `[expr for x in list if cond]` (the `if` part is optional). As the
    /// only argument of an aggregate it may be written without brackets:
    /// `sum(m.lön for m in medlemmar)`.
    Comprehension {
        element: Box<Expr>,
        binder: Ident,
        list: Box<Expr>,
        filter: Option<Box<Expr>>,
    },
    /// `filter(list, x => cond)`
    Filter {
        list: Box<Expr>,
        binder: Ident,
        cond: Box<Expr>,
    },
    /// `round(x, 0.01 SEK)` or `round(x, 0.01 SEK, half_even)`.
    Round {
        value: Box<Expr>,
        step: Box<Expr>,
        mode: Option<Ident>,
    },
    /// Parenthesised expression (kept for spans and the formatter).
    Paren(Box<Expr>),
    /// Placeholder produced by error recovery; never reaches the checker
    /// without an accompanying syntax diagnostic.
    Error,
}

#[derive(Debug, Clone)]
pub struct MatchArm {
    /// Variant names (`A | B`) or empty for `_`.
    pub patterns: Vec<Ident>,
    pub wildcard: bool,
    pub body: Expr,
    pub span: Span,
}

/// A statement of a block, before its result.
#[derive(Debug, Clone)]
pub enum Stmt {
    Let(Let),
    Refuse(Refuse),
}

/// `refuse [for x in list] if test because "message"`: the clause does not
/// accept the record (or the element of `list`) when `test` holds.
#[derive(Debug, Clone)]
pub struct Refuse {
    /// The binder and list of the per-element form.
    pub each: Option<(Ident, Expr)>,
    pub test: Expr,
    pub message: String,
    pub message_span: Span,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Let {
    pub name: Ident,
    pub ty: Option<TypeExpr>,
    pub value: Expr,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct FieldInit {
    pub name: Ident,
    pub value: Expr,
    pub span: Span,
}
