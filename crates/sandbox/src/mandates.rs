//! Mandate endpoints: add (SEPA at once; PayPal and card through an approval at the
//! provider), make default, cancel. Also a stand-in for the payment provider's approval
//! page (`/provider/approve/{id}`, approve / deny), which is not part of the portal
//! contract: in reality it is PayPal's or Stripe's page, opened in the system browser.

use std::collections::{BTreeMap, HashMap};

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, Duration, Utc};
use cowdesk_model::iban::mask_iban;
use cowdesk_model::{
    ApprovalStatus, Mandate, MandateApproval, MandateKind, MandateStatus, Permission, Resource,
    Role,
};
use serde_json::Value;

use crate::auth::{authorise, authorise_body};
use crate::http::{error, not_found, string_field, validation};
use crate::iban::{sepa_bic, sepa_iban, Refusal};
use crate::state::{SandboxHandle, State as SandboxState};

/// A valid IBAN whose (made-up) bank refuses direct debits: the sandbox answers 422 on
/// it, as the portal does for accounts that do not allow SEPA debits.
pub const NO_DEBIT_IBAN: &str = "DE02120300000000202051";

/// How long an approval link works.
const APPROVAL_LIFETIME: Duration = Duration::minutes(15);

/// Mandate bookkeeping that is not part of an account's data.
#[derive(Default)]
pub(crate) struct MandateState {
    approvals: HashMap<String, Approval>,
    /// (account id, Idempotency-Key) -> (request body, status, answer).
    idempotency: HashMap<(String, String), (Value, StatusCode, Value)>,
    seq: u64,
}

struct Approval {
    account_id: String,
    approval: MandateApproval,
}

impl MandateState {
    /// The approval, with its status brought up to date (expired once past its time).
    fn current(&mut self, id: &str, now: DateTime<Utc>) -> Option<&mut Approval> {
        let entry = self.approvals.get_mut(id)?;
        if entry.approval.status == ApprovalStatus::Pending && entry.approval.expires_at <= now {
            entry.approval.status = ApprovalStatus::Expired;
        }
        Some(entry)
    }
}

impl SandboxHandle {
    /// Gives `email` the role `role` on `account_id` (tests: a role without mandates).
    pub fn set_role(&self, email: &str, account_id: &str, role: Role) {
        let mut state = self.lock();
        for grant in state
            .grants
            .iter_mut()
            .filter(|g| g.email == email && g.account_id == account_id)
        {
            grant.role = role.clone();
        }
    }

    /// Lets the approval run out now (tests of the time limit).
    pub fn expire_approvals(&self) {
        let mut state = self.lock();
        for entry in state.mandates.approvals.values_mut() {
            entry.approval.expires_at = Utc::now();
        }
    }
}

