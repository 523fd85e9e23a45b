//! The real app under Xvfb, driven through WebDriver, in demo mode: open the mailboxes,
//! see the allowance, filter, open a mailbox's client setup, copy the server name (from
//! Rust, onto the X11 clipboard), export the Thunderbird file and the Apple profile
//! (through the billing save seam) and parse both back; the address rules in the mail
//! settings. A second test measures the list with 10,000 mailboxes in the real webview.
#![cfg(target_os = "linux")]

mod support;

use std::time::Duration;

use serde_json::json;
use support::demo::{launch_demo, OWN};
use support::driver::wait_until;
use support::page::{painted, text_of};
use support::webdriver::WebDriver;

const PATIENCE: Duration = Duration::from_secs(30);

fn clipboard_text() -> Option<String> {
    arboard::Clipboard::new().ok()?.get_text().ok()
}

fn row_addresses(d: &WebDriver) -> Vec<String> {
    let value = d
        .execute("return [...document.querySelectorAll('[data-testid=mailbox-row]')].map(r => r.getAttribute('data-address'))")
        .expect("script");
    serde_json::from_value(value).unwrap_or_default()
}

/// Scrolls a control of the (scrolling) setup panel into view, then clicks it.
fn click_in_panel(d: &WebDriver, css: &str) {
    d.execute(&format!(
        "document.querySelector({css:?}).scrollIntoView({{block: 'center'}}); return true"
    ))
    .expect("scroll");
    painted(d);
    d.click(&d.find(css).expect("control")).expect("click");
}

