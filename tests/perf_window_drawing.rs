//! The window draws its page without WebKit's GPU compositing (decision 0022): the web
//! process it starts runs with compositing off, unless the user's environment turned it
//! back on, and the page is drawn in that mode. Starts the real window binary under the
//! test run's X display, reads the environment its WebKit web process was started with,
//! and reads the window's pixels from the X server (support/xcapture.rs).

#![cfg(target_os = "linux")]

mod support;

use std::collections::HashSet;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use support::driver::{require_prerequisites, wait_until, window_binary};
use support::{processes, xcapture};

const SWITCH: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";

/// Stops the window however the test ends.
struct Window(Child);

impl Drop for Window {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The `WebKitWebProcess` below `window`, once it runs.
fn web_process_of(window: u32) -> Result<Option<u32>, String> {
    Ok(processes::descendant_named(window, "WebKitWebProces"))
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

/// How many different colours the window's pixels have: one or two for a blank frame,
/// hundreds once text (anti-aliased) and the app's colours are drawn.
fn colours_drawn(window: u32) -> Result<usize, String> {
    let (_, _, rgb) = xcapture::rgb_of(window)?;
    let colours: HashSet<&[u8]> = rgb.chunks_exact(3).collect();
    Ok(colours.len())
}

#[test]
fn perf_window_draws_its_page_without_gpu_compositing() {
    let data = tempfile::tempdir().unwrap();
    let window = start_window(data.path(), None);
    let shown = wait_until(Duration::from_secs(30), "the window on screen", || {
        xcapture::window_of(window.0.id())
    })
    .unwrap_or_else(|e| panic!("{e}"));
    // The sign-in screen: its text, the logo and the buttons, not an empty frame.
    let colours = wait_until(Duration::from_secs(30), "the sign-in screen drawn", || {
        colours_drawn(shown).map(|n| (n >= 64).then_some(n))
    })
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(colours >= 64, "{colours} colours");
}
