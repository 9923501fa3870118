//! The texts that go with an ahead-of-time library: its C header, the
//! same declarations for FFI generators (`ffi.rs`), and a JSON Schema per
//! entry point (`schema.rs`); docs/aot.md describes them.
//!
//! The header's structs are the [`RecordLayout`]s, slot for slot, with
//! `_Static_assert`s on every offset and size so a stale header fails to
//! compile rather than misread memory.

use std::collections::BTreeSet;
use std::fmt::Write;

use super::calendar::{max_day, min_day};
use super::layout::{Encoding, FieldSlot, RecordLayout};
use super::object::{ABI_VERSION, AotEntry, AotLibrary, ErrorCode, c_identifier, error_struct};
use avtal_compiler::ir::Program;
use avtal_compiler::types::Type;

mod ffi;
mod names;
mod schema;

pub use ffi::{cdef_header, exports_source};
pub use names::{CNameClash, CNameKind, CNameSource, c_member, c_name_clashes};
pub use schema::json_schema;

pub(super) fn type_name(program: &Program, ty: &Type) -> String {
    match ty {
        Type::Enum(id) => program
            .enum_info(*id)
            .map_or_else(|| "enum".to_string(), |e| e.name.clone()),
        other => format!("{other:?}"),
    }
}

/// What a slot holds, for the header's comments.
fn unit_comment(program: &Program, ty: &Type) -> String {
    match ty {
        Type::Money => "Money: öre (SEK × 100)".to_string(),
        Type::Percent => "Percent: hundredths of a percent (12.5 % = 1250)".to_string(),
        Type::Hours => "Hours: hundredths of an hour (7.5 h = 750)".to_string(),
        Type::Int => "Int".to_string(),
        Type::Days => "Days: whole days".to_string(),
        Type::Months => "Months: whole months".to_string(),
        Type::Rate => "Rate: öre per hour (SEK/h × 100)".to_string(),
        Type::Date => "Date: day number, 0001-01-01 = 1".to_string(),
        Type::Time => "Time: minute of the day, 0 to 1439 (19:30 = 1170)".to_string(),
        Type::Timestamp => {
            "Timestamp: minutes from 0001-01-01T00:00, (day number - 1) * 1440 + minute".to_string()
        }
        Type::Bool => "Bool: 0 or 1".to_string(),
        Type::Enum(_) => format!(
            "enum {}: AVTAL_{}_*",
            type_name(program, ty),
            enum_prefix(program, ty)
        ),
        other => format!("{other:?}"),
    }
}

fn enum_prefix(program: &Program, ty: &Type) -> String {
    c_identifier(&type_name(program, ty)).to_uppercase()
}

/// The struct tag of the elements of a list field of type `List<R>`:
/// `avtal_<library>_<R>`, prefixed like the functions because, unlike an
/// entry point's `<Entry>Input`, a record's name is not unique to this
/// library.
pub(super) fn element_struct(program: &Program, library_c: &str, list: &Type) -> Option<String> {
    let Type::List(element) = list else {
        return None;
    };
    Some(format!(
        "avtal_{library_c}_{}",
        c_identifier(&type_name_of(program, element))
    ))
}

/// The member after a list field's pointer that holds its length.
pub(super) fn length_member(member: &str) -> String {
    format!("{member}_len")
}

/// Every field of `layout`, then the fields of its list fields' elements
/// (one level: elements hold no lists).
pub(super) fn fields_and_elements(layout: &RecordLayout) -> impl Iterator<Item = &FieldSlot> {
    layout.fields.iter().chain(
        layout
            .fields
            .iter()
            .filter_map(|slot| slot.element.as_deref())
            .flat_map(|element| element.fields.iter()),
    )
}

fn c_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_ascii() && !c.is_ascii_control() => out.push(c),
            c => {
                let mut buf = [0u8; 4];
                for byte in c.encode_utf8(&mut buf).bytes() {
                    let _ = write!(out, "\\{byte:03o}");
                }
            }
        }
    }
    out.push('"');
    out
}

