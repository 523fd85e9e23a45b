//! Rules, ledger and delivery of alerts: plain values for the rules, a real SQLite file
//! for the ledger.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use cowdesk_model::{
    Account, AlertCategory, AlertDelivery, AlertRule, AlertSettings, AlertSeverity, Domain,
    Invoice, InvoiceStatus, Mailbox, Mandate, MandateKind, MandateStatus, NavTarget, Permission,
    QuietHours, Role, Service, ServiceStatus,
};
use tempfile::TempDir;

use super::evaluate::Reach;
use super::ledger::LedgerReport;
use super::rules::{evaluate, RuleInput, Snapshot};
use super::*;
use crate::notify::{Notifier, NotifyError};
use crate::secrets::MemorySecretStore;
use crate::store::{ResourceData, ResourceUpdate, Store};

const ACC: &str = "acc-100001";

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap()
}

fn day(offset: i64) -> NaiveDate {
    today() + Duration::days(offset)
}

fn invoice(number: &str, status: InvoiceStatus, due: i64, dunning: u8) -> Invoice {
    Invoice {
        number: number.into(),
        issue_date: day(due - 14),
        due_date: day(due),
        amount_cents: 3546,
        currency: "EUR".into(),
        status,
        dunning_level: dunning,
        paid_on: (status == InvoiceStatus::Paid).then(|| day(due - 3)),
    }
}

fn service(id: &str, status: ServiceStatus) -> Service {
    Service {
        id: id.into(),
        kind: "server".into(),
        product: "vServer S".into(),
        status,
        term_months: 1,
        period_end: day(40),
        status_reason: (status == ServiceStatus::Suspended).then(|| "Unpaid invoice RE-1".into()),
        status_reason_text: None,
        mail_allowance: None,
    }
}

fn mandate(id: &str, status: MandateStatus) -> Mandate {
    Mandate {
        id: id.into(),
        kind: MandateKind::Sepa,
        label: "DE89 **** **** **** **30 00".into(),
        status,
        is_default: true,
        created_on: day(-400),
    }
}

fn domain(name: &str, expires_in: i64, locked: bool) -> Domain {
    Domain {
        name: name.into(),
        expires_on: day(expires_in),
        transfer_lock: locked,
        auto_renew: true,
        status: "active".into(),
        lock_changed_at: None,
        service_ids: Vec::new(),
        invoice_numbers: Vec::new(),
    }
}

fn mailbox(address: &str, percent: i64) -> Mailbox {
    Mailbox {
        address: address.into(),
        name: "Info".into(),
        quota_bytes: 1000,
        used_bytes: percent * 10,
        active: true,
    }
}

fn rules_of(previous: &Snapshot, current: &Snapshot) -> Vec<(AlertRule, String, String)> {
    rules_at(previous, current, &HashMap::new())
}

fn rules_at(
    previous: &Snapshot,
    current: &Snapshot,
    unlocked_since: &HashMap<String, DateTime<Utc>>,
) -> Vec<(AlertRule, String, String)> {
    let findings = evaluate(&RuleInput {
        previous,
        current,
        today: today(),
        unlocked_since,
    });
    findings
        .into_iter()
        .filter(|f| !f.event || f.fresh || f.holds)
        .map(|f| (f.rule, f.object, f.state))
        .collect()
}

fn key(rule: AlertRule, object: &str, state: &str) -> (AlertRule, String, String) {
    (rule, object.into(), state.into())
}

// ----- rules ---------------------------------------------------------------------------

#[test]
fn rules_reminder_level_up_is_a_new_alert_and_overdue_gives_way() {
    let before = Snapshot {
        invoices: Some(vec![invoice("RE-1", InvoiceStatus::Overdue, -5, 0)]),
        ..Snapshot::default()
    };
    assert_eq!(
        rules_of(&before, &before),
        vec![
            key(AlertRule::NewInvoice, "RE-1", ""),
            key(AlertRule::InvoiceOverdue, "RE-1", "")
        ]
    );
    let after = Snapshot {
        invoices: Some(vec![invoice("RE-1", InvoiceStatus::Overdue, -5, 2)]),
        ..Snapshot::default()
    };
    let found = rules_of(&before, &after);
    assert!(found.contains(&key(AlertRule::PaymentReminder, "RE-1", "2")));
    assert!(!found.iter().any(|k| k.0 == AlertRule::InvoiceOverdue));
}

