//! mailcow's answer keys (`msg`: a key, or `[key, args…]`) worded in English and German,
//! with the form field each concerns. A key cowdesk does not know is shown in the
//! server's own words, marked as such.

use serde::Serialize;

/// Which write the answer belongs to: some keys concern different fields, and one
/// (`mailbox_quota_exceeded`) carries MiB after an add but bytes after an edit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    AddMailbox,
    EditMailbox,
    SetPassword,
    DeleteMailbox,
    AddAlias,
    DeleteAlias,
}

/// The type of one entry of a write answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Success,
    Info,
    Warning,
    Danger,
    Error,
}

impl Level {
    pub fn parse(value: &str) -> Option<Level> {
        Some(match value {
            "success" => Level::Success,
            "info" => Level::Info,
            "warning" => Level::Warning,
            "danger" => Level::Danger,
            "error" => Level::Error,
            _ => return None,
        })
    }
}

/// One entry of a write answer: `{type, msg}` with `msg` split into key and arguments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServerMessage {
    pub level: Level,
    pub key: String,
    pub args: Vec<String>,
}

impl ServerMessage {
    /// The server's own words: the key and its arguments.
    pub fn verbatim(&self) -> String {
        if self.args.is_empty() {
            self.key.clone()
        } else {
            format!("{} ({})", self.key, self.args.join(", "))
        }
    }
}

/// A write the server did not confirm, worded for the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Refusal {
    pub server: ServerMessage,
    /// The form field it concerns: `local_part`, `domain`, `name`, `quota_mib`,
    /// `password`, `active`, `address`, `targets`.
    pub field: Option<&'static str>,
    pub message: String,
    pub message_de: String,
    /// False when the key is unknown to cowdesk and the message quotes the server.
    pub translated: bool,
}

const MIB: u64 = 1024 * 1024;

