//! mailcow connections through the core against the REAL mailcow code
//! (`shared/peers/mailcow`): connect, sync into the SQLite cache through the write path,
//! the quota alerts on the real numbers, a lapsed session, a read-only key, changes that
//! touch the cache only after the server said success, and removing a connection. The
//! secrets live in the real Secret Service (run under `run_in_private_session`). Each test
//! makes its own domain and administrator; caches stay below the artifacts for the leak
//! scan, which searches them for every password, key and session cookie used here.

#[path = "support/kept.rs"]
mod kept;
#[path = "support/mailcow_peer.rs"]
mod mailcow_peer;

use std::path::Path;
use std::sync::Arc;

use cowdesk_core::connections::{secret_key, MailboxInput};
use cowdesk_core::mailcow::{MailboxChange, MIB};
use cowdesk_core::model::{
    AlertDelivery, AlertRule, ConnectionAccess, ConnectionState, ErrorKind, MailboxSource,
};
use cowdesk_core::secrets::{KeyringSecretStore, SecretStore};
use cowdesk_core::session::Core;
use cowdesk_sandbox::record_secret;
use mailcow_peer::{peer, Proxy};

const PASSWORD: &str = "Cow-conn-pw-1";

async fn core(test: &str) -> (Core, std::path::PathBuf) {
    let dir = kept::kept_dir(test);
    let secrets: Arc<dyn SecretStore> = Arc::new(KeyringSecretStore::new());
    let core = Core::open(&dir, "default", secrets)
        .await
        .expect("open the cache");
    (core, dir)
}

/// Rows of a table in the profile's SQLite file, read with a connection of our own.
async fn sql_strings(dir: &Path, query: &str) -> Vec<String> {
    use sqlx::ConnectOptions;
    let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(dir.join("default.sqlite"))
        .connect()
        .await
        .expect("open the cache file");
    sqlx::query_scalar(query)
        .fetch_all(&mut conn)
        .await
        .expect("query the cache file")
}

async fn sql_count(dir: &Path, query: &str) -> i64 {
    use sqlx::ConnectOptions;
    let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(dir.join("default.sqlite"))
        .connect()
        .await
        .expect("open the cache file");
    sqlx::query_scalar(query)
        .fetch_one(&mut conn)
        .await
        .expect("count in the cache file")
}

fn record_login(proxy: Option<&Proxy>) {
    record_secret("mailcow_password", PASSWORD);
    if let Some(proxy) = proxy {
        for cookie in proxy.session_cookies() {
            record_secret("mailcow_session", &cookie);
        }
    }
}

/// Connects the peer's domain administrator `admin` and answers the connection's id; its
/// password goes to the suite's leak scan.
async fn connect_admin(core: &Core, url: &str, admin: &str) -> String {
    let id = core
        .connect_mailcow_session(url, admin, PASSWORD, None)
        .await
        .expect("the domain administrator connects")
        .connection
        .id;
    record_login(None);
    id
}

/// Connects the peer's read-only API key at `url` and answers the connection's id; the
/// key goes to the suite's leak scan.
async fn connect_read_only_key(core: &Core, url: &str) -> String {
    let key = &peer().ro_key;
    let id = core
        .connect_mailcow_api_key(url, key)
        .await
        .expect("the read-only key connects")
        .connection
        .id;
    record_secret("mailcow_api_key", key);
    id
}

