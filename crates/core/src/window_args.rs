//! The window's arguments: `--demo`, `--hidden` and `--data-dir DIR`, as `cowdesk-window`
//! reads them. `cowdesk` (the command line) documents them in its help and passes them
//! through as given.

use std::ffi::OsString;
use std::path::PathBuf;

#[derive(Debug, Default, PartialEq, Eq)]
pub struct WindowArgs {
    /// Open in demo mode: the sandbox program, no account needed.
    pub demo: bool,
    /// Start in the tray without opening the window (start at login does this).
    pub hidden: bool,
    /// Folder of the local cache.
    pub data_dir: Option<PathBuf>,
}

/// What the arguments ask for: run the window, or print something and end.
#[derive(Debug, PartialEq, Eq)]
pub enum Parsed {
    Run(WindowArgs),
    Print(String),
}

const USAGE: &str = "Usage: cowdesk-window [--demo] [--hidden] [--data-dir DIR]\n\
The cowdesk window; `cowdesk --help` lists the command line as well.";

pub fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Parsed, String> {
    let mut parsed = WindowArgs::default();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let text = arg.to_string_lossy();
        match text.as_ref() {
            "--demo" => parsed.demo = true,
            "--hidden" => parsed.hidden = true,
            "--data-dir" => {
                let dir = args
                    .next()
                    .ok_or_else(|| format!("--data-dir needs a folder\n{USAGE}"))?;
                parsed.data_dir = Some(PathBuf::from(dir));
            }
            "--help" | "-h" => return Ok(Parsed::Print(USAGE.to_owned())),
            "--version" | "-V" => {
                return Ok(Parsed::Print(format!(
                    "cowdesk-window {}",
                    env!("CARGO_PKG_VERSION")
                )))
            }
            other => match other.strip_prefix("--data-dir=") {
                // `text` is lossy; a folder name that is not UTF-8 goes as `--data-dir DIR`.
                Some(dir) if !dir.is_empty() && arg.to_str().is_some() => {
                    parsed.data_dir = Some(PathBuf::from(dir));
                }
                _ => return Err(format!("unexpected argument {other:?}\n{USAGE}")),
            },
        }
    }
    Ok(Parsed::Run(parsed))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_strs(args: &[&str]) -> Result<Parsed, String> {
        parse(args.iter().map(OsString::from))
    }

    #[test]
    fn window_arguments_as_the_command_line_passes_them() {
        assert_eq!(parse_strs(&[]), Ok(Parsed::Run(WindowArgs::default())));
        assert_eq!(
            parse_strs(&["--demo", "--data-dir", "/tmp/x"]),
            Ok(Parsed::Run(WindowArgs {
                demo: true,
                hidden: false,
                data_dir: Some(PathBuf::from("/tmp/x")),
            }))
        );
        assert_eq!(
            parse_strs(&["--hidden", "--data-dir=/tmp/y"]),
            Ok(Parsed::Run(WindowArgs {
                demo: false,
                hidden: true,
                data_dir: Some(PathBuf::from("/tmp/y")),
            }))
        );
        assert!(parse_strs(&["--data-dir"]).is_err());
        assert!(parse_strs(&["status"]).is_err());
        assert!(matches!(parse_strs(&["--help"]), Ok(Parsed::Print(_))));
    }
}
