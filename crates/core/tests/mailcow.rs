//! The mailcow clients and bulk provisioning against the REAL mailcow code
//! (`shared/peers/mailcow`), over HTTP on loopback. Each test makes its own domain and
//! domain administrator, so the tests can share one peer and run in parallel.

#[path = "support/mailcow_peer.rs"]
mod mailcow_peer;

use std::io::Write as _;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use cowdesk_core::mailcow::csv::{read, read_aliases, read_mailboxes, CsvFile};
use cowdesk_core::mailcow::provision::{
    self, Action, ApplyOptions, Outcome, PasswordOutput, Progress,
};
use cowdesk_core::mailcow::{
    Access, ApiKeyClient, LoginOutcome, MailboxChange, Mailcow, MailcowError, NewAlias, NewMailbox,
    SessionClient, SessionState, MIB, USER_AGENT,
};
use cowdesk_core::portal::Sensitive;
use mailcow_peer::{peer, totp_code, two_hundred_rows, unique, Proxy};

const PASSWORD: &str = "Cow-test-pw-1";

/// A domain of its own, administered by an administrator of its own.
struct Tenant {
    domain: String,
    admin: String,
}

async fn tenant(mailboxes: u32, quota_mib: u64, max_mib: u64) -> Tenant {
    let p = peer();
    let domain = format!("{}.test", unique("dom"));
    let admin = unique("da");
    p.add_domain(&domain, mailboxes, quota_mib, max_mib).await;
    p.add_domain_admin(&admin, PASSWORD, &[&domain]).await;
    Tenant { domain, admin }
}

fn session(t: &Tenant) -> SessionClient {
    SessionClient::new(&peer().url, &t.admin, PASSWORD).unwrap()
}

fn rw_key() -> ApiKeyClient {
    ApiKeyClient::new(&peer().url, &peer().rw_key, None).unwrap()
}

fn new_mailbox(local: &str, domain: &str, quota_mib: u64) -> NewMailbox {
    NewMailbox {
        local_part: local.into(),
        domain: domain.into(),
        name: format!("Name of {local}"),
        quota_mib,
        password: Sensitive::new(PASSWORD.into()),
        active: true,
    }
}

fn refusal_field(err: &MailcowError) -> Option<&str> {
    match err {
        MailcowError::Refused(r) => r.field,
        _ => None,
    }
}

#[tokio::test]
async fn mailcow_domain_admin_login_and_full_read() {
    let t = tenant(20, 20480, 10240).await;
    let p = peer();
    p.add_mailbox(&format!("anna@{}", t.domain), "Anna", 1024, PASSWORD)
        .await;
    p.add_mailbox(&format!("bob@{}", t.domain), "Bob", 2048, PASSWORD)
        .await;
    let info = format!("info@{}", t.domain);
    p.add_alias(
        &info,
        &[&format!("anna@{}", t.domain), "outside@other.example"],
    )
    .await;

    let client = session(&t);
    assert_eq!(client.state().await, SessionState::SignedOut);
    assert_eq!(client.login().await.unwrap(), LoginOutcome::SignedIn);
    assert_eq!(client.state().await, SessionState::SignedIn);
    let snapshot = client.snapshot().await.unwrap();

    assert_eq!(snapshot.domains.len(), 1);
    let d = &snapshot.domains[0];
    assert_eq!(d.name, t.domain);
    assert!(d.active);
    assert_eq!((d.mailboxes_used, d.mailboxes_allowed), (2, 20));
    assert_eq!((d.aliases_used, d.aliases_allowed), (1, 400));
    assert_eq!(d.storage_allowed_bytes, 20480 * MIB);
    assert_eq!(d.storage_assigned_bytes, 3072 * MIB);
    assert_eq!(d.max_mailbox_quota_bytes, 10240 * MIB);
    assert_eq!(d.max_new_mailbox_quota_mib(), 10240);

    let mut addresses: Vec<_> = snapshot
        .mailboxes
        .iter()
        .map(|m| m.address.clone())
        .collect();
    addresses.sort();
    assert_eq!(
        addresses,
        [format!("anna@{}", t.domain), format!("bob@{}", t.domain)]
    );
    let bob = snapshot.mailbox(&format!("bob@{}", t.domain)).unwrap();
    assert_eq!((bob.name.as_str(), bob.quota_bytes), ("Bob", 2048 * MIB));
    assert_eq!((bob.used_bytes, bob.percent, bob.messages), (0, Some(0), 0));
    assert!(bob.active);
    assert_eq!(bob.last_login, None);

    assert_eq!(snapshot.aliases.len(), 1);
    let alias = &snapshot.aliases[0];
    assert_eq!(alias.address, info);
    assert_eq!(
        alias.targets,
        [format!("anna@{}", t.domain), "outside@other.example".into()]
    );
    assert!(alias.active && alias.id > 0);

    // Per domain, and with no alias at all an empty list (`{}` on the wire).
    let per_domain = client.mailboxes(Some(&t.domain)).await.unwrap();
    assert_eq!(per_domain.len(), 2);
    let empty = tenant(5, 5120, 1024).await;
    let other = session(&empty);
    assert!(other.aliases().await.unwrap().is_empty());
    assert!(other.mailboxes(None).await.unwrap().is_empty());
}

