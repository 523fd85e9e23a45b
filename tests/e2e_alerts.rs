//! Alerts end to end: the real app under Xvfb, on a private D-Bus session with a
//! recording notification service. The demo's first sync fills the notification centre
//! silently; a payment reminder sent on the demo portal arrives as exactly one desktop
//! notification; clicking it opens the invoice list with that invoice highlighted. Start at
//! login writes its autostart entry, and a second launch only focuses the running app (also
//! when both start at the same moment on a new cache). A tray host on the same bus reads
//! the tray icon's count and clicks "Sync now".
#![cfg(target_os = "linux")]

mod support;

use std::process::{Command, Stdio};
use std::time::Duration;

use cowdesk_core::alerts::text;
use cowdesk_sandbox::{Sandbox, SandboxConfig};
use support::demo::{launch_demo, OWN};
use support::driver::wait_until;
use support::notifications::{NotificationService, PrivateBus};
use support::tray_host::TrayHost;

const PATIENCE: Duration = Duration::from_secs(30);

#[test]
fn alert_centre_notification_and_click_open_the_invoice() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    // The demo's data is deterministic: the same reminder applied to a sandbox of our own
    // tells which invoice the app's demo portal will remind about, and its words.
    let reminded = runtime.block_on(async {
        let sandbox = Sandbox::start(SandboxConfig::default())
            .await
            .expect("sandbox");
        let invoice = sandbox.handle().send_payment_reminder(OWN, None);
        sandbox.shutdown().await;
        invoice.expect("an unpaid invoice in the demo")
    });
    let (amount, _) = text::money(reminded.amount_cents, &reminded.currency);
    let (due, _) = text::day(reminded.due_date);

    let bus = PrivateBus::start();
    let service = runtime.block_on(NotificationService::start(&bus));
    let tray = runtime.block_on(TrayHost::start(&bus));
    let data_dir = support::driver::kept_dir(module_path!());
    let config_dir = support::driver::kept_dir(module_path!());
    let config_home = config_dir.path().to_str().expect("utf-8");
    let app = launch_demo(
        "alerts",
        data_dir.path(),
        &[
            ("LANG", "en_GB.UTF-8"),
            ("DBUS_SESSION_BUS_ADDRESS", bus.address.as_str()),
            ("XDG_CONFIG_HOME", config_home),
        ],
    );
    let d = app.driver();

    // The first sync records what needs attention without a single notification.
    wait_until(PATIENCE, "the unread badge", || {
        Ok(d.find_all("[data-testid=alerts-unread]")?
            .first()
            .map(|_| ()))
    })
    .expect("alerts after the first sync");
    d.click(&d.find("[data-testid=nav-alerts]").expect("nav"))
        .expect("open the centre");
    d.find(&format!(
        "[data-testid=backfill-summary][data-account-id={OWN}]"
    ))
    .expect("the first sync is summarised");
    let backfilled = d.find_all("[data-testid=alert-item]").expect("items");
    assert!(!backfilled.is_empty(), "the centre lists the backfill");
    assert!(service.shown().is_empty(), "a backfill notifies nobody");
    app.screenshot("01-centre-after-first-sync")
        .expect("screenshot");
    // The tray shows how many alerts are unresolved: all of the backfill.
    let unresolved = backfilled.len();
    tray_shows(&runtime, &tray, unresolved);

    // Something happens on the portal: one notification, with the account in its title.
    d.click(&d.find("[data-testid=demo-reminder]").expect("demo actions"))
        .expect("send a reminder");
    let shown = wait_until(PATIENCE, "the notification", || {
        let shown = service.shown();
        Ok((!shown.is_empty()).then_some(shown))
    })
    .expect("a desktop notification");
    assert_eq!(shown.len(), 1, "{shown:?}");
    assert_eq!(shown[0].summary, "Müller Webdesign: Payment reminder");
    assert_eq!(
        shown[0].body,
        format!(
            "Invoice {} of {amount} was due on {due} and is still unpaid.",
            reminded.number
        )
    );
    assert_eq!(shown[0].urgency, Some(1));
    assert_eq!(shown[0].app_name, "cowdesk");
    wait_until(PATIENCE, "the new alert in the centre", || {
        let items =
            d.find_all("[data-testid=alert-item][data-rule=payment_reminder][data-read=false]")?;
        Ok((items.len() >= 2).then_some(()))
    })
    .expect("the reminder listed, unread");
    app.screenshot("02-centre-with-the-reminder")
        .expect("screenshot");
    tray_shows(&runtime, &tray, unresolved + 1);

    // "Sync now" in the tray menu runs a sync: the next one is planned anew.
    let schedule = d
        .find("[data-testid=sync-schedule]")
        .expect("schedule line");
    let planned = d.attribute(&schedule, "data-next-at").expect("attribute");
    let sync_now = runtime
        .block_on(tray.menu_entries())
        .expect("menu")
        .into_iter()
        .find(|e| e.label == "Sync now")
        .expect("a Sync now entry");
    runtime.block_on(tray.click(sync_now.id)).expect("click");
    wait_until(PATIENCE, "a sync from the tray", || {
        let schedule = d.find("[data-testid=sync-schedule]")?;
        let now = d.attribute(&schedule, "data-next-at")?;
        Ok((now.is_some() && now != planned).then_some(()))
    })
    .expect("the tray's sync ran");

    // Clicking the notification opens that invoice, highlighted.
    runtime.block_on(service.click(shown[0].id));
    d.find(&format!(
        "[data-testid=invoice-list][data-account-id={OWN}]"
    ))
    .expect("the invoice list opens");
    let highlighted = wait_until(PATIENCE, "the highlighted invoice", || {
        let rows = d.find_all("[data-testid=invoice-row][data-highlighted=true]")?;
        match rows.first() {
            Some(row) => Ok(d.attribute(row, "data-number")?),
            None => Ok(None),
        }
    })
    .expect("a highlighted row");
    assert_eq!(highlighted, reminded.number);
    app.screenshot("03-invoice-opened-from-the-notification")
        .expect("screenshot");

    // Nothing new: the next sync shows nothing more.
    d.click(&d.find("[data-testid=sync-button]").expect("sync"))
        .expect("sync again");
    wait_until(PATIENCE, "the sync to finish", || {
        let busy =
            d.execute("return document.querySelector('[data-testid=sync-button]').disabled")?;
        Ok((busy == serde_json::json!(false)).then_some(()))
    })
    .expect("sync finished");
    assert_eq!(service.shown().len(), 1, "no notification twice");

    // Start at login: an XDG autostart entry that starts cowdesk in the tray.
    d.click(&d.find("[data-testid=nav-alerts]").expect("nav"))
        .expect("open the centre");
    d.click(&d.find("[data-testid=alerts-tab-settings]").expect("tab"))
        .expect("open the settings");
    d.click(&d.find("[data-testid=start-at-login]").expect("option"))
        .expect("start at login");
    let entry = config_dir.path().join("autostart/cowdesk.desktop");
    let text = wait_until(PATIENCE, "the autostart entry", || {
        Ok(std::fs::read_to_string(&entry).ok())
    })
    .expect("autostart entry written");
    assert!(
        text.lines()
            .any(|l| l.starts_with("Exec=") && l.ends_with(" --hidden")),
        "{text}"
    );
    app.screenshot("04-settings").expect("screenshot");

    // A second launch hands over to the running app and ends.
    let mut second = Command::new(support::driver::window_binary())
        .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
        .env("COWDESK_DATA_DIR", data_dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("second launch");
    let status = wait_until(PATIENCE, "the second launch to end", || {
        second.try_wait().map_err(|e| e.to_string())
    });
    if status.is_err() {
        let _ = second.kill();
        let _ = second.wait();
    }
    assert!(status.expect("second launch ended").success());
    d.find("[data-testid=alert-settings]")
        .expect("the first window is still there");

    drop(app);
    drop(service);
    drop(tray);
    drop(bus);
}

