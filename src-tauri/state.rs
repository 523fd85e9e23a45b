//! What the window's commands share: the active core (core's `ActiveCore`: the signed-in
//! login's cache, or the demo's), the sync's gate and schedule, and the window's own
//! settings.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cowdesk_core::demo::ActiveCore;
use cowdesk_core::error::CoreError;
use cowdesk_core::model::{LoginInfo, Navigation};
use cowdesk_core::schedule::Scheduler;
use cowdesk_core::session::Core;

const KEEP_RUNNING: &str = "keep_running";

pub struct AppState {
    active: ActiveCore,
    /// One sync at a time, whoever asks for it.
    sync_gate: tokio::sync::Mutex<()>,
    /// `--demo`: sign in to the sandbox as soon as the window asks for the session.
    start_in_demo: bool,
    first_paint_seen: AtomicBool,
    /// When the background sync runs next (see background.rs).
    scheduler: Arc<Scheduler>,
    /// `--hidden` (start at login): stay in the tray until asked.
    start_hidden: bool,
    /// Where a clicked notification leads, until the window has taken it.
    navigation: Mutex<Option<Navigation>>,
    /// Closing the window keeps cowdesk running in the tray.
    keep_running: AtomicBool,
    tray_available: AtomicBool,
    /// The stored sign-in's restore (a keyring read over D-Bus), started with the process
    /// so that it runs while WebKit starts rather than after the page first asks for it.
    /// The page's first question takes its answer: asking the keyring twice would show a
    /// locked keyring's unlock prompt twice.
    early_resume: Mutex<Option<EarlyResume>>,
}

type EarlyResume = tokio::task::JoinHandle<Result<Option<LoginInfo>, CoreError>>;

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

impl AppState {
    pub async fn open(
        data_dir: PathBuf,
        start_in_demo: bool,
        start_hidden: bool,
    ) -> Result<AppState, CoreError> {
        let active = ActiveCore::open(data_dir).await?;
        let core = active.core().await;
        let settings = core.alert_settings().await?;
        let interval = Duration::from_secs(u64::from(settings.sync_interval_minutes) * 60);
        let keep_running = core.setting(KEEP_RUNNING).await?;
        // With `--demo` the window signs in to a fresh sandbox instead.
        let early_resume = (!start_in_demo).then(|| {
            tokio::spawn(async move {
                let resumed = core.resume().await;
                crate::start_milestone("stored sign-in read");
                resumed
            })
        });
        Ok(AppState {
            active,
            sync_gate: tokio::sync::Mutex::new(()),
            start_in_demo,
            first_paint_seen: AtomicBool::new(false),
            scheduler: Arc::new(Scheduler::new(interval)),
            start_hidden,
            navigation: Mutex::new(None),
            keep_running: AtomicBool::new(keep_running.is_none_or(|v| v == "true")),
            tray_available: AtomicBool::new(false),
            early_resume: Mutex::new(early_resume),
        })
    }

    pub async fn core(&self) -> Arc<Core> {
        self.active.core().await
    }

    /// The demo's start, events and end, and signing out.
    pub fn active(&self) -> &ActiveCore {
        &self.active
    }

    pub fn scheduler(&self) -> Arc<Scheduler> {
        self.scheduler.clone()
    }

    pub fn sync_gate(&self) -> &tokio::sync::Mutex<()> {
        &self.sync_gate
    }

    pub fn start_hidden(&self) -> bool {
        self.start_hidden
    }

    /// True the first time only: the first paint starts the first network sync.
    pub fn mark_first_paint(&self) -> bool {
        !self.first_paint_seen.swap(true, Ordering::SeqCst)
    }

    /// Remembers where a clicked notification leads; the window takes it once.
    pub fn set_navigation(&self, navigation: Navigation) {
        *lock(&self.navigation) = Some(navigation);
    }

    pub fn take_navigation(&self) -> Option<Navigation> {
        lock(&self.navigation).take()
    }

    pub fn keep_running(&self) -> bool {
        self.keep_running.load(Ordering::SeqCst) && self.tray_available()
    }

    pub async fn set_keep_running(&self, keep: bool) -> Result<(), CoreError> {
        let value = if keep { "true" } else { "false" };
        self.core().await.set_setting(KEEP_RUNNING, value).await?;
        self.keep_running.store(keep, Ordering::SeqCst);
        Ok(())
    }

    pub fn tray_available(&self) -> bool {
        self.tray_available.load(Ordering::SeqCst)
    }

    pub fn set_tray_available(&self, available: bool) {
        self.tray_available.store(available, Ordering::SeqCst);
    }

    /// Restores the stored login at start; with `--demo`, signs in to a fresh sandbox.
    pub async fn resume(&self) -> Result<Option<LoginInfo>, CoreError> {
        if self.start_in_demo && !self.active.in_demo().await {
            return self.active.start_demo().await.map(Some);
        }
        let early = lock(&self.early_resume).take();
        if let Some(early) = early {
            // A task that panicked has no answer: ask again below.
            if let Ok(answer) = early.await {
                return answer;
            }
        }
        self.core().await.resume().await
    }
}
