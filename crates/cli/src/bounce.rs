//! `cowdesk bounce explain FILE|-`: reads a bounce (a file, or standard input for `-`)
//! and says why the mail was not delivered and what to do, no sign-in needed. Exit 0 when
//! the input is a mail message, 1 when it is not (or cannot be read).

use std::io::Read;
use std::path::PathBuf;

use clap::{Args, Subcommand};
use cowdesk_core::error::CoreError;
use cowdesk_core::model::{BounceExplanation, ErrorInfo, ErrorKind};
use cowdesk_core::support::{
    explain_bounce, BounceContext, BounceError, BounceSummary, MAX_BOUNCE_BYTES,
};

use crate::command::{Context, Run};
use crate::lang::Lang;
use crate::output::{self, print_json, SUCCESS};

/// Explain a bounce (a non-delivery report).
#[derive(Args, Debug)]
pub struct Bounce {
    #[command(subcommand)]
    command: BounceCommand,
}

#[derive(Subcommand, Debug)]
enum BounceCommand {
    /// Why a mail was not delivered: the reason, the codes, the servers, and what to do.
    Explain {
        /// The bounce as a file (.eml), or `-` for standard input.
        #[arg(value_name = "FILE|-")]
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
}

impl Run for Bounce {
    fn json(&self) -> bool {
        let BounceCommand::Explain { json, .. } = &self.command;
        *json
    }

    /// Whatever fails here is the input: not a message, or not readable.
    fn exit_code(kind: ErrorKind) -> i32 {
        output::always_refused(kind)
    }

    async fn run(self, ctx: &Context) -> Result<i32, ErrorInfo> {
        let BounceCommand::Explain { file, json } = self.command;
        let input = read_input(&file)?;
        let context = own_domains(ctx).await;
        let explained =
            explain_bounce(&input, &context).map_err(|e: BounceError| CoreError::from(e).info())?;
        if json {
            print_json(&BounceSummary::from(&explained));
        } else {
            print_explanation(&explained, ctx.lang);
        }
        Ok(SUCCESS)
    }
}

/// The profile's own mail domains from its cache, so that "mailbox full" at one of them
/// points to the mail doctor's usage view. Without a cache (nothing synced yet) or when it
/// cannot be read, the bounce is explained without them: no cache is made for this, and
/// the keyring is not asked.
async fn own_domains(ctx: &Context) -> BounceContext {
    if !ctx.cache_exists() {
        return BounceContext::default();
    }
    let Ok(core) = ctx.core().await else {
        return BounceContext::default();
    };
    let account = core.own_account_id().await.ok();
    core.bounce_context(account.as_deref())
        .await
        .unwrap_or_default()
}

/// The bounce, at most `MAX_BOUNCE_BYTES` of it (no bounce is larger).
fn read_input(file: &PathBuf) -> Result<Vec<u8>, ErrorInfo> {
    let limit = u64::try_from(MAX_BOUNCE_BYTES).unwrap_or(u64::MAX);
    let mut input = Vec::new();
    let read = if file.as_os_str() == "-" {
        std::io::stdin().lock().take(limit).read_to_end(&mut input)
    } else {
        std::fs::File::open(file).and_then(|f| f.take(limit).read_to_end(&mut input))
    };
    read.map_err(|err| {
        let shown = file.display();
        CoreError::field(
            "file",
            &format!("{shown} cannot be read: {err}."),
            &format!("{shown} lässt sich nicht lesen: {err}."),
        )
        .info()
    })?;
    Ok(input)
}

fn print_explanation(e: &BounceExplanation, lang: Lang) {
    let kind = match e.permanent {
        true => lang.pick("permanent failure", "endgültiger Fehler"),
        false => lang.pick("temporary failure", "vorübergehender Fehler"),
    };
    println!(
        "{}: {} ({kind})",
        lang.pick("Reason", "Grund"),
        e.reason.as_str()
    );
    println!("{}", lang.pick(&e.explanation_en, &e.explanation_de));
    println!();
    let none = lang.pick("none found", "nicht gefunden");
    let rows = [
        (lang.pick("Recipient", "Empfänger"), e.recipient.clone()),
        (lang.pick("Status", "Status"), e.status.clone()),
        (
            lang.pick("SMTP reply", "SMTP-Antwort"),
            e.reply_code.map(|c| c.to_string()),
        ),
        (
            lang.pick("Reported by", "Gemeldet von"),
            e.reporting_mta.clone(),
        ),
        (
            lang.pick("Remote server", "Empfangender Server"),
            e.remote_mta.clone(),
        ),
        (
            lang.pick("Server said", "Server sagte"),
            e.diagnostic.clone(),
        ),
    ];
    let width = rows
        .iter()
        .map(|(l, _)| l.chars().count())
        .max()
        .unwrap_or(0);
    for (label, value) in rows {
        let value = value.unwrap_or_else(|| none.to_owned());
        println!("{label:<width$}  {value}");
    }
}
