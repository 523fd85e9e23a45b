//! The real app under Xvfb, driven through WebDriver, in the demo:
//! - add a SEPA mandate (a wrong IBAN is explained first), make it the default, see it
//!   listed as the only default;
//! - add a PayPal mandate: the app opens the provider's approval page "in the browser"
//!   (through the `COWDESK_BROWSER` seam, a script that records the address), the test
//!   clicks approve on that page over HTTP, and the app, polling, lists the new mandate
//!   as active.
#![cfg(target_os = "linux")]

mod support;

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;

use serde_json::{json, Value};
use support::driver::{wait_until, AppUnderTest, Launch};
use support::page::painted;
use support::webdriver::WebDriver;

const PATIENCE: Duration = Duration::from_secs(30);

/// Sets an input's value as typing would (an `input` event per field).
fn fill(d: &WebDriver, test_id: &str, value: &str) {
    let script = format!(
        "const e = document.querySelector('[data-testid={test_id}]'); e.focus(); e.value = {}; \
         e.dispatchEvent(new Event('input', {{ bubbles: true }})); return true",
        json!(value)
    );
    d.execute(&script).expect("fill the field");
}

/// The mandate rows as (id, kind, status, default).
fn rows(d: &WebDriver) -> Result<Vec<(String, String, String, bool)>, String> {
    let value = d.execute(
        "return [...document.querySelectorAll('[data-testid=mandate-row]')].map(r => \
         [r.dataset.id, r.dataset.kind, r.dataset.status, r.dataset.default === 'true'])",
    )?;
    Ok(value
        .as_array()
        .map(|rows| {
            rows.iter()
                .map(|r| {
                    let text = |i: usize| r[i].as_str().unwrap_or_default().to_owned();
                    (text(0), text(1), text(2), r[3] == Value::Bool(true))
                })
                .collect()
        })
        .unwrap_or_default())
}

fn open_demo_mandates(app: &AppUnderTest) -> BTreeSet<String> {
    let d = app.driver();
    d.click(&d.find("[data-testid=demo-button]").expect("login screen"))
        .expect("click demo");
    d.find("[data-testid=dashboard]").expect("dashboard");
    d.click(&d.find("[data-testid=nav-mandates]").expect("nav"))
        .expect("open mandates");
    d.find("[data-testid=mandate-list][data-account-id]")
        .expect("mandate list");
    wait_until(PATIENCE, "the demo's mandates", || {
        let ids: BTreeSet<String> = rows(d)?.into_iter().map(|r| r.0).collect();
        Ok((!ids.is_empty()).then_some(ids))
    })
    .expect("mandate rows")
}

