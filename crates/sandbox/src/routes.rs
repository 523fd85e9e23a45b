//! The HTTP surface: cowdesk's portal contract (docs/portal-api.yaml).

use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, MethodRouter};
use axum::{Json, Router};
use cowdesk_model::{
    ApiError, ApiErrorBody, Permission, Resource, Ticket, TicketStatus, TokenResponse,
};
use serde::Serialize;
use serde_json::Value;

use crate::pdf;
use crate::state::{AccessToken, IdempotentTicket, SandboxHandle};

/// Every (method, path) the sandbox serves; the contract test compares it with the
/// OpenAPI document.
pub const ROUTES: &[(&str, &str)] = &[
    ("post", "/api/v1/auth/login"),
    ("post", "/api/v1/auth/refresh"),
    ("post", "/api/v1/auth/logout"),
    ("post", "/api/v1/auth/password-reset"),
    ("get", "/api/v1/accounts"),
    ("get", "/api/v1/accounts/{account_id}/profile"),
    ("get", "/api/v1/accounts/{account_id}/invoices"),
    ("get", "/api/v1/accounts/{account_id}/invoices/{number}/pdf"),
    ("get", "/api/v1/accounts/{account_id}/mandates"),
    ("get", "/api/v1/accounts/{account_id}/services"),
    ("get", "/api/v1/accounts/{account_id}/domains"),
    ("get", "/api/v1/accounts/{account_id}/mailboxes"),
    ("get", "/api/v1/accounts/{account_id}/users"),
    ("get", "/api/v1/accounts/{account_id}/tickets"),
    ("post", "/api/v1/accounts/{account_id}/tickets"),
];

const DEFAULT_PER_PAGE: u32 = 100;
const MAX_PER_PAGE: u32 = 500;

/// The router is built from `ROUTES`, so the list the contract test checks is exactly
/// what is served.
pub fn router(handle: SandboxHandle) -> Router {
    let mut by_path: BTreeMap<&str, MethodRouter<SandboxHandle>> = BTreeMap::new();
    for (method, path) in ROUTES {
        let Some(endpoint) = endpoint(method, path) else {
            // Unreachable while the unit test below passes.
            tracing::error!("no handler for {method} {path}");
            continue;
        };
        let merged = match by_path.remove(path) {
            Some(existing) => existing.merge(endpoint),
            None => endpoint,
        };
        by_path.insert(path, merged);
    }
    by_path
        .into_iter()
        .fold(Router::new(), |router, (path, endpoint)| {
            router.route(path, endpoint)
        })
        .fallback(|| async { error(StatusCode::NOT_FOUND, "not_found", "No such resource.") })
        .method_not_allowed_fallback(|| async {
            error(
                StatusCode::METHOD_NOT_ALLOWED,
                "not_found",
                "This resource does not answer that method.",
            )
        })
        .layer(middleware::from_fn_with_state(
            handle.clone(),
            count_and_fault,
        ))
        .with_state(handle)
}

/// The handler of one (method, path) of `ROUTES`.
fn endpoint(method: &str, path: &str) -> Option<MethodRouter<SandboxHandle>> {
    let endpoint = match (method, path.strip_prefix("/api/v1")?) {
        ("post", "/auth/login") => post(login),
        ("post", "/auth/refresh") => post(refresh),
        ("post", "/auth/logout") => post(logout),
        ("post", "/auth/password-reset") => post(password_reset),
        ("get", "/accounts") => get(accounts),
        ("get", "/accounts/{account_id}/profile") => get(profile),
        ("get", "/accounts/{account_id}/invoices/{number}/pdf") => get(invoice_pdf),
        ("post", "/accounts/{account_id}/tickets") => post(create_ticket),
        ("get", rest) => {
            let segment = rest.strip_prefix("/accounts/{account_id}/")?;
            let resource = Resource::ALL
                .into_iter()
                .find(|r| r.path() == segment && *r != Resource::Profile)?;
            get(
                move |state: State<SandboxHandle>,
                      Path(account_id): Path<String>,
                      query: Query<HashMap<String, String>>,
                      headers: HeaderMap| {
                    collection(state, account_id, resource, query, headers)
                },
            )
        }
        _ => return None,
    };
    Some(endpoint)
}

