//! The Secret Service (GNOME Keyring, KWallet, KeePassXC) over one D-Bus connection and
//! one encrypted session per process.
//!
//! The `keyring` crate opens a new connection and negotiates a new Diffie-Hellman session
//! for every read, and two for every write: about 10 ms of the keyring's time each, and a
//! sync that stores the portal's rotated sign-in paid three of them. The items are the
//! ones `keyring` 3 writes (same attributes, same label, the default collection), so a
//! sign-in stored by either is found by the other.

use std::collections::HashMap;
use std::sync::Mutex;

use secret_service::blocking::{Item, SecretService};
use secret_service::{EncryptionType, Error};

use super::{SecretsError, SERVICE};

/// `keyring`'s "target" for entries made without one: the default collection.
const TARGET: &str = "default";
/// The version `keyring` writes into its labels; the label is only what the user sees.
const KEYRING_LABEL_VERSION: &str = "3.6.3";

#[derive(Default)]
pub(super) struct SessionKeyring {
    /// Connected on first use; dropped when a call fails, so the next one reconnects (a
    /// keyring daemon restarted since, say).
    service: Mutex<Option<SecretService<'static>>>,
}

impl SessionKeyring {
    pub(super) fn get(&self, key: &str) -> Result<Option<String>, SecretsError> {
        self.with_service(|ss| {
            let Some(item) = unique_item(ss, key)? else {
                return Ok(None);
            };
            let bytes = item.get_secret()?;
            String::from_utf8(bytes)
                .map(Some)
                .map_err(|_| Outcome::Failed("the stored value is not text".into()))
        })
    }

    pub(super) fn set(&self, key: &str, value: &str) -> Result<(), SecretsError> {
        self.with_service(|ss| {
            if let Some(item) = unique_item(ss, key)? {
                item.set_secret(value.as_bytes(), "text/plain")?;
                return Ok(());
            }
            let collection = ss.get_default_collection()?;
            if collection.is_locked()? {
                collection.unlock()?;
            }
            let label = format!("{key}@{SERVICE}:{TARGET} (keyring v{KEYRING_LABEL_VERSION})");
            collection.create_item(
                &label,
                attributes(key, true),
                value.as_bytes(),
                true,
                "text/plain",
            )?;
            Ok(())
        })
    }

    pub(super) fn delete(&self, key: &str) -> Result<(), SecretsError> {
        self.with_service(|ss| {
            let found = ss.search_items(attributes(key, false))?;
            for item in found.unlocked.iter().chain(found.locked.iter()) {
                item.delete()?;
            }
            Ok(())
        })
    }

    /// Runs `call` on the process's session; once more on a fresh one when the kept
    /// session failed (it may have outlived the daemon it was made with).
    fn with_service<T>(
        &self,
        call: impl Fn(&SecretService<'static>) -> Result<T, Outcome>,
    ) -> Result<T, SecretsError> {
        let mut kept = self.service.lock().unwrap_or_else(|p| p.into_inner());
        let reused = kept.is_some();
        for attempt in 0..2 {
            if kept.is_none() {
                *kept = Some(connect()?);
            }
            let service = kept.as_ref().expect("connected above");
            match call(service) {
                Ok(value) => return Ok(value),
                Err(Outcome::Service(err)) if reused && attempt == 0 && is_transport(&err) => {
                    *kept = None;
                }
                Err(outcome) => {
                    if matches!(outcome, Outcome::Service(_)) {
                        *kept = None;
                    }
                    return Err(outcome.into());
                }
            }
        }
        unreachable!("the second attempt returns")
    }
}

fn connect() -> Result<SecretService<'static>, SecretsError> {
    SecretService::connect(EncryptionType::Dh)
        .map_err(|err| SecretsError::Unavailable(err.to_string()))
}

/// The one item for `key`, unlocked. Several are an error, as with `keyring`.
fn unique_item<'a>(ss: &'a SecretService<'static>, key: &str) -> Result<Option<Item<'a>>, Outcome> {
    let mut found = ss.search_items(attributes(key, false))?;
    let mut items: Vec<(Item<'a>, bool)> = found
        .unlocked
        .drain(..)
        .map(|i| (i, false))
        .chain(found.locked.drain(..).map(|i| (i, true)))
        .collect();
    match items.len() {
        0 => Ok(None),
        1 => {
            let (item, locked) = items.remove(0);
            if locked {
                item.unlock()?;
            }
            Ok(Some(item))
        }
        n => Err(Outcome::Failed(format!(
            "{n} keyring entries for one cowdesk key"
        ))),
    }
}

/// What `keyring` 3 files an entry under; it searches on all but "application".
fn attributes(key: &str, with_application: bool) -> HashMap<&str, &str> {
    let mut attributes =
        HashMap::from([("service", SERVICE), ("username", key), ("target", TARGET)]);
    if with_application {
        attributes.insert("application", "rust-keyring");
    }
    attributes
}

/// A broken connection, as opposed to an answer of the keyring (locked, dismissed, none).
fn is_transport(err: &Error) -> bool {
    matches!(err, Error::Zbus(_) | Error::ZbusFdo(_) | Error::Unavailable)
}

enum Outcome {
    Service(Error),
    Failed(String),
}

impl From<Error> for Outcome {
    fn from(err: Error) -> Outcome {
        Outcome::Service(err)
    }
}

impl From<Outcome> for SecretsError {
    fn from(outcome: Outcome) -> SecretsError {
        match outcome {
            // A locked keyring, a dismissed prompt, no service or a broken one: as with
            // `keyring`, the user's to fix, and the sign-in is not remembered meanwhile.
            Outcome::Service(err) => SecretsError::Unavailable(err.to_string()),
            Outcome::Failed(message) => SecretsError::Failed(message),
        }
    }
}
