//! Hands a finished support ticket off: sent through the portal preview connection's
//! ticket creation (with an Idempotency-Key, as the billing tickets are) when there is
//! one, else the text and the portal's ticket page for the user to paste it into.

use cowdesk_model::{NewTicket, Permission, SupportCategory, SupportDraft, SupportHandOff};

use super::guard::KnownSecret;
use super::tickets::{finish_ticket, prefill, Prefill, PORTAL_TICKET_URL};
use crate::error::CoreError;
use crate::session::Core;

impl Core {
    /// A draft of `category`, prefilled from the cache of `account_id` (customer number,
    /// the login's e-mail address) and with today's date where the form asks for one.
    pub async fn support_draft(
        &self,
        account_id: Option<&str>,
        category: SupportCategory,
        mut known: Prefill,
    ) -> Result<SupportDraft, CoreError> {
        if let Some(account_id) = account_id {
            let account = self.store().account(account_id).await?;
            let customer = match self.store().profile(account_id).await? {
                Some(profile) => profile.customer_number,
                None => account.customer_number,
            };
            known.customer_number.get_or_insert(customer);
        }
        if let Some(login) = self.login_info() {
            known.login_email.get_or_insert(login.email);
        }
        known.date.get_or_insert(self.today());
        Ok(prefill(category, &known))
    }

    /// Checks and guards the draft, then sends it with the preview connection (when signed
    /// in and `account_id` is given) or hands it off to the customer portal.
    pub async fn hand_off_support_ticket(
        &self,
        account_id: Option<&str>,
        draft: &SupportDraft,
        known_secrets: &[KnownSecret],
    ) -> Result<SupportHandOff, CoreError> {
        let ticket = finish_ticket(draft, known_secrets, self.today())?;
        let (Some(account_id), Ok(portal)) = (account_id, self.portal()) else {
            return Ok(SupportHandOff::Portal {
                url: PORTAL_TICKET_URL.to_owned(),
                subject: ticket.subject,
                body: ticket.body,
            });
        };
        let account = self.store().account(account_id).await?;
        if !account.role.allows(Permission::Tickets) {
            return Err(CoreError::Forbidden {
                permission: Some(Permission::Tickets),
            });
        }
        let created = portal
            .create_ticket(account_id, &NewTicket::plain(ticket.subject, ticket.body))
            .await?;
        self.store().insert_ticket(account_id, &created).await?;
        Ok(SupportHandOff::Sent {
            ticket_id: created.id,
            subject: created.subject,
        })
    }
}
