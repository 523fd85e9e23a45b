//! `cowdesk bounce explain`, `cowdesk secret create|open` and `cowdesk ticket new`: the
//! bounce explainer over files of the hand-labelled corpus
//! (crates/core/tests/fixtures/bounces), secret links through the sandbox's Yopass double
//! of both API generations, and tickets printed for the portal, stopped by the password
//! guard, or sent through the sandbox's preview connection after `cowdesk login`.

mod support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use cowdesk_core::maildoctor::{forget_mailbox_password, store_mailbox_password, Sensitive};
use cowdesk_core::secrets::KeyringSecretStore;
use cowdesk_core::support::secret::decrypt_secret;
use cowdesk_sandbox::{
    record_secret, Sandbox, SandboxConfig, YopassConfig, YopassServer, YopassVersion, DEMO_EMAIL,
    DEMO_PASSWORD,
};
use serde_json::Value;
use support::{cowdesk, run_with_stdin};

fn run(cmd: &mut Command) -> Output {
    run_with_stdin(cmd, b"")
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

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

// --- bounce explain ------------------------------------------------------------------

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../core/tests/fixtures/bounces")
}

/// A row of labels.tsv: file, mta, reason, status ("-" for none), permanent, recipient.
struct Label {
    file: String,
    reason: String,
    status: Option<String>,
    permanent: bool,
    recipient: String,
}

fn label(file: &str) -> Label {
    let text = std::fs::read_to_string(corpus_dir().join("labels.tsv")).expect("labels.tsv");
    let row = text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.split('\t').collect::<Vec<_>>())
        .find(|cols| cols[0] == file)
        .unwrap_or_else(|| panic!("{file} is not labelled"));
    Label {
        file: row[0].to_owned(),
        reason: row[2].to_owned(),
        status: (row[3] != "-").then(|| row[3].to_owned()),
        permanent: row[4] == "true",
        recipient: row[5].to_owned(),
    }
}

fn assert_as_labelled(summary: &Value, label: &Label) {
    let file = &label.file;
    assert_eq!(
        summary["reason"],
        label.reason.as_str(),
        "{file}: {summary}"
    );
    assert_eq!(summary["permanent"], label.permanent, "{file}");
    match &label.status {
        Some(status) => assert_eq!(summary["status"], status.as_str(), "{file}"),
        None => assert!(summary["status"].is_null(), "{file}: {summary}"),
    }
    assert_eq!(summary["recipient"], label.recipient.as_str(), "{file}");
}

#[test]
fn support_cli_bounce_explain_reads_corpus_bounces_of_several_mtas() {
    let data = tempfile::tempdir().expect("tempdir");
    let fields = BTreeSet::from([
        "reason",
        "permanent",
        "status",
        "reply_code",
        "recipient",
        "reporting_mta",
        "remote_mta",
        "diagnostic",
        "explanation_en",
        "explanation_de",
    ]);
    for file in [
        "postfix-01.eml",
        "exim-01.eml",
        "sendmail-02.eml",
        "qmail-04.eml",
        "gmail-01.eml",
        "exchange-01.eml",
        "amazonses-01.eml",
        "made-here-greylisting-01.eml",
        "made-here-recipient-limit-01.eml",
    ] {
        let label = label(file);
        let output = run(cowdesk(data.path())
            .args(["bounce", "explain", "--json"])
            .arg(corpus_dir().join(file)));
        assert_eq!(output.status.code(), Some(0), "{file}: {}", stderr(&output));
        let summary = json(&output);
        let keys: BTreeSet<&str> = summary
            .as_object()
            .expect("an object")
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, fields, "{file}");
        assert_as_labelled(&summary, &label);
        assert!(!summary["explanation_de"].as_str().unwrap().is_empty());
    }

    // `-` reads standard input; without --json it reads in the locale's language.
    let bounce = std::fs::read(corpus_dir().join("postfix-01.eml")).expect("bounce");
    let mut german = cowdesk(data.path());
    german
        .args(["bounce", "explain", "-"])
        .env("LANG", "de_DE.UTF-8");
    let output = run_with_stdin(&mut german, &bounce);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.contains("Grund: unknown_recipient (endgültiger Fehler)"),
        "{text}"
    );
    assert!(text.contains("Empfänger") && text.contains(&label("postfix-01.eml").recipient));
}

