//! The notification centre, alert and desktop settings, and where a clicked notification
//! leads.

use cowdesk_core::error::CoreError;
use cowdesk_core::model::{
    Alert, AlertCounts, AlertSettings, DesktopSettings, Navigation, SyncSchedule,
};
use tauri::{AppHandle, Emitter, Runtime, State};

use super::input::AnyAccountId;
use super::CmdResult;
use crate::{autostart, background, AppState};

core_commands! {
    list_alerts() -> Vec<Alert> = |core| core.alerts();
    alert_counts() -> AlertCounts = |core| core.alert_counts();
    get_alert_settings() -> AlertSettings = |core| core.alert_settings();
}

#[tauri::command]
pub async fn mark_alert_read<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: i64,
) -> CmdResult<()> {
    state.core().await.mark_alert_read(id).await?;
    background::refresh_counts(&app).await;
    Ok(())
}

/// Marks every alert read, or those of one account.
#[tauri::command]
pub async fn mark_all_alerts_read<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    account_id: AnyAccountId,
) -> CmdResult<()> {
    let core = state.core().await;
    core.mark_all_alerts_read(account_id.get()).await?;
    background::refresh_counts(&app).await;
    Ok(())
}

/// Validated in the core; a new interval applies to the wait under way.
#[tauri::command]
pub async fn set_alert_settings<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    settings: AlertSettings,
) -> CmdResult<AlertSettings> {
    let saved = state.core().await.set_alert_settings(settings).await?;
    let minutes = u64::from(saved.sync_interval_minutes);
    let scheduler = state.scheduler();
    scheduler.set_interval(std::time::Duration::from_secs(minutes * 60));
    let _ = app.emit(background::EVENT_SCHEDULE, scheduler.status());
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
        CoreError::desktop(
            "Start at login could not be changed on this system.",
            "Der Start bei der Anmeldung ließ sich auf diesem System nicht ändern.",
        )
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
    state.active().demo_event(&kind).await?;
    background::request_sync(&app);
    Ok(())
}

/// When the background sync runs next, and why it waits.
#[tauri::command]
pub fn sync_schedule(state: State<'_, AppState>) -> SyncSchedule {
    state.scheduler().status()
}
