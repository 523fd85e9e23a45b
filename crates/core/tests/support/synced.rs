//! A profile folder with a core signed in to a running sandbox, for the sync tests.
#![allow(dead_code)] // each test file uses a part

use std::path::Path;
use std::sync::Arc;

use cowdesk_core::secrets::{MemorySecretStore, SecretStore};
use cowdesk_core::session::Core;
use cowdesk_sandbox::{Sandbox, SandboxConfig, DEMO_EMAIL, DEMO_PASSWORD};
use tempfile::TempDir;

#[path = "fixtures.rs"]
mod fixtures;
#[allow(unused_imports)] // each test file uses a part
pub use fixtures::{no_progress, today, OWN, SHARED};

pub struct Profile {
    pub sandbox: Sandbox,
    pub dir: TempDir,
    pub secrets: Arc<MemorySecretStore>,
    pub core: Core,
}

/// A core on `dir` (another process on the same profile folder opens another one).
pub async fn open_core(dir: &Path, secrets: &Arc<MemorySecretStore>) -> Core {
    let store: Arc<dyn SecretStore> = secrets.clone();
    let core = Core::open(dir, "default", store).await.unwrap();
    core.set_today(today());
    core
}

/// A sandbox of `config` (its day set to [`today`]) and an empty profile.
pub async fn profile(config: SandboxConfig) -> Profile {
    let sandbox = Sandbox::start(SandboxConfig {
        today: today(),
        ..config
    })
    .await
    .unwrap();
    let dir = TempDir::new().unwrap();
    let secrets = Arc::new(MemorySecretStore::default());
    let core = open_core(dir.path(), &secrets).await;
    Profile {
        sandbox,
        dir,
        secrets,
        core,
    }
}

/// Signed in as the demo login, every account synced twice: the first sync records its
/// alerts silently, so from here on a change is news.
pub async fn synced(config: SandboxConfig) -> Profile {
    let p = profile(config).await;
    p.core
        .login(&p.sandbox.base_url(), DEMO_EMAIL, DEMO_PASSWORD, false)
        .await
        .unwrap();
    sync_all_ok(&p.core).await;
    sync_all_ok(&p.core).await;
    p
}

/// Syncs every account and asserts that none failed.
pub async fn sync_all_ok(core: &Core) {
    for outcome in core.sync_all(&no_progress).await.unwrap() {
        assert_eq!(outcome.error, None, "{}", outcome.account_id);
    }
}
