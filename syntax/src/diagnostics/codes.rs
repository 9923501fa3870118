//! The single registry of diagnostic codes.
//!
//! Codes are stable: never renumber one. Every code has an entry in
//! `docs/diagnostics.md` and at least one case under `tests/`; the test
//! harness fails when either is missing.

use serde::{Serialize, Serializer};

use super::Severity;

macro_rules! codes {
    ($( $variant:ident = $text:literal, $severity:ident, $summary:literal; )*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code { $( $variant, )* }

        impl Code {
            pub const ALL: &'static [Code] = &[ $( Code::$variant, )* ];

            /// The stable text, `E0201`.
            pub fn as_str(self) -> &'static str {
                match self { $( Code::$variant => $text, )* }
            }

            pub fn severity(self) -> Severity {
                match self { $( Code::$variant => Severity::$severity, )* }
            }

            /// One line for `docs/diagnostics.md` and `avtal explain-code`.
            pub fn summary(self) -> &'static str {
                match self { $( Code::$variant => $summary, )* }
            }
        }
    };
}

codes! {
    // Syntax (E00xx)
    Syntax = "E0001", Error, "the text does not follow the grammar";
    InvalidLiteral = "E0002", Error, "a literal is malformed (impossible date, number out of range)";
    InvalidClock = "E0003", Error, "a time of day or timestamp literal is not on the clock or calendar";
    // Names (E01xx)
    UnknownName = "E0101", Error, "a name is not defined in scope";
    UnknownType = "E0102", Error, "a type name is not defined";
    UnknownField = "E0103", Error, "a record has no field of that name";
    DuplicateDefinition = "E0104", Error, "a name is defined twice in one scope";
    UnknownModule = "E0105", Error, "a `use` names a module that does not exist";
    AmbiguousName = "E0106", Error, "a name is defined by more than one used module";
    UnknownVariant = "E0107", Error, "an enum has no variant of that name";
    MissingField = "E0108", Error, "a record literal lacks a field";
    DuplicateField = "E0109", Error, "a record literal sets a field twice";
    Recursion = "E0110", Error, "rules call each other in a cycle";
    ConfusableName = "W0101", Warning, "a name mixes scripts, holds an invisible character, or looks like another name";
    // Types and units (E02xx)
    UnitMismatch = "E0201", Error, "an operator is applied to units it does not combine";
    TypeMismatch = "E0202", Error, "an expression has a different type than expected";
    ArgumentCount = "E0203", Error, "a call has the wrong number of arguments";
    NotCallable = "E0204", Error, "something that is not a rule is called";
    ParamWithoutDate = "E0205", Error, "a dated param is used without `at DATE`";
    InexactOutput = "E0206", Error, "a value leaving an entry point or rule may have more decimals than its type allows";
    NotARecord = "E0207", Error, "a field is read from a value that is not a record";
    CannotInferRecord = "E0208", Error, "a record literal without a type name where no type is expected";
    InvalidRound = "E0209", Error, "a `round` step or mode is invalid";
    InvalidEntryPoint = "E0210", Error, "an `evaluate` entry point has an unsupported signature";
    ParamTimeline = "E0211", Error, "a param's `from` dates are not strictly increasing";
    NotAList = "E0212", Error, "an aggregate or comprehension is given something that is not a list";
    EmptyList = "E0213", Error, "an empty list literal where its element type cannot be known";
    HoursTimesMoney = "E0214", Error, "money and hours are combined without a rate";
    InvalidRefusal = "E0215", Error, "a `refuse` has no message, or cannot name the element it refuses";
    // Windows and classes of time (E04xx)
    InvalidDaySelector = "E0401", Error, "a span's day is not `every day` or a rule `(Date) -> Bool`";
    EmptyWindow = "E0402", Error, "a window can never hold a minute";
    OverlappingClasses = "E0403", Error, "classes overlap where the clause does not say which wins";
    UnknownClass = "E0404", Error, "a `classes` item has no class of that name";
    NoNextDay = "E0405", Error, "a span's `on next` day does not come within 14 days of its start";
    // Matches and tables (E03xx, W03xx)
    NonExhaustiveMatch = "E0301", Error, "a `match` does not cover every variant";
    TableNotCovered = "E0302", Error, "some inputs match no row of a decision table";
    InvalidCell = "E0303", Error, "a table cell does not fit its column's type";
    UnreachableRow = "W0301", Warning, "a table row can never be chosen (first match wins)";
    UnreachableArm = "W0302", Warning, "a `match` arm can never be chosen";
    // Evaluation (E05xx)
    Overflow = "E0501", Error, "an exact value grew beyond the range of a decimal";
    DivisionByZero = "E0502", Error, "a division by zero";
    BeforeFirstDate = "E0503", Error, "a param is looked up at a date before its first `from`";
    DateOutOfRange = "E0504", Error, "date arithmetic left the supported calendar";
    NoTableRow = "E0505", Error, "no row of a decision table matched at run time";
    ExampleFailed = "E0506", Error, "an example's assertion does not hold";
    NotExact = "E0507", Error, "a value cannot be written with its type's decimals";
    ReversedInterval = "E0509", Error, "an interval ends before it starts";
    Refused = "E0510", Error, "a clause refuses the record with its own message";
    // Data rows (E06xx)
    BadCell = "E0601", Error, "an input cell cannot be read as its field's type";
    MissingInputField = "E0602", Error, "an input row or header lacks a field";
    BadEnumValue = "E0603", Error, "an input cell names no variant of the field's enum";
    MalformedRow = "E0604", Error, "an input row is not valid CSV or JSON";
    UnknownEntry = "E0605", Error, "no `evaluate` entry point of that name";
    UnknownCaseField = "E0606", Error, "a case given on the command line names a field its record does not have";
    NoSuchRow = "E0607", Error, "a row number beyond the rows of the input";
    GroupDisagrees = "E0608", Error, "rows of one long-form CSV record disagree on a column of the record";
    GroupSplit = "E0609", Error, "the rows of one long-form CSV record are not consecutive";
    // Avtal itself (E09xx)
    Internal = "E0901", Error, "an internal error of Avtal: a bug, never a problem of the input";
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
