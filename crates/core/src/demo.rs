//! The demo's portal: the `cowdesk-sandbox` program, started as a child process from
//! beside this binary (else from PATH). It prints its addresses and the demo login, then
//! answers demo events on its standard input. It never outlives the window: it stops when
//! its standard input closes (however the window ends), and it is killed when dropped.
//! Also the demo's profile, signed in to it: its secrets in memory, never the keyring.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use cowdesk_model::LoginInfo;
use serde::Deserialize;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};
use tokio::sync::Mutex;

use crate::error::CoreError;
use crate::paths::DEMO_PROFILE;
use crate::secrets::{MemorySecretStore, SecretStore};
use crate::session::Core;

pub const SANDBOX_PROGRAM: &str = "cowdesk-sandbox";
/// Starting includes generating the demo data (10,000 mailboxes in a measurement).
const START_LIMIT: Duration = Duration::from_secs(60);
const ANSWER_LIMIT: Duration = Duration::from_secs(10);
const STOP_GRACE: Duration = Duration::from_secs(3);

/// What the sandbox prints once it listens. The demo password is the sandbox's sample
/// credential; this type has no Debug, so it is never logged.
#[derive(Deserialize)]
pub struct DemoPortal {
    pub base_url: String,
    pub email: String,
    pub password: String,
    pub dns_resolver: String,
    pub dns_api: String,
}

/// A demo event was not applied: the sandbox has nothing left for it, or does not know it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventRefused {
    NothingLeft,
    Unknown,
}

/// The window's wording of a refusal.
impl From<EventRefused> for CoreError {
    fn from(refused: EventRefused) -> CoreError {
        match refused {
            EventRefused::Unknown => {
                CoreError::field("kind", "Unknown demo event.", "Unbekanntes Demo-Ereignis.")
            }
            EventRefused::NothingLeft => CoreError::field(
                "kind",
                "Nothing left in the demo for that; start the demo again to reset it.",
                "Dafür ist in der Demo nichts mehr übrig; starten Sie die Demo neu.",
            ),
        }
    }
}

pub struct DemoSandbox {
    child: Child,
    control: Mutex<Control>,
    portal: DemoPortal,
}

struct Control {
    stdin: ChildStdin,
    answers: Lines<BufReader<ChildStdout>>,
}

impl DemoSandbox {
    /// Starts the sandbox on a free loopback port and waits for its addresses.
    pub async fn start() -> Result<DemoSandbox, String> {
        let program = program();
        let mut child = Command::new(&program)
            .args(["--port", "0", "--json", "--control-stdin"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", program.display()))?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            return Err("the sandbox has no pipes".into());
        };
        let mut answers = BufReader::new(stdout).lines();
        let portal = tokio::time::timeout(START_LIMIT, read_portal(&mut answers))
            .await
            .map_err(|_| "the sandbox did not start in time".to_owned())??;
        Ok(DemoSandbox {
            child,
            control: Mutex::new(Control { stdin, answers }),
            portal,
        })
    }

    pub fn portal(&self) -> &DemoPortal {
        &self.portal
    }

    /// Makes `event` ("reminder", "suspension", "reactivation") happen on the demo's
    /// portal and waits for the sandbox to confirm it.
    pub async fn event(&self, event: &str) -> Result<Result<(), EventRefused>, String> {
        if event.contains(['\n', '\r']) {
            return Ok(Err(EventRefused::Unknown));
        }
        let mut control = self.control.lock().await;
        let Control { stdin, answers } = &mut *control;
        stdin
            .write_all(format!("{event}\n").as_bytes())
            .await
            .map_err(|e| format!("the sandbox does not listen: {e}"))?;
        stdin.flush().await.map_err(|e| e.to_string())?;
        let line = tokio::time::timeout(ANSWER_LIMIT, answers.next_line())
            .await
            .map_err(|_| "the sandbox did not answer".to_owned())?
            .map_err(|e| e.to_string())?
            .ok_or_else(|| "the sandbox stopped".to_owned())?;
        let answer: serde_json::Value =
            serde_json::from_str(&line).map_err(|e| format!("the sandbox answered {e}"))?;
        Ok(match (answer["ok"].as_bool(), answer["error"].as_str()) {
            (Some(true), _) => Ok(()),
            (_, Some("nothing_left")) => Err(EventRefused::NothingLeft),
            _ => Err(EventRefused::Unknown),
        })
    }

    /// The demo's profile in `data_dir`, emptied of an earlier demo's cache (its sandbox
    /// is gone) and signed in to this sandbox, with the sandbox's DNS and DNS API.
    pub async fn open_profile(&self, data_dir: &Path) -> Result<(Core, LoginInfo), CoreError> {
        // The demo's secrets are throw-away: they stay in memory, never in the keyring.
        let secrets: Arc<dyn SecretStore> = Arc::new(MemorySecretStore::default());
        let core = Core::open(data_dir, DEMO_PROFILE, secrets).await?;
        core.logout().await?;
        let portal = &self.portal;
        let info = core
            .login(&portal.base_url, &portal.email, &portal.password, true)
            .await?;
        core.set_dns_api_base(&portal.dns_api).await?;
        core.set_dns_resolver(Some(&portal.dns_resolver)).await?;
        Ok((core, info))
    }

    /// Closes the sandbox's input (it stops by itself), then kills it if it lingers.
    pub async fn shutdown(self) {
        let DemoSandbox {
            mut child, control, ..
        } = self;
        drop(control);
        if tokio::time::timeout(STOP_GRACE, child.wait())
            .await
            .is_err()
        {
            let _ = child.kill().await;
        }
    }
}

/// `cowdesk-sandbox` beside this executable (as the .deb installs it and cargo builds
/// it), else the bare name, looked up on PATH.
fn program() -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join(SANDBOX_PROGRAM)))
        .filter(|candidate| candidate.is_file())
        .unwrap_or_else(|| PathBuf::from(SANDBOX_PROGRAM))
}