#[test]
fn e2e_mandate_sepa_add_then_default_and_listed() {
    let data_dir = support::driver::kept_dir(module_path!());
    let app = AppUnderTest::launch(
        "mandates-sepa",
        Launch {
            data_dir: Some(data_dir.path()),
            env: &[("LANG", "en_GB.UTF-8")],
            ..Launch::default()
        },
    )
    .expect("app starts under tauri-driver");
    let d = app.driver();
    let before = open_demo_mandates(&app);

    d.click(&d.find("[data-testid=add-mandate-button]").expect("add"))
        .expect("open the form");
    fill(d, "sepa-holder", "Anna Müller");
    // A typo first: the rule that fails is named while typing.
    fill(d, "sepa-iban", "DE89 3704 0044 0532 0130 01");
    let error = d
        .find("[data-testid=field-error-iban]")
        .expect("IBAN error");
    assert!(d.text(&error).unwrap().contains("check digits"));
    fill(d, "sepa-iban", "de89370400440532013000");
    wait_until(PATIENCE, "the IBAN accepted and grouped", || {
        let grouped = d.execute(
            "return document.querySelector('[data-testid=field-error-iban]') === null \
             && document.querySelector('[data-testid=iban-grouped]').textContent",
        )?;
        Ok((grouped == json!("DE89 3704 0044 0532 0130 00")).then_some(()))
    })
    .expect("valid IBAN");
    assert!(d
        .text(&d.find("[data-testid=mandate-text]").expect("mandate text"))
        .unwrap()
        .contains("direct debit"));
    d.click(&d.find("[data-testid=sepa-agree]").expect("agree"))
        .expect("agree");
    painted(d);
    app.screenshot("01-sepa-form").expect("screenshot");
    d.click(&d.find("[data-testid=sepa-submit]").expect("submit"))
        .expect("submit");
    d.find("[data-testid=mandate-notice]")
        .expect("added notice");

    let (new_id, _, status, is_default) = wait_until(PATIENCE, "the new mandate listed", || {
        Ok(rows(d)?.into_iter().find(|r| !before.contains(&r.0)))
    })
    .expect("new row");
    assert_eq!(status, "active");
    assert!(!is_default, "the demo already has a default");
    let label = d
        .execute(&format!(
            "return document.querySelector('[data-testid=mandate-row][data-id=\"{new_id}\"] .mono').textContent"
        ))
        .unwrap();
    assert_eq!(label, json!("DE89 **** **** **** **30 00"));

    // Make it the default: the dialog explains and lists the open invoices first.
    d.click(
        &d.find(&format!(
            "[data-testid=mandate-row][data-id=\"{new_id}\"] [data-testid=mandate-default-button]"
        ))
        .expect("make default"),
    )
    .expect("ask");
    d.find("[data-testid=impact-invoice]")
        .expect("open invoices that keep their method");
    painted(d);
    app.screenshot("02-default-confirm").expect("screenshot");
    d.click(
        &d.find("[data-testid=mandate-confirm-button]")
            .expect("confirm"),
    )
    .expect("confirm");
    let listed = wait_until(PATIENCE, "the new mandate as the default", || {
        let rows = rows(d)?;
        let ok = rows.iter().any(|r| r.0 == new_id && r.3);
        Ok(ok.then_some(rows))
    })
    .expect("default");
    let defaults: Vec<_> = listed.iter().filter(|r| r.3).collect();
    assert_eq!(defaults.len(), 1, "exactly one default: {listed:?}");
    painted(d);
    app.screenshot("03-listed-default").expect("screenshot");
}

#[test]
fn e2e_mandate_paypal_approved_on_the_provider_page_becomes_active() {
    let data_dir = support::driver::kept_dir(module_path!());
    let seam = support::driver::kept_dir(module_path!());
    let urls = seam.path().join("urls");
    let browser = seam.path().join("browser.sh");
    std::fs::write(
        &browser,
        format!("#!/bin/sh\nprintf '%s\\n' \"$1\" >> '{}'\n", urls.display()),
    )
    .expect("script");
    make_executable(&browser);
    let browser_path = browser.to_str().expect("utf-8").to_owned();
    let app = AppUnderTest::launch(
        "mandates-paypal",
        Launch {
            data_dir: Some(data_dir.path()),
            env: &[("LANG", "en_GB.UTF-8"), ("COWDESK_BROWSER", &browser_path)],
            ..Launch::default()
        },
    )
    .expect("app starts under tauri-driver");
    let d = app.driver();
    let before = open_demo_mandates(&app);

    d.click(&d.find("[data-testid=add-mandate-button]").expect("add"))
        .expect("open the form");
    d.click(&d.find("[data-testid=mandate-kind-paypal]").expect("PayPal"))
        .expect("choose PayPal");
    d.click(&d.find("[data-testid=provider-continue]").expect("continue"))
        .expect("continue");
    d.find("[data-testid=approval-waiting]")
        .expect("waiting for the approval");
    painted(d);
    app.screenshot("01-waiting").expect("screenshot");

    // The "browser" received the provider's page: approve there, as the customer would.
    let url = wait_until(PATIENCE, "the approval address", || {
        Ok(std::fs::read_to_string(&urls)
            .ok()
            .and_then(|text| text.lines().next().map(str::to_owned)))
    })
    .expect("the app opened the approval page");
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let http = reqwest::blocking::Client::new();
    let page = http.get(&url).send().unwrap().text().unwrap();
    assert!(page.contains("Approve") && page.contains("Deny"));
    let answer = http
        .post(&url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("decision=approve")
        .send()
        .unwrap();
    assert!(answer.text().unwrap().contains("Approved"));

    d.find("[data-testid=mandate-notice]")
        .expect("added notice");
    let (_, kind, status, _) = wait_until(PATIENCE, "the PayPal mandate listed", || {
        Ok(rows(d)?.into_iter().find(|r| !before.contains(&r.0)))
    })
    .expect("new row");
    assert_eq!((kind.as_str(), status.as_str()), ("paypal", "active"));
    painted(d);
    app.screenshot("02-paypal-active").expect("screenshot");
}

fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}
