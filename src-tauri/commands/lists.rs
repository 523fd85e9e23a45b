//! Long lists a window at a time: the virtual lists of the views ask for the rows in view
//! (plus a margin); the cache filters, searches, sorts and counts (`cowdesk_core::lists`),
//! so a 10,000-row list never crosses IPC whole.

use cowdesk_core::model::{
    DomainLine, DomainQuery, InvoiceLine, InvoiceQuery, Mailbox, MailboxEntry, MailboxEntryQuery,
    MailboxQuery, MailboxTotals, MailcowSummary, Window, Windowed, YearTotal,
};

use super::input::AccountId;

core_commands! {
    mailbox_window(account_id: AccountId, query: MailboxQuery, window: Window)
        -> Windowed<Mailbox> = |core| core.mailbox_window(&account_id, &query, window);

    /// Where a mailbox stands in the list `query` selects (to bring an alert's into view).
    mailbox_position(account_id: AccountId, query: MailboxQuery, address: String)
        -> Option<u32> = |core| core.mailbox_position(&account_id, &query, &address);

    mailbox_totals(account_id: AccountId) -> MailboxTotals
        = |core| core.mailbox_totals(&account_id);

    invoice_window(account_id: AccountId, query: InvoiceQuery, window: Window)
        -> Windowed<InvoiceLine> = |core| core.invoice_window(&account_id, &query, window);

    /// Where an invoice stands in the list `query` selects (to bring an alert's into view).
    invoice_position(account_id: AccountId, query: InvoiceQuery, number: String)
        -> Option<u32> = |core| core.invoice_position(&account_id, &query, &number);

    /// The account's invoice totals per year of issue (the year filter and the totals table).
    invoice_years(account_id: AccountId) -> Vec<YearTotal>
        = |core| core.invoice_years(&account_id);

    domain_window(account_id: AccountId, query: DomainQuery, window: Window)
        -> Windowed<DomainLine> = |core| core.domain_window(&account_id, &query, window);

    /// Where a domain stands in the list `query` selects (to bring an alert's into view).
    domain_position(account_id: AccountId, query: DomainQuery, name: String)
        -> Option<u32> = |core| core.domain_position(&account_id, &query, &name);

    /// A window of the profile's merged mailbox list (portal preview and every mailcow).
    mailbox_entry_window(query: MailboxEntryQuery, window: Window) -> Windowed<MailboxEntry>
        = |core| core.mailbox_entry_window(&query, window);

    /// The mailcow figures of a dashboard, counted in SQL.
    mailcow_summary() -> MailcowSummary = |core| core.mailcow_summary();
}
