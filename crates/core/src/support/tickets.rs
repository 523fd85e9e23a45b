//! Ticket forms of the FAQ's "send support the following" answers: the form of each
//! category, a prefill from what the caller's cache has, the checks (a message in English
//! and German per bad field), and the finished text with every field. The password guard
//! runs before any text is handed off.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use cowdesk_model::{
    BounceExplanation, GuardFinding, SupportCategory, SupportDraft, SupportFieldKind, SupportForm,
    SupportTicketText,
};

use super::bounce_scan::is_address;
use super::guard::{blocked, guard_machine_text, guard_text, KnownSecret};
use crate::billing::forms::Problems;
use crate::billing::query::parse_amount_cents;
use crate::error::CoreError;

pub use super::tickets_forms::form;

/// The customer portal, where a ticket is opened by hand: "Your Support Requests" →
/// choose a category → fill in the form (FAQ "Where do I open a support ticket?").
pub const PORTAL_TICKET_URL: &str = "https://cp.servercow.de";
/// What to do there, in English and German.
pub const PORTAL_STEPS: (&str, &str) = (
    "Sign in, open “Your Support Requests”, choose a category and paste the text (it is on the clipboard).",
    "Melden Sie sich an, öffnen Sie „Your Support Requests“, wählen Sie eine Kategorie und fügen Sie den Text ein (er liegt in der Zwischenablage).",
);

/// Longest value of a one-line field and of a multi-line one (a bounce can be long).
const MAX_LINE: usize = 500;
const MAX_LONG: usize = 100_000;

/// Every category's form, in the FAQ's order.
pub fn forms() -> Vec<SupportForm> {
    SupportCategory::ALL.into_iter().map(form).collect()
}

/// What the caller's cache knows; every value is optional and only fills a field that
/// the category's form has.
#[derive(Debug, Clone, Default)]
pub struct Prefill {
    pub customer_number: Option<String>,
    pub login_email: Option<String>,
    pub invoice_number: Option<String>,
    pub service: Option<String>,
    pub domain: Option<String>,
    pub mailbox: Option<String>,
    pub hostname: Option<String>,
    /// The cancellation notice deadline cowdesk computed for the service.
    pub notice_deadline: Option<NaiveDate>,
    /// A date the form asks for (payment date, desired date, ...), e.g. today.
    pub date: Option<NaiveDate>,
}

/// A draft of `category` with what `prefill` knows.
pub fn prefill(category: SupportCategory, prefill: &Prefill) -> SupportDraft {
    let mut values = BTreeMap::new();
    let date = |d: Option<NaiveDate>| d.map(|d| d.to_string());
    for field in form(category).fields {
        let value = match field.key.as_str() {
            "customer_number" => prefill.customer_number.clone(),
            "login_email" => prefill.login_email.clone(),
            "invoice_number" | "previous_invoice" => prefill.invoice_number.clone(),
            "service" => prefill.service.clone().or_else(|| prefill.domain.clone()),
            "affected" => prefill
                .domain
                .clone()
                .or_else(|| prefill.mailbox.clone())
                .or_else(|| prefill.hostname.clone()),
            "mailbox" | "accounts" => prefill.mailbox.clone(),
            "sender" => prefill
                .mailbox
                .clone()
                .or_else(|| prefill.login_email.clone()),
            "hostname" => prefill.hostname.clone(),
            "notice_deadline" => date(prefill.notice_deadline),
            "payment_date" | "noticed_on" => date(prefill.date),
            _ => None,
        };
        if let Some(value) = value.filter(|v| !v.trim().is_empty()) {
            values.insert(field.key, value);
        }
    }
    SupportDraft {
        category: Some(category),
        values,
    }
}

/// A "mail not arriving" draft from an explained bounce: sender, recipient, time, the SMTP
/// code, the complete bounce and the original's headers (`Authentication-Results`).
pub fn mail_not_arriving_draft(explanation: &BounceExplanation, bounce_text: &str) -> SupportDraft {
    let mut values = BTreeMap::new();
    let mut put = |key: &str, value: Option<String>| {
        if let Some(v) = value.filter(|v| !v.trim().is_empty()) {
            values.insert(key.to_owned(), v);
        }
    };
    put("sender", explanation.original_sender.clone());
    put("recipient", explanation.recipient.clone());
    put("sent_at", explanation.original_date.clone());
    let code = match (explanation.reply_code, &explanation.status) {
        (Some(r), Some(s)) => Some(format!("{r} {s}")),
        (Some(r), None) => Some(r.to_string()),
        (None, Some(s)) => Some(s.clone()),
        (None, None) => None,
    };
    put("smtp_code", code);
    put("bounce", Some(bounce_text.chars().take(MAX_LONG).collect()));
    let mut headers = explanation.original_headers.clone().unwrap_or_default();
    if headers.is_empty() && !explanation.authentication_results.is_empty() {
        headers = explanation
            .authentication_results
            .iter()
            .map(|v| format!("Authentication-Results: {v}"))
            .collect::<Vec<_>>()
            .join("\n");
    }
    put("headers", Some(headers));
    SupportDraft {
        category: Some(SupportCategory::MailNotArriving),
        values,
    }
}

