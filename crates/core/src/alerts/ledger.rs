//! The notify-once ledger: one row per (account, rule, object, state) in SQLite, written
//! in the same transaction as the sync whose changes it records.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use cowdesk_model::{
    Alert, AlertCounts, AlertDelivery, AlertRule, Domain, NavTarget, Navigation, Resource,
};
use sqlx::{Sqlite, SqliteConnection, Transaction};

use super::rules::{self, Finding, RuleInput, Snapshot};
use crate::error::CoreError;
use crate::store::{
    from_name, name_of, timestamp, write_sync, ResourceData, ResourceUpdate, Store,
};

/// Resolved alerts stay in the centre this long.
pub const KEEP_RESOLVED_DAYS: i64 = 180;

/// What one sync did to the ledger of its account.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LedgerReport {
    /// New alerts waiting to be notified.
    pub new: u32,
    /// Alerts recorded silently by an account's first sync.
    pub backfilled: u32,
    pub resolved: u32,
}

/// Writes a sync and records its alerts in one transaction: the previous cache is read,
/// replaced, compared with the new one, and the ledger updated, or nothing happens.
pub(crate) async fn apply_sync_with_alerts(
    store: &Store,
    account_id: &str,
    updates: &[ResourceUpdate],
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Result<LedgerReport, CoreError> {
    let mut tx = store.begin().await?;
    let readable = readable_resources(&mut tx, account_id).await?;
    // An account never synced before gets its alerts recorded, not announced.
    let backfill = readable.is_none();
    let previous = snapshot(&mut tx, account_id, &readable.unwrap_or_default()).await?;
    write_sync(&mut tx, account_id, updates, now).await?;
    let current = after(&previous, updates);
    let unlocked_since =
        track_unlocked(&mut tx, account_id, current.domains.as_deref(), now).await?;
    let findings = rules::evaluate(&RuleInput {
        previous: &previous,
        current: &current,
        today,
        now,
        unlocked_since: &unlocked_since,
    });
    let report = reconcile(&mut tx, account_id, &findings, backfill, now).await?;
    tx.commit().await?;
    Ok(report)
}

/// The resources the last sync could read, or `None` when the account was never synced.
async fn readable_resources(
    tx: &mut Transaction<'_, Sqlite>,
    account_id: &str,
) -> Result<Option<HashSet<String>>, CoreError> {
    let rows = sqlx::query!(
        "SELECT resource, permitted FROM sync_state WHERE account_id = ?",
        account_id
    )
    .fetch_all(&mut **tx)
    .await?;
    if rows.is_empty() {
        return Ok(None);
    }
    Ok(Some(
        rows.into_iter()
            .filter(|r| r.permitted != 0)
            .map(|r| r.resource)
            .collect(),
    ))
}

async fn snapshot(
    conn: &mut SqliteConnection,
    account_id: &str,
    readable: &HashSet<String>,
) -> Result<Snapshot, CoreError> {
    let has = |r: Resource| readable.contains(r.path());
    let mut snapshot = Snapshot::default();
    if has(Resource::Invoices) {
        snapshot.invoices = Some(Store::invoices_in(conn, account_id).await?);
    }
    if has(Resource::Mandates) {
        snapshot.mandates = Some(Store::mandates_in(conn, account_id).await?);
    }
    if has(Resource::Services) {
        snapshot.services = Some(Store::services_in(conn, account_id).await?);
    }
    if has(Resource::Domains) {
        snapshot.domains = Some(Store::domains_in(conn, account_id).await?);
    }
    if has(Resource::Mailboxes) {
        snapshot.mailboxes = Some(Store::mailboxes_in(conn, account_id).await?);
    }
    Ok(snapshot)
}

/// The cache after the sync: exactly what was just written over what stayed.
fn after(previous: &Snapshot, updates: &[ResourceUpdate]) -> Snapshot {
    let mut current = previous.clone();
    for update in updates {
        match update {
            ResourceUpdate::Changed { data, .. } => match data {
                ResourceData::Invoices(items) => current.invoices = Some(items.clone()),
                ResourceData::Mandates(items) => current.mandates = Some(items.clone()),
                ResourceData::Services(items) => current.services = Some(items.clone()),
                ResourceData::Domains(items) => current.domains = Some(items.clone()),
                ResourceData::Mailboxes(items) => current.mailboxes = Some(items.clone()),
                ResourceData::Profile(_) | ResourceData::Users(_) | ResourceData::Tickets(_) => {}
            },
            ResourceUpdate::NotPermitted(resource) => match resource {
                Resource::Invoices => current.invoices = None,
                Resource::Mandates => current.mandates = None,
                Resource::Services => current.services = None,
                Resource::Domains => current.domains = None,
                Resource::Mailboxes => current.mailboxes = None,
                _ => {}
            },
            ResourceUpdate::Unchanged(_) => {}
        }
    }
    current
}

/// Remembers since when each domain has been seen unlocked (no transfer under way), and
/// forgets a domain once it is locked again or gone.
async fn track_unlocked(
    tx: &mut Transaction<'_, Sqlite>,
    account_id: &str,
    domains: Option<&[Domain]>,
    now: DateTime<Utc>,
) -> Result<HashMap<String, DateTime<Utc>>, CoreError> {
    let unlocked: HashSet<&str> = domains
        .unwrap_or_default()
        .iter()
        .filter(|d| !d.transfer_lock && d.status != "transfer_pending")
        .map(|d| d.name.as_str())
        .collect();
    let rows = sqlx::query!(
        "SELECT domain, since FROM domain_unlock_seen WHERE account_id = ?",
        account_id
    )
    .fetch_all(&mut **tx)
    .await?;
    let mut since = HashMap::new();
    for row in rows {
        if unlocked.contains(row.domain.as_str()) {
            since.insert(row.domain, timestamp(&row.since)?);
        } else {
            sqlx::query!(
                "DELETE FROM domain_unlock_seen WHERE account_id = ? AND domain = ?",
                account_id,
                row.domain
            )
            .execute(&mut **tx)
            .await?;
        }
    }
    let stamp = now.to_rfc3339();
    for name in unlocked {
        if !since.contains_key(name) {
            sqlx::query!(
                "INSERT INTO domain_unlock_seen (account_id, domain, since) VALUES (?, ?, ?)",
                account_id,
                name,
                stamp
            )
            .execute(&mut **tx)
            .await?;
            since.insert(name.to_owned(), now);
        }
    }
    // The portal's own time of the last lock change beats the first sync that saw it.
    for domain in domains.unwrap_or_default() {
        if let (Some(changed), Some(entry)) = (domain.lock_changed_at, since.get_mut(&domain.name))
        {
            *entry = changed;
        }
    }
    Ok(since)
}

/// Brings the account's ledger in line with the findings: new ones are recorded (to be
/// notified, or silently in a backfill), known ones stay as they are, and open ones no
/// finding supports any more are resolved.
async fn reconcile(
    tx: &mut Transaction<'_, Sqlite>,
    account_id: &str,
    findings: &[Finding],
    backfill: bool,
    now: DateTime<Utc>,
) -> Result<LedgerReport, CoreError> {
    let rows = sqlx::query!(
        r#"SELECT id AS "id!", rule, object, state, resolved_at FROM alerts WHERE account_id = ?"#,
        account_id
    )
    .fetch_all(&mut **tx)
    .await?;
    let known: HashMap<(String, String, String), (i64, bool)> = rows
        .into_iter()
        .map(|r| ((r.rule, r.object, r.state), (r.id, r.resolved_at.is_some())))
        .collect();
    let stamp = now.to_rfc3339();
    let delivery = if backfill {
        AlertDelivery::Backfill
    } else {
        AlertDelivery::Pending
    };
    let mut report = LedgerReport::default();
    let mut supported = HashSet::new();
    for finding in findings {
        let key = (
            finding.rule.as_str().to_owned(),
            finding.object.clone(),
            finding.state.clone(),
        );
        let announce = !finding.event || finding.fresh;
        match known.get(&key) {
            None if announce => {
                insert(tx, account_id, finding, delivery, &stamp).await?;
                if backfill {
                    report.backfilled += 1;
                } else {
                    report.new += 1;
                }
            }
            // The cause came back (or the event happened again): a new occurrence.
            Some(&(id, true)) if announce => {
                reopen(tx, id, finding, delivery, &stamp).await?;
                report.new += 1;
            }
            None | Some((_, true)) => {}
            Some(&(id, false)) => {
                supported.insert(id);
                if finding.holds {
                    refresh(tx, id, finding).await?;
                }
            }
        }
    }
    for (id, resolved) in known.values() {
        if !resolved && !supported.contains(id) {
            resolve(tx, *id, &stamp).await?;
            report.resolved += 1;
        }
    }
    // Long-resolved alerts go; should their cause return, that is news again anyway.
    let horizon = (now - chrono::Duration::days(KEEP_RESOLVED_DAYS)).to_rfc3339();
    sqlx::query!(
        "DELETE FROM alerts WHERE account_id = ? AND resolved_at IS NOT NULL AND resolved_at < ?",
        account_id,
        horizon
    )
    .execute(&mut **tx)
    .await?;
    Ok(report)
}

async fn insert(
    tx: &mut Transaction<'_, Sqlite>,
    account_id: &str,
    f: &Finding,
    delivery: AlertDelivery,
    stamp: &str,
) -> Result<(), CoreError> {
    let (rule, severity, delivery) = (f.rule.as_str(), name_of(&f.severity)?, name_of(&delivery)?);
    let resolved_at = (!f.holds).then_some(stamp);
    sqlx::query!(
        "INSERT INTO alerts (account_id, rule, object, state, severity, title, title_de, body,
             body_de, created_at, resolved_at, delivery)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        account_id,
        rule,
        f.object,
        f.state,
        severity,
        f.texts.title,
        f.texts.title_de,
        f.texts.body,
        f.texts.body_de,
        stamp,
        resolved_at,
        delivery
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn reopen(
    tx: &mut Transaction<'_, Sqlite>,
    id: i64,
    f: &Finding,
    delivery: AlertDelivery,
    stamp: &str,
) -> Result<(), CoreError> {
    let (severity, delivery) = (name_of(&f.severity)?, name_of(&delivery)?);
    let resolved_at = (!f.holds).then_some(stamp);
    sqlx::query!(
        "UPDATE alerts SET severity = ?, title = ?, title_de = ?, body = ?, body_de = ?,
             created_at = ?, resolved_at = ?, read_at = NULL, delivery = ?, delivered_at = NULL
         WHERE id = ?",
        severity,
        f.texts.title,
        f.texts.title_de,
        f.texts.body,
        f.texts.body_de,
        stamp,
        resolved_at,
        delivery,
        id
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Keeps an open alert's words current (a mailbox at 94 % now at 97 %), silently.
async fn refresh(tx: &mut Transaction<'_, Sqlite>, id: i64, f: &Finding) -> Result<(), CoreError> {
    let severity = name_of(&f.severity)?;
    sqlx::query!(
        "UPDATE alerts SET severity = ?, title = ?, title_de = ?, body = ?, body_de = ?
         WHERE id = ?",
        severity,
        f.texts.title,
        f.texts.title_de,
        f.texts.body,
        f.texts.body_de,
        id
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The cause is gone. A notification not shown yet is not shown at all.
async fn resolve(tx: &mut Transaction<'_, Sqlite>, id: i64, stamp: &str) -> Result<(), CoreError> {
    sqlx::query!(
        "UPDATE alerts SET resolved_at = ?,
             delivery = CASE WHEN delivery = 'pending' THEN 'dropped' ELSE delivery END
         WHERE id = ? AND resolved_at IS NULL",
        stamp,
        id
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

// ----- reads and marks for the centre and the notifier -------------------------------------

/// One ledger row with its account's name, as both reads below select it.
struct AlertRow {
    id: i64,
    account_id: String,
    account_name: String,
    rule: String,
    object: String,
    severity: String,
    title: String,
    title_de: String,
    body: String,
    body_de: String,
    created_at: String,
    resolved_at: Option<String>,
    read_at: Option<String>,
    delivery: String,
}

impl AlertRow {
    fn into_alert(self) -> Result<Alert, CoreError> {
        let rule = rule(&self.rule)?;
        Ok(Alert {
            id: self.id,
            target: navigation(&self.account_id, rule, &self.object),
            account_id: self.account_id,
            account_name: self.account_name,
            rule,
            category: rule.category(),
            severity: from_name(&self.severity)?,
            title: self.title,
            title_de: self.title_de,
            body: self.body,
            body_de: self.body_de,
            created_at: timestamp(&self.created_at)?,
            resolved_at: self.resolved_at.as_deref().map(timestamp).transpose()?,
            read: self.read_at.is_some(),
            delivery: from_name(&self.delivery)?,
        })
    }
}

impl Store {
    /// The newest alerts of every account, at most `limit`.
    pub async fn alerts(&self, limit: u32) -> Result<Vec<Alert>, CoreError> {
        let limit = i64::from(limit);
        let rows = sqlx::query_as!(
            AlertRow,
            r#"SELECT a.id AS "id!", a.account_id, c.name AS account_name, a.rule, a.object,
                   a.severity, a.title, a.title_de, a.body, a.body_de, a.created_at,
                   a.resolved_at, a.read_at, a.delivery
               FROM alerts a JOIN accounts c ON c.id = a.account_id
               ORDER BY a.created_at DESC, a.id DESC LIMIT ?"#,
            limit
        )
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(AlertRow::into_alert).collect()
    }

    pub async fn alert_counts(&self) -> Result<AlertCounts, CoreError> {
        let row = sqlx::query!(
            r#"SELECT COUNT(*) FILTER (WHERE read_at IS NULL) AS "unread!: i64",
                      COUNT(*) FILTER (WHERE resolved_at IS NULL) AS "unresolved!: i64"
               FROM alerts"#
        )
        .fetch_one(self.pool())
        .await?;
        Ok(AlertCounts {
            unread: u32::try_from(row.unread).unwrap_or(u32::MAX),
            unresolved: u32::try_from(row.unresolved).unwrap_or(u32::MAX),
        })
    }

    /// Marks one alert read; false when there is no such alert.
    pub async fn mark_alert_read(&self, id: i64, now: DateTime<Utc>) -> Result<bool, CoreError> {
        let stamp = now.to_rfc3339();
        let done = sqlx::query!(
            "UPDATE alerts SET read_at = COALESCE(read_at, ?) WHERE id = ?",
            stamp,
            id
        )
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Marks every alert read, or those of one account.
    pub async fn mark_all_alerts_read(
        &self,
        account_id: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(), CoreError> {
        let stamp = now.to_rfc3339();
        sqlx::query!(
            "UPDATE alerts SET read_at = ?
             WHERE read_at IS NULL AND (?2 IS NULL OR account_id = ?2)",
            stamp,
            account_id
        )
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Alerts whose notification has not been shown yet, oldest first.
    pub async fn pending_alerts(&self) -> Result<Vec<Alert>, CoreError> {
        let rows = sqlx::query_as!(
            AlertRow,
            r#"SELECT a.id AS "id!", a.account_id, c.name AS account_name, a.rule, a.object,
                   a.severity, a.title, a.title_de, a.body, a.body_de, a.created_at,
                   a.resolved_at, a.read_at, a.delivery
               FROM alerts a JOIN accounts c ON c.id = a.account_id
               WHERE a.delivery = 'pending'
               ORDER BY a.id"#
        )
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(AlertRow::into_alert).collect()
    }

    /// Records what became of a pending alert's notification.
    pub async fn set_alert_delivery(
        &self,
        id: i64,
        delivery: AlertDelivery,
        now: DateTime<Utc>,
    ) -> Result<(), CoreError> {
        let (delivery, stamp) = (name_of(&delivery)?, now.to_rfc3339());
        sqlx::query!(
            "UPDATE alerts SET delivery = ?, delivered_at = ? WHERE id = ? AND delivery = 'pending'",
            delivery,
            stamp,
            id
        )
        .execute(self.pool())
        .await?;
        Ok(())
    }
}

/// Where an alert about `object` leads.
pub fn navigation(account_id: &str, rule: AlertRule, object: &str) -> Navigation {
    use cowdesk_model::AlertCategory as C;
    let object = object.to_owned();
    let target = match rule.category() {
        C::Invoices => NavTarget::Invoices { number: object },
        C::Services => NavTarget::Services { id: object },
        C::Mandates => NavTarget::Mandates { id: object },
        C::Domains => NavTarget::Domains { name: object },
        C::Mailboxes => NavTarget::Mailboxes { address: object },
    };
    Navigation {
        account_id: account_id.to_owned(),
        target,
    }
}

fn rule(name: &str) -> Result<AlertRule, CoreError> {
    AlertRule::parse(name).ok_or_else(|| CoreError::Storage(format!("unknown alert rule {name:?}")))
}
