//! mailcow in the real window under Xvfb, driven through WebDriver, against the real
//! mailcow peer (crates/core/tests/support/mailcow_peer.rs): on the first screen the
//! "Servercow account (hosted mailcow)" form with the peer's address under "Advanced" and
//! a domain administrator's login → the mailcow dashboard (no invoice tiles) → the
//! mailboxes with their source → "Add mailbox" → the generated password shown once → the
//! new mailbox listed, and present on the peer (read with the read-write key). Once in
//! English and once in German (the system language), each with a fresh profile and a
//! domain of its own. Screenshots go to artifacts/e2e/mailcow/.
#![cfg(target_os = "linux")]

mod support;

use support::driver::{kept_dir, wait_until, AppUnderTest, Launch};
use support::mailcow_peer::{peer, unique};
use support::mailcow_window::{listed_mailboxes, open_view, runtime, PATIENCE};
use support::page::{attributes, click, replace_text, shot, text_of, wait_for};

const ARTIFACTS: &str = "mailcow";

/// Connects, lists, adds one mailbox, in the language of `lang` (`en_GB` / `de_DE`).
fn connect_list_and_add(lang: &str, tag: &str, texts: &Texts) {
    let p = peer();
    let rt = runtime();
    let password = format!("Da-{}-Pass!9", unique("pw"));
    let (domain, admin) = rt.block_on(p.tenant(10, 4096, 2048, &password));
    rt.block_on(p.add_mailbox(
        &format!("anna@{domain}"),
        "Anna Berger",
        1024,
        "Mb-Pass-12345!",
    ));
    rt.block_on(p.add_mailbox(&format!("ben@{domain}"), "Ben Kurz", 512, "Mb-Pass-12345!"));

    let data_dir = kept_dir(&format!("e2e_mailcow_{tag}"));
    let locale = format!("{lang}.UTF-8");
    let app = AppUnderTest::launch(
        ARTIFACTS,
        Launch {
            data_dir: Some(data_dir.path()),
            env: &[("LANG", &locale)],
            ..Launch::default()
        },
    )
    .expect("app starts under tauri-driver");
    let d = app.driver();

    // The first screen: the hosted mailcow's form is open; its address under "Advanced".
    wait_for(d, PATIENCE, "[data-testid=mc-hosted-user]");
    assert_eq!(
        text_of(d, "[data-testid=login-hosted] .choice-title"),
        texts.hosted_title
    );
    shot(&app, &format!("{tag}-1-sign-in"));
    click(d, "[data-testid=mc-hosted-form] details.advanced summary");
    wait_for(d, PATIENCE, "[data-testid=mc-hosted-url]");
    let preset = d
        .execute("return document.querySelector('[data-testid=mc-hosted-url]').value")
        .expect("script");
    assert_eq!(
        preset, "https://hosted.mailcow.de",
        "the hosted mailcow is the default"
    );
    replace_text(d, "[data-testid=mc-hosted-url]", &p.url);
    replace_text(d, "[data-testid=mc-hosted-user]", &admin);

    // A wrong password is refused next to the password field, in the window's language.
    replace_text(d, "[data-testid=mc-hosted-password]", "not-the-password");
    click(d, "[data-testid=mc-hosted-submit]");
    wait_for(d, PATIENCE, "[data-testid=mc-hosted-password-error]");
    let refused = text_of(d, "[data-testid=mc-hosted-password-error]");
    assert!(
        refused.contains(texts.wrong_password),
        "the refusal next to the password: {refused}"
    );
    shot(&app, &format!("{tag}-2-wrong-password"));

    replace_text(d, "[data-testid=mc-hosted-password]", &password);
    click(d, "[data-testid=mc-hosted-submit]");
    wait_for(d, PATIENCE, "[data-testid=mailcow-dashboard]");
    // A mailcow-only profile: no invoice tiles, no portal views in the sidebar.
    assert!(
        attributes(d, "[data-testid=nav-invoices]", "data-testid").is_empty(),
        "no invoices without the portal"
    );
    wait_until(PATIENCE, "the dashboard's mailbox count", || {
        Ok(text_of(d, "[data-testid=mcdash-mailboxes] strong")
            .eq("2")
            .then_some(()))
    })
    .expect("two mailboxes on the dashboard");
    shot(&app, &format!("{tag}-3-dashboard"));

    open_view(d, "mailboxes", "[data-testid=mailcow-mailboxes]");
    let anna = format!("anna@{domain}");
    let ben = format!("ben@{domain}");
    wait_until(PATIENCE, "the peer's mailboxes", || {
        Ok((listed_mailboxes(d) == vec![anna.clone(), ben.clone()]).then_some(()))
    })
    .expect("both mailboxes listed");
    assert_eq!(text_of(d, "[data-testid=mcb-source]"), "mailcow");
    shot(&app, &format!("{tag}-4-mailboxes"));

    // Add one: the quota rule speaks before anything is sent.
    click(d, "[data-testid=mcb-add]");
    wait_for(d, PATIENCE, "[data-testid=mcb-add-local]");
    replace_text(d, "[data-testid=mcb-add-local]", "carla.neu");
    replace_text(d, "[data-testid=mcb-add-name]", "Carla Neu");
    replace_text(d, "[data-testid=mcb-add-quota]", "999999");
    wait_for(d, PATIENCE, "[data-testid=mcb-add-quota-error]");
    assert!(text_of(d, "[data-testid=mcb-add-quota-error]").contains("2048"));
    shot(&app, &format!("{tag}-5-add-quota-too-big"));
    replace_text(d, "[data-testid=mcb-add-quota]", "300");
    click(d, "[data-testid=mcb-add-submit]");
    wait_for(d, PATIENCE, "[data-testid=mcb-generated-password]");
    let generated = text_of(d, "[data-testid=mcb-generated-password]");
    assert!(generated.len() >= 12, "a generated password is shown once");
    shot(&app, &format!("{tag}-6-generated-password"));
    click(d, "[data-testid=mcb-generated] button.primary");

    let carla = format!("carla.neu@{domain}");
    wait_until(PATIENCE, "the new mailbox in the list", || {
        Ok(listed_mailboxes(d).contains(&carla).then_some(()))
    })
    .expect("the new mailbox listed");
    shot(&app, &format!("{tag}-7-added"));

    // The peer has it, with the name and quota the window sent, and the password works.
    let on_peer = rt
        .block_on(p.mailbox(&carla))
        .expect("the mailbox exists on the mailcow");
    assert_eq!(on_peer["name"], "Carla Neu");
    assert!(rt.block_on(p.mailbox_login_works(&carla, &generated)));
}

struct Texts {
    hosted_title: &'static str,
    wrong_password: &'static str,
}

#[test]
fn e2e_mailcow_window_connects_lists_and_adds_in_english_and_german() {
    connect_list_and_add(
        "en_GB",
        "en",
        &Texts {
            hosted_title: "Servercow account (hosted mailcow)",
            wrong_password: "The mailcow refused the user name or the password",
        },
    );
    connect_list_and_add(
        "de_DE",
        "de",
        &Texts {
            hosted_title: "Servercow-Konto (gehosteter mailcow)",
            wrong_password: "Der mailcow hat Benutzername oder Passwort abgelehnt",
        },
    );
}
