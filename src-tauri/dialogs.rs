//! The system's file dialogs (rfd: GTK on Linux), opened from Rust (the window has no
//! dialog permission), parented to the main window. A dialog is made on the main thread,
//! as GTK wants, and waited for on a thread of its own.
//!
//! Test seams (debug builds only, test_hooks.rs): a folder given by the end-to-end test
//! replaces the save and folder dialogs, a file the open dialog (a native GTK dialog
//! cannot be driven by the tests); they are read only where a dialog would open.

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;

use rfd::{AsyncFileDialog, FileHandle};
use tauri::{AppHandle, Manager, Runtime};

use crate::commands::error::internal;
use crate::commands::CmdResult;

type Chosen = Pin<Box<dyn Future<Output = Option<FileHandle>> + Send>>;

/// Shows the dialog `show` makes of one parented to the main window and starting in
/// `start_in`; `None` when it was cancelled.
async fn choose<R: Runtime>(
    app: &AppHandle<R>,
    start_in: Option<PathBuf>,
    show: impl FnOnce(AsyncFileDialog) -> Chosen + Send + 'static,
) -> CmdResult<Option<PathBuf>> {
    let window = app.get_webview_window("main");
    let (answer, chosen) = tokio::sync::oneshot::channel();
    app.run_on_main_thread(move || {
        let mut dialog = AsyncFileDialog::new().set_can_create_directories(true);
        if let Some(window) = &window {
            dialog = dialog.set_parent(window);
        }
        if let Some(dir) = start_in {
            dialog = dialog.set_directory(dir);
        }
        let pending = show(dialog);
        std::thread::spawn(move || {
            let _ = answer.send(tauri::async_runtime::block_on(pending));
        });
    })
    .map_err(|e| internal(&e.to_string()))?;
    let chosen = chosen.await.map_err(|e| internal(&e.to_string()))?;
    Ok(chosen.map(|file| file.path().to_path_buf()))
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
    let (file_name, filter) = (file_name.to_owned(), filter.to_owned());
    let extensions: Vec<String> = extensions.iter().map(|e| e.to_string()).collect();
    choose(app, dirs::download_dir(), move |dialog| {
        let dialog = dialog
            .set_file_name(file_name)
            .add_filter(filter, &extensions);
        Box::pin(dialog.save_file())
    })
    .await
}

/// The folder dialog (or the test seam's folder), starting in Documents.
pub async fn choose_folder<R: Runtime>(app: &AppHandle<R>) -> CmdResult<Option<PathBuf>> {
    if let Some(dir) = crate::test_hooks::save_dir() {
        return Ok(Some(dir));
    }
    choose(app, dirs::document_dir(), |dialog| {
        Box::pin(dialog.pick_folder())
    })
    .await
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
    let filter = filter.to_owned();
    let extensions: Vec<String> = extensions.iter().map(|e| e.to_string()).collect();
    choose(app, start_in, move |dialog| {
        Box::pin(dialog.add_filter(filter, &extensions).pick_file())
    })
    .await
}
