//! The support desk in the real window under Xvfb, driven through WebDriver, in demo mode
//! (the sandbox inside the app answers as the portal preview connection and as the Yopass
//! secret service). In English: the tickets and a conversation; a technical-problem ticket
//! reached and filled by keyboard, its missing fields named next to them, a pasted password
//! that the guard stops (named, masked, nothing sent), replaced in place by a secret link
//! that openpgp.js opens back from the double, then sent; the conversation keeps the link
//! without its key. "Share a secret": the link shown once with its key, copied, opened back
//! and gone after one download. A bounce of the corpus pasted from the clipboard: the
//! reason, codes and servers; "Ask support" fills the "mail not arriving" form. In German:
//! the guard on the way to the customer portal (nothing copied), a secret shared by
//! keyboard alone, and greylisting read from a dropped .eml file. Screenshots go to
//! artifacts/e2e/support/.
#![cfg(target_os = "linux")]

mod support;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use cowdesk_sandbox::record_secret;
use support::demo::{launch_demo, OWN};
use support::driver::{kept_dir, wait_until, AppUnderTest};
use support::openpgp_js::openpgp_js;
use support::page::{attributes, click, replace_text, scroll_to, shot, text_of, wait_for};
use support::webdriver::WebDriver;

const PATIENCE: Duration = Duration::from_secs(30);
const ARTIFACTS: &str = "support";
const TAB: &str = "\u{E004}";
const ENTER: &str = "\u{E007}";
const ARROW_LEFT: &str = "\u{E012}";
const ARROW_RIGHT: &str = "\u{E014}";
/// Control held for the next key; the null key lets go of it.
const CTRL_V: &str = "\u{E009}v\u{E000}";

/// One window at a time: both tests write into the same artifacts folder and use the one
/// X11 clipboard.
static ONE_WINDOW: Mutex<()> = Mutex::new(());

/// Waits until `css` matches; on a timeout the window is kept as `failure-*.png` first.
fn shown(app: &AppUnderTest, css: &str) {
    let d = app.driver();
    let found = wait_until(PATIENCE, css, || {
        Ok(d.find_all(css)
            .map(|found| !found.is_empty())
            .unwrap_or(false)
            .then_some(()))
    });
    if let Err(e) = found {
        let _ = app.screenshot("failure");
        panic!("{e}");
    }
}

