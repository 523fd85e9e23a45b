//! Starts tauri-driver (which starts WebKitWebDriver, which starts the window binary,
//! `cowdesk-window`) and makes sure all of it is stopped again, also when a test fails
//! half-way. The demo's `cowdesk-sandbox` is built beside the window first.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;

use super::ports::free_port;
use super::webdriver::WebDriver;

pub struct AppUnderTest {
    pub driver: Option<WebDriver>,
    tauri_driver: Child,
    pub artifacts: PathBuf,
    /// Where the app logs (`COWDESK_LOG_FILE`), shown when a test fails; one file per
    /// launch, as the tests of a binary share their artifacts folder.
    pub log: PathBuf,
}

/// How to start the app.
#[derive(Default)]
pub struct Launch<'a> {
    pub args: &'a [&'a str],
    /// The cache folder the app uses (`COWDESK_DATA_DIR`).
    pub data_dir: Option<&'a Path>,
    /// Extra environment, e.g. `LANG` to pick the system language.
    pub env: &'a [(&'a str, &'a str)],
}

/// What the end-to-end tests lack here, if anything, and how to get it. `display` and
/// `path` are `$DISPLAY` and `$PATH`.
pub fn missing_prerequisite(
    display: Option<&std::ffi::OsStr>,
    path: Option<&std::ffi::OsStr>,
) -> Option<String> {
    if display.is_none_or(|d| d.is_empty()) {
        return Some(
            "no X display (DISPLAY is not set): run ./scripts/test.sh, which starts Xvfb, \
             or start one yourself (apt-get install xvfb; Xvfb :99 & export DISPLAY=:99)"
                .into(),
        );
    }
    let install = [
        ("tauri-driver", "cargo install tauri-driver --locked"),
        ("WebKitWebDriver", "apt-get install webkit2gtk-driver"),
    ];
    for (tool, how) in install {
        if which(tool, path).is_none() {
            return Some(format!(
                "{tool} is not on PATH: install it ({how}; ./scripts/test.sh does)"
            ));
        }
    }
    None
}

/// The end-to-end tests run or fail: a missing display or driver is a failure that says
/// what to install or start, never a skip that would count as passed.
pub fn require_prerequisites() -> Result<(), String> {
    let display = std::env::var_os("DISPLAY");
    let path = std::env::var_os("PATH");
    match missing_prerequisite(display.as_deref(), path.as_deref()) {
        None => Ok(()),
        Some(reason) => Err(format!("the end-to-end test cannot run: {reason}")),
    }
}

/// The window binary under test.
pub fn window_binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_cowdesk-window"))
}

impl AppUnderTest {
    /// Launches the app binary as `launch` says; `name` names the screenshot folder.
    pub fn launch(name: &str, launch: Launch<'_>) -> Result<AppUnderTest, String> {
        require_prerequisites()?;
        // The demo runs the sandbox program found beside the window.
        let sandbox = super::programs::program("cowdesk-sandbox", "cowdesk-sandbox");
        if sandbox.parent() != window_binary().parent() {
            return Err(format!(
                "{} is not beside {}",
                sandbox.display(),
                window_binary().display()
            ));
        }
        let port = free_port()?;
        let native_port = free_port()?;
        let mut command = Command::new("tauri-driver");
        command
            .args(["--port", &port.to_string()])
            .args(["--native-port", &native_port.to_string()]);
        if let Some(dir) = launch.data_dir {
            command.env("COWDESK_DATA_DIR", dir);
        }
        let artifacts = artifacts_dir(name);
        // The app's log stays with the test's artifacts, where the suite's leak scan reads
        // it; a test may name its own file.
        let log = artifacts.join(format!("app-{port}.log"));
        command.env("COWDESK_LOG_FILE", &log);
        // A detailed log gives the leak scan the most to read.
        command.env("COWDESK_LOG", "debug");
        command.envs(launch.env.iter().copied());
        let tauri_driver = command
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot start tauri-driver: {e}"))?;
        let mut app = AppUnderTest {
            driver: None,
            tauri_driver,
            artifacts,
            log,
        };
        let driver_url = format!("http://127.0.0.1:{port}");
        wait_for_status(&driver_url, Duration::from_secs(30))?;
        let capabilities = json!({
            "browserName": "wry",
            "tauri:options": {
                "application": window_binary(),
                "args": launch.args,
            }
        });
        let driver = WebDriver::new_session(&driver_url, capabilities)?;
        driver.set_implicit_wait(Duration::from_secs(20))?;
        app.driver = Some(driver);
        Ok(app)
    }

    pub fn driver(&self) -> &WebDriver {
        self.driver.as_ref().expect("session is open until drop")
    }

