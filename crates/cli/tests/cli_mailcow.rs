//! The command line against the REAL mailcow code (`shared/peers/mailcow`): connect as
//! domain administrator or with an API key, sync, list, change mailboxes and aliases,
//! import a CSV file, disconnect. Every change is checked afterwards through the peer's
//! API with the read-write key. Secrets live in the real Secret Service (run under
//! `run_in_private_session`); each test's cache and the commands' debug logs stay below
//! the artifacts, where the leak scan looks for every password, key, session cookie and
//! generated password recorded here.

mod support;

#[path = "../../core/tests/support/kept.rs"]
mod kept;
#[path = "../../core/tests/support/mailcow_peer.rs"]
mod mailcow_peer;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use cowdesk_core::connections::secret_key;
use cowdesk_core::secrets::{KeyringSecretStore, SecretStore};
use cowdesk_sandbox::record_secret;
use mailcow_peer::{peer, prepare_two_hundred_rows, totp_code, two_hundred_rows, Proxy};
use serde_json::Value;

const PASSWORD: &str = "Cow-cli-pw-1";
const MIB: u64 = 1024 * 1024;

/// One profile folder, kept for the leak scan, with the commands' logs in `cli.log`.
struct Profile {
    dir: PathBuf,
}

/// What a command did.
struct Ran {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Ran {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("no JSON ({e}): {}\n{}", self.stdout, self.stderr))
    }

    fn succeeded(&self) {
        assert_eq!(self.code, 0, "failed: {}\n{}", self.stdout, self.stderr);
    }

    fn ok(&self) -> Value {
        assert_eq!(self.code, 0, "failed: {}\n{}", self.stdout, self.stderr);
        self.json()
    }
}

impl Profile {
    fn new(test: &str) -> Profile {
        Profile {
            dir: kept::kept_dir(test),
        }
    }

    fn run(&self, args: &[&str], stdin: Option<&str>) -> Ran {
        let mut child = support::cowdesk(&self.dir)
            .args(args)
            .env("COWDESK_LOG", "debug")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("cowdesk runs");
        let input = stdin.map(|text| format!("{text}\n")).unwrap_or_default();
        support::write_stdin(&mut child, input.as_bytes());
        let output = child.wait_with_output().expect("cowdesk ends");
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        // The debug log of every command, for the leak scan.
        let mut log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.join("cli.log"))
            .expect("the log file");
        writeln!(log, "$ cowdesk {}\n{stderr}", args.join(" ")).expect("log written");
        Ran {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr,
        }
    }

    fn connect_admin(&self, url: &str, admin: &str) -> String {
        record_secret("mailcow_password", PASSWORD);
        let ran = self.run(
            &[
                "connect",
                "mailcow",
                "--url",
                url,
                "--user",
                admin,
                "--password-stdin",
                "--json",
            ],
            Some(PASSWORD),
        );
        ran.ok()["connection"]["id"]
            .as_str()
            .expect("a connection id")
            .to_owned()
    }

    fn mailboxes(&self, domain: &str) -> Vec<Value> {
        let list = self
            .run(&["mailboxes", "--domain", domain, "--json"], None)
            .ok();
        list.as_array().expect("a list").clone()
    }

    fn sqlite_count(&self, table: &str) -> i64 {
        let out = std::process::Command::new("python3")
            .arg("-c")
            .arg(format!(
                "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT COUNT(*) FROM {table}').fetchone()[0])"
            ))
            .arg(self.dir.join("default.sqlite"))
            .output()
            .expect("python3 reads the cache");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse()
            .expect("a count")
    }
}

