//! A real round trip through the OS keyring (Secret Service on Linux). Skipped, with the
//! reason printed, when no keyring is reachable; with `CI` set it must work.

use cowdesk_core::secrets::{KeyringSecretStore, SecretStore, SecretsError};

#[test]
fn keyring_round_trip() {
    let store = KeyringSecretStore::new();
    let key = format!("cowdesk-test:{}", std::process::id());
    match store.set(&key, "round-trip-value") {
        Ok(()) => {}
        Err(SecretsError::Unavailable(reason)) if std::env::var_os("CI").is_none() => {
            println!("SKIPPED keyring_round_trip: no Secret Service reachable ({reason})");
            return;
        }
        Err(err) => panic!("keyring unusable: {err}"),
    }
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

    let probe = KeyringSecretStore::new();
    if let Err(SecretsError::Unavailable(reason)) = probe.get("cowdesk-test:probe") {
        assert!(
            std::env::var_os("CI").is_none(),
            "keyring unusable: {reason}"
        );
        println!("SKIPPED login_and_logout_use_the_keyring: {reason}");
        return;
    }
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
