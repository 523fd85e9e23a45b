//! The customer portal's HTTP API (docs/portal-api.yaml): sign-in, token refresh,
//! conditional and paginated reads, retries. Credentials only travel over HTTPS (plain
//! HTTP is allowed to loopback hosts, for the local sandbox).

use std::fmt;
use std::future::Future;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::stream::{FuturesOrdered, StreamExt};
use reqwest::header::{HeaderMap, AUTHORIZATION, ETAG, IF_NONE_MATCH, RETRY_AFTER};
pub(crate) use reqwest::Method;
use reqwest::{RequestBuilder, Response, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use url::Url;

use crate::error::CoreError;

mod billing;
mod tickets;
pub(crate) use billing::invoice_pdf_path;
mod preview;
pub use preview::preview_server;

use crate::model::{
    Account, ApiErrorBody, LoginRequest, Page, PasswordResetRequest, Profile, RefreshRequest,
    Resource, TokenResponse,
};

const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);
const MAX_ATTEMPTS: u32 = 3;
const FIRST_BACKOFF: Duration = Duration::from_millis(200);
const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);
/// The largest page the portal serves: fewest round trips for a whole collection.
const PER_PAGE: u32 = 500;
/// The largest JSON answer read: a full page is well under 1 MB, so anything near this
/// is a broken server or proxy, and reading on would only exhaust memory.
pub const MAX_JSON_BYTES: usize = 16 * 1024 * 1024;

/// The header that makes a write safe to retry (docs/portal-api.yaml).
pub(crate) const IDEMPOTENCY_KEY: &str = "Idempotency-Key";

/// A key unique to one intended write: every attempt of that write sends the same one,
/// so the portal does it once however often the answer is lost.
pub(crate) fn idempotency_key() -> String {
    static SEQ: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let seq = SEQ.fetch_add(1, Ordering::SeqCst);
    format!("cowdesk-{}-{nanos:x}-{seq}", std::process::id())
}

/// A value that must never reach a log: Debug prints a placeholder.
#[derive(Clone, PartialEq, Eq)]
pub struct Sensitive<T>(T);

impl<T> Sensitive<T> {
    pub fn new(value: T) -> Sensitive<T> {
        Sensitive(value)
    }

    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T> fmt::Debug for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Sensitive(<redacted>)")
    }
}

/// The result of a conditional read.
#[derive(Debug, Clone, PartialEq)]
pub enum Fetched<T> {
    /// 304: the server's copy still has the ETag we sent.
    Unchanged,
    Fresh {
        value: T,
        etag: Option<String>,
    },
}

/// What the core needs from the portal.
pub trait Portal: Send + Sync {
    /// Signs in and keeps the tokens.
    fn login(
        &self,
        email: &str,
        password: &str,
    ) -> impl Future<Output = Result<(), CoreError>> + Send;
    /// Revokes the refresh token (and its access tokens) on the server.
    fn logout(&self) -> impl Future<Output = Result<(), CoreError>> + Send;
    fn request_password_reset(
        &self,
        email: &str,
    ) -> impl Future<Output = Result<(), CoreError>> + Send;
    /// The accounts the login can see (not paginated), or Unchanged when `etag` still
    /// matches.
    fn accounts(
        &self,
        etag: Option<&str>,
    ) -> impl Future<Output = Result<Fetched<Vec<Account>>, CoreError>> + Send;
    /// An account's profile, or Unchanged when `etag` still matches.
    fn profile(
        &self,
        account_id: &str,
        etag: Option<&str>,
    ) -> impl Future<Output = Result<Fetched<Profile>, CoreError>> + Send;
    /// A whole collection (every page), or Unchanged when `etag` still matches.
    fn collection<T: DeserializeOwned + Send>(
        &self,
        account_id: &str,
        resource: Resource,
        etag: Option<&str>,
    ) -> impl Future<Output = Result<Fetched<Vec<T>>, CoreError>> + Send;
    /// HTTP requests sent so far, retries included.
    fn requests(&self) -> u32;
}

