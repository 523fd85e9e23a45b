//! The shipped window binary (a release build, as `scripts/package.sh` bundles it) holds
//! no portal simulator (the demo runs the `cowdesk-sandbox` program) and no test hook:
//! the names of the seams the end-to-end tests use exist in debug builds only.
//!
//! Builds the release programs into the running test's target folder with the very
//! command the Tauri CLI runs for `scripts/package.sh`, so the binary looked at is the one
//! bundled, and a packaging run and this test share one release build.

mod support;

use std::path::Path;
use std::process::Command;

/// The environment seams of the tests (src-tauri/test_hooks.rs and the demo's sizes).
const TEST_HOOKS: [&str; 5] = [
    "COWDESK_BROWSER",
    "COWDESK_E2E_SAVE_DIR",
    "COWDESK_E2E_OPEN_FILE",
    "COWDESK_CLIPBOARD_CLEAR_SECONDS",
    "COWDESK_DEMO_MAILBOXES",
];

/// Traces the sandbox crate leaves in a binary that links it: its source paths (panic
/// locations), its crate and module names, the DNS server it serves with, its secret log.
const SANDBOX_MARKS: [&str; 5] = [
    "crates/sandbox/src",
    "cowdesk_sandbox",
    "hickory-server",
    "hickory_server",
    "COWDESK_SANDBOX_SECRET_LOG",
];

fn contains(haystack: &[u8], needle: &str) -> bool {
    let needle = needle.as_bytes();
    haystack
        .iter()
        .enumerate()
        .filter(|(_, byte)| **byte == needle[0])
        .any(|(at, _)| haystack[at..].starts_with(needle))
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn perf_trust_shipped_window_has_no_sandbox_and_no_test_hooks() {
    // The search finds the hooks where they are: in the debug build under test.
    let debug = read(&support::driver::window_binary());
    for hook in TEST_HOOKS.iter().take(3) {
        assert!(contains(&debug, hook), "the debug window lacks {hook}");
    }

    let shipped = release_window();
    let binary = read(&shipped);
    // It is the window, and it knows the program its demo starts.
    assert!(contains(&binary, "de.cowdesk.app"));
    assert!(contains(&binary, "cowdesk-sandbox"));
    let hooks: Vec<&str> = TEST_HOOKS
        .into_iter()
        .filter(|hook| contains(&binary, hook))
        .collect();
    assert!(
        hooks.is_empty(),
        "{} holds test hooks {hooks:?}",
        shipped.display()
    );
    let sandbox: Vec<&str> = SANDBOX_MARKS
        .into_iter()
        .filter(|mark| contains(&binary, mark))
        .collect();
    assert!(
        sandbox.is_empty(),
        "{} holds sandbox code {sandbox:?}",
        shipped.display()
    );
}

/// `cargo build --bins --features tauri/custom-protocol --release` at the workspace root,
/// as `tauri build` runs it; the window binary it leaves in `<target>/release`.
fn release_window() -> std::path::PathBuf {
    let target_dir = support::programs::profile_dir()
        .parent()
        .expect("the target folder")
        .to_path_buf();
    let output = Command::new(env!("CARGO"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "build",
            "--quiet",
            "--bins",
            "--features",
            "tauri/custom-protocol",
        ])
        .arg("--release")
        .arg("--target-dir")
        .arg(&target_dir)
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "the release build failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let window = target_dir.join("release/cowdesk-window");
    assert!(window.is_file(), "{} was not built", window.display());
    window
}
