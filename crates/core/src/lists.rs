//! Long lists a window at a time (the mailboxes, invoices and domains of a large account):
//! the cache filters, searches, sorts and counts; only the rows a virtual list shows are
//! built and sent, in a compact row form.

use cowdesk_model::{
    Account, DomainLine, DomainQuery, InvoiceLine, InvoiceQuery, Mailbox, MailboxEntry,
    MailboxEntryQuery, MailboxFilter, MailboxQuery, MailboxSort, MailboxTotals, MailcowSummary,
    Resource, Window, Windowed, YearTotal, MAX_WINDOW_ROWS,
};

use crate::billing::query::is_overdue;
use crate::error::CoreError;
use crate::session::Core;
use crate::store::entries::Sources;
use crate::store::window::Slice;
use crate::validate;

/// A window's size and its search text, as the views send them.
fn checked(window: Window, search: &str) -> Result<Window, CoreError> {
    validate::search(search)?;
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
        let window = checked(window, &query.search)?;
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
        let window = checked(window, &query.search)?;
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
            service_ids: d.service_ids,
        })
        .await
    }

    pub async fn invoice_window(
        &self,
        account_id: &str,
        query: &InvoiceQuery,
        window: Window,
    ) -> Result<Windowed<InvoiceLine>, CoreError> {
        let window = checked(window, &query.search)?;
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

    /// Where `address` stands in the account's mailboxes that `query` selects (to bring
    /// an alert's mailbox into view); `None` when the query leaves it out or the role may
    /// not read mailboxes.
    pub async fn mailbox_position(
        &self,
        account_id: &str,
        query: &MailboxQuery,
        address: &str,
    ) -> Result<Option<u32>, CoreError> {
        validate::search(&query.search)?;
        validate::row_key(address, "address")?;
        let (_, permitted) = self.window_access(account_id, Resource::Mailboxes).await?;
        if !permitted {
            return Ok(None);
        }
        self.store()
            .mailbox_position(account_id, query, address)
            .await
    }

    /// Where invoice `number` stands in the account's invoices that `query` selects (to
    /// bring an alert's invoice into view); `None` when the query leaves it out or the role
    /// may not read invoices.
    pub async fn invoice_position(
        &self,
        account_id: &str,
        query: &InvoiceQuery,
        number: &str,
    ) -> Result<Option<u32>, CoreError> {
        validate::search(&query.search)?;
        validate::reference(number, "number")?;
        let (_, permitted) = self.window_access(account_id, Resource::Invoices).await?;
        if !permitted {
            return Ok(None);
        }
        let today = self.today();
        self.store()
            .invoice_position(account_id, query, today, number)
            .await
    }

    /// The account's invoice totals per year of issue, newest first, summed in SQL; none
    /// when the role may not read invoices.
    pub async fn invoice_years(&self, account_id: &str) -> Result<Vec<YearTotal>, CoreError> {
        let (_, permitted) = self.window_access(account_id, Resource::Invoices).await?;
        if !permitted {
            return Ok(Vec::new());
        }
        self.store().invoice_years(account_id).await
    }

    /// Where domain `name` stands in the account's domains that `query` selects.
    pub async fn domain_position(
        &self,
        account_id: &str,
        query: &DomainQuery,
        name: &str,
    ) -> Result<Option<u32>, CoreError> {
        validate::search(&query.search)?;
        validate::row_key(name, "name")?;
        let (_, permitted) = self.window_access(account_id, Resource::Domains).await?;
        if !permitted {
            return Ok(None);
        }
        let today = self.today();
        self.store()
            .domain_position(account_id, query, today, name)
            .await
    }

    /// The account's mailboxes as a whole (count, usage, domains), counted in SQL.
    pub async fn mailbox_totals(&self, account_id: &str) -> Result<MailboxTotals, CoreError> {
        let (_, permitted) = self.window_access(account_id, Resource::Mailboxes).await?;
        if !permitted {
            return Ok(MailboxTotals {
                count: 0,
                used_bytes: 0,
                assigned_bytes: 0,
                nearly_full: 0,
                domains: Vec::new(),
                permitted,
            });
        }
        let (count, used_bytes, assigned_bytes, nearly_full, domains) =
            self.store().mailbox_totals(account_id).await?;
        Ok(MailboxTotals {
            count,
            used_bytes,
            assigned_bytes,
            nearly_full,
            domains,
            permitted,
        })
    }

    /// The ids the merged list reads: the mailcow connections (read-write first, as a
    /// change prefers them) and the portal accounts whose role may read mailboxes.
    async fn entry_sources(&self) -> Result<(Vec<String>, Vec<String>), CoreError> {
        let connections = self
            .writable_first()
            .await?
            .into_iter()
            .map(|r| r.id)
            .collect();
        let mut accounts = Vec::new();
        for account in self.store().accounts().await? {
            if self.permitted(&account, Resource::Mailboxes).await? {
                accounts.push(account.id);
            }
        }
        Ok((connections, accounts))
    }

    /// A window of the profile's merged mailbox list: the rows of
    /// [`Core::mailbox_entries`] that `query` selects, filtered, sorted and counted in
    /// SQL.
    pub async fn mailbox_entry_window(
        &self,
        query: &MailboxEntryQuery,
        window: Window,
    ) -> Result<Windowed<MailboxEntry>, CoreError> {
        let window = checked(window, &query.search)?;
        let (connections, accounts) = self.entry_sources().await?;
        let sources = Sources {
            connections: &connections,
            accounts: &accounts,
        };
        let slice = self
            .store()
            .mailbox_entry_window(&sources, query, window)
            .await?;
        Ok(Windowed {
            rows: slice.rows,
            offset: window.offset,
            matching: slice.matching,
            total: slice.total,
            permitted: true,
            last_synced: None,
        })
    }

    /// Where `address` stands in the merged list that `query` selects.
    pub async fn mailbox_entry_position(
        &self,
        query: &MailboxEntryQuery,
        address: &str,
    ) -> Result<Option<u32>, CoreError> {
        let (connections, accounts) = self.entry_sources().await?;
        let sources = Sources {
            connections: &connections,
            accounts: &accounts,
        };
        self.store()
            .mailbox_entry_position(&sources, query, address)
            .await
    }

    /// What the profile's mailcows hold, for a dashboard: counted in SQL over the rows a
    /// mailcow reports (not the portal-only ones), with the three fullest mailboxes.
    pub async fn mailcow_summary(&self) -> Result<MailcowSummary, CoreError> {
        let (connections, accounts) = self.entry_sources().await?;
        let sources = Sources {
            connections: &connections,
            accounts: &accounts,
        };
        let figures = self.store().mailcow_figures(&sources).await?;
        let fullest = self
            .store()
            .mailbox_entry_window(
                &sources,
                &MailboxEntryQuery {
                    search: String::new(),
                    domain: None,
                    filter: MailboxFilter::NearlyFull,
                    sort: MailboxSort::Usage,
                    descending: true,
                    mailcow_only: true,
                },
                Window {
                    offset: 0,
                    limit: 3,
                },
            )
            .await?
            .rows;
        Ok(MailcowSummary {
            connections: u32::try_from(connections.len()).unwrap_or(u32::MAX),
            domains: figures.domains,
            mailboxes: figures.mailboxes,
            used_bytes: figures.used_bytes,
            allowed_bytes: figures.allowed_bytes,
            nearly_full: figures.nearly_full,
            fullest,
        })
    }
}
