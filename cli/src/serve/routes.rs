//! The HTTP routes (axum): which handler answers which path, and the
//! layers every request passes (the bearer token, the concurrency limit).
//! Evaluation happens on a version's workers (`worker.rs`); the handlers
//! here read bodies under their limits, pick the version and the entry
//! point, and turn answers into responses.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::sync::{Semaphore, oneshot};

use super::batch::BatchJob;
use super::body;
use super::guard;
use super::metrics::{Metrics, Outcome};
use super::openapi;
use super::problem::Problem;
use super::versions::{VERSION_HEADER, Versions};
use super::worker::{Answer, Job, Version};
use crate::DataFormat;
use crate::run::formats::{MEDIA_TYPES, format_from_media_type};

/// Limits on requests, from the flags.
#[derive(Debug, Clone)]
pub struct Limits {
    pub max_body: usize,
    pub max_batch_body: usize,
    pub max_batch_rows: u64,
    pub body_timeout: Duration,
}

pub struct Server {
    pub versions: Arc<Versions>,
    pub metrics: Arc<Metrics>,
    pub limits: Limits,
    pub token: Option<String>,
    pub permits: Arc<Semaphore>,
}

pub type Shared = Arc<Server>;

pub fn router(server: Shared) -> Router {
    let evaluating = Router::new()
        .route("/v1/{entry}", post(evaluate))
        .route("/v1/{entry}/explain", post(explain))
        .route("/v1/{entry}/batch", post(batch))
        .route_layer(middleware::from_fn_with_state(
            server.clone(),
            guard::limit_concurrency,
        ));
    Router::new()
        .route("/v1/versions", get(versions))
        .route("/v1/entries", get(entries))
        .route("/v1/entries/{entry}/schema", get(schema))
        .route("/v1/params", get(params))
        .route("/openapi.json", get(openapi_document))
        .route("/metrics", get(metrics))
        .merge(evaluating)
        .route_layer(middleware::from_fn_with_state(
            server.clone(),
            guard::require_token,
        ))
        .route("/healthz", get(|| async { "ok\n" }))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(server)
}

async fn not_found() -> Problem {
    Problem::new(
        StatusCode::NOT_FOUND,
        "not-found",
        "no such path",
        "no route answers this path",
    )
    .with_help("GET /openapi.json lists the paths")
}

async fn method_not_allowed() -> Problem {
    Problem::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method-not-allowed",
        "wrong method",
        "this path does not take this method",
    )
    .with_help("evaluations are POST, everything else GET; GET /openapi.json lists them")
}

#[derive(Debug, Default, Deserialize)]
struct Params {
    version: Option<String>,
}

/// The version the request names (query or header), or the default.
fn chosen(server: &Server, query: &Params, headers: &HeaderMap) -> Result<Arc<Version>, Problem> {
    let from_header = headers.get(VERSION_HEADER).and_then(|v| v.to_str().ok());
    let named = match (query.version.as_deref(), from_header) {
        (Some(a), Some(b)) if a != b => {
            return Err(Problem::new(
                StatusCode::BAD_REQUEST,
                "version-conflict",
                "two versions named",
                format!("?version={a} and the header Avtal-Version: {b} differ"),
            )
            .with_help("name the version once"));
        }
        (Some(a), _) => Some(a),
        (None, b) => b,
    };
    server.versions.select(named)
}

fn entry_of(version: &Version, name: &str) -> Result<usize, Problem> {
    version.entry_index(name).ok_or_else(|| {
        let names: Vec<&str> = version.entries.iter().map(|e| e.name.as_str()).collect();
        Problem::new(
            StatusCode::NOT_FOUND,
            "unknown-entry",
            "no such entry point",
            format!("version `{}` has no entry point `{name}`", version.name),
        )
        .with_help(if names.is_empty() {
            "this version has no entry points".to_string()
        } else {
            format!("its entry points are: {}", names.join(", "))
        })
    })
}

fn with_version(mut response: Response, version: &Version) -> Response {
    if let Ok(value) = HeaderValue::from_str(&format!("{}/{}", version.name, version.generation)) {
        response.headers_mut().insert(VERSION_HEADER, value);
    }
    response
}

fn json_response(value: &Value, version: Option<&Version>) -> Response {
    let response = (
        [(header::CONTENT_TYPE, "application/json")],
        value.to_string(),
    )
        .into_response();
    match version {
        Some(version) => with_version(response, version),
        None => response,
    }
}

