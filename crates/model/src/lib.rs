//! cowdesk-model: domain types shared by every layer: the portal's wire format (docs/portal-api.yaml),
//! the rows of the cache, and the payloads the UI receives (exported to TypeScript).
//!
//! Money is an integer number of cents and crosses into TypeScript as `number`: amounts
//! stay far below 2^53 cents, so no precision is lost.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

mod billing;
pub use billing::*;
mod alerts;
pub use alerts::*;
mod mail;
pub use mail::*;
mod dnscheck;
pub use dnscheck::*;
mod maildoctor;
pub use maildoctor::*;
mod support;
pub use support::*;
mod support_desk;
pub use support_desk::*;
mod connections;
pub use connections::*;

/// Opaque identifier of a customer account, e.g. `"acc-100001"`.
pub type AccountId = String;

/// What a role may see or do on a shared account. Serialised in snake_case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    Profile,
    Invoices,
    Mandates,
    Services,
    Domains,
    Mailboxes,
    Users,
    Tickets,
}

impl Permission {
    pub const ALL: [Permission; 8] = [
        Permission::Profile,
        Permission::Invoices,
        Permission::Mandates,
        Permission::Services,
        Permission::Domains,
        Permission::Mailboxes,
        Permission::Users,
        Permission::Tickets,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Permission::Profile => "profile",
            Permission::Invoices => "invoices",
            Permission::Mandates => "mandates",
            Permission::Services => "services",
            Permission::Domains => "domains",
            Permission::Mailboxes => "mailboxes",
            Permission::Users => "users",
            Permission::Tickets => "tickets",
        }
    }

    pub fn parse(s: &str) -> Option<Permission> {
        Permission::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

/// An access role on an account ("Full Access" / "Vollzugriff" on the owner's own account).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Role {
    pub name: String,
    pub permissions: Vec<Permission>,
}

impl Role {
    pub fn allows(&self, permission: Permission) -> bool {
        self.permissions.contains(&permission)
    }
}