#[test]
fn support_cli_bounce_explain_refuses_what_is_not_a_mail_message() {
    let data = tempfile::tempdir().expect("tempdir");
    let not_mail = run_with_stdin(
        cowdesk(data.path()).args(["bounce", "explain", "-", "--json"]),
        b"Hello, the mail did not arrive, can you help?",
    );
    assert_eq!(not_mail.status.code(), Some(1));
    let error = json(&not_mail);
    assert_eq!(error["kind"], "invalid_input");
    assert!(error["fields"]["bounce"].is_string(), "{error}");
    assert!(error["message_de"]
        .as_str()
        .unwrap()
        .contains("keine E-Mail"));

    let empty = run(cowdesk(data.path()).args(["bounce", "explain", "-"]));
    assert_eq!(empty.status.code(), Some(1));
    assert!(
        stderr(&empty).contains("not a mail message"),
        "{}",
        stderr(&empty)
    );

    let missing = run(cowdesk(data.path()).args(["bounce", "explain", "/nonexistent/bounce.eml"]));
    assert_eq!(missing.status.code(), Some(1));
    assert!(stderr(&missing).contains("/nonexistent/bounce.eml"));
}

// --- secret create / open ------------------------------------------------------------

/// Whatever a test makes secret goes to the suite's leak scan.
fn record(secret: &str, link: &str) {
    record_secret("secret_link", secret);
    if let Some(key) = link.rsplit('/').next() {
        record_secret("secret_link", key);
    }
}

fn is_base62(text: &str, len: usize) -> bool {
    text.len() == len && text.bytes().all(|b| b.is_ascii_alphanumeric())
}

fn secret_round_trip(version: YopassVersion) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let server = runtime
        .block_on(YopassServer::start(YopassConfig {
            version,
            ..YopassConfig::default()
        }))
        .expect("the Yopass double starts");
    let base = server.base_url();
    let data = tempfile::tempdir().expect("tempdir");
    let secret = format!("Mailbox password: Vq7#mR2!xK9t-{version:?}\nzweite Zeile äöü");

    // One final line end of the input is not part of the secret.
    let created = run_with_stdin(
        cowdesk(data.path()).args(["secret", "create", "--server", &base, "--expires", "1d"]),
        format!("{secret}\n").as_bytes(),
    );
    assert_eq!(created.status.code(), Some(0), "{}", stderr(&created));
    let link = stdout(&created).trim().to_owned();
    record(&secret, &link);
    let rest = link
        .strip_prefix(&format!("{base}/#/s/"))
        .unwrap_or_else(|| panic!("link format: {link}"));
    let (id, key) = rest.split_once('/').expect("id/key");
    assert!(is_base62(key, 22), "key {key:?}");
    assert!(!stderr(&created).contains(key));

    // What reached the server: ciphertext only, one day, one-time; the key opens it.
    let posted = server.double().posted();
    assert_eq!(posted.len(), 1);
    let (posted_id, stored) = &posted[0];
    assert_eq!(posted_id, id);
    assert_eq!(stored.expiration, 86_400);
    assert!(stored.one_time);
    assert!(stored.message.starts_with("-----BEGIN PGP MESSAGE-----"));
    assert!(!stored.message.contains("Vq7#mR2"));
    let plain = decrypt_secret(&stored.message, key).expect("the key opens it");
    assert_eq!(plain.expose(), secret);

    // Opened once (the link from standard input), then gone.
    let opened = run_with_stdin(
        cowdesk(data.path()).args(["secret", "open", "-"]),
        format!("{link}\n").as_bytes(),
    );
    assert_eq!(opened.status.code(), Some(0), "{}", stderr(&opened));
    assert_eq!(stdout(&opened), format!("{secret}\n"));
    let again = run(cowdesk(data.path()).args(["secret", "open", &link]));
    assert_eq!(again.status.code(), Some(1));
    assert!(
        stderr(&again).contains("does not exist"),
        "{}",
        stderr(&again)
    );

    // --reusable: not one-time, and the default expiry is one week.
    let reusable = run_with_stdin(
        cowdesk(data.path()).args(["secret", "create", "--server", &base, "--reusable"]),
        b"reusable-secret-Zt8!",
    );
    assert_eq!(reusable.status.code(), Some(0), "{}", stderr(&reusable));
    let link = stdout(&reusable).trim().to_owned();
    record("reusable-secret-Zt8!", &link);
    let (_, stored) = server.double().posted().pop().expect("posted");
    assert_eq!((stored.expiration, stored.one_time), (604_800, false));
    for _ in 0..2 {
        let opened = run(cowdesk(data.path()).args(["secret", "open", &link]));
        assert_eq!(stdout(&opened), "reusable-secret-Zt8!\n");
    }

    // --json: the link and what was chosen; the secret as JSON, every character kept.
    let created = run_with_stdin(
        cowdesk(data.path()).args([
            "secret",
            "create",
            "--server",
            &base,
            "--expires",
            "1h",
            "--json",
        ]),
        secret.as_bytes(),
    );
    assert_eq!(created.status.code(), Some(0), "{}", stderr(&created));
    let answer = json(&created);
    let link = answer["link"].as_str().expect("link").to_owned();
    record(&secret, &link);
    assert!(link.starts_with(&format!("{base}/#/s/")), "{link}");
    assert_eq!(answer["expires_in_seconds"], 3600);
    assert_eq!(answer["one_time"], true);
    let opened = run(cowdesk(data.path()).args(["secret", "open", &link, "--json"]));
    assert_eq!(opened.status.code(), Some(0), "{}", stderr(&opened));
    assert_eq!(json(&opened)["secret"], secret.as_str());
    // Gone after one download: the refusal comes as JSON too, with exit 1.
    let again = run(cowdesk(data.path()).args(["secret", "open", &link, "--json"]));
    assert_eq!(again.status.code(), Some(1));
    let refused = json(&again);
    assert!(
        refused["message"]
            .as_str()
            .is_some_and(|m| m.contains("does not exist")),
        "{refused}"
    );
    runtime.block_on(server.shutdown());
}

