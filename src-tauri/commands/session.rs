//! Signing in and out, the demo, and password reset.

use cowdesk_core::model::LoginInfo;
use tauri::{AppHandle, Runtime, State};

use super::error::from_core;
use super::{input, sync, CmdResult};
use crate::AppState;

/// The stored login, restored without network (or the demo, with `--demo`).
#[tauri::command]
pub async fn session_status(state: State<'_, AppState>) -> CmdResult<Option<LoginInfo>> {
    state.resume().await
}

#[tauri::command]
pub async fn login<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    server: String,
    email: String,
    password: String,
) -> CmdResult<LoginInfo> {
    let server = input::server(&server)?;
    let email = input::email(&email)?;
    let password = input::password(&password)?;
    let info = state
        .core()
        .await
        .login(server, email, password, false)
        .await
        .map_err(|e| from_core(&e))?;
    sync::spawn_background(app);
    Ok(info)
}

#[tauri::command]
pub async fn start_demo<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> CmdResult<LoginInfo> {
    let info = state.start_demo().await?;
    sync::spawn_background(app);
    Ok(info)
}

#[tauri::command]
pub async fn logout(
    state: State<'_, AppState>,
    support: State<'_, super::support::SupportSession>,
    link: State<'_, super::support_secrets::SharedLink>,
) -> CmdResult<()> {
    // What the support desk holds in memory goes with the session, whatever else happens.
    support.forget();
    link.forget();
    state.logout().await
}

#[tauri::command]
pub async fn request_password_reset(
    state: State<'_, AppState>,
    server: String,
    email: String,
) -> CmdResult<()> {
    let server = input::server(&server)?;
    let email = input::email(&email)?;
    state
        .core()
        .await
        .request_password_reset(server, email)
        .await
        .map_err(|e| from_core(&e))
}
