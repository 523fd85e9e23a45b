//! The fast sync path, checked for being right (its speed is measured by scripts/bench.sh,
//! not here): only changed rows are written, an unchanged resource writes nothing, the
//! dashboard's SQL counts say what the rows say, and a window of a long list is exactly
//! that part of the whole filtered, sorted list.
//!
//! `cargo test perf` selects them (with the crate's own `perf` tests and the kill -9 test).

#[path = "support/synced.rs"]
mod synced;

use std::path::Path;

use chrono::{Datelike, Duration, NaiveDate};
use cowdesk_core::billing::query::{is_overdue, select, totals_per_year};
use cowdesk_core::model::{
    Domain, DomainFilter, DomainQuery, DomainSort, Invoice, InvoiceFilter, InvoiceQuery,
    InvoiceSort, InvoiceStatus, Mailbox, MailboxFilter, MailboxQuery, MailboxSort, Window,
};
use cowdesk_core::model::{MailboxEntry, MailboxEntryQuery, MailboxSource};
use cowdesk_core::model::{Resource, SyncOutcome, SyncProgress, SyncStage};
use cowdesk_sandbox::{Disruption, DisruptionKind, SandboxConfig};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, SqliteConnection};
use synced::{no_progress, synced, today, OWN, SHARED};

const SYNCED_TABLES: [&str; 8] = [
    "profiles",
    "invoices",
    "mandates",
    "services",
    "domains",
    "mailboxes",
    "account_users",
    "tickets",
];

async fn connect(db: &Path) -> SqliteConnection {
    SqliteConnectOptions::new()
        .filename(db)
        .connect()
        .await
        .unwrap()
}

/// Triggers that log every insert, update and delete on the synced tables.
async fn log_writes(conn: &mut SqliteConnection) {
    sqlx::query("CREATE TABLE write_log (tbl TEXT, op TEXT)")
        .execute(&mut *conn)
        .await
        .unwrap();
    for table in SYNCED_TABLES {
        for op in ["INSERT", "UPDATE", "DELETE"] {
            sqlx::query(&format!(
                "CREATE TRIGGER log_{table}_{op} AFTER {op} ON {table}
                 BEGIN INSERT INTO write_log VALUES ('{table}', '{op}'); END"
            ))
            .execute(&mut *conn)
            .await
            .unwrap();
        }
    }
}

async fn take_log(conn: &mut SqliteConnection) -> Vec<(String, String, i64)> {
    let log =
        sqlx::query_as("SELECT tbl, op, COUNT(*) FROM write_log GROUP BY tbl, op ORDER BY tbl, op")
            .fetch_all(&mut *conn)
            .await
            .unwrap();
    sqlx::query("DELETE FROM write_log")
        .execute(&mut *conn)
        .await
        .unwrap();
    log
}

fn entry(table: &str, op: &str, n: i64) -> (String, String, i64) {
    (table.into(), op.into(), n)
}

#[tokio::test]
async fn perf_only_changed_rows_are_written_and_unchanged_resources_not_at_all() {
    let p = synced(SandboxConfig {
        invoices: 300,
        mailboxes: 2000,
        ..SandboxConfig::default()
    })
    .await;
    let mut conn = connect(&p.dir.path().join("default.sqlite")).await;
    log_writes(&mut conn).await;

    // Nothing changed on the server: every resource answers 304, no row is written.
    let outcome = p.core.sync_account(OWN, &no_progress).await.unwrap();
    assert!(outcome.changed.is_empty());
    assert_eq!(take_log(&mut conn).await, []);

    // One mailbox fuller, one gone, one new; one invoice paid.
    let handle = p.sandbox.handle();
    handle
        .with_account(OWN, |a| {
            a.mailboxes[5].used_bytes += 1;
            a.mailboxes.remove(9);
            let mut new = a.mailboxes[0].clone();
            new.address = format!("new.{}", new.address);
            a.mailboxes.push(new);
            let open = a
                .invoices
                .iter_mut()
                .find(|i| i.status == InvoiceStatus::Open)
                .unwrap();
            open.status = InvoiceStatus::Paid;
            open.paid_on = Some(today());
        })
        .unwrap();
    let outcome = p.core.sync_account(OWN, &no_progress).await.unwrap();
    assert_eq!(outcome.error, None);
    assert_eq!(
        take_log(&mut conn).await,
        [
            entry("invoices", "UPDATE", 1),
            entry("mailboxes", "DELETE", 1),
            entry("mailboxes", "INSERT", 1),
            entry("mailboxes", "UPDATE", 1),
        ]
    );
    // And the cache holds exactly what the server serves.
    let mut cached = p.core.mailboxes(OWN).await.unwrap().items;
    let mut served = handle.with_account(OWN, |a| a.mailboxes.clone()).unwrap();
    cached.sort_by(|a, b| a.address.cmp(&b.address));
    served.sort_by(|a, b| a.address.cmp(&b.address));
    assert_eq!(cached, served);
}

