//! Ids and references as the window and the command line send them: checked once here
//! before they reach a query, a URL path or a file name.

use crate::error::CoreError;

/// The longest id or reference accepted.
pub const MAX_ID: usize = 64;

/// Account, mandate and approval ids: 1 to 64 letters, digits, `-` and `_`.
pub fn is_id(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= MAX_ID
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Invoice numbers and service ids (they also name files): 1 to 64 letters, digits, `-`,
/// `_` and `.`, not starting with a dot.
pub fn is_reference(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= MAX_ID
        && !value.starts_with('.')
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// The id a Yopass server gives a secret: 1 to 64 letters, digits and `-`.
pub fn is_secret_id(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= MAX_ID
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// The longest ticket id accepted.
pub const MAX_TICKET_ID: usize = 128;

/// An invoice number or service id, or a form error on `field`.
pub fn reference<'a>(value: &'a str, field: &str) -> Result<&'a str, CoreError> {
    if is_reference(value) {
        Ok(value)
    } else {
        Err(CoreError::field(
            field,
            "This reference is not valid.",
            "Diese Referenz ist ungültig.",
        ))
    }
}

/// A support ticket's id: 1 to 128 letters, digits, `-`, `_` and `.`, or a form error on
/// `ticketId`.
pub fn ticket_id(value: &str) -> Result<&str, CoreError> {
    let ok = !value.is_empty()
        && value.len() <= MAX_TICKET_ID
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if ok {
        Ok(value)
    } else {
        Err(CoreError::field(
            "ticketId",
            "This ticket id is not valid.",
            "Diese Ticket-ID ist ungültig.",
        ))
    }
}

/// A mandate or approval id, or a form error on the field `mandate`.
pub fn mandate_id(value: &str) -> Result<&str, CoreError> {
    if is_id(value) {
        Ok(value)
    } else {
        Err(CoreError::field(
            "mandate",
            "This mandate id is not valid.",
            "Diese Mandats-ID ist ungültig.",
        ))
    }
}

/// An account id, or a form error on the field `accountId`.
pub fn account_id(value: &str) -> Result<&str, CoreError> {
    if is_id(value) {
        Ok(value)
    } else {
        Err(CoreError::field(
            "accountId",
            "This account id is not valid.",
            "Diese Konto-ID ist ungültig.",
        ))
    }
}

/// The longest key of a cached row a lookup accepts (an e-mail address's limit).
pub const MAX_ROW_KEY: usize = 320;

/// The key of a cached row to look up (a mailbox address, a domain name): 1 to 320
/// characters, no control characters; or a form error on `field`. Only compared with the
/// cache's keys, never put into a path or a file name.
pub fn row_key<'a>(value: &'a str, field: &str) -> Result<&'a str, CoreError> {
    let ok = !value.is_empty()
        && value.chars().count() <= MAX_ROW_KEY
        && !value.chars().any(char::is_control);
    if ok {
        Ok(value)
    } else {
        Err(CoreError::field(
            field,
            "This entry is not valid.",
            "Dieser Eintrag ist ungültig.",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_letters_digits_dash_underscore() {
        assert!(is_id("acc-100001"));
        assert!(is_id("acc_1"));
        for bad in ["", "../etc", "acc 1", "a.b", "a/b"] {
            assert!(!is_id(bad), "{bad:?}");
        }
        assert!(is_id(&"a".repeat(64)));
        assert!(!is_id(&"a".repeat(65)));
        assert!(account_id("acc-1").is_ok());
        let err = account_id("acc 1").unwrap_err().info();
        assert!(err.fields.contains_key("accountId"));
    }

    #[test]
    fn row_keys_are_bounded_and_free_of_control_characters() {
        assert!(row_key("info@mueller-webdesign.de", "address").is_ok());
        assert!(row_key("bäckerei-schmidt.de", "name").is_ok());
        assert!(row_key(&"ä".repeat(MAX_ROW_KEY), "name").is_ok());
        for bad in ["", "a\nb", "a\u{0}b", &"a".repeat(MAX_ROW_KEY + 1)] {
            let err = row_key(bad, "address").unwrap_err().info();
            assert!(err.fields.contains_key("address"), "{bad:?}");
        }
    }

    #[test]
    fn references_may_hold_dots_but_not_start_with_one() {
        assert!(is_reference("RE-2026-000123"));
        assert!(is_reference("svc.1"));
        for bad in ["", ".hidden", "..", "a/b", "a b", "ä"] {
            assert!(!is_reference(bad), "{bad:?}");
        }
        assert!(!is_reference(&"a".repeat(65)));
    }

    #[test]
    fn billing_ipc_references_are_checked() {
        assert!(reference("RE-2026-000123", "number").is_ok());
        assert!(reference("acc-100001-s4", "service_id").is_ok());
        for bad in ["", "../x", ".x", "a/b", "a b", &"x".repeat(65)] {
            let err = reference(bad, "number").unwrap_err().info();
            assert!(err.fields.contains_key("number"), "{bad:?}");
        }
    }

    #[test]
    fn support_ticket_ids_are_checked() {
        assert!(ticket_id("acc-100001-t1").is_ok());
        assert!(ticket_id("../etc").is_err());
        assert!(ticket_id("").is_err());
    }

    #[test]
    fn support_secret_ids_are_letters_digits_dash() {
        assert!(is_secret_id("a1-B2"));
        for bad in ["", "a_b", "a.b", "a/b"] {
            assert!(!is_secret_id(bad), "{bad:?}");
        }
        assert!(!is_secret_id(&"a".repeat(65)));
    }

    #[test]
    fn account_ids_are_checked() {
        assert!(account_id("acc-100001").is_ok());
        assert!(account_id("").is_err());
        assert!(account_id("../etc").is_err());
        assert!(account_id("acc 1").is_err());
        assert!(account_id(&"a".repeat(65)).is_err());
    }
}
