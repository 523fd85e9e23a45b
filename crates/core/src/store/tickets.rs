//! Cache rows of support tickets: the list the sync keeps, and each ticket's
//! conversation as the portal last answered it.

use chrono::{DateTime, Utc};
use cowdesk_model::{Ticket, TicketMessage};
use sqlx::Row;

use super::{from_name, name_of, timestamp, Store};
use crate::error::CoreError;

impl Store {
    /// The account's tickets, newest first.
    pub async fn tickets(&self, account_id: &str) -> Result<Vec<Ticket>, CoreError> {
        let rows = sqlx::query(
            "SELECT id, subject, status, created_at FROM tickets WHERE account_id = ?
             ORDER BY created_at DESC, id DESC",
        )
        .bind(account_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Ticket {
                    id: r.try_get("id")?,
                    subject: r.try_get("subject")?,
                    status: from_name(&r.try_get::<String, _>("status")?)?,
                    created_at: timestamp(&r.try_get::<String, _>("created_at")?)?,
                })
            })
            .collect()
    }

    pub async fn ticket(&self, account_id: &str, id: &str) -> Result<Option<Ticket>, CoreError> {
        Ok(self
            .tickets(account_id)
            .await?
            .into_iter()
            .find(|t| t.id == id))
    }

    /// Replaces the cached conversation of one ticket.
    pub async fn replace_ticket_messages(
        &self,
        account_id: &str,
        ticket_id: &str,
        messages: &[TicketMessage],
        fetched_at: DateTime<Utc>,
    ) -> Result<(), CoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM ticket_messages WHERE account_id = ? AND ticket_id = ?")
            .bind(account_id)
            .bind(ticket_id)
            .execute(&mut *tx)
            .await?;
        for (position, message) in messages.iter().enumerate() {
            sqlx::query(
                "INSERT INTO ticket_messages (account_id, ticket_id, position, author, body, sent_at)
                 VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(account_id)
            .bind(ticket_id)
            .bind(position as i64)
            .bind(name_of(&message.author)?)
            .bind(&message.body)
            .bind(message.sent_at.to_rfc3339())
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query(
            "INSERT INTO ticket_threads (account_id, ticket_id, fetched_at) VALUES (?, ?, ?)
             ON CONFLICT (account_id, ticket_id) DO UPDATE SET fetched_at = excluded.fetched_at",
        )
        .bind(account_id)
        .bind(ticket_id)
        .bind(fetched_at.to_rfc3339())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The cached conversation of one ticket, oldest first, and when it was read.
    pub async fn ticket_messages(
        &self,
        account_id: &str,
        ticket_id: &str,
    ) -> Result<(Vec<TicketMessage>, Option<DateTime<Utc>>), CoreError> {
        let rows = sqlx::query(
            "SELECT author, body, sent_at FROM ticket_messages
             WHERE account_id = ? AND ticket_id = ? ORDER BY position",
        )
        .bind(account_id)
        .bind(ticket_id)
        .fetch_all(&self.pool)
        .await?;
        let messages = rows
            .iter()
            .map(|r| {
                Ok(TicketMessage {
                    author: from_name(&r.try_get::<String, _>("author")?)?,
                    body: r.try_get("body")?,
                    sent_at: timestamp(&r.try_get::<String, _>("sent_at")?)?,
                })
            })
            .collect::<Result<Vec<_>, CoreError>>()?;
        let fetched: Option<String> = sqlx::query_scalar(
            "SELECT fetched_at FROM ticket_threads WHERE account_id = ? AND ticket_id = ?",
        )
        .bind(account_id)
        .bind(ticket_id)
        .fetch_optional(&self.pool)
        .await?;
        let fetched_at = fetched.as_deref().map(timestamp).transpose()?;
        Ok((messages, fetched_at))
    }
}
