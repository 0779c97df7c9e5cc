//! Checking `Authorization: Bearer` keys in an axum service, with RFC 6750 challenges.
//!
//! A request without a key, or with a key that is not genuine, current and unrevoked, gets
//! `401` and `WWW-Authenticate: Bearer ... error="invalid_token"`. A genuine key that lacks
//! the scope the route needs gets `403` with `error="insufficient_scope"` and the scope named.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use till_core::{ErrorCode, Grant, Request, Verifier};

const REALM: &str = "till-example";

/// The example service: `GET /repos/{name}` needs `repo/{name}:read`, `POST` needs
/// `repo/{name}:write`.
pub fn router(verifier: Verifier) -> Router {
    Router::new()
        .route("/repos/{name}", get(read_repo).post(write_repo))
        .with_state(Arc::new(verifier))
}

async fn read_repo(
    State(v): State<Arc<Verifier>>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Response {
    match authorize(&v, &headers, &format!("repo/{name}:read")) {
        Ok(grant) => {
            format!("{name}: read by {}\n", grant.subject().unwrap_or("-")).into_response()
        }
        Err(refusal) => refusal,
    }
}

async fn write_repo(
    State(v): State<Arc<Verifier>>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Response {
    match authorize(&v, &headers, &format!("repo/{name}:write")) {
        Ok(grant) => {
            format!("{name}: written by {}\n", grant.subject().unwrap_or("-")).into_response()
        }
        Err(refusal) => refusal,
    }
}

/// Verifies the request's bearer key for `scope`, or answers with the right challenge.
pub fn authorize(verifier: &Verifier, headers: &HeaderMap, scope: &str) -> Result<Grant, Response> {
    let Some(key) = bearer(headers) else {
        return Err(challenge(
            StatusCode::UNAUTHORIZED,
            format!("Bearer realm=\"{REALM}\""),
        ));
    };
    let request = Request::scope(scope).map_err(|_| StatusCode::NOT_FOUND.into_response())?;
    verifier.verify(key, &request).map_err(|e| match e.code() {
        ErrorCode::InsufficientScope => challenge(
            StatusCode::FORBIDDEN,
            format!("Bearer realm=\"{REALM}\", error=\"insufficient_scope\", scope=\"{scope}\""),
        ),
        code => challenge(
            StatusCode::UNAUTHORIZED,
            format!(
                "Bearer realm=\"{REALM}\", error=\"invalid_token\", error_description=\"{code}\""
            ),
        ),
    })
}

fn bearer(headers: &HeaderMap) -> Option<&[u8]> {
    let value = headers.get(header::AUTHORIZATION)?.as_bytes();
    let (scheme, key) = value.split_at_checked(7)?;
    scheme.eq_ignore_ascii_case(b"bearer ").then_some(key)
}

fn challenge(status: StatusCode, value: String) -> Response {
    let mut response = status.into_response();
    if let Ok(value) = HeaderValue::from_str(&value) {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, value);
    }
    response
}