/// The sandbox's `--json` object: pretty-printed, so read up to its closing line.
async fn read_portal(lines: &mut Lines<BufReader<ChildStdout>>) -> Result<DemoPortal, String> {
    let mut text = String::new();
    while let Some(line) = lines.next_line().await.map_err(|e| e.to_string())? {
        text.push_str(&line);
        if line == "}" {
            return serde_json::from_str(&text)
                .map_err(|e| format!("the sandbox printed no addresses: {e}"));
        }
    }
    Err("the sandbox ended before it listened".into())
}

/// The core a window works with: the profile's own (its secrets in the keyring), or in
/// the demo the demo profile signed in to a sandbox of its own. Signing out of the demo
/// stops its sandbox and returns to the profile's own.
pub struct ActiveCore {
    data_dir: PathBuf,
    active: tokio::sync::RwLock<Active>,
}

struct Active {
    core: Arc<Core>,
    sandbox: Option<DemoSandbox>,
}

impl ActiveCore {
    /// Opens the profile's own cache in `data_dir`.
    pub async fn open(data_dir: PathBuf) -> Result<ActiveCore, CoreError> {
        let core = Arc::new(own_profile(&data_dir).await?);
        Ok(ActiveCore {
            data_dir,
            active: tokio::sync::RwLock::new(Active {
                core,
                sandbox: None,
            }),
        })
    }

    pub async fn core(&self) -> Arc<Core> {
        self.active.read().await.core.clone()
    }

    pub async fn in_demo(&self) -> bool {
        self.active.read().await.sandbox.is_some()
    }

    /// Starts a sandbox on a random loopback port and signs in to it as the demo user;
    /// a demo under way is replaced.
    pub async fn start_demo(&self) -> Result<LoginInfo, CoreError> {
        let mut active = self.active.write().await;
        if let Some(sandbox) = active.sandbox.take() {
            sandbox.shutdown().await;
        }
        // The demo's domains have DNS of their own, on loopback, changed by its DNS API.
        let sandbox = DemoSandbox::start().await.map_err(|e| {
            CoreError::desktop(
                &format!("The demo could not be started ({e})."),
                &format!("Die Demo konnte nicht gestartet werden ({e})."),
            )
        })?;
        let (core, info) = sandbox.open_profile(&self.data_dir).await?;
        *active = Active {
            core: Arc::new(core),
            sandbox: Some(sandbox),
        };
        Ok(info)
    }

    /// Signs out; leaving the demo also stops its sandbox.
    pub async fn logout(&self) -> Result<(), CoreError> {
        let mut active = self.active.write().await;
        active.core.logout().await?;
        let left_demo = match active.sandbox.take() {
            Some(sandbox) => {
                sandbox.shutdown().await;
                true
            }
            None => false,
        };
        // A damaged cache's sign-out removed its files: a new cache takes its place.
        if left_demo || active.core.cache_closed() {
            active.core = Arc::new(own_profile(&self.data_dir).await?);
        }
        Ok(())
    }

    /// Demo only: makes `event` happen on the demo's portal ("reminder", "suspension",
    /// "reactivation"); the next sync brings its alert.
    pub async fn demo_event(&self, event: &str) -> Result<(), CoreError> {
        let active = self.active.read().await;
        let Some(sandbox) = active.sandbox.as_ref() else {
            return Err(CoreError::field(
                "kind",
                "This works in the demo only.",
                "Das geht nur in der Demo.",
            ));
        };
        let answer = sandbox.event(event).await.map_err(|e| {
            CoreError::desktop(
                &format!("The demo's portal did not answer ({e})."),
                &format!("Das Portal der Demo hat nicht geantwortet ({e})."),
            )
        })?;
        Ok(answer?)
    }
}

async fn own_profile(data_dir: &Path) -> Result<Core, CoreError> {
    let secrets: Arc<dyn SecretStore> = Arc::new(crate::secrets::KeyringSecretStore::new());
    Core::open(data_dir, crate::paths::DEFAULT_PROFILE, secrets).await
}
