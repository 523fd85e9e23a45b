//! A profile's connections to real services besides the portal preview: each mailcow
//! (a hosted mailcow's domain administrator, or a Managed mailcow's API key), its state,
//! and what cowdesk caches of it (domains with allowances, mailboxes, aliases). Secrets
//! never appear here: passwords and API keys stay in the keyring.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// How cowdesk signs in to a mailcow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum ConnectionKind {
    /// The domain administrator's web login (hosted mailcow: the Servercow account).
    Session,
    /// A Managed mailcow's API key.
    ApiKey,
}

/// What a connection may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum ConnectionAccess {
    ReadOnly,
    ReadWrite,
}

/// Where a connection stands, as the connections page shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum ConnectionState {
    Connected,
    /// The login is gone (the keyring lost it, or the server refused it): enter it again.
    SignedOut,
    /// The server waits for the six digits of the authenticator app.
    NeedsTotp,
    /// The last attempt failed for another reason (`last_error` says which).
    Error,
}

/// One mailcow connection of the profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Connection {
    pub id: String,
    pub kind: ConnectionKind,
    /// The mailcow's address, e.g. `https://hosted.mailcow.de`.
    pub url: String,
    /// The domain administrator (a session); `None` for an API key.
    pub user: Option<String>,
    pub access: ConnectionAccess,
    pub state: ConnectionState,
    /// Why the last attempt failed, in English and German; `None` after a success.
    pub last_error: Option<String>,
    pub last_error_de: Option<String>,
    pub last_synced: Option<DateTime<Utc>>,
    /// The domains the last sync found.
    pub domains: u32,
    pub mailboxes: u32,
}

/// The result of connecting: the connection as stored, and whether the server now waits
/// for a two-factor code (then call connect again with the code).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ConnectOutcome {
    pub connection: Connection,
    pub totp_needed: bool,
}

/// The outcome of syncing one connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ConnectionSyncOutcome {
    pub connection_id: String,
    pub domains: u32,
    pub mailboxes: u32,
    pub aliases: u32,
    /// New alerts the sync raised (e.g. a mailbox at 90 %).
    pub new_alerts: u32,
    /// Set when the sync failed; the connection's previous cache is untouched.
    pub error: Option<crate::ErrorInfo>,
}

/// Where a row of the mailbox list comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum MailboxSource {
    /// A mailcow connection: the real numbers.
    Mailcow,
    /// Only the portal preview reports it.
    Portal,
    /// Both report it; the mailcow's numbers are shown.
    MailcowAndPortal,
}

/// One row of the profile's mailbox list, merged over the portal preview and every
/// mailcow connection: one row per address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MailboxEntry {
    pub address: String,
    pub domain: String,
    pub name: String,
    /// 0 = unlimited.
    #[ts(type = "number")]
    pub quota_bytes: u64,
    #[ts(type = "number")]
    pub used_bytes: u64,
    /// Rounded percent of the quota in use; `None` when unlimited.
    pub percent: Option<u32>,
    /// The message count, where the source reports it (a mailcow does).
    #[ts(type = "number | null")]
    pub messages: Option<u64>,
    pub active: bool,
    /// The latest login to the mailbox (IMAP, SMTP, POP3, SSO), where reported.
    pub last_login: Option<DateTime<Utc>>,
    pub source: MailboxSource,
    /// The mailcow connection the row comes from (the one a change goes through).
    pub connection_id: Option<String>,
    /// The portal account that reports it, if any.
    pub account_id: Option<String>,
}

/// A mailcow domain with its allowances, as cached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MailcowDomainEntry {
    pub connection_id: String,
    pub name: String,
    pub active: bool,
    pub mailboxes_used: u32,
    pub mailboxes_allowed: u32,
    pub aliases_used: u32,
    pub aliases_allowed: u32,
    #[ts(type = "number")]
    pub storage_used_bytes: u64,
    #[ts(type = "number")]
    pub storage_assigned_bytes: u64,
    #[ts(type = "number")]
    pub storage_allowed_bytes: u64,
    #[ts(type = "number")]
    pub max_mailbox_quota_bytes: u64,
    #[ts(type = "number")]
    pub default_mailbox_quota_bytes: u64,
}