/// A day number as `YYYY-MM-DD` (a sign before other years).
fn date_text(day: i64) -> String {
    avtal_compiler::clock::date_of_day(day).map_or_else(String::new, |d| d.to_string())
}

/// The common part, guarded separately so headers of several libraries
/// can be included together.
fn common_part(out: &mut String) {
    let codes: String = ErrorCode::ALL
        .iter()
        .map(|c| format!("#define AVTAL_{} {}\n", c.c_name(), *c as i32))
        .collect();
    let messages: String = ErrorCode::ALL
        .iter()
        .map(|c| {
            format!(
                "    case AVTAL_{}: return {};\n",
                c.c_name(),
                c_string(c.message())
            )
        })
        .collect();
    let _ = write!(
        out,
        r#"#ifndef AVTAL_COMMON_V{ABI_VERSION}
#define AVTAL_COMMON_V{ABI_VERSION}

/* The calling convention, error struct and layouts of this version. */
#define AVTAL_ABI_VERSION {ABI_VERSION}

#ifdef __cplusplus
#define AVTAL_STATIC_ASSERT(cond, msg) static_assert(cond, msg)
#else
#define AVTAL_STATIC_ASSERT(cond, msg) _Static_assert(cond, msg)
#endif

/* Return codes. 1 to 9 are failures of the record's computation, in the
 * order the interpreter meets them: 2 to 5, 7 and 8 are the interpreter's
 * errors (the diagnostic code is in AvtalError.diagnostic); 1 means a value
 * left the compiled fixed point: evaluate that record with `avtal run`.
 * 10 and up are bad arguments; nothing was computed. */
{codes}
/* Filled by every call when not NULL. */
struct AvtalError {{
    int32_t code;        /* AVTAL_OK or an AVTAL_E_* code */
    int32_t field;       /* input field at fault (0-based), or -1 */
    uint64_t record;     /* batch: index of the first failing record */
    char diagnostic[{dlen}];   /* "E0502" as `avtal run` reports it, or "" */
    char field_name[{flen}];  /* UTF-8 name of the field at fault, or "" */
}};
AVTAL_STATIC_ASSERT(sizeof(struct AvtalError) == {size}, "struct AvtalError layout");
AVTAL_STATIC_ASSERT(offsetof(struct AvtalError, diagnostic) == {doff}, "struct AvtalError layout");
AVTAL_STATIC_ASSERT(offsetof(struct AvtalError, field_name) == {foff}, "struct AvtalError layout");

static inline const char *avtal_strerror(int32_t code) {{
    switch (code) {{
{messages}    default: return "unknown avtal error code";
    }}
}}

/* Dates are day numbers: 0001-01-01 is 1 (chrono's num_days_from_ce);
 * valid from AVTAL_MIN_DAY ({first_date}) to AVTAL_MAX_DAY ({last_date}). */
#define AVTAL_MIN_DAY ({min_day}LL)
#define AVTAL_MAX_DAY ({max_day}LL)

static inline int64_t avtal_floor_div(int64_t x, int64_t k) {{
    int64_t q = x / k;
    return (x % k < 0) ? q - 1 : q;
}}

/* The day number of year-month-day (month 1-12, day 1-31; no check). */
static inline int64_t avtal_date(int64_t year, int64_t month, int64_t day) {{
    int64_t y = year - (month <= 2);
    int64_t era = avtal_floor_div(y, 400);
    int64_t yoe = y - era * 400;
    int64_t mp = month > 2 ? month - 3 : month + 9;
    int64_t doy = (153 * mp + 2) / 5 + day - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 305;
}}

/* The timestamp of a day number and a minute of the day (0 to 1439):
 * minutes from 0001-01-01T00:00. */
static inline int64_t avtal_timestamp(int64_t day_number, int64_t minute_of_day) {{
    return (day_number - 1) * 1440 + minute_of_day;
}}

/* Year, month and day of a day number. */
static inline void avtal_civil(int64_t day_number, int64_t *year, int64_t *month, int64_t *day) {{
    int64_t z = day_number + 305;
    int64_t era = avtal_floor_div(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *day = doy - (153 * mp + 2) / 5 + 1;
    *month = mp < 10 ? mp + 3 : mp - 9;
    *year = yoe + era * 400 + (*month <= 2);
}}

#endif /* AVTAL_COMMON_V{ABI_VERSION} */

"#,
        dlen = error_struct::DIAGNOSTIC_LEN,
        flen = error_struct::FIELD_NAME_LEN,
        size = error_struct::SIZE,
        doff = error_struct::DIAGNOSTIC,
        foff = error_struct::FIELD_NAME,
        min_day = min_day(),
        max_day = max_day(),
        first_date = date_text(min_day()),
        last_date = date_text(max_day()),
    );
}

/// The C names of a layout's fields ([`c_member`]); a name that repeats
/// after transliteration (`år` and `ar`) gets its field index appended,
/// and a further `_` while that is still taken (fields `a_2`, `a`, `ä`:
/// `a_2`, `a`, `a_2_`), so the members are always distinct.
pub fn c_fields(layout: &RecordLayout) -> Vec<String> {
    let mut names: Vec<String> = Vec::with_capacity(layout.fields.len());
    for (index, slot) in layout.fields.iter().enumerate() {
        let mut name = c_member(&slot.name);
        if names.contains(&name) {
            name = format!("{name}_{index}");
            while names.contains(&name) {
                name.push('_');
            }
        }
        names.push(name);
    }
    names
}

/// The C struct of one record. A text field is a `const char *` in an
/// input record and the opaque piece mask in an output record, whose
/// `accessors` (one per field, `None` for non-texts) spell it out. A list
/// field is two members: a pointer to its elements' struct and the
/// number of elements.
fn record_struct(
    out: &mut String,
    target: Target,
    name: &str,
    about: &str,
    layout: &RecordLayout,
    accessors: Option<&[Option<String>]>,
) {
    let Target {
        program,
        library_c,
        dialect,
    } = target;
    let fields = c_fields(layout);
    let _ = writeln!(out, "/* {about} */");
    let _ = writeln!(out, "struct {name} {{");
    for (index, (slot, field)) in layout.fields.iter().zip(&fields).enumerate() {
        let about = slot.name.replace("*/", "* /");
        let accessor = accessors
            .and_then(|a| a.get(index))
            .and_then(Option::as_ref);
        let _ = match (slot.encoding, accessor) {
            (Encoding::Text, Some(accessor)) => writeln!(
                out,
                "    uint64_t {field}; /* {about}: Text, opaque: read it with {accessor}() */"
            ),
            (Encoding::Text, None) => writeln!(
                out,
                "    const char *{field}; /* {about}: Text, NUL-terminated UTF-8, not NULL */"
            ),
            (Encoding::List, _) => {
                let element = element_struct(program, library_c, &slot.ty).unwrap_or_default();
                let len = length_member(field);
                writeln!(
                    out,
                    "    const struct {element} *{field}; /* {about}: {}: {len} elements, read during the call only; may be NULL when {len} is 0 */\n    \
                     int64_t {len}; /* the number of elements of {field}: 0 or more */",
                    type_text(program, &slot.ty)
                )
            }
            _ => writeln!(
                out,
                "    int64_t {field}; /* {about}: {} */",
                unit_comment(program, &slot.ty)
            ),
        };
    }
    if layout.fields.is_empty() {
        let _ = writeln!(out, "    int64_t unused_;");
    }
    let _ = writeln!(out, "}};");
    if dialect == Dialect::Cdef {
        out.push('\n');
        return;
    }
    let _ = writeln!(
        out,
        "AVTAL_STATIC_ASSERT(sizeof(struct {name}) == {}, \"struct {name} layout\");",
        layout.stride
    );
    for (slot, field) in layout.fields.iter().zip(&fields) {
        let _ = writeln!(
            out,
            "AVTAL_STATIC_ASSERT(offsetof(struct {name}, {field}) == {}, \"struct {name} layout\");",
            slot.offset
        );
        if slot.encoding == Encoding::List {
            let _ = writeln!(
                out,
                "AVTAL_STATIC_ASSERT(offsetof(struct {name}, {}) == {}, \"struct {name} layout\");",
                length_member(field),
                slot.offset + super::layout::SLOT
            );
        }
    }
    out.push('\n');
}

/// The struct of every list field's elements in `layout` not yet in
/// `written` (a record's struct is written once per header).
fn element_structs(
    out: &mut String,
    target: Target,
    layout: &RecordLayout,
    written: &mut BTreeSet<String>,
) {
    let Target {
        program, library_c, ..
    } = target;
    for slot in &layout.fields {
        let (Some(element), Some(name), Type::List(element_ty)) = (
            slot.element.as_deref(),
            element_struct(program, library_c, &slot.ty),
            &slot.ty,
        ) else {
            continue;
        };
        if !written.insert(name.clone()) {
            continue;
        }
        record_struct(
            out,
            target,
            &name,
            &format!(
                "An element of a list field: record {}",
                type_name_of(program, element_ty)
            ),
            element,
            None,
        );
    }
}

/// The declarations of `entry`'s text accessors, with their contract.
fn text_accessor_declarations(out: &mut String, entry: &AotEntry) {
    let c = &entry.c_name;
    for ((slot, field), accessor) in entry
        .output
        .fields
        .iter()
        .zip(c_fields(&entry.output))
        .zip(entry.text_accessors())
    {
        let Some(accessor) = accessor else { continue };
        let _ = write!(
            out,
            "/* The text of output field {name}: the text out->{field} encodes, from the\n \
             * result of avtal_{c} (AVTAL_OK) for the record *in. Like snprintf: writes\n \
             * at most cap - 1 bytes of UTF-8 and a NUL (a cut may split a character;\n \
             * nothing when buf is NULL or cap is 0) and returns the whole text's length\n \
             * in bytes, NUL not counted; so a text is whole when the result < cap.\n \
             * out or in NULL: returns 0 and writes \"\" when it can. Thread-safe. */\n\
             size_t {accessor}(const struct {c}Output *out, const struct {c}Input *in,\n\
             \x20   char *buf, size_t cap);\n\n",
            name = slot.name.replace("*/", "* /"),
        );
    }
}

/// The C header of `library`; `source` names the agreement in its
/// opening comment.
pub fn c_header(program: &Program, library: &AotLibrary, source: &str) -> String {
    let guard = format!("AVTAL_{}_H", library.c_name.to_uppercase());
    let mut out = String::new();
    let _ = write!(
        out,
        "/* {lib}.h: generated by `avtal build` from {source}; do not edit.\n\
         \x20* Calling convention, units and error codes: docs/aot.md. */\n\
         #ifndef {guard}\n#define {guard}\n\n\
         #include <stddef.h>\n#include <stdint.h>\n\n\
         #ifdef __cplusplus\nextern \"C\" {{\n#endif\n\n",
        lib = library.c_name,
        source = source.replace("*/", "* /"),
    );
    common_part(&mut out);
    declarations(&mut out, program, library, Dialect::C);
    let _ = write!(
        out,
        "#ifdef __cplusplus\n}}\n#endif\n\n#endif /* {guard} */\n"
    );
    out
}

/// Which header a declaration is written for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Dialect {
    /// The C header: macros, `static inline` helpers, layout assertions.
    C,
    /// The header for FFI generators (`ffi.rs`): declarations only, no
    /// preprocessor directive; constants are enumerators.
    Cdef,
}