/// Words the server's answer.
pub fn refusal(server: ServerMessage, op: Operation) -> Refusal {
    let arg = |i: usize| server.args.get(i).cloned().unwrap_or_default();
    let num = |i: usize| arg(i).trim().parse::<u64>().ok();
    let address_field = match op {
        Operation::AddAlias | Operation::DeleteAlias => "address",
        _ => "local_part",
    };
    let known: Option<(Option<&'static str>, String, String)> = match server.key.as_str() {
        "access_denied" => Some((
            None,
            "The mailcow refused: this login may not change that (not one of its domains, or not allowed for its role).".into(),
            "Der mailcow hat abgelehnt: Diese Anmeldung darf das nicht ändern (nicht eine ihrer Domains oder für ihre Rolle nicht erlaubt).".into(),
        )),
        "mailbox_invalid" => Some((
            Some("local_part"),
            "The mailcow considers this mailbox address invalid.".into(),
            "Der mailcow hält diese Postfach-Adresse für ungültig.".into(),
        )),
        "username_invalid" => Some((
            Some("local_part"),
            format!("“{}” cannot be used as a mailbox address.", arg(0)),
            format!("„{}“ kann nicht als Postfach-Adresse verwendet werden.", arg(0)),
        )),
        "domain_invalid" => Some((
            Some("domain"),
            "The domain name is empty or invalid.".into(),
            "Der Domainname ist leer oder ungültig.".into(),
        )),
        "domain_not_found" => Some((
            Some("domain"),
            format!("The domain {} does not exist on this mailcow.", arg(0)),
            format!("Die Domain {} gibt es auf diesem mailcow nicht.", arg(0)),
        )),
        "object_exists" => Some((
            Some(address_field),
            format!("{} already exists.", arg(0)),
            format!("{} gibt es bereits.", arg(0)),
        )),
        "is_alias" => Some((
            Some(address_field),
            format!("{} is already an alias address.", arg(0)),
            format!("{} ist bereits eine Alias-Adresse.", arg(0)),
        )),
        "is_alias_or_mailbox" => Some((
            Some("address"),
            format!("{} is already a mailbox, an alias or an address of an alias domain.", arg(0)),
            format!("{} ist bereits ein Postfach, ein Alias oder eine Adresse einer Alias-Domain.", arg(0)),
        )),
        "is_spam_alias" => Some((
            Some(address_field),
            format!("{} is already a temporary (spam) alias address.", arg(0)),
            format!("{} ist bereits eine temporäre (Spam-)Alias-Adresse.", arg(0)),
        )),
        "max_mailbox_exceeded" => Some((
            None,
            format!("The domain has all the mailboxes it may have ({} of {}). Delete one or ask for a larger allowance.", arg(0), arg(1)),
            format!("Die Domain hat alle Postfächer, die sie haben darf ({} von {}). Löschen Sie eines oder fragen Sie nach einem größeren Kontingent.", arg(0), arg(1)),
        )),
        "max_alias_exceeded" => Some((
            None,
            "The domain has all the aliases it may have.".into(),
            "Die Domain hat alle Aliasse, die sie haben darf.".into(),
        )),
        "mailbox_quota_exceeded" => {
            // After an add the limit is in MiB, after an edit in bytes.
            let limit = num(0).map(|n| if op == Operation::EditMailbox { n / MIB } else { n });
            let limit = limit.map(|n| n.to_string()).unwrap_or_else(|| arg(0));
            Some((
                Some("quota_mib"),
                format!("This quota is more than one mailbox of the domain may have (at most {limit} MiB)."),
                format!("Diese Quota ist mehr, als ein Postfach der Domain haben darf (höchstens {limit} MiB)."),
            ))
        }
        // mailcow's limit here is the smaller of the domain's storage left and the most
        // one mailbox may have, so the words name both.
        "mailbox_quota_left_exceeded" => Some((
            Some("quota_mib"),
            format!("This mailbox can have at most {} MiB: what the domain's storage has left, or the most one mailbox of the domain may have.", arg(0)),
            format!("Dieses Postfach kann höchstens {} MiB haben: so viel ist im Speicher der Domain frei, oder so viel darf ein Postfach der Domain höchstens haben.", arg(0)),
        )),
        "mailbox_quota_exceeds_domain_quota" => Some((
            Some("quota_mib"),
            "The quota exceeds the domain's storage.".into(),
            "Die Quota übersteigt den Speicher der Domain.".into(),
        )),
        "max_quota_in_use" => Some((
            Some("quota_mib"),
            format!("The quota must be at least {} MiB.", arg(0)),
            format!("Die Quota muss mindestens {} MiB betragen.", arg(0)),
        )),
        "unlimited_quota_acl" => Some((
            Some("quota_mib"),
            "Unlimited quota (0) is not allowed for this login: enter a quota in MiB.".into(),
            "Unbegrenzte Quota (0) ist für diese Anmeldung nicht erlaubt: Geben Sie eine Quota in MiB ein.".into(),
        )),
        "password_complexity" => Some((
            Some("password"),
            "The password does not meet the mailcow's password policy (length and kinds of characters).".into(),
            "Das Passwort erfüllt die Passwort-Richtlinie des mailcow nicht (Länge und Zeichenarten).".into(),
        )),
        "password_mismatch" => Some((
            Some("password"),
            "The password and its confirmation differ.".into(),
            "Passwort und Bestätigung stimmen nicht überein.".into(),
        )),
        "password_empty" => Some((
            Some("password"),
            "The password must not be empty.".into(),
            "Das Passwort darf nicht leer sein.".into(),
        )),
        "alias_invalid" => Some((
            Some("address"),
            format!("The alias address {} is invalid.", arg(0)),
            format!("Die Alias-Adresse {} ist ungültig.", arg(0)),
        )),
        "alias_empty" => Some((
            Some("address"),
            "The alias address must not be empty.".into(),
            "Die Alias-Adresse darf nicht leer sein.".into(),
        )),
        "goto_empty" => Some((
            Some("targets"),
            "An alias needs at least one valid target address.".into(),
            "Ein Alias braucht mindestens eine gültige Zieladresse.".into(),
        )),
        "goto_invalid" => Some((
            Some("targets"),
            format!("The target {} is not a valid address.", arg(0)),
            format!("Das Ziel {} ist keine gültige Adresse.", arg(0)),
        )),
        "alias_goto_identical" => Some((
            Some("targets"),
            "An alias cannot forward to its own address.".into(),
            "Ein Alias kann nicht an die eigene Adresse weiterleiten.".into(),
        )),
        "value_missing" | "required_data_missing" => Some((
            None,
            "The mailcow says a value is missing.".into(),
            "Der mailcow meldet, dass ein Wert fehlt.".into(),
        )),
        "tag_limit_exceeded" => Some((
            None,
            "Too many tags for this mailbox.".into(),
            "Zu viele Tags für dieses Postfach.".into(),
        )),
        "mysql_error" | "redis_error" | "temp_error" | "generic_server_error" => Some((
            None,
            "The mailcow had an internal error and changed nothing. Please try again later.".into(),
            "Der mailcow hatte einen internen Fehler und hat nichts geändert. Bitte später erneut versuchen.".into(),
        )),
        _ => None,
    };
    match known {
        Some((field, message, message_de)) => Refusal {
            server,
            field,
            message,
            message_de,
            translated: true,
        },
        None => {
            let words = server.verbatim();
            Refusal {
                message: format!("The mailcow refused. Its answer, untranslated: “{words}”"),
                message_de: format!(
                    "Der mailcow hat abgelehnt. Seine Antwort, unübersetzt: „{words}“"
                ),
                server,
                field: None,
                translated: false,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(key: &str, args: &[&str]) -> ServerMessage {
        ServerMessage {
            level: Level::Danger,
            key: key.into(),
            args: args.iter().map(|a| a.to_string()).collect(),
        }
    }

    #[test]
    fn mailcow_known_keys_name_their_field_in_both_languages() {
        let r = refusal(
            msg("mailbox_quota_left_exceeded", &["300"]),
            Operation::AddMailbox,
        );
        assert_eq!(r.field, Some("quota_mib"));
        assert!(r.message.contains("at most 300 MiB"), "{}", r.message);
        assert!(
            r.message_de.contains("höchstens 300 MiB"),
            "{}",
            r.message_de
        );
        assert!(r.translated);
        let r = refusal(msg("object_exists", &["a@b.de"]), Operation::AddMailbox);
        assert_eq!(r.field, Some("local_part"));
        let r = refusal(msg("object_exists", &["a@b.de"]), Operation::AddAlias);
        assert_eq!(r.field, Some("address"));
        assert!(r.message.contains("a@b.de"));
    }

    #[test]
    fn mailcow_quota_limit_is_mib_after_add_and_bytes_after_edit() {
        let add = refusal(
            msg("mailbox_quota_exceeded", &["20480"]),
            Operation::AddMailbox,
        );
        assert!(add.message.contains("20480 MiB"), "{}", add.message);
        let edit = refusal(
            msg("mailbox_quota_exceeded", &["21474836480"]),
            Operation::EditMailbox,
        );
        assert!(edit.message.contains("20480 MiB"), "{}", edit.message);
    }

    #[test]
    fn mailcow_unknown_keys_are_quoted_as_the_servers_words() {
        let r = refusal(msg("brand_new_reason", &["x", "7"]), Operation::AddMailbox);
        assert!(!r.translated);
        assert_eq!(r.field, None);
        assert!(r.message.contains("brand_new_reason (x, 7)"));
        assert!(r.message.contains("untranslated"));
        assert!(r.message_de.contains("unübersetzt"));
    }
}