/// A customer account the signed-in login can see: its own, or one shared with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Account {
    pub id: AccountId,
    pub customer_number: String,
    pub name: String,
    /// True for the login's own account, false for accounts shared with it.
    pub is_own: bool,
    pub role: Role,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PostalAddress {
    pub company: Option<String>,
    pub name: String,
    pub street: String,
    pub postal_code: String,
    pub city: String,
    /// ISO 3166-1 alpha-2, e.g. "DE".
    pub country: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Profile {
    pub customer_number: String,
    pub email: String,
    pub address: PostalAddress,
    /// Addresses that receive invoices (the portal's `;`-separated field, split).
    pub billing_emails: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceStatus {
    Open,
    Paid,
    Overdue,
    Cancelled,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Invoice {
    /// The invoice number printed on the PDF, e.g. "RE-2026-000123". Unique per account.
    pub number: String,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    #[ts(type = "number")]
    pub amount_cents: i64,
    /// ISO 4217, "EUR" for every Servercow invoice.
    pub currency: String,
    pub status: InvoiceStatus,
    /// 0 = no reminder, 1 = payment reminder, 2 = first dunning, 3 = final dunning.
    pub dunning_level: u8,
    pub paid_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum MandateKind {
    Sepa,
    Paypal,
    Card,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum MandateStatus {
    Pending,
    Active,
    Failed,
    Cancelled,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Mandate {
    pub id: String,
    pub kind: MandateKind,
    /// Already masked by the server: "DE89 **** **** **** **30 00", a PayPal e-mail,
    /// or "Visa •••• 4242". The cache never holds a full IBAN or card number.
    pub label: String,
    pub status: MandateStatus,
    pub is_default: bool,
    pub created_on: NaiveDate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum ServiceStatus {
    Active,
    Suspended,
    Cancelled,
    Terminated,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Service {
    pub id: String,
    /// "webhosting", "mail", "domain", "server", ...
    pub kind: String,
    pub product: String,
    pub status: ServiceStatus,
    pub term_months: u16,
    pub period_end: NaiveDate,
    /// Set when suspended, e.g. "Unpaid invoice RE-2026-000123": the portal's wording.
    pub status_reason: Option<String>,
    /// `status_reason` in English and German, as cowdesk shows it (known reasons
    /// translated, others marked as the portal's words); filled by the core, never sent
    /// by the portal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub status_reason_text: Option<ServerText>,
    /// What a mail product includes; null on other services (and from a portal that
    /// does not send it yet).
    #[serde(default)]
    pub mail_allowance: Option<MailAllowance>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Domain {
    pub name: String,
    pub expires_on: NaiveDate,
    pub transfer_lock: bool,
    pub auto_renew: bool,
    /// "active", "expired", "transfer_pending"
    pub status: String,
    /// When the transfer lock last changed (RFC 3339); `None` when never changed since
    /// registration. A domain unlocked for more than 7 days without a transfer is flagged.
    pub lock_changed_at: Option<DateTime<Utc>>,
    /// Ids of the services this domain belongs to (its registration, hosting, mail).
    pub service_ids: Vec<String>,
    /// Numbers of the invoices that bill this domain (registration and renewals).
    pub invoice_numbers: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Mailbox {
    pub address: String,
    pub name: String,
    #[ts(type = "number")]
    pub quota_bytes: i64,
    #[ts(type = "number")]
    pub used_bytes: i64,
    pub active: bool,
}

impl Mailbox {
    /// Percentage of the quota in use; `None` for an unlimited (0) quota.
    pub fn percent_used(&self) -> Option<f64> {
        (self.quota_bytes > 0).then(|| self.used_bytes as f64 * 100.0 / self.quota_bytes as f64)
    }

    /// Whether at least `percent` % of a limited quota is in use, in whole numbers (the
    /// cache's SQL asks the same: `used_bytes * 100 >= percent * quota_bytes`).
    pub fn uses_at_least(&self, percent: i64) -> bool {
        self.quota_bytes > 0
            && i128::from(self.used_bytes) * 100
                >= i128::from(percent) * i128::from(self.quota_bytes)
    }
}

/// A login that has access to an account (user management / shares).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AccountUser {
    pub email: String,
    pub role: Role,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum TicketStatus {
    Open,
    Answered,
    Closed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Ticket {
    pub id: String,
    pub subject: String,
    pub status: TicketStatus,
    pub created_at: DateTime<Utc>,
}

/// The resources synchronised per account, in sync order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum Resource {
    Profile,
    Invoices,
    Mandates,
    Services,
    Domains,
    Mailboxes,
    Users,
    Tickets,
}

impl Resource {
    pub const ALL: [Resource; 8] = [
        Resource::Profile,
        Resource::Invoices,
        Resource::Mandates,
        Resource::Services,
        Resource::Domains,
        Resource::Mailboxes,
        Resource::Users,
        Resource::Tickets,
    ];

    /// The permission a role needs to read this resource.
    pub fn permission(self) -> Permission {
        match self {
            Resource::Profile => Permission::Profile,
            Resource::Invoices => Permission::Invoices,
            Resource::Mandates => Permission::Mandates,
            Resource::Services => Permission::Services,
            Resource::Domains => Permission::Domains,
            Resource::Mailboxes => Permission::Mailboxes,
            Resource::Users => Permission::Users,
            Resource::Tickets => Permission::Tickets,
        }
    }

    /// Path segment below `/accounts/{id}/`.
    pub fn path(self) -> &'static str {
        match self {
            Resource::Profile => "profile",
            Resource::Invoices => "invoices",
            Resource::Mandates => "mandates",
            Resource::Services => "services",
            Resource::Domains => "domains",
            Resource::Mailboxes => "mailboxes",
            Resource::Users => "users",
            Resource::Tickets => "tickets",
        }
    }
}

/// One page of a paginated list (`?page=1&per_page=100`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub page: u32,
    pub per_page: u32,
    pub total: u64,
    /// The next page number, or null on the last page.
    pub next_page: Option<u32>,
}

/// `POST /auth/login` and `POST /auth/refresh` answer.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenResponse {
    pub access_token: String,
    pub refresh_token: String,
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: u64,
}

#[derive(Clone, Serialize, Deserialize)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

// Written by hand so that passwords and tokens can never reach a log through `{:?}`.

impl std::fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenResponse")
            .field("access_token", &"<redacted>")
            .field("refresh_token", &"<redacted>")
            .field("token_type", &self.token_type)
            .field("expires_in", &self.expires_in)
            .finish()
    }
}

impl std::fmt::Debug for RefreshRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RefreshRequest")
            .field("refresh_token", &"<redacted>")
            .finish()
    }
}

impl std::fmt::Debug for LoginRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginRequest")
            .field("email", &self.email)
            .field("password", &"<redacted>")
            .finish()
    }
}

#[derive(Clone, Serialize, Deserialize)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PasswordResetRequest {
    pub email: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewTicket {
    pub subject: String,
    pub body: String,
    /// What the ticket is about; a plain question when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<TicketCategory>,
    /// The invoice number or service id it concerns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<TicketAttachment>,
}

impl NewTicket {
    /// A plain ticket: subject and text only.
    pub fn plain(subject: impl Into<String>, body: impl Into<String>) -> NewTicket {
        NewTicket {
            subject: subject.into(),
            body: body.into(),
            category: None,
            reference: None,
            attachments: Vec::new(),
        }
    }
}

/// Every non-2xx answer of the portal: `{"error": {...}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiErrorBody {
    pub error: ApiError,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    /// Stable machine code: invalid_credentials, token_expired, unauthorized, forbidden,
    /// not_found, conflict, validation, rate_limited, server_error.
    pub code: String,
    pub message: String,
    /// For `forbidden`: the permission the role lacks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permission: Option<Permission>,
    /// For `validation`: field name -> what is wrong with it.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub fields: std::collections::BTreeMap<String, String>,
}

