//! The HTTP surface: cowdesk's portal contract (docs/portal-api.yaml).

use std::collections::{BTreeMap, HashMap};

use axum::body::Bytes;
use axum::extract::DefaultBodyLimit;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put, MethodRouter};
use axum::{Json, Router};
use cowdesk_model::{
    NewTicket, Permission, Resource, Ticket, TicketAuthor, TicketMessage, TicketStatus,
    TicketThread,
};
use serde::Serialize;

use crate::auth::{self, authenticate, authorise};
use crate::billing::{self, ticket_extras, MAX_REQUEST_BYTES};
use crate::faults::count_and_fault;
use crate::http::{
    error, etag_of, json_object, not_found, paging, present_field, string_field, validation,
    with_etag,
};
use crate::state::{IdempotentTicket, SandboxHandle};
use crate::{domains, mandates, pdf};

/// Every (method, path) the sandbox serves. The router is built from this list, and the
/// contract test compares it with the OpenAPI document.
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
    // A ticket's conversation (issue 15).
    (
        "get",
        "/api/v1/accounts/{account_id}/tickets/{ticket_id}/messages",
    ),
    ("put", "/api/v1/accounts/{account_id}/profile"),
    ("get", "/api/v1/accounts/{account_id}/dpa"),
    // Domain transfer (issue 5).
    (
        "put",
        "/api/v1/accounts/{account_id}/domains/{name}/transfer-lock",
    ),
    (
        "post",
        "/api/v1/accounts/{account_id}/domains/{name}/authcode",
    ),
    // Payment mandates (issue 4).
    ("post", "/api/v1/accounts/{account_id}/mandates"),
    (
        "post",
        "/api/v1/accounts/{account_id}/mandates/{mandate_id}/default",
    ),
    (
        "post",
        "/api/v1/accounts/{account_id}/mandates/{mandate_id}/cancel",
    ),
    (
        "get",
        "/api/v1/accounts/{account_id}/mandate-approvals/{approval_id}",
    ),
    (
        "post",
        "/api/v1/accounts/{account_id}/mandate-approvals/{approval_id}/cancel",
    ),
];

/// Where the demo sandbox serves its secret service double.
pub(crate) const YOPASS_PREFIX: &str = "/yopass";