#[test]
fn support_cli_secret_link_round_trip_yopass_14() {
    secret_round_trip(YopassVersion::V14);
}

#[test]
fn support_cli_secret_link_round_trip_yopass_11() {
    secret_round_trip(YopassVersion::V11);
}

#[test]
fn support_cli_secret_refuses_bad_input() {
    let data = tempfile::tempdir().expect("tempdir");
    // HTTPS only, except to loopback: nothing is sent to a plain-HTTP server elsewhere.
    let insecure = run_with_stdin(
        cowdesk(data.path()).args(["secret", "create", "--server", "http://secrets.example.org"]),
        b"some-secret-value",
    );
    assert_eq!(insecure.status.code(), Some(1));
    assert!(stderr(&insecure).contains("HTTPS"), "{}", stderr(&insecure));
    let expiry = run_with_stdin(
        cowdesk(data.path()).args(["secret", "create", "--expires", "2d"]),
        b"some-secret-value",
    );
    assert_eq!(expiry.status.code(), Some(1));
    let empty = run_with_stdin(
        cowdesk(data.path()).args(["secret", "create", "--server", "http://127.0.0.1:9"]),
        b"\n",
    );
    assert_eq!(empty.status.code(), Some(1));
    assert!(
        stderr(&empty).contains("Enter the secret"),
        "{}",
        stderr(&empty)
    );
    let no_key =
        run(cowdesk(data.path()).args(["secret", "open", "https://secrets.example.org/#/s/abc"]));
    assert_eq!(no_key.status.code(), Some(1));
    assert!(stderr(&no_key).contains("no decryption key"));
    let not_a_link = run(cowdesk(data.path()).args(["secret", "open", "not a link"]));
    assert_eq!(not_a_link.status.code(), Some(1));
    // A server that cannot be reached is trouble, not bad input.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let port = closed.local_addr().expect("address").port();
    drop(closed);
    let offline = run(cowdesk(data.path()).args([
        "secret",
        "open",
        &format!("http://127.0.0.1:{port}/#/s/abc/AbCdEfGhIjKlMnOpQrStUv"),
    ]));
    assert_eq!(offline.status.code(), Some(2), "{}", stderr(&offline));
}

// --- ticket new ----------------------------------------------------------------------

fn ticket(data: &Path, category: &str, fields: &[(&str, &str)]) -> Command {
    let mut cmd = cowdesk(data);
    cmd.args(["ticket", "new", "--category", category]);
    for (key, value) in fields {
        cmd.arg("--field").arg(format!("{key}={value}"));
    }
    cmd
}

