//! Small pieces every endpoint shares: the contract's error bodies, request-body fields,
//! paging parameters and ETags.

use std::collections::{BTreeMap, HashMap};

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use cowdesk_model::{ApiError, ApiErrorBody, Permission};
use serde::Serialize;
use serde_json::{Map, Value};

pub(crate) const DEFAULT_PER_PAGE: u32 = 100;
pub(crate) const MAX_PER_PAGE: u32 = 500;

pub(crate) fn error(status: StatusCode, code: &str, message: &str) -> Response {
    respond(
        status,
        ApiError {
            code: code.into(),
            message: message.into(),
            permission: None,
            fields: BTreeMap::new(),
        },
    )
}

pub(crate) fn not_found(message: &str) -> Response {
    error(StatusCode::NOT_FOUND, "not_found", message)
}

pub(crate) fn forbidden(permission: Permission) -> Response {
    respond(
        StatusCode::FORBIDDEN,
        ApiError {
            code: "forbidden".into(),
            message: "Your role on this account does not allow this.".into(),
            permission: Some(permission),
            fields: BTreeMap::new(),
        },
    )
}

pub(crate) fn validation(fields: BTreeMap<String, String>) -> Response {
    respond(
        StatusCode::UNPROCESSABLE_ENTITY,
        ApiError {
            code: "validation".into(),
            message: "Some fields are not valid.".into(),
            permission: None,
            fields,
        },
    )
}

/// An error body with every detail chosen by the caller.
pub(crate) fn respond_error(
    status: StatusCode,
    code: &str,
    message: &str,
    permission: Option<Permission>,
    fields: BTreeMap<String, String>,
) -> Response {
    respond(
        status,
        ApiError {
            code: code.into(),
            message: message.into(),
            permission,
            fields,
        },
    )
}

fn respond(status: StatusCode, error: ApiError) -> Response {
    (status, Json(ApiErrorBody { error })).into_response()
}

/// The request body as a JSON object, else 422.
#[allow(clippy::result_large_err)] // an axum Response is the error to send
pub(crate) fn json_object(body: &[u8]) -> Result<Map<String, Value>, Response> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(validation(BTreeMap::from([(
            "body".into(),
            "Send a JSON object.".into(),
        )]))),
    }
}

/// A string field, trimmed; `None` when missing, not a string or blank.
pub(crate) fn string_field(body: &Map<String, Value>, name: &str) -> Option<String> {
    present_field(body, name).map(|s| s.trim().to_owned())
}

/// A string field exactly as sent (secrets are not trimmed); `None` when missing, not a
/// string or blank.
pub(crate) fn present_field(body: &Map<String, Value>, name: &str) -> Option<String> {
    body.get(name)
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
        .map(str::to_owned)
}

pub(crate) fn plausible_email(email: &str) -> bool {
    match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && !email.contains(char::is_whitespace)
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        }
        None => false,
    }
}

/// `page` (from 1, default 1) and `per_page` (1..=500, default 100), else 422 naming the
/// wrong ones.
#[allow(clippy::result_large_err)] // an axum Response is the error to send
pub(crate) fn paging(query: &HashMap<String, String>) -> Result<(u32, u32), Response> {
    let mut fields = BTreeMap::new();
    let page = match query.get("page").map(|p| p.parse::<u32>()) {
        None => 1,
        Some(Ok(p)) if p >= 1 => p,
        Some(_) => {
            fields.insert("page".into(), "A whole number from 1.".into());
            1
        }
    };
    let per_page = match query.get("per_page").map(|p| p.parse::<u32>()) {
        None => DEFAULT_PER_PAGE,
        Some(Ok(n)) if (1..=MAX_PER_PAGE).contains(&n) => n,
        Some(_) => {
            fields.insert(
                "per_page".into(),
                format!("A whole number from 1 to {MAX_PER_PAGE}."),
            );
            DEFAULT_PER_PAGE
        }
    };
    if fields.is_empty() {
        Ok((page, per_page))
    } else {
        Err(validation(fields))
    }
}

/// A strong ETag of a value's JSON: it changes exactly when the answer would.
pub(crate) fn etag_of<T: Serialize + ?Sized>(value: &T) -> String {
    let json = serde_json::to_vec(value).unwrap_or_default();
    // FNV-1a: stable across runs and platforms, unlike the std hasher.
    let hash = json.iter().fold(0xcbf2_9ce4_8422_2325_u64, |hash, b| {
        (hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("\"{hash:016x}\"")
}

/// 304 without a body when the client already holds `etag`, else `render()`; both carry
/// the ETag.
pub(crate) fn with_etag(
    headers: &HeaderMap,
    etag: &str,
    render: impl FnOnce() -> Response,
) -> Response {
    let current = headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|candidate| {
            let candidate = candidate.trim();
            candidate == etag || candidate == "*"
        });
    let mut response = if current {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        render()
    };
    if let Ok(value) = HeaderValue::from_str(etag) {
        response.headers_mut().insert(header::ETAG, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etags_are_quoted_and_follow_the_value() {
        let a = etag_of(&[1, 2, 3]);
        assert!(a.starts_with('"') && a.ends_with('"') && a.len() == 18);
        assert_eq!(a, etag_of(&[1, 2, 3]));
        assert_ne!(a, etag_of(&[1, 2, 4]));
    }

    #[test]
    fn email_plausibility() {
        for good in ["a@b.de", "anna.mueller@mueller-webdesign.de"] {
            assert!(plausible_email(good), "{good}");
        }
        for bad in [
            "", "a", "@b.de", "a@b", "a@.de", "a@b.", "a b@c.de", "a@b@c.de",
        ] {
            assert!(!plausible_email(bad), "{bad}");
        }
    }
}
