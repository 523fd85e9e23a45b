//! Secret links: a secret is encrypted in cowdesk with a fresh 22-character key, the
//! ciphertext goes to a Yopass server (secrets.servercow.de by default), and the link
//! `https://<host>/#/s/<id>/<key>` carries the key in its fragment only, so the server
//! never sees it. Nothing of the secret or the key is logged, cached or printed by Debug.

use std::fmt;

use cowdesk_model::{ErrorKind, SecretExpiry};
use zeroize::Zeroize;

use super::secret_crypto::{decrypt, encrypt, generate_key, is_key, KEY_LENGTH};
use super::secret_yopass::YopassClient;
use crate::error::CoreError;

/// The FAQ's secret service.
pub const DEFAULT_SECRET_SERVER: &str = "https://secrets.servercow.de";

/// Secret text (a secret, a key, a link with its key): Debug shows a placeholder, the
/// memory is wiped when dropped, and it cannot be serialised.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretText(String);

impl SecretText {
    pub fn new(value: String) -> SecretText {
        SecretText(value)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretText(<redacted>)")
    }
}

impl Drop for SecretText {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("not a secret-service address")]
    InvalidServer,
    #[error("secret service without HTTPS")]
    InsecureServer,
    #[error("not a secret link")]
    InvalidLink,
    #[error("the link has no key")]
    MissingKey,
    #[error("empty secret")]
    Empty,
    #[error("secret too long")]
    TooLong,
    #[error("the server only takes one-time secrets")]
    ForcedOneTime,
    #[error("the server refused the expiry")]
    BadExpiry,
    #[error("secret not found")]
    NotFound,
    #[error("wrong key")]
    WrongKey,
    #[error("not an encrypted secret")]
    NotASecret,
    #[error("the secret is not text")]
    NotText,
    #[error("secret service unreachable: {0}")]
    Offline(String),
    #[error("secret service error: {0}")]
    Server(String),
    #[error("encryption: {0}")]
    Crypto(String),
}

impl SecretError {
    /// The field a form shows the problem at, if any.
    fn field(&self) -> Option<&'static str> {
        match self {
            SecretError::InvalidServer | SecretError::InsecureServer => Some("server"),
            SecretError::InvalidLink | SecretError::MissingKey => Some("link"),
            SecretError::Empty | SecretError::TooLong => Some("secret"),
            SecretError::ForcedOneTime => Some("one_time"),
            SecretError::BadExpiry => Some("expiry"),
            _ => None,
        }
    }

    pub fn messages(&self) -> (String, String) {
        let pair = |en: &str, de: &str| (en.to_owned(), de.to_owned());
        match self {
            SecretError::InvalidServer => pair(
                "This is not a valid address of a secret service.",
                "Das ist keine gültige Adresse eines Secret-Dienstes.",
            ),
            SecretError::InsecureServer => pair(
                "cowdesk talks to the secret service over HTTPS only. Check its address.",
                "cowdesk verbindet sich nur per HTTPS mit dem Secret-Dienst. Bitte prüfen Sie die Adresse.",
            ),
            SecretError::InvalidLink => pair(
                "This is not a secret link (it looks like https://host/#/s/ID/KEY).",
                "Das ist kein Secret-Link (er sieht aus wie https://host/#/s/ID/SCHLÜSSEL).",
            ),
            SecretError::MissingKey => pair(
                "The link has no decryption key. Use the link with the key, or enter the key.",
                "Der Link enthält keinen Entschlüsselungsschlüssel. Nutzen Sie den Link mit Schlüssel oder geben Sie den Schlüssel ein.",
            ),
            SecretError::Empty => pair("Enter the secret to share.", "Geben Sie das Geheimnis ein, das Sie teilen möchten."),
            SecretError::TooLong => pair(
                "The secret is too long for the secret service (it takes at most 10,000 characters encrypted, about 7,000 typed). Split it or shorten it.",
                "Das Geheimnis ist zu lang für den Secret-Dienst (er nimmt höchstens 10.000 verschlüsselte Zeichen, etwa 7.000 getippte). Teilen oder kürzen Sie es.",
            ),
            SecretError::ForcedOneTime => pair(
                "This secret service only allows one-time links. Turn “one-time download” back on.",
                "Dieser Secret-Dienst erlaubt nur Einmal-Links. Schalten Sie „Einmaliger Abruf“ wieder ein.",
            ),
            SecretError::BadExpiry => pair(
                "The secret service does not accept this expiry. Choose 1 hour, 1 day or 1 week.",
                "Der Secret-Dienst akzeptiert diese Ablaufzeit nicht. Wählen Sie 1 Stunde, 1 Tag oder 1 Woche.",
            ),
            SecretError::NotFound => pair(
                "This secret does not exist (any more): it was already opened once, or it expired.",
                "Dieses Geheimnis gibt es nicht (mehr): Es wurde schon einmal geöffnet oder ist abgelaufen.",
            ),
            SecretError::WrongKey => pair(
                "The key does not open this secret. Check that the link was copied completely.",
                "Der Schlüssel öffnet dieses Geheimnis nicht. Prüfen Sie, ob der Link vollständig kopiert wurde.",
            ),
            SecretError::NotASecret => pair(
                "The secret service sent something that is not an encrypted secret.",
                "Der Secret-Dienst hat etwas gesendet, das kein verschlüsseltes Geheimnis ist.",
            ),
            SecretError::NotText => pair(
                "This secret is a file, not text; open it in the browser.",
                "Dieses Geheimnis ist eine Datei, kein Text; öffnen Sie es im Browser.",
            ),
            SecretError::Offline(_) => pair(
                "The secret service cannot be reached. Check the connection and try again.",
                "Der Secret-Dienst ist nicht erreichbar. Prüfen Sie die Verbindung und versuchen Sie es erneut.",
            ),
            SecretError::Server(_) => pair(
                "The secret service answered with an error. Please try again later.",
                "Der Secret-Dienst hat mit einem Fehler geantwortet. Bitte später erneut versuchen.",
            ),
            SecretError::Crypto(_) => pair(
                "The secret could not be encrypted.",
                "Das Geheimnis konnte nicht verschlüsselt werden.",
            ),
        }
    }
}