#[test]
fn rules_new_invoice_needs_a_previous_list_and_paid_ones_stay_quiet() {
    let empty = Snapshot {
        invoices: Some(vec![]),
        ..Snapshot::default()
    };
    let now = Snapshot {
        invoices: Some(vec![
            invoice("RE-2", InvoiceStatus::Open, 10, 0),
            invoice("RE-0", InvoiceStatus::Paid, -40, 0),
        ]),
        ..Snapshot::default()
    };
    let findings = evaluate(&RuleInput {
        previous: &empty,
        current: &now,
        today: today(),
        unlocked_since: &HashMap::new(),
    });
    let new: Vec<_> = findings
        .iter()
        .filter(|f| f.rule == AlertRule::NewInvoice)
        .map(|f| (f.object.as_str(), f.fresh, f.holds))
        .collect();
    assert_eq!(new, vec![("RE-2", true, true), ("RE-0", true, false)]);

    // Without a previous list (never synced) nothing is "new".
    let findings = evaluate(&RuleInput {
        previous: &Snapshot::default(),
        current: &now,
        today: today(),
        unlocked_since: &HashMap::new(),
    });
    assert!(findings.iter().all(|f| !f.fresh));
}

#[test]
fn rules_due_soon_only_without_an_active_mandate() {
    let invoices = Some(vec![
        invoice("RE-3", InvoiceStatus::Open, 3, 0),
        invoice("RE-4", InvoiceStatus::Open, 4, 0),
    ]);
    let without = Snapshot {
        invoices: invoices.clone(),
        mandates: Some(vec![mandate("m1", MandateStatus::Cancelled)]),
        ..Snapshot::default()
    };
    let found = rules_of(&without, &without);
    assert!(found.contains(&key(AlertRule::DueWithoutMandate, "RE-3", "")));
    assert!(!found.contains(&key(AlertRule::DueWithoutMandate, "RE-4", "")));
    let with = Snapshot {
        invoices: invoices.clone(),
        mandates: Some(vec![mandate("m1", MandateStatus::Active)]),
        ..Snapshot::default()
    };
    assert!(!rules_of(&with, &with)
        .iter()
        .any(|k| k.0 == AlertRule::DueWithoutMandate));
    // The role cannot see mandates: no guess.
    let unknown = Snapshot {
        invoices,
        ..Snapshot::default()
    };
    assert!(!rules_of(&unknown, &unknown)
        .iter()
        .any(|k| k.0 == AlertRule::DueWithoutMandate));
}

#[test]
fn rules_services_mandates_domains_and_mailboxes() {
    let before = Snapshot {
        services: Some(vec![
            service("s1", ServiceStatus::Active),
            service("s2", ServiceStatus::Suspended),
        ]),
        mandates: Some(vec![
            mandate("m1", MandateStatus::Active),
            mandate("m2", MandateStatus::Cancelled),
        ]),
        ..Snapshot::default()
    };
    let after = Snapshot {
        services: Some(vec![
            service("s1", ServiceStatus::Suspended),
            service("s2", ServiceStatus::Active),
        ]),
        mandates: Some(vec![
            mandate("m1", MandateStatus::Failed),
            mandate("m2", MandateStatus::Cancelled),
        ]),
        domains: Some(vec![
            domain("soon.de", 12, true),
            domain("later.de", 31, true),
            domain("open.de", 200, false),
            Domain {
                status: "transfer_pending".into(),
                ..domain("moving.de", 200, false)
            },
        ]),
        mailboxes: Some(vec![mailbox("info@x.de", 94), mailbox("team@x.de", 89)]),
        ..Snapshot::default()
    };
    let since = HashMap::from([
        ("open.de".to_owned(), now() - Duration::days(8)),
        ("moving.de".to_owned(), now() - Duration::days(30)),
    ]);
    let found = rules_at(&before, &after, &since);
    let expected = vec![
        key(AlertRule::ServiceSuspended, "s1", ""),
        key(AlertRule::ServiceReactivated, "s2", ""),
        key(AlertRule::MandateFailed, "m1", ""),
        key(AlertRule::DomainExpiring, "soon.de", &day(12).to_string()),
        key(
            AlertRule::DomainUnlocked,
            "open.de",
            &(now() - Duration::days(8)).to_rfc3339(),
        ),
        key(AlertRule::MailboxQuota, "info@x.de", ""),
    ];
    assert_eq!(found, expected);

    // Unlocked for only 7 days is not yet worth an alert.
    let since = HashMap::from([("open.de".to_owned(), now() - Duration::days(7))]);
    assert!(!rules_at(&before, &after, &since)
        .iter()
        .any(|k| k.0 == AlertRule::DomainUnlocked));
}

