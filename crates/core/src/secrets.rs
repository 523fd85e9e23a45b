//! Where secrets live: the OS keyring (Secret Service, Keychain, Credential Manager).
//! Never SQLite, never logs, never a plaintext file — without a keyring the sign-in is
//! simply not remembered.

use std::collections::HashMap;
use std::sync::Mutex;

#[cfg(target_os = "linux")]
mod secret_service;

/// The keyring "service" every cowdesk entry is filed under.
const SERVICE: &str = "cowdesk";

#[derive(Debug, Clone, thiserror::Error)]
pub enum SecretsError {
    /// No usable keyring: no Secret Service on the session bus, or it is locked.
    #[error("no system keyring available: {0}")]
    Unavailable(String),
    #[error("keyring error: {0}")]
    Failed(String),
}

/// A small key-value store for secrets. Blocking: call it from a blocking context.
pub trait SecretStore: Send + Sync {
    fn get(&self, key: &str) -> Result<Option<String>, SecretsError>;
    fn set(&self, key: &str, value: &str) -> Result<(), SecretsError>;
    /// Deleting a missing entry is not an error.
    fn delete(&self, key: &str) -> Result<(), SecretsError>;
}

/// The OS keyring: on Linux the Secret Service with one session per process (see
/// secrets/secret_service.rs), elsewhere the Keychain or Credential Manager through the
/// `keyring` crate.
#[derive(Default)]
pub struct KeyringSecretStore {
    #[cfg(target_os = "linux")]
    session: secret_service::SessionKeyring,
}

impl std::fmt::Debug for KeyringSecretStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeyringSecretStore")
    }
}

impl KeyringSecretStore {
    pub fn new() -> KeyringSecretStore {
        KeyringSecretStore::default()
    }
}

#[cfg(target_os = "linux")]
impl SecretStore for KeyringSecretStore {
    fn get(&self, key: &str) -> Result<Option<String>, SecretsError> {
        self.session.get(key)
    }

    fn set(&self, key: &str, value: &str) -> Result<(), SecretsError> {
        self.session.set(key, value)
    }

    fn delete(&self, key: &str) -> Result<(), SecretsError> {
        self.session.delete(key)
    }
}

#[cfg(not(target_os = "linux"))]
impl KeyringSecretStore {
    fn entry(key: &str) -> Result<keyring::Entry, SecretsError> {
        keyring::Entry::new(SERVICE, key).map_err(map_keyring_error)
    }
}

#[cfg(not(target_os = "linux"))]
impl SecretStore for KeyringSecretStore {
    fn get(&self, key: &str) -> Result<Option<String>, SecretsError> {
        match Self::entry(key)?.get_password() {
            Ok(value) => Ok(Some(value)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(err) => Err(map_keyring_error(err)),
        }
    }

    fn set(&self, key: &str, value: &str) -> Result<(), SecretsError> {
        Self::entry(key)?
            .set_password(value)
            .map_err(map_keyring_error)
    }

    fn delete(&self, key: &str) -> Result<(), SecretsError> {
        match Self::entry(key)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(err) => Err(map_keyring_error(err)),
        }
    }
}

#[cfg(not(target_os = "linux"))]
/// "No keyring" is something the user can fix, and the UI says how; anything else is a
/// plain failure. The messages carry no secret values.
fn map_keyring_error(err: keyring::Error) -> SecretsError {
    match err {
        keyring::Error::NoStorageAccess(inner) => SecretsError::Unavailable(inner.to_string()),
        keyring::Error::PlatformFailure(inner) => SecretsError::Unavailable(inner.to_string()),
        other => SecretsError::Failed(other.to_string()),
    }
}

/// Secrets held in memory only: the demo, and unit tests.
#[derive(Debug, Default)]
pub struct MemorySecretStore {
    entries: Mutex<HashMap<String, String>>,
}

impl SecretStore for MemorySecretStore {
    fn get(&self, key: &str) -> Result<Option<String>, SecretsError> {
        Ok(self.lock().get(key).cloned())
    }

    fn set(&self, key: &str, value: &str) -> Result<(), SecretsError> {
        self.lock().insert(key.to_owned(), value.to_owned());
        Ok(())
    }

    fn delete(&self, key: &str) -> Result<(), SecretsError> {
        self.lock().remove(key);
        Ok(())
    }
}

impl MemorySecretStore {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, String>> {
        self.entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_store_round_trip() {
        let store = MemorySecretStore::default();
        assert_eq!(store.get("k").unwrap(), None);
        store.set("k", "v").unwrap();
        assert_eq!(store.get("k").unwrap().as_deref(), Some("v"));
        store.delete("k").unwrap();
        store.delete("k").unwrap();
        assert_eq!(store.get("k").unwrap(), None);
    }
}
