//! The doctor on the `Core` facade: settings (resolver, DNS API address), the DNS API
//! credentials in the keyring, check, plan and apply.

use cowdesk_model::{DnsFixOutcome, DnsFixPlan, DnsProgress, DnsReport, DnsSettings};
use serde::{Deserialize, Serialize};

use super::{check_domain, fix, parse_resolver, DnsLookup};
use crate::dnsapi::{DnsApi, SERVERCOW_DNS_API};
use crate::domains::domain_name;
use crate::error::CoreError;
use crate::portal::{check_server, Sensitive};
use crate::session::Core;

/// Settings keys (SQLite; nothing secret).
pub const SETTING_RESOLVER: &str = "dns.resolver";
pub const SETTING_API_BASE: &str = "dns.api_base";
/// The one keyring entry older versions kept the DNS API credentials in, for every
/// profile and login alike. Read once, moved to the profile's own entry, then deleted.
pub const LEGACY_SECRET_DNS_API: &str = "dns-api";

#[derive(Serialize, Deserialize)]
struct StoredCredentials {
    username: String,
    password: String,
}

impl Core {
    pub async fn dns_settings(&self) -> Result<DnsSettings, CoreError> {
        let resolver = self
            .setting(SETTING_RESOLVER)
            .await?
            .filter(|r| !r.is_empty());
        let api_username = self.dns_api_credentials().await?.map(|(user, _)| user);
        Ok(DnsSettings {
            resolver,
            api_username,
        })
    }

    /// Sets the resolver (`ip` or `ip:port`); empty or `None` goes back to the system's.
    pub async fn set_dns_resolver(&self, value: Option<&str>) -> Result<DnsSettings, CoreError> {
        let value = match value.map(str::trim).filter(|v| !v.is_empty()) {
            Some(v) => parse_resolver(v)?.to_string(),
            None => String::new(),
        };
        self.set_setting(SETTING_RESOLVER, &value).await?;
        self.dns_settings().await
    }

    /// Where the DNS API is (the sandbox's in demo mode); HTTPS except on loopback.
    pub async fn set_dns_api_base(&self, base: &str) -> Result<(), CoreError> {
        let url = check_server(base)?;
        self.set_setting(SETTING_API_BASE, url.as_str().trim_end_matches('/'))
            .await
    }

    /// Keeps the DNS API user and password in the keyring, never anywhere else.
    pub async fn set_dns_api_credentials(
        &self,
        username: &str,
        password: Sensitive<String>,
    ) -> Result<DnsSettings, CoreError> {
        let username = username.trim();
        if username.is_empty() || username.len() > 200 || username.chars().any(char::is_control) {
            return Err(CoreError::field(
                "username",
                "Enter the user name of the DNS API access from the customer portal.",
                "Bitte den Benutzernamen des DNS-API-Zugangs aus dem Kundenportal eingeben.",
            ));
        }
        let password = password.expose();
        if password.is_empty() || password.len() > 500 || password.chars().any(char::is_control) {
            return Err(CoreError::field(
                "password",
                "Enter the password of the DNS API access (it was shown once when the access was created).",
                "Bitte das Passwort des DNS-API-Zugangs eingeben (es wurde beim Anlegen einmal angezeigt).",
            ));
        }
        let stored = serde_json::to_string(&StoredCredentials {
            username: username.to_owned(),
            password: password.clone(),
        })
        .map_err(|e| CoreError::Internal(e.to_string()))?;
        self.secret_set(self.dns_api_secret_key(), stored).await?;
        self.dns_settings().await
    }

    pub async fn clear_dns_api_credentials(&self) -> Result<DnsSettings, CoreError> {
        self.secret_delete(self.dns_api_secret_key()).await?;
        self.secret_delete(LEGACY_SECRET_DNS_API.to_owned()).await?;
        self.dns_settings().await
    }

    /// The keyring entry of this profile's DNS API credentials: one per profile (cache
    /// file), removed with the login at sign-out.
    pub(crate) fn dns_api_secret_key(&self) -> String {
        format!("dns-api:{}", self.store().path().display())
    }

    pub(crate) async fn dns_api_credentials(
        &self,
    ) -> Result<Option<(String, Sensitive<String>)>, CoreError> {
        let own = self.dns_api_secret_key();
        let stored = match self.secret_get(own.clone()).await? {
            Some(stored) => stored,
            None => {
                // Credentials of an older version: move them to this profile's entry.
                let Some(legacy) = self.secret_get(LEGACY_SECRET_DNS_API.to_owned()).await? else {
                    return Ok(None);
                };
                self.secret_set(own, legacy.clone()).await?;
                self.secret_delete(LEGACY_SECRET_DNS_API.to_owned()).await?;
                legacy
            }
        };
        // An unreadable entry is as good as none; it is replaced when stored again.
        Ok(serde_json::from_str::<StoredCredentials>(&stored)
            .ok()
            .map(|c| (c.username, Sensitive::new(c.password))))
    }

