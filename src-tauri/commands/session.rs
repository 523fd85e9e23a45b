//! Signing in and out, the demo, and password reset.

use cowdesk_core::model::LoginInfo;
use cowdesk_core::support::{HeldLink, SupportSession};
use cowdesk_core::validate::signin;
use tauri::{AppHandle, Runtime, State};

use super::CmdResult;
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
    crate::background::request_sync(&app);
    Ok(info)
}

#[tauri::command]
pub async fn start_demo<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> CmdResult<LoginInfo> {
    let info = state.active().start_demo().await?;
    crate::background::request_sync(&app);
    Ok(info)
}

#[tauri::command]
pub async fn logout(
    state: State<'_, AppState>,
    support: State<'_, SupportSession>,
    link: State<'_, HeldLink>,
) -> CmdResult<()> {
    // What the support desk holds in memory goes with the session, whatever else happens.
    support.forget();
    link.forget();
    Ok(state.active().logout().await?)
}

core_commands! {
    request_password_reset(server: String, email: String) -> ()
        = |core| core.request_password_reset(signin::server(&server)?, signin::email(&email)?);
}
