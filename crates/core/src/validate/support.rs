//! What the support desk's views send: a ticket draft, a pasted bounce, a secret to
//! share and a secret service's address, each bounded before anything reads it.

use cowdesk_model::SupportDraft;

use crate::error::CoreError;
use crate::support::{SecretText, MAX_BOUNCE_BYTES};

/// At most this many fields, keys of this length, and this much text in one draft.
pub const MAX_FIELDS: usize = 32;
const MAX_KEY: usize = 64;
pub const MAX_DRAFT_BYTES: usize = 1024 * 1024;
/// What Yopass takes: about 7,000 typed characters fit its 10,000 encrypted ones.
pub const MAX_SECRET_BYTES: usize = 64 * 1024;
const MAX_SERVER: usize = 2048;

/// A draft as the window sent it: few short keys (lowercase and `_`), bounded text.
pub fn draft(draft: SupportDraft) -> Result<SupportDraft, CoreError> {
    let too_big = draft.values.len() > MAX_FIELDS
        || draft.values.keys().any(|k| {
            k.is_empty()
                || k.len() > MAX_KEY
                || !k.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
        })
        || draft
            .values
            .iter()
            .map(|(k, v)| k.len() + v.len())
            .sum::<usize>()
            > MAX_DRAFT_BYTES;
    if too_big {
        return Err(CoreError::field(
            "draft",
            "This ticket is too large to handle.",
            "Dieses Ticket ist zu groß.",
        ));
    }
    Ok(draft)
}

/// A pasted bounce: not empty, at most 8 MB.
pub fn bounce_text(text: &str) -> Result<&str, CoreError> {
    if text.trim().is_empty() {
        return Err(CoreError::field(
            "bounce",
            "Paste the bounce (the complete message with its headers) or choose its .eml file.",
            "Fügen Sie die Unzustellbarkeitsnachricht ein (vollständig mit Kopfzeilen) oder wählen Sie ihre .eml-Datei.",
        ));
    }
    if text.len() > MAX_BOUNCE_BYTES {
        return Err(CoreError::field(
            "bounce",
            "This is larger than any bounce (at most 8 MB).",
            "Das ist größer als jede Unzustellbarkeitsnachricht (höchstens 8 MB).",
        ));
    }
    Ok(text)
}

/// A secret to share: not blank, small enough for the secret service. Held redacted
/// from here on.
pub fn secret_text(value: String) -> Result<SecretText, CoreError> {
    let value = SecretText::new(value);
    if value.expose().trim().is_empty() {
        return Err(CoreError::field(
            "secret",
            "Enter the secret to share.",
            "Geben Sie das Geheimnis ein, das Sie teilen möchten.",
        ));
    }
    if value.expose().len() > MAX_SECRET_BYTES {
        return Err(CoreError::field(
            "secret",
            "The secret is too long for the secret service. Split it or shorten it.",
            "Das Geheimnis ist zu lang für den Secret-Dienst. Teilen oder kürzen Sie es.",
        ));
    }
    Ok(value)
}

/// A secret service's address as typed (the setting checks the scheme).
pub fn secret_server(server: Option<&str>) -> Result<Option<&str>, CoreError> {
    if server.is_some_and(|s| s.len() > MAX_SERVER) {
        return Err(CoreError::field(
            "server",
            "This address is too long.",
            "Diese Adresse ist zu lang.",
        ));
    }
    Ok(server)
}

/// A technical-problem draft with these fields, for tests.
#[cfg(test)]
pub(crate) fn draft_with(values: &[(&str, &str)]) -> SupportDraft {
    SupportDraft {
        category: Some(cowdesk_model::SupportCategory::TechnicalProblem),
        values: values
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use super::draft_with as with;

    #[test]
    fn support_drafts_are_bounded() {
        assert!(draft(with(&[("client", "Thunderbird")])).is_ok());
        assert!(draft(with(&[("Client", "x")])).is_err());
        assert!(draft(with(&[("../x", "x")])).is_err());
        let long = "x".repeat(MAX_DRAFT_BYTES + 1);
        assert!(draft(with(&[("client", &long)])).is_err());
        let many: Vec<(String, String)> = (0..=MAX_FIELDS)
            .map(|i| (format!("f{}", "a".repeat(i % 5 + 1)), "v".to_owned()))
            .collect();
        let mut d = with(&[]);
        for (i, (k, v)) in many.into_iter().enumerate() {
            d.values
                .insert(format!("{k}_{}", "b".repeat(i % 40 + 1)), v);
        }
        assert!(draft(d).is_err());
    }

    #[test]
    fn support_bounce_text_is_checked() {
        assert!(bounce_text("  \n")
            .unwrap_err()
            .info()
            .fields
            .contains_key("bounce"));
        assert!(bounce_text(&"x".repeat(MAX_BOUNCE_BYTES + 1)).is_err());
        assert!(bounce_text("From: a@b.de\n\nhi").is_ok());
    }

    #[test]
    fn support_secrets_are_checked_and_redacted() {
        assert!(secret_text("  ".into()).is_err());
        assert!(secret_text("x".repeat(MAX_SECRET_BYTES + 1)).is_err());
        let ok = secret_text("Sommer2026!".into()).unwrap();
        assert!(!format!("{ok:?}").contains("Sommer"));
        assert!(secret_server(Some(&"h".repeat(2049))).is_err());
        assert_eq!(secret_server(None).unwrap(), None);
    }
}