    async fn dns_api(&self) -> Result<DnsApi, CoreError> {
        let Some((username, password)) = self.dns_api_credentials().await? else {
            return Err(CoreError::Refused {
                message: "Store the DNS API credentials first (DNS API access in the customer portal).".into(),
                message_de: "Bitte zuerst die Zugangsdaten der DNS-API speichern (DNS-API-Zugang im Kundenportal).".into(),
            });
        };
        let base = self
            .setting(SETTING_API_BASE)
            .await?
            .filter(|b| !b.is_empty())
            .unwrap_or_else(|| SERVERCOW_DNS_API.to_owned());
        DnsApi::new(&base, &username, password.expose())
    }

    /// The resolver to ask: `resolver` when given (validated), else the setting, else the
    /// system's.
    pub async fn dns_lookup(&self, resolver: Option<&str>) -> Result<DnsLookup, CoreError> {
        let configured = match resolver {
            Some(value) => Some(value.to_owned()),
            None => self.setting(SETTING_RESOLVER).await?,
        };
        let server = match configured
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
        {
            Some(value) => Some(parse_resolver(value)?),
            None => None,
        };
        DnsLookup::new(server)
    }

    pub async fn check_dns(
        &self,
        domain: &str,
        resolver: Option<&str>,
        progress: &(dyn Fn(DnsProgress) + Send + Sync),
    ) -> Result<DnsReport, CoreError> {
        let domain = domain_name(domain)?;
        let dns = self.dns_lookup(resolver).await?;
        Ok(check_domain(&dns, &domain, progress).await)
    }

    /// Whether the resolver answers at all, asked about `domain` once: a check against a
    /// resolver that cannot be reached would report every record as failed, so the command
    /// line says "could not check" instead.
    pub async fn probe_dns(&self, domain: &str, resolver: Option<&str>) -> Result<(), CoreError> {
        let domain = domain_name(domain)?;
        let dns = self.dns_lookup(resolver).await?;
        dns.reachable(&domain)
            .await
            .map_err(|failure| CoreError::ResolverUnreachable {
                resolver: dns.server().map(|s| s.to_string()),
                reason: failure.reason,
            })
    }

    /// Checks the domain, reads its zone through the DNS API and plans the changes.
    pub async fn plan_dns_fix(
        &self,
        domain: &str,
        dkim_value: Option<&str>,
        progress: &(dyn Fn(DnsProgress) + Send + Sync),
    ) -> Result<DnsFixPlan, CoreError> {
        let domain = domain_name(domain)?;
        let dkim_value = match dkim_value.map(str::trim).filter(|v| !v.is_empty()) {
            Some(value) => Some(fix::check_dkim_value(value)?),
            None => None,
        };
        let api = self.dns_api().await?;
        let report = self.check_dns(&domain, None, progress).await?;
        let zone = api.records(&domain).await?;
        Ok(fix::plan(&domain, &report, &zone, dkim_value.as_deref()))
    }

    /// Applies a plan (as shown to the user), then checks the domain again. A stop
    /// half-way is not an `Err`: the outcome names the sets changed and not changed, with
    /// the error, and the new report.
    pub async fn apply_dns_fix(
        &self,
        plan: &DnsFixPlan,
        progress: &(dyn Fn(DnsProgress) + Send + Sync),
    ) -> Result<DnsFixOutcome, CoreError> {
        let domain = domain_name(&plan.domain)?;
        if domain != plan.domain {
            return Err(CoreError::Internal(
                "plan for a non-canonical domain".into(),
            ));
        }
        let api = self.dns_api().await?;
        let done = fix::apply(&api, plan, progress).await?;
        tracing::info!(
            "DNS fix of {domain}: {} change(s) made, {} not",
            done.applied.len(),
            done.not_applied.len()
        );
        // Checked again in any case: after a stop half-way too, the report shows the
        // zone as it is now.
        let report = self.check_dns(&domain, None, progress).await?;
        Ok(DnsFixOutcome {
            applied: done.applied,
            not_applied: done.not_applied,
            error: done.error.map(|e| e.info()),
            report,
        })
    }
}
