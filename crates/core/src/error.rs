//! The core's errors, each with a stable kind and a message in English and German.

use std::collections::BTreeMap;

use cowdesk_model::{ErrorInfo, ErrorKind, Permission};

use crate::secrets::SecretsError;

#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    #[error("invalid input: {message}")]
    InvalidInput {
        message: String,
        message_de: String,
        /// Field -> problem, in English.
        fields: BTreeMap<String, String>,
        /// Field -> problem, in German (the same fields).
        fields_de: BTreeMap<String, String>,
        /// Some text is the server's own wording, not translated (the UI marks it).
        server_words: bool,
    },
    #[error("e-mail address or password is wrong")]
    InvalidCredentials,
    #[error("not signed in")]
    NotSignedIn,
    #[error("the session has ended")]
    SessionExpired,
    #[error("the role lacks a permission")]
    Forbidden { permission: Option<Permission> },
    #[error("not found")]
    NotFound,
    #[error("conflict: {0}")]
    Conflict(String),
    /// The server refused because of the object's state; the message says why and what
    /// to do (e.g. "disable the transfer lock first").
    #[error("refused: {message}")]
    Refused { message: String, message_de: String },
    #[error("rate limited")]
    RateLimited,
    #[error("server unreachable: {0}")]
    Offline(String),
    #[error("server error: {0}")]
    Server(String),
    /// The DNS resolver gave no answer at all (`None`: the system's resolver).
    #[error("DNS resolver unreachable: {reason}")]
    ResolverUnreachable {
        resolver: Option<String>,
        reason: String,
    },
    /// A write reached the portal (or may have) but its answer was an error or never
    /// came: it may or may not have been done.
    #[error("the portal did not confirm the change")]
    Unconfirmed,
    #[error("refusing to send credentials to {0} without HTTPS")]
    InsecureServer(String),
    #[error(transparent)]
    Secrets(#[from] SecretsError),
    #[error("local cache: {0}")]
    Storage(String),
    /// The disk that holds the cache took no more of a write (SQLITE_FULL, or a write the
    /// system refused: a quota, a file size limit, a failing disk): SQLite rolled back
    /// what it was writing, so the cache holds what it held before.
    #[error("local cache: the disk took no more: {0}")]
    CacheUnwritable(String),
    /// SQLite found the cache file damaged after it had opened: the next start checks it
    /// and keeps it aside (store/damage.rs).
    #[error("local cache damaged: {0}")]
    CacheDamaged(String),
    #[error("internal: {0}")]
    Internal(String),
    /// An outside service's error (a mailcow, …), already worded for the user; `fields`
    /// names the form fields it concerns.
    #[error("{message}")]
    Service {
        kind: ErrorKind,
        message: String,
        message_de: String,
        fields: BTreeMap<String, String>,
        fields_de: BTreeMap<String, String>,
        /// The message quotes the service's own, untranslated words.
        server_words: bool,
    },
}

impl From<sqlx::Error> for CoreError {
    fn from(err: sqlx::Error) -> Self {
        if crate::store::damage::is_damage(&err) {
            // Every error of the cache passes here: the one place that sees them all.
            crate::store::damage::seen();
            return CoreError::CacheDamaged(err.to_string());
        }
        if is_unwritable(&err) {
            return CoreError::CacheUnwritable(err.to_string());
        }
        CoreError::Storage(err.to_string())
    }
}

/// Whether SQLite could not write to the disk: SQLITE_FULL (a full disk), or
/// SQLITE_IOERR_WRITE (the system refused the write: over a quota, beyond a file size
/// limit, a failing disk; SQLite says FULL only when the system said "no space").
fn is_unwritable(err: &sqlx::Error) -> bool {
    const SQLITE_FULL: i32 = 13;
    const SQLITE_IOERR_WRITE: i32 = 778;
    sqlite_code(err).is_some_and(|code| code & 0xff == SQLITE_FULL || code == SQLITE_IOERR_WRITE)
}

/// The primary result code of an error SQLite gave (its extended code's low byte).
pub(crate) fn sqlite_primary_code(err: &sqlx::Error) -> Option<i32> {
    sqlite_code(err).map(|code| code & 0xff)
}

