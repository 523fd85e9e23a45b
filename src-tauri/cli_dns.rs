//! `cowdesk dns check <domain> [--resolver ADDR] [--json]`: the mail DNS doctor on the
//! command line. Exit code 0 when nothing fails (warnings allowed), 2 when a check fails,
//! 1 when the check could not run (bad input, no resolver).

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;

use clap::Subcommand;
use cowdesk_core::model::{DnsFinding, DnsProgress, DnsReport, DnsStatus, ErrorInfo};
use cowdesk_core::secrets::{KeyringSecretStore, SecretStore};
use cowdesk_core::session::Core;

const PROFILE: &str = "default";
/// Exit code of a check that ran and found a failure.
pub const EXIT_CHECK_FAILED: i32 = 2;

#[derive(Subcommand, Debug)]
pub enum DnsCommand {
    /// Check a domain's mail DNS (MX, SPF, DKIM, DMARC, autoconfig) for the hosted mailcow.
    /// Exits with 2 when a check fails.
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

impl DnsCommand {
    pub fn json(&self) -> bool {
        match self {
            DnsCommand::Check { json, .. } => *json,
        }
    }
}

pub async fn run(command: DnsCommand, data_dir: PathBuf) -> i32 {
    let json = command.json();
    match execute(command, data_dir).await {
        Ok(code) => code,
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

async fn execute(command: DnsCommand, data_dir: PathBuf) -> Result<i32, ErrorInfo> {
    let DnsCommand::Check {
        domain,
        resolver,
        json,
    } = command;
    let secrets: Arc<dyn SecretStore> = Arc::new(KeyringSecretStore::new());
    let core = Core::open(&data_dir, PROFILE, secrets)
        .await
        .map_err(|e| e.info())?;
    let show_progress = !json && std::io::stderr().is_terminal();
    let progress = move |p: DnsProgress| {
        if show_progress {
            eprint!("\rchecking {} {}/{}   ", p.step, p.done, p.total);
        }
    };
    let report = core
        .check_dns(&domain, resolver.as_deref(), &progress)
        .await
        .map_err(|e| e.info())?;
    if show_progress {
        eprint!("\r{:40}\r", "");
    }
    if json {
        print_json(&report);
    } else {
        print!("{}", human(&report));
    }
    Ok(if report.status == DnsStatus::Fail {
        EXIT_CHECK_FAILED
    } else {
        0
    })
}

fn human(report: &DnsReport) -> String {
    let mut out = String::new();
    let resolver = report
        .resolver
        .as_deref()
        .map(|r| format!("resolver {r}"))
        .unwrap_or_else(|| "the system resolver".to_owned());
    out.push_str(&format!(
        "Mail DNS of {} (asked {resolver})\n\n",
        report.domain
    ));
    for finding in &report.findings {
        let status = match finding.status {
            DnsStatus::Pass => "ok  ",
            DnsStatus::Warn => "WARN",
            DnsStatus::Fail => "FAIL",
        };
        out.push_str(&format!(
            "{status}  {:<10} {}\n",
            finding.check.as_str().to_uppercase(),
            sentence(finding)
        ));
        if let Some(record) = &finding.record {
            out.push_str(&format!(
                "                 publish: {} {} {}\n",
                record.name, record.record_type, record.value
            ));
        }
    }
    let count = |s: DnsStatus| report.findings.iter().filter(|f| f.status == s).count();
    out.push_str(&format!(
        "\n{} failed, {} warning(s), {} passed\n",
        count(DnsStatus::Fail),
        count(DnsStatus::Warn),
        count(DnsStatus::Pass)
    ));
    out
}

/// The finding in plain English (the window has the same sentences in English and German).
pub fn sentence(f: &DnsFinding) -> String {
    let p = |key: &str| f.params.get(key).cloned().unwrap_or_default();
    match f.code.as_str() {
        "mx_ok" => "Mail for this domain goes to hosted.mailcow.de.".into(),
        "mx_missing" => "There is no MX record, so no mail can arrive. Publish an MX record pointing to hosted.mailcow.de.".into(),
        "mx_wrong" => format!("The MX record points to {} instead of hosted.mailcow.de, so mail goes elsewhere.", p("found")),
        "spf_ok" => format!("SPF is set up correctly ({} of {} DNS lookups used).", p("lookups"), p("max")),
        "spf_missing" => "There is no SPF record. Receivers cannot tell which servers may send for this domain.".into(),
        "spf_multiple" => format!("There are {} SPF records; only one is allowed, so receivers ignore them all. Replace them with the one merged record.", p("count")),
        "spf_invalid" => format!("The SPF record contains an invalid term: {}.", p("term")),
        "spf_no_mailcow" => "The SPF record does not include spf.mailcow.de, so mail sent through mailcow may be rejected.".into(),
        "spf_too_many_lookups" => format!("The SPF record needs {} DNS lookups; at most {} are allowed, so receivers treat it as an error. Remove includes you no longer use, or replace them with ip4:/ip6: entries.", p("count"), p("max")),
        "spf_too_many_void_lookups" => format!("{} lookups of the SPF record return nothing; at most {} are allowed. Remove the entries that point to names without records.", p("count"), p("max")),
        "spf_include_loop" => format!("The SPF record includes {} in a loop. Remove the include that leads back.", p("domain")),
        "spf_include_broken" => format!("The SPF record includes {}, which has no single valid SPF record.", p("domain")),
        "spf_bad_all" => {
            let found = p("found");
            if found.is_empty() {
                "The SPF record does not end in ~all or -all.".into()
            } else {
                format!("The SPF record ends in {found}; it should end in ~all or -all.")
            }
        }
        "dkim_ok" => format!("The DKIM key at {} is valid ({} bits).", p("name"), p("bits")),
        "dkim_missing" => format!("There is no DKIM key at {}. Copy the DKIM record from the mailcow admin (Configuration → ARC/DKIM keys) and publish it.", p("name")),
        "dkim_multiple" => format!("There are {} DKIM records at {}; keep only mailcow's.", p("count"), p("name")),
        "dkim_too_weak" => format!("The DKIM key at {} has only {} bits; receivers reject keys under 1024 bits. Create a 2048-bit key in mailcow.", p("name"), p("bits")),
        "dkim_weak" => format!("The DKIM key at {} has {} bits; 2048 bits are recommended. Create a 2048-bit key in mailcow.", p("name"), p("bits")),
        "dkim_revoked" => format!("The DKIM key at {} is empty (revoked).", p("name")),
        "dkim_invalid" => format!("The DKIM record at {} is not valid ({}).", p("name"), p("reason")),
        "dmarc_ok" => format!("DMARC is set up (policy {}).", p("policy")),
        "dmarc_missing" => "There is no DMARC record. SPF and DKIM pass, so you can now publish one, starting with p=none.".into(),
        "dmarc_wait" => "There is no DMARC record. Publish one only once SPF and DKIM pass.".into(),
        "dmarc_multiple" => format!("There are {} DMARC records; only one is allowed.", p("count")),
        "dmarc_invalid" => match f.params.get("tag") {
            Some(tag) => format!("The DMARC record is not valid ({}: {tag}).", p("reason")),
            None => format!("The DMARC record is not valid ({}).", p("reason")),
        },
        "dmarc_too_early" => format!("DMARC asks receivers to {} mail that fails, but {} does not pass yet, so your own mail may be lost. Use p=none until it does.", p("policy"), p("missing").replace('_', " and ").to_uppercase()),
        "dmarc_no_rua" => "The DMARC record asks for no reports (rua=); add an address to see who sends as you.".into(),
        "autoconfig_ok" => format!("{} points to hosted.mailcow.de.", p("name")),
        "autoconfig_missing" => format!("{} is missing; mail apps cannot set themselves up. Publish a CNAME to hosted.mailcow.de.", p("name")),
        "autoconfig_wrong" => format!("{} points to {} instead of hosted.mailcow.de.", p("name"), p("found")),
        "lookup_failed" => format!("{} could not be looked up ({}).", p("name"), p("reason")),
        other => other.to_owned(),
    }
}

fn print_json<T: serde::Serialize>(value: &T) {
    match serde_json::to_string_pretty(value) {
        Ok(text) => println!("{text}"),
        Err(err) => eprintln!("cowdesk: cannot print JSON: {err}"),
    }
}
