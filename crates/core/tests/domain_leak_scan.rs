//! The authcode leaves no trace: after unlock → generate → relock through the core, with
//! every log line of every crate captured at TRACE level, neither the SQLite files nor
//! the log contain the code. (The app's end-to-end test repeats this through the window.)

use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex};

use cowdesk_core::model::SyncProgress;
use cowdesk_core::secrets::{MemorySecretStore, SecretStore};
use cowdesk_core::session::Core;
use cowdesk_sandbox::{Sandbox, SandboxConfig, DEMO_EMAIL, DEMO_PASSWORD};

#[path = "support/fixtures.rs"]
mod fixtures;
use fixtures::OWN;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Every file below `dir` (the database, its WAL and shared memory, backups).
fn files_below(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(files_below(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[tokio::test]
async fn domain_authcode_leak_scan_of_database_and_logs() {
    let log = Captured::default();
    let writer = log.clone();
    tracing::subscriber::set_global_default(
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_writer(move || writer.clone())
            .finish(),
    )
    .unwrap();

    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let dir = tempfile::TempDir::new().unwrap();
    let secrets: Arc<dyn SecretStore> = Arc::new(MemorySecretStore::default());
    let core = Core::open(dir.path(), "default", secrets).await.unwrap();
    core.login(&sandbox.base_url(), DEMO_EMAIL, DEMO_PASSWORD, false)
        .await
        .unwrap();
    core.sync_all(&|_: SyncProgress| {}).await.unwrap();
    let name = core
        .domains(OWN)
        .await
        .unwrap()
        .items
        .into_iter()
        .find(|d| d.transfer_lock)
        .unwrap()
        .name;
    core.set_transfer_lock(OWN, &name, false).await.unwrap();
    let code = core.generate_authcode(OWN, &name).await.unwrap();
    core.set_transfer_lock(OWN, &name, true).await.unwrap();
    // A sync after the flow writes everything the server has to the cache once more.
    core.sync_all(&|_: SyncProgress| {}).await.unwrap();
    // Scanned while the cache is open: its WAL is still there to be read.

    let needle = code.code.as_bytes();
    let log = log.0.lock().unwrap().clone();
    assert!(
        !log.is_empty(),
        "the log captured nothing: the scan would prove nothing"
    );
    assert!(!contains(&log, needle), "the authcode is in the log");
    let files = files_below(dir.path());
    assert!(files
        .iter()
        .any(|f| f.extension().is_some_and(|e| e == "sqlite")));
    for file in files {
        let Ok(bytes) = std::fs::read(&file) else {
            continue; // gone since listed (a WAL checkpointed into the database)
        };
        assert!(
            !contains(&bytes, needle),
            "the authcode is in {}",
            file.display()
        );
    }
    // The scan itself finds a value that is there: the domain name is cached.
    let db = std::fs::read(dir.path().join("default.sqlite")).unwrap();
    let wal = std::fs::read(dir.path().join("default.sqlite-wal")).unwrap_or_default();
    assert!(contains(&db, name.as_bytes()) || contains(&wal, name.as_bytes()));
    drop(core);
    sandbox.shutdown().await;
}
