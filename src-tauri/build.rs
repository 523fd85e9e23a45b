fn main() {
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .capabilities_path_pattern("./src-tauri/capabilities/**/*")
            .app_manifest(tauri_build::AppManifest::new().commands(cowdesk_commands())),
    )
    .expect("failed to run tauri-build");
}

/// Every IPC command the app registers (commands::handler); the capability in
/// src-tauri/capabilities/main.json grants each of them to the main window.
fn cowdesk_commands() -> &'static [&'static str] {
    &[
        "app_info",
        "set_language",
        "ui_ready",
        "mail_client_config",
        "session_status",
        "login",
        "start_demo",
        "logout",
        "request_password_reset",
        "list_accounts",
        "get_selected_account",
        "select_account",
        "dashboard",
        "list_invoices",
        "list_mandates",
        "list_services",
        "list_domains",
        "list_mailboxes",
        "sync_now",
        "billing_invoices",
        "billing_invoice",
        "billing_invoice_pdf",
        "billing_dpa",
        "billing_export",
        "billing_payment_notice",
        "billing_payment_extension",
        "billing_services",
        "billing_service",
        "billing_cancel",
        "billing_restore",
        "billing_settings",
        "billing_update_settings",
        "domain_checklist",
        "set_transfer_lock",
        "generate_authcode",
        "copy_authcode",
        "forget_authcode",
        "domains_needing_relock",
        "list_activity",
        "check_sepa",
        "add_sepa_mandate",
        "add_provider_mandate",
        "cancel_mandate_approval",
        "reopen_mandate_approval",
        "mandate_impact",
        "change_mandate",
    ]
}
