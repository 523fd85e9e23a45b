//! Trust in the sync path: notify once even when two deliveries overlap, writes that race
//! the sync, a list that shifts between pages, a second write path that must not skip the
//! alerts, a full mailbox, and one login never seeing another's cached data.
//!
//! `cargo test trust` selects them.

#[path = "support/synced.rs"]
mod synced;

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{NaiveDate, NaiveTime};
use cowdesk_core::alerts::{Lang, Outgoing};
use cowdesk_core::mailconfig::ConfigFormat;
use cowdesk_core::model::{
    ActivityAction, Alert, AlertDelivery, AlertRule, Invoice, InvoiceStatus, MandateStatus,
    NavTarget, Permission, Role, SupportCategory,
};
use cowdesk_core::notify::{Notifier, NotifyError};
use cowdesk_core::secrets::SecretStore;
use cowdesk_core::session::secret_key;
use cowdesk_core::support::tickets::Prefill;
use cowdesk_sandbox::{
    Fault, PageShift, SandboxConfig, DEMO_EMAIL, DEMO_PASSWORD, SHARED_OWNER_EMAIL,
    SHARED_OWNER_PASSWORD,
};
use synced::{no_progress, open_core, profile, sync_all_ok, synced, OWN, SHARED};

/// Records what was shown; showing takes a moment (the D-Bus call), during which the
/// other delivery runs on.
#[derive(Default)]
struct Recorder {
    shown: Mutex<Vec<i64>>,
}

impl Notifier for Recorder {
    async fn show(&self, n: &Outgoing) -> Result<(), NotifyError> {
        tokio::task::yield_now().await;
        self.shown.lock().unwrap().extend(&n.alert_ids);
        Ok(())
    }
}

fn noon() -> NaiveTime {
    NaiveTime::from_hms_opt(12, 0, 0).unwrap()
}

fn new_invoice(number: &str) -> Invoice {
    Invoice {
        number: number.into(),
        issue_date: NaiveDate::from_ymd_opt(2026, 3, 10).unwrap(),
        due_date: NaiveDate::from_ymd_opt(2026, 3, 24).unwrap(),
        amount_cents: 1190,
        currency: "EUR".into(),
        status: InvoiceStatus::Open,
        dunning_level: 0,
        paid_on: None,
    }
}

fn pending(alerts: &[Alert]) -> Vec<&Alert> {
    alerts
        .iter()
        .filter(|a| a.delivery == AlertDelivery::Pending)
        .collect()
}

/// Issue 17, item 2: the delivery after a manual sync and the minute tick run at once,
/// many times; every alert is shown exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trust_overlapping_deliveries_show_each_alert_once() {
    let p = synced(SandboxConfig::default()).await;
    let recorder = Recorder::default();
    // Anything left from the demo's own data goes out first.
    p.core
        .deliver_alerts(&recorder, Lang::En, noon())
        .await
        .unwrap();
    recorder.shown.lock().unwrap().clear();
    const ROUNDS: usize = 25;
    for round in 0..ROUNDS {
        p.sandbox
            .handle()
            .with_account(OWN, |a| {
                a.invoices
                    .push(new_invoice(&format!("RE-TRUST-{round:03}")))
            })
            .unwrap();
        let synced = std::sync::atomic::AtomicBool::new(false);
        // The manual path: sync, then deliver.
        let after_sync = async {
            p.core.sync_account(OWN, &no_progress).await.unwrap();
            synced.store(true, std::sync::atomic::Ordering::SeqCst);
            p.core.deliver_alerts(&recorder, Lang::En, noon()).await
        };
        // The tick, which may come at any moment: here, again and again until the sync is
        // done, and once more right after.
        let tick = async {
            while !synced.load(std::sync::atomic::Ordering::SeqCst) {
                p.core.deliver_alerts(&recorder, Lang::En, noon()).await?;
                tokio::task::yield_now().await;
            }
            p.core.deliver_alerts(&recorder, Lang::En, noon()).await
        };
        let (a, b) = tokio::join!(after_sync, tick);
        a.unwrap();
        b.unwrap();
    }
    let shown = recorder.shown.lock().unwrap().clone();
    let mut times: HashMap<i64, usize> = HashMap::new();
    for id in &shown {
        *times.entry(*id).or_default() += 1;
    }
    let twice: Vec<_> = times.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "shown more than once: {twice:?}");
    let alerts = p.core.alerts().await.unwrap();
    let new_invoices = alerts
        .iter()
        .filter(|a| a.rule == AlertRule::NewInvoice && a.body.contains("RE-TRUST-"))
        .count();
    assert_eq!(new_invoices, ROUNDS, "one alert per new invoice");
    assert_eq!(times.len(), ROUNDS, "each of them shown");
    assert!(pending(&alerts).is_empty());
}

