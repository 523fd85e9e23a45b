//! The SQLite cache. Every read takes the account it reads for; a sync's writes for one
//! account land in one transaction, so a failed sync leaves the previous cache whole.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use cowdesk_model::{
    Account, AccountUser, Domain, Invoice, MailAllowance, Mailbox, Mandate, Permission,
    PostalAddress, Profile, Resource, Role, Service, Ticket,
};
use serde::{de::DeserializeOwned, Serialize};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqliteConnection, SqlitePool, Transaction};

use crate::error::CoreError;

mod activity;
mod billing;
mod domains;
mod tickets;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");
const MAX_CONNECTIONS: u32 = 4;
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

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
}

#[derive(Clone, Debug)]
pub struct Store {
    pool: SqlitePool,
    path: PathBuf,
}

impl Store {
    /// Opens (creating) the cache file and brings its schema up to date, keeping a copy
    /// of the previous file before a migration changes it.
    pub async fn open(path: &Path) -> Result<Store, CoreError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| CoreError::Storage(format!("{}: {e}", dir.display())))?;
        }
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
            .busy_timeout(BUSY_TIMEOUT);
        let pool = SqlitePoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .connect_with(options)
            .await?;
        let store = Store {
            pool,
            path: path.to_owned(),
        };
        if existed {
            store.backup_before_migrating().await?;
        }
        MIGRATOR.run(&store.pool).await?;
        Ok(store)
    }

    /// Waits for open connections to finish and checkpoints the WAL into the file.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    async fn backup_before_migrating(&self) -> Result<(), CoreError> {
        let latest = MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0);
        // Runtime query: the migrations table is sqlx's own, not part of our schema.
        let applied: Option<i64> =
            sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success = 1")
                .fetch_one(&self.pool)
                .await
                .unwrap_or(None);
        let applied = applied.unwrap_or(0);
        if applied < latest {
            let backup = self.path.with_extension(format!("sqlite.before-v{latest}"));
            let _ = std::fs::remove_file(&backup);
            sqlx::query("VACUUM INTO ?")
                .bind(backup.to_string_lossy().into_owned())
                .execute(&self.pool)
                .await?;
        }
        Ok(())
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
        let mut tx = self.pool.begin().await?;
        sqlx::query!("DELETE FROM login").execute(&mut *tx).await?;
        sqlx::query!("DELETE FROM accounts")
            .execute(&mut *tx)
            .await?;
        sqlx::query!("DELETE FROM settings WHERE key = 'selected_account'")
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// After sign-out: rebuilds the file (so nothing deleted before `secure_delete` was
    /// on survives in a freed page), empties the WAL, and removes the copies kept before
    /// migrations, which hold the rows of the login as they were.
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

    /// The copies of this cache kept before migrations (`<file>.before-vN`).
    pub fn backups(&self) -> Vec<PathBuf> {
        let (Some(dir), Some(name)) = (self.path.parent(), self.path.file_name()) else {
            return Vec::new();
        };
        let prefix = format!("{}.before-v", name.to_string_lossy());
        std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .flatten()
                    .map(|e| e.path())
                    .filter(|p| {
                        p.file_name()
                            .is_some_and(|n| n.to_string_lossy().starts_with(&prefix))
                    })
                    .collect()
            })
            .unwrap_or_default()
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
        let mut tx = self.pool.begin().await?;
        sqlx::query!("UPDATE login SET accounts_etag = ? WHERE id = 1", etag)
            .execute(&mut *tx)
            .await?;
        let cached = sqlx::query_scalar!("SELECT id FROM accounts")
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
             FROM accounts ORDER BY position"
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

    /// Writes one account's sync result in a single transaction.
    pub async fn apply_sync(
        &self,
        account_id: &str,
        updates: &[ResourceUpdate],
        synced_at: DateTime<Utc>,
    ) -> Result<(), CoreError> {
        let mut tx = self.pool.begin().await?;
        write_sync(&mut tx, account_id, updates, synced_at).await?;
        tx.commit().await?;
        Ok(())
    }

    pub(crate) async fn begin(&self) -> Result<Transaction<'static, Sqlite>, CoreError> {
        Ok(self.pool.begin().await?)
    }

    pub(crate) fn pool(&self) -> &SqlitePool {
        &self.pool
    }
}

