//! Bulk provisioning: a dry-run plan of a CSV file against what the server holds now
//! (create / unchanged / conflict / bad, with reasons), and applying it with progress and
//! cancellation. Applying goes past refused rows, and a second run creates nothing twice:
//! what exists with the file's values is "unchanged", what exists with other values is a
//! conflict, reported and never overwritten. Generated passwords go only to a file the
//! caller names (mode 0600) or into the report, to be shown once.

use serde::Serialize;

use super::csv::{AliasRow, MailboxRow, Reason};

mod apply;
mod passwords_file;
mod plan;

pub use apply::{
    apply, AppliedRow, ApplyOptions, ApplyReport, GeneratedPassword, Outcome, PasswordOutput,
    Progress,
};
pub use plan::{plan, plan_aliases, plan_mailboxes};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Create,
    Unchanged,
    /// The server's state stands against the row (exists with other values, is an
    /// alias/mailbox already, no room left, a domain the login cannot reach).
    Conflict,
    /// The row itself breaks a rule (or repeats an earlier row).
    Bad,
}

#[derive(Debug, Clone)]
enum Item {
    Mailbox(MailboxRow),
    Alias(AliasRow),
    None,
}

#[derive(Debug, Clone)]
pub struct PlannedRow {
    pub line: u64,
    pub address: String,
    pub action: Action,
    pub reasons: Vec<Reason>,
    item: Item,
}

#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub rows: Vec<PlannedRow>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub create: usize,
    pub unchanged: usize,
    pub conflict: usize,
    pub bad: usize,
}

impl Plan {
    pub fn counts(&self) -> Counts {
        let mut c = Counts::default();
        for row in &self.rows {
            match row.action {
                Action::Create => c.create += 1,
                Action::Unchanged => c.unchanged += 1,
                Action::Conflict => c.conflict += 1,
                Action::Bad => c.bad += 1,
            }
        }
        c
    }

    /// Whether applying would need generated passwords.
    pub fn generates_passwords(&self) -> bool {
        self.rows.iter().any(|r| {
            r.action == Action::Create
                && matches!(&r.item, Item::Mailbox(m) if m.password.is_none())
        })
    }
}
