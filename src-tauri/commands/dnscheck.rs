//! The mail DNS doctor: check a domain (progress as `dns-progress` events), the settings
//! (resolver; DNS API credentials into the keyring, never back out), and "Fix it": the
//! plan is made and kept here, the window only confirms it by domain, so it cannot send
//! DNS changes of its own.

use cowdesk_core::dnscheck::pending::{self as rules, PendingPlans};
use cowdesk_core::domains;
use cowdesk_core::model::{DnsFixOutcome, DnsFixPlan, DnsProgress, DnsReport, DnsSettings};
use cowdesk_core::portal::Sensitive;
use tauri::{AppHandle, Emitter, Manager, Runtime, State};

use super::CmdResult;
use crate::AppState;

pub const EVENT_PROGRESS: &str = "dns-progress";

fn progress<R: Runtime>(app: &AppHandle<R>) -> impl Fn(DnsProgress) + Send + Sync + 'static {
    let app = app.clone();
    move |p: DnsProgress| {
        let _ = app.emit(EVENT_PROGRESS, &p);
    }
}

#[tauri::command]
pub async fn dns_settings(state: State<'_, AppState>) -> CmdResult<DnsSettings> {
    let core = state.core().await;
    Ok(core.dns_settings().await?)
}

#[tauri::command]
pub async fn set_dns_resolver(
    state: State<'_, AppState>,
    resolver: Option<String>,
) -> CmdResult<DnsSettings> {
    let resolver = rules::resolver(resolver.as_deref())?;
    let core = state.core().await;
    Ok(core.set_dns_resolver(resolver).await?)
}

/// The password goes to the keyring; the answer carries the user name only.
#[tauri::command]
pub async fn set_dns_api_credentials(
    state: State<'_, AppState>,
    username: String,
    password: String,
) -> CmdResult<DnsSettings> {
    let password = Sensitive::new(password);
    rules::api_credentials(&username, password.expose())?;
    let core = state.core().await;
    Ok(core.set_dns_api_credentials(&username, password).await?)
}

#[tauri::command]
pub async fn clear_dns_api_credentials(state: State<'_, AppState>) -> CmdResult<DnsSettings> {
    let core = state.core().await;
    Ok(core.clear_dns_api_credentials().await?)
}

#[tauri::command]
pub async fn dns_check<R: Runtime>(app: AppHandle<R>, domain_name: String) -> CmdResult<DnsReport> {
    let name = domains::domain_name(&domain_name)?;
    let core = app.state::<AppState>().core().await;
    Ok(core.check_dns(&name, None, &progress(&app)).await?)
}

/// Checks, reads the zone through the DNS API and plans; the plan is kept for
/// `dns_fix_apply`. `dkim`: a DKIM record pasted from mailcow, if any.
#[tauri::command]
pub async fn dns_fix_plan<R: Runtime>(
    app: AppHandle<R>,
    domain_name: String,
    dkim: Option<String>,
) -> CmdResult<DnsFixPlan> {
    let name = domains::domain_name(&domain_name)?;
    let dkim = rules::dkim(dkim.as_deref())?;
    let core = app.state::<AppState>().core().await;
    let plan = core.plan_dns_fix(&name, dkim, &progress(&app)).await?;
    app.state::<PendingPlans>().keep(name, plan.clone());
    Ok(plan)
}

/// Applies the plan last shown for this domain, then checks again.
#[tauri::command]
pub async fn dns_fix_apply<R: Runtime>(
    app: AppHandle<R>,
    domain_name: String,
) -> CmdResult<DnsFixOutcome> {
    let name = domains::domain_name(&domain_name)?;
    let plan = app.state::<PendingPlans>().take(&name)?;
    let core = app.state::<AppState>().core().await;
    Ok(core.apply_dns_fix(&plan, &progress(&app)).await?)
}
