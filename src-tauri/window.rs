//! The main window appears when the UI has painted real content, not as a blank frame.
//! Started at login (`--hidden`) it stays closed until asked for; with a tray, closing it
//! keeps cowdesk running, syncing and notifying.

use std::time::Duration;

use tauri::{AppHandle, Manager, Runtime, Window, WindowEvent};

use crate::{background, tray, AppState};

const MAIN: &str = "main";
/// If the page never reports its first paint (a broken build, say), show the window anyway
/// so the user sees what is wrong instead of nothing; and the tray icon, should the
/// window never have had the focus, comes then at the latest.
const SHOW_AT_THE_LATEST: Duration = Duration::from_secs(5);

pub fn show_when_painted<R: Runtime>(app: &AppHandle<R>) {
    if app.state::<AppState>().start_hidden() {
        return;
    }
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(SHOW_AT_THE_LATEST).await;
        show(&app);
        tray::create_once(&app);
    });
}

/// Called once the UI has painted: show the window, then start the first network sync.
pub fn first_paint<R: Runtime>(app: &AppHandle<R>) {
    let state = app.state::<AppState>();
    if !state.start_hidden() {
        show(app);
        crate::start_milestone("shown");
    }
    if state.mark_first_paint() {
        background::request_sync(app);
    }
}

/// Brings the window to the front: a second launch, the tray, a clicked notification.
pub fn show_and_focus<R: Runtime>(app: &AppHandle<R>) {
    if let Some(window) = app.get_webview_window(MAIN) {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

/// Closing the window hides it while cowdesk may keep running in the tray. The tray
/// icon comes when the window first has the focus, so after it is on screen: made
/// earlier, its set-up (about 12 ms of the main thread) held up the window's showing.
pub fn on_window_event<R: Runtime>(window: &Window<R>, event: &WindowEvent) {
    match event {
        WindowEvent::CloseRequested { api, .. }
            if window.label() == MAIN && window.state::<AppState>().keep_running() =>
        {
            api.prevent_close();
            let _ = window.hide();
        }
        WindowEvent::Focused(true) => tray::create_once(window.app_handle()),
        _ => {}
    }
}

fn show<R: Runtime>(app: &AppHandle<R>) {
    if let Some(window) = app.get_webview_window(MAIN) {
        if !window.is_visible().unwrap_or(false) {
            let _ = window.show();
            let _ = window.set_focus();
        }
    }
}

/// Quits and starts the window again, with this run's arguments but `--hidden`: the user
/// asked from the window, so it comes back where they can see it. As in Tauri's own
/// restart, the clean-up (the single-instance name, the tray) runs on the main thread
/// before the new process starts, so that it does not find this one still there.
pub fn restart<R: Runtime>(app: &AppHandle<R>) {
    let mut env = app.env();
    env.args_os.retain(|arg| arg != "--hidden");
    let handle = app.clone();
    let _ = app.run_on_main_thread(move || {
        handle.cleanup_before_exit();
        tauri::process::restart(&env);
    });
}
