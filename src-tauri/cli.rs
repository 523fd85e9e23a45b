//! `cowdesk <subcommand>`: the same core without a window, for scripts and tests.
//! Every subcommand prints a readable table, or JSON with `--json`.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use cowdesk_core::error::CoreError;
use cowdesk_core::model::{ErrorInfo, Invoice, SyncProgress};
use cowdesk_core::secrets::{KeyringSecretStore, SecretStore};
use cowdesk_core::session::Core;
use cowdesk_sandbox::{Sandbox, SandboxConfig, DEMO_EMAIL, DEMO_PASSWORD};
use serde::Serialize;

use crate::paths;

const PROFILE: &str = "default";

#[derive(Parser, Debug)]
#[command(
    name = "cowdesk",
    version,
    about = "Your Servercow account on the desktop"
)]
pub struct Args {
    /// Open the window in demo mode: a built-in sandbox, no account needed.
    #[arg(long)]
    pub demo: bool,
    /// Start in the tray without opening the window (start at login does this).
    #[arg(long)]
    pub hidden: bool,
    /// Folder of the local cache (default: the platform's data folder, or $COWDESK_DATA_DIR).
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the portal simulator on loopback until interrupted.
    Sandbox {
        /// Port on 127.0.0.1; 0 picks a free one.
        #[arg(long, default_value_t = 0)]
        port: u16,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Invoices per account.
        #[arg(long)]
        invoices: Option<u32>,
        /// Domains per account.
        #[arg(long)]
        domains: Option<u32>,
        /// Mailboxes per account.
        #[arg(long)]
        mailboxes: Option<u32>,
        /// Further accounts shared with the demo user.
        #[arg(long)]
        extra_accounts: Option<u32>,
        #[arg(long)]
        json: bool,
    },
    /// Sign in to the portal preview and keep the sign-in in the system keyring.
    /// Servercow's customer portal has no public API: the preview needs a server that
    /// speaks cowdesk's portal contract (docs/portal-api.yaml), such as `cowdesk sandbox`.
    Login {
        /// Address of a server that speaks the portal contract (there is no default).
        #[arg(long, value_name = "URL")]
        server: String,
        #[arg(long)]
        email: String,
        /// Read the password from the first line of standard input
        /// (else $COWDESK_PASSWORD, else a prompt).
        #[arg(long)]
        password_stdin: bool,
        #[arg(long)]
        json: bool,
    },
    /// Sign out: revoke the session, delete the keyring entry and the cached data.
    Logout {
        #[arg(long)]
        json: bool,
    },
    /// Fetch every account's data into the local cache.
    Sync {
        #[arg(long)]
        json: bool,
    },
    /// The accounts this login can see, from the cache.
    Accounts {
        #[arg(long)]
        json: bool,
    },
    /// Invoices of one account, from the cache.
    Invoices {
        /// Account id (default: the login's own account).
        #[arg(long)]
        account: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Who is signed in, which accounts are cached and how old their data is.
    Status {
        #[arg(long)]
        json: bool,
    },
    /// The mail DNS doctor.
    Dns {
        #[command(subcommand)]
        command: crate::cli_dns::DnsCommand,
    },
    /// Mail client settings of the hosted mailcow.
    Mail {
        #[command(subcommand)]
        command: MailCommand,
    },
}

#[derive(Subcommand, Debug)]
pub enum MailCommand {
    /// Print the client configuration of a mailbox: the settings table, a Thunderbird
    /// autoconfig file or an Apple configuration profile (no password inside).
    Config {
        /// The mailbox address, e.g. info@example.de.
        address: String,
        #[arg(long, value_enum, default_value_t = MailFormat::Table)]
        format: MailFormat,
    },
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum MailFormat {
    Thunderbird,
    Apple,
    Table,
}

impl Command {
    fn json(&self) -> bool {
        match self {
            Command::Sandbox { json, .. }
            | Command::Login { json, .. }
            | Command::Logout { json }
            | Command::Sync { json }
            | Command::Accounts { json }
            | Command::Invoices { json, .. }
            | Command::Status { json } => *json,
            Command::Mail { .. } => false,
            Command::Dns { command } => command.json(),
        }
    }
}

/// Runs one subcommand; returns the process exit code (0 ok, 1 failed).
pub fn run(command: Command, data_dir: Option<PathBuf>) -> i32 {
    let json = command.json();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("cowdesk: cannot start the async runtime: {err}");
            return 1;
        }
    };
    if let Command::Dns { command } = command {
        return runtime.block_on(crate::cli_dns::run(command, paths::data_dir(data_dir)));
    }
    match runtime.block_on(execute(command, paths::data_dir(data_dir))) {
        Ok(()) => 0,
        Err(info) => {
            if json {
                print_json(&info);
            } else {
                eprintln!("cowdesk: {}", info.message);
                for (field, problem) in &info.fields {
                    eprintln!("  {field}: {problem}");
                }
            }
            1
        }
    }
}

