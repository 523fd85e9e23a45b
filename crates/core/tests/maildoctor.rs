//! The mail doctor against real Dovecot and Postfix on loopback (tests/support/
//! mailservers.rs): every case asserts the exact codes the doctor reports.

mod support;

use std::time::{Duration, Instant};

use cowdesk_core::maildoctor::{
    empty_trash, mailbox_usage, preview_empty_trash, run_doctor, run_doctor_with_progress,
    DoctorRequest, ExitStatus, Ports, Sensitive, EXIT_CHECK_FAILED, EXIT_OK,
};
use cowdesk_core::model::{MailDoctorReport, MailService, MailSeverity};
use support::mailservers::{
    closed_port, mail_servers, message_of_size, silent_server, Mailbox, ServicePorts, EXPIRED_HOST,
    GOOD_HOST, NO_STATUS_SIZE_HOST, OTHER_NAME_HOST, UNKNOWN_CA_HOST,
};

const ALL_OK: [&str; 4] = [
    "imap_tls_ok",
    "imap_starttls_ok",
    "smtp_tls_ok",
    "smtp_starttls_ok",
];

fn ports(p: ServicePorts) -> Ports {
    Ports {
        imap_tls: p.imap_tls,
        imap_starttls: p.imap_starttls,
        smtp_tls: p.smtp_tls,
        smtp_starttls: p.smtp_starttls,
    }
}

/// A request for `mailbox` on the loopback servers, trusting the test CA.
fn request(mailbox: &Mailbox, host: &str) -> DoctorRequest {
    let servers = mail_servers();
    let mut req = DoctorRequest::new(&mailbox.address, Sensitive::new(mailbox.password.clone()));
    req.server = host.to_owned();
    req.ports = ports(servers.ports);
    req.ca_file = Some(servers.ca_file.clone());
    req.step_timeout = Duration::from_secs(5);
    req.round_trip_timeout = Duration::from_secs(20);
    req
}

/// The doctor under a hard limit, so a hang fails the test instead of stalling the run.
async fn doctor(req: &DoctorRequest) -> MailDoctorReport {
    tokio::time::timeout(Duration::from_secs(60), run_doctor(req))
        .await
        .expect("the doctor finished")
        .expect("the request is valid")
}

fn codes(report: &MailDoctorReport) -> Vec<&str> {
    report.codes()
}

fn detail<'a>(report: &'a MailDoctorReport, code: &str) -> &'a str {
    &report
        .findings
        .iter()
        .find(|f| f.code == code)
        .unwrap_or_else(|| panic!("no {code} in {:?}", report.codes()))
        .detail
}

#[tokio::test]
async fn maildoctor_everything_right() {
    let servers = mail_servers();
    let mailbox = servers.new_mailbox(10 * 1024);
    servers.save_message(&mailbox, "INBOX", &message_of_size("hello", 4000));
    let req = request(&mailbox, GOOD_HOST);

    let started = Instant::now();
    let report = doctor(&req).await;
    let took = started.elapsed();
    println!(
        "maildoctor: full check (4 services, usage) on loopback took {} ms",
        took.as_millis()
    );

    assert_eq!(codes(&report), ALL_OK, "{}", servers.logs());
    assert_eq!(report.address, mailbox.address);
    assert_eq!(report.exit_status(), EXIT_OK);
    for finding in &report.findings {
        assert_eq!(finding.severity, MailSeverity::Ok);
        assert!(finding.message_en.contains(&mailbox.address));
        assert!(finding.message_de.contains(&mailbox.address));
    }
    assert_eq!(report.findings[0].service, MailService::ImapTls);
    assert!(detail(&report, "imap_tls_ok").contains("AUTHENTICATE PLAIN"));
    assert!(detail(&report, "smtp_starttls_ok").contains("AUTH PLAIN"));
    let quota = report.quota.expect("the quota");
    assert_eq!(quota.limit_bytes, 10 * 1024 * 1024);
    let (used_kib, _) = servers.quota_kib(&mailbox);
    assert_eq!(quota.used_bytes, used_kib * 1024);
    let names: Vec<&str> = report.folders.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names[0], "INBOX", "the largest folder first: {names:?}");
    for name in ["Junk", "Sent", "Trash"] {
        assert!(names.contains(&name), "{names:?}");
    }
    let inbox = &report.folders[0];
    assert_eq!(inbox.messages, 1);
    assert!(
        inbox.size_bytes > 3900 && inbox.size_bytes <= 4000,
        "{inbox:?}"
    );
    let trash = report.folders.iter().find(|f| f.name == "Trash").unwrap();
    assert_eq!(trash.special_use.as_deref(), Some("trash"));

    // The password is nowhere in what the doctor hands out.
    let json = serde_json::to_string(&report).unwrap();
    assert!(!json.contains(&mailbox.password));
    assert!(!format!("{req:?}").contains(&mailbox.password));
}

