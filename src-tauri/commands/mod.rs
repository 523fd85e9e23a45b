//! The IPC surface of the window: thin commands that validate their input and call the
//! core. Every command returns `Result<_, ErrorInfo>`, so the UI branches on `kind`.

mod accounts;
mod alerts;
mod app;
pub mod billing;
mod connections;
pub mod dnscheck;
mod domains;
pub mod error;
mod input;
mod lists;
mod mail;
mod mailcow;
pub mod maildoctor;
pub mod mandates;
mod session;
pub mod support;
mod support_bounce;
pub mod support_secrets;
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
        lists::mailbox_window,
        lists::mailbox_position,
        lists::mailbox_totals,
        lists::invoice_window,
        lists::domain_window,
        lists::domain_position,
        lists::mailbox_entry_window,
        lists::mailcow_summary,
        sync::sync_now,
        billing::billing_invoices,
        billing::billing_invoice,
        billing::billing_invoice_pdf,
        billing::billing_dpa,
        billing::billing_export,
        billing::billing_payment_notice,
        billing::billing_payment_extension,
        billing::billing_services,
        billing::billing_service,
        billing::billing_cancel,
        billing::billing_restore,
        billing::billing_settings,
        billing::billing_update_settings,
        domains::domain_checklist,
        domains::set_transfer_lock,
        domains::generate_authcode,
        domains::copy_authcode,
        domains::forget_authcode,
        domains::domains_needing_relock,
        domains::list_activity,
        mandates::check_sepa,
        mandates::add_sepa_mandate,
        mandates::add_provider_mandate,
        mandates::cancel_mandate_approval,
        mandates::reopen_mandate_approval,
        mandates::mandate_impact,
        mandates::change_mandate,
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
        mail::mail_allowance,
        mail::check_mailbox_address,
        mail::copy_mail_setting,
        mail::export_mail_config,
        dnscheck::dns_settings,
        dnscheck::set_dns_resolver,
        dnscheck::set_dns_api_credentials,
        dnscheck::clear_dns_api_credentials,
        dnscheck::dns_check,
        dnscheck::dns_fix_plan,
        dnscheck::dns_fix_apply,
        maildoctor::mail_doctor_check,
        maildoctor::mail_doctor_usage,
        maildoctor::mail_doctor_trash_preview,
        maildoctor::mail_doctor_trash_empty,
        maildoctor::mailbox_password_kept,
        maildoctor::keep_mailbox_password,
        maildoctor::forget_mailbox_password,
        support::support_forms,
        support::support_tickets,
        support::support_ticket_thread,
        support::support_context,
        support::support_draft,
        support::support_check,
        support::support_guard,
        support::support_hand_off,
        support_secrets::support_secret_settings,
        support_secrets::support_set_secret_server,
        support_secrets::support_create_secret,
        support_secrets::support_copy_secret_link,
        support_secrets::support_replace_finding,
        support_bounce::support_explain_bounce,
        support_bounce::support_bounce_draft,
        support_bounce::support_open_bounce_file,
        connections::list_connections,
        connections::connect_mailcow_session,
        connections::verify_mailcow_totp,
        connections::connect_mailcow_api_key,
        connections::remove_connection,
        connections::sync_connection,
        mailcow::mailbox_entries,
        mailcow::mailcow_domains,
        mailcow::mailcow_aliases,
        mailcow::mailcow_add_mailbox,
        mailcow::mailcow_edit_mailbox,
        mailcow::mailcow_delete_mailbox,
        mailcow::mailcow_add_alias,
        mailcow::mailcow_delete_alias,
        mailcow::mailcow_set_mailbox_password,
        mailcow::mailcow_import_choose_file,
        mailcow::mailcow_import_choose_passwords_file,
        mailcow::mailcow_import_run,
        mailcow::mailcow_import_cancel,
    ]
}
