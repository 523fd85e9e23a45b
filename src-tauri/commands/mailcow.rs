//! The mailcow connections' mailboxes and aliases: reads from the cache, and changes that
//! go to the server first (the core re-reads the connection once the server confirmed).

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use cowdesk_core::connections::{AliasInput, ImportOptions, MailboxInput};
use cowdesk_core::mailcow::MailboxChange;
use cowdesk_core::model::{
    ImportProgress, ImportReport, MailboxEntry, MailcowAliasEntry, MailcowChangeOutcome,
    MailcowDomainEntry,
};
use tauri::{AppHandle, Emitter, Manager, Runtime, State};
use tauri_plugin_dialog::DialogExt;

use super::error::{internal, invalid_input};
use super::{input, CmdResult};
use crate::dialogs::choose_save_path_for;
use crate::AppState;

const MAX_NAME: usize = 255;

fn address(value: &str) -> CmdResult<&str> {
    let value = value.trim();
    if value.is_empty() || value.len() > 254 || !value.contains('@') {
        return Err(invalid_input(
            "address",
            "Enter the full address, e.g. anna@example.com.",
            "Geben Sie die vollständige Adresse ein, z. B. anna@example.com.",
        ));
    }
    Ok(value)
}

fn name(value: &str) -> CmdResult<&str> {
    if value.len() > MAX_NAME {
        return Err(invalid_input(
            "name",
            "This name is too long.",
            "Dieser Name ist zu lang.",
        ));
    }
    Ok(value)
}

fn connection(value: Option<&str>) -> CmdResult<Option<&str>> {
    value.map(input::connection_id).transpose()
}

/// Every mailbox of the profile (portal preview and mailcows), one row per address,
/// with where it comes from.
#[tauri::command]
pub async fn mailbox_entries(
    state: State<'_, AppState>,
    domain: Option<String>,
) -> CmdResult<Vec<MailboxEntry>> {
    let core = state.core().await;
    core.mailbox_entries(domain.as_deref())
        .await
        .map_err(Into::into)
}

#[tauri::command]
pub async fn mailcow_domains(state: State<'_, AppState>) -> CmdResult<Vec<MailcowDomainEntry>> {
    let core = state.core().await;
    core.mailcow_domains().await.map_err(Into::into)
}

#[tauri::command]
pub async fn mailcow_aliases(
    state: State<'_, AppState>,
    domain: Option<String>,
) -> CmdResult<Vec<MailcowAliasEntry>> {
    let core = state.core().await;
    core.mailcow_aliases(domain.as_deref())
        .await
        .map_err(Into::into)
}

/// Adds a mailbox; without a password the outcome carries a generated one, shown once.
#[tauri::command]
#[allow(clippy::too_many_arguments)]
pub async fn mailcow_add_mailbox(
    state: State<'_, AppState>,
    connection_id: Option<String>,
    address: String,
    name: String,
    quota_mib: u64,
    password: Option<String>,
    active: bool,
) -> CmdResult<MailcowChangeOutcome> {
    let connection_id = connection(connection_id.as_deref())?;
    let address = self::address(&address)?.to_owned();
    let name = self::name(&name)?.to_owned();
    let password = match password.filter(|p| !p.is_empty()) {
        Some(p) => Some(input::password(&p)?.to_owned()),
        None => None,
    };
    let core = state.core().await;
    core.mailcow_add_mailbox(
        connection_id,
        MailboxInput {
            address,
            name,
            quota_mib,
            password,
            active,
        },
    )
    .await
    .map_err(Into::into)
}

/// Changes a mailbox's name, quota (MiB) or state; what is `None` stays as it is.
#[tauri::command]
pub async fn mailcow_edit_mailbox(
    state: State<'_, AppState>,
    connection_id: Option<String>,
    address: String,
    name: Option<String>,
    quota_mib: Option<u64>,
    active: Option<bool>,
) -> CmdResult<MailcowChangeOutcome> {
    let connection_id = connection(connection_id.as_deref())?;
    let address = self::address(&address)?;
    let name = name
        .as_deref()
        .map(self::name)
        .transpose()?
        .map(str::to_owned);
    let change = MailboxChange {
        name,
        quota_mib,
        active,
    };
    if change.is_empty() {
        return Err(invalid_input(
            "name",
            "Nothing to change.",
            "Es gibt nichts zu ändern.",
        ));
    }
    let core = state.core().await;
    core.mailcow_edit_mailbox(connection_id, address, change)
        .await
        .map_err(Into::into)
}

#[tauri::command]
pub async fn mailcow_delete_mailbox(
    state: State<'_, AppState>,
    connection_id: Option<String>,
    address: String,
) -> CmdResult<MailcowChangeOutcome> {
    let connection_id = connection(connection_id.as_deref())?;
    let address = self::address(&address)?;
    let core = state.core().await;
    core.mailcow_delete_mailbox(connection_id, address)
        .await
        .map_err(Into::into)
}