/// The (extended) result code of an error SQLite gave.
fn sqlite_code(err: &sqlx::Error) -> Option<i32> {
    err.as_database_error()
        .and_then(|e| e.code())
        .and_then(|code| code.parse::<i32>().ok())
}

impl From<sqlx::migrate::MigrateError> for CoreError {
    fn from(err: sqlx::migrate::MigrateError) -> Self {
        CoreError::Storage(err.to_string())
    }
}

/// The shell's commands answer `Result<_, ErrorInfo>`: `?` turns a core error into it.
impl From<CoreError> for ErrorInfo {
    fn from(err: CoreError) -> Self {
        err.info()
    }
}

impl CoreError {
    /// A form error on one field.
    pub fn field(field: &str, message: &str, message_de: &str) -> CoreError {
        CoreError::InvalidInput {
            message: message.to_owned(),
            message_de: message_de.to_owned(),
            fields: BTreeMap::from([(field.to_owned(), message.to_owned())]),
            fields_de: BTreeMap::from([(field.to_owned(), message_de.to_owned())]),
            server_words: false,
        }
    }

    /// A form error on several fields, each in English and German.
    pub fn fields(
        message: &str,
        message_de: &str,
        fields: BTreeMap<String, String>,
        fields_de: BTreeMap<String, String>,
    ) -> CoreError {
        CoreError::InvalidInput {
            message: message.to_owned(),
            message_de: message_de.to_owned(),
            fields,
            fields_de,
            server_words: false,
        }
    }

    /// An input error with no field (e.g. a file that could not be written).
    pub fn input(message: String, message_de: String) -> CoreError {
        CoreError::InvalidInput {
            message,
            message_de,
            fields: BTreeMap::new(),
            fields_de: BTreeMap::new(),
            server_words: false,
        }
    }

    /// Something of the desktop's that cowdesk needs is missing or refused (a clipboard,
    /// a browser, a PDF viewer, start at login); the message says what.
    pub fn desktop(message: &str, message_de: &str) -> CoreError {
        CoreError::Service {
            kind: ErrorKind::Internal,
            message: message.to_owned(),
            message_de: message_de.to_owned(),
            fields: BTreeMap::new(),
            fields_de: BTreeMap::new(),
            server_words: false,
        }
    }

    /// The error as the mailcow connection form shows it: a refused secret beside
    /// `secret_field`, a server that cannot be reached beside `url`, and the fields the
    /// mailcow clients name (`server`, `api_key`, as the command line shows them) under
    /// the form's names (`url`, `apiKey`).
    pub fn beside(self, secret_field: &str) -> CoreError {
        let info = self.info();
        let (mut fields, mut fields_de) = (info.fields, info.fields_de);
        if fields.is_empty() {
            let field = match info.kind {
                ErrorKind::InvalidCredentials => secret_field,
                ErrorKind::Offline | ErrorKind::InsecureServer | ErrorKind::Server => "url",
                _ => return self,
            };
            fields.insert(field.to_owned(), info.message.clone());
            fields_de.insert(field.to_owned(), info.message_de.clone());
        }
        for (client, form) in [("server", "url"), ("api_key", "apiKey")] {
            for map in [&mut fields, &mut fields_de] {
                if let Some(problem) = map.remove(client) {
                    map.insert(form.to_owned(), problem);
                }
            }
        }
        CoreError::Service {
            kind: info.kind,
            message: info.message,
            message_de: info.message_de,
            fields,
            fields_de,
            server_words: info.server_words,
        }
    }

    pub fn kind(&self) -> ErrorKind {
        match self {
            CoreError::InvalidInput { .. } => ErrorKind::InvalidInput,
            CoreError::InvalidCredentials => ErrorKind::InvalidCredentials,
            CoreError::NotSignedIn => ErrorKind::NotSignedIn,
            CoreError::SessionExpired => ErrorKind::SessionExpired,
            CoreError::Forbidden { .. } => ErrorKind::Forbidden,
            CoreError::NotFound => ErrorKind::NotFound,
            CoreError::Conflict(_) | CoreError::Refused { .. } => ErrorKind::Conflict,
            CoreError::RateLimited => ErrorKind::RateLimited,
            CoreError::Offline(_) | CoreError::ResolverUnreachable { .. } => ErrorKind::Offline,
            CoreError::Server(_) | CoreError::Unconfirmed => ErrorKind::Server,
            CoreError::InsecureServer(_) => ErrorKind::InsecureServer,
            CoreError::Secrets(SecretsError::Unavailable(_)) => ErrorKind::KeyringUnavailable,
            CoreError::Secrets(SecretsError::Failed(_)) => ErrorKind::Internal,
            CoreError::Storage(_) | CoreError::CacheUnwritable(_) => ErrorKind::Storage,
            CoreError::CacheDamaged(_) => ErrorKind::CacheDamaged,
            CoreError::Internal(_) => ErrorKind::Internal,
            CoreError::Service { kind, .. } => *kind,
        }
    }