#[test]
fn e2e_mailsetup_filter_open_copy_and_export() {
    let data_dir = support::driver::kept_dir(module_path!());
    let save_dir = support::driver::kept_dir(module_path!());
    let save_path = save_dir.path().to_str().expect("utf-8").to_owned();
    let app = launch_demo(
        "mailsetup",
        data_dir.path(),
        &[
            ("LANG", "en_GB.UTF-8"),
            ("COWDESK_E2E_SAVE_DIR", &save_path),
        ],
    );
    let d = app.driver();

    d.click(&d.find("[data-testid=nav-mailboxes]").expect("nav"))
        .expect("open mailboxes");
    d.find(&format!(
        "[data-testid=mailbox-list][data-account-id={OWN}]"
    ))
    .expect("mailbox list");
    // The demo's first sync fills the list; its allowance is the FAQ's 20 mailboxes.
    wait_until(PATIENCE, "the allowance", || {
        Ok(text_of(d, "[data-testid=allowance-mailboxes]")
            .contains("of 20 mailboxes")
            .then_some(()))
    })
    .expect("allowance shown");
    let all = row_addresses(d);
    assert!(all.len() >= 6, "demo mailboxes: {all:?}");
    assert!(all.iter().any(|a| a.starts_with("info@")));

    // Type into the search as a user would: only info@ is left.
    let search = d.find("[data-testid=mailbox-search]").expect("search");
    d.send_keys(&search, "info").expect("type");
    let shown = wait_until(PATIENCE, "the filtered list", || {
        let rows = row_addresses(d);
        Ok((rows.len() == 1).then_some(rows))
    })
    .expect("one mailbox left");
    let address = shown[0].clone();
    assert!(address.starts_with("info@"), "{address}");
    assert!(
        text_of(d, "[data-testid=mailbox-count]").starts_with("1 of "),
        "count"
    );
    // info@ is 94 % full: flagged.
    assert_eq!(
        d.find_all("[data-testid=mailbox-nearly-full]")
            .expect("warn")
            .len(),
        1
    );
    painted(d);
    app.screenshot("01-mailboxes-filtered").expect("screenshot");

    // Open its client setup with the keyboard: focus the list, first row, Enter.
    let list = d.find("[data-testid=virtual-list]").expect("list");
    d.send_keys(&list, "\u{E015}\u{E007}") // ArrowDown, Enter
        .expect("keys");
    let setup = d
        .find(&format!(
            "[data-testid=mailbox-setup][data-address={address:?}]"
        ))
        .expect("the setup panel of the mailbox");
    assert!(d.text(&setup).expect("text").contains("hosted.mailcow.de"));
    assert_eq!(text_of(d, "[data-testid=mail-username]"), address);

    // Copy the server name: Rust puts it on the X11 clipboard.
    d.click(&d.find("[data-testid=copy-host]").expect("copy button"))
        .expect("copy");
    wait_until(PATIENCE, "the server name on the clipboard", || {
        Ok((clipboard_text().as_deref() == Some("hosted.mailcow.de")).then_some(()))
    })
    .expect("server name on the clipboard");

    painted(d);
    app.screenshot("02-mailbox-setup").expect("screenshot");

    // Export the Thunderbird file and the Apple profile; parse both back.
    click_in_panel(d, "[data-testid=export-thunderbird]");
    let xml_path = save_dir.path().join("config-v1.1.xml");
    wait_until(PATIENCE, "the Thunderbird file", || {
        Ok(text_of(d, "[data-testid=export-outcome]")
            .contains("config-v1.1.xml")
            .then_some(()))
    })
    .expect("saved");
    let xml = std::fs::read_to_string(&xml_path).expect("file written");
    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let domain = address.split_once('@').unwrap().1;
    assert_eq!(
        doc.descendants()
            .find(|n| n.has_tag_name("domain"))
            .and_then(|n| n.text()),
        Some(domain)
    );
    assert_eq!(
        doc.descendants()
            .filter(|n| n.has_tag_name("incomingServer"))
            .count(),
        2
    );

    click_in_panel(d, "[data-testid=export-apple]");
    let profile_path = save_dir.path().join(format!("{address}.mobileconfig"));
    wait_until(PATIENCE, "the Apple profile", || {
        Ok(profile_path.exists().then_some(()))
    })
    .expect("saved");
    let top = plist::Value::from_file(&profile_path)
        .expect("a property list")
        .into_dictionary()
        .unwrap();
    assert_eq!(top["PayloadType"].as_string(), Some("Configuration"));
    let payload = top["PayloadContent"].as_array().unwrap()[0]
        .as_dictionary()
        .unwrap();
    assert_eq!(
        payload["IncomingMailServerUsername"].as_string(),
        Some(address.as_str())
    );
    painted(d);
    app.screenshot("03-files-saved").expect("screenshot");

    // Escape closes the panel and gives the keyboard back to the list.
    d.send_keys(&setup, "\u{E00C}").expect("escape");
    wait_until(PATIENCE, "the panel to close", || {
        Ok(d.find_all("[data-testid=mailbox-setup]")
            .map(|v| v.is_empty())
            .unwrap_or(false)
            .then_some(()))
    })
    .expect("closed");

    // The address rules where an address is typed: the mail settings.
    d.click(&d.find("[data-testid=nav-mailsettings]").expect("nav"))
        .expect("open mail settings");
    let input = d
        .find("[data-testid=mail-address-input]")
        .expect("address field");
    d.send_keys(&input, "max+news@example.de").expect("type");
    wait_until(PATIENCE, "the rule message", || {
        Ok(text_of(d, "[data-testid=mail-address-help]")
            .contains("“+” is not allowed before the @")
            .then_some(()))
    })
    .expect("the offending character is named");
    painted(d);
    app.screenshot("04-address-rule").expect("screenshot");

    // The demo's alert for info@ (94 % full) leads to its row in the virtualised list:
    // scrolled to, marked, and its setup opened.
    d.click(&d.find("[data-testid=nav-alerts]").expect("nav"))
        .expect("open alerts");
    let open = d
        .find(&format!(
            "[data-testid=alert-item][data-rule=mailbox_quota][data-account-id={OWN}] [data-testid=alert-open]"
        ))
        .expect("the demo's quota alert");
    d.click(&open).expect("open the alert");
    d.find(&format!(
        "[data-testid=mailbox-row][data-address={address:?}][data-highlighted=true]"
    ))
    .expect("the alert's mailbox marked in the list");
    d.find(&format!(
        "[data-testid=mailbox-setup][data-address={address:?}]"
    ))
    .expect("and its setup opened");
    painted(d);
    app.screenshot("05-from-alert").expect("screenshot");
}

