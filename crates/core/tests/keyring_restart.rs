//! The keyring's one Secret Service session per process (decision 0021) outlives the
//! daemon it was made with: when the keyring daemon is restarted while cowdesk runs (a
//! crashed gnome-keyring started again, the desktop session's keyring replaced), the next
//! read and write go through a new session, without an error and without losing the entry.
//! Its own test binary with a single test: it points the session bus at a dbus-daemon of
//! its own with a gnome-keyring of its own, and environment changes must not race with
//! other tests.
#![cfg(target_os = "linux")]

// Only its private bus is used here, not the notification server beside it.
#[allow(dead_code)]
#[path = "../../../tests/support/notifications.rs"]
mod notifications;

use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, Stdio};

use cowdesk_core::secrets::{KeyringSecretStore, SecretStore};
use notifications::PrivateBus;
use zbus::blocking::fdo::DBusProxy;

const SECRETS: &str = "org.freedesktop.secrets";
const PASSWORD: &str = "cowdesk-restart-test";

/// A gnome-keyring-daemon serving the Secret Service on `bus`, its login keyring unlocked
/// with `PASSWORD` (made on first start) in `home`; answers once it owns the service name.
fn start_keyring(bus: &PrivateBus, home: &Path) -> Child {
    let watcher = zbus::blocking::connection::Builder::address(bus.address.as_str())
        .expect("bus address")
        .build()
        .expect("connect to the private bus");
    let dbus = DBusProxy::new(&watcher).expect("the bus's own interface");
    // Subscribed before the start, so the moment the name is taken cannot be missed.
    let mut owners = dbus
        .receive_name_owner_changed_with_args(&[(0, SECRETS)])
        .expect("subscribe to the name's owner");
    let runtime = home.join("runtime");
    std::fs::create_dir_all(&runtime).expect("runtime folder");
    let mut daemon = Command::new("gnome-keyring-daemon")
        .args(["--foreground", "--unlock", "--components=secrets"])
        .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_RUNTIME_DIR", &runtime)
        .env("HOME", home)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("gnome-keyring-daemon (package gnome-keyring) must be installed");
    let mut stdin = daemon.stdin.take().expect("stdin");
    stdin
        .write_all(PASSWORD.as_bytes())
        .expect("unlock password");
    drop(stdin);
    let owned = owners.find(|signal| {
        signal
            .args()
            .map(|args| args.new_owner().is_some())
            .unwrap_or(false)
    });
    assert!(owned.is_some(), "the keyring daemon never took {SECRETS}");
    daemon
}

fn stop(mut daemon: Child) {
    daemon.kill().expect("stop the keyring daemon");
    daemon.wait().expect("the keyring daemon exits");
}

#[test]
fn perf_keyring_session_survives_a_restarted_keyring_daemon() {
    let bus = PrivateBus::start();
    let home = tempfile::TempDir::new().unwrap();
    // Set before any other thread exists in this process: the store connects to it.
    std::env::set_var("DBUS_SESSION_BUS_ADDRESS", &bus.address);

    let first = start_keyring(&bus, home.path());
    let store = KeyringSecretStore::new();
    let key = "cowdesk-test:restart";
    store.set(key, "before the restart").unwrap();
    assert_eq!(
        store.get(key).unwrap().as_deref(),
        Some("before the restart")
    );

    // The session the store keeps now belongs to a daemon that is gone.
    stop(first);
    let second = start_keyring(&bus, home.path());

    assert_eq!(
        store.get(key).unwrap().as_deref(),
        Some("before the restart"),
        "the entry is read through a new session, from the keyring file the first daemon wrote"
    );
    store.set(key, "after the restart").unwrap();
    assert_eq!(
        store.get(key).unwrap().as_deref(),
        Some("after the restart")
    );
    // A store made afterwards (a new process, as it were) sees the same one entry.
    assert_eq!(
        KeyringSecretStore::new().get(key).unwrap().as_deref(),
        Some("after the restart")
    );
    store.delete(key).unwrap();
    assert_eq!(store.get(key).unwrap(), None);
    stop(second);
}
