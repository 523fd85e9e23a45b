//! `cowdesk mailboxes`: every mailbox of the profile from the cache, merged over the
//! mailcow connections and the portal preview, one row per address with its source.

use clap::Args;
use cowdesk_core::model::{ErrorInfo, MailboxEntry, MailboxSource};

use crate::command::{Context, Run};
use crate::lang::Lang;
use crate::output::{print_json, SUCCESS};

/// The mailboxes of every connection, from the cache (`cowdesk sync` refreshes it).
#[derive(Args, Debug)]
pub struct Mailboxes {
    /// Only the mailboxes of this domain.
    #[arg(long)]
    domain: Option<String>,
    #[arg(long)]
    json: bool,
}

/// Bytes as MiB with one decimal.
fn mib(bytes: u64) -> String {
    format!("{:.1}", bytes as f64 / (1024.0 * 1024.0))
}

fn source(s: MailboxSource) -> &'static str {
    match s {
        MailboxSource::Mailcow => "mailcow",
        MailboxSource::Portal => "portal",
        MailboxSource::MailcowAndPortal => "mailcow+portal",
    }
}

fn line(m: &MailboxEntry, lang: Lang) -> String {
    let percent = m
        .percent
        .map(|p| format!("{p} %"))
        .unwrap_or_else(|| "-".into());
    let messages = m
        .messages
        .map(|n| n.to_string())
        .unwrap_or_else(|| "-".into());
    let active = match m.active {
        true => lang.pick("active", "aktiv"),
        false => lang.pick("inactive", "inaktiv"),
    };
    format!(
        "{:<36} {:<24} {:>10} {:>10} {:>6} {:>8} {:<8} {}",
        m.address,
        m.name,
        mib(m.used_bytes),
        mib(m.quota_bytes),
        percent,
        messages,
        active,
        source(m.source)
    )
}

impl Run for Mailboxes {
    fn json(&self) -> bool {
        self.json
    }

    async fn run(self, ctx: &Context) -> Result<i32, ErrorInfo> {
        let core = ctx.core().await?;
        let rows = core
            .mailbox_entries(self.domain.as_deref())
            .await
            .map_err(|e| e.info())?;
        if self.json {
            print_json(&rows);
            return Ok(SUCCESS);
        }
        let lang = ctx.lang;
        println!(
            "{:<36} {:<24} {:>10} {:>10} {:>6} {:>8} {:<8} {}",
            lang.pick("address", "Adresse"),
            lang.pick("name", "Name"),
            lang.pick("used MiB", "belegt MiB"),
            lang.pick("quota MiB", "Quota MiB"),
            "%",
            lang.pick("messages", "Mails"),
            lang.pick("state", "Status"),
            lang.pick("source", "Quelle"),
        );
        for m in &rows {
            println!("{}", line(m, lang));
        }
        Ok(SUCCESS)
    }
}
