//! `avtal build` and names that meet in C (issue 13, items 6 and 7): the
//! C names of entry points, fields and enum variants, after å/ä/ö → a/o,
//! other characters → `_` and enum tags in capitals, must not meet each
//! other or the header's own names. A meeting is a build error naming both
//! sources and saying what to rename; a field named like a C keyword or a
//! macro of the included headers or the compiler is escaped, and the
//! header compiles with `cc -Werror` (C11 strict and GNU modes, and C++).
//! A list input (issue 14) adds two kinds of names: the length member
//! `<field>_len` and the elements' struct `avtal_<library>_<Record>`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod aot_support;
mod common;

use std::fs;
use std::path::Path;

use aot_support::{Compile, avtal_build, have};
use common::scratch;

/// An agreement with `items` and one entry point `entry` from `In` to `Ut`.
fn agreement(items: &str, input: &str, output: &str, entry: &str, body: &str) -> String {
    format!(
        "module krock\n\n{items}\n\nrecord In {{\n{input}\n}}\n\nrecord Ut {{\n{output}\n}}\n\n\
         evaluate {entry}(x: In) -> Ut {{\n  Ut {{ {body} }}\n}}\n"
    )
}

/// Build `text` (file `name`); it must be refused with every one of
/// `expected` in its message.
fn refused(dir: &Path, name: &str, text: &str, expected: &[&str]) {
    let file = common::write(dir, name, text);
    let output = avtal_build(&file, dir, &[]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !output.status.success(),
        "{name} was built:\n{text}\n{stderr}"
    );
    for part in expected {
        assert!(stderr.contains(part), "{name}: no {part:?} in\n{stderr}");
    }
    let stem = name.trim_end_matches(".avtal");
    assert!(
        !dir.join(format!("{stem}.h")).exists(),
        "{name}: a header was written"
    );
}

#[test]
fn variants_that_meet_after_case_folding_are_refused() {
    let dir = scratch("build_c_names_variants");
    let enum_in = |variants: &str| {
        agreement(
            &format!("enum Steg {{ {variants} }}"),
            "  steg: Steg",
            "  steg: Steg",
            "Lön",
            "steg: x.steg",
        )
    };
    refused(
        &dir,
        "case.avtal",
        &enum_in("a, A"),
        &[
            "variant `a` of enum `Steg` and variant `A` of enum `Steg` both become the C macro `AVTAL_STEG_A`",
            "help: rename variant `A` of enum `Steg`",
        ],
    );
    refused(
        &dir,
        "ar.avtal",
        &enum_in("år, ar, Ar"),
        &[
            "2 names clash in the C header",
            "variant `år` of enum `Steg` and variant `ar` of enum `Steg` both become the C macro `AVTAL_STEG_AR`",
            "variant `år` of enum `Steg` and variant `Ar` of enum `Steg` both become the C macro `AVTAL_STEG_AR`",
        ],
    );
    refused(
        &dir,
        "count.avtal",
        &enum_in("ett, count"),
        &[
            "the number of variants of enum `Steg` and variant `count` of enum `Steg` both become the C macro `AVTAL_STEG_COUNT`",
            "help: rename variant `count` of enum `Steg`",
        ],
    );
    // A variant that spells one of the header's own macros.
    let e_range = agreement(
        "enum E { RANGE, OTHER }",
        "  e: E",
        "  e: E",
        "Lön",
        "e: x.e",
    );
    refused(
        &dir,
        "e_range.avtal",
        &e_range,
        &[
            "the header's own name for a return code and variant `RANGE` of enum `E` both become the C macro `AVTAL_E_RANGE`",
        ],
    );
    // Two enums whose tags meet with different values; the same tags with
    // the same values would be one definition.
    let two = agreement(
        "enum Steg { a, b }\nenum STEG { b, a }",
        "  s: Steg\n  t: STEG",
        "  s: Steg",
        "Lön",
        "s: x.s",
    );
    refused(
        &dir,
        "two.avtal",
        &two,
        &[
            "variant `a` of enum `Steg` and variant `a` of enum `STEG` both become the C macro `AVTAL_STEG_A`",
            "variant `b` of enum `Steg` and variant `b` of enum `STEG` both become the C macro `AVTAL_STEG_B`",
        ],
    );
}

