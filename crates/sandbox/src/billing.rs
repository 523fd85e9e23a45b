//! Billing endpoints: the profile update (postal address, billing e-mails), the data
//! processing agreement as PDF, and what a ticket may carry besides subject and text
//! (category, reference, attachments with a size limit).

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::Engine as _;
use cowdesk_model::{
    Account, Permission, PostalAddress, Resource, TicketAttachment, TicketCategory,
};
use serde_json::{Map, Value};

use crate::auth::authorise;
use crate::http::{
    json_object, not_found, plausible_email, respond_error, string_field, validation,
};
use crate::pdf;
use crate::state::SandboxHandle;

/// All attachments of one ticket together, decoded.
pub const MAX_ATTACHMENT_BYTES: usize = 5 * 1024 * 1024;
/// The largest request body the sandbox reads at all (base64 makes files a third larger).
pub(crate) const MAX_REQUEST_BYTES: usize = 16 * 1024 * 1024;

/// What a ticket carries besides subject and text.
pub(crate) struct TicketExtras {
    pub category: Option<TicketCategory>,
    pub reference: Option<String>,
    pub attachments: Vec<TicketAttachment>,
}

/// Reads and checks category, reference and attachments of a ticket body: 422 for a
/// malformed one, 413 when the attachments are too large, 403 when a cancellation or
/// restore comes from a role without `services`.
#[allow(clippy::result_large_err)] // an axum Response is the error to send
pub(crate) fn ticket_extras(
    h: &SandboxHandle,
    account: &Account,
    body: &Map<String, Value>,
) -> Result<TicketExtras, Response> {
    let mut fields = BTreeMap::new();
    let category = match body.get("category") {
        None | Some(Value::Null) => None,
        Some(value) => match serde_json::from_value::<TicketCategory>(value.clone()) {
            Ok(category) => Some(category),
            Err(_) => {
                fields.insert("category".to_owned(), "Unknown category.".to_owned());
                None
            }
        },
    };
    let reference = string_field(body, "reference");
    let mut attachments = Vec::new();
    let mut total = 0usize;
    match body.get("attachments") {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) => {
            for item in items {
                let text = |name: &str| item.get(name).and_then(Value::as_str).map(str::to_owned);
                let (Some(file_name), Some(content_type), Some(data)) =
                    (text("file_name"), text("content_type"), text("data_base64"))
                else {
                    fields.insert(
                        "attachments".to_owned(),
                        "Each attachment needs file_name, content_type and data_base64.".to_owned(),
                    );
                    continue;
                };
                match base64::engine::general_purpose::STANDARD.decode(data.as_bytes()) {
                    Ok(bytes) if !bytes.is_empty() && !file_name.trim().is_empty() => {
                        total += bytes.len();
                        attachments.push(TicketAttachment {
                            file_name,
                            content_type,
                            data_base64: data,
                        });
                    }
                    _ => {
                        fields.insert(
                            "attachments".to_owned(),
                            "An attachment is empty or not base64.".to_owned(),
                        );
                    }
                }
            }
        }
        Some(_) => {
            fields.insert(
                "attachments".to_owned(),
                "Send a list of attachments.".to_owned(),
            );
        }
    }
    if !fields.is_empty() {
        return Err(validation(fields));
    }
    if total > MAX_ATTACHMENT_BYTES {
        let message = format!(
            "The attachments have {:.1} MB; at most 5 MB are accepted.",
            total as f64 / (1024.0 * 1024.0)
        );
        return Err(respond_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "validation",
            "The attachments are too large.",
            None,
            BTreeMap::from([("attachments".to_owned(), message)]),
        ));
    }
    if matches!(
        category,
        Some(TicketCategory::Cancellation | TicketCategory::Restore)
    ) && !account.role.allows(Permission::Services)
    {
        return Err(crate::http::forbidden(Permission::Services));
    }
    // The reference must name something of this account.
    if let (Some(category), Some(reference)) = (category, &reference) {
        let state = h.lock();
        let known = state
            .account(&account.id)
            .is_some_and(|data| match category {
                TicketCategory::PaymentMade | TicketCategory::PaymentExtension => {
                    data.invoices.iter().any(|i| &i.number == reference)
                }
                TicketCategory::Cancellation | TicketCategory::Restore => {
                    data.services.iter().any(|s| &s.id == reference)
                }
                TicketCategory::General => true,
            });
        if !known {
            return Err(validation(BTreeMap::from([(
                "reference".to_owned(),
                "Nothing of this account has this reference.".to_owned(),
            )])));
        }
    }
    Ok(TicketExtras {
        category,
        reference,
        attachments,
    })
}

