//! Errors of the desktop's own parts as they cross to the UI. Core errors convert with
//! `?` (`From<CoreError> for ErrorInfo`, in core).

use std::path::Path;

use cowdesk_core::error::CoreError;
use cowdesk_core::model::ErrorInfo;

use crate::clipboard::CopyError;

pub fn internal(detail: &str) -> ErrorInfo {
    CoreError::desktop(
        &format!("Something went wrong inside cowdesk ({detail})."),
        &format!("In cowdesk ist ein Fehler aufgetreten ({detail})."),
    )
    .info()
}

/// A copy that failed: nothing held to copy, or no clipboard.
pub fn copy_failed(err: CopyError) -> ErrorInfo {
    match err {
        CopyError::NothingHeld => internal("nothing to copy"),
        CopyError::Clipboard(reason) => {
            tracing::warn!("clipboard: {reason}");
            internal("the clipboard is not available")
        }
    }
}

/// A file the user chose could not be written.
pub fn write_failed(path: &Path, err: &std::io::Error) -> ErrorInfo {
    CoreError::input(
        format!("Could not write {}: {err}.", path.display()),
        format!("{} konnte nicht geschrieben werden: {err}.", path.display()),
    )
    .info()
}
