//! The core against a real sandbox over loopback HTTP, with real SQLite files.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use cowdesk_core::error::CoreError;
use cowdesk_core::model::{ErrorKind, InvoiceStatus, Resource, SyncOutcome, SyncProgress};
use cowdesk_core::portal::{Fetched, HttpPortal, Portal};
use cowdesk_core::secrets::{MemorySecretStore, SecretStore};
use cowdesk_core::session::{secret_key, Core};
use cowdesk_sandbox::{Fault, Sandbox, SandboxConfig, DEMO_EMAIL, DEMO_PASSWORD};
use tempfile::TempDir;

#[path = "support/damage.rs"]
mod damage;
#[path = "support/fixtures.rs"]
mod fixtures;
use fixtures::{no_progress, today, OWN, SHARED};

struct Fixture {
    sandbox: Sandbox,
    dir: TempDir,
    secrets: Arc<MemorySecretStore>,
    core: Core,
}

async fn open_core(dir: &Path, secrets: &Arc<MemorySecretStore>) -> Core {
    let store: Arc<dyn SecretStore> = secrets.clone();
    let core = Core::open(dir, "default", store).await.unwrap();
    core.set_today(today());
    core
}

async fn fixture() -> Fixture {
    fixture_with(SandboxConfig {
        today: today(),
        ..SandboxConfig::default()
    })
    .await
}

async fn fixture_with(config: SandboxConfig) -> Fixture {
    let sandbox = Sandbox::start(config).await.unwrap();
    let dir = TempDir::new().unwrap();
    let secrets = Arc::new(MemorySecretStore::default());
    let core = open_core(dir.path(), &secrets).await;
    Fixture {
        sandbox,
        dir,
        secrets,
        core,
    }
}

/// Signed in and synced with enough rows to fill pages of their own beside the tables'
/// first pages, where damage can be put that no opening reads.
async fn synced_with_pages_of_rows() -> Fixture {
    let f = fixture_with(SandboxConfig {
        today: today(),
        mailboxes: 2000,
        ..SandboxConfig::default()
    })
    .await;
    f.core
        .login(&f.sandbox.base_url(), DEMO_EMAIL, DEMO_PASSWORD, false)
        .await
        .unwrap();
    f.core.sync_all(&no_progress).await.unwrap();
    f
}

async fn signed_in() -> Fixture {
    let f = fixture().await;
    f.core
        .login(&f.sandbox.base_url(), DEMO_EMAIL, DEMO_PASSWORD, false)
        .await
        .unwrap();
    f
}

async fn synced() -> (Fixture, Vec<SyncOutcome>) {
    let f = signed_in().await;
    let outcomes = f.core.sync_all(&no_progress).await.unwrap();
    for outcome in &outcomes {
        assert_eq!(outcome.error, None, "{}", outcome.account_id);
    }
    (f, outcomes)
}

fn outcome<'a>(outcomes: &'a [SyncOutcome], id: &str) -> &'a SyncOutcome {
    outcomes.iter().find(|o| o.account_id == id).unwrap()
}

