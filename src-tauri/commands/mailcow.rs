//! The mailcow connections' mailboxes and aliases: reads from the cache, and changes that
//! go to the server first (the core re-reads the connection once the server confirmed).

use cowdesk_core::connections::{AliasInput, ImportDesk, ImportOptions, MailboxInput};
use cowdesk_core::mailcow::MailboxChange;
use cowdesk_core::model::{
    ImportProgress, ImportReport, MailcowAliasEntry, MailcowChangeOutcome, MailcowDomainEntry,
};
use tauri::{AppHandle, Emitter, Manager, Runtime, State};

use super::error::internal;
use super::{input, CmdResult};
use crate::dialogs::{choose_file, choose_save_path_for};
use crate::AppState;

fn connection(value: Option<&str>) -> CmdResult<Option<&str>> {
    value.map(input::connection_id).transpose()
}

/// The window sends an empty password for "generate one".
fn typed(password: Option<String>) -> Option<String> {
    password.filter(|p| !p.is_empty())
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

// The address, name, quota, password and alias rules are core's (mailcow::rules),
// checked there before anything is sent, for the window and the command line alike.

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
    let password = typed(password);
    let mailbox = MailboxInput {
        address,
        name,
        quota_mib,
        password,
        active,
    };
    let core = state.core().await;
    Ok(core.mailcow_add_mailbox(connection_id, mailbox).await?)
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
    let change = MailboxChange {
        name,
        quota_mib,
        active,
    };
    let core = state.core().await;
    Ok(core
        .mailcow_edit_mailbox(connection_id, &address, change)
        .await?)
}

#[tauri::command]
pub async fn mailcow_delete_mailbox(
    state: State<'_, AppState>,
    connection_id: Option<String>,
    address: String,
) -> CmdResult<MailcowChangeOutcome> {
    let connection_id = connection(connection_id.as_deref())?;
    let core = state.core().await;
    Ok(core.mailcow_delete_mailbox(connection_id, &address).await?)
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
    let alias = AliasInput {
        address,
        targets,
        active: true,
    };
    let core = state.core().await;
    Ok(core.mailcow_add_alias(connection_id, alias).await?)
}

#[tauri::command]
pub async fn mailcow_delete_alias(
    state: State<'_, AppState>,
    connection_id: Option<String>,
    address: String,
) -> CmdResult<MailcowChangeOutcome> {
    let connection_id = connection(connection_id.as_deref())?;
    let core = state.core().await;
    Ok(core.mailcow_delete_alias(connection_id, &address).await?)
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
    let core = state.core().await;
    Ok(core
        .mailcow_set_mailbox_password(connection_id, &address, typed(password))
        .await?)
}

/// The import's state between its steps (core's `ImportDesk`), registered the first
/// time a command needs it (kept in this module, so the app's builder does not have to
/// know it). The window has no file-system or dialog permission: the files are chosen
/// here, in Rust (docs/MAILCOW-CSV.md).
fn import_desk<R: Runtime>(app: &AppHandle<R>) -> State<'_, ImportDesk> {
    app.manage(ImportDesk::default());
    app.state::<ImportDesk>()
}

pub const EVENT_IMPORT_PROGRESS: &str = "mailcow-import-progress";

/// Opens the system's file dialog for a provisioning CSV file; the file is kept here for the dry run and the import. Answers with its
/// path, to be shown, or `None` when the dialog was cancelled.
#[tauri::command]
pub async fn mailcow_import_choose_file<R: Runtime>(
    app: AppHandle<R>,
) -> CmdResult<Option<String>> {
    let path = choose_file(&app, "CSV", &["csv", "txt"], dirs::document_dir()).await?;
    let Some(path) = path else {
        return Ok(None);
    };
    let shown = path.display().to_string();
    import_desk(&app).choose_file(path);
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
    import_desk(&app).choose_passwords_file(path);
    Ok(Some(shown))
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
    let desk = import_desk(&app);
    let run = desk.start(dry_run, passwords_to_file)?;
    let (file, passwords_out, cancel) = (
        run.file.clone(),
        run.passwords_out.clone(),
        run.cancel.clone(),
    );
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
    drop(run);
    result.map_err(|e| internal(&e.to_string()))?
}

/// Stops the running import after the row it is sending; what was created stays.
#[tauri::command]
pub fn mailcow_import_cancel<R: Runtime>(app: AppHandle<R>) -> bool {
    import_desk(&app).cancel()
}
