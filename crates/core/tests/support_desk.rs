//! The support desk over the cache and the portal preview connection (the sandbox over
//! loopback, a real SQLite file): the ticket list, a ticket's conversation read from the
//! portal and kept for offline reading (never another account's, never a secret link's
//! key), what the forms are prefilled from, the secrets the password guard knows from the
//! keyring, and the secret service setting.

use std::path::Path;
use std::sync::Arc;

use chrono::NaiveDate;
use cowdesk_core::error::CoreError;
use cowdesk_core::model::{
    ErrorKind, GuardFindingKind, InvoiceStatus, SupportCategory, SupportDraft, SupportHandOff,
    SupportSelection, TicketAuthor,
};
use cowdesk_core::portal::Sensitive;
use cowdesk_core::secrets::{MemorySecretStore, SecretStore};
use cowdesk_core::session::Core;
use cowdesk_core::support::{guard_draft, DEFAULT_SECRET_SERVER};
use cowdesk_sandbox::{record_secret, Sandbox, SandboxConfig, DEMO_EMAIL, DEMO_PASSWORD};
use tempfile::TempDir;

#[path = "support/fixtures.rs"]
mod fixtures;
use fixtures::{no_progress, OWN, SHARED};

fn today() -> NaiveDate {
    "2026-12-03".parse().unwrap()
}

/// Signed in to a fresh sandbox with a real cache file, every account synced.
async fn signed_in() -> (Sandbox, TempDir, Core) {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let dir = TempDir::new().unwrap();
    let secrets: Arc<dyn SecretStore> = Arc::new(MemorySecretStore::default());
    let core = Core::open(dir.path(), "default", secrets).await.unwrap();
    core.set_today(today());
    core.login(&sandbox.base_url(), DEMO_EMAIL, DEMO_PASSWORD, false)
        .await
        .unwrap();
    for outcome in core.sync_all(&no_progress).await.unwrap() {
        assert_eq!(outcome.error, None);
    }
    (sandbox, dir, core)
}

fn draft(category: SupportCategory, values: &[(&str, &str)]) -> SupportDraft {
    SupportDraft {
        category: Some(category),
        values: values
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
    }
}

/// Every byte of every file below `dir` (the SQLite file, its WAL, anything else).
fn files_contain(dir: &Path, needle: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut dirs = vec![dir.to_owned()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if std::fs::read(&path)
                .unwrap_or_default()
                .windows(needle.len())
                .any(|w| w == needle.as_bytes())
            {
                found.push(path.display().to_string());
            }
        }
    }
    found
}

#[tokio::test]
async fn support_desk_ticket_thread_from_the_portal_then_offline_from_the_cache() {
    let (sandbox, _dir, core) = signed_in().await;

    // The list the sync cached, newest first, with each ticket's state.
    let listing = core.tickets(OWN).await.unwrap();
    assert!(listing.permitted);
    assert!(listing.last_synced.is_some());
    assert!(listing.items.len() >= 2, "{:?}", listing.items);
    assert!(listing
        .items
        .windows(2)
        .all(|w| w[0].created_at >= w[1].created_at));
    let first = format!("{OWN}-t1");
    let second = format!("{OWN}-t2");
    assert!(listing.items.iter().any(|t| t.id == first));

    // Opened while the portal answers: its conversation, oldest message first.
    let online = core.ticket_thread(OWN, &first).await.unwrap();
    assert!(!online.from_cache);
    assert!(online.fetched_at.is_some());
    assert_eq!(online.ticket.id, first);
    let authors: Vec<_> = online.messages.iter().map(|m| m.author).collect();
    assert_eq!(authors, [TicketAuthor::Customer, TicketAuthor::Support]);
    assert!(online.messages[0].body.contains("doppelt"));
    assert!(online.messages[0].sent_at < online.messages[1].sent_at);

    // The portal gone: what was read is still there, and says when it was read.
    sandbox.shutdown().await;
    let offline = core.ticket_thread(OWN, &first).await.unwrap();
    assert!(offline.from_cache);
    assert_eq!(offline.messages, online.messages);
    assert_eq!(offline.fetched_at, online.fetched_at);
    // A ticket never opened has nothing cached, and says so.
    let never = core.ticket_thread(OWN, &second).await.unwrap();
    assert!(never.from_cache);
    assert!(never.messages.is_empty());
    assert_eq!(never.fetched_at, None);
}

