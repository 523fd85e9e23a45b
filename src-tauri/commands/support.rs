//! The support desk in the window: the tickets the portal connection cached and their
//! threads, the FAQ's forms prefilled from the cache, the checks, the password guard and
//! the hand-off (sent with the portal connection, or the text on the clipboard and the
//! portal's ticket page in the browser).
//!
//! Secrets cross IPC inward only: a draft may hold one the user typed, and the guard
//! answers with masked findings. The secrets the guard knows come from the keyring and
//! from what the user handled in this session (core's `SupportSession`); they stay here.

use cowdesk_core::error::CoreError;
use cowdesk_core::model::{
    CachedTicketThread, ErrorInfo, Listing, SupportCategory, SupportContext, SupportDraft,
    SupportForm, SupportGuardHit, SupportHandOff, SupportSelection, SupportTicketText, Ticket,
};
use cowdesk_core::support::guard::blocked;
use cowdesk_core::support::{forms, guard_hits, SupportSession};
use cowdesk_core::validate;
use tauri::State;

use super::error::copy_failed;
use super::input::{AccountId, AnyAccountId};
use super::CmdResult;
use crate::clipboard::{CopyError, SecretClipboard};
use crate::AppState;

#[tauri::command]
pub fn support_forms() -> Vec<SupportForm> {
    forms()
}

core_commands! {
    support_tickets(account_id: AccountId) -> Listing<Ticket> = |core| core.tickets(&account_id);

    /// One ticket with its messages: from the portal when it answers, else from the cache.
    support_ticket_thread(account_id: AccountId, ticket_id: String) -> CachedTicketThread
        = |core| core.ticket_thread(&account_id, validate::ticket_id(&ticket_id)?);

    support_context(account_id: AccountId) -> SupportContext
        = |core| core.support_context(&account_id);

    /// A new draft of `category`, prefilled from the cache and what the user picked.
    support_draft(account_id: AccountId, category: SupportCategory, selection: SupportSelection)
        -> SupportDraft = |core| core.support_draft_from(&account_id, category, &selection);

    /// The finished text, or every bad field in English and German.
    support_check(draft: SupportDraft) -> SupportTicketText
        = |core| async { core.support_preview(&validate::support::draft(draft)?) };
}

/// The password guard over every field: what it found, masked, with its place.
#[tauri::command]
pub async fn support_guard(
    state: State<'_, AppState>,
    session: State<'_, SupportSession>,
    account_id: AnyAccountId,
    draft: SupportDraft,
) -> CmdResult<Vec<SupportGuardHit>> {
    let draft = validate::support::draft(draft)?;
    let core = state.core().await;
    let known = session.known_with_kept(&core, account_id.get()).await?;
    Ok(guard_hits(&draft, &known))
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
        CopyError::Clipboard(reason) => {
            tracing::warn!("clipboard: {reason}");
            CoreError::desktop(
                "The clipboard is not available, so the ticket text could not be copied. \
                 Nothing was sent.",
                "Die Zwischenablage ist nicht verfügbar, daher konnte der Tickettext nicht \
                 kopiert werden. Es wurde nichts gesendet.",
            )
            .info()
        }
        other => copy_failed(other),
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
    account_id: AnyAccountId,
    draft: SupportDraft,
    via: HandOffVia,
) -> CmdResult<SupportHandOff> {
    let draft = validate::support::draft(draft)?;
    let core = state.core().await;
    let known = session.known_with_kept(&core, account_id.get()).await?;
    // The core guards too; stopping here first names the findings the same way.
    let found = guard_hits(&draft, &known);
    if !found.is_empty() {
        let findings: Vec<_> = found.into_iter().map(|h| h.finding).collect();
        return Err(blocked(&findings).into());
    }
    let send_with = match via {
        HandOffVia::Send => account_id.get(),
        HandOffVia::Portal => None,
    };
    let handed = core
        .hand_off_support_ticket(send_with, &draft, &known)
        .await?;
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
