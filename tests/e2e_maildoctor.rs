//! The mail doctor in the real window under Xvfb, driven through WebDriver, against real
//! Dovecot and Postfix on loopback (crates/core/tests/support/mailservers.rs), in demo
//! mode. In English: a demo mailbox's setup → "Check connection" → the loopback server,
//! ports and CA under "Advanced" and the password → every service OK and the folders; a
//! wrong password → the login refused on every service; a full mailbox → "Empty Trash and
//! Junk" → asked first → the usage drops, as the server counts it; the view at 1024×700.
//! In German (the language switched in the window): an address typed in the mail
//! settings that no cached mailbox covers → the check with the round trip, a wrong
//! password with the mail program on port 25 (the FAQ's Apple Mail steps), a full
//! mailbox emptied. Screenshots go to artifacts/e2e/maildoctor/.
#![cfg(target_os = "linux")]

#[path = "../crates/core/tests/support/mailservers.rs"]
mod mailservers;
mod support;

use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use mailservers::{mail_servers, message_of_size, MailServers, Mailbox, GOOD_HOST};
use support::demo::launch_demo;
// What mailservers.rs takes its ports from.
use support::driver::{kept_dir, wait_until, AppUnderTest};
use support::page::{
    attributes, click, replace_text, scroll_to, scroll_to_top, shot, text_of, wait_for,
};
use support::ports;
use support::webdriver::WebDriver;

const PATIENCE: Duration = Duration::from_secs(30);
/// The round trip waits up to a minute in the window.
const ROUND_TRIP_PATIENCE: Duration = Duration::from_secs(90);
const ARTIFACTS: &str = "maildoctor";
const CONNECTIONS: [&str; 4] = ["imap_tls", "imap_starttls", "smtp_tls", "smtp_starttls"];

/// One window at a time: both tests write into the same artifacts folder.
static ONE_WINDOW: Mutex<()> = Mutex::new(());

/// A message in a folder past the quota, as mail that filled the mailbox.
fn fill(servers: &MailServers, mailbox: &Mailbox, folder: &str, subject: &str, size: usize) {
    servers.save_message_past_quota(mailbox, folder, &message_of_size(subject, size));
}

/// The demo mailbox list, once the first sync has filled it.
fn demo_addresses(d: &WebDriver) -> Vec<String> {
    click(d, "[data-testid=nav-mailboxes]");
    wait_until(PATIENCE, "the demo's mailboxes", || {
        let rows = attributes(d, "[data-testid=mailbox-row]", "data-address");
        Ok((rows.len() >= 6).then_some(rows))
    })
    .expect("mailboxes")
}

/// Opens a mailbox's setup panel as a user does: search, then Enter on the list.
fn open_setup(d: &WebDriver, address: &str) {
    replace_text(d, "[data-testid=mailbox-search]", address);
    wait_until(PATIENCE, "the one mailbox", || {
        let rows = attributes(d, "[data-testid=mailbox-row]", "data-address");
        Ok((rows == [address]).then_some(()))
    })
    .expect("the mailbox alone in the list");
    let list = d.find("[data-testid=virtual-list]").expect("list");
    d.send_keys(&list, "\u{E015}\u{E007}")
        .expect("ArrowDown, Enter");
    wait_for(
        d,
        PATIENCE,
        &format!("[data-testid=mailbox-setup][data-address={address:?}]"),
    );
}

/// The loopback servers under "Advanced", and the password.
fn enter_connection(d: &WebDriver, servers: &MailServers, password: &str) {
    replace_text(d, "[data-testid=md-password]", password);
    if d.find_all("[data-testid=md-advanced][open]")
        .expect("find")
        .is_empty()
    {
        click(d, "[data-testid=md-advanced] summary");
    }
    let ports = servers.ports;
    replace_text(d, "[data-testid=md-server]", GOOD_HOST);
    for (field, port) in [
        ("imapTls", ports.imap_tls),
        ("imapStarttls", ports.imap_starttls),
        ("smtpTls", ports.smtp_tls),
        ("smtpStarttls", ports.smtp_starttls),
    ] {
        replace_text(
            d,
            &format!("[data-testid=md-port-{field}]"),
            &port.to_string(),
        );
    }
    replace_text(
        d,
        "[data-testid=md-ca-file]",
        servers.ca_file.to_str().expect("utf-8 path"),
    );
}

