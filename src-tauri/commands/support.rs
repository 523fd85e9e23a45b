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
use cowdesk_core::support::{forms, HandOffVia, SupportSession};
use cowdesk_core::validate;

use super::error::copy_failed;
use super::input::{AccountId, AnyAccountId};
use crate::clipboard::{CopyError, SecretClipboard};

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

    /// The password guard over every field: what it found, masked, with its place.
    support_guard(account_id: AnyAccountId, draft: SupportDraft) -> Vec<SupportGuardHit>
        = |core, app| async move {
            app.state::<SupportSession>().guard(&core, account_id.get(), draft).await
        };

    /// Sends the checked and guarded draft or, for the portal's ticket page, copies its
    /// text and opens the page (core's `hand_off_guarded`).
    support_hand_off(account_id: AnyAccountId, draft: SupportDraft, via: HandOffVia)
        -> SupportHandOff = |core, app| async move {
            let session = app.state::<SupportSession>();
            let handed = core.hand_off_guarded(&session, account_id.get(), draft, via).await?;
            if let SupportHandOff::Portal { url, subject, body, .. } = &handed {
                app.state::<SecretClipboard>()
                    .copy_plain(&format!("{subject}\n\n{body}"))
                    .map_err(clipboard_failed)?;
                if let Err(reason) = cowdesk_core::browser::open(url) {
                    // The text is on the clipboard; the window names the address to open
                    // by hand.
                    tracing::warn!("browser not opened: {reason}");
                }
            }
            Ok::<_, ErrorInfo>(handed)
        };
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
