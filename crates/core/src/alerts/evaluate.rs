//! The rules' step of the write path. After the store wrote and handed over its change
//! set, this decides which objects the rules look at — the changed rows; on the first
//! write of a day also every row a date rule concerns (due dates, expiry, unlock age);
//! when whether a mandate is active changed, the unpaid invoices — reads what the rules
//! need around them, and runs the rules.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use cowdesk_model::{
    AlertCategory, AlertRule, Domain, Invoice, Mailbox, Mandate, MandateStatus, Resource, Service,
};
use sqlx::SqliteConnection;

use super::rules::{self, Finding, Scoped, Section, Seen, EXPIRY_DAYS};
use crate::error::CoreError;
use crate::store::changes::{Change, ChangeSet};
use crate::store::read::{read_rows, read_where};
use crate::store::rows::Synced;
use crate::store::timestamp;
use crate::store::write::keys_json;

/// How far the rules look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reach {
    /// The change set, and what the day or a changed mandate brings into view.
    ChangeSet,
    /// Every row of the account (the reference the change set is tested against).
    #[cfg_attr(not(test), allow(dead_code))]
    Everything,
}

/// Objects the rules looked at: an open alert about one of them that no finding holds up
/// any more is resolved; alerts about other objects are left as they are.
#[derive(Debug, Default)]
pub(crate) struct Scope {
    /// Every object of the account was looked at.
    pub whole: bool,
    pub objects: HashMap<AlertCategory, HashSet<String>>,
}

impl Scope {
    pub fn covers(&self, rule: AlertRule, object: &str) -> bool {
        self.whole
            || self
                .objects
                .get(&rule.category())
                .is_some_and(|o| o.contains(object))
    }

    pub fn is_empty(&self) -> bool {
        !self.whole && self.objects.values().all(HashSet::is_empty)
    }

    /// Every object named, for reading their alerts.
    pub fn all_objects(&self) -> impl Iterator<Item = &str> {
        self.objects.values().flatten().map(String::as_str)
    }
}

/// What the rules found, and about which objects.
#[derive(Debug)]
pub(crate) struct Evaluation {
    pub findings: Vec<Finding>,
    pub scope: Scope,
    /// The first write of the day: the ledger also forgets long-resolved alerts.
    pub new_day: bool,
}

/// Objects whose change the user made in cowdesk: a change they made is no news to them.
pub(crate) type Acknowledged = [(Resource, String)];

/// Unpaid invoices or those with an open alert: what the daily pass looks at.
const DAILY_INVOICES: &str = "status IN ('open', 'overdue')
    OR number IN (SELECT object FROM alerts WHERE account_id = ?1 AND resolved_at IS NULL
                  AND rule IN ('new_invoice', 'payment_reminder', 'invoice_overdue',
                               'due_without_mandate'))";
/// Domains in the expiry window, unlocked ones, or those with an open alert.
const DAILY_DOMAINS: &str = "expires_on BETWEEN ?2 AND ?3
    OR name IN (SELECT domain FROM domain_unlock_seen WHERE account_id = ?1)
    OR name IN (SELECT object FROM alerts WHERE account_id = ?1 AND resolved_at IS NULL
                AND rule IN ('domain_expiring', 'domain_unlocked'))";

/// Rows read for the rules besides the changed ones (unchanged, so before = after).
#[derive(Default)]
struct Around {
    invoices: Vec<Invoice>,
    services: Vec<Service>,
    mandates: Vec<Mandate>,
    domains: Vec<Domain>,
    mailboxes: Vec<Mailbox>,
}

