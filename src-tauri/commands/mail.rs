//! Mail setup: the account's mail allowance, the address rules while typing, copying a
//! setting (from Rust: the window has no clipboard permission) and saving a client
//! configuration file through the same save dialog as billing.

use cowdesk_core::mailconfig::{hosted_mailcow, ConfigFormat};
use cowdesk_core::model::MailAllowance;
use cowdesk_core::validate::mailbox_address;
use tauri::{AppHandle, Runtime, State};

use super::billing::{choose_save_path_for, write_failed};
use super::error::{from_core, internal, invalid_input};
use super::{input, CmdResult};
use crate::clipboard::{CopyError, SecretClipboard};
use crate::AppState;

#[tauri::command]
pub async fn mail_allowance(
    state: State<'_, AppState>,
    account_id: String,
) -> CmdResult<Option<MailAllowance>> {
    let account_id = input::account_id(&account_id)?;
    let core = state.core().await;
    core.mail_allowance(account_id)
        .await
        .map_err(|e| from_core(&e))
}

/// The address rules (FAQ) while the user types: `Ok` with the address as it will be
/// used, or the message naming the character that is not allowed.
#[tauri::command]
pub fn check_mailbox_address(address: String) -> CmdResult<String> {
    mailbox_address(&address)
        .map(|a| a.address())
        .map_err(|e| from_core(&e))
}

/// Copies one value of the client settings: a server name, a port or a mailbox address.
/// Anything else is refused, so the window cannot put arbitrary text on the clipboard.
#[tauri::command]
pub fn copy_mail_setting(clipboard: State<'_, SecretClipboard>, value: String) -> CmdResult<()> {
    let config = hosted_mailcow();
    let known = config
        .servers
        .iter()
        .any(|s| s.host == value || s.port.to_string() == value);
    let value = if known {
        value
    } else {
        mailbox_address(&value)
            .map_err(|e| from_core(&e))?
            .address()
    };
    clipboard.copy_plain(&value).map_err(|err| match err {
        CopyError::NothingHeld => internal("nothing to copy"),
        CopyError::Clipboard(reason) => {
            tracing::warn!("clipboard: {reason}");
            internal("the clipboard is not available")
        }
    })
}

/// Saves the Thunderbird or Apple file of one mailbox (`scope` "mailbox", `value` its
/// address) or of a domain (`scope` "domain"). Returns where it was written; `None` when
/// the save dialog was cancelled.
#[tauri::command]
pub async fn export_mail_config<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    account_id: String,
    scope: String,
    value: String,
    format: String,
) -> CmdResult<Option<String>> {
    let account_id = input::account_id(&account_id)?;
    let format = match ConfigFormat::parse(&format).map_err(|e| from_core(&e))? {
        ConfigFormat::Table => {
            return Err(invalid_input(
                "format",
                "Choose Thunderbird or Apple.",
                "Wählen Sie Thunderbird oder Apple.",
            ))
        }
        format => format,
    };
    let core = state.core().await;
    let file = match scope.as_str() {
        "mailbox" => core.mailbox_config_file(account_id, &value, format).await,
        "domain" => core.domain_config_file(account_id, &value, format).await,
        _ => {
            return Err(invalid_input(
                "scope",
                "Choose a mailbox or a domain.",
                "Wählen Sie ein Postfach oder eine Domain.",
            ))
        }
    }
    .map_err(|e| from_core(&e))?;
    drop(core);
    let (filter, extension) = match format {
        ConfigFormat::Apple => ("Apple configuration profile", "mobileconfig"),
        _ => ("Thunderbird autoconfig", "xml"),
    };
    let Some(target) = choose_save_path_for(&app, &file.file_name, filter, &[extension]).await?
    else {
        return Ok(None);
    };
    std::fs::write(&target, file.contents.as_bytes()).map_err(|e| write_failed(&target, &e))?;
    Ok(Some(target.display().to_string()))
}