/// Adds an alias forwarding to the given addresses.
#[tauri::command]
pub async fn mailcow_add_alias(
    state: State<'_, AppState>,
    connection_id: Option<String>,
    address: String,
    targets: Vec<String>,
) -> CmdResult<MailcowChangeOutcome> {
    let connection_id = connection(connection_id.as_deref())?;
    let address = self::address(&address)?.to_owned();
    let targets: Vec<String> = targets
        .iter()
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
        .collect();
    if targets.is_empty() || targets.len() > 1000 {
        return Err(invalid_input(
            "targets",
            "Enter at least one address the alias forwards to.",
            "Geben Sie mindestens eine Adresse ein, an die der Alias weiterleitet.",
        ));
    }
    let core = state.core().await;
    core.mailcow_add_alias(
        connection_id,
        AliasInput {
            address,
            targets,
            active: true,
        },
    )
    .await
    .map_err(Into::into)
}

#[tauri::command]
pub async fn mailcow_delete_alias(
    state: State<'_, AppState>,
    connection_id: Option<String>,
    address: String,
) -> CmdResult<MailcowChangeOutcome> {
    let connection_id = connection(connection_id.as_deref())?;
    let address = self::address(&address)?;
    let core = state.core().await;
    core.mailcow_delete_alias(connection_id, address)
        .await
        .map_err(Into::into)
}

/// Sets a mailbox's password: the typed one, or (`None`) one generated and shown once.
/// Nothing changes in the cache until the server said success; then it is read again.
#[tauri::command]
pub async fn mailcow_set_mailbox_password(
    state: State<'_, AppState>,
    connection_id: Option<String>,
    address: String,
    password: Option<String>,
) -> CmdResult<MailcowChangeOutcome> {
    let connection_id = connection(connection_id.as_deref())?;
    let address = self::address(&address)?;
    let password = match password.filter(|p| !p.is_empty()) {
        Some(p) => Some(input::password(&p)?.to_owned()),
        None => None,
    };
    let core = state.core().await;
    core.mailcow_set_mailbox_password(connection_id, address, password)
        .await
        .map_err(Into::into)
}

/// The window's CSV import (docs/MAILCOW-CSV.md): the file and the passwords file are
/// chosen here, in Rust (the window has no file-system or dialog permission), and kept
/// here, so the window can only name "the file chosen", never a path.
#[derive(Default)]
pub struct ImportRun {
    chosen: Mutex<ImportChoice>,
    /// The running import's cancel flag; a new one per run.
    cancel: Mutex<Option<Arc<AtomicBool>>>,
}

#[derive(Default)]
struct ImportChoice {
    file: Option<PathBuf>,
    passwords_out: Option<PathBuf>,
}

impl ImportRun {
    fn chosen(&self) -> std::sync::MutexGuard<'_, ImportChoice> {
        self.chosen.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn cancel_flag(&self) -> std::sync::MutexGuard<'_, Option<Arc<AtomicBool>>> {
        self.cancel.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The import's state, registered the first time a command needs it (kept in this
/// module, so the app's builder does not have to know it).
fn import_run<R: Runtime>(app: &AppHandle<R>) -> State<'_, ImportRun> {
    app.manage(ImportRun::default());
    app.state::<ImportRun>()
}

pub const EVENT_IMPORT_PROGRESS: &str = "mailcow-import-progress";

/// Opens the system's file dialog for a provisioning CSV file (the test seam's file in
/// debug builds); the file is kept here for the dry run and the import. Answers with its
/// path, to be shown, or `None` when the dialog was cancelled.
#[tauri::command]
pub async fn mailcow_import_choose_file<R: Runtime>(
    app: AppHandle<R>,
) -> CmdResult<Option<String>> {
    let path = match crate::test_hooks::open_file() {
        Some(path) => Some(path),
        None => {
            let mut dialog = app.dialog().file().add_filter("CSV", &["csv", "txt"]);
            if let Some(window) = app.get_webview_window("main") {
                dialog = dialog.set_parent(&window);
            }
            if let Some(documents) = dirs::document_dir() {
                dialog = dialog.set_directory(documents);
            }
            tauri::async_runtime::spawn_blocking(move || dialog.blocking_pick_file())
                .await
                .map_err(|e| internal(&e.to_string()))?
                .and_then(|p| p.into_path().ok())
        }
    };
    let Some(path) = path else {
        return Ok(None);
    };
    let shown = path.display().to_string();
    import_run(&app).chosen().file = Some(path);
    Ok(Some(shown))
}

/// The save dialog for the generated passwords (`address,password`, written mode 0600 by
/// the core); `None` when cancelled.
#[tauri::command]
pub async fn mailcow_import_choose_passwords_file<R: Runtime>(
    app: AppHandle<R>,
) -> CmdResult<Option<String>> {
    let Some(path) = choose_save_path_for(&app, "mailcow-passwords.csv", "CSV", &["csv"]).await?
    else {
        return Ok(None);
    };
    let shown = path.display().to_string();
    import_run(&app).chosen().passwords_out = Some(path);
    Ok(Some(shown))
}

