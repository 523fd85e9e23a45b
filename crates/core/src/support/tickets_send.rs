//! Hands a finished support ticket off: sent through the portal preview connection's
//! ticket creation (with an Idempotency-Key, as the billing tickets are) when there is
//! one, else the text and the portal's ticket page for the user to paste it into.

use cowdesk_model::{
    NewTicket, Permission, Service, SupportCategory, SupportDraft, SupportHandOff,
};

use super::guard::{blocked, KnownSecret};
use super::session::{guard_hits, SupportSession};
use super::tickets::{finish_ticket, prefill, Prefill, PORTAL_STEPS, PORTAL_TICKET_URL};
use crate::billing::notice::contract_dates;
use crate::error::CoreError;
use crate::session::Core;
use crate::store::{ResourceData, ResourceUpdate};

/// How the window hands a ticket off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HandOffVia {
    /// With the portal connection (today's signed-in portal login).
    Send,
    /// The text on the clipboard, the portal's ticket page in the browser.
    Portal,
}

impl Core {
    /// The window's hand-off: checks and guards the draft with what `session` knows, then
    /// sends it (`Send`, when signed in to the portal) or answers the finished text and
    /// the portal's ticket page (`Portal`, and `Send` without a portal connection). A
    /// guard finding stops it before anything leaves.
    pub async fn hand_off_guarded(
        &self,
        session: &SupportSession,
        account_id: Option<&str>,
        draft: SupportDraft,
        via: HandOffVia,
    ) -> Result<SupportHandOff, CoreError> {
        let (draft, known) = session.checked_draft(self, account_id, draft).await?;
        // `hand_off_support_ticket` guards too; stopping here first names the findings the
        // way the guard shows them.
        let found = guard_hits(&draft, &known);
        if !found.is_empty() {
            let findings: Vec<_> = found.into_iter().map(|h| h.finding).collect();
            return Err(blocked(&findings));
        }
        let send_with = match via {
            HandOffVia::Send => account_id,
            HandOffVia::Portal => None,
        };
        self.hand_off_support_ticket(send_with, &draft, &known)
            .await
    }

    /// A draft of `category`, prefilled from the cache of `account_id` (customer number,
    /// the login's e-mail address) and with today's date where the form asks for one.
    pub async fn support_draft(
        &self,
        account_id: Option<&str>,
        category: SupportCategory,
        mut known: Prefill,
    ) -> Result<SupportDraft, CoreError> {
        let today = self.today();
        if let Some(account_id) = account_id {
            let account = self.store().account(account_id).await?;
            // Only what the role may read fills the form.
            let customer = match self.readable_profile(&account).await? {
                Some(profile) => profile.customer_number,
                None => account.customer_number.clone(),
            };
            known.customer_number.get_or_insert(customer);
            // A service named by its id: its product, and (for a cancellation) the notice
            // deadline cowdesk computes for it.
            let services: Vec<Service> = self.readable(&account).await?;
            if let Some(service) = known
                .service
                .as_deref()
                .and_then(|id| services.iter().find(|s| s.id == id))
            {
                if category == SupportCategory::Cancellation && known.notice_deadline.is_none() {
                    known.notice_deadline =
                        contract_dates(service.period_end, service.term_months, today).deadline;
                }
                known.service = Some(format!("{} ({})", service.product, service.id));
            }
        }
        if let Some(login) = self.login_info() {
            known.login_email.get_or_insert(login.email);
        }
        known.date.get_or_insert(today);
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
                steps_en: PORTAL_STEPS.0.to_owned(),
                steps_de: PORTAL_STEPS.1.to_owned(),
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
        // Kept at once, through the one write path (like the billing tickets).
        let update = ResourceUpdate::Patched {
            data: ResourceData::Tickets(vec![created.clone()]),
            existing_only: false,
        };
        self.write_cache(account_id, &[update], &[]).await?;
        Ok(SupportHandOff::Sent {
            ticket_id: created.id,
            subject: created.subject,
        })
    }
}
