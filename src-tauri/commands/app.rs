//! App-level commands: the first screen's data, language, first paint, the mail client
//! table.

use cowdesk_core::model::{AppInfo, AppStart, MailClientConfig, SignedInStart};
use cowdesk_core::session::Core;
use tauri::{AppHandle, Runtime, State};

use super::accounts::signed_in;
use super::{input, CmdResult};
use crate::AppState;

const LANGUAGE: &str = "language";

async fn info_of(core: &Core) -> CmdResult<AppInfo> {
    let language = core
        .setting(LANGUAGE)
        .await?
        .unwrap_or_else(|| "system".to_owned());
    Ok(AppInfo {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        system_locale: system_language(sys_locale::get_locale().as_deref()).to_owned(),
        language,
    })
}

/// Everything the first screen needs, in one answer: the language, the stored sign-in
/// (restored without network, or the demo's), the mailcow connections and, signed in,
/// the accounts, the one shown last and its dashboard.
#[tauri::command]
pub async fn app_start(state: State<'_, AppState>) -> CmdResult<AppStart> {
    // First the sign-in: with `--demo` it replaces the core the rest is read from.
    let login = state.resume().await?;
    let core = state.core().await;
    let info = info_of(&core).await?;
    let connections = core.connections().await?;
    let signed_in = match login {
        Some(_) => signed_in(&core).await?,
        None => SignedInStart::default(),
    };
    crate::start_milestone("app_start answered");
    Ok(AppStart {
        info,
        login,
        connections,
        signed_in,
    })
}

#[tauri::command]
pub async fn set_language(state: State<'_, AppState>, language: String) -> CmdResult<()> {
    let language = cowdesk_core::validate::signin::language(&language)?;
    Ok(state.core().await.set_setting(LANGUAGE, language).await?)
}

/// The UI has painted its first screen: show the window, then start network sync.
#[tauri::command]
pub fn ui_ready<R: Runtime>(app: AppHandle<R>) {
    crate::window::first_paint(&app);
}

/// How mail programs reach the mailboxes of `account_id` (a portal account or a mailcow
/// connection): the hosted mailcow, or a Managed mailcow's own server.
#[tauri::command]
pub async fn mail_client_config(
    state: State<'_, AppState>,
    account_id: Option<String>,
) -> CmdResult<MailClientConfig> {
    let account_id = account_id.as_deref().map(input::account_id).transpose()?;
    Ok(state.core().await.mail_client_config(account_id).await?)
}

/// German for any German locale (de-DE, de-AT, de-CH), English otherwise.
fn system_language(locale: Option<&str>) -> &'static str {
    match locale {
        Some(l) if l.to_ascii_lowercase().starts_with("de") => "de",
        _ => "en",
    }
}

#[cfg(test)]
mod tests {
    use super::system_language;

    #[test]
    fn german_locales_map_to_german() {
        assert_eq!(system_language(Some("de-DE")), "de");
        assert_eq!(system_language(Some("de_AT.UTF-8")), "de");
        assert_eq!(system_language(Some("en-US")), "en");
        assert_eq!(system_language(Some("fr-FR")), "en");
        assert_eq!(system_language(None), "en");
    }
}