#[tokio::test]
async fn mailcow_domain_admin_sees_only_its_domains() {
    let mine = tenant(20, 20480, 10240).await;
    let p = peer();
    let foreign = format!("{}.test", unique("foreign"));
    p.add_domain(&foreign, 10, 10240, 1024).await;
    p.add_mailbox(&format!("secret@{foreign}"), "Not yours", 100, PASSWORD)
        .await;
    p.add_alias(
        &format!("hidden@{foreign}"),
        &[&format!("secret@{foreign}")],
    )
    .await;
    p.add_mailbox(&format!("mine@{}", mine.domain), "Mine", 100, PASSWORD)
        .await;

    let client = session(&mine);
    let snapshot = client.snapshot().await.unwrap();
    assert_eq!(
        snapshot
            .domains
            .iter()
            .map(|d| d.name.as_str())
            .collect::<Vec<_>>(),
        [mine.domain.as_str()]
    );
    assert!(snapshot.mailboxes.iter().all(|m| m.domain == mine.domain));
    assert_eq!(snapshot.mailboxes.len(), 1);
    assert!(snapshot.aliases.iter().all(|a| a.domain == mine.domain));
    // mailcow answers a domain it does not let the login see with the login's own
    // mailboxes; the client keeps only the domain asked for.
    assert!(client.mailboxes(Some(&foreign)).await.unwrap().is_empty());
    // The read-write key, a global admin, does see the other domain.
    let all = rw_key().domains().await.unwrap();
    assert!(all.iter().any(|d| d.name == foreign) && all.iter().any(|d| d.name == mine.domain));
    // And the administrator cannot write there: the server's refusal, worded.
    let err = client
        .add_mailbox(&new_mailbox("intruder", &foreign, 10))
        .await
        .unwrap_err();
    match &err {
        MailcowError::Refused(r) => {
            assert_eq!(r.server.key, "access_denied");
            assert!(r.translated && !r.message_de.is_empty());
        }
        other => panic!("{other:?}"),
    }
    assert!(p.mailbox(&format!("intruder@{foreign}")).await.is_none());
}

#[tokio::test]
async fn mailcow_quota_usage_written_where_dovecot_would_shows_as_bytes_and_percent() {
    let t = tenant(20, 20480, 10240).await;
    let p = peer();
    let anna = format!("anna@{}", t.domain);
    p.add_mailbox(&anna, "Anna", 500, PASSWORD).await;
    p.set_quota_usage(&anna, 500_000_000, 1200);

    for client in [&session(&t) as &dyn ReadBoth, &rw_key()] {
        let mailboxes = client.mailboxes_of(&t.domain).await;
        let m = mailboxes.iter().find(|m| m.address == anna).unwrap();
        assert_eq!(m.quota_bytes, 500 * MIB);
        assert_eq!(m.used_bytes, 500_000_000);
        assert_eq!(m.percent, Some(95)); // 500,000,000 of 524,288,000 bytes
        assert_eq!(m.messages, 1200);
    }
    let domains = session(&t).domains().await.unwrap();
    assert_eq!(domains[0].storage_used_bytes, 500_000_000);
}

