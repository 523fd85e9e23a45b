//! Sync of a mailcow connection: everything its login sees, read from the server, then
//! written in one transaction through the write path (store, change set, rules, ledger),
//! with the connection's state. A failure leaves the previous cache and ledger whole.

use chrono::Utc;
use cowdesk_model::{ConnectionState, ConnectionSyncOutcome, Resource};
use futures_util::future::join_all;

use super::records::{self, Record};
use crate::alerts::evaluate::Reach;
use crate::error::CoreError;
use crate::mailcow::{Mailcow, Snapshot};
use crate::session::Core;
use crate::store::ResourceUpdate;
use crate::sync::commit;

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Core {
    /// Syncs every mailcow connection of the profile, all at once. A connection that fails
    /// says so in its outcome; the others go on.
    pub async fn sync_connections(&self) -> Result<Vec<ConnectionSyncOutcome>, CoreError> {
        let records = records::all(&self.store).await?;
        // Each connection is a server (or a login) of its own: they are read at once, and
        // their writes take turns on the cache's one writer. Outcomes keep the list's order.
        Ok(join_all(records.iter().map(|record| self.sync_record(record, &[]))).await)
    }

    pub async fn sync_connection(&self, id: &str) -> Result<ConnectionSyncOutcome, CoreError> {
        let record = self.connection_record(id).await?;
        Ok(self.sync_record(&record, &[]).await)
    }

    /// One connection's sync; `acknowledged` names the objects the user just changed
    /// (their change is recorded without being announced).
    pub(crate) async fn sync_record(
        &self,
        record: &Record,
        acknowledged: &[(Resource, String)],
    ) -> ConnectionSyncOutcome {
        let mut outcome = ConnectionSyncOutcome {
            connection_id: record.id.clone(),
            domains: 0,
            mailboxes: 0,
            aliases: 0,
            new_alerts: 0,
            error: None,
        };
        match self.fetch_and_write(record, acknowledged).await {
            Ok((snapshot, new_alerts)) => {
                outcome.domains = count(snapshot.domains.len());
                outcome.mailboxes = count(snapshot.mailboxes.len());
                outcome.aliases = count(snapshot.aliases.len());
                outcome.new_alerts = new_alerts;
            }
            Err(err) => {
                tracing::warn!(connection = %record.id, kind = ?err.kind(), "mailcow sync failed");
                outcome.error = Some(err.info());
            }
        }
        outcome
    }

    /// Reads the connection's snapshot from the server and writes it; the snapshot and the
    /// number of new alerts.
    pub(crate) async fn fetch_and_write(
        &self,
        record: &Record,
        acknowledged: &[(Resource, String)],
    ) -> Result<(Snapshot, u32), CoreError> {
        let lock = self.sync_lock(&record.id);
        let _one_at_a_time = lock.lock().await;
        let client = self.client_for(record).await?;
        let snapshot = match client.snapshot().await {
            Ok(snapshot) => snapshot,
            Err(err) => return Err(self.mailcow_failed(&record.id, err).await),
        };
        let new_alerts = self.write_snapshot(record, &snapshot, acknowledged).await?;
        Ok((snapshot, new_alerts))
    }

    /// Writes what the server answered, with the connection's state, in one transaction.
    pub(crate) async fn write_snapshot(
        &self,
        record: &Record,
        snapshot: &Snapshot,
        acknowledged: &[(Resource, String)],
    ) -> Result<u32, CoreError> {
        let started = std::time::Instant::now();
        let updates = [ResourceUpdate::Mailcow(Box::new(snapshot.clone()))];
        let mut tx = self.store.begin_write().await?;
        let clock = (self.today(), Utc::now());
        let committed = commit::commit_in(
            &mut tx,
            &record.id,
            &updates,
            clock,
            Reach::ChangeSet,
            acknowledged,
        )
        .await?;
        records::set_state_in(&mut tx, &record.id, ConnectionState::Connected, None).await?;
        tx.commit().await?;
        tracing::debug!(
            connection = %record.id,
            mailboxes = snapshot.mailboxes.len(),
            alerts = ?committed.report,
            write_ms = started.elapsed().as_millis() as u64,
            "mailcow synced"
        );
        Ok(committed.report.new)
    }
}
