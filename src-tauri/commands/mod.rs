//! The IPC surface of the window: thin commands that validate their input and call the
//! core. Every command returns `Result<_, ErrorInfo>`, so the UI branches on `kind`.
//!
//! Adding a command is one edit: an entry in the module's `core_commands!` block, or a
//! `#[tauri::command]` function for one that answers at once, without awaiting anything.
//! The build finds it there (crates/command-list), registers the handler below over
//! it, declares its permission and grants it to the main window (the permission set
//! `cowdesk-commands`, the one the capability names).

/// Declares the window's async commands, each `name(arguments) -> Answer = |core| call;`
/// or, for one that also needs the window's app (its dialogs, events, state),
/// `= |core, app| call;`: the command reads its (checked) arguments, takes the active
/// core (`_` when it has no use for it), awaits `call` and answers with its result, an
/// error as `ErrorInfo`.
///
/// The block becomes the module's `core_command`, which the handler asks first. Tauri's
/// `#[tauri::command]` would give each command a task type of its own (its spawn, poll
/// and clean-up compiled once per command); these share one, the boxed `Answer`
/// (docs/PERFORMANCE.md). Arguments arrive as Tauri's are sent: camelCase keys of one
/// JSON object, a missing `Option` as `None`.
macro_rules! core_commands {
    ($(
        $(#[$doc:meta])*
        $name:ident($($arg:ident: $ty:ty),* $(,)?) -> $answer:ty
            = |$core:pat_param $(, $app:ident)?| $call:expr;
    )*) => {
        /// The answer to the invoked command when this module's block declares it.
        // `Ok(call?)` converts a core error; a call that has `ErrorInfo` already needs none.
        #[allow(clippy::needless_question_mark)]
        pub(super) fn core_command<R: tauri::Runtime>(
            invoked: &$crate::commands::Invoked<'_, R>,
        ) -> Option<Result<$crate::commands::Answer, tauri::ipc::InvokeError>> {
            match invoked.name {
                $(stringify!($name) => Some((|| {
                    $(#[$doc])*
                    #[derive(serde::Deserialize)]
                    #[serde(rename_all = "camelCase")]
                    struct Arguments {
                        $($arg: <$ty as $crate::commands::input::Argument>::Raw,)*
                    }
                    let Arguments { $($arg,)* } = invoked.read::<Arguments>()?;
                    $(let $arg = invoked.checked(<$ty as $crate::commands::input::Argument>::check($arg))?;)*
                    let app = invoked.app.clone();
                    let answer: $crate::commands::Answer = Box::pin(async move {
                        use tauri::Manager;
                        let $core = app.state::<$crate::AppState>().core().await;
                        $(let $app = app;)?
                        let answer = async {
                            $crate::commands::CmdResult::<$answer>::Ok($call.await?)
                        };
                        $crate::commands::answer_body(answer.await)
                    });
                    Ok(answer)
                })()),)*
                _ => None,
            }
        }
    };
}

mod accounts;
mod alerts;
mod app;
pub mod billing;
mod connections;
pub mod dnscheck;
mod domains;
pub mod error;
pub mod input;
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

use std::future::Future;
use std::pin::Pin;

use tauri::ipc::{Invoke, InvokeBody, InvokeError, InvokeResponseBody, IpcResponse};
use tauri::{Manager, Runtime};

pub type CmdResult<T> = Result<T, cowdesk_core::model::ErrorInfo>;

/// A `core_commands!` command's work, with its answer serialised as Tauri sends it.
pub type Answer =
    Pin<Box<dyn Future<Output = Result<InvokeResponseBody, InvokeError>> + Send + 'static>>;

/// What a `core_command` reads of an invocation.
pub struct Invoked<'a, R: Runtime> {
    name: &'a str,
    arguments: &'a serde_json::Value,
    app: &'a tauri::AppHandle<R>,
}

impl<R: Runtime> Invoked<'_, R> {
    /// The arguments as sent, or the error Tauri gives for arguments it cannot read.
    fn read<T: serde::de::DeserializeOwned>(&self) -> Result<T, InvokeError> {
        T::deserialize(self.arguments).map_err(|err| {
            InvokeError::from(format!(
                "invalid arguments for command {}: {err}",
                self.name
            ))
        })
    }

    /// A rejected argument answers as any command error does.
    fn checked<T>(
        &self,
        checked: Result<T, cowdesk_core::error::CoreError>,
    ) -> Result<T, InvokeError> {
        checked.map_err(|err| InvokeError::from(cowdesk_core::model::ErrorInfo::from(err)))
    }
}

/// The answer or the error, as Tauri's own commands give them to the page.
pub fn answer_body<T: serde::Serialize>(
    answer: CmdResult<T>,
) -> Result<InvokeResponseBody, InvokeError> {
    answer
        .map_err(InvokeError::from)
        .and_then(|value| value.body().map_err(InvokeError::from_error))
}

/// Declares the handler over every command the build found: the `core_commands!`
/// blocks' first, then Tauri's handler of the `#[tauri::command]` functions.
macro_rules! cowdesk_commands {
    (
        written: [$($module:ident :: $command:ident),* $(,)?],
        core_blocks: [$($block:ident),* $(,)?] $(,)?
    ) => {
        /// Every command; the capability grants exactly these (build.rs).
        pub fn handler<R: Runtime>() -> impl Fn(Invoke<R>) -> bool + Send + Sync + 'static {
            let written: Box<dyn Fn(Invoke<R>) -> bool + Send + Sync> =
                Box::new(tauri::generate_handler![$($module::$command),*]);
            move |invoke: Invoke<R>| {
                let none = serde_json::Value::Null;
                let invoked = Invoked {
                    name: invoke.message.command(),
                    arguments: match invoke.message.payload() {
                        InvokeBody::Json(arguments) => arguments,
                        InvokeBody::Raw(_) => &none,
                    },
                    app: invoke.message.webview_ref().app_handle(),
                };
                let prepared = None$(.or_else(|| $block::core_command(&invoked)))*;
                match prepared {
                    None => written(invoke),
                    Some(Ok(answer)) => {
                        invoke.resolver.respond_async_serialized(answer);
                        true
                    }
                    Some(Err(err)) => {
                        invoke.resolver.invoke_error(err);
                        true
                    }
                }
            }
        }
    };
}
include!(concat!(env!("OUT_DIR"), "/commands.rs"));
