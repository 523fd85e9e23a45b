//! Injected failures: the next N matching requests answer a chosen status instead, or
//! are disrupted on the wire (late, cut off, garbled, oversized).

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::http::error;
use crate::state::SandboxHandle;

/// Answer `status` to the next `times` requests whose path (with its query) contains
/// `path_contains`.
#[derive(Debug, Clone)]
pub struct Fault {
    pub path_contains: String,
    pub status: u16,
    /// Sent as `Retry-After` (seconds) with the faulty answer.
    pub retry_after: Option<u64>,
    pub times: u32,
}

/// Disrupt the next `times` requests whose path (with its query) contains `path_contains`
/// in the way `kind` says, as a flaky network or a broken server would.
#[derive(Debug, Clone)]
pub struct Disruption {
    pub path_contains: String,
    pub kind: DisruptionKind,
    pub times: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DisruptionKind {
    /// Answer only after this long (past a client's timeout).
    Delay(Duration),
    /// Send the head and the first bytes of the body, then drop the connection.
    ResetMidBody,
    /// The real answer cut in half: a complete HTTP message with an incomplete JSON body.
    Truncated,
    /// A 200 whose body is not JSON at all.
    Malformed,
    /// The real answer with every number turned into a string.
    WrongTypes,
    /// A syntactically valid JSON answer of this many bytes.
    Oversized(usize),
    /// The request is served (the work is done), then the answer is lost: the client
    /// gets this status instead, as from a proxy whose upstream timed out.
    AfterWork(u16),
    /// Answered only once a request whose path (with its query) contains this has arrived
    /// (at most after a minute), as a slow answer a client asking ahead overtakes.
    HeldUntilAsked(String),
}

/// How long a held answer waits at most for the request it waits for.
const HOLD_LIMIT: Duration = Duration::from_secs(60);

/// The next `times` pages after the first of the collections whose path contains
/// `path_contains` start one item early, as if an item had been added at the front of the
/// list between two page requests: the last item of the page before arrives again.
#[derive(Debug, Clone)]
pub struct PageShift {
    pub path_contains: String,
    pub times: u32,
}

/// What a waiting fault does to one request.
#[derive(Debug, Clone)]
enum Action {
    Status(Fault),
    Disrupt(DisruptionKind),
    Shift,
}

struct Waiting {
    path_contains: String,
    /// Matching requests let through before this one starts to act.
    skip: u32,
    times: u32,
    action: Action,
}

/// The faults still waiting for requests, oldest first.
#[derive(Default)]
pub(crate) struct Faults(Vec<Waiting>);

impl Faults {
    pub fn push(&mut self, fault: Fault) {
        self.push_after(0, fault);
    }

    /// `fault`, acting only after `skip` matching requests went through untouched (e.g.
    /// the second write of a series).
    pub fn push_after(&mut self, skip: u32, fault: Fault) {
        if fault.times > 0 {
            self.0.push(Waiting {
                path_contains: fault.path_contains.clone(),
                skip,
                times: fault.times,
                action: Action::Status(fault),
            });
        }
    }

    pub fn push_disruption(&mut self, disruption: Disruption) {
        let Disruption {
            path_contains,
            kind,
            times,
        } = disruption;
        self.wait(path_contains, times, Action::Disrupt(kind));
    }

    pub fn push_page_shift(&mut self, shift: PageShift) {
        self.wait(shift.path_contains, shift.times, Action::Shift);
    }

    /// Whether the page of `path` (a page after the first) starts one item early; counts
    /// the shift down.
    pub fn take_page_shift(&mut self, path: &str) -> bool {
        let Some(position) = self
            .0
            .iter()
            .position(|f| matches!(f.action, Action::Shift) && path.contains(&f.path_contains))
        else {
            return false;
        };
        let waiting = &mut self.0[position];
        waiting.times -= 1;
        if waiting.times == 0 {
            self.0.remove(position);
        }
        true
    }

