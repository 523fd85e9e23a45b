//! What a customer sees (issue 17, items 21-23): the real app under Xvfb, every view of
//! the demo at 1024x700 and 1180x760, in English and German. A script in the page
//! (`support/layout_check.js`) lists anything cut off sideways or spilling over its
//! neighbours, a table that does not fit its pane, a dialog that does not fit the window;
//! the screenshots go to `artifacts/e2e/trust/` for a person to look at.
//!
//! Also item 13: without a display or without tauri-driver, these tests fail and say what
//! to install or start.
#![cfg(target_os = "linux")]

mod support;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use serde_json::Value;
use support::demo::OWN;
use support::driver::{kept_dir, wait_until, AppUnderTest, Launch};
use support::webdriver::WebDriver;

const PATIENCE: Duration = Duration::from_secs(30);
const LAYOUT_CHECK: &str = include_str!("support/layout_check.js");
const SIZES: [(u32, u32); 2] = [(1024, 700), (1180, 760)];
/// The demo's broken domain: the own account's `<name>-1.<tld>`.
const BROKEN_ROW: &str = "[data-testid=domain-row][data-name*=\"-1.\"]";

/// One view of the demo: how to get there from any other view, and how to leave it when
/// it is a dialog over another view.
struct View {
    name: &'static str,
    open: fn(&WebDriver),
    close: Option<fn(&WebDriver)>,
}

fn find(d: &WebDriver, css: &str) -> support::webdriver::Element {
    d.find(css).unwrap_or_else(|e| panic!("{css}: {e}"))
}

fn click(d: &WebDriver, css: &str) {
    d.click(&find(d, css))
        .unwrap_or_else(|e| panic!("click {css}: {e}"));
}

/// Opens a view from the sidebar and waits for its content.
fn nav(d: &WebDriver, view: &str, ready: &str) {
    click(d, &format!("[data-testid=nav-{view}]"));
    find(d, ready);
}

/// How many elements match `css` now (a find would wait for one to appear).
fn count(d: &WebDriver, css: &str) -> u64 {
    d.execute(&format!("return document.querySelectorAll({css:?}).length"))
        .expect("script")
        .as_u64()
        .expect("a count")
}

/// Waits until nothing in the content pane is still loading.
fn settled(d: &WebDriver) {
    wait_until(PATIENCE, "the view to finish loading", || {
        Ok((count(d, "main.content .loading, [data-testid=dns-progress]") == 0).then_some(()))
    })
    .expect("loaded");
}

fn views() -> Vec<View> {
    vec![
        View {
            name: "dashboard",
            open: |d| nav(d, "dashboard", "[data-testid=dashboard]"),
            close: None,
        },
        View {
            name: "invoices",
            open: |d| nav(d, "invoices", "[data-testid=invoice-row]"),
            close: None,
        },
        View {
            name: "invoice-detail",
            open: |d| {
                nav(d, "invoices", "[data-testid=invoice-row]");
                click(
                    d,
                    "[data-testid=invoice-row][data-status=overdue] [data-testid=invoice-open]",
                );
                find(d, "[data-testid=overdue-note]");
            },
            close: None,
        },
        View {
            name: "mandates",
            open: |d| nav(d, "mandates", "[data-testid=mandate-row]"),
            close: None,
        },
        View {
            name: "services",
            open: |d| nav(d, "services", "[data-testid=notice-deadline]"),
            close: None,
        },
        View {
            name: "service-detail",
            open: |d| {
                nav(d, "services", "[data-testid=service-row]");
                click(
                    d,
                    "[data-testid=service-row][data-status=suspended] [data-testid=service-open]",
                );
                find(d, "[data-testid=suspension-reason]");
            },
            close: None,
        },
        View {
            name: "domains",
            open: |d| nav(d, "domains", "[data-testid=domain-row]"),
            close: None,
        },
        View {
            name: "dns-doctor",
            open: |d| {
                nav(d, "domains", BROKEN_ROW);
                click(d, &format!("{BROKEN_ROW} [data-testid=domain-dns-button]"));
                find(d, "[data-testid=dns-summary]");
            },
            close: None,
        },
        View {
            name: "mailboxes",
            open: |d| nav(d, "mailboxes", "[data-testid=mailbox-row]"),
            close: None,
        },
        View {
            name: "mailbox-setup",
            open: |d| {
                nav(d, "mailboxes", "[data-testid=mailbox-row]");
                // The first mailbox, with the keyboard: ArrowDown, Enter.
                d.send_keys(&find(d, "[data-testid=virtual-list]"), "\u{E015}\u{E007}")
                    .expect("keys");
                find(
                    d,
                    "[data-testid=mailbox-setup] [data-testid=mail-server-row]",
                );
            },
            close: Some(|d| {
                click(d, "[data-testid=mailbox-setup-close]");
                wait_until(PATIENCE, "the setup panel to close", || {
                    Ok((count(d, "[data-testid=mailbox-setup]") == 0).then_some(()))
                })
                .expect("closed");
            }),
        },
        View {
            name: "mail-settings",
            open: |d| nav(d, "mailsettings", "[data-testid=mail-server-row]"),
            close: None,
        },
        View {
            name: "alerts",
            open: |d| nav(d, "alerts", "[data-testid=alert-centre]"),
            close: None,
        },
        View {
            name: "activity",
            open: |d| nav(d, "activity", "[data-testid=activity-log]"),
            close: None,
        },
        View {
            name: "billing-settings",
            open: |d| nav(d, "billing", "[data-testid=settings-form]"),
            close: None,
        },
    ]
}

