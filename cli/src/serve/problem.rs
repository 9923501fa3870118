//! Problem documents (RFC 9457, `application/problem+json`): every answer
//! that is not a result says what went wrong in one shape, with the
//! members `type`, `title`, `status` and `detail`, and the extension
//! members `code` (a diagnostic code such as `E0601`, or a service code
//! such as `body-too-large`), `field` and `help`; a record with several
//! problems lists each in `errors`. The codes are listed in docs/serve.md.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use avtal_engine::FieldError;

use crate::term::Failure;

/// The media type of a problem document.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// A problem document; boxed, as it travels in `Result`s.
#[derive(Debug, Clone)]
pub struct Problem(Box<Details>);

#[derive(Debug, Clone)]
pub struct Details {
    pub status: StatusCode,
    pub code: String,
    pub title: String,
    pub detail: String,
    pub field: Option<String>,
    pub help: Option<String>,
    /// Every problem of a record, when there are several.
    pub errors: Vec<Value>,
    /// Further members (an explanation tree, a `Retry-After` hint).
    pub extra: Map<String, Value>,
    /// Close the connection after answering (a body left unread).
    pub close: bool,
}

impl Problem {
    pub fn new(status: StatusCode, code: &str, title: &str, detail: impl Into<String>) -> Problem {
        Problem(Box::new(Details {
            status,
            code: code.to_string(),
            title: title.to_string(),
            detail: detail.into(),
            field: None,
            help: None,
            errors: Vec::new(),
            extra: Map::new(),
            close: false,
        }))
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Problem {
        self.help = Some(help.into());
        self
    }

    pub fn closing(mut self) -> Problem {
        self.close = true;
        self
    }

    /// The problems of one record (read or evaluated): the first gives
    /// the code, field, detail and help; all are in `errors`. A malformed
    /// record is 400, a record that cannot be evaluated 422.
    pub fn from_field_errors(errors: &[FieldError]) -> Problem {
        let Some(first) = errors.first() else {
            return Problem::internal("a failed record without a reason");
        };
        let malformed = first.message.code == avtal_compiler::diagnostics::Code::MalformedRow;
        let (status, title) = if malformed {
            (StatusCode::BAD_REQUEST, "the record is not a JSON object")
        } else {
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                "the record cannot be evaluated",
            )
        };
        let mut problem = Problem::new(
            status,
            first.message.code.as_str(),
            title,
            &first.message.message,
        );
        problem.field = Some(first.field.clone()).filter(|f| !f.is_empty());
        problem.help = first.message.help.clone();
        problem.errors = errors
            .iter()
            .map(|error| {
                json!({
                    "code": error.message.code.as_str(),
                    "field": error.field,
                    "detail": error.message.message,
                    "help": error.message.help,
                })
            })
            .collect();
        problem
    }

    /// A failure of the shared `run` code (an unreadable body, a missing
    /// column): 400, with its diagnostic code when it has one.
    pub fn from_failure(failure: &Failure) -> Problem {
        let code = failure.code.map_or("bad-input", |c| c.as_str());
        let mut problem = Problem::new(
            StatusCode::BAD_REQUEST,
            code,
            "the input cannot be read",
            &failure.message,
        );
        problem.help = failure.help.clone();
        problem
    }

    pub fn internal(detail: &str) -> Problem {
        Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "internal error",
            format!("internal error: {detail}"),
        )
        .with_help("this is a bug in avtal serve; please report it with the request")
    }

    pub fn to_json(&self) -> Value {
        let mut object = Map::new();
        object.insert(
            "type".into(),
            Value::String(format!("urn:avtal:problem:{}", self.code)),
        );
        object.insert("title".into(), Value::String(self.title.clone()));
        object.insert("status".into(), json!(self.status.as_u16()));
        object.insert("detail".into(), Value::String(self.detail.clone()));
        object.insert("code".into(), Value::String(self.code.clone()));
        if let Some(field) = &self.field {
            object.insert("field".into(), Value::String(field.clone()));
        }
        if let Some(help) = &self.help {
            object.insert("help".into(), Value::String(help.clone()));
        }
        if !self.errors.is_empty() {
            object.insert("errors".into(), Value::Array(self.errors.clone()));
        }
        for (key, value) in &self.extra {
            object.insert(key.clone(), value.clone());
        }
        Value::Object(object)
    }
}

impl std::ops::Deref for Problem {
    type Target = Details;

    fn deref(&self) -> &Details {
        &self.0
    }
}

impl std::ops::DerefMut for Problem {
    fn deref_mut(&mut self) -> &mut Details {
        &mut self.0
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let body = self.to_json().to_string();
        let mut response = (self.status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if self.close {
            headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
        }
        if self.status == StatusCode::TOO_MANY_REQUESTS {
            headers.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"avtal\""),
            );
        }
        response
    }
}