#[tokio::test]
async fn login_and_sync_fill_the_cache() {
    let f = fixture().await;
    let info = f
        .core
        .login(&f.sandbox.base_url(), DEMO_EMAIL, DEMO_PASSWORD, false)
        .await
        .unwrap();
    assert_eq!(info.email, DEMO_EMAIL);
    assert!(info.remembered);
    assert_eq!(f.core.login_info(), Some(info));

    // Sign-in alone lists the accounts.
    let ids: Vec<String> = f
        .core
        .accounts()
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.account.id)
        .collect();
    assert_eq!(ids, [OWN, SHARED]);

    let calls = AtomicU32::new(0);
    let progress = |p: SyncProgress| {
        assert!(p.done <= p.total);
        calls.fetch_add(1, Ordering::SeqCst);
    };
    let outcomes = f.core.sync_all(&progress).await.unwrap();
    assert_eq!(outcomes.len(), 2);
    assert!(calls.load(Ordering::SeqCst) >= 8);
    let own = outcome(&outcomes, OWN);
    assert_eq!(own.error, None);
    assert_eq!(own.changed.len(), Resource::ALL.len());

    let invoices = f.core.invoices(OWN).await.unwrap();
    assert!(invoices.permitted);
    assert_eq!(invoices.items.len(), 24);
    assert!(invoices.last_synced.is_some());
    let expected = f
        .sandbox
        .handle()
        .with_account(OWN, |a| a.invoices.clone())
        .unwrap();
    let mut cached = invoices.items.clone();
    let mut served = expected.clone();
    cached.sort_by(|a, b| a.number.cmp(&b.number));
    served.sort_by(|a, b| a.number.cmp(&b.number));
    assert_eq!(cached, served);
    assert_eq!(f.core.domains(OWN).await.unwrap().items.len(), 6);
    assert_eq!(f.core.mailboxes(OWN).await.unwrap().items.len(), 12);
    assert!(!f.core.mandates(OWN).await.unwrap().items.is_empty());
    assert!(!f.core.services(OWN).await.unwrap().items.is_empty());
    let summaries = f.core.accounts().await.unwrap();
    assert!(summaries.iter().all(|s| s.last_synced.is_some()));
    assert!(summaries[0].overdue_count >= 1);
}

#[tokio::test]
async fn dashboard_shows_the_demo_guarantees() {
    let (f, _) = synced().await;
    let dashboard = f.core.dashboard(OWN).await.unwrap();
    assert_eq!(dashboard.account.id, OWN);
    assert!(dashboard.not_permitted.is_empty());

    let reminder = dashboard
        .attention_invoices
        .iter()
        .find(|i| i.dunning_level >= 1)
        .expect("an invoice with a payment reminder");
    assert!(matches!(
        reminder.status,
        InvoiceStatus::Open | InvoiceStatus::Overdue
    ));
    assert!(dashboard.overdue_count >= 1);
    assert!(dashboard.overdue_total_cents > 0);
    assert!(dashboard.open_total_cents >= dashboard.overdue_total_cents);
    assert!(dashboard.open_count >= dashboard.overdue_count);

    let suspended = dashboard
        .suspended_services
        .first()
        .expect("a suspended service");
    let reason = suspended.status_reason.clone().unwrap_or_default();
    assert!(
        dashboard
            .attention_invoices
            .iter()
            .any(|i| reason.contains(&i.number)),
        "{reason}"
    );
    assert!(dashboard
        .expiring_domains
        .iter()
        .any(|d| d.expires_on >= today() && (d.expires_on - today()).num_days() <= 30));
    let fullest = dashboard
        .mailboxes_near_quota
        .first()
        .expect("a mailbox over 90 %");
    assert!(fullest.percent_used().unwrap() >= 90.0);
}

#[tokio::test]
async fn accounts_never_see_each_others_rows() {
    let (f, _) = synced().await;
    let own: BTreeSet<String> = f
        .core
        .invoices(OWN)
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|i| i.number)
        .collect();
    let shared: BTreeSet<String> = f
        .core
        .invoices(SHARED)
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|i| i.number)
        .collect();
    assert!(!own.is_empty() && !shared.is_empty());
    assert!(own.is_disjoint(&shared));
    let served_shared: BTreeSet<String> = f
        .sandbox
        .handle()
        .with_account(SHARED, |a| {
            a.invoices.iter().map(|i| i.number.clone()).collect()
        })
        .unwrap();
    assert_eq!(shared, served_shared);
    let shared_dashboard = f.core.dashboard(SHARED).await.unwrap();
    assert!(shared_dashboard
        .attention_invoices
        .iter()
        .all(|i| !own.contains(&i.number)));

    let unknown = f.core.invoices("acc-999999").await.unwrap_err();
    assert_eq!(unknown.kind(), ErrorKind::NotFound);
    assert_eq!(
        f.core.dashboard("acc-999999").await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
}

