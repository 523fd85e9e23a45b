//! The mailcow mailbox window's password change, secret links for generated passwords and
//! CSV import, in the real window under Xvfb through WebDriver, against the real mailcow
//! peer (crates/core/tests/support/mailcow_peer.rs) and the Yopass double of the sandbox
//! on loopback. Everything is checked afterwards on the peer through its API with the
//! read-write key (or its user login, for passwords).
//!
//! In English: a typed new password for a mailbox (confirmed, then the old one fails and
//! the new one works on the peer), a generated one shown once; a CSV file of 300 rows (the
//! peer fixture's 200 with bad and conflicting rows, and 100 more) chosen through the open
//! dialog's test seam: the dry run counts, apply with the generated passwords into a
//! chosen file, progress, Cancel (fewer created than planned), a second dry run that plans
//! only the rest, a second apply that finishes and creates nothing twice, its generated
//! passwords shown once, one of them shared as a secret link that openpgp.js opens back
//! from the double; none of these passwords is in the app's log or profile. In German:
//! the same dialogs, with their texts. Screenshots go to artifacts/e2e/mailcow-import/.
#![cfg(target_os = "linux")]

mod support;

use std::collections::BTreeSet;
use std::time::Duration;

use cowdesk_sandbox::{YopassConfig, YopassServer};
use support::driver::{kept_dir, wait_until, AppUnderTest, Launch};
use support::mailcow_peer::{peer, prepare_two_hundred_rows, two_hundred_rows, unique, Peer};
use support::mailcow_window::host_of;
use support::openpgp_js::openpgp_js;
use support::page::{attributes, click, replace_text, shot, text_of, wait_for};
use support::webdriver::WebDriver;

const PATIENCE: Duration = Duration::from_secs(45);
/// The import of a few hundred rows through the peer's PHP: minutes at most.
const IMPORT_PATIENCE: Duration = Duration::from_secs(600);
const ARTIFACTS: &str = "mailcow-import";

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("a runtime for the peer's API and the Yopass double")
}

fn attr(d: &WebDriver, css: &str, name: &str) -> String {
    attributes(d, css, name)
        .into_iter()
        .next()
        .unwrap_or_default()
}

fn number(d: &WebDriver, css: &str, name: &str) -> usize {
    attr(d, css, name)
        .parse()
        .unwrap_or_else(|_| panic!("{css} has a number in {name}"))
}

