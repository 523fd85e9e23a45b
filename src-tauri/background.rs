//! The background loop: syncs on the schedule (start, interval, on demand, network regain,
//! with backoff), then shows pending alerts as desktop notifications and keeps the tray
//! and the window's counts current.

use std::sync::Arc;

use chrono::Local;
use cowdesk_core::model::{Navigation, SyncOutcome};
use cowdesk_core::notify::DesktopNotifier;
use cowdesk_core::schedule::{Verdict, Wake};
use tauri::{AppHandle, Emitter, Manager, Runtime};

use crate::commands::sync::sync_and_report;
use crate::{tray, window, AppState};

pub const EVENT_ALERTS_CHANGED: &str = "alerts-changed";
pub const EVENT_SCHEDULE: &str = "sync-schedule";
/// A notification was clicked: the window asks `take_navigation` where to go.
pub const EVENT_NAVIGATE: &str = "navigate-requested";

/// The desktop notifier of this run; a click opens the alert's item in the window.
pub struct Notifications(pub DesktopNotifier);

pub fn start<R: Runtime>(app: &AppHandle<R>) {
    let clicked = app.clone();
    let on_click = Arc::new(move |navigation: Navigation| open_navigation(&clicked, navigation));
    app.manage(Notifications(DesktopNotifier::new(
        "cowdesk",
        Some(on_click),
    )));
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let state = app.state::<AppState>();
        let scheduler = state.scheduler();
        // Visible, the first sync waits for the first paint; hidden, nothing paints.
        if state.start_hidden() {
            scheduler.request_now();
        }
        loop {
            let server = state.core().await.login_info().map(|l| l.server);
            match scheduler.next(server.as_deref()).await {
                Wake::Tick => {
                    // Quiet hours may have ended; the counts change only if something went out.
                    if deliver(&app).await {
                        refresh_counts(&app).await;
                    }
                }
                Wake::Due | Wake::OnDemand | Wake::NetworkRegained => {
                    // Reports, delivers and reschedules itself.
                    let _ = sync_and_report(&app).await;
                }
            }
        }
    });
}

/// Shows the window at the alert's item.
pub fn open_navigation<R: Runtime>(app: &AppHandle<R>, navigation: Navigation) {
    app.state::<AppState>().set_navigation(navigation);
    window::show_and_focus(app);
    let _ = app.emit(EVENT_NAVIGATE, ());
}

/// After every sync, whoever started it: plan the next one, then notify.
pub async fn after_sync<R: Runtime>(
    app: &AppHandle<R>,
    result: &Result<Vec<SyncOutcome>, cowdesk_core::model::ErrorInfo>,
) {
    let state = app.state::<AppState>();
    state.scheduler().finished(Verdict::of(result));
    let _ = app.emit(EVENT_SCHEDULE, state.scheduler().status());
    deliver(app).await;
    refresh_counts(app).await;
}

/// Shows pending alerts unless quiet hours hold them; true when any alert's delivery
/// changed.
pub async fn deliver<R: Runtime>(app: &AppHandle<R>) -> bool {
    let state = app.state::<AppState>();
    let core = state.core().await;
    let lang = core.notification_language().await;
    let notifier = &app.state::<Notifications>().0;
    match core
        .deliver_alerts(notifier, lang, Local::now().time())
        .await
    {
        Ok(report) => {
            if report.held > 0 {
                tracing::debug!(held = report.held, "quiet hours: notifications held");
            }
            report.shown + report.suppressed + report.failed > 0
        }
        Err(err) => {
            tracing::warn!(kind = ?err.kind(), "alerts not delivered");
            false
        }
    }
}

/// Sends the unread/unresolved counts to the window and the tray.
pub async fn refresh_counts<R: Runtime>(app: &AppHandle<R>) {
    let core = app.state::<AppState>().core().await;
    let Ok(counts) = core.alert_counts().await else {
        return;
    };
    let _ = app.emit(EVENT_ALERTS_CHANGED, counts);
    tray::update(app, counts, core.notification_language().await);
}

/// Asks the loop for a sync now (sign-in, first paint, tray, network).
pub fn request_sync<R: Runtime>(app: &AppHandle<R>) {
    app.state::<AppState>().scheduler().request_now();
}