#[test]
fn rules_cancelled_mandate_is_news_only_when_it_happens() {
    let active = Snapshot {
        mandates: Some(vec![mandate("m1", MandateStatus::Active)]),
        ..Snapshot::default()
    };
    let cancelled = Snapshot {
        mandates: Some(vec![mandate("m1", MandateStatus::Cancelled)]),
        ..Snapshot::default()
    };
    let fresh = |previous: &Snapshot| {
        evaluate(&RuleInput {
            previous,
            current: &cancelled,
            today: today(),
            unlocked_since: &HashMap::new(),
        })
        .into_iter()
        .filter(|f| f.rule == AlertRule::MandateCancelled && f.fresh)
        .count()
    };
    assert_eq!(fresh(&active), 1);
    assert_eq!(fresh(&cancelled), 0);
}

#[test]
fn rules_point_at_the_item_and_name_it_in_both_languages() {
    let current = Snapshot {
        invoices: Some(vec![invoice("RE-7", InvoiceStatus::Overdue, -3, 1)]),
        ..Snapshot::default()
    };
    let findings = evaluate(&RuleInput {
        previous: &current,
        current: &current,
        today: today(),
        unlocked_since: &HashMap::new(),
    });
    let reminder = findings
        .iter()
        .find(|f| f.rule == AlertRule::PaymentReminder)
        .unwrap();
    assert_eq!(
        reminder.target,
        NavTarget::Invoices {
            number: "RE-7".into()
        }
    );
    assert_eq!(reminder.severity, AlertSeverity::Warning);
    assert_eq!(reminder.texts.title, "Payment reminder");
    assert_eq!(reminder.texts.title_de, "Zahlungserinnerung");
    assert_eq!(
        reminder.texts.body,
        "Invoice RE-7 of €35.46 was due on 22 Nov 2026 and is still unpaid."
    );
    assert_eq!(
        reminder.texts.body_de,
        "Rechnung RE-7 über 35,46 € war am 22.11.2026 fällig und ist noch offen."
    );
}

// ----- ledger --------------------------------------------------------------------------

fn account() -> Account {
    Account {
        id: ACC.into(),
        customer_number: "100001".into(),
        name: "Müller Webdesign".into(),
        is_own: true,
        role: Role {
            name: "Full Access".into(),
            permissions: Permission::ALL.to_vec(),
        },
    }
}

async fn store(dir: &TempDir) -> Store {
    let store = Store::open(&dir.path().join("default.sqlite"))
        .await
        .unwrap();
    store.replace_accounts(&[account()], None).await.unwrap();
    store
}

fn changed(data: ResourceData) -> ResourceUpdate {
    ResourceUpdate::Changed { data, etag: None }
}

fn updates(invoices: Vec<Invoice>, services: Vec<Service>) -> Vec<ResourceUpdate> {
    vec![
        changed(ResourceData::Invoices(invoices)),
        changed(ResourceData::Services(services)),
        changed(ResourceData::Mandates(vec![mandate(
            "m1",
            MandateStatus::Active,
        )])),
    ]
}

/// One write through the write path, at `at` (its day is "today").
async fn sync(store: &Store, updates: &[ResourceUpdate], at: DateTime<Utc>) -> LedgerReport {
    let mut tx = store.begin_write().await.unwrap();
    let clock = (at.date_naive(), at);
    let done = crate::sync::commit::commit_in(&mut tx, ACC, updates, clock, Reach::ChangeSet, &[])
        .await
        .unwrap();
    tx.commit().await.unwrap();
    done.report
}

/// The demo's shape: one invoice overdue with a reminder, its service suspended.
fn troubled() -> Vec<ResourceUpdate> {
    updates(
        vec![
            invoice("RE-2", InvoiceStatus::Open, 1, 0),
            invoice("RE-1", InvoiceStatus::Overdue, -10, 1),
        ],
        vec![
            service("s1", ServiceStatus::Active),
            service("s4", ServiceStatus::Suspended),
        ],
    )
}

