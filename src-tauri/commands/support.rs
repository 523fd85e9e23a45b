//! The support desk in the window: the tickets the portal connection cached and their
//! threads, the FAQ's forms prefilled from the cache, the checks, the password guard and
//! the hand-off (sent with the portal connection, or the text on the clipboard and the
//! portal's ticket page in the browser).
//!
//! Secrets cross IPC inward only: a draft may hold one the user typed, and the guard
//! answers with masked findings. The secrets the guard knows come from the keyring and
//! from what the user shared as a secret link in this session; they stay here.

use std::sync::Mutex;

use cowdesk_core::model::{
    CachedTicketThread, ErrorInfo, GuardFindingKind, Listing, SupportCategory, SupportContext,
    SupportDraft, SupportForm, SupportGuardHit, SupportHandOff, SupportSelection,
    SupportTicketText, Ticket,
};
use cowdesk_core::session::Core;
use cowdesk_core::support::guard::blocked;
use cowdesk_core::support::{forms, guard_draft, KnownSecret, SecretText};
use tauri::State;

use super::error::{from_core, internal, invalid_input};
use super::{input, CmdResult};
use crate::clipboard::{CopyError, SecretClipboard};
use crate::AppState;

/// At most this many fields, keys of this length, and this much text in one draft.
const MAX_FIELDS: usize = 32;
const MAX_KEY: usize = 64;
const MAX_DRAFT_BYTES: usize = 1024 * 1024;
const MAX_TICKET_ID: usize = 128;
/// At most this many secrets shared in one session are remembered for the guard.
const MAX_SESSION_SECRETS: usize = 64;

/// Secrets the user handled in this run of the app that a ticket must not carry in the
/// clear: what went into a secret link, mailbox passwords typed for the mail doctor, and
/// the authcodes generated for the account's domains (cowdesk never stores those, so the
/// guard knows them only from here). Memory
/// only, wiped at sign-out and when dropped.
#[derive(Default)]
pub struct SupportSession {
    shared: Mutex<Vec<Remembered>>,
}

/// One remembered secret; deliberately without Debug.
struct Remembered {
    value: SecretText,
    /// The authcode's domain; empty for a shared secret.
    label: String,
    kind: GuardFindingKind,
}

impl SupportSession {
    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Remembered>> {
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

    fn known(&self) -> Vec<KnownSecret> {
        self.lock()
            .iter()
            .map(|s| KnownSecret {
                value: s.value.expose().to_owned(),
                label: s.label.clone(),
                kind: s.kind,
            })
            .collect()
    }
}

/// A draft as the window sent it: a known category, few short keys, bounded text.
pub(super) fn checked_draft(draft: SupportDraft) -> CmdResult<SupportDraft> {
    let too_big = draft.values.len() > MAX_FIELDS
        || draft.values.keys().any(|k| {
            k.is_empty()
                || k.len() > MAX_KEY
                || !k.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
        })
        || draft
            .values
            .iter()
            .map(|(k, v)| k.len() + v.len())
            .sum::<usize>()
            > MAX_DRAFT_BYTES;
    if too_big {
        return Err(invalid_input(
            "draft",
            "This ticket is too large to handle.",
            "Dieses Ticket ist zu groß.",
        ));
    }
    Ok(draft)
}

fn optional_account(account_id: Option<&str>) -> CmdResult<Option<&str>> {
    account_id.map(input::account_id).transpose()
}

fn ticket_id(value: &str) -> CmdResult<&str> {
    let ok = !value.is_empty()
        && value.len() <= MAX_TICKET_ID
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if ok {
        Ok(value)
    } else {
        Err(invalid_input(
            "ticketId",
            "This ticket id is not valid.",
            "Diese Ticket-ID ist ungültig.",
        ))
    }
}

/// Every secret the guard must know for `account_id`: kept in the keyring, and shared
/// in this session.
pub(super) async fn known_secrets(
    core: &Core,
    session: &SupportSession,
    account_id: Option<&str>,
) -> CmdResult<Vec<KnownSecret>> {
    let mut known = core
        .support_known_secrets(account_id)
        .await
        .map_err(|e| from_core(&e))?;
    known.extend(session.known());
    Ok(known)
}

pub(super) fn hits(draft: &SupportDraft, known: &[KnownSecret]) -> Vec<SupportGuardHit> {
    guard_draft(draft, known)
        .into_iter()
        .map(|(field, finding)| SupportGuardHit { field, finding })
        .collect()
}

#[tauri::command]
pub fn support_forms() -> Vec<SupportForm> {
    forms()
}

#[tauri::command]
pub async fn support_tickets(
    state: State<'_, AppState>,
    account_id: String,
) -> CmdResult<Listing<Ticket>> {
    let account_id = input::account_id(&account_id)?;
    let core = state.core().await;
    core.tickets(account_id).await.map_err(|e| from_core(&e))
}

/// One ticket with its messages: from the portal when it answers, else from the cache.
#[tauri::command]
pub async fn support_ticket_thread(
    state: State<'_, AppState>,
    account_id: String,
    ticket_id: String,
) -> CmdResult<CachedTicketThread> {
    let account_id = input::account_id(&account_id)?;
    let ticket_id = self::ticket_id(&ticket_id)?;
    let core = state.core().await;
    core.ticket_thread(account_id, ticket_id)
        .await
        .map_err(|e| from_core(&e))
}

#[tauri::command]
pub async fn support_context(
    state: State<'_, AppState>,
    account_id: String,
) -> CmdResult<SupportContext> {
    let account_id = input::account_id(&account_id)?;
    let core = state.core().await;
    core.support_context(account_id)
        .await
        .map_err(|e| from_core(&e))
}

/// A new draft of `category`, prefilled from the cache and what the user picked.
#[tauri::command]
pub async fn support_draft(
    state: State<'_, AppState>,
    account_id: String,
    category: SupportCategory,
    selection: SupportSelection,
) -> CmdResult<SupportDraft> {
    let account_id = input::account_id(&account_id)?;
    let core = state.core().await;
    core.support_draft_from(account_id, category, &selection)
        .await
        .map_err(|e| from_core(&e))
}

/// The finished text, or every bad field in English and German.
#[tauri::command]
pub async fn support_check(
    state: State<'_, AppState>,
    draft: SupportDraft,
) -> CmdResult<SupportTicketText> {
    let draft = checked_draft(draft)?;
    let core = state.core().await;
    core.support_preview(&draft).map_err(|e| from_core(&e))
}

/// The password guard over every field: what it found, masked, with its place.
#[tauri::command]
pub async fn support_guard(
    state: State<'_, AppState>,
    session: State<'_, SupportSession>,
    account_id: Option<String>,
    draft: SupportDraft,
) -> CmdResult<Vec<SupportGuardHit>> {
    let account_id = optional_account(account_id.as_deref())?;
    let draft = checked_draft(draft)?;
    let core = state.core().await;
    let known = known_secrets(&core, &session, account_id).await?;
    Ok(hits(&draft, &known))
}

/// How the ticket leaves cowdesk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HandOffVia {
    /// With the portal connection (today's signed-in portal login).
    Send,
    /// The text on the clipboard, the portal's ticket page in the browser.
    Portal,
}

