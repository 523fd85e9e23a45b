//! A mailbox to check as the window sends it: the address, server, ports, an optional
//! CA file and username, each checked and normalised here; the doctor's request made from
//! it with a typed password or the one kept in the keyring; and the Trash and Junk
//! preview last shown, so emptying deletes exactly what the user was asked about.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use std::future::Future;

use cowdesk_model::{MailDoctorProgress, MailDoctorTarget, MailTrashPreview};

use super::{DoctorRequest, MailDoctorError, Ports, Sensitive};
use crate::error::CoreError;
use crate::session::Core;
use crate::support::SupportSession;

const MAX_ADDRESS: usize = 254;
const MAX_SERVER: usize = 253;
const MAX_PASSWORD: usize = 1024;
const MAX_PATH: usize = 4096;
/// A CA file is a few KiB; a bundle of every public root is about 200 KiB.
const MAX_CA_FILE_BYTES: u64 = 1024 * 1024;

/// A mailbox address as the keyring and the doctor use it: trimmed, checked, lowercase.
pub fn address(value: &str) -> Result<String, CoreError> {
    let value = value.trim();
    if value.len() > MAX_ADDRESS || crate::validate::email(value).is_err() {
        return Err(CoreError::field(
            "address",
            "Enter the mailbox's full e-mail address (name@example.de).",
            "Bitte die vollständige E-Mail-Adresse des Postfachs eingeben (name@beispiel.de).",
        ));
    }
    Ok(value.to_lowercase())
}

/// A mailbox password as typed: one line, not empty; held redacted from here on.
pub fn password(value: String) -> Result<Sensitive<String>, CoreError> {
    let value = Sensitive::new(value);
    let text = value.expose();
    if text.is_empty() || text.len() > MAX_PASSWORD || text.contains(['\r', '\n', '\0']) {
        return Err(CoreError::field(
            "password",
            "Enter the mailbox password (one line, not empty).",
            "Bitte das Passwort des Postfachs eingeben (eine Zeile, nicht leer).",
        ));
    }
    Ok(value)
}

/// An extra trusted CA: an absolute path to a readable file of at most 1 MiB.
pub fn ca_file(value: Option<&str>) -> Result<Option<PathBuf>, CoreError> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    let refuse = |en: &str, de: &str| Err(CoreError::field("ca_file", en, de));
    if value.len() > MAX_PATH || value.contains('\0') {
        return refuse("This path is too long.", "Dieser Pfad ist zu lang.");
    }
    let path = Path::new(value);
    if !path.is_absolute() {
        return refuse(
            "Give the CA file's full path (starting with /).",
            "Bitte den vollständigen Pfad der CA-Datei angeben (beginnend mit /).",
        );
    }
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() && meta.len() <= MAX_CA_FILE_BYTES => Ok(Some(path.to_owned())),
        Ok(meta) if meta.is_file() => refuse(
            "This file is too large for a CA certificate (at most 1 MiB).",
            "Diese Datei ist zu groß für ein CA-Zertifikat (höchstens 1 MiB).",
        ),
        _ => refuse(
            "There is no readable file at this path.",
            "Unter diesem Pfad gibt es keine lesbare Datei.",
        ),
    }
}

/// The target with its text trimmed and the address lowercased, as it is compared with
/// the pending preview.
pub fn normalise(target: MailDoctorTarget) -> Result<MailDoctorTarget, CoreError> {
    let server = target.server.trim().to_lowercase();
    if server.len() > MAX_SERVER {
        return Err(CoreError::field(
            "server",
            "This server name is too long.",
            "Dieser Servername ist zu lang.",
        ));
    }
    let username = target
        .username
        .map(|u| u.trim().to_owned())
        .filter(|u| !u.is_empty());
    if username.as_ref().is_some_and(|u| u.len() > MAX_ADDRESS) {
        return Err(CoreError::field(
            "username",
            "This username is too long.",
            "Dieser Benutzername ist zu lang.",
        ));
    }
    Ok(MailDoctorTarget {
        address: address(&target.address)?,
        server,
        ca_file: target
            .ca_file
            .map(|c| c.trim().to_owned())
            .filter(|c| !c.is_empty()),
        username,
        ..target
    })
}