/// Runs and waits for a headline of `status` (the previous result stays until then).
fn run_and_wait(d: &WebDriver, button: &str, status: &str, limit: Duration) {
    click(d, &format!("[data-testid={button}]"));
    let wanted = format!("[data-testid=md-summary][data-status={status}]");
    let reached = wait_until(limit, &wanted, || {
        Ok(d.find_all(&wanted)
            .map(|found| !found.is_empty())
            .unwrap_or(false)
            .then_some(()))
    });
    if let Err(err) = reached {
        // Say what the doctor showed instead, service by service.
        let shown = d
            .execute(
                "const s = document.querySelector('[data-testid=md-summary]'); \
                 const rows = [...document.querySelectorAll('[data-testid=md-service]')] \
                   .map(r => r.dataset.service + '=' + r.dataset.status + ': ' + r.textContent.trim()); \
                 return (s ? s.dataset.status + ' — ' + s.textContent.trim() : 'no summary') \
                   + ' | running: ' + document.querySelector('[data-testid=md-run]')?.disabled \
                   + ' | ' + rows.join(' | ');",
            )
            .map(|v| v.as_str().unwrap_or_default().to_owned())
            .unwrap_or_else(|e| format!("(page not readable: {e})"));
        panic!("{err}; the page shows: {shown}");
    }
    // The run is over when the buttons are enabled again.
    wait_until(limit, "the run to end", || {
        Ok(
            d.execute("return !document.querySelector('[data-testid=md-run]').disabled")
                .expect("script")
                .as_bool()
                .unwrap_or(false)
                .then_some(()),
        )
    })
    .expect("the run ended");
}

fn service_statuses(d: &WebDriver) -> Vec<String> {
    attributes(d, "[data-testid=md-service]", "data-status")
}

fn service_codes(d: &WebDriver) -> Vec<String> {
    attributes(d, "[data-testid=md-service]", "data-code")
}

fn finding_codes(d: &WebDriver) -> Vec<String> {
    attributes(d, "[data-testid=md-finding]", "data-code")
}

fn number(d: &WebDriver, css: &str, attribute: &str) -> u64 {
    attributes(d, css, attribute)
        .first()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no number in {attribute} of {css}"))
}

/// The quota as Dovecot counts it, in bytes (it reports KiB).
fn server_used_bytes(servers: &MailServers, mailbox: &Mailbox) -> u64 {
    servers.quota_kib(mailbox).0 * 1024
}

