//! Reads of one account's cached data. Every command takes the account explicitly, so a
//! view can never be filled with another account's rows.

use cowdesk_core::model::{
    AccountSummary, Dashboard, Listing, Mailbox, Mandate, Service, SignedInStart,
};
use cowdesk_core::session::Core;
use tauri::State;

use super::error::invalid_input;
use super::{input, CmdResult};
use crate::AppState;

const SELECTED_ACCOUNT: &str = "selected_account";

#[tauri::command]
pub async fn list_accounts(state: State<'_, AppState>) -> CmdResult<Vec<AccountSummary>> {
    Ok(state.core().await.accounts().await?)
}

/// After a sign-in: the accounts, the one shown last and its dashboard, in one answer.
#[tauri::command]
pub async fn signed_in_start(state: State<'_, AppState>) -> CmdResult<SignedInStart> {
    let core = state.core().await;
    signed_in(&core).await
}

/// The signed-in login's accounts, the one shown last if it is still among them (else the
/// first) and that one's dashboard.
pub async fn signed_in(core: &Core) -> CmdResult<SignedInStart> {
    let accounts = core.accounts().await?;
    let stored = core.setting(SELECTED_ACCOUNT).await?;
    let still_visible = stored.filter(|id| accounts.iter().any(|a| &a.account.id == id));
    let selected = still_visible.or_else(|| accounts.first().map(|a| a.account.id.clone()));
    let dashboard = match &selected {
        Some(account_id) => core.dashboard(account_id).await.ok(),
        None => None,
    };
    Ok(SignedInStart {
        accounts,
        selected,
        dashboard,
    })
}

#[tauri::command]
pub async fn select_account(state: State<'_, AppState>, account_id: String) -> CmdResult<()> {
    let account_id = input::account_id(&account_id)?;
    let core = state.core().await;
    let accounts = core.accounts().await?;
    if !accounts.iter().any(|a| a.account.id == account_id) {
        return Err(invalid_input(
            "accountId",
            "This account is not available to your login.",
            "Dieses Konto ist für Ihre Anmeldung nicht verfügbar.",
        ));
    }
    Ok(core.set_setting(SELECTED_ACCOUNT, account_id).await?)
}

#[tauri::command]
pub async fn dashboard(state: State<'_, AppState>, account_id: String) -> CmdResult<Dashboard> {
    let account_id = input::account_id(&account_id)?;
    let core = state.core().await;
    Ok(core.dashboard(account_id).await?)
}

#[tauri::command]
pub async fn list_mandates(
    state: State<'_, AppState>,
    account_id: String,
) -> CmdResult<Listing<Mandate>> {
    let account_id = input::account_id(&account_id)?;
    let core = state.core().await;
    Ok(core.mandates(account_id).await?)
}

#[tauri::command]
pub async fn list_services(
    state: State<'_, AppState>,
    account_id: String,
) -> CmdResult<Listing<Service>> {
    let account_id = input::account_id(&account_id)?;
    let core = state.core().await;
    Ok(core.services(account_id).await?)
}

#[tauri::command]
pub async fn list_mailboxes(
    state: State<'_, AppState>,
    account_id: String,
) -> CmdResult<Listing<Mailbox>> {
    let account_id = input::account_id(&account_id)?;
    let core = state.core().await;
    Ok(core.mailboxes(account_id).await?)
}