/// On the server, a mailbox of the own account one byte fuller and an invoice of the shared
/// one (whose role reads no mailboxes) a cent dearer: what each account's sync then changes.
fn change_each_account(p: &synced::Profile) -> [(&'static str, Resource, u32); 2] {
    let handle = p.sandbox.handle();
    handle
        .with_account(OWN, |a| a.mailboxes[0].used_bytes += 1)
        .unwrap();
    handle
        .with_account(SHARED, |a| a.invoices[0].amount_cents += 1)
        .unwrap();
    // The own account's role reads all eight resources, the shared one's four.
    [
        (OWN, Resource::Mailboxes, 8),
        (SHARED, Resource::Invoices, 4),
    ]
}

fn assert_changed(outcomes: &[SyncOutcome], expected: &[(&str, Resource, u32)]) {
    for (account, resource, requests) in expected {
        let outcome = outcomes
            .iter()
            .find(|o| o.account_id == *account)
            .unwrap_or_else(|| panic!("no outcome of {account}: {outcomes:?}"));
        assert_eq!(outcome.error, None, "{account}");
        assert_eq!(outcome.changed, [*resource], "{account}");
        assert_eq!(outcome.requests, *requests, "{account}");
    }
}

#[tokio::test]
async fn perf_sync_reads_the_next_account_while_one_is_written() {
    let p = synced(SandboxConfig::default()).await;
    let expected = change_each_account(&p);
    // The cache's write lock held by another connection: the first account's write waits
    // for it, and it is let go only once the second account's pages are being read.
    let mut other = connect(&p.dir.path().join("default.sqlite")).await;
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut other)
        .await
        .unwrap();
    let (reports, mut reported) = tokio::sync::mpsc::unbounded_channel::<SyncProgress>();
    let progress = move |report: SyncProgress| {
        let _ = reports.send(report);
    };
    let watch = async {
        let mut seen = Vec::new();
        while let Some(report) = reported.recv().await {
            let last_fetch_of_second = seen.first().is_some_and(|first: &SyncProgress| {
                first.account_id != report.account_id
                    && report.stage == SyncStage::Fetching
                    && report.done + 1 == report.total
            });
            seen.push(report);
            if last_fetch_of_second {
                break;
            }
        }
        sqlx::query("ROLLBACK").execute(&mut other).await.unwrap();
        seen
    };
    let (outcomes, mut seen) = tokio::join!(p.core.sync_all(&progress), watch);
    drop(progress);
    let outcomes = outcomes.unwrap();
    while let Some(report) = reported.recv().await {
        seen.push(report);
    }

    assert_changed(&outcomes, &expected);
    let at = |account: &str, stage: SyncStage| {
        seen.iter()
            .position(|r| r.account_id == account && r.stage == stage)
            .unwrap_or_else(|| panic!("no {stage:?} of {account} in {seen:?}"))
    };
    let (first, second) = (&outcomes[0].account_id, &outcomes[1].account_id);
    assert!(at(second, SyncStage::Fetching) < at(first, SyncStage::Saving));
    assert!(at(first, SyncStage::Saved) < at(second, SyncStage::Saving));
}

/// Syncs every account with one answer held at the server until the client has asked for
/// `until`: it can only finish when the client asks for that before it has the held answer.
async fn sync_with_an_answer_held(
    p: &synced::Profile,
    held: String,
    until: String,
) -> Vec<SyncOutcome> {
    p.sandbox.handle().inject_disruption(Disruption {
        path_contains: held.clone(),
        kind: DisruptionKind::HeldUntilAsked(until.clone()),
        times: 1,
    });
    // A bound for the failure only: asked one after the other, the held answer waits for
    // a request that never comes.
    tokio::time::timeout(
        std::time::Duration::from_secs(30),
        p.core.sync_all(&no_progress),
    )
    .await
    .unwrap_or_else(|_| panic!("{held} was held, and {until} was never asked for"))
    .unwrap()
}

#[tokio::test]
async fn perf_sync_reads_an_accounts_resources_at_once() {
    let p = synced(SandboxConfig::default()).await;
    let expected = change_each_account(&p);
    // The invoices come before the mailboxes in the order of the resources.
    let outcomes =
        sync_with_an_answer_held(&p, format!("{OWN}/invoices"), format!("{OWN}/mailboxes")).await;
    assert_changed(&outcomes, &expected);
}

