//! Sync on demand and in the background, reported to the UI as events.

use cowdesk_core::model::{SyncOutcome, SyncProgress};
use tauri::{AppHandle, Emitter, Manager, Runtime};

use super::error::from_core;
use super::CmdResult;
use crate::AppState;

pub const EVENT_STARTED: &str = "sync-started";
pub const EVENT_PROGRESS: &str = "sync-progress";
pub const EVENT_FINISHED: &str = "sync-finished";

#[tauri::command]
pub async fn sync_now<R: Runtime>(app: AppHandle<R>) -> CmdResult<Vec<SyncOutcome>> {
    sync_and_report(&app).await
}

/// Starts a sync without waiting for it; its result reaches the UI as `sync-finished`.
pub fn spawn_background<R: Runtime>(app: AppHandle<R>) {
    tauri::async_runtime::spawn(async move {
        if let Err(err) = sync_and_report(&app).await {
            tracing::warn!(kind = ?err.kind, "background sync did not run");
        }
    });
}

/// Syncs every account of the login. A failure that stops the whole sync (offline, say)
/// is reported on every cached account, whose data stays as it was.
async fn sync_and_report<R: Runtime>(app: &AppHandle<R>) -> CmdResult<Vec<SyncOutcome>> {
    let state = app.state::<AppState>();
    let _one_at_a_time = state.sync_gate().lock().await;
    let core = state.core().await;
    if core.login_info().is_none() {
        return Ok(Vec::new());
    }
    let _ = app.emit(EVENT_STARTED, ());
    let progress = |p: SyncProgress| {
        let _ = app.emit(EVENT_PROGRESS, p);
    };
    let outcomes = match core.sync_all(&progress).await {
        Ok(outcomes) => outcomes,
        Err(err) => {
            let info = from_core(&err);
            let accounts = core.accounts().await.unwrap_or_default();
            accounts
                .into_iter()
                .map(|summary| SyncOutcome {
                    account_id: summary.account.id,
                    changed: Vec::new(),
                    unchanged: Vec::new(),
                    not_permitted: Vec::new(),
                    requests: 0,
                    error: Some(info.clone()),
                })
                .collect()
        }
    };
    let _ = app.emit(EVENT_FINISHED, &outcomes);
    Ok(outcomes)
}