/// Issue 17, item 3: marking alerts read, the transfer lock and the activity log write
/// while the sync's transaction reads and writes; nothing fails with a busy database.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trust_writes_racing_the_sync_never_fail() {
    let p = synced(SandboxConfig {
        invoices: 300,
        mailboxes: 1500,
        ..SandboxConfig::default()
    })
    .await;
    let alert_ids: Vec<i64> = p
        .core
        .alerts()
        .await
        .unwrap()
        .iter()
        .map(|a| a.id)
        .collect();
    assert!(!alert_ids.is_empty());
    let domain = p
        .core
        .domains(OWN)
        .await
        .unwrap()
        .items
        .into_iter()
        .find(|d| d.transfer_lock && d.status == "active")
        .expect("a locked domain")
        .name;
    let activity_before = p.core.activity(OWN).await.unwrap().len();
    let mut recorded = 0;
    const ROUNDS: usize = 20;
    for round in 0..ROUNDS {
        // Every mailbox changes on the server: the sync rewrites them all.
        p.sandbox
            .handle()
            .with_account(OWN, |a| {
                for m in &mut a.mailboxes {
                    m.used_bytes += 1;
                }
            })
            .unwrap();
        let sync = p.core.sync_account(OWN, &no_progress);
        let reads = async {
            for id in alert_ids.iter().cycle().take(40) {
                p.core.mark_alert_read(*id).await.unwrap();
                tokio::task::yield_now().await;
            }
        };
        let activity = async {
            for _ in 0..10 {
                p.core
                    .record_activity(OWN, ActivityAction::AuthcodeGenerated, "example.de")
                    .await;
                tokio::task::yield_now().await;
            }
        };
        let lock = async {
            p.core
                .set_transfer_lock(OWN, &domain, round % 2 == 1)
                .await
                .map(|_| ())
        };
        let (outcome, (), (), locked) = tokio::join!(sync, reads, activity, lock);
        let outcome = outcome.unwrap();
        assert_eq!(outcome.error, None, "round {round}");
        locked.unwrap();
        recorded += 10;
    }
    // A failed insert is only logged, so count what arrived.
    let activity = p.core.activity(OWN).await.unwrap();
    let authcodes = activity
        .iter()
        .filter(|e| e.action == ActivityAction::AuthcodeGenerated)
        .count();
    assert_eq!(authcodes, recorded);
    assert!(activity.len() >= activity_before + recorded + ROUNDS);
}

/// Issue 17, item 4: the list shifts between two page requests, so an invoice arrives
/// twice; the sync keeps it once and reports nothing wrong.
#[tokio::test]
async fn trust_an_item_repeated_across_pages_is_kept_once() {
    let p = synced(SandboxConfig {
        invoices: 1100,
        ..SandboxConfig::default()
    })
    .await;
    let handle = p.sandbox.handle();
    handle
        .with_account(OWN, |a| a.invoices[0].amount_cents += 1)
        .unwrap();
    handle.inject_page_shift(PageShift {
        path_contains: format!("{OWN}/invoices"),
        times: 2,
    });
    let outcome = p.core.sync_account(OWN, &no_progress).await.unwrap();
    assert_eq!(outcome.error, None);
    assert_eq!(outcome.requests, 3 + 7, "three pages of invoices");
    let mut cached = p.core.invoices(OWN).await.unwrap().items;
    let mut served = handle.with_account(OWN, |a| a.invoices.clone()).unwrap();
    cached.sort_by(|a, b| a.number.cmp(&b.number));
    served.sort_by(|a, b| a.number.cmp(&b.number));
    assert_eq!(cached.len(), 1100);
    assert_eq!(cached, served);
}

