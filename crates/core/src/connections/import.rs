//! Bulk provisioning from a CSV file (docs/MAILCOW-CSV.md) through a connection: the
//! server's state read fresh (and cached), a dry run of every row against it, and, unless
//! only the dry run was asked for, the rows applied one at a time with progress and
//! cancellation, then the connection read again. Generated passwords go to the file the
//! caller names (mode 0600) or into the report to be shown once: never into the cache
//! or a log.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use cowdesk_model::{
    ConnectionAccess, GeneratedMailboxPassword, ImportAction, ImportCounts, ImportOutcome,
    ImportProgress, ImportReason, ImportReport, ImportRow,
};

use super::records::Record;
use crate::error::CoreError;
use crate::mailcow::csv::{self, CsvFile, Reason};
use crate::mailcow::provision::{self, Action, ApplyOptions, Outcome, PasswordOutput, Plan};
use crate::mailcow::{MailcowDomain, MailcowError};
use crate::session::Core;

/// How to run an import.
pub struct ImportOptions<'a> {
    /// The connection to provision through; `None`: the one that has the file's domains.
    pub connection: Option<&'a str>,
    /// Only plan: what each row would do, nothing sent.
    pub dry_run: bool,
    /// Where generated passwords go (`address,password`, mode 0600); `None`: into the
    /// report, to be shown once.
    pub passwords_out: Option<PathBuf>,
    pub progress: &'a (dyn Fn(ImportProgress) + Send + Sync),
    pub cancel: &'a AtomicBool,
}

