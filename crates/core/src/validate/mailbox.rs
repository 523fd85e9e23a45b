//! Mailbox addresses on the hosted mailcow. The FAQ ("Which characters are allowed in
//! mailbox addresses?") allows only `a-z A-Z 0-9 . - _` before the `@`; a message names
//! the first character that is not allowed, so the user knows what to change.

use crate::domains::domain_name;
use crate::error::CoreError;

/// RFC 5321: a local part has at most 64 octets.
const MAX_LOCAL: usize = 64;

/// A checked mailbox address: the local part as typed, the domain in lower case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailboxAddress {
    pub local: String,
    pub domain: String,
}

impl MailboxAddress {
    pub fn address(&self) -> String {
        format!("{}@{}", self.local, self.domain)
    }
}

impl std::fmt::Display for MailboxAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}@{}", self.local, self.domain)
    }
}

/// The characters the hosted mailcow accepts in a local part.
pub fn local_part_char_allowed(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')
}

fn invalid(message: String, message_de: String) -> CoreError {
    CoreError::field("address", &message, &message_de)
}

/// How a character is named in a message: quoted, and spelt out when it would be
/// invisible or confusing on its own.
fn describe(c: char) -> (String, String) {
    match c {
        ' ' => ("a space".into(), "ein Leerzeichen".into()),
        '\t' => ("a tab".into(), "ein Tabulator".into()),
        c if invisible(c) => {
            let code = format!("U+{:04X}", c as u32);
            (
                format!("the invisible character {code}"),
                format!("das unsichtbare Zeichen {code}"),
            )
        }
        c => (format!("“{c}”"), format!("„{c}“")),
    }
}

/// Characters that print as nothing: spaces, control characters, zero-width and
/// direction marks, the byte-order mark, the soft hyphen.
fn invisible(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(c, '\u{00AD}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{FEFF}')
}

/// Checks the part before the `@`.
pub fn local_part(local: &str) -> Result<&str, CoreError> {
    if local.is_empty() {
        return Err(invalid(
            "Enter the part before the @ (for example info).".into(),
            "Geben Sie den Teil vor dem @ ein (zum Beispiel info).".into(),
        ));
    }
    if let Some(c) = local.chars().find(|c| !local_part_char_allowed(*c)) {
        let (en, de) = describe(c);
        return Err(invalid(
            format!(
                "{} is not allowed before the @. Use only letters a–z, digits, dot, hyphen and underscore.",
                capitalise(&en)
            ),
            format!(
                "{} ist vor dem @ nicht erlaubt. Erlaubt sind nur Buchstaben a–z, Ziffern, Punkt, Bindestrich und Unterstrich.",
                capitalise(&de)
            ),
        ));
    }
    if local.len() > MAX_LOCAL {
        return Err(invalid(
            format!("The part before the @ is too long (at most {MAX_LOCAL} characters)."),
            format!("Der Teil vor dem @ ist zu lang (höchstens {MAX_LOCAL} Zeichen)."),
        ));
    }
    if local.starts_with('.') || local.ends_with('.') {
        return Err(invalid(
            "The part before the @ may not start or end with a dot.".into(),
            "Der Teil vor dem @ darf nicht mit einem Punkt beginnen oder enden.".into(),
        ));
    }
    if local.contains("..") {
        return Err(invalid(
            "The part before the @ may not contain two dots in a row.".into(),
            "Der Teil vor dem @ darf keine zwei Punkte hintereinander enthalten.".into(),
        ));
    }
    Ok(local)
}