#[tokio::test]
async fn mailcow_connect_and_sync_cache_only_the_admins_domains() {
    let p = peer();
    let (domain, admin) = p.tenant(20, 20480, 10240, PASSWORD).await;
    let (other, _) = p.tenant(5, 5120, 1024, PASSWORD).await;
    p.add_mailbox(&format!("anna@{domain}"), "Anna", 1024, PASSWORD)
        .await;
    p.add_mailbox(&format!("bob@{domain}"), "Bob", 2048, PASSWORD)
        .await;
    p.add_alias(&format!("info@{domain}"), &[&format!("anna@{domain}")])
        .await;
    p.add_mailbox(&format!("eve@{other}"), "Eve", 512, PASSWORD)
        .await;
    let proxy = Proxy::start(&p.url).await;

    let (core, dir) = core("mailcow_connect_and_sync").await;
    let outcome = core
        .connect_mailcow_session(&proxy.url, &admin, PASSWORD, None)
        .await
        .expect("the domain administrator connects");
    assert!(!outcome.totp_needed);
    let id = outcome.connection.id.clone();
    assert_eq!(outcome.connection.state, ConnectionState::Connected);
    assert_eq!(outcome.connection.access, ConnectionAccess::ReadWrite);
    assert_eq!(outcome.connection.user.as_deref(), Some(admin.as_str()));
    let synced = core.sync_connection(&id).await.unwrap();
    record_login(Some(&proxy));
    assert_eq!(synced.error, None);
    assert_eq!(
        (synced.domains, synced.mailboxes, synced.aliases),
        (1, 2, 1)
    );

    // The SQLite file holds the admin's domain and nothing of the other one.
    let domains = sql_strings(&dir, "SELECT name FROM mailcow_domains").await;
    assert_eq!(domains, std::slice::from_ref(&domain));
    let mut mailboxes = sql_strings(&dir, "SELECT address FROM mailcow_mailboxes").await;
    mailboxes.sort();
    assert_eq!(
        mailboxes,
        [format!("anna@{domain}"), format!("bob@{domain}")]
    );
    assert_eq!(
        sql_count(
            &dir,
            &format!("SELECT COUNT(*) FROM mailcow_mailboxes WHERE domain = '{other}'")
        )
        .await,
        0
    );
    let scoped = sql_count(
        &dir,
        &format!("SELECT COUNT(*) FROM mailcow_mailboxes WHERE account_id = '{id}'"),
    )
    .await;
    assert_eq!(scoped, 2, "every row is scoped by the connection");
    assert_eq!(
        sql_strings(&dir, "SELECT targets FROM mailcow_aliases").await,
        [format!("[\"anna@{domain}\"]")]
    );
    // No secret in the cache, in any column.
    let file = std::fs::read(dir.join("default.sqlite")).unwrap();
    assert!(!String::from_utf8_lossy(&file).contains(PASSWORD));

    // The domain's allowances are cached with it.
    let cached = core.mailcow_domains().await.unwrap();
    assert_eq!(cached.len(), 1);
    assert_eq!(
        (cached[0].mailboxes_used, cached[0].mailboxes_allowed),
        (2, 20)
    );
    assert_eq!(cached[0].storage_allowed_bytes, 20480 * MIB);
    assert_eq!(cached[0].storage_assigned_bytes, 3072 * MIB);

    // The merged list: the mailcow's rows, with their source; filtered by domain.
    let list = core.mailbox_entries(None).await.unwrap();
    assert_eq!(list.len(), 2);
    assert!(list
        .iter()
        .all(|m| m.source == MailboxSource::Mailcow
            && m.connection_id.as_deref() == Some(id.as_str())));
    let bob = list.iter().find(|m| m.name == "Bob").unwrap();
    assert_eq!(
        (bob.quota_bytes, bob.used_bytes, bob.percent),
        (2048 * MIB, 0, Some(0))
    );
    assert!(core.mailbox_entries(Some(&other)).await.unwrap().is_empty());
    assert_eq!(core.mailbox_entries(Some(&domain)).await.unwrap().len(), 2);

    // A mailcow connection is not a portal account.
    assert!(core.accounts().await.unwrap().is_empty());
    let listed = core.connections().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!((listed[0].domains, listed[0].mailboxes), (1, 2));
    assert!(listed[0].last_synced.is_some());

    // Entering the same login again updates the connection, it adds no second one.
    let again = core
        .connect_mailcow_session(&proxy.url, &admin, PASSWORD, None)
        .await
        .unwrap();
    assert_eq!(again.connection.id, id);
    assert_eq!(core.connections().await.unwrap().len(), 1);
    record_login(Some(&proxy));
    core.disconnect(&id).await.unwrap();
}

#[tokio::test]
async fn mailcow_quota_usage_shows_as_bytes_and_percent_and_alerts_once() {
    let p = peer();
    let (domain, admin) = p.tenant(20, 20480, 10240, PASSWORD).await;
    let anna = format!("anna@{domain}");
    p.add_mailbox(&anna, "Anna", 512, PASSWORD).await;
    let (core, _dir) = core("mailcow_quota_alerts").await;
    let id = connect_admin(&core, &p.url, &admin).await;
    let first = core.sync_connection(&id).await.unwrap();
    assert_eq!((first.error.clone(), first.new_alerts), (None, 0));

    // Written where Dovecot would (the peer's README): 500,000,000 of 512 MiB.
    p.set_quota_usage(&anna, 500_000_000, 1200);
    let second = core.sync_connection(&id).await.unwrap();
    assert_eq!(second.error, None);
    assert_eq!(second.new_alerts, 1, "the 90 % alert is raised");
    let row = core
        .mailbox_entries(Some(&domain))
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.address == anna)
        .unwrap();
    assert_eq!(row.used_bytes, 500_000_000);
    assert_eq!(row.quota_bytes, 512 * MIB);
    assert_eq!(row.percent, Some(93));
    assert_eq!(row.messages, Some(1200));

    let quota_alerts = |alerts: &[cowdesk_core::model::Alert], rule| {
        alerts
            .iter()
            .filter(|a| a.rule == rule && a.account_id == id && a.body.contains(&anna))
            .count()
    };
    let alerts = core.alerts().await.unwrap();
    assert_eq!(quota_alerts(&alerts, AlertRule::MailboxQuota), 1);
    let alert = alerts
        .iter()
        .find(|a| a.rule == AlertRule::MailboxQuota && a.account_id == id)
        .unwrap();
    assert_eq!(alert.delivery, AlertDelivery::Pending);
    assert!(alert.account_name.contains(&admin));

    // Once: syncing again raises nothing new.
    let third = core.sync_connection(&id).await.unwrap();
    assert_eq!(third.new_alerts, 0);
    let alerts = core.alerts().await.unwrap();
    assert_eq!(quota_alerts(&alerts, AlertRule::MailboxQuota), 1);

    // Full: the full alert, once.
    p.set_quota_usage(&anna, 512 * MIB, 1300);
    assert_eq!(core.sync_connection(&id).await.unwrap().new_alerts, 1);
    assert_eq!(core.sync_connection(&id).await.unwrap().new_alerts, 0);
    let alerts = core.alerts().await.unwrap();
    assert_eq!(quota_alerts(&alerts, AlertRule::MailboxFull), 1);
    core.disconnect(&id).await.unwrap();
}

