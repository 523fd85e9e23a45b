//! The Servercow DNS API v1 as it behaves (EXTERNAL-APIS.md §2): `X-Auth-*` headers,
//! `POST` replaces the whole (name, type) set, `DELETE` carries a JSON body, and every
//! error is `{"error": ...}` with HTTP 200. It takes what real clients send (acme.sh,
//! lego, ddns-updater): any TTL from 0 up (the API documents no minimum; its own example
//! posts 20), and a name given as a full domain name, which is stored relative to the zone.

use std::net::{Ipv4Addr, Ipv6Addr};

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::dns::{RecordSet, DNS_API_PASSWORD, DNS_API_USERNAME};
use crate::state::SandboxHandle;

pub const PATH: &str = "/dns/v1/domains/{zone}";
const TYPE_ERROR: &str = "parameter type must be cname, txt, tlsa, caa, a or aaaa";
const TYPES: [&str; 7] = ["TXT", "A", "AAAA", "CNAME", "TLSA", "CAA", "MX"];

pub(crate) fn router() -> Router<SandboxHandle> {
    Router::new().route(PATH, get(list).post(replace).delete(remove))
}

fn fail(message: &str) -> Response {
    Json(json!({ "error": message })).into_response()
}

fn ok() -> Response {
    Json(json!({ "message": "ok" })).into_response()
}

fn authenticated(headers: &HeaderMap) -> bool {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(password) = header("X-Auth-Password") {
        // Wrong ones too: the leak scan looks for every API password a test sent.
        crate::secret_log::record("api_password", password);
    }
    header("X-Auth-Username") == Some(DNS_API_USERNAME)
        && header("X-Auth-Password") == Some(DNS_API_PASSWORD)
}

/// Authentication, then the zone's presence in the user's scope.
#[allow(clippy::result_large_err)] // an axum Response is the error to send
fn guard(h: &SandboxHandle, headers: &HeaderMap, zone: &str) -> Result<String, Response> {
    if !authenticated(headers) {
        return Err(fail("authentication failed"));
    }
    let zone = zone.to_ascii_lowercase();
    match h.dns().editable_zone(&zone) {
        Some(_) => Ok(zone),
        None => Err(fail("no such domain in user context")),
    }
}

async fn list(
    State(h): State<SandboxHandle>,
    Path(zone): Path<String>,
    headers: HeaderMap,
) -> Response {
    let zone = match guard(&h, &headers, &zone) {
        Ok(zone) => zone,
        Err(response) => return response,
    };
    let Some(content) = h.dns().editable_zone(&zone) else {
        return fail("no such domain in user context");
    };
    let records: Vec<Value> = content
        .sets
        .iter()
        .map(|((name, record_type), set)| {
            // Single values come as a string, several as an array, as the real API does.
            let content = match set.values.as_slice() {
                [one] => Value::from(one.clone()),
                many => Value::from(many.to_vec()),
            };
            json!({ "name": name, "type": record_type, "content": content, "ttl": set.ttl })
        })
        .collect();
    Json(records).into_response()
}

fn body_object(body: &Bytes) -> Option<serde_json::Map<String, Value>> {
    match serde_json::from_slice::<Value>(body).ok()? {
        Value::Object(map) => Some(map),
        _ => None,
    }
}

/// (name relative to `zone`, TYPE) from a request body, or the API's error.
#[allow(clippy::result_large_err)] // an axum Response is the error to send
fn key(body: &serde_json::Map<String, Value>, zone: &str) -> Result<(String, String), Response> {
    let record_type = body
        .get("type")
        .and_then(Value::as_str)
        .map(str::to_ascii_uppercase)
        .filter(|t| TYPES.contains(&t.as_str()))
        .ok_or_else(|| fail(TYPE_ERROR))?;
    let name = match body.get("name") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(name)) => name.trim().to_ascii_lowercase(),
        Some(_) => return Err(fail("parameter name must be a string")),
    };
    Ok((
        relative(&name, zone).ok_or_else(|| fail("parameter name must be within the domain"))?,
        record_type,
    ))
}

/// What a POST or DELETE starts with: authentication and the zone, then the JSON body and
/// the (name, TYPE) it addresses; `no_body` is the API's message for a missing body.
#[allow(clippy::result_large_err)] // an axum Response is the error to send
fn write_request(
    h: &SandboxHandle,
    headers: &HeaderMap,
    zone: &str,
    body: &Bytes,
    no_body: &str,
) -> Result<(String, serde_json::Map<String, Value>, String, String), Response> {
    let zone = guard(h, headers, zone)?;
    let body = body_object(body).ok_or_else(|| fail(no_body))?;
    let (name, record_type) = key(&body, &zone)?;
    Ok((zone, body, name, record_type))
}

