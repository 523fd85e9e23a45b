//! What every command shares: the context (cache folder, language) and the way a command
//! runs, reports its error and ends with an exit code.

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;

use cowdesk_core::error::CoreError;
use cowdesk_core::model::{ErrorInfo, ErrorKind};
use cowdesk_core::paths::{self, DEFAULT_PROFILE};
use cowdesk_core::secrets::{KeyringSecretStore, SecretStore};
use cowdesk_core::session::Core;

use crate::lang::Lang;
use crate::output;

/// One command. `run` gives the exit code of a success (0, or a command's own such as
/// `dns check`'s 2 for a failed check); an error is printed and ends with `exit_code`.
pub trait Run {
    /// Errors as JSON on standard output (`--json`), else readable on standard error.
    fn json(&self) -> bool {
        false
    }

    /// The exit code of a failure of `kind`: 1 bad input or refused, 2 server or network
    /// trouble ([`output::exit_code`]). Commands older than that rule say 1 for all.
    fn exit_code(kind: ErrorKind) -> i32 {
        output::exit_code(kind)
    }

    fn run(self, ctx: &Context) -> impl Future<Output = Result<i32, ErrorInfo>>;
}

/// Runs `command` on a single-threaded runtime: a command does one thing at a time, and
/// starting no worker threads is part of starting fast.
pub fn execute<C: Run>(command: C, ctx: &Context) -> i32 {
    let json = command.json();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("cowdesk: cannot start the async runtime: {err}");
            return output::REFUSED;
        }
    };
    match runtime.block_on(command.run(ctx)) {
        Ok(code) => code,
        Err(info) => {
            output::report(&info, json, ctx.lang);
            C::exit_code(info.kind)
        }
    }
}

/// What a command may need; nothing is opened until a command asks for it.
pub struct Context {
    data_dir: Option<PathBuf>,
    pub lang: Lang,
}

impl Context {
    pub fn new(data_dir: Option<PathBuf>) -> Context {
        Context {
            data_dir,
            lang: Lang::from_env(),
        }
    }

    /// `--data-dir`, else `$COWDESK_DATA_DIR`, else the platform's data folder.
    pub fn data_dir(&self) -> PathBuf {
        paths::data_dir(self.data_dir.clone())
    }

    /// Whether the default profile has a cache file yet (a command that only reads it
    /// need not make one).
    pub fn cache_exists(&self) -> bool {
        self.data_dir()
            .join(format!("{DEFAULT_PROFILE}.sqlite"))
            .is_file()
    }

    /// The cache of the default profile. The keyring is reached only when a command
    /// reads or writes a secret.
    pub async fn core(&self) -> Result<Core, ErrorInfo> {
        let secrets: Arc<dyn SecretStore> = Arc::new(KeyringSecretStore::new());
        let core = Core::open(&self.data_dir(), DEFAULT_PROFILE, secrets)
            .await
            .map_err(|e| e.info())?;
        if let Some(kept) = core.damaged_cache() {
            // On standard error, so that a command's JSON on standard output stays whole.
            let said = self.lang.pick(
                "The local cache was damaged and could not be read; it is kept as {path} and a new one was started. Sign in again.",
                "Der lokale Zwischenspeicher war beschädigt und nicht lesbar; er liegt jetzt unter {path}, ein neuer wurde angelegt. Melden Sie sich erneut an.",
            );
            eprintln!(
                "cowdesk: {}",
                said.replace("{path}", &kept.display().to_string())
            );
        }
        Ok(core)
    }

    /// The cache with the stored sign-in resumed; `not_signed_in` without one.
    pub async fn signed_in_core(&self) -> Result<Core, ErrorInfo> {
        let core = self.core().await?;
        core.resume().await.map_err(|e| e.info())?;
        if core.login_info().is_none() {
            return Err(CoreError::NotSignedIn.info());
        }
        Ok(core)
    }
}
