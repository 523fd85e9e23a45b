//! The support desk: bounce explanations, the password guard's findings, secret links and
//! the ticket forms of the FAQ's "send support the following" answers.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Why a mail was not delivered, as a bounce tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum BounceReason {
    UnknownRecipient,
    UnknownDomain,
    MailboxFull,
    /// SPF, DKIM or DMARC.
    Authentication,
    /// The sending IP or domain is on a blocklist, or has a bad reputation.
    Blocklisted,
    Spam,
    Greylisting,
    /// Too many recipients or messages, including the shared platform's 25-recipient limit.
    RateLimited,
    TooLarge,
    /// The sending server gave up after retrying.
    Expired,
    /// A recipient's rule or filter.
    Policy,
    Network,
    /// An automatic reply (out of office), not a failure.
    AutoReply,
    Other,
}

impl BounceReason {
    pub const ALL: [BounceReason; 14] = [
        BounceReason::UnknownRecipient,
        BounceReason::UnknownDomain,
        BounceReason::MailboxFull,
        BounceReason::Authentication,
        BounceReason::Blocklisted,
        BounceReason::Spam,
        BounceReason::Greylisting,
        BounceReason::RateLimited,
        BounceReason::TooLarge,
        BounceReason::Expired,
        BounceReason::Policy,
        BounceReason::Network,
        BounceReason::AutoReply,
        BounceReason::Other,
    ];

    /// The snake_case name, as in the JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            BounceReason::UnknownRecipient => "unknown_recipient",
            BounceReason::UnknownDomain => "unknown_domain",
            BounceReason::MailboxFull => "mailbox_full",
            BounceReason::Authentication => "authentication",
            BounceReason::Blocklisted => "blocklisted",
            BounceReason::Spam => "spam",
            BounceReason::Greylisting => "greylisting",
            BounceReason::RateLimited => "rate_limited",
            BounceReason::TooLarge => "too_large",
            BounceReason::Expired => "expired",
            BounceReason::Policy => "policy",
            BounceReason::Network => "network",
            BounceReason::AutoReply => "auto_reply",
            BounceReason::Other => "other",
        }
    }

    pub fn parse(name: &str) -> Option<BounceReason> {
        BounceReason::ALL.into_iter().find(|r| r.as_str() == name)
    }
}

/// What the user can do next, per the FAQ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum BounceNextStep {
    /// Nothing: the sending server retries by itself (greylisting, a temporary error).
    Wait,
    /// Run the mail DNS doctor on `target` (the sender's domain).
    DnsDoctor,
    /// Open the mail doctor's usage view of `target` (a mailbox of the account).
    MailboxUsage,
    /// Check the address for typing errors, or ask the recipient for the right one.
    CheckAddress,
    /// Send a smaller message (or share the file as a link).
    SendSmaller,
    /// At most 25 external recipients per mail; more needs a mass-mailing approval.
    SplitRecipients,
    /// Reach the recipient another way (their rule or filter refused it).
    ContactRecipient,
    /// Ask support, with the complete bounce.
    AskSupport,
    /// Not an error.
    Nothing,
}

/// The bounce explainer's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BounceExplanation {
    pub reason: BounceReason,
    /// 5xx / "failed": the sending server will not try again.
    pub permanent: bool,
    /// The enhanced status code (RFC 3463), e.g. "5.1.1".
    pub status: Option<String>,
    /// The SMTP reply code, e.g. 550.
    pub reply_code: Option<u16>,
    pub recipient: Option<String>,
    pub reporting_mta: Option<String>,
    pub remote_mta: Option<String>,
    /// What the refusing server said.
    pub diagnostic: Option<String>,
    /// What happened and what to do, in English.
    pub explanation_en: String,
    pub explanation_de: String,
    pub next_step: BounceNextStep,
    /// The domain or mailbox the next step is about (DNS doctor, usage view).
    pub next_step_target: Option<String>,
    /// From the returned original message, where it is attached.
    pub original_sender: Option<String>,
    pub original_date: Option<String>,
    pub original_subject: Option<String>,
    /// The original message's header block, for support.
    pub original_headers: Option<String>,
    /// Its `Authentication-Results` header values.
    pub authentication_results: Vec<String>,
}

/// What the password guard found in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum GuardFindingKind {
    /// A secret the caller knows (a stored or typed mailbox password, an API key).
    KnownSecret,
    /// An authcode of one of the account's domains.
    Authcode,
    /// A `password:` / `Passwort:` / `pw=` style line.
    PasswordLine,
    /// A long random-looking token.
    HighEntropyToken,
}

