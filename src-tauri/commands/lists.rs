//! Long lists a window at a time: the virtual lists of the views ask for the rows in view
//! (plus a margin); the cache filters, searches, sorts and counts (`cowdesk_core::lists`),
//! so a 10,000-row list never crosses IPC whole.

use cowdesk_core::model::{
    DomainLine, DomainQuery, InvoiceLine, InvoiceQuery, Mailbox, MailboxEntry, MailboxEntryQuery,
    MailboxQuery, MailboxTotals, MailcowSummary, Window, Windowed, YearTotal,
};
use cowdesk_core::validate;
use tauri::State;

use super::{input, CmdResult};
use crate::AppState;

fn search(text: &str) -> CmdResult<()> {
    Ok(validate::search(text)?)
}

#[tauri::command]
pub async fn mailbox_window(
    state: State<'_, AppState>,
    account_id: String,
    query: MailboxQuery,
    window: Window,
) -> CmdResult<Windowed<Mailbox>> {
    let account_id = input::account_id(&account_id)?;
    search(&query.search)?;
    let core = state.core().await;
    core.mailbox_window(account_id, &query, window)
        .await
        .map_err(Into::into)
}

/// Where a mailbox stands in the list `query` selects (to bring an alert's into view).
#[tauri::command]
pub async fn mailbox_position(
    state: State<'_, AppState>,
    account_id: String,
    query: MailboxQuery,
    address: String,
) -> CmdResult<Option<u32>> {
    let account_id = input::account_id(&account_id)?;
    search(&query.search)?;
    let address = validate::row_key(&address, "address")?;
    let core = state.core().await;
    core.mailbox_position(account_id, &query, address)
        .await
        .map_err(Into::into)
}

#[tauri::command]
pub async fn mailbox_totals(
    state: State<'_, AppState>,
    account_id: String,
) -> CmdResult<MailboxTotals> {
    let account_id = input::account_id(&account_id)?;
    let core = state.core().await;
    core.mailbox_totals(account_id).await.map_err(Into::into)
}

#[tauri::command]
pub async fn invoice_window(
    state: State<'_, AppState>,
    account_id: String,
    query: InvoiceQuery,
    window: Window,
) -> CmdResult<Windowed<InvoiceLine>> {
    let account_id = input::account_id(&account_id)?;
    search(&query.search)?;
    let core = state.core().await;
    core.invoice_window(account_id, &query, window)
        .await
        .map_err(Into::into)
}

/// Where an invoice stands in the list `query` selects (to bring an alert's into view).
#[tauri::command]
pub async fn invoice_position(
    state: State<'_, AppState>,
    account_id: String,
    query: InvoiceQuery,
    number: String,
) -> CmdResult<Option<u32>> {
    let account_id = input::account_id(&account_id)?;
    search(&query.search)?;
    let number = validate::reference(&number, "number")?;
    let core = state.core().await;
    Ok(core.invoice_position(account_id, &query, number).await?)
}

/// The account's invoice totals per year of issue (the year filter and the totals table).
#[tauri::command]
pub async fn invoice_years(
    state: State<'_, AppState>,
    account_id: String,
) -> CmdResult<Vec<YearTotal>> {
    let account_id = input::account_id(&account_id)?;
    let core = state.core().await;
    Ok(core.invoice_years(account_id).await?)
}

#[tauri::command]
pub async fn domain_window(
    state: State<'_, AppState>,
    account_id: String,
    query: DomainQuery,
    window: Window,
) -> CmdResult<Windowed<DomainLine>> {
    let account_id = input::account_id(&account_id)?;
    search(&query.search)?;
    let core = state.core().await;
    core.domain_window(account_id, &query, window)
        .await
        .map_err(Into::into)
}

/// Where a domain stands in the list `query` selects (to bring an alert's into view).
#[tauri::command]
pub async fn domain_position(
    state: State<'_, AppState>,
    account_id: String,
    query: DomainQuery,
    name: String,
) -> CmdResult<Option<u32>> {
    let account_id = input::account_id(&account_id)?;
    search(&query.search)?;
    let name = validate::row_key(&name, "name")?;
    let core = state.core().await;
    core.domain_position(account_id, &query, name)
        .await
        .map_err(Into::into)
}

/// A window of the profile's merged mailbox list (portal preview and every mailcow).
#[tauri::command]
pub async fn mailbox_entry_window(
    state: State<'_, AppState>,
    query: MailboxEntryQuery,
    window: Window,
) -> CmdResult<Windowed<MailboxEntry>> {
    search(&query.search)?;
    let core = state.core().await;
    core.mailbox_entry_window(&query, window)
        .await
        .map_err(Into::into)
}

/// The mailcow figures of a dashboard, counted in SQL.
#[tauri::command]
pub async fn mailcow_summary(state: State<'_, AppState>) -> CmdResult<MailcowSummary> {
    let core = state.core().await;
    core.mailcow_summary().await.map_err(Into::into)
}
