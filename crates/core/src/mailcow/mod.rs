//! mailcow as a real data source: the domain administrator's web session (hosted
//! mailcow) and API keys (Managed mailcow), behind one trait with the same operations,
//! plus the rules and the bulk provisioning built on them.
//!
//! Reads come back in normalised units (bytes, bools, `None` for absent). Writes return
//! the server's verdict: `Accepted` only when the server said success; anything else is
//! a `MailcowError::Refused` worded in English and German with the field it concerns.
//! After a write the caller re-reads; nothing here keeps state beyond the session.

use std::future::Future;

mod apikey;
mod cookies;
pub mod csv;
mod error;
mod http;
mod login_page;
pub mod messages;
mod model;
mod ops;
pub mod password;
pub mod provision;
pub mod rules;
mod session;
mod wire;

pub use apikey::ApiKeyClient;
pub use error::MailcowError;
pub use http::USER_AGENT;
pub use messages::{Level, Operation, Refusal, ServerMessage};
pub use model::{
    Accepted, Access, MailboxChange, MailcowAlias, MailcowDomain, MailcowMailbox, NewAlias,
    NewMailbox, Snapshot, MIB,
};
pub use session::{LoginOutcome, SessionClient, SessionState};
pub use wire::split_targets;

use crate::portal::Sensitive;

/// The operations both clients offer.
pub trait Mailcow: Send + Sync {
    /// What the login may do: `None` until known (an API key not yet probed).
    fn access(&self) -> Option<Access>;

    /// The domains the login can see, with their allowances.
    fn domains(&self) -> impl Future<Output = Result<Vec<MailcowDomain>, MailcowError>> + Send;

    /// Every mailbox the login can see, or those of one domain.
    fn mailboxes(
        &self,
        domain: Option<&str>,
    ) -> impl Future<Output = Result<Vec<MailcowMailbox>, MailcowError>> + Send;

    fn aliases(&self) -> impl Future<Output = Result<Vec<MailcowAlias>, MailcowError>> + Send;

    fn add_mailbox(
        &self,
        mailbox: &NewMailbox,
    ) -> impl Future<Output = Result<Accepted, MailcowError>> + Send;

    fn edit_mailbox(
        &self,
        address: &str,
        change: &MailboxChange,
    ) -> impl Future<Output = Result<Accepted, MailcowError>> + Send;

    fn set_mailbox_password(
        &self,
        address: &str,
        password: &Sensitive<String>,
    ) -> impl Future<Output = Result<Accepted, MailcowError>> + Send;

    /// Deletes a mailbox; its mail is gone (FAQ).
    fn delete_mailbox(
        &self,
        address: &str,
    ) -> impl Future<Output = Result<Accepted, MailcowError>> + Send;

    fn add_alias(
        &self,
        alias: &NewAlias,
    ) -> impl Future<Output = Result<Accepted, MailcowError>> + Send;

    /// Deletes an alias by its server id (`MailcowAlias::id`).
    fn delete_alias(&self, id: u64) -> impl Future<Output = Result<Accepted, MailcowError>> + Send;

    /// Domains, mailboxes and aliases, asked for at once: over a real network the sync then
    /// waits for the slowest answer (the mailbox list, which the server builds mailbox by
    /// mailbox) instead of all three in turn. A cookie session still sends them one at a
    /// time (it holds its session while a request is out); the first failure is the
    /// answer.
    fn snapshot(&self) -> impl Future<Output = Result<Snapshot, MailcowError>> + Send {
        async move {
            let (domains, mailboxes, aliases) =
                tokio::try_join!(self.domains(), self.mailboxes(None), self.aliases())?;
            Ok(Snapshot {
                domains,
                mailboxes,
                aliases,
            })
        }
    }
}

macro_rules! delegate_operations {
    () => {
        fn domains(&self) -> impl Future<Output = Result<Vec<MailcowDomain>, MailcowError>> + Send {
            ops::domains(self)
        }
        fn mailboxes(
            &self,
            domain: Option<&str>,
        ) -> impl Future<Output = Result<Vec<MailcowMailbox>, MailcowError>> + Send {
            ops::mailboxes(self, domain)
        }
        fn aliases(&self) -> impl Future<Output = Result<Vec<MailcowAlias>, MailcowError>> + Send {
            ops::aliases(self)
        }
        fn add_mailbox(
            &self,
            mailbox: &NewMailbox,
        ) -> impl Future<Output = Result<Accepted, MailcowError>> + Send {
            ops::add_mailbox(self, mailbox)
        }
        fn edit_mailbox(
            &self,
            address: &str,
            change: &MailboxChange,
        ) -> impl Future<Output = Result<Accepted, MailcowError>> + Send {
            ops::edit_mailbox(self, address, change)
        }
        fn set_mailbox_password(
            &self,
            address: &str,
            password: &Sensitive<String>,
        ) -> impl Future<Output = Result<Accepted, MailcowError>> + Send {
            ops::set_password(self, address, password)
        }
        fn delete_mailbox(
            &self,
            address: &str,
        ) -> impl Future<Output = Result<Accepted, MailcowError>> + Send {
            ops::delete_mailbox(self, address)
        }
        fn add_alias(
            &self,
            alias: &NewAlias,
        ) -> impl Future<Output = Result<Accepted, MailcowError>> + Send {
            ops::add_alias(self, alias)
        }
        fn delete_alias(
            &self,
            id: u64,
        ) -> impl Future<Output = Result<Accepted, MailcowError>> + Send {
            ops::delete_alias(self, id)
        }
    };
}

impl Mailcow for SessionClient {
    /// A domain administrator's writes are limited by the server's ACLs, not by a key.
    fn access(&self) -> Option<Access> {
        Some(Access::ReadWrite)
    }
    delegate_operations!();
}

impl Mailcow for ApiKeyClient {
    fn access(&self) -> Option<Access> {
        ApiKeyClient::access(self)
    }
    delegate_operations!();
}

/// Either client, for code that holds connections of both kinds.
#[derive(Debug)]
pub enum AnyMailcow {
    Session(SessionClient),
    ApiKey(ApiKeyClient),
}

impl ops::Transport for AnyMailcow {
    async fn get(&self, path: &str) -> Result<serde_json::Value, MailcowError> {
        match self {
            AnyMailcow::Session(c) => ops::Transport::get(c, path).await,
            AnyMailcow::ApiKey(c) => ops::Transport::get(c, path).await,
        }
    }

    async fn write(&self, write: ops::Write) -> Result<serde_json::Value, MailcowError> {
        match self {
            AnyMailcow::Session(c) => ops::Transport::write(c, write).await,
            AnyMailcow::ApiKey(c) => ops::Transport::write(c, write).await,
        }
    }
}

impl Mailcow for AnyMailcow {
    fn access(&self) -> Option<Access> {
        match self {
            AnyMailcow::Session(c) => Mailcow::access(c),
            AnyMailcow::ApiKey(c) => Mailcow::access(c),
        }
    }
    delegate_operations!();
}
