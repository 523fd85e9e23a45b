//! What can go wrong talking to a mailcow, each case worded in English and German at the
//! edge (`CoreError::Service`), with the form field it concerns where there is one.

use std::collections::BTreeMap;

use cowdesk_model::ErrorKind;

use super::messages::Refusal;
use crate::error::CoreError;

#[derive(Debug, thiserror::Error)]
pub enum MailcowError {
    /// Our own check refused the input before anything was sent.
    #[error("invalid input in {field}: {message}")]
    Invalid {
        field: String,
        message: String,
        message_de: String,
    },
    /// The login form answered "login failed".
    #[error("user name or password refused")]
    InvalidCredentials,
    /// The login waits for a six-digit code (TOTP); call `verify_totp`.
    #[error("two-factor code needed")]
    TwoFactorNeeded,
    /// The six-digit code was not accepted.
    #[error("two-factor code refused")]
    TotpRejected,
    /// The login's only second factor is a security key (WebAuthn / FIDO2) or a Yubico OTP
    /// key, which cowdesk cannot use.
    #[error("the second factor of this login cannot be used here")]
    UnsupportedSecondFactor,
    /// Signed in again once, and the server still answered as if signed out.
    #[error("the mailcow session could not be kept")]
    SignedOut,
    /// The API key is unknown or inactive (401).
    #[error("API key refused")]
    BadApiKey,
    /// The key exists but not for this address (401 "api access denied for ip").
    #[error("API key not allowed from this address: {0}")]
    ApiKeyIpNotAllowed(String),
    /// A write with a read-only key, refused by cowdesk before anything was sent.
    #[error("read-only API key")]
    ReadOnlyKey,
    /// The server answered 403: a read-only key, or a login still waiting for its second
    /// factor.
    #[error("the mailcow refused write access (403)")]
    WriteForbidden,
    /// The server answered a write with something other than success.
    #[error("refused by the mailcow: {}", .0.message)]
    Refused(Box<Refusal>),
    #[error("mailcow unreachable: {0}")]
    Unreachable(String),
    #[error("unexpected mailcow answer: {0}")]
    Unexpected(String),
    /// Plain HTTP to a host that is not on this computer.
    #[error("refusing plain HTTP to {0}")]
    Insecure(String),
}

impl MailcowError {
    pub fn invalid(field: &str, message: impl Into<String>, message_de: impl Into<String>) -> Self {
        MailcowError::Invalid {
            field: field.to_owned(),
            message: message.into(),
            message_de: message_de.into(),
        }
    }

    /// The field a message concerns, if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            MailcowError::Invalid { field, .. } => Some(field),
            MailcowError::Refused(refusal) => refusal.field,
            MailcowError::TotpRejected => Some("totp"),
            _ => None,
        }
    }

    /// The stable kind and the English and German texts.
    pub fn describe(&self) -> (ErrorKind, String, String) {
        let pair = |kind, en: &str, de: &str| (kind, en.to_owned(), de.to_owned());
        match self {
            MailcowError::Invalid {
                message,
                message_de,
                ..
            } => (ErrorKind::InvalidInput, message.clone(), message_de.clone()),
            MailcowError::InvalidCredentials => pair(
                ErrorKind::InvalidCredentials,
                "The mailcow refused the user name or the password. On the hosted mailcow, use the e-mail address and password of your Servercow account.",
                "Der mailcow hat Benutzername oder Passwort abgelehnt. Beim gehosteten mailcow gelten E-Mail-Adresse und Passwort Ihres Servercow-Kontos.",
            ),
            MailcowError::TwoFactorNeeded => pair(
                ErrorKind::NotSignedIn,
                "This login uses two-factor authentication: enter the six-digit code from your authenticator app.",
                "Diese Anmeldung nutzt Zwei-Faktor-Authentifizierung: Geben Sie den sechsstelligen Code aus Ihrer Authenticator-App ein.",
            ),
            MailcowError::TotpRejected => pair(
                ErrorKind::InvalidCredentials,
                "The mailcow did not accept this code. Codes change every 30 seconds: enter the current one, and check that the clock of the device with the authenticator app is right.",
                "Der mailcow hat diesen Code nicht angenommen. Codes wechseln alle 30 Sekunden: Geben Sie den aktuellen ein und prüfen Sie, ob die Uhr des Geräts mit der Authenticator-App stimmt.",
            ),
            MailcowError::UnsupportedSecondFactor => pair(
                ErrorKind::Forbidden,
                "This login's second factor is a security key (WebAuthn/FIDO2 or YubiKey), which only a web browser can use, so cowdesk cannot sign in with it. Add a time-based code (TOTP) to the login in the mailcow web interface, or, on a Managed mailcow, connect with an API key instead.",
                "Der zweite Faktor dieser Anmeldung ist ein Sicherheitsschlüssel (WebAuthn/FIDO2 oder YubiKey), den nur ein Webbrowser nutzen kann; cowdesk kann sich damit nicht anmelden. Fügen Sie der Anmeldung in der mailcow-Weboberfläche einen zeitbasierten Code (TOTP) hinzu oder verbinden Sie einen Managed mailcow stattdessen mit einem API-Schlüssel.",
            ),
            MailcowError::SignedOut => pair(
                ErrorKind::SessionExpired,
                "The mailcow ended the session, and signing in again did not help. Try again later, or enter the login again.",
                "Der mailcow hat die Sitzung beendet, und eine erneute Anmeldung hat nicht geholfen. Bitte später erneut versuchen oder die Anmeldung neu eingeben.",
            ),
            MailcowError::BadApiKey => pair(
                ErrorKind::InvalidCredentials,
                "The mailcow does not know this API key, or it is switched off. Copy the key again from the mailcow admin interface (Configuration › Access › API).",
                "Der mailcow kennt diesen API-Schlüssel nicht, oder er ist abgeschaltet. Bitte den Schlüssel erneut aus der mailcow-Administration kopieren (Konfiguration › Zugang › API).",
            ),
            MailcowError::ApiKeyIpNotAllowed(ip) => (
                ErrorKind::Forbidden,
                format!("The API key is valid, but not from this computer's address ({ip}). Add the address to the key's allowed networks in the mailcow admin interface, or allow the key from every address."),
                format!("Der API-Schlüssel ist gültig, aber nicht von der Adresse dieses Computers ({ip}). Fügen Sie die Adresse in der mailcow-Administration den erlaubten Netzen des Schlüssels hinzu oder erlauben Sie den Schlüssel von jeder Adresse."),
            ),
            MailcowError::ReadOnlyKey => pair(
                ErrorKind::Forbidden,
                "This connection uses a read-only API key: it can show mailboxes and aliases but not change them. Nothing was sent. Connect with a read-write key to make changes.",
                "Diese Verbindung nutzt einen API-Schlüssel nur zum Lesen: Er zeigt Postfächer und Aliasse, ändert sie aber nicht. Es wurde nichts gesendet. Für Änderungen mit einem Schlüssel zum Lesen und Schreiben verbinden.",
            ),
            MailcowError::WriteForbidden => pair(
                ErrorKind::Forbidden,
                "The mailcow refused write access (403). The API key is read-only, or the login still waits for its second factor. Nothing was changed.",
                "Der mailcow hat den Schreibzugriff verweigert (403). Der API-Schlüssel ist nur zum Lesen, oder die Anmeldung wartet noch auf ihren zweiten Faktor. Es wurde nichts geändert.",
            ),
            MailcowError::Refused(refusal) => (
                if refusal.field.is_some() {
                    ErrorKind::InvalidInput
                } else {
                    ErrorKind::Conflict
                },
                refusal.message.clone(),
                refusal.message_de.clone(),
            ),
            MailcowError::Unreachable(_) => pair(
                ErrorKind::Offline,
                "The mailcow cannot be reached. cowdesk shows the data it has.",
                "Der mailcow ist nicht erreichbar. cowdesk zeigt die vorhandenen Daten.",
            ),
            MailcowError::Unexpected(_) => pair(
                ErrorKind::Server,
                "The mailcow answered in a way cowdesk does not understand. Please try again later.",
                "Der mailcow hat unverständlich geantwortet. Bitte später erneut versuchen.",
            ),
            MailcowError::Insecure(_) => pair(
                ErrorKind::InsecureServer,
                "cowdesk talks to a mailcow over HTTPS only (plain HTTP only to this computer). Check the address: it starts with https://.",
                "cowdesk verbindet sich mit einem mailcow nur über HTTPS (unverschlüsseltes HTTP nur zu diesem Computer). Bitte die Adresse prüfen: Sie beginnt mit https://.",
            ),
        }
    }
}