#[tokio::test]
async fn the_shared_accounts_role_limits_what_is_cached() {
    let (f, outcomes) = synced().await;
    let shared = outcome(&outcomes, SHARED);
    for resource in [
        Resource::Services,
        Resource::Domains,
        Resource::Mailboxes,
        Resource::Users,
    ] {
        assert!(shared.not_permitted.contains(&resource), "{resource:?}");
    }
    let services = f.core.services(SHARED).await.unwrap();
    let domains = f.core.domains(SHARED).await.unwrap();
    let mailboxes = f.core.mailboxes(SHARED).await.unwrap();
    assert!(!services.permitted && services.items.is_empty());
    assert!(!domains.permitted && domains.items.is_empty());
    assert!(!mailboxes.permitted && mailboxes.items.is_empty());
    let invoices = f.core.invoices(SHARED).await.unwrap();
    assert!(invoices.permitted && !invoices.items.is_empty());
    let dashboard = f.core.dashboard(SHARED).await.unwrap();
    assert!(dashboard.not_permitted.contains(&Resource::Mailboxes));
    assert!(!dashboard.not_permitted.contains(&Resource::Invoices));
}

#[tokio::test]
async fn a_failed_sync_leaves_the_previous_cache_as_it_was() {
    let (f, _) = synced().await;
    let invoices_before = f.core.invoices(OWN).await.unwrap();
    let domains_before = f.core.domains(OWN).await.unwrap();
    let dashboard_before = f.core.dashboard(OWN).await.unwrap();

    // The server's data changes, and the mailboxes fail on every attempt.
    let handle = f.sandbox.handle();
    handle
        .with_account(OWN, |a| {
            a.invoices[0].amount_cents += 100;
            a.domains.pop();
        })
        .unwrap();
    handle.inject_fault(Fault {
        path_contains: format!("{OWN}/mailboxes"),
        status: 500,
        retry_after: None,
        times: 100,
    });
    let outcome = f.core.sync_account(OWN, &no_progress).await.unwrap();
    let error = outcome.error.expect("the sync reports its failure");
    assert_eq!(error.kind, ErrorKind::Server);
    assert!(!error.message.is_empty() && !error.message_de.is_empty());

    assert_eq!(f.core.invoices(OWN).await.unwrap(), invoices_before);
    assert_eq!(f.core.domains(OWN).await.unwrap(), domains_before);
    assert_eq!(f.core.dashboard(OWN).await.unwrap(), dashboard_before);
}

#[tokio::test]
async fn an_unchanged_account_costs_one_conditional_request_per_resource() {
    let (f, _) = synced().await;
    let handle = f.sandbox.handle();
    let before = handle.request_count();
    let outcomes = f.core.sync_all(&no_progress).await.unwrap();
    let served = handle.request_count() - before;

    let own = outcome(&outcomes, OWN);
    let shared = outcome(&outcomes, SHARED);
    assert!(own.changed.is_empty() && shared.changed.is_empty());
    assert_eq!(own.unchanged.len(), Resource::ALL.len());
    assert_eq!(own.requests, 8);
    assert_eq!(shared.unchanged.len(), 4);
    assert_eq!(shared.requests, 4);
    // Plus the account list itself.
    assert_eq!(served, u64::from(own.requests + shared.requests) + 1);

    // A change on the server shows up in the next sync, and only where it happened.
    handle
        .with_account(OWN, |a| a.invoices[0].status = InvoiceStatus::Paid)
        .unwrap();
    let outcome = f.core.sync_account(OWN, &no_progress).await.unwrap();
    assert_eq!(outcome.changed, [Resource::Invoices]);
}

#[tokio::test]
async fn an_expired_access_token_is_refreshed_transparently() {
    let (f, _) = synced().await;
    let handle = f.sandbox.handle();
    handle.with_account(OWN, |a| a.domains.pop()).unwrap();
    handle.expire_access_tokens();
    let outcome = f.core.sync_account(OWN, &no_progress).await.unwrap();
    assert_eq!(outcome.error, None);
    assert_eq!(outcome.changed, [Resource::Domains]);
    assert_eq!(f.core.domains(OWN).await.unwrap().items.len(), 5);
    assert!(f.core.login_info().is_some());
}

