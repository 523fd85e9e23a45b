//! The profile's mailcow connections: connecting a hosted mailcow's domain administrator
//! (with its TOTP step) or a Managed mailcow's API key, listing them with their state,
//! and removing one (keyring entry and cached rows).

use cowdesk_core::error::CoreError;
use cowdesk_core::model::{
    ConnectOutcome, Connection, ConnectionSyncOutcome, ErrorInfo, ErrorKind,
};
use tauri::State;

use super::error::{from_core, invalid_input};
use super::{input, CmdResult};
use crate::AppState;

/// A connection error with the field it concerns named, so the form shows it there:
/// a refused password next to the password, a refused key next to the key, an address
/// that cannot be reached next to the address.
fn beside_field(err: &CoreError, secret_field: &str) -> ErrorInfo {
    let mut info = from_core(err);
    if !info.fields.is_empty() {
        return info;
    }
    let field = match info.kind {
        ErrorKind::InvalidCredentials => Some(secret_field),
        ErrorKind::Offline | ErrorKind::InsecureServer | ErrorKind::Server => Some("url"),
        _ => None,
    };
    if let Some(field) = field {
        info.fields.insert(field.to_owned(), info.message.clone());
        info.fields_de
            .insert(field.to_owned(), info.message_de.clone());
    }
    info
}

#[tauri::command]
pub async fn list_connections(state: State<'_, AppState>) -> CmdResult<Vec<Connection>> {
    let core = state.core().await;
    core.connections().await.map_err(Into::into)
}

/// Signs in as a mailcow's domain administrator (the hosted mailcow: the Servercow
/// account's e-mail and password). `totp_needed` in the outcome asks for the code.
#[tauri::command]
pub async fn connect_mailcow_session(
    state: State<'_, AppState>,
    url: String,
    user: String,
    password: String,
    totp: Option<String>,
) -> CmdResult<ConnectOutcome> {
    let url = input::mailcow_url(&url)?;
    let user = input::mailcow_user(&user)?;
    let password = input::password(&password)?;
    let totp = totp.as_deref().map(input::totp).transpose()?;
    let core = state.core().await;
    core.connect_mailcow_session(url, user, password, totp)
        .await
        .map_err(|e| beside_field(&e, "password"))
}

/// Finishes a login that waits for its six-digit code.
#[tauri::command]
pub async fn verify_mailcow_totp(
    state: State<'_, AppState>,
    id: String,
    code: String,
) -> CmdResult<Connection> {
    let id = input::connection_id(&id)?;
    let code = input::totp(&code)?;
    let core = state.core().await;
    core.verify_mailcow_totp(id, code)
        .await
        .map_err(|e| beside_field(&e, "totp"))
}

/// Connects a Managed mailcow with an API key; the outcome says read-only or read-write.
#[tauri::command]
pub async fn connect_mailcow_api_key(
    state: State<'_, AppState>,
    url: String,
    api_key: String,
) -> CmdResult<ConnectOutcome> {
    let url = input::mailcow_url(&url)?;
    let api_key = api_key.trim();
    if api_key.is_empty() || api_key.len() > 256 {
        return Err(invalid_input(
            "apiKey",
            "Enter the API key from the mailcow admin interface (Configuration › Access › API).",
            "Geben Sie den API-Schlüssel aus der mailcow-Administration ein (Konfiguration › Zugang › API).",
        ));
    }
    let core = state.core().await;
    core.connect_mailcow_api_key(url, api_key)
        .await
        .map_err(|e| beside_field(&e, "apiKey"))
}

/// Removes a connection: its keyring entry, then its cached rows.
#[tauri::command]
pub async fn remove_connection(state: State<'_, AppState>, id: String) -> CmdResult<()> {
    let id = input::connection_id(&id)?;
    let core = state.core().await;
    core.disconnect(id).await.map_err(Into::into)
}

/// Reads one connection's domains, mailboxes and aliases into the cache.
#[tauri::command]
pub async fn sync_connection(
    state: State<'_, AppState>,
    id: String,
) -> CmdResult<ConnectionSyncOutcome> {
    let id = input::connection_id(&id)?;
    let core = state.core().await;
    core.sync_connection(id).await.map_err(Into::into)
}