impl Core {
    /// The doctor's request for a normalised `target`, with the typed password (checked
    /// with [`password`]) or, for `None`, the one kept in the keyring.
    pub async fn doctor_request(
        &self,
        target: &MailDoctorTarget,
        typed: Option<Sensitive<String>>,
    ) -> Result<DoctorRequest, CoreError> {
        let secret = match typed {
            Some(typed) => typed,
            None => self.mailbox_password(&target.address).await?.ok_or_else(|| {
                CoreError::field(
                    "password",
                    "Enter the mailbox password: none is kept in the keyring for this address.",
                    "Bitte das Passwort des Postfachs eingeben: Für diese Adresse ist keines im Schlüsselbund.",
                )
            })?,
        };
        let mut req = DoctorRequest::new(&target.address, secret);
        req.server = target.server.clone();
        req.ports = Ports {
            imap_tls: target.imap_tls_port,
            imap_starttls: target.imap_starttls_port,
            smtp_tls: target.smtp_tls_port,
            smtp_starttls: target.smtp_starttls_port,
        };
        req.ca_file = ca_file(target.ca_file.as_deref())?;
        req.username = target.username.clone();
        req.client_smtp_port = target.client_smtp_port;
        Ok(req)
    }
}

impl Core {
    /// The doctor's request as the window asks for it: `target` normalised, and the typed
    /// password checked (and remembered by `support`, so that it cannot end up in a
    /// ticket) or, for `None`, the one kept in the keyring.
    pub async fn window_doctor_request(
        &self,
        support: &SupportSession,
        target: MailDoctorTarget,
        typed: Option<String>,
    ) -> Result<(MailDoctorTarget, DoctorRequest), CoreError> {
        let target = normalise(target)?;
        let typed = typed.map(password).transpose()?;
        if let Some(typed) = &typed {
            support.remember_mailbox_password(&target.address, typed.expose());
        }
        let request = self.doctor_request(&target, typed).await?;
        Ok((target, request))
    }
}

/// Runs one of the doctor's steps for the window: `step` (when the work does not report
/// its own) before it, "done" after it, whatever its outcome.
pub async fn stepped<T>(
    address: &str,
    step: Option<&str>,
    progress: &(dyn Fn(MailDoctorProgress) + Send + Sync),
    work: impl Future<Output = Result<T, MailDoctorError>>,
) -> Result<T, CoreError> {
    let report = |step: &str, done| {
        progress(MailDoctorProgress {
            address: address.to_owned(),
            step: step.to_owned(),
            done,
            total: 1,
        })
    };
    if let Some(step) = step {
        report(step, 0);
    }
    let outcome = work.await;
    report("done", 1);
    Ok(outcome?)
}

/// The Trash and Junk preview last shown per mailbox, with the target it was read from.
#[derive(Default)]
pub struct PendingTrash(Mutex<HashMap<String, (MailDoctorTarget, MailTrashPreview)>>);

impl PendingTrash {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, (MailDoctorTarget, MailTrashPreview)>> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Keeps what was shown for `target`'s mailbox, replacing an earlier preview.
    pub fn keep(&self, target: MailDoctorTarget, preview: MailTrashPreview) {
        self.lock()
            .insert(target.address.clone(), (target, preview));
    }

