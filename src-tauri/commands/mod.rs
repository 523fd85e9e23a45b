//! The IPC surface of the window: thin commands that validate their input and call the
//! core. Every command returns `Result<_, ErrorInfo>`, so the UI branches on `kind`.
//!
//! Adding a command is one edit beside the function itself: its line `module::function`
//! in registry.rs. That list registers the handler here and, through src-tauri/build.rs,
//! declares the command's permission and grants it to the main window (the permission
//! set `cowdesk-commands`, the one the capability names).

mod accounts;
mod alerts;
mod app;
pub mod billing;
mod connections;
pub mod dnscheck;
mod domains;
pub mod error;
mod input;
mod lists;
mod mail;
mod mailcow;
pub mod maildoctor;
pub mod mandates;
mod session;
pub mod support;
mod support_bounce;
pub mod support_secrets;
pub mod sync;

use tauri::{ipc::Invoke, Runtime};

pub type CmdResult<T> = Result<T, cowdesk_core::model::ErrorInfo>;

/// Declares the handler over every command of registry.rs.
macro_rules! cowdesk_commands {
    ($($module:ident :: $command:ident),* $(,)?) => {
        /// Every command of registry.rs; the capability grants exactly these (build.rs).
        pub fn handler<R: Runtime>() -> impl Fn(Invoke<R>) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($module::$command),*]
        }
    };
}
include!("registry.rs");