#[tokio::test]
async fn ledger_first_sync_is_a_silent_backfill() {
    let dir = TempDir::new().unwrap();
    let store = store(&dir).await;
    let report = sync(&store, &troubled(), now()).await;
    // RE-2 (unpaid, new invoice? no: no previous list), RE-1 reminder, s4 suspended.
    assert_eq!(report.new, 0);
    assert_eq!(report.backfilled, 2);
    assert!(store.pending_alerts().await.unwrap().is_empty());
    let alerts = store.alerts(100, &[]).await.unwrap();
    assert!(alerts.iter().all(|a| a.delivery == AlertDelivery::Backfill));
    assert_eq!(alerts.len(), 2);
    assert_eq!(store.alert_counts(&[]).await.unwrap().unresolved, 2);
}

#[tokio::test]
async fn ledger_a_restart_and_a_resync_do_not_notify_again() {
    let dir = TempDir::new().unwrap();
    {
        let store = store(&dir).await;
        sync(&store, &troubled(), now()).await;
        // The newest invoice gets a reminder; the webhosting is suspended.
        let worse = updates(
            vec![
                invoice("RE-3", InvoiceStatus::Open, 14, 0),
                invoice("RE-2", InvoiceStatus::Overdue, 1, 1),
                invoice("RE-1", InvoiceStatus::Overdue, -10, 1),
            ],
            vec![
                service("s1", ServiceStatus::Suspended),
                service("s4", ServiceStatus::Suspended),
            ],
        );
        let report = sync(&store, &worse, now()).await;
        assert_eq!(
            report.new, 3,
            "reminder RE-2, suspension s1, new invoice RE-3"
        );
        let pending: Vec<_> = store
            .pending_alerts()
            .await
            .unwrap()
            .into_iter()
            .map(|p| (p.rule, p.target.target))
            .collect();
        assert_eq!(
            pending,
            vec![
                (
                    AlertRule::NewInvoice,
                    NavTarget::Invoices {
                        number: "RE-3".into()
                    }
                ),
                (
                    AlertRule::PaymentReminder,
                    NavTarget::Invoices {
                        number: "RE-2".into()
                    }
                ),
                (
                    AlertRule::ServiceSuspended,
                    NavTarget::Services { id: "s1".into() }
                ),
            ]
        );
        for p in store.pending_alerts().await.unwrap() {
            store
                .set_alert_delivery(p.id, AlertDelivery::Delivered, now())
                .await
                .unwrap();
        }
        let again = sync(&store, &worse, now() + Duration::minutes(15)).await;
        assert_eq!(
            again,
            LedgerReport::default(),
            "a re-sync finds nothing new"
        );
        store.pool().close().await;
    }
    // A restart: the same file, opened afresh.
    let store = Store::open(&dir.path().join("default.sqlite"))
        .await
        .unwrap();
    assert!(store.pending_alerts().await.unwrap().is_empty());
    let unchanged = vec![
        ResourceUpdate::Unchanged(cowdesk_model::Resource::Invoices),
        ResourceUpdate::Unchanged(cowdesk_model::Resource::Services),
        ResourceUpdate::Unchanged(cowdesk_model::Resource::Mandates),
    ];
    let report = sync(&store, &unchanged, now() + Duration::minutes(30)).await;
    assert_eq!(report, LedgerReport::default());
    assert!(store.pending_alerts().await.unwrap().is_empty());
}

