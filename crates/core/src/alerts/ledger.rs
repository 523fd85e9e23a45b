//! The notify-once ledger: one row per (account, rule, object, state) in SQLite, written
//! in the same transaction as the write whose changes it records; and the claim of pending
//! alerts for delivery.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use cowdesk_model::{Alert, AlertCounts, AlertDelivery, AlertRule, NavTarget, Navigation};
use sqlx::SqliteConnection;

use super::deliver::Plan;
use super::evaluate::Evaluation;
use super::rules::Finding;
use crate::error::CoreError;
use crate::store::write::keys_json;
use crate::store::{from_name, name_of, timestamp, Store};

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

/// The ledger's step of the write path: brings the account's ledger in line with what the
/// rules found. New findings are recorded (to be notified, or silently on an account's
/// first sync), known ones stay as they are, and open alerts about objects the rules
/// looked at that no finding holds up any more are resolved. Alerts about objects the
/// rules did not look at are left alone.
pub(crate) async fn record(
    conn: &mut SqliteConnection,
    account_id: &str,
    evaluation: &Evaluation,
    backfill: bool,
    (today, now): (NaiveDate, DateTime<Utc>),
) -> Result<LedgerReport, CoreError> {
    let mut report = LedgerReport::default();
    if !evaluation.scope.is_empty() || !evaluation.findings.is_empty() {
        report = reconcile(conn, account_id, evaluation, backfill, now).await?;
    }
    if evaluation.new_day {
        // Long-resolved alerts go; should their cause return, that is news again anyway.
        let horizon = (today - chrono::Duration::days(KEEP_RESOLVED_DAYS)).to_string();
        sqlx::query!(
            "DELETE FROM alerts WHERE account_id = ? AND resolved_at IS NOT NULL AND resolved_at < ?",
            account_id,
            horizon
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(report)
}

/// A ledger row as the reconciliation compares it.
#[derive(sqlx::FromRow)]
struct Known {
    id: i64,
    rule: String,
    object: String,
    state: String,
    severity: String,
    title: String,
    title_de: String,
    body: String,
    body_de: String,
    resolved: bool,
}

async fn reconcile(
    conn: &mut SqliteConnection,
    account_id: &str,
    evaluation: &Evaluation,
    backfill: bool,
    now: DateTime<Utc>,
) -> Result<LedgerReport, CoreError> {
    let (scope, findings) = (&evaluation.scope, &evaluation.findings);
    const COLUMNS: &str = "id, rule, object, state, severity, title, title_de, body, body_de,
        resolved_at IS NOT NULL AS resolved";
    let rows: Vec<Known> = if scope.whole {
        sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM alerts WHERE account_id = ?1"
        ))
        .bind(account_id)
        .fetch_all(&mut *conn)
        .await?
    } else {
        let objects = scope
            .all_objects()
            .chain(findings.iter().map(|f| f.object.as_str()));
        sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM alerts
             WHERE account_id = ?1 AND object IN (SELECT value FROM json_each(?2))"
        ))
        .bind(account_id)
        .bind(keys_json(objects)?)
        .fetch_all(&mut *conn)
        .await?
    };
    let known: HashMap<(&str, &str, &str), &Known> = rows
        .iter()
        .map(|r| ((r.rule.as_str(), r.object.as_str(), r.state.as_str()), r))
        .collect();
    let stamp = now.to_rfc3339();
    let delivery = if backfill {
        AlertDelivery::Backfill
    } else {
        AlertDelivery::Pending
    };
    let mut report = LedgerReport::default();
    let mut supported = HashSet::new();
    let mut new_alerts = Vec::new();
    for finding in findings {
        let key = (
            finding.rule.as_str(),
            finding.object.as_str(),
            finding.state.as_str(),
        );
        let announce = !finding.event || finding.fresh;
        match known.get(&key) {
            None => {
                if announce {
                    new_alerts.push(finding);
                    if backfill {
                        report.backfilled += 1;
                    } else {
                        report.new += 1;
                    }
                }
            }
            // The cause came back (or the event happened again): a new occurrence.
            Some(row) if row.resolved => {
                if announce {
                    reopen(conn, row.id, finding, delivery, &stamp).await?;
                    report.new += 1;
                }
            }
            Some(row) => {
                supported.insert(row.id);
                if finding.holds && !same_words(row, finding)? {
                    refresh(conn, row.id, finding).await?;
                }
            }
        }
    }
    insert(conn, account_id, &new_alerts, delivery, &stamp).await?;
    for row in &rows {
        let in_scope = rule(&row.rule).is_ok_and(|r| scope.covers(r, &row.object));
        if !row.resolved && in_scope && !supported.contains(&row.id) {
            resolve(conn, row.id, &stamp).await?;
            report.resolved += 1;
        }
    }
    Ok(report)
}

