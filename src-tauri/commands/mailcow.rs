//! The mailcow connections' mailboxes and aliases: reads from the cache, and changes that
//! go to the server first (the core re-reads the connection once the server confirmed).

use cowdesk_core::connections::{AliasInput, MailboxInput};
use cowdesk_core::mailcow::MailboxChange;
use cowdesk_core::model::{
    MailboxEntry, MailcowAliasEntry, MailcowChangeOutcome, MailcowDomainEntry,
};
use tauri::State;

use super::error::{from_core, invalid_input};
use super::{input, CmdResult};
use crate::AppState;

const MAX_NAME: usize = 255;

fn address(value: &str) -> CmdResult<&str> {
    let value = value.trim();
    if value.is_empty() || value.len() > 254 || !value.contains('@') {
        return Err(invalid_input(
            "address",
            "Enter the full address, e.g. anna@example.com.",
            "Geben Sie die vollständige Adresse ein, z. B. anna@example.com.",
        ));
    }
    Ok(value)
}

fn name(value: &str) -> CmdResult<&str> {
    if value.len() > MAX_NAME {
        return Err(invalid_input(
            "name",
            "This name is too long.",
            "Dieser Name ist zu lang.",
        ));
    }
    Ok(value)
}

fn connection(value: Option<&str>) -> CmdResult<Option<&str>> {
    value.map(input::connection_id).transpose()
}

/// Every mailbox of the profile (portal preview and mailcows), one row per address,
/// with where it comes from.
#[tauri::command]
pub async fn mailbox_entries(
    state: State<'_, AppState>,
    domain: Option<String>,
) -> CmdResult<Vec<MailboxEntry>> {
    let core = state.core().await;
    core.mailbox_entries(domain.as_deref())
        .await
        .map_err(|e| from_core(&e))
}

#[tauri::command]
pub async fn mailcow_domains(state: State<'_, AppState>) -> CmdResult<Vec<MailcowDomainEntry>> {
    let core = state.core().await;
    core.mailcow_domains().await.map_err(|e| from_core(&e))
}

#[tauri::command]
pub async fn mailcow_aliases(
    state: State<'_, AppState>,
    domain: Option<String>,
) -> CmdResult<Vec<MailcowAliasEntry>> {
    let core = state.core().await;
    core.mailcow_aliases(domain.as_deref())
        .await
        .map_err(|e| from_core(&e))
}

/// Adds a mailbox; without a password the outcome carries a generated one, shown once.
#[tauri::command]
#[allow(clippy::too_many_arguments)]
pub async fn mailcow_add_mailbox(
    state: State<'_, AppState>,
    connection_id: Option<String>,
    address: String,
    name: String,
    quota_mib: u64,
    password: Option<String>,
    active: bool,
) -> CmdResult<MailcowChangeOutcome> {
    let connection_id = connection(connection_id.as_deref())?;
    let address = self::address(&address)?.to_owned();
    let name = self::name(&name)?.to_owned();
    let password = match password.filter(|p| !p.is_empty()) {
        Some(p) => Some(input::password(&p)?.to_owned()),
        None => None,
    };
    let core = state.core().await;
    core.mailcow_add_mailbox(
        connection_id,
        MailboxInput {
            address,
            name,
            quota_mib,
            password,
            active,
        },
    )
    .await
    .map_err(|e| from_core(&e))
}

/// Changes a mailbox's name, quota (MiB) or state; what is `None` stays as it is.
#[tauri::command]
pub async fn mailcow_edit_mailbox(
    state: State<'_, AppState>,
    connection_id: Option<String>,
    address: String,
    name: Option<String>,
    quota_mib: Option<u64>,
    active: Option<bool>,
) -> CmdResult<MailcowChangeOutcome> {
    let connection_id = connection(connection_id.as_deref())?;
    let address = self::address(&address)?;
    let name = name
        .as_deref()
        .map(self::name)
        .transpose()?
        .map(str::to_owned);
    let change = MailboxChange {
        name,
        quota_mib,
        active,
    };
    if change.is_empty() {
        return Err(invalid_input(
            "name",
            "Nothing to change.",
            "Es gibt nichts zu ändern.",
        ));
    }
    let core = state.core().await;
    core.mailcow_edit_mailbox(connection_id, address, change)
        .await
        .map_err(|e| from_core(&e))
}

#[tauri::command]
pub async fn mailcow_delete_mailbox(
    state: State<'_, AppState>,
    connection_id: Option<String>,
    address: String,
) -> CmdResult<MailcowChangeOutcome> {
    let connection_id = connection(connection_id.as_deref())?;
    let address = self::address(&address)?;
    let core = state.core().await;
    core.mailcow_delete_mailbox(connection_id, address)
        .await
        .map_err(|e| from_core(&e))
}

/// Adds an alias forwarding to the given addresses.
#[tauri::command]
pub async fn mailcow_add_alias(
    state: State<'_, AppState>,
    connection_id: Option<String>,
    address: String,
    targets: Vec<String>,
) -> CmdResult<MailcowChangeOutcome> {
    let connection_id = connection(connection_id.as_deref())?;
    let address = self::address(&address)?.to_owned();
    let targets: Vec<String> = targets
        .iter()
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
        .collect();
    if targets.is_empty() || targets.len() > 1000 {
        return Err(invalid_input(
            "targets",
            "Enter at least one address the alias forwards to.",
            "Geben Sie mindestens eine Adresse ein, an die der Alias weiterleitet.",
        ));
    }
    let core = state.core().await;
    core.mailcow_add_alias(
        connection_id,
        AliasInput {
            address,
            targets,
            active: true,
        },
    )
    .await
    .map_err(|e| from_core(&e))
}

#[tauri::command]
pub async fn mailcow_delete_alias(
    state: State<'_, AppState>,
    connection_id: Option<String>,
    address: String,
) -> CmdResult<MailcowChangeOutcome> {
    let connection_id = connection(connection_id.as_deref())?;
    let address = self::address(&address)?;
    let core = state.core().await;
    core.mailcow_delete_alias(connection_id, address)
        .await
        .map_err(|e| from_core(&e))
}
