//! The C names of a library (header and object), and their clashes.
//!
//! Every name `avtal build` writes comes from a source name by
//! [`c_identifier`] (å, ä → a, ö → o, anything outside `[A-Za-z0-9_]`
//! → `_`), and enum tags are folded to capitals, so distinct source
//! names can meet: variants `a` and `A` of one enum, `år` and `ar`, a
//! variant `count` and the enum's `AVTAL_<ENUM>_COUNT`, an entry point
//! `strerror` and the header's own `avtal_strerror`. [`c_name_clashes`]
//! finds every such meeting; `avtal build` refuses to build and names
//! both sources. Struct members are escaped instead ([`c_member`]): a
//! keyword of C or C++, or a name the included headers or the compiler
//! define as a macro (`int`, `NULL`, `linux`), gets a trailing `_`, and a
//! repeat gets its index (`c_fields` in `abi.rs`). The one member name
//! that is not a field's own, a list field's length `<field>_len`, is
//! refused when another member of its struct has it (`shifts` and
//! `shifts_len`), and so is a record whose elements' struct
//! `avtal_<library>_<Record>` meets another struct.
//!
//! This module decides names only; it writes no header and no prose (the
//! CLI words the clashes).

use std::collections::{BTreeMap, BTreeSet};

use super::super::layout::{Encoding, RecordLayout};
use super::super::object::{ABI_VERSION, ErrorCode, c_identifier};
use super::super::object_texts::text_accessor_name;
use super::{
    c_fields, element_struct, enum_prefix, fields_and_elements, length_member, type_name,
    type_name_of,
};
use avtal_compiler::ir::{FuncId, Program};
use avtal_compiler::types::{EnumId, Type};

/// Where a C name comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CNameSource {
    /// Entry point `name` (`avtal_<name>`, its batch, its structs).
    Entry(String),
    /// The text accessor of output field `field` of entry point `entry`.
    TextAccessor { entry: String, field: String },
    /// Field `field` of record `record`, a struct member.
    Field { record: String, field: String },
    /// The length member (`<field>_len`) of list field `field` of record
    /// `record`.
    ListLength { record: String, field: String },
    /// Record `name`, whose struct (`avtal_<library>_<name>`) holds the
    /// elements of a list field.
    ListElement(String),
    /// Variant `variant` of enum `enum_name` (`AVTAL_<ENUM>_<VARIANT>`).
    Variant { enum_name: String, variant: String },
    /// The number of variants of enum `enum_name` (`AVTAL_<ENUM>_COUNT`).
    VariantCount(String),
    /// The library, named after its file (include guard, version function).
    Library(String),
    /// One of the header's own names; the text says what it is.
    Header(&'static str),
}

/// Which kind of C name two sources both become.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CNameKind {
    /// A preprocessor macro (`#define`): it replaces the name everywhere.
    Macro,
    /// A function the library exports or the header defines.
    Function,
    /// A struct tag.
    Struct,
    /// A member of a record's struct that is also a macro of the header.
    Member,
    /// A list field's length member (`<field>_len`) that another member
    /// of the same struct also is.
    LengthMember,
}

/// Two sources that become the same C name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CNameClash {
    pub c_name: String,
    pub kind: CNameKind,
    /// The one met first: the header's own name, or the earlier source.
    pub first: CNameSource,
    /// The one to rename.
    pub second: CNameSource,
}

/// Macros with their value when it is a number (enum tags and counts):
/// the same macro defined twice with the same number is one definition
/// (two enums of one name with the same variant at the same place).
#[derive(Default)]
struct Table {
    macros: BTreeMap<String, (Option<usize>, CNameSource)>,
    functions: BTreeMap<String, CNameSource>,
    structs: BTreeMap<String, CNameSource>,
    /// Enums whose tags are in `macros` (one enum in several records).
    enums: BTreeSet<EnumId>,
    /// The record type of each element struct defined.
    element_records: BTreeMap<String, Type>,
    clashes: Vec<CNameClash>,
}

impl Table {
    fn push_clash(&mut self, clash: CNameClash) {
        if !self.clashes.contains(&clash) {
            self.clashes.push(clash);
        }
    }

    fn define_macro(&mut self, name: String, value: Option<usize>, source: CNameSource) {
        match self.macros.get(&name) {
            Some((Some(old), _)) if value == Some(*old) => {}
            Some((_, first)) => self.clashes.push(CNameClash {
                c_name: name,
                kind: CNameKind::Macro,
                first: first.clone(),
                second: source,
            }),
            None => {
                self.macros.insert(name, (value, source));
            }
        }
    }

