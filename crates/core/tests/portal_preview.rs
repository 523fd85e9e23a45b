//! The portal is a preview connection (issue 13, item 1): the core has no default portal
//! address, refuses an empty one and Servercow's own portal on the `server` field in
//! English and German, before anything is sent or kept; an entered server that speaks the
//! contract (the sandbox, over real loopback HTTP, with a real SQLite file) works.

use std::sync::Arc;

use cowdesk_core::model::{ErrorInfo, ErrorKind};
use cowdesk_core::secrets::{MemorySecretStore, SecretStore};
use cowdesk_core::session::{secret_key, Core};
use cowdesk_sandbox::{Sandbox, SandboxConfig, DEMO_EMAIL, DEMO_PASSWORD};
use tempfile::TempDir;

async fn core(dir: &TempDir, secrets: Arc<MemorySecretStore>) -> Core {
    let secrets: Arc<dyn SecretStore> = secrets;
    Core::open(dir.path(), "default", secrets).await.unwrap()
}

/// The refusal is on the server field, worded in both languages.
fn assert_server_field(info: &ErrorInfo, en: &str, de: &str) {
    assert_eq!(info.kind, ErrorKind::InvalidInput, "{info:?}");
    let field = info.fields.get("server").expect("the server field");
    let field_de = info
        .fields_de
        .get("server")
        .expect("the server field in German");
    assert!(field.contains(en), "{field}");
    assert!(field_de.contains(de), "{field_de}");
    assert!(!info.server_words);
}

#[tokio::test]
async fn portal_preview_has_no_default_server_and_refuses_an_empty_one() {
    let dir = TempDir::new().unwrap();
    let secrets = Arc::new(MemorySecretStore::default());
    let core = core(&dir, secrets.clone()).await;

    for empty in ["", "  "] {
        let err = core
            .login(empty, DEMO_EMAIL, DEMO_PASSWORD, false)
            .await
            .expect_err("no default address to fall back on");
        assert_server_field(
            &err.info(),
            "There is no default",
            "Eine Voreinstellung gibt es nicht",
        );
        let err = core
            .request_password_reset(empty, DEMO_EMAIL)
            .await
            .expect_err("a reset needs an entered address too");
        assert_server_field(
            &err.info(),
            "There is no default",
            "Eine Voreinstellung gibt es nicht",
        );
    }
    assert!(core.login_info().is_none());
    assert_eq!(secrets.get(&secret_key("", DEMO_EMAIL)).unwrap(), None);
}

#[tokio::test]
async fn portal_preview_never_signs_in_to_servercows_own_portal() {
    let dir = TempDir::new().unwrap();
    let secrets = Arc::new(MemorySecretStore::default());
    let core = core(&dir, secrets.clone()).await;
    // Refused by name before any connection: no network here, so an attempt would have
    // answered "offline" instead.
    for portal in ["https://cp.servercow.de", "https://cp.servercow.de/"] {
        let err = core
            .login(portal, DEMO_EMAIL, DEMO_PASSWORD, false)
            .await
            .expect_err("not a contract server");
        assert_server_field(
            &err.info(),
            "does not send your password there",
            "schickt Ihr Passwort nicht dorthin",
        );
    }
    assert!(core.login_info().is_none());
}

#[tokio::test]
async fn portal_preview_signs_in_to_the_entered_sandbox() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let dir = TempDir::new().unwrap();
    let secrets = Arc::new(MemorySecretStore::default());
    let core = core(&dir, secrets.clone()).await;
    let entered = format!("{}/", sandbox.base_url());
    let info = core
        .login(&entered, DEMO_EMAIL, DEMO_PASSWORD, false)
        .await
        .unwrap();
    assert_eq!(info.server, sandbox.base_url());
    assert!(secrets
        .get(&secret_key(&sandbox.base_url(), DEMO_EMAIL))
        .unwrap()
        .is_some());
}
