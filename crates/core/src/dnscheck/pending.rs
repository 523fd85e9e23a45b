//! "Fix it" in two steps: the plan shown to the user is kept here per domain, and only
//! that plan is applied when the user confirms the domain, so the window cannot send DNS
//! changes of its own. Also the bounds of what the DNS settings and the fix take.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use cowdesk_model::DnsFixPlan;

use crate::error::CoreError;

const MAX_RESOLVER: usize = 64;
const MAX_CREDENTIAL: usize = 500;
/// A DKIM record of a 4096-bit key is about 800 characters.
const MAX_DKIM: usize = 4096;

/// The plan last shown per domain, waiting for the user's confirmation.
#[derive(Default)]
pub struct PendingPlans(Mutex<HashMap<String, DnsFixPlan>>);

impl PendingPlans {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, DnsFixPlan>> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Keeps the plan shown for `domain`, replacing an earlier one.
    pub fn keep(&self, domain: String, plan: DnsFixPlan) {
        self.lock().insert(domain, plan);
    }

    /// Takes the plan shown for `domain`, once.
    pub fn take(&self, domain: &str) -> Result<DnsFixPlan, CoreError> {
        self.lock().remove(domain).ok_or_else(|| {
            CoreError::field(
                "domain",
                "There is no planned change for this domain. Open “Fix it” again.",
                "Für diese Domain ist keine Änderung geplant. Bitte „Beheben“ erneut öffnen.",
            )
        })
    }
}

pub fn resolver(value: Option<&str>) -> Result<Option<&str>, CoreError> {
    if value.is_some_and(|r| r.len() > MAX_RESOLVER) {
        return Err(CoreError::field(
            "resolver",
            "This resolver address is too long.",
            "Diese Resolver-Adresse ist zu lang.",
        ));
    }
    Ok(value)
}

pub fn api_credentials(username: &str, password: &str) -> Result<(), CoreError> {
    if username.len() > MAX_CREDENTIAL || password.len() > MAX_CREDENTIAL {
        return Err(CoreError::field(
            "password",
            "This is too long for DNS API credentials.",
            "Das ist zu lang für DNS-API-Zugangsdaten.",
        ));
    }
    Ok(())
}

/// A DKIM record pasted from mailcow, if any.
pub fn dkim(value: Option<&str>) -> Result<Option<&str>, CoreError> {
    if value.is_some_and(|d| d.len() > MAX_DKIM) {
        return Err(CoreError::field(
            "dkim",
            "This DKIM record is too long.",
            "Dieser DKIM-Eintrag ist zu lang.",
        ));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dnscheck_settings_and_dkim_are_bounded() {
        assert!(resolver(Some("127.0.0.1:53")).is_ok());
        assert!(resolver(Some(&"1".repeat(65))).is_err());
        assert!(api_credentials("user", "pass").is_ok());
        assert!(api_credentials("user", &"p".repeat(501)).is_err());
        assert!(dkim(None).is_ok());
        let err = dkim(Some(&"k".repeat(4097))).unwrap_err().info();
        assert!(err.fields.contains_key("dkim"));
    }

    #[test]
    fn dnscheck_fix_without_a_shown_plan_is_refused() {
        let pending = PendingPlans::default();
        let err = pending.take("example.de").unwrap_err().info();
        assert!(err.fields.contains_key("domain"));
    }
}
