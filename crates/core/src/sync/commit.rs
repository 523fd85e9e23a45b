//! The write path of the cache, one way through: store writes -> change set -> rules ->
//! ledger, each called once, in that order, inside the caller's transaction. A sync and
//! every change made through the portal (a mandate, a transfer lock, a ticket, the
//! profile) write through here, so whatever the cache learns is compared and announced
//! the same way, and a failure leaves neither data nor alerts behind.

use std::time::Instant;

use chrono::{DateTime, NaiveDate, Utc};
use cowdesk_model::Resource;
use sqlx::SqliteConnection;

use crate::alerts::evaluate::{self, Acknowledged, Reach};
use crate::alerts::ledger::{self, LedgerReport};
use crate::error::CoreError;
use crate::session::Core;
use crate::store::{write, ResourceUpdate};

/// What one write did.
#[derive(Debug, Default)]
pub(crate) struct Committed {
    pub report: LedgerReport,
    /// Rows an update of existing rows did not find: (resource, key).
    pub missing: Vec<(Resource, String)>,
}

/// Writes one account's updates and records the alerts they cause, in `tx`.
pub(crate) async fn commit_in(
    tx: &mut SqliteConnection,
    account_id: &str,
    updates: &[ResourceUpdate],
    (today, now): (NaiveDate, DateTime<Utc>),
    reach: Reach,
    acknowledged: &Acknowledged,
) -> Result<Committed, CoreError> {
    let started = Instant::now();
    let changes = write::apply_updates(tx, account_id, updates, now).await?;
    let written = started.elapsed();
    let evaluation =
        evaluate::evaluate(tx, account_id, &changes, (today, now), reach, acknowledged).await?;
    let evaluated = started.elapsed();
    let report = ledger::record(
        tx,
        account_id,
        &evaluation,
        changes.first_sync(),
        (today, now),
    )
    .await?;
    tracing::debug!(
        account = account_id,
        store_ms = written.as_secs_f64() * 1e3,
        rules_ms = (evaluated - written).as_secs_f64() * 1e3,
        ledger_ms = (started.elapsed() - evaluated).as_secs_f64() * 1e3,
        findings = evaluation.findings.len(),
        "write path"
    );
    Ok(Committed {
        report,
        missing: changes.missing,
    })
}

impl Core {
    /// Writes what the portal answered after a change made through cowdesk, the way a sync
    /// writes: in one transaction with the alerts it causes. Events about the objects in
    /// `acknowledged` (the user's own change) are recorded without being announced.
    pub(crate) async fn write_cache(
        &self,
        account_id: &str,
        updates: &[ResourceUpdate],
        acknowledged: &Acknowledged,
    ) -> Result<Committed, CoreError> {
        let mut tx = self.store().begin_write().await?;
        let clock = (self.today(), Utc::now());
        let done = commit_in(
            &mut tx,
            account_id,
            updates,
            clock,
            Reach::ChangeSet,
            acknowledged,
        )
        .await?;
        tx.commit().await?;
        Ok(done)
    }
}