    fn define(&mut self, kind: CNameKind, name: String, source: CNameSource) {
        let names = match kind {
            CNameKind::Struct => &mut self.structs,
            _ => &mut self.functions,
        };
        match names.get(&name) {
            Some(first) => self.clashes.push(CNameClash {
                c_name: name,
                kind,
                first: first.clone(),
                second: source,
            }),
            None => {
                names.insert(name, source);
            }
        }
    }
}

/// Every clash between the C names of a library named `library` holding
/// `entries`, in the order the header defines them; empty when the header
/// and the object are sound.
pub fn c_name_clashes(program: &Program, entries: &[FuncId], library: &str) -> Vec<CNameClash> {
    let mut table = Table::default();
    header_names(&mut table, &c_identifier(library), library);
    let mut records: Vec<(String, RecordLayout)> = Vec::new();
    for entry in entries {
        let Some(function) = program.function(*entry) else {
            continue;
        };
        let [(_, input_type)] = function.params.as_slice() else {
            continue;
        };
        let (Ok(input), Ok(output)) = (
            RecordLayout::of(program, input_type),
            RecordLayout::of(program, &function.ret),
        ) else {
            continue;
        };
        let c = c_identifier(&function.name);
        let source = || CNameSource::Entry(function.name.clone());
        for name in [
            format!("avtal_{c}"),
            format!("avtal_{c}_batch"),
            // Local to the object, but one symbol table all the same.
            format!("avtal_kernel_{c}"),
        ] {
            table.define(CNameKind::Function, name, source());
        }
        for (slot, field) in output.fields.iter().zip(c_fields(&output)) {
            if slot.encoding == Encoding::Text {
                let accessor = CNameSource::TextAccessor {
                    entry: function.name.clone(),
                    field: slot.name.clone(),
                };
                table.define(
                    CNameKind::Function,
                    text_accessor_name(&c, &field),
                    accessor,
                );
            }
        }
        element_names(&mut table, program, &c_identifier(library), &input);
        table.define(CNameKind::Struct, format!("{c}Input"), source());
        table.define(CNameKind::Struct, format!("{c}Output"), source());
        for (layout, ty) in [(input, input_type), (output, &function.ret)] {
            enum_tags(&mut table, program, &layout);
            for slot in &layout.fields {
                if let (Some(element), Type::List(element_ty)) = (&slot.element, &slot.ty) {
                    records.push((type_name_of(program, element_ty), (**element).clone()));
                }
            }
            records.push((type_name_of(program, ty), layout));
        }
    }
    // Members last: a macro defined anywhere in the header replaces them.
    for (record, layout) in &records {
        member_clashes(&mut table, record, layout);
    }
    table.clashes
}

/// The clashes of the members of `record`'s struct: with a macro of the
/// header, and of a list field's length member with another member.
fn member_clashes(table: &mut Table, record: &str, layout: &RecordLayout) {
    let members = c_fields(layout);
    let mut named = Vec::with_capacity(members.len());
    for (slot, member) in layout.fields.iter().zip(&members) {
        let field = || CNameSource::Field {
            record: record.to_string(),
            field: slot.name.clone(),
        };
        named.push((member.clone(), field()));
        if slot.encoding == Encoding::List {
            let length = CNameSource::ListLength {
                record: record.to_string(),
                field: slot.name.clone(),
            };
            named.push((length_member(member), length.clone()));
            // Another member named like the length: the struct would
            // declare it twice. The plain field is the one to rename.
            for (other_slot, other) in layout.fields.iter().zip(&members) {
                if *other == length_member(member) {
                    table.push_clash(CNameClash {
                        c_name: other.clone(),
                        kind: CNameKind::LengthMember,
                        first: length.clone(),
                        second: CNameSource::Field {
                            record: record.to_string(),
                            field: other_slot.name.clone(),
                        },
                    });
                }
            }
        }
    }
    // Two length members meet only where their lists' members did,
    // which `c_fields` keeps apart; a length member meets another list's
    // pointer member only as a plain field does, reported above.
    for (member, source) in named {
        if let Some((_, first)) = table.macros.get(&member) {
            let clash = CNameClash {
                c_name: member,
                kind: CNameKind::Member,
                first: first.clone(),
                second: source,
            };
            table.push_clash(clash);
        }
    }
}