fn date_value(value: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").ok()
}

fn yes_no(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "yes" | "ja" | "true" | "y" | "j" | "1" => Some(true),
        "no" | "nein" | "false" | "n" | "0" => Some(false),
        _ => None,
    }
}

const METHODS: &[(&str, &str)] = &[
    ("bank_transfer", "Überweisung / bank transfer"),
    ("sepa", "SEPA-Lastschrift / SEPA direct debit"),
    ("paypal", "PayPal"),
    ("card", "Kreditkarte / credit card"),
];

fn method(value: &str) -> Option<&'static str> {
    let v = value.trim().to_ascii_lowercase().replace([' ', '-'], "_");
    let v = match v.as_str() {
        "transfer" | "bank" | "überweisung" | "ueberweisung" => "bank_transfer",
        "lastschrift" | "direct_debit" => "sepa",
        "credit_card" | "kreditkarte" => "card",
        other => other,
    };
    METHODS.iter().find(|(k, _)| *k == v).map(|(_, name)| *name)
}

fn is_domain(value: &str) -> bool {
    let v = value.trim().trim_end_matches('.');
    v.len() <= 253
        && v.contains('.')
        && v.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
}

/// Checks a draft: `Ok` or one error naming every bad field in English and German.
pub fn check_draft(draft: &SupportDraft, today: NaiveDate) -> Result<SupportCategory, CoreError> {
    let Some(category) = draft.category else {
        return Err(CoreError::field(
            "category",
            "Choose what the ticket is about.",
            "Wählen Sie, worum es im Ticket geht.",
        ));
    };
    let mut problems = Problems::default();
    let form = form(category);
    for key in draft.values.keys() {
        if !form.fields.iter().any(|f| &f.key == key) {
            problems.add(
                key,
                &format!("This form has no field “{key}”."),
                &format!("Dieses Formular hat kein Feld „{key}“."),
            );
        }
    }
    for field in &form.fields {
        let value = draft.values.get(&field.key).map(|v| v.trim()).unwrap_or("");
        let (en, de) = (&field.label_en, &field.label_de);
        if value.is_empty() {
            if field.required {
                problems.add(
                    &field.key,
                    &format!("Enter: {en}."),
                    &format!("Bitte angeben: {de}."),
                );
            }
            continue;
        }
        let max = if field.kind == SupportFieldKind::LongText {
            MAX_LONG
        } else {
            MAX_LINE
        };
        if value.chars().count() > max {
            problems.add(
                &field.key,
                &format!("{en}: at most {max} characters."),
                &format!("{de}: höchstens {max} Zeichen."),
            );
            continue;
        }
        let bad = |p: &mut Problems, why_en: &str, why_de: &str| {
            p.add(
                &field.key,
                &format!("{en}: {why_en}"),
                &format!("{de}: {why_de}"),
            );
        };
        match field.kind {
            SupportFieldKind::Email if !is_address(value) => bad(
                &mut problems,
                "this is not an e-mail address.",
                "das ist keine E-Mail-Adresse.",
            ),
            SupportFieldKind::Domain if !is_domain(value) => bad(
                &mut problems,
                "this is not a domain or hostname.",
                "das ist keine Domain und kein Hostname.",
            ),
            SupportFieldKind::Date => match date_value(value) {
                None => bad(&mut problems, "write the date as YYYY-MM-DD.", "schreiben Sie das Datum als JJJJ-MM-TT."),
                Some(d) => {
                    let past_only = matches!(field.key.as_str(), "payment_date" | "noticed_on");
                    let future_only = matches!(field.key.as_str(), "expected_payment_date" | "desired_date");
                    if past_only && d > today {
                        bad(&mut problems, "the date cannot be in the future.", "das Datum kann nicht in der Zukunft liegen.");
                    } else if future_only && d < today {
                        bad(&mut problems, "the date cannot be in the past.", "das Datum kann nicht in der Vergangenheit liegen.");
                    }
                }
            },
            SupportFieldKind::Amount if parse_amount_cents(value).is_none_or(|c| c <= 0) => bad(
                &mut problems,
                "enter an amount in euros, e.g. 34,51.",
                "geben Sie einen Betrag in Euro ein, z. B. 34,51.",
            ),
            SupportFieldKind::Number if value.parse::<u32>().is_ok_and(|n| n > 0) => {}
            SupportFieldKind::Number => bad(
                &mut problems,
                "enter a whole number greater than 0.",
                "geben Sie eine ganze Zahl größer als 0 ein.",
            ),
            SupportFieldKind::YesNo => match yes_no(value) {
                None => bad(&mut problems, "answer yes or no.", "antworten Sie mit ja oder nein."),
                Some(false) if field.key == "legally_compliant" => bad(
                    &mut problems,
                    "mass mailing needs consent, an imprint and an unsubscribe link first.",
                    "Massenversand braucht zuerst Einwilligungen, ein Impressum und einen Abmeldelink.",
                ),
                Some(_) => {}
            },
            _ => {}
        }
        if field.key == "payment_method" && method(value).is_none() {
            bad(
                &mut problems,
                "choose bank_transfer, sepa, paypal or card.",
                "wählen Sie bank_transfer, sepa, paypal oder card.",
            );
        }
    }
    if category == SupportCategory::PaymentMade {
        let paypal = draft
            .values
            .get("payment_method")
            .and_then(|m| method(m))
            .is_some_and(|m| m == "PayPal");
        let id = draft
            .values
            .get("paypal_transaction_id")
            .map(|v| v.trim())
            .unwrap_or("");
        if paypal && !(id.len() == 17 && id.chars().all(|c| c.is_ascii_alphanumeric())) {
            problems.add(
                "paypal_transaction_id",
                "For PayPal, enter the transaction ID (17 letters and digits).",
                "Geben Sie bei PayPal die Transaktions-ID ein (17 Buchstaben und Ziffern).",
            );
        }
    }
    problems.finish()?;
    Ok(category)
}

