//! The one write path into the synced tables. A resource's rows go in as one JSON array:
//! one statement counts the cached rows, one finds what differs from them (none when there
//! are none), one reads the rows about to change (for the change set), one deletes what
//! went and one upserts what is new or changed.
//! Unchanged rows are not written; an unchanged resource (304) costs no statement at all.
//! Everything runs inside the caller's transaction.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use cowdesk_model::Resource;
use sqlx::SqliteConnection;

use super::changes::{Change, ChangeSet};
use super::read::decode;
use super::rows::{Synced, Table};
use super::{from_name, ResourceData, ResourceUpdate};
use crate::error::CoreError;

/// The statements of one table, made once from its description.
pub(crate) struct Statements {
    /// ?1 account: how many rows the account has.
    count: String,
    /// ?1 account, ?2 incoming rows: the incoming rows that are new or differ
    /// (`[[index, added], ...]`).
    diff: String,
    /// ?1 account, ?2 keys: those rows as they are.
    pub(super) rows_with_keys: String,
    /// ?1 account, ?2 incoming rows: the cached rows not among them.
    rows_not_incoming: String,
    /// ?1 account, ?2 keys.
    delete: String,
    /// ?1 account, ?2 rows.
    upsert: String,
}

impl Table {
    pub(super) fn statements(&self) -> &Statements {
        self.sql.get_or_init(|| Statements::of(self))
    }
}

impl Statements {
    fn of(t: &Table) -> Statements {
        let name = t.name;
        let columns = t.columns.join(", ");
        let picked: Vec<String> = (0..t.columns.len())
            .map(|i| format!("n.value->>{i}"))
            .collect();
        let same: Vec<String> = t
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| format!("o.{c} IS n.value->>{i}"))
            .collect();
        let same = same.join(" AND ");
        let joined_on = match t.key {
            Some(key) => format!("o.account_id = ?1 AND o.{key} = n.value->>0"),
            None => "o.account_id = ?1".to_owned(),
        };
        // Each row is taken out of the array once (MATERIALIZED): reading its cells from
        // `json_each`'s value directly would render the row's text once per cell.
        let diff = format!(
            "WITH n(key, value) AS MATERIALIZED (SELECT key, value FROM json_each(?2))
             SELECT json_group_array(json_array(n.key, o.rowid IS NULL))
             FROM n LEFT JOIN {name} o ON {joined_on}
             WHERE o.rowid IS NULL OR NOT ({same})"
        );
        let count = format!("SELECT COUNT(*) FROM {name} WHERE account_id = ?1");
        let select = format!(
            "SELECT json_group_array(json_array({columns})) FROM {name} WHERE account_id = ?1"
        );
        let (rows_with_keys, rows_not_incoming, delete) = match t.key {
            Some(key) => (
                format!("{select} AND {key} IN (SELECT value FROM json_each(?2))"),
                format!("{select} AND {key} NOT IN (SELECT value->>0 FROM json_each(?2))"),
                format!(
                    "DELETE FROM {name} WHERE account_id = ?1
                       AND {key} IN (SELECT value FROM json_each(?2))"
                ),
            ),
            // One row per account: it is the row with any key, and it goes when nothing
            // comes in.
            None => (
                format!("{select} AND json_valid(?2)"),
                format!("{select} AND json_array_length(?2) = 0"),
                format!("DELETE FROM {name} WHERE account_id = ?1 AND json_valid(?2)"),
            ),
        };
        let conflict = match t.key {
            Some(key) => format!("account_id, {key}"),
            None => "account_id".to_owned(),
        };
        let updates: Vec<String> = t
            .columns
            .iter()
            .filter(|c| Some(**c) != t.key)
            .map(|c| format!("{c} = excluded.{c}"))
            .collect();
        let upsert = format!(
            "WITH n(value) AS MATERIALIZED (SELECT value FROM json_each(?2))
             INSERT INTO {name} (account_id, {columns})
             SELECT ?1, {} FROM n WHERE true
             ON CONFLICT ({conflict}) DO UPDATE SET {}",
            picked.join(", "),
            updates.join(", ")
        );
        Statements {
            count,
            diff,
            rows_with_keys,
            rows_not_incoming,
            delete,
            upsert,
        }
    }
}

/// How incoming rows meet the cached ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// The incoming rows are the whole list: cached rows not among them go.
    Replace,
    /// Incoming rows are added or replace their cached version; others stay.
    Upsert,
    /// Like `Upsert`, but only rows already cached are written; the others are reported
    /// missing.
    UpdateExisting,
}

