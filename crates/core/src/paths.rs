//! Where cowdesk keeps its caches; the window and the command line find them the same way.

use std::path::PathBuf;

/// The app identifier in tauri.conf.json; the data folder carries the same name.
pub const APP_IDENTIFIER: &str = "de.cowdesk.app";
/// Cache file of a real login (`default.sqlite`).
pub const DEFAULT_PROFILE: &str = "default";
/// Cache file of the demo; kept apart so demo rows never mix with a real login's.
pub const DEMO_PROFILE: &str = "demo";

/// `--data-dir`, else `$COWDESK_DATA_DIR`, else the platform's data folder.
pub fn data_dir(explicit: Option<PathBuf>) -> PathBuf {
    explicit
        .or_else(|| std::env::var_os("COWDESK_DATA_DIR").map(PathBuf::from))
        .or_else(|| dirs::data_dir().map(|d| d.join(APP_IDENTIFIER)))
        .unwrap_or_else(|| PathBuf::from(".").join(APP_IDENTIFIER))
}
