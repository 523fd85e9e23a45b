//! The window's CSV import between its steps: the file and the passwords file the user
//! chose (kept in the app's process, so the page can only say "the file chosen", never
//! name a path), and the running import's cancel flag. One import runs at a time, and a
//! passwords file serves one import: the core empties it when an import starts, so a
//! second import into it would lose the first one's passwords.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use cowdesk_model::{ImportProgress, ImportReport};

use super::ImportOptions;
use crate::error::CoreError;
use crate::session::Core;

#[derive(Default)]
pub struct ImportDesk {
    chosen: Mutex<Chosen>,
    /// The running import's cancel flag; a new one per run.
    running: Mutex<Option<Arc<AtomicBool>>>,
}

#[derive(Default)]
struct Chosen {
    file: Option<PathBuf>,
    passwords_out: Option<PathBuf>,
}

/// A started run: what to import, where generated passwords go (`None`: into the
/// report), and its cancel flag. Dropping it ends the run.
pub struct ImportRun<'a> {
    pub file: PathBuf,
    pub passwords_out: Option<PathBuf>,
    pub cancel: Arc<AtomicBool>,
    desk: &'a ImportDesk,
}

impl Drop for ImportRun<'_> {
    fn drop(&mut self) {
        *self.desk.running() = None;
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

impl ImportDesk {
    fn chosen(&self) -> MutexGuard<'_, Chosen> {
        lock(&self.chosen)
    }

    fn running(&self) -> MutexGuard<'_, Option<Arc<AtomicBool>>> {
        lock(&self.running)
    }

    pub fn choose_file(&self, path: PathBuf) {
        self.chosen().file = Some(path);
    }

    pub fn choose_passwords_file(&self, path: PathBuf) {
        self.chosen().passwords_out = Some(path);
    }

    /// Starts a run (a dry run keeps the passwords file for the import that follows);
    /// refused while another runs, without a chosen file, or without a passwords file
    /// when the passwords are to go to one.
    pub fn start(
        &self,
        dry_run: bool,
        passwords_to_file: bool,
    ) -> Result<ImportRun<'_>, CoreError> {
        let mut running = self.running();
        if running.is_some() {
            return Err(CoreError::field(
                "file",
                "An import is running already.",
                "Es läuft bereits ein Import.",
            ));
        }
        let mut chosen = self.chosen();
        let Some(file) = chosen.file.clone() else {
            return Err(CoreError::field(
                "file",
                "Choose a CSV file first.",
                "Wählen Sie zuerst eine CSV-Datei.",
            ));
        };
        let passwords_out = match (passwords_to_file, dry_run) {
            (false, _) => None,
            (true, true) => chosen.passwords_out.clone(),
            (true, false) => chosen.passwords_out.take(),
        };
        if passwords_to_file && passwords_out.is_none() {
            return Err(CoreError::field(
                "passwords_file",
                "Choose the file for the generated passwords, or show them once instead.",
                "Wählen Sie die Datei für die erzeugten Passwörter oder lassen Sie sie einmal anzeigen.",
            ));
        }
        let cancel = Arc::new(AtomicBool::new(false));
        *running = Some(cancel.clone());
        Ok(ImportRun {
            file,
            passwords_out,
            cancel,
            desk: self,
        })
    }

    /// Asks the running import to stop after the row it is sending; false when none runs.
    pub fn cancel(&self) -> bool {
        match self.running().as_ref() {
            Some(cancel) => {
                cancel.store(true, Ordering::SeqCst);
                true
            }
            None => false,
        }
    }
}

impl Core {
    /// Plans (`dry_run`) or applies the file chosen on `desk`, in a task of its own so that
    /// the caller's thread stays free; `desk.cancel()` stops it after the current row.
    /// Generated passwords go to the chosen passwords file when `passwords_to_file`, else
    /// into the report.
    pub async fn import_chosen(
        self: Arc<Core>,
        desk: &ImportDesk,
        connection: Option<String>,
        dry_run: bool,
        passwords_to_file: bool,
        progress: impl Fn(ImportProgress) + Send + Sync + 'static,
    ) -> Result<ImportReport, CoreError> {
        let run = desk.start(dry_run, passwords_to_file)?;
        let (file, passwords_out) = (run.file.clone(), run.passwords_out.clone());
        let cancel = run.cancel.clone();
        let task = tokio::spawn(async move {
            let options = ImportOptions {
                connection: connection.as_deref(),
                dry_run,
                passwords_out,
                progress: &progress,
                cancel: &cancel,
            };
            self.mailcow_import(&file, options).await
        });
        let result = task.await;
        drop(run);
        result.map_err(|e| CoreError::Internal(e.to_string()))?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(err: CoreError) -> String {
        err.info().fields.into_keys().next().unwrap_or_default()
    }

    #[test]
    fn mailcow_import_needs_a_file_and_a_passwords_file_serves_one_run() {
        let desk = ImportDesk::default();
        assert_eq!(field_of(desk.start(true, false).err().unwrap()), "file");

        desk.choose_file(PathBuf::from("/tmp/rows.csv"));
        let run = desk.start(true, false).unwrap();
        assert_eq!(run.file, PathBuf::from("/tmp/rows.csv"));
        assert_eq!(run.passwords_out, None);
        drop(run);
        let refused = desk.start(false, true).err().unwrap();
        assert_eq!(field_of(refused), "passwords_file");

        desk.choose_passwords_file(PathBuf::from("/tmp/pw.csv"));
        // A dry run leaves the passwords file chosen; the import uses it up.
        let pw = Some(PathBuf::from("/tmp/pw.csv"));
        assert_eq!(desk.start(true, true).unwrap().passwords_out, pw);
        assert_eq!(desk.start(false, true).unwrap().passwords_out, pw);
        assert!(desk.start(false, true).is_err());
        assert_eq!(desk.start(false, false).unwrap().passwords_out, None);
    }

    #[test]
    fn mailcow_import_runs_one_at_a_time_and_cancels_the_running_one() {
        let desk = ImportDesk::default();
        desk.choose_file(PathBuf::from("/tmp/rows.csv"));
        assert!(!desk.cancel(), "nothing runs yet");
        let run = desk.start(false, false).unwrap();
        assert_eq!(field_of(desk.start(true, false).err().unwrap()), "file");
        assert!(desk.cancel());
        assert!(run.cancel.load(Ordering::SeqCst));
        drop(run);
        assert!(!desk.cancel(), "the run ended");
        let next = desk.start(true, false).unwrap();
        assert!(
            !next.cancel.load(Ordering::SeqCst),
            "a new run has a new flag"
        );
    }
}
