//! Damage SQLite meets after the cache opened, in a page no start reads (damaged on disk,
//! a sync tool's half copy): the error says what to do, and the next start checks the file
//! and keeps it aside if the check finds the damage (store/opening.rs). Checking the whole
//! file at every start would hold up the first paint; a mark beside the cache asks for the
//! check only after damage was seen. A sign-out, which must leave nothing of the login
//! behind, removes a damaged cache's files instead of clearing its rows. What a copy kept
//! aside refers to in the keyring is read from it, so that its entries can go with it.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use sqlx::SqlitePool;

use super::opening::{sibling, unless_absent};
use super::Store;
use crate::error::CoreError;

/// The caches this process opened: an error does not say which cache it came from, so
/// damage seen marks all of them; a false mark costs one check at the next start.
static OPENED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Whether `err` is SQLite finding its file damaged: SQLITE_CORRUPT (11) or SQLITE_NOTADB
/// (26), with their extended codes.
pub(crate) fn is_damage(err: &sqlx::Error) -> bool {
    matches!(crate::error::sqlite_primary_code(err), Some(11 | 26))
}

/// The file beside `cache` that asks its next opening for a check.
pub fn mark_of(cache: &Path) -> PathBuf {
    sibling(cache, ".damage-seen")
}

pub(crate) fn opened(cache: &Path) {
    let mut opened = OPENED.lock().unwrap_or_else(|p| p.into_inner());
    if !opened.iter().any(|p| p == cache) {
        opened.push(cache.to_owned());
    }
}

/// Marks every cache this process opened for a check at its next opening.
pub(crate) fn seen() {
    let opened = OPENED.lock().unwrap_or_else(|p| p.into_inner());
    for cache in opened.iter() {
        if let Err(e) = std::fs::write(mark_of(cache), b"") {
            tracing::warn!("cannot mark {} for a check: {e}", cache.display());
        }
    }
}

/// Whether the check asked for finds damage (`PRAGMA quick_check`: every page read, the
/// indexes' order, not their agreement with the tables). `Ok(false)` also when no check
/// was asked for.
pub(crate) async fn found(cache: &Path, pool: &SqlitePool) -> Result<bool, sqlx::Error> {
    let mark = mark_of(cache);
    if !mark.exists() {
        return Ok(false);
    }
    let verdict: Result<Vec<String>, sqlx::Error> = sqlx::query_scalar("PRAGMA quick_check")
        .fetch_all(pool)
        .await;
    let damaged = match verdict {
        Ok(lines) => lines != ["ok"],
        Err(err) if is_damage(&err) => true,
        Err(err) => return Err(err), // not decided: the mark stays
    };
    let _ = std::fs::remove_file(&mark);
    if !damaged {
        tracing::info!("{} was checked and is sound", cache.display());
    }
    Ok(damaged)
}

impl Store {
    /// The sign-out of a cache whose rows cannot be cleared because it is damaged: its
    /// files go instead (the cache, its WAL and shared memory, the copies kept beside it,
    /// the mark). The store is closed; a program that goes on opens a new cache.
    pub async fn discard(&self) -> Result<(), CoreError> {
        self.pool.close().await;
        let mut files = vec![
            self.path.clone(),
            sibling(&self.path, "-wal"),
            sibling(&self.path, "-shm"),
            mark_of(&self.path),
        ];
        files.extend(self.backups());
        for file in files {
            unless_absent(std::fs::remove_file(&file))
                .map_err(|e| CoreError::Storage(format!("{}: {e}", file.display())))?;
        }
        Ok(())
    }

    /// Whether [`Store::discard`] closed this store.
    pub fn is_closed(&self) -> bool {
        self.pool.is_closed()
    }
}

/// What a cache kept aside as damaged refers to in the keyring, as far as its pages can
/// still be read: its login and its mailcow connections.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct KeptReferences {
    /// The login's server and e-mail address.
    pub login: Option<(String, String)>,
    /// The ids of its mailcow connections.
    pub connections: Vec<String>,
}

/// Reads `kept` without changing it (immutable: no lock, no WAL, no checkpoint, so the
/// copy stays as it was found); what cannot be read is left out.
pub(crate) async fn references(kept: &Path) -> KeptReferences {
    use sqlx::ConnectOptions;
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(kept)
        .read_only(true)
        .immutable(true);
    let Ok(mut conn) = options.connect().await else {
        return KeptReferences::default();
    };
    let login = sqlx::query_as("SELECT server, email FROM login WHERE id = 1")
        .fetch_optional(&mut conn)
        .await
        .ok()
        .flatten();
    let connections = sqlx::query_scalar("SELECT id FROM mailcow_connections")
        .fetch_all(&mut conn)
        .await
        .unwrap_or_default();
    let _ = sqlx::Connection::close(conn).await;
    KeptReferences { login, connections }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_mark_is_named_after_the_cache() {
        let mark = super::mark_of(std::path::Path::new("/data/default.sqlite"));
        assert_eq!(
            mark,
            std::path::Path::new("/data/default.sqlite.damage-seen")
        );
    }
}