#[test]
fn entry_points_and_fields_that_meet_the_headers_names_are_refused() {
    let dir = scratch("build_c_names_header");
    for (entry, function) in [
        ("strerror", "avtal_strerror"),
        ("date", "avtal_date"),
        ("civil", "avtal_civil"),
        ("floor_div", "avtal_floor_div"),
    ] {
        let text = agreement("", "  n: Int", "  n: Int", entry, "n: x.n");
        refused(
            &dir,
            &format!("{entry}_entry.avtal"),
            &text,
            &[
                &format!("and entry point `{entry}` both become the C function `{function}`"),
                &format!("help: rename entry point `{entry}`"),
            ],
        );
    }
    // The library's own version function, from the file's name.
    let text = agreement("", "  n: Int", "  n: Int", "lib_abi_version", "n: x.n");
    refused(
        &dir,
        "lib.avtal",
        &text,
        &[
            "the library `lib` (named after its file) and entry point `lib_abi_version` both become the C function `avtal_lib_abi_version`",
        ],
    );
    // The helpers the library exports for other languages, named after
    // the library like the version function.
    for helper in ["strerror", "date", "civil", "timestamp"] {
        let entry = format!("lib_{helper}");
        let text = agreement("", "  n: Int", "  n: Int", &entry, "n: x.n");
        refused(
            &dir,
            "lib.avtal",
            &text,
            &[&format!(
                "the library `lib` (named after its file) and entry point `{entry}` both become the C function `avtal_{entry}`"
            )],
        );
    }
    // A field spelled as one of the header's macros.
    let text = agreement("", "  AVTAL_OK: Int", "  n: Int", "Lön", "n: x.AVTAL_OK");
    refused(
        &dir,
        "member.avtal",
        &text,
        &[
            "field `AVTAL_OK` of `In` becomes the C struct member `AVTAL_OK`, which the header defines as a macro",
        ],
    );
    // Two entry points with one C name, and a text accessor that is
    // another entry point's function.
    let text = "module krock\n\nrecord In {\n  n: Int\n}\n\nrecord Ut {\n  b: Text\n}\n\n\
                evaluate Lön(x: In) -> Ut {\n  Ut { b: \"a\" }\n}\n\n\
                evaluate Lon(x: In) -> Ut {\n  Ut { b: \"b\" }\n}\n\n\
                evaluate Lon_b_text(x: In) -> Ut {\n  Ut { b: \"c\" }\n}\n";
    refused(
        &dir,
        "entries.avtal",
        text,
        &[
            "entry point `Lön` and entry point `Lon` both become the C function `avtal_Lon`",
            "the text accessor of field `b` of entry point `Lön` and entry point `Lon_b_text` both become the C function `avtal_Lon_b_text`",
        ],
    );
}

