//! The alert rules: pure functions from what the cache held before a write and what it
//! holds after to the findings of this moment. Each object is judged on its own, so the
//! rules run over the change set (plus the rows the day concerns) and find exactly what
//! they would find over the whole account. No storage, no clock: the caller passes both,
//! so every rule is tested with plain values.

use std::collections::HashMap;

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
/// Mailboxes at or above this share of their quota are flagged as almost full ...
pub const QUOTA_PERCENT: i64 = 90;
/// ... and at or above this one as full.
pub const FULL_PERCENT: i64 = 100;

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

/// Everything before and after a sync: the rules over a whole account.
pub struct RuleInput<'a> {
    pub previous: &'a Snapshot,
    pub current: &'a Snapshot,
    pub today: NaiveDate,
    /// Since when each domain (by name) has been without its transfer lock. Fed by the
    /// first sync that saw it unlocked (see `alerts::evaluate`).
    pub unlocked_since: &'a HashMap<String, DateTime<Utc>>,
}

/// One object the rules look at: as it was before the write, and as it is now.
#[derive(Debug)]
pub struct Seen<'a, T> {
    pub before: Option<&'a T>,
    pub after: Option<&'a T>,
}

// Derived Clone/Copy would ask `T: Copy`.
impl<T> Clone for Seen<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Seen<'_, T> {}

/// The objects of one resource the rules look at this time.
#[derive(Debug)]
pub struct Section<'a, T> {
    /// The resource was readable before this write: an object new to it is news.
    pub known_before: bool,
    pub objects: Vec<Seen<'a, T>>,
}

impl<T> Default for Section<'_, T> {
    fn default() -> Self {
        Section {
            known_before: false,
            objects: Vec::new(),
        }
    }
}

/// What the rules look at: the objects in scope (the rows a write changed, plus those the
/// day or a changed mandate concern), with what the rules need around them.
#[derive(Debug)]
pub struct Scoped<'a> {
    pub invoices: Section<'a, Invoice>,
    pub services: Section<'a, Service>,
    pub mandates: Section<'a, Mandate>,
    pub domains: Section<'a, Domain>,
    pub mailboxes: Section<'a, Mailbox>,
    /// Whether any mandate is active now; `None` when the role cannot read mandates.
    pub has_active_mandate: Option<bool>,
    pub today: NaiveDate,
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

/// The rules over a whole account: every object, before and after.
pub fn evaluate(input: &RuleInput<'_>) -> Vec<Finding> {
    evaluate_scoped(&scope_all(input))
}

/// `input` with every current object in scope.
fn scope_all<'a>(input: &'a RuleInput<'a>) -> Scoped<'a> {
    fn section<'a, T>(
        previous: &'a Option<Vec<T>>,
        current: &'a Option<Vec<T>>,
        key: impl Fn(&T) -> &str,
    ) -> Section<'a, T> {
        let before: HashMap<&str, &T> = previous.iter().flatten().map(|t| (key(t), t)).collect();
        Section {
            known_before: previous.is_some(),
            objects: current
                .iter()
                .flatten()
                .map(|t| Seen {
                    before: before.get(key(t)).copied(),
                    after: Some(t),
                })
                .collect(),
        }
    }
    let (p, c) = (input.previous, input.current);
    Scoped {
        invoices: section(&p.invoices, &c.invoices, |i| &i.number),
        services: section(&p.services, &c.services, |s| &s.id),
        mandates: section(&p.mandates, &c.mandates, |m| &m.id),
        domains: section(&p.domains, &c.domains, |d| &d.name),
        mailboxes: section(&p.mailboxes, &c.mailboxes, |m| &m.address),
        has_active_mandate: c
            .mandates
            .as_ref()
            .map(|m| m.iter().any(|m| m.status == MandateStatus::Active)),
        today: input.today,
        unlocked_since: input.unlocked_since,
    }
}

/// The rules over the objects in scope. Each object is judged on its own (and on whether
/// a mandate is active): the findings for an object are the same whichever other objects
/// are in scope.
pub fn evaluate_scoped(input: &Scoped<'_>) -> Vec<Finding> {
    let mut findings = Vec::new();
    for seen in &input.invoices.objects {
        invoice(seen, input, &mut findings);
    }
    for seen in &input.services.objects {
        service(seen, &mut findings);
    }
    for seen in &input.mandates.objects {
        mandate(seen, input.mandates.known_before, &mut findings);
    }
    for seen in &input.domains.objects {
        domain(seen, input, &mut findings);
    }
    for seen in &input.mailboxes.objects {
        mailbox(seen, &mut findings);
    }
    findings
}

fn unpaid(invoice: &Invoice) -> bool {
    matches!(invoice.status, InvoiceStatus::Open | InvoiceStatus::Overdue)
}

fn past_due(invoice: &Invoice, today: NaiveDate) -> bool {
    invoice.status == InvoiceStatus::Overdue
        || (invoice.status == InvoiceStatus::Open && invoice.due_date < today)
}

fn invoice(seen: &Seen<'_, Invoice>, input: &Scoped<'_>, out: &mut Vec<Finding>) {
    let Some(invoice) = seen.after else {
        return;
    };
    let target = || NavTarget::Invoices {
        number: invoice.number.clone(),
    };
    let texts = |rule| text::invoice(rule, invoice);
    let is_new = input.invoices.known_before && seen.before.is_none();
    // A new invoice stays open in the centre while it is unpaid. Old paid invoices
    // have nothing to report, and most of a long list is just that.
    if !is_new && !unpaid(invoice) {
        return;
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
        return;
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
        // Without mandate data (role, or not synced) "no mandate" cannot be told.
        if !(0..=DUE_SOON_DAYS).contains(&days) || input.has_active_mandate != Some(false) {
            return;
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

fn service(seen: &Seen<'_, Service>, out: &mut Vec<Finding>) {
    let Some(service) = seen.after else {
        return;
    };
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
        && seen.before.map(|s| s.status) == Some(ServiceStatus::Suspended)
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

fn mandate(seen: &Seen<'_, Mandate>, known_before: bool, out: &mut Vec<Finding>) {
    let Some(mandate) = seen.after else {
        return;
    };
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
            let fresh = known_before
                && seen
                    .before
                    .is_none_or(|m| m.status != MandateStatus::Cancelled);
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

fn domain(seen: &Seen<'_, Domain>, input: &Scoped<'_>, out: &mut Vec<Finding>) {
    let Some(domain) = seen.after else {
        return;
    };
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
        return;
    }
    let Some(since) = input.unlocked_since.get(&domain.name) else {
        return;
    };
    // Whole days, counted by the calendar: the age changes with the day only, so the
    // daily pass of the rules is enough to notice it.
    let days = (input.today - since.date_naive()).num_days();
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

fn mailbox(seen: &Seen<'_, Mailbox>, out: &mut Vec<Finding>) {
    let Some(mailbox) = seen.after else {
        return;
    };
    let Some(percent) = mailbox.percent_used() else {
        return;
    };
    // Full is its own alert: mail bounces now, which is news even after "almost full".
    let (rule, severity) = if mailbox.uses_at_least(FULL_PERCENT) {
        (AlertRule::MailboxFull, AlertSeverity::Critical)
    } else if mailbox.uses_at_least(QUOTA_PERCENT) {
        (AlertRule::MailboxQuota, AlertSeverity::Warning)
    } else {
        return;
    };
    out.push(Finding::condition(
        rule,
        &mailbox.address,
        String::new(),
        severity,
        NavTarget::Mailboxes {
            address: mailbox.address.clone(),
        },
        text::mailbox(mailbox, percent),
    ));
}