#[tokio::test]
async fn perf_sync_asks_for_the_next_pages_while_one_is_read() {
    // Three pages of mailboxes at 500 a page.
    let p = synced(SandboxConfig {
        mailboxes: 1200,
        ..SandboxConfig::default()
    })
    .await;
    let mut expected = change_each_account(&p);
    expected[0].2 += 2; // the mailboxes' second and third pages
    let page = |n: u32| format!("{OWN}/mailboxes?page={n}&");
    let outcomes = sync_with_an_answer_held(&p, page(2), page(3)).await;
    // Every page arrived: the change and the whole list are in the cache.
    assert_changed(&outcomes, &expected);
    let served = p
        .sandbox
        .handle()
        .with_account(OWN, |a| a.mailboxes.len())
        .unwrap();
    assert_eq!(p.core.mailboxes(OWN).await.unwrap().items.len(), served);
    assert_eq!(served, 1200);
}

#[tokio::test]
async fn perf_sync_of_every_account_and_of_one_at_once_both_finish() {
    let p = synced(SandboxConfig::default()).await;
    let expected = change_each_account(&p);
    let (all, one) = tokio::join!(
        p.core.sync_all(&no_progress),
        p.core.sync_account(SHARED, &no_progress)
    );
    let (all, one) = (all.unwrap(), one.unwrap());
    // The shared account's change is written by whichever sync took its lock first; the
    // other finds it unchanged.
    assert_eq!(one.error, None);
    let shared_of_all = all.iter().find(|o| o.account_id == SHARED).unwrap();
    let shared_changes = [one.changed.as_slice(), &shared_of_all.changed].concat();
    assert_eq!(shared_changes, [Resource::Invoices]);
    assert_changed(&all, &expected[..1]);
    // Nothing is left to write.
    for outcome in p.core.sync_all(&no_progress).await.unwrap() {
        assert_eq!(outcome.error, None, "{}", outcome.account_id);
        assert!(outcome.changed.is_empty(), "{outcome:?}");
    }
}

/// The dashboard and the account list count in SQL; these are the same figures computed
/// from every row, as the rules define them.
#[tokio::test]
async fn perf_dashboard_counts_from_sql_match_the_rows() {
    let p = synced(SandboxConfig {
        invoices: 400,
        domains: 200,
        mailboxes: 500,
        ..SandboxConfig::default()
    })
    .await;
    // Make the figures interesting: more overdue, more expiring, more full.
    p.sandbox
        .handle()
        .with_account(OWN, |a| {
            for (n, i) in a.invoices.iter_mut().enumerate().take(60) {
                i.status = [InvoiceStatus::Open, InvoiceStatus::Overdue][n % 2];
                i.due_date = today() + Duration::days(n as i64 % 9 - 4);
                i.dunning_level = (n % 4) as u8;
            }
            for (n, d) in a.domains.iter_mut().enumerate() {
                d.expires_on = today() + Duration::days(n as i64 % 80 - 40);
            }
            for (n, m) in a.mailboxes.iter_mut().enumerate() {
                m.used_bytes = m.quota_bytes * (80 + n as i64 % 30) / 100;
            }
        })
        .unwrap();
    synced::sync_all_ok(&p.core).await;
    let invoices = p.core.invoices(OWN).await.unwrap().items;
    let dashboard = p.core.dashboard(OWN).await.unwrap();

    let today = today();
    let unpaid: Vec<&Invoice> = invoices
        .iter()
        .filter(|i| matches!(i.status, InvoiceStatus::Open | InvoiceStatus::Overdue))
        .collect();
    let overdue: Vec<&&Invoice> = unpaid.iter().filter(|i| is_overdue(i, today)).collect();
    assert_eq!(dashboard.open_count as usize, unpaid.len());
    assert_eq!(
        dashboard.open_total_cents,
        unpaid.iter().map(|i| i.amount_cents).sum::<i64>()
    );
    assert_eq!(dashboard.overdue_count as usize, overdue.len());
    assert_eq!(
        dashboard.overdue_total_cents,
        overdue.iter().map(|i| i.amount_cents).sum::<i64>()
    );
    let mut attention: Vec<Invoice> = unpaid
        .iter()
        .filter(|i| is_overdue(i, today) || i.dunning_level > 0)
        .map(|i| (*i).clone())
        .collect();
    attention.sort_by(|a, b| {
        b.dunning_level
            .cmp(&a.dunning_level)
            .then(a.due_date.cmp(&b.due_date))
    });
    assert!(attention.len() > 10);
    assert_eq!(dashboard.attention_invoices, attention);

    let mut expiring: Vec<Domain> = p
        .core
        .domains(OWN)
        .await
        .unwrap()
        .items
        .into_iter()
        .filter(|d| (d.expires_on - today).num_days().abs() <= 30)
        .collect();
    expiring.sort_by_key(|d| d.expires_on);
    assert!(expiring.len() > 50);
    assert_eq!(dashboard.expiring_domains, expiring);

    let mut full: Vec<Mailbox> = p
        .core
        .mailboxes(OWN)
        .await
        .unwrap()
        .items
        .into_iter()
        .filter(|m| m.percent_used().is_some_and(|p| p >= 90.0))
        .collect();
    full.sort_by(|a, b| b.percent_used().partial_cmp(&a.percent_used()).unwrap());
    assert!(full.len() > 100);
    assert_eq!(dashboard.mailboxes_near_quota, full);

    let badge = p
        .core
        .accounts()
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.account.id == OWN)
        .unwrap()
        .overdue_count;
    assert_eq!(badge as usize, attention.len());
}

