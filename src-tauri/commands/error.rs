//! Errors as they cross to the UI: a stable kind plus English and German text.

use std::collections::BTreeMap;

use cowdesk_core::error::CoreError;
use cowdesk_core::model::{ErrorInfo, ErrorKind};

pub fn from_core(err: &CoreError) -> ErrorInfo {
    err.info()
}

/// A rejected argument, named so the form can show it next to the field.
pub fn invalid_input(field: &str, message: &str, message_de: &str) -> ErrorInfo {
    ErrorInfo {
        kind: ErrorKind::InvalidInput,
        message: message.to_owned(),
        message_de: message_de.to_owned(),
        fields: BTreeMap::from([(field.to_owned(), message.to_owned())]),
        fields_de: BTreeMap::from([(field.to_owned(), message_de.to_owned())]),
        server_words: false,
    }
}

pub fn internal(detail: &str) -> ErrorInfo {
    ErrorInfo {
        kind: ErrorKind::Internal,
        message: format!("Something went wrong inside cowdesk ({detail})."),
        message_de: format!("In cowdesk ist ein Fehler aufgetreten ({detail})."),
        fields: BTreeMap::new(),
        fields_de: BTreeMap::new(),
        server_words: false,
    }
}
