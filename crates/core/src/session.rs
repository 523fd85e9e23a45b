//! `Core`: the one facade the window and the command line use. It owns the cache, the
//! keyring and the signed-in portal session; every read comes from the cache.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use chrono::{Local, NaiveDate};
use cowdesk_model::{
    AccountSummary, Dashboard, Domain, Invoice, InvoiceStatus, Listing, LoginInfo, Mailbox,
    Mandate, Resource, Service, ServiceStatus, Status, SyncOutcome, SyncProgress, Ticket,
};

use crate::error::CoreError;
use crate::portal::{normalise_server, Fetched, HttpPortal, Portal, TokenSink};
use crate::secrets::{SecretStore, SecretsError};
use crate::store::{Store, StoredLogin};
use crate::{sync, validate};

/// Domains expiring within this many days need attention.
const EXPIRY_WINDOW_DAYS: i64 = 30;
/// Mailboxes at or above this share of their quota need attention.
const QUOTA_WARNING_PERCENT: f64 = 90.0;

pub struct Core {
    pub(crate) store: Store,
    secrets: Arc<dyn SecretStore>,
    session: Mutex<Option<Session>>,
    /// Fixed "today" for tests; the local date otherwise.
    today: Mutex<Option<NaiveDate>>,
    /// Downloaded files of this profile (invoice PDFs), removed with the cached data.
    files_dir: PathBuf,
    /// One sync per account at a time, whoever starts it.
    sync_locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

#[derive(Clone)]
struct Session {
    info: LoginInfo,
    portal: Arc<HttpPortal>,
}

impl Core {
    /// Opens (creating, migrating) `<data_dir>/<profile>.sqlite`.
    pub async fn open(
        data_dir: &Path,
        profile: &str,
        secrets: Arc<dyn SecretStore>,
    ) -> Result<Core, CoreError> {
        let store = Store::open(&data_dir.join(format!("{profile}.sqlite"))).await?;
        Ok(Core {
            store,
            secrets,
            session: Mutex::new(None),
            today: Mutex::new(None),
            files_dir: data_dir.join(format!("{profile}-files")),
            sync_locks: Mutex::new(HashMap::new()),
        })
    }

    /// Pins "today" (tests).
    pub fn set_today(&self, day: NaiveDate) {
        *lock(&self.today) = Some(day);
    }

    pub(crate) fn today(&self) -> NaiveDate {
        lock(&self.today).unwrap_or_else(|| Local::now().date_naive())
    }

    pub(crate) fn store(&self) -> &Store {
        &self.store
    }

    pub fn login_info(&self) -> Option<LoginInfo> {
        lock(&self.session).as_ref().map(|s| s.info.clone())
    }

    pub(crate) fn portal(&self) -> Result<Arc<HttpPortal>, CoreError> {
        lock(&self.session)
            .as_ref()
            .map(|s| s.portal.clone())
            .ok_or(CoreError::NotSignedIn)
    }

    /// Restores the stored login and its refresh token, without network. `None` when
    /// nobody is signed in, or the keyring does not hold the sign-in (then the stale login
    /// is forgotten; the cached rows stay, so signing in again shows them at once). A
    /// locked or missing keyring also gives `None`, but keeps the login for the next start.
    pub async fn resume(&self) -> Result<Option<LoginInfo>, CoreError> {
        if let Some(info) = self.login_info() {
            return Ok(Some(info));
        }
        let Some(stored) = self.store.login().await? else {
            return Ok(None);
        };
        let token = match self
            .secret_get(secret_key(&stored.server, &stored.email))
            .await
        {
            Ok(Some(token)) => token,
            Ok(None) => {
                // Without its token the login cannot be resumed: it is stale.
                self.store.clear_login().await?;
                return Ok(None);
            }
            Err(SecretsError::Unavailable(reason)) => {
                tracing::warn!("keyring unavailable, cannot resume the sign-in: {reason}");
                return Ok(None);
            }
            Err(err) => return Err(err.into()),
        };
        let portal = HttpPortal::new(&stored.server)?
            .with_refresh_token(token)
            .with_token_sink(self.token_sink(&stored.server, &stored.email));
        let info = LoginInfo {
            server: stored.server,
            email: stored.email,
            demo: stored.demo,
            remembered: true,
        };
        *lock(&self.session) = Some(Session {
            info: info.clone(),
            portal: Arc::new(portal),
        });
        Ok(Some(info))
    }

