//! Opens an address in the system browser: the window has no opener permission, so this
//! runs in Rust. Only HTTPS addresses (or plain HTTP to loopback, for the sandbox) open.
//! In debug builds a test may name the program that receives the address instead
//! (`COWDESK_BROWSER`: the end-to-end tests "click" on the approval page that way); a
//! release build reads no such variable.

use std::ffi::OsString;
use std::process::{Command, Stdio};

pub fn open(url: &str) -> Result<(), String> {
    let checked = crate::portal::check_server(url).map_err(|e| e.kind_name())?;
    let url = checked.as_str();
    let mut command = match test_browser() {
        Some(program) => {
            let mut command = Command::new(program);
            command.arg(url);
            command
        }
        None => platform_opener(url),
    };
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start the browser: {e}"))?;
    // Reap the opener when it ends, without making anyone wait for it.
    std::thread::spawn(move || {
        let _ = child.wait();
    });
    Ok(())
}

fn test_browser() -> Option<OsString> {
    #[cfg(debug_assertions)]
    {
        std::env::var_os("COWDESK_BROWSER").filter(|v| !v.is_empty())
    }
    #[cfg(not(debug_assertions))]
    {
        None
    }
}

#[cfg(target_os = "linux")]
fn platform_opener(url: &str) -> Command {
    let mut command = Command::new("xdg-open");
    command.arg(url);
    command
}

#[cfg(target_os = "macos")]
fn platform_opener(url: &str) -> Command {
    let mut command = Command::new("open");
    command.arg(url);
    command
}

#[cfg(target_os = "windows")]
fn platform_opener(url: &str) -> Command {
    // rundll32 takes the address as one argument: no shell parses it.
    let mut command = Command::new("rundll32");
    command.args(["url.dll,FileProtocolHandler", url]);
    command
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mandate_browser_refuses_addresses_that_are_not_https() {
        assert!(open("http://example.com/approve").is_err());
        assert!(open("file:///etc/passwd").is_err());
        assert!(open("javascript:alert(1)").is_err());
    }
}
