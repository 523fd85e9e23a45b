//! The `mailcow_connections` table and each connection's scope row in `accounts` (the
//! account row its cached rows, sync state and alerts hang on). No secrets here.

use chrono::{DateTime, Utc};
use cowdesk_model::{ConnectionAccess, ConnectionKind, ConnectionState};
use sqlx::SqliteConnection;

use crate::error::CoreError;
use crate::store::{from_name, name_of, timestamp, Store};

/// A connection as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Record {
    pub id: String,
    pub kind: ConnectionKind,
    pub url: String,
    pub user: Option<String>,
    pub access: ConnectionAccess,
    pub state: ConnectionState,
    pub last_error: Option<(String, String)>,
}

impl Record {
    /// How the connection is named where an account name is shown (the alert centre).
    pub fn label(&self) -> String {
        let host = self
            .url
            .split_once("://")
            .map_or(self.url.as_str(), |(_, rest)| rest);
        match &self.user {
            Some(user) => format!("mailcow {user} @ {host}"),
            None => format!("mailcow {host} (API key)"),
        }
    }
}

type Row = (
    String,
    String,
    String,
    Option<String>,
    String,
    String,
    Option<String>,
    Option<String>,
);

const COLUMNS: &str = "id, kind, url, user_name, access, state, last_error, last_error_de";

fn record(row: Row) -> Result<Record, CoreError> {
    Ok(Record {
        id: row.0,
        kind: from_name(&row.1)?,
        url: row.2,
        user: row.3,
        access: from_name(&row.4)?,
        state: from_name(&row.5)?,
        last_error: row.6.zip(row.7),
    })
}

pub(crate) async fn all(store: &Store) -> Result<Vec<Record>, CoreError> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM mailcow_connections ORDER BY created_at, id"
    ))
    .fetch_all(store.pool())
    .await?;
    rows.into_iter().map(record).collect()
}

pub(crate) async fn find(store: &Store, id: &str) -> Result<Option<Record>, CoreError> {
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM mailcow_connections WHERE id = ?1"
    ))
    .bind(id)
    .fetch_optional(store.pool())
    .await?;
    row.map(record).transpose()
}

/// The connection of this login, if the profile has it already (entering it again
/// updates it instead of adding a second one).
pub(crate) async fn find_login(
    store: &Store,
    kind: ConnectionKind,
    url: &str,
    user: Option<&str>,
) -> Result<Option<Record>, CoreError> {
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM mailcow_connections
         WHERE kind = ?1 AND url = ?2 AND user_name IS ?3"
    ))
    .bind(name_of(&kind)?)
    .bind(url)
    .bind(user)
    .fetch_optional(store.pool())
    .await?;
    row.map(record).transpose()
}

/// Adds or updates a connection and its scope row, in one transaction.
pub(crate) async fn save(store: &Store, profile: &str, r: &Record) -> Result<(), CoreError> {
    let mut tx = store.begin_write().await?;
    let (error, error_de) = r.last_error.clone().unzip();
    sqlx::query(
        "INSERT INTO mailcow_connections
             (id, profile, kind, url, user_name, access, state, last_error, last_error_de, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT (id) DO UPDATE SET url = excluded.url, user_name = excluded.user_name,
             access = excluded.access, state = excluded.state,
             last_error = excluded.last_error, last_error_de = excluded.last_error_de",
    )
    .bind(&r.id)
    .bind(profile)
    .bind(name_of(&r.kind)?)
    .bind(&r.url)
    .bind(&r.user)
    .bind(name_of(&r.access)?)
    .bind(name_of(&r.state)?)
    .bind(error)
    .bind(error_de)
    .bind(Utc::now().to_rfc3339())
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO accounts
             (id, customer_number, name, is_own, role_name, permissions, position, connection_id)
         VALUES (?1, '', ?2, 0, 'mailcow', '[\"mailboxes\"]', 1000000, ?1)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name",
    )
    .bind(&r.id)
    .bind(r.label())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Records where a connection stands (and why, after a failure), in `conn`.
pub(crate) async fn set_state_in(
    conn: &mut SqliteConnection,
    id: &str,
    state: ConnectionState,
    error: Option<(String, String)>,
) -> Result<(), CoreError> {
    let (error, error_de) = error.unzip();
    sqlx::query(
        "UPDATE mailcow_connections SET state = ?2, last_error = ?3, last_error_de = ?4
         WHERE id = ?1",
    )
    .bind(id)
    .bind(name_of(&state)?)
    .bind(error)
    .bind(error_de)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub(crate) async fn set_state(
    store: &Store,
    id: &str,
    state: ConnectionState,
    error: Option<(String, String)>,
) -> Result<(), CoreError> {
    let mut conn = store.pool().acquire().await?;
    set_state_in(&mut conn, id, state, error).await
}

pub(crate) async fn set_access(
    store: &Store,
    id: &str,
    access: ConnectionAccess,
) -> Result<(), CoreError> {
    sqlx::query("UPDATE mailcow_connections SET access = ?2 WHERE id = ?1")
        .bind(id)
        .bind(name_of(&access)?)
        .execute(store.pool())
        .await?;
    Ok(())
}

/// Removes a connection with every row it cached, its sync state and its alerts (the
/// foreign keys cascade from the connection to its scope row and on).
pub(crate) async fn remove(store: &Store, id: &str) -> Result<bool, CoreError> {
    let mut tx = store.begin_write().await?;
    // The scope row first: its rows cascade from it.
    sqlx::query("DELETE FROM accounts WHERE id = ?1 AND connection_id = ?1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let gone = sqlx::query("DELETE FROM mailcow_connections WHERE id = ?1")
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    tx.commit().await?;
    Ok(gone > 0)
}

/// Per connection: when it was last synced, and how many domains and mailboxes it holds.
pub(crate) async fn figures(
    store: &Store,
) -> Result<Vec<(String, Option<DateTime<Utc>>, u32, u32)>, CoreError> {
    let rows: Vec<(String, Option<String>, i64, i64)> = sqlx::query_as(
        "SELECT c.id,
                (SELECT MAX(synced_at) FROM sync_state s WHERE s.account_id = c.id),
                (SELECT COUNT(*) FROM mailcow_domains d WHERE d.account_id = c.id),
                (SELECT COUNT(*) FROM mailcow_mailboxes m WHERE m.account_id = c.id)
         FROM mailcow_connections c",
    )
    .fetch_all(store.pool())
    .await?;
    rows.into_iter()
        .map(|(id, synced, domains, mailboxes)| {
            Ok((
                id,
                synced.as_deref().map(timestamp).transpose()?,
                u32::try_from(domains).unwrap_or(u32::MAX),
                u32::try_from(mailboxes).unwrap_or(u32::MAX),
            ))
        })
        .collect()
}
