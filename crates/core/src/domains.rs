//! The domain transfer flow of the FAQ ("How do I get the Auth Code / EPP Code for a
//! domain?"), done safely: the transfer lock, the authcode (never stored, never logged),
//! the checklist before a transfer, and the re-lock reminder.

use chrono::{DateTime, Duration, Utc};
use cowdesk_model::{
    ActivityAction, Authcode, AuthcodeAnswer, Domain, Invoice, InvoiceStatus, Resource,
    TransferChecklist, TransferLockRequest,
};

use crate::error::CoreError;
use crate::portal::{account_path, idempotency_key, segment, Method, Sensitive};
use crate::session::Core;
use crate::store::{ResourceData, ResourceUpdate};

/// A domain unlocked for longer than this without a transfer should be locked again.
pub const RELOCK_AFTER_DAYS: i64 = 7;
/// Expiring within this many days: start a transfer earlier (FAQ "Before the transfer").
pub const EXPIRY_WARNING_DAYS: i64 = 30;
const MAX_DOMAIN: usize = 253;

/// How long an authcode is typically valid, by TLD, in days; `None`: ask support.
pub fn authcode_valid_days(domain: &str) -> Option<u16> {
    match domain.rsplit('.').next()?.to_ascii_lowercase().as_str() {
        "de" => Some(30),
        "eu" => Some(40),
        _ => None,
    }
}

/// Unlocked for more than `RELOCK_AFTER_DAYS` at `now`, and no transfer under way. A
/// domain whose lock time is unknown is not flagged: there is nothing to measure.
pub fn needs_relock(domain: &Domain, now: DateTime<Utc>) -> bool {
    !domain.transfer_lock
        && domain.status != "transfer_pending"
        && domain
            .lock_changed_at
            .is_some_and(|changed| now - changed > Duration::days(RELOCK_AFTER_DAYS))
}

/// The domains of `domains` to flag at `now`, the longest unlocked first.
pub fn unlocked_too_long(domains: Vec<Domain>, now: DateTime<Utc>) -> Vec<Domain> {
    let mut flagged: Vec<Domain> = domains
        .into_iter()
        .filter(|d| needs_relock(d, now))
        .collect();
    flagged.sort_by_key(|d| d.lock_changed_at);
    flagged
}

/// A domain name as typed or sent by the window: letters, digits, hyphens and dots
/// (IDNs in their xn-- form), at least one dot, no empty label.
pub fn domain_name(value: &str) -> Result<String, CoreError> {
    let name = value.trim().trim_end_matches('.').to_ascii_lowercase();
    let labels_ok = name.split('.').all(|label| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    });
    if name.len() <= MAX_DOMAIN && name.contains('.') && labels_ok {
        Ok(name)
    } else {
        Err(CoreError::field(
            "domain",
            "This is not a valid domain name.",
            "Das ist kein gültiger Domainname.",
        ))
    }
}

impl Core {
    /// Domains unlocked for more than 7 days without a transfer, from the cache: for the
    /// dashboard and the alerts.
    pub async fn domains_needing_relock(&self, account_id: &str) -> Result<Vec<Domain>, CoreError> {
        let account = self.store().account(account_id).await?;
        let domains: Vec<Domain> = self.readable(&account).await?;
        Ok(unlocked_too_long(domains, Utc::now()))
    }

    /// Turns the transfer lock on or off on the server, then caches the server's answer
    /// and records it in the activity log.
    pub async fn set_transfer_lock(
        &self,
        account_id: &str,
        domain: &str,
        locked: bool,
    ) -> Result<Domain, CoreError> {
        let name = domain_name(domain)?;
        self.cached_domain(account_id, &name).await?;
        let portal = self.portal()?;
        let path = account_path(
            account_id,
            &format!("domains/{}/transfer-lock", segment(&name)),
        );
        let (_, updated): (_, Domain) = portal
            .call(
                Method::PUT,
                &path,
                Some(&TransferLockRequest { locked }),
                None,
            )
            .await
            .map_err(|e| explain(e, &name))?;
        let update = ResourceUpdate::Patched {
            data: ResourceData::Domains(vec![updated.clone()]),
            existing_only: true,
        };
        let acknowledged = [(Resource::Domains, name.clone())];
        let written = self
            .write_cache(account_id, &[update], &acknowledged)
            .await?;
        if !written.missing.is_empty() {
            return Err(CoreError::NotFound);
        }
        let action = if locked {
            ActivityAction::TransferLockEnabled
        } else {
            ActivityAction::TransferLockDisabled
        };
        self.record_activity(account_id, action, &name).await;
        Ok(updated)
    }

    /// Asks the server for a new authcode. The code goes to the caller only: it is not
    /// cached, not logged and not written anywhere. Only possible while the lock is off
    /// (the server answers 409 otherwise, explained here).
    pub async fn generate_authcode(
        &self,
        account_id: &str,
        domain: &str,
    ) -> Result<Authcode, CoreError> {
        let name = domain_name(domain)?;
        let cached = self.cached_domain(account_id, &name).await?;
        if cached.transfer_lock {
            return Err(still_locked(&name));
        }
        let portal = self.portal()?;
        let path = account_path(account_id, &format!("domains/{}/authcode", segment(&name)));
        // One key for every attempt: a retry after a lost answer gets the same code, never
        // a second one (which would make the first, perhaps already shown, invalid).
        let key = idempotency_key();
        let (_, answer): (_, AuthcodeAnswer) = portal
            .call::<(), _>(Method::POST, &path, None, Some(&key))
            .await
            .map_err(|e| explain(e, &name))?;
        let code = Sensitive::new(answer.authcode);
        if answer.domain != name || code.expose().trim().is_empty() {
            return Err(CoreError::Server(
                "authcode answer for another domain".into(),
            ));
        }
        self.record_activity(account_id, ActivityAction::AuthcodeGenerated, &name)
            .await;
        Ok(Authcode {
            valid_days: authcode_valid_days(&name),
            domain: name,
            code: code.expose().clone(),
        })
    }

