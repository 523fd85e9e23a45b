//! Signing in and out, the demo, and password reset.

use cowdesk_core::model::LoginInfo;
use tauri::{AppHandle, Runtime, State};

use cowdesk_core::validate::signin;

use super::{sync, CmdResult};
use crate::AppState;

#[tauri::command]
pub async fn login<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    server: String,
    email: String,
    password: String,
) -> CmdResult<LoginInfo> {
    let server = signin::server(&server)?;
    let email = signin::email(&email)?;
    let password = signin::password(&password)?;
    let info = state
        .core()
        .await
        .login(server, email, password, false)
        .await?;
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
    support: State<'_, cowdesk_core::support::SupportSession>,
    link: State<'_, cowdesk_core::support::HeldLink>,
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
    let server = signin::server(&server)?;
    let email = signin::email(&email)?;
    Ok(state
        .core()
        .await
        .request_password_reset(server, email)
        .await?)
}
