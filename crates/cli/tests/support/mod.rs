// Shared by several test binaries, each of which uses only part of it.
#![allow(dead_code)]

/// Building cowdesk's other programs beside the one under test (the same file the
/// workspace's end-to-end tests use).
#[path = "../../../../tests/support/programs.rs"]
pub mod programs;

use std::path::{Path, PathBuf};
use std::process::Command;

/// The command line under test.
pub fn cowdesk_binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_cowdesk"))
}

/// `cowdesk --data-dir <data_dir>`, in English, without a password in the environment.
pub fn cowdesk(data_dir: &Path) -> Command {
    let mut command = Command::new(cowdesk_binary());
    command.arg("--data-dir").arg(data_dir);
    command.env_remove("COWDESK_PASSWORD");
    english(&mut command);
    command
}

/// The messages' locale of `command` set to English, whatever the test runner's is.
pub fn english(command: &mut Command) -> &mut Command {
    command
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "en_GB.UTF-8")
}

/// `cowdesk-sandbox`, built beside `cowdesk` (where `cowdesk sandbox` looks for it).
pub fn sandbox_program() -> PathBuf {
    let sandbox = programs::program("cowdesk-sandbox", "cowdesk-sandbox");
    assert_eq!(
        sandbox.parent(),
        cowdesk_binary().parent(),
        "the sandbox program is built beside cowdesk"
    );
    sandbox
}
