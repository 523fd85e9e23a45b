//! Changes on a mailcow: `mailbox add|set|password|delete`, `alias add|delete`. Each is
//! sent to the server, and only after the server said success is the connection read
//! back into the cache. A generated password is printed once and stored nowhere.

use clap::{Args, Subcommand};
use cowdesk_core::connections::{AliasInput, MailboxInput};
use cowdesk_core::error::CoreError;
use cowdesk_core::mailcow::{MailboxChange, MIB};
use cowdesk_core::model::{ErrorInfo, MailcowChangeOutcome};
use cowdesk_core::session::Core;

use crate::command::{Context, Run};
use crate::connections::secret_from_stdin;
use crate::lang::Lang;
use crate::output::{print_json, SUCCESS};

/// Add, change or delete a mailbox on a mailcow connection.
#[derive(Args, Debug)]
pub struct Mailbox {
    #[command(subcommand)]
    command: MailboxCommand,
    /// The connection to use (default: the one that has the address's domain).
    #[arg(long, global = true)]
    connection: Option<String>,
    #[arg(long, global = true)]
    json: bool,
}

#[derive(Subcommand, Debug)]
enum MailboxCommand {
    /// Create a mailbox; without --password-stdin a password is generated and shown once.
    Add {
        address: String,
        #[arg(long)]
        name: String,
        /// The quota in MiB, within the domain's allowance.
        #[arg(long)]
        quota_mib: u64,
        /// Read the mailbox password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
        /// Create it switched off.
        #[arg(long)]
        inactive: bool,
    },
    /// Change the name, the quota or whether the mailbox is active.
    Set {
        address: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        quota_mib: Option<u64>,
        #[arg(long)]
        active: Option<bool>,
    },
    /// Set a new password (from standard input, or generated and shown once).
    Password {
        address: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Delete a mailbox. Its mail is gone for good: confirm with --yes.
    Delete {
        address: String,
        #[arg(long)]
        yes: bool,
    },
}

/// Add or delete an alias on a mailcow connection.
#[derive(Args, Debug)]
pub struct Alias {
    #[command(subcommand)]
    command: AliasCommand,
    #[arg(long, global = true)]
    connection: Option<String>,
    #[arg(long, global = true)]
    json: bool,
}

#[derive(Subcommand, Debug)]
enum AliasCommand {
    /// Create an alias forwarding to one or more addresses.
    Add {
        /// `local@domain`, or `@domain` to catch all.
        address: String,
        /// The targets, separated by commas.
        #[arg(long, value_delimiter = ',', required = true)]
        to: Vec<String>,
        #[arg(long)]
        inactive: bool,
    },
    /// Delete an alias: confirm with --yes.
    Delete {
        address: String,
        #[arg(long)]
        yes: bool,
    },
}

fn print_outcome(outcome: &MailcowChangeOutcome, json: bool, lang: Lang) {
    if json {
        print_json(outcome);
        return;
    }
    println!("{}", lang.pick(&outcome.message, &outcome.message_de));
    if let Some(password) = &outcome.generated_password {
        println!(
            "{} {password}",
            lang.pick(
                "Password (shown only now, stored nowhere):",
                "Passwort (nur jetzt angezeigt, nirgends gespeichert):"
            )
        );
    }
    if let Some(err) = &outcome.reread_error {
        eprintln!(
            "{} {}",
            lang.pick(
                "Done, but reading the mailcow again failed; run cowdesk sync:",
                "Erledigt, aber das erneute Lesen des mailcow ist fehlgeschlagen; bitte cowdesk sync:"
            ),
            lang.message(err)
        );
    }
}

/// Refuses a deletion that was not confirmed, naming what would go.
async fn confirm_delete(
    core: &Core,
    address: &str,
    yes: bool,
    alias: bool,
) -> Result<(), ErrorInfo> {
    if yes {
        return Ok(());
    }
    let info = match alias {
        true => None,
        false => core
            .mailbox_entries(None)
            .await
            .map_err(|e| e.info())?
            .into_iter()
            .find(|m| m.address.eq_ignore_ascii_case(address.trim())),
    };
    let (en, de) = match info {
        Some(m) => (
            format!(
                "Deleting {} ({}, {} MiB of mail, {} messages) removes its mail for good. Add --yes to delete it.",
                m.address,
                m.name,
                m.used_bytes.div_ceil(MIB),
                m.messages.unwrap_or(0)
            ),
            format!(
                "Das Löschen von {} ({}, {} MiB E-Mail, {} Nachrichten) entfernt seine E-Mails endgültig. Zum Löschen --yes angeben.",
                m.address,
                m.name,
                m.used_bytes.div_ceil(MIB),
                m.messages.unwrap_or(0)
            ),
        ),
        None => (
            format!("Deleting {address} cannot be undone. Add --yes to delete it."),
            format!("Das Löschen von {address} lässt sich nicht rückgängig machen. Zum Löschen --yes angeben."),
        ),
    };
    Err(CoreError::field("yes", &en, &de).info())
}

impl Run for Mailbox {
    fn json(&self) -> bool {
        self.json
    }

    async fn run(self, ctx: &Context) -> Result<i32, ErrorInfo> {
        let core = ctx.core().await?;
        let connection = self.connection.as_deref();
        let outcome = match self.command {
            MailboxCommand::Add {
                address,
                name,
                quota_mib,
                password_stdin,
                inactive,
            } => {
                let password = match password_stdin {
                    true => Some(secret_from_stdin("password")?),
                    false => None,
                };
                let input = MailboxInput {
                    address,
                    name,
                    quota_mib,
                    password,
                    active: !inactive,
                };
                core.mailcow_add_mailbox(connection, input).await
            }
            MailboxCommand::Set {
                address,
                name,
                quota_mib,
                active,
            } => {
                let change = MailboxChange {
                    name,
                    quota_mib,
                    active,
                };
                core.mailcow_edit_mailbox(connection, &address, change)
                    .await
            }
            MailboxCommand::Password {
                address,
                password_stdin,
            } => {
                let password = match password_stdin {
                    true => Some(secret_from_stdin("password")?),
                    false => None,
                };
                core.mailcow_set_mailbox_password(connection, &address, password)
                    .await
            }
            MailboxCommand::Delete { address, yes } => {
                confirm_delete(&core, &address, yes, false).await?;
                core.mailcow_delete_mailbox(connection, &address).await
            }
        }
        .map_err(|e| e.info())?;
        print_outcome(&outcome, self.json, ctx.lang);
        Ok(SUCCESS)
    }
}

impl Run for Alias {
    fn json(&self) -> bool {
        self.json
    }

    async fn run(self, ctx: &Context) -> Result<i32, ErrorInfo> {
        let core = ctx.core().await?;
        let connection = self.connection.as_deref();
        let outcome = match self.command {
            AliasCommand::Add {
                address,
                to,
                inactive,
            } => {
                let input = AliasInput {
                    address,
                    targets: to,
                    active: !inactive,
                };
                core.mailcow_add_alias(connection, input).await
            }
            AliasCommand::Delete { address, yes } => {
                confirm_delete(&core, &address, yes, true).await?;
                core.mailcow_delete_alias(connection, &address).await
            }
        }
        .map_err(|e| e.info())?;
        print_outcome(&outcome, self.json, ctx.lang);
        Ok(SUCCESS)
    }
}