#[tokio::test]
async fn mailcow_connection_session_expiry_is_recovered_by_one_relogin() {
    let p = peer();
    let (domain, admin) = p.tenant(20, 20480, 10240, PASSWORD).await;
    p.add_mailbox(&format!("anna@{domain}"), "Anna", 512, PASSWORD)
        .await;
    let proxy = Proxy::start(&p.url).await;
    let (core, _dir) = core("mailcow_session_expiry").await;
    let id = core
        .connect_mailcow_session(&proxy.url, &admin, PASSWORD, None)
        .await
        .unwrap()
        .connection
        .id;
    assert_eq!(core.sync_connection(&id).await.unwrap().error, None);
    assert_eq!(proxy.count("POST", "/domainadmin"), 1);

    assert!(p.end_sessions_of(&admin) >= 1, "the session was ended");
    let synced = core.sync_connection(&id).await.unwrap();
    record_login(Some(&proxy));
    assert_eq!(synced.error, None, "recovered");
    assert_eq!(synced.mailboxes, 1);
    assert_eq!(
        proxy.count("POST", "/domainadmin"),
        2,
        "exactly one new login"
    );
    let listed = core.connections().await.unwrap();
    assert_eq!(listed[0].state, ConnectionState::Connected);
    core.disconnect(&id).await.unwrap();
}

