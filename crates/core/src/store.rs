//! The SQLite cache. Every read takes the account it reads for; a sync's writes for one
//! account land in one transaction, so a failed sync leaves the previous cache whole.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use cowdesk_model::{
    Account, AccountUser, Domain, Invoice, Mailbox, Mandate, Permission, Profile, Resource, Role,
    Service, Ticket,
};
use serde::{de::DeserializeOwned, Serialize};
use sqlx::{Sqlite, SqliteConnection, SqlitePool, Transaction};

use crate::error::CoreError;

mod activity;
mod billing;
pub(crate) mod changes;
mod counts;
pub mod damage;
pub(crate) mod entries;
pub(crate) mod mailcow;
mod opening;
pub(crate) mod read;
#[cfg(test)]
pub(crate) mod reference;
pub(crate) mod rows;
mod tickets;
pub(crate) mod window;
pub(crate) mod write;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");
const MAX_CONNECTIONS: u32 = 4;
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// The setting naming the login the cached rows belong to.
const CACHE_OWNER: &str = "cache_owner";

/// The signed-in login as the cache remembers it (no secrets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredLogin {
    pub server: String,
    pub email: String,
    pub demo: bool,
    pub remembered: bool,
}

/// What the last sync saw of one resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncState {
    pub etag: Option<String>,
    pub permitted: bool,
    pub synced_at: DateTime<Utc>,
}

/// New content for one resource of an account.
#[derive(Debug, Clone)]
pub enum ResourceData {
    // Boxed: a profile is far larger than a list header.
    Profile(Box<Profile>),
    Invoices(Vec<Invoice>),
    Mandates(Vec<Mandate>),
    Services(Vec<Service>),
    Domains(Vec<Domain>),
    Mailboxes(Vec<Mailbox>),
    Users(Vec<AccountUser>),
    Tickets(Vec<Ticket>),
}

/// One resource's result in a sync.
#[derive(Debug, Clone)]
pub enum ResourceUpdate {
    /// New content and its ETag: replaces the cached rows.
    Changed {
        data: ResourceData,
        etag: Option<String>,
    },
    /// The server's version equals ours.
    Unchanged(Resource),
    /// The role may not read it: the cached rows go.
    NotPermitted(Resource),
    /// Rows the server answered with after a change made through cowdesk: each replaces
    /// its cached version (or, unless `existing_only`, is added); the other rows and the
    /// resource's ETag stay, so the next sync fetches the whole list again.
    Patched {
        data: ResourceData,
        existing_only: bool,
    },
    /// Everything a mailcow connection's login sees (its domains, mailboxes, aliases):
    /// replaces the connection's cached rows. Its mailboxes are judged by the mailbox
    /// rules like the portal's.
    Mailcow(Box<crate::mailcow::Snapshot>),
}

#[derive(Clone, Debug)]
pub struct Store {
    pool: SqlitePool,
    path: PathBuf,
    /// Where the damaged cache this one replaced was kept, if `open` found one.
    set_aside: Option<PathBuf>,
}

impl Store {
    /// Waits for open connections to finish and closes them. The WAL can still be beside
    /// the file when this returns (seen in tests): whoever needs the file whole
    /// checkpoints first, as the sign-out's scrub does.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    // ----- login and settings ------------------------------------------------------------

