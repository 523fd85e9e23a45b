//! A real desktop-notification service for tests: a private D-Bus session bus
//! (dbus-daemon) with a small org.freedesktop.Notifications server that records every
//! Notify call and can "click" a notification (the ActionInvoked signal). Shared by the
//! core's notification test and the app's end-to-end test.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use zbus::object_server::SignalEmitter;
use zbus::zvariant::OwnedValue;

const PATH: &str = "/org/freedesktop/Notifications";

/// A dbus-daemon of its own, so nothing reaches the desktop the tests run on.
pub struct PrivateBus {
    daemon: Child,
    pub address: String,
    _dir: tempfile::TempDir,
}

impl PrivateBus {
    pub fn start() -> PrivateBus {
        let dir = tempfile::TempDir::new().expect("tempdir");
        let mut daemon = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--print-address=1"])
            .arg(format!(
                "--address=unix:path={}",
                dir.path().join("bus").display()
            ))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-daemon (package dbus) must be installed");
        let mut line = String::new();
        BufReader::new(daemon.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("bus address");
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

/// One Notify call as the server received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown {
    pub id: u32,
    pub app_name: String,
    pub summary: String,
    pub body: String,
    pub urgency: Option<u8>,
    pub actions: Vec<String>,
}

#[derive(Default, Clone)]
struct Server {
    shown: Arc<Mutex<Vec<Shown>>>,
    next_id: Arc<AtomicU32>,
}

#[zbus::interface(name = "org.freedesktop.Notifications")]
impl Server {
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
        self.shown.lock().expect("lock").push(Shown {
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

/// The notification service on `bus`, for as long as it lives.
pub struct NotificationService {
    server: Server,
    connection: zbus::Connection,
}

impl NotificationService {
    pub async fn start(bus: &PrivateBus) -> NotificationService {
        let server = Server::default();
        let connection = zbus::connection::Builder::address(bus.address.as_str())
            .expect("bus address")
            .name("org.freedesktop.Notifications")
            .expect("name")
            .serve_at(PATH, server.clone())
            .expect("object")
            .build()
            .await
            .expect("connect to the private bus");
        NotificationService { server, connection }
    }

    /// Every notification shown so far, in order.
    pub fn shown(&self) -> Vec<Shown> {
        self.server.shown.lock().expect("lock").clone()
    }

    /// Clicks notification `id`, as a desktop does when the user clicks its body.
    pub async fn click(&self, id: u32) {
        let iface = self
            .connection
            .object_server()
            .interface::<_, Server>(PATH)
            .await
            .expect("interface");
        Server::action_invoked(iface.signal_emitter(), id, "default")
            .await
            .expect("signal");
    }
}