/// Both clients as one object-safe type, for a loop over them.
trait ReadBoth {
    fn mailboxes_of<'a>(
        &'a self,
        domain: &'a str,
    ) -> std::pin::Pin<
        Box<dyn std::future::Future<Output = Vec<cowdesk_core::mailcow::MailcowMailbox>> + 'a>,
    >;
}

impl<M: Mailcow> ReadBoth for M {
    fn mailboxes_of<'a>(
        &'a self,
        domain: &'a str,
    ) -> std::pin::Pin<
        Box<dyn std::future::Future<Output = Vec<cowdesk_core::mailcow::MailcowMailbox>> + 'a>,
    > {
        Box::pin(async move { self.mailboxes(Some(domain)).await.unwrap() })
    }
}

#[tokio::test]
async fn mailcow_wrong_password_is_explained() {
    let t = tenant(5, 5120, 1024).await;
    let client = SessionClient::new(&peer().url, &t.admin, "not-the-password").unwrap();
    let err = client.login().await.unwrap_err();
    assert!(matches!(err, MailcowError::InvalidCredentials), "{err:?}");
    let info = cowdesk_core::error::CoreError::from(err).info();
    assert_eq!(info.kind, cowdesk_model::ErrorKind::InvalidCredentials);
    assert!(info.message.contains("password") && info.message_de.contains("Passwort"));
    // A read signs in by itself and reports the same.
    assert!(matches!(
        client.domains().await,
        Err(MailcowError::InvalidCredentials)
    ));
}

#[tokio::test]
async fn mailcow_session_expiry_is_recovered_by_one_relogin() {
    let t = tenant(5, 5120, 1024).await;
    let p = peer();
    let client = session(&t);
    assert_eq!(client.domains().await.unwrap().len(), 1);
    let before = client.requests();
    assert!(
        p.end_sessions_of(&t.admin) >= 1,
        "no session of {} on the peer",
        t.admin
    );
    // The server forgot the session: its answer is an empty 200, then one login.
    assert_eq!(client.domains().await.unwrap().len(), 1);
    assert_eq!(client.requests() - before, 3, "GET (empty), login, GET");
    assert_eq!(client.state().await, SessionState::SignedIn);

    // When signing in again fails, that is reported (after one attempt, not a loop).
    let answer = p
        .api_post(
            "edit/domain-admin",
            serde_json::json!({"items": [t.admin], "attr": {"password": "Other-pw-2", "password2": "Other-pw-2"}}),
        )
        .await;
    mailcow_peer::assert_success(&answer);
    assert!(p.end_sessions_of(&t.admin) >= 1);
    let before = client.requests();
    assert!(matches!(
        client.domains().await,
        Err(MailcowError::InvalidCredentials)
    ));
    assert_eq!(client.requests() - before, 2, "GET (empty), one login");
}

