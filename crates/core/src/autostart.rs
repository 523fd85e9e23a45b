//! Start at login on Linux: an XDG autostart entry
//! (`$XDG_CONFIG_HOME/autostart/cowdesk.desktop`) that starts the window hidden in the
//! tray. The window turns it on and off; macOS and Windows use the autostart plugin there.

use std::io;
use std::path::{Path, PathBuf};

/// The argument a login start passes: sync and notify, but keep the window closed.
pub const HIDDEN_ARG: &str = "--hidden";

/// `$XDG_CONFIG_HOME/autostart/cowdesk.desktop` (default `~/.config`).
pub fn entry_path() -> Option<PathBuf> {
    dirs::config_dir().map(|dir| dir.join("autostart").join("cowdesk.desktop"))
}

/// The program to start: the AppImage itself when run from one, else this binary.
pub fn executable() -> Result<PathBuf, String> {
    if let Some(appimage) = std::env::var_os("APPIMAGE") {
        return Ok(PathBuf::from(appimage));
    }
    std::env::current_exe().map_err(|e| e.to_string())
}

pub fn entry(executable: &Path) -> String {
    format!(
        "[Desktop Entry]\n\
         Type=Application\n\
         Name=cowdesk\n\
         Comment=Servercow account, invoices and alerts\n\
         Exec={} {HIDDEN_ARG}\n\
         Icon=cowdesk\n\
         Terminal=false\n\
         X-GNOME-Autostart-enabled=true\n",
        quote(&executable.to_string_lossy())
    )
}

/// Writes the entry whole or not at all.
pub fn write_entry(path: &Path, executable: &Path) -> io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let partial = path.with_extension("desktop.partial");
    std::fs::write(&partial, entry(executable))?;
    std::fs::rename(&partial, path)
}

pub fn remove_entry(path: &Path) -> io::Result<()> {
    match std::fs::remove_file(path) {
        Err(err) if err.kind() != io::ErrorKind::NotFound => Err(err),
        _ => Ok(()),
    }
}

/// An Exec argument per the Desktop Entry specification: quoted, with `"`, `` ` ``,
/// `$` and `\` escaped, and `%` doubled (field codes).
fn quote(arg: &str) -> String {
    let mut out = String::from("\"");
    for c in arg.chars() {
        match c {
            '"' | '`' | '$' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '%' => out.push_str("%%"),
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alert_start_at_login_entry_is_written_and_removed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("autostart").join("cowdesk.desktop");
        let exe = Path::new("/opt/my apps/cowdesk$1/cowdesk");
        write_entry(&path, exe).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("[Desktop Entry]\nType=Application\n"));
        assert!(text.contains("\nExec=\"/opt/my apps/cowdesk\\$1/cowdesk\" --hidden\n"));
        assert!(!path.with_extension("desktop.partial").exists());
        remove_entry(&path).unwrap();
        assert!(!path.exists());
        remove_entry(&path).unwrap();
        assert_eq!(quote("50%"), "\"50%%\"");
    }
}
