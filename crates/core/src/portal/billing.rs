//! Portal calls of billing and contracts: tickets with attachments, profile updates, and
//! PDFs (invoices, the data processing agreement).

use cowdesk_model::{NewTicket, Profile, ProfileUpdate, Ticket};
use reqwest::header::CONTENT_TYPE;
use reqwest::Method;

use super::{account_path, fail, idempotency_key, ok_json, HttpPortal, IDEMPOTENCY_KEY};
use crate::error::CoreError;

impl HttpPortal {
    /// Opens a ticket; one Idempotency-Key for every attempt, so a retry after a lost
    /// answer cannot open it twice.
    pub async fn create_ticket(
        &self,
        account_id: &str,
        ticket: &NewTicket,
    ) -> Result<Ticket, CoreError> {
        let key = idempotency_key();
        let response = self
            .authed(Method::POST, &account_path(account_id, "tickets"), |r| {
                r.header(IDEMPOTENCY_KEY, &key).json(ticket)
            })
            .await?;
        ok_json(response).await
    }

    /// Changes the postal address and billing e-mails; the portal answers with the profile.
    pub async fn update_profile(
        &self,
        account_id: &str,
        update: &ProfileUpdate,
    ) -> Result<Profile, CoreError> {
        let response = self
            .authed(Method::PUT, &account_path(account_id, "profile"), |r| {
                r.json(update)
            })
            .await?;
        ok_json(response).await
    }

    /// A PDF below the account (`invoices/{number}/pdf`, `dpa`): checked to be one.
    pub async fn fetch_pdf(&self, account_id: &str, rest: &str) -> Result<Vec<u8>, CoreError> {
        let response = self
            .authed(Method::GET, &account_path(account_id, rest), |r| r)
            .await?;
        if !response.status().is_success() {
            return Err(fail(response).await);
        }
        let is_pdf_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/pdf"));
        let bytes = response
            .bytes()
            .await
            .map_err(|e| CoreError::Offline(e.to_string()))?;
        if !is_pdf_type || !bytes.starts_with(b"%PDF-") {
            return Err(CoreError::Server("the portal sent no PDF".into()));
        }
        Ok(bytes.to_vec())
    }
}

/// Path segment of an invoice's PDF; the number is percent-encoded.
pub(crate) fn invoice_pdf_path(number: &str) -> String {
    let number: String = url::form_urlencoded::byte_serialize(number.as_bytes()).collect();
    format!("invoices/{number}/pdf")
}