async fn versions(State(server): State<Shared>) -> Response {
    let default = server.versions.default_name();
    let list: Vec<Value> = server
        .versions
        .all()
        .iter()
        .map(|slot| {
            let serving = slot.serving();
            let refused = slot.refused.lock().ok().and_then(|r| r.clone());
            json!({
                "name": slot.name,
                "path": crate::term::display_path(&slot.path),
                "default": default.as_deref() == Some(slot.name.as_str()),
                "serving": serving.as_ref().map(|v| json!({
                    "generation": v.generation,
                    "files": v.files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>(),
                    "entries": v.entries.iter().map(|e| e.name.clone()).collect::<Vec<_>>(),
                    "warnings": v.warnings,
                })),
                "refused": refused.map(|(generation, at, refusal)| json!({
                    "generation": generation,
                    "at": at.duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0),
                    "diagnostics": refusal.diagnostics,
                    "rendered": refusal.rendered,
                })),
            })
        })
        .collect();
    json_response(&json!({ "versions": list }), None)
}

async fn entries(
    State(server): State<Shared>,
    Query(query): Query<Params>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let version = chosen(&server, &query, &headers)?;
    let list: Vec<Value> = version
        .entries
        .iter()
        .map(|entry| {
            let fields = |ty: &avtal_compiler::data::DataType| -> Vec<Value> {
                ty.record_fields()
                    .unwrap_or(&[])
                    .iter()
                    .map(|(name, ty)| json!({"name": name, "type": type_name(ty.expected())}))
                    .collect()
            };
            json!({
                "name": entry.name,
                "input": fields(&entry.input),
                "output": fields(&entry.output),
                "native": entry.interpreted_because.is_none(),
                "interpreted_because": entry.interpreted_because,
                "paths": {
                    "evaluate": format!("/v1/{}", entry.name),
                    "batch": format!("/v1/{}/batch", entry.name),
                    "explain": format!("/v1/{}/explain", entry.name),
                    "schema": format!("/v1/entries/{}/schema", entry.name),
                },
            })
        })
        .collect();
    Ok(json_response(
        &json!({"version": version.name, "generation": version.generation, "entries": list}),
        Some(&version),
    ))
}

async fn schema(
    State(server): State<Shared>,
    Path(name): Path<String>,
    Query(query): Query<Params>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let version = chosen(&server, &query, &headers)?;
    let entry = version
        .entries
        .get(entry_of(&version, &name)?)
        .ok_or_else(|| Problem::internal("an entry index out of range"))?;
    match &entry.schema {
        Ok(schema) => {
            let mut response = json_response(schema, Some(&version));
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/schema+json"),
            );
            Ok(response)
        }
        Err(why) => Err(Problem::new(
            StatusCode::NOT_FOUND,
            "no-schema",
            "no JSON Schema for this entry point",
            why.clone(),
        )
        .with_help("`avtal build` cannot build it either; POST /v1/{entry} still evaluates it")),
    }
}

async fn params(
    State(server): State<Shared>,
    Query(query): Query<Params>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let version = chosen(&server, &query, &headers)?;
    Ok(json_response(&version.params, Some(&version)))
}

async fn openapi_document(
    State(server): State<Shared>,
    Query(query): Query<Params>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let named = query.version.is_some() || headers.contains_key(VERSION_HEADER);
    let version = match chosen(&server, &query, &headers) {
        Ok(version) => version,
        // Without a default, the first version that serves.
        Err(problem) if named => return Err(problem),
        Err(problem) => server
            .versions
            .all()
            .iter()
            .find_map(|slot| slot.serving())
            .ok_or(problem)?,
    };
    Ok(json_response(&openapi::document(&version), Some(&version)))
}

async fn metrics(State(server): State<Shared>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        server.metrics.render(),
    )
        .into_response()
}

/// A declared body length over `limit`, refused before reading.
fn declared_too_large(headers: &HeaderMap, limit: usize, flag: &str) -> Result<(), Problem> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    match declared {
        Some(length) if length > limit as u64 => Err(body::too_large(limit, flag)),
        _ => Ok(()),
    }
}

fn require_json(headers: &HeaderMap) -> Result<(), Problem> {
    let Some(content_type) = headers.get(header::CONTENT_TYPE) else {
        return Ok(());
    };
    let essence = content_type
        .to_str()
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if essence == "application/json" || essence.ends_with("+json") {
        return Ok(());
    }
    Err(Problem::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported-media-type",
        "the body must be JSON",
        format!("the body is `{essence}`; one record is a JSON object"),
    )
    .with_help("send Content-Type: application/json; for many rows use POST /v1/{entry}/batch"))
}

async fn evaluate(
    State(server): State<Shared>,
    Path(name): Path<String>,
    Query(query): Query<Params>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    one_record(server, name, query, headers, body, false).await
}

async fn explain(
    State(server): State<Shared>,
    Path(name): Path<String>,
    Query(query): Query<Params>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    one_record(server, name, query, headers, body, true).await
}

