//! Rows of the local activity log (see `crate::activity` for the API).

use chrono::{DateTime, Utc};
use cowdesk_model::{ActivityAction, ActivityEntry};

use super::{from_name, name_of, timestamp, Store};
use crate::error::CoreError;

impl Store {
    pub(crate) async fn insert_activity(
        &self,
        account_id: &str,
        at: DateTime<Utc>,
        actor: &str,
        action: ActivityAction,
        subject: &str,
    ) -> Result<(), CoreError> {
        let (at, action) = (at.to_rfc3339(), name_of(&action)?);
        sqlx::query!(
            "INSERT INTO activity_log (account_id, at, actor, action, subject) VALUES (?, ?, ?, ?, ?)",
            account_id,
            at,
            actor,
            action,
            subject
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The account's log, newest first, at most `limit` entries.
    pub(crate) async fn activity(
        &self,
        account_id: &str,
        limit: u32,
    ) -> Result<Vec<ActivityEntry>, CoreError> {
        let limit = i64::from(limit);
        let rows = sqlx::query!(
            "SELECT at, actor, action, subject FROM activity_log
             WHERE account_id = ? ORDER BY id DESC LIMIT ?",
            account_id,
            limit
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(ActivityEntry {
                    at: timestamp(&r.at)?,
                    actor: r.actor,
                    action: from_name(&r.action)?,
                    subject: r.subject,
                })
            })
            .collect()
    }
}