/// Refuses plain HTTP except to loopback hosts, before anything is sent.
pub fn check_server(server: &str) -> Result<Url, CoreError> {
    let trimmed = server.trim().trim_end_matches('/');
    let url = Url::parse(trimmed).map_err(|_| {
        CoreError::field(
            "server",
            "This is not a valid portal address.",
            "Das ist keine gültige Portal-Adresse.",
        )
    })?;
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        "http" => Err(CoreError::InsecureServer(trimmed.to_owned())),
        _ => Err(CoreError::field(
            "server",
            "The portal address must start with https://.",
            "Die Portal-Adresse muss mit https:// beginnen.",
        )),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

#[derive(Debug, Default)]
struct Tokens {
    access: Option<Sensitive<String>>,
    refresh: Option<Sensitive<String>>,
}

/// Where a rotated refresh token goes at once (the keyring): the portal hands out a new
/// one on every refresh and refuses the old one from then on.
pub type TokenSink =
    Arc<dyn Fn(String) -> std::pin::Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync>;

struct Sink(TokenSink);

impl fmt::Debug for Sink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenSink")
    }
}

/// The portal over HTTPS with reqwest.
#[derive(Debug)]
pub struct HttpPortal {
    base: String,
    client: reqwest::Client,
    tokens: Mutex<Tokens>,
    requests: AtomicU32,
    request_timeout: Duration,
    /// One refresh at a time: with rotation, two at once would send the same refresh
    /// token and the second would be refused.
    refreshing: tokio::sync::Mutex<()>,
    sink: Option<Sink>,
}

impl HttpPortal {
    /// A client of the portal preview at `server`: an address the user entered, never a
    /// default, and never one of Servercow's own hosts (`preview_server`).
    pub fn new(server: &str) -> Result<HttpPortal, CoreError> {
        let url = preview_server(server)?;
        let client = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            // A redirect could lead from HTTPS to plain HTTP; the API never redirects.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("cowdesk/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| CoreError::Internal(format!("HTTP client: {e}")))?;
        Ok(HttpPortal {
            base: format!("{url}/api/v1"),
            client,
            tokens: Mutex::new(Tokens::default()),
            requests: AtomicU32::new(0),
            request_timeout: REQUEST_TIMEOUT,
            refreshing: tokio::sync::Mutex::new(()),
            sink: None,
        })
    }

    /// Hands every new refresh token to `sink` as soon as it arrives.
    pub fn with_token_sink(mut self, sink: TokenSink) -> HttpPortal {
        self.sink = Some(Sink(sink));
        self
    }

    /// Gives up on a request (body included) after `timeout` instead of the default 20 s.
    pub fn with_request_timeout(mut self, timeout: Duration) -> HttpPortal {
        self.request_timeout = timeout;
        self
    }

    /// A portal for a stored login: the refresh token gets an access token on first use.
    pub fn with_refresh_token(self, refresh_token: String) -> HttpPortal {
        self.lock().refresh = Some(Sensitive(refresh_token));
        self
    }

