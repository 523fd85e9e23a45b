//! Payment mandates through the core against a real sandbox over loopback HTTP, with a
//! real SQLite file: SEPA add / default / cancel, refused input, the server's field
//! errors, PayPal and card approvals at the provider page (approve, deny, give up, time
//! out), and the shared role.

use std::time::Duration;

use cowdesk_core::model::{
    ActivityAction, ApprovalStatus, ErrorKind, MandateKind, MandateStatus, Permission, Role,
};
use cowdesk_core::session::Core;
use cowdesk_sandbox::{DEMO_EMAIL, NO_DEBIT_IBAN};
use tokio::sync::watch;

#[path = "support/fixtures.rs"]
mod fixtures;
use fixtures::{no_progress, synced, OWN, SHARED};

const IBAN: &str = "DE89 3704 0044 0532 0130 00";

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Every cache file, for scanning.
fn cache_bytes(dir: &std::path::Path) -> Vec<u8> {
    let mut all = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        if entry.path().is_file() {
            all.extend(std::fs::read(entry.path()).unwrap_or_default());
        }
    }
    all
}

async fn mandate_ids(core: &Core, account: &str) -> Vec<String> {
    core.mandates(account)
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|m| m.id)
        .collect()
}

fn nothing(_: ApprovalStatus, _: u32) {}

#[tokio::test]
async fn mandate_sepa_add_default_cancel_and_no_full_iban_cached() {
    let f = synced().await;
    let added = f
        .core
        .add_sepa_mandate(OWN, " Anna Müller ", IBAN, "cobadeffxxx")
        .await
        .unwrap();
    assert_eq!(added.kind, MandateKind::Sepa);
    assert_eq!(added.status, MandateStatus::Active);
    assert_eq!(added.label, "DE89 **** **** **** **30 00");
    let listed = f.core.mandates(OWN).await.unwrap().items;
    assert!(
        listed.iter().any(|m| m.id == added.id),
        "listed after adding"
    );

    let impact = f.core.mandate_impact(OWN, &added.id).await.unwrap();
    assert!(
        !impact.open_invoices.is_empty(),
        "the demo has open invoices"
    );
    assert!(
        !impact.last_active,
        "the demo's first SEPA mandate is active too"
    );

    let made = f.core.set_default_mandate(OWN, &added.id).await.unwrap();
    assert!(made.is_default);
    let listed = f.core.mandates(OWN).await.unwrap().items;
    let defaults: Vec<_> = listed.iter().filter(|m| m.is_default).collect();
    assert_eq!(defaults.len(), 1);
    assert_eq!(defaults[0].id, added.id);

    let cancelled = f.core.cancel_mandate(OWN, &added.id).await.unwrap();
    assert_eq!(cancelled.status, MandateStatus::Cancelled);
    let err = f.core.cancel_mandate(OWN, &added.id).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict);

    let actions: Vec<_> = f
        .core
        .activity(OWN)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.action, e.subject))
        .collect();
    assert_eq!(
        actions,
        [
            (ActivityAction::MandateCancelled, added.label.clone()),
            (ActivityAction::MandateDefaulted, added.label.clone()),
            (ActivityAction::MandateAdded, added.label.clone()),
        ]
    );
    // Neither the compact IBAN nor its account number is anywhere in the cache files.
    let bytes = cache_bytes(f.dir.path());
    assert!(contains(&bytes, b"DE89 **** **** **** **30 00"));
    for secret in ["DE89370400440532013000", "0532013000", "3704 0044 0532"] {
        assert!(!contains(&bytes, secret.as_bytes()), "{secret} is cached");
    }
    f.sandbox.shutdown().await;
}

#[tokio::test]
async fn mandate_bad_input_is_refused_before_any_request() {
    let f = synced().await;
    let before = f.sandbox.handle().request_count();
    let cases = [
        ("", IBAN, "", "holder"),
        ("Anna", "DE89 3704 0044 0532 0130 01", "", "iban"),
        ("Anna", "DE89 3704 0044 0532 0130", "", "iban"),
        ("Anna", "XX89 3704 0044 0532 0130 00", "", "iban"),
        ("Anna", "SA03 8000 0000 6080 1016 7519", "", "iban"),
        ("Anna", IBAN, "COBADE", "bic"),
    ];
    for (holder, iban, bic, field) in cases {
        let err = f
            .core
            .add_sepa_mandate(OWN, holder, iban, bic)
            .await
            .unwrap_err();
        let info = err.info();
        assert_eq!(info.kind, ErrorKind::InvalidInput);
        assert!(
            info.fields.contains_key(field),
            "{field}: {:?}",
            info.fields
        );
    }
    let err = f
        .core
        .add_sepa_mandate(OWN, "", "x", "y")
        .await
        .unwrap_err();
    assert_eq!(err.info().fields.len(), 3, "every wrong field at once");
    assert_eq!(
        f.sandbox.handle().request_count(),
        before,
        "nothing was sent"
    );
    f.sandbox.shutdown().await;
}

#[tokio::test]
async fn mandate_server_field_errors_come_back_and_leave_no_row() {
    let f = synced().await;
    let before = mandate_ids(&f.core, OWN).await;
    let err = f
        .core
        .add_sepa_mandate(OWN, "Anna Müller", NO_DEBIT_IBAN, "")
        .await
        .unwrap_err();
    let info = err.info();
    assert_eq!(info.kind, ErrorKind::InvalidInput);
    assert!(info.fields["iban"].contains("does not allow direct debits"));
    assert_eq!(mandate_ids(&f.core, OWN).await, before, "no phantom row");
    assert!(f.core.activity(OWN).await.unwrap().is_empty());
    f.sandbox.shutdown().await;
}