/// "Empty Trash and Junk": asked first with the folders named, then before/after from the
/// server, and the folder list read again. Returns (before, after) in bytes.
fn empty_trash_and_junk(
    app: &AppUnderTest,
    servers: &MailServers,
    mailbox: &Mailbox,
    prefix: &str,
) -> (u64, u64) {
    let d = app.driver();
    let used_on_server = server_used_bytes(servers, mailbox);
    click(d, "[data-testid=md-empty]");
    wait_for(d, PATIENCE, "[data-testid=md-confirm]");
    let mut asked = attributes(d, "[data-testid=md-confirm-folder]", "data-name");
    asked.sort();
    assert_eq!(asked, ["Junk", "Trash"], "the folders are named first");
    // Nothing is deleted before the user confirms.
    assert_eq!(servers.messages_in(mailbox, "Trash"), 4);
    shot(app, &format!("{prefix}-06-empty-confirm"));

    click(d, "[data-testid=md-confirm-empty]");
    wait_for(d, PATIENCE, "[data-testid=md-outcome]");
    let before = number(d, "[data-testid=md-before]", "data-used");
    let after = number(d, "[data-testid=md-after]", "data-used");
    assert_eq!(before, used_on_server, "before is the server's own count");
    assert!(after < before / 4, "usage dropped: {before} -> {after}");
    assert_eq!(
        after,
        server_used_bytes(servers, mailbox),
        "after is the server's own count"
    );
    assert_eq!(servers.messages_in(mailbox, "Trash"), 0);
    assert_eq!(servers.messages_in(mailbox, "Junk"), 0);
    assert_eq!(
        servers.messages_in(mailbox, "INBOX"),
        1,
        "INBOX is left alone"
    );
    // The folder list as the server has it now: Trash holds nothing.
    wait_until(PATIENCE, "the folders read again", || {
        let names = attributes(d, "[data-testid=md-folder]", "data-name");
        let sizes = attributes(d, "[data-testid=md-folder]", "data-size");
        let trash = names.iter().position(|n| n == "Trash");
        Ok(trash
            .and_then(|i| sizes.get(i))
            .filter(|s| s.as_str() == "0")
            .map(|_| ()))
    })
    .expect("Trash empty in the list");
    assert_eq!(
        attributes(d, "[data-testid=md-folder]", "data-name").first(),
        Some(&"INBOX".to_owned()),
        "INBOX is the largest folder now"
    );
    assert_eq!(
        d.execute("return document.querySelector('[data-testid=md-empty]').disabled")
            .expect("script"),
        true,
        "nothing is left to empty"
    );
    scroll_to(d, "[data-testid=md-outcome]");
    shot(app, &format!("{prefix}-07-emptied"));
    (before, after)
}

/// Nothing the app wrote holds a password: not its log, not its cache.
fn assert_no_password_left(app: AppUnderTest, data_dir: &Path, passwords: &[&str]) {
    let log = app.log.clone();
    drop(app);
    let mut files = vec![log];
    let mut dirs = vec![data_dir.to_owned()];
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
    for file in files {
        let bytes = std::fs::read(&file).unwrap_or_default();
        for password in passwords {
            let found = bytes
                .windows(password.len())
                .any(|w| w == password.as_bytes());
            assert!(!found, "a mailbox password is in {}", file.display());
        }
    }
}