pub(crate) async fn evaluate(
    conn: &mut SqliteConnection,
    account_id: &str,
    changes: &ChangeSet,
    (today, now): (NaiveDate, DateTime<Utc>),
    reach: Reach,
    acknowledged: &Acknowledged,
) -> Result<Evaluation, CoreError> {
    let everything = reach == Reach::Everything;
    let new_day =
        everything || changes.first_sync() || last_day(conn, account_id).await? != Some(today);
    // Whether a mandate is active matters to invoices in view, and its change brings the
    // unpaid ones into view; neither can arise without a changed mandate, invoice or day.
    let mandates_changed = !changes.of::<Mandate>().is_empty()
        || changes.was_readable(Resource::Mandates) != changes.is_readable(Resource::Mandates);
    let invoices_in_view = new_day || !changes.of::<Invoice>().is_empty();
    let (active_before, active_after) = if everything || mandates_changed || invoices_in_view {
        active_mandates(conn, account_id, changes).await?
    } else {
        (None, None)
    };

    let mut around = Around::default();
    if everything {
        around.invoices = readable_rows(conn, account_id, changes).await?;
        around.services = readable_rows(conn, account_id, changes).await?;
        around.mandates = readable_rows(conn, account_id, changes).await?;
        around.domains = readable_rows(conn, account_id, changes).await?;
        around.mailboxes = readable_rows(conn, account_id, changes).await?;
    } else {
        if new_day || active_before != active_after {
            around.invoices = read_where(conn, account_id, DAILY_INVOICES, "number", &[]).await?;
        }
        if new_day {
            let from = (today - Duration::days(EXPIRY_DAYS + 1)).to_string();
            let to = (today + Duration::days(EXPIRY_DAYS + 1)).to_string();
            around.domains =
                read_where(conn, account_id, DAILY_DOMAINS, "name", &[&from, &to]).await?;
        }
    }

    let unlocked_since = track_unlocked(
        conn,
        account_id,
        changes.of::<Domain>(),
        &around.domains,
        now,
    )
    .await?;
    let input = Scoped {
        invoices: section(changes, &around.invoices),
        services: section(changes, &around.services),
        mandates: section(changes, &around.mandates),
        domains: section(changes, &around.domains),
        mailboxes: section(changes, &around.mailboxes),
        has_active_mandate: active_after,
        today,
        unlocked_since: &unlocked_since,
    };
    let mut findings = rules::evaluate_scoped(&input);
    for finding in &mut findings {
        let own = acknowledged.iter().any(|(resource, key)| {
            *key == finding.object && category_of(*resource) == Some(finding.rule.category())
        });
        if own && finding.event {
            finding.fresh = false;
        }
    }
    let mut scope = Scope {
        whole: everything,
        objects: HashMap::new(),
    };
    scope.add(AlertCategory::Invoices, &input.invoices, |i| &i.number);
    scope.add(AlertCategory::Services, &input.services, |s| &s.id);
    scope.add(AlertCategory::Mandates, &input.mandates, |m| &m.id);
    scope.add(AlertCategory::Domains, &input.domains, |d| &d.name);
    scope.add(AlertCategory::Mailboxes, &input.mailboxes, |m| &m.address);
    if new_day {
        sqlx::query(
            "INSERT INTO alert_rule_day (account_id, day) VALUES (?1, ?2)
             ON CONFLICT (account_id) DO UPDATE SET day = excluded.day",
        )
        .bind(account_id)
        .bind(today.to_string())
        .execute(&mut *conn)
        .await?;
    }
    Ok(Evaluation {
        findings,
        scope,
        new_day,
    })
}

impl Scope {
    fn add<T>(
        &mut self,
        category: AlertCategory,
        section: &Section<'_, T>,
        key: impl Fn(&T) -> &str,
    ) {
        let objects = self.objects.entry(category).or_default();
        for seen in &section.objects {
            if let Some(item) = seen.after.or(seen.before) {
                objects.insert(key(item).to_owned());
            }
        }
    }
}

fn category_of(resource: Resource) -> Option<AlertCategory> {
    match resource {
        Resource::Invoices => Some(AlertCategory::Invoices),
        Resource::Services => Some(AlertCategory::Services),
        Resource::Mandates => Some(AlertCategory::Mandates),
        Resource::Domains => Some(AlertCategory::Domains),
        Resource::Mailboxes => Some(AlertCategory::Mailboxes),
        Resource::Profile | Resource::Users | Resource::Tickets => None,
    }
}

/// The changed rows of `T`, then the unchanged rows read around them.
fn section<'a, T: Synced>(changes: &'a ChangeSet, around: &'a [T]) -> Section<'a, T> {
    let changed: &[Change<T>] = changes.of::<T>();
    let keys: HashSet<&str> = changed.iter().map(Change::key).collect();
    let mut objects: Vec<Seen<'a, T>> = changed
        .iter()
        .map(|c| Seen {
            before: c.before.as_ref(),
            after: c.after.as_ref(),
        })
        .collect();
    objects.extend(
        around
            .iter()
            .filter(|row| !keys.contains(row.key()))
            .map(|row| Seen {
                before: Some(row),
                after: Some(row),
            }),
    );
    Section {
        known_before: changes.was_readable(T::table().resource),
        objects,
    }
}