/// The names a list input adds: the length member `<field>_len`, which
/// another field may also be, and the elements' struct
/// `avtal_<library>_<Record>`, which another record may also become; and
/// the header's `avtal_timestamp`.
#[test]
fn names_of_list_fields_that_meet_are_refused() {
    let dir = scratch("build_c_names_lists");
    let shift = "record Pass {\n  start: Timestamp\n  end: Timestamp\n}";
    // A field named like a list's length member, after it or before it.
    for (name, input) in [
        ("len_after.avtal", "  pass: List<Pass>\n  pass_len: Int"),
        ("len_before.avtal", "  pass_len: Int\n  pass: List<Pass>"),
    ] {
        let text = agreement(shift, input, "  n: Int", "Lön", "n: count(x.pass)");
        refused(
            &dir,
            name,
            &text,
            &[
                "the length of list field `pass` of `In` and field `pass_len` of `In` both become the C struct member `pass_len`",
                "help: rename field `pass_len` of `In`",
            ],
        );
    }
    // `pass_len` after transliteration (`päss_len`) meets it too.
    let text = agreement(
        shift,
        "  pass: List<Pass>\n  päss_len: Int",
        "  n: Int",
        "Lön",
        "n: count(x.pass)",
    );
    refused(
        &dir,
        "len_translit.avtal",
        &text,
        &["field `päss_len` of `In` both become the C struct member `pass_len`"],
    );
    // Two records whose elements' structs have one name.
    let two = "record Pass {\n  start: Timestamp\n}\n\nrecord Päss {\n  end: Timestamp\n}";
    let text = agreement(
        two,
        "  a: List<Pass>\n  b: List<Päss>",
        "  n: Int",
        "Lön",
        "n: count(x.a) + count(x.b)",
    );
    refused(
        &dir,
        "elements.avtal",
        &text,
        &[
            "record `Pass` (the struct of a list's elements) and record `Päss` (the struct of a list's elements) both become the C struct `avtal_elements_Pass`",
            "help: rename record `Päss`",
        ],
    );
    // A field of an element named like a macro of the header.
    let text = agreement(
        "record Pass {\n  AVTAL_OK: Int\n}",
        "  pass: List<Pass>",
        "  n: Int",
        "Lön",
        "n: count(x.pass)",
    );
    refused(
        &dir,
        "element_member.avtal",
        &text,
        &[
            "field `AVTAL_OK` of `Pass` becomes the C struct member `AVTAL_OK`, which the header defines as a macro",
        ],
    );
    // The header's timestamp helper.
    let text = agreement("", "  n: Int", "  n: Int", "timestamp", "n: x.n");
    refused(
        &dir,
        "timestamp_entry.avtal",
        &text,
        &["and entry point `timestamp` both become the C function `avtal_timestamp`"],
    );
    // One record in two lists and two entry points: one struct, built.
    let text = format!(
        "module delad\n\n{shift}\n\nrecord In {{\n  a: List<Pass>\n  b: List<Pass>\n}}\n\n\
         record Ut {{\n  n: Int\n}}\n\n\
         evaluate A(x: In) -> Ut {{\n  Ut {{ n: count(x.a) }}\n}}\n\n\
         evaluate B(x: In) -> Ut {{\n  Ut {{ n: count(x.b) }}\n}}\n"
    );
    let file = common::write(&dir, "delad.avtal", &text);
    let output = avtal_build(&file, &dir, &[]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let header = fs::read_to_string(dir.join("delad.h")).unwrap();
    assert_eq!(
        header.matches("struct avtal_delad_Pass {").count(),
        1,
        "{header}"
    );
    assert!(
        header.contains("const struct avtal_delad_Pass *a;"),
        "{header}"
    );
    assert!(header.contains("int64_t b_len;"), "{header}");
}

/// Fields named like C and C++ keywords, the macros and types of
/// `<stddef.h>` and `<stdint.h>`, GNU's predefined `linux` and `unix`, a
/// reserved `__LINE__`, and three fields whose C names repeat (`a_2`, `a`,
/// `ä`: the third would be `a_2` by index, which is taken).
const ESCAPED: &str = r#"module motstand

enum Steg { a, b, Övrig }

record In {
  a_2: Int
  a: Int
  ä: Int
  int: Int
  NULL: Int
  linux: Int
  unix: Int
  size_t: Int
  int64_t: Int
  INT64_MAX: Int
  uint_least8_t: Int
  __LINE__: Int
  _Bool: Int
  class: Int
  steg: Steg
}

record Ut {
  summa: Int
  första: Int
  andra: Int
  tredje: Int
  class: Int
  steg: Steg
  double: Text
}

evaluate Motstånd(x: In) -> Ut {
  Ut {
    summa: x.int + x.NULL + x.linux + x.unix + x.size_t + x.int64_t + x.INT64_MAX + x.uint_least8_t + x.__LINE__ + x._Bool
    första: x.a_2
    andra: x.a
    tredje: x.ä
    class: x.class
    steg: x.steg
    double: if x.a > 0 { "ja" } else { "nej" }
  }
}
"#;

const ESCAPED_C: &str = r#"#include "motstand.h"
int main(void) {
    struct MotstandInput in = {0};
    struct MotstandOutput out;
    char buf[8];
    in.a_2 = 1; in.a = 2; in.a_2_ = 3;
    in.int_ = 1; in.NULL_ = 2; in.linux_ = 4; in.unix_ = 8; in.size_t_ = 16;
    in.int64_t_ = 32; in.INT64_MAX_ = 64; in.uint_least8_t_ = 128;
    in.__LINE___ = 256; in._Bool_ = 512; in.class_ = 7;
    in.steg = AVTAL_STEG_OVRIG;
    if (avtal_Motstand(&in, &out, NULL) != AVTAL_OK) return 1;
    if (out.summa != 1023) return 2;
    if (out.forsta != 1 || out.andra != 2 || out.tredje != 3) return 3;
    if (out.class_ != 7 || out.steg != AVTAL_STEG_OVRIG || AVTAL_STEG_COUNT != 3) return 4;
    if (avtal_Motstand_double__text(&out, &in, buf, sizeof buf) != 2) return 5;
    return buf[0] == 'j' && buf[1] == 'a' ? 0 : 6;
}
"#;

#[test]
fn fields_named_like_c_keywords_and_macros_are_escaped_and_compile() {
    if !have("cc") {
        eprintln!("skipped: no cc");
        return;
    }
    let dir = scratch("build_c_names_escaped");
    let file = common::write(&dir, "motstand.avtal", ESCAPED);
    let output = avtal_build(&file, &dir, &[]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let source = common::write(&dir, "use.c", ESCAPED_C);
    Compile::c(&dir)
        .flag("-pedantic")
        .link("motstand")
        .run(&source, "use_c11");
    // GNU mode, the compilers' default, predefines `linux` and `unix`.
    Compile::new("cc", "-std=gnu11", &dir)
        .link("motstand")
        .run(&source, "use_gnu11");
    if have("c++") {
        let source = common::write(
            &dir,
            "use.cpp",
            "#include \"motstand.h\"\n\
             int main() { MotstandInput in{}; MotstandOutput out{};\n\
             in.class_ = 7; in.int64_t_ = 1; in.steg = AVTAL_STEG_B;\n\
             return avtal_Motstand(&in, &out, nullptr) == AVTAL_OK && out.class_ == 7\n\
             && out.summa == 1 && out.steg == AVTAL_STEG_B ? 0 : 1; }\n",
        );
        Compile::cxx(&dir)
            .flag("-pedantic")
            .link("motstand")
            .run(&source, "use_cpp");
    }
}