async fn one_record(
    server: Shared,
    name: String,
    query: Params,
    headers: HeaderMap,
    body: Body,
    explain: bool,
) -> Response {
    let started = Instant::now();
    let version = match chosen(&server, &query, &headers) {
        Ok(version) => version,
        Err(problem) => return problem.into_response(),
    };
    let entry = match entry_of(&version, &name) {
        Ok(entry) => entry,
        Err(problem) => return with_version(problem.into_response(), &version),
    };
    let kind = if explain { "explain" } else { "record" };
    let answer = answer_record(&server, &version, entry, &headers, body, explain).await;
    let (response, outcome) = match answer {
        Ok(Answer::Output(text)) => (
            ([(header::CONTENT_TYPE, "application/json")], text).into_response(),
            Some(Outcome::Evaluated),
        ),
        Ok(Answer::Explained(tree)) => (json_response(&tree, None), Some(Outcome::Evaluated)),
        Err(problem) => {
            // A record that was read (or tried) counts as a failed record.
            let record = (problem.status == StatusCode::UNPROCESSABLE_ENTITY
                || problem.status == StatusCode::BAD_REQUEST)
                .then_some(Outcome::Failed);
            (problem.into_response(), record)
        }
    };
    server.metrics.request(
        &version.name,
        &name,
        kind,
        response.status().as_u16(),
        started.elapsed(),
        outcome,
    );
    with_version(response, &version)
}

async fn answer_record(
    server: &Server,
    version: &Version,
    entry: usize,
    headers: &HeaderMap,
    body: Body,
    explain: bool,
) -> Result<Answer, Problem> {
    require_json(headers)?;
    let limits = &server.limits;
    declared_too_large(headers, limits.max_body, "--max-body")?;
    let body = body::read_whole(body, limits.max_body, limits.body_timeout).await?;
    let (reply, answer) = oneshot::channel();
    if !version.send(Job::Record {
        entry,
        body,
        explain,
        reply,
    }) {
        return Err(Problem::internal("the version's workers are gone"));
    }
    answer
        .await
        .unwrap_or_else(|_| Err(Problem::internal("a worker ended without answering")))
}

async fn batch(
    State(server): State<Shared>,
    Path(name): Path<String>,
    Query(query): Query<BatchParams>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let started = Instant::now();
    let params = Params {
        version: query.version.clone(),
    };
    let version = match chosen(&server, &params, &headers) {
        Ok(version) => version,
        Err(problem) => return problem.into_response(),
    };
    let response = match start_batch(&server, &version, &name, &query, &headers, body).await {
        Ok(response) => response,
        Err(problem) => problem.into_response(),
    };
    if version.entry_index(&name).is_some() {
        server.metrics.request(
            &version.name,
            &name,
            "batch",
            response.status().as_u16(),
            started.elapsed(),
            None,
        );
    }
    with_version(response, &version)
}

#[derive(Debug, Default, Deserialize)]
struct BatchParams {
    version: Option<String>,
    /// `csv` or `jsonl`: the output's format (else the input's).
    output: Option<String>,
}

async fn start_batch(
    server: &Shared,
    version: &Arc<Version>,
    name: &str,
    query: &BatchParams,
    headers: &HeaderMap,
    body: Body,
) -> Result<Response, Problem> {
    let entry = entry_of(version, name)?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let input_format = format_from_media_type(content_type).ok_or_else(|| {
        Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "the rows must be CSV or JSON Lines",
            format!("the body is `{content_type}`"),
        )
        .with_help(format!("send Content-Type: {MEDIA_TYPES}"))
    })?;
    let output_format = match query.output.as_deref() {
        None => input_format,
        Some("csv") => DataFormat::Csv,
        Some("jsonl") => DataFormat::Jsonl,
        Some(other) => {
            return Err(Problem::new(
                StatusCode::BAD_REQUEST,
                "bad-output-format",
                "unknown output format",
                format!("?output={other} is not a format"),
            )
            .with_help("say ?output=csv or ?output=jsonl"));
        }
    };
    let limits = &server.limits;
    declared_too_large(headers, limits.max_batch_body, "--max-batch-body")?;
    let reader = body::stream_in(body, limits.max_batch_body, limits.body_timeout);
    let (writer, response_body) = body::stream_out();
    let (head_sender, head) = oneshot::channel();
    let job = BatchJob {
        entry,
        reader,
        input_format,
        output_format,
        max_rows: limits.max_batch_rows,
        head: head_sender,
        writer,
        metrics: server.metrics.clone(),
        labels: (version.name.clone(), name.to_string()),
    };
    if !version.send(Job::Batch(job)) {
        return Err(Problem::internal("the version's workers are gone"));
    }
    let boundary = head
        .await
        .unwrap_or_else(|_| Err(Problem::internal("a worker ended without answering")))?;
    let content_type = format!("multipart/mixed; boundary={boundary}");
    Ok((
        [(header::CONTENT_TYPE, content_type)],
        Body::new(response_body),
    )
        .into_response())
}

/// A data type's name for `GET /v1/entries` (`Money`, an enum's name).
fn type_name(expected: avtal_compiler::data::Expected) -> String {
    use avtal_compiler::data::Expected;
    match expected {
        Expected::Enum { name, .. } | Expected::Record(name) | Expected::Unsupported(name) => name,
        other => format!("{other:?}"),
    }
}
