//! The billing forms: their input rules (each problem named per field, in English and
//! German) and the ticket each one becomes. Nothing is sent while a rule fails.
//!
//! Field problems travel in `ErrorInfo::fields` as `field -> English text` and in
//! `ErrorInfo::fields_de` as `field -> German text`, so a form can show each problem in
//! the user's language.

use std::collections::BTreeMap;

use base64::Engine as _;
use chrono::NaiveDate;
use cowdesk_model::{
    CancellationRequest, ExtensionRequest, Invoice, NewTicket, PaymentMethod, PaymentNotice,
    RestoreRequest, Service, ServiceStatus, TicketAttachment, TicketCategory,
};

use crate::error::CoreError;

/// Proof of payment may have at most this many bytes, all attachments together (the
/// portal refuses more with 413).
pub const MAX_ATTACHMENT_BYTES: usize = 5 * 1024 * 1024;
pub const MAX_ATTACHMENTS: usize = 3;
const MAX_NOTE: usize = 2000;
/// SEPA remittance information holds at most 140 characters.
const MAX_REFERENCE: usize = 140;
const MAX_FILE_NAME: usize = 200;
const ATTACHMENT_TYPES: &[&str] = &["application/pdf", "image/png", "image/jpeg"];
/// Nobody pays an invoice of more than this through a desktop form.
const MAX_AMOUNT_CENTS: i64 = 100_000_000;

/// Collects the problems of one form.
#[derive(Default)]
pub struct Problems {
    en: BTreeMap<String, String>,
    de: BTreeMap<String, String>,
}

impl Problems {
    pub fn add(&mut self, field: &str, en: &str, de: &str) {
        self.en
            .entry(field.to_owned())
            .or_insert_with(|| en.to_owned());
        self.de
            .entry(field.to_owned())
            .or_insert_with(|| de.to_owned());
    }

    pub fn is_empty(&self) -> bool {
        self.en.is_empty()
    }

    /// `Ok` when nothing is wrong, else one error naming every problem.
    pub fn finish(self) -> Result<(), CoreError> {
        if self.en.is_empty() {
            return Ok(());
        }
        let message = self.en.values().cloned().collect::<Vec<_>>().join(" ");
        let message_de = self.de.values().cloned().collect::<Vec<_>>().join(" ");
        Err(CoreError::fields(&message, &message_de, self.en, self.de))
    }
}

fn check_note(problems: &mut Problems, note: &Option<String>) {
    if note
        .as_deref()
        .is_some_and(|n| n.chars().count() > MAX_NOTE)
    {
        problems.add(
            "note",
            "The note may have at most 2,000 characters.",
            "Die Nachricht darf höchstens 2.000 Zeichen haben.",
        );
    }
}

/// Checks attachments and returns their total decoded size.
pub fn check_attachments(problems: &mut Problems, attachments: &[TicketAttachment]) -> usize {
    if attachments.len() > MAX_ATTACHMENTS {
        problems.add(
            "attachments",
            "Attach at most 3 files.",
            "Hängen Sie höchstens 3 Dateien an.",
        );
    }
    let mut total = 0usize;
    for attachment in attachments {
        let name = attachment.file_name.trim();
        if name.is_empty() || name.chars().count() > MAX_FILE_NAME || name.contains(['/', '\\']) {
            problems.add(
                "attachments",
                "An attachment has no usable file name.",
                "Ein Anhang hat keinen brauchbaren Dateinamen.",
            );
        }
        if !ATTACHMENT_TYPES.contains(&attachment.content_type.as_str()) {
            problems.add(
                "attachments",
                "Attach proof of payment as PDF, PNG or JPEG.",
                "Hängen Sie den Zahlungsnachweis als PDF, PNG oder JPEG an.",
            );
        }
        match base64::engine::general_purpose::STANDARD.decode(attachment.data_base64.as_bytes()) {
            Ok(bytes) if bytes.is_empty() => problems.add(
                "attachments",
                "An attachment is empty.",
                "Ein Anhang ist leer.",
            ),
            Ok(bytes) => total += bytes.len(),
            Err(_) => problems.add(
                "attachments",
                "An attachment could not be read.",
                "Ein Anhang konnte nicht gelesen werden.",
            ),
        }
    }
    if total > MAX_ATTACHMENT_BYTES {
        let mb = total as f64 / (1024.0 * 1024.0);
        problems.add(
            "attachments",
            &format!("The attachments have {mb:.1} MB; at most 5 MB can be sent."),
            &format!(
                "Die Anhänge haben {} MB; höchstens 5 MB können gesendet werden.",
                format!("{mb:.1}").replace('.', ",")
            ),
        );
    }
    total
}