#[tokio::test]
async fn maildoctor_wrong_password() {
    let servers = mail_servers();
    let mailbox = servers.new_mailbox(10 * 1024);
    let mut req = request(&mailbox, GOOD_HOST);
    req.password = Sensitive::new("not the password".into());
    let report = doctor(&req).await;
    assert_eq!(
        codes(&report),
        [
            "imap_tls_auth_failed",
            "imap_starttls_auth_failed",
            "smtp_tls_auth_failed",
            "smtp_starttls_auth_failed"
        ]
    );
    assert!(detail(&report, "imap_tls_auth_failed").contains("AUTHENTICATIONFAILED"));
    assert!(detail(&report, "smtp_tls_auth_failed").starts_with("535"));
    assert_eq!(report.exit_status(), EXIT_CHECK_FAILED);
    assert_eq!(report.quota, None);
    assert!(report.folders.is_empty());
}

#[tokio::test]
async fn maildoctor_local_part_only_as_username() {
    let servers = mail_servers();
    let mailbox = servers.new_mailbox(10 * 1024);
    let mut req = request(&mailbox, GOOD_HOST);
    req.username = Some(mailbox.local_part.clone());
    let report = doctor(&req).await;
    assert_eq!(
        codes(&report),
        [
            "imap_tls_auth_failed",
            "imap_starttls_auth_failed",
            "smtp_tls_auth_failed",
            "smtp_starttls_auth_failed",
            "username_not_full_address"
        ]
    );
    let finding = report.findings.last().unwrap();
    assert_eq!(finding.service, MailService::Settings);
    assert!(finding.message_en.contains(&mailbox.address));
    assert!(finding.message_de.contains(&mailbox.local_part));
}

#[tokio::test]
async fn maildoctor_certificate_from_unknown_ca() {
    let servers = mail_servers();
    let mailbox = servers.new_mailbox(10 * 1024);
    let untrusted = [
        "imap_tls_tls_untrusted",
        "imap_starttls_tls_untrusted",
        "smtp_tls_tls_untrusted",
        "smtp_starttls_tls_untrusted",
    ];
    let report = doctor(&request(&mailbox, UNKNOWN_CA_HOST)).await;
    assert_eq!(codes(&report), untrusted);
    assert!(detail(&report, "smtp_tls_tls_untrusted").contains("not issued by a trusted"));
    assert_eq!(report.exit_status(), EXIT_CHECK_FAILED);

    // Without --ca-file the test CA is unknown too: only the system's roots count.
    let mut req = request(&mailbox, GOOD_HOST);
    req.ca_file = None;
    assert_eq!(codes(&doctor(&req).await), untrusted);
}