impl From<SecretError> for CoreError {
    fn from(err: SecretError) -> Self {
        let (en, de) = err.messages();
        match (err.field(), &err) {
            (Some(field), _) => CoreError::field(field, &en, &de),
            (None, SecretError::Crypto(detail)) => CoreError::Internal(detail.clone()),
            // Trouble, not a refusal: trying again later may work (the command line's
            // exit status 2).
            (None, SecretError::Offline(_) | SecretError::Server(_)) => CoreError::Service {
                kind: match err {
                    SecretError::Offline(_) => ErrorKind::Offline,
                    _ => ErrorKind::Server,
                },
                message: en,
                message_de: de,
                fields: Default::default(),
                fields_de: Default::default(),
                server_words: false,
            },
            (None, _) => CoreError::Refused {
                message: en,
                message_de: de,
            },
        }
    }
}

/// How a secret is shared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretOptions {
    /// The Yopass server, e.g. `https://secrets.servercow.de` (HTTP only to loopback).
    pub server: String,
    pub expiry: SecretExpiry,
    /// Deleted after the first download (on by default).
    pub one_time: bool,
}

impl Default for SecretOptions {
    fn default() -> Self {
        SecretOptions {
            server: DEFAULT_SECRET_SERVER.to_owned(),
            // The FAQ recommends one week.
            expiry: SecretExpiry::Week,
            one_time: true,
        }
    }
}

/// A secret link: where, which secret, and (usually) the key.
#[derive(Clone)]
pub struct SecretLink {
    /// The server's base address, without the trailing slash.
    pub server: String,
    pub id: String,
    pub key: Option<SecretText>,
}

