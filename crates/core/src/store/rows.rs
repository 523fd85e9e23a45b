//! The synced tables: for each, its columns and how one value of the model becomes one row
//! and back. A row crosses to and from SQLite as a JSON array of its cells, in the order of
//! `Table::columns`, so a whole resource is written or read in one statement
//! (`json_each` on the way in, `json_group_array` on the way out).
//!
//! A new synced table (a mailcow connection's, say) is one `Table` and one `Synced`
//! implementation; the write path, the change set and the reads come with it.

use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use cowdesk_model::{
    AccountUser, Domain, Invoice, InvoiceStatus, MailAllowance, Mailbox, Mandate, MandateKind,
    MandateStatus, PostalAddress, Profile, Resource, Service, ServiceStatus, Ticket, TicketStatus,
};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::{date, from_json, role, timestamp, to_json};
use crate::error::CoreError;

/// One synced table.
pub(crate) struct Table {
    pub name: &'static str,
    pub resource: Resource,
    /// The column naming a row within its account; `None`: one row per account.
    pub key: Option<&'static str>,
    /// Every column but `account_id`, the key first.
    pub columns: &'static [&'static str],
    /// The order lists are read in.
    pub order: &'static str,
    /// The statements of the write path, made from the above once.
    pub(super) sql: OnceLock<super::write::Statements>,
}

impl Table {
    pub(super) const fn new(
        name: &'static str,
        resource: Resource,
        key: Option<&'static str>,
        columns: &'static [&'static str],
        order: &'static str,
    ) -> Table {
        Table {
            name,
            resource,
            key,
            columns,
            order,
            sql: OnceLock::new(),
        }
    }
}

/// A value of the model that is cached as one row of a synced table.
pub(crate) trait Synced: Clone + Send + Sync + 'static {
    /// The row's cells, in `Table::columns` order, as they come back from SQLite.
    type Cells: DeserializeOwned;

    fn table() -> &'static Table;

    /// The row's identity within its account (empty for a one-row table).
    fn key(&self) -> &str;

    /// Writes the row's cells as a JSON array: exactly the values a single-row INSERT
    /// would bind (booleans as 0/1, dates as `YYYY-MM-DD`, times as RFC 3339, lists as
    /// JSON text).
    fn write_cells(&self, out: &mut Vec<u8>) -> Result<(), CoreError>;

    fn from_cells(cells: Self::Cells) -> Result<Self, CoreError>;
}

/// The cells of a row as `write_cells` gives them (shared with store/mailcow.rs).
pub(super) fn write<T: Serialize>(out: &mut Vec<u8>, cells: &T) -> Result<(), CoreError> {
    serde_json::to_writer(out, cells).map_err(|e| CoreError::Internal(e.to_string()))
}

/// A boolean as SQLite stores it.
pub(super) fn flag(value: bool) -> i64 {
    i64::from(value)
}

