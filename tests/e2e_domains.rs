//! The real app under Xvfb, driven through WebDriver: in the demo, see the re-lock flag on
//! the dashboard, open a locked domain's transfer panel, disable the lock (confirmed),
//! generate an authcode, copy it (from Rust, onto the X11 clipboard, marked as a secret
//! for clipboard managers: xclip lists the selection's targets), see the clipboard
//! cleared again, see the activity log, and then scan the cache files and the app's log
//! for the code: it must be in none of them.
#![cfg(target_os = "linux")]

mod support;

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;
use support::driver::{wait_until, AppUnderTest, Launch};
use support::page::painted;

const PATIENCE: Duration = Duration::from_secs(30);
/// The demo's own account's first domain: locked, .de, expiring in 12 days, billed on
/// the overdue invoice.
const DOMAIN: &str = "mueller-webdesign.de";

fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("readable dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(files_below(&path));
        } else {
            files.push(path);
        }
    }
    files
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn clipboard_text() -> Option<String> {
    arboard::Clipboard::new().ok()?.get_text().ok()
}

/// The X11 clipboard selection as `xclip` reads it, for `target` (e.g. `TARGETS`).
fn xclip(target: &str) -> String {
    let out = std::process::Command::new("xclip")
        .args(["-selection", "clipboard", "-t", target, "-o"])
        .output()
        .expect("xclip runs (installed by scripts/lib/setup.sh)");
    assert!(out.status.success(), "xclip -t {target}: {out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn e2e_domain_trust_unlock_generate_copy_then_leak_scan() {
    let data_dir = support::driver::kept_dir(module_path!());
    let log_dir = support::driver::kept_dir(module_path!());
    let log_file = log_dir.path().join("cowdesk.log");
    let log_path = log_file.to_str().expect("utf-8 path").to_owned();
    let app = AppUnderTest::launch(
        "domains",
        Launch {
            data_dir: Some(data_dir.path()),
            env: &[
                ("LANG", "en_GB.UTF-8"),
                ("COWDESK_LOG_FILE", &log_path),
                // Everything every crate logs, so the scan covers the most.
                ("COWDESK_LOG", "trace"),
                ("COWDESK_CLIPBOARD_CLEAR_SECONDS", "3"),
            ],
            ..Launch::default()
        },
    )
    .expect("app starts under tauri-driver");
    let d = app.driver();

    d.click(&d.find("[data-testid=demo-button]").expect("login screen"))
        .expect("click demo");
    d.find("[data-testid=dashboard]").expect("dashboard");
    // The demo has a domain unlocked ten days ago: flagged on the dashboard.
    let flagged = d
        .find("[data-testid=relock-domain]")
        .expect("re-lock reminder on the dashboard");
    assert!(d
        .attribute(&flagged, "data-name")
        .unwrap()
        .is_some_and(|n| n != DOMAIN));
    painted(d);
    app.screenshot("01-dashboard-relock").expect("screenshot");
    d.click(&d.find("[data-testid=nav-domains]").expect("nav"))
        .expect("open domains");
    let row = format!("[data-testid=domain-row][data-name=\"{DOMAIN}\"]");
    let locked = d.find(&row).expect("the domain is listed");
    painted(d);
    app.screenshot("02-domain-list").expect("screenshot");
    assert_eq!(
        d.attribute(&locked, "data-locked").unwrap().as_deref(),
        Some("true")
    );
    d.click(
        &d.find(&format!("{row} [data-testid=domain-transfer-button]"))
            .expect("transfer button"),
    )
    .expect("open the transfer panel");
    d.find("[data-testid=checklist-invoice]")
        .expect("the checklist names the open invoice");
    let generate = d.find("[data-testid=generate-authcode]").expect("button");
    assert!(
        d.attribute(&generate, "disabled").unwrap().is_some(),
        "generate is disabled while locked"
    );
    painted(d);
    app.screenshot("03-checklist-locked").expect("screenshot");

    // Disable the lock: it asks first.
    d.click(&d.find("[data-testid=lock-toggle]").expect("lock toggle"))
        .expect("ask");
    d.click(&d.find("[data-testid=lock-confirm]").expect("confirmation"))
        .expect("confirm");
    wait_until(PATIENCE, "the lock to be off", || {
        let state = d.find("[data-testid=lock-state]")?;
        Ok((d.attribute(&state, "data-locked")?.as_deref() == Some("false")).then_some(()))
    })
    .expect("unlocked");

    d.click(&d.find("[data-testid=generate-authcode]").expect("button"))
        .expect("generate");
    d.find("[data-testid=authcode-value]")
        .expect("the reveal field");
    let code = match d
        .execute("return document.querySelector('[data-testid=authcode-value]').value")
        .expect("script")
    {
        Value::String(code) if code.len() >= 8 => code,
        other => panic!("no authcode in the field: {other}"),
    };
    painted(d);
    app.screenshot("04-authcode-hidden").expect("screenshot");

    d.click(&d.find("[data-testid=authcode-copy]").expect("copy button"))
        .expect("copy");
    d.find("[data-testid=authcode-copied]")
        .expect("copied notice");
    let on_clipboard = wait_until(PATIENCE, "the code on the clipboard", || {
        Ok(clipboard_text().filter(|t| t == &code))
    });
    assert!(on_clipboard.is_ok(), "the clipboard does not hold the code");
    // Marked for clipboard managers: the selection offers the KDE password-manager hint
    // (read by Klipper, CopyQ, GNOME's clipboard extensions) with the value "secret".
    let targets = xclip("TARGETS");
    assert!(
        targets.lines().any(|t| t == "x-kde-passwordManagerHint"),
        "targets: {targets}"
    );
    assert_eq!(xclip("x-kde-passwordManagerHint").trim(), "secret");
    // Cleared after the (shortened) delay, because it still holds the code.
    wait_until(PATIENCE, "the clipboard to be cleared", || {
        Ok((clipboard_text().as_deref() != Some(code.as_str())).then_some(()))
    })
    .expect("clipboard cleared");

    d.click(&d.find("[data-testid=transfer-close]").expect("close"))
        .expect("close the panel");
    d.click(&d.find("[data-testid=nav-activity]").expect("nav"))
        .expect("open activity");
    let actions = wait_until(PATIENCE, "the activity rows", || {
        let rows = d.find_all("[data-testid=activity-row]")?;
        let actions: Vec<String> = rows
            .iter()
            .filter_map(|r| d.attribute(r, "data-action").ok().flatten())
            .collect();
        Ok((actions.len() >= 2).then_some(actions))
    })
    .expect("activity rows");
    assert_eq!(actions, ["authcode_generated", "transfer_lock_disabled"]);
    let page = d
        .execute("return document.body.innerText")
        .expect("page text");
    assert!(!page.as_str().unwrap_or_default().contains(&code));
    painted(d);
    app.screenshot("05-activity").expect("screenshot");
    drop(app);

    // The leak scan: every file of the cache folder and the app's log.
    let needle = code.as_bytes();
    let log = std::fs::read(&log_file).expect("the app wrote its log");
    assert!(
        !log.is_empty(),
        "the log is too thin for the scan to mean anything"
    );
    assert!(!contains(&log, needle), "the authcode is in the app's log");
    let files = files_below(data_dir.path());
    assert!(files
        .iter()
        .any(|f| f.extension().is_some_and(|e| e == "sqlite")));
    let mut domain_seen = false;
    for file in files {
        let Ok(bytes) = std::fs::read(&file) else {
            continue; // gone since listed (a WAL checkpointed into the database)
        };
        assert!(
            !contains(&bytes, needle),
            "the authcode is in {}",
            file.display()
        );
        domain_seen |= contains(&bytes, DOMAIN.as_bytes());
    }
    assert!(domain_seen, "the scan did not even find the cached domain");
}