/// Issue 17, item 5: a mandate cancelled elsewhere, seen first when cowdesk fetches the
/// mandates after its own change, is announced, and only once.
#[tokio::test]
async fn trust_a_mandate_cancelled_elsewhere_is_announced_by_the_mandate_refresh() {
    let p = synced(SandboxConfig::default()).await;
    let cancelled = p
        .sandbox
        .handle()
        .with_account(OWN, |a| {
            let m = a
                .mandates
                .iter_mut()
                .find(|m| m.status == MandateStatus::Active)
                .expect("an active mandate");
            m.status = MandateStatus::Cancelled;
            m.is_default = false;
            m.id.clone()
        })
        .unwrap();
    // cowdesk's own change: adding a mandate fetches the list again.
    p.core
        .add_sepa_mandate(
            OWN,
            "Anna Müller",
            "DE89 3704 0044 0532 0130 00",
            "COBADEFFXXX",
        )
        .await
        .unwrap();
    let announced = |alerts: &[Alert]| {
        alerts
            .iter()
            .filter(|a| {
                a.rule == AlertRule::MandateCancelled
                    && a.target.target
                        == NavTarget::Mandates {
                            id: cancelled.clone(),
                        }
            })
            .map(|a| a.delivery)
            .collect::<Vec<_>>()
    };
    let alerts = p.core.alerts().await.unwrap();
    assert_eq!(announced(&alerts), [AlertDelivery::Pending]);
    // The next sync sees the same list: nothing new.
    sync_all_ok(&p.core).await;
    let alerts = p.core.alerts().await.unwrap();
    assert_eq!(announced(&alerts), [AlertDelivery::Pending]);
    assert_eq!(pending(&alerts).len(), 1);
}

/// Issue 17, item 6: a mailbox that fills up is announced at 90 % and again, as full, at
/// 100 %; once each.
#[tokio::test]
async fn trust_a_full_mailbox_is_announced_once_beside_nearly_full() {
    let p = synced(SandboxConfig::default()).await;
    let recorder = Recorder::default();
    p.core
        .deliver_alerts(&recorder, Lang::En, noon())
        .await
        .unwrap();
    let handle = p.sandbox.handle();
    let fill = |percent: i64| {
        handle
            .with_account(OWN, |a| {
                let m = a
                    .mailboxes
                    .iter_mut()
                    .find(|m| m.address.starts_with("info@"))
                    .expect("the info mailbox");
                m.used_bytes = m.quota_bytes * percent / 100;
                m.address.clone()
            })
            .unwrap()
    };
    let about = |alerts: &[Alert], address: &str| -> Vec<(String, String, AlertDelivery)> {
        alerts
            .iter()
            .filter(|a| {
                a.target.target
                    == NavTarget::Mailboxes {
                        address: address.to_owned(),
                    }
                    && a.resolved_at.is_none()
            })
            .map(|a| (a.title.clone(), a.title_de.clone(), a.delivery))
            .collect()
    };
    let address = fill(50);
    sync_all_ok(&p.core).await;
    assert!(about(&p.core.alerts().await.unwrap(), &address).is_empty());

    fill(95);
    sync_all_ok(&p.core).await;
    let alerts = p.core.alerts().await.unwrap();
    assert_eq!(
        about(&alerts, &address),
        [(
            "Mailbox almost full".to_owned(),
            "Postfach fast voll".to_owned(),
            AlertDelivery::Pending
        )]
    );
    p.core
        .deliver_alerts(&recorder, Lang::En, noon())
        .await
        .unwrap();

    fill(100);
    sync_all_ok(&p.core).await;
    let alerts = p.core.alerts().await.unwrap();
    let full: Vec<_> = pending(&alerts)
        .into_iter()
        .filter(|a| a.title == "Mailbox full" && a.title_de == "Postfach voll")
        .collect();
    assert_eq!(full.len(), 1, "{alerts:#?}");
    let quota = quota_words(&p, &address).await;
    assert_eq!(
        full[0].body,
        format!("{address} uses 100 % of its {quota} quota: new mail may be refused.")
    );
    assert_eq!(
        full[0].body_de,
        format!(
            "{address} belegt 100 % von {}: neue E-Mails können abgewiesen werden.",
            quota.replace('.', ",")
        )
    );
    p.core
        .deliver_alerts(&recorder, Lang::En, noon())
        .await
        .unwrap();
    // Still full: nothing new.
    fill(101);
    sync_all_ok(&p.core).await;
    assert!(pending(&p.core.alerts().await.unwrap()).is_empty());
}

