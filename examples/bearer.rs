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
        Err(refusal) => refusal.into_response(),
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
        Err(refusal) => refusal.into_response(),
    }
}

/// Why a request was refused; it becomes a 401 or 403 with an RFC 6750 challenge.
#[derive(Debug)]
pub enum Refusal {
    /// No bearer key was sent.
    NoKey,
    /// The key is not genuine, current and unrevoked; the code says why.
    InvalidToken(ErrorCode),
    /// The key is genuine but does not grant this scope.
    InsufficientScope(String),
}

/// Verifies the request's bearer key for `scope`.
pub fn authorize(verifier: &Verifier, headers: &HeaderMap, scope: &str) -> Result<Grant, Refusal> {
    let key = bearer(headers).ok_or(Refusal::NoKey)?;
    let request = Request::scope(scope).map_err(|e| Refusal::InvalidToken(e.code()))?;
    verifier.verify(key, &request).map_err(|e| match e.code() {
        ErrorCode::InsufficientScope => Refusal::InsufficientScope(scope.to_owned()),
        code => Refusal::InvalidToken(code),
    })
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let (status, challenge) = match self {
            Refusal::NoKey => (
                StatusCode::UNAUTHORIZED,
                format!("Bearer realm=\"{REALM}\""),
            ),
            Refusal::InvalidToken(code) => (
                StatusCode::UNAUTHORIZED,
                format!(
                    "Bearer realm=\"{REALM}\", error=\"invalid_token\", error_description=\"{code}\""
                ),
            ),
            Refusal::InsufficientScope(scope) => (
                StatusCode::FORBIDDEN,
                format!(
                    "Bearer realm=\"{REALM}\", error=\"insufficient_scope\", scope=\"{scope}\""
                ),
            ),
        };
        let mut response = status.into_response();
        if let Ok(value) = HeaderValue::from_str(&challenge) {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, value);
        }
        response
    }
}

fn bearer(headers: &HeaderMap) -> Option<&[u8]> {
    let value = headers.get(header::AUTHORIZATION)?.as_bytes();
    let (scheme, key) = value.split_at_checked(7)?;
    scheme.eq_ignore_ascii_case(b"bearer ").then_some(key)
}
