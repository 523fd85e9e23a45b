//! Payment mandates: the SEPA form checked while typing, adding SEPA, PayPal and card
//! (the provider's page opens in the system browser from Rust while cowdesk polls),
//! making one the default and cancelling one.

use std::sync::Mutex;

use cowdesk_core::mandates::{object_id, APPROVAL_TIME_LIMIT};
use cowdesk_core::model::{
    ApprovalProgress, ApprovalStatus, Mandate, MandateImpact, MandateKind, SepaCheck,
};
use cowdesk_core::validate::sepa;
use tauri::{AppHandle, Emitter, Manager, Runtime, State};
use tokio::sync::watch;

use super::error::{from_core, invalid_input};
use super::{input, CmdResult};
use crate::{browser, AppState};

pub const EVENT_APPROVAL: &str = "mandate-approval";
const MAX_FIELD: usize = 200;

/// The approval cowdesk is waiting for, if any: one at a time.
#[derive(Default)]
pub struct ApprovalWait {
    current: Mutex<Option<Waiting>>,
}

struct Waiting {
    url: String,
    stop: watch::Sender<bool>,
}

impl ApprovalWait {
    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Waiting>> {
        self.current.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn field<'a>(name: &str, value: &'a str) -> CmdResult<&'a str> {
    if value.chars().count() > MAX_FIELD {
        return Err(invalid_input(
            name,
            "This is far too long.",
            "Das ist viel zu lang.",
        ));
    }
    Ok(value)
}

fn mandate_id(value: &str) -> CmdResult<&str> {
    object_id(value).map_err(|e| from_core(&e))
}

/// The SEPA form's rules, for feedback while typing (core applies them again on add).
#[tauri::command]
pub fn check_sepa(holder: String, iban: String, bic: String) -> CmdResult<SepaCheck> {
    Ok(sepa::check(
        field("holder", &holder)?,
        field("iban", &iban)?,
        field("bic", &bic)?,
    ))
}

#[tauri::command]
pub async fn add_sepa_mandate(
    state: State<'_, AppState>,
    account_id: String,
    holder: String,
    iban: String,
    bic: String,
) -> CmdResult<Mandate> {
    let account_id = input::account_id(&account_id)?;
    let core = state.core().await;
    core.add_sepa_mandate(
        account_id,
        field("holder", &holder)?,
        field("iban", &iban)?,
        field("bic", &bic)?,
    )
    .await
    .map_err(|e| from_core(&e))
}

/// Starts a PayPal or card mandate, opens the provider's page in the system browser and
/// waits (polling, with a time limit, cancellable) until it is decided. Progress reaches
/// the window as `mandate-approval` events.
#[tauri::command]
pub async fn add_provider_mandate<R: Runtime>(
    app: AppHandle<R>,
    account_id: String,
    kind: String,
) -> CmdResult<Mandate> {
    let account_id = input::account_id(&account_id)?.to_owned();
    let kind = match kind.as_str() {
        "paypal" => MandateKind::Paypal,
        "card" => MandateKind::Card,
        _ => {
            return Err(invalid_input(
                "kind",
                "Choose PayPal or credit card.",
                "Wählen Sie PayPal oder Kreditkarte.",
            ))
        }
    };
    let waits = app.state::<ApprovalWait>();
    if waits.lock().is_some() {
        return Err(invalid_input(
            "kind",
            "cowdesk is already waiting for an approval. Finish or cancel it first.",
            "cowdesk wartet bereits auf eine Freigabe. Schließen Sie diese zuerst ab oder brechen Sie sie ab.",
        ));
    }
    let core = app.state::<AppState>().core().await;
    let approval = core
        .start_provider_mandate(&account_id, kind)
        .await
        .map_err(|e| from_core(&e))?;
    let (stop, cancel) = watch::channel(false);
    *waits.lock() = Some(Waiting {
        url: approval.approval_url.clone(),
        stop,
    });
    let browser_opened = match browser::open(&approval.approval_url) {
        Ok(()) => true,
        Err(reason) => {
            tracing::warn!("approval page not opened: {reason}");
            false
        }
    };
    let emitter = app.clone();
    let report_account = account_id.clone();
    let report = move |status: ApprovalStatus, seconds_left: u32| {
        let _ = emitter.emit(
            EVENT_APPROVAL,
            ApprovalProgress {
                account_id: report_account.clone(),
                kind,
                status,
                seconds_left,
                browser_opened,
            },
        );
    };
    report(
        ApprovalStatus::Pending,
        APPROVAL_TIME_LIMIT.as_secs() as u32,
    );
    let result = core
        .wait_for_approval(&account_id, &approval, APPROVAL_TIME_LIMIT, cancel, &report)
        .await;
    *waits.lock() = None;
    result.map_err(|e| from_core(&e))
}

/// Stops waiting; the approval is withdrawn and nothing is added.
#[tauri::command]
pub fn cancel_mandate_approval(waits: State<'_, ApprovalWait>) {
    if let Some(waiting) = waits.lock().as_ref() {
        let _ = waiting.stop.send(true);
    }
}

/// Opens the provider's page again (the browser was closed, or did not open).
#[tauri::command]
pub fn reopen_mandate_approval(waits: State<'_, ApprovalWait>) -> CmdResult<()> {
    let url = waits.lock().as_ref().map(|w| w.url.clone());
    let Some(url) = url else {
        return Err(invalid_input(
            "kind",
            "There is no approval waiting any more.",
            "Es wartet keine Freigabe mehr.",
        ));
    };
    browser::open(&url).map_err(|reason| {
        tracing::warn!("approval page not opened: {reason}");
        invalid_input(
            "kind",
            "The system browser could not be opened.",
            "Der System-Browser konnte nicht geöffnet werden.",
        )
    })
}

#[tauri::command]
pub async fn mandate_impact(
    state: State<'_, AppState>,
    account_id: String,
    mandate_id: String,
) -> CmdResult<MandateImpact> {
    let account_id = input::account_id(&account_id)?;
    let mandate_id = self::mandate_id(&mandate_id)?;
    let core = state.core().await;
    core.mandate_impact(account_id, mandate_id)
        .await
        .map_err(|e| from_core(&e))
}

/// Makes a mandate the default for new invoices (`action` "default") or cancels it
/// ("cancel").
#[tauri::command]
pub async fn change_mandate(
    state: State<'_, AppState>,
    account_id: String,
    mandate_id: String,
    action: String,
) -> CmdResult<Mandate> {
    let account_id = input::account_id(&account_id)?;
    let mandate_id = self::mandate_id(&mandate_id)?;
    let core = state.core().await;
    let changed = match action.as_str() {
        "default" => core.set_default_mandate(account_id, mandate_id).await,
        "cancel" => core.cancel_mandate(account_id, mandate_id).await,
        _ => {
            return Err(invalid_input(
                "action",
                "Choose to make the mandate the default or to cancel it.",
                "Wählen Sie, ob das Mandat Standard werden oder gekündigt werden soll.",
            ))
        }
    };
    changed.map_err(|e| from_core(&e))
}
