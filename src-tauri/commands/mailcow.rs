//! The mailcow connections' mailboxes and aliases: reads from the cache, and changes that
//! go to the server first (the core re-reads the connection once the server confirmed).

use cowdesk_core::connections::{AliasInput, ImportDesk, MailboxInput};
use cowdesk_core::mailcow::MailboxChange;
use cowdesk_core::model::{
    ErrorInfo, ImportProgress, ImportReport, MailcowAliasEntry, MailcowChangeOutcome,
    MailcowDomainEntry,
};
use tauri::{AppHandle, Emitter, Manager, Runtime, State};

use super::input::ConnectionId;
use crate::dialogs::{choose_file, choose_save_path_for};

/// The window sends an empty password for "generate one".
fn typed(password: Option<String>) -> Option<String> {
    password.filter(|p| !p.is_empty())
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

// The address, name, quota, password and alias rules are core's (mailcow::rules),
// checked there before anything is sent, for the window and the command line alike.
core_commands! {
    mailcow_domains() -> Vec<MailcowDomainEntry> = |core| core.mailcow_domains();

    mailcow_aliases(domain: Option<String>) -> Vec<MailcowAliasEntry>
        = |core| core.mailcow_aliases(domain.as_deref());

    /// Adds a mailbox; without a password the outcome carries a generated one, shown once.
    mailcow_add_mailbox(
        connection_id: ConnectionId,
        address: String,
        name: String,
        quota_mib: u64,
        password: Option<String>,
        active: bool,
    ) -> MailcowChangeOutcome = |core| {
        let password = typed(password);
        let mailbox = MailboxInput { address, name, quota_mib, password, active };
        core.mailcow_add_mailbox(connection_id.get(), mailbox)
    };

    /// Changes a mailbox's name, quota (MiB) or state; what is `None` stays as it is.
    mailcow_edit_mailbox(
        connection_id: ConnectionId,
        address: String,
        name: Option<String>,
        quota_mib: Option<u64>,
        active: Option<bool>,
    ) -> MailcowChangeOutcome = |core| {
        let change = MailboxChange { name, quota_mib, active };
        core.mailcow_edit_mailbox(connection_id.get(), &address, change)
    };

    mailcow_delete_mailbox(connection_id: ConnectionId, address: String) -> MailcowChangeOutcome
        = |core| core.mailcow_delete_mailbox(connection_id.get(), &address);

    /// Adds an alias forwarding to the given addresses.
    mailcow_add_alias(connection_id: ConnectionId, address: String, targets: Vec<String>)
        -> MailcowChangeOutcome = |core| {
            let alias = AliasInput { address, targets, active: true };
            core.mailcow_add_alias(connection_id.get(), alias)
        };

    mailcow_delete_alias(connection_id: ConnectionId, address: String) -> MailcowChangeOutcome
        = |core| core.mailcow_delete_alias(connection_id.get(), &address);

    /// Sets a mailbox's password: the typed one, or (`None`) one generated and shown once.
    /// Nothing changes in the cache until the server said success; then it is read again.
    mailcow_set_mailbox_password(
        connection_id: ConnectionId,
        address: String,
        password: Option<String>,
    ) -> MailcowChangeOutcome = |core| {
        core.mailcow_set_mailbox_password(connection_id.get(), &address, typed(password))
    };

    /// Opens the system's file dialog for a provisioning CSV file; the file is kept here
    /// for the dry run and the import. Answers with its path, to be shown, or `None` when
    /// the dialog was cancelled.
    mailcow_import_choose_file() -> Option<String> = |_, app| async move {
        let path = choose_file(&app, "CSV", &["csv", "txt"], dirs::document_dir()).await?;
        Ok::<_, ErrorInfo>(path.map(|path| {
            let shown = path.display().to_string();
            import_desk(&app).choose_file(path);
            shown
        }))
    };

    /// The save dialog for the generated passwords (`address,password`, written mode 0600
    /// by the core); `None` when cancelled.
    mailcow_import_choose_passwords_file() -> Option<String> = |_, app| async move {
        let path = choose_save_path_for(&app, "mailcow-passwords.csv", "CSV", &["csv"]).await?;
        Ok::<_, ErrorInfo>(path.map(|path| {
            let shown = path.display().to_string();
            import_desk(&app).choose_passwords_file(path);
            shown
        }))
    };

    /// Plans (`dry_run`) or applies the chosen file through the mailcow, in a task of its
    /// own so the window stays responsive; progress after each row arrives as
    /// `mailcow-import-progress`, and `mailcow_import_cancel` stops it after the current
    /// row. Generated passwords go to the chosen passwords file when `passwords_to_file`,
    /// else into the answer, to be shown once.
    mailcow_import_run(connection_id: ConnectionId, dry_run: bool, passwords_to_file: bool)
        -> ImportReport = |core, app| async move {
            let emitter = app.clone();
            let progress = move |p: ImportProgress| {
                let _ = emitter.emit(EVENT_IMPORT_PROGRESS, p);
            };
            let connection = connection_id.get().map(str::to_owned);
            let desk = import_desk(&app);
            core.import_chosen(&desk, connection, dry_run, passwords_to_file, progress)
                .await
        };
}

/// Stops the running import after the row it is sending; what was created stays.
#[tauri::command]
pub fn mailcow_import_cancel<R: Runtime>(app: AppHandle<R>) -> bool {
    import_desk(&app).cancel()
}