#[tokio::test]
async fn mailcow_stale_csrf_token_is_refreshed() {
    let t = tenant(5, 5120, 1024).await;
    let proxy = Proxy::start(&peer().url).await;
    let client = SessionClient::new(&proxy.url, &t.admin, PASSWORD).unwrap();
    client.login().await.unwrap();
    proxy.spoil_next_tokens(1);
    let accepted = client
        .add_mailbox(&new_mailbox("fresh", &t.domain, 100))
        .await
        .unwrap();
    assert_eq!(accepted.message.key, "mailbox_added");
    // The real mailcow dropped the form with the stale token; a new token, once more.
    assert_eq!(proxy.count("POST", "/api/v1/add/mailbox"), 2);
    assert_eq!(proxy.count("GET", "/domainadmin/user"), 2);
    let m = peer()
        .mailbox(&format!("fresh@{}", t.domain))
        .await
        .unwrap();
    assert_eq!(m["name"], "Name of fresh");
    // A token read just before each POST: the next write needs no retry.
    client
        .edit_mailbox(
            &format!("fresh@{}", t.domain),
            &MailboxChange {
                active: Some(false),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(proxy.count("POST", "/api/v1/edit/mailbox"), 1);
    // The session is bound to the User-Agent: one, constant; no Sec-Fetch-Dest but `empty`.
    let seen = proxy.seen();
    assert!(seen.len() >= 7, "{seen:?}");
    for request in &seen {
        assert_eq!(
            request.user_agent.as_deref(),
            Some(USER_AGENT),
            "{request:?}"
        );
        assert!(request
            .sec_fetch_dest
            .as_deref()
            .is_none_or(|d| d == "empty"));
    }
}

/// A code the server will not accept now (its window is the current step ± 1).
fn wrong_code(secret: &str) -> String {
    let near: Vec<String> = (-2..=2).map(|o| totp_code(secret, o)).collect();
    (0..1_000_000)
        .map(|n| format!("{n:06}"))
        .find(|c| !near.contains(c))
        .unwrap()
}

#[tokio::test]
async fn mailcow_totp_right_code_signs_in_and_wrong_code_is_explained() {
    let t = tenant(5, 5120, 1024).await;
    let p = peer();
    let secret = p.enable_totp(&t.admin, PASSWORD).await;
    let client = session(&t);
    assert_eq!(client.login().await.unwrap(), LoginOutcome::TotpNeeded);
    assert_eq!(client.state().await, SessionState::TotpNeeded);
    // Reads wait for the code instead of failing obscurely.
    assert!(matches!(
        client.domains().await,
        Err(MailcowError::TwoFactorNeeded)
    ));
    // Not six digits: refused here, nothing sent.
    let before = client.requests();
    let err = client.verify_totp("12 34").await.unwrap_err();
    assert_eq!(err.field(), Some("totp"));
    assert_eq!(client.requests(), before);

    let err = client.verify_totp(&wrong_code(&secret)).await.unwrap_err();
    assert!(matches!(err, MailcowError::TotpRejected), "{err:?}");
    let (_, en, de) = err.describe();
    assert!(
        en.contains("did not accept this code") && en.contains("clock"),
        "{en}"
    );
    assert!(de.contains("nicht angenommen"), "{de}");
    assert_eq!(err.field(), Some("totp"));
    // The login is ready for the next code.
    assert_eq!(client.state().await, SessionState::TotpNeeded);

    client.verify_totp(&totp_code(&secret, 0)).await.unwrap();
    assert_eq!(client.state().await, SessionState::SignedIn);
    assert_eq!(client.domains().await.unwrap()[0].name, t.domain);
}

#[tokio::test]
async fn mailcow_webauthn_only_login_points_to_an_api_key() {
    let t = tenant(5, 5120, 1024).await;
    peer().add_webauthn_key(&t.admin);
    let client = session(&t);
    let err = client.login().await.unwrap_err();
    assert!(
        matches!(err, MailcowError::UnsupportedSecondFactor),
        "{err:?}"
    );
    let info = cowdesk_core::error::CoreError::from(err).info();
    assert!(info.message.contains("WebAuthn") && info.message.contains("API key"));
    assert!(info.message_de.contains("API-Schlüssel"));
}

#[tokio::test]
async fn mailcow_read_only_key_refuses_writes_before_sending() {
    let t = tenant(5, 5120, 1024).await;
    let p = peer();
    let proxy = Proxy::start(&p.url).await;
    let before_count = p.mailboxes_of(&t.domain).await.len();

    // Probing changes nothing, for either kind of key.
    let rw = ApiKeyClient::new(&proxy.url, &p.rw_key, None).unwrap();
    assert_eq!(rw.probe_access().await.unwrap(), Access::ReadWrite);
    let ro = ApiKeyClient::new(&proxy.url, &p.ro_key, None).unwrap();
    assert_eq!(ro.probe_access().await.unwrap(), Access::ReadOnly);
    assert_eq!(Mailcow::access(&ro), Some(Access::ReadOnly));
    assert_eq!(p.mailboxes_of(&t.domain).await.len(), before_count);
    assert!(
        !ro.domains().await.unwrap().is_empty(),
        "a read-only key reads"
    );

    let sent = proxy.seen().len();
    let address = format!("nope@{}", t.domain);
    let results = [
        ro.add_mailbox(&new_mailbox("nope", &t.domain, 10)).await,
        ro.edit_mailbox(
            &address,
            &MailboxChange {
                active: Some(false),
                ..Default::default()
            },
        )
        .await,
        ro.set_mailbox_password(&address, &Sensitive::new("Other-pw-1".into()))
            .await,
        ro.delete_mailbox(&address).await,
        ro.add_alias(&NewAlias {
            address: format!("a@{}", t.domain),
            targets: vec!["x@y.de".into()],
            active: true,
        })
        .await,
        ro.delete_alias(1).await,
    ];
    for result in results {
        assert!(
            matches!(result, Err(MailcowError::ReadOnlyKey)),
            "{result:?}"
        );
    }
    assert_eq!(
        proxy.seen().len(),
        sent,
        "a request went out: {:?}",
        proxy.seen()
    );

    // A key stated as read-write that is not: the server's 403 is explained and corrects it.
    let wrongly_stated = ApiKeyClient::new(&proxy.url, &p.ro_key, Some(Access::ReadWrite)).unwrap();
    let err = wrongly_stated
        .add_mailbox(&new_mailbox("nope", &t.domain, 10))
        .await
        .unwrap_err();
    assert!(matches!(err, MailcowError::WriteForbidden), "{err:?}");
    let (kind, en, de) = err.describe();
    assert_eq!(kind, cowdesk_model::ErrorKind::Forbidden);
    assert!(en.contains("403") && de.contains("403"));
    assert_eq!(wrongly_stated.access(), Some(Access::ReadOnly));
    let sent = proxy.seen().len();
    assert!(matches!(
        wrongly_stated.delete_mailbox(&address).await,
        Err(MailcowError::ReadOnlyKey)
    ));
    assert_eq!(proxy.seen().len(), sent);
    assert!(p.mailbox(&address).await.is_none());

    // The same write with the read-write key does go out (the proxy would have seen it).
    rw.add_mailbox(&new_mailbox("yes", &t.domain, 10))
        .await
        .unwrap();
    assert_eq!(proxy.count("POST", "/api/v1/add/mailbox"), 2);
}

#[tokio::test]
async fn mailcow_bad_api_key_is_explained() {
    let client =
        ApiKeyClient::new(&peer().url, "000000-000000-000000-000000-000000", None).unwrap();
    assert!(matches!(
        client.probe_access().await,
        Err(MailcowError::BadApiKey)
    ));
    let err = client.domains().await.unwrap_err();
    assert!(matches!(err, MailcowError::BadApiKey), "{err:?}");
    let info = cowdesk_core::error::CoreError::from(err).info();
    assert_eq!(info.kind, cowdesk_model::ErrorKind::InvalidCredentials);
    assert!(info.message.contains("API key") && info.message_de.contains("API-Schlüssel"));
}

/// Adds, edits, re-passwords and deletes a mailbox and an alias with `client`, checking
/// each step through the peer's API with the read-write key.
async fn exercise_writes<M: Mailcow>(client: &M, domain: &str) {
    let p = peer();
    let address = format!("writer@{domain}");
    let accepted = client
        .add_mailbox(&new_mailbox("Writer", domain, 300))
        .await
        .unwrap();
    assert_eq!(accepted.message.key, "mailbox_added");
    let m = p.mailbox(&address).await.expect("created on the server");
    assert_eq!(m["name"], "Name of Writer");
    assert_eq!(m["quota"], 300 * MIB);
    assert_eq!(m["active_int"], 1);

    // Refusals come back worded, next to their field, and change nothing.
    let again = client
        .add_mailbox(&new_mailbox("writer", domain, 300))
        .await
        .unwrap_err();
    assert_eq!(refusal_field(&again), Some("local_part"), "{again:?}");
    let too_big = client
        .add_mailbox(&new_mailbox("huge", domain, 4096))
        .await
        .unwrap_err();
    assert_eq!(refusal_field(&too_big), Some("quota_mib"), "{too_big:?}");
    let (_, en, de) = too_big.describe();
    assert!(en.contains("MiB") && de.contains("MiB"), "{en}");
    assert!(p.mailbox(&format!("huge@{domain}")).await.is_none());

    client
        .edit_mailbox(
            &address,
            &MailboxChange {
                name: Some("Renamed".into()),
                quota_mib: Some(400),
                active: Some(false),
            },
        )
        .await
        .unwrap();
    let m = p.mailbox(&address).await.unwrap();
    assert_eq!(
        (m["name"].as_str(), m["quota"].as_u64()),
        (Some("Renamed"), Some(400 * MIB))
    );
    assert_eq!(m["active_int"], 0);
    let over = client
        .edit_mailbox(
            &address,
            &MailboxChange {
                quota_mib: Some(999_999),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(refusal_field(&over), Some("quota_mib"), "{over:?}");
    client
        .edit_mailbox(
            &address,
            &MailboxChange {
                active: Some(true),
                ..Default::default()
            },
        )
        .await
        .unwrap();

    let hash = p.password_hash(&address);
    assert!(p.mailbox_login_works(&address, PASSWORD).await);
    client
        .set_mailbox_password(&address, &Sensitive::new("Brand-new-pw-7".into()))
        .await
        .unwrap();
    assert_ne!(p.password_hash(&address), hash);
    assert!(p.mailbox_login_works(&address, "Brand-new-pw-7").await);
    assert!(!p.mailbox_login_works(&address, PASSWORD).await);

    let alias = format!("team@{domain}");
    client
        .add_alias(&NewAlias {
            address: alias.clone(),
            targets: vec![address.clone(), "partner@elsewhere.example".into()],
            active: true,
        })
        .await
        .unwrap();
    let on_server = p.alias(&alias).await.expect("alias created");
    assert_eq!(
        on_server["goto"],
        format!("{address},partner@elsewhere.example")
    );
    let dup = client
        .add_alias(&NewAlias {
            address: alias.clone(),
            targets: vec![address.clone()],
            active: true,
        })
        .await
        .unwrap_err();
    assert!(matches!(dup, MailcowError::Refused(_)), "{dup:?}");
    let id = client
        .aliases()
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.address == alias)
        .unwrap()
        .id;
    assert_eq!(
        client.delete_alias(id).await.unwrap().message.key,
        "alias_removed"
    );
    assert!(p.alias(&alias).await.is_none());

    // Deleting: the peer warns that it has no maildir to move; the last entry is success.
    let deleted = client.delete_mailbox(&address).await.unwrap();
    assert_eq!(deleted.message.key, "mailbox_removed");
    assert!(p.mailbox(&address).await.is_none());
}

#[tokio::test]
async fn mailcow_session_adds_edits_and_deletes_mailboxes_and_aliases() {
    let t = tenant(10, 3000, 2048).await;
    exercise_writes(&session(&t), &t.domain).await;
}

#[tokio::test]
async fn mailcow_api_key_adds_edits_and_deletes_mailboxes_and_aliases() {
    let t = tenant(10, 3000, 2048).await;
    let client = rw_key();
    assert_eq!(client.probe_access().await.unwrap(), Access::ReadWrite);
    exercise_writes(&client, &t.domain).await;
}

/// Collects everything logged while it is the thread's subscriber.
#[derive(Clone, Default)]
struct LogBuffer(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for LogBuffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for LogBuffer {
    type Writer = LogBuffer;
    fn make_writer(&'a self) -> LogBuffer {
        self.clone()
    }
}

#[tokio::test]
async fn mailcow_csv_dry_run_and_apply_200_rows_then_nothing_twice() {
    let t = tenant(300, 30000, 1024).await;
    let p = peer();
    p.add_mailbox(&format!("same@{}", t.domain), "Same", 10, PASSWORD)
        .await;
    p.add_mailbox(&format!("same2@{}", t.domain), "Same two", 10, PASSWORD)
        .await;
    p.add_mailbox(&format!("differs@{}", t.domain), "Differs", 10, PASSWORD)
        .await;
    p.add_alias(&format!("info@{}", t.domain), &["someone@else.example"])
        .await;
    let (csv, new) = two_hundred_rows(&t.domain);
    let dir = tempfile::tempdir().unwrap();
    let csv_path = dir.path().join("mailboxes.csv");
    std::fs::write(&csv_path, &csv).unwrap();

    // Session client: a domain administrator within its domains (the hosted mailcow).
    let client = session(&t);
    let file = read(std::fs::File::open(&csv_path).unwrap()).unwrap();
    let CsvFile::Mailboxes(parsed) = &file else {
        panic!("not a mailbox file")
    };
    assert_eq!(parsed.rows.len() + parsed.bad.len(), 200);
    let before = client.snapshot().await.unwrap();
    let plan = provision::plan(&file, &before);
    let counts = plan.counts();
    assert_eq!(
        (counts.create, counts.unchanged, counts.conflict, counts.bad),
        (new, 2, 6, 12)
    );
    for row in plan
        .rows
        .iter()
        .filter(|r| matches!(r.action, Action::Bad | Action::Conflict))
    {
        assert!(!row.reasons.is_empty(), "line {} has no reason", row.line);
        assert!(row
            .reasons
            .iter()
            .all(|r| !r.message.is_empty() && !r.message_de.is_empty()));
    }
    let line = |n: u64| plan.rows.iter().find(|r| r.line == n).unwrap();
    assert_eq!(line(182).reasons[0].field.as_deref(), Some("local_part")); // max+news
    assert!(
        line(188).reasons[0].message.contains("line 3"),
        "{:?}",
        line(188).reasons
    ); // repeat
    assert_eq!(line(191).reasons[0].field.as_deref(), Some("quota_mib")); // big
                                                                          // The dry run changed nothing.
    assert_eq!(client.snapshot().await.unwrap(), before);

    // Apply, logging everything, with generated passwords into a file.
    let logs = LogBuffer::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(logs.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let passwords_path = dir.path().join("passwords.csv");
    let events: Mutex<Vec<Progress>> = Mutex::new(Vec::new());
    let progress = |p: &Progress| events.lock().unwrap().push(p.clone());
    let cancel = AtomicBool::new(false);
    let report = provision::apply(
        &client,
        &plan,
        ApplyOptions {
            progress: &progress,
            cancel: &cancel,
            passwords: PasswordOutput::File(passwords_path.clone()),
        },
    )
    .await
    .unwrap();
    assert_eq!(report.created(), new);
    assert_eq!(
        report.failed(),
        0,
        "{:?}",
        report
            .rows
            .iter()
            .filter(|r| matches!(r.outcome, Outcome::Failed { .. }))
            .collect::<Vec<_>>()
    );
    assert!(!report.cancelled && report.generated.is_empty());
    let events = events.into_inner().unwrap();
    assert_eq!(events.len(), 200);
    assert!(events
        .iter()
        .enumerate()
        .all(|(i, e)| e.done == i + 1 && e.total == 200));

    let on_server = p.mailboxes_of(&t.domain).await;
    assert_eq!(on_server.len(), new + 3);
    let user007 = on_server
        .iter()
        .find(|m| m["username"] == format!("user007@{}", t.domain))
        .unwrap();
    assert_eq!(
        (user007["name"].as_str(), user007["quota"].as_u64()),
        (Some("User 7"), Some(10 * MIB))
    );

    // Generated passwords: only in the file, mode 0600, one per generated mailbox; they work.
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&passwords_path)
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o600);
    let mut reader = ::csv::Reader::from_path(&passwords_path).unwrap();
    let generated: Vec<(String, String)> = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].to_owned(), r[1].to_owned())
        })
        .collect();
    assert_eq!(generated.len(), new - 20);
    assert!(
        !generated
            .iter()
            .any(|(a, _)| a == &format!("user000@{}", t.domain)),
        "user000 had a typed password"
    );
    for (address, password) in generated.iter().take(3) {
        assert!(p.mailbox_login_works(address, password).await, "{address}");
    }
    let logged = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    let shown = format!(
        "{report:?} {plan:?} {}",
        serde_json::to_string(&events).unwrap()
    );
    for (_, password) in &generated {
        assert!(
            !logged.contains(password.as_str()),
            "a generated password was logged"
        );
        assert!(
            !shown.contains(password.as_str()),
            "a generated password is in the report"
        );
    }
    assert!(!logged.contains(PASSWORD) && !shown.contains("Typed-pw-9"));

    // A second run plans nothing to create and creates nothing.
    let after = client.snapshot().await.unwrap();
    let again = provision::plan(&file, &after);
    assert_eq!(again.counts().create, 0);
    assert_eq!(again.counts().unchanged, new + 2);
    let second = provision::apply(
        &client,
        &again,
        ApplyOptions {
            progress: &|_| {},
            cancel: &cancel,
            passwords: PasswordOutput::Report,
        },
    )
    .await
    .unwrap();
    assert_eq!(second.created(), 0);
    assert!(second.generated.is_empty());
    assert_eq!(p.mailboxes_of(&t.domain).await.len(), new + 3);
}