/// Every row of `T`, if the role can read it now.
async fn readable_rows<T: Synced>(
    conn: &mut SqliteConnection,
    account_id: &str,
    changes: &ChangeSet,
) -> Result<Vec<T>, CoreError> {
    if changes.is_readable(T::table().resource) {
        read_rows(conn, account_id).await
    } else {
        Ok(Vec::new())
    }
}

async fn last_day(
    conn: &mut SqliteConnection,
    account_id: &str,
) -> Result<Option<NaiveDate>, CoreError> {
    let day: Option<String> =
        sqlx::query_scalar("SELECT day FROM alert_rule_day WHERE account_id = ?1")
            .bind(account_id)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(day.and_then(|d| d.parse().ok()))
}

/// Whether a mandate was active before the write and is now; `None` while the role
/// cannot read mandates.
async fn active_mandates(
    conn: &mut SqliteConnection,
    account_id: &str,
    changes: &ChangeSet,
) -> Result<(Option<bool>, Option<bool>), CoreError> {
    let readable = (
        changes.was_readable(Resource::Mandates),
        changes.is_readable(Resource::Mandates),
    );
    if readable == (false, false) {
        return Ok((None, None));
    }
    let now: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM mandates WHERE account_id = ?1 AND status = 'active'",
    )
    .bind(account_id)
    .fetch_one(&mut *conn)
    .await?;
    // The changed rows tell how many were active before.
    let active = |m: &Option<Mandate>| {
        m.as_ref()
            .is_some_and(|m| m.status == MandateStatus::Active) as i64
    };
    let before = changes
        .of::<Mandate>()
        .iter()
        .fold(now, |n, c| n - active(&c.after) + active(&c.before));
    Ok((
        readable.0.then_some(before > 0),
        readable.1.then_some(now > 0),
    ))
}

/// Remembers since when each domain has been seen unlocked (no transfer under way), and
/// forgets a domain once it is locked again or gone; the changed domains say which.
/// Returns since when each domain in view has been unlocked, the portal's own time of the
/// last lock change winning over the first sync that saw it.
async fn track_unlocked(
    conn: &mut SqliteConnection,
    account_id: &str,
    changed: &[Change<Domain>],
    around: &[Domain],
    now: DateTime<Utc>,
) -> Result<HashMap<String, DateTime<Utc>>, CoreError> {
    if changed.is_empty() && around.is_empty() {
        // No domain in view: nobody asks since when one is unlocked.
        return Ok(HashMap::new());
    }
    let unlocked = |d: &Domain| !d.transfer_lock && d.status != "transfer_pending";
    let (open, closed): (Vec<&Change<Domain>>, Vec<&Change<Domain>>) = changed
        .iter()
        .partition(|c| c.after.as_ref().is_some_and(unlocked));
    if !closed.is_empty() {
        sqlx::query(
            "DELETE FROM domain_unlock_seen
             WHERE account_id = ?1 AND domain IN (SELECT value FROM json_each(?2))",
        )
        .bind(account_id)
        .bind(keys_json(closed.iter().map(|c| c.key()))?)
        .execute(&mut *conn)
        .await?;
    }
    if !open.is_empty() {
        sqlx::query(
            "INSERT INTO domain_unlock_seen (account_id, domain, since)
             SELECT ?1, value, ?2 FROM json_each(?3) WHERE true
             ON CONFLICT (account_id, domain) DO NOTHING",
        )
        .bind(account_id)
        .bind(now.to_rfc3339())
        .bind(keys_json(open.iter().map(|c| c.key()))?)
        .execute(&mut *conn)
        .await?;
    }
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT domain, since FROM domain_unlock_seen WHERE account_id = ?1")
            .bind(account_id)
            .fetch_all(&mut *conn)
            .await?;
    let mut since = HashMap::with_capacity(rows.len());
    for (domain, at) in rows {
        since.insert(domain, timestamp(&at)?);
    }
    let in_view = changed
        .iter()
        .filter_map(|c| c.after.as_ref())
        .chain(around);
    for domain in in_view {
        if let (Some(changed), Some(entry)) = (domain.lock_changed_at, since.get_mut(&domain.name))
        {
            *entry = changed;
        }
    }
    Ok(since)
}