    /// The kind's name, for logs that must not carry details.
    pub fn kind_name(&self) -> String {
        format!("{:?}", self.kind())
    }

    /// What the UI and the command line show.
    pub fn info(&self) -> ErrorInfo {
        match self {
            CoreError::InvalidInput {
                message,
                message_de,
                fields,
                fields_de,
                server_words,
            }
            | CoreError::Service {
                message,
                message_de,
                fields,
                fields_de,
                server_words,
                ..
            } => ErrorInfo {
                kind: self.kind(),
                message: message.clone(),
                message_de: message_de.clone(),
                fields: fields.clone(),
                fields_de: fields_de.clone(),
                server_words: *server_words,
            },
            other => {
                let (message, message_de) = other.messages();
                ErrorInfo {
                    kind: self.kind(),
                    message,
                    message_de,
                    fields: BTreeMap::new(),
                    fields_de: BTreeMap::new(),
                    server_words: false,
                }
            }
        }
    }

    fn messages(&self) -> (String, String) {
        let pair = |en: &str, de: &str| (en.to_owned(), de.to_owned());
        match self {
            CoreError::InvalidInput { message, message_de, .. }
            | CoreError::Service { message, message_de, .. }
            | CoreError::Refused { message, message_de } => (message.clone(), message_de.clone()),
            CoreError::InvalidCredentials => pair(
                "The e-mail address or the password is wrong.",
                "Die E-Mail-Adresse oder das Passwort ist falsch.",
            ),
            CoreError::NotSignedIn => pair(
                "You are not signed in.",
                "Sie sind nicht angemeldet.",
            ),
            CoreError::SessionExpired => pair(
                "Your session has ended. Please sign in again.",
                "Ihre Sitzung ist abgelaufen. Bitte melden Sie sich erneut an.",
            ),
            CoreError::Forbidden {
                permission: Some(permission),
            } => {
                let (en, de) = permission_names(*permission);
                (
                    format!("Your role on this account does not include “{en}”. Ask the account owner for this right."),
                    format!("Ihre Rolle in diesem Konto umfasst „{de}“ nicht. Bitten Sie den Kontoinhaber um dieses Recht."),
                )
            }
            CoreError::Forbidden { permission: None } => pair(
                "Your role on this account does not allow this. Ask the account owner for more rights.",
                "Ihre Rolle in diesem Konto erlaubt das nicht. Bitten Sie den Kontoinhaber um weitere Rechte.",
            ),
            CoreError::NotFound => pair(
                "This was not found. It may have been removed.",
                "Das wurde nicht gefunden. Vielleicht wurde es entfernt.",
            ),
            CoreError::Conflict(_) => pair(
                "This conflicts with a change made elsewhere. Sync and try again.",
                "Das widerspricht einer anderen Änderung. Bitte synchronisieren und erneut versuchen.",
            ),
            CoreError::RateLimited => pair(
                "The portal asks to slow down. cowdesk will try again shortly.",
                "Das Portal bittet um eine Pause. cowdesk versucht es gleich erneut.",
            ),
            CoreError::Offline(_) => pair(
                "The customer portal cannot be reached. cowdesk shows the data it has.",
                "Das Kundenportal ist nicht erreichbar. cowdesk zeigt die vorhandenen Daten.",
            ),
            CoreError::ResolverUnreachable { resolver, reason } => match resolver {
                Some(resolver) => (
                    format!("The DNS resolver {resolver} could not be reached ({reason}), so nothing was checked. Check the resolver address and the network."),
                    format!("Der DNS-Resolver {resolver} war nicht erreichbar ({reason}), daher wurde nichts geprüft. Bitte Resolver-Adresse und Netzwerk prüfen."),
                ),
                None => (
                    format!("The system's DNS resolver could not be reached ({reason}), so nothing was checked. Check the network."),
                    format!("Der DNS-Resolver des Systems war nicht erreichbar ({reason}), daher wurde nichts geprüft. Bitte das Netzwerk prüfen."),
                ),
            },
            CoreError::Server(_) => pair(
                "The customer portal answered with an error. Please try again later.",
                "Das Kundenportal hat mit einem Fehler geantwortet. Bitte später erneut versuchen.",
            ),
            CoreError::Unconfirmed => pair(
                "The portal did not confirm this change (it answered with an error or not at all), so it may or may not have been made. Sync and check the current state before trying again.",
                "Das Portal hat diese Änderung nicht bestätigt (es antwortete mit einem Fehler oder gar nicht); sie wurde also vielleicht ausgeführt, vielleicht nicht. Bitte synchronisieren und den aktuellen Stand prüfen, bevor Sie es erneut versuchen.",
            ),
            CoreError::InsecureServer(_) => pair(
                "cowdesk talks to the portal over HTTPS only. Check the portal address.",
                "cowdesk verbindet sich nur per HTTPS mit dem Portal. Bitte prüfen Sie die Portal-Adresse.",
            ),
            CoreError::Secrets(SecretsError::Unavailable(_)) => pair(
                "No system keyring is available, so you sign in at each start. Install and unlock GNOME Keyring, KWallet or KeePassXC, and cowdesk will remember your sign-in.",
                "Kein System-Schlüsselbund verfügbar, daher melden Sie sich bei jedem Start an. Installieren und entsperren Sie GNOME Keyring, KWallet oder KeePassXC, dann merkt sich cowdesk Ihre Anmeldung.",
            ),
            CoreError::Secrets(SecretsError::Failed(_)) => pair(
                "The system keyring reported an error.",
                "Der System-Schlüsselbund hat einen Fehler gemeldet.",
            ),
            CoreError::Storage(_) => pair(
                "The local cache could not be read or written.",
                "Der lokale Zwischenspeicher konnte nicht gelesen oder geschrieben werden.",
            ),
            CoreError::CacheUnwritable(_) => pair(
                "The disk that holds cowdesk's local cache took no more: it is full, over its quota or failing. Free some space there, or check the disk, and try again: nothing was lost, the cache still holds what it held before.",
                "Der Datenträger mit dem lokalen Zwischenspeicher von cowdesk nimmt nichts mehr auf: Er ist voll, sein Kontingent ist erschöpft oder er ist defekt. Geben Sie dort Platz frei oder prüfen Sie den Datenträger und versuchen Sie es dann erneut: Es ist nichts verloren gegangen, der Zwischenspeicher enthält weiterhin, was er vorher enthielt.",
            ),
            CoreError::CacheDamaged(_) => pair(
                "The local cache is damaged. Quit cowdesk and start it again: the damaged file is kept aside and a new cache starts, which the next sync fills.",
                "Der lokale Zwischenspeicher ist beschädigt. Beenden Sie cowdesk und starten Sie es erneut: Die beschädigte Datei wird beiseitegelegt und ein neuer Zwischenspeicher angelegt, den die nächste Synchronisierung füllt.",
            ),
            CoreError::Internal(_) => pair(
                "Something went wrong inside cowdesk.",
                "In cowdesk ist ein Fehler aufgetreten.",
            ),
        }
    }
}