/// One account's sync result, written inside the caller's transaction.
pub(crate) async fn write_sync(
    tx: &mut Transaction<'_, Sqlite>,
    account_id: &str,
    updates: &[ResourceUpdate],
    synced_at: DateTime<Utc>,
) -> Result<(), CoreError> {
    let synced_at = synced_at.to_rfc3339();
    for update in updates {
        let (resource, etag, permitted) = match update {
            ResourceUpdate::Changed { data, etag } => {
                let resource = resource_of(data);
                clear_resource(tx, account_id, resource).await?;
                insert_resource(tx, account_id, data).await?;
                (resource, etag.clone(), true)
            }
            ResourceUpdate::Unchanged(resource) => {
                let name = name_of(resource)?;
                sqlx::query!(
                    "UPDATE sync_state SET synced_at = ? WHERE account_id = ? AND resource = ?",
                    synced_at,
                    account_id,
                    name
                )
                .execute(&mut **tx)
                .await?;
                continue;
            }
            ResourceUpdate::NotPermitted(resource) => {
                clear_resource(tx, account_id, *resource).await?;
                (*resource, None, false)
            }
        };
        let name = name_of(&resource)?;
        sqlx::query!(
            "INSERT INTO sync_state (account_id, resource, etag, permitted, synced_at)
             VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (account_id, resource) DO UPDATE SET etag = excluded.etag,
                 permitted = excluded.permitted, synced_at = excluded.synced_at",
            account_id,
            name,
            etag,
            permitted,
            synced_at
        )
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

impl Store {
    // ----- reads, always for one account -------------------------------------------------

    pub async fn profile(&self, account_id: &str) -> Result<Option<Profile>, CoreError> {
        let row = sqlx::query!(
            "SELECT customer_number, email, company, name, street, postal_code, city, country,
                    billing_emails
             FROM profiles WHERE account_id = ?",
            account_id
        )
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(Profile {
                customer_number: r.customer_number,
                email: r.email,
                address: PostalAddress {
                    company: r.company,
                    name: r.name,
                    street: r.street,
                    postal_code: r.postal_code,
                    city: r.city,
                    country: r.country,
                },
                billing_emails: from_json(&r.billing_emails)?,
            })
        })
        .transpose()
    }

    pub async fn invoices(&self, account_id: &str) -> Result<Vec<Invoice>, CoreError> {
        Store::invoices_in(&mut *self.pool.acquire().await?, account_id).await
    }

    /// Also inside a transaction (a sync compares with what it replaces).
    pub(crate) async fn invoices_in(
        conn: &mut SqliteConnection,
        account_id: &str,
    ) -> Result<Vec<Invoice>, CoreError> {
        let rows = sqlx::query!(
            "SELECT number, issue_date, due_date, amount_cents, currency, status, dunning_level,
                    paid_on
             FROM invoices WHERE account_id = ? ORDER BY issue_date DESC, number DESC",
            account_id
        )
        .fetch_all(&mut *conn)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(Invoice {
                    number: r.number,
                    issue_date: date(&r.issue_date)?,
                    due_date: date(&r.due_date)?,
                    amount_cents: r.amount_cents,
                    currency: r.currency,
                    status: from_name(&r.status)?,
                    dunning_level: u8::try_from(r.dunning_level).unwrap_or(u8::MAX),
                    paid_on: r.paid_on.as_deref().map(date).transpose()?,
                })
            })
            .collect()
    }

    pub async fn mandates(&self, account_id: &str) -> Result<Vec<Mandate>, CoreError> {
        Store::mandates_in(&mut *self.pool.acquire().await?, account_id).await
    }

    /// Also inside a transaction (a sync compares with what it replaces).
    pub(crate) async fn mandates_in(
        conn: &mut SqliteConnection,
        account_id: &str,
    ) -> Result<Vec<Mandate>, CoreError> {
        let rows = sqlx::query!(
            "SELECT id, kind, label, status, is_default, created_on
             FROM mandates WHERE account_id = ? ORDER BY id",
            account_id
        )
        .fetch_all(&mut *conn)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(Mandate {
                    id: r.id,
                    kind: from_name(&r.kind)?,
                    label: r.label,
                    status: from_name(&r.status)?,
                    is_default: r.is_default != 0,
                    created_on: date(&r.created_on)?,
                })
            })
            .collect()
    }

    pub async fn services(&self, account_id: &str) -> Result<Vec<Service>, CoreError> {
        Store::services_in(&mut *self.pool.acquire().await?, account_id).await
    }

    /// Also inside a transaction (a sync compares with what it replaces).
    pub(crate) async fn services_in(
        conn: &mut SqliteConnection,
        account_id: &str,
    ) -> Result<Vec<Service>, CoreError> {
        let rows = sqlx::query!(
            "SELECT id, kind, product, status, term_months, period_end, status_reason,
                 mailbox_limit, storage_limit_bytes
             FROM services WHERE account_id = ? ORDER BY id",
            account_id
        )
        .fetch_all(&mut *conn)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(Service {
                    id: r.id,
                    kind: r.kind,
                    product: r.product,
                    status: from_name(&r.status)?,
                    term_months: u16::try_from(r.term_months).unwrap_or(0),
                    period_end: date(&r.period_end)?,
                    status_reason_text: r
                        .status_reason
                        .as_deref()
                        .map(crate::server_text::translate),
                    status_reason: r.status_reason,
                    mail_allowance: match (r.mailbox_limit, r.storage_limit_bytes) {
                        (Some(mailboxes), Some(storage_bytes)) => Some(MailAllowance {
                            mailboxes: u32::try_from(mailboxes).unwrap_or(0),
                            storage_bytes,
                        }),
                        _ => None,
                    },
                })
            })
            .collect()
    }

    pub async fn domains(&self, account_id: &str) -> Result<Vec<Domain>, CoreError> {
        Store::domains_in(&mut *self.pool.acquire().await?, account_id).await
    }

    /// Also inside a transaction (a sync compares with what it replaces).
    pub(crate) async fn domains_in(
        conn: &mut SqliteConnection,
        account_id: &str,
    ) -> Result<Vec<Domain>, CoreError> {
        let rows = sqlx::query!(
            "SELECT name, expires_on, transfer_lock, auto_renew, status, lock_changed_at,
                    service_ids, invoice_numbers
             FROM domains WHERE account_id = ? ORDER BY name",
            account_id
        )
        .fetch_all(&mut *conn)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(Domain {
                    name: r.name,
                    expires_on: date(&r.expires_on)?,
                    transfer_lock: r.transfer_lock != 0,
                    auto_renew: r.auto_renew != 0,
                    status: r.status,
                    lock_changed_at: r.lock_changed_at.as_deref().map(timestamp).transpose()?,
                    service_ids: from_json(&r.service_ids)?,
                    invoice_numbers: from_json(&r.invoice_numbers)?,
                })
            })
            .collect()
    }

    pub async fn mailboxes(&self, account_id: &str) -> Result<Vec<Mailbox>, CoreError> {
        Store::mailboxes_in(&mut *self.pool.acquire().await?, account_id).await
    }

    /// Also inside a transaction (a sync compares with what it replaces).
    pub(crate) async fn mailboxes_in(
        conn: &mut SqliteConnection,
        account_id: &str,
    ) -> Result<Vec<Mailbox>, CoreError> {
        let rows = sqlx::query!(
            "SELECT address, name, quota_bytes, used_bytes, active
             FROM mailboxes WHERE account_id = ? ORDER BY address",
            account_id
        )
        .fetch_all(&mut *conn)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| Mailbox {
                address: r.address,
                name: r.name,
                quota_bytes: r.quota_bytes,
                used_bytes: r.used_bytes,
                active: r.active != 0,
            })
            .collect())
    }
}