    /// Takes the preview shown for exactly this `target`; an error when there is none
    /// (or it was read with other settings).
    pub fn take_shown(&self, target: &MailDoctorTarget) -> Result<MailTrashPreview, CoreError> {
        match self.lock().remove(&target.address) {
            Some((shown_for, preview)) if shown_for == *target => Ok(preview),
            _ => Err(CoreError::field(
                "address",
                "There is nothing to empty that you were shown. Choose “Empty Trash and Junk” again.",
                "Es gibt nichts zu leeren, das Ihnen gezeigt wurde. Bitte „Papierkorb und Spam leeren“ erneut wählen.",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target() -> MailDoctorTarget {
        MailDoctorTarget {
            address: " Max@Example.de ".into(),
            server: " Hosted.Mailcow.de ".into(),
            imap_tls_port: 993,
            imap_starttls_port: 143,
            smtp_tls_port: 465,
            smtp_starttls_port: 587,
            ca_file: Some("  ".into()),
            username: Some(" ".into()),
            client_smtp_port: None,
        }
    }

    #[test]
    fn maildoctor_targets_are_normalised() {
        let t = normalise(target()).unwrap();
        assert_eq!(t.address, "max@example.de");
        assert_eq!(t.server, "hosted.mailcow.de");
        assert_eq!(t.ca_file, None);
        assert_eq!(t.username, None);
    }

    #[test]
    fn maildoctor_bad_input_names_the_field() {
        let bad = |change: fn(&mut MailDoctorTarget), field: &str| {
            let mut t = target();
            change(&mut t);
            let err = normalise(t).unwrap_err().info();
            assert!(err.fields.contains_key(field), "{field}: {err:?}");
            assert!(!err.message_de.is_empty());
        };
        bad(|t| t.address = "max".into(), "address");
        bad(
            |t| t.address = format!("{}@example.de", "a".repeat(250)),
            "address",
        );
        bad(|t| t.server = "h".repeat(254), "server");
        bad(|t| t.username = Some("u".repeat(255)), "username");
    }

    #[test]
    fn maildoctor_passwords_are_one_line_and_redacted() {
        assert!(password(String::new()).is_err());
        assert!(password("a\nb".into()).is_err());
        assert!(password("x".repeat(1025)).is_err());
        let ok = password("s3cret pass".into()).unwrap();
        assert!(!format!("{ok:?}").contains("s3cret"));
    }

    #[test]
    fn maildoctor_ca_files_must_be_absolute_small_files() {
        assert_eq!(ca_file(None).unwrap(), None);
        assert_eq!(ca_file(Some(" ")).unwrap(), None);
        let field = |r: Result<Option<PathBuf>, CoreError>| {
            r.unwrap_err().info().fields.contains_key("ca_file")
        };
        assert!(field(ca_file(Some("ca.pem"))));
        assert!(field(ca_file(Some("/nonexistent/ca.pem"))));
        assert!(field(ca_file(Some("/"))));
        let dir = tempfile::tempdir().unwrap();
        let small = dir.path().join("ca.pem");
        std::fs::write(&small, "-----BEGIN CERTIFICATE-----\n").unwrap();
        assert_eq!(
            ca_file(small.to_str()).unwrap().as_deref(),
            Some(small.as_path())
        );
        let big = dir.path().join("big.pem");
        std::fs::write(&big, vec![b'a'; 1024 * 1024 + 1]).unwrap();
        assert!(field(ca_file(big.to_str())));
    }

    #[test]
    fn maildoctor_trash_is_emptied_only_as_shown() {
        let pending = PendingTrash::default();
        let shown = normalise(target()).unwrap();
        assert!(pending.take_shown(&shown).is_err());
        let preview = MailTrashPreview {
            address: "max@example.de".into(),
            folders: Vec::new(),
            messages: 3,
            bytes_to_free: 4096,
            quota: None,
        };
        pending.keep(shown.clone(), preview.clone());
        let mut other = shown.clone();
        other.server = "other.example".into();
        assert!(pending.take_shown(&other).is_err(), "other settings");
        pending.keep(shown.clone(), preview.clone());
        assert_eq!(pending.take_shown(&shown).unwrap(), preview);
        assert!(pending.take_shown(&shown).is_err(), "taken once");
    }
}
