//! Long lists a window at a time: the cache filters, searches, sorts and counts, and only
//! the rows a virtual list shows cross to the UI, in a compact row form.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::InvoiceStatus;

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
    pub filter: MailboxFilter,
    pub sort: MailboxSort,
    pub descending: bool,
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