// ---------------------------------------------------------------------------------------
// Payloads for the UI and the command line: read from the local cache.
// ---------------------------------------------------------------------------------------

/// Who is signed in, and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LoginInfo {
    /// Base URL of the portal preview: a server the user entered that speaks the portal
    /// contract (docs/portal-api.yaml), e.g. the demo sandbox on loopback. No default.
    pub server: String,
    pub email: String,
    pub demo: bool,
    /// False when the OS keyring could not store the sign-in: the user signs in again at
    /// the next start (never a plaintext fallback).
    pub remembered: bool,
}

/// An account as the switcher lists it, with the age of its cached data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AccountSummary {
    pub account: Account,
    pub last_synced: Option<DateTime<Utc>>,
    /// Unpaid invoices with a reminder or past their due date, for a badge.
    pub overdue_count: u32,
}

/// A cached list of one account, with whether the role may see it at all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Listing<T> {
    pub items: Vec<T>,
    /// False when the account's role lacks the permission: the list is empty for that
    /// reason, not because there is nothing.
    pub permitted: bool,
    pub last_synced: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Dashboard {
    pub account: Account,
    pub last_synced: Option<DateTime<Utc>>,
    #[ts(type = "number")]
    pub open_total_cents: i64,
    pub open_count: u32,
    #[ts(type = "number")]
    pub overdue_total_cents: i64,
    pub overdue_count: u32,
    /// Overdue invoices and invoices with a reminder, most urgent first.
    pub attention_invoices: Vec<Invoice>,
    pub suspended_services: Vec<Service>,
    /// Domains expiring within 30 days, soonest first.
    pub expiring_domains: Vec<Domain>,
    /// Mailboxes at or over 90 % of their quota, fullest first.
    pub mailboxes_near_quota: Vec<Mailbox>,
    /// Resources the account's role does not allow, so the UI can say why a card is empty.
    pub not_permitted: Vec<Resource>,
}