/// A mailcow alias, as cached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MailcowAliasEntry {
    pub connection_id: String,
    pub address: String,
    pub targets: Vec<String>,
    pub active: bool,
}

/// What a confirmed change did: the server's words, and (a new mailbox with a generated
/// password) the password, to be shown once and never stored.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MailcowChangeOutcome {
    pub connection_id: String,
    /// The address the change concerns.
    pub address: String,
    /// The server's confirmation, in English and German.
    pub message: String,
    pub message_de: String,
    /// A generated mailbox password: show it once.
    pub generated_password: Option<String>,
    /// The re-read after the change failed: the change is done, the list is older.
    pub reread_error: Option<crate::ErrorInfo>,
}

/// What a provisioning file's row will do (dry run) or did (apply).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum ImportAction {
    Create,
    Unchanged,
    /// The server's state stands against the row; not changed.
    Conflict,
    /// The row breaks a rule.
    Bad,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum ImportOutcome {
    Created,
    Unchanged,
    /// Not sent: a conflict or a bad row.
    Skipped,
    /// Sent, and the server refused (or the connection failed).
    Failed,
    /// Not reached: cancelled, or stopped after a connection failure.
    NotRun,
}

/// Why a row cannot be used as it is, in English and German, with its column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ImportReason {
    pub field: Option<String>,
    pub message: String,
    pub message_de: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ImportRow {
    /// The line in the file (the header is line 1).
    #[ts(type = "number")]
    pub line: u64,
    pub address: String,
    pub action: ImportAction,
    /// After applying; `None` in a dry run.
    pub outcome: Option<ImportOutcome>,
    pub reasons: Vec<ImportReason>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ImportCounts {
    pub create: u32,
    pub unchanged: u32,
    pub conflict: u32,
    pub bad: u32,
    /// After applying: created, refused by the server, not reached.
    pub created: u32,
    pub failed: u32,
    pub not_run: u32,
}

/// A dry run or an applied import of a provisioning file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ImportReport {
    pub connection_id: String,
    /// `mailboxes` or `aliases`.
    pub file_kind: String,
    pub dry_run: bool,
    pub rows: Vec<ImportRow>,
    pub counts: ImportCounts,
    pub cancelled: bool,
    /// Where generated passwords went, if any were made.
    pub passwords_file: Option<String>,
    /// Generated passwords, only when no file was chosen: show them once.
    pub generated: Vec<GeneratedMailboxPassword>,
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct GeneratedMailboxPassword {
    pub address: String,
    pub password: String,
}

/// Debug output never shows a generated password.
impl std::fmt::Debug for GeneratedMailboxPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GeneratedMailboxPassword")
            .field("address", &self.address)
            .field("password", &"<redacted>")
            .finish()
    }
}

impl std::fmt::Debug for MailcowChangeOutcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailcowChangeOutcome")
            .field("connection_id", &self.connection_id)
            .field("address", &self.address)
            .field("message", &self.message)
            .field(
                "generated_password",
                &self.generated_password.as_ref().map(|_| "<redacted>"),
            )
            .field("reread_error", &self.reread_error)
            .finish()
    }
}

/// Progress after each applied row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ImportProgress {
    pub done: u32,
    pub total: u32,
    #[ts(type = "number")]
    pub line: u64,
    pub address: String,
    pub outcome: ImportOutcome,
}

/// Every connection of a profile, for a connections page: the portal preview's sign-in,
/// the DNS API access and the mailcows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ProfileConnections {
    /// The portal preview (cowdesk's own contract), when signed in or remembered.
    pub portal: Option<PortalConnection>,
    /// The user of the Servercow DNS API access, when one is stored.
    pub dns_api_user: Option<String>,
    pub mailcows: Vec<Connection>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PortalConnection {
    pub server: String,
    pub email: String,
    pub demo: bool,
    /// `connected` while the keyring holds the sign-in, else `signed_out`.
    pub state: ConnectionState,
}
