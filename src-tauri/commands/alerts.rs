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

    mark_alert_read(id: i64) -> () = |core, app| async move {
        core.mark_alert_read(id).await?;
        background::refresh_counts(&app).await;
        Ok::<_, CoreError>(())
    };

    /// Marks every alert read, or those of one account.
    mark_all_alerts_read(account_id: AnyAccountId) -> () = |core, app| async move {
        core.mark_all_alerts_read(account_id.get()).await?;
        background::refresh_counts(&app).await;
        Ok::<_, CoreError>(())
    };

    /// Validated in the core; a new interval applies to the wait under way.
    set_alert_settings(settings: AlertSettings) -> AlertSettings = |core, app| async move {
        let saved = core.set_alert_settings(settings).await?;
        let minutes = u64::from(saved.sync_interval_minutes);
        let scheduler = app.state::<AppState>().scheduler();
        scheduler.set_interval(std::time::Duration::from_secs(minutes * 60));
        let _ = app.emit(background::EVENT_SCHEDULE, scheduler.status());
        Ok::<_, CoreError>(saved)
    };

    set_keep_running(enabled: bool) -> DesktopSettings = |_, app| async move {
        let state = app.state::<AppState>();
        state.set_keep_running(enabled).await?;
        Ok::<_, CoreError>(desktop_settings(&app, &state))
    };

    /// Demo only: makes something happen on the demo's portal, then syncs, so the alerts
    /// can be seen arriving.
    demo_event(kind: String) -> () = |_, app| async move {
        app.state::<AppState>().active().demo_event(&kind).await?;
        background::request_sync(&app);
        Ok::<_, CoreError>(())
    };
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

fn desktop_settings<R: Runtime>(app: &AppHandle<R>, state: &AppState) -> DesktopSettings {
    DesktopSettings {
        start_at_login: autostart::is_enabled(app).unwrap_or(false),
        keep_running: state.keep_running(),
        tray_available: state.tray_available(),
    }
}

/// When the background sync runs next, and why it waits.
#[tauri::command]
pub fn sync_schedule(state: State<'_, AppState>) -> SyncSchedule {
    state.scheduler().status()
}
