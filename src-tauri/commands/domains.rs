//! Domain transfer: checklist, transfer lock, authcode (shown once, copied from Rust),
//! the re-lock reminder and the activity log.

use cowdesk_core::error::CoreError;
use cowdesk_core::model::{ActivityEntry, Authcode, Domain, TransferChecklist};
use cowdesk_core::support::SupportSession;
use tauri::State;

use super::error::copy_failed;
use super::input::{AccountId, DomainName};
use super::CmdResult;
use crate::clipboard::{CopyError, SecretClipboard};

core_commands! {
    domain_checklist(account_id: AccountId, domain_name: DomainName) -> TransferChecklist
        = |core| core.transfer_checklist(&account_id, &domain_name);

    set_transfer_lock(account_id: AccountId, domain_name: DomainName, locked: bool) -> Domain
        = |core| core.set_transfer_lock(&account_id, &domain_name, locked);

    domains_needing_relock(account_id: AccountId) -> Vec<Domain>
        = |core| core.domains_needing_relock(&account_id);

    list_activity(account_id: AccountId) -> Vec<ActivityEntry>
        = |core| core.activity(&account_id);

    /// The new code goes to the window once; it is held in memory for the copy button only.
    generate_authcode(account_id: AccountId, domain_name: DomainName) -> Authcode
        = |core, app| async move {
            let code = core.generate_authcode(&account_id, &domain_name).await?;
            app.state::<SecretClipboard>().hold(&account_id, &code.domain, &code.code);
            // The password guard stops it from being pasted into a support ticket.
            app.state::<SupportSession>().remember_authcode(&code.domain, &code.code);
            Ok::<_, CoreError>(code)
        };
}

/// Copies the authcode generated last for this domain; the clipboard is cleared after
/// 60 seconds if it still holds it.
#[tauri::command]
pub fn copy_authcode(
    clipboard: State<'_, SecretClipboard>,
    account_id: AccountId,
    domain_name: DomainName,
) -> CmdResult<()> {
    clipboard
        .copy(&account_id, &domain_name)
        .map_err(|err| match err {
            CopyError::NothingHeld => CoreError::field(
                "domain",
                "There is no authcode to copy any more. Generate a new one.",
                "Es gibt keinen Authcode mehr zum Kopieren. Erzeugen Sie einen neuen.",
            )
            .into(),
            other => copy_failed(other),
        })
}

/// The reveal field was closed: the code is not needed any more.
#[tauri::command]
pub fn forget_authcode(clipboard: State<'_, SecretClipboard>) {
    clipboard.forget();
}
