//! Cache rows of billing and contracts: the requests sent as tickets (a local record; the
//! tickets themselves are synced).

use chrono::{DateTime, Utc};
use cowdesk_model::{BillingRequest, TicketStatus};

use super::{date, from_name, name_of, timestamp, Store};
use crate::error::CoreError;

impl Store {
    pub async fn record_billing_request(
        &self,
        account_id: &str,
        request: &BillingRequest,
    ) -> Result<(), CoreError> {
        let category = name_of(&request.category)?;
        let sent_at = request.sent_at.to_rfc3339();
        let day = request.date.map(|d| d.to_string());
        sqlx::query!(
            "INSERT INTO billing_requests (account_id, ticket_id, category, reference, subject, sent_at, date)
             VALUES (?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (account_id, ticket_id) DO NOTHING",
            account_id,
            request.ticket_id,
            category,
            request.reference,
            request.subject,
            sent_at,
            day
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The requests of one account, newest first, with their tickets' cached status (open
    /// while the ticket has not been synced).
    pub async fn billing_requests(
        &self,
        account_id: &str,
    ) -> Result<Vec<BillingRequest>, CoreError> {
        let rows = sqlx::query!(
            r#"SELECT r.ticket_id, r.category, r.reference, r.subject, r.sent_at, r.date,
                      t.status AS "status?: String"
               FROM billing_requests r
               LEFT JOIN tickets t ON t.account_id = r.account_id AND t.id = r.ticket_id
               WHERE r.account_id = ?
               ORDER BY r.sent_at DESC, r.ticket_id DESC"#,
            account_id
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                let sent_at: DateTime<Utc> = timestamp(&r.sent_at)?;
                Ok(BillingRequest {
                    ticket_id: r.ticket_id,
                    category: from_name(&r.category)?,
                    reference: r.reference,
                    subject: r.subject,
                    sent_at,
                    status: match r.status {
                        Some(status) => from_name(&status)?,
                        None => TicketStatus::Open,
                    },
                    date: r.date.as_deref().map(date).transpose()?,
                })
            })
            .collect()
    }
}