/// "512 MB", "1 GB" or "2 GB", as the alert names the quota.
async fn quota_words(p: &synced::Profile, address: &str) -> String {
    let quota = p
        .core
        .mailboxes(OWN)
        .await
        .unwrap()
        .items
        .into_iter()
        .find(|m| m.address == address)
        .unwrap()
        .quota_bytes;
    match quota / (1024 * 1024) {
        512 => "512 MB".into(),
        1024 => "1 GB".into(),
        2048 => "2 GB".into(),
        other => panic!("unexpected quota of {other} MiB"),
    }
}

/// Issue 17, item 8: the role no longer allows invoices, and the account's sync fails;
/// its cached invoices are no longer shown, neither as a list nor on the dashboard.
#[tokio::test]
async fn trust_a_resource_the_role_no_longer_allows_is_not_shown() {
    let p = synced(SandboxConfig::default()).await;
    let cached = p.core.invoices(SHARED).await.unwrap().items;
    assert!(!cached.is_empty());
    let handle = p.sandbox.handle();
    handle.set_role(
        DEMO_EMAIL,
        SHARED,
        Role {
            name: "Mandates only".into(),
            permissions: vec![Permission::Profile, Permission::Mandates],
        },
    );
    handle.inject_fault(Fault {
        path_contains: format!("{SHARED}/profile"),
        status: 500,
        retry_after: None,
        times: 100,
    });
    let outcomes = p.core.sync_all(&no_progress).await.unwrap();
    let shared = outcomes.iter().find(|o| o.account_id == SHARED).unwrap();
    assert!(shared.error.is_some(), "the account's sync failed");

    let invoices = p.core.invoices(SHARED).await.unwrap();
    assert!(!invoices.permitted);
    assert!(
        invoices.items.is_empty(),
        "{} invoices",
        invoices.items.len()
    );
    // Nor in the list's year totals or its position lookup.
    assert!(p.core.invoice_years(SHARED).await.unwrap().is_empty());
    let any = cowdesk_core::model::InvoiceQuery {
        filter: cowdesk_core::model::InvoiceFilter::All,
        year: None,
        search: String::new(),
        sort: cowdesk_core::model::InvoiceSort::Number,
        descending: false,
    };
    let number = &cached[0].number;
    let position = p.core.invoice_position(SHARED, &any, number).await;
    assert_eq!(position.unwrap(), None);
    let dashboard = p.core.dashboard(SHARED).await.unwrap();
    assert!(dashboard
        .not_permitted
        .contains(&cowdesk_core::model::Resource::Invoices));
    assert!(dashboard.attention_invoices.is_empty());
    assert_eq!(
        (dashboard.open_count, dashboard.open_total_cents),
        (0, 0),
        "no figures from invoices the role may not see"
    );
    assert_eq!(
        (dashboard.overdue_count, dashboard.overdue_total_cents),
        (0, 0)
    );
    let summary = p
        .core
        .accounts()
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.account.id == SHARED)
        .unwrap();
    assert_eq!(summary.overdue_count, 0);
}