    /// The current refresh token, for the keyring.
    pub fn refresh_token(&self) -> Option<String> {
        self.lock().refresh.as_ref().map(|t| t.expose().clone())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Tokens> {
        self.tokens.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Sends with retries on 5xx and 429 (honouring Retry-After), none on other answers.
    /// Only a request that is safe to repeat is retried: a GET or PUT, or a write with an
    /// Idempotency-Key (the portal answers a repeat from its first answer). A write that
    /// may have reached the portal but got no answer is `Unconfirmed`, never "offline".
    async fn send(&self, build: impl Fn() -> RequestBuilder) -> Result<Response, CoreError> {
        let mut attempt = 1;
        loop {
            self.requests.fetch_add(1, Ordering::SeqCst);
            let request = build()
                .timeout(self.request_timeout)
                .build()
                .map_err(|e| CoreError::Internal(format!("request: {}", e.without_url())))?;
            let write = !matches!(*request.method(), Method::GET | Method::HEAD);
            let repeatable =
                request.method().is_idempotent() || request.headers().contains_key(IDEMPOTENCY_KEY);
            let response = match self.client.execute(request).await {
                Ok(response) => response,
                // Not connected: nothing was sent. Anything later: it may have arrived.
                Err(err) if write && !err.is_connect() => {
                    tracing::info!("write without answer: {}", err.without_url());
                    return Err(CoreError::Unconfirmed);
                }
                Err(err) => return Err(transport_error(err)),
            };
            let status = response.status();
            let busy = status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS;
            if !busy || !repeatable || attempt >= MAX_ATTEMPTS {
                return Ok(response);
            }
            let delay =
                retry_after(response.headers()).unwrap_or(FIRST_BACKOFF * 2u32.pow(attempt - 1));
            tracing::debug!(%status, ?delay, attempt, "portal busy, retrying");
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }

    async fn refresh(&self) -> Result<(), CoreError> {
        let seen = self.refresh_token();
        let _one_at_a_time = self.refreshing.lock().await;
        let Some(refresh_token) = self.refresh_token() else {
            return Err(CoreError::NotSignedIn);
        };
        if seen.as_ref() != Some(&refresh_token) && self.lock().access.is_some() {
            // Another request refreshed while this one waited: its tokens are current.
            return Ok(());
        }
        let body = RefreshRequest {
            refresh_token: refresh_token.clone(),
        };
        let url = self.url("/auth/refresh");
        // The portal rotates the refresh token: a retry after a lost answer must get the
        // same new token (one key for every attempt), not a 401 for the rotated one.
        let key = idempotency_key();
        let response = self
            .send(|| {
                self.client
                    .post(&url)
                    .header(IDEMPOTENCY_KEY, &key)
                    .json(&body)
            })
            .await
            .map_err(no_change)?;
        if response.status() == StatusCode::UNAUTHORIZED {
            return Err(CoreError::SessionExpired);
        }
        let tokens: TokenResponse = ok_json(response).await?;
        let rotated = tokens.refresh_token != refresh_token;
        {
            let mut guard = self.lock();
            guard.access = Some(Sensitive(tokens.access_token));
            guard.refresh = Some(Sensitive(tokens.refresh_token.clone()));
        }
        if let (true, Some(Sink(sink))) = (rotated, &self.sink) {
            sink(tokens.refresh_token).await;
        }
        Ok(())
    }

    /// An authenticated request; on `token_expired` refreshes once and sends again.
    async fn authed(
        &self,
        method: Method,
        path: &str,
        build: impl Fn(RequestBuilder) -> RequestBuilder,
    ) -> Result<Response, CoreError> {
        if self.lock().access.is_none() {
            self.refresh().await?;
        }
        let url = self.url(path);
        let mut refreshed = false;
        loop {
            let access = self.lock().access.clone().ok_or(CoreError::NotSignedIn)?;
            let response = self
                .send(|| {
                    build(self.client.request(method.clone(), &url))
                        .header(AUTHORIZATION, format!("Bearer {}", access.expose()))
                })
                .await?;
            if response.status().is_server_error() && method != Method::GET {
                // The write may or may not have been done: say so, never "try again".
                return Err(CoreError::Unconfirmed);
            }
            if response.status() != StatusCode::UNAUTHORIZED {
                return Ok(response);
            }
            let error = error_from(response).await;
            match error {
                ApiFailure::TokenExpired if !refreshed => {
                    refreshed = true;
                    self.refresh().await?;
                }
                _ => return Err(CoreError::SessionExpired),
            }
        }
    }

    /// GET with If-None-Match; the ETag of a 200 comes back with the body.
    async fn get_conditional<T: DeserializeOwned>(
        &self,
        path: &str,
        etag: Option<&str>,
    ) -> Result<Fetched<T>, CoreError> {
        Ok(match self.get_conditional_body(path, etag).await? {
            Fetched::Unchanged => Fetched::Unchanged,
            Fetched::Fresh { value, etag } => Fetched::Fresh {
                value: decode(&value)?,
                etag,
            },
        })
    }

    /// `get_conditional` before the body is decoded, compiled once for every type.
    async fn get_conditional_body(
        &self,
        path: &str,
        etag: Option<&str>,
    ) -> Result<Fetched<Vec<u8>>, CoreError> {
        let response = self
            .authed(Method::GET, path, |request| match etag {
                Some(tag) => request.header(IF_NONE_MATCH, tag),
                None => request,
            })
            .await?;
        if response.status() == StatusCode::NOT_MODIFIED {
            return Ok(Fetched::Unchanged);
        }
        let etag = response_etag(response.headers());
        let body = ok_bytes(response).await?;
        Ok(Fetched::Fresh { value: body, etag })
    }

    /// Every page of a collection; only page 1 is conditional (one ETag per collection).
    /// Should the collection change between pages, the next sync sees a new ETag and
    /// fetches it again.
    async fn get_collection<T: DeserializeOwned + Send>(
        &self,
        path: &str,
        etag: Option<&str>,
    ) -> Result<Fetched<Vec<T>>, CoreError> {
        let mut items = Vec::new();
        let mut take = |body: &[u8]| {
            let mut page: Page<T> = decode(body)?;
            items.append(&mut page.items);
            Ok(PageRead {
                next_page: page.next_page,
                pages: page_count(&page),
            })
        };
        let fetched = self.get_pages(path, etag, &mut take).await?;
        Ok(match fetched {
            Fetched::Unchanged => Fetched::Unchanged,
            Fetched::Fresh { etag, .. } => Fetched::Fresh { value: items, etag },
        })
    }

    /// The paging of `get_collection`, compiled once for every item type: `take` decodes
    /// a page's body and keeps its items.
    async fn get_pages(
        &self,
        path: &str,
        etag: Option<&str>,
        take: &mut (dyn FnMut(&[u8]) -> Result<PageRead, CoreError> + Send),
    ) -> Result<Fetched<()>, CoreError> {
        let (first, mut etag) = match self.get_conditional_body(&page_path(path, 1), etag).await? {
            Fetched::Unchanged => return Ok(Fetched::Unchanged),
            Fetched::Fresh { value, etag } => (value, etag),
        };
        let mut page = take(&first)?;
        // The pages are numbered one after another: the next few are asked for while one
        // is read, and answered in order. A guess a page's own `next_page` does not
        // confirm is dropped, and no more are made.
        let pages = page.pages;
        let ask = |number: u32| {
            let page_path = page_path(path, number);
            async move { (number, self.authed(Method::GET, &page_path, |r| r).await) }
        };
        let mut asked = 1;
        let mut ahead = FuturesOrdered::new();
        let mut answered = None;
        while let Some(next) = page.next_page {
            if answered.is_none() {
                ask_ahead(&mut ahead, &mut asked, pages, ask);
                answered = ahead.next().await;
            }
            let response = match answered.take() {
                Some((guess, response)) if guess == next => response?,
                _ => {
                    ahead = FuturesOrdered::new();
                    asked = u32::MAX;
                    self.authed(Method::GET, &page_path(path, next), |r| r)
                        .await?
                }
            };
            if response_etag(response.headers()) != etag {
                // Changed between pages: keep no ETag, so the next sync fetches it whole.
                etag = None;
            }
            // The requests first, so they are on their way before the reading starts.
            ask_ahead(&mut ahead, &mut asked, pages, ask);
            let read = async { take(&ok_bytes(response).await?) };
            let (read, head) = tokio::join!(read, ahead.next());
            answered = head;
            page = read?;
        }
        Ok(Fetched::Fresh { value: (), etag })
    }

    /// An authenticated request with an optional JSON body, answered with JSON: the
    /// status (a write may answer 200, 201 or 202) and the body. An `idempotency_key`
    /// makes a retried POST safe. Error answers become `CoreError`s.
    pub(crate) async fn call<B: Serialize + ?Sized + Sync, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
        idempotency_key: Option<&str>,
    ) -> Result<(StatusCode, T), CoreError> {
        let response = self
            .authed(method, path, |request| {
                let request = match idempotency_key {
                    Some(key) => request.header(IDEMPOTENCY_KEY, key),
                    None => request,
                };
                match body {
                    Some(body) => request.json(body),
                    None => request,
                }
            })
            .await?;
        let status = response.status();
        Ok((status, ok_json(response).await?))
    }
}

pub(crate) fn account_path(account_id: &str, rest: &str) -> String {
    format!("/accounts/{}/{rest}", segment(account_id))
}

/// One path segment, percent-encoded.
pub(crate) fn segment(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// What `get_pages` needs of a page once its items are kept.
struct PageRead {
    next_page: Option<u32>,
    pages: u32,
}

/// Pages of one collection on their way while one is read: a few connections, as a
/// browser would open, not one per page.
const PAGES_AHEAD: usize = 2;

/// Asks for the pages after `asked`, up to `pages`, until `PAGES_AHEAD` are on their way.
fn ask_ahead<F: Future>(
    ahead: &mut FuturesOrdered<F>,
    asked: &mut u32,
    pages: u32,
    ask: impl Fn(u32) -> F,
) {
    while ahead.len() < PAGES_AHEAD && *asked < pages {
        *asked += 1;
        ahead.push_back(ask(*asked));
    }
}

/// How many pages the first page says there are (a guess for asking ahead, never a limit).
fn page_count<T>(first: &Page<T>) -> u32 {
    let per_page = u64::from(first.per_page.max(1));
    u32::try_from(first.total.div_ceil(per_page)).unwrap_or(u32::MAX)
}

fn page_path(path: &str, page: u32) -> String {
    format!("{path}?page={page}&per_page={PER_PAGE}")
}

fn response_etag(headers: &HeaderMap) -> Option<String> {
    headers
        .get(ETAG)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let seconds: u64 = headers
        .get(RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    Some(Duration::from_secs(seconds).min(MAX_RETRY_AFTER))
}

/// Sign-in, refresh and reset change nothing the user sees: a missing answer there is
/// "the portal cannot be reached", not an unconfirmed change.
fn no_change(err: CoreError) -> CoreError {
    match err {
        CoreError::Unconfirmed => CoreError::Offline("no answer from the portal".into()),
        other => other,
    }
}

fn transport_error(err: reqwest::Error) -> CoreError {
    // reqwest's message names the URL, never headers or bodies, so no token leaks.
    if err.is_connect() || err.is_timeout() || err.is_request() {
        CoreError::Offline(err.to_string())
    } else {
        CoreError::Server(err.to_string())
    }
}

enum ApiFailure {
    TokenExpired,
    Other(CoreError),
}

async fn error_from(response: Response) -> ApiFailure {
    let status = response.status();
    let body: Option<ApiErrorBody> = response.json().await.ok();
    let error = body.map(|b| b.error);
    let code = error.as_ref().map(|e| e.code.as_str()).unwrap_or("");
    if status == StatusCode::UNAUTHORIZED && code == "token_expired" {
        return ApiFailure::TokenExpired;
    }
    ApiFailure::Other(match status {
        StatusCode::UNAUTHORIZED if code == "invalid_credentials" => CoreError::InvalidCredentials,
        StatusCode::UNAUTHORIZED => CoreError::SessionExpired,
        StatusCode::FORBIDDEN => CoreError::Forbidden {
            permission: error.as_ref().and_then(|e| e.permission),
        },
        StatusCode::NOT_FOUND => CoreError::NotFound,
        StatusCode::CONFLICT => CoreError::Conflict(error.map(|e| e.message).unwrap_or_default()),
        StatusCode::UNPROCESSABLE_ENTITY => server_fields(
            "Please check the highlighted fields.",
            "Bitte prüfen Sie die markierten Felder.",
            error.map(|e| e.fields).unwrap_or_default(),
        ),
        StatusCode::PAYLOAD_TOO_LARGE => {
            let (en, de) = (
                "The attachments are too large for the portal.",
                "Die Anhänge sind zu groß für das Portal.",
            );
            match error.map(|e| e.fields) {
                Some(fields) if !fields.is_empty() => server_fields(en, de, fields),
                _ => CoreError::field("attachments", en, de),
            }
        }
        StatusCode::TOO_MANY_REQUESTS => CoreError::RateLimited,
        other => CoreError::Server(format!("HTTP {}", other.as_u16())),
    })
}

/// A form error from the portal's field problems: the known texts in English and German,
/// any other as the portal worded it, marked as its words.
fn server_fields(
    message: &str,
    message_de: &str,
    fields: std::collections::BTreeMap<String, String>,
) -> CoreError {
    let mut server_words = false;
    let mut fields_de = std::collections::BTreeMap::new();
    for (field, text) in &fields {
        let text = crate::server_text::translate(text);
        server_words |= text.server_words;
        fields_de.insert(field.clone(), text.de);
    }
    CoreError::InvalidInput {
        message: message.to_owned(),
        message_de: message_de.to_owned(),
        fields,
        fields_de,
        server_words,
    }
}

async fn fail(response: Response) -> CoreError {
    match error_from(response).await {
        ApiFailure::TokenExpired => CoreError::SessionExpired,
        ApiFailure::Other(err) => err,
    }
}

async fn ok_json<T: DeserializeOwned>(response: Response) -> Result<T, CoreError> {
    decode(&ok_bytes(response).await?)
}

/// A successful answer's body; an error answer as its `CoreError`.
async fn ok_bytes(response: Response) -> Result<Vec<u8>, CoreError> {
    if !response.status().is_success() {
        return Err(fail(response).await);
    }
    read_capped(response, MAX_JSON_BYTES).await
}

fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, CoreError> {
    serde_json::from_slice(body).map_err(|e| CoreError::Server(format!("unexpected answer: {e}")))
}

/// The body, refused as soon as it is known to exceed `limit` bytes (before reading it
/// when the length is announced, otherwise while it streams in).
async fn read_capped(mut response: Response, limit: usize) -> Result<Vec<u8>, CoreError> {
    let too_large = || CoreError::Server(format!("the answer is larger than {limit} bytes"));
    if response.content_length().is_some_and(|n| n > limit as u64) {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(transport_error)? {
        if body.len() + chunk.len() > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

impl Portal for HttpPortal {
    async fn login(&self, email: &str, password: &str) -> Result<(), CoreError> {
        let body = LoginRequest {
            email: email.to_owned(),
            password: password.to_owned(),
        };
        let url = self.url("/auth/login");
        // Not retried (no key): a repeat would only open a second session.
        let response = self
            .send(|| self.client.post(&url).json(&body))
            .await
            .map_err(no_change)?;
        let tokens: TokenResponse = ok_json(response).await?;
        let mut guard = self.lock();
        guard.access = Some(Sensitive(tokens.access_token));
        guard.refresh = Some(Sensitive(tokens.refresh_token));
        Ok(())
    }

    async fn logout(&self) -> Result<(), CoreError> {
        let Some(refresh_token) = self.refresh_token() else {
            return Ok(());
        };
        let body = RefreshRequest { refresh_token };
        let response = self
            .authed(Method::POST, "/auth/logout", |r| r.json(&body))
            .await;
        *self.lock() = Tokens::default();
        let response = response?;
        if response.status().is_success() {
            Ok(())
        } else {
            Err(fail(response).await)
        }
    }

    async fn request_password_reset(&self, email: &str) -> Result<(), CoreError> {
        let body = PasswordResetRequest {
            email: email.to_owned(),
        };
        let url = self.url("/auth/password-reset");
        // Not retried (no key): a repeat could send the e-mail twice.
        let response = self
            .send(|| self.client.post(&url).json(&body))
            .await
            .map_err(no_change)?;
        if response.status().is_success() {
            Ok(())
        } else {
            Err(fail(response).await)
        }
    }

    async fn accounts(&self, etag: Option<&str>) -> Result<Fetched<Vec<Account>>, CoreError> {
        self.get_conditional("/accounts", etag).await
    }

    async fn profile(
        &self,
        account_id: &str,
        etag: Option<&str>,
    ) -> Result<Fetched<Profile>, CoreError> {
        self.get_conditional(&account_path(account_id, Resource::Profile.path()), etag)
            .await
    }

    async fn collection<T: DeserializeOwned + Send>(
        &self,
        account_id: &str,
        resource: Resource,
        etag: Option<&str>,
    ) -> Result<Fetched<Vec<T>>, CoreError> {
        self.get_collection(&account_path(account_id, resource.path()), etag)
            .await
    }

    fn requests(&self) -> u32 {
        self.requests.load(Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ErrorKind;

    #[test]
    fn plain_http_only_to_loopback() {
        assert!(check_server("https://portal.example.net").is_ok());
        assert!(check_server("http://127.0.0.1:8080").is_ok());
        assert!(check_server("http://localhost:8080/").is_ok());
        assert!(check_server("http://[::1]:8080").is_ok());
        let err = check_server("http://example.com").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InsecureServer);
        assert_eq!(
            check_server("ftp://example.com").unwrap_err().kind(),
            ErrorKind::InvalidInput
        );
    }

    #[test]
    fn sensitive_values_are_redacted_in_debug() {
        let secret = Sensitive::new("hunter2".to_owned());
        assert!(!format!("{secret:?}").contains("hunter2"));
        assert_eq!(secret.expose(), "hunter2");
    }

    #[test]
    fn retry_after_is_capped() {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, "3600".parse().unwrap());
        assert_eq!(retry_after(&headers), Some(MAX_RETRY_AFTER));
        headers.insert(RETRY_AFTER, "2".parse().unwrap());
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(2)));
    }
}
