//! Domain transfer: checklist, transfer lock, authcode (shown once, copied from Rust),
//! the re-lock reminder and the activity log.

use cowdesk_core::domains;
use cowdesk_core::model::{ActivityEntry, Authcode, Domain, TransferChecklist};
use tauri::State;

use super::error::{internal, invalid_input};
use super::{input, CmdResult};
use crate::clipboard::{CopyError, SecretClipboard};
use crate::AppState;

#[tauri::command]
pub async fn domain_checklist(
    state: State<'_, AppState>,
    account_id: String,
    domain_name: String,
) -> CmdResult<TransferChecklist> {
    let account_id = input::account_id(&account_id)?;
    let name = domains::domain_name(&domain_name)?;
    let core = state.core().await;
    Ok(core.transfer_checklist(account_id, &name).await?)
}

#[tauri::command]
pub async fn set_transfer_lock(
    state: State<'_, AppState>,
    account_id: String,
    domain_name: String,
    locked: bool,
) -> CmdResult<Domain> {
    let account_id = input::account_id(&account_id)?;
    let name = domains::domain_name(&domain_name)?;
    let core = state.core().await;
    Ok(core.set_transfer_lock(account_id, &name, locked).await?)
}

/// The new code goes to the window once; it is held in memory for the copy button only.
#[tauri::command]
pub async fn generate_authcode(
    state: State<'_, AppState>,
    clipboard: State<'_, SecretClipboard>,
    support: State<'_, cowdesk_core::support::SupportSession>,
    account_id: String,
    domain_name: String,
) -> CmdResult<Authcode> {
    let account_id = input::account_id(&account_id)?;
    let name = domains::domain_name(&domain_name)?;
    let core = state.core().await;
    let code = core.generate_authcode(account_id, &name).await?;
    clipboard.hold(account_id, &code.domain, &code.code);
    // The password guard stops it from being pasted into a support ticket.
    support.remember_authcode(&code.domain, &code.code);
    Ok(code)
}

/// Copies the authcode generated last for this domain; the clipboard is cleared after
/// 60 seconds if it still holds it.
#[tauri::command]
pub async fn copy_authcode(
    clipboard: State<'_, SecretClipboard>,
    account_id: String,
    domain_name: String,
) -> CmdResult<()> {
    let account_id = input::account_id(&account_id)?;
    let name = domains::domain_name(&domain_name)?;
    clipboard.copy(account_id, &name).map_err(|err| match err {
        CopyError::NothingHeld => invalid_input(
            "domain",
            "There is no authcode to copy any more. Generate a new one.",
            "Es gibt keinen Authcode mehr zum Kopieren. Erzeugen Sie einen neuen.",
        ),
        CopyError::Clipboard(reason) => {
            tracing::warn!("clipboard: {reason}");
            internal("the clipboard is not available")
        }
    })
}

/// The reveal field was closed: the code is not needed any more.
#[tauri::command]
pub fn forget_authcode(clipboard: State<'_, SecretClipboard>) {
    clipboard.forget();
}

#[tauri::command]
pub async fn domains_needing_relock(
    state: State<'_, AppState>,
    account_id: String,
) -> CmdResult<Vec<Domain>> {
    let account_id = input::account_id(&account_id)?;
    let core = state.core().await;
    Ok(core.domains_needing_relock(account_id).await?)
}

#[tauri::command]
pub async fn list_activity(
    state: State<'_, AppState>,
    account_id: String,
) -> CmdResult<Vec<ActivityEntry>> {
    let account_id = input::account_id(&account_id)?;
    let core = state.core().await;
    Ok(core.activity(account_id).await?)
}