#[tokio::test]
async fn ledger_resolves_alerts_whose_cause_is_gone() {
    let dir = TempDir::new().unwrap();
    let store = store(&dir).await;
    sync(&store, &troubled(), now()).await;
    // RE-1 paid, the service back.
    let fixed = updates(
        vec![
            invoice("RE-2", InvoiceStatus::Open, 1, 0),
            invoice("RE-1", InvoiceStatus::Paid, -10, 1),
        ],
        vec![
            service("s1", ServiceStatus::Active),
            service("s4", ServiceStatus::Active),
        ],
    );
    let report = sync(&store, &fixed, now() + Duration::hours(1)).await;
    assert_eq!(report.resolved, 2);
    assert_eq!(report.new, 1, "the reactivation");
    let alerts = store.alerts(100, &[]).await.unwrap();
    let reminder = alerts
        .iter()
        .find(|a| a.rule == AlertRule::PaymentReminder)
        .unwrap();
    assert!(reminder.resolved_at.is_some());
    let reactivated = alerts
        .iter()
        .find(|a| a.rule == AlertRule::ServiceReactivated)
        .unwrap();
    // Good news needs no action: resolved at once, still announced.
    assert!(reactivated.resolved_at.is_some());
    assert_eq!(reactivated.delivery, AlertDelivery::Pending);
    assert_eq!(store.alert_counts(&[]).await.unwrap().unresolved, 0);

    // Suspended again later: a new occurrence, announced again.
    let report = sync(&store, &troubled(), now() + Duration::hours(2)).await;
    assert!(report.new >= 1);
    let suspended = store
        .alerts(100, &[])
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.rule == AlertRule::ServiceSuspended)
        .unwrap();
    assert_eq!(
        (suspended.resolved_at, suspended.delivery, suspended.read),
        (None, AlertDelivery::Pending, false)
    );
}

#[tokio::test]
async fn ledger_forgets_long_resolved_alerts() {
    let dir = TempDir::new().unwrap();
    let store = store(&dir).await;
    sync(&store, &troubled(), now()).await;
    let paid = updates(
        vec![invoice("RE-1", InvoiceStatus::Paid, -10, 1)],
        vec![service("s4", ServiceStatus::Suspended)],
    );
    sync(&store, &paid, now()).await;
    let rules = |alerts: Vec<cowdesk_model::Alert>| -> Vec<AlertRule> {
        alerts.into_iter().map(|a| a.rule).collect()
    };
    let kept = now() + Duration::days(super::ledger::KEEP_RESOLVED_DAYS - 1);
    sync(&store, &paid, kept).await;
    assert!(rules(store.alerts(100, &[]).await.unwrap()).contains(&AlertRule::PaymentReminder));
    let later = now() + Duration::days(super::ledger::KEEP_RESOLVED_DAYS + 1);
    sync(&store, &paid, later).await;
    assert_eq!(
        rules(store.alerts(100, &[]).await.unwrap()),
        vec![AlertRule::ServiceSuspended],
        "the open alert stays, the long-resolved one goes"
    );
}

#[tokio::test]
async fn ledger_drops_a_pending_notification_whose_cause_went_away() {
    let dir = TempDir::new().unwrap();
    let store = store(&dir).await;
    sync(&store, &troubled(), now()).await;
    let suspended_more = updates(
        vec![invoice("RE-1", InvoiceStatus::Overdue, -10, 1)],
        vec![service("s1", ServiceStatus::Suspended)],
    );
    sync(&store, &suspended_more, now()).await;
    assert_eq!(store.pending_alerts().await.unwrap().len(), 1);
    let back = updates(
        vec![invoice("RE-1", InvoiceStatus::Overdue, -10, 1)],
        vec![service("s1", ServiceStatus::Active)],
    );
    sync(&store, &back, now()).await;
    let s1 = store
        .alerts(100, &[])
        .await
        .unwrap()
        .into_iter()
        .find(|a| {
            a.rule == AlertRule::ServiceSuspended
                && a.target.target == NavTarget::Services { id: "s1".into() }
        })
        .unwrap();
    assert_eq!(s1.delivery, AlertDelivery::Dropped);
    assert!(store
        .pending_alerts()
        .await
        .unwrap()
        .iter()
        .all(|p| p.rule != AlertRule::ServiceSuspended));
}

