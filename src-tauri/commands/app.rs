//! App-level commands: the first screen's data, language, first paint, the mail client
//! table.

use std::sync::Arc;

use cowdesk_core::model::{AppInfo, AppStart, MailClientConfig, SignedInStart};
use cowdesk_core::session::Core;
use cowdesk_core::start::system_language;
use tauri::{AppHandle, Runtime, State};

use super::input::AnyAccountId;
use super::CmdResult;
use crate::AppState;

/// The UI has painted its first screen: show the window, then start network sync.
#[tauri::command]
pub fn ui_ready<R: Runtime>(app: AppHandle<R>) {
    crate::window::first_paint(&app);
}

/// Quits and starts cowdesk again: what a cache found damaged needs, since a new start
/// sets the file aside. The window comes back shown, also when this run began hidden.
#[tauri::command]
pub fn restart_app<R: Runtime>(app: AppHandle<R>) {
    crate::window::restart(&app);
}

core_commands! {
    set_language(language: String) -> () = |core| core.set_language(&language);

    /// How mail programs reach the mailboxes of `account_id` (a portal account or a
    /// mailcow connection): the hosted mailcow, or a Managed mailcow's own server.
    mail_client_config(account_id: AnyAccountId) -> MailClientConfig
        = |core| core.mail_client_config(account_id.get());

    /// Everything the first screen needs, in one answer: the language, the stored sign-in
    /// (restored without network, or the demo's), the mailcow connections and, signed
    /// in, the accounts, the one shown last and its dashboard.
    app_start() -> AppStart = |own, app| start(own, app.state::<AppState>());
}

async fn start(own: Arc<Core>, state: State<'_, AppState>) -> CmdResult<AppStart> {
    // Said of the user's own cache, before `--demo` puts the demo's core in its place.
    let damaged_cache = own.damaged_cache().map(|p| p.display().to_string());
    drop(own);
    // First the sign-in: with `--demo` it replaces the core the rest is read from.
    let login = state.resume().await?;
    let core = state.core().await;
    let info = AppInfo {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        system_locale: system_language().to_owned(),
        language: core.language().await?,
    };
    let signed_in = match login {
        Some(_) => core.signed_in_start().await?,
        None => SignedInStart::default(),
    };
    let connections = core.connections().await?;
    crate::start_milestone("app_start answered");
    Ok(AppStart {
        info,
        login,
        connections,
        damaged_cache,
        signed_in,
    })
}
