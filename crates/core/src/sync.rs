//! Sync of an account: fetch every resource the role may read (conditionally, with the
//! ETag of the last sync), then write all of it in one transaction through the write path
//! (`commit`), which also records the alerts the changes cause. Any failure before or
//! during the write leaves the previous cache and ledger exactly as they were. A list of
//! accounts is synced in turn, each account's write beside the next one's fetch.

pub(crate) mod commit;

use chrono::{NaiveDate, Utc};
use cowdesk_model::{Account, Resource, SyncOutcome, SyncProgress, SyncStage};
use futures_util::stream::{self, StreamExt};

use crate::alerts::evaluate::Reach;
use crate::alerts::ledger::LedgerReport;
use crate::error::CoreError;
use crate::portal::{Fetched, Portal};
use crate::store::{ResourceData, ResourceUpdate, Store};

/// How many of an account's resources are read from the server at once (each keeps one
/// page ahead): a few connections, as a browser would open.
const RESOURCES_AT_ONCE: usize = 4;

/// Syncs each of `accounts` in turn, reading the next account's pages while this one's
/// rows are written: the download waits on the server and the write on SQLite's thread,
/// so the two overlap. Each account is still fetched whole before its one transaction,
/// and a failure of one account leaves the others' outcomes as they are.
/// The caller holds every account's sync lock.
pub async fn sync_accounts<P: Portal>(
    portal: &P,
    store: &Store,
    accounts: &[Account],
    today: NaiveDate,
    progress: &(dyn Fn(SyncProgress) + Send + Sync),
) -> Vec<SyncOutcome> {
    let mut outcomes = Vec::with_capacity(accounts.len());
    let mut fetched: Option<Fetch> = None;
    for next in accounts.iter().map(Some).chain([None]) {
        let (written, next_fetched) = tokio::join!(
            async {
                match fetched.take() {
                    Some(fetch) => Some(write(store, fetch, today, progress).await),
                    None => None,
                }
            },
            async {
                match next {
                    Some(account) => Some(fetch_timed(portal, store, account, progress).await),
                    None => None,
                }
            }
        );
        outcomes.extend(written);
        fetched = next_fetched;
    }
    outcomes
}

/// Syncs one account; the caller holds its sync lock.
pub async fn sync_account<P: Portal>(
    portal: &P,
    store: &Store,
    account: &Account,
    today: NaiveDate,
    progress: &(dyn Fn(SyncProgress) + Send + Sync),
) -> SyncOutcome {
    let fetched = fetch_timed(portal, store, account, progress).await;
    write(store, fetched, today, progress).await
}

/// One account's answers from the server, not yet written.
struct Fetch<'a> {
    account: &'a Account,
    updates: Result<Vec<ResourceUpdate>, CoreError>,
    took: std::time::Duration,
    requests: u32,
}

/// Reads one account from the server, with how long it took and how many requests.
async fn fetch_timed<'a, P: Portal>(
    portal: &P,
    store: &Store,
    account: &'a Account,
    progress: &(dyn Fn(SyncProgress) + Send + Sync),
) -> Fetch<'a> {
    let started = std::time::Instant::now();
    // A sync's fetches run one after another, and only they ask the server: the requests
    // counted are this one's.
    let requests_before = portal.requests();
    let updates = fetch_updates(portal, store, account, progress).await;
    Fetch {
        account,
        updates,
        took: started.elapsed(),
        requests: portal.requests().saturating_sub(requests_before),
    }
}

/// Writes what one account's fetch brought (or reports why it brought nothing): the
/// account's outcome.
async fn write(
    store: &Store,
    fetch: Fetch<'_>,
    today: NaiveDate,
    progress: &(dyn Fn(SyncProgress) + Send + Sync),
) -> SyncOutcome {
    let Fetch {
        account,
        updates,
        took,
        requests,
    } = fetch;
    let mut outcome = SyncOutcome {
        account_id: account.id.clone(),
        changed: Vec::new(),
        unchanged: Vec::new(),
        not_permitted: Vec::new(),
        requests,
        error: None,
    };
    let started = std::time::Instant::now();
    let written = match updates {
        Ok(updates) => write_updates(store, account, &updates, today, progress)
            .await
            .map(|report| (updates, report)),
        Err(err) => Err(err),
    };
    match written {
        Ok((updates, report)) => {
            tracing::debug!(
                account = %account.id,
                alerts = ?report,
                fetch_ms = took.as_millis() as u64,
                write_ms = started.elapsed().as_millis() as u64,
                "synced"
            );
            for update in updates {
                match update {
                    ResourceUpdate::Changed { data, .. } | ResourceUpdate::Patched { data, .. } => {
                        outcome.changed.push(data.resource())
                    }
                    ResourceUpdate::Unchanged(r) => outcome.unchanged.push(r),
                    ResourceUpdate::NotPermitted(r) => outcome.not_permitted.push(r),
                    // A portal account's sync fetches no mailcow.
                    ResourceUpdate::Mailcow(_) => {}
                }
            }
        }
        Err(err) => {
            tracing::warn!(account = %account.id, kind = ?err.kind(), "sync failed: {err}");
            outcome.error = Some(err.info());
        }
    }
    outcome
}

