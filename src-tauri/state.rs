//! What the window's commands share: the active core (the signed-in login's cache, or the
//! demo's) and, in demo mode, the sandbox program the demo talks to.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use cowdesk_core::demo::DemoSandbox;
use cowdesk_core::error::CoreError;
use cowdesk_core::model::{ErrorInfo, LoginInfo, Navigation};
use cowdesk_core::paths::DEFAULT_PROFILE;
use cowdesk_core::schedule::Scheduler;
use cowdesk_core::secrets::{KeyringSecretStore, SecretStore};
use cowdesk_core::session::Core;
use tokio::sync::{Mutex, RwLock};

use crate::commands::error::internal;

const KEEP_RUNNING: &str = "keep_running";

pub struct AppState {
    data_dir: PathBuf,
    active: RwLock<Active>,
    /// One sync at a time, whoever asks for it.
    sync_gate: Mutex<()>,
    /// `--demo`: sign in to the sandbox as soon as the window asks for the session.
    start_in_demo: bool,
    first_paint_seen: AtomicBool,
    /// When the background sync runs next (see background.rs).
    scheduler: Arc<Scheduler>,
    /// `--hidden` (start at login): stay in the tray until asked.
    start_hidden: bool,
    /// Where a clicked notification leads, until the window has taken it.
    navigation: std::sync::Mutex<Option<Navigation>>,
    /// Closing the window keeps cowdesk running in the tray.
    keep_running: AtomicBool,
    tray_available: AtomicBool,
    /// The stored sign-in's restore (a keyring read over D-Bus), started with the process
    /// so that it runs while WebKit starts rather than after the page first asks for it.
    early_resume: std::sync::Mutex<Option<EarlyResume>>,
}

/// The first restore's answer, which the page's first question takes: asking the keyring
/// twice would show a locked keyring's unlock prompt twice.
type EarlyResume = tokio::task::JoinHandle<Result<Option<LoginInfo>, CoreError>>;

struct Active {
    core: Arc<Core>,
    sandbox: Option<DemoSandbox>,
}

impl AppState {
    pub async fn open(
        data_dir: PathBuf,
        start_in_demo: bool,
        start_hidden: bool,
    ) -> Result<AppState, ErrorInfo> {
        let core = open_default(&data_dir).await?;
        let settings = core.alert_settings().await?;
        let interval = Duration::from_secs(u64::from(settings.sync_interval_minutes) * 60);
        let keep_running = core
            .setting(KEEP_RUNNING)
            .await?
            .is_none_or(|v| v == "true");
        let core = Arc::new(core);
        // With `--demo` the window signs in to a fresh sandbox instead.
        let early_resume = (!start_in_demo).then(|| {
            let core = core.clone();
            tokio::spawn(async move {
                let resumed = core.resume().await;
                crate::start_milestone("stored sign-in read");
                resumed
            })
        });
        Ok(AppState {
            data_dir,
            active: RwLock::new(Active {
                core,
                sandbox: None,
            }),
            sync_gate: Mutex::new(()),
            start_in_demo,
            first_paint_seen: AtomicBool::new(false),
            scheduler: Arc::new(Scheduler::new(interval)),
            start_hidden,
            navigation: std::sync::Mutex::new(None),
            keep_running: AtomicBool::new(keep_running),
            tray_available: AtomicBool::new(false),
            early_resume: std::sync::Mutex::new(early_resume),
        })
    }

    pub fn scheduler(&self) -> Arc<Scheduler> {
        self.scheduler.clone()
    }

    pub fn start_hidden(&self) -> bool {
        self.start_hidden
    }

    /// Remembers where a clicked notification leads; the window takes it once.
    pub fn set_navigation(&self, navigation: Navigation) {
        *self.navigation.lock().unwrap_or_else(|p| p.into_inner()) = Some(navigation);
    }

    pub fn take_navigation(&self) -> Option<Navigation> {
        self.navigation
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
    }

    pub fn keep_running(&self) -> bool {
        self.keep_running.load(Ordering::SeqCst) && self.tray_available()
    }

    pub async fn set_keep_running(&self, keep: bool) -> Result<(), ErrorInfo> {
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

    /// Demo only: makes `event` happen on the demo's portal ("reminder", "suspension",
    /// "reactivation"); the next sync brings its alert.
    pub async fn demo_event(&self, event: &str) -> Result<(), ErrorInfo> {
        let active = self.active.read().await;
        let Some(sandbox) = active.sandbox.as_ref() else {
            return Err(CoreError::field(
                "kind",
                "This works in the demo only.",
                "Das geht nur in der Demo.",
            )
            .into());
        };
        let answer = sandbox
            .event(event)
            .await
            .map_err(|e| internal(&format!("demo server: {e}")))?;
        Ok(answer.map_err(CoreError::from)?)
    }

    pub async fn core(&self) -> Arc<Core> {
        self.active.read().await.core.clone()
    }

    /// True the first time only: the first paint starts the first network sync.
    pub fn mark_first_paint(&self) -> bool {
        !self.first_paint_seen.swap(true, Ordering::SeqCst)
    }

    pub fn sync_gate(&self) -> &Mutex<()> {
        &self.sync_gate
    }

    /// Restores the stored login at start; with `--demo`, signs in to a fresh sandbox.
    pub async fn resume(&self) -> Result<Option<LoginInfo>, ErrorInfo> {
        if self.start_in_demo && self.active.read().await.sandbox.is_none() {
            return self.start_demo().await.map(Some);
        }
        let early = self
            .early_resume
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        if let Some(early) = early {
            // A task that panicked has no answer: ask again below.
            if let Ok(answer) = early.await {
                return Ok(answer?);
            }
        }
        Ok(self.core().await.resume().await?)
    }

    /// Starts the sandbox program on a random loopback port and signs in as the demo user.
    pub async fn start_demo(&self) -> Result<LoginInfo, ErrorInfo> {
        let mut active = self.active.write().await;
        if let Some(sandbox) = active.sandbox.take() {
            sandbox.shutdown().await;
        }
        // The demo's domains have DNS of their own, on loopback, changed by its DNS API.
        let sandbox = DemoSandbox::start()
            .await
            .map_err(|e| internal(&format!("demo server: {e}")))?;
        let (core, info) = sandbox.open_profile(&self.data_dir).await?;
        *active = Active {
            core: Arc::new(core),
            sandbox: Some(sandbox),
        };
        Ok(info)
    }

    /// Signs out; leaving the demo also stops its sandbox and returns to the real profile.
    pub async fn logout(&self) -> Result<(), ErrorInfo> {
        let mut active = self.active.write().await;
        active.core.logout().await?;
        if let Some(sandbox) = active.sandbox.take() {
            sandbox.shutdown().await;
            active.core = Arc::new(open_default(&self.data_dir).await?);
        }
        Ok(())
    }
}

async fn open_default(data_dir: &std::path::Path) -> Result<Core, ErrorInfo> {
    let secrets: Arc<dyn SecretStore> = Arc::new(KeyringSecretStore::new());
    Ok(Core::open(data_dir, DEFAULT_PROFILE, secrets).await?)
}
