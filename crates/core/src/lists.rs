//! Long lists a window at a time (the mailboxes, invoices and domains of a large account):
//! the cache filters, searches, sorts and counts; only the rows a virtual list shows are
//! built and sent, in a compact row form.

use cowdesk_model::{
    Account, DomainLine, DomainQuery, InvoiceLine, InvoiceQuery, Mailbox, MailboxQuery, Resource,
    Window, Windowed, MAX_WINDOW_ROWS,
};

use crate::billing::query::is_overdue;
use crate::error::CoreError;
use crate::session::Core;
use crate::store::window::Slice;

fn checked(window: Window) -> Result<Window, CoreError> {
    if window.limit == 0 || window.limit > MAX_WINDOW_ROWS {
        return Err(CoreError::field(
            "limit",
            "Ask for 1 to 1,000 rows at a time.",
            "Bitte 1 bis 1.000 Zeilen auf einmal abfragen.",
        ));
    }
    Ok(window)
}

impl Core {
    /// The account, and whether its role may read `resource`.
    async fn window_access(
        &self,
        account_id: &str,
        resource: Resource,
    ) -> Result<(Account, bool), CoreError> {
        let account = self.store().account(account_id).await?;
        let permitted = self.permitted(&account, resource).await?;
        Ok((account, permitted))
    }

    async fn windowed<T, R>(
        &self,
        account_id: &str,
        window: Window,
        permitted: bool,
        slice: Option<Slice<T>>,
        row: impl Fn(T) -> R,
    ) -> Result<Windowed<R>, CoreError> {
        let slice = slice.unwrap_or(Slice {
            rows: Vec::new(),
            matching: 0,
            total: 0,
        });
        Ok(Windowed {
            rows: slice.rows.into_iter().map(row).collect(),
            offset: window.offset,
            matching: slice.matching,
            total: slice.total,
            permitted,
            last_synced: self.store().last_synced(account_id).await?,
        })
    }

    pub async fn mailbox_window(
        &self,
        account_id: &str,
        query: &MailboxQuery,
        window: Window,
    ) -> Result<Windowed<Mailbox>, CoreError> {
        let window = checked(window)?;
        let (_, permitted) = self.window_access(account_id, Resource::Mailboxes).await?;
        let slice = match permitted {
            true => Some(
                self.store()
                    .mailbox_window(account_id, query, window)
                    .await?,
            ),
            false => None,
        };
        self.windowed(account_id, window, permitted, slice, |m| m)
            .await
    }

    pub async fn domain_window(
        &self,
        account_id: &str,
        query: &DomainQuery,
        window: Window,
    ) -> Result<Windowed<DomainLine>, CoreError> {
        let window = checked(window)?;
        let (_, permitted) = self.window_access(account_id, Resource::Domains).await?;
        let today = self.today();
        let slice = match permitted {
            true => Some(
                self.store()
                    .domain_window(account_id, query, today, window)
                    .await?,
            ),
            false => None,
        };
        self.windowed(account_id, window, permitted, slice, |d| DomainLine {
            name: d.name,
            expires_on: d.expires_on,
            transfer_lock: d.transfer_lock,
            auto_renew: d.auto_renew,
            status: d.status,
        })
        .await
    }

    pub async fn invoice_window(
        &self,
        account_id: &str,
        query: &InvoiceQuery,
        window: Window,
    ) -> Result<Windowed<InvoiceLine>, CoreError> {
        let window = checked(window)?;
        let (_, permitted) = self.window_access(account_id, Resource::Invoices).await?;
        let today = self.today();
        let slice = match permitted {
            true => Some(
                self.store()
                    .invoice_window(account_id, query, today, window)
                    .await?,
            ),
            false => None,
        };
        self.windowed(account_id, window, permitted, slice, |i| InvoiceLine {
            overdue: is_overdue(&i, today),
            pdf_cached: self.pdf_cached(account_id, &i.number),
            number: i.number,
            issue_date: i.issue_date,
            due_date: i.due_date,
            amount_cents: i.amount_cents,
            currency: i.currency,
            status: i.status,
            dunning_level: i.dunning_level,
        })
        .await
    }
}
