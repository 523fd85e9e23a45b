//! Checks on IPC arguments before anything reaches the core: the webview is not trusted
//! to send well-formed values.

use super::error::invalid_input;
use super::CmdResult;

const MAX_EMAIL: usize = 254;
const MAX_PASSWORD: usize = 1024;
const MAX_URL: usize = 2048;

/// The rule is core's (`validate::account_id`), shared with everything else that takes ids.
pub fn account_id(value: &str) -> CmdResult<&str> {
    cowdesk_core::validate::account_id(value).map_err(|e| e.info())
}

pub fn language(value: &str) -> CmdResult<&str> {
    match value {
        "system" | "en" | "de" => Ok(value),
        _ => Err(invalid_input(
            "language",
            "Choose System, English or German.",
            "Wählen Sie System, Englisch oder Deutsch.",
        )),
    }
}

pub fn email(value: &str) -> CmdResult<&str> {
    let value = value.trim();
    if value.is_empty() {
        return Err(invalid_input(
            "email",
            "Enter the e-mail address of your Servercow account.",
            "Geben Sie die E-Mail-Adresse Ihres Servercow-Kontos ein.",
        ));
    }
    if value.len() > MAX_EMAIL {
        return Err(invalid_input(
            "email",
            "This e-mail address is too long.",
            "Diese E-Mail-Adresse ist zu lang.",
        ));
    }
    Ok(value)
}

pub fn password(value: &str) -> CmdResult<&str> {
    if value.is_empty() {
        return Err(invalid_input(
            "password",
            "Enter your password.",
            "Geben Sie Ihr Passwort ein.",
        ));
    }
    if value.len() > MAX_PASSWORD {
        return Err(invalid_input(
            "password",
            "This password is too long.",
            "Dieses Passwort ist zu lang.",
        ));
    }
    Ok(value)
}

pub fn server(value: &str) -> CmdResult<&str> {
    let value = value.trim();
    if value.is_empty() || value.len() > MAX_URL {
        return Err(invalid_input(
            "server",
            "Enter the address of the customer portal.",
            "Geben Sie die Adresse des Kundenportals ein.",
        ));
    }
    Ok(value)
}

/// A mailcow's address: https (plain http only to this computer, which the core checks).
pub fn mailcow_url(value: &str) -> CmdResult<&str> {
    let value = value.trim();
    if value.is_empty() || value.len() > MAX_URL {
        return Err(invalid_input(
            "url",
            "Enter the mailcow's address, e.g. https://mail.example.com.",
            "Geben Sie die Adresse des mailcow ein, z. B. https://mail.example.com.",
        ));
    }
    Ok(value)
}

/// The domain administrator: on the hosted mailcow the Servercow account's e-mail address.
pub fn mailcow_user(value: &str) -> CmdResult<&str> {
    let value = value.trim();
    if value.is_empty() || value.len() > MAX_EMAIL {
        return Err(invalid_input(
            "user",
            "Enter the e-mail address of your Servercow account (the domain administrator).",
            "Geben Sie die E-Mail-Adresse Ihres Servercow-Kontos ein (der Domain-Administrator).",
        ));
    }
    Ok(value)
}

/// The six digits of an authenticator app.
pub fn totp(value: &str) -> CmdResult<&str> {
    let value = value.trim();
    if value.len() != 6 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid_input(
            "totp",
            "Enter the six digits your authenticator app shows.",
            "Geben Sie die sechs Ziffern ein, die Ihre Authenticator-App zeigt.",
        ));
    }
    Ok(value)
}

/// A connection id as the core makes them (`mailcow-` and hex digits).
pub fn connection_id(value: &str) -> CmdResult<&str> {
    let ok = value.len() <= 64
        && value.starts_with("mailcow-")
        && value["mailcow-".len()..]
            .bytes()
            .all(|b| b.is_ascii_hexdigit());
    if !ok {
        return Err(invalid_input(
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
    fn account_ids_are_checked() {
        assert!(account_id("acc-100001").is_ok());
        assert!(account_id("").is_err());
        assert!(account_id("../etc").is_err());
        assert!(account_id("acc 1").is_err());
        assert!(account_id(&"a".repeat(65)).is_err());
    }

    #[test]
    fn mailcow_inputs_are_checked() {
        assert!(totp("123456").is_ok());
        assert!(totp("12345").is_err());
        assert!(totp("12a456").is_err());
        assert!(connection_id("mailcow-0a1b2c").is_ok());
        assert!(connection_id("acc-1").is_err());
        assert!(connection_id("mailcow-../x").is_err());
        assert!(mailcow_url(" ").is_err());
        assert!(mailcow_user("").is_err());
    }

    #[test]
    fn only_known_languages_are_accepted() {
        assert!(language("de").is_ok());
        assert!(language("system").is_ok());
        assert!(language("fr").is_err());
    }

    #[test]
    fn empty_credentials_name_the_field() {
        let err = email("  ").unwrap_err();
        assert!(err.fields.contains_key("email"));
        let err = password("").unwrap_err();
        assert!(err.fields.contains_key("password"));
        assert!(password(&"x".repeat(1025)).is_err());
        assert_eq!(email(" a@b.de ").unwrap(), "a@b.de");
    }
}
