//! The forms: for each category exactly the details the FAQ asks for, in its order.

use cowdesk_model::{SupportCategory, SupportField, SupportFieldKind, SupportForm};

use SupportFieldKind as K;

/// (key, English label, German label, kind, required)
type Spec = (
    &'static str,
    &'static str,
    &'static str,
    SupportFieldKind,
    bool,
);

fn spec(category: SupportCategory) -> (&'static str, &'static str, &'static [Spec]) {
    match category {
        // FAQ "Received a payment reminder, but I already paid".
        SupportCategory::PaymentMade => (
            "Payment already made",
            "Zahlung bereits geleistet",
            &[
                (
                    "customer_number",
                    "Customer number",
                    "Kundennummer",
                    K::Text,
                    true,
                ),
                (
                    "invoice_number",
                    "Invoice number",
                    "Rechnungsnummer",
                    K::Text,
                    true,
                ),
                (
                    "payment_date",
                    "Payment date",
                    "Zahlungsdatum",
                    K::Date,
                    true,
                ),
                ("amount", "Amount paid", "Gezahlter Betrag", K::Amount, true),
                (
                    "reference",
                    "Reference used",
                    "Verwendeter Verwendungszweck",
                    K::Text,
                    true,
                ),
                (
                    "payment_method",
                    "Payment method",
                    "Zahlungsart",
                    K::Text,
                    true,
                ),
                (
                    "paypal_transaction_id",
                    "PayPal transaction ID",
                    "PayPal-Transaktions-ID",
                    K::Text,
                    false,
                ),
                (
                    "proof_of_payment",
                    "Proof of payment",
                    "Zahlungsnachweis",
                    K::Text,
                    false,
                ),
            ],
        ),
        // FAQ "Can I extend a payment deadline?".
        SupportCategory::PaymentExtension => (
            "Payment extension",
            "Zahlungsaufschub",
            &[
                (
                    "customer_number",
                    "Customer number",
                    "Kundennummer",
                    K::Text,
                    true,
                ),
                (
                    "invoice_number",
                    "Invoice number",
                    "Rechnungsnummer",
                    K::Text,
                    true,
                ),
                (
                    "expected_payment_date",
                    "Expected payment date",
                    "Erwartetes Zahlungsdatum",
                    K::Date,
                    true,
                ),
            ],
        ),
        // FAQ "Cancel or terminate a service" (+ the notice deadline cowdesk computes).
        SupportCategory::Cancellation => (
            "Cancellation",
            "Kündigung",
            &[
                (
                    "customer_number",
                    "Customer number",
                    "Kundennummer",
                    K::Text,
                    true,
                ),
                (
                    "service",
                    "Service or domain",
                    "Dienst oder Domain",
                    K::Text,
                    true,
                ),
                (
                    "desired_date",
                    "Desired cancellation date",
                    "Gewünschtes Kündigungsdatum",
                    K::Date,
                    true,
                ),
                (
                    "data_needed",
                    "Data still needed",
                    "Daten werden noch benötigt",
                    K::YesNo,
                    true,
                ),
                (
                    "notice_deadline",
                    "Notice deadline",
                    "Kündigungsfrist endet",
                    K::Date,
                    false,
                ),
            ],
        ),
        // FAQ "My service was terminated or deleted – can it be restored?".
        SupportCategory::RestoreAfterTermination => (
            "Restore after termination",
            "Wiederherstellung nach Beendigung",
            &[
                (
                    "customer_number",
                    "Customer or contract number",
                    "Kunden- oder Vertragsnummer",
                    K::Text,
                    true,
                ),
                (
                    "affected",
                    "Affected domain / hostname",
                    "Betroffene Domain / Hostname",
                    K::Domain,
                    true,
                ),
                (
                    "service",
                    "Affected service",
                    "Betroffener Dienst",
                    K::Text,
                    true,
                ),
                (
                    "noticed_on",
                    "When you noticed the termination / deletion",
                    "Wann Sie die Beendigung / Löschung bemerkt haben",
                    K::Date,
                    true,
                ),
                (
                    "invoices_settled",
                    "Open invoices settled",
                    "Offene Rechnungen beglichen",
                    K::YesNo,
                    true,
                ),
            ],
        ),
        // FAQ "I can't access my service anymore / my service isn't visible".
        SupportCategory::ServiceNotVisible => (
            "Service not visible",
            "Dienst nicht sichtbar",
            &[
                (
                    "customer_number",
                    "Customer number",
                    "Kundennummer",
                    K::Text,
                    true,
                ),
                (
                    "login_email",
                    "Login email address",
                    "Login-E-Mail-Adresse",
                    K::Email,
                    true,
                ),
                (
                    "service",
                    "Affected service or hostname",
                    "Betroffener Dienst oder Hostname",
                    K::Text,
                    true,
                ),
                (
                    "description",
                    "What you see in the portal",
                    "Was Sie im Portal sehen",
                    K::LongText,
                    true,
                ),
                (
                    "previous_invoice",
                    "A previous invoice or contract number",
                    "Eine frühere Rechnungs- oder Vertragsnummer",
                    K::Text,
                    false,
                ),
            ],
        ),
        // FAQ "Email isn't arriving or is being rejected".
        SupportCategory::MailNotArriving => (
            "Mail not arriving",
            "Mail kommt nicht an",
            &[
                (
                    "sender",
                    "Sender address",
                    "Absenderadresse",
                    K::Email,
                    true,
                ),
                (
                    "recipient",
                    "Recipient address",
                    "Empfängeradresse",
                    K::Email,
                    true,
                ),
                (
                    "sent_at",
                    "Time of sending",
                    "Zeitpunkt des Versands",
                    K::DateTime,
                    true,
                ),
                (
                    "smtp_code",
                    "SMTP error code",
                    "SMTP-Fehlercode",
                    K::Text,
                    false,
                ),
                (
                    "bounce",
                    "Complete bounce message",
                    "Vollständige Unzustellbarkeitsnachricht",
                    K::LongText,
                    false,
                ),
                (
                    "headers",
                    "Mail headers / Authentication-Results",
                    "Mail-Header / Authentication-Results",
                    K::LongText,
                    false,
                ),
            ],
        ),
        // FAQ "Can deleted emails be restored from a backup?".
        SupportCategory::DeletedMailRestore => (
            "Restore deleted mail",
            "Gelöschte Mails wiederherstellen",
            &[
                (
                    "mailbox",
                    "Affected mailbox",
                    "Betroffenes Postfach",
                    K::Email,
                    true,
                ),
                (
                    "sender_or_subject",
                    "Sender or subject of the missing mail",
                    "Absender oder Betreff der fehlenden Mail",
                    K::Text,
                    true,
                ),
                (
                    "received_timeframe",
                    "Approximate receive timeframe",
                    "Ungefährer Empfangszeitraum",
                    K::Text,
                    true,
                ),
                (
                    "noticed_on",
                    "When the deletion was noticed",
                    "Wann die Löschung bemerkt wurde",
                    K::Date,
                    true,
                ),
                (
                    "deleted_via",
                    "Deleted via webmail or a mail client",
                    "Gelöscht per Webmail oder Mailprogramm",
                    K::Text,
                    true,
                ),
            ],
        ),
        // FAQ "Can I book additional storage for my Managed mailcow?".
        SupportCategory::MoreStorage => (
            "More Managed mailcow storage",
            "Mehr Speicher für Managed mailcow",
            &[
                (
                    "hostname",
                    "Hostname of the Managed mailcow",
                    "Hostname des Managed mailcow",
                    K::Domain,
                    true,
                ),
                (
                    "storage_gb",
                    "Current or desired storage (GB)",
                    "Aktueller oder gewünschter Speicher (GB)",
                    K::Number,
                    true,
                ),
            ],
        ),
        // FAQ "Am I allowed to send newsletters or mass emails?".
        SupportCategory::MassMailingApproval => (
            "Mass-mailing approval",
            "Freigabe für Massenversand",
            &[
                (
                    "accounts",
                    "Mailboxes to enable",
                    "Freizuschaltende Postfächer",
                    K::Text,
                    true,
                ),
                (
                    "campaigns",
                    "The planned campaigns",
                    "Die geplanten Kampagnen",
                    K::LongText,
                    true,
                ),
                (
                    "legally_compliant",
                    "Consent, imprint and unsubscribe link in place",
                    "Einwilligung, Impressum und Abmeldelink vorhanden",
                    K::YesNo,
                    true,
                ),
            ],
        ),
        // FAQ "Do you support migrating to a Managed mailcow?".
        SupportCategory::MigrationEstimate => (
            "Migration estimate",
            "Schätzung für eine Migration",
            &[
                (
                    "source_system",
                    "Current provider / source system",
                    "Aktueller Anbieter / Quellsystem",
                    K::Text,
                    true,
                ),
                (
                    "domains",
                    "Number of domains",
                    "Anzahl der Domains",
                    K::Number,
                    true,
                ),
                (
                    "mailboxes",
                    "Number of mailboxes",
                    "Anzahl der Postfächer",
                    K::Number,
                    true,
                ),
                (
                    "data_gb",
                    "Rough total data volume (GB)",
                    "Ungefähres Datenvolumen (GB)",
                    K::Number,
                    true,
                ),
                (
                    "extras",
                    "Only emails, or also calendars, contacts, archives",
                    "Nur E-Mails oder auch Kalender, Kontakte, Archive",
                    K::Text,
                    true,
                ),
                (
                    "switchover_window",
                    "Desired window for the switchover",
                    "Gewünschtes Zeitfenster für die Umstellung",
                    K::Text,
                    true,
                ),
            ],
        ),
        // FAQ "Where do I open a support ticket?" (technical issues).
        SupportCategory::TechnicalProblem => (
            "Technical problem",
            "Technisches Problem",
            &[
                (
                    "customer_number",
                    "Customer number",
                    "Kundennummer",
                    K::Text,
                    true,
                ),
                (
                    "affected",
                    "Affected domain or email address",
                    "Betroffene Domain oder E-Mail-Adresse",
                    K::Text,
                    true,
                ),
                (
                    "error_message",
                    "Exact error message",
                    "Genaue Fehlermeldung",
                    K::LongText,
                    true,
                ),
                (
                    "time",
                    "Time of the issue",
                    "Zeitpunkt des Problems",
                    K::DateTime,
                    true,
                ),
                (
                    "client",
                    "Client or service in use",
                    "Verwendetes Programm oder Dienst",
                    K::Text,
                    true,
                ),
            ],
        ),
    }
}

/// The form of one category.
pub fn form(category: SupportCategory) -> SupportForm {
    let (title_en, title_de, fields) = spec(category);
    SupportForm {
        category,
        title_en: title_en.to_owned(),
        title_de: title_de.to_owned(),
        fields: fields
            .iter()
            .map(|(key, en, de, kind, required)| SupportField {
                key: (*key).to_owned(),
                label_en: (*en).to_owned(),
                label_de: (*de).to_owned(),
                kind: *kind,
                required: *required,
            })
            .collect(),
    }
}
