//! The dry run: each row against the server's state and the domains' allowances, counted
//! row by row from the top.

use std::collections::{HashMap, HashSet};

use super::{Action, Item, Plan, PlannedRow};
use crate::mailcow::csv::{AliasRow, CsvFile, MailboxRow, Parsed, Reason};
use crate::mailcow::model::{Snapshot, MIB};

fn bad_rows(bad: &[crate::mailcow::csv::BadRow]) -> impl Iterator<Item = PlannedRow> + '_ {
    bad.iter().map(|b| PlannedRow {
        line: b.line,
        address: b.address.clone(),
        action: Action::Bad,
        reasons: b.reasons.clone(),
        item: Item::None,
    })
}

fn repeated(first_line: u64) -> Reason {
    Reason::new(
        None,
        format!("The address appears a second time in the file (first on line {first_line}); this row is left out."),
        format!("Die Adresse steht ein zweites Mal in der Datei (zuerst in Zeile {first_line}); diese Zeile wird ausgelassen."),
    )
}

fn no_domain(domain: &str) -> Reason {
    Reason::new(
        Some("domain"),
        format!("This login has no domain {domain} on the mailcow (it does not exist, or another administrator has it)."),
        format!("Diese Anmeldung hat keine Domain {domain} auf dem mailcow (es gibt sie nicht, oder ein anderer Administrator verwaltet sie)."),
    )
}

fn differs(field: &str, what_en: &str, what_de: &str, server: &str, file: &str) -> Reason {
    Reason::new(
        Some(field),
        format!("Exists with another {what_en}: “{server}” on the server, “{file}” in the file. Not changed."),
        format!("Besteht mit anderem Wert für {what_de}: „{server}“ auf dem Server, „{file}“ in der Datei. Nicht geändert."),
    )
}

fn yes_no(value: bool) -> &'static str {
    if value {
        "1"
    } else {
        "0"
    }
}

/// What is left of a domain's allowance while rows are planned.
struct Budget {
    slots: u64,
    quota_left: u64,
    max_quota: u64,
    aliases: u64,
}

fn budgets(snapshot: &Snapshot) -> HashMap<String, Budget> {
    snapshot
        .domains
        .iter()
        .map(|d| {
            (
                d.name.clone(),
                Budget {
                    slots: d.mailboxes_left(),
                    quota_left: d.quota_left_bytes(),
                    max_quota: d.max_mailbox_quota_bytes,
                    aliases: d.aliases_allowed.saturating_sub(d.aliases_used),
                },
            )
        })
        .collect()
}

fn mailbox_row(
    row: &MailboxRow,
    snapshot: &Snapshot,
    budgets: &mut HashMap<String, Budget>,
) -> (Action, Vec<Reason>) {
    let address = row.address();
    if let Some(existing) = snapshot.mailbox(&address) {
        let mut reasons = Vec::new();
        if !row.name.is_empty() && row.name != existing.name {
            reasons.push(differs(
                "name",
                "name",
                "den Namen",
                &existing.name,
                &row.name,
            ));
        }
        if row.quota_mib * MIB != existing.quota_bytes {
            reasons.push(differs(
                "quota_mib",
                "quota (MiB)",
                "die Quota (MiB)",
                &(existing.quota_bytes / MIB).to_string(),
                &row.quota_mib.to_string(),
            ));
        }
        if row.active != existing.active {
            reasons.push(differs(
                "active",
                "state (active)",
                "den Status (active)",
                yes_no(existing.active),
                yes_no(row.active),
            ));
        }
        return if reasons.is_empty() {
            (Action::Unchanged, reasons)
        } else {
            (Action::Conflict, reasons)
        };
    }
    if snapshot.alias(&address).is_some() {
        return (
            Action::Conflict,
            vec![Reason::new(
                Some("local_part"),
                format!("{address} is an alias on the server; a mailbox cannot have its address."),
                format!("{address} ist auf dem Server ein Alias; ein Postfach kann diese Adresse nicht haben."),
            )],
        );
    }
    let Some(budget) = budgets.get_mut(&row.domain) else {
        return (Action::Conflict, vec![no_domain(&row.domain)]);
    };
    let quota = row.quota_mib * MIB;
    let reason = if budget.slots == 0 {
        Some(Reason::new(
            Some("local_part"),
            format!(
                "{} would have more mailboxes than it may have; this row is left out.",
                row.domain
            ),
            format!(
                "{} hätte mehr Postfächer, als sie haben darf; diese Zeile wird ausgelassen.",
                row.domain
            ),
        ))
    } else if budget.max_quota > 0 && quota > budget.max_quota {
        Some(Reason::new(
            Some("quota_mib"),
            format!(
                "A mailbox of {} may have at most {} MiB.",
                row.domain,
                budget.max_quota / MIB
            ),
            format!(
                "Ein Postfach von {} darf höchstens {} MiB haben.",
                row.domain,
                budget.max_quota / MIB
            ),
        ))
    } else if quota > budget.quota_left {
        Some(Reason::new(
            Some("quota_mib"),
            format!(
                "{} has only {} MiB left to give after the rows above.",
                row.domain,
                budget.quota_left / MIB
            ),
            format!(
                "{} hat nach den Zeilen darüber nur noch {} MiB zu vergeben.",
                row.domain,
                budget.quota_left / MIB
            ),
        ))
    } else {
        None
    };
    match reason {
        Some(reason) => (Action::Conflict, vec![reason]),
        None => {
            budget.slots -= 1;
            budget.quota_left -= quota;
            (Action::Create, Vec::new())
        }
    }
}

