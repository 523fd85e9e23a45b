//! `cowdesk mailcow import FILE.csv`: mailboxes or aliases from a CSV file
//! (docs/MAILCOW-CSV.md), planned against the server, then applied row by row with
//! progress; Ctrl-C stops after the current row. Generated passwords go to
//! `--passwords-out` (mode 0600) or are printed once.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use clap::{Args, Subcommand};
use cowdesk_core::connections::ImportOptions;
use cowdesk_core::model::{
    ErrorInfo, ImportAction, ImportOutcome, ImportProgress, ImportReport, ImportRow,
};

use crate::command::{Context, Run};
use crate::lang::Lang;
use crate::output::{print_json, REFUSED, SUCCESS, TROUBLE};

/// mailcow tools.
#[derive(Args, Debug)]
pub struct MailcowCommand {
    #[command(subcommand)]
    command: Tool,
}

#[derive(Subcommand, Debug)]
enum Tool {
    /// Create mailboxes or aliases from a CSV file. Exits 0 when every row to create was
    /// created (rows that are bad, conflict or exist already are reported and left
    /// alone), 1 when the server refused a row or the run was cancelled, 2 when the
    /// connection failed.
    Import(Import),
}

#[derive(Args, Debug)]
struct Import {
    /// The CSV file (columns: docs/MAILCOW-CSV.md).
    file: PathBuf,
    /// Only show what each row would do; nothing is sent.
    #[arg(long)]
    dry_run: bool,
    /// Write generated passwords to this file (address,password; readable only by you).
    /// Without it they are printed once.
    #[arg(long, value_name = "FILE")]
    passwords_out: Option<PathBuf>,
    /// The connection to use (default: the one with the file's domains).
    #[arg(long)]
    connection: Option<String>,
    #[arg(long)]
    json: bool,
}

fn action(a: ImportAction, lang: Lang) -> &'static str {
    match a {
        ImportAction::Create => lang.pick("create", "anlegen"),
        ImportAction::Unchanged => lang.pick("unchanged", "unverändert"),
        ImportAction::Conflict => lang.pick("conflict", "Konflikt"),
        ImportAction::Bad => lang.pick("bad", "fehlerhaft"),
    }
}

fn outcome(o: ImportOutcome, lang: Lang) -> &'static str {
    match o {
        ImportOutcome::Created => lang.pick("created", "angelegt"),
        ImportOutcome::Unchanged => lang.pick("unchanged", "unverändert"),
        ImportOutcome::Skipped => lang.pick("skipped", "ausgelassen"),
        ImportOutcome::Failed => lang.pick("failed", "fehlgeschlagen"),
        ImportOutcome::NotRun => lang.pick("not run", "nicht ausgeführt"),
    }
}

fn print_row(row: &ImportRow, lang: Lang) {
    let what = match row.outcome {
        Some(o) => outcome(o, lang),
        None => action(row.action, lang),
    };
    println!(
        "{} {:>5}  {:<40} {}",
        lang.pick("line", "Zeile"),
        row.line,
        row.address,
        what
    );
    for reason in &row.reasons {
        let field = reason
            .field
            .as_deref()
            .map(|f| format!("{f}: "))
            .unwrap_or_default();
        println!(
            "             {field}{}",
            lang.pick(&reason.message, &reason.message_de)
        );
    }
}

fn print_report(report: &ImportReport, lang: Lang) {
    for row in &report.rows {
        // A plan shows every row; an applied run what did not simply go through.
        let routine = matches!(
            row.outcome,
            Some(ImportOutcome::Created | ImportOutcome::Unchanged)
        );
        if !routine {
            print_row(row, lang);
        }
    }
    let c = &report.counts;
    println!(
        "{}",
        lang.pick(
            format!(
                "{} to create, {} unchanged, {} conflicts, {} bad rows",
                c.create, c.unchanged, c.conflict, c.bad
            ),
            format!(
                "{} anzulegen, {} unverändert, {} Konflikte, {} fehlerhafte Zeilen",
                c.create, c.unchanged, c.conflict, c.bad
            ),
        )
    );
    if report.dry_run {
        println!(
            "{}",
            lang.pick(
                "Dry run: nothing was sent.",
                "Probelauf: Es wurde nichts gesendet."
            )
        );
        return;
    }
    println!(
        "{}",
        lang.pick(
            format!(
                "{} created, {} refused, {} not run{}",
                c.created,
                c.failed,
                c.not_run,
                if report.cancelled { " (cancelled)" } else { "" }
            ),
            format!(
                "{} angelegt, {} abgelehnt, {} nicht ausgeführt{}",
                c.created,
                c.failed,
                c.not_run,
                if report.cancelled {
                    " (abgebrochen)"
                } else {
                    ""
                }
            ),
        )
    );
    if let Some(file) = &report.passwords_file {
        println!(
            "{} {file}",
            lang.pick(
                "Generated passwords are in",
                "Die erzeugten Passwörter stehen in"
            )
        );
    }
    if !report.generated.is_empty() {
        println!(
            "{}",
            lang.pick(
                "Generated passwords (shown only now, stored nowhere):",
                "Erzeugte Passwörter (nur jetzt angezeigt, nirgends gespeichert):"
            )
        );
        for g in &report.generated {
            println!("  {}  {}", g.address, g.password);
        }
    }
}

impl Run for MailcowCommand {
    fn json(&self) -> bool {
        let Tool::Import(import) = &self.command;
        import.json
    }

    async fn run(self, ctx: &Context) -> Result<i32, ErrorInfo> {
        let Tool::Import(args) = self.command;
        let core = ctx.core().await?;
        let cancel = Arc::new(AtomicBool::new(false));
        let on_interrupt = cancel.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                on_interrupt.store(true, Ordering::SeqCst);
            }
        });
        let show = !args.json && std::io::stderr().is_terminal();
        let lang = ctx.lang;
        let progress = move |p: ImportProgress| {
            if show {
                eprint!(
                    "\r{} {}/{}  {:<40}",
                    lang.pick("row", "Zeile"),
                    p.done,
                    p.total,
                    p.address
                );
            }
        };
        let report = core
            .mailcow_import(
                &args.file,
                ImportOptions {
                    connection: args.connection.as_deref(),
                    dry_run: args.dry_run,
                    passwords_out: args.passwords_out.clone(),
                    progress: &progress,
                    cancel: &cancel,
                },
            )
            .await
            .map_err(|e| e.info())?;
        if show && !args.dry_run {
            eprintln!();
        }
        if args.json {
            print_json(&report);
        } else {
            print_report(&report, lang);
        }
        let failed = report
            .rows
            .iter()
            .any(|r| r.outcome == Some(ImportOutcome::Failed));
        let stopped = report
            .rows
            .iter()
            .any(|r| r.outcome == Some(ImportOutcome::NotRun));
        Ok(if stopped && !report.cancelled {
            TROUBLE
        } else if failed || report.cancelled {
            REFUSED
        } else {
            SUCCESS
        })
    }
}
