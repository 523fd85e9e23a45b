//! Alerts: what a sync found that the customer should hear about, where clicking it leads,
//! and how notifications are delivered.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{AccountId, ErrorInfo};

/// The rules that turn a sync's changes into alerts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum AlertRule {
    NewInvoice,
    /// The dunning level of an unpaid invoice went up (reminder, dunning, final dunning).
    PaymentReminder,
    /// Due within 3 days and no active payment mandate to collect it.
    DueWithoutMandate,
    /// Past its due date, no reminder yet.
    InvoiceOverdue,
    ServiceSuspended,
    ServiceReactivated,
    MandateFailed,
    MandateCancelled,
    DomainExpiring,
    /// Transfer lock off for more than 7 days, no transfer under way.
    DomainUnlocked,
    /// At or over 90 % of its quota, not yet full.
    MailboxQuota,
    /// At or over 100 % of its quota: mail to it bounces.
    MailboxFull,
}

impl AlertRule {
    pub const ALL: [AlertRule; 12] = [
        AlertRule::NewInvoice,
        AlertRule::PaymentReminder,
        AlertRule::DueWithoutMandate,
        AlertRule::InvoiceOverdue,
        AlertRule::ServiceSuspended,
        AlertRule::ServiceReactivated,
        AlertRule::MandateFailed,
        AlertRule::MandateCancelled,
        AlertRule::DomainExpiring,
        AlertRule::DomainUnlocked,
        AlertRule::MailboxQuota,
        AlertRule::MailboxFull,
    ];

    pub fn category(self) -> AlertCategory {
        match self {
            AlertRule::NewInvoice
            | AlertRule::PaymentReminder
            | AlertRule::DueWithoutMandate
            | AlertRule::InvoiceOverdue => AlertCategory::Invoices,
            AlertRule::ServiceSuspended | AlertRule::ServiceReactivated => AlertCategory::Services,
            AlertRule::MandateFailed | AlertRule::MandateCancelled => AlertCategory::Mandates,
            AlertRule::DomainExpiring | AlertRule::DomainUnlocked => AlertCategory::Domains,
            AlertRule::MailboxQuota | AlertRule::MailboxFull => AlertCategory::Mailboxes,
        }
    }

    /// The name stored in the ledger (the serde name).
    pub fn as_str(self) -> &'static str {
        match self {
            AlertRule::NewInvoice => "new_invoice",
            AlertRule::PaymentReminder => "payment_reminder",
            AlertRule::DueWithoutMandate => "due_without_mandate",
            AlertRule::InvoiceOverdue => "invoice_overdue",
            AlertRule::ServiceSuspended => "service_suspended",
            AlertRule::ServiceReactivated => "service_reactivated",
            AlertRule::MandateFailed => "mandate_failed",
            AlertRule::MandateCancelled => "mandate_cancelled",
            AlertRule::DomainExpiring => "domain_expiring",
            AlertRule::DomainUnlocked => "domain_unlocked",
            AlertRule::MailboxQuota => "mailbox_quota",
            AlertRule::MailboxFull => "mailbox_full",
        }
    }

    pub fn parse(name: &str) -> Option<AlertRule> {
        AlertRule::ALL.into_iter().find(|r| r.as_str() == name)
    }
}

/// Groups of rules the settings switch on and off together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum AlertCategory {
    Invoices,
    Services,
    Mandates,
    Domains,
    Mailboxes,
}

impl AlertCategory {
    pub const ALL: [AlertCategory; 5] = [
        AlertCategory::Invoices,
        AlertCategory::Services,
        AlertCategory::Mandates,
        AlertCategory::Domains,
        AlertCategory::Mailboxes,
    ];
}

/// How pressing an alert is; maps to the notification urgency (low, normal, critical).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum AlertSeverity {
    Info,
    Warning,
    Critical,
}

/// What became of an alert's desktop notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum AlertDelivery {
    /// Waiting to be shown (also while quiet hours hold it).
    Pending,
    Delivered,
    /// Found by the first sync of an account: recorded, never notified.
    Backfill,
    /// Notifications were off for its category or account, or altogether.
    Suppressed,
    /// Its cause was gone before it could be shown.
    Dropped,
    /// No notification service answered; the alert is in the app only.
    Failed,
}

/// A place in the app: a view of one account, with one item selected.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(tag = "view", rename_all = "snake_case")]
pub enum NavTarget {
    Invoices {
        number: String,
    },
    Services {
        id: String,
    },
    Mandates {
        id: String,
    },
    Domains {
        name: String,
    },
    Mailboxes {
        address: String,
    },
    /// The notification centre, filtered to the account.
    Alerts,
}

/// Where clicking an alert (in the app or on the desktop) leads.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Navigation {
    pub account_id: AccountId,
    pub target: NavTarget,
}

/// One alert as the notification centre shows it. Texts are in English and German; the
/// UI picks the current language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Alert {
    #[ts(type = "number")]
    pub id: i64,
    pub account_id: AccountId,
    pub account_name: String,
    pub rule: AlertRule,
    pub category: AlertCategory,
    pub severity: AlertSeverity,
    pub title: String,
    pub title_de: String,
    pub body: String,
    pub body_de: String,
    pub target: Navigation,
    pub created_at: DateTime<Utc>,
    /// Set once the cause is gone (paid, reactivated, renewed, ...).
    pub resolved_at: Option<DateTime<Utc>>,
    pub read: bool,
    pub delivery: AlertDelivery,
}

/// Counts for the navigation badge and the tray.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AlertCounts {
    pub unread: u32,
    pub unresolved: u32,
}

/// A daily window in local time during which notifications are held, e.g. 22:00–07:00.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct QuietHours {
    /// "HH:MM", 24-hour local time.
    pub start: String,
    pub end: String,
}

/// The user's notification settings. Alerts are always recorded in the app; these decide
/// which become desktop notifications, and how often the background sync runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AlertSettings {
    /// False: no desktop notifications at all.
    pub enabled: bool,
    /// Categories whose notifications are off.
    pub muted_categories: Vec<AlertCategory>,
    /// Accounts whose notifications are off.
    pub muted_accounts: Vec<AccountId>,
    pub quiet_hours: Option<QuietHours>,
    pub sync_interval_minutes: u32,
}

impl Default for AlertSettings {
    fn default() -> Self {
        AlertSettings {
            enabled: true,
            muted_categories: Vec::new(),
            muted_accounts: Vec::new(),
            quiet_hours: None,
            sync_interval_minutes: 15,
        }
    }
}

/// Why the background sync is waiting, and until when.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum ScheduleState {
    /// Not signed in: nothing to sync.
    Idle,
    Running,
    /// Waiting for the next regular sync.
    Waiting,
    /// The last sync failed (offline, server trouble): retrying later, sooner when the
    /// network comes back.
    BackingOff,
    /// The sign-in has ended: waiting for the user.
    Paused,
}

/// The background sync as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SyncSchedule {
    pub state: ScheduleState,
    pub interval_minutes: u32,
    pub next_at: Option<DateTime<Utc>>,
    /// Failed syncs in a row.
    pub failures: u32,
    pub last_error: Option<ErrorInfo>,
}

/// Desktop integration the user can switch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DesktopSettings {
    pub start_at_login: bool,
    /// Closing the window keeps cowdesk in the tray, syncing and notifying.
    pub keep_running: bool,
    /// Whether a tray icon could be created (else closing the window quits).
    pub tray_available: bool,
}