/// Progress of a sync, sent to the UI as an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SyncProgress {
    pub account_id: AccountId,
    pub resource: Resource,
    /// Resources finished so far for this account, of `total`.
    pub done: u32,
    pub total: u32,
    pub stage: SyncStage,
}

/// Where one account's sync is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum SyncStage {
    /// Asking the server, a few resources at once (`resource` is the one just read; the
    /// first report, with `done` 0, comes as the reading starts).
    Fetching,
    /// Writing what arrived into the cache, in one transaction with the alerts it causes.
    Saving,
    /// Written; the cache holds the new data.
    Saved,
}

/// The outcome of syncing one account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SyncOutcome {
    pub account_id: AccountId,
    /// Resources whose content changed and were rewritten.
    pub changed: Vec<Resource>,
    /// Resources the server reported unchanged (ETag matched).
    pub unchanged: Vec<Resource>,
    /// Resources the role may not read.
    pub not_permitted: Vec<Resource>,
    pub requests: u32,
    /// Set when this account's sync failed; its previous cache is untouched.
    pub error: Option<ErrorInfo>,
}

impl SyncOutcome {
    /// An outcome that lists no resources: a mailcow connection's, or a sync that failed
    /// before it read any.
    pub fn plain(account_id: AccountId, error: Option<ErrorInfo>) -> SyncOutcome {
        SyncOutcome {
            account_id,
            changed: Vec::new(),
            unchanged: Vec::new(),
            not_permitted: Vec::new(),
            requests: 0,
            error,
        }
    }
}

/// A text the portal worded itself: in English and German when cowdesk knows it,
/// otherwise exactly as the portal wrote it (both fields) with `server_words` set, so the
/// window can say that these are the portal's words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ServerText {
    pub en: String,
    pub de: String,
    pub server_words: bool,
}

/// A stable error kind the UI can branch on; never a raw string to match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ErrorKind {
    InvalidInput,
    InvalidCredentials,
    NotSignedIn,
    SessionExpired,
    Forbidden,
    NotFound,
    Conflict,
    RateLimited,
    Offline,
    Server,
    InsecureServer,
    KeyringUnavailable,
    Storage,
    /// SQLite found the cache's pages damaged after it opened: a new start sets the file
    /// aside and begins a new one, so the window offers a restart instead of a retry.
    CacheDamaged,
    Internal,
}

/// An error as it crosses to the UI and the command line: a stable kind and a readable
/// message in English and German.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ErrorInfo {
    pub kind: ErrorKind,
    pub message: String,
    pub message_de: String,
    /// Field name -> problem in English, for forms (from a 422 or local validation).
    pub fields: std::collections::BTreeMap<String, String>,
    /// Field name -> problem in German: the same fields as `fields`.
    #[serde(default)]
    pub fields_de: std::collections::BTreeMap<String, String>,
    /// Some text here is the server's own wording that cowdesk does not know and could
    /// not translate: the UI marks it as the portal's words.
    #[serde(default)]
    pub server_words: bool,
}

/// How a mail client reaches the hosted mailcow (FAQ "Shared mailcow").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum MailProtocol {
    Imap,
    Smtp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum MailSecurity {
    /// Implicit TLS from the first byte (SSL/TLS).
    Tls,
    Starttls,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MailServerSetting {
    pub protocol: MailProtocol,
    pub host: String,
    pub port: u16,
    pub security: MailSecurity,
    pub recommended: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MailClientConfig {
    /// Recommended settings first, then the STARTTLS alternatives.
    pub servers: Vec<MailServerSetting>,
    /// The username rule: the full e-mail address.
    pub username_rule: String,
    pub authentication: String,
}

/// What `cowdesk status` prints and the UI shows in its footer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Status {
    pub login: Option<LoginInfo>,
    pub accounts: Vec<AccountSummary>,
    pub database: String,
}

/// What the UI needs to know about the app at start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AppInfo {
    pub version: String,
    /// The OS language, reduced to a supported one: "en" or "de".
    pub system_locale: String,
    /// The user's choice: "system", "en" or "de".
    pub language: String,
}