/// A PayPal transaction ID: 17 letters and digits.
fn plausible_paypal_id(id: &str) -> bool {
    id.len() == 17 && id.chars().all(|c| c.is_ascii_alphanumeric())
}

fn euros(cents: i64) -> String {
    format!("{}.{:02} EUR", cents / 100, (cents % 100).abs())
}

fn method_name(method: PaymentMethod) -> &'static str {
    match method {
        PaymentMethod::BankTransfer => "Überweisung / bank transfer",
        PaymentMethod::Sepa => "SEPA-Lastschrift / SEPA direct debit",
        PaymentMethod::Paypal => "PayPal",
        PaymentMethod::Card => "Kreditkarte / credit card",
    }
}

fn yes_no(value: bool) -> &'static str {
    if value {
        "ja / yes"
    } else {
        "nein / no"
    }
}

/// A billing ticket: lines "label: value" after the customer number, then the note.
fn ticket(
    category: TicketCategory,
    reference: &str,
    subject: String,
    customer_number: &str,
    lines: &[(&str, String)],
    note: &Option<String>,
) -> NewTicket {
    let mut text = format!("Kundennummer / Customer number: {customer_number}\n");
    for (label, value) in lines {
        text.push_str(&format!("{label}: {value}\n"));
    }
    if let Some(note) = note.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        text.push_str(&format!("\nNachricht / Note:\n{note}\n"));
    }
    text.push_str("\n-- sent with cowdesk");
    NewTicket {
        subject,
        body: text,
        category: Some(category),
        reference: Some(reference.to_owned()),
        attachments: Vec::new(),
    }
}

/// The invoice or service a form names is not one of the selected account's.
fn not_in_account(problems: &mut Problems, field: &str) {
    let (en, de) = if field == "invoice_number" {
        (
            "This invoice is not in the selected account.",
            "Diese Rechnung gehört nicht zum gewählten Konto.",
        )
    } else {
        (
            "This service is not in the selected account.",
            "Dieser Dienst gehört nicht zum gewählten Konto.",
        )
    };
    problems.add(field, en, de);
}

