//! The real app under Xvfb, driven through WebDriver, in the demo: open the mail DNS
//! doctor of the demo's broken domain from the Domains list, see the findings, store the
//! DNS API access (into the demo's keyring stand-in), confirm the "Fix it" diff, and see
//! the re-check pass: the demo's DNS server on loopback answers with the changed zone.
#![cfg(target_os = "linux")]

mod support;

use std::time::Duration;

use cowdesk_sandbox::{DNS_API_PASSWORD, DNS_API_USERNAME};
use support::driver::{wait_until, AppUnderTest, Launch};
use support::page::painted;

const PATIENCE: Duration = Duration::from_secs(30);
/// The demo's broken domain: the own account's `<name>-1.<tld>`.
const BROKEN_ROW: &str = "[data-testid=domain-row][data-name*=\"-1.\"]";

#[test]
fn e2e_dnscheck_doctor_fix_it_in_the_demo() {
    let data_dir = support::driver::kept_dir(module_path!());
    let app = AppUnderTest::launch(
        "dnscheck",
        Launch {
            data_dir: Some(data_dir.path()),
            env: &[("LANG", "en_GB.UTF-8")],
            ..Launch::default()
        },
    )
    .expect("app starts under tauri-driver");
    let d = app.driver();

    d.click(&d.find("[data-testid=demo-button]").expect("login screen"))
        .expect("click demo");
    d.find("[data-testid=dashboard]").expect("dashboard");
    d.click(&d.find("[data-testid=nav-domains]").expect("nav"))
        .expect("open domains");
    let row = d
        .find(BROKEN_ROW)
        .expect("the broken demo domain is listed");
    let domain = d
        .attribute(&row, "data-name")
        .unwrap()
        .expect("domain name");
    d.click(
        &d.find(&format!("{BROKEN_ROW} [data-testid=domain-dns-button]"))
            .expect("mail DNS button"),
    )
    .expect("open the doctor");

    // The findings of the broken setup.
    let summary = wait_until(PATIENCE, "the first check", || {
        let summary = d.find("[data-testid=dns-summary]")?;
        d.attribute(&summary, "data-status")
    })
    .expect("a report");
    assert_eq!(summary, "fail");
    let doctor = d.find("[data-testid=dns-doctor]").expect("doctor");
    assert_eq!(
        d.attribute(&doctor, "data-domain").unwrap().as_deref(),
        Some(domain.as_str())
    );
    let codes: Vec<String> = d
        .find_all("[data-testid=dns-finding]")
        .expect("findings")
        .iter()
        .filter_map(|f| d.attribute(f, "data-code").ok().flatten())
        .collect();
    for code in [
        "mx_wrong",
        "spf_no_mailcow",
        "dmarc_too_early",
        "autoconfig_missing",
    ] {
        assert!(codes.iter().any(|c| c == code), "{code} in {codes:?}");
    }
    let text = d.text(&doctor).expect("doctor text");
    assert!(text.contains("instead of hosted.mailcow.de"), "{text}");
    assert!(text.contains("include:spf.mailcow.de ~all"));
    let fix = d.find("[data-testid=dns-fix]").expect("Fix it");
    assert!(
        d.attribute(&fix, "disabled").unwrap().is_some(),
        "Fix it needs the DNS API access"
    );
    painted(d);
    app.screenshot("01-doctor-broken").expect("screenshot");

    // Store the DNS API access.
    d.send_keys(
        &d.find("[data-testid=dns-api-user]").expect("user"),
        DNS_API_USERNAME,
    )
    .expect("type user");
    d.send_keys(
        &d.find("[data-testid=dns-api-password]").expect("password"),
        DNS_API_PASSWORD,
    )
    .expect("type password");
    d.click(&d.find("[data-testid=dns-api-save]").expect("save"))
        .expect("save");
    let stored = d
        .find("[data-testid=dns-api-stored]")
        .expect("stored notice");
    assert!(d.text(&stored).unwrap().contains(DNS_API_USERNAME));
    let page = d
        .execute("return document.body.innerText")
        .expect("page text");
    assert!(!page.as_str().unwrap_or_default().contains(DNS_API_PASSWORD));
    d.execute("const s = document.querySelector('[data-testid=dns-settings]'); const m = s.closest('main'); m.scrollTop += s.getBoundingClientRect().top - m.getBoundingClientRect().top; return true")
        .expect("scroll");
    painted(d);
    app.screenshot("02-settings-stored").expect("screenshot");

    // Fix it: the diff first, then apply.
    wait_until(PATIENCE, "Fix it to be enabled", || {
        let fix = d.find("[data-testid=dns-fix]")?;
        Ok(d.attribute(&fix, "disabled")?.is_none().then_some(()))
    })
    .expect("enabled");
    d.click(&d.find("[data-testid=dns-fix]").expect("Fix it"))
        .expect("plan");
    d.find("[data-testid=dns-plan]").expect("the confirmation");
    let changes: Vec<String> = d
        .find_all("[data-testid=dns-change]")
        .expect("changes")
        .iter()
        .filter_map(|c| d.attribute(c, "data-type").ok().flatten())
        .collect();
    assert!(
        changes.contains(&"MX".to_owned()) && changes.contains(&"TXT".to_owned()),
        "{changes:?}"
    );
    painted(d);
    app.screenshot("03-fix-it-diff").expect("screenshot");
    d.click(&d.find("[data-testid=dns-apply]").expect("apply"))
        .expect("apply");
    d.find("[data-testid=dns-applied]").expect("applied notice");
    let after = wait_until(PATIENCE, "the re-check", || {
        let summary = d.find("[data-testid=dns-summary]")?;
        Ok(d.attribute(&summary, "data-status")?
            .filter(|s| s != "fail"))
    })
    .expect("re-checked");
    assert_eq!(after, "pass");
    painted(d);
    app.screenshot("04-recheck-pass").expect("screenshot");
}
