//! `cowdesk`: the command line over cowdesk-core, for scripts and terminals. It links no
//! GTK or WebKit and opens nothing it does not need, so a command starts in milliseconds.
//! Without a subcommand it starts the window, `cowdesk-window`, with the same arguments.
//!
//! Adding a command group: a module with a clap `Args` type that implements
//! [`command::Run`], and one line in `commands!` below.

mod account;
mod bounce;
mod changes;
mod command;
mod connections;
mod dns;
mod import;
mod lang;
mod launch;
mod mail;
mod mailboxes;
mod output;
mod sandbox;
mod secret;
mod session;
mod ticket;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::command::Context;

#[derive(Parser, Debug)]
#[command(
    name = "cowdesk",
    version,
    about = "Your Servercow account on the desktop",
    after_help = "Without a command, cowdesk opens its window (cowdesk-window)."
)]
struct Cli {
    /// Open the window in demo mode: a built-in sandbox, no account needed.
    #[arg(long)]
    demo: bool,
    /// Start in the tray without opening the window (start at login does this).
    #[arg(long)]
    hidden: bool,
    /// Folder of the local cache (default: the platform's data folder, or $COWDESK_DATA_DIR).
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

/// The command groups, one line each: the variant names the subcommand (`Login` is
/// `cowdesk login`), the type holds its arguments and runs it.
macro_rules! commands {
    ($($name:ident($args:ty),)*) => {
        #[derive(Subcommand, Debug)]
        enum Command {
            $($name($args),)*
        }

        impl Command {
            fn execute(self, ctx: &Context) -> i32 {
                match self {
                    $(Command::$name(args) => command::execute(args, ctx),)*
                }
            }
        }
    };
}

commands! {
    Sandbox(sandbox::SandboxArgs),
    Login(session::Login),
    Logout(session::Logout),
    Sync(account::Sync),
    Accounts(account::Accounts),
    Invoices(account::Invoices),
    Status(session::Status),
    Dns(dns::Dns),
    Mail(mail::Mail),
    Bounce(bounce::Bounce),
    Secret(secret::Secret),
    Ticket(ticket::Ticket),
    Connect(connections::Connect),
    Connections(connections::Connections),
    Disconnect(connections::Disconnect),
    Mailboxes(mailboxes::Mailboxes),
    Mailbox(changes::Mailbox),
    Alias(changes::Alias),
    Mailcow(import::MailcowCommand),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            usage_error(&err);
            // `--help` and `--version` are not failures; a wrong flag or value is bad
            // input (1), never 2, which some commands use for "a check failed".
            let code = if err.use_stderr() {
                output::REFUSED
            } else {
                output::SUCCESS
            };
            return ExitCode::from(u8::try_from(code).unwrap_or(1));
        }
    };
    let ctx = Context::new(cli.data_dir);
    let code = match cli.command {
        Some(command) => {
            cowdesk_core::logging::init();
            command.execute(&ctx)
        }
        // `--demo`, `--hidden`, `--data-dir` or nothing: the window, with the arguments
        // exactly as given.
        None => launch::window(std::env::args_os().skip(1), ctx.lang),
    };
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}

/// A wrong flag or value: clap's words on standard error, or with `--json` an error
/// object on standard output like every other failure.
fn usage_error(err: &clap::Error) {
    let json = std::env::args().any(|a| a == "--json");
    if !(json && err.use_stderr()) {
        let _ = err.print();
        return;
    }
    let text = err.to_string();
    let first = text
        .lines()
        .next()
        .unwrap_or_default()
        .trim_start_matches("error: ")
        .to_owned();
    let info = cowdesk_core::error::CoreError::input(
        format!("Invalid command line: {first}"),
        format!("Ungültiger Aufruf: {first}"),
    )
    .info();
    output::print_json(&info);
}
