//! A real round trip through the OS keyring (Secret Service on Linux). Without a
//! reachable keyring these tests fail, saying what to start: they never skip.

#[path = "support/rerun.rs"]
mod rerun;

use cowdesk_core::secrets::{KeyringSecretStore, SecretStore};

/// What a keyring test says when no Secret Service answers.
const NO_KEYRING: &str = "no Secret Service reachable";

/// The real keyring, or a failure that says what to install or start.
fn keyring() -> KeyringSecretStore {
    let store = KeyringSecretStore::new();
    if let Err(err) = store.get("cowdesk-test:probe") {
        panic!(
            "{NO_KEYRING} ({err}): these tests need an unlocked keyring on the session bus \
             (apt-get install gnome-keyring dbus-x11; ./scripts/test.sh runs them in a \
             private session with one)"
        );
    }
    store
}

#[test]
fn keyring_round_trip() {
    let store = keyring();
    let key = format!("cowdesk-test:{}", std::process::id());
    store.set(&key, "round-trip-value").unwrap();
    assert_eq!(
        store.get(&key).unwrap().as_deref(),
        Some("round-trip-value")
    );
    store.set(&key, "replaced").unwrap();
    assert_eq!(store.get(&key).unwrap().as_deref(), Some("replaced"));
    store.delete(&key).unwrap();
    assert_eq!(store.get(&key).unwrap(), None);
    // Deleting what is gone is fine: logout must not fail on it.
    store.delete(&key).unwrap();
}

/// The core keeps the refresh token in the real keyring and removes it at logout.
#[tokio::test]
async fn login_and_logout_use_the_keyring() {
    use std::sync::Arc;

    use cowdesk_core::session::{secret_key, Core};
    use cowdesk_sandbox::{Sandbox, SandboxConfig, DEMO_EMAIL, DEMO_PASSWORD};

    let probe = keyring();
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let dir = tempfile::TempDir::new().unwrap();
    let secrets: Arc<dyn SecretStore> = Arc::new(KeyringSecretStore::new());
    let core = Core::open(dir.path(), "default", secrets).await.unwrap();
    let info = core
        .login(&sandbox.base_url(), DEMO_EMAIL, DEMO_PASSWORD, false)
        .await
        .unwrap();
    assert!(info.remembered);
    let key = secret_key(&sandbox.base_url(), DEMO_EMAIL);
    assert!(probe.get(&key).unwrap().is_some());
    core.logout().await.unwrap();
    assert_eq!(probe.get(&key).unwrap(), None);
}

/// Issue 17, item 13: with no Secret Service on the bus, each keyring test above fails
/// and says what to start (it used to print "SKIPPED" and pass).
#[test]
fn trust_keyring_tests_fail_without_a_secret_service() {
    let dir = tempfile::TempDir::new().unwrap();
    let bus = format!("unix:path={}", dir.path().join("no-such-bus").display());
    for test in ["keyring_round_trip", "login_and_logout_use_the_keyring"] {
        rerun::rerun_test(test, &[("DBUS_SESSION_BUS_ADDRESS", &bus)], &[])
            .assert_failed_saying(NO_KEYRING);
    }
}
