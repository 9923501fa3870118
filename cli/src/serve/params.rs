//! `GET /v1/params`: every param of a version with its timeline (the
//! value in force from each date, from the compiler's IR,
//! `ParamInfo::timeline`), its type, module, doc and `source`, and where it
//! is written. Values are text, exactly as the timeline holds them.

use avtal_compiler::ir::{Const, Program};
use avtal_compiler::types::Type;
use serde_json::{Value, json};

/// The params of the user's files (the stdlib's only when used).
pub fn to_json(program: &Program) -> Value {
    let params: Vec<Value> = program
        .params
        .iter()
        .filter(|param| {
            program
                .sources
                .get(param.span.file)
                .is_some_and(|file| !file.is_stdlib)
        })
        .map(|param| {
            let timeline: Vec<Value> = param
                .timeline
                .iter()
                .map(|(from, value)| {
                    json!({
                        "from": from.format("%Y-%m-%d").to_string(),
                        "value": const_text(program, &param.ty, value),
                    })
                })
                .collect();
            json!({
                "name": param.name,
                "module": param.meta.module,
                "type": program.type_name(&param.ty),
                "doc": param.meta.doc,
                "source": param.meta.source,
                "place": program.sources.location(param.span),
                "timeline": timeline,
            })
        })
        .collect();
    json!({ "params": params })
}

fn const_text(program: &Program, ty: &Type, value: &Const) -> String {
    match value {
        Const::Number(number) => number.to_string(),
        Const::Date(date) => date.format("%Y-%m-%d").to_string(),
        Const::Time(time) => time.format("%H:%M").to_string(),
        Const::Timestamp(stamp) => stamp.format("%Y-%m-%dT%H:%M").to_string(),
        Const::Bool(flag) => flag.to_string(),
        Const::Text(text) => text.clone(),
        Const::Variant(index) => match ty {
            Type::Enum(id) => program
                .enum_info(*id)
                .and_then(|info| info.variants.get(*index as usize))
                .cloned()
                .unwrap_or_else(|| index.to_string()),
            _ => index.to_string(),
        },
        Const::Class { classes, class } => program
            .classes_info(*classes)
            .and_then(|info| {
                let class = info.classes.get(*class as usize)?;
                Some(format!("{}.{}", info.name, class.name))
            })
            .unwrap_or_else(|| class.to_string()),
    }
}
