//! The domain transfer flow through the core against a real sandbox over loopback HTTP,
//! with a real SQLite file: lock, authcode, checklist, re-lock reminder, activity log.

use chrono::{Duration, Utc};
use cowdesk_core::model::{ActivityAction, ErrorKind, InvoiceStatus};
use cowdesk_core::session::Core;
use cowdesk_sandbox::DEMO_EMAIL;

#[path = "support/fixtures.rs"]
mod fixtures;
use fixtures::{synced, OWN, SHARED};

/// The name of a cached domain whose lock is `locked`, a .de one when there is one.
async fn domain_with_lock(core: &Core, locked: bool) -> String {
    let mut domains = core.domains(OWN).await.unwrap().items;
    domains.sort_by_key(|d| !d.name.ends_with(".de"));
    domains
        .into_iter()
        .find(|d| d.transfer_lock == locked)
        .expect("demo data has both")
        .name
}

#[tokio::test]
async fn domain_unlock_then_authcode_then_relock() {
    let f = synced().await;
    let name = domain_with_lock(&f.core, true).await;

    // Locked: refused before any request, with the reason.
    let err = f.core.generate_authcode(OWN, &name).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict);
    assert!(err
        .info()
        .message
        .contains("Disable the transfer lock first"));
    assert!(err.info().message_de.contains("Transfersperre"));

    let before = Utc::now();
    let unlocked = f.core.set_transfer_lock(OWN, &name, false).await.unwrap();
    assert!(!unlocked.transfer_lock);
    assert!(unlocked.lock_changed_at.unwrap() >= before - Duration::seconds(1));
    let cached = f.core.domains(OWN).await.unwrap().items;
    let cached = cached.iter().find(|d| d.name == name).unwrap();
    assert!(
        !cached.transfer_lock,
        "the cache follows the server's answer"
    );
    assert_eq!(cached.lock_changed_at, unlocked.lock_changed_at);

    let code = f.core.generate_authcode(OWN, &name).await.unwrap();
    assert_eq!(code.domain, name);
    assert!(code.code.len() >= 8);
    assert_eq!(code.valid_days, Some(30), "{name} is a .de domain");
    let again = f.core.generate_authcode(OWN, &name).await.unwrap();
    assert_ne!(code.code, again.code, "each request gives a new code");

    f.core.set_transfer_lock(OWN, &name, true).await.unwrap();
    let log = f.core.activity(OWN).await.unwrap();
    let actions: Vec<ActivityAction> = log.iter().map(|e| e.action).collect();
    assert_eq!(
        actions,
        [
            ActivityAction::TransferLockEnabled,
            ActivityAction::AuthcodeGenerated,
            ActivityAction::AuthcodeGenerated,
            ActivityAction::TransferLockDisabled,
        ]
    );
    for entry in &log {
        assert_eq!(entry.subject, name);
        assert_eq!(entry.actor, DEMO_EMAIL);
        assert!(!entry.subject.contains(&code.code) && !entry.subject.contains(&again.code));
    }
    assert!(
        f.core.activity(SHARED).await.unwrap().is_empty(),
        "per account"
    );
    f.sandbox.shutdown().await;
}

#[tokio::test]
async fn domain_locked_on_the_server_answers_409_explained() {
    let f = synced().await;
    let name = domain_with_lock(&f.core, false).await;
    // Someone locked it in the portal since the last sync.
    f.sandbox
        .handle()
        .with_account(OWN, |d| {
            d.domains
                .iter_mut()
                .find(|x| x.name == name)
                .unwrap()
                .transfer_lock = true
        })
        .unwrap();
    let err = f.core.generate_authcode(OWN, &name).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict);
    assert!(err.info().message.contains(&name));
    assert!(f.core.activity(OWN).await.unwrap().is_empty());
    f.sandbox.shutdown().await;
}

#[tokio::test]
async fn domain_checklist_names_open_invoices_expiry_and_validity() {
    let f = synced().await;
    // The demo's first domain expires in 12 days and is billed on the overdue invoice.
    let first = f.core.domains(OWN).await.unwrap().items;
    let first = first.iter().min_by_key(|d| d.expires_on).unwrap();
    let list = f.core.transfer_checklist(OWN, &first.name).await.unwrap();
    assert!(list.expires_soon);
    assert!((0..=30).contains(&list.days_to_expiry));
    assert_eq!(list.code_valid_days, Some(30));
    assert_eq!(list.open_invoices.len(), 1);
    assert_eq!(list.open_invoices[0].status, InvoiceStatus::Overdue);
    assert!(first
        .invoice_numbers
        .contains(&list.open_invoices[0].number));
    assert!(!first.service_ids.is_empty());

    let other = f.core.domains(OWN).await.unwrap().items;
    let far = other.iter().max_by_key(|d| d.expires_on).unwrap();
    let list = f.core.transfer_checklist(OWN, &far.name).await.unwrap();
    assert!(!list.expires_soon);
    assert!(list.open_invoices.is_empty(), "billed on a paid invoice");
    assert_eq!(
        list.code_valid_days,
        cowdesk_core::domains::authcode_valid_days(&far.name)
    );

    let err = f.core.transfer_checklist(OWN, "nope.de").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    let err = f.core.transfer_checklist(OWN, "../x").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    f.sandbox.shutdown().await;
}

#[tokio::test]
async fn domain_relock_reminder_flags_the_forgotten_unlock() {
    let f = synced().await;
    let flagged = f.core.domains_needing_relock(OWN).await.unwrap();
    let unlocked: Vec<String> = f
        .core
        .domains(OWN)
        .await
        .unwrap()
        .items
        .into_iter()
        .filter(|d| !d.transfer_lock)
        .map(|d| d.name)
        .collect();
    assert!(!unlocked.is_empty());
    assert_eq!(
        flagged.iter().map(|d| d.name.clone()).collect::<Vec<_>>(),
        unlocked,
        "the demo's unlocked domain was unlocked 10 days ago"
    );
    // Unlocking now starts the clock again: not flagged.
    let name = domain_with_lock(&f.core, true).await;
    f.core.set_transfer_lock(OWN, &name, false).await.unwrap();
    let flagged = f.core.domains_needing_relock(OWN).await.unwrap();
    assert!(flagged.iter().all(|d| d.name != name));
    f.sandbox.shutdown().await;
}

#[tokio::test]
async fn domain_actions_respect_the_shared_role() {
    let f = synced().await;
    // The demo login's role on the bakery account has no domains.
    let err = f
        .core
        .set_transfer_lock(SHARED, "baeckerei-schmidt.de", false)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Forbidden);
    let err = f
        .core
        .generate_authcode(SHARED, "baeckerei-schmidt.de")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Forbidden);
    assert!(f.core.activity(SHARED).await.unwrap().is_empty());
    f.sandbox.shutdown().await;
}
