//! The Servercow DNS API v1 (EXTERNAL-APIS.md §2), as it really behaves: `POST` replaces
//! the whole (name, type) set, `DELETE` carries a JSON body, and errors arrive with
//! HTTP 200 as `{"error": "..."}`. Records have no ids; they are keyed by (name, type).

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::CoreError;
use crate::portal::{check_server, Sensitive};

pub const SERVERCOW_DNS_API: &str = "https://api.servercow.de/dns/v1";
/// As the portal client: a server that does not take the connection within 5 s is
/// unreachable, and no answer takes longer than 20 s.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const TIMEOUT: Duration = Duration::from_secs(20);
/// The largest answer read: a zone's record list is a few KB; more is a broken server
/// or proxy, and reading on would only exhaust memory.
pub const MAX_ANSWER_BYTES: usize = 4 * 1024 * 1024;
/// TTL of records cowdesk creates when the set had none.
pub const DEFAULT_TTL: u32 = 3600;
/// The types the API accepts.
pub const TYPES: [&str; 7] = ["TXT", "A", "AAAA", "CNAME", "TLSA", "CAA", "MX"];

#[derive(Debug, thiserror::Error)]
pub enum DnsApiError {
    #[error("authentication failed")]
    Authentication,
    #[error("the domain is not in the API user's scope")]
    NoSuchDomain,
    /// Any other `{"error": ...}` answer, as the API worded it.
    #[error("the DNS API refused: {0}")]
    Refused(String),
    #[error("DNS API unreachable: {0}")]
    Unreachable(String),
    #[error("unexpected DNS API answer: {0}")]
    Unexpected(String),
}

impl From<DnsApiError> for CoreError {
    fn from(err: DnsApiError) -> CoreError {
        let refused = |en: String, de: String| CoreError::Refused {
            message: en,
            message_de: de,
        };
        match err {
            DnsApiError::Authentication => refused(
                "The DNS API refused the user name or password. Check the API access in the customer portal.".into(),
                "Die DNS-API hat Benutzername oder Passwort abgelehnt. Bitte den API-Zugang im Kundenportal prüfen.".into(),
            ),
            DnsApiError::NoSuchDomain => refused(
                "This DNS API access does not include the domain. Widen its domain scope in the customer portal.".into(),
                "Dieser DNS-API-Zugang umfasst die Domain nicht. Bitte den Domain-Bereich im Kundenportal erweitern.".into(),
            ),
            DnsApiError::Refused(reason) => refused(
                format!("The DNS API refused the change: {reason}"),
                format!("Die DNS-API hat die Änderung abgelehnt: {reason}"),
            ),
            DnsApiError::Unreachable(reason) => CoreError::Offline(reason),
            DnsApiError::Unexpected(reason) => CoreError::Server(reason),
        }
    }
}

/// One (name, type) set as the API lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiRecord {
    /// Relative to the zone; `""` is the apex.
    pub name: String,
    #[serde(rename = "type")]
    pub record_type: String,
    /// One or several values.
    pub content: Vec<String>,
    pub ttl: u32,
}

/// The wire form: `content` is a string or an array of strings; `ttl` may be a string.
#[derive(Deserialize)]
struct WireRecord {
    #[serde(default)]
    name: String,
    #[serde(rename = "type")]
    record_type: String,
    content: Value,
    #[serde(default)]
    ttl: Value,
}

