//! What the mailcow connection forms send: the mailcow's address, the domain
//! administrator, an authenticator code, an API key and a connection id.

use crate::error::CoreError;

const MAX_EMAIL: usize = 254;
const MAX_URL: usize = 2048;
const MAX_CONNECTION_ID: usize = 64;
const MAX_API_KEY: usize = 256;
const CONNECTION_PREFIX: &str = "mailcow-";

/// A mailcow's address, trimmed: https (plain http only to this computer, which the
/// connection checks).
pub fn url(value: &str) -> Result<&str, CoreError> {
    let value = value.trim();
    if value.is_empty() || value.len() > MAX_URL {
        return Err(CoreError::field(
            "url",
            "Enter the mailcow's address, e.g. https://mail.example.com.",
            "Geben Sie die Adresse des mailcow ein, z. B. https://mail.example.com.",
        ));
    }
    Ok(value)
}

/// The domain administrator: on the hosted mailcow the Servercow account's e-mail address.
pub fn user(value: &str) -> Result<&str, CoreError> {
    let value = value.trim();
    if value.is_empty() || value.len() > MAX_EMAIL {
        return Err(CoreError::field(
            "user",
            "Enter the e-mail address of your Servercow account (the domain administrator).",
            "Geben Sie die E-Mail-Adresse Ihres Servercow-Kontos ein (der Domain-Administrator).",
        ));
    }
    Ok(value)
}

/// The six digits of an authenticator app, trimmed.
pub fn totp(value: &str) -> Result<&str, CoreError> {
    let value = value.trim();
    if value.len() != 6 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CoreError::field(
            "totp",
            "Enter the six digits your authenticator app shows.",
            "Geben Sie die sechs Ziffern ein, die Ihre Authenticator-App zeigt.",
        ));
    }
    Ok(value)
}

/// A Managed mailcow's API key, trimmed.
pub fn api_key(value: &str) -> Result<&str, CoreError> {
    let value = value.trim();
    if value.is_empty() || value.len() > MAX_API_KEY {
        return Err(CoreError::field(
            "apiKey",
            "Enter the API key from the mailcow admin interface (Configuration › Access › API).",
            "Geben Sie den API-Schlüssel aus der mailcow-Administration ein (Konfiguration › Zugang › API).",
        ));
    }
    Ok(value)
}

/// A connection id as the core makes them (`mailcow-` and hex digits).
pub fn connection_id(value: &str) -> Result<&str, CoreError> {
    let ok = value.len() <= MAX_CONNECTION_ID
        && value
            .strip_prefix(CONNECTION_PREFIX)
            .is_some_and(|rest| rest.bytes().all(|b| b.is_ascii_hexdigit()));
    if !ok {
        return Err(CoreError::field(
            "connection",
            "This connection is not known.",
            "Diese Verbindung ist nicht bekannt.",
        ));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mailcow_inputs_are_checked() {
        assert!(totp("123456").is_ok());
        assert!(totp("12345").is_err());
        assert!(totp("12a456").is_err());
        assert!(connection_id("mailcow-0a1b2c").is_ok());
        assert!(connection_id("acc-1").is_err());
        assert!(connection_id("mailcow-../x").is_err());
        assert!(url(" ").is_err());
        assert!(user("").is_err());
        assert_eq!(api_key(" key ").unwrap(), "key");
        assert!(api_key("  ").is_err());
        assert!(api_key(&"k".repeat(257)).is_err());
        let err = connection_id("x").unwrap_err().info();
        assert!(err.fields.contains_key("connection"));
    }
}
