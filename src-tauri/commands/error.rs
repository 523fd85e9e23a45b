//! Errors as they cross to the UI: a stable kind plus English and German text. Core
//! errors convert with `?` (`From<CoreError> for ErrorInfo`, in core).

use std::path::Path;

use cowdesk_core::error::CoreError;
use cowdesk_core::model::{ErrorInfo, ErrorKind};

use crate::clipboard::CopyError;

pub fn from_core(err: &CoreError) -> ErrorInfo {
    err.info()
}

/// A rejected argument, named so the form can show it next to the field.
pub fn invalid_input(field: &str, message: &str, message_de: &str) -> ErrorInfo {
    CoreError::field(field, message, message_de).info()
}

pub fn internal(detail: &str) -> ErrorInfo {
    ErrorInfo {
        kind: ErrorKind::Internal,
        message: format!("Something went wrong inside cowdesk ({detail})."),
        message_de: format!("In cowdesk ist ein Fehler aufgetreten ({detail})."),
        fields: Default::default(),
        fields_de: Default::default(),
        server_words: false,
    }
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
