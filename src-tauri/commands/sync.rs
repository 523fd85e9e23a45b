//! Sync on demand and in the background, reported to the UI as events.

use cowdesk_core::model::{ErrorInfo, ErrorKind, SyncOutcome, SyncProgress};
use cowdesk_core::session::ProfileSync;
use tauri::{AppHandle, Emitter, Manager, Runtime};

use super::CmdResult;
use crate::{background, AppState};

pub const EVENT_STARTED: &str = "sync-started";
pub const EVENT_PROGRESS: &str = "sync-progress";
pub const EVENT_FINISHED: &str = "sync-finished";

core_commands! {
    sync_now() -> Vec<SyncOutcome> = |_, app| async move { sync_and_report(&app).await };
}

/// Syncs the profile (core's `sync_profile`), then plans the next sync and shows new
/// alerts. A failure that stops the whole sync (offline, say) is reported on every cached
/// account, whose data stays as it was.
pub async fn sync_and_report<R: Runtime>(app: &AppHandle<R>) -> CmdResult<Vec<SyncOutcome>> {
    let state = app.state::<AppState>();
    let result = {
        let _one_at_a_time = state.sync_gate().lock().await;
        state.scheduler().started();
        let _ = app.emit(background::EVENT_SCHEDULE, state.scheduler().status());
        sync_profile(app).await
    };
    background::after_sync(app, &result).await;
    match result {
        Ok(outcomes) => Ok(outcomes),
        Err(err) if err.kind == ErrorKind::NotSignedIn => Ok(Vec::new()),
        Err(err) => {
            let accounts = state.core().await.accounts().await.unwrap_or_default();
            let outcomes: Vec<_> = (accounts.into_iter())
                .map(|s| SyncOutcome::plain(s.account.id, Some(err.clone())))
                .collect();
            let _ = app.emit(EVENT_FINISHED, &outcomes);
            Ok(outcomes)
        }
    }
}

async fn sync_profile<R: Runtime>(app: &AppHandle<R>) -> Result<Vec<SyncOutcome>, ErrorInfo> {
    let core = app.state::<AppState>().core().await;
    let started = || {
        let _ = app.emit(EVENT_STARTED, ());
    };
    let progress = |p: SyncProgress| {
        let _ = app.emit(EVENT_PROGRESS, p);
    };
    let ProfileSync {
        connections,
        accounts,
    } = core.sync_profile(&started, &progress).await?;
    // A connection's outcome under the connection's id: its cached rows hang on an
    // account row of that id.
    let outcomes: Vec<_> = (connections.into_iter())
        .map(|c| SyncOutcome::plain(c.connection_id, c.error))
        .chain(accounts)
        .collect();
    let _ = app.emit(EVENT_FINISHED, &outcomes);
    Ok(outcomes)
}
