//! Long lists a window at a time: the cache filters, searches, sorts and counts, and only
//! the rows a virtual list shows cross to the UI, in a compact row form.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{InvoiceStatus, MailboxEntry};

/// The most rows one window may ask for.
pub const MAX_WINDOW_ROWS: u32 = 1000;

/// Which rows of the filtered, sorted list to send: `limit` rows from `offset` (0-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Window {
    pub offset: u32,
    /// At most [`MAX_WINDOW_ROWS`].
    pub limit: u32,
}

/// One window of a long cached list, with the counts a virtual list needs for its height.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Windowed<T> {
    pub rows: Vec<T>,
    /// Where `rows` start in the filtered list.
    pub offset: u32,
    /// Rows the filter and search select.
    pub matching: u32,
    /// Rows of the account before filtering.
    pub total: u32,
    /// False when the account's role lacks the permission (then there are no rows).
    pub permitted: bool,
    pub last_synced: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum MailboxFilter {
    All,
    /// At or over 90 % of the quota.
    NearlyFull,
    /// At or over 100 % of the quota.
    Full,
    Inactive,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum MailboxSort {
    Address,
    Name,
    /// Share of the quota in use.
    Usage,
    Quota,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MailboxQuery {
    /// Part of the address or the name, in any case.
    pub search: String,
    /// Only the mailboxes of this domain (any case); `None` for all.
    pub domain: Option<String>,
    pub filter: MailboxFilter,
    pub sort: MailboxSort,
    pub descending: bool,
}

/// A query of the profile's merged mailbox list (portal preview and every mailcow, one
/// row per address: [`crate::MailboxEntry`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MailboxEntryQuery {
    /// Part of the address or the name, in any case.
    pub search: String,
    /// Only the mailboxes of this domain (any case); `None` for all.
    pub domain: Option<String>,
    /// `NearlyFull` and `Full` judge the row's rounded percent, as the list shows it.
    pub filter: MailboxFilter,
    /// `Address` sorts by the lowercased address, as the whole list does.
    pub sort: MailboxSort,
    pub descending: bool,
    /// Only rows a mailcow reports (`Mailcow`, `MailcowAndPortal`).
    pub mailcow_only: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum DomainFilter {
    All,
    /// Expiring within 30 days, or expired as recently.
    Expiring,
    /// Transfer lock off.
    Unlocked,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum DomainSort {
    Name,
    ExpiresOn,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DomainQuery {
    /// Part of the name, in any case.
    pub search: String,
    pub filter: DomainFilter,
    pub sort: DomainSort,
    pub descending: bool,
}

/// A domain as a list row: what the table shows, without the links to services and
/// invoices the detail view loads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DomainLine {
    pub name: String,
    pub expires_on: NaiveDate,
    pub transfer_lock: bool,
    pub auto_renew: bool,
    pub status: String,
    /// Ids of the services the domain belongs to (the list names their products).
    pub service_ids: Vec<String>,
}

/// An invoice as a list row (the window of [`crate::InvoiceQuery`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct InvoiceLine {
    pub number: String,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    #[ts(type = "number")]
    pub amount_cents: i64,
    pub currency: String,
    pub status: InvoiceStatus,
    pub dunning_level: u8,
    /// Unpaid after its due date.
    pub overdue: bool,
    /// The PDF is in the cache and opens offline.
    pub pdf_cached: bool,
}

/// What a mailbox list shows above its rows, for the whole list (not the window): how
/// many mailboxes, their usage and quotas, and the domains they are in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MailboxTotals {
    pub count: u32,
    #[ts(type = "number")]
    pub used_bytes: u64,
    /// The sum of the limited quotas.
    #[ts(type = "number")]
    pub assigned_bytes: u64,
    /// At or over 90 % of a limited quota.
    pub nearly_full: u32,
    /// The domains of the mailboxes, lowercased and sorted.
    pub domains: Vec<String>,
    /// False when the role may not read mailboxes (then everything is zero).
    pub permitted: bool,
}

/// The mailcow part of a profile, for a dashboard: counted in SQL over the mailcow
/// connections' cached rows only (not the portal preview's mailboxes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MailcowSummary {
    pub connections: u32,
    pub domains: u32,
    /// Mailboxes on the mailcows, one per address.
    pub mailboxes: u32,
    #[ts(type = "number")]
    pub used_bytes: u64,
    /// The storage the domains allow together; 0 when one of them is unlimited or none
    /// says.
    #[ts(type = "number")]
    pub allowed_bytes: u64,
    /// Mailboxes at or over 90 % of a limited quota.
    pub nearly_full: u32,
    /// The fullest of them (at most three), fullest first.
    pub fullest: Vec<MailboxEntry>,
}
