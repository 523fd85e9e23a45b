//! `cowdesk mail doctor|usage|empty-trash` against real Dovecot and Postfix on loopback
//! (crates/core/tests/support/mailservers.rs, the same servers the core's tests start):
//! the JSON, the exit statuses 0 / 1 / 2, the password read from standard input and
//! nowhere else, the folders before and after emptying Trash.

#[path = "../../core/tests/support/mailservers.rs"]
mod mailservers;
#[path = "../../core/tests/support/ports.rs"]
mod ports;
mod support;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};

use mailservers::{closed_port, mail_servers, message_of_size, Mailbox, ServicePorts, GOOD_HOST};
use serde_json::Value;
use support::run_with_stdin;

const ALL_OK: [&str; 4] = [
    "imap_tls_ok",
    "imap_starttls_ok",
    "smtp_tls_ok",
    "smtp_starttls_ok",
];

/// `cowdesk mail <command> <address>` against the loopback servers, trusting the test CA.
fn mail(data: &Path, command: &str, mailbox: &Mailbox) -> Command {
    mail_on(data, command, mailbox, mail_servers().ports)
}

/// The same with the four ports `p`.
fn mail_on(data: &Path, command: &str, mailbox: &Mailbox, p: ServicePorts) -> Command {
    let servers = mail_servers();
    let mut cmd = support::cowdesk(data);
    cmd.args(["mail", command, &mailbox.address, "--server", GOOD_HOST])
        .args(["--imap-tls-port", &p.imap_tls.to_string()])
        .args(["--imap-starttls-port", &p.imap_starttls.to_string()])
        .args(["--smtp-tls-port", &p.smtp_tls.to_string()])
        .args(["--smtp-starttls-port", &p.smtp_starttls.to_string()])
        .arg("--ca-file")
        .arg(&servers.ca_file);
    cmd
}

/// The password on the first line of standard input, as `--password-stdin` reads it.
fn with_password(cmd: &mut Command, password: &str) -> Output {
    cmd.arg("--password-stdin");
    run_with_stdin(cmd, format!("{password}\n"))
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "no JSON on stdout ({e}): {}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

fn codes(report: &Value) -> Vec<&str> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["code"].as_str().expect("a code"))
        .collect()
}

fn keys(value: &Value) -> BTreeSet<&str> {
    value
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect()
}

fn assert_no_password(output: &Output, password: &str) {
    for stream in [&output.stdout, &output.stderr] {
        assert!(
            !String::from_utf8_lossy(stream).contains(password),
            "the password was printed"
        );
    }
}

#[test]
fn maildoctor_cli_everything_right_prints_the_issue_json() {
    let servers = mail_servers();
    let mailbox = servers.new_mailbox(10 * 1024);
    servers.save_message(&mailbox, "INBOX", &message_of_size("hello", 4000));
    let data = tempfile::tempdir().expect("tempdir");

    let output = with_password(
        mail(data.path(), "doctor", &mailbox).arg("--json"),
        &mailbox.password,
    );
    assert_eq!(output.status.code(), Some(0), "{}", servers.logs());
    let report = json(&output);
    assert_eq!(
        keys(&report),
        BTreeSet::from(["address", "findings", "quota", "folders"])
    );
    assert_eq!(report["address"], mailbox.address.as_str());
    assert_eq!(codes(&report), ALL_OK);
    for finding in report["findings"].as_array().unwrap() {
        assert_eq!(
            keys(finding),
            BTreeSet::from([
                "code",
                "service",
                "severity",
                "detail",
                "message_en",
                "message_de"
            ])
        );
        assert_eq!(finding["severity"], "ok");
    }
    assert_eq!(report["findings"][0]["service"], "imap_tls");
    let (used_kib, limit_kib) = servers.quota_kib(&mailbox);
    assert_eq!(report["quota"]["used_bytes"], used_kib * 1024);
    assert_eq!(report["quota"]["limit_bytes"], limit_kib * 1024);
    assert_eq!(report["folders"][0]["name"], "INBOX");
    assert_eq!(report["folders"][0]["messages"], 1);
    assert_no_password(&output, &mailbox.password);

    // Without --json: the findings in the reader's language, the folders as bars.
    let mut german = mail(data.path(), "doctor", &mailbox);
    german.env("LANG", "de_DE.UTF-8");
    let output = with_password(&mut german, &mailbox.password);
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains(&format!("Mail-Doktor für {}", mailbox.address)),
        "{text}"
    );
    assert!(text.contains("[ok] smtp_starttls_ok"), "{text}");
    let message_de = report["findings"][3]["message_de"].as_str().unwrap();
    assert!(text.contains(message_de), "{text}");
    assert!(text.contains("Ordner:") && text.contains("INBOX"), "{text}");
    assert_no_password(&output, &mailbox.password);
}

