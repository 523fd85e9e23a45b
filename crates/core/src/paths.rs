//! Where cowdesk keeps its caches; the window and the command line find them the same way.

use std::path::{Path, PathBuf};

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

/// The name the running app of `data_dir` answers under (a D-Bus name on Linux): one
/// running cowdesk per cache, so a second launch on the same cache only focuses its window,
/// while another cache (a second profile, a test) runs an app of its own.
pub fn instance_id(data_dir: &Path) -> String {
    let path = data_dir
        .canonicalize()
        .unwrap_or_else(|_| data_dir.to_path_buf());
    // FNV-1a: the same on every build and version, unlike std's hasher.
    let hash = path
        .as_os_str()
        .as_encoded_bytes()
        .iter()
        .fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
            (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
        });
    format!("{APP_IDENTIFIER}.cache_{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_instance_name_per_cache() {
        let one = tempfile::tempdir().unwrap();
        let other = tempfile::tempdir().unwrap();
        let id = instance_id(one.path());
        assert_eq!(id, instance_id(&one.path().join(".")));
        assert_ne!(id, instance_id(other.path()));
        // A valid D-Bus name: dot-separated elements of [A-Za-z0-9_-], none starting
        // with a digit.
        assert!(id.split('.').all(|element| {
            !element.is_empty()
                && !element.starts_with(|c: char| c.is_ascii_digit())
                && element
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        }));
    }
}
