//! The JSON Schema of an entry point of an ahead-of-time library: the
//! JSON Lines rows of `avtal run` (money as a decimal string), with each
//! property's slot in the C struct under `x-avtal-c` (docs/aot.md).

use super::super::layout::{Encoding, FieldSlot, RecordLayout};
use super::super::object::AotLibrary;
use super::{c_fields, element_struct, length_member, type_name, type_name_of, type_text};
use avtal_compiler::ir::Program;
use avtal_compiler::types::Type;

fn json_string(text: &str) -> String {
    serde_json::Value::String(text.to_string()).to_string()
}

/// What a schema is written for: the program, the library's C name (for
/// the element structs of list fields), and whether it is an input
/// record (the reader's forms) or an output record (the writer's).
struct SchemaContext<'a> {
    program: &'a Program,
    library_c: &'a str,
    input: bool,
}

/// `HH:MM` as the writer writes it, or also `H:MM` as the reader reads it.
const TIME_OUT: &str = "([01][0-9]|2[0-3]):[0-5][0-9]";
const TIME_IN: &str = "([01]?[0-9]|2[0-3]):[0-5][0-9]";
const DAY: &str = "[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])";

/// The JSON Schema of one field in `avtal run`'s JSON Lines, whose C
/// member is `member`; an input allows what the reader accepts, an
/// output what the writer writes.
fn field_schema(
    context: &SchemaContext,
    slot: &FieldSlot,
    member: &str,
    accessor: Option<&str>,
) -> String {
    let (program, input, ty) = (context.program, context.input, &slot.ty);
    let c = match slot.encoding {
        Encoding::Number { scale } => format!("{{\"type\":\"int64\",\"scale\":{scale}}}"),
        Encoding::Date => {
            "{\"type\":\"int64\",\"date\":\"day number, 0001-01-01 = 1\"}".to_string()
        }
        Encoding::Time => {
            "{\"type\":\"int64\",\"time\":\"minute of the day, 0 to 1439\"}".to_string()
        }
        Encoding::Timestamp => "{\"type\":\"int64\",\"timestamp\":\"minutes from 0001-01-01T00:00: (day number - 1) * 1440 + minute of the day\"}".to_string(),
        Encoding::List => format!(
            "{{\"type\":{},\"length\":{},\"length_type\":\"int64\"}}",
            json_string(&format!(
                "const struct {} *",
                element_struct(program, context.library_c, ty).unwrap_or_default()
            )),
            json_string(&length_member(member))
        ),
        Encoding::Bool => "{\"type\":\"int64\",\"values\":[0,1]}".to_string(),
        Encoding::Variant => "{\"type\":\"int64\",\"enum tag\":true}".to_string(),
        Encoding::Text if input => {
            "{\"type\":\"const char *\",\"encoding\":\"UTF-8, NUL-terminated, not NULL\"}"
                .to_string()
        }
        Encoding::Text => format!(
            "{{\"type\":\"uint64\",\"opaque\":\"piece mask\",\"accessor\":{}}}",
            json_string(accessor.unwrap_or(""))
        ),
    };
    let decimal2 = "^-?[0-9]+(\\\\.[0-9]{1,2})?$";
    let shape = match ty {
        Type::Money | Type::Percent | Type::Hours | Type::Rate if input => format!(
            "\"type\":[\"string\",\"number\"],\"pattern\":\"{decimal2}\",\"description\":\"{} with at most 2 decimals; a string keeps it exact\"",
            type_name(program, ty)
        ),
        Type::Money | Type::Percent | Type::Hours | Type::Rate => format!(
            "\"type\":\"string\",\"pattern\":\"^-?[0-9]+\\\\.[0-9]{{2}}$\",\"description\":\"{} with exactly 2 decimals\"",
            type_name(program, ty)
        ),
        Type::Int | Type::Days | Type::Months if input => format!(
            "\"type\":[\"integer\",\"string\"],\"pattern\":\"^-?[0-9]+$\",\"description\":\"{}\"",
            type_name(program, ty)
        ),
        Type::Int | Type::Days | Type::Months => {
            format!(
                "\"type\":\"integer\",\"description\":\"{}\"",
                type_name(program, ty)
            )
        }
        Type::Date => {
            "\"type\":\"string\",\"format\":\"date\",\"description\":\"Date, YYYY-MM-DD\""
                .to_string()
        }
        Type::Time => format!(
            "\"type\":\"string\",\"pattern\":\"^{}$\",\"description\":\"Time of day, HH:MM, 00:00 to 23:59\"",
            if input { TIME_IN } else { TIME_OUT }
        ),
        Type::Timestamp => format!(
            "\"type\":\"string\",\"pattern\":\"^{DAY}{}{TIME_OUT}$\",\"description\":\"Timestamp, YYYY-MM-DDTHH:MM: minute precision, wall clock, no time zone\"",
            if input { "[T ]" } else { "T" }
        ),
        Type::Bool => "\"type\":\"boolean\"".to_string(),
        Type::Text => "\"type\":\"string\",\"description\":\"Text\"".to_string(),
        Type::Enum(id) => {
            let variants = program
                .enum_info(*id)
                .map(|e| {
                    e.variants
                        .iter()
                        .map(|v| json_string(v))
                        .collect::<Vec<_>>()
                        .join(",")
                })
                .unwrap_or_default();
            format!(
                "\"enum\":[{variants}],\"description\":\"enum {}; in C its tag, the variant's position from 0\"",
                type_name(program, ty)
            )
        }
        Type::List(element_ty) => match slot.element.as_deref() {
            Some(element) => format!(
                "\"type\":\"array\",\"items\":{},\"description\":{}",
                record_schema(context, element_ty, element, None),
                json_string(&format!("{}, in order", type_text(program, ty)))
            ),
            None => "\"description\":\"not in the compiled layout\"".to_string(),
        },
        _ => "\"description\":\"not in the compiled layout\"".to_string(),
    };
    format!("{{{shape},\"x-avtal-c\":{c}}}")
}