fn small(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn reasons(reasons: &[Reason]) -> Vec<ImportReason> {
    reasons
        .iter()
        .map(|r| ImportReason {
            field: r.field.clone(),
            message: r.message.clone(),
            message_de: r.message_de.clone(),
        })
        .collect()
}

fn action(a: Action) -> ImportAction {
    match a {
        Action::Create => ImportAction::Create,
        Action::Unchanged => ImportAction::Unchanged,
        Action::Conflict => ImportAction::Conflict,
        Action::Bad => ImportAction::Bad,
    }
}

fn outcome(o: &Outcome) -> (ImportOutcome, &[Reason]) {
    match o {
        Outcome::Created => (ImportOutcome::Created, &[]),
        Outcome::Unchanged => (ImportOutcome::Unchanged, &[]),
        Outcome::Skipped { reasons } => (ImportOutcome::Skipped, reasons),
        Outcome::Failed { reasons } => (ImportOutcome::Failed, reasons),
        Outcome::NotRun => (ImportOutcome::NotRun, &[]),
    }
}

/// The domains a file's rows concern.
fn domains_of(file: &CsvFile) -> BTreeSet<String> {
    let domain = |address: &str| {
        address
            .rsplit_once('@')
            .map(|(_, d)| d.to_ascii_lowercase())
    };
    match file {
        CsvFile::Mailboxes(parsed) => parsed
            .rows
            .iter()
            .map(|r| r.domain.to_ascii_lowercase())
            .collect(),
        CsvFile::Aliases(parsed) => parsed
            .rows
            .iter()
            .filter_map(|r| domain(&r.address))
            .collect(),
    }
}

fn read_file(path: &Path) -> Result<CsvFile, CoreError> {
    let file = std::fs::File::open(path).map_err(|e| {
        CoreError::field(
            "file",
            &format!("The file {} cannot be read: {e}", path.display()),
            &format!(
                "Die Datei {} kann nicht gelesen werden: {e}",
                path.display()
            ),
        )
    })?;
    Ok(csv::read(std::io::BufReader::new(file))?)
}

impl Core {
    /// The connection a file goes through: the one named, else the only one, else the
    /// first (read-write first) whose cache has one of the file's domains.
    async fn import_connection(
        &self,
        named: Option<&str>,
        domains: &BTreeSet<String>,
    ) -> Result<Record, CoreError> {
        if let Some(id) = named {
            return self.connection_record(id).await;
        }
        let all = self.writable_first().await?;
        if let [only] = all.as_slice() {
            return Ok(only.clone());
        }
        for record in &all {
            let has = self
                .store
                .rows::<MailcowDomain>(&record.id)
                .await?
                .iter()
                .any(|d| domains.contains(&d.name));
            if has {
                return Ok(record.clone());
            }
        }
        Err(match all.is_empty() {
            true => CoreError::field(
                "connection",
                "This profile has no mailcow connection: connect one first (cowdesk connect mailcow).",
                "Dieses Profil hat keine mailcow-Verbindung: Bitte zuerst eine verbinden (cowdesk connect mailcow).",
            ),
            false => CoreError::field(
                "connection",
                "No connection has the file's domains (sync first), or name the connection (--connection).",
                "Keine Verbindung hat die Domains der Datei (erst synchronisieren), oder die Verbindung angeben (--connection).",
            ),
        })
    }

    /// Plans a provisioning file against the server's state, and applies it unless
    /// `dry_run`. A bad or conflicting row stops nothing; a second run creates nothing
    /// twice (what exists with the file's values is "unchanged", with other values a
    /// conflict, never overwritten).
    pub async fn mailcow_import(
        &self,
        path: &Path,
        options: ImportOptions<'_>,
    ) -> Result<ImportReport, CoreError> {
        let file = read_file(path)?;
        let domains = domains_of(&file);
        let record = self.import_connection(options.connection, &domains).await?;
        // The plan stands against what the server holds now, which the cache learns too.
        let (snapshot, _) = self.fetch_and_write(&record, &[]).await?;
        let plan = provision::plan(&file, &snapshot);
        let file_kind = match file {
            CsvFile::Mailboxes(_) => "mailboxes",
            CsvFile::Aliases(_) => "aliases",
        };
        let mut report = ImportReport {
            connection_id: record.id.clone(),
            file_kind: file_kind.to_owned(),
            dry_run: options.dry_run,
            rows: plan
                .rows
                .iter()
                .map(|r| ImportRow {
                    line: r.line,
                    address: r.address.clone(),
                    action: action(r.action),
                    outcome: None,
                    reasons: reasons(&r.reasons),
                })
                .collect(),
            counts: counts(&plan),
            cancelled: false,
            passwords_file: None,
            generated: Vec::new(),
        };
        if options.dry_run {
            return Ok(report);
        }
        if report.counts.create > 0 && record.access == ConnectionAccess::ReadOnly {
            return Err(MailcowError::ReadOnlyKey.into());
        }
        let client = self.client_for(&record).await?;
        let passwords = match &options.passwords_out {
            Some(path) => PasswordOutput::File(path.clone()),
            None => PasswordOutput::Report,
        };
        let progress = |p: &provision::Progress| {
            (options.progress)(ImportProgress {
                done: small(p.done),
                total: small(p.total),
                line: p.line,
                address: p.address.clone(),
                outcome: outcome(&p.outcome).0,
            })
        };
        let applied = provision::apply(
            client.as_ref(),
            &plan,
            ApplyOptions {
                progress: &progress,
                cancel: options.cancel,
                passwords: passwords.clone(),
            },
        )
        .await;
        let applied = match applied {
            Ok(applied) => applied,
            Err(err) => return Err(self.mailcow_failed(&record.id, err).await),
        };
        for (row, done) in report.rows.iter_mut().zip(&applied.rows) {
            let (result, why) = outcome(&done.outcome);
            row.outcome = Some(result);
            if result == ImportOutcome::Failed {
                row.reasons = reasons(why);
            }
            match result {
                ImportOutcome::Created => report.counts.created += 1,
                ImportOutcome::Failed => report.counts.failed += 1,
                ImportOutcome::NotRun => report.counts.not_run += 1,
                ImportOutcome::Unchanged | ImportOutcome::Skipped => {}
            }
        }
        report.cancelled = applied.cancelled;
        let generated_any = plan.generates_passwords() && report.counts.created > 0;
        if let (PasswordOutput::File(path), true) = (&passwords, generated_any) {
            report.passwords_file = Some(path.display().to_string());
        }
        report.generated = applied
            .generated
            .iter()
            .map(|g| GeneratedMailboxPassword {
                address: g.address.clone(),
                password: g.password.expose().clone(),
            })
            .collect();
        // What was created is read back; a failure here leaves the cache as the plan saw
        // it until the next sync.
        if report.counts.created > 0 {
            if let Err(err) = self.fetch_and_write(&record, &[]).await {
                tracing::warn!(connection = %record.id, kind = ?err.kind(), "re-read after the import failed");
            }
        }
        Ok(report)
    }
}

fn counts(plan: &Plan) -> ImportCounts {
    let c = plan.counts();
    ImportCounts {
        create: small(c.create),
        unchanged: small(c.unchanged),
        conflict: small(c.conflict),
        bad: small(c.bad),
        ..ImportCounts::default()
    }
}