/// Every window of every query equals the same slice of the whole list, filtered and
/// sorted in Rust; the counts are the list's.
#[tokio::test]
async fn perf_windows_are_slices_of_the_whole_sorted_filtered_list() {
    let p = synced(SandboxConfig {
        invoices: 700,
        domains: 120,
        mailboxes: 900,
        ..SandboxConfig::default()
    })
    .await;
    p.sandbox
        .handle()
        .with_account(OWN, |a| {
            for (n, m) in a.mailboxes.iter_mut().enumerate() {
                m.used_bytes = m.quota_bytes * (n as i64 % 110) / 100;
                if n % 7 == 0 {
                    m.name = format!("Jörg Ärmel ({n})");
                }
            }
            for (n, d) in a.domains.iter_mut().enumerate() {
                d.expires_on = today() + Duration::days(n as i64 % 90 - 45);
            }
        })
        .unwrap();
    synced::sync_all_ok(&p.core).await;
    let today = today();

    let mailboxes = p.core.mailboxes(OWN).await.unwrap().items;
    // A domain of the list, asked for in capitals (the filter ignores case).
    let other_domain = mailboxes[mailboxes.len() / 2]
        .address
        .rsplit_once('@')
        .unwrap()
        .1
        .to_uppercase();
    for filter in [
        MailboxFilter::All,
        MailboxFilter::NearlyFull,
        MailboxFilter::Full,
        MailboxFilter::Inactive,
    ] {
        for sort in [
            MailboxSort::Address,
            MailboxSort::Name,
            MailboxSort::Usage,
            MailboxSort::Quota,
        ] {
            for (search, domain) in [
                ("", None),
                ("INFO", None),
                ("jÖrg", None),
                (".1", None),
                ("", Some(other_domain.as_str())),
                ("1", Some(other_domain.as_str())),
            ] {
                for descending in [false, true] {
                    let query = MailboxQuery {
                        search: search.into(),
                        domain: domain.map(str::to_owned),
                        filter,
                        sort,
                        descending,
                    };
                    let expected = mailboxes_selected(&mailboxes, &query);
                    let (query, expected, mailboxes, p) = (&query, &expected, &mailboxes, &p);
                    check_windows(expected.len(), |window| async move {
                        let got = p.core.mailbox_window(OWN, query, window).await.unwrap();
                        assert!(got.permitted);
                        assert_eq!(got.total as usize, mailboxes.len());
                        assert_eq!(got.matching as usize, expected.len(), "{query:?}");
                        let from = (window.offset as usize).min(expected.len());
                        let to = (from + window.limit as usize).min(expected.len());
                        assert_eq!(got.rows, expected[from..to], "{query:?} {window:?}");
                    })
                    .await;
                }
            }
        }
    }

    let invoices = p.core.invoices(OWN).await.unwrap().items;
    let year = invoices[0].issue_date.year();
    for filter in [
        InvoiceFilter::All,
        InvoiceFilter::Open,
        InvoiceFilter::Overdue,
        InvoiceFilter::Paid,
        InvoiceFilter::Cancelled,
    ] {
        for sort in [
            InvoiceSort::IssueDate,
            InvoiceSort::DueDate,
            InvoiceSort::Amount,
            InvoiceSort::Number,
            InvoiceSort::Status,
        ] {
            for (search, year) in [("", None), ("", Some(year)), ("re-20", None), ("119", None)] {
                let query = InvoiceQuery {
                    filter,
                    year,
                    search: search.into(),
                    sort,
                    descending: sort != InvoiceSort::Status,
                };
                let expected: Vec<&Invoice> = select(&invoices, &query, today);
                let (query, expected, invoices, p) = (&query, &expected, &invoices, &p);
                check_windows(expected.len(), |window| async move {
                    let got = p.core.invoice_window(OWN, query, window).await.unwrap();
                    assert_eq!(got.total as usize, invoices.len());
                    assert_eq!(got.matching as usize, expected.len(), "{query:?}");
                    let from = (window.offset as usize).min(expected.len());
                    let to = (from + window.limit as usize).min(expected.len());
                    let numbers: Vec<&str> = got.rows.iter().map(|r| r.number.as_str()).collect();
                    let want: Vec<&str> = expected[from..to]
                        .iter()
                        .map(|i| i.number.as_str())
                        .collect();
                    assert_eq!(numbers, want, "{query:?} {window:?}");
                    for (row, invoice) in got.rows.iter().zip(&expected[from..to]) {
                        assert_eq!(row.amount_cents, invoice.amount_cents);
                        assert_eq!(row.overdue, is_overdue(invoice, today));
                    }
                })
                .await;
                // An alert's invoice is found where the whole list has it, or not at all.
                for number in [&invoices[0].number, &invoices[invoices.len() / 3].number] {
                    let at = p.core.invoice_position(OWN, query, number).await.unwrap();
                    let want = expected.iter().position(|i| &i.number == number);
                    assert_eq!(at.map(|n| n as usize), want, "{query:?} {number}");
                }
            }
        }
    }
    // The per-year totals in SQL add up as the whole list's do.
    assert_eq!(
        p.core.invoice_years(OWN).await.unwrap(),
        totals_per_year(&invoices)
    );

    let domains = p.core.domains(OWN).await.unwrap().items;
    for filter in [
        DomainFilter::All,
        DomainFilter::Expiring,
        DomainFilter::Unlocked,
    ] {
        for sort in [DomainSort::Name, DomainSort::ExpiresOn] {
            for (search, descending) in [("", false), ("", true), ("MUELLER", false)] {
                let query = DomainQuery {
                    search: search.into(),
                    filter,
                    sort,
                    descending,
                };
                let expected = domains_selected(&domains, &query, today);
                let (query, expected, p) = (&query, &expected, &p);
                check_windows(expected.len(), |window| async move {
                    let got = p.core.domain_window(OWN, query, window).await.unwrap();
                    assert_eq!(got.matching as usize, expected.len(), "{query:?}");
                    let from = (window.offset as usize).min(expected.len());
                    let to = (from + window.limit as usize).min(expected.len());
                    let names: Vec<&str> = got.rows.iter().map(|d| d.name.as_str()).collect();
                    let want: Vec<&str> =
                        expected[from..to].iter().map(|d| d.name.as_str()).collect();
                    assert_eq!(names, want, "{query:?} {window:?}");
                })
                .await;
            }
        }
    }

    // A window too large is refused, with a message in both languages.
    let err = p
        .core
        .mailbox_window(
            OWN,
            &MailboxQuery {
                search: String::new(),
                domain: None,
                filter: MailboxFilter::All,
                sort: MailboxSort::Address,
                descending: false,
            },
            Window {
                offset: 0,
                limit: 5000,
            },
        )
        .await
        .unwrap_err();
    assert!(err.info().fields.contains_key("limit"));
    assert!(!err.info().message_de.is_empty());
}

