//! Writes that are not safe to repeat, against a real sandbox over loopback HTTP with a
//! real SQLite file (issue 17, items 1, 20 and 23): the sandbox does the work and then
//! answers 502, as a proxy whose upstream timed out; cowdesk must not do it twice, must
//! report what really happened, and must show the portal's texts in both languages.

use std::sync::Arc;

use cowdesk_core::model::{ErrorKind, MandateStatus, ServiceStatus};
use cowdesk_core::secrets::MemorySecretStore;
use cowdesk_core::session::Core;
use cowdesk_sandbox::{
    Disruption, DisruptionKind, Sandbox, SandboxConfig, DEMO_EMAIL, DEMO_PASSWORD, NO_DEBIT_IBAN,
};
use tempfile::TempDir;

#[path = "support/fixtures.rs"]
mod fixtures;
use fixtures::{no_progress, synced, OWN};

/// The next `times` requests to `path` are served, then answered 502 instead.
fn lose_answers(sandbox: &Sandbox, path: &str, times: u32) {
    sandbox.handle().inject_disruption(Disruption {
        path_contains: path.into(),
        kind: DisruptionKind::AfterWork(502),
        times,
    });
}

async fn unlocked_domain(core: &Core) -> String {
    core.domains(OWN)
        .await
        .unwrap()
        .items
        .into_iter()
        .find(|d| !d.transfer_lock)
        .expect("the demo has an unlocked domain")
        .name
}

#[tokio::test]
async fn trust_authcode_whose_answer_was_lost_is_generated_once() {
    let f = synced().await;
    let name = unlocked_domain(&f.core).await;
    lose_answers(&f.sandbox, "/authcode", 1);
    let code = f.core.generate_authcode(OWN, &name).await.unwrap();
    assert!(code.code.len() >= 8);
    assert_eq!(
        f.sandbox.handle().authcodes_issued(OWN, &name),
        1,
        "the retry got the first answer, not a second code"
    );
    f.sandbox.shutdown().await;
}

#[tokio::test]
async fn trust_authcode_never_confirmed_says_so() {
    let f = synced().await;
    let name = unlocked_domain(&f.core).await;
    // Every attempt is served and its answer lost.
    lose_answers(&f.sandbox, "/authcode", 3);
    let err = f.core.generate_authcode(OWN, &name).await.unwrap_err();
    let info = err.info();
    assert_eq!(info.kind, ErrorKind::Server);
    assert!(info.message.contains("may or may not"), "{}", info.message);
    assert!(
        info.message_de.contains("vielleicht"),
        "{}",
        info.message_de
    );
    assert_eq!(f.sandbox.handle().authcodes_issued(OWN, &name), 1);
    f.sandbox.shutdown().await;
}

#[tokio::test]
async fn trust_mandate_cancel_whose_answer_was_lost_reports_success() {
    let f = synced().await;
    let added = f
        .core
        .add_sepa_mandate(OWN, "Anna Müller", "DE89 3704 0044 0532 0130 00", "")
        .await
        .unwrap();
    lose_answers(&f.sandbox, "/default", 1);
    let default = f.core.set_default_mandate(OWN, &added.id).await.unwrap();
    assert!(default.is_default);
    lose_answers(&f.sandbox, "/cancel", 1);
    let cancelled = f.core.cancel_mandate(OWN, &added.id).await.unwrap();
    assert_eq!(cancelled.status, MandateStatus::Cancelled);
    let cached = f.core.mandates(OWN).await.unwrap().items;
    let cached = cached.iter().find(|m| m.id == added.id).unwrap();
    assert_eq!(cached.status, MandateStatus::Cancelled);
    f.sandbox.shutdown().await;
}

#[tokio::test]
async fn trust_sign_in_is_not_retried() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let dir = TempDir::new().unwrap();
    let core = Core::open(
        dir.path(),
        "default",
        Arc::new(MemorySecretStore::default()),
    )
    .await
    .unwrap();
    lose_answers(&sandbox, "/auth/login", 1);
    let before = sandbox.handle().request_count();
    let err = core
        .login(&sandbox.base_url(), DEMO_EMAIL, DEMO_PASSWORD, false)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Server);
    assert_eq!(
        sandbox.handle().request_count() - before,
        1,
        "a sign-in without a key is sent once"
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn trust_portal_field_errors_come_in_german_too() {
    let f = synced().await;
    let info = f
        .core
        .add_sepa_mandate(OWN, "Anna Müller", NO_DEBIT_IBAN, "")
        .await
        .unwrap_err()
        .info();
    assert_eq!(info.kind, ErrorKind::InvalidInput);
    assert!(info.fields["iban"].contains("does not allow direct debits"));
    assert_eq!(
        info.fields_de["iban"],
        "Die Bank dieses Kontos erlaubt keine Lastschriften."
    );
    assert!(!info.server_words);
    f.sandbox.shutdown().await;
}

#[tokio::test]
async fn trust_status_reasons_in_german_or_marked_as_the_portals_words() {
    let f = synced().await;
    let handle = f.sandbox.handle();
    let invoice = handle.send_payment_reminder(OWN, None).unwrap();
    let service = handle.suspend_service(OWN, None, &invoice.number).unwrap();
    f.core.sync_all(&no_progress).await.unwrap();
    let shown = |services: Vec<cowdesk_core::model::Service>| {
        services
            .into_iter()
            .find(|s| s.id == service.id)
            .unwrap()
            .status_reason_text
            .unwrap()
    };
    let text = shown(f.core.services(OWN).await.unwrap().items);
    assert_eq!(text.en, format!("Unpaid invoice {}", invoice.number));
    assert_eq!(text.de, format!("Unbezahlte Rechnung {}", invoice.number));
    assert!(!text.server_words);

    handle.with_account(OWN, |data| {
        let s = data
            .services
            .iter_mut()
            .find(|s| s.id == service.id)
            .unwrap();
        assert_eq!(s.status, ServiceStatus::Suspended);
        s.status_reason = Some("Held for a compliance review".into());
    });
    f.core.sync_all(&no_progress).await.unwrap();
    let text = shown(f.core.services(OWN).await.unwrap().items);
    assert_eq!(text.de, "Held for a compliance review");
    assert!(
        text.server_words,
        "an unknown reason is marked, not passed off"
    );
    f.sandbox.shutdown().await;
}