impl WireRecord {
    fn into_record(self) -> Result<ApiRecord, DnsApiError> {
        let content = match self.content {
            Value::String(one) => vec![one],
            Value::Array(many) => many
                .into_iter()
                .map(|v| match v {
                    Value::String(s) => Ok(s),
                    other => Err(DnsApiError::Unexpected(format!("content value {other}"))),
                })
                .collect::<Result<_, _>>()?,
            other => return Err(DnsApiError::Unexpected(format!("content {other}"))),
        };
        let ttl = match &self.ttl {
            Value::Number(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
            Value::String(s) => s.parse().ok(),
            Value::Null => Some(DEFAULT_TTL),
            _ => None,
        }
        .ok_or_else(|| DnsApiError::Unexpected(format!("ttl {}", self.ttl)))?;
        Ok(ApiRecord {
            name: self.name,
            record_type: self.record_type.to_ascii_uppercase(),
            content,
            ttl,
        })
    }
}

pub struct DnsApi {
    base: String,
    username: String,
    password: Sensitive<String>,
    client: reqwest::Client,
    timeout: Duration,
}

impl std::fmt::Debug for DnsApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DnsApi")
            .field("base", &self.base)
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

impl DnsApi {
    /// `base` is `https://api.servercow.de/dns/v1` (plain HTTP only to loopback).
    pub fn new(base: &str, username: &str, password: &str) -> Result<DnsApi, CoreError> {
        let url = check_server(base)?;
        let client = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("cowdesk/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| CoreError::Internal(format!("HTTP client: {e}")))?;
        Ok(DnsApi {
            base: url.as_str().trim_end_matches('/').to_owned(),
            username: username.to_owned(),
            password: Sensitive::new(password.to_owned()),
            client,
            timeout: TIMEOUT,
        })
    }

    /// Gives up on a request (body included) after `timeout` instead of 20 s.
    pub fn with_request_timeout(mut self, timeout: Duration) -> DnsApi {
        self.timeout = timeout;
        self
    }

    fn url(&self, zone: &str) -> String {
        format!("{}/domains/{zone}", self.base)
    }

    fn request(&self, method: reqwest::Method, zone: &str) -> reqwest::RequestBuilder {
        self.client
            .request(method, self.url(zone))
            .timeout(self.timeout)
            .header("X-Auth-Username", &self.username)
            .header("X-Auth-Password", self.password.expose())
            .header("Content-Type", "application/json")
    }

    /// Every (name, type) set of the zone.
    pub async fn records(&self, zone: &str) -> Result<Vec<ApiRecord>, DnsApiError> {
        let body = send(self.request(reqwest::Method::GET, zone)).await?;
        match body {
            Value::Array(items) => items
                .into_iter()
                .map(|item| {
                    let mut record = serde_json::from_value::<WireRecord>(item)
                        .map_err(|e| DnsApiError::Unexpected(e.to_string()))?
                        .into_record()?;
                    record.name = relative_name(&record.name, zone);
                    Ok(record)
                })
                .collect(),
            other => Err(error_of(&other)
                .unwrap_or_else(|| DnsApiError::Unexpected("not a record list".into()))),
        }
    }

    /// Creates or replaces the whole (name, type) set with `content`.
    pub async fn replace(
        &self,
        zone: &str,
        name: &str,
        record_type: &str,
        content: &[String],
        ttl: u32,
    ) -> Result<(), DnsApiError> {
        let content = match content {
            [one] => Value::String(one.clone()),
            many => Value::from(many.to_vec()),
        };
        let body = serde_json::json!({
            "type": record_type,
            "name": name,
            "content": content,
            "ttl": ttl,
        });
        expect_ok(send(self.request(reqwest::Method::POST, zone).json(&body)).await?)
    }

    /// Removes the whole (name, type) set; the API wants the key in a JSON body.
    pub async fn delete(
        &self,
        zone: &str,
        name: &str,
        record_type: &str,
    ) -> Result<(), DnsApiError> {
        let body = serde_json::json!({ "type": record_type, "name": name });
        expect_ok(send(self.request(reqwest::Method::DELETE, zone).json(&body)).await?)
    }
}

async fn send(request: reqwest::RequestBuilder) -> Result<Value, DnsApiError> {
    let response = request
        .send()
        .await
        .map_err(|e| DnsApiError::Unreachable(e.without_url().to_string()))?;
    let status = response.status();
    let text = read_capped(response, MAX_ANSWER_BYTES).await?;
    let body: Option<Value> = serde_json::from_slice(&text).ok();
    // Errors usually come with 200; whatever the status, an error body is an error.
    if let Some(err) = body.as_ref().and_then(error_of) {
        return Err(err);
    }
    if !status.is_success() {
        return Err(DnsApiError::Unexpected(format!("HTTP {}", status.as_u16())));
    }
    body.ok_or_else(|| DnsApiError::Unexpected("not JSON".into()))
}

/// The body, refused as soon as it is known to exceed `limit` bytes (before reading it
/// when the length is announced, otherwise while it streams in).
async fn read_capped(
    mut response: reqwest::Response,
    limit: usize,
) -> Result<Vec<u8>, DnsApiError> {
    let too_large = || DnsApiError::Unexpected(format!("the answer is larger than {limit} bytes"));
    if response.content_length().is_some_and(|n| n > limit as u64) {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| DnsApiError::Unreachable(e.without_url().to_string()))?
    {
        if body.len() + chunk.len() > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

fn error_of(body: &Value) -> Option<DnsApiError> {
    let message = body
        .get("error")?
        .as_str()
        .unwrap_or("unknown error")
        .to_owned();
    let lower = message.to_ascii_lowercase();
    Some(if lower.contains("authentication") {
        DnsApiError::Authentication
    } else if lower.contains("no such domain") {
        DnsApiError::NoSuchDomain
    } else {
        DnsApiError::Refused(message)
    })
}

/// A record name relative to `zone`, however the API lists it: relative (as documented),
/// or as a full domain name with or without the final dot.
fn relative_name(name: &str, zone: &str) -> String {
    let bare = name.trim_end_matches('.');
    if bare.eq_ignore_ascii_case(zone) {
        return String::new();
    }
    let lower = bare.to_ascii_lowercase();
    match lower
        .strip_suffix(&zone.to_ascii_lowercase())
        .and_then(|s| s.strip_suffix('.'))
    {
        Some(sub) => sub.to_owned(),
        None => bare.to_owned(),
    }
}

fn expect_ok(body: Value) -> Result<(), DnsApiError> {
    match body.get("message").and_then(Value::as_str) {
        Some("ok") => Ok(()),
        _ => Err(DnsApiError::Unexpected(format!("answer {body}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dnsapi_errors_are_recognised_in_a_200_body() {
        let auth = serde_json::json!({"error": "authentication failed"});
        assert!(matches!(error_of(&auth), Some(DnsApiError::Authentication)));
        let scope = serde_json::json!({"error": "no such domain in user context"});
        assert!(matches!(error_of(&scope), Some(DnsApiError::NoSuchDomain)));
        let kind =
            serde_json::json!({"error": "parameter type must be cname, txt, tlsa, caa, a or aaaa"});
        assert!(
            matches!(error_of(&kind), Some(DnsApiError::Refused(m)) if m.contains("parameter type"))
        );
        assert!(error_of(&serde_json::json!({"message": "ok"})).is_none());
    }

    #[test]
    fn dnsapi_records_accept_string_or_array_content() {
        let one: WireRecord =
            serde_json::from_value(serde_json::json!({"name": "", "type": "mx", "content": "10 hosted.mailcow.de.", "ttl": "3600"})).unwrap();
        let one = one.into_record().unwrap();
        assert_eq!(
            (one.record_type.as_str(), one.content.len(), one.ttl),
            ("MX", 1, 3600)
        );
        let many: WireRecord = serde_json::from_value(
            serde_json::json!({"name": "", "type": "TXT", "content": ["a", "b"], "ttl": 300}),
        )
        .unwrap();
        assert_eq!(many.into_record().unwrap().content, ["a", "b"]);
    }

    #[test]
    fn trust_api_record_names_are_made_relative() {
        let zone = "mueller-webdesign.de";
        assert_eq!(relative_name("_acme-challenge", zone), "_acme-challenge");
        assert_eq!(
            relative_name("_acme-challenge.www.mueller-webdesign.de", zone),
            "_acme-challenge.www"
        );
        assert_eq!(relative_name("mueller-webdesign.de.", zone), "");
        assert_eq!(relative_name("", zone), "");
        let zero: WireRecord = serde_json::from_value(
            serde_json::json!({"name": "", "type": "A", "content": "203.0.113.7", "ttl": 0}),
        )
        .unwrap();
        assert_eq!(zero.into_record().unwrap().ttl, 0);
    }

    #[test]
    fn dnsapi_password_is_not_in_debug_output() {
        let api = DnsApi::new("https://api.servercow.de/dns/v1", "user", "s3cret-pass").unwrap();
        assert!(!format!("{api:?}").contains("s3cret-pass"));
    }
}