/// The structs of the elements of `layout`'s list fields: one per record
/// (several lists, or several entry points, may share it), and a clash
/// when two records meet in one C name.
fn element_names(table: &mut Table, program: &Program, library_c: &str, layout: &RecordLayout) {
    for slot in &layout.fields {
        let (Some(name), Type::List(element_ty)) =
            (element_struct(program, library_c, &slot.ty), &slot.ty)
        else {
            continue;
        };
        let record = type_name_of(program, element_ty);
        match table.element_records.get(&name) {
            Some(known) if *known == **element_ty => {}
            // Another record of the same C name: `define` reports it.
            Some(_) => table.define(CNameKind::Struct, name, CNameSource::ListElement(record)),
            None => {
                table
                    .element_records
                    .insert(name.clone(), (**element_ty).clone());
                table.define(CNameKind::Struct, name, CNameSource::ListElement(record));
            }
        }
    }
}

/// The names the header defines whatever the library holds.
fn header_names(table: &mut Table, library_c: &str, library: &str) {
    let own = |what: &'static str| CNameSource::Header(what);
    table.define_macro(
        format!("AVTAL_COMMON_V{ABI_VERSION}"),
        None,
        own("the guard of the header's common part"),
    );
    table.define_macro("AVTAL_ABI_VERSION".into(), None, own("the ABI version"));
    table.define_macro("AVTAL_STATIC_ASSERT".into(), None, own("the layout check"));
    for code in ErrorCode::ALL {
        table.define_macro(
            format!("AVTAL_{}", code.c_name()),
            None,
            own("a return code"),
        );
    }
    table.define_macro("AVTAL_MIN_DAY".into(), None, own("the first day number"));
    table.define_macro("AVTAL_MAX_DAY".into(), None, own("the last day number"));
    table.define_macro(
        format!("AVTAL_{}_H", library_c.to_uppercase()),
        None,
        CNameSource::Library(library.to_string()),
    );
    table.define(
        CNameKind::Struct,
        "AvtalError".into(),
        own("the error struct"),
    );
    for (name, what) in [
        ("avtal_strerror", "the message of a return code"),
        ("avtal_floor_div", "a calendar helper"),
        ("avtal_date", "the day number of a date"),
        ("avtal_civil", "the date of a day number"),
        ("avtal_timestamp", "the timestamp of a day and a minute"),
    ] {
        table.define(CNameKind::Function, name.into(), own(what));
    }
    table.define(
        CNameKind::Function,
        format!("avtal_{library_c}_abi_version"),
        CNameSource::Library(library.to_string()),
    );
    for name in super::ffi::exported_helper_names(library_c) {
        table.define(
            CNameKind::Function,
            name,
            CNameSource::Library(library.to_string()),
        );
    }
}

/// The tags and count of every enum a layout's fields (and its list
/// elements' fields) use.
fn enum_tags(table: &mut Table, program: &Program, layout: &RecordLayout) {
    for slot in fields_and_elements(layout) {
        let Type::Enum(id) = &slot.ty else { continue };
        let Some(info) = program.enum_info(*id) else {
            continue;
        };
        if !table.enums.insert(*id) {
            continue;
        }
        let prefix = enum_prefix(program, &slot.ty);
        let enum_name = type_name(program, &slot.ty);
        // The count first, so that a variant `count` is the one to rename.
        table.define_macro(
            format!("AVTAL_{prefix}_COUNT"),
            Some(info.variants.len()),
            CNameSource::VariantCount(enum_name.clone()),
        );
        for (tag, variant) in info.variants.iter().enumerate() {
            table.define_macro(
                enum_tag(&prefix, variant),
                Some(tag),
                CNameSource::Variant {
                    enum_name: enum_name.clone(),
                    variant: variant.clone(),
                },
            );
        }
    }
}

/// `AVTAL_<ENUM>_<VARIANT>`, in capitals.
pub(super) fn enum_tag(prefix: &str, variant: &str) -> String {
    format!("AVTAL_{prefix}_{}", c_identifier(variant).to_uppercase())
}