async fn account_count(portal: &HttpPortal) -> usize {
    match portal.accounts(None).await.unwrap() {
        Fetched::Fresh { value, .. } => value.len(),
        Fetched::Unchanged => panic!("no ETag was sent"),
    }
}

async fn signed_in_portal(sandbox: &Sandbox) -> HttpPortal {
    let portal = HttpPortal::new(&sandbox.base_url()).unwrap();
    portal.login(DEMO_EMAIL, DEMO_PASSWORD).await.unwrap();
    portal
}

#[tokio::test]
async fn server_errors_and_rate_limits_are_retried() {
    let f = fixture().await;
    let handle = f.sandbox.handle();
    let portal = signed_in_portal(&f.sandbox).await;

    handle.inject_fault(Fault {
        path_contains: "/accounts".into(),
        status: 503,
        retry_after: None,
        times: 2,
    });
    let before = handle.request_count();
    assert_eq!(account_count(&portal).await, 2);
    assert_eq!(handle.request_count() - before, 3);

    handle.inject_fault(Fault {
        path_contains: "/accounts".into(),
        status: 429,
        retry_after: Some(1),
        times: 1,
    });
    let before = handle.request_count();
    let started = Instant::now();
    assert_eq!(account_count(&portal).await, 2);
    assert_eq!(handle.request_count() - before, 2);
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After honoured"
    );

    // Three attempts at most, then the error.
    handle.inject_fault(Fault {
        path_contains: "/accounts".into(),
        status: 500,
        retry_after: None,
        times: 5,
    });
    let before = handle.request_count();
    let err = portal.accounts(None).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Server);
    assert_eq!(handle.request_count() - before, 3);
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    let f = fixture().await;
    let handle = f.sandbox.handle();
    let portal = signed_in_portal(&f.sandbox).await;
    let before = handle.request_count();
    let err = portal.profile("acc-999999", None).await.unwrap_err();
    assert!(matches!(err, CoreError::NotFound), "{err:?}");
    assert_eq!(handle.request_count() - before, 1);

    let before = handle.request_count();
    let err = f
        .core
        .login(&f.sandbox.base_url(), DEMO_EMAIL, "wrong-password", false)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidCredentials);
    assert_eq!(handle.request_count() - before, 1);
    assert_eq!(f.core.login_info(), None);
}

#[tokio::test]
async fn plain_http_to_a_remote_host_is_refused() {
    let f = fixture().await;
    let err = f
        .core
        .login("http://example.com", DEMO_EMAIL, DEMO_PASSWORD, false)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InsecureServer);
    assert_eq!(
        HttpPortal::new("http://example.com").unwrap_err().kind(),
        ErrorKind::InsecureServer
    );
    assert_eq!(
        f.core
            .request_password_reset("http://example.com", DEMO_EMAIL)
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::InsecureServer
    );
    assert_eq!(f.sandbox.handle().request_count(), 0);
}

