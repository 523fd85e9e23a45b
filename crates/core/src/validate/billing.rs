//! What the billing views send beside ids and references: what to do with a PDF, the
//! invoice search, a payment notice's attachments, the billing addresses and an export
//! period. The portal and the billing forms judge the content; these bound the size.

use chrono::NaiveDate;
use cowdesk_model::{InvoiceQuery, PaymentNotice, ProfileUpdate};

use crate::error::CoreError;

/// A payment notice's attachments, in base64, are refused above this (5 MB of files in
/// base64 plus the form).
pub const MAX_ATTACHMENT_BASE64: usize = 7 * 1024 * 1024 + 1024;
const MAX_BILLING_EMAILS: usize = 100;

/// What to do with a PDF.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum PdfAction {
    /// Open it with the system's viewer.
    Open,
    /// Save a copy where the user says.
    Save,
}

/// "open" or "save".
pub fn pdf_action(value: &str) -> Result<PdfAction, CoreError> {
    match value {
        "open" => Ok(PdfAction::Open),
        "save" => Ok(PdfAction::Save),
        _ => Err(CoreError::field(
            "action",
            "Choose open or save.",
            "Wählen Sie Öffnen oder Speichern.",
        )),
    }
}

pub fn invoice_query(query: &InvoiceQuery) -> Result<(), CoreError> {
    super::search(&query.search)
}

/// The invoice it is about, and attachments of at most 5 MB.
pub fn payment_notice(notice: &PaymentNotice) -> Result<(), CoreError> {
    super::reference(&notice.invoice_number, "invoice_number")?;
    let total: usize = notice.attachments.iter().map(|a| a.data_base64.len()).sum();
    if total > MAX_ATTACHMENT_BASE64 {
        return Err(CoreError::field(
            "attachments",
            "The attachments are larger than 5 MB.",
            "Die Anhänge sind größer als 5 MB.",
        ));
    }
    Ok(())
}

pub fn profile_update(update: &ProfileUpdate) -> Result<(), CoreError> {
    if update.billing_emails.len() > MAX_BILLING_EMAILS {
        return Err(CoreError::field(
            "billing_emails",
            "Too many addresses.",
            "Zu viele Adressen.",
        ));
    }
    Ok(())
}

/// An export period: it may not end before it starts.
pub fn period(from: NaiveDate, to: NaiveDate) -> Result<(), CoreError> {
    if from > to {
        return Err(CoreError::field(
            "period",
            "The period ends before it starts.",
            "Der Zeitraum endet, bevor er beginnt.",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn billing_ipc_pdf_actions_are_closed() {
        assert_eq!(pdf_action("open").unwrap(), PdfAction::Open);
        assert_eq!(pdf_action("save").unwrap(), PdfAction::Save);
        assert!(pdf_action("delete").is_err());
    }

    #[test]
    fn billing_ipc_periods_and_addresses_are_bounded() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 3, d).unwrap();
        assert!(period(day(1), day(1)).is_ok());
        let err = period(day(2), day(1)).unwrap_err().info();
        assert!(err.fields.contains_key("period"));
        let update = |n: usize| ProfileUpdate {
            address: cowdesk_model::PostalAddress {
                company: None,
                name: "Anna Müller".into(),
                street: "Hauptstraße 1".into(),
                postal_code: "10115".into(),
                city: "Berlin".into(),
                country: "DE".into(),
            },
            billing_emails: vec!["a@b.de".to_owned(); n],
        };
        assert!(profile_update(&update(100)).is_ok());
        assert!(profile_update(&update(101)).is_err());
    }
}
