//! A Managed (or self-hosted) mailcow through an API key (`X-API-Key`, EXTERNAL-APIS.md
//! §3): `add/*` takes the attribute object as JSON, `edit/*` `{items, attr}`, `delete/*` a
//! raw JSON array. A read-only key's writes are refused here, before anything is sent.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Mutex;

use reqwest::header::CONTENT_TYPE;
use reqwest::{Response, StatusCode};
use serde_json::{json, Value};

use super::error::MailcowError;
use super::http::{self, MAX_JSON_BYTES};
use super::model::Access;
use super::ops::{Transport, Write};
use crate::portal::Sensitive;

#[derive(Debug)]
pub struct ApiKeyClient {
    base: String,
    key: Sensitive<String>,
    client: reqwest::Client,
    access: Mutex<Option<Access>>,
    requests: AtomicU32,
}

/// A key as mailcow makes them (five groups of six hex digits joined by `-`) or any
/// other the server would accept: letters, digits and `-` (it strips everything else).
fn check_key(key: &str) -> Result<&str, MailcowError> {
    let key = key.trim();
    if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(MailcowError::invalid(
            "api_key",
            "Paste the API key as the mailcow admin interface shows it (for example 1a2b3c-4d5e6f-…).",
            "Fügen Sie den API-Schlüssel so ein, wie die mailcow-Administration ihn zeigt (zum Beispiel 1a2b3c-4d5e6f-…).",
        ));
    }
    Ok(key)
}

impl ApiKeyClient {
    /// `access` is what the user said the key is, if anything; [`Self::probe_access`]
    /// finds out for sure, and a 403 corrects it.
    pub fn new(
        server: &str,
        key: &str,
        access: Option<Access>,
    ) -> Result<ApiKeyClient, MailcowError> {
        Ok(ApiKeyClient {
            base: http::base_url(server)?,
            key: Sensitive::new(check_key(key)?.to_owned()),
            client: http::client()?,
            access: Mutex::new(access),
            requests: AtomicU32::new(0),
        })
    }

    pub fn server(&self) -> &str {
        &self.base
    }

    /// What the key may do, as far as known.
    pub fn access(&self) -> Option<Access> {
        *self.access.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn set_access(&self, access: Access) {
        *self.access.lock().unwrap_or_else(|p| p.into_inner()) = Some(access);
    }

    /// HTTP requests sent so far.
    pub fn requests(&self) -> u32 {
        self.requests.load(Ordering::SeqCst)
    }

    fn request(&self, method: reqwest::Method, route: &str) -> reqwest::RequestBuilder {
        self.requests.fetch_add(1, Ordering::SeqCst);
        let mut key = reqwest::header::HeaderValue::from_str(self.key.expose())
            .unwrap_or_else(|_| reqwest::header::HeaderValue::from_static(""));
        key.set_sensitive(true);
        self.client
            .request(method, format!("{}/api/v1/{route}", self.base))
            .header("X-API-Key", key)
    }

    /// Checks the key and finds out whether it may write, changing nothing: an edit with
    /// no attributes, which mailcow refuses with 403 for a read-only key before anything
    /// else, and answers "Cannot find attributes" for a read-write key.
    pub async fn probe_access(&self) -> Result<Access, MailcowError> {
        let response = self
            .request(reqwest::Method::POST, "edit/mailbox")
            .send()
            .await
            .map_err(http::transport)?;
        let access = match response.status() {
            StatusCode::FORBIDDEN => Access::ReadOnly,
            StatusCode::OK => Access::ReadWrite,
            StatusCode::UNAUTHORIZED => return Err(unauthorized(response).await),
            other => {
                return Err(MailcowError::Unexpected(format!(
                    "the access probe answered HTTP {}",
                    other.as_u16()
                )))
            }
        };
        self.set_access(access);
        Ok(access)
    }
}

/// A 401: a bad key, or a good key from an address it is not allowed from.
async fn unauthorized(response: Response) -> MailcowError {
    let body = http::body(response, 64 * 1024).await.unwrap_or_default();
    let msg = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|v| v.get("msg").and_then(Value::as_str).map(str::to_owned))
        .unwrap_or_default();
    match msg.strip_prefix("api access denied for ip ") {
        Some(ip) => MailcowError::ApiKeyIpNotAllowed(ip.trim().to_owned()),
        None => MailcowError::BadApiKey,
    }
}

async fn answer(response: Response, what: &str) -> Result<Value, MailcowError> {
    match response.status() {
        StatusCode::OK => {}
        StatusCode::UNAUTHORIZED => return Err(unauthorized(response).await),
        other => {
            return Err(MailcowError::Unexpected(format!(
                "{what} answered HTTP {}",
                other.as_u16()
            )))
        }
    }
    let body = http::body(response, MAX_JSON_BYTES).await?;
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(MailcowError::Unexpected(format!("{what}: empty answer")));
    }
    http::json(&body)
}

impl Transport for ApiKeyClient {
    async fn get(&self, path: &str) -> Result<Value, MailcowError> {
        let response = self
            .request(reqwest::Method::GET, path)
            .send()
            .await
            .map_err(http::transport)?;
        answer(response, path).await
    }

    async fn write(&self, write: Write) -> Result<Value, MailcowError> {
        if self.access() == Some(Access::ReadOnly) {
            return Err(MailcowError::ReadOnlyKey);
        }
        let body = match &write {
            Write::Add { attr, .. } => attr.expose().clone(),
            Write::Edit { items, attr, .. } => json!({"items": items, "attr": attr.expose()}),
            // A raw array: the spec's `{items: …}` form is refused.
            Write::Delete { items, .. } => items.clone(),
        };
        let response = self
            .request(reqwest::Method::POST, write.route())
            .header(CONTENT_TYPE, "application/json")
            .body(body.to_string())
            .send()
            .await
            .map_err(http::transport)?;
        if response.status() == StatusCode::FORBIDDEN {
            self.set_access(Access::ReadOnly);
            return Err(MailcowError::WriteForbidden);
        }
        answer(response, write.route()).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mailcow_api_key_shape_and_redaction() {
        let key = "6fd01a-fa9e44-25ed16-074464-b95c50";
        let client = ApiKeyClient::new("https://mail.example.de", key, None).unwrap();
        assert!(!format!("{client:?}").contains(key));
        assert_eq!(client.access(), None);
        for bad in ["", "   ", "key with spaces", "ä-b"] {
            let err = ApiKeyClient::new("https://mail.example.de", bad, None).unwrap_err();
            assert_eq!(err.field(), Some("api_key"));
        }
        assert!(ApiKeyClient::new("http://mail.example.de", key, None).is_err());
    }
}
