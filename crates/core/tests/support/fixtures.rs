//! What most core test files open with: the demo login's two accounts, the day the
//! sandbox's data is made for, a progress sink, and a core on a real cache file signed in
//! to a fresh default sandbox with every account synced. Include it with
//! `#[path = "support/fixtures.rs"] mod fixtures;`.
#![allow(dead_code)] // each test file uses a part

use std::sync::Arc;

use chrono::NaiveDate;
use cowdesk_core::model::SyncProgress;
use cowdesk_core::secrets::{MemorySecretStore, SecretStore};
use cowdesk_core::session::Core;
use cowdesk_sandbox::{Sandbox, SandboxConfig, DEMO_EMAIL, DEMO_PASSWORD};
use tempfile::TempDir;

/// The demo login's own account, and the one shared with it under the "Accounting" role.
pub const OWN: &str = cowdesk_sandbox::DEMO_OWN_ACCOUNT;
pub const SHARED: &str = cowdesk_sandbox::DEMO_SHARED_ACCOUNT;

/// The day the tests set on the sandbox and the core.
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 16).unwrap()
}

pub fn no_progress(_: SyncProgress) {}

pub struct Fixture {
    pub sandbox: Sandbox,
    pub dir: TempDir,
    pub core: Core,
}

/// A default sandbox (on its own day) and a real cache file, signed in as the demo login,
/// every account synced without an error.
pub async fn synced() -> Fixture {
    synced_with(SandboxConfig::default(), None).await
}

/// The same with a sandbox of `config`, and the core's day set to `day` when given.
pub async fn synced_with(config: SandboxConfig, day: Option<NaiveDate>) -> Fixture {
    let sandbox = Sandbox::start(config).await.unwrap();
    let dir = TempDir::new().unwrap();
    let secrets: Arc<dyn SecretStore> = Arc::new(MemorySecretStore::default());
    let core = Core::open(dir.path(), "default", secrets).await.unwrap();
    if let Some(day) = day {
        core.set_today(day);
    }
    core.login(&sandbox.base_url(), DEMO_EMAIL, DEMO_PASSWORD, false)
        .await
        .unwrap();
    for outcome in core.sync_all(&no_progress).await.unwrap() {
        assert_eq!(outcome.error, None);
    }
    Fixture { sandbox, dir, core }
}