/// Checks a full mailbox address (`local@domain`); surrounding spaces are ignored.
pub fn mailbox_address(value: &str) -> Result<MailboxAddress, CoreError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(invalid(
            "Enter a mailbox address (name@example.de).".into(),
            "Geben Sie eine Postfach-Adresse ein (name@beispiel.de).".into(),
        ));
    }
    let Some((local, domain)) = value.rsplit_once('@') else {
        return Err(invalid(
            "A mailbox address needs an @ between name and domain (name@example.de).".into(),
            "Eine Postfach-Adresse braucht ein @ zwischen Name und Domain (name@beispiel.de)."
                .into(),
        ));
    };
    let local = local_part(local)?;
    let domain = domain_name(domain).map_err(|_| {
        invalid(
            format!("“{domain}” after the @ is not a valid domain name."),
            format!("„{domain}“ nach dem @ ist kein gültiger Domainname."),
        )
    })?;
    Ok(MailboxAddress {
        local: local.to_owned(),
        domain,
    })
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod mailsetup_tests {
    use super::*;

    fn messages(err: CoreError) -> (String, String) {
        match err {
            CoreError::InvalidInput {
                message,
                message_de,
                fields,
                ..
            } => {
                assert!(fields.contains_key("address"));
                (message, message_de)
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn every_faq_character_is_accepted() {
        let all = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_";
        for c in all.chars() {
            assert!(local_part_char_allowed(c), "{c:?} refused");
        }
        // The whole FAQ alphabet in two addresses (65 characters are more than a local
        // part may have), the dot not at either end; the case of the local part is kept.
        for local in [
            "a.bcdefghijklmnopqrstuvwxyz-_0123456789",
            "A.BCDEFGHIJKLMNOPQRSTUVWXYZ",
        ] {
            let parsed = mailbox_address(&format!(" {local}@Example.DE ")).unwrap();
            assert_eq!(parsed.local, local);
            assert_eq!(parsed.domain, "example.de");
            assert_eq!(parsed.address(), format!("{local}@example.de"));
        }
    }

    #[test]
    fn the_offending_character_is_named_in_both_languages() {
        for (address, en, de) in [
            ("max+news@a.de", "“+”", "„+“"),
            ("jürgen@a.de", "“ü”", "„ü“"),
            ("o'brien@a.de", "“'”", "„'“"),
            ("max mustermann@a.de", "A space", "Ein Leerzeichen"),
            ("tab\there@a.de", "A tab", "Ein Tabulator"),
            ("zero\u{200b}width@a.de", "U+200B", "U+200B"),
            (
                "bom\u{feff}@a.de",
                "invisible character U+FEFF",
                "unsichtbare Zeichen U+FEFF",
            ),
            ("nbsp\u{a0}@a.de", "U+00A0", "U+00A0"),
            ("a\"b@a.de", "“\"”", "„\"“"),
            ("first,second@a.de", "“,”", "„,“"),
        ] {
            let (message, message_de) = messages(mailbox_address(address).unwrap_err());
            assert!(message.contains(en), "{address}: {message}");
            assert!(message_de.contains(de), "{address}: {message_de}");
            assert!(message.contains("before the @"), "{message}");
            assert!(message_de.contains("vor dem @"), "{message_de}");
        }
    }

    #[test]
    fn the_first_bad_character_is_the_one_named() {
        let (message, _) = messages(mailbox_address("a+b!c@a.de").unwrap_err());
        assert!(
            message.contains("“+”") && !message.contains('!'),
            "{message}"
        );
    }

    #[test]
    fn shape_errors() {
        for (address, fragment) in [
            ("", "Enter a mailbox address"),
            ("   ", "Enter a mailbox address"),
            ("info", "needs an @"),
            ("@a.de", "part before the @"),
            (".info@a.de", "start or end with a dot"),
            ("info.@a.de", "start or end with a dot"),
            ("in..fo@a.de", "two dots"),
            ("info@", "not a valid domain"),
            ("info@localhost", "not a valid domain"),
            ("info@a..de", "not a valid domain"),
            ("info@-a.de", "not a valid domain"),
        ] {
            let (message, message_de) = messages(mailbox_address(address).unwrap_err());
            assert!(message.contains(fragment), "{address:?}: {message}");
            assert!(!message_de.is_empty());
        }
        // Only the last @ separates: an @ in the local part is a forbidden character.
        let (message, _) = messages(mailbox_address("a@b@c.de").unwrap_err());
        assert!(message.contains("“@”"), "{message}");
    }

    #[test]
    fn local_part_length_limit() {
        let ok = "a".repeat(MAX_LOCAL);
        assert!(mailbox_address(&format!("{ok}@a.de")).is_ok());
        let (message, _) = messages(mailbox_address(&format!("{ok}a@a.de")).unwrap_err());
        assert!(message.contains("too long"), "{message}");
    }

    #[test]
    fn single_characters_and_separators_alone_are_fine() {
        for local in ["a", "7", "a-b", "a_b", "a.b", "-", "_", "a-", "_a"] {
            assert!(local_part(local).is_ok(), "{local} refused");
        }
    }
}
