// Shared by several test binaries, each of which uses only part of it.
#![allow(dead_code)]

#[path = "../../crates/core/tests/support/damage.rs"]
pub mod damage;
pub mod demo;
pub mod driver;
pub mod frame;
#[path = "../../crates/core/tests/support/mailcow_peer.rs"]
pub mod mailcow_peer;
#[cfg(target_os = "linux")]
pub mod mailcow_window;
#[cfg(target_os = "linux")]
pub mod notifications;
pub mod openpgp_js;
pub mod page;
#[path = "../../crates/core/tests/support/ports.rs"]
pub mod ports;
pub mod processes;
pub mod programs;
#[path = "../../crates/core/tests/support/rerun.rs"]
pub mod rerun;
#[cfg(target_os = "linux")]
pub mod tray_host;
pub mod webdriver;
pub mod xcapture;
