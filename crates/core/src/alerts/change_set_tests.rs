//! The rules over the change set find what the rules over every row find: two caches get
//! the same answers of the portal, round after round of random changes on the server and
//! days passing; one evaluates the change set (and the daily pass), the other every row.
//! Their ledgers must be the same after every write.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use cowdesk_model::{
    Account, Invoice, InvoiceStatus, MandateStatus, Permission, Role, ServiceStatus,
};
use cowdesk_sandbox::{Sandbox, SandboxConfig, SandboxHandle, DEMO_EMAIL, DEMO_PASSWORD};
use sqlx::Row;
use tempfile::TempDir;

use super::evaluate::Reach;
use crate::portal::{Fetched, HttpPortal, Portal};
use crate::store::Store;
use crate::sync::commit::commit_in;
use crate::sync::fetch_updates;

const SHARED: &str = "acc-200002";

fn start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 16).unwrap()
}

/// A small xorshift generator; the seed is printed, `COWDESK_RULES_SEED` replays it.
struct Random(u64);

impl Random {
    fn seeded() -> (u64, Random) {
        let seed = std::env::var("COWDESK_RULES_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| Utc::now().timestamp_nanos_opt().unwrap_or(7) as u64 | 1);
        (seed, Random(seed))
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn between(&mut self, from: i64, to: i64) -> i64 {
        from + self.below((to - from + 1) as u64) as i64
    }
}

/// Every ledger row without its id, in a stable order.
async fn ledger(store: &Store) -> Vec<String> {
    let rows = sqlx::query(
        "SELECT account_id || '|' || rule || '|' || object || '|' || state || '|' || severity
                || '|' || title || '|' || title_de || '|' || body || '|' || body_de || '|'
                || created_at || '|' || quote(resolved_at) || '|' || quote(read_at) || '|'
                || delivery || '|' || quote(delivered_at) AS line
         FROM alerts ORDER BY line",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    rows.iter().map(|r| r.get::<String, _>("line")).collect()
}

/// One random change on the portal's side.
fn change(
    handle: &SandboxHandle,
    random: &mut Random,
    accounts: &[Account],
    day: NaiveDate,
    n: u64,
) {
    let account = &accounts[random.below(accounts.len() as u64) as usize].id;
    let pick = random.below(10);
    if pick == 9 {
        // The demo login's role on the shared account changes.
        let mut permissions = vec![Permission::Profile];
        for p in [
            Permission::Invoices,
            Permission::Mandates,
            Permission::Services,
            Permission::Domains,
            Permission::Mailboxes,
        ] {
            if random.below(3) > 0 {
                permissions.push(p);
            }
        }
        handle.set_role(
            DEMO_EMAIL,
            SHARED,
            Role {
                name: format!("Role {n}"),
                permissions,
            },
        );
        return;
    }
    let offset = |random: &mut Random, from, to| day + Duration::days(random.between(from, to));
    handle.with_account(account, |a| match pick {
        0 if !a.invoices.is_empty() => {
            let i = random.below(a.invoices.len() as u64) as usize;
            let invoice = &mut a.invoices[i];
            invoice.status = [
                InvoiceStatus::Open,
                InvoiceStatus::Overdue,
                InvoiceStatus::Paid,
                InvoiceStatus::Cancelled,
            ][random.below(4) as usize];
            invoice.due_date = offset(random, -8, 8);
            invoice.dunning_level = random.below(4) as u8;
        }
        1 => {
            let due = offset(random, -4, 6);
            a.invoices.push(Invoice {
                number: format!("RE-P-{n:04}"),
                issue_date: due - Duration::days(14),
                due_date: due,
                amount_cents: 1000 + n as i64,
                currency: "EUR".into(),
                status: InvoiceStatus::Open,
                dunning_level: 0,
                paid_on: None,
            });
        }
        2 if !a.invoices.is_empty() => {
            let i = random.below(a.invoices.len() as u64) as usize;
            a.invoices.remove(i);
        }
        3 if !a.services.is_empty() => {
            let i = random.below(a.services.len() as u64) as usize;
            let service = &mut a.services[i];
            service.status = if service.status == ServiceStatus::Suspended {
                ServiceStatus::Active
            } else {
                ServiceStatus::Suspended
            };
        }
        4 if !a.mandates.is_empty() => {
            let i = random.below(a.mandates.len() as u64) as usize;
            a.mandates[i].status = [
                MandateStatus::Active,
                MandateStatus::Cancelled,
                MandateStatus::Failed,
                MandateStatus::Pending,
            ][random.below(4) as usize];
            if random.below(4) == 0 {
                let mut new = a.mandates[i].clone();
                new.id = format!("{}-p{n}", new.id);
                a.mandates.push(new);
            }
        }
        5 if !a.domains.is_empty() => {
            let i = random.below(a.domains.len() as u64) as usize;
            let domain = &mut a.domains[i];
            match random.below(4) {
                0 => domain.transfer_lock = !domain.transfer_lock,
                1 => domain.expires_on = offset(random, -40, 40),
                2 => {
                    domain.transfer_lock = false;
                    domain.lock_changed_at = Some(
                        Utc.from_utc_datetime(
                            &(day - Duration::days(random.between(0, 12)))
                                .and_hms_opt(8, 0, 0)
                                .unwrap_or_default(),
                        ),
                    );
                }
                _ => {
                    domain.status = if domain.status == "transfer_pending" {
                        "active".into()
                    } else {
                        "transfer_pending".into()
                    }
                }
            }
        }
        6 if !a.mailboxes.is_empty() => {
            let i = random.below(a.mailboxes.len() as u64) as usize;
            let mailbox = &mut a.mailboxes[i];
            mailbox.used_bytes = mailbox.quota_bytes * random.between(85, 108) / 100;
        }
        7 if a.mailboxes.len() > 1 => {
            let i = random.below(a.mailboxes.len() as u64) as usize;
            a.mailboxes.remove(i);
        }
        _ => {}
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn perf_change_set_rules_find_what_a_full_evaluation_finds() {
    const ROUNDS: u64 = 120;
    let (seed, mut random) = Random::seeded();
    println!("changes drawn with seed {seed} (COWDESK_RULES_SEED replays it)");
    let sandbox = Sandbox::start(SandboxConfig {
        today: start(),
        invoices: 60,
        domains: 30,
        mailboxes: 40,
        extra_accounts: 1,
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let portal = HttpPortal::new(&sandbox.base_url()).unwrap();
    portal.login(DEMO_EMAIL, DEMO_PASSWORD).await.unwrap();
    let dir = TempDir::new().unwrap();
    let by_changes = Store::open(&dir.path().join("changes.sqlite"))
        .await
        .unwrap();
    let by_rows = Store::open(&dir.path().join("rows.sqlite")).await.unwrap();
    let handle = sandbox.handle();

    let mut day = start();
    let mut compared = 0;
    let mut kinds = std::collections::BTreeSet::new();
    for round in 0..ROUNDS {
        let accounts = match portal.accounts(None).await.unwrap() {
            Fetched::Fresh { value, .. } => value,
            Fetched::Unchanged => unreachable!("no ETag was sent"),
        };
        if round > 0 {
            for n in 0..=random.below(4) {
                change(&handle, &mut random, &accounts, day, round * 10 + n);
            }
            if random.below(3) == 0 {
                day += Duration::days(random.between(1, 3));
            }
        }
        let accounts = match portal.accounts(None).await.unwrap() {
            Fetched::Fresh { value, .. } => value,
            Fetched::Unchanged => unreachable!("no ETag was sent"),
        };
        by_changes.replace_accounts(&accounts, None).await.unwrap();
        by_rows.replace_accounts(&accounts, None).await.unwrap();
        let now: DateTime<Utc> = Utc.from_utc_datetime(
            &day.and_hms_opt(6 + random.below(12) as u32, 0, 0)
                .unwrap_or_default(),
        );
        for account in &accounts {
            let updates = fetch_updates(&portal, &by_changes, account, &|_| {})
                .await
                .unwrap();
            for (store, reach) in [
                (&by_changes, Reach::ChangeSet),
                (&by_rows, Reach::Everything),
            ] {
                let mut tx = store.begin_write().await.unwrap();
                commit_in(&mut tx, &account.id, &updates, (day, now), reach, &[])
                    .await
                    .unwrap();
                tx.commit().await.unwrap();
            }
            let (a, b) = (ledger(&by_changes).await, ledger(&by_rows).await);
            if a != b {
                let only_a: Vec<_> = a.iter().filter(|l| !b.contains(l)).collect();
                let only_b: Vec<_> = b.iter().filter(|l| !a.contains(l)).collect();
                panic!(
                    "seed {seed}, round {round}, account {}: change set alone {only_a:#?}, \
                     every row alone {only_b:#?}",
                    account.id
                );
            }
            compared += 1;
            for line in &a {
                kinds.insert(line.split('|').nth(1).unwrap_or("").to_owned());
            }
        }
    }
    println!("{compared} writes compared; rules seen: {kinds:?}");
    // The random changes must have exercised the rules, not compared empty ledgers.
    assert!(kinds.len() >= 8, "rules seen: {kinds:?}");
}