impl From<MailcowError> for CoreError {
    fn from(err: MailcowError) -> CoreError {
        let (kind, message, message_de) = err.describe();
        let field = err.field().map(str::to_owned);
        let fields: BTreeMap<String, String> =
            field.iter().map(|f| (f.clone(), message.clone())).collect();
        let fields_de: BTreeMap<String, String> = field
            .iter()
            .map(|f| (f.clone(), message_de.clone()))
            .collect();
        let server_words = matches!(&err, MailcowError::Refused(refusal) if !refusal.translated);
        CoreError::Service {
            kind,
            message,
            message_de,
            fields,
            fields_de,
            server_words,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mailcow::messages::{refusal, Level, Operation, ServerMessage};

    #[test]
    fn mailcow_every_error_has_english_and_german() {
        let refused = refusal(
            ServerMessage {
                level: Level::Danger,
                key: "password_complexity".into(),
                args: vec![],
            },
            Operation::AddMailbox,
        );
        let errors = [
            MailcowError::invalid("name", "Bad.", "Schlecht."),
            MailcowError::InvalidCredentials,
            MailcowError::TwoFactorNeeded,
            MailcowError::TotpRejected,
            MailcowError::UnsupportedSecondFactor,
            MailcowError::SignedOut,
            MailcowError::BadApiKey,
            MailcowError::ApiKeyIpNotAllowed("192.0.2.7".into()),
            MailcowError::ReadOnlyKey,
            MailcowError::WriteForbidden,
            MailcowError::Refused(Box::new(refused)),
            MailcowError::Unreachable("refused".into()),
            MailcowError::Unexpected("x".into()),
            MailcowError::Insecure("http://mail.example.de".into()),
        ];
        for err in errors {
            let (_, en, de) = err.describe();
            assert!(!en.is_empty() && !de.is_empty() && en != de, "{err:?}");
            let info = CoreError::from(err).info();
            assert_eq!((info.message, info.message_de), (en, de));
        }
    }

    #[test]
    fn mailcow_refusals_with_a_field_become_form_errors() {
        let refused = refusal(
            ServerMessage {
                level: Level::Danger,
                key: "mailbox_quota_left_exceeded".into(),
                args: vec!["300".into()],
            },
            Operation::AddMailbox,
        );
        let info = CoreError::from(MailcowError::Refused(Box::new(refused))).info();
        assert_eq!(info.kind, ErrorKind::InvalidInput);
        assert!(info.fields["quota_mib"].contains("300 MiB"));
        let addr = CoreError::from(MailcowError::Insecure("http://x".into()));
        assert_eq!(addr.kind(), ErrorKind::InsecureServer);
    }
}