const TECHNICAL: [(&str, &str); 4] = [
    ("affected", "info@cowdesk-demo.example"),
    ("error_message", "IMAP login failed: AUTHENTICATIONFAILED"),
    ("time", "2026-12-02 14:05"),
    ("client", "Thunderbird 128"),
];

#[test]
fn support_cli_ticket_without_sign_in_prints_the_text_for_the_portal() {
    let data = tempfile::tempdir().expect("tempdir");
    let fields = [
        ("hostname", "mx.cowdesk-demo.example"),
        ("storage_gb", "200"),
    ];
    let output = run(&mut ticket(data.path(), "more_storage", &fields));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("Managed mailcow"), "{text}");
    assert!(
        text.contains("mx.cowdesk-demo.example") && text.contains(": 200"),
        "{text}"
    );
    assert!(stderr(&output).contains("https://cp.servercow.de"));

    let output = run(ticket(data.path(), "more_storage", &fields).arg("--json"));
    assert_eq!(output.status.code(), Some(0));
    let handed = json(&output);
    assert_eq!(handed["mode"], "portal");
    assert!(handed["body"]
        .as_str()
        .unwrap()
        .contains("mx.cowdesk-demo.example"));

    // What the form lists is asked for, field by field.
    let forms = json(&run(
        cowdesk(data.path()).args(["ticket", "forms", "--json"])
    ));
    assert_eq!(forms.as_array().unwrap().len(), 11);
}

#[test]
fn support_cli_ticket_refuses_missing_fields_and_unknown_input() {
    let data = tempfile::tempdir().expect("tempdir");
    let missing = run(ticket(data.path(), "technical_problem", &TECHNICAL[..2]).arg("--json"));
    assert_eq!(missing.status.code(), Some(1));
    let error = json(&missing);
    assert_eq!(error["kind"], "invalid_input");
    for key in ["customer_number", "time", "client"] {
        assert!(error["fields"][key].is_string(), "{key} in {error}");
        assert!(error["fields_de"][key].is_string(), "{key} in {error}");
    }

    let unknown = run(&mut ticket(data.path(), "refund_please", &[]));
    assert_eq!(unknown.status.code(), Some(1));
    assert!(
        stderr(&unknown).contains("more_storage"),
        "{}",
        stderr(&unknown)
    );
    let no_equals = run(cowdesk(data.path()).args([
        "ticket",
        "new",
        "--category",
        "more_storage",
        "--field",
        "hostname",
    ]));
    assert_eq!(no_equals.status.code(), Some(1));
    let foreign = run(&mut ticket(
        data.path(),
        "more_storage",
        &[
            ("hostname", "mx.example.de"),
            ("storage_gb", "5"),
            ("iban", "DE02"),
        ],
    ));
    assert_eq!(foreign.status.code(), Some(1));
    assert!(stderr(&foreign).contains("iban"), "{}", stderr(&foreign));
}

#[test]
fn support_cli_ticket_password_guard_stops_secrets() {
    let data = tempfile::tempdir().expect("tempdir");
    let mut fields = TECHNICAL.to_vec();
    fields.push(("customer_number", "100001"));

    // A password line.
    let mut leaky = fields.clone();
    leaky[1] = ("error_message", "Login fails. Passwort: Geheim-4711x");
    record_secret("secret_link", "Geheim-4711x");
    let output = run(&mut ticket(data.path(), "technical_problem", &leaky));
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("a password line"),
        "{}",
        stderr(&output)
    );
    assert!(!stderr(&output).contains("Geheim-4711x") && !stdout(&output).contains("Geheim-4711x"));

    // A mailbox password kept in the keyring, pasted without a label.
    let address = format!("guard{}@cowdesk-demo.example", std::process::id());
    let stored = "kept-Mailbox-pw-93";
    record_secret("password", stored);
    let keyring = KeyringSecretStore::new();
    store_mailbox_password(&keyring, &address, &Sensitive::new(stored.to_owned()))
        .expect("the test's keyring (run under scripts/test.sh's private session)");
    let mut pasted = fields.clone();
    pasted[0] = ("affected", address.as_str());
    let message = format!("it says {stored} is wrong");
    pasted[1] = ("error_message", message.as_str());
    let output = run(&mut ticket(data.path(), "technical_problem", &pasted));
    forget_mailbox_password(&keyring, &address).expect("forgotten");
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    assert!(
        stderr(&output).contains("a stored password"),
        "{}",
        stderr(&output)
    );
    assert!(!stderr(&output).contains(stored) && !stdout(&output).contains(stored));

    // Without a secret it passes.
    let clean = run(&mut ticket(data.path(), "technical_problem", &fields));
    assert_eq!(clean.status.code(), Some(0), "{}", stderr(&clean));
}

