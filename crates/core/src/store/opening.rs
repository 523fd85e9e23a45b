//! Opening the cache: one program at a time, the copy kept before a migration, and a
//! damaged file set aside for a new cache.

use std::fs::TryLockError;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::Utc;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous,
    SqliteTransactionManager,
};
use sqlx::TransactionManager;

use super::{damage, Store, BUSY_TIMEOUT, MAX_CONNECTIONS, MIGRATOR};
use crate::error::CoreError;

/// The right to open the cache and bring its schema up to date, one program at a time.
/// Two programs starting on the same cache at once (the window launched twice, the
/// command line beside a window after an update) would otherwise run the same migrations
/// side by side, and the later fails with "table … already exists": SQLite locks single
/// transactions, not the migrator's sequence of them, nor the copy made before it. The
/// lock is the system's (`flock`, `LockFileEx`) on `<cache>.lock`, so it ends when its
/// holder ends, also by kill -9, and leaves nothing to clean up but an empty file.
///
/// A folder where the system cannot lock files (some network or FUSE file systems) opens
/// the cache as before, unguarded, with a warning in the log: no worse than without it.
struct OpeningLock {
    _held: Option<std::fs::File>,
}

/// How long a program waits for another to finish opening the cache: a migration with
/// its copy takes seconds at most; a holder that takes longer is stuck (stopped, on a
/// hung network file system), and waiting for it would leave the window unopened for good.
const OPENING_PATIENCE: Duration = Duration::from_secs(60);

impl OpeningLock {
    async fn acquire(cache: &Path, patience: Duration) -> OpeningLock {
        let path = sibling(cache, ".lock");
        match OpeningLock::take(&path, patience).await {
            Ok(file) => OpeningLock { _held: Some(file) },
            Err(err) => {
                tracing::warn!(
                    "the cache opens without its lock: {}: {err}",
                    path.display()
                );
                OpeningLock { _held: None }
            }
        }
    }

    /// The lock, tried again every few milliseconds while another program holds it.
    /// Tried, not waited on: a blocked `lock()` could not be given up after `patience`.
    async fn take(path: &Path, patience: Duration) -> std::io::Result<std::fs::File> {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path)?;
        let deadline = Instant::now() + patience;
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(file),
                Err(TryLockError::WouldBlock) if Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                Err(TryLockError::WouldBlock) => {
                    return Err(std::io::Error::other(format!(
                        "another program has held it for {} s",
                        patience.as_secs()
                    )))
                }
                Err(TryLockError::Error(e)) => return Err(e),
            }
        }
    }
}

/// Moves a damaged cache and its WAL out of the way as `<file>.damaged-<UTC time>`; the
/// shared-memory index is rebuilt from the WAL by whoever opens the copy, so it goes.
fn set_aside(path: &Path) -> Result<PathBuf, CoreError> {
    let stamp = Utc::now().format(".damaged-%Y%m%dT%H%M%SZ").to_string();
    // A rename replaces what it lands on: an earlier copy of the same second is kept too.
    let kept = (1..)
        .map(|n| match n {
            1 => sibling(path, &stamp),
            n => sibling(path, &format!("{stamp}-{n}")),
        })
        .find(|candidate| !candidate.exists())
        .expect("a free name");
    let moved = std::fs::rename(path, &kept).and_then(|()| {
        unless_absent(std::fs::rename(
            sibling(path, "-wal"),
            sibling(&kept, "-wal"),
        ))?;
        unless_absent(std::fs::remove_file(sibling(path, "-shm")))
    });
    moved.map_err(|e| CoreError::Storage(format!("{}: {e}", path.display())))?;
    Ok(kept)
}

