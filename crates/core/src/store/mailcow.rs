//! A mailcow connection's cached rows: its domains (with their allowances), mailboxes and
//! aliases, each one synced table of the write path, scoped by the connection's own
//! account row (`accounts.id` = the connection's id). Their mailboxes are also handed to
//! the alert rules as `Mailbox` rows, so the quota alerts judge the mailcow's real numbers.

use cowdesk_model::{Mailbox, Resource};

use super::changes::Change;
use super::rows::{flag, int, uint, write, Synced, Table};
use super::{from_json, to_json};
use crate::error::CoreError;
use crate::mailcow::{MailcowAlias, MailcowDomain, MailcowMailbox};

pub(crate) static MAILCOW_DOMAINS: Table = Table::new(
    "mailcow_domains",
    // The resource whose sync state the connection's rows share (see `write`).
    Resource::Mailboxes,
    Some("name"),
    &[
        "name",
        "active",
        "mailboxes_used",
        "mailboxes_allowed",
        "aliases_used",
        "aliases_allowed",
        "storage_used_bytes",
        "storage_assigned_bytes",
        "storage_allowed_bytes",
        "max_mailbox_quota_bytes",
        "default_mailbox_quota_bytes",
    ],
    "name",
);

impl Synced for MailcowDomain {
    type Cells = (String, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64);

    fn table() -> &'static Table {
        &MAILCOW_DOMAINS
    }

    fn key(&self) -> &str {
        &self.name
    }

    fn write_cells(&self, out: &mut Vec<u8>) -> Result<(), CoreError> {
        write(
            out,
            &(
                &self.name,
                flag(self.active),
                int(self.mailboxes_used),
                int(self.mailboxes_allowed),
                int(self.aliases_used),
                int(self.aliases_allowed),
                int(self.storage_used_bytes),
                int(self.storage_assigned_bytes),
                int(self.storage_allowed_bytes),
                int(self.max_mailbox_quota_bytes),
                int(self.default_mailbox_quota_bytes),
            ),
        )
    }

    fn from_cells(c: Self::Cells) -> Result<Self, CoreError> {
        Ok(MailcowDomain {
            name: c.0,
            active: c.1 != 0,
            mailboxes_used: uint(c.2),
            mailboxes_allowed: uint(c.3),
            aliases_used: uint(c.4),
            aliases_allowed: uint(c.5),
            storage_used_bytes: uint(c.6),
            storage_assigned_bytes: uint(c.7),
            storage_allowed_bytes: uint(c.8),
            max_mailbox_quota_bytes: uint(c.9),
            default_mailbox_quota_bytes: uint(c.10),
        })
    }
}

pub(crate) static MAILCOW_MAILBOXES: Table = Table::new(
    "mailcow_mailboxes",
    Resource::Mailboxes,
    Some("address"),
    &[
        "address",
        "domain",
        "local_part",
        "name",
        "quota_bytes",
        "used_bytes",
        "percent",
        "messages",
        "active",
        "last_login",
    ],
    "address",
);

impl Synced for MailcowMailbox {
    type Cells = (
        String,
        String,
        String,
        String,
        i64,
        i64,
        Option<i64>,
        i64,
        i64,
        Option<i64>,
    );

    fn table() -> &'static Table {
        &MAILCOW_MAILBOXES
    }

    fn key(&self) -> &str {
        &self.address
    }

    fn write_cells(&self, out: &mut Vec<u8>) -> Result<(), CoreError> {
        write(
            out,
            &(
                &self.address,
                &self.domain,
                &self.local_part,
                &self.name,
                int(self.quota_bytes),
                int(self.used_bytes),
                self.percent.map(i64::from),
                int(self.messages),
                flag(self.active),
                self.last_login,
            ),
        )
    }

    fn from_cells(c: Self::Cells) -> Result<Self, CoreError> {
        Ok(MailcowMailbox {
            address: c.0,
            domain: c.1,
            local_part: c.2,
            name: c.3,
            quota_bytes: uint(c.4),
            used_bytes: uint(c.5),
            percent: c.6.and_then(|p| u32::try_from(p).ok()),
            messages: uint(c.7),
            active: c.8 != 0,
            last_login: c.9,
        })
    }
}

pub(crate) static MAILCOW_ALIASES: Table = Table::new(
    "mailcow_aliases",
    Resource::Mailboxes,
    Some("address"),
    &["address", "server_id", "domain", "targets", "active"],
    "address",
);

impl Synced for MailcowAlias {
    type Cells = (String, i64, String, String, i64);

    fn table() -> &'static Table {
        &MAILCOW_ALIASES
    }

    fn key(&self) -> &str {
        &self.address
    }

    fn write_cells(&self, out: &mut Vec<u8>) -> Result<(), CoreError> {
        write(
            out,
            &(
                &self.address,
                int(self.id),
                &self.domain,
                to_json(&self.targets)?,
                flag(self.active),
            ),
        )
    }

    fn from_cells(c: Self::Cells) -> Result<Self, CoreError> {
        Ok(MailcowAlias {
            address: c.0,
            id: uint(c.1),
            domain: c.2,
            targets: from_json(&c.3)?,
            active: c.4 != 0,
        })
    }
}

/// A mailcow mailbox as the alert rules and the portal's lists know a mailbox.
pub(crate) fn as_mailbox(m: &MailcowMailbox) -> Mailbox {
    Mailbox {
        address: m.address.clone(),
        name: m.name.clone(),
        quota_bytes: int(m.quota_bytes),
        used_bytes: int(m.used_bytes),
        active: m.active,
    }
}

/// The changes of a connection's mailboxes, as changes of `Mailbox` rows (for the rules).
pub(crate) fn as_mailbox_changes(changes: &[Change<MailcowMailbox>]) -> Vec<Change<Mailbox>> {
    changes
        .iter()
        .map(|c| Change {
            before: c.before.as_ref().map(as_mailbox),
            after: c.after.as_ref().map(as_mailbox),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mailcow_rows_round_trip_through_their_cells() {
        let mailbox = MailcowMailbox {
            address: "anna@example.test".into(),
            local_part: "anna".into(),
            domain: "example.test".into(),
            name: "Anna".into(),
            quota_bytes: 512 * 1024 * 1024,
            used_bytes: 500_000_000,
            percent: Some(93),
            messages: 1200,
            active: true,
            last_login: Some(1_700_000_000),
        };
        let mut out = Vec::new();
        mailbox.write_cells(&mut out).unwrap();
        let cells = serde_json::from_slice(&out).unwrap();
        assert_eq!(MailcowMailbox::from_cells(cells).unwrap(), mailbox);
        let portal = as_mailbox(&mailbox);
        assert!(portal.uses_at_least(90) && !portal.uses_at_least(100));

        let alias = MailcowAlias {
            id: 7,
            address: "info@example.test".into(),
            domain: "example.test".into(),
            targets: vec!["anna@example.test".into(), "x@y.de".into()],
            active: false,
        };
        let mut out = Vec::new();
        alias.write_cells(&mut out).unwrap();
        let cells = serde_json::from_slice(&out).unwrap();
        assert_eq!(MailcowAlias::from_cells(cells).unwrap(), alias);
    }
}