#[tokio::test]
async fn large_collections_are_fetched_page_by_page() {
    let sandbox = Sandbox::start(SandboxConfig {
        today: today(),
        invoices: 1100,
        extra_accounts: 2,
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let dir = TempDir::new().unwrap();
    let secrets = Arc::new(MemorySecretStore::default());
    let core = open_core(dir.path(), &secrets).await;
    core.login(&sandbox.base_url(), DEMO_EMAIL, DEMO_PASSWORD, false)
        .await
        .unwrap();
    let outcomes = core.sync_all(&no_progress).await.unwrap();
    assert_eq!(outcomes.len(), 4);
    let own = outcome(&outcomes, OWN);
    assert_eq!(own.error, None);
    // 1100 invoices at 500 a page: three requests for them, one for each other resource.
    assert_eq!(own.requests, 3 + 7);
    let invoices = core.invoices(OWN).await.unwrap().items;
    assert_eq!(invoices.len(), 1100);
    let numbers: BTreeSet<&str> = invoices.iter().map(|i| i.number.as_str()).collect();
    assert_eq!(numbers.len(), 1100);
    // Unchanged, the whole collection is one 304.
    let again = core.sync_account(OWN, &no_progress).await.unwrap();
    assert_eq!(again.requests, 8);
    assert!(again.changed.is_empty());
}

#[tokio::test]
async fn password_reset_is_sent_for_a_valid_address_only() {
    let f = fixture().await;
    let handle = f.sandbox.handle();
    f.core
        .request_password_reset(&f.sandbox.base_url(), "someone@example.de")
        .await
        .unwrap();
    assert_eq!(handle.request_count(), 1);
    let err = f
        .core
        .request_password_reset(&f.sandbox.base_url(), "someone")
        .await
        .unwrap_err();
    assert!(err.info().fields.contains_key("email"));
    assert_eq!(handle.request_count(), 1);
}

#[tokio::test]
async fn logout_without_resume_still_revokes_the_stored_token() {
    let (f, _) = synced().await;
    let key = secret_key(&f.sandbox.base_url(), DEMO_EMAIL);
    let token = f.secrets.get(&key).unwrap().unwrap();
    let core = open_core(f.dir.path(), &f.secrets).await;
    core.logout().await.unwrap();
    assert_eq!(f.secrets.get(&key).unwrap(), None);
    let response = reqwest::Client::new()
        .post(format!("{}/api/v1/auth/refresh", f.sandbox.base_url()))
        .json(&serde_json::json!({ "refresh_token": token }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), reqwest::StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn malformed_email_is_a_field_error() {
    let f = fixture().await;
    let err = f
        .core
        .login(
            &f.sandbox.base_url(),
            "not-an-address",
            DEMO_PASSWORD,
            false,
        )
        .await
        .unwrap_err();
    let info = err.info();
    assert_eq!(info.kind, ErrorKind::InvalidInput);
    assert!(info.fields.contains_key("email"));
    assert_eq!(f.sandbox.handle().request_count(), 0);
}

async fn cached_rows(path: &Path) -> i64 {
    let url = format!("sqlite://{}", path.display());
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    let mut total = 0;
    for table in [
        "login",
        "accounts",
        "invoices",
        "mandates",
        "services",
        "domains",
        "mailboxes",
        "account_users",
        "tickets",
        "sync_state",
    ] {
        let count: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&pool)
            .await
            .unwrap();
        total += count;
    }
    pool.close().await;
    total
}

#[tokio::test]
async fn logout_forgets_the_token_and_the_cache() {
    let (f, _) = synced().await;
    let key = secret_key(&f.sandbox.base_url(), DEMO_EMAIL);
    let token = f.secrets.get(&key).unwrap().expect("refresh token stored");
    let db = f.dir.path().join("default.sqlite");
    assert!(cached_rows(&db).await > 0);

    f.core.logout().await.unwrap();
    assert_eq!(f.secrets.get(&key).unwrap(), None);
    assert_eq!(f.core.login_info(), None);
    assert!(f.core.accounts().await.unwrap().is_empty());
    assert_eq!(cached_rows(&db).await, 0);

    // The server revoked the token too.
    let response = reqwest::Client::new()
        .post(format!("{}/api/v1/auth/refresh", f.sandbox.base_url()))
        .json(&serde_json::json!({ "refresh_token": token }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), reqwest::StatusCode::UNAUTHORIZED);

    let err = f.core.sync_all(&no_progress).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotSignedIn);
}

/// A sign-out leaves nothing of the login in the profile folder. A cache too damaged to
/// clear row by row is removed whole instead, with what was kept beside it; the keyring
/// entry goes as always, and the next opening starts a new cache.
#[tokio::test]
async fn logout_of_a_damaged_cache_removes_its_files() {
    let Fixture {
        sandbox,
        dir,
        secrets,
        core,
    } = synced_with_pages_of_rows().await;
    let key = secret_key(&sandbox.base_url(), DEMO_EMAIL);
    core.close().await;
    let db = dir.path().join("default.sqlite");
    damage::damage_behind_the_schema(&db).await;
    let core = open_core(dir.path(), &secrets).await;
    assert!(core.resume().await.unwrap().is_some());

    core.logout().await.expect("signed out");
    assert_eq!(secrets.get(&key).unwrap(), None);
    assert!(core.cache_closed());
    let left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("default.sqlite") && name != "default.sqlite.lock")
        .collect();
    assert_eq!(left, Vec::<String>::new(), "nothing of the cache is left");

    let core = open_core(dir.path(), &secrets).await;
    assert_eq!(
        core.damaged_cache(),
        None,
        "a new cache, not a set-aside one"
    );
    assert_eq!(core.resume().await.unwrap(), None);
}

/// A cache kept aside as damaged takes its keyring entries with it: the login's sign-in,
/// its mailcow connections' secrets and the profile's DNS API access (which the new cache
/// would otherwise inherit) are forgotten, as far as its pages still tell; the kept copy
/// stays as it was, and an entry it does not refer to stays too.
#[tokio::test]
async fn a_damaged_cache_set_aside_forgets_its_keyring_entries() {
    let Fixture {
        sandbox,
        dir,
        secrets,
        core,
    } = synced_with_pages_of_rows().await;
    core.close().await;
    let db = dir.path().join("default.sqlite");
    let connection = "mailcow-0123456789ab";
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", db.display()))
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO mailcow_connections (id, profile, kind, url, user_name, access, state, \
         created_at) VALUES (?, 'default', 'api_key', 'https://mail.example.net', NULL, \
         'read_only', 'connected', '2026-12-06T10:00:00Z')",
    )
    .bind(connection)
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;
    let login_key = secret_key(&sandbox.base_url(), DEMO_EMAIL);
    let connection_key = cowdesk_core::connections::secret_key(connection);
    let dns_key = format!("dns-api:{}", db.display());
    let unrelated = cowdesk_core::connections::secret_key("mailcow-ba9876543210");
    for key in [&connection_key, &dns_key, &unrelated] {
        secrets.set(key, "kept in the keyring").unwrap();
    }
    assert!(secrets.get(&login_key).unwrap().is_some());
    let (damaged, _) = damage::damage_behind_the_schema(&db).await;

    // The damage seen asks the next start for a check.
    let core = open_core(dir.path(), &secrets).await;
    let seen = core.mailboxes(OWN).await.expect_err("the rows are damaged");
    assert_eq!(seen.kind(), ErrorKind::CacheDamaged);
    assert_eq!(
        secrets.get(&connection_key).unwrap().as_deref(),
        Some("kept in the keyring")
    );
    core.close().await;

    let core = open_core(dir.path(), &secrets).await;
    let kept = core.damaged_cache().expect("kept aside").to_owned();
    for key in [&login_key, &connection_key, &dns_key] {
        assert_eq!(secrets.get(key).unwrap(), None, "{key} forgotten");
    }
    assert_eq!(
        secrets.get(&unrelated).unwrap().as_deref(),
        Some("kept in the keyring")
    );
    assert_eq!(
        std::fs::read(&kept).unwrap(),
        damaged,
        "the copy as it was found"
    );
    assert_eq!(core.resume().await.unwrap(), None);
}

