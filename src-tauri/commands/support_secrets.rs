//! Secret links in the window: the secret service setting (secrets.servercow.de unless
//! changed; the demo's double in demo mode), "Share a secret", the copy button (from
//! Rust), and "replace with a secret link" for a password the guard found in a ticket.
//!
//! The secret crosses IPC inward only. The link with its key goes to the window once, to
//! be shown (or, for a finding, in place of the secret in the draft); the copy button
//! copies the link held here (core's `HeldLink`). Nothing of either is logged.

use cowdesk_core::error::CoreError;
use cowdesk_core::model::{
    GuardFinding, SecretExpiry, SecretLinkShown, SecretServerSettings, SupportDraft,
};
use cowdesk_core::support::{HeldLink, SupportSession};
use cowdesk_core::validate;
use tauri::State;

use super::error::copy_failed;
use super::input::AnyAccountId;
use super::CmdResult;
use crate::clipboard::SecretClipboard;

core_commands! {
    support_secret_settings() -> SecretServerSettings = |core| core.secret_server_settings();

    /// Sets the secret service; `null` or the default goes back to the default.
    support_set_secret_server(server: Option<String>) -> SecretServerSettings
        = |core| core.choose_secret_server(server.as_deref());

    /// Encrypts the secret here, stores the ciphertext on the secret service and shows the
    /// link with the key once; it stays available to the copy button for a while.
    support_create_secret(secret: String, expiry: SecretExpiry, one_time: bool)
        -> SecretLinkShown = |core, app| async move {
            let secret = validate::support::secret_text(secret)?;
            let (link, shown) = core.make_secret_link(secret.expose(), expiry, one_time).await?;
            app.state::<SupportSession>().remember(secret.expose());
            app.state::<HeldLink>().hold(&shown.id, link);
            Ok::<_, CoreError>(shown)
        };

    /// Puts a secret link in place of what the guard found in one field of the draft: the
    /// finding must still be there as the guard reports it. Answers with the new draft.
    support_replace_finding(
        account_id: AnyAccountId,
        draft: SupportDraft,
        field: String,
        finding: GuardFinding,
        expiry: SecretExpiry,
        one_time: bool,
    ) -> SupportDraft = |core, app| async move {
        let session = app.state::<SupportSession>();
        let (mut draft, known) = session.checked_draft(&core, account_id.get(), draft).await?;
        let secret = core
            .replace_finding_with_link(&mut draft, field, &finding, &known, expiry, one_time)
            .await?;
        session.remember(secret.expose());
        Ok::<_, CoreError>(draft)
    };
}

/// Copies the link made last (by its id) to the clipboard, marked as a secret; the
/// clipboard is cleared after a minute if it still holds it.
#[tauri::command]
pub fn support_copy_secret_link(
    held: State<'_, HeldLink>,
    clipboard: State<'_, SecretClipboard>,
    id: String,
) -> CmdResult<()> {
    let link = held.get(&id)?;
    // Straight to the clipboard: an authcode held for the domain view's copy button stays.
    clipboard.copy_secret(link.expose()).map_err(copy_failed)
}
