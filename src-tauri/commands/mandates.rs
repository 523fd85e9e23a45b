//! Payment mandates: the SEPA form checked while typing, adding SEPA, PayPal and card
//! (the provider's page opens in the system browser from Rust while cowdesk polls),
//! making one the default and cancelling one.

use cowdesk_core::mandates::ApprovalDesk;
use cowdesk_core::model::{ApprovalProgress, Mandate, MandateImpact, SepaCheck};
use cowdesk_core::validate::mandate::{self as rules, MandateChange};
use cowdesk_core::validate::{self, sepa};
use tauri::{Emitter, State};

use super::input::AccountId;
use super::CmdResult;

pub const EVENT_APPROVAL: &str = "mandate-approval";

/// The SEPA form's rules, for feedback while typing (core applies them again on add).
#[tauri::command]
pub fn check_sepa(holder: String, iban: String, bic: String) -> CmdResult<SepaCheck> {
    Ok(sepa::check(
        rules::sepa_field("holder", &holder)?,
        rules::sepa_field("iban", &iban)?,
        rules::sepa_field("bic", &bic)?,
    ))
}

/// Stops waiting; the approval is withdrawn and nothing is added.
#[tauri::command]
pub fn cancel_mandate_approval(desk: State<'_, ApprovalDesk>) {
    desk.cancel();
}

/// Opens the provider's page again (the browser was closed, or did not open).
#[tauri::command]
pub fn reopen_mandate_approval(desk: State<'_, ApprovalDesk>) -> CmdResult<()> {
    Ok(desk.reopen()?)
}

core_commands! {
    add_sepa_mandate(account_id: AccountId, holder: String, iban: String, bic: String)
        -> Mandate = |core| core.add_sepa_mandate(
            &account_id,
            rules::sepa_field("holder", &holder)?,
            rules::sepa_field("iban", &iban)?,
            rules::sepa_field("bic", &bic)?,
        );

    mandate_impact(account_id: AccountId, mandate_id: String) -> MandateImpact
        = |core| core.mandate_impact(&account_id, validate::mandate_id(&mandate_id)?);

    /// Makes a mandate the default for new invoices (`action` "default") or cancels it
    /// ("cancel").
    change_mandate(account_id: AccountId, mandate_id: String, action: String) -> Mandate
        = |core| async {
            let (account, mandate) = (&account_id, validate::mandate_id(&mandate_id)?);
            match rules::change(&action)? {
                MandateChange::MakeDefault => core.set_default_mandate(account, mandate).await,
                MandateChange::Cancel => core.cancel_mandate(account, mandate).await,
            }
        };

    /// Starts a PayPal or card mandate, opens the provider's page in the system browser
    /// and waits (polling, with a time limit, cancellable) until it is decided. Progress
    /// reaches the window as `mandate-approval` events.
    add_provider_mandate(account_id: AccountId, kind: String) -> Mandate
        = |core, app| async move {
            let kind = rules::provider_kind(&kind)?;
            let progress = |p: ApprovalProgress| {
                let _ = app.emit(EVENT_APPROVAL, p);
            };
            let desk = app.state::<ApprovalDesk>();
            core.add_provider_mandate(&desk, &account_id, kind, &progress).await
        };
}
