//! What the dashboard and the account list show, asked of SQLite (indexed counts, sums
//! and the few rows that need attention) instead of decoding every row.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use cowdesk_model::{Domain, Invoice, Mailbox, Service};

use super::read::read_where;
use super::{timestamp, Store};
use crate::error::CoreError;

/// Unpaid invoices: the partial index `invoices_unpaid` has the same condition.
const UNPAID: &str = "status IN ('open', 'overdue')";
/// Overdue (past due and unpaid) or unpaid with a reminder, given `?2` = today.
const ATTENTION: &str = "status IN ('open', 'overdue')
    AND (status = 'overdue' OR due_date < ?2 OR dunning_level > 0)";

/// Totals of an account's unpaid invoices.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InvoiceFigures {
    pub open_count: u32,
    pub open_total_cents: i64,
    pub overdue_count: u32,
    pub overdue_total_cents: i64,
}

fn count(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Store {
    /// Open (unpaid) and overdue invoices of an account: how many, how much.
    pub async fn invoice_figures(
        &self,
        account_id: &str,
        today: NaiveDate,
    ) -> Result<InvoiceFigures, CoreError> {
        let today = today.to_string();
        let sql = format!(
            "SELECT COUNT(*), COALESCE(SUM(amount_cents), 0),
                    COUNT(*) FILTER (WHERE status = 'overdue' OR due_date < ?2),
                    COALESCE(SUM(amount_cents) FILTER (WHERE status = 'overdue' OR due_date < ?2), 0)
             FROM invoices WHERE account_id = ?1 AND {UNPAID}"
        );
        let (open, open_total, overdue, overdue_total): (i64, i64, i64, i64) = sqlx::query_as(&sql)
            .bind(account_id)
            .bind(today)
            .fetch_one(self.pool())
            .await?;
        Ok(InvoiceFigures {
            open_count: count(open),
            open_total_cents: open_total,
            overdue_count: count(overdue),
            overdue_total_cents: overdue_total,
        })
    }

    /// Overdue invoices and invoices with a reminder, most urgent first (highest dunning
    /// level, then the earliest due date).
    pub async fn attention_invoices(
        &self,
        account_id: &str,
        today: NaiveDate,
    ) -> Result<Vec<Invoice>, CoreError> {
        let today = today.to_string();
        read_where(
            &mut *self.pool().acquire().await?,
            account_id,
            ATTENTION,
            "dunning_level DESC, due_date, issue_date DESC, number DESC",
            &[&today],
        )
        .await
    }

    /// Per account: its unpaid invoices that are overdue or carry a reminder.
    pub async fn attention_counts(
        &self,
        today: NaiveDate,
    ) -> Result<HashMap<String, u32>, CoreError> {
        let sql = format!(
            "SELECT account_id, COUNT(*) FROM invoices
             WHERE {} GROUP BY account_id",
            ATTENTION.replace("?2", "?1")
        );
        let rows: Vec<(String, i64)> = sqlx::query_as(&sql)
            .bind(today.to_string())
            .fetch_all(self.pool())
            .await?;
        Ok(rows.into_iter().map(|(id, n)| (id, count(n))).collect())
    }

    /// Per account: when its data was last fetched.
    pub async fn last_synced_all(&self) -> Result<HashMap<String, DateTime<Utc>>, CoreError> {
        let rows: Vec<(String, String)> =
            sqlx::query_as("SELECT account_id, MAX(synced_at) FROM sync_state GROUP BY account_id")
                .fetch_all(self.pool())
                .await?;
        rows.into_iter()
            .map(|(id, at)| Ok((id, timestamp(&at)?)))
            .collect()
    }

    pub async fn suspended_services(&self, account_id: &str) -> Result<Vec<Service>, CoreError> {
        read_where(
            &mut *self.pool().acquire().await?,
            account_id,
            "status = 'suspended'",
            "id",
            &[],
        )
        .await
    }

    /// Domains expiring within `days` of `today` (or expired as recently), soonest first.
    pub async fn domains_expiring(
        &self,
        account_id: &str,
        today: NaiveDate,
        days: i64,
    ) -> Result<Vec<Domain>, CoreError> {
        let from = (today - Duration::days(days)).to_string();
        let to = (today + Duration::days(days)).to_string();
        read_where(
            &mut *self.pool().acquire().await?,
            account_id,
            "expires_on BETWEEN ?2 AND ?3",
            "expires_on, name",
            &[&from, &to],
        )
        .await
    }

    /// Mailboxes using at least 90 % of a limited quota, fullest first.
    pub async fn mailboxes_nearly_full(&self, account_id: &str) -> Result<Vec<Mailbox>, CoreError> {
        read_where(
            &mut *self.pool().acquire().await?,
            account_id,
            "quota_bytes > 0 AND used_bytes * 100 >= 90 * quota_bytes",
            "CAST(used_bytes AS REAL) * 100.0 / quota_bytes DESC, address",
            &[],
        )
        .await
    }
}