/// Two launches at the same moment on a cache that does not exist yet (the launcher
/// clicked twice on the first day): one window opens, the other launch hands over to it
/// and ends. The later launch used to fail while the first was building the cache's
/// schema ("The local cache could not be read or written"; decision 0024).
#[test]
fn second_launch_at_the_same_moment_on_a_new_cache_hands_over() {
    support::driver::require_prerequisites().expect("a display");
    let bus = PrivateBus::start();
    for round in 0..3 {
        let dir = tempfile::tempdir().expect("tempdir");
        let launch = |n: usize| {
            let log = std::fs::File::create(dir.path().join(format!("launch-{n}.log")))
                .expect("log file");
            Command::new(support::driver::window_binary())
                .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
                .env("COWDESK_DATA_DIR", dir.path().join("data"))
                .env("LANG", "en_GB.UTF-8")
                .stdout(Stdio::null())
                .stderr(log)
                .spawn()
                .expect("the window starts")
        };
        let mut launches = [launch(0), launch(1)];
        let log = |n: usize| {
            std::fs::read_to_string(dir.path().join(format!("launch-{n}.log"))).unwrap_or_default()
        };
        let (ended, status) = wait_until(PATIENCE, "one launch to hand over", || {
            for (n, launch) in launches.iter_mut().enumerate() {
                if let Some(status) = launch.try_wait().map_err(|e| e.to_string())? {
                    return Ok(Some((n, status)));
                }
            }
            Ok(None)
        })
        .expect("one launch ends");
        let stays = 1 - ended;
        let window = wait_until(PATIENCE, "the other launch's window", || {
            support::xcapture::window_of(launches[stays].id())
        });
        let still_running = launches[stays].try_wait().ok().flatten().is_none();
        let _ = Command::new("kill")
            .args(["-TERM", &launches[stays].id().to_string()])
            .status();
        let _ = launches[stays].wait();
        assert!(
            status.success(),
            "round {round}: the launch that ended failed ({status}): {}",
            log(ended)
        );
        assert!(
            window.is_ok() && still_running,
            "round {round}: no window stayed: {}",
            log(stays)
        );
    }
}

/// Waits until the tray icon's label and menu show `count` unresolved alerts.
fn tray_shows(runtime: &tokio::runtime::Runtime, tray: &TrayHost, count: usize) {
    let entry = format!("{count} unresolved alerts");
    wait_until(PATIENCE, &format!("the tray to show {count}"), || {
        let label = runtime.block_on(tray.label()).ok();
        let entries = runtime.block_on(tray.menu_entries()).unwrap_or_default();
        let listed = entries.iter().any(|e| e.label == entry);
        Ok((label.as_deref() == Some(count.to_string().as_str()) && listed).then_some(()))
    })
    .unwrap_or_else(|e| {
        let label = runtime.block_on(tray.label());
        let entries = runtime.block_on(tray.menu_entries());
        panic!("{e}: label {label:?}, menu {entries:?}")
    });
}
