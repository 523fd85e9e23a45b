//! Desktop notifications for real: a private D-Bus session bus (dbus-daemon) with a small
//! org.freedesktop.Notifications server that records every Notify call. The sandbox sends
//! a payment reminder and suspends a service; one sync and one delivery must produce
//! exactly those two notifications, and the next sync none. A click on a notification
//! (the server's ActionInvoked signal) must lead to the exact invoice.
#![cfg(target_os = "linux")]

#[path = "../../../tests/support/notifications.rs"]
mod notifications;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::NaiveTime;
use cowdesk_core::alerts::{DeliveryReport, Lang};
use cowdesk_core::model::{NavTarget, Navigation};
use cowdesk_core::notify::DesktopNotifier;
use cowdesk_core::secrets::MemorySecretStore;
use cowdesk_core::session::Core;
use cowdesk_sandbox::{Sandbox, SandboxConfig, DEMO_EMAIL, DEMO_PASSWORD};
use notifications::{NotificationService, PrivateBus};
use tempfile::TempDir;

#[path = "support/fixtures.rs"]
mod fixtures;
use fixtures::{no_progress, today, OWN};

/// One sync of every account, then one delivery, at noon (outside any quiet hours).
async fn sync_and_deliver(core: &Core, notifier: &DesktopNotifier) -> DeliveryReport {
    core.sync_all(&no_progress).await.unwrap();
    let noon = NaiveTime::from_hms_opt(12, 0, 0).unwrap();
    core.deliver_alerts(notifier, Lang::En, noon).await.unwrap()
}

fn wait_for<T>(what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(value) = check() {
            return value;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn trust_alert_notifications_arrive_once_over_a_real_dbus_session() {
    let bus = PrivateBus::start();
    // notify-rust talks to the session bus named here; this test binary has no other test.
    std::env::set_var("DBUS_SESSION_BUS_ADDRESS", &bus.address);
    let server = NotificationService::start(&bus).await;

    let sandbox = Sandbox::start(SandboxConfig {
        today: today(),
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let dir = TempDir::new().unwrap();
    let core = Core::open(
        dir.path(),
        "default",
        Arc::new(MemorySecretStore::default()),
    )
    .await
    .unwrap();
    core.set_today(today());
    core.login(&sandbox.base_url(), DEMO_EMAIL, DEMO_PASSWORD, false)
        .await
        .unwrap();
    let clicked: Arc<Mutex<Vec<Navigation>>> = Arc::default();
    let on_click = {
        let clicked = clicked.clone();
        Arc::new(move |nav: Navigation| clicked.lock().unwrap().push(nav))
    };
    let notifier = DesktopNotifier::new("cowdesk", Some(on_click));

    // The first sync of each account is a silent backfill.
    let report = sync_and_deliver(&core, &notifier).await;
    assert_eq!(report.shown, 0);
    assert!(server.shown().is_empty());
    assert!(
        !core.alerts().await.unwrap().is_empty(),
        "backfill recorded"
    );

    // On the portal: the newest invoice gets a reminder, a running service is suspended.
    let handle = sandbox.handle();
    let invoice = handle
        .send_payment_reminder(OWN, None)
        .expect("an unpaid invoice");
    let service = handle
        .suspend_service(OWN, None, &invoice.number)
        .expect("an active service");

    let report = sync_and_deliver(&core, &notifier).await;
    assert_eq!((report.shown, report.failed), (2, 0));

    // The demo data is fixed for the seed and day: the reminded invoice and the
    // suspended service are these, and the texts are written out here (not built with
    // the formatting code under test).
    assert_eq!(
        (
            invoice.number.as_str(),
            invoice.amount_cents,
            invoice.due_date.to_string().as_str(),
            service.product.as_str(),
            service.id.as_str()
        ),
        (
            "RE-2026-000024",
            4736,
            "2026-03-15",
            "Webhosting Business",
            "acc-100001-s1"
        )
    );
    let expected = vec![
        (
            "Müller Webdesign: Payment reminder".to_owned(),
            "Invoice RE-2026-000024 of €47.36 was due on 15 Mar 2026 and is still unpaid."
                .to_owned(),
            Some(1u8),
        ),
        (
            "Müller Webdesign: Service suspended".to_owned(),
            "Webhosting Business (acc-100001-s1) is suspended: Unpaid invoice RE-2026-000024."
                .to_owned(),
            Some(2u8),
        ),
    ];
    let shown = server.shown();
    let got: Vec<_> = shown
        .iter()
        .map(|s| (s.summary.clone(), s.body.clone(), s.urgency))
        .collect();
    assert_eq!(got, expected);
    assert!(shown
        .iter()
        .all(|s| s.app_name == "cowdesk" && s.actions.contains(&"default".to_owned())));

    // The next sync changes nothing and shows nothing.
    let report = sync_and_deliver(&core, &notifier).await;
    assert_eq!(report.shown, 0);
    assert_eq!(server.shown().len(), 2);

    // Clicking the reminder leads to that invoice of that account.
    server.click(shown[0].id).await;
    let nav = wait_for("the click to arrive", || {
        clicked.lock().unwrap().first().cloned()
    });
    assert_eq!(
        nav,
        Navigation {
            account_id: OWN.into(),
            target: NavTarget::Invoices {
                number: invoice.number.clone()
            }
        }
    );

    sandbox.shutdown().await;
    drop(server);
    drop(bus);
}
