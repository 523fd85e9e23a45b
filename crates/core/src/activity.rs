//! The local activity log: a per-account record of sensitive actions (transfer lock
//! changed, authcode generated, mandate added / cancelled / made default, share changed),
//! with the time and the login that did it. Viewable in the app; kept in the cache, so it
//! goes with the account's other rows at sign-out.
//!
//! The API takes what was done and to what, never a secret value: pass the domain name,
//! the masked mandate label or the login's address as `subject`, never an authcode, an
//! IBAN or a card number. `record` refuses a subject that looks like a full IBAN.

use chrono::Utc;
use cowdesk_model::{ActivityAction, ActivityEntry};

use crate::error::CoreError;
use crate::session::Core;
use crate::store::Store;

/// Entries the app shows at most.
pub const SHOWN: u32 = 500;
const MAX_SUBJECT: usize = 200;

/// Records one action on `account_id`, now, by `actor` (a login's e-mail address).
pub async fn record(
    store: &Store,
    account_id: &str,
    action: ActivityAction,
    subject: &str,
    actor: &str,
) -> Result<(), CoreError> {
    let subject = subject.trim();
    if subject.is_empty() || subject.chars().count() > MAX_SUBJECT || looks_secret(subject) {
        return Err(CoreError::Internal(
            "activity subject refused: empty, too long or a secret value".into(),
        ));
    }
    store
        .insert_activity(account_id, Utc::now(), actor, action, subject)
        .await
}

/// A full IBAN (letters and at least 12 digits, no masking) must never be logged.
fn looks_secret(subject: &str) -> bool {
    let compact: String = subject.chars().filter(|c| !c.is_whitespace()).collect();
    let digits = compact.chars().filter(char::is_ascii_digit).count();
    !compact.contains('*') && !compact.contains('•') && digits >= 12
}

impl Core {
    /// Records an action by the signed-in login. A failure to record is logged and does
    /// not undo the action, which the server has already done.
    pub async fn record_activity(&self, account_id: &str, action: ActivityAction, subject: &str) {
        let actor = self
            .login_info()
            .map(|l| l.email)
            .unwrap_or_else(|| "unknown".to_owned());
        if let Err(err) = record(self.store(), account_id, action, subject, &actor).await {
            tracing::warn!(?action, "activity not recorded: {}", err.kind_name());
        }
    }

    /// The account's activity log, newest first.
    pub async fn activity(&self, account_id: &str) -> Result<Vec<ActivityEntry>, CoreError> {
        self.store().account(account_id).await?;
        self.store().activity(account_id, SHOWN).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn activity_refuses_subjects_that_look_like_an_iban() {
        assert!(looks_secret("DE89 3704 0044 0532 0130 00"));
        assert!(looks_secret("DE89370400440532013000"));
        assert!(!looks_secret("DE89 **** **** **** **30 00"));
        assert!(!looks_secret("mueller-webdesign.de"));
        assert!(!looks_secret("Visa •••• 4242"));
    }
}
