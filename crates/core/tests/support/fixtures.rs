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

/// Damages the cache file `db` where no start reads: checkpointed first, so that its rows
/// are all in the file, then every page after the last one a table or an index starts on
/// is overwritten. Returns the damaged file's bytes and where the damage begins.
pub async fn damage_behind_the_schema(db: &std::path::Path) -> (Vec<u8>, usize) {
    use sqlx::ConnectOptions;
    let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(db)
        .connect()
        .await
        .unwrap();
    let (busy,): (i64,) = sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(busy, 0, "another connection kept the rows in the WAL");
    let roots: i64 = sqlx::query_scalar("SELECT MAX(rootpage) FROM sqlite_master")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    sqlx::Connection::close(conn).await.unwrap();
    let mut bytes = std::fs::read(db).unwrap();
    let after_roots = usize::try_from(roots).unwrap() * 4096;
    assert!(
        after_roots < bytes.len(),
        "the rows fill pages of their own"
    );
    bytes[after_roots..].iter_mut().for_each(|b| *b = 0x5a);
    std::fs::write(db, &bytes).unwrap();
    (bytes, after_roots)
}