/// What writing one list did.
pub(crate) struct Written<T> {
    pub changes: Vec<Change<T>>,
    /// Keys `UpdateExisting` did not find.
    pub missing: Vec<String>,
    /// Rows that came more than once (the last one was kept).
    pub duplicates: usize,
}

fn json_array_of<'a>(parts: impl Iterator<Item = &'a [u8]>) -> String {
    let mut out = Vec::from(*b"[");
    for (i, part) in parts.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(part);
    }
    out.push(b']');
    // Every part is serde_json output, hence UTF-8.
    String::from_utf8(out).unwrap_or_default()
}

fn cells_of<T: Synced>(item: &T) -> Result<Vec<u8>, CoreError> {
    let mut out = Vec::with_capacity(96);
    item.write_cells(&mut out)?;
    Ok(out)
}

pub(crate) fn keys_json<'a>(keys: impl Iterator<Item = &'a str>) -> Result<String, CoreError> {
    serde_json::to_string(&keys.collect::<Vec<_>>()).map_err(|e| CoreError::Internal(e.to_string()))
}

/// Writes `items` into `T`'s table for one account and returns what changed.
pub(crate) async fn write_rows<T: Synced>(
    conn: &mut SqliteConnection,
    account_id: &str,
    items: &[T],
    mode: Mode,
) -> Result<Written<T>, CoreError> {
    let sql = T::table().statements();
    // A list that shifted between pages repeats an item: the last one wins.
    let mut position: HashMap<&str, usize> = HashMap::with_capacity(items.len());
    let mut unique: Vec<&T> = Vec::with_capacity(items.len());
    let mut duplicates = 0;
    for item in items {
        match position.entry(item.key()) {
            Entry::Occupied(at) => {
                unique[*at.get()] = item;
                duplicates += 1;
            }
            Entry::Vacant(at) => {
                at.insert(unique.len());
                unique.push(item);
            }
        }
    }
    let cells: Vec<Vec<u8>> = unique
        .iter()
        .map(|i| cells_of(*i))
        .collect::<Result<_, _>>()?;
    let incoming = json_array_of(cells.iter().map(Vec::as_slice));

    let cached: i64 = sqlx::query_scalar(&sql.count)
        .bind(account_id)
        .fetch_one(&mut *conn)
        .await?;
    // Into an empty table (an account's first sync) every row is new: nothing to compare.
    let diff: Vec<(usize, i64)> = if cached == 0 {
        (0..unique.len()).map(|i| (i, 1)).collect()
    } else {
        let diff: Option<String> = sqlx::query_scalar(&sql.diff)
            .bind(account_id)
            .bind(&incoming)
            .fetch_one(&mut *conn)
            .await?;
        match diff {
            Some(json) => {
                serde_json::from_str(&json).map_err(|e| CoreError::Storage(e.to_string()))?
            }
            None => Vec::new(),
        }
    };
    let mut missing = Vec::new();
    let mut write: Vec<usize> = Vec::with_capacity(diff.len());
    let mut changed_keys: Vec<&str> = Vec::new();
    let mut added = 0usize;
    for (index, is_new) in diff {
        let Some(item) = unique.get(index) else {
            return Err(CoreError::Internal("row index out of range".into()));
        };
        if is_new != 0 {
            added += 1;
            if mode == Mode::UpdateExisting {
                missing.push(item.key().to_owned());
                continue;
            }
        } else {
            changed_keys.push(item.key());
        }
        write.push(index);
    }

    // The rows as they were: those about to change, and (replacing) those about to go.
    let mut before: HashMap<String, T> = HashMap::new();
    if !changed_keys.is_empty() {
        let rows: Option<String> = sqlx::query_scalar(&sql.rows_with_keys)
            .bind(account_id)
            .bind(keys_json(changed_keys.iter().copied())?)
            .fetch_one(&mut *conn)
            .await?;
        for row in decode::<T>(rows)? {
            before.insert(row.key().to_owned(), row);
        }
    }
    let unchanged = unique.len() - added - changed_keys.len();
    let mut gone: Vec<T> = Vec::new();
    // Cached rows beyond those that stay or change are rows that go.
    let staying = (unchanged + changed_keys.len()) as i64;
    if mode == Mode::Replace && cached > staying {
        let rows: Option<String> = sqlx::query_scalar(&sql.rows_not_incoming)
            .bind(account_id)
            .bind(&incoming)
            .fetch_one(&mut *conn)
            .await?;
        gone = decode::<T>(rows)?;
        sqlx::query(&sql.delete)
            .bind(account_id)
            .bind(keys_json(gone.iter().map(Synced::key))?)
            .execute(&mut *conn)
            .await?;
    }
    if !write.is_empty() {
        let rows = if write.len() == unique.len() {
            incoming
        } else {
            json_array_of(write.iter().map(|i| cells[*i].as_slice()))
        };
        sqlx::query(&sql.upsert)
            .bind(account_id)
            .bind(rows)
            .execute(&mut *conn)
            .await?;
    }

    let mut changes: Vec<Change<T>> = Vec::with_capacity(write.len() + gone.len());
    for index in write {
        let after = unique[index];
        changes.push(Change {
            before: before.remove(after.key()),
            after: Some(after.clone()),
        });
    }
    changes.extend(gone.into_iter().map(|row| Change {
        before: Some(row),
        after: None,
    }));
    Ok(Written {
        changes,
        missing,
        duplicates,
    })
}