/// "I already paid": the checked form as a ticket.
pub fn payment_notice(
    notice: &PaymentNotice,
    invoice: Option<&Invoice>,
    customer_number: &str,
    today: NaiveDate,
) -> Result<NewTicket, CoreError> {
    let mut problems = Problems::default();
    if invoice.is_none() {
        not_in_account(&mut problems, "invoice_number");
    }
    if notice.payment_date > today {
        problems.add(
            "payment_date",
            "The payment date cannot be in the future.",
            "Das Zahlungsdatum kann nicht in der Zukunft liegen.",
        );
    }
    if notice.amount_cents <= 0 || notice.amount_cents > MAX_AMOUNT_CENTS {
        problems.add(
            "amount",
            "Enter the amount you paid.",
            "Geben Sie den gezahlten Betrag ein.",
        );
    }
    let reference = notice.reference.trim();
    if reference.is_empty() {
        problems.add(
            "reference",
            "Enter the reference you used for the payment.",
            "Geben Sie den verwendeten Verwendungszweck ein.",
        );
    } else if reference.chars().count() > MAX_REFERENCE {
        problems.add(
            "reference",
            "The reference may have at most 140 characters.",
            "Der Verwendungszweck darf höchstens 140 Zeichen haben.",
        );
    }
    let paypal_id = notice
        .paypal_transaction_id
        .as_deref()
        .map(str::trim)
        .filter(|id| !id.is_empty());
    if notice.method == PaymentMethod::Paypal {
        match paypal_id {
            None => problems.add(
                "paypal_transaction_id",
                "For PayPal, enter the transaction ID.",
                "Geben Sie bei PayPal die Transaktions-ID ein.",
            ),
            Some(id) if !plausible_paypal_id(id) => problems.add(
                "paypal_transaction_id",
                "A PayPal transaction ID has 17 letters and digits.",
                "Eine PayPal-Transaktions-ID hat 17 Buchstaben und Ziffern.",
            ),
            Some(_) => {}
        }
    }
    check_note(&mut problems, &notice.note);
    check_attachments(&mut problems, &notice.attachments);
    problems.finish()?;

    let mut lines = vec![
        (
            "Rechnungsnummer / Invoice number",
            notice.invoice_number.clone(),
        ),
        (
            "Zahlungsdatum / Payment date",
            notice.payment_date.to_string(),
        ),
        ("Betrag / Amount paid", euros(notice.amount_cents)),
        ("Verwendungszweck / Reference", reference.to_owned()),
        (
            "Zahlungsart / Payment method",
            method_name(notice.method).to_owned(),
        ),
    ];
    if let (PaymentMethod::Paypal, Some(id)) = (notice.method, paypal_id) {
        lines.push(("PayPal-Transaktions-ID / transaction ID", id.to_owned()));
    }
    let proof = if notice.attachments.is_empty() {
        "keiner / none".to_owned()
    } else {
        notice
            .attachments
            .iter()
            .map(|a| a.file_name.trim().to_owned())
            .collect::<Vec<_>>()
            .join(", ")
    };
    lines.push(("Zahlungsnachweis / Proof of payment", proof));
    Ok(NewTicket {
        attachments: notice
            .attachments
            .iter()
            .map(|a| TicketAttachment {
                file_name: a.file_name.trim().to_owned(),
                ..a.clone()
            })
            .collect(),
        ..ticket(
            TicketCategory::PaymentMade,
            &notice.invoice_number,
            format!(
                "Zahlung bereits geleistet / Payment already made: {}",
                notice.invoice_number
            ),
            customer_number,
            &lines,
            &notice.note,
        )
    })
}

/// Latest expected payment date cowdesk accepts for an extension request.
const MAX_EXTENSION_DAYS: i64 = 365;

pub fn payment_extension(
    request: &ExtensionRequest,
    invoice: Option<&Invoice>,
    customer_number: &str,
    today: NaiveDate,
) -> Result<NewTicket, CoreError> {
    let mut problems = Problems::default();
    match invoice {
        None => not_in_account(&mut problems, "invoice_number"),
        Some(invoice) if !super::query::is_unpaid(invoice) => problems.add(
            "invoice_number",
            "This invoice is not open: there is nothing to extend.",
            "Diese Rechnung ist nicht offen: Es gibt nichts zu verlängern.",
        ),
        Some(_) => {}
    }
    if request.expected_date < today {
        problems.add(
            "expected_date",
            "The expected payment date cannot be in the past.",
            "Das erwartete Zahlungsdatum kann nicht in der Vergangenheit liegen.",
        );
    } else if (request.expected_date - today).num_days() > MAX_EXTENSION_DAYS {
        problems.add(
            "expected_date",
            "Choose an expected payment date within the next year.",
            "Wählen Sie ein erwartetes Zahlungsdatum innerhalb des nächsten Jahres.",
        );
    }
    check_note(&mut problems, &request.note);
    problems.finish()?;
    let mut lines = vec![
        (
            "Rechnungsnummer / Invoice number",
            request.invoice_number.clone(),
        ),
        (
            "Erwartetes Zahlungsdatum / Expected payment date",
            request.expected_date.to_string(),
        ),
    ];
    if let Some(invoice) = invoice {
        lines.push(("Betrag / Amount", euros(invoice.amount_cents)));
        lines.push(("Fällig am / Due on", invoice.due_date.to_string()));
    }
    Ok(ticket(
        TicketCategory::PaymentExtension,
        &request.invoice_number,
        format!(
            "Bitte um Zahlungsaufschub / Payment extension: {}",
            request.invoice_number
        ),
        customer_number,
        &lines,
        &request.note,
    ))
}