#[tokio::test]
async fn maildoctor_expired_certificate() {
    let servers = mail_servers();
    let mailbox = servers.new_mailbox(10 * 1024);
    let report = doctor(&request(&mailbox, EXPIRED_HOST)).await;
    assert_eq!(
        codes(&report),
        [
            "imap_tls_tls_expired",
            "imap_starttls_tls_expired",
            "smtp_tls_tls_expired",
            "smtp_starttls_tls_expired"
        ]
    );
    assert!(
        detail(&report, "imap_tls_tls_expired").contains("expired on 2021-01-01"),
        "{}",
        detail(&report, "imap_tls_tls_expired")
    );
}

#[tokio::test]
async fn maildoctor_certificate_for_another_name() {
    let servers = mail_servers();
    let mailbox = servers.new_mailbox(10 * 1024);
    let report = doctor(&request(&mailbox, OTHER_NAME_HOST)).await;
    assert_eq!(
        codes(&report),
        [
            "imap_tls_tls_name_mismatch",
            "imap_starttls_tls_name_mismatch",
            "smtp_tls_tls_name_mismatch",
            "smtp_starttls_tls_name_mismatch"
        ]
    );
    let d = detail(&report, "smtp_starttls_tls_name_mismatch");
    assert!(
        d.contains("other.example") && d.contains(OTHER_NAME_HOST),
        "{d}"
    );
}

#[tokio::test]
async fn maildoctor_server_without_starttls() {
    let servers = mail_servers();
    let mailbox = servers.new_mailbox(10 * 1024);
    let mut req = request(&mailbox, GOOD_HOST);
    req.ports.imap_starttls = servers.imap_without_starttls();
    req.ports.smtp_starttls = servers.smtp_no_starttls;
    let report = doctor(&req).await;
    assert_eq!(
        codes(&report),
        [
            "imap_tls_ok",
            "imap_starttls_no_starttls",
            "smtp_tls_ok",
            "smtp_starttls_no_starttls"
        ]
    );
    assert_eq!(report.exit_status(), EXIT_CHECK_FAILED);
    let f = &report.findings[3];
    assert!(f.message_en.contains("465") && f.message_de.contains("465"));
}

#[tokio::test]
async fn maildoctor_server_without_password_auth() {
    let servers = mail_servers();
    let mailbox = servers.new_mailbox(10 * 1024);
    let (imap_tls, imap_starttls) = servers.imap_without_password_auth();
    let mut req = request(&mailbox, GOOD_HOST);
    req.ports = Ports {
        imap_tls,
        imap_starttls,
        smtp_tls: servers.smtp_nopass.0,
        smtp_starttls: servers.smtp_nopass.1,
    };
    let report = doctor(&req).await;
    assert_eq!(
        codes(&report),
        [
            "imap_tls_no_password_auth",
            "imap_starttls_no_password_auth",
            "smtp_tls_no_password_auth",
            "smtp_starttls_no_password_auth"
        ]
    );
    assert!(detail(&report, "imap_tls_no_password_auth").contains("CRAM-MD5"));
    assert_eq!(
        detail(&report, "smtp_tls_no_password_auth"),
        "no AUTH at all"
    );
    assert!(report.findings[2].message_en.contains("Apple Mail"));
}

#[tokio::test]
async fn maildoctor_port_with_nothing_listening() {
    let servers = mail_servers();
    let mailbox = servers.new_mailbox(10 * 1024);
    let mut req = request(&mailbox, GOOD_HOST);
    req.ports = Ports {
        imap_tls: closed_port(),
        imap_starttls: closed_port(),
        smtp_tls: closed_port(),
        smtp_starttls: closed_port(),
    };
    let report = doctor(&req).await;
    assert_eq!(
        codes(&report),
        [
            "imap_tls_unreachable",
            "imap_starttls_unreachable",
            "smtp_tls_unreachable",
            "smtp_starttls_unreachable"
        ]
    );
    assert!(detail(&report, "smtp_starttls_unreachable").contains("connection refused"));
}

