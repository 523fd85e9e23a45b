//! What the sign-in and settings forms send: the language, the portal's address, the
//! login's e-mail address and password. Only bounds and emptiness here: the portal
//! judges the login itself.

use crate::error::CoreError;

const MAX_EMAIL: usize = 254;
const MAX_PASSWORD: usize = 1024;
const MAX_URL: usize = 2048;

/// "system", "en" or "de".
pub fn language(value: &str) -> Result<&str, CoreError> {
    match value {
        "system" | "en" | "de" => Ok(value),
        _ => Err(CoreError::field(
            "language",
            "Choose System, English or German.",
            "Wählen Sie System, Englisch oder Deutsch.",
        )),
    }
}

/// The error of an empty e-mail address field.
pub(crate) fn no_email() -> CoreError {
    CoreError::field(
        "email",
        "Enter the e-mail address of your Servercow account.",
        "Geben Sie die E-Mail-Adresse Ihres Servercow-Kontos ein.",
    )
}

/// The login's e-mail address, trimmed.
pub fn email(value: &str) -> Result<&str, CoreError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(no_email());
    }
    if value.len() > MAX_EMAIL {
        return Err(CoreError::field(
            "email",
            "This e-mail address is too long.",
            "Diese E-Mail-Adresse ist zu lang.",
        ));
    }
    Ok(value)
}

/// A password as typed: not empty, at most 1,024 bytes.
pub fn password(value: &str) -> Result<&str, CoreError> {
    if value.is_empty() {
        return Err(CoreError::field(
            "password",
            "Enter your password.",
            "Geben Sie Ihr Passwort ein.",
        ));
    }
    if value.len() > MAX_PASSWORD {
        return Err(CoreError::field(
            "password",
            "This password is too long.",
            "Dieses Passwort ist zu lang.",
        ));
    }
    Ok(value)
}

/// The customer portal's address, trimmed (the portal client checks the scheme).
pub fn server(value: &str) -> Result<&str, CoreError> {
    let value = value.trim();
    if value.is_empty() || value.len() > MAX_URL {
        return Err(CoreError::field(
            "server",
            "Enter the address of the customer portal.",
            "Geben Sie die Adresse des Kundenportals ein.",
        ));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_known_languages_are_accepted() {
        assert!(language("de").is_ok());
        assert!(language("system").is_ok());
        assert!(language("fr").is_err());
    }

    #[test]
    fn empty_credentials_name_the_field() {
        let err = email("  ").unwrap_err().info();
        assert!(err.fields.contains_key("email"));
        let err = password("").unwrap_err().info();
        assert!(err.fields.contains_key("password"));
        assert!(password(&"x".repeat(1025)).is_err());
        assert_eq!(email(" a@b.de ").unwrap(), "a@b.de");
        assert!(server(" ")
            .unwrap_err()
            .info()
            .fields
            .contains_key("server"));
    }
}