/// Words a struct member cannot be: keywords of C (C23 included) and C++,
/// the types and macros of `<stddef.h>` and `<stdint.h>` (which the header
/// includes), and macros GCC and Clang predefine in their default GNU
/// modes. A field whose C name is one of them gets a trailing `_`.
const RESERVED_MEMBERS: &[&str] = &[
    // C
    "auto",
    "break",
    "case",
    "char",
    "const",
    "continue",
    "default",
    "do",
    "double",
    "else",
    "enum",
    "extern",
    "float",
    "for",
    "goto",
    "if",
    "inline",
    "int",
    "long",
    "register",
    "restrict",
    "return",
    "short",
    "signed",
    "sizeof",
    "static",
    "struct",
    "switch",
    "typedef",
    "union",
    "unsigned",
    "void",
    "volatile",
    "while",
    // C23 (and the macros of C11's <stdbool.h>, <stdalign.h>, <assert.h>)
    "bool",
    "true",
    "false",
    "alignas",
    "alignof",
    "constexpr",
    "nullptr",
    "static_assert",
    "thread_local",
    "typeof",
    "typeof_unqual",
    "noreturn",
    "complex",
    "imaginary",
    // C++
    "and",
    "and_eq",
    "asm",
    "bitand",
    "bitor",
    "catch",
    "char8_t",
    "char16_t",
    "char32_t",
    "class",
    "co_await",
    "co_return",
    "co_yield",
    "compl",
    "concept",
    "const_cast",
    "consteval",
    "constinit",
    "decltype",
    "delete",
    "dynamic_cast",
    "explicit",
    "export",
    "friend",
    "mutable",
    "namespace",
    "new",
    "noexcept",
    "not",
    "not_eq",
    "operator",
    "or",
    "or_eq",
    "private",
    "protected",
    "public",
    "reflexpr",
    "reinterpret_cast",
    "requires",
    "static_cast",
    "template",
    "this",
    "throw",
    "try",
    "typeid",
    "typename",
    "using",
    "virtual",
    "wchar_t",
    "xor",
    "xor_eq",
    // <stddef.h>
    "NULL",
    "offsetof",
    "size_t",
    "ptrdiff_t",
    "max_align_t",
    "nullptr_t",
    "unreachable",
    // <stdint.h>, besides the sized names below
    "intptr_t",
    "uintptr_t",
    "intmax_t",
    "uintmax_t",
    "INTPTR_MIN",
    "INTPTR_MAX",
    "UINTPTR_MAX",
    "INTMAX_MIN",
    "INTMAX_MAX",
    "UINTMAX_MAX",
    "INTMAX_C",
    "UINTMAX_C",
    "PTRDIFF_MIN",
    "PTRDIFF_MAX",
    "SIZE_MAX",
    "SIG_ATOMIC_MIN",
    "SIG_ATOMIC_MAX",
    "WCHAR_MIN",
    "WCHAR_MAX",
    "WINT_MIN",
    "WINT_MAX",
    "RSIZE_MAX",
    // Predefined by GCC and Clang in GNU mode (-std=gnu11, their default).
    "linux",
    "unix",
    "i386",
];

/// Whether `name` is a type or macro of `<stdint.h>` for a bit width:
/// `int8_t`, `uint_least16_t`, `INT_FAST32_MAX`, `UINT64_C`, `INT8_WIDTH`….
fn sized_stdint_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    let rest = upper.strip_prefix('U').unwrap_or(&upper);
    let Some(rest) = rest.strip_prefix("INT") else {
        return false;
    };
    let rest = rest
        .strip_prefix("_LEAST")
        .or_else(|| rest.strip_prefix("_FAST"))
        .unwrap_or(rest);
    let digits = rest.trim_start_matches(|c: char| c.is_ascii_digit());
    digits.len() < rest.len() && matches!(digits, "_T" | "_MIN" | "_MAX" | "_C" | "_WIDTH")
}

/// The C name of a struct member: [`c_identifier`], then a trailing `_`
/// for a [`RESERVED_MEMBERS`] word, a `<stdint.h>` name, or a name the
/// implementation reserves (`__x`, `_X`: the compiler predefines such
/// macros, `__LINE__` among them).
pub fn c_member(name: &str) -> String {
    let id = c_identifier(name);
    let mut chars = id.chars();
    let reserved = match (chars.next(), chars.next()) {
        (Some('_'), Some(c)) => c == '_' || c.is_ascii_uppercase(),
        _ => false,
    };
    if reserved || RESERVED_MEMBERS.contains(&id.as_str()) || sized_stdint_name(&id) {
        format!("{id}_")
    } else {
        id
    }
}
