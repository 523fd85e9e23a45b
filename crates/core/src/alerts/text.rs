//! The words of every alert, in English and German, written when the alert is found so
//! the centre and the desktop notification say the same.

use chrono::NaiveDate;
use cowdesk_model::{AlertRule, Domain, Invoice, Mailbox, Mandate, MandateKind, Service};

/// "€1,234.56" and "1.234,56 €" (the one formatting of money, shared with the command line).
pub use crate::money::money;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Texts {
    pub title: String,
    pub title_de: String,
    pub body: String,
    pub body_de: String,
}

/// English or German, for the desktop notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    De,
}

impl Lang {
    /// "de" (any German locale) or English.
    pub fn from_code(code: &str) -> Lang {
        if code.to_ascii_lowercase().starts_with("de") {
            Lang::De
        } else {
            Lang::En
        }
    }
}

fn texts(title: (&str, &str), body: (String, String)) -> Texts {
    Texts {
        title: title.0.to_owned(),
        title_de: title.1.to_owned(),
        body: body.0,
        body_de: body.1,
    }
}

/// "7 Dec 2026" and "07.12.2026".
pub fn day(date: NaiveDate) -> (String, String) {
    (
        date.format("%-d %b %Y").to_string(),
        date.format("%d.%m.%Y").to_string(),
    )
}

pub fn invoice(rule: AlertRule, invoice: &Invoice) -> Texts {
    let (amount, amount_de) = money(invoice.amount_cents, &invoice.currency);
    let (due, due_de) = day(invoice.due_date);
    let number = &invoice.number;
    match rule {
        AlertRule::PaymentReminder => {
            let title = match invoice.dunning_level {
                1 => ("Payment reminder", "Zahlungserinnerung"),
                2 => ("Dunning notice", "Mahnung"),
                _ => ("Final dunning notice", "Letzte Mahnung"),
            };
            texts(
                title,
                (
                    format!("Invoice {number} of {amount} was due on {due} and is still unpaid."),
                    format!(
                        "Rechnung {number} über {amount_de} war am {due_de} fällig und ist noch offen."
                    ),
                ),
            )
        }
        AlertRule::InvoiceOverdue => texts(
            ("Invoice overdue", "Rechnung überfällig"),
            (
                format!("Invoice {number} of {amount} was due on {due}."),
                format!("Rechnung {number} über {amount_de} war am {due_de} fällig."),
            ),
        ),
        AlertRule::DueWithoutMandate => texts(
            ("Invoice due soon", "Rechnung bald fällig"),
            (
                format!(
                    "Invoice {number} of {amount} is due on {due}, and no payment mandate is active: please pay it yourself."
                ),
                format!(
                    "Rechnung {number} über {amount_de} ist am {due_de} fällig, und kein Zahlungsmandat ist aktiv: bitte selbst bezahlen."
                ),
            ),
        ),
        _ => texts(
            ("New invoice", "Neue Rechnung"),
            (
                format!("Invoice {number} of {amount}, due on {due}."),
                format!("Rechnung {number} über {amount_de}, fällig am {due_de}."),
            ),
        ),
    }
}

pub fn service(rule: AlertRule, service: &Service) -> Texts {
    let product = &service.product;
    if rule == AlertRule::ServiceReactivated {
        return texts(
            ("Service reactivated", "Dienst wieder aktiv"),
            (
                format!("{product} ({}) is active again.", service.id),
                format!("{product} ({}) ist wieder aktiv.", service.id),
            ),
        );
    }
    let (reason, reason_de) = match &service.status_reason {
        Some(reason) => {
            let text = crate::server_text::translate(reason);
            // The portal's own words stay as they are, in quotes, in the German text.
            let de = if text.server_words {
                format!(": „{}“", text.de)
            } else {
                format!(": {}", text.de)
            };
            (format!(": {}", text.en), de)
        }
        None => (String::new(), String::new()),
    };
    texts(
        ("Service suspended", "Dienst gesperrt"),
        (
            format!("{product} ({}) is suspended{reason}.", service.id),
            format!("{product} ({}) ist gesperrt{reason_de}.", service.id),
        ),
    )
}

pub fn mandate(rule: AlertRule, mandate: &Mandate) -> Texts {
    let kind = match mandate.kind {
        MandateKind::Sepa => "SEPA",
        MandateKind::Paypal => "PayPal",
        MandateKind::Card => "card",
    };
    let kind_de = match mandate.kind {
        MandateKind::Card => "Kreditkarten",
        _ => kind,
    };
    let label = &mandate.label;
    if rule == AlertRule::MandateFailed {
        texts(
            ("Payment mandate failed", "Zahlungsmandat fehlgeschlagen"),
            (
                format!("The {kind} mandate {label} failed: invoices cannot be collected until a payment method works."),
                format!("Das {kind_de}-Mandat {label} ist fehlgeschlagen: Rechnungen können erst wieder eingezogen werden, wenn eine Zahlungsart funktioniert."),
            ),
        )
    } else {
        texts(
            ("Payment mandate cancelled", "Zahlungsmandat widerrufen"),
            (
                format!("The {kind} mandate {label} was cancelled."),
                format!("Das {kind_de}-Mandat {label} wurde widerrufen."),
            ),
        )
    }
}