#[tokio::test]
async fn support_desk_ticket_thread_stays_with_its_account() {
    let (sandbox, _dir, core) = signed_in().await;
    let own = format!("{OWN}-t1");
    let shared = format!("{SHARED}-t1");
    // The shared account's tickets are readable under its "Accounting" role...
    let theirs = core.ticket_thread(SHARED, &shared).await.unwrap();
    assert!(!theirs.from_cache);
    assert!(!theirs.messages.is_empty());
    // ...but never through another account, in either direction.
    for (account, ticket) in [(OWN, &shared), (SHARED, &own)] {
        let err = core.ticket_thread(account, ticket).await.unwrap_err();
        assert!(matches!(err, CoreError::Refused { .. }), "{err:?}");
        let info = err.info();
        assert!(
            info.message.contains("not in the cache"),
            "{}",
            info.message
        );
        assert!(info.message_de.contains("Zwischenspeicher"));
    }
    // Offline, the cached conversation of one account is not another's either.
    core.ticket_thread(OWN, &own).await.unwrap();
    sandbox.shutdown().await;
    let cached = core.ticket_thread(SHARED, &shared).await.unwrap();
    assert!(cached.from_cache);
    assert_eq!(cached.messages, theirs.messages);
    assert!(core.ticket_thread(SHARED, &own).await.is_err());
}

#[tokio::test]
async fn support_desk_thread_keeps_no_secret_link_key() {
    let (sandbox, dir, core) = signed_in().await;
    let key = "Q7rT2xVb9LmN4pKs8WdZ3a";
    record_secret("secret_link", key);
    let link =
        format!("https://secrets.servercow.de/#/s/8f1c2d3e-aaaa-4bbb-8ccc-0123456789ab/{key}");
    let ticket = draft(
        SupportCategory::TechnicalProblem,
        &[
            ("customer_number", "100001"),
            ("affected", "mueller-webdesign.example"),
            (
                "error_message",
                &format!("The new password is behind this link: {link}"),
            ),
            ("time", "2026-12-02 09:15"),
            ("client", "Thunderbird 128"),
        ],
    );
    // A link is what the guard asks for: it passes, and the portal receives it whole.
    let handed = core
        .hand_off_support_ticket(Some(OWN), &ticket, &[])
        .await
        .unwrap();
    let SupportHandOff::Sent { ticket_id, .. } = handed else {
        panic!("{handed:?}");
    };
    let received = sandbox.handle().received_tickets(OWN);
    assert!(received.iter().any(|(_, t)| t.body.contains(&link)));

    // What cowdesk shows and keeps of the conversation never opens the secret.
    let thread = core.ticket_thread(OWN, &ticket_id).await.unwrap();
    assert!(!thread.from_cache);
    let body = &thread.messages[0].body;
    assert!(
        body.contains("/#/s/8f1c2d3e-aaaa-4bbb-8ccc-0123456789ab"),
        "{body}"
    );
    assert!(!body.contains(key), "{body}");
    sandbox.shutdown().await;
    let offline = core.ticket_thread(OWN, &ticket_id).await.unwrap();
    assert!(offline.from_cache);
    assert_eq!(offline.messages, thread.messages);
    drop(core);
    assert_eq!(files_contain(dir.path(), key), Vec::<String>::new());
}

