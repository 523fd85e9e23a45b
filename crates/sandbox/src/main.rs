//! `cowdesk-sandbox`: the portal simulator (with its DNS server and DNS API double) as a
//! program of its own, on loopback. `cowdesk sandbox` runs it; the window's demo mode
//! starts it with `--control-stdin` and stops it by closing its standard input, so the
//! simulator is never part of the window's binary and never outlives the window.

use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;

use clap::Parser;
use cowdesk_sandbox::{DemoEvent, Sandbox, SandboxConfig, DEMO_EMAIL, DEMO_PASSWORD};
use tokio::io::{AsyncBufReadExt, BufReader};

/// The demo's sizes seam: mailboxes of every account when `--mailboxes` is not given
/// (the 10,000-mailbox measurement of the window's demo sets it).
const MAILBOXES_ENV: &str = "COWDESK_DEMO_MAILBOXES";

#[derive(Parser, Debug)]
#[command(
    name = "cowdesk-sandbox",
    version,
    about = "Run the simulator of cowdesk's portal contract on loopback until interrupted"
)]
struct Args {
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
    /// Mailboxes per account (default: $COWDESK_DEMO_MAILBOXES, else 12).
    #[arg(long)]
    mailboxes: Option<u32>,
    /// Further accounts shared with the demo user.
    #[arg(long)]
    extra_accounts: Option<u32>,
    /// Print the addresses and the demo login as JSON.
    #[arg(long)]
    json: bool,
    /// Stop when standard input closes, and read demo events from it, one per line
    /// (reminder, suspension, reactivation), answering each with a line of JSON.
    #[arg(long)]
    control_stdin: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    init_logging();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("cowdesk-sandbox: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("cowdesk-sandbox: {err}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging() {
    use tracing_subscriber::prelude::*;
    // `target=level` directives and a default level, as the window's and the command
    // line's `COWDESK_LOG` (crates/core/src/logging.rs).
    let filter = std::env::var("COWDESK_LOG")
        .ok()
        .and_then(|v| v.parse::<tracing_subscriber::filter::Targets>().ok())
        .unwrap_or_else(|| {
            tracing_subscriber::filter::Targets::new().with_default(tracing::Level::WARN)
        });
    tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
                .with_writer(std::io::stderr)
                .with_filter(filter),
        )
        .init();
}

fn config(args: &Args) -> SandboxConfig {
    let defaults = SandboxConfig::default();
    let mailboxes = args.mailboxes.or_else(|| {
        std::env::var(MAILBOXES_ENV)
            .ok()
            .and_then(|v| v.parse().ok())
    });
    SandboxConfig {
        seed: args.seed,
        invoices: args.invoices.unwrap_or(defaults.invoices),
        domains: args.domains.unwrap_or(defaults.domains),
        mailboxes: mailboxes.unwrap_or(defaults.mailboxes),
        extra_accounts: args.extra_accounts.unwrap_or(defaults.extra_accounts),
        ..defaults
    }
}

async fn run(args: Args) -> Result<(), String> {
    let addr = SocketAddr::from(([127, 0, 0, 1], args.port));
    let mut sandbox = Sandbox::start_on(addr, config(&args))
        .await
        .map_err(|e| format!("cannot start on {addr}: {e}"))?;
    let dns = sandbox
        .serve_dns()
        .await
        .map_err(|e| format!("cannot serve DNS: {e}"))?;
    if args.json {
        let info = serde_json::json!({
            "base_url": sandbox.base_url(),
            "email": DEMO_EMAIL,
            "password": DEMO_PASSWORD,
            "dns_resolver": dns.to_string(),
            "dns_api": sandbox.dns_api_url(),
        });
        let text = serde_json::to_string_pretty(&info).map_err(|e| e.to_string())?;
        println!("{text}");
    } else if german() {
        println!("cowdesk-Sandbox lauscht auf {}", sandbox.base_url());
        println!("Demo-Anmeldung: {DEMO_EMAIL} / {DEMO_PASSWORD}. Beenden mit Strg-C.");
        println!("DNS der Demo-Domains auf {dns} (cowdesk dns check DOMAIN --resolver {dns}).");
    } else {
        println!("cowdesk sandbox listening on {}", sandbox.base_url());
        println!("Demo login: {DEMO_EMAIL} / {DEMO_PASSWORD}. Stop with Ctrl-C.");
        println!("DNS of the demo domains on {dns} (cowdesk dns check DOMAIN --resolver {dns}).");
    }
    let _ = std::io::stdout().flush();
    if args.control_stdin {
        tokio::select! {
            _ = serve_control(&sandbox) => {}
            _ = shutdown_signal() => {}
        }
    } else {
        shutdown_signal().await;
    }
    sandbox.shutdown().await;
    Ok(())
}

/// Answers demo events from standard input until it closes (the window ended, however
/// it ended).
async fn serve_control(sandbox: &Sandbox) {
    let handle = sandbox.handle();
    let mut lines = BufReader::new(tokio::io::stdin()).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        let answer = match DemoEvent::parse(line.trim()) {
            None => serde_json::json!({ "ok": false, "error": "unknown_event" }),
            Some(event) if handle.demo_event(event) => serde_json::json!({ "ok": true }),
            Some(_) => serde_json::json!({ "ok": false, "error": "nothing_left" }),
        };
        let mut stdout = std::io::stdout().lock();
        if writeln!(stdout, "{answer}")
            .and_then(|()| stdout.flush())
            .is_err()
        {
            return;
        }
    }
}

async fn shutdown_signal() {
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

/// The language of LC_ALL, LC_MESSAGES or LANG (the first that is set) is German.
fn german() -> bool {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
        .is_some_and(|value| value.to_ascii_lowercase().starts_with("de"))
}