#[tokio::test]
async fn mailcow_csv_apply_with_api_key_can_be_cancelled_and_resumed() {
    let t = tenant(50, 10000, 1024).await;
    let client = rw_key();
    let mut csv = String::from("local_part;domain;name;quota_mib\n");
    for i in 0..20 {
        csv += &format!("c{i:02};{};C {i};5\n", t.domain);
    }
    let parsed = read_mailboxes(csv.as_bytes()).unwrap();
    let plan = provision::plan_mailboxes(&parsed, &client.snapshot().await.unwrap());
    assert_eq!(plan.counts().create, 20);
    let cancel = AtomicBool::new(false);
    let seen = AtomicUsize::new(0);
    let progress = |_: &Progress| {
        if seen.fetch_add(1, Ordering::SeqCst) + 1 == 5 {
            cancel.store(true, Ordering::SeqCst);
        }
    };
    let report = provision::apply(
        &client,
        &plan,
        ApplyOptions {
            progress: &progress,
            cancel: &cancel,
            passwords: PasswordOutput::Report,
        },
    )
    .await
    .unwrap();
    assert!(report.cancelled);
    assert_eq!(report.created(), 5);
    assert_eq!(
        report
            .rows
            .iter()
            .filter(|r| r.outcome == Outcome::NotRun)
            .count(),
        15
    );
    assert_eq!(report.generated.len(), 5, "shown once: the report has them");
    assert_eq!(peer().mailboxes_of(&t.domain).await.len(), 5);
    assert!(!format!("{report:?}").contains(report.generated[0].password.expose().as_str()));

    // Run again: the first five are unchanged, the rest is made.
    let plan = provision::plan_mailboxes(&parsed, &client.snapshot().await.unwrap());
    assert_eq!((plan.counts().create, plan.counts().unchanged), (15, 5));
    let done = provision::apply(
        &client,
        &plan,
        ApplyOptions {
            progress: &|_| {},
            cancel: &AtomicBool::new(false),
            passwords: PasswordOutput::Report,
        },
    )
    .await
    .unwrap();
    assert_eq!(done.created(), 15);
    assert_eq!(peer().mailboxes_of(&t.domain).await.len(), 20);
}