async fn execute(command: Command, data_dir: PathBuf) -> Result<(), ErrorInfo> {
    if let Command::Sandbox {
        port,
        seed,
        invoices,
        domains,
        mailboxes,
        extra_accounts,
        json,
    } = command
    {
        let defaults = SandboxConfig::default();
        let config = SandboxConfig {
            seed,
            invoices: invoices.unwrap_or(defaults.invoices),
            domains: domains.unwrap_or(defaults.domains),
            mailboxes: mailboxes.unwrap_or(defaults.mailboxes),
            extra_accounts: extra_accounts.unwrap_or(defaults.extra_accounts),
            ..defaults
        };
        return run_sandbox(port, config, json).await;
    }

    if let Command::Mail {
        command: MailCommand::Config { address, format },
    } = &command
    {
        print!("{}", mail_config(address, *format)?);
        return Ok(());
    }

    let secrets: Arc<dyn SecretStore> = Arc::new(KeyringSecretStore::new());
    let core = Core::open(&data_dir, PROFILE, secrets)
        .await
        .map_err(|e| e.info())?;
    match command {
        Command::Sandbox { .. } | Command::Mail { .. } | Command::Dns { .. } => Ok(()),
        Command::Login {
            server,
            email,
            password_stdin,
            json,
        } => {
            // Refused before a password is asked for: it would go nowhere.
            cowdesk_core::portal::preview_server(&server).map_err(|e| e.info())?;
            let password = read_password(password_stdin)?;
            let info = core
                .login(&server, &email, &password, false)
                .await
                .map_err(|e| e.info())?;
            if json {
                print_json(&info);
            } else {
                println!("Signed in as {} at {}.", info.email, info.server);
                if !info.remembered {
                    println!("The system keyring is not available: sign in again next time.");
                }
            }
            Ok(())
        }
        Command::Logout { json } => {
            core.logout().await.map_err(|e| e.info())?;
            if json {
                print_json(&serde_json::json!({ "signed_out": true }));
            } else {
                println!("Signed out; the keyring entry and the cached data are removed.");
            }
            Ok(())
        }
        Command::Sync { json } => {
            require_login(&core).await?;
            let show_progress = !json && std::io::stderr().is_terminal();
            let progress = move |p: SyncProgress| {
                if show_progress {
                    eprint!("\r{} {}/{}  ", p.account_id, p.done, p.total);
                }
            };
            let outcomes = core.sync_all(&progress).await.map_err(|e| e.info())?;
            if show_progress {
                eprintln!();
            }
            if json {
                print_json(&outcomes);
            } else {
                for o in &outcomes {
                    match &o.error {
                        None => println!(
                            "{}: {} changed, {} unchanged, {} not permitted, {} requests",
                            o.account_id,
                            o.changed.len(),
                            o.unchanged.len(),
                            o.not_permitted.len(),
                            o.requests
                        ),
                        Some(err) => println!("{}: failed: {}", o.account_id, err.message),
                    }
                }
            }
            if let Some(err) = outcomes.iter().find_map(|o| o.error.clone()) {
                return Err(err);
            }
            Ok(())
        }
        Command::Accounts { json } => {
            require_login(&core).await?;
            let accounts = core.accounts().await.map_err(|e| e.info())?;
            if json {
                print_json(&accounts);
            } else {
                for s in &accounts {
                    let a = &s.account;
                    let whose = if a.is_own { "own" } else { "shared" };
                    let synced = s
                        .last_synced
                        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
                        .unwrap_or_else(|| "never synced".to_owned());
                    println!(
                        "{:<14} {:<8} {:<32} {:<6} {:<14} {}",
                        a.id, a.customer_number, a.name, whose, a.role.name, synced
                    );
                }
            }
            Ok(())
        }
        Command::Invoices { account, json } => {
            require_login(&core).await?;
            let account_id = match account {
                Some(id) => id,
                None => own_account(&core).await?,
            };
            let listing = core.invoices(&account_id).await.map_err(|e| e.info())?;
            if json {
                print_json(&listing);
            } else if !listing.permitted {
                println!("Your role on {account_id} does not include invoices.");
            } else if listing.items.is_empty() {
                println!("No invoices for {account_id}.");
            } else {
                for invoice in &listing.items {
                    println!("{}", invoice_line(invoice));
                }
            }
            Ok(())
        }
        Command::Status { json } => {
            let status = core.status().await.map_err(|e| e.info())?;
            if json {
                print_json(&status);
            } else {
                match &status.login {
                    Some(login) => println!("Signed in as {} at {}", login.email, login.server),
                    None => println!("Not signed in."),
                }
                println!("Cache: {}", status.database);
                for s in &status.accounts {
                    let synced = s
                        .last_synced
                        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
                        .unwrap_or_else(|| "never".to_owned());
                    println!(
                        "  {} ({}): last synced {synced}, {} overdue",
                        s.account.name, s.account.id, s.overdue_count
                    );
                }
            }
            Ok(())
        }
    }
}