#[tokio::test]
async fn maildoctor_silent_server_ends_by_timeout() {
    let servers = mail_servers();
    let mailbox = servers.new_mailbox(10 * 1024);
    let port = silent_server();
    let mut req = request(&mailbox, GOOD_HOST);
    req.ports = Ports {
        imap_tls: port,
        imap_starttls: port,
        smtp_tls: port,
        smtp_starttls: port,
    };
    req.step_timeout = Duration::from_millis(400);
    let started = Instant::now();
    let report = doctor(&req).await;
    let took = started.elapsed();
    assert_eq!(
        codes(&report),
        [
            "imap_tls_unreachable",
            "imap_starttls_unreachable",
            "smtp_tls_unreachable",
            "smtp_starttls_unreachable"
        ]
    );
    assert!(detail(&report, "imap_tls_unreachable").contains("TLS handshake"));
    assert!(detail(&report, "imap_starttls_unreachable").contains("greeting"));
    // Concurrently, one step each: about one step timeout, not four.
    assert!(took < Duration::from_secs(5), "took {took:?}");
}

#[tokio::test]
async fn maildoctor_port_25_gets_the_apple_mail_fix() {
    let servers = mail_servers();
    let mailbox = servers.new_mailbox(10 * 1024);
    let mut req = request(&mailbox, GOOD_HOST);
    req.client_smtp_port = Some(25);
    let report = doctor(&req).await;
    let mut want = ALL_OK.to_vec();
    want.push("port25_is_not_submission");
    assert_eq!(codes(&report), want);
    assert_eq!(report.exit_status(), EXIT_CHECK_FAILED);
    let f = report.findings.last().unwrap();
    assert!(f
        .message_en
        .contains("Automatically manage connection settings"));
}

#[tokio::test]
async fn maildoctor_full_mailbox_empty_trash_frees_space() {
    let servers = mail_servers();
    // 1 MiB; 9 x 96 KiB in Trash and 110 KiB in INBOX: 95 % used, most of it in Trash.
    let mailbox = servers.new_mailbox(1024);
    for i in 0..9 {
        servers.save_message(
            &mailbox,
            "Trash",
            &message_of_size(&format!("old {i}"), 96 * 1024),
        );
    }
    servers.save_message(&mailbox, "INBOX", &message_of_size("keep", 110 * 1024));
    let req = request(&mailbox, GOOD_HOST);

    let report = doctor(&req).await;
    let mut want = ALL_OK.to_vec();
    want.extend(["quota_nearly_full", "trash_holds_quota"]);
    assert_eq!(codes(&report), want);
    assert_eq!(report.exit_status(), EXIT_OK, "warnings only");
    let quota = report.quota.unwrap();
    assert_eq!(quota.percent(), 95, "{quota:?}");
    assert_eq!(report.folders[0].name, "Trash");
    assert_eq!(report.folders[0].messages, 9);

    let preview = preview_empty_trash(&req).await.unwrap();
    let names: Vec<_> = preview
        .folders
        .iter()
        .map(|f| (f.name.as_str(), f.messages))
        .collect();
    assert_eq!(names, [("Trash", 9), ("Junk", 0)]);
    assert_eq!(preview.messages, 9);
    assert!(
        preview.bytes_to_free > 9 * 95 * 1024 && preview.bytes_to_free <= 9 * 96 * 1024,
        "{preview:?}"
    );
    // Mail that arrives after the preview is not deleted with it.
    servers.save_message(&mailbox, "Trash", &message_of_size("new", 2 * 1024));

    let outcome = empty_trash(&req, &preview).await.unwrap();
    let before = outcome.before.unwrap();
    let after = outcome.after.unwrap();
    assert!(after.used_bytes < before.used_bytes / 5, "{outcome:?}");
    assert_eq!(outcome.emptied.len(), 2);
    assert!(outcome.skipped.is_empty());
    assert_eq!(servers.messages_in(&mailbox, "Trash"), 1);
    let (used_kib, _) = servers.quota_kib(&mailbox);
    assert_eq!(after.used_bytes, used_kib * 1024, "the server's own count");

    // Read again from the server: the space is free and the warnings are gone.
    let usage = mailbox_usage(&req).await.unwrap();
    assert_eq!(usage.codes(), ["imap_tls_ok"]);
    assert_eq!(usage.quota, Some(after));
    assert_eq!(usage.folders[0].name, "INBOX");
    let trash = usage.folders.iter().find(|f| f.name == "Trash").unwrap();
    assert_eq!(trash.messages, 1);
}

