//! An explanation as JSON, schema `avtal.explain/1` (`docs/explain.md`).
//!
//! The top level is built here; the tree's nodes serialise themselves
//! (`tree.rs` derives `Serialize`, with `kind` naming each step). Values
//! are strings in the drafter's notation, so no number passes through a
//! float.

use serde_json::{Value as Json, json};

use super::{Explanation, SCHEMA};

pub(super) fn to_json(explanation: &Explanation) -> Json {
    let output = if explanation.error.is_some() {
        Json::Null
    } else {
        serde_json::to_value(&explanation.output).unwrap_or(Json::Null)
    };
    json!({
        "schema": SCHEMA,
        "entry": explanation.entry,
        "input": serde_json::to_value(&explanation.input).unwrap_or(Json::Null),
        "output": output,
        "error": serde_json::to_value(&explanation.error).unwrap_or(Json::Null),
        "tree": serde_json::to_value(&explanation.tree).unwrap_or(Json::Null),
    })
}
