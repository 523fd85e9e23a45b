//! The window draws its page without WebKit's GPU compositing (decision 0022): the web
//! process it starts runs with compositing off, unless the user's environment turned it
//! back on, and the page is drawn in that mode. Starts the real window binary under the
//! test run's X display, reads the environment its WebKit web process was started with,
//! and reads the window's pixels from the X server (WebKitWebDriver's screenshot does
//! not answer in this mode, which is why the other end-to-end tests turn compositing on).

#![cfg(target_os = "linux")]

mod support;

use std::collections::HashSet;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::Duration;

use x11rb::connection::Connection;
use x11rb::protocol::xproto::{AtomEnum, ConnectionExt, ImageFormat, Window as XWindow};

use support::driver::{require_prerequisites, wait_until, window_binary};

const SWITCH: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";

/// One window at a time: the pixels read are the window's own only while nothing covers it.
static ONE_WINDOW: Mutex<()> = Mutex::new(());

/// Stops the window however the test ends.
struct Window(Child);

impl Drop for Window {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn parent_of(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may hold spaces and parentheses: the fields follow the last ')'.
    stat.rsplit_once(')')?
        .1
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn descends_from(mut pid: u32, ancestor: u32) -> bool {
    while let Some(parent) = parent_of(pid) {
        if parent == ancestor {
            return true;
        }
        if parent <= 1 {
            return false;
        }
        pid = parent;
    }
    false
}

/// The `WebKitWebProcess` below `window`, once it runs.
fn web_process_of(window: u32) -> Result<Option<u32>, String> {
    let entries = std::fs::read_dir("/proc").map_err(|e| e.to_string())?;
    Ok(entries
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .find(|pid| {
            let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
            comm.trim() == "WebKitWebProces" && descends_from(*pid, window)
        }))
}

fn start_window(data_dir: &Path, users_value: Option<&str>) -> Window {
    require_prerequisites().unwrap_or_else(|e| panic!("{e}"));
    let mut command = Command::new(window_binary());
    command
        .arg("--data-dir")
        .arg(data_dir)
        .env("COWDESK_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    match users_value {
        Some(value) => command.env(SWITCH, value),
        None => command.env_remove(SWITCH),
    };
    Window(command.spawn().expect("the window binary starts"))
}

/// `SWITCH`'s value in the environment the window's web process was started with.
fn compositing_switch_of_web_process(data_dir: &Path, users_value: Option<&str>) -> Option<String> {
    let _one = ONE_WINDOW.lock().unwrap_or_else(|p| p.into_inner());
    let window = start_window(data_dir, users_value);
    let web = wait_until(Duration::from_secs(30), "the window's web process", || {
        web_process_of(window.0.id())
    })
    .unwrap_or_else(|e| panic!("{e}"));
    let environ = std::fs::read(format!("/proc/{web}/environ")).expect("the environment");
    let prefix = format!("{SWITCH}=");
    environ
        .split(|byte| *byte == 0)
        .filter_map(|entry| std::str::from_utf8(entry).ok())
        .find_map(|entry| entry.strip_prefix(&prefix).map(str::to_owned))
}

#[test]
fn perf_window_draws_without_gpu_compositing() {
    let data = tempfile::tempdir().unwrap();
    let switch = compositing_switch_of_web_process(data.path(), None);
    assert_eq!(switch.as_deref(), Some("1"));
}

#[test]
fn perf_window_keeps_the_users_own_compositing_choice() {
    let data = tempfile::tempdir().unwrap();
    let switch = compositing_switch_of_web_process(data.path(), Some("0"));
    assert_eq!(switch.as_deref(), Some("0"));
}

/// The top-level X window the process `pid` shows, once it is on screen.
fn x_window_of(conn: &impl Connection, root: XWindow, pid: u32) -> Result<Option<XWindow>, String> {
    let net_wm_pid = conn
        .intern_atom(false, b"_NET_WM_PID")
        .map_err(|e| e.to_string())?
        .reply()
        .map_err(|e| e.to_string())?
        .atom;
    let tree = conn
        .query_tree(root)
        .map_err(|e| e.to_string())?
        .reply()
        .map_err(|e| e.to_string())?;
    for window in tree.children {
        let owner = conn
            .get_property(false, window, net_wm_pid, AtomEnum::CARDINAL, 0, 1)
            .map_err(|e| e.to_string())?
            .reply()
            .map_err(|e| e.to_string())?;
        let viewable = conn
            .get_window_attributes(window)
            .map_err(|e| e.to_string())?
            .reply()
            .map_err(|e| e.to_string())?
            .map_state
            == x11rb::protocol::xproto::MapState::VIEWABLE;
        if viewable && owner.value32().and_then(|mut v| v.next()) == Some(pid) {
            return Ok(Some(window));
        }
    }
    Ok(None)
}

/// How many different colours the window's pixels have: one or two for a blank frame,
/// hundreds once text (anti-aliased) and the app's colours are drawn.
fn colours_drawn(conn: &impl Connection, window: XWindow) -> Result<usize, String> {
    let geometry = conn
        .get_geometry(window)
        .map_err(|e| e.to_string())?
        .reply()
        .map_err(|e| e.to_string())?;
    let image = conn
        .get_image(
            ImageFormat::Z_PIXMAP,
            window,
            0,
            0,
            geometry.width,
            geometry.height,
            !0,
        )
        .map_err(|e| e.to_string())?
        .reply()
        .map_err(|e| e.to_string())?;
    // 24-bit depth comes as four bytes a pixel (blue, green, red, unused).
    let colours: HashSet<[u8; 3]> = image
        .data
        .chunks_exact(4)
        .map(|p| [p[0], p[1], p[2]])
        .collect();
    Ok(colours.len())
}

#[test]
fn perf_window_draws_its_page_without_gpu_compositing() {
    let _one = ONE_WINDOW.lock().unwrap_or_else(|p| p.into_inner());
    let data = tempfile::tempdir().unwrap();
    let window = start_window(data.path(), None);
    let (conn, screen) = x11rb::connect(None).expect("the test run's X display");
    let root = conn.setup().roots[screen].root;
    let shown = wait_until(Duration::from_secs(30), "the window on screen", || {
        x_window_of(&conn, root, window.0.id())
    })
    .unwrap_or_else(|e| panic!("{e}"));
    // The sign-in screen: its text, the logo and the buttons, not an empty frame.
    let colours = wait_until(Duration::from_secs(30), "the sign-in screen drawn", || {
        colours_drawn(&conn, shown).map(|n| (n >= 64).then_some(n))
    })
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(colours >= 64, "{colours} colours");
}
