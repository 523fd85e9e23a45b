//! Input rules, in one place, each failing with a message that names the problem.

use crate::error::CoreError;

pub mod billing;
pub mod ids;
pub mod mailbox;
pub mod mailcow;
pub mod mandate;
pub mod sepa;
pub mod signin;
pub mod support;

pub use ids::{
    account_id, is_id, is_reference, is_secret_id, mandate_id, reference, row_key, ticket_id,
};
pub use mailbox::{mailbox_address, MailboxAddress};

const MAX_EMAIL: usize = 254;
/// Longer search texts of a list are typing mistakes (an address is at most 254 characters).
const MAX_SEARCH: usize = 256;

/// A list's search text.
pub fn search(text: &str) -> Result<(), CoreError> {
    if text.chars().count() > MAX_SEARCH {
        return Err(CoreError::field(
            "search",
            "The search text is too long.",
            "Der Suchtext ist zu lang.",
        ));
    }
    Ok(())
}

/// A plausible e-mail address: one `@`, a local part, a domain with a dot, no spaces.
pub fn email(value: &str) -> Result<&str, CoreError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(signin::no_email());
    }
    let well_formed = value.len() <= MAX_EMAIL
        && !value.chars().any(char::is_whitespace)
        && match value.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !domain.contains("..")
            }
            None => false,
        };
    if well_formed {
        Ok(value)
    } else {
        Err(CoreError::field(
            "email",
            "This is not a valid e-mail address (name@example.de).",
            "Das ist keine gültige E-Mail-Adresse (name@beispiel.de).",
        ))
    }
}

pub fn password(value: &str) -> Result<&str, CoreError> {
    if value.is_empty() {
        Err(CoreError::field(
            "password",
            "Enter your password.",
            "Geben Sie Ihr Passwort ein.",
        ))
    } else {
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert_eq!(
            email(" anna@mueller-webdesign.de ").unwrap(),
            "anna@mueller-webdesign.de"
        );
        for bad in [
            "", "anna", "anna@", "@x.de", "a@b", "a b@c.de", "a@b..de", "a@.de", "a@b.de.",
        ] {
            assert!(email(bad).is_err(), "{bad:?} accepted");
        }
        assert!(email(&format!("{}@x.de", "a".repeat(260))).is_err());
    }

    #[test]
    fn empty_password_is_refused() {
        assert!(password("").is_err());
        assert!(password(" x ").is_ok());
    }
}
