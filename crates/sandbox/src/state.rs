//! The sandbox's mutable state: accounts, grants, issued tokens, faults and counters.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use cowdesk_model::{Account, Ticket};

use crate::data::{generate, AccountData, Grant};
use crate::{SandboxConfig, DEMO_EMAIL, DEMO_PASSWORD, OTHER_EMAIL, OTHER_PASSWORD};

/// Answer `status` to the next `times` requests whose path contains `path_contains`.
#[derive(Debug, Clone)]
pub struct Fault {
    pub path_contains: String,
    pub status: u16,
    /// Sent as `Retry-After` (seconds) with the faulty answer.
    pub retry_after: Option<u64>,
    pub times: u32,
}

/// A cheap, cloneable handle on a running sandbox, for tests to read and change it.
#[derive(Clone)]
pub struct SandboxHandle {
    pub(crate) inner: Arc<Shared>,
}

pub(crate) struct Shared {
    pub config: SandboxConfig,
    pub requests: AtomicU64,
    pub state: Mutex<State>,
}

pub(crate) struct AccessToken {
    pub email: String,
    pub refresh_token: String,
    pub expires: Instant,
}

pub(crate) struct IdempotentTicket {
    pub body: (String, String),
    pub ticket: Ticket,
}

pub(crate) struct State {
    pub passwords: HashMap<String, String>,
    pub accounts: Vec<AccountData>,
    pub grants: Vec<Grant>,
    pub access_tokens: HashMap<String, AccessToken>,
    /// refresh token -> e-mail of the login
    pub refresh_tokens: HashMap<String, String>,
    pub faults: Vec<Fault>,
    pub idempotency: HashMap<(String, String), IdempotentTicket>,
    pub ticket_seq: u64,
}

impl SandboxHandle {
    pub(crate) fn new(config: SandboxConfig) -> SandboxHandle {
        let (accounts, grants) = generate(&config);
        let passwords = HashMap::from([
            (DEMO_EMAIL.to_owned(), DEMO_PASSWORD.to_owned()),
            (OTHER_EMAIL.to_owned(), OTHER_PASSWORD.to_owned()),
        ]);
        SandboxHandle {
            inner: Arc::new(Shared {
                config,
                requests: AtomicU64::new(0),
                state: Mutex::new(State {
                    passwords,
                    accounts,
                    grants,
                    access_tokens: HashMap::new(),
                    refresh_tokens: HashMap::new(),
                    faults: Vec::new(),
                    idempotency: HashMap::new(),
                    ticket_seq: 1000,
                }),
            }),
        }
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        // A panicking handler cannot leave the data half-changed in a way that matters
        // to a simulator, so a poisoned lock is still usable.
        self.inner
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn token_ttl(&self) -> Duration {
        self.inner.config.token_ttl
    }

    /// Reads or changes one account's data; `None` for an unknown account.
    /// ETags follow the data, so a change shows up in the next sync.
    pub fn with_account<R>(
        &self,
        account_id: &str,
        f: impl FnOnce(&mut AccountData) -> R,
    ) -> Option<R> {
        let mut state = self.lock();
        state
            .accounts
            .iter_mut()
            .find(|a| a.account.id == account_id)
            .map(|data| {
                let result = f(data);
                data.sort();
                result
            })
    }

    pub fn inject_fault(&self, fault: Fault) {
        self.lock().faults.push(fault);
    }

    /// Requests served so far (faulty answers included).
    pub fn request_count(&self) -> u64 {
        self.inner.requests.load(Ordering::SeqCst)
    }

    /// Every access token issued so far now answers `token_expired`.
    pub fn expire_access_tokens(&self) {
        let now = Instant::now();
        for token in self.lock().access_tokens.values_mut() {
            token.expires = now;
        }
    }

    pub(crate) fn count_request(&self) {
        self.inner.requests.fetch_add(1, Ordering::SeqCst);
    }
}

impl State {
    /// The accounts `email` may see, own first, then shared by name.
    pub fn visible_accounts(&self, email: &str) -> Vec<Account> {
        let mut visible: Vec<Account> = self
            .grants
            .iter()
            .filter(|g| g.email == email)
            .filter_map(|g| {
                let data = self
                    .accounts
                    .iter()
                    .find(|a| a.account.id == g.account_id)?;
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

    /// The next matching fault, counted down.
    pub fn take_fault(&mut self, path: &str) -> Option<Fault> {
        let position = self
            .faults
            .iter()
            .position(|f| f.times > 0 && path.contains(&f.path_contains))?;
        let fault = &mut self.faults[position];
        fault.times -= 1;
        let taken = fault.clone();
        if fault.times == 0 {
            self.faults.remove(position);
        }
        Some(taken)
    }
}
