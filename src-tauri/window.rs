//! The main window appears when the UI has painted real content, not as a blank frame.

use std::time::Duration;

use tauri::{AppHandle, Manager, Runtime};

use crate::commands::sync;
use crate::AppState;

const MAIN: &str = "main";
/// If the page never reports its first paint (a broken build, say), show the window anyway
/// so the user sees what is wrong instead of nothing.
const SHOW_AT_THE_LATEST: Duration = Duration::from_secs(5);

pub fn show_when_painted<R: Runtime>(app: &AppHandle<R>) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(SHOW_AT_THE_LATEST).await;
        show(&app);
    });
}

/// Called once the UI has painted: show the window, then start the first network sync.
pub fn first_paint<R: Runtime>(app: &AppHandle<R>) {
    show(app);
    if app.state::<AppState>().mark_first_paint() {
        sync::spawn_background(app.clone());
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