/// Counts every request and answers with an injected fault when one matches.
async fn count_and_fault(State(h): State<SandboxHandle>, request: Request, next: Next) -> Response {
    h.count_request();
    let fault = h.lock().take_fault(request.uri().path());
    match fault {
        None => next.run(request).await,
        Some(fault) => {
            let status =
                StatusCode::from_u16(fault.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let code = if status == StatusCode::TOO_MANY_REQUESTS {
                "rate_limited"
            } else {
                "server_error"
            };
            let mut response = error(status, code, "Injected fault.");
            if let Some(seconds) = fault.retry_after {
                if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
                    response.headers_mut().insert(header::RETRY_AFTER, value);
                }
            }
            response
        }
    }
}

// ----- auth -----------------------------------------------------------------------------

async fn login(State(h): State<SandboxHandle>, body: Bytes) -> Response {
    let body = match json_object(&body) {
        Ok(body) => body,
        Err(response) => return response,
    };
    let email = string_field(&body, "email");
    let password = string_field(&body, "password");
    let mut fields = BTreeMap::new();
    match &email {
        None => {
            fields.insert("email".into(), "Enter your e-mail address.".into());
        }
        Some(e) if !plausible_email(e) => {
            fields.insert("email".into(), "This is not an e-mail address.".into());
        }
        _ => {}
    }
    if password.is_none() {
        fields.insert("password".into(), "Enter your password.".into());
    }
    if !fields.is_empty() {
        return validation(fields);
    }
    let (email, password) = (email.unwrap_or_default(), password.unwrap_or_default());
    let mut state = h.lock();
    if state.passwords.get(&email) != Some(&password) {
        return error(
            StatusCode::UNAUTHORIZED,
            "invalid_credentials",
            "E-mail address or password is wrong.",
        );
    }
    let Some(refresh_token) = random_token() else {
        return no_randomness();
    };
    state
        .refresh_tokens
        .insert(refresh_token.clone(), email.clone());
    match issue_access(&h, &mut state.access_tokens, email, refresh_token) {
        Some(tokens) => Json(tokens).into_response(),
        None => no_randomness(),
    }
}

async fn refresh(State(h): State<SandboxHandle>, body: Bytes) -> Response {
    let body = match json_object(&body) {
        Ok(body) => body,
        Err(response) => return response,
    };
    let Some(refresh_token) = string_field(&body, "refresh_token") else {
        return validation(BTreeMap::from([(
            "refresh_token".into(),
            "Missing.".into(),
        )]));
    };
    let mut state = h.lock();
    let Some(email) = state.refresh_tokens.get(&refresh_token).cloned() else {
        return error(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "The session has ended; sign in again.",
        );
    };
    match issue_access(&h, &mut state.access_tokens, email, refresh_token) {
        Some(tokens) => Json(tokens).into_response(),
        None => no_randomness(),
    }
}

async fn logout(State(h): State<SandboxHandle>, headers: HeaderMap, body: Bytes) -> Response {
    let email = match authenticate(&h, &headers) {
        Ok(email) => email,
        Err(response) => return response,
    };
    let body = match json_object(&body) {
        Ok(body) => body,
        Err(response) => return response,
    };
    let Some(refresh_token) = string_field(&body, "refresh_token") else {
        return validation(BTreeMap::from([(
            "refresh_token".into(),
            "Missing.".into(),
        )]));
    };
    let mut state = h.lock();
    // Only the login's own session can be ended; an unknown token is already ended.
    if state.refresh_tokens.get(&refresh_token) == Some(&email) {
        state.refresh_tokens.remove(&refresh_token);
        state
            .access_tokens
            .retain(|_, t| t.refresh_token != refresh_token);
    }
    StatusCode::NO_CONTENT.into_response()
}

async fn password_reset(body: Bytes) -> Response {
    let body = match json_object(&body) {
        Ok(body) => body,
        Err(response) => return response,
    };
    match string_field(&body, "email") {
        Some(email) if plausible_email(&email) => {
            // Same answer whether or not the address exists: no account enumeration.
            (StatusCode::ACCEPTED, Json(serde_json::json!({}))).into_response()
        }
        _ => validation(BTreeMap::from([(
            "email".into(),
            "This is not an e-mail address.".into(),
        )])),
    }
}

fn issue_access(
    h: &SandboxHandle,
    access_tokens: &mut HashMap<String, AccessToken>,
    email: String,
    refresh_token: String,
) -> Option<TokenResponse> {
    let access_token = random_token()?;
    access_tokens.insert(
        access_token.clone(),
        AccessToken {
            email,
            refresh_token: refresh_token.clone(),
            expires: Instant::now() + h.token_ttl(),
        },
    );
    Some(TokenResponse {
        access_token,
        refresh_token,
        token_type: "Bearer".into(),
        expires_in: h.token_ttl().as_secs(),
    })
}