/// The chosen CSV file, and where generated passwords go (`None`: into the answer).
fn chosen_for_run(
    run: &ImportRun,
    dry_run: bool,
    passwords_to_file: bool,
) -> CmdResult<(PathBuf, Option<PathBuf>)> {
    let mut chosen = run.chosen();
    let Some(file) = chosen.file.clone() else {
        return Err(invalid_input(
            "file",
            "Choose a CSV file first.",
            "Wählen Sie zuerst eine CSV-Datei.",
        ));
    };
    if !passwords_to_file {
        return Ok((file, None));
    }
    // A passwords file serves one import: the core empties it when it starts, so a
    // second run into it would lose the first run's passwords.
    let passwords_out = match dry_run {
        true => chosen.passwords_out.clone(),
        false => chosen.passwords_out.take(),
    };
    match passwords_out {
        Some(path) => Ok((file, Some(path))),
        None => Err(invalid_input(
            "passwords_file",
            "Choose the file for the generated passwords, or show them once instead.",
            "Wählen Sie die Datei für die erzeugten Passwörter oder lassen Sie sie einmal anzeigen.",
        )),
    }
}

/// Plans (`dry_run`) or applies the chosen file through the mailcow, in a task of its own
/// so the window stays responsive; progress after each row arrives as
/// `mailcow-import-progress`, and `mailcow_import_cancel` stops it after the current
/// row. Generated passwords go to the chosen passwords file when `passwords_to_file`,
/// else into the answer, to be shown once.
#[tauri::command]
pub async fn mailcow_import_run<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    connection_id: Option<String>,
    dry_run: bool,
    passwords_to_file: bool,
) -> CmdResult<ImportReport> {
    let connection_id = connection(connection_id.as_deref())?.map(str::to_owned);
    let run = import_run(&app);
    let cancel = Arc::new(AtomicBool::new(false));
    {
        let mut running = run.cancel_flag();
        if running.is_some() {
            return Err(invalid_input(
                "file",
                "An import is running already.",
                "Es läuft bereits ein Import.",
            ));
        }
        *running = Some(cancel.clone());
    }
    let chosen = chosen_for_run(&run, dry_run, passwords_to_file);
    let (file, passwords_out) = match chosen {
        Ok(chosen) => chosen,
        Err(err) => {
            *run.cancel_flag() = None;
            return Err(err);
        }
    };
    let core = state.core().await;
    let emitter = app.clone();
    let task = tauri::async_runtime::spawn(async move {
        let progress = move |p: ImportProgress| {
            let _ = emitter.emit(EVENT_IMPORT_PROGRESS, p);
        };
        core.mailcow_import(
            &file,
            ImportOptions {
                connection: connection_id.as_deref(),
                dry_run,
                passwords_out,
                progress: &progress,
                cancel: &cancel,
            },
        )
        .await
        .map_err(Into::into)
    });
    let result = task.await;
    *run.cancel_flag() = None;
    result.map_err(|e| internal(&e.to_string()))?
}

/// Stops the running import after the row it is sending; what was created stays.
#[tauri::command]
pub fn mailcow_import_cancel<R: Runtime>(app: AppHandle<R>) -> CmdResult<bool> {
    let run = import_run(&app);
    let flag = run.cancel_flag();
    match flag.as_ref() {
        Some(cancel) => {
            cancel.store(true, Ordering::SeqCst);
            Ok(true)
        }
        None => Ok(false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mailcow_import_needs_a_file_and_a_passwords_file_serves_one_run() {
        let run = ImportRun::default();
        let refused = chosen_for_run(&run, true, false).unwrap_err();
        assert!(refused.fields.contains_key("file"));

        run.chosen().file = Some(PathBuf::from("/tmp/rows.csv"));
        let (file, out) = chosen_for_run(&run, true, false).unwrap();
        assert_eq!((file, out), (PathBuf::from("/tmp/rows.csv"), None));
        let refused = chosen_for_run(&run, false, true).unwrap_err();
        assert!(refused.fields.contains_key("passwords_file"));

        run.chosen().passwords_out = Some(PathBuf::from("/tmp/pw.csv"));
        // A dry run leaves the passwords file chosen; the import uses it up.
        assert_eq!(
            chosen_for_run(&run, true, true).unwrap().1,
            Some(PathBuf::from("/tmp/pw.csv"))
        );
        assert_eq!(
            chosen_for_run(&run, false, true).unwrap().1,
            Some(PathBuf::from("/tmp/pw.csv"))
        );
        assert!(chosen_for_run(&run, false, true).is_err());
        assert_eq!(chosen_for_run(&run, false, false).unwrap().1, None);
    }
}