/// Plans a mailbox file against the server's state.
pub fn plan_mailboxes(parsed: &Parsed<MailboxRow>, snapshot: &Snapshot) -> Plan {
    let mut budgets = budgets(snapshot);
    let mut first_line: HashMap<String, u64> = HashMap::new();
    let mut rows: Vec<PlannedRow> = bad_rows(&parsed.bad).collect();
    for row in &parsed.rows {
        let address = row.address();
        let (action, reasons) = match first_line.get(&address) {
            Some(first) => (Action::Bad, vec![repeated(*first)]),
            None => {
                first_line.insert(address.clone(), row.line);
                mailbox_row(row, snapshot, &mut budgets)
            }
        };
        rows.push(PlannedRow {
            line: row.line,
            address,
            action,
            reasons,
            item: Item::Mailbox(row.clone()),
        });
    }
    rows.sort_by_key(|r| r.line);
    Plan { rows }
}

fn alias_row(
    row: &AliasRow,
    snapshot: &Snapshot,
    budgets: &mut HashMap<String, Budget>,
) -> (Action, Vec<Reason>) {
    if let Some(existing) = snapshot.alias(&row.address) {
        let mut reasons = Vec::new();
        let server: HashSet<&String> = existing.targets.iter().collect();
        let file: HashSet<&String> = row.targets.iter().collect();
        if server != file {
            reasons.push(differs(
                "targets",
                "targets",
                "die Ziele",
                &existing.targets.join(", "),
                &row.targets.join(", "),
            ));
        }
        if existing.active != row.active {
            reasons.push(differs(
                "active",
                "state (active)",
                "den Status (active)",
                yes_no(existing.active),
                yes_no(row.active),
            ));
        }
        return if reasons.is_empty() {
            (Action::Unchanged, reasons)
        } else {
            (Action::Conflict, reasons)
        };
    }
    if snapshot.mailbox(&row.address).is_some() {
        return (
            Action::Conflict,
            vec![Reason::new(
                Some("address"),
                format!(
                    "{} is a mailbox on the server; an alias cannot have its address.",
                    row.address
                ),
                format!(
                    "{} ist auf dem Server ein Postfach; ein Alias kann diese Adresse nicht haben.",
                    row.address
                ),
            )],
        );
    }
    let domain = row
        .address
        .rsplit_once('@')
        .map(|(_, d)| d)
        .unwrap_or_default();
    let Some(budget) = budgets.get_mut(domain) else {
        return (Action::Conflict, vec![no_domain(domain)]);
    };
    if budget.aliases == 0 {
        return (
            Action::Conflict,
            vec![Reason::new(
                Some("address"),
                format!("{domain} would have more aliases than it may have; this row is left out."),
                format!("{domain} hätte mehr Aliasse, als sie haben darf; diese Zeile wird ausgelassen."),
            )],
        );
    }
    budget.aliases -= 1;
    (Action::Create, Vec::new())
}

/// Plans an alias file against the server's state.
pub fn plan_aliases(parsed: &Parsed<AliasRow>, snapshot: &Snapshot) -> Plan {
    let mut budgets = budgets(snapshot);
    let mut first_line: HashMap<String, u64> = HashMap::new();
    let mut rows: Vec<PlannedRow> = bad_rows(&parsed.bad).collect();
    for row in &parsed.rows {
        let (action, reasons) = match first_line.get(&row.address) {
            Some(first) => (Action::Bad, vec![repeated(*first)]),
            None => {
                first_line.insert(row.address.clone(), row.line);
                alias_row(row, snapshot, &mut budgets)
            }
        };
        rows.push(PlannedRow {
            line: row.line,
            address: row.address.clone(),
            action,
            reasons,
            item: Item::Alias(row.clone()),
        });
    }
    rows.sort_by_key(|r| r.line);
    Plan { rows }
}

