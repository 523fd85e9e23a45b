//! `cowdesk mail`: a mailbox's client settings (`config`, no sign-in), and the mail
//! doctor over IMAP and SMTP with the mailbox password (`doctor`, `usage`, `empty-trash`).

mod config;
mod doctor;
mod print;

use clap::{Args, Subcommand};
use cowdesk_core::model::ErrorInfo;

use crate::command::{Context, Run};
use crate::output;

/// Mail client settings of the hosted mailcow, and the mail doctor.
#[derive(Args, Debug)]
pub struct Mail {
    #[command(subcommand)]
    command: MailCommand,
}

#[derive(Subcommand, Debug)]
enum MailCommand {
    /// Print the client configuration of a mailbox: the settings table, a Thunderbird
    /// autoconfig file or an Apple configuration profile (no password inside).
    Config(config::Config),
    /// Test a mailbox's IMAP (993, 143) and SMTP (465, 587) with its password, and show its
    /// quota and folders. Exit 0 when nothing failed, 2 when a check failed, 1 bad input.
    Doctor(doctor::Doctor),
    /// The mailbox's quota and every folder with its messages and size, over IMAP.
    Usage(doctor::Usage),
    /// Empty Trash and Junk: without --yes, only show what it would free.
    EmptyTrash(doctor::EmptyTrash),
}

impl Run for Mail {
    fn json(&self) -> bool {
        match &self.command {
            MailCommand::Config(_) => false,
            MailCommand::Doctor(d) => d.mailbox.json,
            MailCommand::Usage(u) => u.mailbox.json,
            MailCommand::EmptyTrash(e) => e.mailbox.json,
        }
    }

    /// `mail config` fails only on bad input; the doctor's commands choose their exit
    /// status themselves (0, 1 bad input, 2 a check failed).
    fn exit_code(kind: cowdesk_core::model::ErrorKind) -> i32 {
        output::always_refused(kind)
    }

    async fn run(self, ctx: &Context) -> Result<i32, ErrorInfo> {
        match self.command {
            MailCommand::Config(c) => c.run(ctx.lang),
            MailCommand::Doctor(d) => Ok(d.run(ctx.lang).await),
            MailCommand::Usage(u) => Ok(u.run(ctx.lang).await),
            MailCommand::EmptyTrash(e) => Ok(e.run(ctx.lang).await),
        }
    }
}
