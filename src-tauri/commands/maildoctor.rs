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
use cowdesk_core::session::Core;
use cowdesk_core::support::SupportSession;
use tauri::{AppHandle, Emitter, Manager, Runtime};

pub const EVENT_PROGRESS: &str = "mail-doctor-progress";

/// The core's request for `target`, with the typed password or the kept one.
async fn request<R: Runtime>(
    core: &Core,
    app: &AppHandle<R>,
    target: MailDoctorTarget,
    typed: Option<String>,
) -> Result<(MailDoctorTarget, DoctorRequest), CoreError> {
    let support = app.state::<SupportSession>();
    core.window_doctor_request(&support, target, typed).await
}

fn emitter<R: Runtime>(app: &AppHandle<R>) -> impl Fn(MailDoctorProgress) + Send + Sync + 'static {
    let app = app.clone();
    move |p: MailDoctorProgress| {
        let _ = app.emit(EVENT_PROGRESS, &p);
    }
}

core_commands! {
    /// Checks the four connections (and the round trip when asked), then reads the usage.
    mail_doctor_check(target: MailDoctorTarget, password: Option<String>, round_trip: bool)
        -> MailDoctorReport = |core, app| async move {
            let (target, mut req) = request(&core, &app, target, password).await?;
            req.round_trip = round_trip;
            let progress = emitter(&app);
            let work = maildoctor::run_doctor_with_progress(&req, &progress);
            stepped(&target.address, None, &progress, work).await
        };

    /// Quota and folders over IMAP with SSL/TLS.
    mail_doctor_usage(target: MailDoctorTarget, password: Option<String>) -> MailDoctorReport
        = |core, app| async move {
            let (target, req) = request(&core, &app, target, password).await?;
            let work = maildoctor::mailbox_usage(&req);
            stepped(&target.address, Some("usage"), &emitter(&app), work).await
        };

    /// What emptying Trash and Junk would free; kept for `mail_doctor_trash_empty`.
    mail_doctor_trash_preview(target: MailDoctorTarget, password: Option<String>)
        -> MailTrashPreview = |core, app| async move {
            let (target, req) = request(&core, &app, target, password).await?;
            let work = maildoctor::preview_empty_trash(&req);
            let progress = emitter(&app);
            let preview = stepped(&target.address, Some("trash_preview"), &progress, work).await?;
            app.state::<PendingTrash>().keep(target, preview.clone());
            Ok::<_, CoreError>(preview)
        };

    /// Empties what the last preview of this mailbox showed, then reads the quota again.
    mail_doctor_trash_empty(target: MailDoctorTarget, password: Option<String>)
        -> MailTrashOutcome = |core, app| async move {
            let shown = app
                .state::<PendingTrash>()
                .take_shown(&checked::normalise(target.clone())?)?;
            let (target, req) = request(&core, &app, target, password).await?;
            let work = maildoctor::empty_trash(&req, &shown);
            stepped(&target.address, Some("trash_empty"), &emitter(&app), work).await
        };

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
