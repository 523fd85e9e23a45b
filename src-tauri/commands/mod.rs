//! The IPC surface of the window: thin commands that validate their input and call the
//! core. Every command returns `Result<_, ErrorInfo>`, so the UI branches on `kind`.

mod accounts;
mod alerts;
mod app;
pub mod error;
mod input;
mod session;
pub mod sync;

use tauri::{ipc::Invoke, Runtime};

pub type CmdResult<T> = Result<T, cowdesk_core::model::ErrorInfo>;

/// Keep in step with `COMMANDS` in src-tauri/build.rs (the capability grants those).
pub fn handler<R: Runtime>() -> impl Fn(Invoke<R>) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
        app::app_info,
        app::set_language,
        app::ui_ready,
        app::mail_client_config,
        session::session_status,
        session::login,
        session::start_demo,
        session::logout,
        session::request_password_reset,
        accounts::list_accounts,
        accounts::get_selected_account,
        accounts::select_account,
        accounts::dashboard,
        accounts::list_invoices,
        accounts::list_mandates,
        accounts::list_services,
        accounts::list_domains,
        accounts::list_mailboxes,
        sync::sync_now,
        alerts::list_alerts,
        alerts::alert_counts,
        alerts::mark_alert_read,
        alerts::mark_all_alerts_read,
        alerts::get_alert_settings,
        alerts::set_alert_settings,
        alerts::take_navigation,
        alerts::get_desktop_settings,
        alerts::set_start_at_login,
        alerts::set_keep_running,
        alerts::demo_event,
        alerts::sync_schedule,
    ]
}
