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
    fn references_may_hold_dots_but_not_start_with_one() {
        assert!(is_reference("RE-2026-000123"));
        assert!(is_reference("svc.1"));
        for bad in ["", ".hidden", "..", "a/b", "a b", "ä"] {
            assert!(!is_reference(bad), "{bad:?}");
        }
        assert!(!is_reference(&"a".repeat(65)));
    }
}