#[test]
fn e2e_maildoctor_check_wrong_password_and_empty_trash() {
    let _one = ONE_WINDOW.lock().unwrap_or_else(|p| p.into_inner());
    let servers = mail_servers();
    let data_dir = kept_dir(module_path!());
    let app = launch_demo(ARTIFACTS, data_dir.path(), &[("LANG", "en_GB.UTF-8")]);
    let d = app.driver();

    let addresses = demo_addresses(d);
    let full_address = addresses
        .iter()
        .find(|a| a.starts_with("info@"))
        .expect("the demo's info@")
        .clone();
    let healthy_address = addresses
        .iter()
        .find(|a| !a.starts_with("info@"))
        .expect("another demo mailbox")
        .clone();
    // The demo mailbox, as a real mailbox on the loopback Dovecot.
    let healthy = servers.new_mailbox_at(&healthy_address, 10 * 1024);
    for (folder, subject, size) in [
        ("INBOX", "Quarterly report", 180_000),
        ("INBOX", "Offer", 40_000),
        ("Sent", "Re: Offer", 60_000),
        ("Trash", "Old newsletter", 20_000),
    ] {
        servers.save_message(&healthy, folder, &message_of_size(subject, size));
    }

    // The setup panel leads to the doctor.
    open_setup(d, &healthy_address);
    click(d, "[data-testid=open-maildoctor]");
    wait_for(
        d,
        PATIENCE,
        &format!("[data-testid=mail-doctor][data-address={healthy_address:?}]"),
    );
    // The hosted mailcow is the default.
    click(d, "[data-testid=md-advanced] summary");
    assert_eq!(
        d.execute("return document.querySelector('[data-testid=md-server]').value")
            .expect("script"),
        "hosted.mailcow.de"
    );
    enter_connection(d, servers, &healthy.password);
    click(d, "[data-testid=md-keep]");
    scroll_to_top(d);
    shot(&app, "en-01-form");

    run_and_wait(d, "md-run", "ok", PATIENCE);
    assert_eq!(service_statuses(d), ["ok"; 4]);
    assert_eq!(
        service_codes(d),
        CONNECTIONS.map(|s| format!("{s}_ok")).to_vec()
    );
    assert_eq!(
        text_of(d, "[data-testid=md-summary]"),
        "All four connections work."
    );
    let first = text_of(d, "[data-testid=md-service][data-service=imap_tls]");
    assert!(
        first.contains(&format!("IMAP · SSL/TLS · port {}", servers.ports.imap_tls)),
        "{first}"
    );
    assert!(first.contains("works"), "{first}");
    // The folders, largest first, and the quota from the server.
    let folders = attributes(d, "[data-testid=md-folder]", "data-name");
    assert_eq!(
        folders.first().map(String::as_str),
        Some("INBOX"),
        "{folders:?}"
    );
    for name in ["Sent", "Trash", "Junk"] {
        assert!(folders.iter().any(|f| f == name), "{folders:?}");
    }
    assert_eq!(
        number(d, "[data-testid=md-quota]", "data-used"),
        server_used_bytes(servers, &healthy)
    );
    assert_eq!(
        number(d, "[data-testid=md-quota]", "data-limit"),
        10 * 1024 * 1024
    );
    // Kept (in memory, in the demo) after the server took it.
    wait_for(d, PATIENCE, "[data-testid=md-kept]");
    scroll_to(d, "[data-testid=md-results]");
    shot(&app, "en-02-all-ok");
    scroll_to(d, "[data-testid=md-usage]");
    shot(&app, "en-03-folders");

    // A wrong password: the login is refused on every service, with the finding's text.
    replace_text(d, "[data-testid=md-password]", "not the password");
    run_and_wait(d, "md-run", "failed", PATIENCE);
    assert_eq!(
        service_codes(d),
        CONNECTIONS.map(|s| format!("{s}_auth_failed")).to_vec()
    );
    let refused = text_of(d, "[data-testid=md-service][data-service=smtp_starttls]");
    assert!(refused.contains("refused the login"), "{refused}");
    assert_eq!(
        text_of(d, "[data-testid=md-summary]"),
        "4 of 4 connections fail."
    );
    // The form keeps what was typed.
    assert_eq!(
        d.execute("return document.querySelector('[data-testid=md-password]').value")
            .expect("script"),
        "not the password"
    );
    scroll_to(d, "[data-testid=md-results]");
    shot(&app, "en-04-wrong-password");

    // A full mailbox: most of it in Trash and Junk.
    let full = servers.new_mailbox_at(&full_address, 1024);
    fill(servers, &full, "INBOX", "Contract", 60_000);
    for i in 0..4 {
        fill(servers, &full, "Trash", &format!("Deleted {i}"), 220_000);
    }
    fill(servers, &full, "Junk", "Spam", 120_000);
    click(d, "[data-testid=md-back]");
    wait_for(
        d,
        PATIENCE,
        &format!("[data-testid=mailbox-setup][data-address={healthy_address:?}]"),
    );
    click(d, "[data-testid=mailbox-setup-close]");
    open_setup(d, &full_address);
    click(d, "[data-testid=open-maildoctor-usage]");
    wait_for(
        d,
        PATIENCE,
        &format!("[data-testid=mail-doctor][data-address={full_address:?}]"),
    );
    enter_connection(d, servers, &full.password);
    run_and_wait(d, "md-run-usage", "problem", PATIENCE);
    assert_eq!(
        service_statuses(d),
        ["ok", "not_checked", "not_checked", "not_checked"]
    );
    let codes = finding_codes(d);
    assert!(codes.contains(&"quota_full".to_owned()), "{codes:?}");
    assert!(codes.contains(&"trash_holds_quota".to_owned()), "{codes:?}");
    assert_eq!(
        attributes(d, "[data-testid=md-folder]", "data-name").first(),
        Some(&"Trash".to_owned())
    );
    scroll_to(d, "[data-testid=md-results]");
    shot(&app, "en-05-full-mailbox");
    empty_trash_and_junk(&app, servers, &full, "en");

    // The smallest window the view is made for: nothing sticks out sideways.
    d.set_window_size(1024, 700).expect("resize the window");
    wait_until(PATIENCE, "the window at 1024 px", || {
        Ok(d.execute("return window.innerWidth")
            .expect("script")
            .as_u64()
            .filter(|w| *w <= 1024)
            .map(|_| ()))
    })
    .expect("resized");
    let overflow = d
        .execute(
            "const pane = document.querySelector('main.content');
             const right = pane.getBoundingClientRect().right + 1;
             const wide = [...document.querySelectorAll('[data-testid=mail-doctor] *')]
               .filter(e => e.getBoundingClientRect().right > right)
               .map(e => e.tagName + '.' + e.className + ' ' + (e.dataset.testid || '') + ' right=' + Math.round(e.getBoundingClientRect().right) + ' of ' + Math.round(right) + ' ' + (e.textContent || '').slice(0, 40));
             return { scroll: pane.scrollWidth - pane.clientWidth, wide };",
        )
        .expect("script");
    assert_eq!(overflow["scroll"], 0, "sideways scrolling: {overflow}");
    assert_eq!(overflow["wide"], serde_json::json!([]), "{overflow}");
    scroll_to_top(d);
    shot(&app, "en-08-1024x700");
    scroll_to(d, "[data-testid=md-results]");
    shot(&app, "en-09-1024x700-results");
    scroll_to(d, "[data-testid=md-usage]");
    shot(&app, "en-10-1024x700-folders");

    assert_no_password_left(app, data_dir.path(), &[&healthy.password, &full.password]);
}