/// A count or size as SQLite stores it (sizes stay far below 2^63).
pub(super) fn int(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

pub(super) fn uint(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

fn stamp(time: &DateTime<Utc>) -> String {
    time.to_rfc3339()
}

pub(crate) static PROFILES: Table = Table::new(
    "profiles",
    Resource::Profile,
    None,
    &[
        "customer_number",
        "email",
        "company",
        "name",
        "street",
        "postal_code",
        "city",
        "country",
        "billing_emails",
    ],
    "account_id",
);

impl Synced for Profile {
    type Cells = (
        String,
        String,
        Option<String>,
        String,
        String,
        String,
        String,
        String,
        String,
    );

    fn table() -> &'static Table {
        &PROFILES
    }

    fn key(&self) -> &str {
        ""
    }

    fn write_cells(&self, out: &mut Vec<u8>) -> Result<(), CoreError> {
        let a = &self.address;
        let billing = to_json(&self.billing_emails)?;
        write(
            out,
            &(
                &self.customer_number,
                &self.email,
                &a.company,
                &a.name,
                &a.street,
                &a.postal_code,
                &a.city,
                &a.country,
                billing,
            ),
        )
    }

    fn from_cells(c: Self::Cells) -> Result<Self, CoreError> {
        Ok(Profile {
            customer_number: c.0,
            email: c.1,
            address: PostalAddress {
                company: c.2,
                name: c.3,
                street: c.4,
                postal_code: c.5,
                city: c.6,
                country: c.7,
            },
            billing_emails: from_json(&c.8)?,
        })
    }
}

pub(crate) static INVOICES: Table = Table::new(
    "invoices",
    Resource::Invoices,
    Some("number"),
    &[
        "number",
        "issue_date",
        "due_date",
        "amount_cents",
        "currency",
        "status",
        "dunning_level",
        "paid_on",
    ],
    "issue_date DESC, number DESC",
);

impl Synced for Invoice {
    type Cells = (
        String,
        String,
        String,
        i64,
        String,
        InvoiceStatus,
        i64,
        Option<String>,
    );

    fn table() -> &'static Table {
        &INVOICES
    }

    fn key(&self) -> &str {
        &self.number
    }

    fn write_cells(&self, out: &mut Vec<u8>) -> Result<(), CoreError> {
        write(
            out,
            &(
                &self.number,
                self.issue_date.to_string(),
                self.due_date.to_string(),
                self.amount_cents,
                &self.currency,
                self.status,
                self.dunning_level,
                self.paid_on.map(|d| d.to_string()),
            ),
        )
    }

    fn from_cells(c: Self::Cells) -> Result<Self, CoreError> {
        Ok(Invoice {
            number: c.0,
            issue_date: date(&c.1)?,
            due_date: date(&c.2)?,
            amount_cents: c.3,
            currency: c.4,
            status: c.5,
            dunning_level: u8::try_from(c.6).unwrap_or(u8::MAX),
            paid_on: c.7.as_deref().map(date).transpose()?,
        })
    }
}

pub(crate) static MANDATES: Table = Table::new(
    "mandates",
    Resource::Mandates,
    Some("id"),
    &["id", "kind", "label", "status", "is_default", "created_on"],
    "id",
);

impl Synced for Mandate {
    type Cells = (String, MandateKind, String, MandateStatus, i64, String);

    fn table() -> &'static Table {
        &MANDATES
    }

    fn key(&self) -> &str {
        &self.id
    }

    fn write_cells(&self, out: &mut Vec<u8>) -> Result<(), CoreError> {
        write(
            out,
            &(
                &self.id,
                self.kind,
                &self.label,
                self.status,
                flag(self.is_default),
                self.created_on.to_string(),
            ),
        )
    }

    fn from_cells(c: Self::Cells) -> Result<Self, CoreError> {
        Ok(Mandate {
            id: c.0,
            kind: c.1,
            label: c.2,
            status: c.3,
            is_default: c.4 != 0,
            created_on: date(&c.5)?,
        })
    }
}

pub(crate) static SERVICES: Table = Table::new(
    "services",
    Resource::Services,
    Some("id"),
    &[
        "id",
        "kind",
        "product",
        "status",
        "term_months",
        "period_end",
        "status_reason",
        "mailbox_limit",
        "storage_limit_bytes",
    ],
    "id",
);

impl Synced for Service {
    type Cells = (
        String,
        String,
        String,
        ServiceStatus,
        i64,
        String,
        Option<String>,
        Option<i64>,
        Option<i64>,
    );

    fn table() -> &'static Table {
        &SERVICES
    }

    fn key(&self) -> &str {
        &self.id
    }

    fn write_cells(&self, out: &mut Vec<u8>) -> Result<(), CoreError> {
        write(
            out,
            &(
                &self.id,
                &self.kind,
                &self.product,
                self.status,
                self.term_months,
                self.period_end.to_string(),
                &self.status_reason,
                self.mail_allowance.map(|a| a.mailboxes),
                self.mail_allowance.map(|a| a.storage_bytes),
            ),
        )
    }

    fn from_cells(c: Self::Cells) -> Result<Self, CoreError> {
        Ok(Service {
            id: c.0,
            kind: c.1,
            product: c.2,
            status: c.3,
            term_months: u16::try_from(c.4).unwrap_or(0),
            period_end: date(&c.5)?,
            status_reason_text: c.6.as_deref().map(crate::server_text::translate),
            status_reason: c.6,
            mail_allowance: match (c.7, c.8) {
                (Some(mailboxes), Some(storage_bytes)) => Some(MailAllowance {
                    mailboxes: u32::try_from(mailboxes).unwrap_or(0),
                    storage_bytes,
                }),
                _ => None,
            },
        })
    }
}

