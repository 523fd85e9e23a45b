//! The mail doctor: a mailbox's IMAP and SMTP tested from the user's side, its quota and
//! folders, and emptying Trash and Junk. Findings carry a stable code and are worded in
//! English and German by the core, so the window and the command line show the same text.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What a finding is about: one of the four connections a mail program uses, or the
/// mailbox as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum MailService {
    /// IMAP with implicit TLS (993).
    ImapTls,
    /// IMAP with STARTTLS (143).
    ImapStarttls,
    /// SMTP submission with implicit TLS (465).
    SmtpTls,
    /// SMTP submission with STARTTLS (587).
    SmtpStarttls,
    /// What the mail program is set to (username, SMTP port).
    Settings,
    /// Quota and where the space went.
    Quota,
    /// A test mail sent to the mailbox itself.
    RoundTrip,
}

impl MailService {
    /// The four connections, in the order they are shown.
    pub const CONNECTIONS: [MailService; 4] = [
        MailService::ImapTls,
        MailService::ImapStarttls,
        MailService::SmtpTls,
        MailService::SmtpStarttls,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MailService::ImapTls => "imap_tls",
            MailService::ImapStarttls => "imap_starttls",
            MailService::SmtpTls => "smtp_tls",
            MailService::SmtpStarttls => "smtp_starttls",
            MailService::Settings => "settings",
            MailService::Quota => "quota",
            MailService::RoundTrip => "round_trip",
        }
    }
}

/// Best first when sorted: ok < warning < error. An `error` is a failed check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum MailSeverity {
    Ok,
    Warning,
    Error,
}

/// One thing the doctor found. `code` is stable (e.g. `smtp_starttls_auth_failed`);
/// `detail` is the technical evidence (a server's reply, a certificate's dates), never a
/// secret; the messages say what is wrong and what to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MailFinding {
    pub code: String,
    pub service: MailService,
    pub severity: MailSeverity,
    pub detail: String,
    pub message_en: String,
    pub message_de: String,
}

/// The mailbox's storage quota as the server reports it (GETQUOTAROOT), in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MailQuota {
    #[ts(type = "number")]
    pub used_bytes: u64,
    #[ts(type = "number")]
    pub limit_bytes: u64,
}

impl MailQuota {
    /// Used storage in whole percent of the limit (0 when there is no limit).
    pub fn percent(&self) -> u64 {
        self.used_bytes
            .saturating_mul(100)
            .checked_div(self.limit_bytes)
            .unwrap_or(0)
    }
}

/// One folder: its name as the user sees it (decoded), its special use (`trash`, `junk`,
/// `sent`, `drafts`, `archive`, `all`, `flagged`) if the server marks one, how many
/// messages it holds and how many bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MailFolderUsage {
    pub name: String,
    pub special_use: Option<String>,
    pub messages: u32,
    #[ts(type = "number")]
    pub size_bytes: u64,
}

/// What `cowdesk mail doctor` and `cowdesk mail usage` print with `--json`. `quota` is
/// `null` when no IMAP login worked or the server has no storage quota; `folders` are
/// sorted by size, largest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MailDoctorReport {
    pub address: String,
    pub findings: Vec<MailFinding>,
    pub quota: Option<MailQuota>,
    pub folders: Vec<MailFolderUsage>,
}

impl MailDoctorReport {
    /// True when any check failed (a finding with severity `error`).
    pub fn failed(&self) -> bool {
        self.findings
            .iter()
            .any(|f| f.severity == MailSeverity::Error)
    }

    /// The codes in report order, for tests and logs.
    pub fn codes(&self) -> Vec<&str> {
        self.findings.iter().map(|f| f.code.as_str()).collect()
    }
}

/// A Trash or Junk folder as it was when the user was asked. Emptying deletes only the
/// messages that were there then (UIDs below `uid_next`, same `uid_validity`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MailTrashFolder {
    pub name: String,
    /// `trash` or `junk`.
    pub special_use: String,
    pub messages: u32,
    #[ts(type = "number")]
    pub size_bytes: u64,
    pub uid_validity: u32,
    pub uid_next: u32,
}

/// What emptying Trash and Junk would free: shown before the user confirms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MailTrashPreview {
    pub address: String,
    pub folders: Vec<MailTrashFolder>,
    pub messages: u32,
    #[ts(type = "number")]
    pub bytes_to_free: u64,
    pub quota: Option<MailQuota>,
}

/// What emptying did: the folders emptied (as previewed; a folder whose UIDVALIDITY
/// changed since is left alone and listed in `skipped`), and the quota read from the
/// server before and after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MailTrashOutcome {
    pub address: String,
    pub emptied: Vec<MailTrashFolder>,
    pub skipped: Vec<String>,
    pub before: Option<MailQuota>,
    pub after: Option<MailQuota>,
}

/// Which mailbox and server the window's mail doctor checks: the address, the server and
/// its four ports, an extra trusted CA (a PEM file's path), and — when the user says so —
/// what the mail program is set to. The password is never part of it: it crosses to Rust
/// as its own argument and never back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(deny_unknown_fields)]
pub struct MailDoctorTarget {
    pub address: String,
    pub server: String,
    pub imap_tls_port: u16,
    pub imap_starttls_port: u16,
    pub smtp_tls_port: u16,
    pub smtp_starttls_port: u16,
    pub ca_file: Option<String>,
    /// The username the mail program uses; `null`: the address.
    pub username: Option<String>,
    /// The SMTP port the mail program is set to, if the user said.
    pub client_smtp_port: Option<u16>,
}

/// Where a running check is, sent to the window as `mail-doctor-progress`. `step`:
/// `connections` (`done` of the four services answered), `round_trip` (the test mail is
/// on its way), `usage` (quota and folders), `trash_preview`, `trash_empty`, and `done`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MailDoctorProgress {
    pub address: String,
    pub step: String,
    pub done: u32,
    pub total: u32,
}