fn record_cookies(proxy: &Proxy) {
    let cookies = proxy.session_cookies();
    assert!(!cookies.is_empty(), "the proxy saw the session cookie");
    for cookie in cookies {
        record_secret("mailcow_session", &cookie);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_mailcow_connect_sync_and_list_mailboxes() {
    let p = peer();
    let (domain, admin) = p.tenant(20, 20480, 10240, PASSWORD).await;
    let (other, _) = p.tenant(5, 5120, 1024, PASSWORD).await;
    let anna = format!("anna@{domain}");
    p.add_mailbox(&anna, "Anna", 512, PASSWORD).await;
    p.add_mailbox(&format!("bob@{domain}"), "Bob", 1024, PASSWORD)
        .await;
    p.add_mailbox(&format!("eve@{other}"), "Eve", 100, PASSWORD)
        .await;
    p.set_quota_usage(&anna, 500_000_000, 1200);
    let proxy = Proxy::start(&p.url).await;
    let profile = Profile::new("cli_mailcow_connect");

    // A wrong password: refused (1), said as JSON, nothing kept.
    record_secret("mailcow_password", "Not-the-password-9");
    let wrong = profile.run(
        &[
            "connect",
            "mailcow",
            "--url",
            &proxy.url,
            "--user",
            &admin,
            "--password-stdin",
            "--json",
        ],
        Some("Not-the-password-9"),
    );
    assert_eq!(wrong.code, 1, "{}", wrong.stderr);
    assert_eq!(wrong.json()["kind"], "invalid_credentials");
    assert!(wrong.json()["message_de"]
        .as_str()
        .unwrap()
        .contains("Passwort"));
    assert_eq!(
        profile.run(&["connections", "--json"], None).ok(),
        Value::Array(vec![])
    );
    // Nothing to sync yet: refused.
    assert_eq!(profile.run(&["sync", "--json"], None).code, 1);
    // A usage error is bad input (1), as JSON too.
    let usage = profile.run(&["mailbox", "add", "x@y.test", "--json"], None);
    assert_eq!(usage.code, 1);
    assert_eq!(usage.json()["kind"], "invalid_input");

    // A mailcow that does not answer: server or network trouble (2).
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed_url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let offline = profile.run(
        &[
            "connect",
            "mailcow",
            "--url",
            &closed_url,
            "--user",
            &admin,
            "--password-stdin",
            "--json",
        ],
        Some(PASSWORD),
    );
    assert_eq!(offline.code, 2, "{}", offline.stdout);
    assert_eq!(offline.json()["kind"], "offline");

    let id = profile.connect_admin(&proxy.url, &admin);
    let connections = profile.run(&["connections", "--json"], None).ok();
    assert_eq!(connections[0]["id"], id.as_str());
    assert_eq!(connections[0]["kind"], "session");
    assert_eq!(connections[0]["state"], "connected");
    assert_eq!(connections[0]["mailboxes"], 2);

    let synced = profile.run(&["sync", "--json"], None).ok();
    let synced = synced.as_array().unwrap();
    assert_eq!(synced.len(), 1);
    assert_eq!(synced[0]["connection_id"], id.as_str());
    assert!(synced[0]["error"].is_null());
    assert_eq!(synced[0]["mailboxes"], 2);
    record_cookies(&proxy);

    let all = profile.run(&["mailboxes", "--json"], None).ok();
    let all = all.as_array().unwrap();
    assert_eq!(all.len(), 2, "only the administrator's domain: {all:?}");
    let row = all.iter().find(|m| m["address"] == anna.as_str()).unwrap();
    for field in [
        "address",
        "name",
        "quota_bytes",
        "used_bytes",
        "percent",
        "messages",
        "active",
        "source",
    ] {
        assert!(row.get(field).is_some(), "{field} missing: {row}");
    }
    assert_eq!(row["quota_bytes"], 512 * MIB);
    assert_eq!(row["used_bytes"], 500_000_000u64);
    assert_eq!(row["percent"], 93);
    assert_eq!(row["messages"], 1200);
    assert_eq!(row["active"], true);
    assert_eq!(row["source"], "mailcow");
    assert!(profile.mailboxes(&other).is_empty());

    let table = profile.run(&["mailboxes", "--domain", &domain], None);
    assert_eq!(table.code, 0);
    assert!(table.stdout.contains(&anna) && table.stdout.contains("93 %"));
    assert!(table.stdout.contains("mailcow"));
    let listed = profile.run(&["connections"], None);
    assert!(listed.stdout.contains(&admin) && listed.stdout.contains("connected"));

    // An unknown connection: bad input (1), as JSON.
    let unknown = profile.run(&["disconnect", "mailcow-000000000000", "--json"], None);
    assert_eq!(unknown.code, 1);
    assert_eq!(unknown.json()["kind"], "invalid_input");
    profile.run(&["disconnect", &id, "--json"], None).ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_mailcow_totp_code_on_the_command_line() {
    let p = peer();
    let (_, admin) = p.tenant(5, 5120, 1024, PASSWORD).await;
    let secret = p.enable_totp(&admin, PASSWORD).await;
    let profile = Profile::new("cli_mailcow_totp");
    let args = |extra: &[&str]| {
        let mut all = vec!["connect", "mailcow", "--url", &p.url, "--user", &admin];
        all.extend_from_slice(&["--password-stdin", "--json"]);
        all.extend_from_slice(extra);
        all.iter().map(|s| s.to_string()).collect::<Vec<String>>()
    };
    record_secret("mailcow_password", PASSWORD);
    let run = |extra: &[&str]| {
        let owned = args(extra);
        let refs: Vec<&str> = owned.iter().map(String::as_str).collect();
        profile.run(&refs, Some(PASSWORD))
    };
    let asked = run(&[]);
    assert_eq!(asked.code, 1);
    assert!(
        asked.json()["fields"]["totp"].is_string(),
        "{}",
        asked.stdout
    );
    let listed = profile.run(&["connections", "--json"], None).ok();
    assert_eq!(listed[0]["state"], "needs_totp");

    let wrong = run(&["--totp", "000000"]);
    if totp_code(&secret, 0) != "000000" {
        assert_eq!(wrong.code, 1);
        assert_eq!(wrong.json()["kind"], "invalid_credentials");
    }
    let right = run(&["--totp", &totp_code(&secret, 0)]);
    let connected = right.ok();
    assert_eq!(connected["connection"]["state"], "connected");
    assert!(connected["sync"]["error"].is_null());
    let id = connected["connection"]["id"].as_str().unwrap().to_owned();
    profile.run(&["disconnect", &id], None).succeeded();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_mailcow_mailbox_and_alias_changes_checked_through_the_peer_api() {
    let p = peer();
    let (domain, admin) = p.tenant(20, 20480, 10240, PASSWORD).await;
    let proxy = Proxy::start(&p.url).await;
    let profile = Profile::new("cli_mailcow_changes");
    let id = profile.connect_admin(&proxy.url, &admin);
    let anna = format!("anna@{domain}");
    let bob = format!("bob@{domain}");

    // Add with a typed password.
    record_secret("password", "Anna-typed-pw-42");
    let added = profile
        .run(
            &[
                "mailbox",
                "add",
                &anna,
                "--name",
                "Anna Muster",
                "--quota-mib",
                "300",
                "--password-stdin",
                "--json",
            ],
            Some("Anna-typed-pw-42"),
        )
        .ok();
    assert_eq!(added["connection_id"], id.as_str());
    assert!(added["generated_password"].is_null());
    let server = p.mailbox(&anna).await.expect("the peer has the mailbox");
    assert_eq!(server["name"], "Anna Muster");
    assert_eq!(server["quota"], 300 * MIB);
    assert!(p.mailbox_login_works(&anna, "Anna-typed-pw-42").await);
    // Read back at once: the list shows it without a sync.
    assert!(profile
        .mailboxes(&domain)
        .iter()
        .any(|m| m["address"] == anna.as_str()));

    // Add with a generated password, shown once.
    let added = profile
        .run(
            &[
                "mailbox",
                "add",
                &bob,
                "--name",
                "Bob",
                "--quota-mib",
                "100",
                "--json",
            ],
            None,
        )
        .ok();
    let generated = added["generated_password"]
        .as_str()
        .expect("generated")
        .to_owned();
    record_secret("generated_password", &generated);
    assert!(generated.len() >= 12);
    assert!(p.mailbox_login_works(&bob, &generated).await);

    // Over the domain's per-mailbox maximum: refused (1), the field named, nothing sent.
    let over = profile.run(
        &[
            "mailbox",
            "add",
            &format!("carl@{domain}"),
            "--name",
            "Carl",
            "--quota-mib",
            "20000",
            "--json",
        ],
        None,
    );
    assert_eq!(over.code, 1);
    assert!(
        over.json()["fields"]["quota_mib"].is_string(),
        "{}",
        over.stdout
    );
    assert!(over.json()["fields_de"]["quota_mib"].is_string());
    assert!(p.mailbox(&format!("carl@{domain}")).await.is_none());
    // A local part the FAQ's rule does not allow.
    let bad = profile.run(
        &[
            "mailbox",
            "add",
            &format!("max+news@{domain}"),
            "--name",
            "M",
            "--quota-mib",
            "10",
            "--json",
        ],
        None,
    );
    assert_eq!(
        (bad.code, bad.json()["kind"].as_str()),
        (1, Some("invalid_input"))
    );

    // Edit name, quota and state.
    profile
        .run(
            &[
                "mailbox",
                "set",
                &anna,
                "--name",
                "Anna M.",
                "--quota-mib",
                "400",
                "--active",
                "false",
                "--json",
            ],
            None,
        )
        .ok();
    let server = p.mailbox(&anna).await.unwrap();
    assert_eq!(server["name"], "Anna M.");
    assert_eq!(server["quota"], 400 * MIB);
    assert_eq!(
        server["active"]
            .as_u64()
            .or(server["active"].as_str().and_then(|s| s.parse().ok())),
        Some(0)
    );
    let cached = profile.mailboxes(&domain);
    let row = cached
        .iter()
        .find(|m| m["address"] == anna.as_str())
        .unwrap();
    assert_eq!(
        (
            row["name"].as_str(),
            row["quota_bytes"].as_u64(),
            row["active"].as_bool()
        ),
        (Some("Anna M."), Some(400 * MIB), Some(false))
    );

    // A new password.
    record_secret("password", "Anna-second-pw-43");
    profile
        .run(
            &["mailbox", "password", &anna, "--password-stdin", "--json"],
            Some("Anna-second-pw-43"),
        )
        .ok();
    let before = p.password_hash(&anna);
    assert!(!before.is_empty());

    // Aliases.
    let team = format!("team@{domain}");
    let created = profile
        .run(
            &[
                "alias",
                "add",
                &team,
                "--to",
                &format!("{anna},outside@other.example"),
                "--json",
            ],
            None,
        )
        .ok();
    assert_eq!(created["address"], team.as_str());
    let alias = p.alias(&team).await.expect("the peer has the alias");
    let goto = alias["goto"].as_str().unwrap();
    assert!(
        goto.contains(&anna) && goto.contains("outside@other.example"),
        "{alias}"
    );
    let unconfirmed = profile.run(&["alias", "delete", &team, "--json"], None);
    assert_eq!(unconfirmed.code, 1);
    assert!(p.alias(&team).await.is_some());
    profile
        .run(&["alias", "delete", &team, "--yes", "--json"], None)
        .ok();
    assert!(p.alias(&team).await.is_none());

    // Delete: not without --yes, which names the mailbox and its size.
    let unconfirmed = profile.run(&["mailbox", "delete", &bob], None);
    assert_eq!(unconfirmed.code, 1);
    assert!(unconfirmed.stderr.contains(&bob) && unconfirmed.stderr.contains("MiB"));
    assert!(p.mailbox(&bob).await.is_some());
    let deleted = profile
        .run(&["mailbox", "delete", &bob, "--yes", "--json"], None)
        .ok();
    assert!(deleted["message_de"].as_str().unwrap().contains("gelöscht"));
    assert!(p.mailbox(&bob).await.is_none());
    assert!(!profile
        .mailboxes(&domain)
        .iter()
        .any(|m| m["address"] == bob.as_str()));
    // Deleting what is gone: bad input, nothing sent.
    assert_eq!(
        profile
            .run(&["mailbox", "delete", &bob, "--yes"], None)
            .code,
        1
    );
    record_cookies(&proxy);

    // A read-only key: refused before anything is sent (1, forbidden).
    record_secret("mailcow_api_key", &p.ro_key);
    let ro = Profile::new("cli_mailcow_read_only");
    let connected = ro
        .run(
            &[
                "connect",
                "mailcow",
                "--url",
                &proxy.url,
                "--api-key-stdin",
                "--json",
            ],
            Some(&p.ro_key),
        )
        .ok();
    assert_eq!(connected["connection"]["access"], "read_only");
    let posts = proxy.count("POST", "/api/v1/");
    let refused = ro.run(&["mailbox", "set", &anna, "--name", "Nope", "--json"], None);
    assert_eq!(refused.code, 1);
    assert_eq!(refused.json()["kind"], "forbidden");
    assert_eq!(proxy.count("POST", "/api/v1/"), posts, "nothing was sent");
    assert_eq!(p.mailbox(&anna).await.unwrap()["name"], "Anna M.");
    let ro_id = connected["connection"]["id"].as_str().unwrap().to_owned();
    ro.run(&["disconnect", &ro_id], None).succeeded();
    profile.run(&["disconnect", &id], None).succeeded();

    // The same through a Managed mailcow's read-write key.
    record_secret("mailcow_api_key", &p.rw_key);
    let rw = Profile::new("cli_mailcow_read_write");
    let connected = rw
        .run(
            &[
                "connect",
                "mailcow",
                "--url",
                &p.url,
                "--api-key-stdin",
                "--json",
            ],
            Some(&p.rw_key),
        )
        .ok();
    assert_eq!(connected["connection"]["access"], "read_write");
    let dora = format!("dora@{domain}");
    record_secret("password", "Dora-typed-pw-44");
    rw.run(
        &[
            "mailbox",
            "add",
            &dora,
            "--name",
            "Dora",
            "--quota-mib",
            "50",
            "--password-stdin",
            "--json",
        ],
        Some("Dora-typed-pw-44"),
    )
    .ok();
    assert_eq!(p.mailbox(&dora).await.expect("created")["quota"], 50 * MIB);
    rw.run(
        &["mailbox", "set", &dora, "--quota-mib", "60", "--json"],
        None,
    )
    .ok();
    assert_eq!(p.mailbox(&dora).await.unwrap()["quota"], 60 * MIB);
    let sales = format!("sales@{domain}");
    rw.run(&["alias", "add", &sales, "--to", &dora, "--json"], None)
        .ok();
    assert!(p.alias(&sales).await.unwrap()["goto"]
        .as_str()
        .unwrap()
        .contains(&dora));
    rw.run(&["alias", "delete", &sales, "--yes", "--json"], None)
        .ok();
    assert!(p.alias(&sales).await.is_none());
    rw.run(&["mailbox", "delete", &dora, "--yes", "--json"], None)
        .ok();
    assert!(p.mailbox(&dora).await.is_none());
    let rw_id = connected["connection"]["id"].as_str().unwrap().to_owned();
    rw.run(&["disconnect", &rw_id], None).succeeded();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_mailcow_csv_dry_run_and_apply_200_rows_then_nothing_twice() {
    let p = peer();
    let (domain, _) = p.tenant(300, 30000, 1024, PASSWORD).await;
    prepare_two_hundred_rows(p, &domain, PASSWORD).await;
    let profile = Profile::new("cli_mailcow_import");
    // A Managed mailcow's read-write key.
    record_secret("mailcow_api_key", &p.rw_key);
    let connected = profile
        .run(
            &[
                "connect",
                "mailcow",
                "--url",
                &p.url,
                "--api-key-stdin",
                "--json",
            ],
            Some(&p.rw_key),
        )
        .ok();
    assert_eq!(connected["connection"]["access"], "read_write");
    let id = connected["connection"]["id"].as_str().unwrap().to_owned();
    let (csv, new) = two_hundred_rows(&domain);
    for i in (0..180).step_by(9) {
        record_secret("password", &format!("Typed-pw-{i}"));
    }
    // The input file and the chosen passwords file hold passwords by design: they live
    // outside the folder the leak scan searches.
    let files = tempfile::tempdir().unwrap();
    let file = files.path().join("mailboxes.csv");
    std::fs::write(&file, &csv).unwrap();
    let file = file.to_str().unwrap();
    let before = p.mailboxes_of(&domain).await.len();

    let plan = profile
        .run(
            &[
                "mailcow",
                "import",
                file,
                "--dry-run",
                "--connection",
                &id,
                "--json",
            ],
            None,
        )
        .ok();
    assert_eq!(plan["dry_run"], true);
    assert_eq!(plan["rows"].as_array().unwrap().len(), 200);
    let counts = &plan["counts"];
    assert_eq!(
        (
            counts["create"].as_u64(),
            counts["unchanged"].as_u64(),
            counts["conflict"].as_u64(),
            counts["bad"].as_u64()
        ),
        (Some(new as u64), Some(2), Some(6), Some(12))
    );
    for row in plan["rows"].as_array().unwrap() {
        if row["action"] == "bad" || row["action"] == "conflict" {
            let reasons = row["reasons"].as_array().unwrap();
            assert!(!reasons.is_empty(), "{row}");
            assert!(reasons
                .iter()
                .all(|r| r["message_de"].as_str().is_some_and(|m| !m.is_empty())));
        }
    }
    assert_eq!(
        p.mailboxes_of(&domain).await.len(),
        before,
        "the dry run created nothing"
    );
    let human = profile.run(&["mailcow", "import", file, "--dry-run"], None);
    assert_eq!(human.code, 0);
    assert!(
        human.stdout.contains("line 182") || human.stdout.contains("182"),
        "{}",
        human.stdout
    );

    let passwords = files.path().join("passwords.csv");
    let applied = profile
        .run(
            &[
                "mailcow",
                "import",
                file,
                "--passwords-out",
                passwords.to_str().unwrap(),
                "--json",
            ],
            None,
        )
        .ok();
    assert_eq!(applied["counts"]["created"], new as u64);
    assert_eq!(applied["counts"]["failed"], 0);
    assert!(
        applied["generated"].as_array().unwrap().is_empty(),
        "passwords went to the file"
    );
    assert_eq!(p.mailboxes_of(&domain).await.len(), before + new);
    let written = std::fs::read_to_string(&passwords).unwrap();
    let lines: Vec<&str> = written.lines().skip(1).collect();
    assert_eq!(lines.len(), 160, "every generated password, none typed");
    for line in &lines {
        let (address, password) = line.split_once(',').unwrap();
        record_secret("generated_password", password);
        assert!(address.ends_with(&domain));
    }
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&passwords).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let (first_address, first_password) = lines[0].split_once(',').unwrap();
    assert!(p.mailbox_login_works(first_address, first_password).await);
    // The cache knows them at once.
    assert_eq!(profile.mailboxes(&domain).len(), before + new);

    // Again: nothing twice.
    let again = profile
        .run(
            &[
                "mailcow",
                "import",
                file,
                "--passwords-out",
                passwords.to_str().unwrap(),
                "--json",
            ],
            None,
        )
        .ok();
    assert_eq!(again["counts"]["create"], 0);
    assert_eq!(again["counts"]["created"], 0);
    assert_eq!(again["counts"]["unchanged"], (new + 2) as u64);
    assert_eq!(p.mailboxes_of(&domain).await.len(), before + new);
    profile.run(&["disconnect", &id], None).succeeded();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_mailcow_disconnect_removes_keyring_entry_and_cached_rows() {
    let p = peer();
    let (domain, admin) = p.tenant(20, 20480, 10240, PASSWORD).await;
    p.add_mailbox(&format!("anna@{domain}"), "Anna", 512, PASSWORD)
        .await;
    let profile = Profile::new("cli_mailcow_disconnect");
    let id = profile.connect_admin(&p.url, &admin);
    let keyring = KeyringSecretStore::new();
    assert_eq!(
        keyring.get(&secret_key(&id)).unwrap().as_deref(),
        Some(PASSWORD)
    );
    assert_eq!(profile.sqlite_count("mailcow_mailboxes"), 1);

    let done = profile.run(&["disconnect", &id, "--json"], None).ok();
    assert_eq!(done["disconnected"], id.as_str());
    assert_eq!(keyring.get(&secret_key(&id)).unwrap(), None);
    for table in [
        "mailcow_connections",
        "mailcow_domains",
        "mailcow_mailboxes",
        "mailcow_aliases",
        "accounts",
        "sync_state",
    ] {
        assert_eq!(profile.sqlite_count(table), 0, "{table}");
    }
    assert_eq!(
        profile.run(&["connections", "--json"], None).ok(),
        Value::Array(vec![])
    );
    assert_eq!(
        profile.run(&["mailboxes", "--json"], None).ok(),
        Value::Array(vec![])
    );
    assert_no_secret_in(&profile.dir, PASSWORD);
}

/// A portal preview that does not answer must not keep the mailcows from being read:
/// `sync` reads every mailcow first, then says the portal's trouble (2).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_mailcow_sync_reads_the_mailcows_while_the_portal_preview_is_offline() {
    let p = peer();
    let (domain, admin) = p.tenant(5, 5120, 1024, PASSWORD).await;
    p.add_mailbox(&format!("anna@{domain}"), "Anna", 100, PASSWORD)
        .await;
    let profile = Profile::new("cli_mailcow_portal_offline");
    let (portal, info) = support::start_sandbox(&profile.dir);
    let field = |key: &str| info[key].as_str().expect("sandbox JSON").to_owned();
    let signed_in = support::login(
        &profile.dir,
        &field("base_url"),
        &field("email"),
        &field("password"),
    );
    assert!(
        signed_in.status.success(),
        "{}",
        String::from_utf8_lossy(&signed_in.stdout)
    );
    let id = profile.connect_admin(&p.url, &admin);
    let both = profile.run(&["sync", "--json"], None).ok();
    let both = both.as_array().expect("outcomes");
    assert!(both.iter().any(|o| o["account_id"].is_string()));
    assert!(both.iter().any(|o| o["connection_id"] == id.as_str()));

    drop(portal);
    let bob = format!("bob@{domain}");
    p.add_mailbox(&bob, "Bob", 100, PASSWORD).await;
    let offline = profile.run(&["sync", "--json"], None);
    assert_eq!(offline.code, 2, "{}\n{}", offline.stdout, offline.stderr);
    assert_eq!(offline.json()["kind"], "offline");
    let addresses: Vec<Value> = profile
        .mailboxes(&domain)
        .iter()
        .map(|m| m["address"].clone())
        .collect();
    assert!(
        addresses.contains(&Value::from(bob.as_str())),
        "the mailcow was read before the portal failed: {addresses:?}"
    );
}

fn assert_no_secret_in(dir: &Path, secret: &str) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            let bytes = std::fs::read(&path).unwrap();
            assert!(
                !String::from_utf8_lossy(&bytes).contains(secret),
                "{} holds a secret",
                path.display()
            );
        }
    }
}
