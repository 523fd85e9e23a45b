//! Portal calls of support tickets beyond the synced list: one ticket's conversation.

use cowdesk_model::TicketThread;
use reqwest::Method;

use super::{account_path, segment, HttpPortal};
use crate::error::CoreError;

impl HttpPortal {
    /// The ticket with its messages, oldest first.
    pub async fn ticket_thread(
        &self,
        account_id: &str,
        ticket_id: &str,
    ) -> Result<TicketThread, CoreError> {
        let path = account_path(account_id, &format!("tickets/{}", segment(ticket_id)));
        let (_, thread) = self
            .call::<(), TicketThread>(Method::GET, &format!("{path}/messages"), None, None)
            .await?;
        Ok(thread)
    }
}