#[test]
fn maildoctor_cli_failed_checks_exit_2_with_their_codes() {
    let servers = mail_servers();
    let mailbox = servers.new_mailbox(10 * 1024);
    let data = tempfile::tempdir().expect("tempdir");

    let wrong = with_password(
        mail(data.path(), "doctor", &mailbox).arg("--json"),
        "not the password",
    );
    assert_eq!(wrong.status.code(), Some(2));
    assert_eq!(
        codes(&json(&wrong)),
        [
            "imap_tls_auth_failed",
            "imap_starttls_auth_failed",
            "smtp_tls_auth_failed",
            "smtp_starttls_auth_failed"
        ]
    );
    assert_eq!(json(&wrong)["quota"], Value::Null);

    // What the mail program is set to: the local part as username, SMTP on port 25.
    let settings = with_password(
        mail(data.path(), "doctor", &mailbox)
            .args(["--username", &mailbox.local_part])
            .args(["--client-smtp-port", "25", "--json"]),
        &mailbox.password,
    );
    assert_eq!(settings.status.code(), Some(2));
    let report = json(&settings);
    let found = codes(&report);
    assert!(found.contains(&"username_not_full_address"), "{found:?}");
    assert!(found.contains(&"port25_is_not_submission"), "{found:?}");
    assert!(found.contains(&"imap_tls_auth_failed"), "{found:?}");

    // A port with nothing listening.
    let ports = ServicePorts {
        smtp_tls: closed_port(),
        ..servers.ports
    };
    let unreachable = with_password(
        mail_on(data.path(), "doctor", &mailbox, ports).arg("--json"),
        &mailbox.password,
    );
    assert_eq!(unreachable.status.code(), Some(2));
    assert_eq!(
        codes(&json(&unreachable)),
        [
            "imap_tls_ok",
            "imap_starttls_ok",
            "smtp_tls_unreachable",
            "smtp_starttls_ok"
        ]
    );
}

#[test]
fn maildoctor_cli_bad_input_exits_1() {
    let servers = mail_servers();
    let mailbox = servers.new_mailbox(1024);
    let data = tempfile::tempdir().expect("tempdir");

    // Not an address: the field is named, in both languages, as JSON.
    let not_an_address = Mailbox {
        address: "max".into(),
        ..mailbox.clone()
    };
    let bad = with_password(
        mail(data.path(), "doctor", &not_an_address).arg("--json"),
        &mailbox.password,
    );
    assert_eq!(bad.status.code(), Some(1));
    let error = json(&bad);
    assert_eq!(error["kind"], "invalid_input");
    assert!(error["fields"]["address"].is_string(), "{error}");
    assert!(error["message_de"]
        .as_str()
        .unwrap()
        .contains("E-Mail-Adresse"));

    // No password: neither --password-stdin nor a terminal to ask on.
    let no_password = run_with_stdin(mail(data.path(), "usage", &mailbox).arg("--json"), "");
    assert_eq!(no_password.status.code(), Some(1));
    assert!(json(&no_password)["fields"]["password"].is_string());
    // An empty first line is no password either.
    let empty = with_password(mail(data.path(), "usage", &mailbox).arg("--json"), "");
    assert_eq!(empty.status.code(), Some(1));

    // A port that is not a port: 0, or not a number at all.
    let zero = with_password(
        mail(data.path(), "doctor", &mailbox).args(["--imap-tls-port", "0"]),
        &mailbox.password,
    );
    assert_eq!(zero.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&zero.stderr).contains("port"));
    let word = with_password(
        mail(data.path(), "doctor", &mailbox).args(["--imap-tls-port", "imap"]),
        &mailbox.password,
    );
    assert_eq!(word.status.code(), Some(1));

    // A CA file that is not there.
    let missing_ca = with_password(
        mail(data.path(), "doctor", &mailbox).args(["--ca-file", "/nonexistent/ca.pem", "--json"]),
        &mailbox.password,
    );
    assert_eq!(missing_ca.status.code(), Some(1));
    assert_no_password(&missing_ca, &mailbox.password);
}

