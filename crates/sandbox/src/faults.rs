//! Injected failures: the next N matching requests answer a chosen status instead.

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

use crate::http::error;
use crate::state::SandboxHandle;

/// Answer `status` to the next `times` requests whose path contains `path_contains`.
#[derive(Debug, Clone)]
pub struct Fault {
    pub path_contains: String,
    pub status: u16,
    /// Sent as `Retry-After` (seconds) with the faulty answer.
    pub retry_after: Option<u64>,
    pub times: u32,
}

/// The faults still waiting for requests, oldest first.
#[derive(Default)]
pub(crate) struct Faults(Vec<Fault>);

impl Faults {
    pub fn push(&mut self, fault: Fault) {
        if fault.times > 0 {
            self.0.push(fault);
        }
    }

    /// The first fault matching `path`, counted down (and dropped when used up).
    pub fn take(&mut self, path: &str) -> Option<Fault> {
        let position = self
            .0
            .iter()
            .position(|f| path.contains(&f.path_contains))?;
        let fault = &mut self.0[position];
        fault.times = fault.times.saturating_sub(1);
        let taken = fault.clone();
        if fault.times == 0 {
            self.0.remove(position);
        }
        Some(taken)
    }
}

/// Middleware: counts every request, then answers with a matching fault if one waits.
pub(crate) async fn count_and_fault(
    State(h): State<SandboxHandle>,
    request: Request,
    next: Next,
) -> Response {
    h.count_request();
    let fault = h.lock().faults.take(request.uri().path());
    let Some(fault) = fault else {
        return next.run(request).await;
    };
    let status = StatusCode::from_u16(fault.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = error(status, code_for(status), "Injected fault.");
    if let Some(seconds) = fault.retry_after {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

/// The contract's error code for a status, so an injected fault looks like the real one.
fn code_for(status: StatusCode) -> &'static str {
    match status {
        StatusCode::UNAUTHORIZED => "unauthorized",
        StatusCode::FORBIDDEN => "forbidden",
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::CONFLICT => "conflict",
        StatusCode::UNPROCESSABLE_ENTITY => "validation",
        StatusCode::TOO_MANY_REQUESTS => "rate_limited",
        _ => "server_error",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_count_down_and_match_by_path() {
        let mut faults = Faults::default();
        faults.push(Fault {
            path_contains: "/domains".into(),
            status: 503,
            retry_after: None,
            times: 2,
        });
        faults.push(Fault {
            path_contains: "/never".into(),
            status: 500,
            retry_after: None,
            times: 0,
        });
        assert!(faults.take("/api/v1/accounts").is_none());
        assert_eq!(faults.take("/a/domains").map(|f| f.status), Some(503));
        assert_eq!(faults.take("/a/domains").map(|f| f.status), Some(503));
        assert!(faults.take("/a/domains").is_none());
        assert!(faults.take("/never").is_none(), "zero times is no fault");
    }

    #[test]
    fn injected_faults_use_the_contract_codes() {
        assert_eq!(code_for(StatusCode::TOO_MANY_REQUESTS), "rate_limited");
        assert_eq!(code_for(StatusCode::SERVICE_UNAVAILABLE), "server_error");
        assert_eq!(code_for(StatusCode::NOT_FOUND), "not_found");
    }
}
