//! `cowdesk sandbox [FLAGS]`: runs `cowdesk-sandbox` with the flags as given (see
//! `cowdesk sandbox --help`); the simulator is a program of its own, not part of this one.

use std::ffi::OsString;

use clap::Args;
use cowdesk_core::model::ErrorInfo;

use crate::command::{Context, Run};
use crate::launch;

/// Run the portal simulator on loopback until interrupted.
#[derive(Args, Debug)]
#[command(disable_help_flag = true)]
pub struct SandboxArgs {
    /// The flags of cowdesk-sandbox: --port, --seed, --invoices, --domains, --mailboxes,
    /// --extra-accounts, --json (--help lists them).
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "FLAGS"
    )]
    flags: Vec<OsString>,
}

impl Run for SandboxArgs {
    async fn run(self, ctx: &Context) -> Result<i32, ErrorInfo> {
        Ok(launch::sandbox(self.flags, ctx.lang))
    }
}