/// One account's updates, written in the caller's transaction: the rows of each changed
/// resource, the resources the role may no longer read emptied, the sync state of each
/// resource; the change set of it all.
pub(crate) async fn apply_updates(
    conn: &mut SqliteConnection,
    account_id: &str,
    updates: &[ResourceUpdate],
    now: DateTime<Utc>,
) -> Result<ChangeSet, CoreError> {
    let mut set = ChangeSet::default();
    set.readable_before = readable(conn, account_id).await?;
    set.readable_after = set.readable_before.clone().unwrap_or_default();
    // (resource, etag, permitted) of every resource that was fetched or refused.
    let mut states: Vec<(&'static str, Option<&str>, bool)> = Vec::new();
    let mut unchanged: Vec<&'static str> = Vec::new();
    for update in updates {
        match update {
            ResourceUpdate::Changed { data, etag } => {
                write_data(conn, account_id, data, Mode::Replace, &mut set).await?;
                let resource = data.resource();
                set.readable_after.insert(resource);
                states.push((resource.path(), etag.as_deref(), true));
            }
            ResourceUpdate::Patched {
                data,
                existing_only,
            } => {
                let mode = if *existing_only {
                    Mode::UpdateExisting
                } else {
                    Mode::Upsert
                };
                write_data(conn, account_id, data, mode, &mut set).await?;
            }
            ResourceUpdate::Mailcow(snapshot) => {
                write_mailcow(conn, account_id, snapshot, &mut set).await?;
                set.readable_after.insert(Resource::Mailboxes);
                states.push((Resource::Mailboxes.path(), None, true));
            }
            ResourceUpdate::Unchanged(resource) => unchanged.push(resource.path()),
            ResourceUpdate::NotPermitted(resource) => {
                clear(conn, account_id, *resource, &mut set).await?;
                set.readable_after.remove(resource);
                states.push((resource.path(), None, false));
            }
        }
    }
    let stamp = now.to_rfc3339();
    if !states.is_empty() {
        let states =
            serde_json::to_string(&states).map_err(|e| CoreError::Internal(e.to_string()))?;
        sqlx::query(
            "INSERT INTO sync_state (account_id, resource, etag, permitted, synced_at)
             SELECT ?1, value->>0, value->>1, value->>2, ?2 FROM json_each(?3) WHERE true
             ON CONFLICT (account_id, resource) DO UPDATE SET etag = excluded.etag,
                 permitted = excluded.permitted, synced_at = excluded.synced_at",
        )
        .bind(account_id)
        .bind(&stamp)
        .bind(states)
        .execute(&mut *conn)
        .await?;
    }
    if !unchanged.is_empty() {
        sqlx::query(
            "UPDATE sync_state SET synced_at = ?2
             WHERE account_id = ?1 AND resource IN (SELECT value FROM json_each(?3))",
        )
        .bind(account_id)
        .bind(&stamp)
        .bind(keys_json(unchanged.into_iter())?)
        .execute(&mut *conn)
        .await?;
    }
    if set.duplicates > 0 {
        // A list that moved while it was fetched page by page: nothing is wrong with the
        // data, and the next sync fetches it again.
        tracing::info!(
            account = account_id,
            duplicates = set.duplicates,
            "a list repeated items across pages; kept the last of each"
        );
    }
    Ok(set)
}

/// The resources the last sync could read, or `None` when the account was never synced.
async fn readable(
    conn: &mut SqliteConnection,
    account_id: &str,
) -> Result<Option<HashSet<Resource>>, CoreError> {
    let rows: Vec<(String, i64)> =
        sqlx::query_as("SELECT resource, permitted FROM sync_state WHERE account_id = ?1")
            .bind(account_id)
            .fetch_all(&mut *conn)
            .await?;
    if rows.is_empty() {
        return Ok(None);
    }
    let mut readable = HashSet::new();
    for (resource, permitted) in rows {
        if permitted != 0 {
            readable.insert(from_name::<Resource>(&resource)?);
        }
    }
    Ok(Some(readable))
}

async fn write_data(
    conn: &mut SqliteConnection,
    account_id: &str,
    data: &ResourceData,
    mode: Mode,
    set: &mut ChangeSet,
) -> Result<(), CoreError> {
    match data {
        ResourceData::Profile(p) => {
            write_into(
                conn,
                account_id,
                std::slice::from_ref(p.as_ref()),
                mode,
                set,
            )
            .await
        }
        ResourceData::Invoices(items) => write_into(conn, account_id, items, mode, set).await,
        ResourceData::Mandates(items) => write_into(conn, account_id, items, mode, set).await,
        ResourceData::Services(items) => write_into(conn, account_id, items, mode, set).await,
        ResourceData::Domains(items) => write_into(conn, account_id, items, mode, set).await,
        ResourceData::Mailboxes(items) => write_into(conn, account_id, items, mode, set).await,
        ResourceData::Users(items) => write_into(conn, account_id, items, mode, set).await,
        ResourceData::Tickets(items) => write_into(conn, account_id, items, mode, set).await,
    }
}

async fn write_into<T: Synced>(
    conn: &mut SqliteConnection,
    account_id: &str,
    items: &[T],
    mode: Mode,
    set: &mut ChangeSet,
) -> Result<(), CoreError> {
    let written = write_rows(conn, account_id, items, mode).await?;
    let resource = T::table().resource;
    set.missing
        .extend(written.missing.into_iter().map(|key| (resource, key)));
    set.duplicates += written.duplicates;
    set.record(written.changes);
    Ok(())
}

/// A mailcow connection's domains, mailboxes and aliases, each list whole. Its mailboxes'
/// changes are recorded a second time as `Mailbox` changes, which the mailbox rules judge.
async fn write_mailcow(
    conn: &mut SqliteConnection,
    account_id: &str,
    snapshot: &crate::mailcow::Snapshot,
    set: &mut ChangeSet,
) -> Result<(), CoreError> {
    let mode = Mode::Replace;
    write_into(conn, account_id, &snapshot.domains, mode, set).await?;
    write_into(conn, account_id, &snapshot.aliases, mode, set).await?;
    let written = write_rows(conn, account_id, &snapshot.mailboxes, mode).await?;
    set.duplicates += written.duplicates;
    set.record(super::mailcow::as_mailbox_changes(&written.changes));
    set.record(written.changes);
    Ok(())
}

/// Empties one resource of the account (the role may no longer read it).
async fn clear(
    conn: &mut SqliteConnection,
    account_id: &str,
    resource: Resource,
    set: &mut ChangeSet,
) -> Result<(), CoreError> {
    use cowdesk_model::{AccountUser, Domain, Invoice, Mailbox, Mandate, Profile, Service, Ticket};
    let mode = Mode::Replace;
    match resource {
        Resource::Profile => write_into::<Profile>(conn, account_id, &[], mode, set).await,
        Resource::Invoices => write_into::<Invoice>(conn, account_id, &[], mode, set).await,
        Resource::Mandates => write_into::<Mandate>(conn, account_id, &[], mode, set).await,
        Resource::Services => write_into::<Service>(conn, account_id, &[], mode, set).await,
        Resource::Domains => write_into::<Domain>(conn, account_id, &[], mode, set).await,
        Resource::Mailboxes => write_into::<Mailbox>(conn, account_id, &[], mode, set).await,
        Resource::Users => write_into::<AccountUser>(conn, account_id, &[], mode, set).await,
        Resource::Tickets => write_into::<Ticket>(conn, account_id, &[], mode, set).await,
    }
}