/// `accessors`: per field, the text accessor of an output text field.
fn record_schema(
    context: &SchemaContext,
    ty: &Type,
    layout: &RecordLayout,
    accessors: Option<&[Option<String>]>,
) -> String {
    let properties: Vec<String> = layout
        .fields
        .iter()
        .zip(c_fields(layout))
        .enumerate()
        .map(|(index, (slot, member))| {
            let accessor = accessors
                .and_then(|a| a.get(index))
                .and_then(|a| a.as_deref());
            format!(
                "{}:{}",
                json_string(&slot.name),
                field_schema(context, slot, &member, accessor)
            )
        })
        .collect();
    let required: Vec<String> = layout.fields.iter().map(|s| json_string(&s.name)).collect();
    format!(
        "{{\"title\":{},\"type\":\"object\",\"properties\":{{{}}},\"required\":[{}],\"x-avtal-c\":{{\"struct_size\":{}}}}}",
        json_string(&type_name_of(context.program, ty)),
        properties.join(","),
        required.join(","),
        layout.stride
    )
}

/// The JSON Schema (draft 2020-12) of entry `index` of `library`: `$defs`
/// `input` and `output`, as `avtal run` reads and writes JSON Lines rows.
pub fn json_schema(program: &Program, library: &AotLibrary, index: usize) -> Option<String> {
    let entry = library.entries.get(index)?;
    let text = format!(
        "{{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\
         \"$id\":{},\"title\":{},\
         \"description\":\"Entry point {} of library {}: one JSON Lines row of `avtal run` in (input) and out (output). x-avtal-c gives each field's slot in the C struct.\",\
         \"$defs\":{{\"input\":{},\"output\":{}}},\
         \"$ref\":\"#/$defs/input\"}}",
        json_string(&format!("avtal:{}/{}", library.c_name, entry.c_name)),
        json_string(&entry.name),
        entry.name.replace('"', "'"),
        library.c_name,
        record_schema(
            &SchemaContext {
                program,
                library_c: &library.c_name,
                input: true
            },
            &entry.input_type,
            &entry.input,
            None
        ),
        record_schema(
            &SchemaContext {
                program,
                library_c: &library.c_name,
                input: false
            },
            &entry.output_type,
            &entry.output,
            Some(&entry.text_accessors())
        ),
    );
    // Pretty-print (and so prove it is JSON).
    let value: serde_json::Value = serde_json::from_str(&text).ok()?;
    serde_json::to_string_pretty(&value).ok()
}
