//! The real app binary under Xvfb, driven through WebDriver: start the demo, see the
//! overdue invoice on the dashboard, switch to the shared account, and see only that
//! account's invoices; then leave the demo.
#![cfg(target_os = "linux")]

mod support;

use std::collections::BTreeSet;
use std::time::Duration;

use cowdesk_core::model::{Invoice, InvoiceStatus};
use cowdesk_sandbox::{Sandbox, SandboxConfig};
use serde_json::json;
use support::demo::{launch_demo, OWN, SHARED};
use support::driver::{kept_dir, wait_until, AppUnderTest, Launch};
use support::page::invoke;

const PATIENCE: Duration = Duration::from_secs(30);

/// The demo data is deterministic for (seed, today): a sandbox started here with the
/// defaults holds exactly what the demo's sandbox program serves.
fn expected_invoices(sandbox: &Sandbox, account: &str) -> Vec<Invoice> {
    sandbox
        .handle()
        .with_account(account, |data| data.invoices.clone())
        .expect("demo account exists")
}

#[test]
fn demo_dashboard_then_shared_account_invoices() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let sandbox = runtime
        .block_on(Sandbox::start(SandboxConfig::default()))
        .expect("sandbox");
    let own_invoices = expected_invoices(&sandbox, OWN);
    let shared_numbers: BTreeSet<String> = expected_invoices(&sandbox, SHARED)
        .into_iter()
        .map(|i| i.number)
        .collect();
    let own_numbers: BTreeSet<String> = own_invoices.iter().map(|i| i.number.clone()).collect();
    let overdue_with_reminder: BTreeSet<String> = own_invoices
        .iter()
        .filter(|i| i.status == InvoiceStatus::Overdue && i.dunning_level > 0)
        .map(|i| i.number.clone())
        .collect();
    assert!(
        !overdue_with_reminder.is_empty(),
        "demo data lacks a reminder"
    );
    assert!(own_numbers.is_disjoint(&shared_numbers));

    let data_dir = support::driver::kept_dir(module_path!());
    let app = AppUnderTest::launch(
        "demo",
        Launch {
            data_dir: Some(data_dir.path()),
            env: &[("LANG", "en_GB.UTF-8")],
            ..Launch::default()
        },
    )
    .expect("app starts under tauri-driver");
    let d = app.driver();

    // Login screen -> demo.
    let demo = d.find("[data-testid=demo-button]").expect("login screen");
    app.screenshot("01-login").expect("screenshot");
    d.click(&demo).expect("click demo");

    // The dashboard of the own account lists the overdue invoice with its reminder.
    d.find(&format!("[data-testid=dashboard][data-account-id={OWN}]"))
        .expect("dashboard of the own account");
    let shown: BTreeSet<String> = wait_until(PATIENCE, "attention invoices", || {
        let rows = d.find_all("[data-testid=attention-invoice]")?;
        let numbers = rows
            .iter()
            .filter_map(|r| d.attribute(r, "data-number").ok().flatten())
            .collect::<BTreeSet<_>>();
        Ok((!numbers.is_empty()).then_some(numbers))
    })
    .expect("overdue invoices on the dashboard");
    assert!(
        overdue_with_reminder.is_subset(&shown),
        "dashboard shows {shown:?}, expected at least {overdue_with_reminder:?}"
    );
    let overdue_total = d
        .text(
            &d.find("[data-testid=overdue-total]")
                .expect("overdue total"),
        )
        .expect("text");
    assert!(
        overdue_total.chars().any(|c| c.is_ascii_digit()),
        "overdue total shows no amount: {overdue_total:?}"
    );
    app.screenshot("02-dashboard").expect("screenshot");

    // Switch to the shared account, open its invoices.
    d.click(&d.find("[data-testid=account-switcher]").expect("switcher"))
        .expect("open switcher");
    let option = d
        .find(&format!(
            "[data-testid=account-option][data-account-id={SHARED}]"
        ))
        .expect("shared account in the switcher");
    d.click(&option).expect("choose shared account");
    d.find(&format!(
        "[data-testid=dashboard][data-account-id={SHARED}]"
    ))
    .expect("dashboard of the shared account");
    d.click(&d.find("[data-testid=nav-invoices]").expect("nav"))
        .expect("open invoices");
    d.find(&format!(
        "[data-testid=invoice-list][data-account-id={SHARED}]"
    ))
    .expect("invoice list of the shared account");
    // The list is virtual: it counts every invoice of the account and renders the rows in
    // view, each of them one of the shared account's.
    let listed: BTreeSet<String> = wait_until(PATIENCE, "the shared account's invoices", || {
        let count = d
            .find("[data-testid=invoice-list] [data-testid=virtual-list]")
            .and_then(|l| d.attribute(&l, "data-rows"))?;
        let rows = d.find_all("[data-testid=invoice-row]")?;
        let numbers = rows
            .iter()
            .filter_map(|r| d.attribute(r, "data-number").ok().flatten())
            .collect::<BTreeSet<_>>();
        let whole = count.as_deref() == Some(shared_numbers.len().to_string().as_str());
        let shown = !numbers.is_empty() && numbers.is_subset(&shared_numbers);
        Ok((whole && shown).then_some(numbers))
    })
    .unwrap_or_else(|e| {
        panic!(
            "{e}: expected {} of {shared_numbers:?}",
            shared_numbers.len()
        )
    });
    assert!(listed.is_disjoint(&own_numbers), "own invoices leaked");
    app.screenshot("03-shared-invoices").expect("screenshot");

    // Leaving the demo asks first, then returns to the sign-in screen.
    d.click(&d.find("[data-testid=logout-button]").expect("sign out"))
        .expect("ask to sign out");
    d.click(
        &d.find("[data-testid=logout-confirm]")
            .expect("confirmation"),
    )
    .expect("confirm");
    d.find("[data-testid=demo-button]")
        .expect("back on the sign-in screen");
    // Nothing of the demo's data is left on screen. Asked of the page directly: a find
    // for what must be absent would sit out the whole implicit wait.
    let leftovers = d
        .execute(
            "return document.querySelectorAll(\
             '[data-testid=dashboard], [data-testid=account-switcher]').length",
        )
        .expect("script");
    assert_eq!(leftovers, serde_json::json!(0));

    drop(app);
    // For the leak scan after the suite (scripts/leak-scan.py): the values of the
    // signed-out login's data that must be in no file of its profile folder any more.
    let marker: Vec<&str> = own_numbers
        .iter()
        .chain(&shared_numbers)
        .map(String::as_str)
        .collect();
    std::fs::write(data_dir.path().join("SIGNED-OUT"), marker.join("\n")).expect("marker written");
    runtime.block_on(sandbox.shutdown());
}

