//! The support desk in the window: what the ticket form is prefilled from, the guard's
//! findings per field, a secret link at the one moment it is shown, the secret service
//! setting, and a ticket's thread (the portal contract's ticket messages).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{GuardFinding, SecretExpiry, Ticket};

/// One finding of the password guard in a ticket form: the field and what was found
/// there (offsets relative to that field's value).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SupportGuardHit {
    pub field: String,
    pub finding: GuardFinding,
}

/// A value the form can offer for a field, with what the list shows beside it (the
/// window formats date and amount in its language).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SupportChoice {
    /// What the field holds when it is chosen, e.g. "Managed mailcow M (svc-42)".
    pub value: String,
    /// The cached item it stands for (a service id, an invoice number).
    pub id: String,
    /// The invoice's or service's status, e.g. "overdue", "active".
    pub status: Option<String>,
    /// The invoice's due date, the service's period end.
    pub date: Option<NaiveDate>,
    #[ts(type = "number | null")]
    pub amount_cents: Option<i64>,
}

/// What the cache of one account offers the ticket forms.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SupportContext {
    pub customer_number: Option<String>,
    pub login_email: Option<String>,
    /// Open and overdue invoices first, then the others, newest first.
    pub invoices: Vec<SupportChoice>,
    pub services: Vec<SupportChoice>,
    pub domains: Vec<String>,
    pub mailboxes: Vec<String>,
}

/// What the user picked from the cache for a new draft (all optional).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SupportSelection {
    pub invoice_number: Option<String>,
    /// A service id of the account.
    pub service_id: Option<String>,
    pub domain: Option<String>,
    pub mailbox: Option<String>,
}

/// A secret link just made: the only payload that carries a link's key to the window,
/// once, to be shown and copied. Debug leaves the link out.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SecretLinkShown {
    /// `https://host/#/s/<id>/<key>`: the key is in the fragment.
    pub link: String,
    /// The secret's id on the server (no key).
    pub id: String,
    pub server: String,
    pub expiry: SecretExpiry,
    pub one_time: bool,
}

impl std::fmt::Debug for SecretLinkShown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretLinkShown")
            .field("id", &self.id)
            .field("server", &self.server)
            .field("expiry", &self.expiry)
            .field("one_time", &self.one_time)
            .finish_non_exhaustive()
    }
}

/// Which secret service the links go to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SecretServerSettings {
    pub server: String,
    /// The FAQ's service, or the demo's double in demo mode.
    pub default_server: String,
}

/// Who wrote a message of a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum TicketAuthor {
    Customer,
    Support,
}

/// One message of a ticket's conversation (portal contract: `TicketMessage`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TicketMessage {
    pub author: TicketAuthor,
    pub body: String,
    pub sent_at: DateTime<Utc>,
}

/// A ticket with its conversation, oldest message first (portal contract: `TicketThread`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TicketThread {
    pub ticket: Ticket,
    pub messages: Vec<TicketMessage>,
}

/// A thread as the window shows it: from the portal just now, or from the cache.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CachedTicketThread {
    pub ticket: Ticket,
    pub messages: Vec<TicketMessage>,
    /// When the messages were last read from the portal; `None` when never.
    pub fetched_at: Option<DateTime<Utc>>,
    /// True when the portal could not be asked and this is what the cache holds.
    pub from_cache: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn support_shown_link_debug_leaves_the_key_out() {
        let shown = SecretLinkShown {
            link: "https://s.example/#/s/abc/AbCdEfGhIjKlMnOpQrStUv".into(),
            id: "abc".into(),
            server: "https://s.example".into(),
            expiry: SecretExpiry::Week,
            one_time: true,
        };
        assert!(!format!("{shown:?}").contains("AbCdEf"));
    }
}