/// A few windows of a list of `len` rows: the start, one in the middle, one past the end.
async fn check_windows<F, Fut>(len: usize, check: F)
where
    F: Fn(Window) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let len = len as u32;
    for (offset, limit) in [
        (0, 50),
        (len / 2, 37),
        (len.saturating_sub(5), 100),
        (len + 3, 10),
    ] {
        check(Window { offset, limit }).await;
    }
}

fn lower(text: &str) -> String {
    text.to_lowercase()
}

fn mailboxes_selected<'a>(all: &'a [Mailbox], q: &MailboxQuery) -> Vec<Mailbox> {
    let search = lower(q.search.trim());
    let mut selected: Vec<&'a Mailbox> = all
        .iter()
        .filter(|m| match q.filter {
            MailboxFilter::All => true,
            MailboxFilter::NearlyFull => m.uses_at_least(90),
            MailboxFilter::Full => m.uses_at_least(100),
            MailboxFilter::Inactive => !m.active,
        })
        .filter(|m| {
            q.domain.as_ref().is_none_or(|d| {
                m.address
                    .rsplit_once('@')
                    .is_some_and(|(_, md)| md.eq_ignore_ascii_case(d))
            })
        })
        .filter(|m| {
            search.is_empty()
                || lower(&m.address).contains(&search)
                || lower(&m.name).contains(&search)
        })
        .collect();
    let usage =
        |m: &Mailbox| (m.quota_bytes > 0).then(|| m.used_bytes as f64 / m.quota_bytes as f64);
    selected.sort_by(|a, b| {
        let order = match q.sort {
            MailboxSort::Address => a.address.cmp(&b.address),
            MailboxSort::Name => a.name.cmp(&b.name),
            MailboxSort::Usage => usage(a).partial_cmp(&usage(b)).unwrap(),
            MailboxSort::Quota => a.quota_bytes.cmp(&b.quota_bytes),
        }
        .then_with(|| a.address.cmp(&b.address));
        if q.descending {
            order.reverse()
        } else {
            order
        }
    });
    selected.into_iter().cloned().collect()
}

