//! Desktop notifications for real: a private D-Bus session bus (dbus-daemon) with a small
//! org.freedesktop.Notifications server that records every Notify call. The sandbox sends
//! a payment reminder and suspends a service; one sync and one delivery must produce
//! exactly those two notifications, and the next sync none. A click on a notification
//! (the server's ActionInvoked signal) must lead to the exact invoice.
#![cfg(target_os = "linux")]

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{NaiveDate, NaiveTime};
use cowdesk_core::alerts::{text, Lang};
use cowdesk_core::model::{NavTarget, Navigation, SyncProgress};
use cowdesk_core::notify::DesktopNotifier;
use cowdesk_core::secrets::MemorySecretStore;
use cowdesk_core::session::Core;
use cowdesk_sandbox::{Sandbox, SandboxConfig, DEMO_EMAIL, DEMO_PASSWORD};
use tempfile::TempDir;
use zbus::object_server::SignalEmitter;
use zbus::zvariant::OwnedValue;

const OWN: &str = "acc-100001";
const PATH: &str = "/org/freedesktop/Notifications";

/// A dbus-daemon of its own, so nothing reaches the desktop the tests run on.
struct PrivateBus {
    daemon: Child,
    address: String,
    _dir: TempDir,
}

impl PrivateBus {
    fn start() -> PrivateBus {
        let dir = TempDir::new().unwrap();
        let mut daemon = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--print-address=1"])
            .arg(format!(
                "--address=unix:path={}",
                dir.path().join("bus").display()
            ))
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("dbus-daemon (package dbus) must be installed");
        let mut line = String::new();
        BufReader::new(daemon.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        PrivateBus {
            daemon,
            address: line.trim().to_owned(),
            _dir: dir,
        }
    }
}

impl Drop for PrivateBus {
    fn drop(&mut self) {
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Shown {
    id: u32,
    app_name: String,
    summary: String,
    body: String,
    urgency: Option<u8>,
    actions: Vec<String>,
}

#[derive(Default, Clone)]
struct NotificationServer {
    shown: Arc<Mutex<Vec<Shown>>>,
    next_id: Arc<AtomicU32>,
}

#[zbus::interface(name = "org.freedesktop.Notifications")]
impl NotificationServer {
    #[allow(clippy::too_many_arguments)]
    fn notify(
        &self,
        app_name: String,
        _replaces_id: u32,
        _app_icon: String,
        summary: String,
        body: String,
        actions: Vec<String>,
        hints: HashMap<String, OwnedValue>,
        _expire_timeout: i32,
    ) -> u32 {
        let id = self.next_id.fetch_add(1, Ordering::SeqCst) + 1;
        let urgency = hints
            .get("urgency")
            .and_then(|v| v.downcast_ref::<u8>().ok());
        self.shown.lock().unwrap().push(Shown {
            id,
            app_name,
            summary,
            body,
            urgency,
            actions,
        });
        id
    }

    fn get_capabilities(&self) -> Vec<String> {
        vec!["actions".into(), "body".into()]
    }

    fn get_server_information(&self) -> (String, String, String, String) {
        (
            "recorder".into(),
            "cowdesk tests".into(),
            "1".into(),
            "1.2".into(),
        )
    }

    fn close_notification(&self, _id: u32) {}

    #[zbus(signal)]
    async fn action_invoked(
        emitter: &SignalEmitter<'_>,
        id: u32,
        action_key: &str,
    ) -> zbus::Result<()>;
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 16).unwrap()
}

fn no_progress(_: SyncProgress) {}

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
async fn alert_notifications_arrive_once_over_a_real_dbus_session() {
    let bus = PrivateBus::start();
    // notify-rust talks to the session bus named here; this test binary has no other test.
    std::env::set_var("DBUS_SESSION_BUS_ADDRESS", &bus.address);
    let server = NotificationServer::default();
    let connection = zbus::connection::Builder::address(bus.address.as_str())
        .unwrap()
        .name("org.freedesktop.Notifications")
        .unwrap()
        .serve_at(PATH, server.clone())
        .unwrap()
        .build()
        .await
        .unwrap();

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
    let noon = NaiveTime::from_hms_opt(12, 0, 0).unwrap();

    // The first sync of each account is a silent backfill.
    core.sync_all(&no_progress).await.unwrap();
    let report = core
        .deliver_alerts(&notifier, Lang::En, noon)
        .await
        .unwrap();
    assert_eq!(report.shown, 0);
    assert!(server.shown.lock().unwrap().is_empty());
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

    core.sync_all(&no_progress).await.unwrap();
    let report = core
        .deliver_alerts(&notifier, Lang::En, noon)
        .await
        .unwrap();
    assert_eq!((report.shown, report.failed), (2, 0));

    let (amount, _) = text::money(invoice.amount_cents, &invoice.currency);
    let (due, _) = text::day(invoice.due_date);
    let expected = vec![
        (
            "Müller Webdesign: Payment reminder".to_owned(),
            format!(
                "Invoice {} of {amount} was due on {due} and is still unpaid.",
                invoice.number
            ),
            Some(1u8),
        ),
        (
            "Müller Webdesign: Service suspended".to_owned(),
            format!(
                "{} ({}) is suspended: Unpaid invoice {}.",
                service.product, service.id, invoice.number
            ),
            Some(2u8),
        ),
    ];
    let shown = server.shown.lock().unwrap().clone();
    let got: Vec<_> = shown
        .iter()
        .map(|s| (s.summary.clone(), s.body.clone(), s.urgency))
        .collect();
    assert_eq!(got, expected);
    assert!(shown
        .iter()
        .all(|s| s.app_name == "cowdesk" && s.actions.contains(&"default".to_owned())));

    // The next sync changes nothing and shows nothing.
    core.sync_all(&no_progress).await.unwrap();
    let report = core
        .deliver_alerts(&notifier, Lang::En, noon)
        .await
        .unwrap();
    assert_eq!(report.shown, 0);
    assert_eq!(server.shown.lock().unwrap().len(), 2);

    // Clicking the reminder leads to that invoice of that account.
    let iface = connection
        .object_server()
        .interface::<_, NotificationServer>(PATH)
        .await
        .unwrap();
    NotificationServer::action_invoked(iface.signal_emitter(), shown[0].id, "default")
        .await
        .unwrap();
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
    drop(connection);
    drop(bus);
}