/// A permission as the portal's role editor names it, in English and German.
pub fn permission_names(permission: Permission) -> (&'static str, &'static str) {
    match permission {
        Permission::Profile => ("Profile", "Profil"),
        Permission::Invoices => ("Invoices", "Rechnungen"),
        Permission::Mandates => ("Mandates", "Mandate"),
        Permission::Services => ("Services", "Verträge"),
        Permission::Domains => ("Domains", "Domains"),
        Permission::Mailboxes => ("Mailboxes", "Postfächer"),
        Permission::Users => ("Users", "Benutzer"),
        Permission::Tickets => ("Support tickets", "Support-Tickets"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_has_both_languages() {
        let errors = [
            CoreError::InvalidCredentials,
            CoreError::NotSignedIn,
            CoreError::Offline("x".into()),
            CoreError::InsecureServer("http://x".into()),
            CoreError::Secrets(SecretsError::Unavailable("no bus".into())),
            CoreError::Storage("disk".into()),
            CoreError::CacheUnwritable("disk".into()),
        ];
        for err in errors {
            let info = err.info();
            assert!(!info.message.is_empty() && !info.message_de.is_empty());
            assert_ne!(info.message, info.message_de);
        }
    }

    /// SQLite's own "database or disk is full" (SQLITE_FULL, here from a page limit the
    /// connection sets) is said as a disk that took no more, in both languages; other
    /// errors of the cache stay "could not be read or written".
    #[tokio::test]
    async fn storage_a_full_disk_is_said_as_such() {
        use sqlx::{ConnectOptions, Connection};
        let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
            .in_memory(true)
            .connect()
            .await
            .unwrap();
        sqlx::query("PRAGMA max_page_count = 2; CREATE TABLE t (b BLOB)")
            .execute(&mut conn)
            .await
            .unwrap();
        let full = sqlx::query("INSERT INTO t VALUES (zeroblob(100000))")
            .execute(&mut conn)
            .await
            .expect_err("no room for the row");
        let err = CoreError::from(full);
        assert!(matches!(err, CoreError::CacheUnwritable(_)), "{err:?}");
        let info = err.info();
        assert_eq!(info.kind, ErrorKind::Storage);
        assert!(info.message.contains("it is full"), "{}", info.message);
        assert!(
            info.message_de.contains("Er ist voll"),
            "{}",
            info.message_de
        );

        let other = sqlx::query("SELECT * FROM nowhere")
            .execute(&mut conn)
            .await
            .expect_err("no such table");
        assert!(matches!(CoreError::from(other), CoreError::Storage(_)));
        conn.close().await.unwrap();
    }

    #[test]
    fn keyring_missing_says_what_to_install() {
        let info = CoreError::Secrets(SecretsError::Unavailable("x".into())).info();
        assert_eq!(info.kind, ErrorKind::KeyringUnavailable);
        for name in ["GNOME Keyring", "KWallet", "KeePassXC"] {
            assert!(info.message.contains(name) && info.message_de.contains(name));
        }
        assert!(info.message.contains("remember your sign-in"));
        assert!(info.message.contains("at each start"));
        assert!(info.message_de.contains("bei jedem Start"));
    }

    #[test]
    fn field_errors_carry_the_field() {
        let info = CoreError::field("email", "Bad.", "Schlecht.").info();
        assert_eq!(info.kind, ErrorKind::InvalidInput);
        assert_eq!(info.fields.get("email").map(String::as_str), Some("Bad."));
    }

    #[test]
    fn trust_field_errors_carry_both_languages() {
        let info = CoreError::field("email", "Bad.", "Schlecht.").info();
        assert_eq!(
            info.fields_de.get("email").map(String::as_str),
            Some("Schlecht.")
        );
        assert!(!info.server_words);
        let info = CoreError::fields(
            "Check.",
            "Prüfen.",
            BTreeMap::from([("a".into(), "A.".into()), ("b".into(), "B.".into())]),
            BTreeMap::from([("a".into(), "A-de.".into()), ("b".into(), "B-de.".into())]),
        )
        .info();
        assert_eq!(
            info.fields.keys().collect::<Vec<_>>(),
            info.fields_de.keys().collect::<Vec<_>>()
        );
    }

    #[test]
    fn mailcow_connect_errors_are_named_beside_their_field() {
        let refused = CoreError::InvalidCredentials.beside("apiKey").info();
        assert_eq!(refused.kind, ErrorKind::InvalidCredentials);
        assert_eq!(refused.fields["apiKey"], refused.message);
        assert_eq!(refused.fields_de["apiKey"], refused.message_de);
        let unreachable = CoreError::Offline("refused".into()).beside("password");
        let unreachable = unreachable.info();
        assert_eq!(unreachable.kind, ErrorKind::Offline);
        assert!(unreachable.fields.contains_key("url"));
        // An error that names its field already, and one no field is for, stay as they are.
        let named = CoreError::field("totp", "Six digits.", "Sechs Ziffern.").beside("password");
        assert_eq!(named.info().fields.keys().collect::<Vec<_>>(), ["totp"]);
        assert!(CoreError::NotFound
            .beside("password")
            .info()
            .fields
            .is_empty());
    }
}