/// One finding: its kind, a masked excerpt, and where it is (byte offsets, end exclusive).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct GuardFinding {
    pub kind: GuardFindingKind,
    /// E.g. `Pa•••••23`: never the secret itself.
    pub masked: String,
    pub start: u32,
    pub end: u32,
    /// What the caller named the known secret (e.g. "mailbox password of info@example.de").
    pub label: Option<String>,
}

/// How long a secret link lives (the Yopass expiry choices).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum SecretExpiry {
    Hour,
    Day,
    Week,
}

impl SecretExpiry {
    pub fn seconds(self) -> u32 {
        match self {
            SecretExpiry::Hour => 3600,
            SecretExpiry::Day => 86_400,
            SecretExpiry::Week => 604_800,
        }
    }

    /// `1h`, `1d`, `1w` (the command line's spelling).
    pub fn parse(value: &str) -> Option<SecretExpiry> {
        match value.trim() {
            "1h" | "hour" | "3600" => Some(SecretExpiry::Hour),
            "1d" | "day" | "86400" => Some(SecretExpiry::Day),
            "1w" | "week" | "604800" => Some(SecretExpiry::Week),
            _ => None,
        }
    }
}

/// The support categories of the FAQ's "send support the following" answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum SupportCategory {
    PaymentMade,
    PaymentExtension,
    Cancellation,
    RestoreAfterTermination,
    ServiceNotVisible,
    MailNotArriving,
    DeletedMailRestore,
    MoreStorage,
    MassMailingApproval,
    MigrationEstimate,
    TechnicalProblem,
}

impl SupportCategory {
    pub const ALL: [SupportCategory; 11] = [
        SupportCategory::PaymentMade,
        SupportCategory::PaymentExtension,
        SupportCategory::Cancellation,
        SupportCategory::RestoreAfterTermination,
        SupportCategory::ServiceNotVisible,
        SupportCategory::MailNotArriving,
        SupportCategory::DeletedMailRestore,
        SupportCategory::MoreStorage,
        SupportCategory::MassMailingApproval,
        SupportCategory::MigrationEstimate,
        SupportCategory::TechnicalProblem,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SupportCategory::PaymentMade => "payment_made",
            SupportCategory::PaymentExtension => "payment_extension",
            SupportCategory::Cancellation => "cancellation",
            SupportCategory::RestoreAfterTermination => "restore_after_termination",
            SupportCategory::ServiceNotVisible => "service_not_visible",
            SupportCategory::MailNotArriving => "mail_not_arriving",
            SupportCategory::DeletedMailRestore => "deleted_mail_restore",
            SupportCategory::MoreStorage => "more_storage",
            SupportCategory::MassMailingApproval => "mass_mailing_approval",
            SupportCategory::MigrationEstimate => "migration_estimate",
            SupportCategory::TechnicalProblem => "technical_problem",
        }
    }

    pub fn parse(name: &str) -> Option<SupportCategory> {
        SupportCategory::ALL
            .into_iter()
            .find(|c| c.as_str() == name.trim())
    }
}

/// How a form field is entered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum SupportFieldKind {
    Text,
    /// Several lines (a bounce, a description).
    LongText,
    Email,
    /// YYYY-MM-DD.
    Date,
    /// A date and time as the user writes it.
    DateTime,
    /// Euros, e.g. "34,51".
    Amount,
    /// A whole number.
    Number,
    YesNo,
    Domain,
}

/// One field of a category's form, as the FAQ lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SupportField {
    /// The key for `--field key=value` and in `SupportDraft::values`.
    pub key: String,
    pub label_en: String,
    pub label_de: String,
    pub kind: SupportFieldKind,
    pub required: bool,
}

/// A category's form: its title and fields, in the FAQ's order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SupportForm {
    pub category: SupportCategory,
    pub title_en: String,
    pub title_de: String,
    pub fields: Vec<SupportField>,
}

/// A filled form: field key -> value (prefilled from the cache, edited by the user).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SupportDraft {
    pub category: Option<SupportCategory>,
    pub values: std::collections::BTreeMap<String, String>,
}

/// The finished ticket, checked and guarded, ready to send or to paste.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SupportTicketText {
    pub category: SupportCategory,
    pub subject: String,
    pub body: String,
}

/// What became of a ticket: sent through the preview connection, or handed off to the
/// customer portal (copy the text, open the page).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum SupportHandOff {
    Sent {
        ticket_id: String,
        subject: String,
    },
    Portal {
        /// The portal page where a new ticket is opened.
        url: String,
        /// What to do there (FAQ "Where do I open a support ticket?").
        steps_en: String,
        steps_de: String,
        subject: String,
        body: String,
    },
}