/// What a struct is written for: the program, the library's C name and
/// the header.
#[derive(Clone, Copy)]
struct Target<'a> {
    program: &'a Program,
    library_c: &'a str,
    dialect: Dialect,
}

/// An integer constant: a macro in C, an enumerator (inside an `enum {`
/// the caller opened) for FFI generators.
fn constant(out: &mut String, dialect: Dialect, name: &str, value: impl std::fmt::Display) {
    let _ = match dialect {
        Dialect::C => writeln!(out, "#define {name} {value}"),
        Dialect::Cdef => writeln!(out, "    {name} = {value},"),
    };
}

/// Everything after the common part that both headers declare: the
/// exported functions, enum tags, record structs and entry points.
fn declarations(out: &mut String, program: &Program, library: &AotLibrary, dialect: Dialect) {
    let target = Target {
        program,
        library_c: &library.c_name,
        dialect,
    };
    let _ = writeln!(
        out,
        "/* AVTAL_ABI_VERSION of the library; compare before the first call. */\n\
         int32_t avtal_{}_abi_version(void);\n",
        library.c_name
    );
    ffi::exported_helper_declarations(out, &library.c_name);
    // Enum tags of every enum a field uses, once each. Two enums whose
    // tags meet (`Steg` and `STEG`) share the tags they agree on; where
    // they disagree, `c_name_clashes` refuses the build.
    let mut seen_enums = BTreeSet::new();
    let mut defined = BTreeSet::new();
    for entry in &library.entries {
        for slot in fields_and_elements(&entry.input).chain(&entry.output.fields) {
            let Type::Enum(id) = &slot.ty else { continue };
            let Some(info) = program.enum_info(*id) else {
                continue;
            };
            if !seen_enums.insert(*id) {
                continue;
            }
            let prefix = enum_prefix(program, &slot.ty);
            let tags = info
                .variants
                .iter()
                .enumerate()
                .map(|(tag, variant)| (names::enum_tag(&prefix, variant), tag));
            let count = (format!("AVTAL_{prefix}_COUNT"), info.variants.len());
            let new_tags: Vec<(String, usize)> = tags
                .chain([count])
                .filter(|(name, _)| defined.insert(name.clone()))
                .collect();
            if new_tags.is_empty() {
                continue;
            }
            let _ = writeln!(out, "/* enum {}: tags */", info.name.replace("*/", "* /"));
            if dialect == Dialect::Cdef {
                out.push_str("enum {\n");
            }
            for (name, value) in new_tags {
                constant(out, dialect, &name, value);
            }
            if dialect == Dialect::Cdef {
                out.push_str("};\n");
            }
            out.push('\n');
        }
    }
    let mut elements_written = BTreeSet::new();
    for entry in &library.entries {
        let c = &entry.c_name;
        element_structs(out, target, &entry.input, &mut elements_written);
        record_struct(
            out,
            target,
            &format!("{c}Input"),
            &format!(
                "Input of entry point {} ({})",
                entry.name,
                type_name_of(program, &entry.input_type)
            ),
            &entry.input,
            None,
        );
        let accessors = entry.text_accessors();
        record_struct(
            out,
            target,
            &format!("{c}Output"),
            &format!(
                "Output of entry point {} ({})",
                entry.name,
                type_name_of(program, &entry.output_type)
            ),
            &entry.output,
            Some(&accessors),
        );
        let _ = write!(
            out,
            "/* Evaluate one record. Returns AVTAL_OK, or an AVTAL_E_* code and\n \
             * leaves *out unspecified. err may be NULL. Thread-safe. */\n\
             int32_t avtal_{c}(const struct {c}Input *in, struct {c}Output *out, struct AvtalError *err);\n\n\
             /* Evaluate n records. codes (may be NULL) gets each record's code;\n \
             * returns the first failing record's code (err->record is its index), or AVTAL_OK. */\n\
             int32_t avtal_{c}_batch(const struct {c}Input *in, struct {c}Output *out, uint64_t n,\n\
             \x20   int32_t *codes, struct AvtalError *err);\n\n"
        );
        text_accessor_declarations(out, entry);
    }
}

/// A type as the source writes it, for comments (`List<Shift>`).
pub(super) fn type_text(program: &Program, ty: &Type) -> String {
    match ty {
        Type::List(element) => format!("List<{}>", type_text(program, element)),
        Type::Record(_) => type_name_of(program, ty),
        other => type_name(program, other),
    }
}

pub(super) fn type_name_of(program: &Program, ty: &Type) -> String {
    match ty {
        Type::Record(id) => program
            .record(*id)
            .map_or_else(|| "record".to_string(), |r| r.name.clone()),
        other => format!("{other:?}"),
    }
}