/// Writes one account's updates in one transaction: the old rows or the new, never a mix.
async fn write_updates(
    store: &Store,
    account: &Account,
    updates: &[ResourceUpdate],
    today: NaiveDate,
    progress: &(dyn Fn(SyncProgress) + Send + Sync),
) -> Result<LedgerReport, CoreError> {
    let total = Resource::ALL.len() as u32;
    let report = |stage| SyncProgress {
        account_id: account.id.clone(),
        resource: Resource::Tickets,
        done: total,
        total,
        stage,
    };
    // The sync owns its transaction: the write lock is taken first, so nothing commits
    // between the write path's reads and its writes.
    let mut tx = store.begin_write().await?;
    progress(report(SyncStage::Saving));
    let clock = (today, Utc::now());
    let committed =
        commit::commit_in(&mut tx, &account.id, updates, clock, Reach::ChangeSet, &[]).await?;
    tx.commit().await?;
    progress(report(SyncStage::Saved));
    Ok(committed.report)
}

/// Asks the server for every resource the role may read, each with the ETag of the last
/// sync: what changed, what did not, what the role may not read.
pub(crate) async fn fetch_updates<P: Portal>(
    portal: &P,
    store: &Store,
    account: &Account,
    progress: &(dyn Fn(SyncProgress) + Send + Sync),
) -> Result<Vec<ResourceUpdate>, CoreError> {
    let states = store.sync_states(&account.id).await?;
    let total = Resource::ALL.len() as u32;
    let report = |resource, done| {
        progress(SyncProgress {
            account_id: account.id.clone(),
            resource,
            done,
            total,
            stage: SyncStage::Fetching,
        })
    };
    report(Resource::ALL[0], 0);
    let read = |index: usize, resource: Resource| {
        // Only a version we hold rows for may be answered with "unchanged".
        let etag = states
            .get(&resource)
            .filter(|s| s.permitted)
            .and_then(|s| s.etag.clone());
        async move {
            let update = if !account.role.allows(resource.permission()) {
                Ok(ResourceUpdate::NotPermitted(resource))
            } else {
                match fetch(portal, &account.id, resource, etag.as_deref()).await {
                    // The server knows better than the cached role: treat as not permitted.
                    Err(CoreError::Forbidden { .. }) => Ok(ResourceUpdate::NotPermitted(resource)),
                    read => read,
                }
            };
            (index, resource, update)
        }
    };
    // A server far away answers each request a round trip later: the resources are read
    // a few at a time, each page after page, instead of one after the other.
    let mut reads = stream::iter(Resource::ALL.into_iter().enumerate())
        .map(|(index, resource)| read(index, resource))
        .buffer_unordered(RESOURCES_AT_ONCE);
    let mut updates: Vec<Option<ResourceUpdate>> = Resource::ALL.iter().map(|_| None).collect();
    let mut done = 0;
    while let Some((index, resource, update)) = reads.next().await {
        // The first failure ends the fetch; the reads still on their way are dropped.
        updates[index] = Some(update?);
        done += 1;
        report(resource, done);
    }
    // In the order of `Resource::ALL`, as the write path expects.
    Ok(updates.into_iter().flatten().collect())
}

async fn fetch<P: Portal>(
    portal: &P,
    account_id: &str,
    resource: Resource,
    etag: Option<&str>,
) -> Result<ResourceUpdate, CoreError> {
    macro_rules! collection {
        ($variant:ident) => {
            match portal.collection(account_id, resource, etag).await? {
                Fetched::Unchanged => ResourceUpdate::Unchanged(resource),
                Fetched::Fresh { value, etag } => ResourceUpdate::Changed {
                    data: ResourceData::$variant(value),
                    etag,
                },
            }
        };
    }
    Ok(match resource {
        Resource::Profile => match portal.profile(account_id, etag).await? {
            Fetched::Unchanged => ResourceUpdate::Unchanged(resource),
            Fetched::Fresh { value, etag } => ResourceUpdate::Changed {
                data: ResourceData::Profile(Box::new(value)),
                etag,
            },
        },
        Resource::Invoices => collection!(Invoices),
        Resource::Mandates => collection!(Mandates),
        Resource::Services => collection!(Services),
        Resource::Domains => collection!(Domains),
        Resource::Mailboxes => collection!(Mailboxes),
        Resource::Users => collection!(Users),
        Resource::Tickets => collection!(Tickets),
    })
}