#[tokio::test]
async fn resume_restores_the_login_without_network() {
    let (f, _) = synced().await;
    let Fixture {
        sandbox,
        dir,
        secrets,
        core,
    } = f;
    let info = core.login_info().unwrap();
    let invoices = core.invoices(OWN).await.unwrap();
    drop(core);
    // Nothing answers any more: resuming must not need the network.
    sandbox.shutdown().await;

    let core = open_core(dir.path(), &secrets).await;
    assert_eq!(core.login_info(), None);
    assert_eq!(core.resume().await.unwrap(), Some(info.clone()));
    assert_eq!(core.login_info(), Some(info));
    assert_eq!(core.invoices(OWN).await.unwrap(), invoices);

    // Offline: a sync reports it, the cache stays.
    let err = core.sync_all(&no_progress).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Offline);
    assert_eq!(core.invoices(OWN).await.unwrap(), invoices);
}

#[tokio::test]
async fn resume_without_a_stored_token_is_signed_out() {
    let (f, _) = synced().await;
    let key = secret_key(&f.sandbox.base_url(), DEMO_EMAIL);
    f.secrets.delete(&key).unwrap();
    let core = open_core(f.dir.path(), &f.secrets).await;
    assert_eq!(core.resume().await.unwrap(), None);
    assert_eq!(core.login_info(), None);
    // The stale login is gone; a sync needs a new sign-in.
    assert_eq!(core.status().await.unwrap().login, None);
    assert_eq!(
        core.sync_all(&no_progress).await.unwrap_err().kind(),
        ErrorKind::NotSignedIn
    );
}

