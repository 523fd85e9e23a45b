//! Folders a test gives cowdesk (its cache, logs, a passwords file) that stay after the
//! test below `<artifacts>/kept/`, where `scripts/leak-scan.py` searches everything for
//! the secrets the suite recorded (`cowdesk_sandbox::record_secret`). The same rule as
//! the window's end-to-end tests (`tests/support/driver.rs`).

#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// `$COWDESK_ARTIFACTS`, else `artifacts/e2e` in the repository.
fn artifacts_root() -> PathBuf {
    std::env::var_os("COWDESK_ARTIFACTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../artifacts/e2e"))
}

/// A fresh folder `<artifacts>/kept/<test>-XXXX`, kept after the test.
pub fn kept_dir(test: &str) -> PathBuf {
    let root = artifacts_root().join("kept");
    std::fs::create_dir_all(&root).expect("artifacts folder is writable");
    tempfile::Builder::new()
        .prefix(&format!("{test}-"))
        .tempdir_in(&root)
        .expect("a fresh folder below the artifacts")
        .keep()
}