fn clipboard_failed(err: CopyError) -> ErrorInfo {
    match err {
        CopyError::NothingHeld => internal("nothing to copy"),
        CopyError::Clipboard(reason) => {
            tracing::warn!("clipboard: {reason}");
            ErrorInfo {
                kind: cowdesk_core::model::ErrorKind::Internal,
                message: "The clipboard is not available, so the ticket text could not be copied. Nothing was sent."
                    .into(),
                message_de: "Die Zwischenablage ist nicht verfügbar, daher konnte der Tickettext nicht kopiert werden. Es wurde nichts gesendet."
                    .into(),
                fields: Default::default(),
                fields_de: Default::default(),
                server_words: false,
            }
        }
    }
}

/// Checks and guards the draft, then sends it (`send`, when signed in to the portal) or
/// copies the finished text and opens the portal's ticket page (`portal`, and `send`
/// without a portal connection). A guard finding stops it before anything leaves.
#[tauri::command]
pub async fn support_hand_off(
    state: State<'_, AppState>,
    session: State<'_, SupportSession>,
    clipboard: State<'_, SecretClipboard>,
    account_id: Option<String>,
    draft: SupportDraft,
    via: HandOffVia,
) -> CmdResult<SupportHandOff> {
    let account_id = optional_account(account_id.as_deref())?;
    let draft = checked_draft(draft)?;
    let core = state.core().await;
    let known = known_secrets(&core, &session, account_id).await?;
    // The core guards too; stopping here first names the findings the same way.
    let found = hits(&draft, &known);
    if !found.is_empty() {
        let findings: Vec<_> = found.into_iter().map(|h| h.finding).collect();
        return Err(from_core(&blocked(&findings)));
    }
    let send_with = match via {
        HandOffVia::Send => account_id,
        HandOffVia::Portal => None,
    };
    let handed = core
        .hand_off_support_ticket(send_with, &draft, &known)
        .await
        .map_err(|e| from_core(&e))?;
    if let SupportHandOff::Portal {
        url, subject, body, ..
    } = &handed
    {
        clipboard
            .copy_plain(&format!("{subject}\n\n{body}"))
            .map_err(clipboard_failed)?;
        if let Err(reason) = crate::browser::open(url) {
            // The text is on the clipboard; the window names the address to open by hand.
            tracing::warn!("browser not opened: {reason}");
        }
    }
    Ok(handed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn draft(values: &[(&str, &str)]) -> SupportDraft {
        SupportDraft {
            category: Some(SupportCategory::TechnicalProblem),
            values: values
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect::<BTreeMap<_, _>>(),
        }
    }

    #[test]
    fn support_drafts_are_bounded() {
        assert!(checked_draft(draft(&[("client", "Thunderbird")])).is_ok());
        assert!(checked_draft(draft(&[("Client", "x")])).is_err());
        assert!(checked_draft(draft(&[("../x", "x")])).is_err());
        let long = "x".repeat(MAX_DRAFT_BYTES + 1);
        assert!(checked_draft(draft(&[("client", &long)])).is_err());
        let many: Vec<(String, String)> = (0..=MAX_FIELDS)
            .map(|i| (format!("f{}", "a".repeat(i % 5 + 1)), "v".to_owned()))
            .collect();
        let mut d = draft(&[]);
        for (i, (k, v)) in many.into_iter().enumerate() {
            d.values
                .insert(format!("{k}_{}", "b".repeat(i % 40 + 1)), v);
        }
        assert!(checked_draft(d).is_err());
    }

    #[test]
    fn support_ticket_ids_are_checked() {
        assert!(ticket_id("acc-100001-t1").is_ok());
        assert!(ticket_id("../etc").is_err());
        assert!(ticket_id("").is_err());
    }

    #[test]
    fn support_session_secrets_are_known_to_the_guard() {
        let session = SupportSession::default();
        session.remember("  Sommer-2026-Geheim ");
        session.remember("Sommer-2026-Geheim");
        session.remember("");
        let known = session.known();
        assert_eq!(known.len(), 1);
        let found = hits(
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
        let found = hits(
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
        let found = hits(
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