/// Whether an open alert already says what the finding says.
fn same_words(row: &Known, f: &Finding) -> Result<bool, CoreError> {
    Ok(row.severity == name_of(&f.severity)?
        && row.title == f.texts.title
        && row.title_de == f.texts.title_de
        && row.body == f.texts.body
        && row.body_de == f.texts.body_de)
}

/// New alerts in one statement, in the findings' order (an account's first sync backfills
/// hundreds: one round trip each was most of the ledger's time).
async fn insert(
    conn: &mut SqliteConnection,
    account_id: &str,
    findings: &[&Finding],
    delivery: AlertDelivery,
    stamp: &str,
) -> Result<(), CoreError> {
    if findings.is_empty() {
        return Ok(());
    }
    let rows = findings
        .iter()
        .map(|f| {
            Ok(serde_json::json!([
                f.rule.as_str(),
                f.object,
                f.state,
                name_of(&f.severity)?,
                f.texts.title,
                f.texts.title_de,
                f.texts.body,
                f.texts.body_de,
                (!f.holds).then_some(stamp),
            ]))
        })
        .collect::<Result<Vec<_>, CoreError>>()?;
    let rows = serde_json::to_string(&rows).map_err(|e| CoreError::Internal(e.to_string()))?;
    let delivery = name_of(&delivery)?;
    sqlx::query(
        "INSERT INTO alerts (account_id, rule, object, state, severity, title, title_de, body,
             body_de, created_at, resolved_at, delivery)
         SELECT ?1, value->>0, value->>1, value->>2, value->>3, value->>4, value->>5,
             value->>6, value->>7, ?2, value->>8, ?3
         FROM json_each(?4) ORDER BY key",
    )
    .bind(account_id)
    .bind(stamp)
    .bind(delivery)
    .bind(rows)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