#[tokio::test]
async fn a_pending_migration_first_backs_up_the_cache() {
    let (f, _) = synced().await;
    let Fixture {
        dir, secrets, core, ..
    } = f;
    drop(core);
    let db = dir.path().join("default.sqlite");
    // Make the schema look older than the code: its migration is pending again.
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", db.display()))
        .await
        .unwrap();
    sqlx::query("DELETE FROM _sqlx_migrations")
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;

    // Re-applying the first migration onto existing tables fails, but only after the
    // backup was taken.
    let store: Arc<dyn SecretStore> = secrets.clone();
    let reopened = Core::open(dir.path(), "default", store).await;
    assert_eq!(reopened.err().map(|e| e.kind()), Some(ErrorKind::Storage));
    // Named after the newest migration, whichever that is.
    let backup = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("default.sqlite.before-v"))
        })
        .expect("a backup before migrating");
    assert!(cached_rows(&backup).await > 0);
}

/// Longest run of hex digits: every token the sandbox issues is 64 of them.
fn longest_hex_run(bytes: &[u8]) -> usize {
    let mut longest = 0;
    let mut run = 0;
    for b in bytes {
        if b.is_ascii_hexdigit() {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    longest
}

#[tokio::test]
async fn no_secret_reaches_the_sqlite_files() {
    let (f, _) = synced().await;
    let key = secret_key(&f.sandbox.base_url(), DEMO_EMAIL);
    let refresh = f.secrets.get(&key).unwrap().unwrap();
    let mut checked = 0;
    for name in ["default.sqlite", "default.sqlite-wal", "default.sqlite-shm"] {
        let Ok(bytes) = std::fs::read(f.dir.path().join(name)) else {
            continue;
        };
        checked += 1;
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains(DEMO_PASSWORD), "{name}");
        assert!(!text.contains(&refresh), "{name}");
        assert!(
            longest_hex_run(&bytes) < 64,
            "{name} holds a token-like value"
        );
    }
    assert!(checked >= 2, "the database and its WAL exist");
}

#[tokio::test]
async fn settings_round_trip_and_survive_logout() {
    let (f, _) = synced().await;
    assert_eq!(f.core.setting("language").await.unwrap(), None);
    f.core.set_setting("language", "de").await.unwrap();
    f.core.set_setting("language", "en").await.unwrap();
    assert_eq!(
        f.core.setting("language").await.unwrap().as_deref(),
        Some("en")
    );
    f.core.logout().await.unwrap();
    assert_eq!(
        f.core.setting("language").await.unwrap().as_deref(),
        Some("en")
    );
    let status = f.core.status().await.unwrap();
    assert_eq!(status.login, None);
    assert!(status.database.ends_with("default.sqlite"));
}

fn assert_send<T: Send>(_: &T) {}

/// The window runs these on a multi-threaded runtime: their futures must be Send.
#[tokio::test]
async fn core_futures_are_send() {
    let f = fixture().await;
    let core = Arc::new(f.core);
    assert_send(&core.login("https://x.example", DEMO_EMAIL, DEMO_PASSWORD, false));
    assert_send(&core.resume());
    assert_send(&core.sync_all(&no_progress));
    assert_send(&core.sync_account(OWN, &no_progress));
    assert_send(&core.logout());
    assert_send(&core.dashboard(OWN));
    assert_send(&core.invoices(OWN));
    assert_send(&core.status());
    // Really running one on another thread.
    let spawned = tokio::spawn({
        let core = core.clone();
        async move { core.accounts().await.map(|a| a.len()) }
    });
    assert_eq!(spawned.await.unwrap().unwrap(), 0);
}