/// `PUT /accounts/{id}/profile`: a new postal address and billing e-mail list.
pub(crate) async fn update_profile(
    State(h): State<SandboxHandle>,
    Path(account_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(response) = authorise(&h, &headers, &account_id, Permission::Profile) {
        return response;
    }
    let body = match json_object(&body) {
        Ok(body) => body,
        Err(response) => return response,
    };
    let mut fields = BTreeMap::new();
    let address = body.get("address").and_then(Value::as_object);
    let line = |name: &str| address.and_then(|a| string_field(a, name));
    let mut required = |name: &str, problem: &str| {
        let value = line(name);
        if value.is_none() {
            fields.insert(format!("address.{name}"), problem.to_owned());
        }
        value.unwrap_or_default()
    };
    let name = required("name", "Enter a name.");
    let street = required("street", "Enter the street.");
    let postal_code = required("postal_code", "Enter the postal code.");
    let city = required("city", "Enter the city.");
    let country = required("country", "Enter the country code.").to_uppercase();
    if !country.is_empty()
        && (country.len() != 2 || !country.chars().all(|c| c.is_ascii_uppercase()))
    {
        fields.insert(
            "address.country".into(),
            "Use a two-letter country code.".into(),
        );
    }
    if country == "DE"
        && !(postal_code.len() == 5 && postal_code.chars().all(|c| c.is_ascii_digit()))
    {
        fields.insert(
            "address.postal_code".into(),
            "A German postal code has five digits.".into(),
        );
    }
    let emails: Vec<String> = match body.get("billing_emails").and_then(Value::as_array) {
        Some(list) => list
            .iter()
            .map(|v| v.as_str().unwrap_or_default().trim().to_owned())
            .collect(),
        None => {
            fields.insert("billing_emails".into(), "Send a list of addresses.".into());
            Vec::new()
        }
    };
    if let Some(bad) = emails.iter().find(|e| !plausible_email(e)) {
        fields.insert(
            "billing_emails".into(),
            format!("{bad:?} is not an e-mail address."),
        );
    } else if emails.is_empty() && !fields.contains_key("billing_emails") {
        fields.insert(
            "billing_emails".into(),
            "Enter at least one address.".into(),
        );
    } else if emails.len() > 10 {
        fields.insert("billing_emails".into(), "At most 10 addresses.".into());
    }
    if !fields.is_empty() {
        return validation(fields);
    }
    let company = line("company");
    let mut state = h.lock();
    let Some(data) = state
        .accounts
        .iter_mut()
        .find(|a| a.account.id == account_id)
    else {
        return not_found("No such account.");
    };
    data.profile.address = PostalAddress {
        company,
        name,
        street,
        postal_code,
        city,
        country,
    };
    data.profile.billing_emails = emails;
    let profile = data.profile.clone();
    state.forget_etags(&account_id, Some(Resource::Profile));
    Json(profile).into_response()
}

/// `GET /accounts/{id}/dpa`: the data processing agreement, filled in for the account.
pub(crate) async fn dpa(
    State(h): State<SandboxHandle>,
    Path(account_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Err(response) = authorise(&h, &headers, &account_id, Permission::Profile) {
        return response;
    }
    let state = h.lock();
    let Some(data) = state.account(&account_id) else {
        return not_found("No such account.");
    };
    let body = pdf::dpa(&data.account.name, &data.profile.customer_number);
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"data-processing-agreement.pdf\"".to_owned(),
            ),
        ],
        body,
    )
        .into_response()
}