async fn reopen(
    conn: &mut SqliteConnection,
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
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Keeps an open alert's words current (a mailbox at 94 % now at 97 %), silently.
async fn refresh(conn: &mut SqliteConnection, id: i64, f: &Finding) -> Result<(), CoreError> {
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
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The cause is gone. A notification not shown yet is not shown at all.
async fn resolve(conn: &mut SqliteConnection, id: i64, stamp: &str) -> Result<(), CoreError> {
    sqlx::query!(
        "UPDATE alerts SET resolved_at = ?,
             delivery = CASE WHEN delivery = 'pending' THEN 'dropped' ELSE delivery END
         WHERE id = ? AND resolved_at IS NULL",
        stamp,
        id
    )
    .execute(&mut *conn)
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
    /// The newest alerts of every account, at most `limit`, leaving out the `hidden`
    /// (account, rule) pairs.
    pub async fn alerts(
        &self,
        limit: u32,
        hidden: &[(String, &'static str)],
    ) -> Result<Vec<Alert>, CoreError> {
        let limit = i64::from(limit);
        let hidden =
            serde_json::to_string(hidden).map_err(|e| CoreError::Internal(e.to_string()))?;
        let rows = sqlx::query_as!(
            AlertRow,
            r#"SELECT a.id AS "id!", a.account_id, c.name AS account_name, a.rule, a.object,
                   a.severity, a.title, a.title_de, a.body, a.body_de, a.created_at,
                   a.resolved_at, a.read_at, a.delivery
               FROM alerts a JOIN accounts c ON c.id = a.account_id
               WHERE NOT EXISTS (SELECT 1 FROM json_each(?1) h
                                 WHERE h.value->>0 = a.account_id AND h.value->>1 = a.rule)
               ORDER BY a.created_at DESC, a.id DESC LIMIT ?2"#,
            hidden,
            limit
        )
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(AlertRow::into_alert).collect()
    }

    /// Unread and unresolved alerts, leaving out the `hidden` (account, rule) pairs.
    pub async fn alert_counts(
        &self,
        hidden: &[(String, &'static str)],
    ) -> Result<AlertCounts, CoreError> {
        let hidden =
            serde_json::to_string(hidden).map_err(|e| CoreError::Internal(e.to_string()))?;
        let row = sqlx::query!(
            r#"SELECT COUNT(*) FILTER (WHERE read_at IS NULL) AS "unread!: i64",
                      COUNT(*) FILTER (WHERE resolved_at IS NULL) AS "unresolved!: i64"
               FROM alerts a
               WHERE NOT EXISTS (SELECT 1 FROM json_each(?1) h
                                 WHERE h.value->>0 = a.account_id AND h.value->>1 = a.rule)"#,
            hidden
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
        pending_in(&mut *self.pool().acquire().await?).await
    }

    /// Claims the pending alerts for delivery, in one transaction that holds the write
    /// lock: `decide` plans what to do with them, and the alerts it sends or suppresses are
    /// marked so before anyone else can read them as pending. Two deliveries at once (the
    /// one after a sync, the minute tick) thus never show one alert twice. The plan comes
    /// back with the number of pending alerts it saw; showing a notification that then
    /// fails is recorded with [`Store::delivery_failed`].
    pub(crate) async fn claim_deliveries(
        &self,
        decide: impl FnOnce(&[Alert]) -> Plan,
        now: DateTime<Utc>,
    ) -> Result<(Plan, usize), CoreError> {
        let mut tx = self.begin_write().await?;
        let pending = pending_in(&mut tx).await?;
        let plan = decide(&pending);
        let sent: Vec<i64> = plan
            .send
            .iter()
            .flat_map(|o| o.alert_ids.iter().copied())
            .collect();
        let stamp = now.to_rfc3339();
        for (ids, delivery) in [
            (&plan.suppress, AlertDelivery::Suppressed),
            (&sent, AlertDelivery::Delivered),
        ] {
            if ids.is_empty() {
                continue;
            }
            let ids = serde_json::to_string(ids).map_err(|e| CoreError::Internal(e.to_string()))?;
            sqlx::query(
                "UPDATE alerts SET delivery = ?1, delivered_at = ?2
                 WHERE delivery = 'pending' AND id IN (SELECT value FROM json_each(?3))",
            )
            .bind(name_of(&delivery)?)
            .bind(&stamp)
            .bind(ids)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok((plan, pending.len()))
    }

    /// The notification of claimed alerts could not be shown: they stay in the app only.
    pub(crate) async fn delivery_failed(&self, ids: &[i64]) -> Result<(), CoreError> {
        let ids = serde_json::to_string(ids).map_err(|e| CoreError::Internal(e.to_string()))?;
        sqlx::query(
            "UPDATE alerts SET delivery = 'failed'
             WHERE delivery = 'delivered' AND id IN (SELECT value FROM json_each(?1))",
        )
        .bind(ids)
        .execute(self.pool())
        .await?;
        Ok(())
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

/// Alerts whose notification has not been shown yet, oldest first.
async fn pending_in(conn: &mut SqliteConnection) -> Result<Vec<Alert>, CoreError> {
    let rows = sqlx::query_as!(
        AlertRow,
        r#"SELECT a.id AS "id!", a.account_id, c.name AS account_name, a.rule, a.object,
               a.severity, a.title, a.title_de, a.body, a.body_de, a.created_at,
               a.resolved_at, a.read_at, a.delivery
           FROM alerts a JOIN accounts c ON c.id = a.account_id
           WHERE a.delivery = 'pending'
           ORDER BY a.id"#
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter().map(AlertRow::into_alert).collect()
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
