//! The notification centre, alert and desktop settings, and where a clicked notification
//! leads.

use cowdesk_core::model::{
    Alert, AlertCounts, AlertSettings, DesktopSettings, ErrorKind, Navigation, SyncSchedule,
};
use tauri::{AppHandle, Emitter, Runtime, State};

use super::error::{from_core, invalid_input};
use super::{input, CmdResult};
use crate::{autostart, background, AppState};

#[tauri::command]
pub async fn list_alerts(state: State<'_, AppState>) -> CmdResult<Vec<Alert>> {
    state.core().await.alerts().await.map_err(|e| from_core(&e))
}

#[tauri::command]
pub async fn alert_counts(state: State<'_, AppState>) -> CmdResult<AlertCounts> {
    state
        .core()
        .await
        .alert_counts()
        .await
        .map_err(|e| from_core(&e))
}

#[tauri::command]
pub async fn mark_alert_read<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: i64,
) -> CmdResult<()> {
    if id <= 0 {
        return Err(invalid_input(
            "id",
            "This alert does not exist.",
            "Diesen Hinweis gibt es nicht.",
        ));
    }
    state
        .core()
        .await
        .mark_alert_read(id)
        .await
        .map_err(|e| from_core(&e))?;
    background::refresh_counts(&app).await;
    Ok(())
}

/// Marks every alert read, or those of one account.
#[tauri::command]
pub async fn mark_all_alerts_read<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    account_id: Option<String>,
) -> CmdResult<()> {
    let account_id = account_id.as_deref().map(input::account_id).transpose()?;
    state
        .core()
        .await
        .mark_all_alerts_read(account_id)
        .await
        .map_err(|e| from_core(&e))?;
    background::refresh_counts(&app).await;
    Ok(())
}

#[tauri::command]
pub async fn get_alert_settings(state: State<'_, AppState>) -> CmdResult<AlertSettings> {
    state
        .core()
        .await
        .alert_settings()
        .await
        .map_err(|e| from_core(&e))
}

/// Validated in the core; a new interval applies to the wait under way.
#[tauri::command]
pub async fn set_alert_settings<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    settings: AlertSettings,
) -> CmdResult<AlertSettings> {
    let saved = state
        .core()
        .await
        .set_alert_settings(settings)
        .await
        .map_err(|e| from_core(&e))?;
    let minutes = u64::from(saved.sync_interval_minutes);
    state
        .scheduler()
        .set_interval(std::time::Duration::from_secs(minutes * 60));
    let _ = app.emit(background::EVENT_SCHEDULE, state.scheduler().status());
    Ok(saved)
}

/// Where the last clicked notification leads, once.
#[tauri::command]
pub fn take_navigation(state: State<'_, AppState>) -> Option<Navigation> {
    state.take_navigation()
}

#[tauri::command]
pub fn get_desktop_settings<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> DesktopSettings {
    desktop_settings(&app, &state)
}

#[tauri::command]
pub fn set_start_at_login<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    enabled: bool,
) -> CmdResult<DesktopSettings> {
    autostart::set_enabled(&app, enabled).map_err(|detail| {
        tracing::warn!("start at login not changed: {detail}");
        cowdesk_core::model::ErrorInfo {
            kind: ErrorKind::Internal,
            message: "Start at login could not be changed on this system.".into(),
            message_de: "Der Start bei der Anmeldung ließ sich auf diesem System nicht ändern."
                .into(),
            fields: Default::default(),
            fields_de: Default::default(),
            server_words: false,
        }
    })?;
    Ok(desktop_settings(&app, &state))
}

#[tauri::command]
pub async fn set_keep_running<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    enabled: bool,
) -> CmdResult<DesktopSettings> {
    state.set_keep_running(enabled).await?;
    Ok(desktop_settings(&app, &state))
}

fn desktop_settings<R: Runtime>(app: &AppHandle<R>, state: &AppState) -> DesktopSettings {
    DesktopSettings {
        start_at_login: autostart::is_enabled(app).unwrap_or(false),
        keep_running: state.keep_running(),
        tray_available: state.tray_available(),
    }
}

/// Demo only: makes something happen on the demo's portal, then syncs, so the alerts
/// can be seen arriving.
#[tauri::command]
pub async fn demo_event<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    kind: String,
) -> CmdResult<()> {
    let Some(sandbox) = state.demo_sandbox().await else {
        return Err(invalid_input(
            "kind",
            "This works in the demo only.",
            "Das geht nur in der Demo.",
        ));
    };
    let core = state.core().await;
    let own = core
        .accounts()
        .await
        .map_err(|e| from_core(&e))?
        .into_iter()
        .find(|a| a.account.is_own)
        .map(|a| a.account.id);
    let Some(own) = own else {
        return Err(invalid_input(
            "kind",
            "The demo has no account yet.",
            "Die Demo hat noch kein Konto.",
        ));
    };
    let happened = match kind.as_str() {
        "reminder" => sandbox.send_payment_reminder(&own, None).is_some(),
        "suspension" => {
            let number = sandbox
                .with_account(&own, |d| {
                    d.invoices
                        .iter()
                        .find(|i| i.dunning_level > 0)
                        .map(|i| i.number.clone())
                })
                .flatten()
                .unwrap_or_default();
            sandbox.suspend_service(&own, None, &number).is_some()
        }
        "reactivation" => sandbox.reactivate_service(&own, None).is_some(),
        _ => {
            return Err(invalid_input(
                "kind",
                "Unknown demo event.",
                "Unbekanntes Demo-Ereignis.",
            ))
        }
    };
    if !happened {
        return Err(invalid_input(
            "kind",
            "Nothing left in the demo for that; start the demo again to reset it.",
            "Dafür ist in der Demo nichts mehr übrig; starten Sie die Demo neu.",
        ));
    }
    background::request_sync(&app);
    Ok(())
}

/// When the background sync runs next, and why it waits.
#[tauri::command]
pub fn sync_schedule(state: State<'_, AppState>) -> SyncSchedule {
    state.scheduler().status()
}