pub fn domain_expiring(domain: &Domain, days_left: i64) -> Texts {
    let (date, date_de) = day(domain.expires_on);
    let name = &domain.name;
    let (when, when_de) = match days_left {
        0 => ("today".to_owned(), "heute".to_owned()),
        1 => ("in 1 day".to_owned(), "in 1 Tag".to_owned()),
        d if d > 1 => (format!("in {d} days"), format!("in {d} Tagen")),
        -1 => ("1 day ago".to_owned(), "vor 1 Tag".to_owned()),
        d => (format!("{} days ago", -d), format!("vor {} Tagen", -d)),
    };
    let (renew, renew_de) = if domain.auto_renew {
        ("auto-renew is on", "automatische Verlängerung ist an")
    } else {
        ("auto-renew is off", "automatische Verlängerung ist aus")
    };
    if days_left < 0 {
        texts(
            ("Domain expired", "Domain abgelaufen"),
            (
                format!("{name} expired on {date} ({when}); {renew}."),
                format!("{name} ist am {date_de} abgelaufen ({when_de}); {renew_de}."),
            ),
        )
    } else {
        texts(
            ("Domain expiring", "Domain läuft ab"),
            (
                format!("{name} expires on {date} ({when}); {renew}."),
                format!("{name} läuft am {date_de} ab ({when_de}); {renew_de}."),
            ),
        )
    }
}

pub fn domain_unlocked(domain: &Domain, days: i64) -> Texts {
    let name = &domain.name;
    texts(
        ("Domain still unlocked", "Domain noch entsperrt"),
        (
            format!("The transfer lock of {name} has been off for {days} days. Lock it again unless a transfer is under way."),
            format!("Die Transfersperre von {name} ist seit {days} Tagen aus. Schalten Sie sie wieder ein, wenn kein Transfer läuft."),
        ),
    )
}

pub fn mailbox(mailbox: &Mailbox, percent: f64) -> Texts {
    let address = &mailbox.address;
    let quota = size(mailbox.quota_bytes);
    let quota_de = quota.replace('.', ",");
    let full = mailbox.uses_at_least(100);
    // Rounded as the dashboard rounds it, but never "100 %" before it is full.
    let percent = if full {
        percent.round() as i64
    } else {
        (percent.round() as i64).min(99)
    };
    if full {
        texts(
            ("Mailbox full", "Postfach voll"),
            (
                format!("{address} uses {percent} % of its {quota} quota: new mail may be refused."),
                format!("{address} belegt {percent} % von {quota_de}: neue E-Mails können abgewiesen werden."),
            ),
        )
    } else {
        texts(
            ("Mailbox almost full", "Postfach fast voll"),
            (
                format!("{address} uses {percent} % of its {quota} quota."),
                format!("{address} belegt {percent} % von {quota_de}."),
            ),
        )
    }
}

/// A quota in GB or MB, as the portal states them.
fn size(bytes: i64) -> String {
    const MIB: f64 = 1024.0 * 1024.0;
    let mib = bytes as f64 / MIB;
    if mib >= 1024.0 {
        let gib = mib / 1024.0;
        if gib.fract() == 0.0 {
            format!("{gib:.0} GB")
        } else {
            format!("{gib:.1} GB")
        }
    } else {
        format!("{mib:.0} MB")
    }
}

/// The one notification that stands for several alerts of one account.
pub fn summary(count: usize, titles: &[&str], lang: Lang) -> (String, String) {
    const NAMED: usize = 3;
    let named = titles[..titles.len().min(NAMED)].join(", ");
    let more = count.saturating_sub(NAMED);
    match lang {
        Lang::En => (
            format!("{count} new alerts"),
            if more > 0 {
                format!("{named} and {more} more.")
            } else {
                format!("{named}.")
            },
        ),
        Lang::De => (
            format!("{count} neue Hinweise"),
            if more > 0 {
                format!("{named} und {more} weitere.")
            } else {
                format!("{named}.")
            },
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alert_money_is_written_per_language() {
        assert_eq!(money(3546, "EUR"), ("€35.46".into(), "35,46 €".into()));
        assert_eq!(
            money(1_234_567, "EUR"),
            ("€12,345.67".into(), "12.345,67 €".into())
        );
        assert_eq!(money(5, "EUR").1, "0,05 €");
        assert_eq!(money(-100, "CHF").0, "-1.00 CHF");
    }

    #[test]
    fn alert_dates_and_sizes_read_naturally() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        assert_eq!(day(d), ("7 Dec 2026".into(), "07.12.2026".into()));
        assert_eq!(size(1024 * 1024 * 1024), "1 GB");
        assert_eq!(size(5 * 512 * 1024 * 1024), "2.5 GB");
        assert_eq!(size(500 * 1024 * 1024), "500 MB");
    }

    #[test]
    fn alert_summary_names_the_first_three() {
        let (title, body) = summary(5, &["A", "B", "C", "D", "E"], Lang::En);
        assert_eq!(title, "5 new alerts");
        assert_eq!(body, "A, B, C and 2 more.");
        let (title, body) = summary(2, &["A", "B"], Lang::De);
        assert_eq!(title, "2 neue Hinweise");
        assert_eq!(body, "A, B.");
    }
}
