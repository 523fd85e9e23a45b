//! Mail setup: the account's mail allowance, the address rules while typing, copying a
//! setting (from Rust: the window has no clipboard permission) and saving a client
//! configuration file through the same save dialog as billing.

use cowdesk_core::mailsetup::{copyable_setting, file_filter, file_format};
use cowdesk_core::model::{ErrorInfo, MailAllowance};
use cowdesk_core::validate::mailbox_address;
use tauri::State;

use super::error::{copy_failed, write_failed};
use super::input::AccountId;
use super::CmdResult;
use crate::clipboard::SecretClipboard;
use crate::dialogs::choose_save_path_for;

core_commands! {
    mail_allowance(account_id: AccountId) -> Option<MailAllowance>
        = |core| core.mail_allowance(&account_id);

    /// Saves the Thunderbird or Apple file of one mailbox (`scope` "mailbox", `value` its
    /// address) or of a domain (`scope` "domain"). Returns where it was written; `None`
    /// when the save dialog was cancelled.
    export_mail_config(account_id: AccountId, scope: String, value: String, format: String)
        -> Option<String> = |core, app| async move {
            let format = file_format(&format)?;
            let file = core.config_file(&account_id, &scope, &value, format).await?;
            // The core is not held while the dialog is open.
            drop(core);
            let (filter, extension) = file_filter(format);
            let extensions = [extension];
            let chosen = choose_save_path_for(&app, &file.file_name, filter, &extensions);
            let Some(target) = chosen.await? else {
                return Ok(None);
            };
            std::fs::write(&target, file.contents.as_bytes())
                .map_err(|e| write_failed(&target, &e))?;
            Ok::<_, ErrorInfo>(Some(target.display().to_string()))
        };
}

/// The address rules (FAQ) while the user types: `Ok` with the address as it will be
/// used, or the message naming the character that is not allowed.
#[tauri::command]
pub fn check_mailbox_address(address: String) -> CmdResult<String> {
    Ok(mailbox_address(&address).map(|a| a.address())?)
}

/// Copies one value of the client settings: a server name, a port or a mailbox address.
/// Anything else is refused, so the window cannot put arbitrary text on the clipboard.
#[tauri::command]
pub fn copy_mail_setting(clipboard: State<'_, SecretClipboard>, value: String) -> CmdResult<()> {
    let value = copyable_setting(value)?;
    clipboard.copy_plain(&value).map_err(copy_failed)
}
