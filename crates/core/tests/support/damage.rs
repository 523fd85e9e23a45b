//! A cache file damaged where no start reads, for the tests of damage met after the
//! cache opened: the core's (`#[path = "support/damage.rs"] mod damage;`) and the
//! window's end-to-end tests (tests/support/mod.rs).

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
