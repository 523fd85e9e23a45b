//! The alert rules: pure functions from what the cache held before a sync and what it
//! holds after to the findings of this moment. No storage, no clock: the caller passes
//! both, so every rule is tested with plain values.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use cowdesk_model::{
    AlertRule, AlertSeverity, Domain, Invoice, InvoiceStatus, Mailbox, Mandate, MandateStatus,
    NavTarget, Service, ServiceStatus,
};

use super::text::{self, Texts};

/// An invoice due within this many days, with no mandate to collect it, is flagged.
pub const DUE_SOON_DAYS: i64 = 3;
/// A domain expiring within this many days (or expired as recently) is flagged.
pub const EXPIRY_DAYS: i64 = 30;
/// A transfer lock off for longer than this is flagged.
pub const UNLOCKED_DAYS: i64 = 7;
/// Mailboxes at or above this share of their quota are flagged.
pub const QUOTA_PERCENT: f64 = 90.0;

/// One account's cached data; `None` for a resource never synced or not readable by the
/// account's role.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub invoices: Option<Vec<Invoice>>,
    pub mandates: Option<Vec<Mandate>>,
    pub services: Option<Vec<Service>>,
    pub domains: Option<Vec<Domain>>,
    pub mailboxes: Option<Vec<Mailbox>>,
}

/// What the rules look at.
pub struct RuleInput<'a> {
    pub previous: &'a Snapshot,
    pub current: &'a Snapshot,
    pub today: NaiveDate,
    pub now: DateTime<Utc>,
    /// Since when each domain (by name) has been without its transfer lock. Fed by the
    /// first sync that saw it unlocked (see `ledger::track_unlocked`).
    pub unlocked_since: &'a HashMap<String, DateTime<Utc>>,
}

/// Something a rule found. The ledger keys it by (rule, object, state).
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub rule: AlertRule,
    pub object: String,
    pub state: String,
    pub severity: AlertSeverity,
    /// An event (a new invoice, a reactivation) is announced only by the sync that saw it
    /// happen; a condition (overdue, suspended) is announced whenever it is not yet known.
    pub event: bool,
    /// For events: this sync's changes show it happening.
    pub fresh: bool,
    /// Whether the cause is still there; an event that needs nothing done is recorded
    /// as resolved at once.
    pub holds: bool,
    pub target: NavTarget,
    pub texts: Texts,
}

impl Finding {
    pub fn key(&self) -> (AlertRule, &str, &str) {
        (self.rule, &self.object, &self.state)
    }

    /// A condition: holds while the cause is there.
    fn condition(
        rule: AlertRule,
        object: &str,
        state: String,
        severity: AlertSeverity,
        target: NavTarget,
        texts: Texts,
    ) -> Finding {
        Finding {
            rule,
            object: object.to_owned(),
            state,
            severity,
            event: false,
            fresh: false,
            holds: true,
            target,
            texts,
        }
    }

    /// An event: `fresh` when this sync saw it happen; `holds` while it needs attention.
    fn event(
        rule: AlertRule,
        object: &str,
        severity: AlertSeverity,
        (fresh, holds): (bool, bool),
        target: NavTarget,
        texts: Texts,
    ) -> Finding {
        Finding {
            rule,
            object: object.to_owned(),
            state: String::new(),
            severity,
            event: true,
            fresh,
            holds,
            target,
            texts,
        }
    }
}

pub fn evaluate(input: &RuleInput<'_>) -> Vec<Finding> {
    let mut findings = Vec::new();
    invoices(input, &mut findings);
    services(input, &mut findings);
    mandates(input, &mut findings);
    domains(input, &mut findings);
    mailboxes(input, &mut findings);
    findings
}

/// What a previous list held, by key (empty when there was none).
fn by_key<'a, T, V>(
    list: &'a Option<Vec<T>>,
    entry: impl Fn(&'a T) -> (&'a str, V),
) -> HashMap<&'a str, V> {
    list.iter().flatten().map(entry).collect()
}

fn unpaid(invoice: &Invoice) -> bool {
    matches!(invoice.status, InvoiceStatus::Open | InvoiceStatus::Overdue)
}

fn past_due(invoice: &Invoice, today: NaiveDate) -> bool {
    invoice.status == InvoiceStatus::Overdue
        || (invoice.status == InvoiceStatus::Open && invoice.due_date < today)
}

fn invoices(input: &RuleInput<'_>, out: &mut Vec<Finding>) {
    let Some(current) = &input.current.invoices else {
        return;
    };
    let known: Option<HashSet<&str>> = input
        .previous
        .invoices
        .as_ref()
        .map(|list| list.iter().map(|i| i.number.as_str()).collect());
    // Without mandate data (role, or not synced) "no mandate" cannot be told.
    let has_active_mandate = input
        .current
        .mandates
        .as_ref()
        .map(|m| m.iter().any(|m| m.status == MandateStatus::Active));
    for invoice in current {
        let target = || NavTarget::Invoices {
            number: invoice.number.clone(),
        };
        let texts = |rule| text::invoice(rule, invoice);
        let is_new = known
            .as_ref()
            .is_some_and(|k| !k.contains(invoice.number.as_str()));
        // A new invoice stays open in the centre while it is unpaid. Old paid invoices
        // have nothing to report, and most of a long list is just that.
        if !is_new && !unpaid(invoice) {
            continue;
        }
        out.push(Finding::event(
            AlertRule::NewInvoice,
            &invoice.number,
            AlertSeverity::Info,
            (is_new, unpaid(invoice)),
            target(),
            texts(AlertRule::NewInvoice),
        ));
        if !unpaid(invoice) {
            continue;
        }
        let (rule, state, severity) = if invoice.dunning_level > 0 {
            // Keyed by level: a higher level is a new alert, the lower one resolves.
            let severity = if invoice.dunning_level >= 2 {
                AlertSeverity::Critical
            } else {
                AlertSeverity::Warning
            };
            let level = invoice.dunning_level.to_string();
            (AlertRule::PaymentReminder, level, severity)
        } else if past_due(invoice, input.today) {
            (
                AlertRule::InvoiceOverdue,
                String::new(),
                AlertSeverity::Warning,
            )
        } else {
            let days = (invoice.due_date - input.today).num_days();
            if !(0..=DUE_SOON_DAYS).contains(&days) || has_active_mandate != Some(false) {
                continue;
            }
            (
                AlertRule::DueWithoutMandate,
                String::new(),
                AlertSeverity::Warning,
            )
        };
        out.push(Finding::condition(
            rule,
            &invoice.number,
            state,
            severity,
            target(),
            texts(rule),
        ));
    }
}