/// Runs the layout check in the page; returns what it found cut off (and logs what
/// scrolls on its own).
fn layout_problems(d: &WebDriver, label: &str) -> Vec<String> {
    let found: Value = d
        .execute(&format!("return ({LAYOUT_CHECK})"))
        .expect("the layout check runs");
    for scroller in found["scrollers"].as_array().into_iter().flatten() {
        eprintln!("{label}: {}", scroller.as_str().unwrap_or_default());
    }
    found["problems"]
        .as_array()
        .expect("a list of problems")
        .iter()
        .map(|p| format!("{label}: {}", p.as_str().unwrap_or_default()))
        .collect()
}

/// The configuration-file buttons of the mailbox setup show without scrolling.
fn file_buttons_in_sight(d: &WebDriver, label: &str) -> Option<String> {
    let hidden: Value = d
        .execute(
            "const panel = document.querySelector('[data-testid=mailbox-setup]').getBoundingClientRect();
             return [...document.querySelectorAll('[data-testid=export-thunderbird], [data-testid=export-apple]')]
               .filter(b => { const r = b.getBoundingClientRect(); return r.bottom > panel.bottom || r.bottom > innerHeight; })
               .map(b => b.textContent.trim());",
        )
        .expect("script");
    let hidden = hidden.as_array().cloned().unwrap_or_default();
    (!hidden.is_empty()).then(|| format!("{label}: file buttons below the fold: {hidden:?}"))
}

fn launch(lang: &str, data_dir: &Path) -> AppUnderTest {
    let system = if lang == "de" {
        "de_DE.UTF-8"
    } else {
        "en_GB.UTF-8"
    };
    AppUnderTest::launch(
        "trust",
        Launch {
            data_dir: Some(data_dir),
            env: &[("LANG", system)],
            ..Launch::default()
        },
    )
    .expect("app starts under tauri-driver")
}

