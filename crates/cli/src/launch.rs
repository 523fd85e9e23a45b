//! Starting cowdesk's other programs: the window (`cowdesk-window`) and the portal
//! simulator (`cowdesk-sandbox`), found beside this executable (as the .deb installs them,
//! and as cargo builds them), else on PATH. On Unix the program replaces this process.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::Command;

use crate::lang::Lang;
use crate::output::REFUSED;

pub const WINDOW: &str = "cowdesk-window";
pub const SANDBOX: &str = "cowdesk-sandbox";

/// Runs the window with `args`; returns only when it could not be started (or, where
/// a process cannot be replaced, with the window's exit code).
pub fn window(args: impl IntoIterator<Item = OsString>, lang: Lang) -> i32 {
    run(WINDOW, args, lang)
}

pub fn sandbox(args: impl IntoIterator<Item = OsString>, lang: Lang) -> i32 {
    run(SANDBOX, args, lang)
}

/// `program` beside this executable, else the bare name (looked up on PATH).
pub fn program(name: &str) -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join(name)))
        .filter(|candidate| candidate.is_file())
        .unwrap_or_else(|| PathBuf::from(name))
}

fn run(name: &str, args: impl IntoIterator<Item = OsString>, lang: Lang) -> i32 {
    let program = program(name);
    let mut command = Command::new(&program);
    command.args(args);
    let err = replace_process(&mut command);
    let beside = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.display().to_string()))
        .unwrap_or_default();
    eprintln!(
        "cowdesk: {}",
        match lang {
            Lang::En => format!(
                "cannot start {name}: it is neither beside cowdesk (in {beside}) nor on PATH ({err}). Install cowdesk again, or build it with `cargo build`."
            ),
            Lang::De => format!(
                "{name} lässt sich nicht starten: es liegt weder neben cowdesk (in {beside}) noch im PATH ({err}). Installieren Sie cowdesk erneut oder bauen Sie es mit `cargo build`."
            ),
        }
    );
    REFUSED
}

#[cfg(unix)]
fn replace_process(command: &mut Command) -> std::io::Error {
    use std::os::unix::process::CommandExt;
    command.exec()
}

#[cfg(not(unix))]
fn replace_process(command: &mut Command) -> std::io::Error {
    match command.status() {
        Ok(status) => std::process::exit(status.code().unwrap_or(REFUSED)),
        Err(err) => err,
    }
}