/// Issue 17, item 8: the role on the own account shrinks to the profile and the mandates,
/// and the account's sync fails, so the cache still holds everything else. Nothing of it
/// is shown anywhere: not in a detail view, a form, the mail setup, the transfer checklist,
/// the alerts and their counts, nor as a desktop notification.
#[tokio::test]
async fn trust_what_the_role_may_not_read_is_nowhere_in_details_forms_or_alerts() {
    let p = synced(SandboxConfig::default()).await;
    let core = &p.core;
    let recorder = Recorder::default();
    core.deliver_alerts(&recorder, Lang::En, noon())
        .await
        .unwrap();
    // A new invoice: its alert waits for the next delivery.
    p.sandbox
        .handle()
        .with_account(OWN, |a| a.invoices.push(new_invoice("RE-HIDDEN-001")))
        .unwrap();
    core.sync_account(OWN, &no_progress).await.unwrap();
    let invoice = core.invoices(OWN).await.unwrap().items[0].number.clone();
    let service = core.services(OWN).await.unwrap().items[0].id.clone();
    let domain = core.domains(OWN).await.unwrap().items[0].name.clone();
    let mailbox = core.mailboxes(OWN).await.unwrap().items[0].address.clone();
    let mandate = core.mandates(OWN).await.unwrap().items[0].id.clone();
    let hidden = |a: &&Alert| {
        a.account_id == OWN
            && !matches!(
                a.target.target,
                NavTarget::Mandates { .. } | NavTarget::Alerts
            )
    };
    let alerts = core.alerts().await.unwrap();
    let before = alerts.iter().filter(hidden).count();
    assert!(
        pending(&alerts)
            .iter()
            .any(|a| a.body.contains("RE-HIDDEN-001")),
        "the new invoice's alert waits"
    );
    assert!(core.mail_allowance(OWN).await.unwrap().is_some());
    let counts_before = core.alert_counts().await.unwrap();

    let handle = p.sandbox.handle();
    handle.set_role(
        DEMO_EMAIL,
        OWN,
        Role {
            name: "Mandates only".into(),
            permissions: vec![Permission::Profile, Permission::Mandates],
        },
    );
    handle.inject_fault(Fault {
        path_contains: format!("{OWN}/profile"),
        status: 500,
        retry_after: None,
        times: 100,
    });
    let outcomes = core.sync_all(&no_progress).await.unwrap();
    let own = outcomes.iter().find(|o| o.account_id == OWN).unwrap();
    assert!(own.error.is_some(), "the account's sync failed");

    let forbidden = |result: Result<_, cowdesk_core::error::CoreError>, what: &str| match result {
        Err(cowdesk_core::error::CoreError::Forbidden { permission }) => permission,
        Err(other) => panic!("{what}: {other:?}"),
        Ok(_) => panic!("{what} was shown"),
    };
    assert_eq!(
        forbidden(
            core.invoice_detail(OWN, &invoice).await.map(|_| ()),
            "invoice"
        ),
        Some(Permission::Invoices)
    );
    assert_eq!(
        forbidden(
            core.service_detail(OWN, &service).await.map(|_| ()),
            "service"
        ),
        Some(Permission::Services)
    );
    assert_eq!(
        forbidden(
            core.transfer_checklist(OWN, &domain).await.map(|_| ()),
            "transfer checklist"
        ),
        Some(Permission::Domains)
    );
    let impact = core.mandate_impact(OWN, &mandate).await.unwrap();
    assert!(
        impact.open_invoices.is_empty(),
        "{:?}",
        impact.open_invoices
    );
    assert!(core.domains_needing_relock(OWN).await.unwrap().is_empty());
    assert_eq!(core.mail_allowance(OWN).await.unwrap(), None);
    assert!(matches!(
        core.mailbox_config_file(OWN, &mailbox, ConfigFormat::Table)
            .await,
        Err(cowdesk_core::error::CoreError::NotFound)
    ));
    let draft = core
        .support_draft(
            Some(OWN),
            SupportCategory::Cancellation,
            Prefill {
                service: Some(service.clone()),
                ..Prefill::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        draft.values.get("service"),
        Some(&service),
        "the form learns nothing of the cached service"
    );

    let alerts = core.alerts().await.unwrap();
    let shown: Vec<_> = alerts.iter().filter(hidden).collect();
    assert!(
        before > 0 && shown.is_empty(),
        "{before} before, now {shown:#?}"
    );
    let counts = core.alert_counts().await.unwrap();
    assert!(
        counts.unresolved < counts_before.unresolved,
        "{counts:?} vs {counts_before:?}"
    );
    core.deliver_alerts(&recorder, Lang::En, noon())
        .await
        .unwrap();
    assert!(
        recorder.shown.lock().unwrap().is_empty(),
        "no notification about an invoice the role may not read"
    );
}

/// Issue 17, item 8: the bakery's owner used this profile, then its sign-in went stale;
/// the demo login signs in on the same folder and sees nothing of the owner's cache —
/// rows its role may not read, the owner's alerts and activity — not even before its
/// first sync. A window still holding the owner's session follows the new sign-in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trust_a_second_login_on_the_same_profile_sees_nothing_of_the_first() {
    let p = profile(SandboxConfig::default()).await;
    let server = p.sandbox.base_url();
    p.core
        .login(&server, SHARED_OWNER_EMAIL, SHARED_OWNER_PASSWORD, false)
        .await
        .unwrap();
    sync_all_ok(&p.core).await;
    let domain = p.core.domains(SHARED).await.unwrap().items[0].name.clone();
    p.core
        .set_transfer_lock(SHARED, &domain, false)
        .await
        .unwrap();
    assert!(!p.core.mailboxes(SHARED).await.unwrap().items.is_empty());
    assert!(!p.core.activity(SHARED).await.unwrap().is_empty());
    assert!(!p.core.alerts().await.unwrap().is_empty());

    // The owner's sign-in is lost from the keyring: the next start is signed out.
    p.secrets
        .delete(&secret_key(&server, SHARED_OWNER_EMAIL))
        .unwrap();
    let window = open_core(p.dir.path(), &p.secrets).await;
    assert_eq!(window.resume().await.unwrap(), None);

    // The demo login signs in here; before any sync it sees nothing of the owner's.
    let cli = open_core(p.dir.path(), &p.secrets).await;
    cli.login(&server, DEMO_EMAIL, DEMO_PASSWORD, false)
        .await
        .unwrap();
    assert_nothing_of_the_owner(&cli, false).await;
    let resumed = open_core(p.dir.path(), &p.secrets).await;
    assert_eq!(
        resumed.resume().await.unwrap().map(|l| l.email),
        Some(DEMO_EMAIL.to_owned())
    );
    assert_nothing_of_the_owner(&resumed, false).await;

    // A window that still holds the owner's session (signed in before the switch).
    let stale = open_core(p.dir.path(), &p.secrets).await;
    stale
        .login(&server, SHARED_OWNER_EMAIL, SHARED_OWNER_PASSWORD, false)
        .await
        .unwrap();
    // ... and the demo login signs in once more from the command line.
    let cli = open_core(p.dir.path(), &p.secrets).await;
    cli.login(&server, DEMO_EMAIL, DEMO_PASSWORD, false)
        .await
        .unwrap();
    assert_eq!(
        stale.resume().await.unwrap().map(|l| l.email),
        Some(DEMO_EMAIL.to_owned()),
        "the window follows the profile's sign-in"
    );
    assert_nothing_of_the_owner(&stale, false).await;
    let _ = stale.sync_all(&no_progress).await;
    assert_nothing_of_the_owner(&stale, true).await;
    assert_nothing_of_the_owner(&cli, true).await;
}