/// A mailbox over its limit (the limit lowered under it) is full.
#[tokio::test]
async fn maildoctor_full_mailbox_is_reported_full() {
    let servers = mail_servers();
    let mailbox = servers.new_mailbox(100);
    servers.save_message(&mailbox, "INBOX", &message_of_size("big", 95 * 1024));
    servers.save_message_past_quota(&mailbox, "INBOX", &message_of_size("last", 9 * 1024));
    let (used_kib, limit_kib) = servers.quota_kib(&mailbox);
    assert!(used_kib >= limit_kib, "{used_kib} of {limit_kib} KiB");
    let report = mailbox_usage(&request(&mailbox, GOOD_HOST)).await.unwrap();
    assert_eq!(report.codes(), ["imap_tls_ok", "quota_full"]);
    assert_eq!(report.exit_status(), EXIT_CHECK_FAILED);
    let quota = report.quota.unwrap();
    assert_eq!(quota.used_bytes, used_kib * 1024);
    assert_eq!(quota.limit_bytes, 100 * 1024);
}

/// Without STATUS=SIZE the sizes are added up from the messages: the same numbers.
#[tokio::test]
async fn maildoctor_usage_without_status_size_sums_message_sizes() {
    let servers = mail_servers();
    let mailbox = servers.new_mailbox(10 * 1024);
    servers.save_message(&mailbox, "INBOX", &message_of_size("a", 3000));
    servers.save_message(&mailbox, "INBOX", &message_of_size("b", 5000));
    servers.save_message(&mailbox, "Junk", &message_of_size("c", 7000));
    let with_size = mailbox_usage(&request(&mailbox, GOOD_HOST)).await.unwrap();
    let summed = mailbox_usage(&request(&mailbox, NO_STATUS_SIZE_HOST))
        .await
        .unwrap();
    // Junk holds 7 of 15 KiB.
    assert_eq!(summed.codes(), ["imap_tls_ok", "trash_holds_quota"]);
    assert_eq!(with_size.codes(), summed.codes());
    assert_eq!(summed.folders, with_size.folders);
    assert_eq!(summed.quota, with_size.quota);
    let inbox = &summed.folders[0];
    assert_eq!((inbox.name.as_str(), inbox.messages), ("INBOX", 2));
    let junk = &summed.folders[1];
    assert_eq!((junk.name.as_str(), junk.messages), ("Junk", 1));
    assert_eq!(junk.special_use.as_deref(), Some("junk"));
    assert!(
        inbox.size_bytes > 7800 && inbox.size_bytes <= 8000,
        "{inbox:?}"
    );
}

#[tokio::test]
async fn maildoctor_round_trip_arrives() {
    let servers = mail_servers();
    let mailbox = servers.new_mailbox(10 * 1024);
    let mut req = request(&mailbox, GOOD_HOST);
    req.round_trip = true;
    let report = doctor(&req).await;
    let mut want = ALL_OK.to_vec();
    want.push("round_trip_ok");
    assert_eq!(codes(&report), want, "{}", servers.logs());
    let f = report.findings.last().unwrap();
    assert_eq!(f.service, MailService::RoundTrip);
    println!("maildoctor: round trip {}", f.detail);
    // Deleted again: INBOX is as empty as before.
    assert_eq!(servers.messages_in(&mailbox, "INBOX"), 0);
    let inbox = report.folders.iter().find(|f| f.name == "INBOX").unwrap();
    assert_eq!(inbox.messages, 0);
}

