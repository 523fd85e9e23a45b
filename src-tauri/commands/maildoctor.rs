//! The mail doctor in the window: check a mailbox's four connections (with the round trip
//! when asked), read its quota and folders, preview and empty Trash and Junk, and keep or
//! forget its password in the keyring. Long steps report as `mail-doctor-progress`.
//!
//! The password crosses IPC inward only: typed for one call (`password`), or `null` to
//! use the one kept in the keyring. No answer carries it, nothing here logs it, and it is
//! held only for the call (`Sensitive`). The Trash preview shown to the user is kept
//! here, so emptying deletes exactly what the user was asked about.

use cowdesk_core::error::CoreError;
use cowdesk_core::maildoctor::target::stepped;
use cowdesk_core::maildoctor::target::{self as checked, PendingTrash};
use cowdesk_core::maildoctor::{self, DoctorRequest};
use cowdesk_core::model::{
    MailDoctorProgress, MailDoctorReport, MailDoctorTarget, MailTrashOutcome, MailTrashPreview,
};
use cowdesk_core::support::SupportSession;
use tauri::{AppHandle, Emitter, Manager, Runtime};

use super::CmdResult;
use crate::AppState;

pub const EVENT_PROGRESS: &str = "mail-doctor-progress";

/// The core's request for `target`, with the typed password or the kept one.
async fn request<R: Runtime>(
    app: &AppHandle<R>,
    target: MailDoctorTarget,
    typed: Option<String>,
) -> CmdResult<(MailDoctorTarget, DoctorRequest)> {
    let core = app.state::<AppState>().core().await;
    let support = app.state::<SupportSession>();
    Ok(core.window_doctor_request(&support, target, typed).await?)
}

fn emitter<R: Runtime>(app: &AppHandle<R>) -> impl Fn(MailDoctorProgress) + Send + Sync + 'static {
    let app = app.clone();
    move |p: MailDoctorProgress| {
        let _ = app.emit(EVENT_PROGRESS, &p);
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
    let (target, mut req) = request(&app, target, password).await?;
    req.round_trip = round_trip;
    let progress = emitter(&app);
    let work = maildoctor::run_doctor_with_progress(&req, &progress);
    Ok(stepped(&target.address, None, &progress, work).await?)
}

/// Quota and folders over IMAP with SSL/TLS.
#[tauri::command]
pub async fn mail_doctor_usage<R: Runtime>(
    app: AppHandle<R>,
    target: MailDoctorTarget,
    password: Option<String>,
) -> CmdResult<MailDoctorReport> {
    let (target, req) = request(&app, target, password).await?;
    let work = maildoctor::mailbox_usage(&req);
    Ok(stepped(&target.address, Some("usage"), &emitter(&app), work).await?)
}

/// What emptying Trash and Junk would free; kept for `mail_doctor_trash_empty`.
#[tauri::command]
pub async fn mail_doctor_trash_preview<R: Runtime>(
    app: AppHandle<R>,
    target: MailDoctorTarget,
    password: Option<String>,
) -> CmdResult<MailTrashPreview> {
    let (target, req) = request(&app, target, password).await?;
    let work = maildoctor::preview_empty_trash(&req);
    let preview = stepped(&target.address, Some("trash_preview"), &emitter(&app), work).await?;
    app.state::<PendingTrash>().keep(target, preview.clone());
    Ok(preview)
}

/// Empties what the last preview of this mailbox showed, then reads the quota again.
#[tauri::command]
pub async fn mail_doctor_trash_empty<R: Runtime>(
    app: AppHandle<R>,
    target: MailDoctorTarget,
    password: Option<String>,
) -> CmdResult<MailTrashOutcome> {
    let shown = app
        .state::<PendingTrash>()
        .take_shown(&checked::normalise(target.clone())?)?;
    let (target, req) = request(&app, target, password).await?;
    let work = maildoctor::empty_trash(&req, &shown);
    Ok(stepped(&target.address, Some("trash_empty"), &emitter(&app), work).await?)
}

core_commands! {
    /// Whether a password is kept in the keyring for this mailbox (never the password).
    mailbox_password_kept(address: String) -> bool = |core| async {
        let address = checked::address(&address)?;
        Ok::<_, CoreError>(core.mailbox_password(&address).await?.is_some())
    };

    keep_mailbox_password(address: String, password: String) -> () = |core| async {
        let password = checked::password(password)?;
        let address = checked::address(&address)?;
        core.remember_mailbox_password(&address, &password).await
    };

    forget_mailbox_password(address: String) -> ()
        = |core| core.forget_mailbox_password(&checked::address(&address)?);
}
