//! The sandbox's mutable state: accounts, grants, sessions, faults and counters.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use cowdesk_model::{Account, NewTicket, Resource, Ticket};

use crate::auth::Sessions;
use crate::data::{AccountData, Grant};
use crate::faults::{Disruption, Fault, Faults, PageShift};
use crate::generate::generate;
use crate::{
    SandboxConfig, DEMO_EMAIL, DEMO_PASSWORD, OTHER_EMAIL, OTHER_PASSWORD, SHARED_OWNER_EMAIL,
    SHARED_OWNER_PASSWORD,
};

/// A cheap, cloneable handle on a running sandbox, for tests to read and change it.
#[derive(Clone)]
pub struct SandboxHandle {
    inner: Arc<Shared>,
}

struct Shared {
    token_ttl: Duration,
    /// The day the data was generated around.
    today: NaiveDate,
    requests: AtomicU64,
    /// Told of every request, for answers held until another request arrives.
    arrived: tokio::sync::Notify,
    state: Mutex<State>,
    /// DNS zones (the DNS API simulator and the DNS server), with their own lock.
    dns: crate::dns::DnsZones,
}

/// A ticket created under an `Idempotency-Key`, with the request it was created from.
pub(crate) struct IdempotentTicket {
    pub request: NewTicket,
    pub ticket: Ticket,
}

pub(crate) struct State {
    pub passwords: HashMap<String, String>,
    pub accounts: Vec<AccountData>,
    pub grants: Vec<Grant>,
    pub sessions: Sessions,
    pub faults: Faults,
    /// How many requests each path (with its query) received, faulty answers included.
    pub paths: HashMap<String, u64>,
    /// (account id, Idempotency-Key) -> the ticket it created.
    pub idempotency: HashMap<(String, String), IdempotentTicket>,
    pub ticket_seq: u64,
    /// Every ticket request received: (account id, ticket id, request), oldest first.
    pub received: Vec<(String, String, NewTicket)>,
    /// Approvals at the payment provider and idempotent mandate requests.
    pub mandates: crate::mandates::MandateState,
    /// Kept answers of keyed writes (`Idempotency-Key`), for retries.
    pub replays: crate::idempotency::Replays,
    /// Authcodes generated, per (account id, domain): how often the work was done.
    pub authcodes_issued: HashMap<(String, String), u32>,
    /// ETags of whole collections, dropped whenever their data changes: a 10,000-item
    /// collection is hashed once, not on every page.
    etags: HashMap<(String, Resource), String>,
}

