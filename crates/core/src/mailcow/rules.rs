//! Input rules for mailcow changes, checked before anything is sent: the FAQ's
//! characters for the part before the @ (validate::mailbox), names, quotas in MiB within
//! the domain's allowance, alias addresses and targets. Each refusal names its field.

use super::error::MailcowError;
use super::model::{MailboxChange, MailcowDomain, MailcowMailbox, NewAlias, NewMailbox, MIB};
use crate::domains::domain_name;
use crate::error::CoreError;
use crate::validate::mailbox as faq;

const MAX_NAME: usize = 255;
/// Far beyond a typed or generated password; bounds what an IPC call or a CSV cell can send.
const MAX_PASSWORD: usize = 1024;
/// An alias's targets as mailcow's form takes them; bounds a pasted list.
const MAX_TARGETS: usize = 1000;
/// mailcow keeps quotas as 64-bit bytes; 2^40 MiB is far beyond any allowance.
const MAX_QUOTA_MIB: u64 = 1 << 40;

fn from_core(field: &str, err: CoreError) -> MailcowError {
    match err {
        CoreError::InvalidInput {
            message,
            message_de,
            ..
        } => MailcowError::invalid(field, message, message_de),
        other => {
            let info = other.info();
            MailcowError::invalid(field, info.message, info.message_de)
        }
    }
}

/// The part before the @, by the FAQ's rule; mailcow stores it in lower case.
pub fn local_part(value: &str) -> Result<String, MailcowError> {
    faq::local_part(value.trim())
        .map(|l| l.to_ascii_lowercase())
        .map_err(|e| from_core("local_part", e))
}

pub fn domain(value: &str) -> Result<String, MailcowError> {
    domain_name(value).map_err(|e| from_core("domain", e))
}

/// A display name: any text without control characters, at most 255 characters.
pub fn name(value: &str) -> Result<String, MailcowError> {
    let value = value.trim();
    if value.chars().any(char::is_control) {
        return Err(MailcowError::invalid(
            "name",
            "The name may not contain line breaks or control characters.",
            "Der Name darf keine Zeilenumbrüche oder Steuerzeichen enthalten.",
        ));
    }
    if value.chars().count() > MAX_NAME {
        return Err(MailcowError::invalid(
            "name",
            format!("The name is too long (at most {MAX_NAME} characters)."),
            format!("Der Name ist zu lang (höchstens {MAX_NAME} Zeichen)."),
        ));
    }
    Ok(value.to_owned())
}

/// A quota in MiB: at least 1 (0 would mean unlimited, which a domain administrator may
/// not set).
pub fn quota_mib(value: u64) -> Result<u64, MailcowError> {
    if value == 0 {
        return Err(MailcowError::invalid(
            "quota_mib",
            "Enter a quota of at least 1 MiB.",
            "Geben Sie eine Quota von mindestens 1 MiB ein.",
        ));
    }
    if value > MAX_QUOTA_MIB {
        return Err(MailcowError::invalid(
            "quota_mib",
            "This quota is too large.",
            "Diese Quota ist zu groß.",
        ));
    }
    Ok(value)
}

/// A quota typed as text (a form field, a CSV cell): a whole number of MiB.
pub fn parse_quota_mib(text: &str) -> Result<u64, MailcowError> {
    let text = text.trim();
    let digits = text
        .strip_suffix("MiB")
        .or_else(|| text.strip_suffix("MB"))
        .unwrap_or(text)
        .trim();
    match digits.parse::<u64>() {
        Ok(n) => quota_mib(n),
        Err(_) => Err(MailcowError::invalid(
            "quota_mib",
            format!("“{text}” is not a quota: enter a whole number of MiB (1024 MiB = 1 GiB)."),
            format!("„{text}“ ist keine Quota: Geben Sie eine ganze Zahl in MiB ein (1024 MiB = 1 GiB)."),
        )),
    }
}