fn domains_selected(all: &[Domain], q: &DomainQuery, today: NaiveDate) -> Vec<Domain> {
    let search = lower(q.search.trim());
    let mut selected: Vec<&Domain> = all
        .iter()
        .filter(|d| match q.filter {
            DomainFilter::All => true,
            DomainFilter::Expiring => (d.expires_on - today).num_days().abs() <= 30,
            DomainFilter::Unlocked => !d.transfer_lock,
        })
        .filter(|d| search.is_empty() || lower(&d.name).contains(&search))
        .collect();
    selected.sort_by(|a, b| {
        let order = match q.sort {
            DomainSort::Name => a.name.cmp(&b.name),
            DomainSort::ExpiresOn => a.expires_on.cmp(&b.expires_on).then(a.name.cmp(&b.name)),
        };
        if q.descending {
            order.reverse()
        } else {
            order
        }
    });
    selected.into_iter().cloned().collect()
}

/// Adds a mailcow connection (its scope row and mailbox rows) to the cache, as a sync of
/// it would have left them. `rows`: (address, quota, used, percent as the server said).
async fn cache_mailcow(
    conn: &mut SqliteConnection,
    id: &str,
    access: &str,
    created_at: &str,
    rows: &[(String, i64, i64, Option<i64>)],
) {
    sqlx::query(
        "INSERT INTO mailcow_connections
             (id, profile, kind, url, user_name, access, state, created_at)
         VALUES (?1, 'default', 'api_key', ?2, NULL, ?3, 'connected', ?4)",
    )
    .bind(id)
    .bind(format!("https://{id}.example.test"))
    .bind(access)
    .bind(created_at)
    .execute(&mut *conn)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO accounts
             (id, customer_number, name, is_own, role_name, permissions, position, connection_id)
         VALUES (?1, '', ?1, 0, 'mailcow', '[\"mailboxes\"]', 1000000, ?1)",
    )
    .bind(id)
    .execute(&mut *conn)
    .await
    .unwrap();
    for (n, (address, quota, used, percent)) in rows.iter().enumerate() {
        let (local, domain) = address.rsplit_once('@').unwrap();
        sqlx::query(
            "INSERT INTO mailcow_mailboxes (account_id, address, domain, local_part, name,
                 quota_bytes, used_bytes, percent, messages, active, last_login)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        )
        .bind(id)
        .bind(address)
        .bind(domain.to_lowercase())
        .bind(local)
        .bind(format!("{id} Jörg {n}"))
        .bind(quota)
        .bind(used)
        .bind(percent)
        .bind(n as i64 * 3)
        .bind((n % 5 != 0) as i64)
        .bind((n % 2 == 0).then_some(1_700_000_000 + n as i64))
        .execute(&mut *conn)
        .await
        .unwrap();
    }
}

/// A portal account of the cache that no sync knows, with mailboxes; `permissions` as
/// stored (JSON).
async fn cache_portal_account(
    conn: &mut SqliteConnection,
    id: &str,
    permissions: &str,
    position: i64,
    addresses: &[String],
) {
    sqlx::query(
        "INSERT INTO accounts (id, customer_number, name, is_own, role_name, permissions, position)
         VALUES (?1, ?1, ?1, 0, 'Team', ?2, ?3)",
    )
    .bind(id)
    .bind(permissions)
    .bind(position)
    .execute(&mut *conn)
    .await
    .unwrap();
    for (n, address) in addresses.iter().enumerate() {
        sqlx::query(
            "INSERT INTO mailboxes (account_id, address, name, quota_bytes, used_bytes, active)
             VALUES (?1, ?2, ?3, ?4, ?5, 1)",
        )
        .bind(id)
        .bind(address)
        .bind(format!("{id} {n}"))
        .bind(if n % 4 == 0 { 0 } else { 1_000_000 })
        .bind(n as i64 * 91_000 % 1_200_000)
        .execute(&mut *conn)
        .await
        .unwrap();
    }
}

