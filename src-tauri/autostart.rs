//! Start at login, hidden in the tray (`--hidden`). Linux: an XDG autostart entry, written
//! by core's `autostart`. macOS and Windows: the autostart plugin, called from Rust only;
//! the window has no permission for it.

use tauri::{AppHandle, Runtime};

#[cfg(target_os = "linux")]
use cowdesk_core::autostart as xdg;
#[cfg(any(target_os = "macos", windows))]
use cowdesk_core::autostart::HIDDEN_ARG;

#[cfg(target_os = "linux")]
pub fn is_enabled<R: Runtime>(_app: &AppHandle<R>) -> Result<bool, String> {
    Ok(xdg::entry_path().is_some_and(|path| path.exists()))
}

#[cfg(target_os = "linux")]
pub fn set_enabled<R: Runtime>(_app: &AppHandle<R>, enabled: bool) -> Result<(), String> {
    let path = xdg::entry_path().ok_or("no configuration folder")?;
    if enabled {
        xdg::write_entry(&path, &xdg::executable()?).map_err(|e| e.to_string())
    } else {
        xdg::remove_entry(&path).map_err(|e| e.to_string())
    }
}

#[cfg(any(target_os = "macos", windows))]
pub fn plugin<R: Runtime>() -> tauri::plugin::TauriPlugin<R> {
    tauri_plugin_autostart::init(
        tauri_plugin_autostart::MacosLauncher::LaunchAgent,
        Some(vec![HIDDEN_ARG]),
    )
}

#[cfg(any(target_os = "macos", windows))]
pub fn is_enabled<R: Runtime>(app: &AppHandle<R>) -> Result<bool, String> {
    use tauri_plugin_autostart::ManagerExt;
    app.autolaunch().is_enabled().map_err(|e| e.to_string())
}

#[cfg(any(target_os = "macos", windows))]
pub fn set_enabled<R: Runtime>(app: &AppHandle<R>, enabled: bool) -> Result<(), String> {
    use tauri_plugin_autostart::ManagerExt;
    let manager = app.autolaunch();
    let done = if enabled {
        manager.enable()
    } else {
        manager.disable()
    };
    done.map_err(|e| e.to_string())
}

#[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
pub fn is_enabled<R: Runtime>(_app: &AppHandle<R>) -> Result<bool, String> {
    Ok(false)
}

#[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
pub fn set_enabled<R: Runtime>(_app: &AppHandle<R>, _enabled: bool) -> Result<(), String> {
    Err("not supported on this system".into())
}