/// `result`, with "there was no such file" counted as done: a WAL, a shared-memory index
/// or a copy that was never made has nothing to move or remove.
pub(super) fn unless_absent(result: std::io::Result<()>) -> std::io::Result<()> {
    match result {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

/// `<file><suffix>`: a file beside the cache named after it.
pub(super) fn sibling(file: &Path, suffix: &str) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Why a cache did not open.
enum OpenError {
    /// The file is no SQLite database SQLite can read ("file is not a database", "database
    /// disk image is malformed"): no second try will read it.
    Damaged(CoreError),
    /// Anything else (no space, no permission, a lock held too long): worth another try.
    Failed(CoreError),
}

impl From<sqlx::Error> for OpenError {
    fn from(err: sqlx::Error) -> Self {
        // Not `CoreError::from`: damage met while opening is dealt with here, it marks
        // nothing for a later check.
        let damaged = damage::is_damage(&err);
        let err = CoreError::Storage(err.to_string());
        match damaged {
            true => OpenError::Damaged(err),
            false => OpenError::Failed(err),
        }
    }
}

impl From<OpenError> for CoreError {
    fn from(err: OpenError) -> Self {
        match err {
            OpenError::Damaged(e) | OpenError::Failed(e) => e,
        }
    }
}

impl From<sqlx::migrate::MigrateError> for OpenError {
    fn from(err: sqlx::migrate::MigrateError) -> Self {
        use sqlx::migrate::MigrateError;
        match err {
            MigrateError::Execute(e) | MigrateError::ExecuteMigration(e, _) => e.into(),
            other => OpenError::Failed(other.into()),
        }
    }
}

impl Store {
    /// Opens (creating) the cache file and brings its schema up to date, keeping a copy
    /// of the previous file before a migration changes it.
    ///
    /// A file SQLite cannot read as a database (damaged on disk, overwritten) is set
    /// aside as `<file>.damaged-<time>`, with its WAL, and a new cache starts in its
    /// place: the cache holds what the servers hold and the user's settings, and without
    /// this the window would not open at all. [`Store::set_aside`] says where it went. So
    /// is a file in which damage was seen after it had opened (store/damage.rs), once a
    /// check confirms it.
    pub async fn open(path: &Path) -> Result<Store, CoreError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| CoreError::Storage(format!("{}: {e}", dir.display())))?;
        }
        // Held until the schema is current; released when `_opening` drops.
        let _opening = OpeningLock::acquire(path, OPENING_PATIENCE).await;
        let store = Store::open_and_check(path).await;
        if store.is_ok() {
            damage::opened(path);
        }
        store
    }

    async fn open_and_check(path: &Path) -> Result<Store, CoreError> {
        let opened = match Store::open_file(path).await {
            Ok(store) => match damage::found(path, &store.pool).await {
                Ok(false) => Ok(store),
                Ok(true) => {
                    store.pool.close().await;
                    Err(OpenError::Damaged(CoreError::CacheDamaged(
                        "the check at opening found damage".to_owned(),
                    )))
                }
                Err(err) => {
                    // Not decided (no space, a lock): the cache opened, so it is used,
                    // and the mark stays for the next start.
                    tracing::warn!("the check asked for could not finish: {err}");
                    Ok(store)
                }
            },
            Err(err) => Err(err),
        };
        match opened {
            Ok(store) => Ok(store),
            Err(OpenError::Failed(err)) => Err(err),
            Err(OpenError::Damaged(err)) => {
                let kept = set_aside(path)?;
                // A check asked for is answered: the new cache needs none.
                let _ = std::fs::remove_file(damage::mark_of(path));
                tracing::warn!(
                    "the cache was damaged ({err}); kept as {}, a new one starts",
                    kept.display()
                );
                let mut store = Store::open_file(path).await?;
                store.set_aside = Some(kept);
                Ok(store)
            }
        }
    }

    async fn open_file(path: &Path) -> Result<Store, OpenError> {
        let existed = path.exists();
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            // A deleted row is overwritten, not left in a freed page for anyone who reads
            // the file (sign-out deletes a whole login's rows).
            .pragma("secure_delete", "ON")
            // What does not fit the page cache (a large sync's rows on their way in, the
            // sign-out's rebuild) stays in memory: SQLite's default puts it in unlinked
            // files in /var/tmp, whose blocks keep the rows after the cache is scrubbed.
            .pragma("temp_store", "MEMORY")
            .busy_timeout(BUSY_TIMEOUT);
        let pool = SqlitePoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            // A write whose COMMIT failed (a full disk) may have been rolled back by
            // SQLite itself; the rollback sqlx then sends fails, and the connection would
            // stay "in a transaction" for good, refusing every later write. It is closed
            // instead, and the pool opens a new one.
            .before_acquire(|conn, _| {
                let in_transaction = SqliteTransactionManager::get_transaction_depth(conn) > 0;
                Box::pin(async move { Ok(!in_transaction) })
            })
            .connect_with(options)
            .await?;
        let store = Store {
            pool,
            path: path.to_owned(),
            set_aside: None,
        };
        let migrated = async {
            if existed {
                store.backup_before_migrating().await?;
            }
            MIGRATOR.run(&store.pool).await?;
            Ok::<(), OpenError>(())
        };
        if let Err(err) = migrated.await {
            // Closed before anything renames the file it has open.
            store.pool.close().await;
            return Err(err);
        }
        Ok(store)
    }

    /// Where the damaged cache this one replaced was kept, if opening found one.
    pub fn set_aside(&self) -> Option<&Path> {
        self.set_aside.as_deref()
    }

    async fn backup_before_migrating(&self) -> Result<(), OpenError> {
        let latest = MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0);
        // Runtime query: the migrations table is sqlx's own, not part of our schema.
        let applied: Option<i64> =
            sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success = 1")
                .fetch_one(&self.pool)
                .await
                .unwrap_or(None);
        let applied = applied.unwrap_or(0);
        if applied < latest {
            let backup = sibling(&self.path, &format!(".before-v{latest}"));
            let _ = std::fs::remove_file(&backup);
            sqlx::query("VACUUM INTO ?")
                .bind(backup.to_string_lossy().into_owned())
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }

    /// The copies of this cache kept before migrations (`<file>.before-vN`) and the
    /// damaged caches set aside (`<file>.damaged-<time>`, with their WAL).
    pub fn backups(&self) -> Vec<PathBuf> {
        let (Some(dir), Some(name)) = (self.path.parent(), self.path.file_name()) else {
            return Vec::new();
        };
        let name = name.to_string_lossy();
        let prefixes = [format!("{name}.before-v"), format!("{name}.damaged-")];
        std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .flatten()
                    .map(|e| e.path())
                    .filter(|p| {
                        p.file_name().is_some_and(|n| {
                            let n = n.to_string_lossy();
                            prefixes.iter().any(|prefix| n.starts_with(prefix.as_str()))
                        })
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A program that holds the lock and never lets go (stopped, hung) delays another's
    /// start by the patience, not for ever; once it lets go, the lock is taken at once.
    #[tokio::test]
    async fn a_lock_held_for_good_is_given_up_after_the_patience() {
        let dir = tempfile::TempDir::new().unwrap();
        let cache = dir.path().join("cache.sqlite");
        let holder = std::fs::File::create(sibling(&cache, ".lock")).unwrap();
        holder.lock().unwrap();
        let patience = Duration::from_millis(300);
        let started = Instant::now();
        let opening = OpeningLock::acquire(&cache, patience).await;
        assert!(
            opening._held.is_none(),
            "given up, the cache opens unguarded"
        );
        assert!(
            started.elapsed() >= patience,
            "it waited its patience first"
        );
        drop(holder);
        let opening = OpeningLock::acquire(&cache, patience).await;
        assert!(opening._held.is_some());
    }
}