/// The commands of the `core_commands!` blocks (src-tauri/commands/mod.rs, answered
/// without Tauri's per-command wrapper) read their arguments as Tauri's own commands do,
/// in the real window: camelCase keys, an absent optional one as none; a checked argument
/// that is refused answers with the same `ErrorInfo` as any command error, and arguments
/// that cannot be read are refused with the command's and the key's names.
#[test]
fn perf_shape_core_commands_read_and_refuse_arguments_as_the_page_sends_them() {
    let data_dir = kept_dir(module_path!());
    let app = launch_demo("demo-commands", data_dir.path(), &[("LANG", "en_GB.UTF-8")]);
    let d = app.driver();

    let dashboard = invoke(d, "dashboard", &json!({ "accountId": OWN })).expect("a dashboard");
    assert_eq!(dashboard["account"]["id"], OWN, "{dashboard}");

    let refused = invoke(d, "dashboard", &json!({ "accountId": "../etc" }))
        .expect_err("an account id with a path in it");
    assert_eq!(refused["kind"], "invalid_input", "{refused}");
    assert_eq!(
        refused["message"], "This account id is not valid.",
        "{refused}"
    );
    assert_eq!(
        refused["message_de"], "Diese Konto-ID ist ungültig.",
        "{refused}"
    );
    assert!(refused["fields"]["accountId"].is_string(), "{refused}");

    for (arguments, said) in [
        (json!({}), "missing field `accountId`"),
        (json!({ "accountId": 7 }), "invalid type: integer `7`"),
        (json!({ "account_id": OWN }), "missing field `accountId`"),
    ] {
        let refused = invoke(d, "dashboard", &arguments).expect_err("unreadable arguments");
        let text = refused.as_str().unwrap_or_default();
        assert!(
            text.starts_with("invalid arguments for command dashboard:") && text.contains(said),
            "{arguments}: {refused}"
        );
    }

    // An optional checked argument left out is none: the hosted mailcow's servers.
    let config = invoke(d, "mail_client_config", &json!({})).expect("the hosted servers");
    assert!(
        config["servers"]
            .as_array()
            .is_some_and(|servers| !servers.is_empty()),
        "{config}"
    );

    // A `#[tauri::command]` function still answers through Tauri's handler, and a name
    // no block or function has is refused before any of them.
    let schedule = invoke(d, "sync_schedule", &json!({})).expect("the schedule");
    assert!(schedule["state"].is_string(), "{schedule}");
    let unknown = invoke(d, "no_such_command", &json!({})).expect_err("not a command");
    assert!(
        unknown.as_str().is_some_and(|t| t.contains("not allowed")),
        "{unknown}"
    );
}