    /// Signs in, keeps the refresh token in the keyring (when there is one) and caches
    /// the accounts the login can see.
    pub async fn login(
        &self,
        server: &str,
        email: &str,
        password: &str,
        demo: bool,
    ) -> Result<LoginInfo, CoreError> {
        let server = normalise_server(server)?;
        let email = validate::email(email)?.to_owned();
        let password = validate::password(password)?;
        let portal = HttpPortal::new(&server)?;
        portal.login(&email, password).await?;
        let (accounts, accounts_etag) = match portal.accounts(None).await? {
            Fetched::Fresh { value, etag } => (value, etag),
            // No ETag was sent, so a 304 is a broken server.
            Fetched::Unchanged => {
                return Err(CoreError::Server(
                    "304 without a conditional request".into(),
                ))
            }
        };

        // Another login's cache must not survive into this one.
        if let Some(previous) = self.store.login().await? {
            if previous.server != server || previous.email != email {
                self.forget(&previous).await;
            }
        }
        let remembered = match portal.refresh_token() {
            Some(token) => match self.secret_set(secret_key(&server, &email), token).await {
                Ok(()) => true,
                Err(err) => {
                    tracing::warn!("sign-in not remembered: {err}");
                    false
                }
            },
            None => false,
        };
        self.store
            .save_login(&StoredLogin {
                server: server.clone(),
                email: email.clone(),
                demo,
                remembered,
            })
            .await?;
        self.store
            .replace_accounts(&accounts, accounts_etag.as_deref())
            .await?;
        let portal = if remembered {
            portal.with_token_sink(self.token_sink(&server, &email))
        } else {
            portal
        };
        let info = LoginInfo {
            server,
            email,
            demo,
            remembered,
        };
        *lock(&self.session) = Some(Session {
            info: info.clone(),
            portal: Arc::new(portal),
        });
        Ok(info)
    }

    pub async fn request_password_reset(&self, server: &str, email: &str) -> Result<(), CoreError> {
        let email = validate::email(email)?;
        HttpPortal::new(server)?.request_password_reset(email).await
    }

    /// Ends the session on the server (best effort: it also works offline), deletes the
    /// keyring entry and every cached row of this login.
    pub async fn logout(&self) -> Result<(), CoreError> {
        if self.login_info().is_none() {
            // A stored login not resumed in this run still gets its token revoked.
            if let Err(err) = self.resume().await {
                tracing::info!("stored sign-in not restored: {}", err.kind_name());
            }
        }
        let session = lock(&self.session).take();
        if let Some(session) = &session {
            if let Err(err) = session.portal.logout().await {
                tracing::info!("server-side sign-out skipped: {}", err.kind_name());
            }
        }
        if let Some(stored) = self.store.login().await? {
            self.forget(&stored).await;
        }
        self.remove_files();
        self.store.clear_login_and_cache().await?;
        // Nothing of the login may stay readable in the profile folder: not in freed
        // pages of the cache, not in its WAL, not in a backup taken before a migration.
        self.store.scrub().await
    }

    /// Stores each rotated refresh token of `server`/`email` in the keyring at once, so
    /// the next start resumes with the token the portal still accepts.
    fn token_sink(&self, server: &str, email: &str) -> TokenSink {
        let secrets = self.secrets.clone();
        let key = secret_key(server, email);
        Arc::new(move |token: String| {
            let secrets = secrets.clone();
            let key = key.clone();
            Box::pin(async move {
                let stored = blocking(move || secrets.set(&key, &token)).await;
                if let Err(err) = stored {
                    tracing::warn!("rotated sign-in not stored: {err}");
                }
            })
        })
    }

    pub(crate) fn files_dir(&self) -> &Path {
        &self.files_dir
    }

    /// Downloaded files go with the cached rows.
    fn remove_files(&self) {
        match std::fs::remove_dir_all(&self.files_dir) {
            Ok(()) => {}
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
            Err(err) => tracing::warn!("downloaded files not removed: {err}"),
        }
    }