/// The e-mail of the login behind the bearer token.
#[allow(clippy::result_large_err)]
fn authenticate(h: &SandboxHandle, headers: &HeaderMap) -> Result<String, Response> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let unauthorized = || {
        error(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Sign in to continue.",
        )
    };
    let token = token.ok_or_else(unauthorized)?;
    let state = h.lock();
    let access = state.access_tokens.get(token).ok_or_else(unauthorized)?;
    if access.expires <= Instant::now() {
        return Err(error(
            StatusCode::UNAUTHORIZED,
            "token_expired",
            "The access token has expired; refresh it.",
        ));
    }
    Ok(access.email.clone())
}

// ----- accounts and their resources -------------------------------------------------------

async fn accounts(State(h): State<SandboxHandle>, headers: HeaderMap) -> Response {
    let email = match authenticate(&h, &headers) {
        Ok(email) => email,
        Err(response) => return response,
    };
    let visible = h.lock().visible_accounts(&email);
    with_etag(&headers, &visible, |all| Json(all).into_response())
}

async fn profile(
    State(h): State<SandboxHandle>,
    Path(account_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Err(response) = authorised(&h, &headers, &account_id, Permission::Profile) {
        return response;
    }
    let state = h.lock();
    match state.accounts.iter().find(|a| a.account.id == account_id) {
        Some(data) => with_etag(&headers, &data.profile, |p| Json(p).into_response()),
        None => error(StatusCode::NOT_FOUND, "not_found", "No such account."),
    }
}

async fn collection(
    State(h): State<SandboxHandle>,
    account_id: String,
    resource: Resource,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let (page, per_page) = match paging(&query) {
        Ok(paging) => paging,
        Err(response) => return response,
    };
    if let Err(response) = authorised(&h, &headers, &account_id, resource.permission()) {
        return response;
    }
    let state = h.lock();
    let Some(data) = state.accounts.iter().find(|a| a.account.id == account_id) else {
        return error(StatusCode::NOT_FOUND, "not_found", "No such account.");
    };
    // Serialised straight from the shared data: no copy of a 10,000-item collection.
    match resource {
        Resource::Invoices => page_of(&headers, &data.invoices, page, per_page),
        Resource::Mandates => page_of(&headers, &data.mandates, page, per_page),
        Resource::Services => page_of(&headers, &data.services, page, per_page),
        Resource::Domains => page_of(&headers, &data.domains, page, per_page),
        Resource::Mailboxes => page_of(&headers, &data.mailboxes, page, per_page),
        Resource::Users => page_of(&headers, &data.users, page, per_page),
        Resource::Tickets => page_of(&headers, &data.tickets, page, per_page),
        Resource::Profile => error(StatusCode::NOT_FOUND, "not_found", "No such resource."),
    }
}

/// One page of `all`, with the ETag of the whole collection.
fn page_of<T: Serialize>(headers: &HeaderMap, all: &[T], page: u32, per_page: u32) -> Response {
    with_etag(headers, all, |all| {
        let total = all.len() as u64;
        let start = (u64::from(page - 1) * u64::from(per_page)).min(total) as usize;
        let end = start.saturating_add(per_page as usize).min(all.len());
        let next_page = (end < all.len()).then_some(page + 1);
        Json(Page {
            items: &all[start..end],
            page,
            per_page,
            total,
            next_page,
        })
        .into_response()
    })
}

/// `cowdesk_model::Page` borrowing its items.
#[derive(Serialize)]
struct Page<'a, T> {
    items: &'a [T],
    page: u32,
    per_page: u32,
    total: u64,
    next_page: Option<u32>,
}

