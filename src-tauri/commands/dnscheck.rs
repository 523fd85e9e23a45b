//! The mail DNS doctor: check a domain (progress as `dns-progress` events), the settings
//! (resolver; DNS API credentials into the keyring, never back out), and "Fix it": the
//! plan is made and kept here, the window only confirms it by domain, so it cannot send
//! DNS changes of its own.

use cowdesk_core::dnscheck::pending::{self as rules, PendingPlans};
use cowdesk_core::error::CoreError;
use cowdesk_core::model::{DnsFixOutcome, DnsFixPlan, DnsProgress, DnsReport, DnsSettings};
use cowdesk_core::portal::Sensitive;
use tauri::{AppHandle, Emitter, Runtime};

use super::input::DomainName;

pub const EVENT_PROGRESS: &str = "dns-progress";

fn progress<R: Runtime>(app: &AppHandle<R>) -> impl Fn(DnsProgress) + Send + Sync + 'static {
    let app = app.clone();
    move |p: DnsProgress| {
        let _ = app.emit(EVENT_PROGRESS, &p);
    }
}

core_commands! {
    dns_settings() -> DnsSettings = |core| core.dns_settings();

    set_dns_resolver(resolver: Option<String>) -> DnsSettings
        = |core| core.set_dns_resolver(rules::resolver(resolver.as_deref())?);

    /// The password goes to the keyring; the answer carries the user name only.
    set_dns_api_credentials(username: String, password: String) -> DnsSettings = |core| {
        let password = Sensitive::new(password);
        rules::api_credentials(&username, password.expose())?;
        core.set_dns_api_credentials(&username, password)
    };

    clear_dns_api_credentials() -> DnsSettings = |core| core.clear_dns_api_credentials();

    dns_check(domain_name: DomainName) -> DnsReport
        = |core, app| async move { core.check_dns(&domain_name, None, &progress(&app)).await };

    /// Checks, reads the zone through the DNS API and plans; the plan is kept for
    /// `dns_fix_apply`. `dkim`: a DKIM record pasted from mailcow, if any.
    dns_fix_plan(domain_name: DomainName, dkim: Option<String>) -> DnsFixPlan
        = |core, app| async move {
            let dkim = rules::dkim(dkim.as_deref())?;
            let plan = core.plan_dns_fix(&domain_name, dkim, &progress(&app)).await?;
            app.state::<PendingPlans>().keep(domain_name.to_string(), plan.clone());
            Ok::<_, CoreError>(plan)
        };

    /// Applies the plan last shown for this domain, then checks again.
    dns_fix_apply(domain_name: DomainName) -> DnsFixOutcome = |core, app| async move {
        let plan = app.state::<PendingPlans>().take(&domain_name)?;
        core.apply_dns_fix(&plan, &progress(&app)).await
    };
}