#[test]
fn support_cli_ticket_is_sent_with_the_preview_connection() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let sandbox = runtime
        .block_on(Sandbox::start(SandboxConfig::default()))
        .expect("the sandbox starts");
    let data = tempfile::tempdir().expect("tempdir");
    let login = run_with_stdin(
        cowdesk(data.path()).args([
            "login",
            "--server",
            &sandbox.base_url(),
            "--email",
            DEMO_EMAIL,
            "--password-stdin",
        ]),
        format!("{DEMO_PASSWORD}\n").as_bytes(),
    );
    assert_eq!(login.status.code(), Some(0), "{}", stderr(&login));
    let sync = run(cowdesk(data.path()).arg("sync"));
    assert_eq!(sync.status.code(), Some(0), "{}", stderr(&sync));
    let accounts = json(&run(cowdesk(data.path()).args(["accounts", "--json"])));
    let own = accounts
        .as_array()
        .expect("accounts")
        .iter()
        .find(|a| a["account"]["is_own"] == true)
        .expect("the own account");
    let account = own["account"]["id"].as_str().unwrap().to_owned();
    let customer = own["account"]["customer_number"]
        .as_str()
        .unwrap()
        .to_owned();

    // The customer number comes from the cache; the rest from --field.
    let output = run(ticket(data.path(), "technical_problem", &TECHNICAL).arg("--json"));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let handed = json(&output);
    assert_eq!(handed["mode"], "sent", "{handed}");
    let received = sandbox.handle().received_tickets(&account);
    assert_eq!(received.len(), 1);
    assert_eq!(handed["ticket_id"], received[0].0.as_str());
    assert!(received[0].1.body.contains("AUTHENTICATIONFAILED"));
    assert!(
        received[0].1.body.contains(&customer),
        "prefilled from the cache"
    );

    // The guard stops a password before anything is sent.
    let mut leaky = TECHNICAL.to_vec();
    leaky[1] = ("error_message", "pw=Sommer2026!x");
    record_secret("secret_link", "Sommer2026!x");
    let output = run(&mut ticket(data.path(), "technical_problem", &leaky));
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(sandbox.handle().received_tickets(&account).len(), 1);

    // A bounce of "mailbox full" for one of the account's own mailboxes points to the mail
    // doctor's usage view; without the cache, the same bounce is someone else's mailbox.
    let mailboxes = json(&run(cowdesk(data.path()).args(["mailboxes", "--json"])));
    let own_address = mailboxes[0]["address"]
        .as_str()
        .expect("a mailbox")
        .to_owned();
    let original = std::fs::read_to_string(corpus_dir().join("qmail-04.eml")).expect("bounce");
    let bounce = original.replace(&label("qmail-04.eml").recipient, &own_address);
    assert_ne!(bounce, original);
    let ours = run_with_stdin(
        cowdesk(data.path()).args(["bounce", "explain", "-", "--json"]),
        bounce.as_bytes(),
    );
    assert_eq!(ours.status.code(), Some(0), "{}", stderr(&ours));
    let ours = json(&ours);
    assert_eq!(ours["reason"], "mailbox_full");
    assert!(
        ours["explanation_en"]
            .as_str()
            .unwrap()
            .contains("one of your own mailboxes"),
        "{ours}"
    );
    let elsewhere = tempfile::tempdir().expect("tempdir");
    let theirs = run_with_stdin(
        cowdesk(elsewhere.path()).args(["bounce", "explain", "-", "--json"]),
        bounce.as_bytes(),
    );
    let theirs = json(&theirs);
    assert!(!theirs["explanation_en"]
        .as_str()
        .unwrap()
        .contains("own mailboxes"));
    assert!(
        std::fs::read_dir(elsewhere.path())
            .unwrap()
            .next()
            .is_none(),
        "explaining a bounce makes no cache"
    );

    let logout = run(cowdesk(data.path()).arg("logout"));
    assert_eq!(logout.status.code(), Some(0));
    runtime.block_on(sandbox.shutdown());
}
