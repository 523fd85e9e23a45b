//! The keyring for real (Secret Service; run under scripts/lib/setup.sh's
//! run_in_private_session): a rotated refresh token is kept and the old one is refused
//! (issue 17, item 16); sign-out leaves no keyring entry of the login and nothing of its
//! data in the profile folder (item 9). Without a reachable keyring these tests fail.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use cowdesk_core::dnscheck::LEGACY_SECRET_DNS_API;
use cowdesk_core::portal::Sensitive;
use cowdesk_core::secrets::{KeyringSecretStore, SecretStore};
use cowdesk_core::session::{secret_key, Core};
use cowdesk_sandbox::{Sandbox, SandboxConfig, DEMO_EMAIL, DEMO_PASSWORD};
use tempfile::TempDir;

#[path = "support/fixtures.rs"]
mod fixtures;
use fixtures::{no_progress, OWN};

fn keyring() -> Arc<dyn SecretStore> {
    let store = KeyringSecretStore::new();
    if let Err(err) = store.get("cowdesk-test:probe") {
        panic!("no usable keyring (run inside run_in_private_session): {err}");
    }
    Arc::new(store)
}

async fn signed_in(dir: &Path, sandbox: &Sandbox, secrets: Arc<dyn SecretStore>) -> Core {
    let core = Core::open(dir, "default", secrets).await.unwrap();
    let info = core
        .login(&sandbox.base_url(), DEMO_EMAIL, DEMO_PASSWORD, false)
        .await
        .unwrap();
    assert!(info.remembered, "the keyring keeps the sign-in");
    core
}

