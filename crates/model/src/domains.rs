//! Domain transfer (lock, authcode, checklist) and the local activity log.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{Domain, Invoice};

/// `PUT /accounts/{id}/domains/{name}/transfer-lock` body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransferLockRequest {
    pub locked: bool,
}

/// `POST /accounts/{id}/domains/{name}/authcode` answer. Never cached, never logged:
/// Debug prints a placeholder.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthcodeAnswer {
    pub domain: String,
    pub authcode: String,
}

/// A freshly generated authcode as the UI receives it, once. It is held nowhere else but
/// in memory for the copy button.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Authcode {
    pub domain: String,
    pub code: String,
    /// How long such a code is typically valid for the domain's TLD, in days; `None`
    /// when unknown (ask support).
    pub valid_days: Option<u16>,
}

impl std::fmt::Debug for AuthcodeAnswer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthcodeAnswer")
            .field("domain", &self.domain)
            .field("authcode", &"<redacted>")
            .finish()
    }
}

impl std::fmt::Debug for Authcode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Authcode")
            .field("domain", &self.domain)
            .field("code", &"<redacted>")
            .field("valid_days", &self.valid_days)
            .finish()
    }
}

/// What to know before generating an authcode (FAQ "Before the transfer").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TransferChecklist {
    pub domain: Domain,
    /// Unpaid invoices that bill this domain: pay them first.
    pub open_invoices: Vec<Invoice>,
    /// Days until the domain expires (negative when past).
    #[ts(type = "number")]
    pub days_to_expiry: i64,
    /// Expires within 30 days: start the transfer earlier next time, or renew first.
    pub expires_soon: bool,
    /// Typical validity of an authcode for this TLD, in days; `None`: ask support.
    pub code_valid_days: Option<u16>,
    /// The lock is off, so an authcode can be generated.
    pub unlocked: bool,
    /// A transfer is already under way.
    pub transfer_pending: bool,
}

/// A sensitive action, as the activity log names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ActivityAction {
    TransferLockDisabled,
    TransferLockEnabled,
    AuthcodeGenerated,
    MandateAdded,
    MandateCancelled,
    MandateDefaulted,
    ShareChanged,
}

impl ActivityAction {
    pub const ALL: [ActivityAction; 7] = [
        ActivityAction::TransferLockDisabled,
        ActivityAction::TransferLockEnabled,
        ActivityAction::AuthcodeGenerated,
        ActivityAction::MandateAdded,
        ActivityAction::MandateCancelled,
        ActivityAction::MandateDefaulted,
        ActivityAction::ShareChanged,
    ];
}

/// One line of an account's local activity log. Never holds a secret value: the subject
/// names the domain, the masked mandate or the login, never an authcode or an IBAN.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ActivityEntry {
    pub at: DateTime<Utc>,
    /// The login that did it (its e-mail address).
    pub actor: String,
    pub action: ActivityAction,
    /// What it was done to: a domain name, a masked mandate label, a login.
    pub subject: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_authcodes_do_not_print_in_debug_output() {
        let answer = AuthcodeAnswer {
            domain: "a.de".into(),
            authcode: "Zx9-secret".into(),
        };
        let code = Authcode {
            domain: "a.de".into(),
            code: "Zx9-secret".into(),
            valid_days: Some(30),
        };
        let printed = format!("{answer:?} {code:?}");
        assert!(printed.contains("a.de") && !printed.contains("Zx9"));
    }

    #[test]
    fn activity_actions_serialise_in_snake_case() {
        let json = serde_json::to_string(&ActivityAction::AuthcodeGenerated).unwrap();
        assert_eq!(json, "\"authcode_generated\"");
    }
}
