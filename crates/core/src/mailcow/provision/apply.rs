//! Applying a plan: one row at a time, with progress and cancellation, past refused rows.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;

use super::passwords_file::PasswordFile;
use super::{Action, Item, Plan};
use crate::mailcow::csv::{MailboxRow, Reason};
use crate::mailcow::error::MailcowError;
use crate::mailcow::model::{Access, NewAlias, NewMailbox};
use crate::mailcow::{password, Mailcow};
use crate::portal::Sensitive;

/// Where generated passwords go.
#[derive(Debug, Clone)]
pub enum PasswordOutput {
    /// A CSV file (`address,password`) created with mode 0600.
    File(PathBuf),
    /// Into the report, to be shown once.
    Report,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum Outcome {
    Created,
    Unchanged,
    /// Not sent: the plan found a conflict or a bad row.
    Skipped {
        reasons: Vec<Reason>,
    },
    /// Sent, and the server refused (or the connection failed).
    Failed {
        reasons: Vec<Reason>,
    },
    /// Not reached: cancelled, or stopped after a connection failure.
    NotRun,
}

#[derive(Debug, Clone, Serialize)]
pub struct AppliedRow {
    pub line: u64,
    pub address: String,
    pub outcome: Outcome,
}

#[derive(Debug, Clone)]
pub struct GeneratedPassword {
    pub address: String,
    pub password: Sensitive<String>,
}

#[derive(Debug, Clone, Default)]
pub struct ApplyReport {
    pub rows: Vec<AppliedRow>,
    pub cancelled: bool,
    /// Generated passwords, only with `PasswordOutput::Report`.
    pub generated: Vec<GeneratedPassword>,
}

impl ApplyReport {
    pub fn created(&self) -> usize {
        self.rows
            .iter()
            .filter(|r| r.outcome == Outcome::Created)
            .count()
    }

    pub fn failed(&self) -> usize {
        self.rows
            .iter()
            .filter(|r| matches!(r.outcome, Outcome::Failed { .. }))
            .count()
    }
}

/// Progress after each row.
#[derive(Debug, Clone, Serialize)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
    pub line: u64,
    pub address: String,
    pub outcome: Outcome,
}

pub struct ApplyOptions<'a> {
    pub progress: &'a (dyn Fn(&Progress) + Send + Sync),
    pub cancel: &'a AtomicBool,
    pub passwords: PasswordOutput,
}

/// Errors after which the next rows cannot succeed either.
fn stops_the_run(err: &MailcowError) -> bool {
    !matches!(err, MailcowError::Refused(_) | MailcowError::Invalid { .. })
}

/// Applies a plan: creates what it says to create, one row at a time, and reports each
/// row. Refused rows are reported and the run goes on; a connection failure stops it
/// (the rows after it are `NotRun`). Err only when nothing could start (a read-only key,
/// a passwords file that cannot be written).
pub async fn apply<M: Mailcow>(
    client: &M,
    plan: &Plan,
    options: ApplyOptions<'_>,
) -> Result<ApplyReport, MailcowError> {
    let counts = plan.counts();
    if counts.create > 0 && client.access() == Some(Access::ReadOnly) {
        return Err(MailcowError::ReadOnlyKey);
    }
    let mut file = match &options.passwords {
        PasswordOutput::File(path) if plan.generates_passwords() => {
            Some(PasswordFile::create(path)?)
        }
        _ => None,
    };
    let mut report = ApplyReport::default();
    let total = plan.rows.len();
    let mut stopped = false;
    for (i, row) in plan.rows.iter().enumerate() {
        if !stopped && row.action == Action::Create && options.cancel.load(Ordering::SeqCst) {
            report.cancelled = true;
            stopped = true;
        }
        let outcome = match row.action {
            Action::Unchanged => Outcome::Unchanged,
            Action::Conflict | Action::Bad => Outcome::Skipped {
                reasons: row.reasons.clone(),
            },
            Action::Create if stopped => Outcome::NotRun,
            Action::Create => {
                let result = match &row.item {
                    Item::Mailbox(m) => {
                        create_mailbox(client, m, &mut file, &mut report, &options.passwords).await
                    }
                    Item::Alias(a) => client
                        .add_alias(&NewAlias {
                            address: a.address.clone(),
                            targets: a.targets.clone(),
                            active: a.active,
                        })
                        .await
                        .map(|_| ()),
                    Item::None => Err(MailcowError::Unexpected(
                        "a planned row without data".into(),
                    )),
                };
                match result {
                    Ok(()) => Outcome::Created,
                    Err(err) => {
                        stopped = stops_the_run(&err);
                        Outcome::Failed {
                            reasons: vec![Reason::from(&err)],
                        }
                    }
                }
            }
        };
        let applied = AppliedRow {
            line: row.line,
            address: row.address.clone(),
            outcome,
        };
        (options.progress)(&Progress {
            done: i + 1,
            total,
            line: applied.line,
            address: applied.address.clone(),
            outcome: applied.outcome.clone(),
        });
        report.rows.push(applied);
    }
    Ok(report)
}

async fn create_mailbox<M: Mailcow>(
    client: &M,
    row: &MailboxRow,
    file: &mut Option<PasswordFile>,
    report: &mut ApplyReport,
    output: &PasswordOutput,
) -> Result<(), MailcowError> {
    let (password, generated) = match &row.password {
        Some(typed) => (typed.clone(), false),
        None => (password::generate()?, true),
    };
    client
        .add_mailbox(&NewMailbox {
            local_part: row.local_part.clone(),
            domain: row.domain.clone(),
            name: row.name.clone(),
            quota_mib: row.quota_mib,
            password: password.clone(),
            active: row.active,
        })
        .await?;
    if generated {
        let address = row.address();
        match (file, output) {
            (Some(file), _) => file.add(&address, &password)?,
            (None, PasswordOutput::Report) => report
                .generated
                .push(GeneratedPassword { address, password }),
            // A file was asked for but the plan generated none: cannot happen.
            (None, PasswordOutput::File(_)) => {}
        }
    }
    Ok(())
}