    fn wait(&mut self, path_contains: String, times: u32, action: Action) {
        if times > 0 {
            self.0.push(Waiting {
                path_contains,
                skip: 0,
                times,
                action,
            });
        }
    }

    /// The first fault matching `path`, counted down (and dropped when used up).
    fn take(&mut self, path: &str) -> Option<Action> {
        // Page shifts are taken by the collection handler, not here.
        let position = self
            .0
            .iter()
            .position(|f| !matches!(f.action, Action::Shift) && path.contains(&f.path_contains))?;
        let waiting = &mut self.0[position];
        if waiting.skip > 0 {
            waiting.skip -= 1;
            return None;
        }
        waiting.times -= 1;
        let action = waiting.action.clone();
        if waiting.times == 0 {
            self.0.remove(position);
        }
        Some(action)
    }
}

/// Middleware: counts every request, then answers with a matching fault if one waits.
pub(crate) async fn count_and_fault(
    State(h): State<SandboxHandle>,
    request: Request,
    next: Next,
) -> Response {
    let path = request
        .uri()
        .path_and_query()
        .map_or("", |p| p.as_str())
        .to_owned();
    let action = h.lock().faults.take(&path);
    h.count_request(&path);
    match action {
        None | Some(Action::Shift) => next.run(request).await,
        Some(Action::Status(fault)) => status_answer(&fault),
        Some(Action::Disrupt(kind)) => disrupted(&h, kind, request, next).await,
    }
}

fn status_answer(fault: &Fault) -> Response {
    let status = StatusCode::from_u16(fault.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = error(status, code_for(status), "Injected fault.");
    if let Some(seconds) = fault.retry_after {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

/// The largest real answer a disruption rewrites; every sandbox answer is far smaller.
const REWRITE_LIMIT: usize = 64 * 1024 * 1024;

async fn disrupted(
    h: &SandboxHandle,
    kind: DisruptionKind,
    request: Request,
    next: Next,
) -> Response {
    match kind {
        DisruptionKind::HeldUntilAsked(other) => {
            if !h.asked_for(&other, HOLD_LIMIT).await {
                tracing::warn!("no request for {other} came while one was held");
            }
            next.run(request).await
        }
        DisruptionKind::Delay(delay) => {
            tokio::time::sleep(delay).await;
            next.run(request).await
        }
        DisruptionKind::Malformed => json_body(Bytes::from_static(b"<html>Bad Gateway</html>")),
        DisruptionKind::AfterWork(status) => {
            let _served = next.run(request).await;
            status_answer(&Fault {
                path_contains: String::new(),
                status,
                retry_after: None,
                times: 1,
            })
        }
        DisruptionKind::Oversized(size) => json_body(Bytes::from(oversized_json(size))),
        DisruptionKind::ResetMidBody => {
            let real = real_body(request, next).await;
            let head = real.slice(..real.len() / 2);
            let chunks: [Result<Bytes, std::io::Error>; 2] = [
                Ok(head),
                Err(std::io::Error::new(
                    std::io::ErrorKind::ConnectionReset,
                    "injected connection reset",
                )),
            ];
            let body = Body::from_stream(futures_util::stream::iter(chunks));
            ([(header::CONTENT_TYPE, "application/json")], body).into_response()
        }
        DisruptionKind::Truncated => {
            let real = real_body(request, next).await;
            json_body(real.slice(..real.len() / 2))
        }
        DisruptionKind::WrongTypes => {
            let real = real_body(request, next).await;
            let mut value: serde_json::Value =
                serde_json::from_slice(&real).unwrap_or(serde_json::Value::Null);
            numbers_to_strings(&mut value);
            json_body(Bytes::from(value.to_string()))
        }
    }
}

async fn real_body(request: Request, next: Next) -> Bytes {
    let response = next.run(request).await;
    axum::body::to_bytes(response.into_body(), REWRITE_LIMIT)
        .await
        .unwrap_or_default()
}

fn json_body(bytes: Bytes) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], bytes).into_response()
}

/// `{"items":[],"padding":"xxx…"}` of exactly `size` bytes (or the shortest such object).
fn oversized_json(size: usize) -> Vec<u8> {
    let prefix = br#"{"items":[],"padding":""#;
    let suffix = br#""}"#;
    let padding = size.saturating_sub(prefix.len() + suffix.len());
    let mut body = Vec::with_capacity(prefix.len() + padding + suffix.len());
    body.extend_from_slice(prefix);
    body.resize(prefix.len() + padding, b'x');
    body.extend_from_slice(suffix);
    body
}

fn numbers_to_strings(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Number(n) => *value = Value::String(n.to_string()),
        Value::Array(items) => items.iter_mut().for_each(numbers_to_strings),
        Value::Object(fields) => fields.values_mut().for_each(numbers_to_strings),
        _ => {}
    }
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
        let status = |action: Option<Action>| match action {
            Some(Action::Status(fault)) => Some(fault.status),
            _ => None,
        };
        assert!(faults.take("/api/v1/accounts").is_none());
        assert_eq!(status(faults.take("/a/domains")), Some(503));
        assert_eq!(status(faults.take("/a/domains")), Some(503));
        assert!(faults.take("/a/domains").is_none());
        assert!(faults.take("/never").is_none(), "zero times is no fault");
    }

    #[test]
    fn trust_a_fault_can_wait_for_the_nth_request() {
        let mut faults = Faults::default();
        faults.push_after(
            2,
            Fault {
                path_contains: "/dns/v1".into(),
                status: 500,
                retry_after: None,
                times: 1,
            },
        );
        assert!(faults.take("/dns/v1/domains/a.de").is_none());
        assert!(faults.take("/dns/v1/domains/a.de").is_none());
        assert!(
            matches!(faults.take("/dns/v1/domains/a.de"), Some(Action::Status(f)) if f.status == 500)
        );
        assert!(faults.take("/dns/v1/domains/a.de").is_none());
    }

    #[test]
    fn disruptions_wait_in_line_with_status_faults() {
        let mut faults = Faults::default();
        faults.push_disruption(Disruption {
            path_contains: "/invoices".into(),
            kind: DisruptionKind::Truncated,
            times: 1,
        });
        assert!(matches!(
            faults.take("/a/invoices"),
            Some(Action::Disrupt(DisruptionKind::Truncated))
        ));
        assert!(faults.take("/a/invoices").is_none());
    }

    #[test]
    fn page_shifts_wait_apart_from_other_faults() {
        let mut faults = Faults::default();
        faults.push_page_shift(PageShift {
            path_contains: "/invoices".into(),
            times: 1,
        });
        assert!(faults.take("/a/invoices").is_none(), "no answer of its own");
        assert!(faults.take_page_shift("/a/invoices"));
        assert!(!faults.take_page_shift("/a/invoices"), "used up");
    }

    #[test]
    fn oversized_answers_are_valid_json_of_the_asked_size() {
        let body = oversized_json(1_000_000);
        assert_eq!(body.len(), 1_000_000);
        let value: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(value["items"], serde_json::json!([]));
    }

    #[test]
    fn wrong_types_turn_every_number_into_a_string() {
        let mut value = serde_json::json!({"items": [{"amount_cents": 1190, "name": "x"}], "next_page": null, "total": 1});
        numbers_to_strings(&mut value);
        assert_eq!(
            value,
            serde_json::json!({"items": [{"amount_cents": "1190", "name": "x"}], "next_page": null, "total": "1"})
        );
    }

    #[test]
    fn injected_faults_use_the_contract_codes() {
        assert_eq!(code_for(StatusCode::TOO_MANY_REQUESTS), "rate_limited");
        assert_eq!(code_for(StatusCode::SERVICE_UNAVAILABLE), "server_error");
        assert_eq!(code_for(StatusCode::NOT_FOUND), "not_found");
    }
}
