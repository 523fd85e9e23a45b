//! `cowdesk dns check <domain> [--resolver ADDR] [--json]`: the mail DNS doctor on the
//! command line. Exit code 0 when nothing fails (warnings allowed), 2 when a check fails,
//! 1 when the check could not run (bad input, a resolver that cannot be reached).

mod sentence;

use std::io::IsTerminal;

use clap::{Args, Subcommand};
use cowdesk_core::model::{DnsProgress, DnsReport, DnsStatus, ErrorInfo, ErrorKind};

use crate::command::{Context, Run};
use crate::lang::Lang;
use crate::output::{self, print_json, SUCCESS};

/// Exit code of a check that ran and found a failure.
pub const EXIT_CHECK_FAILED: i32 = 2;

/// The mail DNS doctor.
#[derive(Args, Debug)]
pub struct Dns {
    #[command(subcommand)]
    command: DnsCommand,
}

#[derive(Subcommand, Debug)]
enum DnsCommand {
    /// Check a domain's mail DNS (MX, SPF, DKIM, DMARC, autoconfig) for the hosted mailcow.
    /// Exits with 2 when a check fails, with 1 when it cannot check.
    Check {
        /// The domain, e.g. example.de.
        domain: String,
        /// Ask this DNS server (ip or ip:port) instead of the system's resolver.
        #[arg(long, value_name = "ADDR")]
        resolver: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

impl Run for Dns {
    fn json(&self) -> bool {
        match &self.command {
            DnsCommand::Check { json, .. } => *json,
        }
    }

    /// "Could not check" is 1 whatever the reason: 2 means a check ran and failed.
    fn exit_code(kind: ErrorKind) -> i32 {
        output::always_refused(kind)
    }

    async fn run(self, ctx: &Context) -> Result<i32, ErrorInfo> {
        let DnsCommand::Check {
            domain,
            resolver,
            json,
        } = self.command;
        check(ctx, &domain, resolver.as_deref(), json).await
    }
}

async fn check(
    ctx: &Context,
    domain: &str,
    resolver: Option<&str>,
    json: bool,
) -> Result<i32, ErrorInfo> {
    let core = ctx.core().await?;
    // A resolver that does not answer at all would fail every check: say that instead.
    core.probe_dns(domain, resolver)
        .await
        .map_err(|e| e.info())?;
    let lang = ctx.lang;
    let show_progress = !json && std::io::stderr().is_terminal();
    let progress = move |p: DnsProgress| {
        if show_progress {
            let checking = lang.pick("checking", "prüfe");
            eprint!("\r{checking} {} {}/{}   ", p.step, p.done, p.total);
        }
    };
    let report = core
        .check_dns(domain, resolver, &progress)
        .await
        .map_err(|e| e.info())?;
    if show_progress {
        eprint!("\r{:40}\r", "");
    }
    if json {
        print_json(&report);
    } else {
        print!("{}", readable(&report, lang));
    }
    Ok(if report.status == DnsStatus::Fail {
        EXIT_CHECK_FAILED
    } else {
        SUCCESS
    })
}

fn readable(report: &DnsReport, lang: Lang) -> String {
    let mut out = String::new();
    let asked = match (&report.resolver, lang) {
        (Some(r), Lang::En) => format!("asked resolver {r}"),
        (Some(r), Lang::De) => format!("gefragt: Resolver {r}"),
        (None, Lang::En) => "asked the system resolver".to_owned(),
        (None, Lang::De) => "gefragt: der System-Resolver".to_owned(),
    };
    out.push_str(&lang.pick(
        format!("Mail DNS of {} ({asked})\n\n", report.domain),
        format!("Mail-DNS von {} ({asked})\n\n", report.domain),
    ));
    for finding in &report.findings {
        let status = match finding.status {
            DnsStatus::Pass => lang.pick("ok  ", "ok     "),
            DnsStatus::Warn => lang.pick("WARN", "WARNUNG"),
            DnsStatus::Fail => lang.pick("FAIL", "PROBLEM"),
        };
        out.push_str(&format!(
            "{status}  {:<10} {}\n",
            finding.check.as_str().to_uppercase(),
            sentence::sentence(finding, lang)
        ));
        if let Some(record) = &finding.record {
            let indent = " ".repeat(status.chars().count() + 13);
            out.push_str(&format!(
                "{indent}{} {} {} {}\n",
                lang.pick("publish:", "eintragen:"),
                record.name,
                record.record_type,
                record.value
            ));
        }
    }
    let count = |s: DnsStatus| report.findings.iter().filter(|f| f.status == s).count();
    let (failed, warnings, passed) = (
        count(DnsStatus::Fail),
        count(DnsStatus::Warn),
        count(DnsStatus::Pass),
    );
    out.push_str(&lang.pick(
        format!("\n{failed} failed, {warnings} warning(s), {passed} passed\n"),
        format!("\n{failed} mit Problem, {warnings} Warnung(en), {passed} in Ordnung\n"),
    ));
    out
}
