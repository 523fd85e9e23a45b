//! The secrets the password guard knows beyond the keyring: those the user handled in this
//! run of the app (what went into a secret link, mailbox passwords typed for the mail
//! doctor, the authcodes generated for the account's domains; cowdesk never stores those,
//! so the guard knows them only from here), and the guard's findings over a draft with
//! them. Memory only, wiped at sign-out and when dropped.

use std::sync::{Mutex, MutexGuard};

use cowdesk_model::{GuardFindingKind, SupportDraft, SupportGuardHit};

use super::guard::KnownSecret;
use super::secret::SecretText;
use super::tickets::guard_draft;
use crate::error::CoreError;
use crate::session::Core;

/// At most this many secrets shared in one session are remembered for the guard.
const MAX_SESSION_SECRETS: usize = 64;

#[derive(Default)]
pub struct SupportSession {
    shared: Mutex<Vec<Remembered>>,
}

/// One remembered secret; deliberately without Debug.
struct Remembered {
    value: SecretText,
    /// The authcode's domain or the mailbox's address; empty for a shared secret.
    label: String,
    kind: GuardFindingKind,
}

impl SupportSession {
    fn lock(&self) -> MutexGuard<'_, Vec<Remembered>> {
        self.shared.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn keep(&self, secret: &str, label: &str, kind: GuardFindingKind) {
        let secret = secret.trim();
        if secret.is_empty() {
            return;
        }
        let mut shared = self.lock();
        shared.retain(|s| s.value.expose() != secret);
        if shared.len() >= MAX_SESSION_SECRETS {
            shared.remove(0);
        }
        shared.push(Remembered {
            value: SecretText::new(secret.to_owned()),
            label: label.to_owned(),
            kind,
        });
    }

    /// Remembers a secret that went into a link.
    pub fn remember(&self, secret: &str) {
        // Shared in this session: the window words it, no label needed.
        self.keep(secret, "", GuardFindingKind::KnownSecret);
    }

    /// Remembers a mailbox password typed for a check of `address`.
    pub fn remember_mailbox_password(&self, address: &str, password: &str) {
        self.keep(password, address, GuardFindingKind::KnownSecret);
    }

    /// Remembers an authcode generated for `domain`.
    pub fn remember_authcode(&self, domain: &str, code: &str) {
        self.keep(code, domain, GuardFindingKind::Authcode);
    }

    /// Forgets every secret of this session (sign-out).
    pub fn forget(&self) {
        self.lock().clear();
    }

    /// The secrets of this session, for the guard.
    pub fn known(&self) -> Vec<KnownSecret> {
        self.lock()
            .iter()
            .map(|s| KnownSecret {
                value: s.value.expose().to_owned(),
                label: s.label.clone(),
                kind: s.kind,
            })
            .collect()
    }

    /// The password guard over every field of `draft` (checked first) with what this
    /// session and the keyring know: what it found, masked, with its place.
    pub async fn guard(
        &self,
        core: &Core,
        account_id: Option<&str>,
        draft: SupportDraft,
    ) -> Result<Vec<SupportGuardHit>, CoreError> {
        let (draft, known) = self.checked_draft(core, account_id, draft).await?;
        Ok(guard_hits(&draft, &known))
    }

    /// `draft` checked, and every secret the guard must know for `account_id`.
    pub async fn checked_draft(
        &self,
        core: &Core,
        account_id: Option<&str>,
        draft: SupportDraft,
    ) -> Result<(SupportDraft, Vec<KnownSecret>), CoreError> {
        let draft = crate::validate::support::draft(draft)?;
        let known = self.known_with_kept(core, account_id).await?;
        Ok((draft, known))
    }

    /// Every secret the guard must know for `account_id`: kept in the keyring, and shared
    /// in this session.
    pub async fn known_with_kept(
        &self,
        core: &Core,
        account_id: Option<&str>,
    ) -> Result<Vec<KnownSecret>, CoreError> {
        let mut known = core.support_known_secrets(account_id).await?;
        known.extend(self.known());
        Ok(known)
    }
}

/// What the guard finds in each field of `draft`, masked, with its field.
pub fn guard_hits(draft: &SupportDraft, known: &[KnownSecret]) -> Vec<SupportGuardHit> {
    guard_draft(draft, known)
        .into_iter()
        .map(|(field, finding)| SupportGuardHit { field, finding })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::support::draft_with as draft;

    #[test]
    fn support_session_secrets_are_known_to_the_guard() {
        let session = SupportSession::default();
        session.remember("  Sommer-2026-Geheim ");
        session.remember("Sommer-2026-Geheim");
        session.remember("");
        let known = session.known();
        assert_eq!(known.len(), 1);
        let found = guard_hits(
            &draft(&[("error_message", "it says Sommer-2026-Geheim is wrong")]),
            &known,
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].field, "error_message");
        assert!(!found[0].finding.masked.contains("Geheim"));
    }

    #[test]
    fn support_session_authcodes_and_typed_passwords_are_named_and_forgotten_at_sign_out() {
        let session = SupportSession::default();
        session.remember_authcode("mueller-webdesign.example", "Xk7!pQ2#vR9z");
        let found = guard_hits(
            &draft(&[("error_message", "the transfer code is Xk7!pQ2#vR9z")]),
            &session.known(),
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].finding.kind, GuardFindingKind::Authcode);
        assert_eq!(
            found[0].finding.label.as_deref(),
            Some("mueller-webdesign.example")
        );
        assert!(!found[0].finding.masked.contains("pQ2"));
        session.remember_mailbox_password("info@mueller-webdesign.example", "Typed-Once-42");
        let found = guard_hits(
            &draft(&[("client", "Outlook, password Typed-Once-42")]),
            &session.known(),
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].finding.kind, GuardFindingKind::KnownSecret);
        assert_eq!(
            found[0].finding.label.as_deref(),
            Some("info@mueller-webdesign.example")
        );
        session.forget();
        assert!(session.known().is_empty());
    }
}