/// The window's progress line: the four connections counted as they answer, then the
/// round trip, then the usage, in that order, each naming the mailbox.
#[tokio::test]
async fn maildoctor_progress_names_each_step_in_order() {
    let servers = mail_servers();
    let mailbox = servers.new_mailbox(10 * 1024);
    let mut req = request(&mailbox, GOOD_HOST);
    req.round_trip = true;
    let seen = std::sync::Mutex::new(Vec::new());
    let report = tokio::time::timeout(
        Duration::from_secs(60),
        run_doctor_with_progress(&req, &|p| seen.lock().unwrap().push(p)),
    )
    .await
    .expect("the doctor finished")
    .expect("the request is valid");
    assert_eq!(report.codes().last(), Some(&"round_trip_ok"));
    let seen = seen.into_inner().unwrap();
    let steps: Vec<(String, u32, u32)> = seen
        .iter()
        .map(|p| (p.step.clone(), p.done, p.total))
        .collect();
    let want: Vec<(String, u32, u32)> = [
        ("connections", 0, 4),
        ("connections", 1, 4),
        ("connections", 2, 4),
        ("connections", 3, 4),
        ("connections", 4, 4),
        ("round_trip", 0, 1),
        ("usage", 0, 1),
    ]
    .into_iter()
    .map(|(s, d, t)| (s.to_owned(), d, t))
    .collect();
    assert_eq!(steps, want);
    assert!(seen.iter().all(|p| p.address == mailbox.address));
}

#[tokio::test]
async fn maildoctor_round_trip_fails_without_a_working_smtp() {
    let servers = mail_servers();
    let mailbox = servers.new_mailbox(10 * 1024);
    let mut req = request(&mailbox, GOOD_HOST);
    req.round_trip = true;
    req.ports.smtp_tls = closed_port();
    req.ports.smtp_starttls = closed_port();
    let report = doctor(&req).await;
    assert_eq!(
        codes(&report),
        [
            "imap_tls_ok",
            "imap_starttls_ok",
            "smtp_tls_unreachable",
            "smtp_starttls_unreachable",
            "round_trip_failed"
        ]
    );
    assert!(detail(&report, "round_trip_failed").contains("no SMTP connection"));
}

/// The password is kept in the real keyring (Secret Service) only on request, under one
/// entry per address, and forgotten again. Needs a Secret Service: scripts/test.sh runs
/// the tests in a private session with gnome-keyring.
#[tokio::test]
async fn maildoctor_password_kept_in_the_keyring() {
    use std::sync::Arc;

    use cowdesk_core::maildoctor::mailbox_password_key;
    use cowdesk_core::secrets::{KeyringSecretStore, SecretStore};
    use cowdesk_core::session::Core;

    let dir = tempfile::TempDir::new().unwrap();
    let secrets: Arc<dyn SecretStore> = Arc::new(KeyringSecretStore::new());
    let core = Core::open(dir.path(), "default", secrets).await.unwrap();
    let address = format!("keyring-{}@example.test", std::process::id());
    let password = Sensitive::new("kept only in the keyring".to_owned());
    core.remember_mailbox_password(&address, &password)
        .await
        .expect("a Secret Service on the session bus (run under scripts/test.sh)");
    let loaded = core.mailbox_password(&address).await.unwrap().unwrap();
    assert_eq!(loaded.expose(), password.expose());
    let probe = KeyringSecretStore::new();
    assert_eq!(
        probe
            .get(&mailbox_password_key(&address))
            .unwrap()
            .as_deref(),
        Some("kept only in the keyring")
    );
    core.forget_mailbox_password(&address).await.unwrap();
    assert!(core.mailbox_password(&address).await.unwrap().is_none());
    // Nothing of it in the profile's files.
    for entry in walk(dir.path()) {
        let bytes = std::fs::read(&entry).unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("kept only in the keyring"), "{entry:?}");
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}
