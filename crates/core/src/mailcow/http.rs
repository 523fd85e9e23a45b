//! The HTTP side both mailcow clients share: HTTPS except to loopback, no redirects
//! followed, one constant User-Agent (a mailcow session is bound to it), timeouts, and
//! answers read up to a cap.

use std::time::Duration;

use reqwest::Response;

use super::error::MailcowError;
use crate::error::CoreError;
use crate::portal::check_server;

/// The User-Agent of every request: the web session is bound to it, so it never changes.
pub const USER_AGENT: &str = concat!("cowdesk/", env!("CARGO_PKG_VERSION"));
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Listing is slow on a large mailcow (EXTERNAL-APIS.md §3): reads get time.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(120);
/// A JSON answer: 10,000 mailboxes are about 15 MB pretty-printed.
pub(crate) const MAX_JSON_BYTES: usize = 64 * 1024 * 1024;
/// An HTML page of the web interface (the largest is about 250 KB).
pub(crate) const MAX_PAGE_BYTES: usize = 4 * 1024 * 1024;

/// The base address without a trailing slash; plain HTTP only to loopback.
pub(crate) fn base_url(server: &str) -> Result<String, MailcowError> {
    let url = check_server(server).map_err(|err| match err {
        CoreError::InsecureServer(address) => MailcowError::Insecure(address),
        _ => MailcowError::invalid(
            "server",
            "This is not a valid mailcow address (for example https://mail.example.de).",
            "Das ist keine gültige mailcow-Adresse (zum Beispiel https://mail.beispiel.de).",
        ),
    })?;
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

pub(crate) fn client() -> Result<reqwest::Client, MailcowError> {
    reqwest::Client::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(REQUEST_TIMEOUT)
        // A redirect could lead from HTTPS to plain HTTP, and the login's redirect is
        // its answer: read it, never follow it.
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(USER_AGENT)
        .build()
        .map_err(|e| MailcowError::Unexpected(format!("HTTP client: {e}")))
}

pub(crate) fn transport(err: reqwest::Error) -> MailcowError {
    // Without the URL: a session client's URLs carry nothing secret, but keep it plain.
    MailcowError::Unreachable(err.without_url().to_string())
}

/// The body, refused as soon as it is known to exceed `limit` bytes.
pub(crate) async fn body(mut response: Response, limit: usize) -> Result<Vec<u8>, MailcowError> {
    let too_large = || MailcowError::Unexpected(format!("an answer larger than {limit} bytes"));
    if response.content_length().is_some_and(|n| n > limit as u64) {
        return Err(too_large());
    }
    let mut out = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(transport)? {
        if out.len() + chunk.len() > limit {
            return Err(too_large());
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

pub(crate) fn json(bytes: &[u8]) -> Result<serde_json::Value, MailcowError> {
    serde_json::from_slice(bytes).map_err(|e| MailcowError::Unexpected(format!("not JSON ({e})")))
}

/// One path segment, percent-encoded.
pub(crate) fn segment(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}