impl fmt::Debug for SecretLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecretLink")
            .field("server", &self.server)
            .field("id", &self.id)
            .field("key", &self.key.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

impl SecretLink {
    /// Reads `https://host/#/s/<id>/<key>`, `.../#/s/<id>` and `.../#/c/<id>` (a key sent
    /// apart); the file links `#/f/...` too.
    pub fn parse(link: &str) -> Result<SecretLink, SecretError> {
        let link = link.trim();
        let (base, fragment) = link.split_once('#').ok_or(SecretError::InvalidLink)?;
        let server = base.trim_end_matches('/').to_owned();
        if url::Url::parse(&server).is_err() {
            return Err(SecretError::InvalidLink);
        }
        let mut segments = fragment.trim_start_matches('/').split('/');
        let kind = segments.next().unwrap_or("");
        if !matches!(kind, "s" | "c" | "f" | "d") {
            return Err(SecretError::InvalidLink);
        }
        let id = segments.next().unwrap_or("");
        if !crate::validate::is_secret_id(id) {
            return Err(SecretError::InvalidLink);
        }
        let key = segments
            .next()
            .filter(|k| !k.is_empty())
            .map(|k| SecretText::new(k.to_owned()));
        if segments.next().is_some() || key.as_ref().is_some_and(|k| !is_key(k.expose())) {
            return Err(SecretError::InvalidLink);
        }
        Ok(SecretLink {
            server,
            id: id.to_owned(),
            key,
        })
    }

    /// The link with its key (`#/s/<id>/<key>`), or the short link without one.
    pub fn to_text(&self) -> SecretText {
        match &self.key {
            Some(key) => {
                SecretText::new(format!("{}/#/s/{}/{}", self.server, self.id, key.expose()))
            }
            None => SecretText::new(format!("{}/#/s/{}", self.server, self.id)),
        }
    }
}

/// A secret that was stored: the link with the key, ready to paste.
#[derive(Debug, Clone)]
pub struct CreatedSecret {
    pub link: SecretLink,
    pub expiry: SecretExpiry,
    pub one_time: bool,
}

/// Encrypts `secret` with a fresh key, stores the ciphertext on the Yopass server and
/// gives the link with the key.
pub async fn create_secret_link(
    secret: &str,
    options: &SecretOptions,
) -> Result<CreatedSecret, SecretError> {
    if secret.trim().is_empty() {
        return Err(SecretError::Empty);
    }
    let client = YopassClient::new(&options.server)?;
    let key = generate_key();
    debug_assert_eq!(key.expose().len(), KEY_LENGTH);
    let armored = encrypt(secret, key.expose())?;
    let id = client
        .create(&armored, options.expiry.seconds(), options.one_time)
        .await?;
    Ok(CreatedSecret {
        link: SecretLink {
            server: client.base().to_owned(),
            id,
            key: Some(key),
        },
        expiry: options.expiry,
        one_time: options.one_time,
    })
}

/// Opens a secret link: fetches the ciphertext (a one-time secret is gone afterwards) and
/// decrypts it with the link's key, or with `key` for a link without one.
pub async fn open_secret_link(link: &str, key: Option<&str>) -> Result<SecretText, SecretError> {
    let link = SecretLink::parse(link)?;
    let key = match (&link.key, key) {
        (_, Some(typed)) if is_key(typed.trim()) => SecretText::new(typed.trim().to_owned()),
        (Some(own), _) => own.clone(),
        _ => return Err(SecretError::MissingKey),
    };
    let client = YopassClient::new(&link.server)?;
    let armored = client.fetch(&link.id).await?;
    decrypt(&armored, key.expose())
}

/// Decrypts a Yopass message with `key` (for secrets obtained elsewhere).
pub fn decrypt_secret(armored: &str, key: &str) -> Result<SecretText, SecretError> {
    decrypt(armored, key)
}

/// Encrypts like `create_secret_link` without storing (for tests of other clients).
pub fn encrypt_secret(secret: &str, key: &str) -> Result<String, SecretError> {
    encrypt(secret, key)
}

/// A fresh key, as `create_secret_link` makes one.
pub fn new_secret_key() -> SecretText {
    generate_key()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn support_secret_links_parse_and_print() {
        let link = SecretLink::parse("https://secrets.servercow.de/#/s/0b5c1a2e-3f4d-4e5f-8a9b-0c1d2e3f4a5b/AbCdEfGhIjKlMnOpQrStUv").unwrap();
        assert_eq!(link.server, "https://secrets.servercow.de");
        assert_eq!(link.id, "0b5c1a2e-3f4d-4e5f-8a9b-0c1d2e3f4a5b");
        assert_eq!(
            link.key.as_ref().unwrap().expose(),
            "AbCdEfGhIjKlMnOpQrStUv"
        );
        assert_eq!(
            link.to_text().expose(),
            "https://secrets.servercow.de/#/s/0b5c1a2e-3f4d-4e5f-8a9b-0c1d2e3f4a5b/AbCdEfGhIjKlMnOpQrStUv"
        );
        assert!(!format!("{link:?}").contains("AbCdEf"));
        let short = SecretLink::parse("https://x.example/#/c/abc").unwrap();
        assert!(short.key.is_none());
        assert!(SecretLink::parse("https://x.example/s/abc/def").is_err());
        assert!(SecretLink::parse("https://x.example/#/s/../etc").is_err());
    }

    #[test]
    fn support_secret_errors_have_both_languages() {
        let info = CoreError::from(SecretError::WrongKey).info();
        assert!(info.message.contains("key"));
        assert!(info.message_de.contains("Schlüssel"));
        let info = CoreError::from(SecretError::TooLong).info();
        assert!(info.fields.contains_key("secret"));
    }

    #[test]
    fn support_secret_service_trouble_is_not_a_refusal() {
        let kind = |err: SecretError| CoreError::from(err).info().kind;
        assert_eq!(
            kind(SecretError::Offline("refused".into())),
            ErrorKind::Offline
        );
        assert_eq!(kind(SecretError::Server("500".into())), ErrorKind::Server);
        assert_eq!(kind(SecretError::NotFound), ErrorKind::Conflict);
        assert_eq!(kind(SecretError::InvalidLink), ErrorKind::InvalidInput);
        let info = CoreError::from(SecretError::Offline("x".into())).info();
        assert!(info.message_de.contains("nicht erreichbar"));
    }
}
