// Shared by several test binaries, each of which uses only part of it.
#![allow(dead_code)]

/// Building cowdesk's other programs beside the one under test (the same file the
/// workspace's end-to-end tests use).
#[path = "../../../../tests/support/programs.rs"]
pub mod programs;

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use serde_json::Value;

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

/// Writes `input` to the child's standard input and closes it. A program that refuses
/// its arguments may end before it reads its input: the pipe it closed is not an error.
pub fn write_stdin(child: &mut Child, input: &[u8]) {
    let mut stdin = child.stdin.take().expect("stdin is piped");
    match stdin.write_all(input) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        written => written.expect("input written"),
    }
}

/// Runs `cmd` with `input` as its standard input; the output once it has ended.
pub fn run_with_stdin(cmd: &mut Command, input: impl AsRef<[u8]>) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cowdesk runs");
    write_stdin(&mut child, input.as_ref());
    child.wait_with_output().expect("cowdesk ends")
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

/// `cowdesk sandbox` running in the background; stopped when dropped.
pub struct SandboxProcess(Child);

impl Drop for SandboxProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `cowdesk sandbox` on a free port: the process and the JSON it printed (the
/// address, the login).
pub fn start_sandbox(data_dir: &Path) -> (SandboxProcess, Value) {
    start_sandbox_with(data_dir, &[])
}

/// `start_sandbox` with more of the sandbox's options (`--invoices 2000`, say).
pub fn start_sandbox_with(data_dir: &Path, options: &[&str]) -> (SandboxProcess, Value) {
    sandbox_program();
    let mut child = cowdesk(data_dir)
        .args(["sandbox", "--port", "0", "--json"])
        .args(options)
        .stdout(Stdio::piped())
        .spawn()
        .expect("sandbox starts");
    let stdout = child.stdout.take().expect("stdout");
    let guard = SandboxProcess(child);
    // The JSON object is printed once the port is bound.
    let mut text = String::new();
    let mut lines = BufReader::new(stdout).lines();
    for line in lines.by_ref() {
        let line = line.expect("sandbox output");
        text.push_str(&line);
        if line == "}" {
            break;
        }
    }
    (guard, serde_json::from_str(&text).expect("sandbox JSON"))
}

/// `cowdesk login` to `server` with the password on standard input.
pub fn login(data_dir: &Path, server: &str, email: &str, password: &str) -> Output {
    let mut child = cowdesk(data_dir)
        .args(["login", "--server", server, "--email", email])
        .args(["--password-stdin", "--json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("login runs");
    // A login refused before it reads the password (plain HTTP to a remote server) has
    // already ended: the write then fails with a broken pipe, and that is no error here.
    let _ = writeln!(child.stdin.take().expect("stdin"), "{password}");
    child.wait_with_output().expect("login ends")
}