/// Nothing the bakery's owner cached is visible; before the demo login's own first sync
/// (`synced` false) not even an alert about the invoices both may see.
async fn assert_nothing_of_the_owner(core: &cowdesk_core::session::Core, synced: bool) {
    let mailboxes = core.mailboxes(SHARED).await.unwrap();
    assert!(!mailboxes.permitted);
    assert!(mailboxes.items.is_empty(), "the owner's mailboxes");
    assert!(core.domains(SHARED).await.unwrap().items.is_empty());
    assert!(core.services(SHARED).await.unwrap().items.is_empty());
    assert!(
        core.activity(SHARED).await.unwrap().is_empty(),
        "the owner's activity"
    );
    let foreign: Vec<_> = core
        .alerts()
        .await
        .unwrap()
        .into_iter()
        .filter(|a| {
            !synced
                || (a.account_id == SHARED
                    && !matches!(
                        a.target.target,
                        NavTarget::Invoices { .. } | NavTarget::Mandates { .. }
                    ))
        })
        .collect();
    assert!(foreign.is_empty(), "the owner's alerts: {foreign:#?}");
    let dashboard = core.dashboard(SHARED).await.unwrap();
    assert!(dashboard.suspended_services.is_empty());
    assert!(dashboard.expiring_domains.is_empty());
    assert!(dashboard.mailboxes_near_quota.is_empty());
}