async fn refresh_status(sandbox: &Sandbox, token: &str) -> u16 {
    reqwest::Client::new()
        .post(format!("{}/api/v1/auth/refresh", sandbox.base_url()))
        .json(&serde_json::json!({ "refresh_token": token }))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn trust_rotated_refresh_token_is_kept_in_the_keyring_and_the_old_one_refused() {
    let secrets = keyring();
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let dir = TempDir::new().unwrap();
    let core = signed_in(dir.path(), &sandbox, secrets.clone()).await;
    let key = secret_key(&sandbox.base_url(), DEMO_EMAIL);
    let first = secrets.get(&key).unwrap().expect("stored at sign-in");
    core.sync_all(&no_progress).await.unwrap();

    // The access token runs out; the next portal call (not a sync) refreshes, and the
    // portal answers with a new refresh token.
    sandbox.handle().expire_access_tokens();
    let domain = core.domains(OWN).await.unwrap().items[0].name.clone();
    core.set_transfer_lock(OWN, &domain, true).await.unwrap();
    let second = secrets.get(&key).unwrap().expect("still stored");
    assert_ne!(second, first, "the rotated token is in the keyring");
    assert_eq!(
        refresh_status(&sandbox, &first).await,
        401,
        "the old one is refused"
    );

    // A new start resumes with the kept token (and keeps the next one).
    drop(core);
    let core = Core::open(dir.path(), "default", secrets.clone())
        .await
        .unwrap();
    assert!(core.resume().await.unwrap().is_some());
    for outcome in core.sync_all(&no_progress).await.unwrap() {
        assert_eq!(outcome.error, None);
    }
    let third = secrets.get(&key).unwrap().expect("still stored");
    assert_ne!(third, second);
    assert_eq!(refresh_status(&sandbox, &second).await, 401);
    core.logout().await.unwrap();
    assert_eq!(secrets.get(&key).unwrap(), None);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn trust_dns_api_credentials_of_older_versions_move_to_the_profile() {
    let secrets = keyring();
    let dir = TempDir::new().unwrap();
    let core = Core::open(dir.path(), "default", secrets.clone())
        .await
        .unwrap();
    let stored = serde_json::json!({"username": "api-user", "password": "legacy-dns-pass"});
    secrets
        .set(LEGACY_SECRET_DNS_API, &stored.to_string())
        .unwrap();
    let settings = core.dns_settings().await.unwrap();
    assert_eq!(settings.api_username.as_deref(), Some("api-user"));
    assert_eq!(
        secrets.get(LEGACY_SECRET_DNS_API).unwrap(),
        None,
        "the global entry is gone"
    );
    // Another profile does not see this one's credentials.
    let other_dir = TempDir::new().unwrap();
    let other = Core::open(other_dir.path(), "default", secrets.clone())
        .await
        .unwrap();
    assert_eq!(other.dns_settings().await.unwrap().api_username, None);
    core.clear_dns_api_credentials().await.unwrap();
    assert_eq!(core.dns_settings().await.unwrap().api_username, None);
}

fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(files_below(&path));
        } else {
            files.push(path);
        }
    }
    files
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test]
async fn trust_sign_out_leak_scan_of_keyring_and_profile_folder() {
    let secrets = keyring();
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let dir = TempDir::new().unwrap();
    let core = signed_in(dir.path(), &sandbox, secrets.clone()).await;
    for outcome in core.sync_all(&no_progress).await.unwrap() {
        assert_eq!(outcome.error, None);
    }
    let dns_password = format!("dns-pass-{}", std::process::id());
    core.set_dns_api_credentials("api-user", Sensitive::new(dns_password.clone()))
        .await
        .unwrap();
    // What the login's cache holds: every invoice number and domain name.
    let mut needles: Vec<String> = core
        .invoices(OWN)
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|i| i.number)
        .collect();
    needles.extend(
        core.domains(OWN)
            .await
            .unwrap()
            .items
            .into_iter()
            .map(|d| d.name),
    );
    assert!(needles.len() > 5, "{needles:?}");
    // A copy kept before a migration, named as the store names it.
    let db = dir.path().join("default.sqlite");
    std::fs::copy(&db, dir.path().join("default.sqlite.before-v99")).unwrap();
    let before: Vec<u8> = files_below(dir.path())
        .iter()
        .flat_map(|f| std::fs::read(f).unwrap_or_default())
        .collect();
    assert!(
        needles.iter().all(|n| contains(&before, n.as_bytes())),
        "the scan finds the data while signed in"
    );
    let token_key = secret_key(&sandbox.base_url(), DEMO_EMAIL);
    let token = secrets.get(&token_key).unwrap().expect("stored");

    core.logout().await.unwrap();

    assert_eq!(secrets.get(&token_key).unwrap(), None, "refresh token");
    assert_eq!(
        core.dns_settings().await.unwrap().api_username,
        None,
        "DNS API"
    );
    assert_eq!(secrets.get(LEGACY_SECRET_DNS_API).unwrap(), None);
    let files = files_below(dir.path());
    assert!(files.iter().any(|f| f == &db), "the cache file stays");
    assert!(
        !files
            .iter()
            .any(|f| f.to_string_lossy().contains(".before-v")),
        "backups removed: {files:?}"
    );
    for file in &files {
        let Ok(bytes) = std::fs::read(file) else {
            continue;
        };
        for needle in needles.iter().chain([&token, &dns_password]) {
            assert!(
                !contains(&bytes, needle.as_bytes()),
                "{needle} is still in {} after sign-out",
                file.display()
            );
        }
    }
    sandbox.shutdown().await;
}

/// The Secret Service store keeps one session per process instead of `keyring`'s one per
/// call; a sign-in stored by a version that used `keyring` must still be found, and the
/// other way round, with one entry per key.
#[test]
fn perf_keyring_session_store_shares_entries_with_the_keyring_crate() {
    let store = keyring();
    let key = "cowdesk-test:shared-entry";
    let written_by_keyring = keyring::Entry::new("cowdesk", key).unwrap();
    let _ = written_by_keyring.delete_credential();

    written_by_keyring.set_password("from keyring").unwrap();
    assert_eq!(store.get(key).unwrap().as_deref(), Some("from keyring"));

    // Replaced in place: `keyring` still finds exactly one entry (two would be ambiguous).
    store.set(key, "from the session").unwrap();
    assert_eq!(
        written_by_keyring.get_password().unwrap(),
        "from the session"
    );
    store.set(key, "again").unwrap();
    assert_eq!(written_by_keyring.get_password().unwrap(), "again");

    store.delete(key).unwrap();
    assert!(matches!(
        written_by_keyring.get_password(),
        Err(keyring::Error::NoEntry)
    ));
    assert_eq!(store.get(key).unwrap(), None);
    store.delete(key).unwrap();

    // An entry the store creates is one `keyring` reads.
    store.set(key, "created by the session").unwrap();
    assert_eq!(
        written_by_keyring.get_password().unwrap(),
        "created by the session"
    );
    written_by_keyring.delete_credential().unwrap();
    assert_eq!(store.get(key).unwrap(), None);
}
