//! The mail doctor in the window: check a mailbox's four connections (with the round trip
//! when asked), read its quota and folders, preview and empty Trash and Junk, and keep or
//! forget its password in the keyring. Long steps report as `mail-doctor-progress`.
//!
//! The password crosses IPC inward only: typed for one call (`password`), or `null` to
//! use the one kept in the keyring. No answer carries it, nothing here logs it, and it is
//! held only for the call (`Sensitive`). The Trash preview shown to the user is kept
//! here, so emptying deletes exactly what the user was asked about.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use cowdesk_core::maildoctor::{self, DoctorRequest, Ports, Sensitive};
use cowdesk_core::model::{
    MailDoctorProgress, MailDoctorReport, MailDoctorTarget, MailTrashOutcome, MailTrashPreview,
};
use cowdesk_core::session::Core;
use tauri::{AppHandle, Emitter, Manager, Runtime, State};

use super::error::{from_core, invalid_input};
use super::support::SupportSession;
use super::CmdResult;
use crate::AppState;

pub const EVENT_PROGRESS: &str = "mail-doctor-progress";

const MAX_ADDRESS: usize = 254;
const MAX_SERVER: usize = 253;
const MAX_PASSWORD: usize = 1024;
const MAX_PATH: usize = 4096;
/// A CA file is a few KiB; a bundle of every public root is about 200 KiB.
const MAX_CA_FILE_BYTES: u64 = 1024 * 1024;

/// The Trash and Junk preview last shown per mailbox, with the target it was read from.
#[derive(Default)]
pub struct PendingTrash(Mutex<HashMap<String, (MailDoctorTarget, MailTrashPreview)>>);