/// What the page measures, in milliseconds: from the click on "Mailboxes" to the first
/// rows painted, and from an input event in the search to the filtered rows painted.
const MEASURE_OPEN: &str = r#"
const started = performance.now();
document.querySelector('[data-testid=nav-mailboxes]').click();
const frame = () => new Promise(r => requestAnimationFrame(() => r()));
for (;;) {
  await frame();
  const count = document.querySelector('[data-testid=mailbox-count]');
  if (document.querySelector('[data-testid=mailbox-row]') && count && count.textContent.includes(' of 10,000 ')) break;
  if (performance.now() - started > 20000) return -1;
}
await frame();
return performance.now() - started;
"#;

const MEASURE_KEYSTROKES: &str = r#"
const input = document.querySelector('[data-testid=mailbox-search]');
const frame = () => new Promise(r => requestAnimationFrame(() => r()));
const times = [];
const scripts = [];
// Two frames with no change: what painting costs in this window regardless of the list.
const idle = [];
for (let i = 0; i < 5; i++) {
  const started = performance.now();
  await frame();
  await frame();
  idle.push(performance.now() - started);
}
const queries = ['a', 'an', 'ann', 'anna', 'anna.', 'anna.1', 'anna.12', 'anna.1', 'anna.', 'anna', 'ann', 'an', 'a', ''];
let maxRows = 0;
for (const q of queries) {
  const started = performance.now();
  input.value = q;
  input.dispatchEvent(new Event('input', { bubbles: true }));
  // Svelte updates the DOM in a microtask: a task later the script work is done.
  await new Promise(r => setTimeout(r, 0));
  scripts.push(performance.now() - started);
  // The cache searches (a window of the filtered list over IPC): wait for its answer.
  const list = document.querySelector('[data-testid=mailbox-list]');
  while (list.dataset.answered !== q) await new Promise(r => setTimeout(r, 0));
  // Two frames include style, layout and paint.
  await frame();
  await frame();
  times.push(performance.now() - started);
  maxRows = Math.max(maxRows, document.querySelectorAll('[data-testid=mailbox-row]').length);
}
return { times, scripts, idle, maxRows, finalCount: document.querySelector('[data-testid=mailbox-count]').textContent.trim() };
"#;

fn wrap_async(body: &str) -> String {
    format!("return (async () => {{ {body} }})()")
}

