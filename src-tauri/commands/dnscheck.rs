//! The mail DNS doctor: check a domain (progress as `dns-progress` events), the settings
//! (resolver; DNS API credentials into the keyring, never back out), and "Fix it": the
//! plan is made and kept here, the window only confirms it by domain, so it cannot send
//! DNS changes of its own.

use std::collections::HashMap;
use std::sync::Mutex;

use cowdesk_core::domains::domain_name;
use cowdesk_core::model::{DnsFixOutcome, DnsFixPlan, DnsProgress, DnsReport, DnsSettings};
use cowdesk_core::portal::Sensitive;
use tauri::{AppHandle, Emitter, Manager, Runtime, State};

use super::error::{from_core, invalid_input};
use super::CmdResult;
use crate::AppState;

pub const EVENT_PROGRESS: &str = "dns-progress";
const MAX_FIELD: usize = 500;
/// A DKIM record of a 4096-bit key is about 800 characters.
const MAX_DKIM: usize = 4096;

/// The plan last shown per domain, waiting for the user's confirmation.
#[derive(Default)]
pub struct PendingPlans(Mutex<HashMap<String, DnsFixPlan>>);

impl PendingPlans {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, DnsFixPlan>> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn domain(value: &str) -> CmdResult<String> {
    domain_name(value).map_err(|e| from_core(&e))
}

fn progress<R: Runtime>(app: &AppHandle<R>) -> impl Fn(DnsProgress) + Send + Sync + 'static {
    let app = app.clone();
    move |p: DnsProgress| {
        let _ = app.emit(EVENT_PROGRESS, &p);
    }
}

#[tauri::command]
pub async fn dns_settings(state: State<'_, AppState>) -> CmdResult<DnsSettings> {
    let core = state.core().await;
    core.dns_settings().await.map_err(|e| from_core(&e))
}

#[tauri::command]
pub async fn set_dns_resolver(
    state: State<'_, AppState>,
    resolver: Option<String>,
) -> CmdResult<DnsSettings> {
    if resolver.as_ref().is_some_and(|r| r.len() > 64) {
        return Err(invalid_input(
            "resolver",
            "This resolver address is too long.",
            "Diese Resolver-Adresse ist zu lang.",
        ));
    }
    let core = state.core().await;
    core.set_dns_resolver(resolver.as_deref())
        .await
        .map_err(|e| from_core(&e))
}

/// The password goes to the keyring; the answer carries the user name only.
#[tauri::command]
pub async fn set_dns_api_credentials(
    state: State<'_, AppState>,
    username: String,
    password: String,
) -> CmdResult<DnsSettings> {
    let password = Sensitive::new(password);
    if username.len() > MAX_FIELD || password.expose().len() > MAX_FIELD {
        return Err(invalid_input(
            "password",
            "This is too long for DNS API credentials.",
            "Das ist zu lang für DNS-API-Zugangsdaten.",
        ));
    }
    let core = state.core().await;
    core.set_dns_api_credentials(&username, password)
        .await
        .map_err(|e| from_core(&e))
}

#[tauri::command]
pub async fn clear_dns_api_credentials(state: State<'_, AppState>) -> CmdResult<DnsSettings> {
    let core = state.core().await;
    core.clear_dns_api_credentials()
        .await
        .map_err(|e| from_core(&e))
}

#[tauri::command]
pub async fn dns_check<R: Runtime>(app: AppHandle<R>, domain_name: String) -> CmdResult<DnsReport> {
    let name = domain(&domain_name)?;
    let core = app.state::<AppState>().core().await;
    core.check_dns(&name, None, &progress(&app))
        .await
        .map_err(|e| from_core(&e))
}

/// Checks, reads the zone through the DNS API and plans; the plan is kept for
/// `dns_fix_apply`. `dkim`: a DKIM record pasted from mailcow, if any.
#[tauri::command]
pub async fn dns_fix_plan<R: Runtime>(
    app: AppHandle<R>,
    domain_name: String,
    dkim: Option<String>,
) -> CmdResult<DnsFixPlan> {
    let name = domain(&domain_name)?;
    if dkim.as_ref().is_some_and(|d| d.len() > MAX_DKIM) {
        return Err(invalid_input(
            "dkim",
            "This DKIM record is too long.",
            "Dieser DKIM-Eintrag ist zu lang.",
        ));
    }
    let core = app.state::<AppState>().core().await;
    let plan = core
        .plan_dns_fix(&name, dkim.as_deref(), &progress(&app))
        .await
        .map_err(|e| from_core(&e))?;
    app.state::<PendingPlans>()
        .lock()
        .insert(name, plan.clone());
    Ok(plan)
}

/// Applies the plan last shown for this domain, then checks again.
#[tauri::command]
pub async fn dns_fix_apply<R: Runtime>(
    app: AppHandle<R>,
    domain_name: String,
) -> CmdResult<DnsFixOutcome> {
    let name = domain(&domain_name)?;
    let Some(plan) = app.state::<PendingPlans>().lock().remove(&name) else {
        return Err(invalid_input(
            "domain",
            "There is no planned change for this domain. Open “Fix it” again.",
            "Für diese Domain ist keine Änderung geplant. Bitte „Beheben“ erneut öffnen.",
        ));
    };
    let core = app.state::<AppState>().core().await;
    core.apply_dns_fix(&plan, &progress(&app))
        .await
        .map_err(|e| from_core(&e))
}
