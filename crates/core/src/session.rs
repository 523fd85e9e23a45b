//! `Core`: the one facade the window and the command line use. It owns the cache, the
//! keyring and the signed-in portal session; every read comes from the cache.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use chrono::{Local, NaiveDate};
use cowdesk_model::{
    AccountSummary, ConnectionSyncOutcome, Dashboard, Domain, Invoice, Listing, LoginInfo, Mailbox,
    Mandate, Resource, Service, Status, SyncOutcome, SyncProgress, Ticket,
};

use crate::error::CoreError;
use crate::portal::{preview_server, Fetched, HttpPortal, Portal, TokenSink};
use crate::secrets::{SecretStore, SecretsError};
use crate::store::rows::Synced;
use crate::store::{Store, StoredLogin};
use crate::{sync, validate};

/// Domains expiring within this many days need attention.
const EXPIRY_WINDOW_DAYS: i64 = 30;

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
    /// The profile's name (its cache is `<profile>.sqlite`).
    pub(crate) profile: String,
    /// The mailcow clients of this process, by connection id: a session's cookie lives
    /// here, in memory only.
    pub(crate) mailcow_clients: crate::connections::Clients,
}

/// What a sync of the whole profile did ([`Core::sync_profile`]).
pub struct ProfileSync {
    pub connections: Vec<ConnectionSyncOutcome>,
    pub accounts: Vec<SyncOutcome>,
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
        let core = Core {
            store,
            secrets,
            session: Mutex::new(None),
            today: Mutex::new(None),
            files_dir: data_dir.join(format!("{profile}-files")),
            sync_locks: Mutex::new(HashMap::new()),
            profile: profile.to_owned(),
            mailcow_clients: Default::default(),
        };
        if let Some(kept) = core.damaged_cache().map(Path::to_owned) {
            core.forget_secrets_of_damaged(&kept).await;
        }
        Ok(core)
    }

    /// A cache kept aside as damaged belongs to no profile any more: the keyring entries
    /// it refers to (its login's sign-in, its mailcow connections' secrets, the profile's
    /// DNS API access, which the new cache would otherwise inherit) would stay with
    /// nothing to use or remove them. Best effort: what its pages still tell, what the
    /// keyring lets go without unlocking, within a few seconds, so that a keyring that
    /// does not answer cannot hold up the start.
    async fn forget_secrets_of_damaged(&self, kept: &Path) {
        let references = crate::store::damage::references(kept).await;
        let mut keys = vec![self.dns_api_secret_key()];
        keys.extend(
            references
                .login
                .map(|(server, email)| secret_key(&server, &email)),
        );
        keys.extend(
            references
                .connections
                .iter()
                .map(|id| crate::connections::secret_key(id)),
        );
        let forget = async {
            let mut forgotten = 0;
            for key in keys {
                match self.secret_delete(key).await {
                    Ok(()) => forgotten += 1,
                    Err(err) => tracing::info!("a keyring entry of the damaged cache stays: {err}"),
                }
            }
            forgotten
        };
        match tokio::time::timeout(KEYRING_PATIENCE_AFTER_DAMAGE, forget).await {
            Ok(forgotten) => {
                tracing::info!("{forgotten} keyring entries of the damaged cache forgotten")
            }
            Err(_) => {
                tracing::warn!("the keyring did not answer: entries of the damaged cache stay")
            }
        }
    }

    /// Closes the cache once its connections are done, before another program or a
    /// test reads the file.
    pub async fn close(&self) {
        self.store.close().await;
    }

    /// Where a damaged cache was kept when opening this profile replaced it with a new
    /// one (`Store::open`).
    pub fn damaged_cache(&self) -> Option<&Path> {
        self.store.set_aside()
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
        let stored = self.store.login().await?;
        if let Some(info) = self.login_info() {
            // Another process may have signed someone else in on this profile since: the
            // profile's sign-in wins over the one this process remembers.
            if stored
                .as_ref()
                .is_some_and(|s| s.server == info.server && s.email == info.email)
            {
                return Ok(Some(info));
            }
            *lock(&self.session) = None;
        }
        let Some(stored) = stored else {
            return Ok(None);
        };
        // Rows another login cached are never shown to this one, not even before a sync.
        match self.store.cache_owner().await? {
            Some(owner) if owner != (stored.server.clone(), stored.email.clone()) => {
                self.clear_cache().await?;
                self.store
                    .set_cache_owner(&stored.server, &stored.email)
                    .await?;
            }
            Some(_) => {}
            // A cache from before owners were kept: the stored sign-in wrote it.
            None => {
                self.store
                    .set_cache_owner(&stored.server, &stored.email)
                    .await?
            }
        }
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
        let server = preview_server(server)?;
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

        // Another login's cache must not survive into this one. The cache's owner decides:
        // the stored sign-in is forgotten when its token is lost, its rows are not.
        let previous = self.store.login().await?;
        if let Some(previous) = &previous {
            if previous.server != server || previous.email != email {
                self.forget(previous).await;
            }
        }
        let owner = match self.store.cache_owner().await? {
            Some(owner) => Some(owner),
            None => previous.map(|p| (p.server, p.email)),
        };
        let foreign = match owner {
            Some((s, e)) => s != server || e != email,
            // Rows of nobody known: not this login's either.
            None => !self.store.accounts().await?.is_empty(),
        };
        if foreign {
            self.clear_cache().await?;
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
        self.store.set_cache_owner(&server, &email).await?;
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
        let server = preview_server(server)?;
        let email = validate::email(email)?;
        HttpPortal::new(&server)?
            .request_password_reset(email)
            .await
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
        // Nothing of the login may stay readable in the profile folder: not in freed
        // pages of the cache, not in its WAL, not in a backup taken before a migration.
        let cleared = async {
            self.store.clear_login_and_cache().await?;
            self.store.scrub().await
        };
        match cleared.await {
            // Rows SQLite cannot read cannot be cleared one by one: the files go instead.
            Err(CoreError::CacheDamaged(why)) => {
                tracing::warn!("the cache is damaged ({why}); its files are removed");
                self.store.discard().await
            }
            other => other,
        }
    }

    /// Whether this profile's cache was closed for good (a damaged cache's sign-out
    /// removed it): a program that goes on opens the profile again.
    pub fn cache_closed(&self) -> bool {
        self.store.is_closed()
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

    /// Every cached row and downloaded file; the stored sign-in stays.
    async fn clear_cache(&self) -> Result<(), CoreError> {
        self.store.clear_cache().await?;
        self.remove_files();
        Ok(())
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

    /// Syncs the whole profile: every mailcow connection first (each reports its own
    /// failure, and a portal preview that cannot be reached must not keep the real
    /// mailboxes from being read), then, signed in, every portal account. `started` is
    /// called once it is clear there is something to sync.
    pub async fn sync_profile(
        &self,
        started: &(dyn Fn() + Send + Sync),
        progress: &(dyn Fn(SyncProgress) + Send + Sync),
    ) -> Result<ProfileSync, CoreError> {
        // Syncs for the profile's sign-in, which another process may have changed.
        let signed_in = self.resume().await?.is_some();
        if !signed_in && self.connections().await?.is_empty() {
            return Err(CoreError::NotSignedIn);
        }
        started();
        let connections = self.sync_connections().await?;
        let accounts = match signed_in {
            true => self.sync_accounts(progress).await?,
            false => Vec::new(),
        };
        Ok(ProfileSync {
            connections,
            accounts,
        })
    }

    /// Refreshes the account list, then syncs each account in turn.
    pub async fn sync_all(
        &self,
        progress: &(dyn Fn(SyncProgress) + Send + Sync),
    ) -> Result<Vec<SyncOutcome>, CoreError> {
        // Syncs for the profile's sign-in, which another process may have changed.
        self.resume().await?;
        self.sync_accounts(progress).await
    }

    /// `sync_all` for a core that has just read the stored sign-in.
    async fn sync_accounts(
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
        // Every account's lock for the whole run (the next account is read while one is
        // written), taken in the order of the ids, so that two runs over lists in
        // different orders cannot each wait for a lock the other holds.
        let mut ids: Vec<&str> = accounts.iter().map(|a| a.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        let mut held = Vec::with_capacity(ids.len());
        for id in ids {
            held.push(self.sync_lock(id).lock_owned().await);
        }
        let today = self.today();
        let outcomes =
            sync::sync_accounts(portal.as_ref(), &self.store, &accounts, today, progress).await;
        self.keep_refresh_token(&portal).await;
        Ok(outcomes)
    }

    pub async fn sync_account(
        &self,
        account_id: &str,
        progress: &(dyn Fn(SyncProgress) + Send + Sync),
    ) -> Result<SyncOutcome, CoreError> {
        self.resume().await?;
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

    pub(crate) fn sync_lock(&self, account_id: &str) -> Arc<tokio::sync::Mutex<()>> {
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
        let accounts = self.store.accounts().await?;
        if accounts.is_empty() {
            return Ok(Vec::new());
        }
        let attention = self.store.attention_counts(today).await?;
        let synced = self.store.last_synced_all().await?;
        let refused = self.store.refused_resources().await?;
        Ok(accounts
            .into_iter()
            .map(|account| {
                // A badge only from invoices the role may see.
                let invoices = account.role.allows(Resource::Invoices.permission())
                    && !refused.contains(&(account.id.clone(), Resource::Invoices));
                AccountSummary {
                    last_synced: synced.get(&account.id).copied(),
                    overdue_count: match invoices {
                        true => attention.get(&account.id).copied().unwrap_or(0),
                        false => 0,
                    },
                    account,
                }
            })
            .collect())
    }

    /// The account at a glance, from what its role may see.
    pub async fn dashboard(&self, account_id: &str) -> Result<Dashboard, CoreError> {
        let account = self.store.account(account_id).await?;
        let today = self.today();
        let not_permitted = self.not_permitted(&account.id, &account.role).await?;
        let allowed = |r: Resource| !not_permitted.contains(&r);
        let store = &self.store;
        let (figures, attention_invoices) = if allowed(Resource::Invoices) {
            (
                store.invoice_figures(account_id, today).await?,
                store.attention_invoices(account_id, today).await?,
            )
        } else {
            Default::default()
        };
        let suspended_services = match allowed(Resource::Services) {
            true => store.suspended_services(account_id).await?,
            false => Vec::new(),
        };
        let expiring_domains = match allowed(Resource::Domains) {
            true => {
                store
                    .domains_expiring(account_id, today, EXPIRY_WINDOW_DAYS)
                    .await?
            }
            false => Vec::new(),
        };
        let mailboxes_near_quota = match allowed(Resource::Mailboxes) {
            true => store.mailboxes_nearly_full(account_id).await?,
            false => Vec::new(),
        };
        Ok(Dashboard {
            last_synced: store.last_synced(account_id).await?,
            open_total_cents: figures.open_total_cents,
            open_count: figures.open_count,
            overdue_total_cents: figures.overdue_total_cents,
            overdue_count: figures.overdue_count,
            attention_invoices,
            suspended_services,
            expiring_domains,
            mailboxes_near_quota,
            not_permitted,
            account,
        })
    }

    pub async fn invoices(&self, account_id: &str) -> Result<Listing<Invoice>, CoreError> {
        self.listing(account_id, Resource::Invoices).await
    }

    pub async fn mandates(&self, account_id: &str) -> Result<Listing<Mandate>, CoreError> {
        self.listing(account_id, Resource::Mandates).await
    }

    pub async fn services(&self, account_id: &str) -> Result<Listing<Service>, CoreError> {
        self.listing(account_id, Resource::Services).await
    }

    pub async fn domains(&self, account_id: &str) -> Result<Listing<Domain>, CoreError> {
        self.listing(account_id, Resource::Domains).await
    }

    pub async fn mailboxes(&self, account_id: &str) -> Result<Listing<Mailbox>, CoreError> {
        self.listing(account_id, Resource::Mailboxes).await
    }

    /// The support tickets of the account (synced like the other lists).
    pub async fn tickets(&self, account_id: &str) -> Result<Listing<Ticket>, CoreError> {
        self.listing(account_id, Resource::Tickets).await
    }

    /// A cached list; empty when the role may not read it, whatever the cache still holds
    /// (a role changed, and the account's sync has not succeeded since).
    async fn listing<T: Synced>(
        &self,
        account_id: &str,
        resource: Resource,
    ) -> Result<Listing<T>, CoreError> {
        debug_assert_eq!(T::table().resource, resource);
        let account = self.store.account(account_id).await?;
        Ok(Listing {
            permitted: self.permitted(&account, resource).await?,
            items: self.readable(&account).await?,
            last_synced: self.store.last_synced(account_id).await?,
        })
    }

    /// The login's own account, else the first it can see: what a command means when it
    /// names no account. `NotSignedIn` when the cache holds no account.
    pub async fn own_account_id(&self) -> Result<String, CoreError> {
        let accounts = self.store.accounts().await?;
        accounts
            .iter()
            .find(|a| a.is_own)
            .or(accounts.first())
            .map(|a| a.id.clone())
            .ok_or(CoreError::NotSignedIn)
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

/// How long the start waits for the keyring to forget a damaged cache's entries.
const KEYRING_PATIENCE_AFTER_DAMAGE: std::time::Duration = std::time::Duration::from_secs(5);

/// The keyring entry of one login's refresh token.
pub fn secret_key(server: &str, email: &str) -> String {
    format!("refresh-token:{server}|{email}")
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