async fn replace(
    State(h): State<SandboxHandle>,
    Path(zone): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (zone, body, name, record_type) =
        match write_request(&h, &headers, &zone, &body, "invalid JSON body") {
            Ok(request) => request,
            Err(response) => return response,
        };
    let values: Vec<String> = match body.get("content") {
        Some(Value::String(one)) => vec![one.clone()],
        Some(Value::Array(many)) => match many
            .iter()
            .map(|v| v.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()
        {
            Some(values) => values,
            None => return fail("parameter content must be a string or an array of strings"),
        },
        _ => return fail("parameter content is missing"),
    };
    if values.is_empty() || values.iter().any(|v| v.trim().is_empty()) {
        return fail("parameter content is missing");
    }
    if let Some(bad) = values.iter().find(|v| !valid_content(&record_type, v)) {
        return fail(&format!("invalid content for type {record_type}: {bad}"));
    }
    if record_type == "CNAME" && values.len() > 1 {
        return fail("a CNAME holds one value");
    }
    // No minimum: clients send 0 (ddns-updater), 20 (acme.sh, the API's own example), 30.
    let ttl = match body.get("ttl") {
        None | Some(Value::Null) => 3600,
        Some(Value::Number(n)) => match n.as_u64().and_then(|n| u32::try_from(n).ok()) {
            Some(ttl) => ttl,
            None => return fail("parameter ttl must be a whole number of seconds"),
        },
        Some(Value::String(s)) => match s.trim().parse::<u32>() {
            Ok(ttl) => ttl,
            Err(_) => return fail("parameter ttl must be a whole number of seconds"),
        },
        Some(_) => return fail("parameter ttl must be a number"),
    };
    if h.dns()
        .replace(&zone, &name, &record_type, RecordSet { ttl, values })
    {
        ok()
    } else {
        fail("no such domain in user context")
    }
}

async fn remove(
    State(h): State<SandboxHandle>,
    Path(zone): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    // The key of the set to delete travels in the body; without it nothing is deleted.
    let (zone, _, name, record_type) = match write_request(
        &h,
        &headers,
        &zone,
        &body,
        "parameter type must be given in the JSON body",
    ) {
        Ok(request) => request,
        Err(response) => return response,
    };
    if h.dns().delete(&zone, &name, &record_type) {
        ok()
    } else {
        fail("no such domain in user context")
    }
}

/// A record name as clients send it, relative to `zone` (`""` is the apex): relative
/// already (`_acme-challenge`), or a full domain name with or without the final dot
/// (`_acme-challenge.www.example.de`, as acme.sh sends it). `None` for a name with a space
/// or a full name outside the zone.
fn relative(name: &str, zone: &str) -> Option<String> {
    if name.contains(' ') {
        return None;
    }
    let absolute = name.ends_with('.');
    let name = name.trim_end_matches('.');
    if name == zone {
        return Some(String::new());
    }
    if let Some(sub) = name.strip_suffix(zone).and_then(|s| s.strip_suffix('.')) {
        return Some(sub.to_owned());
    }
    // A name ending in a dot is absolute: outside the zone it names another domain.
    (!absolute).then(|| name.to_owned())
}

fn valid_content(record_type: &str, value: &str) -> bool {
    let host = |h: &str| {
        let h = h.trim_end_matches('.');
        !h.is_empty()
            && h.split('.').all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && l.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            })
    };
    match record_type {
        "A" => value.parse::<Ipv4Addr>().is_ok(),
        "AAAA" => value.parse::<Ipv6Addr>().is_ok(),
        "MX" => value
            .split_once(' ')
            .is_some_and(|(p, h)| p.parse::<u16>().is_ok() && host(h.trim())),
        "CNAME" => host(value),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trust_names_are_stored_relative_to_the_zone() {
        let zone = "mueller-webdesign.de";
        assert_eq!(
            relative("_acme-challenge", zone).as_deref(),
            Some("_acme-challenge")
        );
        assert_eq!(
            relative("_acme-challenge.www.mueller-webdesign.de", zone).as_deref(),
            Some("_acme-challenge.www")
        );
        assert_eq!(
            relative("_acme-challenge.mueller-webdesign.de.", zone).as_deref(),
            Some("_acme-challenge")
        );
        assert_eq!(relative("mueller-webdesign.de", zone).as_deref(), Some(""));
        assert_eq!(relative("", zone).as_deref(), Some(""));
        assert_eq!(relative("www.example.org.", zone), None);
        assert_eq!(relative("a b", zone), None);
    }
}
