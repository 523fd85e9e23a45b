//! What a mailcow holds, in normalised units: sizes in bytes, flags as bools, absent
//! values as `None` (whatever mix of strings, numbers and `"- "` the server sent).

use serde::Serialize;

use super::messages::ServerMessage;
use crate::portal::Sensitive;

pub const MIB: u64 = 1024 * 1024;

/// A domain with its allowances.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MailcowDomain {
    pub name: String,
    pub active: bool,
    pub mailboxes_used: u64,
    pub mailboxes_allowed: u64,
    pub aliases_used: u64,
    pub aliases_allowed: u64,
    /// What the domain's mailboxes store (as Dovecot counted it).
    pub storage_used_bytes: u64,
    /// The sum of the quotas given to the domain's mailboxes.
    pub storage_assigned_bytes: u64,
    /// The domain's storage allowance.
    pub storage_allowed_bytes: u64,
    /// The largest quota one mailbox may have.
    pub max_mailbox_quota_bytes: u64,
    pub default_mailbox_quota_bytes: u64,
}

impl MailcowDomain {
    pub fn mailboxes_left(&self) -> u64 {
        self.mailboxes_allowed.saturating_sub(self.mailboxes_used)
    }

    /// Storage not yet given to a mailbox.
    pub fn quota_left_bytes(&self) -> u64 {
        self.storage_allowed_bytes
            .saturating_sub(self.storage_assigned_bytes)
    }

    /// The largest quota a new mailbox may get, in MiB.
    pub fn max_new_mailbox_quota_mib(&self) -> u64 {
        self.max_mailbox_quota_bytes.min(self.quota_left_bytes()) / MIB
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MailcowMailbox {
    /// `local@domain`, as the server stores it (lower case).
    pub address: String,
    pub local_part: String,
    pub domain: String,
    pub name: String,
    /// 0 = unlimited.
    pub quota_bytes: u64,
    pub used_bytes: u64,
    /// Rounded percent of the quota in use; `None` when the quota is unlimited.
    pub percent: Option<u32>,
    pub messages: u64,
    pub active: bool,
    /// The latest IMAP, SMTP, POP3 or single-sign-on login (Unix seconds); `None` = never.
    pub last_login: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MailcowAlias {
    /// The server's id, which deleting needs.
    pub id: u64,
    pub address: String,
    pub domain: String,
    pub targets: Vec<String>,
    pub active: bool,
}

/// Everything one login can see, read in one go (what a sync stores).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Snapshot {
    pub domains: Vec<MailcowDomain>,
    pub mailboxes: Vec<MailcowMailbox>,
    pub aliases: Vec<MailcowAlias>,
}

impl Snapshot {
    pub fn domain(&self, name: &str) -> Option<&MailcowDomain> {
        self.domains
            .iter()
            .find(|d| d.name.eq_ignore_ascii_case(name))
    }

    pub fn mailbox(&self, address: &str) -> Option<&MailcowMailbox> {
        self.mailboxes
            .iter()
            .find(|m| m.address.eq_ignore_ascii_case(address))
    }

    pub fn alias(&self, address: &str) -> Option<&MailcowAlias> {
        self.aliases
            .iter()
            .find(|a| a.address.eq_ignore_ascii_case(address))
    }
}

/// A mailbox to create. Quota in MiB, as mailcow takes it.
#[derive(Debug, Clone)]
pub struct NewMailbox {
    pub local_part: String,
    pub domain: String,
    pub name: String,
    pub quota_mib: u64,
    pub password: Sensitive<String>,
    pub active: bool,
}

impl NewMailbox {
    pub fn address(&self) -> String {
        format!("{}@{}", self.local_part, self.domain).to_ascii_lowercase()
    }
}

/// What to change on a mailbox; `None` leaves a value as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MailboxChange {
    pub name: Option<String>,
    pub quota_mib: Option<u64>,
    pub active: Option<bool>,
}

impl MailboxChange {
    pub fn is_empty(&self) -> bool {
        self.name.is_none() && self.quota_mib.is_none() && self.active.is_none()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAlias {
    pub address: String,
    pub targets: Vec<String>,
    pub active: bool,
}

/// The server's confirmation of a write (the last entry of its answer, of type success).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Accepted {
    pub message: ServerMessage,
}

/// What an API key may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    ReadOnly,
    ReadWrite,
}