impl PendingTrash {
    fn lock(
        &self,
    ) -> std::sync::MutexGuard<'_, HashMap<String, (MailDoctorTarget, MailTrashPreview)>> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A mailbox address as the keyring and the doctor use it: trimmed, checked, lowercase.
fn address(value: &str) -> CmdResult<String> {
    let value = value.trim();
    if value.len() > MAX_ADDRESS || cowdesk_core::validate::email(value).is_err() {
        return Err(invalid_input(
            "address",
            "Enter the mailbox's full e-mail address (name@example.de).",
            "Bitte die vollständige E-Mail-Adresse des Postfachs eingeben (name@beispiel.de).",
        ));
    }
    Ok(value.to_lowercase())
}

fn password(value: String) -> CmdResult<Sensitive<String>> {
    let value = Sensitive::new(value);
    let text = value.expose();
    if text.is_empty() || text.len() > MAX_PASSWORD || text.contains(['\r', '\n', '\0']) {
        return Err(invalid_input(
            "password",
            "Enter the mailbox password (one line, not empty).",
            "Bitte das Passwort des Postfachs eingeben (eine Zeile, nicht leer).",
        ));
    }
    Ok(value)
}

/// An extra trusted CA: an absolute path to a readable file of at most 1 MiB.
fn ca_file(value: Option<&str>) -> CmdResult<Option<PathBuf>> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    let refuse = |en: &str, de: &str| Err(invalid_input("ca_file", en, de));
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
fn normalise(target: MailDoctorTarget) -> CmdResult<MailDoctorTarget> {
    let server = target.server.trim().to_lowercase();
    if server.len() > MAX_SERVER {
        return Err(invalid_input(
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
        return Err(invalid_input(
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

/// The core's request for `target`, with the typed password or the kept one.
async fn request(
    core: &Core,
    support: &SupportSession,
    target: &MailDoctorTarget,
    typed: Option<String>,
) -> CmdResult<DoctorRequest> {
    let secret = match typed {
        Some(value) => {
            let typed = password(value)?;
            // Typed once, it must not end up in a support ticket either.
            support.remember_mailbox_password(&target.address, typed.expose());
            typed
        }
        None => core
            .mailbox_password(&target.address)
            .await
            .map_err(|e| from_core(&e))?
            .ok_or_else(|| {
                invalid_input(
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

fn emitter<R: Runtime>(app: &AppHandle<R>) -> impl Fn(MailDoctorProgress) + Send + Sync + 'static {
    let app = app.clone();
    move |p: MailDoctorProgress| {
        let _ = app.emit(EVENT_PROGRESS, &p);
    }
}

fn step(address: &str, step: &str, done: u32, total: u32) -> MailDoctorProgress {
    MailDoctorProgress {
        address: address.to_owned(),
        step: step.to_owned(),
        done,
        total,
    }
}

/// Checks the four connections (and the round trip when asked), then reads the usage.
#[tauri::command]
pub async fn mail_doctor_check<R: Runtime>(
    app: AppHandle<R>,
    target: MailDoctorTarget,
    password: Option<String>,
    round_trip: bool,
) -> CmdResult<MailDoctorReport> {
    let target = normalise(target)?;
    let core = app.state::<AppState>().core().await;
    let mut req = request(&core, &app.state::<SupportSession>(), &target, password).await?;
    req.round_trip = round_trip;
    let progress = emitter(&app);
    let report = maildoctor::run_doctor_with_progress(&req, &progress).await;
    progress(step(&target.address, "done", 1, 1));
    report.map_err(|e| e.info())
}

/// Quota and folders over IMAP with SSL/TLS.
#[tauri::command]
pub async fn mail_doctor_usage<R: Runtime>(
    app: AppHandle<R>,
    target: MailDoctorTarget,
    password: Option<String>,
) -> CmdResult<MailDoctorReport> {
    let target = normalise(target)?;
    let core = app.state::<AppState>().core().await;
    let req = request(&core, &app.state::<SupportSession>(), &target, password).await?;
    let progress = emitter(&app);
    progress(step(&target.address, "usage", 0, 1));
    let report = maildoctor::mailbox_usage(&req).await;
    progress(step(&target.address, "done", 1, 1));
    report.map_err(|e| e.info())
}

/// What emptying Trash and Junk would free; kept for `mail_doctor_trash_empty`.
#[tauri::command]
pub async fn mail_doctor_trash_preview<R: Runtime>(
    app: AppHandle<R>,
    target: MailDoctorTarget,
    password: Option<String>,
) -> CmdResult<MailTrashPreview> {
    let target = normalise(target)?;
    let core = app.state::<AppState>().core().await;
    let req = request(&core, &app.state::<SupportSession>(), &target, password).await?;
    let progress = emitter(&app);
    progress(step(&target.address, "trash_preview", 0, 1));
    let preview = maildoctor::preview_empty_trash(&req).await;
    progress(step(&target.address, "done", 1, 1));
    let preview = preview.map_err(|e| e.info())?;
    app.state::<PendingTrash>()
        .lock()
        .insert(target.address.clone(), (target, preview.clone()));
    Ok(preview)
}

/// Empties what the last preview of this mailbox showed, then reads the quota again.
#[tauri::command]
pub async fn mail_doctor_trash_empty<R: Runtime>(
    app: AppHandle<R>,
    target: MailDoctorTarget,
    password: Option<String>,
) -> CmdResult<MailTrashOutcome> {
    let target = normalise(target)?;
    let pending = app.state::<PendingTrash>().lock().remove(&target.address);
    let preview = match pending {
        Some((shown_for, preview)) if shown_for == target => preview,
        _ => {
            return Err(invalid_input(
                "address",
                "There is nothing to empty that you were shown. Choose “Empty Trash and Junk” again.",
                "Es gibt nichts zu leeren, das Ihnen gezeigt wurde. Bitte „Papierkorb und Spam leeren“ erneut wählen.",
            ))
        }
    };
    let core = app.state::<AppState>().core().await;
    let req = request(&core, &app.state::<SupportSession>(), &target, password).await?;
    let progress = emitter(&app);
    progress(step(&target.address, "trash_empty", 0, 1));
    let outcome = maildoctor::empty_trash(&req, &preview).await;
    progress(step(&target.address, "done", 1, 1));
    outcome.map_err(|e| e.info())
}

/// Whether a password is kept in the keyring for this mailbox (never the password).
#[tauri::command]
pub async fn mailbox_password_kept(state: State<'_, AppState>, address: String) -> CmdResult<bool> {
    let address = self::address(&address)?;
    let core = state.core().await;
    Ok(core
        .mailbox_password(&address)
        .await
        .map_err(|e| from_core(&e))?
        .is_some())
}

#[tauri::command]
pub async fn keep_mailbox_password(
    state: State<'_, AppState>,
    address: String,
    password: String,
) -> CmdResult<()> {
    let password = self::password(password)?;
    let address = self::address(&address)?;
    let core = state.core().await;
    core.remember_mailbox_password(&address, &password)
        .await
        .map_err(|e| from_core(&e))
}

#[tauri::command]
pub async fn forget_mailbox_password(state: State<'_, AppState>, address: String) -> CmdResult<()> {
    let address = self::address(&address)?;
    let core = state.core().await;
    core.forget_mailbox_password(&address)
        .await
        .map_err(|e| from_core(&e))
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
            let err = normalise(t).unwrap_err();
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
        let field = |r: CmdResult<Option<PathBuf>>| r.unwrap_err().fields.contains_key("ca_file");
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
}