impl SandboxHandle {
    pub(crate) fn new(config: &SandboxConfig) -> SandboxHandle {
        let (accounts, grants) = generate(config);
        let dns = crate::dns::DnsZones::generated(&accounts);
        let passwords = HashMap::from([
            (DEMO_EMAIL.to_owned(), DEMO_PASSWORD.to_owned()),
            (OTHER_EMAIL.to_owned(), OTHER_PASSWORD.to_owned()),
            (
                SHARED_OWNER_EMAIL.to_owned(),
                SHARED_OWNER_PASSWORD.to_owned(),
            ),
        ]);
        SandboxHandle {
            inner: Arc::new(Shared {
                token_ttl: config.token_ttl,
                today: config.today,
                requests: AtomicU64::new(0),
                arrived: tokio::sync::Notify::new(),
                dns,
                state: Mutex::new(State {
                    passwords,
                    accounts,
                    grants,
                    sessions: Sessions::default(),
                    faults: Faults::default(),
                    paths: HashMap::new(),
                    idempotency: HashMap::new(),
                    ticket_seq: 1000,
                    received: Vec::new(),
                    mandates: Default::default(),
                    replays: Default::default(),
                    authcodes_issued: HashMap::new(),
                    etags: HashMap::new(),
                }),
            }),
        }
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        // Handlers change the state in single steps, so a lock poisoned by a panic still
        // holds consistent data.
        self.inner
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The simulated DNS zones.
    pub fn dns(&self) -> crate::dns::DnsZones {
        self.inner.dns.clone()
    }

    pub(crate) fn token_ttl(&self) -> Duration {
        self.inner.token_ttl
    }

    pub(crate) fn today(&self) -> NaiveDate {
        self.inner.today
    }

    /// Counts a request to `path` (with its query) and tells whoever waits for one.
    pub(crate) fn count_request(&self, path: &str) {
        self.inner.requests.fetch_add(1, Ordering::SeqCst);
        *self.lock().paths.entry(path.to_owned()).or_default() += 1;
        self.inner.arrived.notify_waiters();
    }

    /// Waits until a new request to a path (with its query) that contains `path_contains`
    /// has arrived, or `limit` has passed: true when one arrived.
    pub(crate) async fn asked_for(&self, path_contains: &str, limit: Duration) -> bool {
        let before = self.requests_to(path_contains);
        let waiting = async {
            loop {
                let arrived = self.inner.arrived.notified();
                let mut arrived = std::pin::pin!(arrived);
                // Listening before looking: a request counted in between is not missed.
                arrived.as_mut().enable();
                if self.requests_to(path_contains) > before {
                    return;
                }
                arrived.await;
            }
        };
        tokio::time::timeout(limit, waiting).await.is_ok()
    }

    /// Reads or changes one account's data; `None` for an unknown account.
    /// ETags follow the data, so a change shows up in the next sync.
    pub fn with_account<R>(
        &self,
        account_id: &str,
        f: impl FnOnce(&mut AccountData) -> R,
    ) -> Option<R> {
        let mut state = self.lock();
        let data = state
            .accounts
            .iter_mut()
            .find(|a| a.account.id == account_id)?;
        let result = f(data);
        data.sort();
        state.forget_etags(account_id, None);
        Some(result)
    }

    /// The ticket requests an account received, oldest first, with the ids of the
    /// tickets they created: what support would read, attachments included.
    pub fn received_tickets(&self, account_id: &str) -> Vec<(String, NewTicket)> {
        self.lock()
            .received
            .iter()
            .filter(|(account, _, _)| account == account_id)
            .map(|(_, id, request)| (id.clone(), request.clone()))
            .collect()
    }

    pub fn inject_fault(&self, fault: Fault) {
        self.lock().faults.push(fault);
    }

    /// `fault`, but only after `skip` matching requests were served normally.
    pub fn inject_fault_after(&self, skip: u32, fault: Fault) {
        self.lock().faults.push_after(skip, fault);
    }

    pub fn inject_disruption(&self, disruption: Disruption) {
        self.lock().faults.push_disruption(disruption);
    }

    /// Shifts the next pages of a collection by one item (see [`PageShift`]).
    pub fn inject_page_shift(&self, shift: PageShift) {
        self.lock().faults.push_page_shift(shift);
    }

    /// Requests served so far, faulty answers included.
    pub fn request_count(&self) -> u64 {
        self.inner.requests.load(Ordering::SeqCst)
    }

    /// Requests served so far to the paths (with their queries) that contain
    /// `path_contains`.
    pub fn requests_to(&self, path_contains: &str) -> u64 {
        let state = self.lock();
        let matching = state
            .paths
            .iter()
            .filter(|(path, _)| path.contains(path_contains));
        matching.map(|(_, count)| count).sum()
    }

    /// How many authcodes were generated for `domain` of `account_id` (a retry answered
    /// from its Idempotency-Key does not count).
    pub fn authcodes_issued(&self, account_id: &str, domain: &str) -> u32 {
        self.lock()
            .authcodes_issued
            .get(&(account_id.to_owned(), domain.to_owned()))
            .copied()
            .unwrap_or(0)
    }

    /// Every access token issued so far now answers `token_expired`.
    pub fn expire_access_tokens(&self) {
        self.lock().sessions.expire_all(Instant::now());
    }
}

impl State {
    /// The accounts `email` may see, with its role on each: own first, then shared by name.
    pub fn visible_accounts(&self, email: &str) -> Vec<Account> {
        let mut visible: Vec<Account> = self
            .grants
            .iter()
            .filter(|g| g.email == email)
            .filter_map(|g| {
                let data = self.account(&g.account_id)?;
                Some(Account {
                    is_own: g.is_own,
                    role: g.role.clone(),
                    ..data.account.clone()
                })
            })
            .collect();
        visible.sort_by(|a, b| b.is_own.cmp(&a.is_own).then(a.name.cmp(&b.name)));
        visible
    }

    /// The role `email` holds on `account_id`, or `None` when it cannot see the account.
    pub fn visible_account(&self, email: &str, account_id: &str) -> Option<Account> {
        self.visible_accounts(email)
            .into_iter()
            .find(|a| a.id == account_id)
    }

    pub fn account(&self, account_id: &str) -> Option<&AccountData> {
        self.accounts.iter().find(|a| a.account.id == account_id)
    }

    /// The account's data with the ETag of one of its collections (cached).
    pub fn account_with_etag(
        &mut self,
        account_id: &str,
        resource: Resource,
    ) -> Option<(&AccountData, String)> {
        let data = self.accounts.iter().find(|a| a.account.id == account_id)?;
        let etag = self
            .etags
            .entry((account_id.to_owned(), resource))
            .or_insert_with(|| data.etag(resource))
            .clone();
        Some((data, etag))
    }

    /// Drops cached ETags of one account: all of them, or of one resource.
    pub fn forget_etags(&mut self, account_id: &str, resource: Option<Resource>) {
        self.etags
            .retain(|(id, r), _| id != account_id || resource.is_some_and(|only| only != *r));
    }
}