    /// What to know before generating an authcode, from the cache.
    pub async fn transfer_checklist(
        &self,
        account_id: &str,
        domain: &str,
    ) -> Result<TransferChecklist, CoreError> {
        let name = domain_name(domain)?;
        let domain = self.cached_domain(account_id, &name).await?;
        let today = self.today();
        let account = self.store().account(account_id).await?;
        let mut open_invoices: Vec<_> = self
            .readable::<Invoice>(&account)
            .await?
            .into_iter()
            .filter(|i| domain.invoice_numbers.contains(&i.number))
            .filter(|i| matches!(i.status, InvoiceStatus::Open | InvoiceStatus::Overdue))
            .collect();
        open_invoices.sort_by_key(|i| i.due_date);
        let days_to_expiry = (domain.expires_on - today).num_days();
        Ok(TransferChecklist {
            open_invoices,
            days_to_expiry,
            expires_soon: days_to_expiry <= EXPIRY_WARNING_DAYS,
            code_valid_days: authcode_valid_days(&name),
            unlocked: !domain.transfer_lock,
            transfer_pending: domain.status == "transfer_pending",
            domain,
        })
    }

    /// The cached domain, if the account's role may see domains at all.
    async fn cached_domain(&self, account_id: &str, name: &str) -> Result<Domain, CoreError> {
        let account = self.store().account(account_id).await?;
        self.require(&account, Resource::Domains).await?;
        self.readable::<Domain>(&account)
            .await?
            .into_iter()
            .find(|d| d.name == name)
            .ok_or(CoreError::NotFound)
    }
}

fn still_locked(name: &str) -> CoreError {
    CoreError::Refused {
        message: format!(
            "The transfer lock of {name} is on. Disable the transfer lock first, then generate the authcode."
        ),
        message_de: format!(
            "Die Transfersperre von {name} ist aktiv. Deaktivieren Sie zuerst die Transfersperre und erzeugen Sie dann den Authcode."
        ),
    }
}

/// The portal's 409 in words for this flow.
fn explain(err: CoreError, name: &str) -> CoreError {
    match err {
        CoreError::Conflict(_) => still_locked(name),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn domain(locked: bool, changed_days_ago: Option<i64>, status: &str) -> Domain {
        let now: DateTime<Utc> = "2026-11-25T12:00:00Z".parse().unwrap();
        Domain {
            name: "mueller-webdesign.de".into(),
            expires_on: "2027-01-01".parse().unwrap(),
            transfer_lock: locked,
            auto_renew: true,
            status: status.into(),
            lock_changed_at: changed_days_ago.map(|d| now - Duration::days(d)),
            service_ids: Vec::new(),
            invoice_numbers: Vec::new(),
        }
    }

    #[test]
    fn domain_relock_reminder_after_seven_days_unlocked() {
        let now: DateTime<Utc> = "2026-11-25T12:00:00Z".parse().unwrap();
        assert!(needs_relock(&domain(false, Some(8), "active"), now));
        assert!(!needs_relock(&domain(false, Some(7), "active"), now));
        assert!(!needs_relock(&domain(false, Some(3), "active"), now));
        assert!(!needs_relock(&domain(true, Some(30), "active"), now));
        assert!(!needs_relock(
            &domain(false, Some(30), "transfer_pending"),
            now
        ));
        assert!(!needs_relock(&domain(false, None, "active"), now));
        let flagged = unlocked_too_long(
            vec![
                domain(false, Some(9), "active"),
                domain(false, Some(20), "active"),
                domain(true, Some(20), "active"),
            ],
            now,
        );
        assert_eq!(flagged.len(), 2);
        assert!(flagged[0].lock_changed_at < flagged[1].lock_changed_at);
    }

    #[test]
    fn domain_authcode_validity_by_tld() {
        assert_eq!(authcode_valid_days("mueller-webdesign.de"), Some(30));
        assert_eq!(authcode_valid_days("shop.EU"), Some(40));
        assert_eq!(authcode_valid_days("mueller.com"), None);
        assert_eq!(authcode_valid_days("mueller.shop"), None);
    }

    #[test]
    fn domain_names_are_checked() {
        assert_eq!(
            domain_name(" Mueller-Webdesign.DE. ").unwrap(),
            "mueller-webdesign.de"
        );
        assert!(domain_name("xn--mller-kva.de").is_ok());
        for bad in [
            "", "de", "a..de", "-a.de", "a-.de", "a b.de", "a/b.de", "../x.de",
        ] {
            assert!(domain_name(bad).is_err(), "{bad:?} accepted");
        }
        assert!(domain_name(&format!("{}.de", "a".repeat(64))).is_err());
    }
}
