//! The mailbox password: typed for a check, held as `Sensitive` (Debug redacts, no
//! Serialize), kept in the keyring only if the user asks, under one entry per address.
//! Never on disk, never in logs.

use std::io::BufRead;

use super::MailDoctorError;
use crate::error::CoreError;
use crate::portal::Sensitive;
use crate::secrets::{SecretStore, SecretsError};
use crate::session::Core;

const MAX_PASSWORD: usize = 1024;

/// The keyring entry of a mailbox's password.
pub fn mailbox_password_key(address: &str) -> String {
    format!("mailbox-password:{}", address.trim().to_lowercase())
}

/// The first line of `input` (`--password-stdin`), without its line end.
pub fn read_password(mut input: impl BufRead) -> Result<Sensitive<String>, MailDoctorError> {
    let mut buf = String::new();
    let read = input.read_line(&mut buf);
    let line = Sensitive::new(buf);
    read.map_err(|_| bad_password())?;
    let value = line.expose().trim_end_matches(['\r', '\n']).to_owned();
    check_password(&value)?;
    Ok(Sensitive::new(value))
}

/// A password the protocols can carry: not empty, no line breaks or NUL.
pub(crate) fn check_password(value: &str) -> Result<(), MailDoctorError> {
    if value.is_empty() || value.len() > MAX_PASSWORD || value.contains(['\r', '\n', '\0']) {
        return Err(bad_password());
    }
    Ok(())
}

fn bad_password() -> MailDoctorError {
    MailDoctorError::InvalidInput {
        field: "password",
        message: "Enter the mailbox password (one line, not empty).".into(),
        message_de: "Bitte das Passwort des Postfachs eingeben (eine Zeile, nicht leer).".into(),
    }
}

/// Keeps the password in the keyring (blocking: call from a blocking context).
pub fn store_mailbox_password(
    store: &dyn SecretStore,
    address: &str,
    password: &Sensitive<String>,
) -> Result<(), SecretsError> {
    store.set(&mailbox_password_key(address), password.expose())
}

pub fn load_mailbox_password(
    store: &dyn SecretStore,
    address: &str,
) -> Result<Option<Sensitive<String>>, SecretsError> {
    Ok(store
        .get(&mailbox_password_key(address))?
        .map(Sensitive::new))
}

/// Forgetting a password that is not kept is not an error.
pub fn forget_mailbox_password(store: &dyn SecretStore, address: &str) -> Result<(), SecretsError> {
    store.delete(&mailbox_password_key(address))
}

impl Core {
    /// Keeps a mailbox's password in the keyring, when the user asked for it.
    pub async fn remember_mailbox_password(
        &self,
        address: &str,
        password: &Sensitive<String>,
    ) -> Result<(), CoreError> {
        check_password(password.expose()).map_err(CoreError::from)?;
        self.secret_set(mailbox_password_key(address), password.expose().clone())
            .await?;
        Ok(())
    }

    pub async fn mailbox_password(
        &self,
        address: &str,
    ) -> Result<Option<Sensitive<String>>, CoreError> {
        Ok(self
            .secret_get(mailbox_password_key(address))
            .await?
            .map(Sensitive::new))
    }

    pub async fn forget_mailbox_password(&self, address: &str) -> Result<(), CoreError> {
        self.secret_delete(mailbox_password_key(address)).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::MemorySecretStore;

    #[test]
    fn passwords_are_read_from_one_line_and_redacted() {
        let pw = read_password("s3cr\"et pass\r\nsecond line\n".as_bytes()).unwrap();
        assert_eq!(pw.expose(), "s3cr\"et pass");
        assert!(!format!("{pw:?}").contains("s3cr"));
        assert!(matches!(
            read_password("\n".as_bytes()),
            Err(MailDoctorError::InvalidInput {
                field: "password",
                ..
            })
        ));
        assert!(read_password("".as_bytes()).is_err());
    }

    #[test]
    fn one_keyring_entry_per_address() {
        let store = MemorySecretStore::default();
        let pw = Sensitive::new("hunter2".to_owned());
        store_mailbox_password(&store, "Max@Example.de", &pw).unwrap();
        assert_eq!(
            load_mailbox_password(&store, "max@example.de")
                .unwrap()
                .map(|p| p.expose().clone())
                .as_deref(),
            Some("hunter2")
        );
        assert!(load_mailbox_password(&store, "other@example.de")
            .unwrap()
            .is_none());
        forget_mailbox_password(&store, "max@example.de").unwrap();
        forget_mailbox_password(&store, "max@example.de").unwrap();
        assert!(load_mailbox_password(&store, "max@example.de")
            .unwrap()
            .is_none());
    }
}