#[tokio::test]
async fn mailcow_connection_read_only_key_refuses_writes_before_sending() {
    let p = peer();
    let (domain, _) = p.tenant(20, 20480, 10240, PASSWORD).await;
    let anna = format!("anna@{domain}");
    p.add_mailbox(&anna, "Anna", 512, PASSWORD).await;
    let proxy = Proxy::start(&p.url).await;
    let (core, _dir) = core("mailcow_read_only_key").await;
    let connected = core
        .connect_mailcow_api_key(&proxy.url, &p.ro_key)
        .await
        .unwrap();
    record_secret("mailcow_api_key", &p.ro_key);
    assert_eq!(connected.connection.access, ConnectionAccess::ReadOnly);
    let id = connected.connection.id;
    assert_eq!(core.sync_connection(&id).await.unwrap().error, None);
    assert!(core
        .mailbox_entries(Some(&domain))
        .await
        .unwrap()
        .iter()
        .any(|m| m.address == anna));
    let writes_before = proxy.count("POST", "/api/v1/");

    let add = core
        .mailcow_add_mailbox(
            Some(&id),
            MailboxInput {
                address: format!("new@{domain}"),
                name: "New".into(),
                quota_mib: 100,
                password: None,
                active: true,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(add.kind(), ErrorKind::Forbidden);
    assert!(add.info().message.contains("read-only"));
    assert!(add.info().message_de.contains("nur zum Lesen"));
    let edit = core
        .mailcow_edit_mailbox(
            None,
            &anna,
            MailboxChange {
                name: Some("Other".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(edit.kind(), ErrorKind::Forbidden);
    let delete = core.mailcow_delete_mailbox(None, &anna).await.unwrap_err();
    assert_eq!(delete.kind(), ErrorKind::Forbidden);
    assert_eq!(
        proxy.count("POST", "/api/v1/"),
        writes_before,
        "nothing was sent"
    );
    assert!(p.mailbox(&format!("new@{domain}")).await.is_none());
    assert_eq!(p.mailbox(&anna).await.unwrap()["name"], "Anna");
    core.disconnect(&id).await.unwrap();
}

#[tokio::test]
async fn mailcow_connection_refused_change_leaves_the_cache_and_a_confirmed_one_is_reread() {
    let p = peer();
    let (domain, admin) = p.tenant(20, 20480, 10240, PASSWORD).await;
    let (core, dir) = core("mailcow_refused_change").await;
    let id = connect_admin(&core, &p.url, &admin).await;
    core.sync_connection(&id).await.unwrap();
    // Made behind cowdesk's back: the cache does not know it, the server refuses a second.
    let taken = format!("taken@{domain}");
    p.add_mailbox(&taken, "Taken", 100, PASSWORD).await;
    let refused = core
        .mailcow_add_mailbox(
            None,
            MailboxInput {
                address: taken.clone(),
                name: "Again".into(),
                quota_mib: 100,
                password: Some("Another-pw-77".into()),
                active: true,
            },
        )
        .await
        .unwrap_err();
    record_secret("password", "Another-pw-77");
    let info = refused.info();
    assert!(!info.message.is_empty() && !info.message_de.is_empty());
    assert_ne!(info.message, info.message_de);
    assert_eq!(
        sql_count(&dir, "SELECT COUNT(*) FROM mailcow_mailboxes").await,
        0,
        "nothing cached before the server said success"
    );

    // Confirmed: the server's success, then the connection read again.
    let created = core
        .mailcow_add_mailbox(
            None,
            MailboxInput {
                address: format!("Fresh@{domain}"),
                name: "Fresh".into(),
                quota_mib: 300,
                password: None,
                active: true,
            },
        )
        .await
        .unwrap();
    let generated = created
        .generated_password
        .clone()
        .expect("a generated password");
    record_secret("generated_password", &generated);
    assert!(!format!("{created:?}").contains(&generated));
    assert_eq!(created.reread_error, None);
    assert!(
        p.mailbox_login_works(&format!("fresh@{domain}"), &generated)
            .await
    );
    let mut cached = sql_strings(&dir, "SELECT address FROM mailcow_mailboxes").await;
    cached.sort();
    assert_eq!(cached, [format!("fresh@{domain}"), taken.clone()]);
    let file = std::fs::read(dir.join("default.sqlite")).unwrap();
    assert!(!String::from_utf8_lossy(&file).contains(&generated));

    // Over the domain's per-mailbox maximum: refused here, with the field, nothing sent.
    let over = core
        .mailcow_edit_mailbox(
            None,
            &taken,
            MailboxChange {
                quota_mib: Some(20000),
                ..Default::default()
            },
        )
        .await
        .unwrap_err()
        .info();
    assert!(over.fields.contains_key("quota_mib"), "{over:?}");
    assert!(over.fields_de.contains_key("quota_mib"));
    assert_eq!(p.mailbox(&taken).await.unwrap()["quota"], 100 * MIB);
    core.disconnect(&id).await.unwrap();
}

#[tokio::test]
async fn mailcow_disconnect_removes_keyring_entry_and_cached_rows() {
    let p = peer();
    let (domain, admin) = p.tenant(20, 20480, 10240, PASSWORD).await;
    let anna = format!("anna@{domain}");
    p.add_mailbox(&anna, "Anna", 512, PASSWORD).await;
    p.set_quota_usage(&anna, 500_000_000, 10);
    let (core, dir) = core("mailcow_disconnect").await;
    let id = connect_admin(&core, &p.url, &admin).await;
    core.sync_connection(&id).await.unwrap();
    let keyring = KeyringSecretStore::new();
    assert_eq!(
        keyring.get(&secret_key(&id)).unwrap().as_deref(),
        Some(PASSWORD),
        "the password is in the keyring"
    );
    assert!(sql_count(&dir, "SELECT COUNT(*) FROM alerts").await >= 1);

    core.disconnect(&id).await.unwrap();
    assert_eq!(keyring.get(&secret_key(&id)).unwrap(), None);
    for table in [
        "mailcow_connections",
        "mailcow_domains",
        "mailcow_mailboxes",
        "mailcow_aliases",
        "accounts",
        "sync_state",
        "alerts",
    ] {
        assert_eq!(
            sql_count(&dir, &format!("SELECT COUNT(*) FROM {table}")).await,
            0,
            "{table} is empty"
        );
    }
    assert!(core.connections().await.unwrap().is_empty());
    assert!(core.mailbox_entries(None).await.unwrap().is_empty());
    for name in ["default.sqlite", "default.sqlite-wal"] {
        if let Ok(bytes) = std::fs::read(dir.join(name)) {
            assert!(
                !String::from_utf8_lossy(&bytes).contains(&anna),
                "{name} still holds the mailbox"
            );
        }
    }
    let unknown = core.disconnect(&id).await.unwrap_err();
    assert_eq!(unknown.kind(), ErrorKind::InvalidInput);
}

#[tokio::test]
async fn mailcow_and_portal_report_one_row_per_mailbox_with_its_source() {
    use cowdesk_sandbox::{Sandbox, SandboxConfig, DEMO_EMAIL, DEMO_PASSWORD};

    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let (core, _dir) = core("mailcow_and_portal").await;
    core.login(&sandbox.base_url(), DEMO_EMAIL, DEMO_PASSWORD, false)
        .await
        .unwrap();
    record_secret("password", DEMO_PASSWORD);
    for outcome in core.sync_all(&|_| {}).await.unwrap() {
        assert_eq!(outcome.error, None);
    }
    let account = core.own_account_id().await.unwrap();
    let portal = core.mailboxes(&account).await.unwrap().items;
    let shared = portal
        .first()
        .expect("the portal preview has mailboxes")
        .clone();
    let (local, domain) = shared.address.split_once('@').unwrap();
    let portal_in_domain = portal
        .iter()
        .filter(|m| m.address.ends_with(&format!("@{domain}")))
        .count();

    // The same domain on the mailcow, with that one mailbox and one of its own.
    let p = peer();
    let admin = mailcow_peer::unique("da");
    p.add_domain(domain, 20, 20480, 10240).await;
    p.add_domain_admin(&admin, PASSWORD, &[domain]).await;
    p.add_mailbox(&shared.address, "From the mailcow", 1024, PASSWORD)
        .await;
    p.set_quota_usage(&shared.address, 123_456_789, 42);
    let only_mailcow = format!("{local}-mailcow@{domain}");
    p.add_mailbox(&only_mailcow, "Only here", 100, PASSWORD)
        .await;
    let id = connect_admin(&core, &p.url, &admin).await;
    assert_eq!(core.sync_connection(&id).await.unwrap().error, None);

    let rows = core.mailbox_entries(Some(domain)).await.unwrap();
    assert_eq!(rows.len(), portal_in_domain + 1, "one row per address");
    let both = rows.iter().find(|m| m.address == shared.address).unwrap();
    assert_eq!(both.source, MailboxSource::MailcowAndPortal);
    assert_eq!(
        both.name, "From the mailcow",
        "the mailcow's values are shown"
    );
    assert_eq!((both.used_bytes, both.messages), (123_456_789, Some(42)));
    assert_eq!(both.connection_id.as_deref(), Some(id.as_str()));
    assert_eq!(both.account_id.as_deref(), Some(account.as_str()));
    let mailcow = rows.iter().find(|m| m.address == only_mailcow).unwrap();
    assert_eq!(mailcow.source, MailboxSource::Mailcow);
    assert!(rows
        .iter()
        .filter(|m| m.address != shared.address && m.address != only_mailcow)
        .all(|m| m.source == MailboxSource::Portal && m.connection_id.is_none()));

    // The connections page: the portal preview and the mailcow, each with its state.
    let all = core.profile_connections().await.unwrap();
    let portal = all.portal.expect("the portal preview");
    assert_eq!(
        (portal.email.as_str(), portal.state),
        (DEMO_EMAIL, ConnectionState::Connected)
    );
    assert_eq!(all.dns_api_user, None);
    assert_eq!(all.mailcows.len(), 1);

    // Signing out of the portal preview leaves the mailcow connection and its rows.
    core.logout().await.unwrap();
    let all = core.profile_connections().await.unwrap();
    assert!(all.portal.is_none());
    assert_eq!(all.mailcows[0].id, id);
    let rows = core.mailbox_entries(Some(domain)).await.unwrap();
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|m| m.source == MailboxSource::Mailcow));
    core.disconnect(&id).await.unwrap();
}

#[tokio::test]
async fn mailcow_import_through_the_core_with_progress_cancel_and_resume() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Mutex;

    use cowdesk_core::connections::ImportOptions;
    use cowdesk_core::model::{ImportOutcome, ImportProgress};

    let p = peer();
    let (domain, admin) = p.tenant(50, 20480, 1024, PASSWORD).await;
    let (core, _dir) = core("mailcow_import_core").await;
    let id = connect_admin(&core, &p.url, &admin).await;
    let files = tempfile::tempdir().unwrap();
    let csv = files.path().join("thirty.csv");
    let mut text = String::from("local_part;domain;name;quota_mib\n");
    for i in 0..30 {
        text += &format!("user{i:02};{domain};User {i};10\n");
    }
    std::fs::write(&csv, text).unwrap();

    let seen: Mutex<Vec<ImportProgress>> = Mutex::new(Vec::new());
    let cancel = AtomicBool::new(false);
    let progress = |p: ImportProgress| {
        if p.done == 10 {
            cancel.store(true, Ordering::SeqCst);
        }
        seen.lock().unwrap().push(p);
    };
    let first = core
        .mailcow_import(
            &csv,
            ImportOptions {
                connection: None,
                dry_run: false,
                passwords_out: None,
                progress: &progress,
                cancel: &cancel,
            },
        )
        .await
        .unwrap();
    assert!(first.cancelled);
    assert_eq!((first.counts.created, first.counts.not_run), (10, 20));
    assert_eq!(seen.lock().unwrap().len(), 30, "progress after every row");
    assert_eq!(first.generated.len(), 10, "shown once, in the report");
    for g in &first.generated {
        record_secret("generated_password", &g.password);
        assert!(!format!("{first:?}").contains(&g.password));
    }
    assert!(
        p.mailbox_login_works(&first.generated[0].address, &first.generated[0].password)
            .await
    );
    assert_eq!(p.mailboxes_of(&domain).await.len(), 10);
    assert_eq!(core.mailbox_entries(Some(&domain)).await.unwrap().len(), 10);

    // Resumed: the rest is created, nothing twice.
    let cancel = AtomicBool::new(false);
    let second = core
        .mailcow_import(
            &csv,
            ImportOptions {
                connection: Some(&id),
                dry_run: false,
                passwords_out: None,
                progress: &|_| {},
                cancel: &cancel,
            },
        )
        .await
        .unwrap();
    for g in &second.generated {
        record_secret("generated_password", &g.password);
    }
    assert!(!second.cancelled);
    assert_eq!((second.counts.created, second.counts.unchanged), (20, 10));
    assert!(second.rows.iter().all(|r| matches!(
        r.outcome,
        Some(ImportOutcome::Created | ImportOutcome::Unchanged)
    )));
    assert_eq!(p.mailboxes_of(&domain).await.len(), 30);
    assert_eq!(core.mailbox_entries(Some(&domain)).await.unwrap().len(), 30);
    core.disconnect(&id).await.unwrap();
}

#[tokio::test]
async fn mailcow_connection_security_key_login_is_explained_and_not_kept() {
    let p = peer();
    let (_, admin) = p.tenant(5, 5120, 1024, PASSWORD).await;
    p.add_webauthn_key(&admin);
    let (core, _dir) = core("mailcow_webauthn").await;
    let err = core
        .connect_mailcow_session(&p.url, &admin, PASSWORD, None)
        .await
        .unwrap_err();
    record_login(None);
    let info = err.info();
    assert_eq!(info.kind, ErrorKind::Forbidden);
    assert!(info.message.contains("API key"), "{}", info.message);
    assert!(info.message_de.contains("API-Schlüssel"));
    assert!(core.connections().await.unwrap().is_empty(), "nothing kept");

    // A wrong password is refused, and nothing is kept either.
    let wrong = core
        .connect_mailcow_session(&p.url, &admin, "Wrong-pw-123", None)
        .await
        .unwrap_err();
    assert_eq!(wrong.kind(), ErrorKind::InvalidCredentials);
    assert!(core.connections().await.unwrap().is_empty());
}

#[tokio::test]
async fn support_guard_and_bounce_context_know_the_mailcow_connection() {
    let p = peer();
    let (domain, admin) = p.tenant(5, 5120, 1024, PASSWORD).await;
    let (core, _dir) = core("support_guard_mailcow").await;
    let id = connect_admin(&core, &p.url, &admin).await;
    core.sync_connection(&id).await.unwrap();

    // The domain administrator's password is a kept secret: typed into a ticket, the guard
    // names the connection and never shows the value.
    let known = core.support_known_secrets(None).await.unwrap();
    let kept = known
        .iter()
        .find(|k| k.value == PASSWORD)
        .expect("the connection's password is known to the guard");
    assert!(kept.label.contains(&admin), "{}", kept.label);
    assert!(!kept.label.contains(PASSWORD));
    let text = format!("Hello, my mailcow login is {admin} with {PASSWORD} thanks");
    let found = cowdesk_core::support::guard_text(&text, &known);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(!found[0].masked.contains(PASSWORD));

    // A bounce about one of the connection's domains is about the profile's own domain.
    let context = core.bounce_context(None).await.unwrap();
    assert_eq!(context.own_domains, [domain.to_ascii_lowercase()]);

    // Once the connection is removed, neither is known any more.
    core.disconnect(&id).await.unwrap();
    let known = core.support_known_secrets(None).await.unwrap();
    assert!(known.iter().all(|k| k.value != PASSWORD));
    assert!(core
        .bounce_context(None)
        .await
        .unwrap()
        .own_domains
        .is_empty());
}

#[tokio::test]
async fn mailcow_delete_through_one_connection_leaves_no_row_in_another() {
    let p = peer();
    let (domain, admin) = p.tenant(20, 20480, 10240, PASSWORD).await;
    let anna = format!("anna@{domain}");
    p.add_mailbox(&anna, "Anna", 512, PASSWORD).await;
    let (core, _dir) = core("mailcow_two_connections_one_domain").await;
    // One mailcow, seen twice: its domain administrator and a read-only key.
    let session = connect_admin(&core, &p.url, &admin).await;
    let key = connect_read_only_key(&core, &p.url).await;
    for id in [&session, &key] {
        assert_eq!(core.sync_connection(id).await.unwrap().error, None);
    }
    let listed =
        |entries: Vec<cowdesk_core::model::MailboxEntry>| entries.iter().any(|m| m.address == anna);
    assert!(listed(core.mailbox_entries(Some(&domain)).await.unwrap()));

    let deleted = core
        .mailcow_delete_mailbox(Some(&session), &anna)
        .await
        .unwrap();
    assert_eq!(deleted.reread_error, None);
    assert!(p.mailbox(&anna).await.is_none(), "gone on the server");
    assert!(
        !listed(core.mailbox_entries(Some(&domain)).await.unwrap()),
        "the key's cached row went with it"
    );
    for id in [&session, &key] {
        core.disconnect(id).await.unwrap();
    }
}

/// A profile with only a mailcow has no portal account: the mailbox setup's files of a
/// mailcow row come from the mailboxes its connection cached (named by the connection's
/// id), and only those.
#[tokio::test]
async fn mailcow_connection_mailbox_setup_files_come_from_its_cached_mailboxes() {
    use cowdesk_core::mailconfig::{ConfigFormat, HOSTED_MAILCOW};
    let p = peer();
    let (domain, _) = p.tenant(20, 20480, 10240, PASSWORD).await;
    let anna = format!("anna@{domain}");
    p.add_mailbox(&anna, "Anna Berger", 512, PASSWORD).await;
    let (core, _dir) = core("mailcow_setup_files").await;
    let connected = core
        .connect_mailcow_api_key(&p.url, &p.ro_key)
        .await
        .unwrap();
    record_secret("mailcow_api_key", &p.ro_key);
    let id = connected.connection.id;
    assert_eq!(core.sync_connection(&id).await.unwrap().error, None);

    let file = core
        .mailbox_config_file(&id, &anna, ConfigFormat::Thunderbird)
        .await
        .expect("the mailbox's Thunderbird file");
    // Thunderbird's file names the domain and the mailbox's owner (the address itself
    // is the %EMAILADDRESS% placeholder).
    assert!(
        file.contents
            .contains(&format!("<domain>{domain}</domain>"))
            && file
                .contents
                .contains("<displayName>Anna Berger</displayName>"),
        "{}",
        file.contents
    );
    let whole = core
        .domain_config_file(&id, &domain, ConfigFormat::Apple)
        .await
        .expect("the domain's Apple profile");
    assert!(whole.contents.contains(&anna));

    // A Managed mailcow's mail programs reach its own server, the one in the connection's
    // URL, not the hosted mailcow: in the table, in both files.
    let host = url::Url::parse(&p.url)
        .unwrap()
        .host_str()
        .unwrap()
        .to_owned();
    let config = core.mail_client_config(Some(&id)).await.unwrap();
    assert!(!config.servers.is_empty());
    assert!(config.servers.iter().all(|s| s.host == host), "{config:?}");
    for contents in [&file.contents, &whole.contents] {
        assert!(
            contents.contains(&host) && !contents.contains(HOSTED_MAILCOW),
            "{contents}"
        );
    }
    let portal = core.mail_client_config(None).await.unwrap();
    assert!(portal.servers.iter().all(|s| s.host == HOSTED_MAILCOW));

    let missing = core
        .mailbox_config_file(&id, &format!("nobody@{domain}"), ConfigFormat::Thunderbird)
        .await
        .unwrap_err();
    assert_eq!(missing.kind(), ErrorKind::NotFound);
}

/// How long a sync may take before the proxy's gate is taken to hold it for good (a
/// client that sends one request after the other never gets its first answer there).
const GATE_PATIENCE: std::time::Duration = std::time::Duration::from_secs(60);

/// A connection's sync asks for the domains, the mailboxes and the aliases at once: the
/// proxy in front of the real mailcow answers none of them until all three have come.
#[tokio::test]
async fn perf_mailcow_snapshot_asks_for_domains_mailboxes_and_aliases_at_once() {
    let p = peer();
    let (domain, _) = p.tenant(10, 10240, 1024, PASSWORD).await;
    for name in ["anna", "bob"] {
        p.add_mailbox(&format!("{name}@{domain}"), name, 512, PASSWORD)
            .await;
    }
    p.add_alias(&format!("info@{domain}"), &[&format!("anna@{domain}")])
        .await;
    let proxy = Proxy::start(&p.url).await;
    let (core, dir) = core("perf_mailcow_snapshot_at_once").await;
    let id = connect_read_only_key(&core, &proxy.url).await;

    let reads = [
        "/api/v1/get/domain/all",
        "/api/v1/get/mailbox/reduced",
        "/api/v1/get/alias/all",
    ];
    let before: Vec<usize> = reads.iter().map(|r| proxy.count("GET", r)).collect();
    proxy.hold_until_together(&reads, reads.len());
    let synced = tokio::time::timeout(GATE_PATIENCE, core.sync_connection(&id))
        .await
        .expect("the three reads were in flight together")
        .unwrap();
    assert_eq!(synced.error, None);
    for (read, before) in reads.iter().zip(before) {
        assert_eq!(proxy.count("GET", read), before + 1, "{read} asked once");
    }
    // What the reads brought is in the cache as one sync's rows.
    let mut mailboxes = sql_strings(
        &dir,
        &format!("SELECT address FROM mailcow_mailboxes WHERE domain = '{domain}'"),
    )
    .await;
    mailboxes.sort();
    assert_eq!(
        mailboxes,
        [format!("anna@{domain}"), format!("bob@{domain}")]
    );
    assert_eq!(
        sql_count(
            &dir,
            &format!("SELECT COUNT(*) FROM mailcow_aliases WHERE address = 'info@{domain}'")
        )
        .await,
        1
    );
    assert!(core
        .mailcow_domains()
        .await
        .unwrap()
        .iter()
        .any(|d| d.name == domain));
    core.disconnect(&id).await.unwrap();
}

/// The profile's connections are synced at once: the proxy answers no mailbox list
/// until both connections (a domain administrator and a read-only key) have asked.
#[tokio::test]
async fn perf_mailcow_connections_of_a_profile_sync_at_once() {
    let p = peer();
    let (domain, admin) = p.tenant(10, 10240, 1024, PASSWORD).await;
    let anna = format!("anna@{domain}");
    p.add_mailbox(&anna, "Anna", 512, PASSWORD).await;
    let proxy = Proxy::start(&p.url).await;
    let (core, dir) = core("perf_mailcow_connections_at_once").await;
    let session = connect_admin(&core, &proxy.url, &admin).await;
    let key = connect_read_only_key(&core, &proxy.url).await;
    record_login(Some(&proxy));

    proxy.hold_until_together(&["/api/v1/get/mailbox/reduced"], 2);
    let outcomes = tokio::time::timeout(GATE_PATIENCE, core.sync_connections())
        .await
        .expect("both connections asked for their mailboxes together")
        .unwrap();
    record_login(Some(&proxy));
    let listed: Vec<String> = core
        .connections()
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.id)
        .collect();
    let synced: Vec<String> = outcomes.iter().map(|o| o.connection_id.clone()).collect();
    assert_eq!(
        synced, listed,
        "one outcome per connection, in the list's order"
    );
    assert_eq!(listed.len(), 2);
    assert!(outcomes.iter().all(|o| o.error.is_none()), "{outcomes:?}");
    for id in [&session, &key] {
        let rows = sql_strings(
            &dir,
            &format!(
                "SELECT address FROM mailcow_mailboxes
                 WHERE account_id = '{id}' AND domain = '{domain}'"
            ),
        )
        .await;
        assert_eq!(rows, std::slice::from_ref(&anna), "{id}'s own row");
    }
    for id in [&session, &key] {
        core.disconnect(id).await.unwrap();
    }
}

/// Mailboxes are read with the short list (`get/mailbox/reduced`); a mailcow older than
/// that route answers it with nothing, and the sync then reads the long list: the cache
/// holds every mailbox either way.
#[tokio::test]
async fn mailcow_sync_reads_the_short_mailbox_list_and_the_long_one_from_an_older_mailcow() {
    let p = peer();
    let (domain, admin) = p.tenant(10, 10240, 1024, PASSWORD).await;
    for name in ["anna", "bob", "carl"] {
        p.add_mailbox(&format!("{name}@{domain}"), name, 512, PASSWORD)
            .await;
    }
    p.set_quota_usage(&format!("bob@{domain}"), 300 * MIB, 42);
    let expected = [
        format!("anna@{domain}"),
        format!("bob@{domain}"),
        format!("carl@{domain}"),
    ];
    let cached = |dir: std::path::PathBuf, id: String| async move {
        sql_strings(
            &dir,
            &format!(
                "SELECT address || ' ' || used_bytes || ' ' || messages FROM mailcow_mailboxes
                 WHERE account_id = '{id}' ORDER BY address"
            ),
        )
        .await
    };
    let expected_rows = [
        format!("anna@{domain} 0 0"),
        format!("bob@{domain} {} 42", 300 * MIB),
        format!("carl@{domain} 0 0"),
    ];

    // A current mailcow: the short list only.
    let proxy = Proxy::start(&p.url).await;
    let (current, dir) = core("mailcow_short_mailbox_list").await;
    let id = connect_admin(&current, &proxy.url, &admin).await;
    let synced = current.sync_connection(&id).await.unwrap();
    record_login(Some(&proxy));
    assert_eq!((synced.error, synced.mailboxes), (None, 3));
    assert_eq!(cached(dir.clone(), id.clone()).await, expected_rows);
    assert!(proxy.count("GET", "/api/v1/get/mailbox/reduced") >= 1);
    assert_eq!(proxy.count("GET", "/api/v1/get/mailbox/all"), 0);
    current.disconnect(&id).await.unwrap();

    // An older mailcow: the short list answers `{}`, the long one is read.
    let older = Proxy::start(&p.url).await;
    older.answer_as_older_mailcow("/api/v1/get/mailbox/reduced");
    let (reader, dir) = core("mailcow_long_mailbox_list").await;
    let id = connect_admin(&reader, &older.url, &admin).await;
    let synced = reader.sync_connection(&id).await.unwrap();
    record_login(Some(&older));
    assert_eq!((synced.error, synced.mailboxes), (None, 3));
    assert_eq!(cached(dir, id.clone()).await, expected_rows);
    let reads = |route: &str| older.count("GET", route);
    assert_eq!(
        reads("/api/v1/get/mailbox/reduced"),
        reads("/api/v1/get/mailbox/all"),
        "every empty short list was asked for again the long way"
    );
    assert!(reads("/api/v1/get/mailbox/all") >= 1);
    let mut listed: Vec<String> = reader
        .mailbox_entries(Some(&domain))
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.address)
        .collect();
    listed.sort();
    assert_eq!(listed, expected);
    reader.disconnect(&id).await.unwrap();
}