/// The merged mailbox list a window at a time is exactly `mailbox_entries` (the whole
/// list built in Rust): every row, its source, connection and account, for the whole
/// profile and for one domain; a portal account whose role may not read mailboxes gives
/// no row; a read-write connection wins over a read-only one made before it. Also the
/// mailcow summary of the dashboard counts only what a mailcow reports.
#[tokio::test]
async fn perf_mailcow_merged_window_equals_mailbox_entries() {
    let p = synced(SandboxConfig {
        mailboxes: 1500,
        ..SandboxConfig::default()
    })
    .await;
    let portal = p.core.mailboxes(OWN).await.unwrap().items;
    let address = |n: usize| portal[n % portal.len()].address.clone();
    let domain = address(7).rsplit_once('@').unwrap().1.to_owned();

    let mut conn = connect(&p.dir.path().join("default.sqlite")).await;
    // The read-only connection first: some of the portal's addresses (in capitals), some
    // of its own, some the read-write one also has.
    let read_only: Vec<(String, i64, i64, Option<i64>)> = (0..600)
        .map(|n| {
            let a = match n % 3 {
                0 => address(n).to_uppercase(),
                1 => format!("ro{n}@{domain}"),
                _ => format!("both{n}@mc.example.test"),
            };
            (a, 1_048_576 * (n as i64 % 4), 1_000 * n as i64, None)
        })
        .collect();
    let read_write: Vec<(String, i64, i64, Option<i64>)> = (0..900)
        .map(|n| {
            let a = match n % 3 {
                0 => address(n + 1),
                1 => format!("rw{n}@Mc.Example.Test"),
                _ => format!("BOTH{n}@mc.example.test"),
            };
            let quota = 1_000_000 * (n as i64 % 5);
            let used = 9_500 * n as i64 % 1_100_000;
            let percent = (n % 2 == 0 && quota > 0).then(|| used * 100 / quota);
            (a, quota, used, percent)
        })
        .collect();
    cache_mailcow(
        &mut conn,
        "mc-ro",
        "read_only",
        "2026-01-01T00:00:00Z",
        &read_only,
    )
    .await;
    cache_mailcow(
        &mut conn,
        "mc-rw",
        "read_write",
        "2026-02-01T00:00:00Z",
        &read_write,
    )
    .await;
    // A portal account that may not read mailboxes, and one that may (after the others).
    let hidden: Vec<String> = (0..50).map(|n| format!("hidden{n}@{domain}")).collect();
    cache_portal_account(&mut conn, "acc-hidden", "[\"invoices\"]", 50, &hidden).await;
    let late: Vec<String> = (0..80)
        .map(|n| match n % 2 {
            0 => address(n + 2).to_uppercase(),
            _ => format!("late{n}@{domain}"),
        })
        .collect();
    cache_portal_account(&mut conn, "acc-late", "[\"mailboxes\"]", 60, &late).await;

    let all_len = p.core.mailbox_entries(None).await.unwrap().len();
    for only in [None, Some(domain.to_uppercase())] {
        let whole = p.core.mailbox_entries(only.as_deref()).await.unwrap();
        assert!(whole.len() > 1000, "{}", whole.len());
        let query = MailboxEntryQuery {
            search: String::new(),
            domain: only.clone(),
            filter: MailboxFilter::All,
            sort: MailboxSort::Address,
            descending: false,
            mailcow_only: false,
        };
        let mut windowed = Vec::new();
        loop {
            let got = p
                .core
                .mailbox_entry_window(
                    &query,
                    Window {
                        offset: windowed.len() as u32,
                        limit: 333,
                    },
                )
                .await
                .unwrap();
            assert_eq!(got.matching as usize, whole.len());
            if got.rows.is_empty() {
                break;
            }
            windowed.extend(got.rows);
        }
        assert_eq!(windowed, whole, "domain {only:?}");
        for source in [
            MailboxSource::Portal,
            MailboxSource::Mailcow,
            MailboxSource::MailcowAndPortal,
        ] {
            assert!(whole.iter().any(|e| e.source == source), "{source:?}");
        }
        assert!(!whole.iter().any(|e| e.address.starts_with("hidden")));
        assert!(whole
            .iter()
            .any(|e| e.account_id.as_deref() == Some("acc-late")));
        // Addresses both connections report: the read-write one's rows.
        for both in whole
            .iter()
            .filter(|e| e.address.to_lowercase().starts_with("both"))
        {
            assert_eq!(both.connection_id.as_deref(), Some("mc-rw"), "{both:?}");
        }

        // Filters, searches and sorts: the same as filtering `whole` in Rust.
        for (filter, search, sort, descending, mailcow_only) in [
            (
                MailboxFilter::NearlyFull,
                "",
                MailboxSort::Usage,
                true,
                true,
            ),
            (MailboxFilter::Full, "", MailboxSort::Address, false, false),
            (
                MailboxFilter::Inactive,
                "JÖRG",
                MailboxSort::Name,
                false,
                false,
            ),
            (MailboxFilter::All, "RO1", MailboxSort::Quota, true, false),
        ] {
            let q = MailboxEntryQuery {
                search: search.into(),
                domain: only.clone(),
                filter,
                sort,
                descending,
                mailcow_only,
            };
            let expected = entries_selected(&whole, &q);
            assert!(!expected.is_empty(), "{q:?}");
            let (q, expected, p) = (&q, &expected, &p);
            check_windows(expected.len(), |window| async move {
                let got = p.core.mailbox_entry_window(q, window).await.unwrap();
                assert_eq!(got.total as usize, all_len);
                assert_eq!(got.matching as usize, expected.len(), "{q:?}");
                let from = (window.offset as usize).min(expected.len());
                let to = (from + window.limit as usize).min(expected.len());
                assert_eq!(got.rows, expected[from..to], "{q:?} {window:?}");
            })
            .await;
            // The position of a row is its index.
            let middle = &expected[expected.len() / 2];
            assert_eq!(
                p.core
                    .mailbox_entry_position(q, &middle.address.to_uppercase())
                    .await
                    .unwrap(),
                Some((expected.len() / 2) as u32)
            );
        }
    }

    // The dashboard's mailcow figures: only what a mailcow reports.
    let whole = p.core.mailbox_entries(None).await.unwrap();
    let mailcow: Vec<&MailboxEntry> = whole
        .iter()
        .filter(|e| e.source != MailboxSource::Portal)
        .collect();
    let summary = p.core.mailcow_summary().await.unwrap();
    assert_eq!(summary.connections, 2);
    assert_eq!(summary.mailboxes as usize, mailcow.len());
    assert!((summary.mailboxes as usize) < whole.len());
    assert_eq!(
        summary.used_bytes,
        mailcow.iter().map(|e| e.used_bytes).sum::<u64>()
    );
    let mut full: Vec<&MailboxEntry> = mailcow
        .iter()
        .copied()
        .filter(|e| e.percent.is_some_and(|p| p >= 90))
        .collect();
    assert!(!full.is_empty());
    assert_eq!(summary.nearly_full as usize, full.len());
    full.sort_by(|a, b| {
        let usage = |e: &MailboxEntry| e.used_bytes as f64 / e.quota_bytes as f64;
        usage(b)
            .partial_cmp(&usage(a))
            .unwrap()
            .then_with(|| b.address.to_lowercase().cmp(&a.address.to_lowercase()))
    });
    let fullest: Vec<&MailboxEntry> = summary.fullest.iter().collect();
    assert_eq!(fullest, full[..3]);
}

