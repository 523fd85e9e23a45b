//! The system clipboard (arboard) under core's `SecretClipboard`, which holds the rules
//! (what may be copied, the held authcode, clearing after a while). A secret is marked
//! for clipboard managers so they keep it out of their history:
//! `x-kde-passwordManagerHint: secret` on Linux (KDE Klipper, GNOME extensions, CopyQ and
//! others honour it), `org.nspasteboard.ConcealedType` on macOS, and on Windows the
//! formats that keep it out of the clipboard history and cloud clipboard.

use cowdesk_core::clipboard::{Clipboard, CLEAR_AFTER};
pub use cowdesk_core::clipboard::{CopyError, SecretClipboard};

struct SystemClipboard(arboard::Clipboard);

impl Clipboard for SystemClipboard {
    fn text(&mut self) -> Option<String> {
        self.0.get_text().ok()
    }
    fn set_text(&mut self, text: &str) -> Result<(), String> {
        self.0.set_text(text).map_err(|e| e.to_string())
    }
    fn set_secret(&mut self, text: &str) -> Result<(), String> {
        #[cfg(target_os = "macos")]
        use arboard::SetExtApple as _;
        #[cfg(any(target_os = "linux", target_os = "freebsd"))]
        use arboard::SetExtLinux as _;
        #[cfg(windows)]
        use arboard::SetExtWindows as _;
        let set = self.0.set();
        #[cfg(any(target_os = "linux", target_os = "freebsd", target_os = "macos"))]
        let set = set.exclude_from_history();
        #[cfg(windows)]
        let set = set
            .exclude_from_history()
            .exclude_from_cloud()
            .exclude_from_monitoring();
        set.text(text.to_owned()).map_err(|e| e.to_string())
    }
    fn clear(&mut self) -> Result<(), String> {
        self.0.clear().map_err(|e| e.to_string())
    }
}

/// The app's clipboard: the system one, opened when first used; the clearing runs on the
/// app's runtime. Tests shorten the delay (debug builds only).
pub fn system() -> SecretClipboard {
    SecretClipboard::new(
        Box::new(|| {
            let system = arboard::Clipboard::new().map_err(|e| e.to_string())?;
            Ok(Box::new(SystemClipboard(system)) as Box<dyn Clipboard>)
        }),
        Box::new(|task| {
            tauri::async_runtime::spawn(task);
        }),
        crate::test_hooks::clipboard_clear_after().unwrap_or(CLEAR_AFTER),
    )
}
