//! The system's file dialogs, opened from Rust (the window has no dialog permission),
//! parented to the main window.
//!
//! Test seams (debug builds only, test_hooks.rs): a folder given by the end-to-end test
//! replaces the save and folder dialogs, a file the open dialog (a native GTK dialog
//! cannot be driven through WebDriver); they are read only where a dialog would open.

use std::path::PathBuf;

use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_dialog::{DialogExt, FileDialogBuilder, FilePath};

use crate::commands::error::internal;
use crate::commands::CmdResult;

fn dialog<R: Runtime>(app: &AppHandle<R>, start_in: Option<PathBuf>) -> FileDialogBuilder<R> {
    let mut dialog = app.dialog().file();
    if let Some(window) = app.get_webview_window("main") {
        dialog = dialog.set_parent(&window);
    }
    if let Some(dir) = start_in {
        dialog = dialog.set_directory(dir);
    }
    dialog
}

/// Runs a blocking dialog off the async threads; `None` when it was cancelled.
async fn answer(
    run: impl FnOnce() -> Option<FilePath> + Send + 'static,
) -> CmdResult<Option<PathBuf>> {
    let chosen = tauri::async_runtime::spawn_blocking(run)
        .await
        .map_err(|e| internal(&e.to_string()))?;
    Ok(chosen.and_then(|p| p.into_path().ok()))
}

/// The save dialog (or the test seam's folder) for a file of the kind `filter` names,
/// starting in Downloads.
pub async fn choose_save_path_for<R: Runtime>(
    app: &AppHandle<R>,
    file_name: &str,
    filter: &str,
    extensions: &[&str],
) -> CmdResult<Option<PathBuf>> {
    if let Some(dir) = crate::test_hooks::save_dir() {
        return Ok(Some(dir.join(file_name)));
    }
    let dialog = dialog(app, dirs::download_dir())
        .set_file_name(file_name)
        .add_filter(filter, extensions);
    answer(move || dialog.blocking_save_file()).await
}

/// The folder dialog (or the test seam's folder), starting in Documents.
pub async fn choose_folder<R: Runtime>(app: &AppHandle<R>) -> CmdResult<Option<PathBuf>> {
    if let Some(dir) = crate::test_hooks::save_dir() {
        return Ok(Some(dir));
    }
    let dialog = dialog(app, dirs::document_dir());
    answer(move || dialog.blocking_pick_folder()).await
}

/// The open dialog (or the test seam's file) for a file of the kind `filter` names,
/// starting in `start_in` or where the dialog last was.
pub async fn choose_file<R: Runtime>(
    app: &AppHandle<R>,
    filter: &str,
    extensions: &[&str],
    start_in: Option<PathBuf>,
) -> CmdResult<Option<PathBuf>> {
    if let Some(file) = crate::test_hooks::open_file() {
        return Ok(Some(file));
    }
    let dialog = dialog(app, start_in).add_filter(filter, extensions);
    answer(move || dialog.blocking_pick_file()).await
}