/// The rows of the merged list `q` selects, filtered and sorted in Rust (the list is
/// already one domain's when `q` names one).
fn entries_selected(all: &[MailboxEntry], q: &MailboxEntryQuery) -> Vec<MailboxEntry> {
    let search = lower(q.search.trim());
    let mut selected: Vec<&MailboxEntry> = all
        .iter()
        .filter(|e| match q.filter {
            MailboxFilter::All => true,
            MailboxFilter::NearlyFull => e.percent.is_some_and(|p| p >= 90),
            MailboxFilter::Full => e.percent.is_some_and(|p| p >= 100),
            MailboxFilter::Inactive => !e.active,
        })
        .filter(|e| !q.mailcow_only || e.source != MailboxSource::Portal)
        .filter(|e| {
            search.is_empty()
                || lower(&e.address).contains(&search)
                || lower(&e.name).contains(&search)
        })
        .collect();
    let usage =
        |e: &MailboxEntry| (e.quota_bytes > 0).then(|| e.used_bytes as f64 / e.quota_bytes as f64);
    selected.sort_by(|a, b| {
        let order = match q.sort {
            MailboxSort::Address => std::cmp::Ordering::Equal,
            MailboxSort::Name => a.name.cmp(&b.name),
            MailboxSort::Usage => usage(a).partial_cmp(&usage(b)).unwrap(),
            MailboxSort::Quota => a.quota_bytes.cmp(&b.quota_bytes),
        }
        .then_with(|| {
            a.address
                .to_ascii_lowercase()
                .cmp(&b.address.to_ascii_lowercase())
        });
        if q.descending {
            order.reverse()
        } else {
            order
        }
    });
    selected.into_iter().cloned().collect()
}