    /// Saves a screenshot as a test artifact and returns its path. The picture shows
    /// what the DOM holds now: WebKit's screenshot is the last frame the window
    /// presented, which can still show the view before a change (an empty content pane,
    /// "Loading…"; issue 17, item 21), so it is taken until it is current (`frame`).
    pub fn screenshot(&self, label: &str) -> Result<PathBuf, String> {
        let png = super::frame::current_screenshot(self.driver(), || self.picture())?;
        let path = self.artifacts.join(format!("{label}.png"));
        std::fs::write(&path, png).map_err(|e| e.to_string())?;
        eprintln!("screenshot: {}", path.display());
        Ok(path)
    }
}

impl AppUnderTest {
    /// The window's process, while it runs.
    pub fn window_pid(&self) -> Option<u32> {
        super::processes::descendant_named(self.tauri_driver.id(), "cowdesk-window")
    }

    /// The window's pixels as the X server has them: WebKitWebDriver takes no screenshot
    /// of a page drawn without GPU compositing, the way cowdesk draws (decision 0022).
    fn picture(&self) -> Result<Vec<u8>, String> {
        let app = self
            .window_pid()
            .ok_or("the window's process is not running")?;
        super::xcapture::png_of(app)
    }
}

/// How long a window may take to end once its driver has.
const WINDOW_EXIT: Duration = Duration::from_secs(20);

impl Drop for AppUnderTest {
    fn drop(&mut self) {
        let window = self.window_pid();
        if let Some(driver) = self.driver.take() {
            let _ = driver.close();
        }
        // SIGTERM lets tauri-driver stop WebKitWebDriver (and with it the app); SIGKILL
        // would leave them running.
        let _ = Command::new("kill")
            .args(["-TERM", &self.tauri_driver.id().to_string()])
            .status();
        let _ = self.tauri_driver.wait();
        // One window runs per cache: a launch on the same cache while this one is still
        // on its way out would hand over to it and end at once.
        if let Some(pid) = window {
            let gone = wait_until(WINDOW_EXIT, "the window's exit", || {
                Ok((!super::processes::running(pid)).then_some(()))
            });
            if gone.is_err() {
                eprintln!("the window {pid} outlived its driver; killed");
                let _ = Command::new("kill")
                    .args(["-KILL", &pid.to_string()])
                    .status();
            }
        }
        if std::thread::panicking() {
            if let Ok(log) = std::fs::read_to_string(&self.log) {
                let tail: Vec<&str> = log.lines().rev().take(40).collect();
                eprintln!("--- last lines of {} ---", self.log.display());
                for line in tail.into_iter().rev() {
                    eprintln!("{line}");
                }
            }
        }
    }
}

/// Polls `condition` until it holds or `limit` passes: waiting on a state, not a guess.
pub fn wait_until<T>(
    limit: Duration,
    what: &str,
    mut condition: impl FnMut() -> Result<Option<T>, String>,
) -> Result<T, String> {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(value) = condition()? {
            return Ok(value);
        }
        if Instant::now() > deadline {
            return Err(format!("timed out waiting for {what}"));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn wait_for_status(driver_url: &str, limit: Duration) -> Result<(), String> {
    let http = reqwest::blocking::Client::new();
    wait_until(limit, "tauri-driver to listen", || {
        Ok(http
            .get(format!("{driver_url}/status"))
            .send()
            .ok()
            .filter(|r| r.status().is_success())
            .map(|_| ()))
    })
}

fn which(tool: &str, path: Option<&std::ffi::OsStr>) -> Option<PathBuf> {
    std::env::split_paths(path?)
        .map(|dir| dir.join(tool))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

/// `$COWDESK_ARTIFACTS` or `artifacts/e2e` in the repository.
fn artifacts_root() -> PathBuf {
    std::env::var_os("COWDESK_ARTIFACTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("artifacts/e2e"))
}

/// `<artifacts>/<test>`, where screenshots and the app's log go.
pub fn artifacts_dir(test: &str) -> PathBuf {
    let dir = artifacts_root().join(test);
    let _ = std::fs::create_dir_all(&dir);
    dir
}

/// A folder a test gives the app (its cache, an export target, a config folder) that is
/// kept after the test, below `<artifacts>/kept/`: `scripts/leak-scan.py` searches
/// everything the suite left there for the secrets the suite used.
pub struct KeptDir(PathBuf);

impl KeptDir {
    pub fn path(&self) -> &Path {
        &self.0
    }
}

pub fn kept_dir(test: &str) -> KeptDir {
    let root = artifacts_root().join("kept");
    std::fs::create_dir_all(&root).expect("artifacts folder is writable");
    let dir = tempfile::Builder::new()
        .prefix(&format!("{test}-"))
        .tempdir_in(&root)
        .expect("a fresh folder below the artifacts")
        .keep();
    KeptDir(dir)
}
