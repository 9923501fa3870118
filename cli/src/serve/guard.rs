//! The layers in front of the routes: the bearer token (when the server
//! has one; `/healthz` is outside it) and the bound on evaluations at once
//! (`--max-concurrent`; the permit goes with a batch's streamed body).

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::body;
use super::problem::Problem;
use super::routes::Shared;

/// `Authorization: Bearer TOKEN`, when the server has a token.
pub async fn require_token(State(server): State<Shared>, request: Request, next: Next) -> Response {
    if let Some(token) = &server.token {
        let given = request
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
            .map(str::trim);
        if !given.is_some_and(|given| same_secret(given.as_bytes(), token.as_bytes())) {
            return Problem::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "a bearer token is required",
                if given.is_some() { "the bearer token is not the server's" } else { "the request has no bearer token" },
            )
            .with_help("send the header Authorization: Bearer TOKEN, with the token of the server's --token-file")
            .into_response();
        }
    }
    next.run(request).await
}

/// Compare two secrets in time independent of where they differ.
fn same_secret(given: &[u8], token: &[u8]) -> bool {
    let mut difference = given.len() ^ token.len();
    for (index, byte) in token.iter().enumerate() {
        difference |= usize::from(byte ^ given.get(index).copied().unwrap_or(!byte));
    }
    difference == 0
}

/// At most `--max-concurrent` evaluations at once; more get 429 at once.
pub async fn limit_concurrency(
    State(server): State<Shared>,
    request: Request,
    next: Next,
) -> Response {
    let Ok(permit) = server.permits.clone().try_acquire_owned() else {
        return Problem::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too-many-requests",
            "too many requests at once",
            "the server is answering as many requests as --max-concurrent allows",
        )
        .with_help("retry after a second, or send fewer requests at once")
        .into_response();
    };
    // The permit goes with the body: a batch streams on after this returns.
    next.run(request)
        .await
        .map(|body| Body::new(body::Held::new(body, permit)))
}