#[test]
fn maildoctor_cli_usage_then_empty_trash_frees_the_space() {
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
    let data = tempfile::tempdir().expect("tempdir");

    let usage = with_password(
        mail(data.path(), "usage", &mailbox).arg("--json"),
        &mailbox.password,
    );
    assert_eq!(usage.status.code(), Some(0), "warnings only");
    let report = json(&usage);
    assert_eq!(
        codes(&report),
        ["imap_tls_ok", "quota_nearly_full", "trash_holds_quota"]
    );
    assert_eq!(report["folders"][0]["name"], "Trash");
    assert_eq!(report["folders"][0]["messages"], 9);
    let used_before = report["quota"]["used_bytes"].as_u64().unwrap();

    // Without --yes: what it would free, and nothing deleted.
    let preview = with_password(
        mail(data.path(), "empty-trash", &mailbox).arg("--json"),
        &mailbox.password,
    );
    assert_eq!(preview.status.code(), Some(0));
    let preview = json(&preview);
    assert_eq!(preview["messages"], 9);
    let to_free = preview["bytes_to_free"].as_u64().unwrap();
    assert!(
        to_free > 9 * 95 * 1024 && to_free <= 9 * 96 * 1024,
        "{preview}"
    );
    assert_eq!(servers.messages_in(&mailbox, "Trash"), 9);
    let text = with_password(
        &mut mail(data.path(), "empty-trash", &mailbox),
        &mailbox.password,
    );
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("Nothing was deleted") && text.contains("--yes"),
        "{text}"
    );
    assert_eq!(servers.messages_in(&mailbox, "Trash"), 9);

    // With --yes: emptied, and the quota read again from the server.
    let emptied = with_password(
        mail(data.path(), "empty-trash", &mailbox).args(["--yes", "--json"]),
        &mailbox.password,
    );
    assert_eq!(emptied.status.code(), Some(0));
    let outcome = json(&emptied);
    assert_eq!(outcome["before"]["used_bytes"], used_before);
    let after = outcome["after"]["used_bytes"].as_u64().unwrap();
    assert!(after < used_before / 5, "{outcome}");
    assert_eq!(servers.messages_in(&mailbox, "Trash"), 0);
    let (used_kib, _) = servers.quota_kib(&mailbox);
    assert_eq!(after, used_kib * 1024, "the server's own count");

    let again = with_password(
        mail(data.path(), "usage", &mailbox).arg("--json"),
        &mailbox.password,
    );
    let report = json(&again);
    assert_eq!(codes(&report), ["imap_tls_ok"]);
    assert_eq!(report["quota"]["used_bytes"], after);
    assert_eq!(report["folders"][0]["name"], "INBOX");
}

#[test]
fn maildoctor_cli_round_trip_arrives() {
    let servers = mail_servers();
    let mailbox = servers.new_mailbox(10 * 1024);
    let data = tempfile::tempdir().expect("tempdir");
    let output = with_password(
        mail(data.path(), "doctor", &mailbox).args(["--round-trip", "--json"]),
        &mailbox.password,
    );
    assert_eq!(output.status.code(), Some(0), "{}", servers.logs());
    let report = json(&output);
    let mut want = ALL_OK.to_vec();
    want.push("round_trip_ok");
    assert_eq!(codes(&report), want);
    // The test mail is deleted again.
    assert_eq!(servers.messages_in(&mailbox, "INBOX"), 0);
}