fn services(input: &RuleInput<'_>, out: &mut Vec<Finding>) {
    let Some(current) = &input.current.services else {
        return;
    };
    let before = by_key(&input.previous.services, |s| (s.id.as_str(), s.status));
    for service in current {
        let target = NavTarget::Services {
            id: service.id.clone(),
        };
        if service.status == ServiceStatus::Suspended {
            out.push(Finding::condition(
                AlertRule::ServiceSuspended,
                &service.id,
                String::new(),
                AlertSeverity::Critical,
                target,
                text::service(AlertRule::ServiceSuspended, service),
            ));
        } else if service.status == ServiceStatus::Active
            && before.get(service.id.as_str()) == Some(&ServiceStatus::Suspended)
        {
            // Good news: announced once, nothing left to do.
            out.push(Finding::event(
                AlertRule::ServiceReactivated,
                &service.id,
                AlertSeverity::Info,
                (true, false),
                target,
                text::service(AlertRule::ServiceReactivated, service),
            ));
        }
    }
}

fn mandates(input: &RuleInput<'_>, out: &mut Vec<Finding>) {
    let Some(current) = &input.current.mandates else {
        return;
    };
    let before = by_key(&input.previous.mandates, |m| (m.id.as_str(), m.status));
    for mandate in current {
        let target = NavTarget::Mandates {
            id: mandate.id.clone(),
        };
        match mandate.status {
            // Failed needs a new payment method: it stays open until the mandate changes.
            MandateStatus::Failed => out.push(Finding::condition(
                AlertRule::MandateFailed,
                &mandate.id,
                String::new(),
                AlertSeverity::Critical,
                target,
                text::mandate(AlertRule::MandateFailed, mandate),
            )),
            // A cancellation is news when it happens; an old cancelled mandate is not.
            MandateStatus::Cancelled => {
                let was = before.get(mandate.id.as_str());
                let fresh = input.previous.mandates.is_some()
                    && was.is_none_or(|s| *s != MandateStatus::Cancelled);
                out.push(Finding::event(
                    AlertRule::MandateCancelled,
                    &mandate.id,
                    AlertSeverity::Warning,
                    (fresh, false),
                    target,
                    text::mandate(AlertRule::MandateCancelled, mandate),
                ));
            }
            MandateStatus::Pending | MandateStatus::Active => {}
        }
    }
}

fn domains(input: &RuleInput<'_>, out: &mut Vec<Finding>) {
    let Some(current) = &input.current.domains else {
        return;
    };
    for domain in current {
        let target = NavTarget::Domains {
            name: domain.name.clone(),
        };
        let days_left = (domain.expires_on - input.today).num_days();
        if days_left.abs() <= EXPIRY_DAYS {
            // Keyed by the expiry date: a renewal resolves it, the next term starts afresh.
            let severity = if days_left <= 7 {
                AlertSeverity::Critical
            } else {
                AlertSeverity::Warning
            };
            out.push(Finding::condition(
                AlertRule::DomainExpiring,
                &domain.name,
                domain.expires_on.to_string(),
                severity,
                target.clone(),
                text::domain_expiring(domain, days_left),
            ));
        }
        if domain.transfer_lock || domain.status == "transfer_pending" {
            continue;
        }
        let Some(since) = input.unlocked_since.get(&domain.name) else {
            continue;
        };
        let days = (input.now - *since).num_days();
        if days > UNLOCKED_DAYS {
            out.push(Finding::condition(
                AlertRule::DomainUnlocked,
                &domain.name,
                since.to_rfc3339(),
                AlertSeverity::Warning,
                target,
                text::domain_unlocked(domain, days),
            ));
        }
    }
}

fn mailboxes(input: &RuleInput<'_>, out: &mut Vec<Finding>) {
    let Some(current) = &input.current.mailboxes else {
        return;
    };
    for mailbox in current {
        let Some(percent) = mailbox.percent_used() else {
            continue;
        };
        if percent >= QUOTA_PERCENT {
            let severity = if percent >= 100.0 {
                AlertSeverity::Critical
            } else {
                AlertSeverity::Warning
            };
            out.push(Finding::condition(
                AlertRule::MailboxQuota,
                &mailbox.address,
                String::new(),
                severity,
                NavTarget::Mailboxes {
                    address: mailbox.address.clone(),
                },
                text::mailbox(mailbox, percent),
            ));
        }
    }
}