#[test]
fn e2e_maildoctor_in_german_for_a_typed_address() {
    let _one = ONE_WINDOW.lock().unwrap_or_else(|p| p.into_inner());
    let servers = mail_servers();
    // Addresses no cached mailbox covers, on the loopback server's own domain.
    let mailbox = servers.new_mailbox(10 * 1024);
    servers.save_message(&mailbox, "INBOX", &message_of_size("Angebot", 90_000));
    servers.save_message(&mailbox, "Sent", &message_of_size("Re: Angebot", 30_000));
    let full = servers.new_mailbox(1024);
    fill(servers, &full, "INBOX", "Vertrag", 60_000);
    for i in 0..4 {
        fill(servers, &full, "Trash", &format!("Gelöscht {i}"), 220_000);
    }
    fill(servers, &full, "Junk", "Spam", 120_000);

    let data_dir = kept_dir(module_path!());
    let app = launch_demo(ARTIFACTS, data_dir.path(), &[("LANG", "en_GB.UTF-8")]);
    let d = app.driver();
    // The UI language switched in the window.
    click(d, "[data-testid=language-select]");
    click(d, "[data-testid=language-select] option[value=de]");
    wait_until(PATIENCE, "the German UI", || {
        Ok(
            (text_of(d, "[data-testid=nav-mailsettings]") == "E-Mail-Einstellungen"
                || d.execute("return document.documentElement.lang")
                    .expect("script")
                    == "de")
                .then_some(()),
        )
    })
    .expect("German");

    click(d, "[data-testid=nav-mailsettings]");
    replace_text(d, "[data-testid=mail-address-input]", &mailbox.address);
    wait_for(d, PATIENCE, "[data-testid=mail-address-doctor]");
    shot(&app, "de-00-e-mail-einstellungen");
    click(d, "[data-testid=mail-address-doctor]");
    wait_for(
        d,
        PATIENCE,
        &format!(
            "[data-testid=mail-doctor][data-address={:?}]",
            mailbox.address
        ),
    );
    enter_connection(d, servers, &mailbox.password);
    click(d, "[data-testid=md-round-trip]");
    scroll_to_top(d);
    shot(&app, "de-01-formular");
    run_and_wait(d, "md-run", "ok", ROUND_TRIP_PATIENCE);
    assert_eq!(service_statuses(d), ["ok"; 4]);
    assert_eq!(finding_codes(d), ["round_trip_ok"]);
    assert_eq!(
        text_of(d, "[data-testid=md-summary]"),
        "Alle vier Verbindungen funktionieren."
    );
    let imap = text_of(d, "[data-testid=md-service][data-service=imap_tls]");
    assert!(imap.contains("funktioniert"), "{imap}");
    // The test mail was deleted again.
    assert_eq!(servers.messages_in(&mailbox, "INBOX"), 1);
    scroll_to(d, "[data-testid=md-results]");
    shot(&app, "de-02-alles-ok");
    scroll_to(d, "[data-testid=md-usage]");
    shot(&app, "de-03-ordner");

    // A wrong password, and the mail program set to port 25 without password
    // authentication: the FAQ's Apple Mail steps.
    click(d, "[data-testid=md-round-trip]");
    replace_text(d, "[data-testid=md-password]", "falsches Passwort");
    click(d, "[data-testid=md-client] summary");
    replace_text(d, "[data-testid=md-client-port]", "25");
    click(d, "[data-testid=md-client-auth]");
    click(d, "[data-testid=md-client-auth] option[value=none]");
    run_and_wait(d, "md-run", "failed", PATIENCE);
    assert_eq!(
        service_codes(d),
        CONNECTIONS.map(|s| format!("{s}_auth_failed")).to_vec()
    );
    assert_eq!(finding_codes(d), ["port25_is_not_submission"]);
    let refused = text_of(d, "[data-testid=md-service][data-service=imap_tls]");
    assert!(refused.contains("hat die Anmeldung"), "{refused}");
    assert!(text_of(d, "[data-testid=md-finding]").contains("Port 25"));
    assert_eq!(
        attributes(d, "[data-testid=md-note]", "data-key"),
        ["md.note.auth_not_password"]
    );
    wait_for(
        d,
        PATIENCE,
        "[data-testid=md-results] [data-testid=apple-mail-guide]",
    );
    scroll_to(d, "[data-testid=md-results]");
    shot(&app, "de-04-falsches-passwort");
    scroll_to(d, "[data-testid=md-other]");
    shot(&app, "de-04b-port-25-apple-mail");

    // The full mailbox, typed on the same page.
    click(d, "[data-testid=md-back]");
    replace_text(d, "[data-testid=mail-address-input]", &full.address);
    wait_until(PATIENCE, "the doctor buttons for the new address", || {
        Ok(text_of(d, "[data-testid=mail-address-help]")
            .contains(&full.address)
            .then_some(()))
    })
    .expect("address accepted");
    click(d, "[data-testid=mail-address-usage]");
    wait_for(
        d,
        PATIENCE,
        &format!("[data-testid=mail-doctor][data-address={:?}]", full.address),
    );
    enter_connection(d, servers, &full.password);
    run_and_wait(d, "md-run-usage", "problem", PATIENCE);
    let codes = finding_codes(d);
    assert!(codes.contains(&"quota_full".to_owned()), "{codes:?}");
    scroll_to(d, "[data-testid=md-results]");
    shot(&app, "de-05-volles-postfach");
    empty_trash_and_junk(&app, servers, &full, "de");
    assert!(text_of(d, "[data-testid=md-outcome]").contains("Geleert: "));

    assert_no_password_left(app, data_dir.path(), &[&mailbox.password, &full.password]);
}