/// What the window's first screen needs, in one answer (`app_start`): a first paint that
/// waited on four rounds of IPC waits on one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AppStart {
    pub info: AppInfo,
    /// The stored sign-in, restored without network (or the demo's, with `--demo`).
    pub login: Option<LoginInfo>,
    /// The profile's mailcow connections, with or without a portal sign-in.
    pub connections: Vec<Connection>,
    /// Where the cache this start found damaged was kept when a new one replaced it: the
    /// sign-in form says so, as the sign-in and settings it held are gone.
    pub damaged_cache: Option<String>,
    /// Signed in, what the window shows first (the same answer as after a sign-in, its
    /// fields beside the others); empty without a sign-in.
    #[serde(flatten)]
    pub signed_in: SignedInStart,
}

/// What the window shows first after a sign-in, in one answer (`signed_in_start`, and
/// within `app_start`): the login's accounts, the one shown last and its dashboard.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SignedInStart {
    pub accounts: Vec<AccountSummary>,
    /// The account shown last if the login still sees it, else the first.
    pub selected: Option<String>,
    /// The selected account's dashboard, so that the first paint shows its figures.
    /// `None` without one, or when it could not be read: the view then asks itself and
    /// says why.
    pub dashboard: Option<Dashboard>,
}

mod domains;
pub use domains::*;
pub mod iban;
mod lists;
pub use lists::*;
mod mandates;
pub use mandates::*;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permissions_round_trip_through_their_names() {
        for p in Permission::ALL {
            assert_eq!(Permission::parse(p.as_str()), Some(p));
            let json = serde_json::to_string(&p).unwrap();
            assert_eq!(json, format!("\"{}\"", p.as_str()));
        }
        assert_eq!(Permission::parse("admin"), None);
    }

    #[test]
    fn every_resource_has_its_own_permission_and_path() {
        let permissions: std::collections::HashSet<_> =
            Resource::ALL.iter().map(|r| r.permission()).collect();
        let paths: std::collections::HashSet<_> = Resource::ALL.iter().map(|r| r.path()).collect();
        assert_eq!(permissions.len(), Resource::ALL.len());
        assert_eq!(paths.len(), Resource::ALL.len());
        for r in Resource::ALL {
            assert_eq!(r.permission().as_str(), r.path());
        }
    }

    #[test]
    fn quota_percentage_handles_unlimited_quota() {
        let mut mailbox = Mailbox {
            address: "info@example.de".into(),
            name: "Info".into(),
            quota_bytes: 1000,
            used_bytes: 950,
            active: true,
        };
        assert_eq!(mailbox.percent_used(), Some(95.0));
        mailbox.quota_bytes = 0;
        assert_eq!(mailbox.percent_used(), None);
    }

    #[test]
    fn secrets_do_not_print_in_debug_output() {
        let request = LoginRequest {
            email: "a@b.de".into(),
            password: "hunter2".into(),
        };
        let printed = format!("{request:?}");
        assert!(printed.contains("a@b.de") && !printed.contains("hunter2"));
        let tokens = TokenResponse {
            access_token: "acc-secret".into(),
            refresh_token: "ref-secret".into(),
            token_type: "Bearer".into(),
            expires_in: 900,
        };
        let refresh = RefreshRequest {
            refresh_token: "ref-secret".into(),
        };
        let printed = format!("{tokens:?} {refresh:?}");
        assert!(!printed.contains("secret") && printed.contains("900"));
    }

    #[test]
    fn api_errors_omit_empty_details() {
        let body = ApiErrorBody {
            error: ApiError {
                code: "not_found".into(),
                message: "No such account".into(),
                permission: None,
                fields: Default::default(),
            },
        };
        let json = serde_json::to_value(&body).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"error": {"code": "not_found", "message": "No such account"}})
        );
    }
}