/// Every view, both sizes, English and German: nothing cut off, every dialog inside the
/// window, the file buttons of the mailbox setup in sight; screenshots of all of it.
#[test]
fn trust_layout_every_view_fits_1024x700_and_larger_in_english_and_german() {
    let mut problems = Vec::new();
    for lang in ["en", "de"] {
        let data_dir = kept_dir(module_path!());
        let app = launch(lang, data_dir.path());
        let d = app.driver();
        let (width, height) = SIZES[0];
        find(d, "[data-testid=demo-button]");
        // Resize only once the window is shown (it appears after the first screen is in
        // the DOM): resizing the still hidden window stalled WebKit's rendering for good.
        d.painted().expect("the window is shown");
        d.set_window_size(width, height).expect("window size");
        problems.extend(layout_problems(
            d,
            &format!("{lang} {width}x{height} login"),
        ));
        app.screenshot(&format!("{lang}-{width}x{height}-00-login"))
            .expect("screenshot");

        click(d, "[data-testid=demo-button]");
        find(
            d,
            &format!("[data-testid=dashboard][data-account-id={OWN}]"),
        );
        // The demo's first sync changes what the views show: let it finish first.
        wait_until(PATIENCE, "the first sync to finish", || {
            let button = d.find("[data-testid=sync-button]")?;
            Ok(d.attribute(&button, "disabled")?.is_none().then_some(()))
        })
        .expect("synced");

        for (width, height) in SIZES {
            d.set_window_size(width, height).expect("window size");
            for (i, view) in views().iter().enumerate() {
                let label = format!("{lang} {width}x{height} {}", view.name);
                (view.open)(d);
                settled(d);
                d.painted().expect("painted");
                problems.extend(layout_problems(d, &label));
                if view.name == "mailbox-setup" {
                    problems.extend(file_buttons_in_sight(d, &label));
                }
                app.screenshot(&format!(
                    "{lang}-{width}x{height}-{:02}-{}",
                    i + 1,
                    view.name
                ))
                .expect("screenshot");
                if let Some(close) = view.close {
                    close(d);
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} layout problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// The suspension card's border colour (--danger).
const BORDER: &str = "srgb(179,38,30)";

/// The colour of one pixel of a PNG, as ImageMagick names it (`srgb(179,38,30)`).
fn pixel(png: &Path, x: i64, y: i64) -> String {
    let out = Command::new("convert")
        .arg(png)
        .args(["-format", &format!("%[pixel:p{{{x},{y}}}]"), "info:"])
        .output()
        .expect("ImageMagick's convert runs (scripts/lib/setup.sh installs it)");
    assert!(out.status.success(), "{out:?}");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// Item 21: the screenshot after opening the suspended vServer shows its detail, every
/// time. The content pane was blank in a screenshot (the text in the DOM) because WebKit's
/// screenshot is the last frame the window presented; the support module now waits for
/// the page to present its current state before each screenshot. The suspension card's
/// red border must be in the picture where the DOM places it.
#[test]
fn trust_suspended_service_screenshot_shows_its_detail() {
    let data_dir = kept_dir(module_path!());
    let app = launch("en", data_dir.path());
    let d = app.driver();
    click(d, "[data-testid=demo-button]");
    find(
        d,
        &format!("[data-testid=dashboard][data-account-id={OWN}]"),
    );
    nav(d, "services", "[data-testid=notice-deadline]");
    for round in 0..10 {
        click(
            d,
            "[data-testid=service-row][data-status=suspended] [data-testid=service-open]",
        );
        find(d, "[data-testid=suspension-reason]");
        let edge: Value = d
            .execute(
                "const r = document.querySelector('[data-testid=suspension]').getBoundingClientRect();
                 return [Math.floor(r.left), Math.round(r.top + r.height / 2)];",
            )
            .expect("where the card is");
        let shot = app
            .screenshot(&format!("suspended-{round:02}"))
            .expect("screenshot");
        let (x, y) = (edge[0].as_i64().unwrap(), edge[1].as_i64().unwrap());
        let colour = pixel(&shot, x, y);
        if colour == BORDER {
            // Kept only when something is wrong.
            let _ = std::fs::remove_file(&shot);
        } else {
            // Is the pane late or blank for good? What does the page say?
            let pane = d
                .execute("const c = document.querySelector('main.content'); const r = document.querySelector('[data-testid=suspension]').getBoundingClientRect(); return {scrollTop: c.scrollTop, scrollHeight: c.scrollHeight, clientHeight: c.clientHeight, cardTop: r.top, cardHeight: r.height, page: document.scrollingElement.scrollTop}")
                .expect("script");
            for _ in 0..30 {
                d.painted().expect("painted");
            }
            let later = app
                .screenshot(&format!("suspended-{round:02}-later"))
                .expect("screenshot");
            panic!(
                "round {round}: the screenshot has {colour} where the suspension card's border is ({x},{y}): {}; 60 frames later {}; the page: {pane}",
                shot.display(),
                pixel(&later, x, y)
            );
        }
        click(d, "[data-testid=service-back]");
        find(d, "[data-testid=service-list]");
    }
}

/// Item 13: with no display the layout test fails and says how to get one; with no
/// tauri-driver it says how to install it. Neither skips.
#[test]
fn trust_e2e_without_a_display_or_driver_fails_saying_what_to_start() {
    let test = "trust_layout_every_view_fits_1024x700_and_larger_in_english_and_german";
    support::rerun::rerun_test(test, &[], &["DISPLAY"])
        .assert_failed_saying("no X display (DISPLAY is not set)");
    let empty = tempfile::TempDir::new().expect("tempdir");
    let path = empty.path().to_str().expect("utf-8");
    support::rerun::rerun_test(test, &[("PATH", path)], &[])
        .assert_failed_saying("tauri-driver is not on PATH");
}