async fn invoice_pdf(
    State(h): State<SandboxHandle>,
    Path((account_id, number)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Err(response) = authorised(&h, &headers, &account_id, Permission::Invoices) {
        return response;
    }
    let state = h.lock();
    let Some(data) = state.accounts.iter().find(|a| a.account.id == account_id) else {
        return error(StatusCode::NOT_FOUND, "not_found", "No such account.");
    };
    let Some(invoice) = data.invoices.iter().find(|i| i.number == number) else {
        return error(StatusCode::NOT_FOUND, "not_found", "No such invoice.");
    };
    let body = pdf::invoice(invoice, &data.account.name);
    ([(header::CONTENT_TYPE, "application/pdf")], body).into_response()
}

async fn create_ticket(
    State(h): State<SandboxHandle>,
    Path(account_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(response) = authorised(&h, &headers, &account_id, Permission::Tickets) {
        return response;
    }
    let body = match json_object(&body) {
        Ok(body) => body,
        Err(response) => return response,
    };
    let subject = string_field(&body, "subject").unwrap_or_default();
    let text = string_field(&body, "body").unwrap_or_default();
    let mut fields = BTreeMap::new();
    if subject.trim().is_empty() {
        fields.insert("subject".into(), "Enter a subject.".into());
    }
    if text.trim().is_empty() {
        fields.insert("body".into(), "Describe your request.".into());
    }
    if !fields.is_empty() {
        return validation(fields);
    }
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let mut state = h.lock();
    if let Some(key) = &key {
        if let Some(earlier) = state.idempotency.get(&(account_id.clone(), key.clone())) {
            if earlier.body == (subject.clone(), text.clone()) {
                return (StatusCode::OK, Json(earlier.ticket.clone())).into_response();
            }
            return error(
                StatusCode::CONFLICT,
                "conflict",
                "This Idempotency-Key was used for a different ticket.",
            );
        }
    }
    state.ticket_seq += 1;
    let ticket = Ticket {
        id: format!("{account_id}-t{}", state.ticket_seq),
        subject: subject.clone(),
        status: TicketStatus::Open,
        created_at: chrono::Utc::now(),
    };
    if let Some(data) = state
        .accounts
        .iter_mut()
        .find(|a| a.account.id == account_id)
    {
        data.tickets.insert(0, ticket.clone());
    }
    if let Some(key) = key {
        state.idempotency.insert(
            (account_id, key),
            IdempotentTicket {
                body: (subject, text),
                ticket: ticket.clone(),
            },
        );
    }
    (StatusCode::CREATED, Json(ticket)).into_response()
}

/// The account's data, if the caller is signed in, may see the account (else 404: no
/// hint that it exists) and its role holds `permission` (else 403).
#[allow(clippy::result_large_err)]
fn authorised(
    h: &SandboxHandle,
    headers: &HeaderMap,
    account_id: &str,
    permission: Permission,
) -> Result<(), Response> {
    let email = authenticate(h, headers)?;
    let state = h.lock();
    let Some(account) = state
        .visible_accounts(&email)
        .into_iter()
        .find(|a| a.id == account_id)
    else {
        return Err(error(
            StatusCode::NOT_FOUND,
            "not_found",
            "No such account.",
        ));
    };
    if !account.role.allows(permission) {
        return Err(respond(
            StatusCode::FORBIDDEN,
            ApiError {
                code: "forbidden".into(),
                message: "Your role on this account does not allow this.".into(),
                permission: Some(permission),
                fields: BTreeMap::new(),
            },
        ));
    }
    Ok(())
}

// ----- helpers ----------------------------------------------------------------------------

/// Answers 304 when the client already has this version, else renders with an ETag.
fn with_etag<T: Serialize + ?Sized>(
    headers: &HeaderMap,
    value: &T,
    render: impl FnOnce(&T) -> Response,
) -> Response {
    let etag = format!(
        "\"{:016x}\"",
        fnv1a(&serde_json::to_vec(value).unwrap_or_default())
    );
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|candidate| candidate.trim() == etag));
    let mut response = if matches {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        render(value)
    };
    if let Ok(value) = HeaderValue::from_str(&etag) {
        response.headers_mut().insert(header::ETAG, value);
    }
    response
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, b| {
        (hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[allow(clippy::result_large_err)]
fn paging(query: &HashMap<String, String>) -> Result<(u32, u32), Response> {
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

#[allow(clippy::result_large_err)]
fn json_object(body: &[u8]) -> Result<serde_json::Map<String, Value>, Response> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(validation(BTreeMap::from([(
            "body".into(),
            "Send a JSON object.".into(),
        )]))),
    }
}

fn string_field(body: &serde_json::Map<String, Value>, name: &str) -> Option<String> {
    body.get(name)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn plausible_email(email: &str) -> bool {
    match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        }
        None => false,
    }
}

/// 256 bits from the OS; `None` when it has no randomness to give (then no token is
/// handed out at all rather than a guessable one).
fn random_token() -> Option<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).ok()?;
    Some(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

fn no_randomness() -> Response {
    error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "server_error",
        "Could not create a session.",
    )
}

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

fn validation(fields: BTreeMap<String, String>) -> Response {
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

fn respond(status: StatusCode, error: ApiError) -> Response {
    (status, Json(ApiErrorBody { error })).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_route_has_a_handler() {
        for (method, path) in ROUTES {
            assert!(endpoint(method, path).is_some(), "{method} {path}");
        }
        assert!(endpoint("get", "/api/v1/accounts/{account_id}/secrets").is_none());
        assert!(endpoint("delete", "/api/v1/accounts").is_none());
    }
}