    async fn forget(&self, login: &StoredLogin) {
        // Every keyring entry of the login: its refresh token and the DNS API access
        // stored with it (and the entry older versions kept for every profile).
        for key in [
            secret_key(&login.server, &login.email),
            self.dns_api_secret_key(),
            crate::dnscheck::LEGACY_SECRET_DNS_API.to_owned(),
        ] {
            if let Err(err) = self.secret_delete(key).await {
                tracing::warn!("keyring entry not deleted: {err}");
            }
        }
        if let Err(err) = self.store.clear_login_and_cache().await {
            tracing::warn!("cache not cleared: {err}");
        }
        self.remove_files();
    }

    /// Refreshes the account list, then syncs each account in turn.
    pub async fn sync_all(
        &self,
        progress: &(dyn Fn(SyncProgress) + Send + Sync),
    ) -> Result<Vec<SyncOutcome>, CoreError> {
        let portal = self.portal()?;
        let etag = self.store.accounts_etag().await?;
        let accounts = match portal.accounts(etag.as_deref()).await? {
            Fetched::Unchanged => self.store.accounts().await?,
            Fetched::Fresh { value, etag } => {
                self.store.replace_accounts(&value, etag.as_deref()).await?;
                value
            }
        };
        let mut outcomes = Vec::with_capacity(accounts.len());
        for account in &accounts {
            let lock = self.sync_lock(&account.id);
            let _one_at_a_time = lock.lock().await;
            let today = self.today();
            outcomes.push(
                sync::sync_account(portal.as_ref(), &self.store, account, today, progress).await,
            );
        }
        self.keep_refresh_token(&portal).await;
        Ok(outcomes)
    }

    pub async fn sync_account(
        &self,
        account_id: &str,
        progress: &(dyn Fn(SyncProgress) + Send + Sync),
    ) -> Result<SyncOutcome, CoreError> {
        let portal = self.portal()?;
        let account = self.store.account(account_id).await?;
        let lock = self.sync_lock(&account.id);
        let _one_at_a_time = lock.lock().await;
        let today = self.today();
        let outcome =
            sync::sync_account(portal.as_ref(), &self.store, &account, today, progress).await;
        self.keep_refresh_token(&portal).await;
        Ok(outcome)
    }

    fn sync_lock(&self, account_id: &str) -> Arc<tokio::sync::Mutex<()>> {
        lock(&self.sync_locks)
            .entry(account_id.to_owned())
            .or_default()
            .clone()
    }

    /// A server may hand out a new refresh token when refreshing; keep the current one.
    async fn keep_refresh_token(&self, portal: &HttpPortal) {
        let Some(info) = self.login_info() else {
            return;
        };
        if !info.remembered {
            return;
        }
        let Some(current) = portal.refresh_token() else {
            return;
        };
        let key = secret_key(&info.server, &info.email);
        if self.secret_get(key.clone()).await.ok().flatten().as_deref() != Some(current.as_str()) {
            if let Err(err) = self.secret_set(key, current).await {
                tracing::warn!("refreshed sign-in not stored: {err}");
            }
        }
    }

    // ----- reads from the cache ----------------------------------------------------------

    pub async fn accounts(&self) -> Result<Vec<AccountSummary>, CoreError> {
        let today = self.today();
        let mut summaries = Vec::new();
        for account in self.store.accounts().await? {
            let invoices = self.store.invoices(&account.id).await?;
            let overdue_count = invoices
                .iter()
                .filter(|i| needs_attention(i, today))
                .count();
            summaries.push(AccountSummary {
                last_synced: self.store.last_synced(&account.id).await?,
                overdue_count: overdue_count as u32,
                account,
            });
        }
        Ok(summaries)
    }

