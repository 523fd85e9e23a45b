//! Sync on demand and in the background, reported to the UI as events.

use cowdesk_core::model::{ConnectionSyncOutcome, ErrorInfo, ErrorKind, SyncOutcome, SyncProgress};
use tauri::{AppHandle, Emitter, Manager, Runtime};

use super::error::from_core;
use super::CmdResult;
use crate::{background, AppState};

pub const EVENT_STARTED: &str = "sync-started";
pub const EVENT_PROGRESS: &str = "sync-progress";
pub const EVENT_FINISHED: &str = "sync-finished";

#[tauri::command]
pub async fn sync_now<R: Runtime>(app: AppHandle<R>) -> CmdResult<Vec<SyncOutcome>> {
    sync_and_report(&app).await
}

/// Starts a sync without waiting for it: the background loop runs it, and its result
/// reaches the UI as `sync-finished`.
pub fn spawn_background<R: Runtime>(app: AppHandle<R>) {
    background::request_sync(&app);
}

/// Syncs every account of the login, then plans the next sync and shows new alerts. A
/// failure that stops the whole sync (offline, say) is reported on every cached account,
/// whose data stays as it was.
pub async fn sync_and_report<R: Runtime>(app: &AppHandle<R>) -> CmdResult<Vec<SyncOutcome>> {
    let state = app.state::<AppState>();
    let result = {
        let _one_at_a_time = state.sync_gate().lock().await;
        state.scheduler().started();
        let _ = app.emit(background::EVENT_SCHEDULE, state.scheduler().status());
        sync_all(app).await
    };
    background::after_sync(app, &result).await;
    match result {
        Ok(outcomes) => Ok(outcomes),
        Err(err) if err.kind == ErrorKind::NotSignedIn => Ok(Vec::new()),
        Err(err) => {
            let accounts = state.core().await.accounts().await.unwrap_or_default();
            let outcomes: Vec<SyncOutcome> = accounts
                .into_iter()
                .map(|summary| SyncOutcome {
                    account_id: summary.account.id,
                    changed: Vec::new(),
                    unchanged: Vec::new(),
                    not_permitted: Vec::new(),
                    requests: 0,
                    error: Some(err.clone()),
                })
                .collect();
            let _ = app.emit(EVENT_FINISHED, &outcomes);
            Ok(outcomes)
        }
    }
}

async fn sync_all<R: Runtime>(app: &AppHandle<R>) -> Result<Vec<SyncOutcome>, ErrorInfo> {
    let core = app.state::<AppState>().core().await;
    let signed_in = core.login_info().is_some();
    let connections = core.connections().await?;
    if !signed_in && connections.is_empty() {
        return Err(from_core(&cowdesk_core::error::CoreError::NotSignedIn));
    }
    let _ = app.emit(EVENT_STARTED, ());
    // The mailcows first: each reports its own failure, and a portal preview that cannot
    // be reached must not keep the real mailboxes from being read.
    let mut outcomes: Vec<SyncOutcome> = core
        .sync_connections()
        .await?
        .into_iter()
        .map(connection_outcome)
        .collect();
    if signed_in {
        let progress = |p: SyncProgress| {
            let _ = app.emit(EVENT_PROGRESS, p);
        };
        outcomes.extend(core.sync_all(&progress).await?);
    }
    let _ = app.emit(EVENT_FINISHED, &outcomes);
    Ok(outcomes)
}

/// A connection's sync as the window's outcomes list it: under the connection's id (its
/// cached rows hang on an account row of that id).
fn connection_outcome(outcome: ConnectionSyncOutcome) -> SyncOutcome {
    SyncOutcome {
        account_id: outcome.connection_id,
        changed: Vec::new(),
        unchanged: Vec::new(),
        not_permitted: Vec::new(),
        requests: 0,
        error: outcome.error,
    }
}