#[tokio::test]
async fn support_desk_forms_are_prefilled_from_the_cache() {
    let (_sandbox, _dir, core) = signed_in().await;
    let summary = core
        .accounts()
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.account.id == OWN)
        .unwrap();
    let context = core.support_context(OWN).await.unwrap();
    assert_eq!(
        context.customer_number.as_deref(),
        Some(summary.account.customer_number.as_str())
    );
    assert_eq!(context.login_email.as_deref(), Some(DEMO_EMAIL));
    let domains: Vec<String> = core
        .domains(OWN)
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|d| d.name)
        .collect();
    assert_eq!(context.domains, domains);
    let mailboxes = core.mailboxes(OWN).await.unwrap().items;
    assert_eq!(context.mailboxes.len(), mailboxes.len());
    // Unpaid invoices first, so a reminder's invoice is the first choice.
    let invoices = core.invoices(OWN).await.unwrap().items;
    let unpaid = invoices
        .iter()
        .filter(|i| matches!(i.status, InvoiceStatus::Open | InvoiceStatus::Overdue))
        .count();
    assert!(unpaid > 0, "the demo has an unpaid invoice");
    assert_eq!(context.invoices.len(), invoices.len());
    assert!(context.invoices[..unpaid]
        .iter()
        .all(|c| matches!(c.status.as_deref(), Some("open" | "overdue"))));
    assert!(context.services.iter().all(|s| s.value.contains(&s.id)));

    // A payment-already-made draft names the most urgent invoice.
    let payment = core
        .support_draft_from(
            OWN,
            SupportCategory::PaymentMade,
            &SupportSelection::default(),
        )
        .await
        .unwrap();
    assert_eq!(payment.values["invoice_number"], context.invoices[0].value);
    assert_eq!(payment.values["payment_date"], today().to_string());
    // A service picked from the list: its product and the notice deadline come with it.
    let service = core
        .services(OWN)
        .await
        .unwrap()
        .items
        .into_iter()
        .find(|s| s.term_months > 0)
        .expect("a service with a term");
    let cancel = core
        .support_draft_from(
            OWN,
            SupportCategory::Cancellation,
            &SupportSelection {
                service_id: Some(service.id.clone()),
                ..SupportSelection::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        cancel.values["service"],
        format!("{} ({})", service.product, service.id)
    );
    let deadline = cowdesk_core::billing::notice::contract_dates(
        service.period_end,
        service.term_months,
        today(),
    )
    .deadline
    .unwrap();
    assert_eq!(cancel.values["notice_deadline"], deadline.to_string());
    // A domain is taken in the cache's spelling; one the account does not have is not.
    let domain = &domains[0];
    let typed = draft_with_domain(&core, &domain.to_uppercase()).await;
    assert_eq!(typed.values.get("affected"), Some(domain));
    let foreign = draft_with_domain(&core, "not-ours.example").await;
    assert_ne!(
        foreign.values.get("affected").map(String::as_str),
        Some("not-ours.example")
    );
}