fn value_of(d: &WebDriver, css: &str) -> String {
    d.execute(&format!("return document.querySelector({css:?}).value"))
        .expect("script")
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

struct Texts {
    password_question: &'static str,
    changed: &'static str,
    import_title: &'static str,
    apply: &'static str,
    cancelled: &'static str,
    share_open: &'static str,
}

const EN: Texts = Texts {
    password_question: "Set the password you typed for",
    changed: "The mailcow set the new password of",
    import_title: "Import mailboxes or aliases from a CSV file",
    apply: "Import 280 rows",
    cancelled: "Import cancelled",
    share_open: "Share as secret link",
};

const DE: Texts = Texts {
    password_question: "Das eingegebene Passwort für",
    changed: "Der mailcow hat das neue Passwort von",
    import_title: "Postfächer oder Aliasse aus einer CSV-Datei importieren",
    apply: "280 Zeilen importieren",
    cancelled: "Import abgebrochen",
    share_open: "Als Secret-Link teilen",
};

/// A domain of its own with room for the file, its administrator, the fixture's existing
/// mailboxes and alias, and `anna`; the CSV file of 300 rows (280 to create).
struct Tenant {
    domain: String,
    admin: String,
    password: String,
    csv: String,
}

fn tenant(rt: &tokio::runtime::Runtime, p: &Peer) -> Tenant {
    let password = format!("Da-{}-Pass!9", unique("pw"));
    let (domain, admin) = rt.block_on(p.tenant(400, 8192, 1024, &password));
    rt.block_on(prepare_two_hundred_rows(p, &domain, "Mb-Pass-12345!"));
    rt.block_on(p.add_mailbox(
        &format!("anna@{domain}"),
        "Anna Berger",
        100,
        "Mb-Pass-12345!",
    ));
    let (mut csv, _) = two_hundred_rows(&domain);
    for i in 0..100 {
        csv += &format!("extra{i:03},{domain},Extra {i},10,,1\n");
    }
    Tenant {
        domain,
        admin,
        password,
        csv,
    }
}

/// Signs in to the peer as the tenant's domain administrator and opens the mailboxes.
fn sign_in(d: &WebDriver, p: &Peer, t: &Tenant) {
    wait_for(d, PATIENCE, "[data-testid=mc-hosted-user]");
    click(d, "[data-testid=mc-hosted-form] details.advanced summary");
    wait_for(d, PATIENCE, "[data-testid=mc-hosted-url]");
    replace_text(d, "[data-testid=mc-hosted-url]", &p.url);
    replace_text(d, "[data-testid=mc-hosted-user]", &t.admin);
    replace_text(d, "[data-testid=mc-hosted-password]", &t.password);
    click(d, "[data-testid=mc-hosted-submit]");
    wait_for(d, PATIENCE, "[data-testid=mailcow-dashboard]");
    click(d, "[data-testid=nav-mailboxes]");
    let anna = format!("anna@{}", t.domain);
    wait_until(PATIENCE, "the tenant's mailboxes", || {
        let rows = attributes(d, "[data-testid=mcb-row]", "data-address");
        Ok(rows.contains(&anna).then_some(()))
    })
    .expect("anna listed");
}

fn row(address: &str, action: &str) -> String {
    format!("[data-testid=mcb-row][data-address='{address}'] [data-testid={action}]")
}

/// A typed password for anna: the dialog, a mismatch caught before anything is sent, the
/// confirmation, the server's success; then the peer takes the new one, not the old one.
fn typed_password_change(
    app: &AppUnderTest,
    rt: &tokio::runtime::Runtime,
    p: &Peer,
    t: &Tenant,
    texts: &Texts,
    tag: &str,
) -> String {
    let d = app.driver();
    let anna = format!("anna@{}", t.domain);
    let new_password = format!("Neu-{}-Pass!7", unique("pw"));
    click(d, &row(&anna, "mcx-password"));
    wait_for(d, PATIENCE, "[data-testid=mcx-password-dialog]");
    click(d, "[data-testid=mcx-password-type]");
    wait_for(d, PATIENCE, "[data-testid=mcx-password-new]");
    replace_text(d, "[data-testid=mcx-password-new]", &new_password);
    replace_text(d, "[data-testid=mcx-password-repeat]", "something-else");
    click(d, "[data-testid=mcx-password-submit]");
    wait_for(d, PATIENCE, "[data-testid=mcx-password-error]");
    shot(app, &format!("{tag}-1-password-mismatch"));
    assert!(
        rt.block_on(p.mailbox_login_works(&anna, "Mb-Pass-12345!")),
        "nothing was sent yet"
    );
    replace_text(d, "[data-testid=mcx-password-repeat]", &new_password);
    click(d, "[data-testid=mcx-password-submit]");
    wait_for(d, PATIENCE, "[data-testid=mcx-password-question]");
    let question = text_of(d, "[data-testid=mcx-password-question]");
    assert!(
        question.contains(texts.password_question) && question.contains(&anna),
        "{question}"
    );
    shot(app, &format!("{tag}-2-password-confirm"));
    click(d, "[data-testid=mcx-password-confirm]");
    wait_until(PATIENCE, "the server's success", || {
        let notice = text_of(d, "[data-testid=mcb-notice]");
        Ok(notice.contains(texts.changed).then_some(()))
    })
    .expect("the change confirmed in the window");
    assert!(rt.block_on(p.mailbox_login_works(&anna, &new_password)));
    assert!(!rt.block_on(p.mailbox_login_works(&anna, "Mb-Pass-12345!")));
    new_password
}

/// A generated password for anna, shown once; the peer takes it.
fn generated_password_change(
    app: &AppUnderTest,
    rt: &tokio::runtime::Runtime,
    p: &Peer,
    t: &Tenant,
    tag: &str,
) -> String {
    let d = app.driver();
    let anna = format!("anna@{}", t.domain);
    click(d, &row(&anna, "mcx-password"));
    wait_for(d, PATIENCE, "[data-testid=mcx-password-generate]");
    click(d, "[data-testid=mcx-password-submit]");
    wait_for(d, PATIENCE, "[data-testid=mcx-password-confirm]");
    click(d, "[data-testid=mcx-password-confirm]");
    wait_for(d, PATIENCE, "[data-testid=mcb-generated-password]");
    let generated = text_of(d, "[data-testid=mcb-generated-password]");
    assert!(generated.len() >= 12, "a generated password: {generated:?}");
    assert!(rt.block_on(p.mailbox_login_works(&anna, &generated)));
    shot(app, &format!("{tag}-3-password-generated"));
    generated
}

/// Shares the password inside `scope` as a secret link through the double; the link is
/// shown ready to paste, the double holds one one-time secret, and openpgp.js opens it
/// back to `secret`.
fn share(
    app: &AppUnderTest,
    yopass: &YopassServer,
    scope: &str,
    secret: &str,
    texts: &Texts,
    tag: &str,
) {
    let d = app.driver();
    let open = format!("{scope} [data-testid=mcx-share-open]");
    assert_eq!(text_of(d, &open), texts.share_open);
    click(d, &open);
    wait_for(
        d,
        PATIENCE,
        &format!("{scope} [data-testid=mcx-share-form]"),
    );
    assert_eq!(
        d.execute(&format!(
            "return document.querySelector(\"{scope} [data-testid=mcx-share-one-time]\").checked"
        ))
        .expect("script"),
        serde_json::Value::Bool(true),
        "one-time is on by default"
    );
    click(
        d,
        &format!("{scope} [data-testid=mcx-share-settings] summary"),
    );
    replace_text(
        d,
        &format!("{scope} [data-testid=mcx-share-server]"),
        &yopass.base_url(),
    );
    click(d, &format!("{scope} [data-testid=mcx-share-server-save]"));
    wait_until(PATIENCE, "the secret service saved", || {
        let summary = text_of(
            d,
            &format!("{scope} [data-testid=mcx-share-settings] summary"),
        );
        Ok(summary.contains(&yopass.base_url()).then_some(()))
    })
    .expect("the double as the secret service");
    click(d, &format!("{scope} [data-testid=mcx-share-expiry-hour]"));
    shot(app, &format!("{tag}-share-form"));
    let before = yopass.double().posted().len();
    click(d, &format!("{scope} [data-testid=mcx-share-create]"));
    wait_for(
        d,
        PATIENCE,
        &format!("{scope} [data-testid=mcx-share-link]"),
    );
    let link = value_of(d, &format!("{scope} [data-testid=mcx-share-link]"));
    shot(app, &format!("{tag}-share-link"));
    let posted = yopass.double().posted();
    assert_eq!(posted.len(), before + 1, "one secret sent");
    let (id, stored) = posted.last().expect("the secret").clone();
    assert!(stored.one_time, "one-time by default");
    assert_eq!(stored.expiration, 3600, "the hour chosen");
    let (server, rest) = link.split_once("/#/s/").expect("a secret link");
    assert_eq!(server, yopass.base_url());
    let (link_id, key) = rest.split_once('/').expect("a link with its key");
    assert_eq!(link_id, id);
    assert_eq!(key.len(), 22);
    assert!(
        !stored.message.contains(secret),
        "only the encrypted text is sent"
    );
    let (ok, plain) = openpgp_js(&["decrypt", key], &stored.message);
    assert!(ok, "openpgp.js opens what the window made");
    assert_eq!(plain, secret);
}

/// Dry run of the file: the counts, the windowed table.
fn dry_run(d: &WebDriver, texts: &Texts) {
    click(d, "[data-testid=mcx-import-open]");
    wait_for(d, PATIENCE, "[data-testid=mcx-import]");
    assert!(text_of(d, "[data-testid=mcx-import]").contains(texts.import_title));
    click(d, "[data-testid=mcx-import-choose]");
    wait_for(d, IMPORT_PATIENCE, "[data-testid=mcx-import-counts]");
    let counts = "[data-testid=mcx-import-counts]";
    assert_eq!(number(d, counts, "data-create"), 280);
    assert_eq!(number(d, counts, "data-unchanged"), 2);
    assert_eq!(number(d, counts, "data-conflict"), 6);
    assert_eq!(number(d, counts, "data-bad"), 12);
    assert_eq!(text_of(d, "[data-testid=mcx-import-file]"), "mailboxes.csv");
    assert_eq!(text_of(d, "[data-testid=mcx-import-apply]"), texts.apply);
    // Windowed: the table holds 300 rows, far fewer are in the page.
    assert_eq!(
        number(
            d,
            "[data-testid=mcx-import-table] [data-testid=virtual-list]",
            "data-rows"
        ),
        300
    );
    let rendered = attributes(d, "[data-testid=mcx-import-row]", "data-line").len();
    assert!(
        rendered > 0 && rendered < 100,
        "{rendered} rows in the page"
    );
}

/// The profile's folder inside the test's kept folder (beside the save folder).
fn profile_dir(dir: &support::driver::KeptDir) -> std::path::PathBuf {
    let profile = dir.path().join("profile");
    std::fs::create_dir_all(&profile).expect("the profile folder");
    profile
}

/// The user's own import file, in a folder of theirs outside cowdesk's data: it holds the
/// new mailboxes' passwords by design, so it stays out of the kept folder the leak scan
/// reads (which checks what cowdesk itself wrote). Removed when the first value drops.
fn users_csv(csv: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let folder = tempfile::tempdir().expect("a folder for the user's file");
    let path = folder.path().join("mailboxes.csv");
    std::fs::write(&path, csv).expect("the CSV file");
    (folder, path)
}

fn on_peer(rt: &tokio::runtime::Runtime, p: &Peer, domain: &str) -> BTreeSet<String> {
    rt.block_on(p.mailboxes_of(domain))
        .iter()
        .filter_map(|m| m["username"].as_str().map(str::to_owned))
        .collect()
}

#[test]
fn e2e_mailcow_window_password_secret_link_and_csv_import_in_english() {
    let p = peer();
    let rt = runtime();
    let yopass = rt
        .block_on(YopassServer::start(YopassConfig::default()))
        .expect("the Yopass double");
    let t = tenant(&rt, p);
    let data_dir = kept_dir("e2e_mailcow_import_en");
    let (_user_files, csv_path) = users_csv(&t.csv);
    let out = data_dir.path().join("out");
    std::fs::create_dir_all(&out).expect("the save folder");
    let app = AppUnderTest::launch(
        ARTIFACTS,
        Launch {
            data_dir: Some(&profile_dir(&data_dir)),
            env: &[
                ("LANG", "en_GB.UTF-8"),
                ("COWDESK_E2E_OPEN_FILE", csv_path.to_str().expect("utf-8")),
                ("COWDESK_E2E_SAVE_DIR", out.to_str().expect("utf-8")),
            ],
            ..Launch::default()
        },
    )
    .expect("app starts under tauri-driver");
    let d = app.driver();
    sign_in(d, p, &t);

    // Every row has the mail setup and the mail doctor.
    let anna = format!("anna@{}", t.domain);
    click(d, &row(&anna, "mcx-setup"));
    wait_for(
        d,
        PATIENCE,
        &format!("[data-testid=mailbox-setup][data-address='{anna}']"),
    );
    // The mailbox is reached at the connection's own server, not at the hosted mailcow.
    // The table fills in when the core has answered for the connection, after the dialog.
    wait_for(
        d,
        PATIENCE,
        "[data-testid=mailbox-setup] [data-testid=mail-server-row]",
    );
    let server = host_of(&p.url);
    let server = server
        .rsplit_once(':')
        .map_or(server.as_str(), |(host, _)| host);
    let table = text_of(
        d,
        "[data-testid=mailbox-setup] [data-testid=mail-server-row]",
    );
    assert!(
        table.contains(server) && !table.contains("hosted.mailcow.de"),
        "the setup names {server}: {table}"
    );
    shot(&app, "en-0-setup");
    click(d, "[data-testid=open-maildoctor]");
    wait_for(
        d,
        PATIENCE,
        &format!("[data-testid=mail-doctor][data-address='{anna}']"),
    );
    wait_for(d, PATIENCE, "[data-testid=md-password]");
    assert_eq!(value_of(d, "[data-testid=md-server]"), server);
    shot(&app, "en-0-doctor");
    click(d, "[data-testid=md-back]");
    wait_for(d, PATIENCE, "[data-testid=mcb-list]");
    // The doctor straight from a row.
    click(d, &row(&anna, "mcx-doctor"));
    wait_for(
        d,
        PATIENCE,
        &format!("[data-testid=mail-doctor][data-address='{anna}']"),
    );
    click(d, "[data-testid=md-back]");
    wait_for(d, PATIENCE, "[data-testid=mcb-list]");

    // (b) the password, typed and generated, proven on the peer.
    let typed = typed_password_change(&app, &rt, p, &t, &EN, "en");
    let generated = generated_password_change(&app, &rt, p, &t, "en");
    click(d, "[data-testid=mcb-generated-done]");

    // (a) the import: dry run, apply into a passwords file, Cancel.
    let before = on_peer(&rt, p, &t.domain);
    assert_eq!(before.len(), 4, "same, same2, differs, anna");
    dry_run(d, &EN);
    shot(&app, "en-4-import-dry-run");
    click(d, "[data-testid=mcx-import-passwords-file]");
    click(d, "[data-testid=mcx-import-passwords-choose]");
    wait_for(d, PATIENCE, "[data-testid=mcx-import-passwords-path]");
    let passwords_file = out.join("mailcow-passwords.csv");
    assert_eq!(
        text_of(d, "[data-testid=mcx-import-passwords-path]"),
        passwords_file.display().to_string()
    );
    click(d, "[data-testid=mcx-import-apply]");
    wait_until(IMPORT_PATIENCE, "some rows applied", || {
        let done = attr(d, "[data-testid=mcx-import-progress]", "data-done");
        Ok(done.parse::<usize>().is_ok_and(|n| n >= 8).then_some(()))
    })
    .expect("progress while applying");
    assert_eq!(
        number(d, "[data-testid=mcx-import-progress]", "data-total"),
        300
    );
    shot(&app, "en-5-import-progress");
    click(d, "[data-testid=mcx-import-cancel]");
    wait_for(d, IMPORT_PATIENCE, "[data-testid=mcx-import-result]");
    let result = "[data-testid=mcx-import-result]";
    assert_eq!(attr(d, result, "data-cancelled"), "true");
    assert!(text_of(d, result).contains(EN.cancelled));
    let first = number(d, result, "data-created");
    assert!((1..280).contains(&first), "cancelled after {first} of 280");
    assert_eq!(number(d, result, "data-failed"), 0);
    shot(&app, "en-6-import-cancelled");
    let after_first = on_peer(&rt, p, &t.domain);
    assert_eq!(
        after_first.len(),
        4 + first,
        "the peer has what the window says"
    );

    // The passwords file: mode 0600, only addresses made now, each password works.
    let written = std::fs::read_to_string(&passwords_file).expect("the passwords file");
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(&passwords_file)
            .expect("metadata")
            .permissions(),
    );
    assert_eq!(mode & 0o777, 0o600);
    let lines: Vec<(String, String)> = written
        .lines()
        .skip(1)
        .map(|l| {
            let (a, pw) = l.split_once(',').expect("address,password");
            (a.to_owned(), pw.to_owned())
        })
        .collect();
    assert!(
        !lines.is_empty() && lines.len() <= first,
        "{} passwords for {first} created",
        lines.len()
    );
    for (address, _) in &lines {
        assert!(
            after_first.contains(address) && !before.contains(address),
            "{address}"
        );
    }
    let (address, password) = &lines[0];
    assert!(rt.block_on(p.mailbox_login_works(address, password)));

    // A second dry run plans only the rest; the second apply finishes and creates nothing
    // twice; its generated passwords are shown once, and one is shared as a secret link.
    click(d, "[data-testid=mcx-import-again]");
    wait_until(IMPORT_PATIENCE, "the second dry run", || {
        let create = attr(d, "[data-testid=mcx-import-counts]", "data-create");
        Ok(create.parse::<usize>().ok())
    })
    .expect("counts");
    let counts = "[data-testid=mcx-import-counts]";
    assert_eq!(number(d, counts, "data-create"), 280 - first);
    assert_eq!(number(d, counts, "data-unchanged"), 2 + first);
    assert_eq!(
        d.execute(
            "return document.querySelector('[data-testid=mcx-import-passwords-show]').checked"
        )
        .expect("script"),
        serde_json::Value::Bool(true),
        "the passwords file served the first run only"
    );
    click(d, "[data-testid=mcx-import-apply]");
    wait_for(d, IMPORT_PATIENCE, result);
    assert_eq!(attr(d, result, "data-cancelled"), "false");
    assert_eq!(number(d, result, "data-created"), 280 - first);
    assert_eq!(number(d, result, "data-failed"), 0);
    let after_second = on_peer(&rt, p, &t.domain);
    assert_eq!(after_second.len(), 4 + 280, "each row created once");
    assert!(after_first.is_subset(&after_second));
    let shown = attributes(d, "[data-testid=mcx-import-generated-row]", "data-address");
    assert!(!shown.is_empty());
    for address in &shown {
        assert!(
            !after_first.contains(address),
            "{address} was made in the first run"
        );
    }
    let shown_passwords: Vec<String> = serde_json::from_value(
        d.execute("return [...document.querySelectorAll('[data-testid=mcx-import-generated-row] code.password')].map(e => e.textContent)")
            .expect("script"),
    )
    .expect("the passwords shown");
    assert_eq!(shown_passwords.len(), shown.len());
    let first_shown = format!(
        "[data-testid=mcx-import-generated-row][data-address='{}']",
        shown[0]
    );
    let secret = text_of(d, &format!("{first_shown} code.password"));
    shot(&app, "en-7-import-done");
    // (c) the generated password as a secret link, opened back by openpgp.js.
    share(&app, &yopass, &first_shown, &secret, &EN, "en-8");
    assert!(rt.block_on(p.mailbox_login_works(&shown[0], &secret)));

    // Closing forgets the passwords; the list shows the new mailboxes.
    click(d, "[data-testid=mcx-import-close]");
    // The list is windowed: it counts every mailbox and renders the ones in view.
    wait_until(PATIENCE, "the imported mailboxes listed", || {
        let total = attr(d, "[data-testid=mcb-list]", "data-total");
        Ok((total.parse::<usize>().unwrap_or(0) >= 284).then_some(()))
    })
    .expect("all mailboxes listed");
    let rendered = attributes(d, "[data-testid=mcb-row]", "data-address");
    assert!(
        !rendered.is_empty() && rendered.len() < 100,
        "only the rows in view are rendered: {}",
        rendered.len()
    );
    shot(&app, "en-9-listed");
    assert!(attributes(d, "[data-testid=mcx-import-generated-row]", "data-address").is_empty());

    // No password the window set, generated or showed is in its log or its profile.
    let mut secrets = vec![typed, generated];
    secrets.extend(lines.into_iter().map(|(_, pw)| pw));
    secrets.extend(shown_passwords);
    let log = app.log.clone();
    drop(app);
    assert_no_secret_left(&log, &profile_dir(&data_dir), &secrets);
    rt.block_on(yopass.shutdown());
}