/// The finished ticket text: every field of the form as `label: value` (German / English
/// labels, as the billing tickets write them), multi-line values as blocks at the end.
pub fn render_ticket(
    draft: &SupportDraft,
    today: NaiveDate,
) -> Result<SupportTicketText, CoreError> {
    let category = check_draft(draft, today)?;
    let form = form(category);
    let mut lines = String::new();
    let mut blocks = String::new();
    for field in &form.fields {
        let Some(value) = draft
            .values
            .get(&field.key)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
        else {
            continue;
        };
        let label = format!("{} / {}", field.label_de, field.label_en);
        let shown = match field.kind {
            SupportFieldKind::YesNo => match yes_no(value) {
                Some(true) => "ja / yes".to_owned(),
                _ => "nein / no".to_owned(),
            },
            _ if field.key == "payment_method" => method(value).unwrap_or(value).to_owned(),
            _ => value.to_owned(),
        };
        if field.kind == SupportFieldKind::LongText && shown.contains('\n') {
            blocks.push_str(&format!("\n{label}:\n{shown}\n"));
        } else {
            lines.push_str(&format!("{label}: {shown}\n"));
        }
    }
    let headline = draft
        .values
        .get("invoice_number")
        .or_else(|| draft.values.get("service"))
        .or_else(|| draft.values.get("recipient"))
        .or_else(|| draft.values.get("hostname"))
        .or_else(|| draft.values.get("affected"))
        .or_else(|| draft.values.get("mailbox"))
        .map(|v| format!(": {}", v.trim().chars().take(80).collect::<String>()))
        .unwrap_or_default();
    Ok(SupportTicketText {
        category,
        subject: format!("{} / {}{headline}", form.title_de, form.title_en),
        body: format!("{lines}{blocks}\n-- sent with cowdesk"),
    })
}

/// Fields that hold machine text (a bounce, mail headers): full of public random tokens.
const MACHINE_FIELDS: &[&str] = &["bounce", "headers"];

/// The password guard over every field of a draft: (field key, finding), the finding's
/// span relative to that field's value, so `replace_finding` works on the value.
pub fn guard_draft(draft: &SupportDraft, known: &[KnownSecret]) -> Vec<(String, GuardFinding)> {
    draft
        .values
        .iter()
        .flat_map(|(key, value)| {
            let found = if MACHINE_FIELDS.contains(&key.as_str()) {
                guard_machine_text(value, known)
            } else {
                guard_text(value, known)
            };
            found.into_iter().map(move |f| (key.clone(), f))
        })
        .collect()
}

/// The ticket, checked, guarded and rendered: an error naming the findings while a field
/// holds a secret, so nothing with a secret in it can be sent or copied.
pub fn finish_ticket(
    draft: &SupportDraft,
    known: &[KnownSecret],
    today: NaiveDate,
) -> Result<SupportTicketText, CoreError> {
    let ticket = render_ticket(draft, today)?;
    let findings: Vec<_> = guard_draft(draft, known)
        .into_iter()
        .map(|(_, f)| f)
        .collect();
    if !findings.is_empty() {
        return Err(blocked(&findings));
    }
    Ok(ticket)
}