pub(crate) static DOMAINS: Table = Table::new(
    "domains",
    Resource::Domains,
    Some("name"),
    &[
        "name",
        "expires_on",
        "transfer_lock",
        "auto_renew",
        "status",
        "lock_changed_at",
        "service_ids",
        "invoice_numbers",
    ],
    "name",
);

impl Synced for Domain {
    type Cells = (
        String,
        String,
        i64,
        i64,
        String,
        Option<String>,
        String,
        String,
    );

    fn table() -> &'static Table {
        &DOMAINS
    }

    fn key(&self) -> &str {
        &self.name
    }

    fn write_cells(&self, out: &mut Vec<u8>) -> Result<(), CoreError> {
        write(
            out,
            &(
                &self.name,
                self.expires_on.to_string(),
                flag(self.transfer_lock),
                flag(self.auto_renew),
                &self.status,
                self.lock_changed_at.as_ref().map(stamp),
                to_json(&self.service_ids)?,
                to_json(&self.invoice_numbers)?,
            ),
        )
    }

    fn from_cells(c: Self::Cells) -> Result<Self, CoreError> {
        Ok(Domain {
            name: c.0,
            expires_on: date(&c.1)?,
            transfer_lock: c.2 != 0,
            auto_renew: c.3 != 0,
            status: c.4,
            lock_changed_at: c.5.as_deref().map(timestamp).transpose()?,
            service_ids: from_json(&c.6)?,
            invoice_numbers: from_json(&c.7)?,
        })
    }
}

pub(crate) static MAILBOXES: Table = Table::new(
    "mailboxes",
    Resource::Mailboxes,
    Some("address"),
    &["address", "name", "quota_bytes", "used_bytes", "active"],
    "address",
);

impl Synced for Mailbox {
    type Cells = (String, String, i64, i64, i64);

    fn table() -> &'static Table {
        &MAILBOXES
    }

    fn key(&self) -> &str {
        &self.address
    }

    fn write_cells(&self, out: &mut Vec<u8>) -> Result<(), CoreError> {
        write(
            out,
            &(
                &self.address,
                &self.name,
                self.quota_bytes,
                self.used_bytes,
                flag(self.active),
            ),
        )
    }

    fn from_cells(c: Self::Cells) -> Result<Self, CoreError> {
        Ok(Mailbox {
            address: c.0,
            name: c.1,
            quota_bytes: c.2,
            used_bytes: c.3,
            active: c.4 != 0,
        })
    }
}

pub(crate) static USERS: Table = Table::new(
    "account_users",
    Resource::Users,
    Some("email"),
    &["email", "role_name", "permissions"],
    "email",
);

impl Synced for AccountUser {
    type Cells = (String, String, String);

    fn table() -> &'static Table {
        &USERS
    }

    fn key(&self) -> &str {
        &self.email
    }

    fn write_cells(&self, out: &mut Vec<u8>) -> Result<(), CoreError> {
        let permissions = to_json(&self.role.permissions)?;
        write(out, &(&self.email, &self.role.name, permissions))
    }

    fn from_cells(c: Self::Cells) -> Result<Self, CoreError> {
        Ok(AccountUser {
            email: c.0,
            role: role(c.1, &c.2)?,
        })
    }
}

pub(crate) static TICKETS: Table = Table::new(
    "tickets",
    Resource::Tickets,
    Some("id"),
    &["id", "subject", "status", "created_at"],
    "created_at DESC, id DESC",
);

impl Synced for Ticket {
    type Cells = (String, String, TicketStatus, String);

    fn table() -> &'static Table {
        &TICKETS
    }

    fn key(&self) -> &str {
        &self.id
    }

    fn write_cells(&self, out: &mut Vec<u8>) -> Result<(), CoreError> {
        write(
            out,
            &(
                &self.id,
                &self.subject,
                self.status,
                stamp(&self.created_at),
            ),
        )
    }

    fn from_cells(c: Self::Cells) -> Result<Self, CoreError> {
        Ok(Ticket {
            id: c.0,
            subject: c.1,
            status: c.2,
            created_at: timestamp(&c.3)?,
        })
    }
}

/// Every synced table, for checks that cover them all.
#[cfg(test)]
pub(crate) fn all_tables() -> [&'static Table; 8] {
    [
        &PROFILES, &INVOICES, &MANDATES, &SERVICES, &DOMAINS, &MAILBOXES, &USERS, &TICKETS,
    ]
}