/// Nothing the app wrote holds one of `secrets`: not its log, not its profile folder.
fn assert_no_secret_left(log: &std::path::Path, profile: &std::path::Path, secrets: &[String]) {
    let mut files = vec![log.to_owned()];
    let mut dirs = vec![profile.to_owned()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("readable").flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                files.push(path);
            }
        }
    }
    assert!(files.len() > 1, "the profile has files to look through");
    for file in files {
        let bytes = std::fs::read(&file).unwrap_or_default();
        for secret in secrets {
            assert!(secret.len() >= 8);
            let found = bytes.windows(secret.len()).any(|w| w == secret.as_bytes());
            assert!(!found, "a password is in {}", file.display());
        }
    }
}

#[test]
fn e2e_mailcow_window_password_secret_link_and_csv_import_dialogs_in_german() {
    let p = peer();
    let rt = runtime();
    let yopass = rt
        .block_on(YopassServer::start(YopassConfig::default()))
        .expect("the Yopass double");
    let t = tenant(&rt, p);
    let data_dir = kept_dir("e2e_mailcow_import_de");
    let (_user_files, csv_path) = users_csv(&t.csv);
    let app = AppUnderTest::launch(
        ARTIFACTS,
        Launch {
            data_dir: Some(&profile_dir(&data_dir)),
            env: &[
                ("LANG", "de_DE.UTF-8"),
                ("COWDESK_E2E_OPEN_FILE", csv_path.to_str().expect("utf-8")),
            ],
            ..Launch::default()
        },
    )
    .expect("app starts under tauri-driver");
    let d = app.driver();
    sign_in(d, p, &t);
    typed_password_change(&app, &rt, p, &t, &DE, "de");
    let generated = generated_password_change(&app, &rt, p, &t, "de");
    share(
        &app,
        &yopass,
        "[data-testid=mcb-generated]",
        &generated,
        &DE,
        "de-4",
    );
    click(d, "[data-testid=mcb-generated-done]");
    dry_run(d, &DE);
    shot(&app, "de-5-import-dry-run");
    // Nothing was imported: a dry run sends nothing.
    assert_eq!(on_peer(&rt, p, &t.domain).len(), 4);
    drop(app);
    rt.block_on(yopass.shutdown());
}