pub fn cancellation(
    request: &CancellationRequest,
    service: Option<&Service>,
    earliest_end: Option<NaiveDate>,
    customer_number: &str,
    today: NaiveDate,
) -> Result<NewTicket, CoreError> {
    let mut problems = Problems::default();
    match service {
        None => not_in_account(&mut problems, "service_id"),
        Some(s)
            if matches!(
                s.status,
                ServiceStatus::Cancelled | ServiceStatus::Terminated
            ) =>
        {
            problems.add(
                "service_id",
                "This service is already cancelled or terminated.",
                "Dieser Dienst ist bereits gekündigt oder beendet.",
            )
        }
        Some(_) => {}
    }
    if request.date < today {
        problems.add(
            "date",
            "The cancellation date cannot be in the past.",
            "Das Kündigungsdatum kann nicht in der Vergangenheit liegen.",
        );
    }
    if !request.warnings_accepted {
        problems.add(
            "warnings_accepted",
            "Confirm that you have read what happens to data, mailboxes, DNS zones and backups.",
            "Bestätigen Sie, dass Sie gelesen haben, was mit Daten, Postfächern, DNS-Zonen und Backups geschieht.",
        );
    }
    check_note(&mut problems, &request.note);
    problems.finish()?;
    let Some(service) = service else {
        return Err(CoreError::NotFound);
    };
    let mut lines = vec![
        (
            "Dienst / Service",
            format!("{} ({})", service.product, service.id),
        ),
        (
            "Gewünschtes Kündigungsdatum / Desired date",
            request.date.to_string(),
        ),
        (
            "Daten werden noch benötigt / Data still needed",
            yes_no(request.data_needed).to_owned(),
        ),
    ];
    if let Some(end) = earliest_end {
        lines.push(("Laufzeitende / End of term", end.to_string()));
        if request.date < end && service.term_months > 1 {
            lines.push((
                "Hinweis / Note",
                "Kündigung vor Laufzeitende, keine anteilige Erstattung / before the end of the term, no pro-rata refund".to_owned(),
            ));
        }
    }
    Ok(ticket(
        TicketCategory::Cancellation,
        &service.id,
        format!("Kündigung / Cancellation: {}", service.product),
        customer_number,
        &lines,
        &request.note,
    ))
}

