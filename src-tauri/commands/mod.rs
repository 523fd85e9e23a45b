//! The IPC surface of the window: thin commands that validate their input and call the
//! core. Every command returns `Result<_, ErrorInfo>`, so the UI branches on `kind`.
//!
//! Adding a command is one edit: the `#[tauri::command]` function, or an entry in a
//! module's `core_commands!` block. The build finds it there (src-tauri/command_list.rs),
//! registers the handler below over it, declares its permission and grants it to the main
//! window (the permission set `cowdesk-commands`, the one the capability names).

/// Declares commands that only read their (checked) arguments and ask the core, each
/// `name(arguments) -> Answer = |core| call;`: the command takes the active core, awaits
/// `call` and answers with its result, a core error as `ErrorInfo`.
macro_rules! core_commands {
    ($(
        $(#[$doc:meta])*
        $name:ident($($arg:ident: $ty:ty),* $(,)?) -> $answer:ty = |$core:ident| $call:expr;
    )*) => {$(
        $(#[$doc])*
        #[tauri::command]
        pub async fn $name(
            state: tauri::State<'_, crate::AppState>,
            $($arg: $ty),*
        ) -> $crate::commands::CmdResult<$answer> {
            let $core = state.core().await;
            Ok($call.await?)
        }
    )*};
}

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

/// Declares the handler over every command the build found.
macro_rules! cowdesk_commands {
    ($($module:ident :: $command:ident),* $(,)?) => {
        /// Every command; the capability grants exactly these (build.rs).
        pub fn handler<R: Runtime>() -> impl Fn(Invoke<R>) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($module::$command),*]
        }
    };
}
include!(concat!(env!("OUT_DIR"), "/commands.rs"));
