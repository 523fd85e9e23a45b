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
use cowdesk_core::billing::query::{is_overdue, select};
use cowdesk_core::model::{
    Domain, DomainFilter, DomainQuery, DomainSort, Invoice, InvoiceFilter, InvoiceQuery,
    InvoiceSort, InvoiceStatus, Mailbox, MailboxFilter, MailboxQuery, MailboxSort, Window,
};
use cowdesk_sandbox::SandboxConfig;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, SqliteConnection};
use synced::{no_progress, synced, today, OWN};

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
            for search in ["", "INFO", "jÖrg", ".1"] {
                for descending in [false, true] {
                    let query = MailboxQuery {
                        search: search.into(),
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
            }
        }
    }

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
