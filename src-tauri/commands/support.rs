//! The support desk in the window: the tickets the portal connection cached and their
//! threads, the FAQ's forms prefilled from the cache, the checks, the password guard and
//! the hand-off (sent with the portal connection, or the text on the clipboard and the
//! portal's ticket page in the browser).
//!
//! Secrets cross IPC inward only: a draft may hold one the user typed, and the guard
//! answers with masked findings. The secrets the guard knows come from the keyring and
//! from what the user handled in this session (core's `SupportSession`); they stay here.

use cowdesk_core::model::{
    CachedTicketThread, ErrorInfo, Listing, SupportCategory, SupportContext, SupportDraft,
    SupportForm, SupportGuardHit, SupportHandOff, SupportSelection, SupportTicketText, Ticket,
};
use cowdesk_core::support::guard::blocked;
use cowdesk_core::support::{forms, guard_hits, SupportSession};
use cowdesk_core::validate;
use tauri::State;

use super::error::internal;
use super::CmdResult;
use crate::clipboard::{CopyError, SecretClipboard};
use crate::AppState;

#[tauri::command]
pub fn support_forms() -> Vec<SupportForm> {
    forms()
}

#[tauri::command]
pub async fn support_tickets(
    state: State<'_, AppState>,
    account_id: String,
) -> CmdResult<Listing<Ticket>> {
    let account_id = validate::account_id(&account_id)?;
    Ok(state.core().await.tickets(account_id).await?)
}

/// One ticket with its messages: from the portal when it answers, else from the cache.
#[tauri::command]
pub async fn support_ticket_thread(
    state: State<'_, AppState>,
    account_id: String,
    ticket_id: String,
) -> CmdResult<CachedTicketThread> {
    let account_id = validate::account_id(&account_id)?;
    let ticket_id = validate::ticket_id(&ticket_id)?;
    let core = state.core().await;
    Ok(core.ticket_thread(account_id, ticket_id).await?)
}

#[tauri::command]
pub async fn support_context(
    state: State<'_, AppState>,
    account_id: String,
) -> CmdResult<SupportContext> {
    let account_id = validate::account_id(&account_id)?;
    Ok(state.core().await.support_context(account_id).await?)
}

/// A new draft of `category`, prefilled from the cache and what the user picked.
#[tauri::command]
pub async fn support_draft(
    state: State<'_, AppState>,
    account_id: String,
    category: SupportCategory,
    selection: SupportSelection,
) -> CmdResult<SupportDraft> {
    let account_id = validate::account_id(&account_id)?;
    let core = state.core().await;
    Ok(core
        .support_draft_from(account_id, category, &selection)
        .await?)
}

/// The finished text, or every bad field in English and German.
#[tauri::command]
pub async fn support_check(
    state: State<'_, AppState>,
    draft: SupportDraft,
) -> CmdResult<SupportTicketText> {
    let draft = validate::support::draft(draft)?;
    Ok(state.core().await.support_preview(&draft)?)
}

/// The password guard over every field: what it found, masked, with its place.
#[tauri::command]
pub async fn support_guard(
    state: State<'_, AppState>,
    session: State<'_, SupportSession>,
    account_id: Option<String>,
    draft: SupportDraft,
) -> CmdResult<Vec<SupportGuardHit>> {
    let account_id = account_id
        .as_deref()
        .map(validate::account_id)
        .transpose()?;
    let draft = validate::support::draft(draft)?;
    let core = state.core().await;
    let known = session.known_with_kept(&core, account_id).await?;
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
    let account_id = account_id
        .as_deref()
        .map(validate::account_id)
        .transpose()?;
    let draft = validate::support::draft(draft)?;
    let core = state.core().await;
    let known = session.known_with_kept(&core, account_id).await?;
    // The core guards too; stopping here first names the findings the same way.
    let found = guard_hits(&draft, &known);
    if !found.is_empty() {
        let findings: Vec<_> = found.into_iter().map(|h| h.finding).collect();
        return Err(blocked(&findings).into());
    }
    let send_with = match via {
        HandOffVia::Send => account_id,
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