pub fn password(value: &str) -> Result<(), MailcowError> {
    if value.is_empty() {
        return Err(MailcowError::invalid(
            "password",
            "Enter a password, or let cowdesk generate one.",
            "Geben Sie ein Passwort ein oder lassen Sie cowdesk eines erzeugen.",
        ));
    }
    if value.len() > MAX_PASSWORD {
        return Err(MailcowError::invalid(
            "password",
            "This password is too long.",
            "Dieses Passwort ist zu lang.",
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(MailcowError::invalid(
            "password",
            "The password may not contain line breaks or control characters.",
            "Das Passwort darf keine Zeilenumbrüche oder Steuerzeichen enthalten.",
        ));
    }
    Ok(())
}

/// The shape of a new mailbox (without the domain's allowance).
pub fn new_mailbox(mailbox: &NewMailbox) -> Result<(), MailcowError> {
    local_part(&mailbox.local_part)?;
    domain(&mailbox.domain)?;
    name(&mailbox.name)?;
    quota_mib(mailbox.quota_mib)?;
    password(mailbox.password.expose())
}

pub fn mailbox_change(change: &MailboxChange) -> Result<(), MailcowError> {
    if change.is_empty() {
        return Err(MailcowError::invalid(
            "name",
            "Nothing to change.",
            "Nichts zu ändern.",
        ));
    }
    if let Some(n) = &change.name {
        // mailcow keeps the old name when it gets an empty one.
        if name(n)?.is_empty() {
            return Err(MailcowError::invalid(
                "name",
                "Enter a name.",
                "Geben Sie einen Namen ein.",
            ));
        }
    }
    if let Some(q) = change.quota_mib {
        quota_mib(q)?;
    }
    Ok(())
}

fn mib(bytes: u64) -> u64 {
    bytes / MIB
}

/// Whether a quota fits the domain: at most the per-mailbox maximum, and at most what
/// the domain has not yet given out (plus what the mailbox has now, for a change).
fn quota_fits(quota: u64, domain: &MailcowDomain, current_bytes: u64) -> Result<(), MailcowError> {
    let max = mib(domain.max_mailbox_quota_bytes);
    if domain.max_mailbox_quota_bytes > 0 && quota > max {
        return Err(MailcowError::invalid(
            "quota_mib",
            format!("A mailbox of {} may have at most {max} MiB.", domain.name),
            format!(
                "Ein Postfach von {} darf höchstens {max} MiB haben.",
                domain.name
            ),
        ));
    }
    let left = mib(domain.quota_left_bytes().saturating_add(current_bytes));
    if domain.storage_allowed_bytes > 0 && quota > left {
        return Err(MailcowError::invalid(
            "quota_mib",
            format!(
                "{} has only {left} MiB of storage left to give.",
                domain.name
            ),
            format!(
                "{} hat nur noch {left} MiB Speicher zu vergeben.",
                domain.name
            ),
        ));
    }
    Ok(())
}

/// A new mailbox within the domain's allowance: a free mailbox slot and the quota.
pub fn new_mailbox_fits(mailbox: &NewMailbox, domain: &MailcowDomain) -> Result<(), MailcowError> {
    if domain.mailboxes_left() == 0 {
        return Err(MailcowError::invalid(
            "local_part",
            format!(
                "{} has all the mailboxes it may have ({} of {}).",
                domain.name, domain.mailboxes_used, domain.mailboxes_allowed
            ),
            format!(
                "{} hat alle Postfächer, die sie haben darf ({} von {}).",
                domain.name, domain.mailboxes_used, domain.mailboxes_allowed
            ),
        ));
    }
    quota_fits(mailbox.quota_mib, domain, 0)
}

/// A new quota for an existing mailbox within the domain's allowance.
pub fn quota_change_fits(
    mailbox: &MailcowMailbox,
    quota: u64,
    domain: &MailcowDomain,
) -> Result<(), MailcowError> {
    quota_mib(quota)?;
    quota_fits(quota, domain, mailbox.quota_bytes)
}

/// A full address `local@domain` (a target may be outside the mailcow, so only its shape
/// is checked).
fn target(value: &str) -> Result<String, MailcowError> {
    let bad = || {
        MailcowError::invalid(
            "targets",
            format!("“{value}” is not an e-mail address."),
            format!("„{value}“ ist keine E-Mail-Adresse."),
        )
    };
    let value = value.trim().to_ascii_lowercase();
    let (local, dom) = value.rsplit_once('@').ok_or_else(bad)?;
    if local.is_empty()
        || local
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == ',')
    {
        return Err(bad());
    }
    domain_name(dom).map_err(|_| bad())?;
    Ok(value)
}

/// An alias, normalised: the address (`local@domain` by the FAQ's rule, or `@domain` to
/// catch all), one or more targets, none the address itself.
pub fn new_alias(alias: &NewAlias) -> Result<NewAlias, MailcowError> {
    let raw = alias.address.trim();
    let address = match raw.rsplit_once('@') {
        Some(("", dom)) => format!("@{}", domain(dom).map_err(|e| rename(e, "address"))?),
        Some(_) => faq::mailbox_address(raw)
            .map_err(|e| from_core("address", e))?
            .address()
            .to_ascii_lowercase(),
        None => {
            return Err(MailcowError::invalid(
                "address",
                "An alias address needs an @ (name@example.de, or @example.de for every address of the domain).",
                "Eine Alias-Adresse braucht ein @ (name@beispiel.de oder @beispiel.de für alle Adressen der Domain).",
            ))
        }
    };
    if alias.targets.len() > MAX_TARGETS {
        return Err(MailcowError::invalid(
            "targets",
            format!("An alias forwards to at most {MAX_TARGETS} addresses."),
            format!("Ein Alias leitet an höchstens {MAX_TARGETS} Adressen weiter."),
        ));
    }
    let mut targets = Vec::new();
    for t in alias.targets.iter().filter(|t| !t.trim().is_empty()) {
        let t = target(t)?;
        if t == address {
            return Err(MailcowError::invalid(
                "targets",
                "An alias cannot forward to its own address.",
                "Ein Alias kann nicht an die eigene Adresse weiterleiten.",
            ));
        }
        if !targets.contains(&t) {
            targets.push(t);
        }
    }
    if targets.is_empty() {
        return Err(MailcowError::invalid(
            "targets",
            "Enter at least one target address.",
            "Geben Sie mindestens eine Zieladresse ein.",
        ));
    }
    Ok(NewAlias {
        address,
        targets,
        active: alias.active,
    })
}

fn rename(err: MailcowError, field: &str) -> MailcowError {
    match err {
        MailcowError::Invalid {
            message,
            message_de,
            ..
        } => MailcowError::invalid(field, message, message_de),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::portal::Sensitive;

    fn domain_with(left_mib: u64, max_mib: u64, slots: u64) -> MailcowDomain {
        MailcowDomain {
            name: "example.test".into(),
            active: true,
            mailboxes_used: 20 - slots,
            mailboxes_allowed: 20,
            aliases_used: 0,
            aliases_allowed: 400,
            storage_used_bytes: 0,
            storage_assigned_bytes: (20480 - left_mib) * MIB,
            storage_allowed_bytes: 20480 * MIB,
            max_mailbox_quota_bytes: max_mib * MIB,
            default_mailbox_quota_bytes: 1024 * MIB,
        }
    }

    fn new(local: &str, quota: u64) -> NewMailbox {
        NewMailbox {
            local_part: local.into(),
            domain: "example.test".into(),
            name: "N".into(),
            quota_mib: quota,
            password: Sensitive::new("pw".into()),
            active: true,
        }
    }

    fn field(err: MailcowError) -> String {
        err.field().unwrap_or_default().to_owned()
    }

    #[test]
    fn mailcow_local_part_follows_the_faq() {
        assert_eq!(local_part("Max.Muster-1_a").unwrap(), "max.muster-1_a");
        let err = local_part("max+news").unwrap_err();
        assert_eq!(field(err), "local_part");
        assert!(new_mailbox(&new("jürgen", 10)).is_err());
    }

    #[test]
    fn mailcow_quota_must_fit_the_domain() {
        let d = domain_with(1000, 500, 3);
        assert!(new_mailbox_fits(&new("a", 500), &d).is_ok());
        let too_big = new_mailbox_fits(&new("a", 501), &d).unwrap_err();
        assert_eq!(field(too_big), "quota_mib");
        let d = domain_with(300, 20480, 3);
        let (kind, en, de) = new_mailbox_fits(&new("a", 301), &d).unwrap_err().describe();
        assert_eq!(kind, cowdesk_model::ErrorKind::InvalidInput);
        assert!(en.contains("300 MiB") && de.contains("300 MiB"), "{en}");
        let full = domain_with(300, 20480, 0);
        assert!(new_mailbox_fits(&new("a", 1), &full).is_err());
        // A change may use what the mailbox already has.
        let mailbox = MailcowMailbox {
            address: "a@example.test".into(),
            local_part: "a".into(),
            domain: "example.test".into(),
            name: String::new(),
            quota_bytes: 200 * MIB,
            used_bytes: 0,
            percent: Some(0),
            messages: 0,
            active: true,
            last_login: None,
        };
        assert!(quota_change_fits(&mailbox, 500, &d).is_ok());
        assert!(quota_change_fits(&mailbox, 501, &d).is_err());
        assert!(quota_change_fits(&mailbox, 0, &d).is_err());
    }

    #[test]
    fn mailcow_quota_text_is_whole_mib() {
        assert_eq!(parse_quota_mib(" 1024 ").unwrap(), 1024);
        assert_eq!(parse_quota_mib("512 MiB").unwrap(), 512);
        for bad in ["", "1.5", "-3", "zwei", "0"] {
            assert_eq!(
                field(parse_quota_mib(bad).unwrap_err()),
                "quota_mib",
                "{bad}"
            );
        }
    }

    #[test]
    fn mailcow_alias_rules() {
        let ok = new_alias(&NewAlias {
            address: " Info@Example.test ".into(),
            targets: vec!["A@x.de".into(), "a@x.de".into(), "b@y.de".into()],
            active: true,
        })
        .unwrap();
        assert_eq!(ok.address, "info@example.test");
        assert_eq!(ok.targets, ["a@x.de", "b@y.de"]);
        let catch_all = new_alias(&NewAlias {
            address: "@Example.test".into(),
            targets: vec!["a@x.de".into()],
            active: true,
        })
        .unwrap();
        assert_eq!(catch_all.address, "@example.test");
        for (address, targets, expected) in [
            ("info", vec!["a@x.de"], "address"),
            ("in fo@example.test", vec!["a@x.de"], "address"),
            ("info@example.test", vec![], "targets"),
            ("info@example.test", vec!["nobody"], "targets"),
            ("info@example.test", vec!["info@example.test"], "targets"),
            ("info@example.test", vec![" ", ""], "targets"),
        ] {
            let err = new_alias(&NewAlias {
                address: address.into(),
                targets: targets.into_iter().map(String::from).collect(),
                active: true,
            })
            .unwrap_err();
            assert_eq!(field(err), expected, "{address}");
        }
        // Empty lines of a pasted list are dropped; a list beyond mailcow's form is refused.
        let blank_lines = new_alias(&NewAlias {
            address: "info@example.test".into(),
            targets: vec!["".into(), " a@x.de ".into(), " ".into()],
            active: true,
        })
        .unwrap();
        assert_eq!(blank_lines.targets, ["a@x.de"]);
        let too_many = new_alias(&NewAlias {
            address: "info@example.test".into(),
            targets: (0..=MAX_TARGETS).map(|i| format!("t{i}@x.de")).collect(),
            active: true,
        })
        .unwrap_err();
        assert_eq!(field(too_many), "targets");
    }

    #[test]
    fn mailcow_passwords_are_bounded_and_single_line() {
        assert!(password("Mb-Pass-12345!").is_ok());
        for bad in ["", "two\nlines", &"x".repeat(MAX_PASSWORD + 1)] {
            assert_eq!(field(password(bad).unwrap_err()), "password");
        }
    }

    #[test]
    fn mailcow_names_and_changes() {
        assert!(name("Anna Müller").is_ok());
        assert!(name("a\nb").is_err());
        assert!(name(&"x".repeat(256)).is_err());
        assert!(mailbox_change(&MailboxChange::default()).is_err());
        assert!(mailbox_change(&MailboxChange {
            name: Some(" ".into()),
            ..Default::default()
        })
        .is_err());
        assert!(mailbox_change(&MailboxChange {
            active: Some(false),
            ..Default::default()
        })
        .is_ok());
    }
}
