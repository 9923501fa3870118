//! `GET /openapi.json`: an OpenAPI 3.1 document of one version (the one
//! the request names, else the default, else the first by name),
//! generated from its entry points. Each entry's request and response
//! bodies are the `input` and `output` definitions of the JSON Schema that
//! `avtal build` writes (`codegen::json_schema`, draft 2020-12, which
//! OpenAPI 3.1 takes as it is); an entry without one (it cannot be built
//! as a library) is described as an object with a note.

use serde_json::{Map, Value, json};

use super::worker::{EntryInfo, Version};

pub fn document(version: &Version) -> Value {
    let mut paths = Map::new();
    let mut schemas = Map::new();
    schemas.insert("Problem".into(), problem_schema());
    for entry in &version.entries {
        let (input, output) = entry_schemas(entry);
        // Two names may meet after the character rule; number the second.
        let mut key = component_key(&entry.name);
        let base = key.clone();
        let mut n = 1;
        while schemas.contains_key(&format!("{key}_input")) {
            n += 1;
            key = format!("{base}_{n}");
        }
        schemas.insert(format!("{key}_input"), input);
        schemas.insert(format!("{key}_output"), output);
        let input_ref = json!({"$ref": format!("#/components/schemas/{key}_input")});
        let output_ref = json!({"$ref": format!("#/components/schemas/{key}_output")});
        let path = format!("/v1/{}", entry.name);
        paths.insert(
            path.clone(),
            json!({"post": operation(
                &format!("evaluate_{key}"),
                &format!("Evaluate one record with entry point {}", entry.name),
                json!({"application/json": {"schema": input_ref}}),
                json!({"application/json": {"schema": output_ref}}),
            )}),
        );
        paths.insert(
            format!("{path}/explain"),
            json!({"post": operation(
                &format!("explain_{key}"),
                &format!("Explain the evaluation of one record by {} (schema avtal.explain/1)", entry.name),
                json!({"application/json": {"schema": input_ref}}),
                json!({"application/json": {"schema": {"type": "object", "description": "avtal.explain/1, see docs/explain.md"}}}),
            )}),
        );
        paths.insert(
            format!("{path}/batch"),
            json!({"post": operation(
                &format!("batch_{key}"),
                &format!("Evaluate rows with {}: the output and error report of avtal run, as multipart/mixed", entry.name),
                json!({
                    "text/csv": {"schema": {"type": "string"}},
                    "application/jsonl": {"schema": {"type": "string"}},
                }),
                json!({"multipart/mixed": {"schema": {"type": "string"}}}),
            )}),
        );
        paths.insert(
            format!("/v1/entries/{}/schema", entry.name),
            json!({"get": {
                "operationId": format!("schema_{key}"),
                "summary": format!("The JSON Schema avtal build writes for {}", entry.name),
                "parameters": [version_parameter(), version_header()],
                "responses": {
                    "200": {"description": "the schema", "content": {"application/schema+json": {"schema": {"type": "object"}}}},
                    "default": problem_response(),
                },
            }}),
        );
    }
    for (path, id, summary) in [
        ("/v1/entries", "entries", "The entry points of a version"),
        (
            "/v1/params",
            "params",
            "Every param with its timeline and source",
        ),
        (
            "/v1/versions",
            "versions",
            "The versions served, and the diagnostics of refused ones",
        ),
    ] {
        paths.insert(
            path.into(),
            json!({"get": {
                "operationId": id,
                "summary": summary,
                "parameters": [version_parameter(), version_header()],
                "responses": {
                    "200": {"description": summary, "content": {"application/json": {"schema": {"type": "object"}}}},
                    "default": problem_response(),
                },
            }}),
        );
    }
    paths.insert(
        "/healthz".into(),
        json!({"get": {"operationId": "healthz", "summary": "Liveness", "security": [],
            "responses": {"200": {"description": "serving", "content": {"text/plain": {"schema": {"type": "string"}}}}}}}),
    );
    paths.insert(
        "/metrics".into(),
        json!({"get": {"operationId": "metrics", "summary": "Prometheus metrics",
            "responses": {"200": {"description": "text exposition format", "content": {"text/plain": {"schema": {"type": "string"}}}}}}}),
    );
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": format!("avtal serve: {}", version.name),
            "version": format!("{}/{}", version.name, version.generation),
            "description": "Agreement rules compiled by Avtal, evaluated exactly as `avtal run` evaluates them. See docs/serve.md.",
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearer": []}],
    })
}

fn operation(id: &str, summary: &str, request: Value, response: Value) -> Value {
    json!({
        "operationId": id,
        "summary": summary,
        "parameters": [version_parameter(), version_header()],
        "requestBody": {"required": true, "content": request},
        "responses": {
            "200": {"description": "the answer", "content": response},
            "default": problem_response(),
        },
    })
}

fn version_parameter() -> Value {
    json!({"name": "version", "in": "query", "required": false,
        "description": "The version to answer with (else the default version)",
        "schema": {"type": "string"}})
}

fn version_header() -> Value {
    json!({"name": "Avtal-Version", "in": "header", "required": false,
        "description": "The version to answer with, as the query parameter",
        "schema": {"type": "string"}})
}

fn problem_response() -> Value {
    json!({"description": "a problem document (RFC 9457)",
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}})
}

fn problem_schema() -> Value {
    json!({
        "type": "object",
        "required": ["type", "title", "status", "detail", "code"],
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "code": {"type": "string", "description": "a diagnostic code (E0601) or a service code (body-too-large)"},
            "field": {"type": "string"},
            "help": {"type": "string"},
            "errors": {"type": "array", "items": {"type": "object"}},
        },
    })
}

/// The `input` and `output` definitions of the entry's schema.
fn entry_schemas(entry: &EntryInfo) -> (Value, Value) {
    let part = |name: &str| -> Option<Value> {
        let schema = entry.schema.as_ref().ok()?;
        let mut part = schema.get("$defs")?.get(name)?.clone();
        if let Some(object) = part.as_object_mut() {
            object.insert(
                "description".into(),
                Value::String(format!(
                    "{name} of entry point {} (the schema avtal build writes)",
                    entry.name
                )),
            );
        }
        Some(part)
    };
    let fallback = |name: &str| {
        let why = entry.schema.as_ref().err().cloned().unwrap_or_default();
        json!({"type": "object", "description": format!("{name} of entry point {}; no JSON Schema: {why}", entry.name)})
    };
    (
        part("input").unwrap_or_else(|| fallback("input")),
        part("output").unwrap_or_else(|| fallback("output")),
    )
}

/// Component names must match `^[a-zA-Z0-9._-]+$`.
fn component_key(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}
