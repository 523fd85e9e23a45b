//! Without a Secret Service the keyring reports "unavailable", which the UI explains, and
//! the sign-in still works for the run without being remembered. Its own test binary with
//! a single test: it points the session bus at a socket that does not exist, and
//! environment changes must not race with other tests.

use std::sync::Arc;

use cowdesk_core::error::CoreError;
use cowdesk_core::model::ErrorKind;
use cowdesk_core::secrets::{KeyringSecretStore, SecretStore, SecretsError};
use cowdesk_core::session::Core;
use cowdesk_sandbox::{Sandbox, SandboxConfig, DEMO_EMAIL, DEMO_PASSWORD};

#[test]
fn a_missing_secret_service_is_reported_as_keyring_unavailable() {
    let dir = tempfile::TempDir::new().unwrap();
    let socket = dir.path().join("no-such-bus");
    // Set before any other thread exists in this process.
    std::env::set_var(
        "DBUS_SESSION_BUS_ADDRESS",
        format!("unix:path={}", socket.display()),
    );

    let store = KeyringSecretStore::new();
    for result in [
        store.set("cowdesk-test:unavailable", "value").map(|_| ()),
        store.get("cowdesk-test:unavailable").map(|_| ()),
        store.delete("cowdesk-test:unavailable"),
    ] {
        let err = result.expect_err("no Secret Service on that bus");
        assert!(matches!(err, SecretsError::Unavailable(_)), "{err:?}");
        let info = CoreError::from(err).info();
        assert_eq!(info.kind, ErrorKind::KeyringUnavailable);
        assert!(info.message.contains("KeePassXC"), "{}", info.message);
    }

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
        let secrets: Arc<dyn SecretStore> = Arc::new(KeyringSecretStore::new());
        let core = Core::open(dir.path(), "default", secrets.clone())
            .await
            .unwrap();
        let info = core
            .login(&sandbox.base_url(), DEMO_EMAIL, DEMO_PASSWORD, false)
            .await
            .unwrap();
        assert!(!info.remembered, "nothing could store the sign-in");
        assert!(core.login_info().is_some(), "signed in for this run");
        let outcomes = core.sync_all(&|_| {}).await.unwrap();
        assert!(outcomes.iter().all(|o| o.error.is_none()));
        drop(core);

        // The next start cannot restore the sign-in, and says nobody is signed in.
        let core = Core::open(dir.path(), "default", secrets).await.unwrap();
        assert_eq!(core.resume().await.unwrap(), None);
        core.logout().await.unwrap();
        assert!(core.accounts().await.unwrap().is_empty());
    });
}