pub fn plan(file: &CsvFile, snapshot: &Snapshot) -> Plan {
    match file {
        CsvFile::Mailboxes(parsed) => plan_mailboxes(parsed, snapshot),
        CsvFile::Aliases(parsed) => plan_aliases(parsed, snapshot),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mailcow::csv::{read_aliases, read_mailboxes};
    use crate::mailcow::provision::Counts;
    use crate::mailcow::{MailcowAlias, MailcowDomain, MailcowMailbox};

    fn snapshot() -> Snapshot {
        Snapshot {
            domains: vec![MailcowDomain {
                name: "example.test".into(),
                active: true,
                mailboxes_used: 1,
                mailboxes_allowed: 3,
                aliases_used: 1,
                aliases_allowed: 2,
                storage_used_bytes: 0,
                storage_assigned_bytes: 1024 * MIB,
                storage_allowed_bytes: 3072 * MIB,
                max_mailbox_quota_bytes: 1024 * MIB,
                default_mailbox_quota_bytes: 512 * MIB,
            }],
            mailboxes: vec![MailcowMailbox {
                address: "anna@example.test".into(),
                local_part: "anna".into(),
                domain: "example.test".into(),
                name: "Anna".into(),
                quota_bytes: 1024 * MIB,
                used_bytes: 0,
                percent: Some(0),
                messages: 0,
                active: true,
                last_login: None,
            }],
            aliases: vec![MailcowAlias {
                id: 4,
                address: "info@example.test".into(),
                domain: "example.test".into(),
                targets: vec!["anna@example.test".into()],
                active: true,
            }],
        }
    }

    fn actions(plan: &Plan) -> Vec<(u64, Action)> {
        plan.rows.iter().map(|r| (r.line, r.action)).collect()
    }

    #[test]
    fn mailcow_plan_mailboxes_against_the_server() {
        let file = "local_part,domain,name,quota_mib,password,active\n\
                    anna,example.test,Anna,1024,,1\n\
                    ANNA,example.test,,1024,,1\n\
                    bob,example.test,Bob,1024,,1\n\
                    carl,example.test,Carl,1024,,1\n\
                    dora,example.test,Dora,2048,,1\n\
                    info,example.test,Info,10,,1\n\
                    eve,other.test,Eve,10,,1\n\
                    fritz!,example.test,Fritz,10,,1\n\
                    gus,example.test,Gus,10,,1\n";
        let plan = plan_mailboxes(&read_mailboxes(file.as_bytes()).unwrap(), &snapshot());
        use Action::*;
        assert_eq!(
            actions(&plan),
            [
                (2, Unchanged),
                (3, Bad),       // anna again (case does not matter)
                (4, Create),    // bob: slot 2 of 3, 1024 of 2048 MiB left
                (5, Create),    // carl: slot 3, the last 1024 MiB
                (6, Conflict),  // dora: over the per-mailbox maximum... and the domain is full
                (7, Conflict),  // info is an alias
                (8, Conflict),  // no such domain for this login
                (9, Bad),       // "!" is not allowed
                (10, Conflict)  // gus: no mailbox slot left
            ]
        );
        assert_eq!(
            plan.counts(),
            Counts {
                create: 2,
                unchanged: 1,
                conflict: 4,
                bad: 2
            }
        );
        assert!(plan.rows[2].reasons.is_empty());
        assert!(plan.generates_passwords());
        let changed = "local_part,domain,name,quota_mib,active\nanna,example.test,Anna B,512,0\n";
        let plan = plan_mailboxes(&read_mailboxes(changed.as_bytes()).unwrap(), &snapshot());
        let fields: Vec<_> = plan.rows[0]
            .reasons
            .iter()
            .filter_map(|r| r.field.clone())
            .collect();
        assert_eq!(fields, ["name", "quota_mib", "active"]);
        assert!(plan.rows[0].reasons[1]
            .message
            .contains("“1024” on the server, “512” in the file"));
    }

    #[test]
    fn mailcow_plan_aliases_against_the_server() {
        let file = "address,targets\n\
                    info@example.test,anna@example.test\n\
                    sales@example.test,anna@example.test\n\
                    anna@example.test,x@y.de\n\
                    more@example.test,x@y.de\n\
                    info@example.test,x@y.de\n";
        let plan = plan_aliases(&read_aliases(file.as_bytes()).unwrap(), &snapshot());
        use Action::*;
        assert_eq!(
            actions(&plan),
            [
                (2, Unchanged),
                (3, Create),
                (4, Conflict),
                (5, Conflict),
                (6, Bad)
            ]
        );
    }
}