async fn run_sandbox(port: u16, config: SandboxConfig, json: bool) -> Result<(), ErrorInfo> {
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let mut sandbox = Sandbox::start_on(addr, config)
        .await
        .map_err(|e| crate::commands::error::internal(&format!("sandbox: {e}")))?;
    let dns = sandbox
        .serve_dns()
        .await
        .map_err(|e| crate::commands::error::internal(&format!("sandbox DNS: {e}")))?;
    if json {
        print_json(&serde_json::json!({
            "base_url": sandbox.base_url(),
            "email": DEMO_EMAIL,
            "password": DEMO_PASSWORD,
            "dns_resolver": dns.to_string(),
            "dns_api": sandbox.dns_api_url(),
        }));
    } else {
        println!("cowdesk sandbox listening on {}", sandbox.base_url());
        println!("Demo login: {DEMO_EMAIL} / {DEMO_PASSWORD}. Stop with Ctrl-C.");
        println!("DNS of the demo domains on {dns} (cowdesk dns check DOMAIN --resolver {dns}).");
    }
    let _ = std::io::stdout().flush();
    wait_for_shutdown_signal().await;
    sandbox.shutdown().await;
    Ok(())
}

async fn wait_for_shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

fn read_password(from_stdin: bool) -> Result<String, ErrorInfo> {
    let missing = || {
        crate::commands::error::invalid_input(
            "password",
            "No password given: use --password-stdin, $COWDESK_PASSWORD or a terminal prompt.",
            "Kein Passwort angegeben: --password-stdin, $COWDESK_PASSWORD oder Eingabe im Terminal.",
        )
    };
    if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|_| missing())?;
        let password = line.trim_end_matches(['\r', '\n']).to_owned();
        return if password.is_empty() {
            Err(missing())
        } else {
            Ok(password)
        };
    }
    if let Ok(password) = std::env::var("COWDESK_PASSWORD") {
        if !password.is_empty() {
            return Ok(password);
        }
    }
    if std::io::stdin().is_terminal() {
        return rpassword::prompt_password("Password: ").map_err(|_| missing());
    }
    Err(missing())
}

async fn require_login(core: &Core) -> Result<(), ErrorInfo> {
    core.resume().await.map_err(|e| e.info())?;
    if core.login_info().is_none() {
        return Err(CoreError::NotSignedIn.info());
    }
    Ok(())
}

async fn own_account(core: &Core) -> Result<String, ErrorInfo> {
    let accounts = core.accounts().await.map_err(|e| e.info())?;
    accounts
        .iter()
        .find(|s| s.account.is_own)
        .or(accounts.first())
        .map(|s| s.account.id.clone())
        .ok_or_else(|| CoreError::NotSignedIn.info())
}

fn invoice_line(invoice: &Invoice) -> String {
    let status = serde_json::to_value(invoice.status)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    let reminder = match invoice.dunning_level {
        0 => String::new(),
        level => format!("reminder level {level}"),
    };
    format!(
        "{:<16} issued {}  due {}  {:>12} {}  {:<9} {}",
        invoice.number,
        invoice.issue_date,
        invoice.due_date,
        format_cents(invoice.amount_cents),
        invoice.currency,
        status,
        reminder
    )
}

/// 123456 -> "1,234.56"
fn format_cents(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let cents = cents.unsigned_abs();
    let whole = (cents / 100).to_string();
    let mut grouped = String::new();
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    format!("{sign}{grouped}.{:02}", cents % 100)
}

fn print_json<T: Serialize>(value: &T) {
    match serde_json::to_string_pretty(value) {
        Ok(text) => println!("{text}"),
        Err(err) => eprintln!("cowdesk: cannot print JSON: {err}"),
    }
}

/// `cowdesk mail config`: needs no sign-in, only an address the mailcow accepts.
fn mail_config(address: &str, format: MailFormat) -> Result<String, ErrorInfo> {
    use cowdesk_core::mailconfig::{mailbox_file, ConfigFormat, MailAccount};
    let address = cowdesk_core::validate::mailbox_address(address).map_err(|e| e.info())?;
    let format = match format {
        MailFormat::Thunderbird => ConfigFormat::Thunderbird,
        MailFormat::Apple => ConfigFormat::Apple,
        MailFormat::Table => ConfigFormat::Table,
    };
    let account = MailAccount {
        address,
        name: String::new(),
    };
    mailbox_file(&account, format)
        .map(|file| file.contents)
        .map_err(|e| e.info())
}

#[cfg(test)]
mod tests {
    use super::format_cents;

    #[test]
    fn cents_are_grouped_by_thousands() {
        assert_eq!(format_cents(0), "0.00");
        assert_eq!(format_cents(5), "0.05");
        assert_eq!(format_cents(123_456), "1,234.56");
        assert_eq!(format_cents(100_000_000), "1,000,000.00");
        assert_eq!(format_cents(-1999), "-19.99");
    }
}
