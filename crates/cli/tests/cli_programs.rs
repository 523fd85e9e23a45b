//! `cowdesk` without a subcommand is the window, `cowdesk sandbox` the portal simulator:
//! each a program of its own, run from beside `cowdesk` with the arguments as given.
#![cfg(unix)]

mod support;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A copy of `cowdesk` alone in a fresh folder (so "beside it" is that folder).
fn lone_cowdesk(dir: &Path) -> PathBuf {
    let copy = dir.join("cowdesk");
    std::fs::copy(support::cowdesk_binary(), &copy).expect("copy of cowdesk");
    copy
}

/// A stand-in for the window that records its arguments and ends with `code`.
fn recording_window(dir: &Path, code: i32) -> PathBuf {
    let script = dir.join("cowdesk-window");
    let record = dir.join("window-args");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nfor arg in \"$@\"; do printf '%s\\n' \"$arg\"; done > '{}'\nexit {code}\n",
            record.display()
        ),
    )
    .expect("script written");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    record
}

#[test]
fn cli_without_a_subcommand_runs_the_window_beside_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cowdesk = lone_cowdesk(dir.path());
    let record = recording_window(dir.path(), 7);
    let output = Command::new(&cowdesk)
        .args(["--demo", "--data-dir", "/tmp/some cache"])
        .env("PATH", "")
        .output()
        .expect("cowdesk runs");
    // The window's exit status is cowdesk's: the window replaced it.
    assert_eq!(
        output.status.code(),
        Some(7),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let args = std::fs::read_to_string(&record).expect("the window ran");
    assert_eq!(args, "--demo\n--data-dir\n/tmp/some cache\n");

    // Nothing at all, and --hidden, pass through just the same.
    std::fs::remove_file(&record).unwrap();
    let status = Command::new(&cowdesk).status().expect("cowdesk runs");
    assert_eq!(status.code(), Some(7));
    assert_eq!(std::fs::read_to_string(&record).unwrap(), "");
    let status = Command::new(&cowdesk)
        .arg("--hidden")
        .status()
        .expect("cowdesk runs");
    assert_eq!(status.code(), Some(7));
    assert_eq!(std::fs::read_to_string(&record).unwrap(), "--hidden\n");
}

#[test]
fn cli_without_the_window_says_where_it_looked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cowdesk = lone_cowdesk(dir.path());
    let mut command = Command::new(&cowdesk);
    support::english(&mut command);
    let output = command
        .arg("--demo")
        .env("PATH", "")
        .output()
        .expect("cowdesk runs");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("cannot start cowdesk-window"), "{stderr}");
    assert!(
        stderr.contains(&dir.path().display().to_string()),
        "{stderr}"
    );
}

#[test]
fn cli_sandbox_runs_the_sandbox_program_with_its_flags() {
    support::sandbox_program();
    let data = tempfile::tempdir().expect("tempdir");
    let help = support::cowdesk(data.path())
        .args(["sandbox", "--help"])
        .output()
        .expect("cowdesk runs");
    assert!(help.status.success());
    let text = String::from_utf8_lossy(&help.stdout);
    assert!(text.contains("cowdesk-sandbox"), "{text}");
    for flag in [
        "--port",
        "--seed",
        "--invoices",
        "--mailboxes",
        "--extra-accounts",
        "--json",
    ] {
        assert!(text.contains(flag), "{flag} in {text}");
    }
    // A flag the sandbox does not know is refused by the sandbox (clap's exit code 2).
    let wrong = support::cowdesk(data.path())
        .args(["sandbox", "--no-such-flag"])
        .output()
        .expect("cowdesk runs");
    assert_eq!(wrong.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("--no-such-flag"));
}