    pub async fn login(&self) -> Result<Option<StoredLogin>, CoreError> {
        let row = sqlx::query!("SELECT server, email, demo, remembered FROM login WHERE id = 1")
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| StoredLogin {
            server: r.server,
            email: r.email,
            demo: r.demo != 0,
            remembered: r.remembered != 0,
        }))
    }

    pub async fn save_login(&self, login: &StoredLogin) -> Result<(), CoreError> {
        sqlx::query!(
            "INSERT INTO login (id, server, email, demo, remembered) VALUES (1, ?, ?, ?, ?)
             ON CONFLICT (id) DO UPDATE SET server = excluded.server, email = excluded.email,
                 demo = excluded.demo, remembered = excluded.remembered",
            login.server,
            login.email,
            login.demo,
            login.remembered
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Forgets the login and every cached row (sign out). Settings such as the language
    /// stay; the selected account goes with the accounts.
    pub async fn clear_login_and_cache(&self) -> Result<(), CoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query!("DELETE FROM login").execute(&mut *tx).await?;
        clear_cache_in(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Forgets every cached row of every account (another login's rows must never show);
    /// the stored sign-in stays.
    pub async fn clear_cache(&self) -> Result<(), CoreError> {
        let mut tx = self.begin_write().await?;
        clear_cache_in(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The login (server, e-mail address) whose data the cached rows are.
    pub async fn cache_owner(&self) -> Result<Option<(String, String)>, CoreError> {
        let Some(owner) = self.setting(CACHE_OWNER).await? else {
            return Ok(None);
        };
        Ok(serde_json::from_str(&owner).ok())
    }

    pub async fn set_cache_owner(&self, server: &str, email: &str) -> Result<(), CoreError> {
        self.set_setting(CACHE_OWNER, &to_json(&(server, email))?)
            .await
    }

    /// After sign-out: rebuilds the file (so nothing deleted before `secure_delete` was
    /// on survives in a freed page), empties the WAL, and removes the copies kept before
    /// migrations and the damaged caches set aside, which hold rows of a login as they
    /// were.
    pub async fn scrub(&self) -> Result<(), CoreError> {
        sqlx::query("VACUUM").execute(&self.pool).await?;
        let (busy,): (i64,) = sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)")
            .fetch_one(&self.pool)
            .await?;
        if busy != 0 {
            tracing::warn!("the cache's WAL could not be emptied at sign-out");
        }
        for backup in self.backups() {
            if let Err(err) = std::fs::remove_file(&backup) {
                tracing::warn!("backup {} not removed: {err}", backup.display());
            }
        }
        Ok(())
    }

    pub async fn setting(&self, key: &str) -> Result<Option<String>, CoreError> {
        let value = sqlx::query_scalar!("SELECT value FROM settings WHERE key = ?", key)
            .fetch_optional(&self.pool)
            .await?;
        Ok(value)
    }

    pub async fn set_setting(&self, key: &str, value: &str) -> Result<(), CoreError> {
        sqlx::query!(
            "INSERT INTO settings (key, value) VALUES (?, ?)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            key,
            value
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    // ----- accounts ----------------------------------------------------------------------

    /// Forgets the login only; the cached rows stay until another login replaces them.
    pub async fn clear_login(&self) -> Result<(), CoreError> {
        sqlx::query!("DELETE FROM login")
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The ETag of the cached account list (kept with the login).
    pub async fn accounts_etag(&self) -> Result<Option<String>, CoreError> {
        let etag = sqlx::query_scalar!("SELECT accounts_etag FROM login WHERE id = 1")
            .fetch_optional(&self.pool)
            .await?;
        Ok(etag.flatten())
    }

    /// Makes the cached accounts exactly `accounts` (an account no longer visible goes,
    /// with all its rows) and remembers the list's ETag with the login, if there is one.
    pub async fn replace_accounts(
        &self,
        accounts: &[Account],
        etag: Option<&str>,
    ) -> Result<(), CoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query!("UPDATE login SET accounts_etag = ? WHERE id = 1", etag)
            .execute(&mut *tx)
            .await?;
        let cached = sqlx::query_scalar!("SELECT id FROM accounts WHERE connection_id IS NULL")
            .fetch_all(&mut *tx)
            .await?;
        for id in cached {
            if !accounts.iter().any(|a| a.id == id) {
                sqlx::query!("DELETE FROM accounts WHERE id = ?", id)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        for (position, account) in accounts.iter().enumerate() {
            let permissions = to_json(&account.role.permissions)?;
            let position = position as i64;
            sqlx::query!(
                "INSERT INTO accounts (id, customer_number, name, is_own, role_name, permissions, position)
                 VALUES (?, ?, ?, ?, ?, ?, ?)
                 ON CONFLICT (id) DO UPDATE SET customer_number = excluded.customer_number,
                     name = excluded.name, is_own = excluded.is_own, role_name = excluded.role_name,
                     permissions = excluded.permissions, position = excluded.position",
                account.id,
                account.customer_number,
                account.name,
                account.is_own,
                account.role.name,
                permissions,
                position
            )
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn accounts(&self) -> Result<Vec<Account>, CoreError> {
        let rows = sqlx::query!(
            "SELECT id, customer_number, name, is_own, role_name, permissions
             FROM accounts WHERE connection_id IS NULL ORDER BY position"
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(Account {
                    id: r.id,
                    customer_number: r.customer_number,
                    name: r.name,
                    is_own: r.is_own != 0,
                    role: role(r.role_name, &r.permissions)?,
                })
            })
            .collect()
    }

    pub async fn account(&self, account_id: &str) -> Result<Account, CoreError> {
        self.accounts()
            .await?
            .into_iter()
            .find(|a| a.id == account_id)
            .ok_or(CoreError::NotFound)
    }

    // ----- sync --------------------------------------------------------------------------

    pub async fn sync_states(
        &self,
        account_id: &str,
    ) -> Result<HashMap<Resource, SyncState>, CoreError> {
        let rows = sqlx::query!(
            "SELECT resource, etag, permitted, synced_at FROM sync_state WHERE account_id = ?",
            account_id
        )
        .fetch_all(&self.pool)
        .await?;
        let mut states = HashMap::new();
        for r in rows {
            let resource: Resource = from_name(&r.resource)?;
            states.insert(
                resource,
                SyncState {
                    etag: r.etag,
                    permitted: r.permitted != 0,
                    synced_at: timestamp(&r.synced_at)?,
                },
            );
        }
        Ok(states)
    }

    /// (account, resource) pairs the server refused at the last sync.
    pub async fn refused_resources(
        &self,
    ) -> Result<std::collections::HashSet<(String, Resource)>, CoreError> {
        let rows: Vec<(String, String)> =
            sqlx::query_as("SELECT account_id, resource FROM sync_state WHERE permitted = 0")
                .fetch_all(&self.pool)
                .await?;
        rows.into_iter()
            .map(|(account, resource)| Ok((account, from_name(&resource)?)))
            .collect()
    }

    /// When this account's data was last fetched, if ever.
    pub async fn last_synced(&self, account_id: &str) -> Result<Option<DateTime<Utc>>, CoreError> {
        let value = sqlx::query_scalar!(
            r#"SELECT MAX(synced_at) AS "synced_at: String" FROM sync_state WHERE account_id = ?"#,
            account_id
        )
        .fetch_one(&self.pool)
        .await?;
        value.map(|v| timestamp(&v)).transpose()
    }

    /// A transaction for reading then writing: it takes the write lock at once, so a
    /// commit by another connection between its reads and its writes cannot fail it
    /// (SQLITE_BUSY_SNAPSHOT); others wait their turn (the busy timeout) instead.
    pub(crate) async fn begin_write(&self) -> Result<Transaction<'static, Sqlite>, CoreError> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }

    pub(crate) fn pool(&self) -> &SqlitePool {
        &self.pool
    }
}

impl Store {
    // ----- reads, always for one account -------------------------------------------------

    pub async fn profile(&self, account_id: &str) -> Result<Option<Profile>, CoreError> {
        Ok(self.rows::<Profile>(account_id).await?.pop())
    }

    pub async fn invoices(&self, account_id: &str) -> Result<Vec<Invoice>, CoreError> {
        self.rows(account_id).await
    }

    pub async fn mandates(&self, account_id: &str) -> Result<Vec<Mandate>, CoreError> {
        self.rows(account_id).await
    }

    pub async fn services(&self, account_id: &str) -> Result<Vec<Service>, CoreError> {
        self.rows(account_id).await
    }

    pub async fn domains(&self, account_id: &str) -> Result<Vec<Domain>, CoreError> {
        self.rows(account_id).await
    }

    pub async fn mailboxes(&self, account_id: &str) -> Result<Vec<Mailbox>, CoreError> {
        self.rows(account_id).await
    }

    /// Every cached row of one synced table for the account, in the table's order.
    pub(crate) async fn rows<T: rows::Synced>(
        &self,
        account_id: &str,
    ) -> Result<Vec<T>, CoreError> {
        read::read_rows(&mut *self.pool.acquire().await?, account_id).await
    }
}

/// Every account and its rows (cascading), the selected account, the owner of the rows,
/// and the account list's ETag (an empty cache must not be answered "unchanged").
async fn clear_cache_in(tx: &mut SqliteConnection) -> Result<(), CoreError> {
    // A mailcow connection's rows are its own, not the portal login's: they go with the
    // connection (`Core::disconnect`).
    sqlx::query!("DELETE FROM accounts WHERE connection_id IS NULL")
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM settings WHERE key IN ('selected_account', ?1)")
        .bind(CACHE_OWNER)
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE login SET accounts_etag = NULL")
        .execute(&mut *tx)
        .await?;
    Ok(())
}

impl ResourceData {
    pub fn resource(&self) -> Resource {
        resource_of(self)
    }
}

fn resource_of(data: &ResourceData) -> Resource {
    match data {
        ResourceData::Profile(_) => Resource::Profile,
        ResourceData::Invoices(_) => Resource::Invoices,
        ResourceData::Mandates(_) => Resource::Mandates,
        ResourceData::Services(_) => Resource::Services,
        ResourceData::Domains(_) => Resource::Domains,
        ResourceData::Mailboxes(_) => Resource::Mailboxes,
        ResourceData::Users(_) => Resource::Users,
        ResourceData::Tickets(_) => Resource::Tickets,
    }
}

fn role(name: String, permissions: &str) -> Result<Role, CoreError> {
    let names: Vec<String> = from_json(permissions)?;
    Ok(Role {
        name,
        // A permission this version does not know is ignored rather than fatal.
        permissions: names.iter().filter_map(|n| Permission::parse(n)).collect(),
    })
}

/// The snake_case name serde gives an enum value, as stored in TEXT columns.
pub(crate) fn name_of<T: Serialize>(value: &T) -> Result<String, CoreError> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => Ok(name),
        _ => Err(CoreError::Internal("enum without a name".into())),
    }
}

pub(crate) fn from_name<T: DeserializeOwned>(name: &str) -> Result<T, CoreError> {
    serde_json::from_value(serde_json::Value::String(name.to_owned()))
        .map_err(|e| CoreError::Storage(format!("unknown value {name:?}: {e}")))
}

fn to_json<T: Serialize>(value: &T) -> Result<String, CoreError> {
    serde_json::to_string(value).map_err(|e| CoreError::Internal(e.to_string()))
}

fn from_json<T: DeserializeOwned>(text: &str) -> Result<T, CoreError> {
    serde_json::from_str(text).map_err(|e| CoreError::Storage(e.to_string()))
}

fn date(text: &str) -> Result<NaiveDate, CoreError> {
    NaiveDate::from_str(text).map_err(|e| CoreError::Storage(format!("date {text:?}: {e}")))
}

pub(crate) fn timestamp(text: &str) -> Result<DateTime<Utc>, CoreError> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| CoreError::Storage(format!("timestamp {text:?}: {e}")))
}