pub(crate) fn router(handle: SandboxHandle) -> Router {
    let mut by_path: BTreeMap<&str, MethodRouter<SandboxHandle>> = BTreeMap::new();
    for (method, path) in ROUTES {
        let Some(endpoint) = endpoint(method, path) else {
            // Cannot happen while the unit test below passes.
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
        // The payment provider's approval page: not part of the portal contract.
        .merge(mandates::provider_router())
        // The Servercow DNS API v1: not part of the portal contract either.
        .merge(crate::dnsapi::router())
        // The secret service (a Yopass 14 double), for the demo's secret links.
        .nest_service(
            YOPASS_PREFIX,
            crate::yopass::YopassDouble::new(Default::default()).router(),
        )
        .fallback(|| async { not_found("No such resource.") })
        .method_not_allowed_fallback(|| async {
            error(
                StatusCode::METHOD_NOT_ALLOWED,
                "not_found",
                "This resource does not answer that method.",
            )
        })
        // Keyed writes answer a retry from the first answer (inside the faults, so a
        // fault after the work still finds the answer kept).
        .layer(middleware::from_fn_with_state(
            handle.clone(),
            crate::idempotency::replay,
        ))
        // Tickets carry attachments (base64): more than axum's default 2 MB.
        .layer(DefaultBodyLimit::max(MAX_REQUEST_BYTES))
        .layer(middleware::from_fn_with_state(
            handle.clone(),
            count_and_fault,
        ))
        .with_state(handle)
}

/// The handler of one (method, path) of `ROUTES`.
fn endpoint(method: &str, path: &str) -> Option<MethodRouter<SandboxHandle>> {
    let endpoint = match (method, path.strip_prefix("/api/v1")?) {
        ("post", "/auth/login") => post(auth::login),
        ("post", "/auth/refresh") => post(auth::refresh),
        ("post", "/auth/logout") => post(auth::logout),
        ("post", "/auth/password-reset") => post(auth::password_reset),
        ("get", "/accounts") => get(accounts),
        ("get", "/accounts/{account_id}/profile") => get(profile),
        ("get", "/accounts/{account_id}/invoices/{number}/pdf") => get(invoice_pdf),
        ("post", "/accounts/{account_id}/tickets") => post(create_ticket),
        ("get", "/accounts/{account_id}/tickets/{ticket_id}/messages") => get(ticket_thread),
        ("put", "/accounts/{account_id}/profile") => put(billing::update_profile),
        ("get", "/accounts/{account_id}/dpa") => get(billing::dpa),
        ("put", "/accounts/{account_id}/domains/{name}/transfer-lock") => {
            put(domains::set_transfer_lock)
        }
        ("post", "/accounts/{account_id}/domains/{name}/authcode") => {
            post(domains::generate_authcode)
        }
        ("post", "/accounts/{account_id}/mandates") => post(mandates::create),
        ("post", "/accounts/{account_id}/mandates/{mandate_id}/default") => {
            post(mandates::make_default)
        }
        ("post", "/accounts/{account_id}/mandates/{mandate_id}/cancel") => post(mandates::cancel),
        ("get", "/accounts/{account_id}/mandate-approvals/{approval_id}") => {
            get(mandates::approval)
        }
        ("post", "/accounts/{account_id}/mandate-approvals/{approval_id}/cancel") => {
            post(mandates::cancel_approval)
        }
        ("get", rest) => {
            let segment = rest.strip_prefix("/accounts/{account_id}/")?;
            let resource = Resource::ALL
                .into_iter()
                .find(|r| r.path() == segment && *r != Resource::Profile)?;
            get(
                move |state: State<SandboxHandle>,
                      Path(account_id): Path<String>,
                      Query(query): Query<HashMap<String, String>>,
                      headers: HeaderMap| {
                    collection(state, account_id, resource, query, headers)
                },
            )
        }
        _ => return None,
    };
    Some(endpoint)
}

async fn accounts(State(h): State<SandboxHandle>, headers: HeaderMap) -> Response {
    let email = match authenticate(&h, &headers) {
        Ok(email) => email,
        Err(response) => return response,
    };
    let visible = h.lock().visible_accounts(&email);
    with_etag(&headers, &etag_of(&visible), || {
        Json(&visible).into_response()
    })
}

async fn profile(
    State(h): State<SandboxHandle>,
    Path(account_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Err(response) = authorise(&h, &headers, &account_id, Permission::Profile) {
        return response;
    }
    let mut state = h.lock();
    match state.account_with_etag(&account_id, Resource::Profile) {
        Some((data, etag)) => with_etag(&headers, &etag, || Json(&data.profile).into_response()),
        None => not_found("No such account."),
    }
}

async fn collection(
    State(h): State<SandboxHandle>,
    account_id: String,
    resource: Resource,
    query: HashMap<String, String>,
    headers: HeaderMap,
) -> Response {
    // Who asks comes first: a stranger learns nothing, not even which parameters are wrong.
    if let Err(response) = authorise(&h, &headers, &account_id, resource.permission()) {
        return response;
    }
    let (page, per_page) = match paging(&query) {
        Ok(paging) => paging,
        Err(response) => return response,
    };
    let mut state = h.lock();
    let shifted = page > 1
        && state
            .faults
            .take_page_shift(&path_of(&account_id, resource));
    let Some((data, etag)) = state.account_with_etag(&account_id, resource) else {
        return not_found("No such account.");
    };
    let paging = Paging {
        page,
        per_page,
        shifted,
    };
    // Pages are serialised straight from the shared data: no copy of a 10,000-item list.
    with_etag(&headers, &etag, || match resource {
        Resource::Invoices => page_of(&data.invoices, paging),
        Resource::Mandates => page_of(&data.mandates, paging),
        Resource::Services => page_of(&data.services, paging),
        Resource::Domains => page_of(&data.domains, paging),
        Resource::Mailboxes => page_of(&data.mailboxes, paging),
        Resource::Users => page_of(&data.users, paging),
        Resource::Tickets => page_of(&data.tickets, paging),
        Resource::Profile => not_found("No such resource."),
    })
}

/// `cowdesk_model::Page`, borrowing its items.
#[derive(Serialize)]
struct Page<'a, T> {
    items: &'a [T],
    page: u32,
    per_page: u32,
    total: u64,
    next_page: Option<u32>,
}

/// The page asked for, and whether it starts one item early (an injected page shift).
#[derive(Clone, Copy)]
struct Paging {
    page: u32,
    per_page: u32,
    shifted: bool,
}

/// The request path of a collection, as faults match it.
fn path_of(account_id: &str, resource: Resource) -> String {
    format!("/api/v1/accounts/{account_id}/{}", resource.path())
}

fn page_of<T: Serialize>(all: &[T], paging: Paging) -> Response {
    let Paging {
        page,
        per_page,
        shifted,
    } = paging;
    let (start, end, next_page) = window(all.len(), page, per_page);
    let start = if shifted {
        start.saturating_sub(1)
    } else {
        start
    };
    Json(Page {
        items: &all[start..end],
        page,
        per_page,
        total: all.len() as u64,
        next_page,
    })
    .into_response()
}

/// The item range of page `page` (from 1) and the next page number, if any.
fn window(len: usize, page: u32, per_page: u32) -> (usize, usize, Option<u32>) {
    let start = (page.max(1) as usize - 1)
        .saturating_mul(per_page as usize)
        .min(len);
    let end = start.saturating_add(per_page as usize).min(len);
    let next = if end < len { page.checked_add(1) } else { None };
    (start, end, next)
}

async fn invoice_pdf(
    State(h): State<SandboxHandle>,
    Path((account_id, number)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Err(response) = authorise(&h, &headers, &account_id, Permission::Invoices) {
        return response;
    }
    let state = h.lock();
    let Some(data) = state.account(&account_id) else {
        return not_found("No such account.");
    };
    let Some(invoice) = data.invoices.iter().find(|i| i.number == number) else {
        return not_found("No such invoice.");
    };
    let body = pdf::invoice(invoice, &data.account.name);
    let disposition = format!("inline; filename=\"{}.pdf\"", invoice.number);
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response()
}

async fn ticket_thread(
    State(h): State<SandboxHandle>,
    Path((account_id, ticket_id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Err(response) = authorise(&h, &headers, &account_id, Permission::Tickets) {
        return response;
    }
    let state = h.lock();
    let Some(data) = state.accounts.iter().find(|a| a.account.id == account_id) else {
        return not_found("No such account.");
    };
    let Some(ticket) = data.tickets.iter().find(|t| t.id == ticket_id) else {
        return not_found("No such ticket.");
    };
    Json(TicketThread {
        ticket: ticket.clone(),
        messages: data
            .ticket_messages
            .get(&ticket_id)
            .cloned()
            .unwrap_or_default(),
    })
    .into_response()
}

async fn create_ticket(
    State(h): State<SandboxHandle>,
    Path(account_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let account = match authorise(&h, &headers, &account_id, Permission::Tickets) {
        Ok(account) => account,
        Err(response) => return response,
    };
    let body = match json_object(&body) {
        Ok(body) => body,
        Err(response) => return response,
    };
    let subject = string_field(&body, "subject");
    let text = present_field(&body, "body");
    let (Some(subject), Some(text)) = (subject.clone(), text.clone()) else {
        let mut fields = BTreeMap::new();
        if subject.is_none() {
            fields.insert("subject".into(), "Enter a subject.".into());
        }
        if text.is_none() {
            fields.insert("body".into(), "Describe your request.".into());
        }
        return validation(fields);
    };
    let extras = match ticket_extras(&h, &account, &body) {
        Ok(extras) => extras,
        Err(response) => return response,
    };
    let request = NewTicket {
        subject: subject.clone(),
        body: text,
        category: extras.category,
        reference: extras.reference,
        attachments: extras.attachments,
    };
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(|k| (account_id.clone(), k.to_owned()));

    let mut state = h.lock();
    if let Some(earlier) = key.as_ref().and_then(|k| state.idempotency.get(k)) {
        if earlier.request == request {
            return (StatusCode::OK, Json(earlier.ticket.clone())).into_response();
        }
        return error(
            StatusCode::CONFLICT,
            "conflict",
            "This Idempotency-Key was used for a different ticket.",
        );
    }
    state.ticket_seq += 1;
    let ticket = Ticket {
        id: format!("{account_id}-t{}", state.ticket_seq),
        subject: subject.clone(),
        status: TicketStatus::Open,
        created_at: chrono::Utc::now(),
    };
    let Some(data) = state
        .accounts
        .iter_mut()
        .find(|a| a.account.id == account_id)
    else {
        return not_found("No such account.");
    };
    data.tickets.insert(0, ticket.clone());
    data.ticket_messages.insert(
        ticket.id.clone(),
        vec![TicketMessage {
            author: TicketAuthor::Customer,
            body: request.body.clone(),
            sent_at: ticket.created_at,
        }],
    );
    data.sort();
    state.forget_etags(&account_id, Some(Resource::Tickets));
    state
        .received
        .push((account_id.clone(), ticket.id.clone(), request.clone()));
    if let Some(key) = key {
        state.idempotency.insert(
            key,
            IdempotentTicket {
                request,
                ticket: ticket.clone(),
            },
        );
    }
    (StatusCode::CREATED, Json(ticket)).into_response()
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

    #[test]
    fn pages_split_without_gaps_or_overlap() {
        assert_eq!(window(7, 1, 3), (0, 3, Some(2)));
        assert_eq!(window(7, 2, 3), (3, 6, Some(3)));
        assert_eq!(window(7, 3, 3), (6, 7, None));
        assert_eq!(
            window(6, 2, 3),
            (3, 6, None),
            "a full last page has no next"
        );
        assert_eq!(window(7, 9, 3), (7, 7, None), "past the end is empty");
        assert_eq!(window(0, 1, 100), (0, 0, None));
        assert_eq!(window(7, u32::MAX, 500), (7, 7, None));
    }
}