#[tokio::test]
async fn mailcow_csv_aliases_through_the_domain_admin_session() {
    let t = tenant(10, 5000, 1024).await;
    let p = peer();
    p.add_mailbox(&format!("anna@{}", t.domain), "Anna", 10, PASSWORD)
        .await;
    p.add_alias(
        &format!("kept@{}", t.domain),
        &[&format!("anna@{}", t.domain)],
    )
    .await;
    let d = &t.domain;
    let mut file = tempfile::NamedTempFile::new().unwrap();
    write!(
        file,
        "address,targets\n\
         sales@{d},\"anna@{d}, boss@partner.example\"\n\
         kept@{d},anna@{d}\n\
         anna@{d},x@y.example\n\
         @{d},anna@{d}\n\
         broken,anna@{d}\n\
         other@foreign.test,anna@{d}\n"
    )
    .unwrap();
    let parsed = read_aliases(std::fs::File::open(file.path()).unwrap()).unwrap();
    let client = session(&t);
    let plan = provision::plan_aliases(&parsed, &client.snapshot().await.unwrap());
    let actions: Vec<Action> = plan.rows.iter().map(|r| r.action).collect();
    use Action::*;
    assert_eq!(
        actions,
        [Create, Unchanged, Conflict, Create, Bad, Conflict]
    );
    let report = provision::apply(
        &client,
        &plan,
        ApplyOptions {
            progress: &|_| {},
            cancel: &AtomicBool::new(false),
            passwords: PasswordOutput::Report,
        },
    )
    .await
    .unwrap();
    assert_eq!(report.created(), 2);
    let sales = p.alias(&format!("sales@{d}")).await.unwrap();
    assert_eq!(sales["goto"], format!("anna@{d},boss@partner.example"));
    assert!(p.alias(&format!("@{d}")).await.is_some(), "catch-all made");
    let again = provision::plan_aliases(&parsed, &client.snapshot().await.unwrap());
    assert_eq!(again.counts().create, 0);
    assert_eq!(again.counts().unchanged, 3);
}
