//! `Idempotency-Key` for the writes that are not safe to repeat and have no key handling
//! of their own (authcode generation, mandate default and cancel, approval cancel, token
//! refresh): the first answer to a key is kept, and a retry with the same key and the
//! same body gets that answer again instead of doing the work twice. The same key with
//! another body is a 409, as the contract says.

use std::collections::HashMap;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::http::error;
use crate::state::SandboxHandle;

/// Answers kept at most; the oldest go first (a sandbox runs for a test or a demo).
const MAX_KEPT: usize = 10_000;
/// The largest body a keyed request may have (these writes carry a token at most).
const MAX_BODY: usize = 64 * 1024;

/// A kept answer: the request it was for and what was answered.
struct Kept {
    body: Bytes,
    status: StatusCode,
    headers: HeaderMap,
    answer: Bytes,
}

#[derive(Default)]
pub(crate) struct Replays {
    /// (path, key) -> the first answer.
    kept: HashMap<(String, String), Kept>,
    order: Vec<(String, String)>,
}

/// The POST paths this layer makes safe to retry.
fn keyed(method: &Method, path: &str) -> bool {
    *method == Method::POST
        && (path == "/api/v1/auth/refresh"
            || path.ends_with("/authcode")
            || (path.contains("/mandates/")
                && (path.ends_with("/default") || path.ends_with("/cancel")))
            || (path.contains("/mandate-approvals/") && path.ends_with("/cancel")))
}

/// Middleware: replays the kept answer of a key, or runs the handler and keeps its answer.
pub(crate) async fn replay(
    State(h): State<SandboxHandle>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    let key = request
        .headers()
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(str::to_owned);
    let Some(key) = key.filter(|_| keyed(request.method(), &path)) else {
        return next.run(request).await;
    };
    let (parts, body) = request.into_parts();
    let Ok(body) = axum::body::to_bytes(body, MAX_BODY).await else {
        return error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "validation",
            "The request is too large.",
        );
    };
    let id = (path, key);
    if let Some(kept) = h.lock().replays.kept.get(&id) {
        if kept.body != body {
            return error(
                StatusCode::CONFLICT,
                "conflict",
                "This Idempotency-Key was used for a different request.",
            );
        }
        let mut response = (kept.status, kept.answer.clone()).into_response();
        *response.headers_mut() = kept.headers.clone();
        response
            .headers_mut()
            .insert("idempotent-replay", HeaderValue::from_static("true"));
        return response;
    }
    let response = next
        .run(Request::from_parts(parts, Body::from(body.clone())))
        .await;
    let (parts, answer) = response.into_parts();
    let Ok(answer) = axum::body::to_bytes(answer, MAX_BODY).await else {
        return error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            "Answer too large.",
        );
    };
    // Only a completed write is kept: an error leaves nothing done to protect.
    if parts.status.is_success() {
        let mut state = h.lock();
        let replays = &mut state.replays;
        if replays.order.len() >= MAX_KEPT {
            let oldest = replays.order.remove(0);
            replays.kept.remove(&oldest);
        }
        replays.order.push(id.clone());
        replays.kept.insert(
            id,
            Kept {
                body,
                status: parts.status,
                headers: parts.headers.clone(),
                answer: answer.clone(),
            },
        );
    }
    Response::from_parts(parts, Body::from(answer))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trust_keyed_writes_are_the_unsafe_posts() {
        let post = Method::POST;
        assert!(keyed(&post, "/api/v1/accounts/a/domains/x.de/authcode"));
        assert!(keyed(&post, "/api/v1/accounts/a/mandates/m1/cancel"));
        assert!(keyed(&post, "/api/v1/accounts/a/mandates/m1/default"));
        assert!(keyed(
            &post,
            "/api/v1/accounts/a/mandate-approvals/p/cancel"
        ));
        assert!(keyed(&post, "/api/v1/auth/refresh"));
        assert!(!keyed(&post, "/api/v1/accounts/a/tickets"), "has its own");
        assert!(!keyed(&post, "/api/v1/accounts/a/mandates"), "has its own");
        assert!(!keyed(
            &Method::GET,
            "/api/v1/accounts/a/domains/x.de/authcode"
        ));
    }
}