/// A message of the bounce corpus, as the user saved it.
fn corpus(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("crates/core/tests/fixtures/bounces")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn clipboard_text() -> Option<String> {
    arboard::Clipboard::new().ok()?.get_text().ok()
}

/// The value of a form control.
fn value_of(d: &WebDriver, css: &str) -> String {
    d.execute(&format!(
        "const el = document.querySelector({css:?}); return el ? el.value : null"
    ))
    .expect("script")
    .as_str()
    .unwrap_or_default()
    .to_owned()
}

/// What has the keyboard focus: its data-testid, else its id.
fn focused(d: &WebDriver) -> String {
    d.execute("const el = document.activeElement; return el ? (el.dataset.testid || el.id || el.tagName) : ''")
        .expect("script")
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// Keys pressed where the focus is, as a user types.
fn press(d: &WebDriver, keys: &str) {
    let element = d.active().expect("a focused element");
    d.send_keys(&element, keys)
        .unwrap_or_else(|e| panic!("press {keys:?}: {e}"));
}

/// Presses Tab until `target` has the focus (at most `limit` times); every stop on the way.
fn tab_to(d: &WebDriver, target: &str, limit: usize) -> Vec<String> {
    let mut stops = Vec::new();
    for _ in 0..limit {
        press(d, TAB);
        let now = focused(d);
        stops.push(now.clone());
        if now == target {
            return stops;
        }
    }
    panic!("{target} not reached by Tab; the focus went {stops:?}");
}

/// Holds `text` on the X11 clipboard and presses Ctrl+V in the field, as a user pastes.
fn paste(d: &WebDriver, css: &str, text: &str) {
    let mut clipboard = arboard::Clipboard::new().expect("the X11 clipboard");
    clipboard.set_text(text).expect("clipboard holds the text");
    click(d, css);
    press(d, CTRL_V);
    // The clipboard must be held until the page has read it; a textarea keeps "\n" only.
    let expected = text.replace("\r\n", "\n");
    wait_until(PATIENCE, "the pasted text in the field", || {
        Ok((value_of(d, css) == expected).then_some(()))
    })
    .expect("pasted");
    drop(clipboard);
}

/// Drops a file onto the bounce explainer as the file manager does (a `drop` event whose
/// data holds the file).
fn drop_file(d: &WebDriver, name: &str, text: &str) {
    let text = serde_json::to_string(text).expect("json");
    d.execute(&format!(
        "const file = new File([{text}], {name:?}, {{ type: 'message/rfc822' }});
         const data = new DataTransfer();
         data.items.add(file);
         const zone = document.querySelector('[data-testid=support-bounce-drop]');
         for (const type of ['dragenter', 'dragover', 'drop']) {{
           zone.dispatchEvent(new DragEvent(type, {{ dataTransfer: data, bubbles: true, cancelable: true }}));
         }}
         return true;"
    ))
    .expect("drop the file");
}

/// The id and key of a secret link `…/#/s/<id>/<key>`, and the double's address.
fn link_parts(link: &str) -> (String, String, String) {
    let (server, rest) = link.split_once("/#/s/").expect("a secret link");
    let (id, key) = rest.split_once('/').expect("a link with its key");
    (server.to_owned(), id.to_owned(), key.to_owned())
}

/// Opens a secret link as Yopass's browser page does: the message from the service, then
/// decrypted by openpgp.js with the key of the link. `None` once it is gone (404).
fn open_link(link: &str) -> Option<String> {
    let (server, id, key) = link_parts(link);
    assert!(
        server.starts_with("http://127.0.0.1:"),
        "the demo's double on loopback: {server}"
    );
    let answer = reqwest::blocking::get(format!("{server}/secret/{id}")).expect("the double");
    if answer.status().as_u16() == 404 {
        return None;
    }
    assert!(answer.status().is_success(), "{answer:?}");
    let body: serde_json::Value = answer.json().expect("json");
    let message = body["message"].as_str().expect("an armored message");
    assert!(message.starts_with("-----BEGIN PGP MESSAGE-----"));
    let (ok, plain) = openpgp_js(&["decrypt", &key], message);
    assert!(ok, "openpgp.js could not decrypt what the window made");
    Some(plain)
}

fn assert_link_format(link: &str) {
    let (server, id, key) = link_parts(link);
    assert!(server.ends_with("/yopass"), "{link}");
    assert!(!id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
    assert_eq!(key.len(), 22, "{link}");
    assert!(key.bytes().all(|b| b.is_ascii_alphanumeric()), "{link}");
}

fn open_support(d: &WebDriver) {
    click(d, "[data-testid=nav-support]");
    wait_for(
        d,
        PATIENCE,
        &format!("[data-testid=support][data-account-id={OWN}]"),
    );
}

fn ticket_ids(d: &WebDriver) -> Vec<String> {
    attributes(d, "[data-testid=support-ticket-row]", "data-ticket-id")
}

/// The tickets tab with its list loaded.
fn show_tickets(d: &WebDriver) -> Vec<String> {
    click(d, "[data-testid=support-tab-tickets]");
    wait_until(PATIENCE, "the ticket list", || {
        let ids = ticket_ids(d);
        Ok((!ids.is_empty()).then_some(ids))
    })
    .expect("tickets")
}

/// Starts a technical-problem ticket from the topic list by keyboard.
fn start_technical_ticket_by_keyboard(d: &WebDriver) {
    click(d, "[data-testid=support-tab-tickets]");
    // The tabs: arrow keys move between them.
    press(d, ARROW_RIGHT);
    wait_for(
        d,
        PATIENCE,
        "[data-testid=support-tab-new][aria-selected=true]",
    );
    wait_for(d, PATIENCE, "[data-testid=support-categories]");
    assert_eq!(focused(d), "support-tab-new");
    tab_to(d, "support-category-technical_problem", 15);
    press(d, ENTER);
    wait_for(
        d,
        PATIENCE,
        "[data-testid=support-form][data-category=technical_problem]",
    );
}

/// Nothing the app wrote holds one of `secrets`: not its log, not its cache.
fn assert_no_secret_left(app: AppUnderTest, data_dir: &Path, secrets: &[&str]) {
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
        for secret in secrets {
            let found = bytes.windows(secret.len()).any(|w| w == secret.as_bytes());
            assert!(!found, "a secret is in {}", file.display());
        }
    }
}

#[test]
fn e2e_support_tickets_guard_secret_link_and_bounce_in_english() {
    let _one = ONE_WINDOW.lock().unwrap_or_else(|p| p.into_inner());
    let data_dir = kept_dir(module_path!());
    let app = launch_demo(ARTIFACTS, data_dir.path(), &[("LANG", "en_GB.UTF-8")]);
    let d = app.driver();
    let password = "Sommer-Regen-2026!x";
    let shared_secret = "IMAP login of info@: Winter-Sonne-77!q";
    record_secret("password", password);
    record_secret("secret_link", shared_secret);

    // The tickets the sync cached, and one conversation from the portal.
    open_support(d);
    let before = show_tickets(d);
    assert!(before.contains(&format!("{OWN}-t1")), "{before:?}");
    assert_eq!(
        attributes(
            d,
            &format!("[data-testid=support-ticket-row][data-ticket-id={OWN}-t1]"),
            "data-status"
        ),
        ["answered"]
    );
    shot(&app, "en-01-tickets");
    click(
        d,
        &format!("[data-testid=support-ticket-row][data-ticket-id={OWN}-t1] button"),
    );
    shown(&app, "[data-testid=support-message]");
    assert_eq!(
        attributes(d, "[data-testid=support-message]", "data-author"),
        ["customer", "support"]
    );
    assert!(text_of(d, "[data-testid=support-thread]").contains("Servercow support"));
    assert!(d
        .find_all("[data-testid=support-thread-cached]")
        .expect("find")
        .is_empty());
    shot(&app, "en-02-conversation");
    click(d, "[data-testid=support-thread-back]");

    // A new ticket by keyboard: the topic, then every field of its form in order.
    start_technical_ticket_by_keyboard(d);
    assert_eq!(focused(d), "support-form-title");
    let stops = tab_to(d, "support-preview", 15);
    let inputs: Vec<&String> = stops
        .iter()
        .filter(|s| s.starts_with("support-input-") || s.starts_with("support-send"))
        .collect();
    assert_eq!(
        inputs,
        [
            "support-input-customer_number",
            "support-input-affected",
            "support-input-error_message",
            "support-input-time",
            "support-input-client",
            "support-send",
        ],
        "{stops:?}"
    );
    assert!(!value_of(d, "[data-testid=support-input-customer_number]").is_empty());
    shot(&app, "en-03-technical-form");

    // Sent half-filled: each missing field says so next to it, the focus on the first.
    let affected = d
        .find("[data-testid=support-input-affected]")
        .expect("the field");
    d.clear(&affected).expect("emptied");
    click(d, "[data-testid=support-send]");
    shown(&app, "[data-testid=support-problem-error_message]");
    for (key, label) in [
        ("affected", "Affected domain or email address"),
        ("error_message", "Exact error message"),
        ("time", "Time of the issue"),
        ("client", "Client or service in use"),
    ] {
        assert_eq!(
            text_of(
                d,
                &format!("[data-testid=support-field-{key}] [data-testid=support-problem-{key}]")
            ),
            format!("Enter: {label}."),
        );
        assert_eq!(
            attributes(
                d,
                &format!("[data-testid=support-input-{key}]"),
                "aria-invalid"
            ),
            ["true"]
        );
    }
    assert!(d
        .find_all("[data-testid=support-problem-customer_number]")
        .expect("find")
        .is_empty());
    assert_eq!(focused(d), "support-input-affected");
    scroll_to(d, "[data-testid=support-form]");
    shot(&app, "en-04-missing-fields");

    // A password pasted into the error message: the guard stops the hand-off.
    replace_text(
        d,
        "[data-testid=support-input-affected]",
        "mueller-webdesign.example",
    );
    replace_text(
        d,
        "[data-testid=support-input-error_message]",
        &format!("Thunderbird says the login failed.{ENTER}Password: {password}"),
    );
    replace_text(d, "[data-testid=support-input-time]", "2026-12-02 09:15");
    replace_text(d, "[data-testid=support-input-client]", "Thunderbird 128");
    // Leaving the last field checks the form again: its problems go away.
    press(d, TAB);
    wait_until(PATIENCE, "the fields' problems to go", || {
        Ok(d.find_all("[data-testid^=support-problem-]")
            .expect("find")
            .is_empty()
            .then_some(()))
    })
    .expect("every field fine");
    click(d, "[data-testid=support-send]");
    shown(&app, "[data-testid=support-guard][data-findings='1']");
    assert_eq!(
        attributes(d, "[data-testid=support-guard-finding]", "data-kind"),
        ["password_line"]
    );
    let finding = text_of(d, "[data-testid=support-guard-finding] span");
    assert!(
        finding.starts_with("Exact error message: a password line (So"),
        "{finding}"
    );
    assert!(
        finding.contains('•') && !finding.contains("Regen"),
        "{finding}"
    );
    assert_eq!(
        text_of(d, "[data-testid=support-problem-error_message]"),
        "Holds a secret: replace it with a secret link."
    );
    assert_eq!(focused(d), "support-guard");
    assert!(d
        .find_all("[data-testid=support-result]")
        .expect("find")
        .is_empty());
    scroll_to(d, "[data-testid=support-guard]");
    shot(&app, "en-05-guard-blocks");

    // Replaced in place by a secret link; support opens it, with the password inside.
    click(d, "[data-testid=support-guard-replace]");
    shown(&app, "[data-testid=support-guard-note]");
    assert_eq!(
        text_of(d, "[data-testid=support-guard-note]"),
        "No passwords found any more. You can hand the ticket off now."
    );
    let message = value_of(d, "[data-testid=support-input-error_message]");
    assert!(!message.contains(password), "{message}");
    let replaced_link = message
        .split_whitespace()
        .find(|w| w.contains("/#/s/"))
        .expect("a secret link in the message")
        .to_owned();
    assert!(message.starts_with("Thunderbird says the login failed.\nPassword: http"));
    assert_link_format(&replaced_link);
    let replaced_key = link_parts(&replaced_link).2;
    record_secret("secret_link", &replaced_key);
    scroll_to(d, "[data-testid=support-form]");
    shot(&app, "en-06-replaced-with-link");
    click(d, "[data-testid=support-send]");
    shown(&app, "[data-testid=support-result][data-mode=sent]");
    let sent_id = attributes(d, "[data-testid=support-sent]", "data-ticket-id")
        .pop()
        .expect("the new ticket's id");
    shot(&app, "en-07-sent");
    assert_eq!(
        open_link(&replaced_link).as_deref(),
        Some(password),
        "the link holds the password"
    );
    assert_eq!(open_link(&replaced_link), None, "a one-time link");

    // The new ticket in the list; its conversation shows the link without its key.
    click(d, "[data-testid=support-show-tickets]");
    let after = show_tickets(d);
    assert_eq!(after.len(), before.len() + 1);
    assert!(after.contains(&sent_id));
    click(
        d,
        &format!("[data-testid=support-ticket-row][data-ticket-id={sent_id:?}] button"),
    );
    shown(&app, "[data-testid=support-message]");
    let body = text_of(d, "[data-testid=support-message]");
    let (_, link_id, _) = link_parts(&replaced_link);
    assert!(body.contains(&format!("/#/s/{link_id}")), "{body}");
    assert!(!body.contains(&replaced_key), "{body}");
    assert_eq!(
        text_of(d, "[data-testid=support-message-keyless]"),
        "Secret links appear here without their key: cowdesk does not keep it."
    );
    shot(&app, "en-08-sent-conversation");
    click(d, "[data-testid=support-thread-back]");

    // Share a secret: the link with its key, shown once, copied from Rust.
    click(d, "[data-testid=support-tab-secret]");
    shown(&app, "[data-testid=support-secret-form]");
    assert_eq!(focused(d), "support-secret-text");
    replace_text(d, "[data-testid=support-secret-text]", shared_secret);
    click(d, "[data-testid=support-secret-expiry-day]");
    assert_eq!(
        d.execute("return document.querySelector('[data-testid=support-secret-one-time]').checked")
            .expect("script"),
        true,
        "one-time by default"
    );
    shot(&app, "en-09-share-form");
    click(d, "[data-testid=support-secret-create]");
    shown(&app, "[data-testid=support-secret-link]");
    let link = value_of(d, "[data-testid=support-secret-link]");
    assert_link_format(&link);
    record_secret("secret_link", &link_parts(&link).2);
    assert_eq!(focused(d), "support-secret-link");
    assert!(
        text_of(d, "[data-testid=support-secret-key-note]").contains("key is part of this link")
    );
    assert!(text_of(d, "[data-testid=support-secret-result]")
        .contains("It can be opened once and is deleted after 1 day at the latest."));
    click(d, "[data-testid=support-secret-copy]");
    wait_until(PATIENCE, "the link on the clipboard", || {
        Ok(clipboard_text().filter(|t| t == &link).map(|_| ()))
    })
    .expect("the clipboard holds the link");
    assert!(text_of(d, "[data-testid=support-secret-result]").contains("Copied."));
    shot(&app, "en-10-secret-link");
    assert_eq!(open_link(&link).as_deref(), Some(shared_secret));
    assert_eq!(open_link(&link), None, "gone after one download");
    // Shown once: away and back, the form is empty again.
    click(d, "[data-testid=support-tab-bounce]");
    click(d, "[data-testid=support-tab-secret]");
    shown(&app, "[data-testid=support-secret-form]");
    assert!(d
        .find_all("[data-testid=support-secret-link]")
        .expect("find")
        .is_empty());
    assert_eq!(value_of(d, "[data-testid=support-secret-text]"), "");

    // A Postfix bounce pasted from the clipboard.
    click(d, "[data-testid=support-tab-bounce]");
    shown(&app, "[data-testid=support-bounce-text]");
    paste(
        d,
        "[data-testid=support-bounce-text]",
        &corpus("postfix-01.eml"),
    );
    click(d, "[data-testid=support-bounce-explain]");
    shown(&app, "[data-testid=support-bounce-result]");
    let result = "[data-testid=support-bounce-result]";
    assert_eq!(attributes(d, result, "data-reason"), ["unknown_recipient"]);
    assert_eq!(attributes(d, result, "data-permanent"), ["true"]);
    assert_eq!(
        text_of(d, "[data-testid=support-bounce-reason]"),
        "The recipient’s address does not exist"
    );
    assert_eq!(text_of(d, "[data-testid=support-bounce-kind]"), "Permanent");
    assert_eq!(
        text_of(d, "[data-testid=support-bounce-recipient]"),
        "kijitora@example.co.jp"
    );
    assert_eq!(text_of(d, "[data-testid=support-bounce-status]"), "5.1.1");
    assert_eq!(text_of(d, "[data-testid=support-bounce-reply]"), "550");
    assert!(!text_of(d, "[data-testid=support-bounce-explanation]").is_empty());
    assert_eq!(focused(d), "support-bounce-reason");
    scroll_to(d, result);
    shot(&app, "en-11-bounce-explained");

    // "Ask support": the "mail not arriving" form, filled from the bounce.
    click(d, "[data-testid=support-bounce-ask]");
    shown(
        &app,
        "[data-testid=support-form][data-category=mail_not_arriving]",
    );
    assert_eq!(
        value_of(d, "[data-testid=support-input-recipient]"),
        "kijitora@example.co.jp"
    );
    assert!(value_of(d, "[data-testid=support-input-smtp_code]").contains("5.1.1"));
    assert!(value_of(d, "[data-testid=support-input-bounce]").contains("kijitora@example.co.jp"));
    scroll_to(d, "[data-testid=support-form]");
    shot(&app, "en-12-ticket-from-bounce");

    assert_no_secret_left(
        app,
        data_dir.path(),
        &[password, shared_secret, &replaced_key, &link_parts(&link).2],
    );
}

#[test]
fn e2e_support_guard_secret_by_keyboard_and_dropped_bounce_in_german() {
    let _one = ONE_WINDOW.lock().unwrap_or_else(|p| p.into_inner());
    let data_dir = kept_dir(module_path!());
    // The "browser": a script that writes down the address it is asked to open.
    let seam = kept_dir("e2e_support_browser");
    let opened = seam.path().join("opened");
    let browser = seam.path().join("browser.sh");
    std::fs::write(
        &browser,
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$1\" >> '{}'\n",
            opened.display()
        ),
    )
    .expect("script");
    std::fs::set_permissions(&browser, std::fs::Permissions::from_mode(0o755)).expect("executable");
    let app = launch_demo(
        ARTIFACTS,
        data_dir.path(),
        &[
            ("LANG", "de_DE.UTF-8"),
            ("COWDESK_BROWSER", browser.to_str().expect("utf-8 path")),
        ],
    );
    let d = app.driver();
    let password = "Blauer-Himmel-4711";
    let shared_secret = "Auth-Code für mueller-webdesign.example: Xq7#pL2!vR";
    record_secret("password", password);
    record_secret("secret_link", shared_secret);
    wait_until(PATIENCE, "the German UI", || {
        Ok((d
            .execute("return document.documentElement.lang")
            .expect("script")
            == "de")
            .then_some(()))
    })
    .expect("German from the system language");
    open_support(d);
    assert_eq!(text_of(d, "[data-testid=support-tab-new]"), "Neues Ticket");
    show_tickets(d);
    shot(&app, "de-01-tickets");

    // The guard also stops the way to the customer portal: nothing reaches the clipboard.
    start_technical_ticket_by_keyboard(d);
    replace_text(
        d,
        "[data-testid=support-input-affected]",
        "info@mueller-webdesign.example",
    );
    replace_text(
        d,
        "[data-testid=support-input-error_message]",
        &format!("Anmeldung schlägt fehl, Kennwort: {password}"),
    );
    replace_text(d, "[data-testid=support-input-time]", "2026-12-02 08:00");
    replace_text(d, "[data-testid=support-input-client]", "Outlook 365");
    click(d, "[data-testid=support-portal]");
    shown(&app, "[data-testid=support-guard][data-findings='1']");
    let finding = text_of(d, "[data-testid=support-guard-finding] span");
    assert!(
        finding.starts_with("Genaue Fehlermeldung: eine Passwortzeile (Bl"),
        "{finding}"
    );
    assert!(!finding.contains("Himmel"), "{finding}");
    assert!(text_of(d, "[data-testid=support-guard]")
        .contains("Passwörter gehören nicht in ein Ticket"));
    let on_clipboard = clipboard_text().unwrap_or_default();
    assert!(
        !on_clipboard.contains(password) && !on_clipboard.contains("Anmeldung"),
        "nothing was copied"
    );
    assert!(d
        .find_all("[data-testid=support-result]")
        .expect("find")
        .is_empty());
    scroll_to(d, "[data-testid=support-guard]");
    shot(&app, "de-02-waechter-blockiert");

    // Replaced by a secret link, the ticket goes to the customer portal: its text on the
    // clipboard, the portal's page in the browser.
    click(d, "[data-testid=support-guard-replace]");
    shown(&app, "[data-testid=support-guard-note]");
    let message = value_of(d, "[data-testid=support-input-error_message]");
    let replaced_link = message
        .split_whitespace()
        .find(|w| w.contains("/#/s/"))
        .expect("a secret link in the message")
        .to_owned();
    assert_link_format(&replaced_link);
    let replaced_key = link_parts(&replaced_link).2;
    record_secret("secret_link", &replaced_key);
    assert_eq!(
        message,
        format!("Anmeldung schlägt fehl, Kennwort: {replaced_link}")
    );
    click(d, "[data-testid=support-portal]");
    shown(&app, "[data-testid=support-result][data-mode=portal]");
    let ticket_text = value_of(d, "[data-testid=support-portal-text]");
    assert!(ticket_text.starts_with("Technisches Problem / Technical problem"));
    assert!(ticket_text.contains(&format!(
        "Genaue Fehlermeldung / Exact error message: Anmeldung schlägt fehl, Kennwort: {replaced_link}"
    )));
    assert!(!ticket_text.contains(password));
    wait_until(PATIENCE, "the ticket text on the clipboard", || {
        Ok(clipboard_text().filter(|t| t == &ticket_text).map(|_| ()))
    })
    .expect("the clipboard holds the ticket text");
    wait_until(PATIENCE, "the portal in the browser", || {
        Ok(std::fs::read_to_string(&opened)
            .ok()
            .filter(|o| o.lines().any(|l| l == "https://cp.servercow.de/"))
            .map(|_| ()))
    })
    .expect("the portal's ticket page opened");
    assert!(text_of(d, "[data-testid=support-result]").contains("Your Support Requests"));
    shot(&app, "de-03-kundenportal");

    // A secret shared by keyboard alone: the tabs, the text, one day, one-time, Enter.
    click(d, "[data-testid=support-tab-new]");
    press(d, ARROW_RIGHT);
    shown(&app, "[data-testid=support-tab-secret][aria-selected=true]");
    shown(&app, "[data-testid=support-secret-form]");
    // The focus stays on the tab (WAI-ARIA tabs); Tab enters the panel.
    assert_eq!(focused(d), "support-tab-secret");
    tab_to(d, "support-secret-text", 1);
    press(d, shared_secret);
    tab_to(d, "support-secret-expiry-week", 1);
    press(d, ARROW_LEFT);
    wait_until(PATIENCE, "one day chosen", || {
        Ok(d.execute(
            "return document.querySelector('[data-testid=support-secret-expiry-day]').checked",
        )
        .expect("script")
        .as_bool()
        .filter(|c| *c)
        .map(|_| ()))
    })
    .expect("ArrowLeft picks one day");
    tab_to(d, "support-secret-one-time", 1);
    tab_to(d, "support-secret-create", 1);
    shot(&app, "de-04-geheimnis-formular");
    press(d, ENTER);
    shown(&app, "[data-testid=support-secret-link]");
    let link = value_of(d, "[data-testid=support-secret-link]");
    assert_link_format(&link);
    let key = link_parts(&link).2;
    record_secret("secret_link", &key);
    assert!(text_of(d, "[data-testid=support-secret-result]")
        .contains("Er kann einmal geöffnet werden und wird spätestens nach 1 Tag gelöscht."));
    tab_to(d, "support-secret-copy", 1);
    press(d, ENTER);
    wait_until(PATIENCE, "the link on the clipboard", || {
        Ok(clipboard_text().filter(|t| t == &link).map(|_| ()))
    })
    .expect("the clipboard holds the link");
    assert!(text_of(d, "[data-testid=support-secret-result]").contains("Kopiert."));
    shot(&app, "de-05-secret-link");
    assert_eq!(open_link(&link).as_deref(), Some(shared_secret));
    assert_eq!(open_link(&link), None, "gone after one download");

    // Greylisting, from a dropped .eml file: temporary, and nothing to do but wait.
    click(d, "[data-testid=support-tab-bounce]");
    shown(&app, "[data-testid=support-bounce-drop]");
    let greylisted = corpus("made-here-greylisting-01.eml");
    drop_file(d, "unzustellbar.eml", &greylisted);
    shown(&app, "[data-testid=support-bounce-result]");
    let result = "[data-testid=support-bounce-result]";
    assert_eq!(attributes(d, result, "data-reason"), ["greylisting"]);
    assert_eq!(attributes(d, result, "data-permanent"), ["false"]);
    assert_eq!(
        value_of(d, "[data-testid=support-bounce-text]"),
        greylisted.replace("\r\n", "\n")
    );
    assert_eq!(
        text_of(d, "[data-testid=support-bounce-reason]"),
        "Greylisting: Der Empfänger bittet, es später erneut zu versuchen"
    );
    assert_eq!(
        text_of(d, "[data-testid=support-bounce-kind]"),
        "Vorübergehend"
    );
    assert_eq!(
        text_of(d, "[data-testid=support-bounce-recipient]"),
        "bob@example.org"
    );
    assert_eq!(text_of(d, "[data-testid=support-bounce-status]"), "4.2.0");
    assert!(text_of(d, "[data-testid=support-bounce-wait]").starts_with("Jetzt nichts tun"));
    // The original's date in the German format (the header's own words in its title).
    let sent = text_of(d, "[data-testid=support-bounce-sent]");
    assert!(sent.starts_with("01.12.2026"), "{sent}");
    scroll_to(d, result);
    shot(&app, "de-06-greylisting");

    // A Gmail bounce pasted: the explanation in German.
    click(d, "[data-testid=support-bounce-clear]");
    paste(
        d,
        "[data-testid=support-bounce-text]",
        &corpus("gmail-01.eml"),
    );
    click(d, "[data-testid=support-bounce-explain]");
    wait_until(PATIENCE, "the Gmail bounce explained", || {
        Ok(
            (attributes(d, result, "data-reason") == ["unknown_recipient"]
                && attributes(d, result, "data-status") == ["5.1.1"])
            .then_some(()),
        )
    })
    .expect("explained");
    assert_eq!(
        text_of(d, "[data-testid=support-bounce-reason]"),
        "Die Empfängeradresse gibt es nicht"
    );
    assert_eq!(text_of(d, "[data-testid=support-bounce-kind]"), "Dauerhaft");
    scroll_to(d, result);
    shot(&app, "de-07-gmail");

    assert_no_secret_left(
        app,
        data_dir.path(),
        &[password, shared_secret, &key, &replaced_key],
    );
}