async fn clear_resource(
    tx: &mut Transaction<'_, Sqlite>,
    account_id: &str,
    resource: Resource,
) -> Result<(), CoreError> {
    let statement = match resource {
        Resource::Profile => sqlx::query!("DELETE FROM profiles WHERE account_id = ?", account_id),
        Resource::Invoices => sqlx::query!("DELETE FROM invoices WHERE account_id = ?", account_id),
        Resource::Mandates => sqlx::query!("DELETE FROM mandates WHERE account_id = ?", account_id),
        Resource::Services => sqlx::query!("DELETE FROM services WHERE account_id = ?", account_id),
        Resource::Domains => sqlx::query!("DELETE FROM domains WHERE account_id = ?", account_id),
        Resource::Mailboxes => {
            sqlx::query!("DELETE FROM mailboxes WHERE account_id = ?", account_id)
        }
        Resource::Users => {
            sqlx::query!("DELETE FROM account_users WHERE account_id = ?", account_id)
        }
        Resource::Tickets => sqlx::query!("DELETE FROM tickets WHERE account_id = ?", account_id),
    };
    statement.execute(&mut **tx).await?;
    Ok(())
}

async fn insert_resource(
    tx: &mut Transaction<'_, Sqlite>,
    account_id: &str,
    data: &ResourceData,
) -> Result<(), CoreError> {
    match data {
        ResourceData::Profile(p) => {
            let billing = to_json(&p.billing_emails)?;
            sqlx::query!(
                "INSERT INTO profiles (account_id, customer_number, email, company, name, street,
                     postal_code, city, country, billing_emails)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                account_id,
                p.customer_number,
                p.email,
                p.address.company,
                p.address.name,
                p.address.street,
                p.address.postal_code,
                p.address.city,
                p.address.country,
                billing
            )
            .execute(&mut **tx)
            .await?;
        }
        ResourceData::Invoices(items) => {
            for i in items {
                let (issue, due) = (i.issue_date.to_string(), i.due_date.to_string());
                let paid = i.paid_on.map(|d| d.to_string());
                let status = name_of(&i.status)?;
                sqlx::query!(
                    "INSERT INTO invoices (account_id, number, issue_date, due_date, amount_cents,
                         currency, status, dunning_level, paid_on)
                     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    account_id,
                    i.number,
                    issue,
                    due,
                    i.amount_cents,
                    i.currency,
                    status,
                    i.dunning_level,
                    paid
                )
                .execute(&mut **tx)
                .await?;
            }
        }
        ResourceData::Mandates(items) => {
            for m in items {
                let (kind, status) = (name_of(&m.kind)?, name_of(&m.status)?);
                let created = m.created_on.to_string();
                sqlx::query!(
                    "INSERT INTO mandates (account_id, id, kind, label, status, is_default, created_on)
                     VALUES (?, ?, ?, ?, ?, ?, ?)",
                    account_id,
                    m.id,
                    kind,
                    m.label,
                    status,
                    m.is_default,
                    created
                )
                .execute(&mut **tx)
                .await?;
            }
        }
        ResourceData::Services(items) => {
            for s in items {
                let status = name_of(&s.status)?;
                let end = s.period_end.to_string();
                let mailbox_limit = s.mail_allowance.map(|a| a.mailboxes);
                let storage_limit = s.mail_allowance.map(|a| a.storage_bytes);
                sqlx::query!(
                    "INSERT INTO services (account_id, id, kind, product, status, term_months,
                         period_end, status_reason, mailbox_limit, storage_limit_bytes)
                     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    account_id,
                    s.id,
                    s.kind,
                    s.product,
                    status,
                    s.term_months,
                    end,
                    s.status_reason,
                    mailbox_limit,
                    storage_limit
                )
                .execute(&mut **tx)
                .await?;
            }
        }
        ResourceData::Domains(items) => {
            for d in items {
                let expires = d.expires_on.to_string();
                let lock_changed = d.lock_changed_at.map(|t| t.to_rfc3339());
                let (services, invoices) = (to_json(&d.service_ids)?, to_json(&d.invoice_numbers)?);
                sqlx::query!(
                    "INSERT INTO domains (account_id, name, expires_on, transfer_lock, auto_renew,
                         status, lock_changed_at, service_ids, invoice_numbers)
                     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    account_id,
                    d.name,
                    expires,
                    d.transfer_lock,
                    d.auto_renew,
                    d.status,
                    lock_changed,
                    services,
                    invoices
                )
                .execute(&mut **tx)
                .await?;
            }
        }
        ResourceData::Mailboxes(items) => {
            for m in items {
                sqlx::query!(
                    "INSERT INTO mailboxes (account_id, address, name, quota_bytes, used_bytes, active)
                     VALUES (?, ?, ?, ?, ?, ?)",
                    account_id,
                    m.address,
                    m.name,
                    m.quota_bytes,
                    m.used_bytes,
                    m.active
                )
                .execute(&mut **tx)
                .await?;
            }
        }
        ResourceData::Users(items) => {
            for u in items {
                let permissions = to_json(&u.role.permissions)?;
                sqlx::query!(
                    "INSERT INTO account_users (account_id, email, role_name, permissions)
                     VALUES (?, ?, ?, ?)",
                    account_id,
                    u.email,
                    u.role.name,
                    permissions
                )
                .execute(&mut **tx)
                .await?;
            }
        }
        ResourceData::Tickets(items) => {
            for t in items {
                let status = name_of(&t.status)?;
                let created = t.created_at.to_rfc3339();
                sqlx::query!(
                    "INSERT INTO tickets (account_id, id, subject, status, created_at)
                     VALUES (?, ?, ?, ?, ?)",
                    account_id,
                    t.id,
                    t.subject,
                    status,
                    created
                )
                .execute(&mut **tx)
                .await?;
            }
        }
    }
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
