//! Where cowdesk keeps its cache; shared by the window and the command line.

use std::path::PathBuf;

/// The app identifier in tauri.conf.json; the data folder carries the same name.
const APP_IDENTIFIER: &str = "de.cowdesk.app";

/// `--data-dir`, else `$COWDESK_DATA_DIR`, else the platform's data folder.
pub fn data_dir(explicit: Option<PathBuf>) -> PathBuf {
    explicit
        .or_else(|| std::env::var_os("COWDESK_DATA_DIR").map(PathBuf::from))
        .or_else(|| dirs::data_dir().map(|d| d.join(APP_IDENTIFIER)))
        .unwrap_or_else(|| PathBuf::from(".").join(APP_IDENTIFIER))
}