/// Clicks approve or deny on the provider page, as the customer would in the browser.
async fn decide(url: &str, decision: &str) {
    let page = reqwest::get(url).await.unwrap().text().await.unwrap();
    assert!(page.contains("Approve"), "{page}");
    let answer = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("decision={decision}"))
        .send()
        .await
        .unwrap();
    assert!(answer.status().is_success());
}

#[tokio::test]
async fn mandate_paypal_approved_at_the_provider_becomes_active() {
    let f = synced().await;
    let approval = f
        .core
        .start_provider_mandate(OWN, MandateKind::Paypal)
        .await
        .unwrap();
    assert_eq!(approval.status, ApprovalStatus::Pending);
    let url = approval.approval_url.clone();
    let customer = tokio::spawn(async move { decide(&url, "approve").await });
    let (_stop, cancel) = watch::channel(false);
    let seen = std::sync::Mutex::new(Vec::new());
    let report = |status: ApprovalStatus, _left: u32| seen.lock().unwrap().push(status);
    let mandate = f
        .core
        .wait_for_approval(OWN, &approval, Duration::from_secs(30), cancel, &report)
        .await
        .unwrap();
    customer.await.unwrap();
    assert_eq!(mandate.kind, MandateKind::Paypal);
    assert_eq!(mandate.status, MandateStatus::Active);
    assert_eq!(
        mandate.label, DEMO_EMAIL,
        "the PayPal account of the demo owner"
    );
    assert_eq!(seen.lock().unwrap().last(), Some(&ApprovalStatus::Approved));
    let listed = f.core.mandates(OWN).await.unwrap().items;
    assert!(listed
        .iter()
        .any(|m| m.id == mandate.id && m.status == MandateStatus::Active));
    f.sandbox.shutdown().await;
}

#[tokio::test]
async fn mandate_card_denied_or_abandoned_adds_nothing() {
    let f = synced().await;
    let before = mandate_ids(&f.core, OWN).await;

    // Denied at the provider.
    let approval = f
        .core
        .start_provider_mandate(OWN, MandateKind::Card)
        .await
        .unwrap();
    decide(&approval.approval_url, "deny").await;
    let (_stop, cancel) = watch::channel(false);
    let err = f
        .core
        .wait_for_approval(OWN, &approval, Duration::from_secs(30), cancel, &nothing)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict);
    assert!(err.info().message.contains("denied"));

    // The user stops waiting: the approval is withdrawn, its link stops working.
    let approval = f
        .core
        .start_provider_mandate(OWN, MandateKind::Card)
        .await
        .unwrap();
    let (stop, cancel) = watch::channel(false);
    let stopper = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        stop.send(true).unwrap();
        stop
    });
    let err = f
        .core
        .wait_for_approval(OWN, &approval, Duration::from_secs(30), cancel, &nothing)
        .await
        .unwrap_err();
    drop(stopper.await.unwrap());
    assert!(err.info().message.contains("stopped waiting"));
    let page = reqwest::get(&approval.approval_url)
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("cancelled"), "{page}");

    // Nobody answers in time.
    let approval = f
        .core
        .start_provider_mandate(OWN, MandateKind::Paypal)
        .await
        .unwrap();
    let (_stop, cancel) = watch::channel(false);
    let err = f
        .core
        .wait_for_approval(
            OWN,
            &approval,
            Duration::from_millis(1500),
            cancel,
            &nothing,
        )
        .await
        .unwrap_err();
    assert!(err.info().message.contains("in time"));

    // The link ran out at the provider.
    let approval = f
        .core
        .start_provider_mandate(OWN, MandateKind::Paypal)
        .await
        .unwrap();
    f.sandbox.handle().expire_approvals();
    let (_stop, cancel) = watch::channel(false);
    let err = f
        .core
        .wait_for_approval(OWN, &approval, Duration::from_secs(30), cancel, &nothing)
        .await
        .unwrap_err();
    assert!(err.info().message.contains("no longer valid"));

    assert_eq!(mandate_ids(&f.core, OWN).await, before, "no phantom rows");
    f.sandbox.shutdown().await;
}

#[tokio::test]
async fn mandate_actions_follow_the_role_and_explain_a_403() {
    let f = synced().await;
    let shared_mandate = mandate_ids(&f.core, SHARED).await.remove(0);
    // The owner takes mandates away from the demo login's role on the bakery account.
    f.sandbox.handle().set_role(
        DEMO_EMAIL,
        SHARED,
        Role {
            name: "Accounting".into(),
            permissions: vec![Permission::Profile, Permission::Invoices],
        },
    );
    let before = f.sandbox.handle().request_count();
    // The cache still has the old role: the server's 403 is explained.
    let err = f
        .core
        .set_default_mandate(SHARED, &shared_mandate)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Forbidden);
    // The server names the missing permission, and the message does too.
    assert!(
        err.info().message.contains("does not include “Mandates”"),
        "{}",
        err.info().message
    );
    assert!(f.sandbox.handle().request_count() > before);

    // After a sync the cached role says so: refused before any request.
    f.core.sync_all(&no_progress).await.unwrap();
    let before = f.sandbox.handle().request_count();
    let err = f
        .core
        .add_sepa_mandate(SHARED, "Jonas Schmidt", IBAN, "")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Forbidden);
    let err = f
        .core
        .start_provider_mandate(SHARED, MandateKind::Paypal)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Forbidden);
    assert_eq!(f.sandbox.handle().request_count(), before);
    f.sandbox.shutdown().await;
}
