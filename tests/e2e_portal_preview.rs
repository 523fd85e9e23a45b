//! The first screen in the real window under Xvfb (issue 13, item 1): "Try the demo" first,
//! the portal as a clearly labelled preview with no default server address; an empty
//! address is refused next to the field, in English and German, and nothing is sent; an
//! entered sandbox (a server that speaks the portal contract, on loopback) signs in.
//! At 1024x700, checked for clipping; screenshots go to artifacts/e2e/portal-preview/.
#![cfg(target_os = "linux")]

mod support;

use std::time::Duration;

use cowdesk_sandbox::{Sandbox, SandboxConfig, DEMO_EMAIL, DEMO_PASSWORD};
use serde_json::Value;
use support::demo::OWN;
use support::driver::{kept_dir, AppUnderTest, Launch};
use support::page::{click, replace_text, shot, text_of, wait_for};
use support::webdriver::WebDriver;

const PATIENCE: Duration = Duration::from_secs(30);
const LAYOUT_CHECK: &str = include_str!("support/layout_check.js");

/// What the screen says, per language.
struct Words {
    lang: &'static str,
    system: &'static str,
    preview: &'static str,
    tag: &'static str,
    no_api: &'static str,
    empty_server: &'static str,
}

const ENGLISH: Words = Words {
    lang: "en",
    system: "en_GB.UTF-8",
    preview: "Portal preview",
    tag: "Preview",
    no_api: "Servercow’s customer portal has no public API",
    empty_server:
        "Enter the address of a server that speaks cowdesk’s portal contract, such as \
                   the sandbox. There is no default: Servercow’s customer portal has no public API.",
};

const GERMAN: Words = Words {
    lang: "de",
    system: "de_DE.UTF-8",
    preview: "Portal-Vorschau",
    tag: "Vorschau",
    no_api: "Das Kundenportal von Servercow hat keine öffentliche API",
    empty_server: "Geben Sie die Adresse eines Servers ein, der die Portal-Schnittstelle von \
                   cowdesk spricht, etwa die Sandbox. Eine Voreinstellung gibt es nicht: Das \
                   Kundenportal von Servercow hat keine öffentliche API.",
};

fn launch(words: &Words, data_dir: &std::path::Path) -> AppUnderTest {
    let app = AppUnderTest::launch(
        "portal-preview",
        Launch {
            data_dir: Some(data_dir),
            env: &[("LANG", words.system)],
            ..Launch::default()
        },
    )
    .expect("app starts under tauri-driver");
    let d = app.driver();
    wait_for(d, PATIENCE, "[data-testid=demo-button]");
    // Resize only once the window is shown (see e2e_trust_layout.rs).
    d.painted().expect("the window is shown");
    d.set_window_size(1024, 700).expect("window size");
    app
}

/// Anything cut off on the screen (tests/support/layout_check.js).
fn layout_problems(d: &WebDriver) -> Vec<String> {
    let found: Value = d
        .execute(&format!("return ({LAYOUT_CHECK})"))
        .expect("the layout check runs");
    serde_json::from_value(found["problems"].clone()).expect("a list of problems")
}

fn is_true(d: &WebDriver, script: &str) -> bool {
    d.execute(script).expect("script").as_bool() == Some(true)
}

/// The demo first, the preview closed and labelled, no server address filled in; opened,
/// it explains itself; sent with no address, it is refused next to the field.
fn check_first_screen(app: &AppUnderTest, words: &Words) {
    let d = app.driver();
    let lang = words.lang;
    assert!(is_true(
        d,
        "const demo = document.querySelector('[data-testid=demo-button]');
         const preview = document.querySelector('[data-testid=portal-preview]');
         return !!(demo.compareDocumentPosition(preview) & Node.DOCUMENT_POSITION_FOLLOWING) && !preview.open"
    ));
    let summary = text_of(d, "[data-testid=portal-preview] summary");
    assert!(summary.contains(words.preview), "{summary}");
    assert_eq!(
        text_of(d, "[data-testid=portal-preview] summary .tag"),
        words.tag
    );
    assert!(
        !is_true(
            d,
            "return document.body.innerText.includes('cp.servercow.de')"
        ),
        "the first screen names no portal address"
    );
    let problems = layout_problems(d);
    assert!(problems.is_empty(), "{lang} login: {problems:?}");
    shot(app, &format!("{lang}-01-login"));

    click(d, "[data-testid=portal-preview] summary");
    wait_for(d, PATIENCE, "[data-testid=portal-preview][open]");
    let explain = text_of(d, "[data-testid=portal-preview-explain]");
    assert!(explain.contains(words.no_api), "{explain}");
    assert_eq!(
        d.execute("return document.querySelector('[data-testid=login-server]').value")
            .expect("script"),
        Value::from(""),
        "no default server address"
    );
    shot(app, &format!("{lang}-02-preview"));

    replace_text(d, "[data-testid=login-email]", DEMO_EMAIL);
    replace_text(d, "[data-testid=login-password]", "not-sent-anywhere");
    click(d, "[data-testid=login-submit]");
    wait_for(d, PATIENCE, "[data-testid=server-error]");
    assert_eq!(text_of(d, "[data-testid=server-error]"), words.empty_server);
    assert!(is_true(
        d,
        "return document.activeElement === document.querySelector('[data-testid=login-server]')"
    ));
    // Still the first screen: nothing was signed in to.
    assert!(d
        .find_all("[data-testid=dashboard]")
        .expect("find")
        .is_empty());
    let problems = layout_problems(d);
    assert!(problems.is_empty(), "{lang} empty server: {problems:?}");
    shot(app, &format!("{lang}-03-empty-server-refused"));
}

#[test]
fn e2e_portal_preview_login_screen_in_english_and_german() {
    for words in [&ENGLISH, &GERMAN] {
        let data_dir = kept_dir(module_path!());
        let app = launch(words, data_dir.path());
        check_first_screen(&app, words);
    }
}

/// A server that speaks the contract, entered by hand: the sandbox on loopback.
#[test]
fn e2e_portal_preview_signs_in_to_an_entered_sandbox() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let sandbox = runtime
        .block_on(Sandbox::start(SandboxConfig::default()))
        .expect("sandbox");
    let data_dir = kept_dir(module_path!());
    let app = launch(&ENGLISH, data_dir.path());
    let d = app.driver();
    click(d, "[data-testid=portal-preview] summary");
    wait_for(d, PATIENCE, "[data-testid=portal-preview][open]");
    replace_text(d, "[data-testid=login-server]", &sandbox.base_url());
    replace_text(d, "[data-testid=login-email]", DEMO_EMAIL);
    replace_text(d, "[data-testid=login-password]", DEMO_PASSWORD);
    shot(&app, "en-04-sandbox-entered");
    click(d, "[data-testid=login-submit]");
    wait_for(
        d,
        PATIENCE,
        &format!("[data-testid=dashboard][data-account-id={OWN}]"),
    );
    assert_eq!(text_of(d, "[data-testid=preview-badge]"), "Preview");
    shot(&app, "en-05-signed-in-to-the-sandbox");
    drop(app);
    runtime.block_on(sandbox.shutdown());
}