#[tokio::test]
async fn ledger_tracks_how_long_a_domain_has_been_unlocked() {
    let dir = TempDir::new().unwrap();
    let store = store(&dir).await;
    let domains = |locked: bool| {
        vec![changed(ResourceData::Domains(vec![domain(
            "mueller.de",
            200,
            locked,
        )]))]
    };
    sync(&store, &domains(true), now()).await;
    sync(&store, &domains(false), now()).await;
    let unlocked = |alerts: &[cowdesk_model::Alert]| {
        alerts
            .iter()
            .filter(|a| a.rule == AlertRule::DomainUnlocked && a.resolved_at.is_none())
            .count()
    };
    let week = now() + Duration::days(7);
    sync(
        &store,
        &[ResourceUpdate::Unchanged(cowdesk_model::Resource::Domains)],
        week,
    )
    .await;
    assert_eq!(unlocked(&store.alerts(100, &[]).await.unwrap()), 0);
    let later = now() + Duration::days(8);
    let report = sync(
        &store,
        &[ResourceUpdate::Unchanged(cowdesk_model::Resource::Domains)],
        later,
    )
    .await;
    assert_eq!(report.new, 1);
    assert_eq!(unlocked(&store.alerts(100, &[]).await.unwrap()), 1);
    // Locked again: resolved, and the clock starts afresh next time.
    let report = sync(&store, &domains(true), later).await;
    assert_eq!(report.resolved, 1);
    sync(&store, &domains(false), later).await;
    assert_eq!(unlocked(&store.alerts(100, &[]).await.unwrap()), 0);
}

#[tokio::test]
async fn ledger_takes_the_unlock_time_from_the_portal_when_it_has_one() {
    let dir = TempDir::new().unwrap();
    let store = store(&dir).await;
    let unlocked_for = |days: i64| {
        let mut d = domain("mueller.de", 200, false);
        d.lock_changed_at = Some(now() - Duration::days(days));
        vec![changed(ResourceData::Domains(vec![d]))]
    };
    let open = |alerts: &[cowdesk_model::Alert]| {
        alerts
            .iter()
            .filter(|a| a.rule == AlertRule::DomainUnlocked && a.resolved_at.is_none())
            .count()
    };
    // Unlocked two days ago in the portal: not yet a reminder, although first seen now.
    sync(&store, &unlocked_for(2), now()).await;
    assert_eq!(open(&store.alerts(100, &[]).await.unwrap()), 0);
    // The portal says ten days: flagged at once, not a week after this sync.
    sync(&store, &unlocked_for(10), now()).await;
    assert_eq!(open(&store.alerts(100, &[]).await.unwrap()), 1);
}

// ----- delivery ------------------------------------------------------------------------

#[derive(Default)]
struct Recorder {
    shown: Mutex<Vec<Outgoing>>,
}

impl Notifier for Recorder {
    async fn show(&self, n: &Outgoing) -> Result<(), NotifyError> {
        self.shown.lock().unwrap().push(n.clone());
        Ok(())
    }
}

async fn core_with_pending(dir: &TempDir, invoices: usize) -> Core {
    let core = Core::open(
        dir.path(),
        "default",
        Arc::new(MemorySecretStore::default()),
    )
    .await
    .unwrap();
    core.store
        .replace_accounts(&[account()], None)
        .await
        .unwrap();
    sync(&core.store, &updates(vec![], vec![]), now()).await;
    let list = (0..invoices)
        .map(|n| invoice(&format!("RE-{n}"), InvoiceStatus::Open, 20, 0))
        .collect();
    let report = sync(&core.store, &updates(list, vec![]), now()).await;
    assert_eq!(report.new as usize, invoices);
    core
}

fn at(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}

#[tokio::test]
async fn alert_summary_threshold_is_five() {
    let dir = TempDir::new().unwrap();
    let core = core_with_pending(&dir, 4).await;
    let recorder = Recorder::default();
    let report = core
        .deliver_alerts(&recorder, Lang::En, at(12, 0))
        .await
        .unwrap();
    assert_eq!(report.shown, 4);
    let shown = recorder.shown.lock().unwrap().clone();
    assert!(shown
        .iter()
        .all(|n| n.title == "Müller Webdesign: New invoice" && n.alert_ids.len() == 1));

    let dir = TempDir::new().unwrap();
    let core = core_with_pending(&dir, 5).await;
    let recorder = Recorder::default();
    let report = core
        .deliver_alerts(&recorder, Lang::De, at(12, 0))
        .await
        .unwrap();
    assert_eq!(report.shown, 1);
    let shown = recorder.shown.lock().unwrap().clone();
    assert_eq!(shown.len(), 1);
    assert_eq!(shown[0].title, "Müller Webdesign: 5 neue Hinweise");
    assert_eq!(
        shown[0].body,
        "Neue Rechnung, Neue Rechnung, Neue Rechnung und 2 weitere."
    );
    assert_eq!(shown[0].alert_ids.len(), 5);
    assert_eq!(shown[0].target.target, NavTarget::Alerts);
    // All five are delivered: nothing goes out twice.
    assert!(core.store.pending_alerts().await.unwrap().is_empty());
    let again = core
        .deliver_alerts(&recorder, Lang::De, at(12, 1))
        .await
        .unwrap();
    assert_eq!(again.shown, 0);
}

