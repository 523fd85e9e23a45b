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
        "list_alerts",
        "alert_counts",
        "mark_alert_read",
        "mark_all_alerts_read",
        "get_alert_settings",
        "set_alert_settings",
        "take_navigation",
        "get_desktop_settings",
        "set_start_at_login",
        "set_keep_running",
        "demo_event",
        "sync_schedule",
    ]
}