    pub async fn dashboard(&self, account_id: &str) -> Result<Dashboard, CoreError> {
        let account = self.store.account(account_id).await?;
        let today = self.today();
        let not_permitted = self.not_permitted(&account.id, &account.role).await?;
        let invoices = self.store.invoices(account_id).await?;
        let open: Vec<&Invoice> = invoices
            .iter()
            .filter(|i| matches!(i.status, InvoiceStatus::Open | InvoiceStatus::Overdue))
            .collect();
        let overdue: Vec<&Invoice> = open
            .iter()
            .copied()
            .filter(|i| is_overdue(i, today))
            .collect();
        let mut attention: Vec<Invoice> = invoices
            .iter()
            .filter(|i| needs_attention(i, today))
            .cloned()
            .collect();
        attention.sort_by(|a, b| {
            b.dunning_level
                .cmp(&a.dunning_level)
                .then(a.due_date.cmp(&b.due_date))
        });
        let suspended_services = self
            .store
            .services(account_id)
            .await?
            .into_iter()
            .filter(|s| s.status == ServiceStatus::Suspended)
            .collect();
        let mut expiring_domains: Vec<Domain> = self
            .store
            .domains(account_id)
            .await?
            .into_iter()
            .filter(|d| expires_soon(d, today))
            .collect();
        expiring_domains.sort_by_key(|d| d.expires_on);
        let mut mailboxes_near_quota: Vec<Mailbox> = self
            .store
            .mailboxes(account_id)
            .await?
            .into_iter()
            .filter(|m| m.percent_used().is_some_and(|p| p >= QUOTA_WARNING_PERCENT))
            .collect();
        mailboxes_near_quota.sort_by(|a, b| {
            b.percent_used()
                .partial_cmp(&a.percent_used())
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        Ok(Dashboard {
            last_synced: self.store.last_synced(account_id).await?,
            open_total_cents: open.iter().map(|i| i.amount_cents).sum(),
            open_count: open.len() as u32,
            overdue_total_cents: overdue.iter().map(|i| i.amount_cents).sum(),
            overdue_count: overdue.len() as u32,
            attention_invoices: attention,
            suspended_services,
            expiring_domains,
            mailboxes_near_quota,
            not_permitted,
            account,
        })
    }

    pub async fn invoices(&self, account_id: &str) -> Result<Listing<Invoice>, CoreError> {
        let items = self.store.invoices(account_id).await;
        self.listing(account_id, Resource::Invoices, items).await
    }

    pub async fn mandates(&self, account_id: &str) -> Result<Listing<Mandate>, CoreError> {
        let items = self.store.mandates(account_id).await;
        self.listing(account_id, Resource::Mandates, items).await
    }

    pub async fn services(&self, account_id: &str) -> Result<Listing<Service>, CoreError> {
        let items = self.store.services(account_id).await;
        self.listing(account_id, Resource::Services, items).await
    }

    pub async fn domains(&self, account_id: &str) -> Result<Listing<Domain>, CoreError> {
        let items = self.store.domains(account_id).await;
        self.listing(account_id, Resource::Domains, items).await
    }

    pub async fn mailboxes(&self, account_id: &str) -> Result<Listing<Mailbox>, CoreError> {
        let items = self.store.mailboxes(account_id).await;
        self.listing(account_id, Resource::Mailboxes, items).await
    }

    /// The support tickets of the account, newest first (synced like the other lists).
    pub async fn tickets(&self, account_id: &str) -> Result<Listing<Ticket>, CoreError> {
        let items = self.store.tickets(account_id).await;
        self.listing(account_id, Resource::Tickets, items).await
    }

    async fn listing<T>(
        &self,
        account_id: &str,
        resource: Resource,
        items: Result<Vec<T>, CoreError>,
    ) -> Result<Listing<T>, CoreError> {
        let account = self.store.account(account_id).await?;
        let not_permitted = self.not_permitted(account_id, &account.role).await?;
        Ok(Listing {
            items: items?,
            permitted: !not_permitted.contains(&resource),
            last_synced: self.store.last_synced(account_id).await?,
        })
    }

    /// Resources the role does not allow, by the cached role or by the last sync's 403.
    async fn not_permitted(
        &self,
        account_id: &str,
        role: &cowdesk_model::Role,
    ) -> Result<Vec<Resource>, CoreError> {
        let states = self.store.sync_states(account_id).await?;
        Ok(Resource::ALL
            .into_iter()
            .filter(|r| !role.allows(r.permission()) || states.get(r).is_some_and(|s| !s.permitted))
            .collect())
    }

    pub async fn status(&self) -> Result<Status, CoreError> {
        let login = match self.login_info() {
            Some(info) => Some(info),
            None => self.store.login().await?.map(|s| LoginInfo {
                server: s.server,
                email: s.email,
                demo: s.demo,
                remembered: s.remembered,
            }),
        };
        Ok(Status {
            login,
            accounts: self.accounts().await?,
            database: self.store.path().display().to_string(),
        })
    }

    pub async fn setting(&self, key: &str) -> Result<Option<String>, CoreError> {
        self.store.setting(key).await
    }

    pub async fn set_setting(&self, key: &str, value: &str) -> Result<(), CoreError> {
        self.store.set_setting(key, value).await
    }

    // ----- keyring, off the async threads ------------------------------------------------

    pub(crate) async fn secret_get(&self, key: String) -> Result<Option<String>, SecretsError> {
        let secrets = self.secrets.clone();
        blocking(move || secrets.get(&key)).await
    }

    pub(crate) async fn secret_set(&self, key: String, value: String) -> Result<(), SecretsError> {
        let secrets = self.secrets.clone();
        blocking(move || secrets.set(&key, &value)).await
    }

    pub(crate) async fn secret_delete(&self, key: String) -> Result<(), SecretsError> {
        let secrets = self.secrets.clone();
        blocking(move || secrets.delete(&key)).await
    }
}

/// The keyring entry of one login's refresh token.
pub fn secret_key(server: &str, email: &str) -> String {
    format!("refresh-token:{server}|{email}")
}

/// Past its due date and unpaid.
pub(crate) fn is_overdue(invoice: &Invoice, today: NaiveDate) -> bool {
    invoice.status == InvoiceStatus::Overdue
        || (invoice.status == InvoiceStatus::Open && invoice.due_date < today)
}

/// Expires within the window around today: soon, or lately (still restorable).
fn expires_soon(domain: &Domain, today: NaiveDate) -> bool {
    (domain.expires_on - today).num_days().abs() <= EXPIRY_WINDOW_DAYS
}

/// Overdue, or unpaid with a reminder.
fn needs_attention(invoice: &Invoice, today: NaiveDate) -> bool {
    is_overdue(invoice, today)
        || (matches!(invoice.status, InvoiceStatus::Open | InvoiceStatus::Overdue)
            && invoice.dunning_level > 0)
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, SecretsError> + Send + 'static,
) -> Result<T, SecretsError> {
    tokio::task::spawn_blocking(f)
        .await
        .unwrap_or_else(|e| Err(SecretsError::Failed(e.to_string())))
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invoice(status: InvoiceStatus, due: &str, dunning: u8) -> Invoice {
        Invoice {
            number: "RE-1".into(),
            issue_date: "2026-01-01".parse().unwrap(),
            due_date: due.parse().unwrap(),
            amount_cents: 100,
            currency: "EUR".into(),
            status,
            dunning_level: dunning,
            paid_on: None,
        }
    }

    #[test]
    fn expiring_means_within_thirty_days_of_today() {
        let today: NaiveDate = "2026-11-25".parse().unwrap();
        let domain = |expires: &str| Domain {
            name: "mueller-webdesign.de".into(),
            expires_on: expires.parse().unwrap(),
            transfer_lock: true,
            auto_renew: false,
            status: "active".into(),
            lock_changed_at: None,
            service_ids: Vec::new(),
            invoice_numbers: Vec::new(),
        };
        assert!(expires_soon(&domain("2026-11-25"), today));
        assert!(expires_soon(&domain("2026-12-25"), today));
        assert!(!expires_soon(&domain("2026-12-26"), today));
        assert!(expires_soon(&domain("2026-10-26"), today));
        assert!(!expires_soon(&domain("2025-11-25"), today));
    }

    #[test]
    fn overdue_means_unpaid_after_the_due_date() {
        let today: NaiveDate = "2026-11-25".parse().unwrap();
        assert!(is_overdue(
            &invoice(InvoiceStatus::Open, "2026-11-24", 0),
            today
        ));
        assert!(!is_overdue(
            &invoice(InvoiceStatus::Open, "2026-11-25", 0),
            today
        ));
        assert!(is_overdue(
            &invoice(InvoiceStatus::Overdue, "2026-12-01", 0),
            today
        ));
        assert!(!is_overdue(
            &invoice(InvoiceStatus::Paid, "2026-01-01", 0),
            today
        ));
        assert!(needs_attention(
            &invoice(InvoiceStatus::Open, "2026-12-01", 1),
            today
        ));
        assert!(!needs_attention(
            &invoice(InvoiceStatus::Paid, "2026-01-01", 2),
            today
        ));
        assert!(!needs_attention(
            &invoice(InvoiceStatus::Cancelled, "2026-01-01", 0),
            today
        ));
    }
}