#[tokio::test]
async fn alert_quiet_hours_hold_and_deliver_after() {
    let dir = TempDir::new().unwrap();
    let core = core_with_pending(&dir, 2).await;
    core.set_alert_settings(AlertSettings {
        quiet_hours: Some(QuietHours {
            start: "22:00".into(),
            end: "07:00".into(),
        }),
        ..AlertSettings::default()
    })
    .await
    .unwrap();
    let recorder = Recorder::default();
    for time in [at(22, 0), at(23, 59), at(3, 0), at(6, 59)] {
        let report = core
            .deliver_alerts(&recorder, Lang::En, time)
            .await
            .unwrap();
        assert_eq!((report.held, report.shown), (2, 0), "{time}");
    }
    assert!(recorder.shown.lock().unwrap().is_empty());
    let report = core
        .deliver_alerts(&recorder, Lang::En, at(7, 0))
        .await
        .unwrap();
    assert_eq!(report.shown, 2);
    assert_eq!(recorder.shown.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn alert_settings_mute_categories_accounts_and_everything() {
    for settings in [
        AlertSettings {
            enabled: false,
            ..AlertSettings::default()
        },
        AlertSettings {
            muted_categories: vec![AlertCategory::Invoices],
            ..AlertSettings::default()
        },
        AlertSettings {
            muted_accounts: vec![ACC.into()],
            ..AlertSettings::default()
        },
    ] {
        let dir = TempDir::new().unwrap();
        let core = core_with_pending(&dir, 2).await;
        core.set_alert_settings(settings).await.unwrap();
        let recorder = Recorder::default();
        let report = core
            .deliver_alerts(&recorder, Lang::En, at(12, 0))
            .await
            .unwrap();
        assert_eq!((report.shown, report.suppressed), (0, 2));
        // Still in the app.
        let alerts = core.alerts().await.unwrap();
        assert!(alerts
            .iter()
            .all(|a| a.delivery == AlertDelivery::Suppressed));
        assert_eq!(core.alert_counts().await.unwrap().unread, 2);
    }
}

#[tokio::test]
async fn alert_settings_are_validated() {
    let dir = TempDir::new().unwrap();
    let core = core_with_pending(&dir, 0).await;
    let bad = [
        AlertSettings {
            sync_interval_minutes: 1,
            ..AlertSettings::default()
        },
        AlertSettings {
            quiet_hours: Some(QuietHours {
                start: "25:00".into(),
                end: "07:00".into(),
            }),
            ..AlertSettings::default()
        },
        AlertSettings {
            quiet_hours: Some(QuietHours {
                start: "07:00".into(),
                end: "07:00".into(),
            }),
            ..AlertSettings::default()
        },
        AlertSettings {
            muted_accounts: vec!["../x".into()],
            ..AlertSettings::default()
        },
    ];
    for settings in bad {
        let err = core.set_alert_settings(settings).await.unwrap_err();
        assert!(matches!(err, CoreError::InvalidInput { .. }), "{err}");
    }
    assert_eq!(
        core.alert_settings().await.unwrap(),
        AlertSettings::default()
    );
}

#[tokio::test]
async fn alert_read_marks_and_counts() {
    let dir = TempDir::new().unwrap();
    let core = core_with_pending(&dir, 3).await;
    let alerts = core.alerts().await.unwrap();
    core.mark_alert_read(alerts[0].id).await.unwrap();
    assert_eq!(core.alert_counts().await.unwrap().unread, 2);
    assert!(matches!(
        core.mark_alert_read(999_999).await,
        Err(CoreError::NotFound)
    ));
    core.mark_all_alerts_read(Some("acc-other")).await.unwrap();
    assert_eq!(core.alert_counts().await.unwrap().unread, 2);
    core.mark_all_alerts_read(Some(ACC)).await.unwrap();
    assert_eq!(core.alert_counts().await.unwrap().unread, 0);
}