/// `POST /accounts/{account_id}/mandates`: 201 with the SEPA mandate, 202 with the
/// approval for PayPal and card, 422 naming the wrong fields.
pub(crate) async fn create(
    State(h): State<SandboxHandle>,
    Path(account_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let body = match authorise_body(&h, &headers, &account_id, Permission::Mandates, &body) {
        Ok(body) => body,
        Err(response) => return response,
    };
    let request = Value::Object(body.clone());
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(|k| (account_id.clone(), k.to_owned()));
    let mut state = h.lock();
    if let Some(key) = &key {
        if let Some((earlier, status, answer)) = state.mandates.idempotency.get(key) {
            if *earlier == request {
                return (*status, Json(answer.clone())).into_response();
            }
            return error(
                StatusCode::CONFLICT,
                "conflict",
                "This Idempotency-Key was used for a different mandate.",
            );
        }
    }
    let kind = match body.get("kind").and_then(Value::as_str) {
        Some("sepa") => MandateKind::Sepa,
        Some("paypal") => MandateKind::Paypal,
        Some("card") => MandateKind::Card,
        _ => {
            return validation(BTreeMap::from([(
                "kind".into(),
                "Choose sepa, paypal or card.".into(),
            )]))
        }
    };
    let (status, answer) = match kind {
        MandateKind::Sepa => match sepa_mandate(&mut state, &account_id, &body) {
            Ok(mandate) => (StatusCode::CREATED, json(&mandate)),
            Err(response) => return response,
        },
        _ => {
            let Some(id) = random_id() else {
                return error(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "server_error",
                    "Could not start the approval.",
                );
            };
            let host = headers
                .get(header::HOST)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("127.0.0.1");
            let approval = MandateApproval {
                approval_url: format!("http://{host}/provider/approve/{id}"),
                id: id.clone(),
                kind,
                status: ApprovalStatus::Pending,
                mandate_id: None,
                expires_at: Utc::now() + APPROVAL_LIFETIME,
            };
            let answer = json(&approval);
            state.mandates.approvals.insert(
                id,
                Approval {
                    account_id: account_id.clone(),
                    approval,
                },
            );
            (StatusCode::ACCEPTED, answer)
        }
    };
    if let Some(key) = key {
        state
            .mandates
            .idempotency
            .insert(key, (request, status, answer.clone()));
    }
    (status, Json(answer)).into_response()
}

/// Checks the SEPA fields as the portal does and adds the mandate, active.
#[allow(clippy::result_large_err)] // an axum Response is the error to send
fn sepa_mandate(
    state: &mut SandboxState,
    account_id: &str,
    body: &serde_json::Map<String, Value>,
) -> Result<Mandate, Response> {
    let mut fields = BTreeMap::new();
    let holder = string_field(body, "holder");
    if holder.is_none() {
        fields.insert("holder".into(), "Enter the account holder.".into());
    }
    let iban = string_field(body, "iban").map(|i| sepa_iban(&i));
    match &iban {
        Some(Ok(iban)) if iban == NO_DEBIT_IBAN => {
            fields.insert(
                "iban".into(),
                "The bank of this account does not allow direct debits.".into(),
            );
        }
        Some(Ok(_)) => {}
        Some(Err(Refusal::NotSepa)) => {
            fields.insert("iban".into(), "Not an account in a SEPA country.".into());
        }
        _ => {
            fields.insert("iban".into(), "This is not a valid IBAN.".into());
        }
    }
    if let Some(bic) = string_field(body, "bic") {
        if !sepa_bic(&bic) {
            fields.insert("bic".into(), "This is not a valid BIC.".into());
        }
    }
    let (Some(Ok(iban)), true) = (iban, fields.is_empty()) else {
        return Err(validation(fields));
    };
    add_mandate(state, account_id, MandateKind::Sepa, mask_iban(&iban))
        .ok_or_else(|| not_found("No such account."))
}

/// A new active mandate; the default when the account has no active default.
fn add_mandate(
    state: &mut SandboxState,
    account_id: &str,
    kind: MandateKind,
    label: String,
) -> Option<Mandate> {
    state.mandates.seq += 1;
    let seq = state.mandates.seq;
    let data = state
        .accounts
        .iter_mut()
        .find(|a| a.account.id == account_id)?;
    let has_default = data
        .mandates
        .iter()
        .any(|m| m.is_default && m.status == MandateStatus::Active);
    let mandate = Mandate {
        id: format!("{account_id}-m{}", 100 + seq),
        kind,
        label,
        status: MandateStatus::Active,
        is_default: !has_default,
        created_on: Utc::now().date_naive(),
    };
    data.mandates.push(mandate.clone());
    data.sort();
    state.forget_etags(account_id, Some(Resource::Mandates));
    Some(mandate)
}

/// `GET /accounts/{account_id}/mandate-approvals/{approval_id}`.
pub(crate) async fn approval(
    State(h): State<SandboxHandle>,
    Path((account_id, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Err(response) = authorise(&h, &headers, &account_id, Permission::Mandates) {
        return response;
    }
    let mut state = h.lock();
    match state.mandates.current(&id, Utc::now()) {
        Some(entry) if entry.account_id == account_id => Json(&entry.approval).into_response(),
        _ => not_found("No such approval."),
    }
}

/// `POST /accounts/{account_id}/mandate-approvals/{approval_id}/cancel`: the link stops
/// working; nothing was created.
pub(crate) async fn cancel_approval(
    State(h): State<SandboxHandle>,
    Path((account_id, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Err(response) = authorise(&h, &headers, &account_id, Permission::Mandates) {
        return response;
    }
    let mut state = h.lock();
    match state.mandates.current(&id, Utc::now()) {
        Some(entry) if entry.account_id == account_id => {
            if entry.approval.status != ApprovalStatus::Pending {
                return error(
                    StatusCode::CONFLICT,
                    "conflict",
                    "This approval is no longer pending.",
                );
            }
            entry.approval.status = ApprovalStatus::Cancelled;
            Json(&entry.approval).into_response()
        }
        _ => not_found("No such approval."),
    }
}

/// `POST /accounts/{account_id}/mandates/{mandate_id}/default`: only active mandates.
pub(crate) async fn make_default(
    State(h): State<SandboxHandle>,
    Path((account_id, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    change_mandate(&h, &headers, &account_id, &id, |mandates, index| {
        if mandates[index].status != MandateStatus::Active {
            return Err("Only an active mandate can be the default.");
        }
        for (i, m) in mandates.iter_mut().enumerate() {
            m.is_default = i == index;
        }
        Ok(())
    })
}

/// `POST /accounts/{account_id}/mandates/{mandate_id}/cancel`.
pub(crate) async fn cancel(
    State(h): State<SandboxHandle>,
    Path((account_id, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    change_mandate(&h, &headers, &account_id, &id, |mandates, index| {
        let mandate = &mut mandates[index];
        if mandate.status == MandateStatus::Cancelled {
            return Err("This mandate is cancelled already.");
        }
        mandate.status = MandateStatus::Cancelled;
        mandate.is_default = false;
        Ok(())
    })
}

/// Applies `change` to one mandate of the account; 409 with its reason when it refuses.
fn change_mandate(
    h: &SandboxHandle,
    headers: &HeaderMap,
    account_id: &str,
    id: &str,
    change: impl FnOnce(&mut [Mandate], usize) -> Result<(), &'static str>,
) -> Response {
    if let Err(response) = authorise(h, headers, account_id, Permission::Mandates) {
        return response;
    }
    let mut state = h.lock();
    let Some(data) = state
        .accounts
        .iter_mut()
        .find(|a| a.account.id == account_id)
    else {
        return not_found("No such account.");
    };
    let Some(index) = data.mandates.iter().position(|m| m.id == id) else {
        return not_found("No such mandate.");
    };
    if let Err(reason) = change(&mut data.mandates, index) {
        return error(StatusCode::CONFLICT, "conflict", reason);
    }
    let answer = data.mandates[index].clone();
    state.forget_etags(account_id, Some(Resource::Mandates));
    Json(answer).into_response()
}

// ----- the payment provider's approval page ---------------------------------------------

/// The provider's pages, outside the portal contract.
pub(crate) fn provider_router() -> Router<SandboxHandle> {
    Router::new().route(
        "/provider/approve/{approval_id}",
        get(approval_page).post(decide),
    )
}

async fn approval_page(State(h): State<SandboxHandle>, Path(id): Path<String>) -> Response {
    let mut state = h.lock();
    let Some(entry) = state.mandates.current(&id, Utc::now()) else {
        return page(
            StatusCode::NOT_FOUND,
            "Unknown approval",
            "<p>This link is not valid.</p>",
        );
    };
    if entry.approval.status != ApprovalStatus::Pending {
        let status = format!("{:?}", entry.approval.status).to_lowercase();
        return page(
            StatusCode::OK,
            "Approval closed",
            &format!("<p data-status=\"{status}\">This approval is {status}.</p>"),
        );
    }
    let what = provider_name(entry.approval.kind);
    page(
        StatusCode::OK,
        &format!("{what}: approve a mandate for Servercow"),
        &format!(
            "<p>Servercow asks to charge future invoices to your {what} account.</p>\
             <form method=\"post\"><input type=\"hidden\" name=\"decision\" value=\"approve\">\
             <button id=\"approve\" type=\"submit\">Approve</button></form>\
             <form method=\"post\"><input type=\"hidden\" name=\"decision\" value=\"deny\">\
             <button id=\"deny\" type=\"submit\">Deny</button></form>"
        ),
    )
}

/// `decision=approve` creates the mandate (active); `decision=deny` creates nothing.
async fn decide(State(h): State<SandboxHandle>, Path(id): Path<String>, body: Bytes) -> Response {
    let decision = String::from_utf8_lossy(&body);
    let approve = match decision.trim() {
        "decision=approve" => true,
        "decision=deny" => false,
        _ => {
            return page(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Choose",
                "<p>Approve or deny.</p>",
            )
        }
    };
    let mut guard = h.lock();
    let state = &mut *guard;
    let (account_id, kind) = match state.mandates.current(&id, Utc::now()) {
        Some(entry) if entry.approval.status == ApprovalStatus::Pending => {
            (entry.account_id.clone(), entry.approval.kind)
        }
        Some(_) => {
            return page(
                StatusCode::CONFLICT,
                "Approval closed",
                "<p>This approval is no longer open.</p>",
            )
        }
        None => {
            return page(
                StatusCode::NOT_FOUND,
                "Unknown approval",
                "<p>This link is not valid.</p>",
            )
        }
    };
    let (status, mandate_id) = if approve {
        let label = match kind {
            MandateKind::Card => "Visa •••• 4242".to_owned(),
            _ => state
                .account(&account_id)
                .map(|d| d.profile.email.clone())
                .unwrap_or_default(),
        };
        let mandate = add_mandate(state, &account_id, kind, label);
        (ApprovalStatus::Approved, mandate.map(|m| m.id))
    } else {
        (ApprovalStatus::Denied, None)
    };
    if let Some(entry) = state.mandates.approvals.get_mut(&id) {
        entry.approval.status = status;
        entry.approval.mandate_id = mandate_id;
    }
    let (title, text) = if approve {
        ("Approved", "Approved. You can return to cowdesk.")
    } else {
        ("Denied", "Denied. Nothing was set up.")
    };
    page(
        StatusCode::OK,
        title,
        &format!("<p id=\"result\">{text}</p>"),
    )
}

fn provider_name(kind: MandateKind) -> &'static str {
    match kind {
        MandateKind::Card => "credit card (Stripe)",
        _ => "PayPal",
    }
}

fn page(status: StatusCode, title: &str, body: &str) -> Response {
    (
        status,
        Html(format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title></head>\
             <body><h1>{title}</h1>{body}<p><small>cowdesk sandbox: a stand-in for the payment provider.</small></p></body></html>"
        )),
    )
        .into_response()
}

fn json<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// 128 random bits from the OS, as hex; `None` without randomness.
fn random_id() -> Option<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).ok()?;
    Some(bytes.iter().map(|b| format!("{b:02x}")).collect())
}
