//! The seams the end-to-end tests use for what they cannot reach: the native save and
//! folder dialogs (`COWDESK_E2E_SAVE_DIR` is the folder chosen), the open dialog of the
//! mailcow CSV import (`COWDESK_E2E_OPEN_FILE` is the file chosen), and the clipboard's clear
//! delay (`COWDESK_CLIPBOARD_CLEAR_SECONDS`). They exist in debug builds only, which is
//! what `cargo test` builds; a release build (what is shipped) reads no such variable and
//! holds none of these names (tests/perf_trust_shipped_window.rs looks).

use std::path::PathBuf;
use std::time::Duration;

/// The folder "save as" and the export write to, without a dialog.
pub fn save_dir() -> Option<PathBuf> {
    #[cfg(debug_assertions)]
    {
        std::env::var_os("COWDESK_E2E_SAVE_DIR")
            .map(PathBuf::from)
            .filter(|p| !p.as_os_str().is_empty())
    }
    #[cfg(not(debug_assertions))]
    {
        None
    }
}

/// How long a copied secret stays on the clipboard, in whole seconds.
pub fn clipboard_clear_after() -> Option<Duration> {
    #[cfg(debug_assertions)]
    {
        std::env::var("COWDESK_CLIPBOARD_CLEAR_SECONDS")
            .ok()
            .and_then(|s| s.parse().ok())
            .map(Duration::from_secs)
    }
    #[cfg(not(debug_assertions))]
    {
        None
    }
}

/// The file the open dialog (the mailcow CSV import, a bounce file) picks, without a dialog.
pub fn open_file() -> Option<PathBuf> {
    #[cfg(debug_assertions)]
    {
        std::env::var_os("COWDESK_E2E_OPEN_FILE")
            .map(PathBuf::from)
            .filter(|p| !p.as_os_str().is_empty())
    }
    #[cfg(not(debug_assertions))]
    {
        None
    }
}