#[test]
fn e2e_mailsetup_ten_thousand_mailboxes_stay_smooth() {
    let data_dir = support::driver::kept_dir(module_path!());
    let app = launch_demo(
        "mailsetup-large",
        data_dir.path(),
        &[("LANG", "en_GB.UTF-8"), ("COWDESK_DEMO_MAILBOXES", "10000")],
    );
    let d = app.driver();
    // Wait for the first sync to have cached all 10,000, then measure from another view.
    d.click(&d.find("[data-testid=nav-mailboxes]").expect("nav"))
        .expect("open mailboxes");
    wait_until(Duration::from_secs(120), "10,000 mailboxes cached", || {
        Ok(text_of(d, "[data-testid=mailbox-count]")
            .contains("10,000 of 10,000")
            .then_some(()))
    })
    .expect("the large account synced");

    let mut opens = Vec::new();
    for _ in 0..5 {
        d.click(&d.find("[data-testid=nav-dashboard]").expect("nav"))
            .expect("dashboard");
        d.find("[data-testid=dashboard]").expect("dashboard");
        let ms = d
            .execute(&wrap_async(MEASURE_OPEN))
            .expect("measure")
            .as_f64()
            .unwrap_or(-1.0);
        assert!(ms >= 0.0, "the list did not render");
        opens.push(ms);
        let rows = d.find_all("[data-testid=mailbox-row]").expect("rows").len();
        assert!(rows <= 40, "{rows} rows in the DOM for 10,000 mailboxes");
    }
    // The IPC part of opening: the cached rows from Rust, as JSON, into the page.
    let mut ipc = Vec::new();
    for _ in 0..3 {
        let ms = d
            .execute(&wrap_async(&format!(
                "const started = performance.now();                  const listing = await window.__TAURI_INTERNALS__.invoke('list_mailboxes', {{ accountId: '{OWN}' }});                  return listing.items.length === 10000 ? performance.now() - started : -1;"
            )))
            .expect("measure")
            .as_f64()
            .unwrap_or(-1.0);
        assert!(ms >= 0.0, "list_mailboxes did not answer 10,000 rows");
        ipc.push(ms);
    }
    // What opening the list asks for now: the first window (100 rows) and the totals.
    let mut ipc_window = Vec::new();
    for _ in 0..3 {
        let ms = d
            .execute(&wrap_async(&format!(
                "const started = performance.now(); \
                 const invoke = window.__TAURI_INTERNALS__.invoke; \
                 const query = {{ search: '', domain: null, filter: 'all', sort: 'address', descending: false }}; \
                 const [w, totals] = await Promise.all([ \
                   invoke('mailbox_window', {{ accountId: '{OWN}', query, window: {{ offset: 0, limit: 100 }} }}), \
                   invoke('mailbox_totals', {{ accountId: '{OWN}' }})]); \
                 return w.rows.length === 100 && w.matching === 10000 && totals.count === 10000 \
                   ? performance.now() - started : -1;"
            )))
            .expect("measure")
            .as_f64()
            .unwrap_or(-1.0);
        assert!(
            ms >= 0.0,
            "mailbox_window did not answer 100 of 10,000 rows"
        );
        ipc_window.push(ms);
    }
    let keys = d.execute(&wrap_async(MEASURE_KEYSTROKES)).expect("measure");
    let times: Vec<f64> = serde_json::from_value(keys["times"].clone()).unwrap_or_default();
    let scripts: Vec<f64> = serde_json::from_value(keys["scripts"].clone()).unwrap_or_default();
    let idle: Vec<f64> = serde_json::from_value(keys["idle"].clone()).unwrap_or_default();
    assert_eq!(times.len(), 14);
    assert!(
        keys["maxRows"].as_u64().unwrap_or(999) <= 40,
        "bounded DOM while filtering: {keys}"
    );
    assert_eq!(keys["finalCount"], json!("10,000 of 10,000 mailboxes"));
    painted(d);
    app.screenshot("01-ten-thousand").expect("screenshot");

    let median = |mut v: Vec<f64>| {
        v.sort_by(|a, b| a.partial_cmp(b).unwrap());
        v[v.len() / 2]
    };
    let figures = json!({
        "mailboxes": 10000,
        "open_ms_median": median(opens.clone()),
        "ipc_list_ms_median": median(ipc.clone()),
        "ipc_window_ms_median": median(ipc_window.clone()),
        "ipc_window_ms": ipc_window,
        "open_ms": opens,
        "keystroke_ms_median": median(times.clone()),
        "keystroke_ms_max": times.iter().cloned().fold(0.0, f64::max),
        "keystroke_ms": times,
        "keystroke_script_ms_median": median(scripts.clone()),
        "keystroke_script_ms": scripts,
        "idle_two_frames_ms_median": median(idle.clone()),
    });
    let out = app.artifacts.join("mailbox-list-figures.json");
    std::fs::write(&out, serde_json::to_string_pretty(&figures).unwrap()).expect("write figures");
    eprintln!("mailbox list figures ({}): {figures}", out.display());
}