async fn draft_with_domain(core: &Core, domain: &str) -> SupportDraft {
    core.support_draft_from(
        OWN,
        SupportCategory::TechnicalProblem,
        &SupportSelection {
            domain: Some(domain.to_owned()),
            ..SupportSelection::default()
        },
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn support_desk_guard_knows_the_kept_mailbox_passwords() {
    let (sandbox, _dir, core) = signed_in().await;
    let address = core.mailboxes(OWN).await.unwrap().items[0].address.clone();
    let password = "Kept-Winter-2026x";
    record_secret("password", password);
    core.remember_mailbox_password(&address, &Sensitive::new(password.to_owned()))
        .await
        .unwrap();
    let known = core.support_known_secrets(Some(OWN)).await.unwrap();
    let kept = known
        .iter()
        .find(|k| k.label == address)
        .expect("the kept password is known");
    assert_eq!(kept.kind, GuardFindingKind::KnownSecret);
    // The shared account has no such mailbox: its tickets are not checked for it.
    let theirs = core.support_known_secrets(Some(SHARED)).await.unwrap();
    assert!(theirs.iter().all(|k| k.label != address));

    // Typed into a ticket without any label: the guard stops it, names the mailbox, and
    // shows the password masked only.
    let leaky = draft(
        SupportCategory::TechnicalProblem,
        &[
            ("customer_number", "100001"),
            ("affected", &address),
            (
                "error_message",
                &format!("Thunderbird rejects {password} since today"),
            ),
            ("time", "2026-12-02 09:15"),
            ("client", "Thunderbird 128"),
        ],
    );
    let found = guard_draft(&leaky, &known);
    assert_eq!(found.len(), 1, "{found:?}");
    let (field, finding) = &found[0];
    assert_eq!(field, "error_message");
    assert_eq!(finding.kind, GuardFindingKind::KnownSecret);
    assert_eq!(finding.label.as_deref(), Some(address.as_str()));
    assert!(!finding.masked.contains("Winter"), "{}", finding.masked);
    let err = core
        .hand_off_support_ticket(Some(OWN), &leaky, &known)
        .await
        .unwrap_err();
    let info = err.info();
    assert_eq!(info.kind, ErrorKind::InvalidInput, "{info:?}");
    assert!(
        info.message.contains("a stored password"),
        "{}",
        info.message
    );
    assert!(info.message.contains(&finding.masked));
    assert!(!info.message.contains(password) && !info.message_de.contains(password));
    assert!(sandbox.handle().received_tickets(OWN).is_empty());
}

#[tokio::test]
async fn support_desk_secret_service_setting() {
    let dir = TempDir::new().unwrap();
    let secrets: Arc<dyn SecretStore> = Arc::new(MemorySecretStore::default());
    let core = Core::open(dir.path(), "default", secrets).await.unwrap();
    assert_eq!(
        core.secret_server(DEFAULT_SECRET_SERVER).await.unwrap(),
        DEFAULT_SECRET_SERVER
    );
    // Plain HTTP only to loopback; the error names the field in both languages.
    for bad in [
        "http://secrets.example.org",
        "ftp://secrets.example.org",
        "no url",
    ] {
        let info = core.set_secret_server(Some(bad)).await.unwrap_err().info();
        assert!(info.fields.contains_key("server"), "{bad}: {info:?}");
        assert!(info.fields_de["server"].contains("https://"), "{bad}");
    }
    assert_eq!(
        core.secret_server(DEFAULT_SECRET_SERVER).await.unwrap(),
        DEFAULT_SECRET_SERVER,
        "a refused address changes nothing"
    );
    core.set_secret_server(Some(" https://secrets.example.org/ "))
        .await
        .unwrap();
    assert_eq!(
        core.secret_server(DEFAULT_SECRET_SERVER).await.unwrap(),
        "https://secrets.example.org"
    );
    core.set_secret_server(Some("http://127.0.0.1:8080/yopass"))
        .await
        .unwrap();
    assert_eq!(
        core.secret_server(DEFAULT_SECRET_SERVER).await.unwrap(),
        "http://127.0.0.1:8080/yopass"
    );
    // The default again, by naming it or by nothing.
    core.set_secret_server(Some(&format!("{DEFAULT_SECRET_SERVER}/")))
        .await
        .unwrap();
    assert_eq!(
        core.secret_server("https://other.example").await.unwrap(),
        "https://other.example"
    );
    core.set_secret_server(Some("https://secrets.example.org"))
        .await
        .unwrap();
    core.set_secret_server(None).await.unwrap();
    assert_eq!(
        core.secret_server(DEFAULT_SECRET_SERVER).await.unwrap(),
        DEFAULT_SECRET_SERVER
    );
}

#[tokio::test]
async fn support_desk_bounce_context_is_the_accounts_own_domains() {
    let (_sandbox, _dir, core) = signed_in().await;
    let context = core.bounce_context(Some(OWN)).await.unwrap();
    let mut expected: Vec<String> = core
        .domains(OWN)
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|d| d.name.to_ascii_lowercase())
        .collect();
    for mailbox in core.mailboxes(OWN).await.unwrap().items {
        expected.push(
            mailbox
                .address
                .rsplit_once('@')
                .unwrap()
                .1
                .to_ascii_lowercase(),
        );
    }
    expected.sort();
    expected.dedup();
    assert!(!expected.is_empty());
    assert_eq!(context.own_domains, expected);
    assert!(core
        .bounce_context(None)
        .await
        .unwrap()
        .own_domains
        .is_empty());
}