pub fn restore(
    request: &RestoreRequest,
    service: Option<&Service>,
    customer_number: &str,
    today: NaiveDate,
) -> Result<NewTicket, CoreError> {
    let mut problems = Problems::default();
    match service {
        None => not_in_account(&mut problems, "service_id"),
        Some(s) if s.status != ServiceStatus::Terminated => problems.add(
            "service_id",
            "Only a terminated service can be restored.",
            "Nur ein beendeter Dienst kann wiederhergestellt werden.",
        ),
        Some(_) => {}
    }
    let affected = request.affected.trim();
    if affected.is_empty() {
        problems.add(
            "affected",
            "Enter the affected domain or hostname.",
            "Geben Sie die betroffene Domain oder den Hostnamen ein.",
        );
    } else if affected.len() > 253 || affected.contains(char::is_whitespace) {
        problems.add(
            "affected",
            "This is not a domain or hostname.",
            "Das ist keine Domain und kein Hostname.",
        );
    }
    if request.noticed_on > today {
        problems.add(
            "noticed_on",
            "The date you noticed it cannot be in the future.",
            "Das Datum, an dem Sie es bemerkt haben, kann nicht in der Zukunft liegen.",
        );
    }
    check_note(&mut problems, &request.note);
    problems.finish()?;
    let Some(service) = service else {
        return Err(CoreError::NotFound);
    };
    let lines = vec![
        ("Vertrag / Contract", service.id.clone()),
        ("Dienst / Service", service.product.clone()),
        ("Domain / Hostname", affected.to_owned()),
        ("Bemerkt am / Noticed on", request.noticed_on.to_string()),
        (
            "Offene Rechnungen beglichen / Open invoices settled",
            yes_no(request.invoices_settled).to_owned(),
        ),
    ];
    Ok(ticket(
        TicketCategory::Restore,
        &service.id,
        format!("Wiederherstellung / Restore: {}", service.product),
        customer_number,
        &lines,
        &request.note,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use cowdesk_model::{ErrorKind, InvoiceStatus};

    fn today() -> NaiveDate {
        "2026-11-25".parse().unwrap()
    }

    fn invoice(status: InvoiceStatus) -> Invoice {
        Invoice {
            number: "RE-2026-000023".into(),
            issue_date: "2026-10-27".parse().unwrap(),
            due_date: "2026-11-10".parse().unwrap(),
            amount_cents: 3_451,
            currency: "EUR".into(),
            status,
            dunning_level: 1,
            paid_on: None,
        }
    }

    fn notice() -> PaymentNotice {
        PaymentNotice {
            invoice_number: "RE-2026-000023".into(),
            payment_date: "2026-11-20".parse().unwrap(),
            amount_cents: 3_451,
            reference: "RE-2026-000023".into(),
            method: PaymentMethod::BankTransfer,
            paypal_transaction_id: None,
            note: None,
            attachments: vec![],
        }
    }

    fn attachment(bytes: usize, content_type: &str) -> TicketAttachment {
        TicketAttachment {
            file_name: "beleg.pdf".into(),
            content_type: content_type.into(),
            data_base64: base64::engine::general_purpose::STANDARD.encode(vec![b'x'; bytes]),
        }
    }

    fn fields(err: CoreError) -> Vec<String> {
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        err.info().fields.into_keys().collect()
    }

    #[test]
    fn billing_payment_notice_becomes_a_ticket_with_every_faq_field() {
        let invoice = invoice(InvoiceStatus::Overdue);
        let mut form = notice();
        form.method = PaymentMethod::Paypal;
        form.paypal_transaction_id = Some("1AB23456CD789012E".into());
        form.attachments = vec![attachment(1000, "application/pdf")];
        let ticket = payment_notice(&form, Some(&invoice), "100001", today()).unwrap();
        assert_eq!(ticket.category, Some(TicketCategory::PaymentMade));
        assert_eq!(ticket.reference.as_deref(), Some("RE-2026-000023"));
        assert!(ticket.subject.contains("RE-2026-000023"));
        for expected in [
            "Customer number: 100001",
            "Invoice number: RE-2026-000023",
            "Payment date: 2026-11-20",
            "Amount paid: 34.51 EUR",
            "Reference: RE-2026-000023",
            "PayPal",
            "transaction ID: 1AB23456CD789012E",
            "Proof of payment: beleg.pdf",
        ] {
            assert!(
                ticket.body.contains(expected),
                "{expected} missing in\n{}",
                ticket.body
            );
        }
        assert_eq!(ticket.attachments.len(), 1);
    }

    #[test]
    fn billing_payment_notice_names_every_bad_field_in_both_languages() {
        let mut form = notice();
        form.payment_date = "2026-11-26".parse().unwrap();
        form.amount_cents = 0;
        form.reference = "  ".into();
        form.method = PaymentMethod::Paypal;
        form.paypal_transaction_id = Some("123".into());
        let err = payment_notice(&form, None, "100001", today()).unwrap_err();
        let info = err.info();
        for field in [
            "invoice_number",
            "payment_date",
            "amount",
            "reference",
            "paypal_transaction_id",
        ] {
            assert!(info.fields.contains_key(field), "{field}");
            assert!(info.fields_de.contains_key(field), "{field} in German");
        }
        assert!(info.message.contains("future"));
        assert!(info.message_de.contains("Zukunft"));
    }

    #[test]
    fn billing_attachments_are_limited_in_size_type_and_number() {
        let invoice = invoice(InvoiceStatus::Overdue);
        let mut form = notice();
        form.attachments = vec![attachment(MAX_ATTACHMENT_BYTES + 1, "application/pdf")];
        let err = payment_notice(&form, Some(&invoice), "1", today()).unwrap_err();
        let info = err.info();
        assert!(info.fields["attachments"].contains("5 MB"), "{info:?}");
        assert!(info.fields_de["attachments"].contains("5 MB"));
        form.attachments = vec![attachment(10, "application/x-msdownload")];
        assert_eq!(
            fields(payment_notice(&form, Some(&invoice), "1", today()).unwrap_err()),
            ["attachments"]
        );
        form.attachments = vec![attachment(10, "image/png"); 4];
        assert!(payment_notice(&form, Some(&invoice), "1", today()).is_err());
        form.attachments = vec![attachment(MAX_ATTACHMENT_BYTES, "image/jpeg")];
        assert!(payment_notice(&form, Some(&invoice), "1", today()).is_ok());
    }

    #[test]
    fn billing_extension_needs_an_open_invoice_and_a_future_date() {
        let open = invoice(InvoiceStatus::Overdue);
        let request = ExtensionRequest {
            invoice_number: open.number.clone(),
            expected_date: "2026-12-05".parse().unwrap(),
            note: None,
        };
        let ticket = payment_extension(&request, Some(&open), "100001", today()).unwrap();
        assert!(ticket.body.contains("Expected payment date: 2026-12-05"));
        assert!(ticket.body.contains("Customer number: 100001"));
        let past = ExtensionRequest {
            expected_date: "2026-11-24".parse().unwrap(),
            ..request.clone()
        };
        assert_eq!(
            fields(payment_extension(&past, Some(&open), "1", today()).unwrap_err())[0],
            "expected_date"
        );
        let paid = invoice(InvoiceStatus::Paid);
        assert_eq!(
            fields(payment_extension(&request, Some(&paid), "1", today()).unwrap_err())[0],
            "invoice_number"
        );
    }

    fn service(status: ServiceStatus) -> Service {
        Service {
            id: "acc-100001-s1".into(),
            kind: "webhosting".into(),
            product: "Webhosting Business".into(),
            status,
            term_months: 12,
            period_end: "2027-03-31".parse().unwrap(),
            status_reason: None,
            status_reason_text: None,
            mail_allowance: None,
        }
    }

    #[test]
    fn billing_cancellation_checks_date_and_warnings() {
        let active = service(ServiceStatus::Active);
        let end: NaiveDate = "2027-03-31".parse().unwrap();
        let request = CancellationRequest {
            service_id: active.id.clone(),
            date: end,
            data_needed: true,
            note: None,
            warnings_accepted: true,
        };
        let ticket = cancellation(&request, Some(&active), Some(end), "100001", today()).unwrap();
        assert_eq!(ticket.category, Some(TicketCategory::Cancellation));
        assert!(ticket.body.contains("Desired date: 2027-03-31"));
        assert!(ticket.body.contains("Data still needed: ja / yes"));
        assert!(!ticket.body.contains("pro-rata"));
        let early = CancellationRequest {
            date: "2026-12-31".parse().unwrap(),
            ..request.clone()
        };
        let ticket = cancellation(&early, Some(&active), Some(end), "1", today()).unwrap();
        assert!(ticket.body.contains("no pro-rata refund"));
        let bad = CancellationRequest {
            date: "2026-11-24".parse().unwrap(),
            warnings_accepted: false,
            ..request.clone()
        };
        let err = cancellation(&bad, Some(&active), Some(end), "1", today()).unwrap_err();
        assert_eq!(fields(err), ["date", "warnings_accepted"]);
        let gone = service(ServiceStatus::Terminated);
        assert!(cancellation(&request, Some(&gone), Some(end), "1", today()).is_err());
    }

    #[test]
    fn billing_restore_only_for_terminated_services() {
        let gone = service(ServiceStatus::Terminated);
        let request = RestoreRequest {
            service_id: gone.id.clone(),
            affected: "mueller-webdesign.de".into(),
            noticed_on: today(),
            invoices_settled: true,
            note: Some("Bitte das Backup vom Oktober.".into()),
        };
        let ticket = restore(&request, Some(&gone), "100001", today()).unwrap();
        for expected in [
            "Customer number: 100001",
            "Contract: acc-100001-s1",
            "Hostname: mueller-webdesign.de",
            "Noticed on: 2026-11-25",
            "Open invoices settled: ja / yes",
            "Bitte das Backup vom Oktober.",
        ] {
            assert!(ticket.body.contains(expected), "{expected}");
        }
        let active = service(ServiceStatus::Active);
        assert!(restore(&request, Some(&active), "1", today()).is_err());
        let future = RestoreRequest {
            noticed_on: "2026-11-26".parse().unwrap(),
            affected: " ".into(),
            ..request
        };
        assert_eq!(
            fields(restore(&future, Some(&gone), "1", today()).unwrap_err()),
            ["affected", "noticed_on"]
        );
    }
}
