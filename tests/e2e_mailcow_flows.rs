//! The window's mailcow connection flows against the real mailcow peer, under Xvfb through
//! WebDriver, once in English and once in German (the system language), each with one
//! window and a fresh profile:
//! 1. a read-only API key on the first screen (through a proxy that counts requests):
//!    the connections page says read-only and what that allows; the mailbox list offers
//!    no change; a write through the window's command is refused before anything is sent;
//! 2. a read-write key added on the connections page: it says read-write and what it
//!    allows;
//! 3. a domain administrator with TOTP: the page shows "two-factor code needed", a wrong
//!    code is explained next to the code field, the right one connects;
//! 4. removing both key connections: their keyring entries and cached rows are gone;
//! 5. editing a mailbox (name, quota, active), a server refusal next to the quota field
//!    (the domain's allowance lowered on the peer after the sync) with the list unchanged,
//!    deleting a mailbox (the question names it and its size), adding and deleting an
//!    alias: each checked on the peer with the read-write key;
//! 6. the session ended on the peer and the password changed there: a sync shows "signed
//!    out", a wrong password on re-entering is refused, the right one with its code
//!    connects again.
//!
//! Screenshots go to artifacts/e2e/mailcow-flows/.
#![cfg(target_os = "linux")]

mod support;

use std::sync::Mutex;

use cowdesk_sandbox::record_secret;
use serde_json::json;
use support::driver::{kept_dir, wait_until, AppUnderTest, Launch};
use support::mailcow_peer::{assert_success, peer, totp_code, unique, Proxy};
use support::mailcow_window::{
    cached_rows_of, card_text, connection_ids, host_of, in_card, in_row, keyring_secret,
    listed_mailboxes, open_view, runtime, submit_hosted, submit_managed, submit_totp,
    wait_connections, wait_listed, wait_state, PATIENCE,
};
use support::page::{attributes, click, invoke, painted, replace_text, shot, text_of, wait_for};

const ARTIFACTS: &str = "mailcow-flows";
const MIB: u64 = 1024 * 1024;

/// One window at a time: the two languages run one after the other.
static ONE_WINDOW: Mutex<()> = Mutex::new(());

/// What the window says, in one language.
struct Texts {
    read_only: &'static str,
    read_only_explain: &'static str,
    read_write: &'static str,
    read_write_explain: &'static str,
    row_read_only: &'static str,
    add_blocked: &'static str,
    connected: &'static str,
    needs_totp: &'static str,
    signed_out: &'static str,
    wrong_code: &'static str,
    wrong_password: &'static str,
    quota_refused: &'static str,
    delete_holds: &'static str,
}

const EN: Texts = Texts {
    read_only: "Read-only",
    read_only_explain: "Shows mailboxes and aliases; cannot change them.",
    read_write: "Read-write",
    read_write_explain: "Shows and changes mailboxes and aliases.",
    row_read_only: "Read-only",
    add_blocked: "read-only API key",
    connected: "Connected",
    needs_totp: "Two-factor code needed",
    signed_out: "Signed out",
    wrong_code: "The mailcow did not accept this code",
    wrong_password: "The mailcow refused the user name or the password",
    quota_refused: "at most 200 MiB",
    delete_holds: "It holds 50 MB in 42 messages",
};

const DE: Texts = Texts {
    read_only: "Nur lesen",
    read_only_explain: "Zeigt Postfächer und Aliasse; ändert sie nicht.",
    read_write: "Lesen und schreiben",
    read_write_explain: "Zeigt und ändert Postfächer und Aliasse.",
    row_read_only: "Nur lesen",
    add_blocked: "nur zum Lesen",
    connected: "Verbunden",
    needs_totp: "Zwei-Faktor-Code nötig",
    signed_out: "Abgemeldet",
    wrong_code: "Der mailcow hat diesen Code nicht angenommen",
    wrong_password: "Der mailcow hat Benutzername oder Passwort abgelehnt",
    quota_refused: "höchstens 200 MiB",
    delete_holds: "Es enthält 50 MB in 42 Nachrichten",
};

/// A code the peer will not accept now (its window is the current step ± 1).
fn wrong_code(secret: &str) -> String {
    let near: Vec<String> = (-2..=2).map(|o| totp_code(secret, o)).collect();
    (0..1_000_000)
        .map(|n| format!("{n:06}"))
        .find(|c| !near.contains(c))
        .expect("a wrong code")
}

fn flows(lang: &str, tag: &str, x: &Texts) {
    let _one = ONE_WINDOW.lock().unwrap_or_else(|p| p.into_inner());
    let p = peer();
    let rt = runtime();
    // A domain of its own, administered with TOTP, with two mailboxes and an alias.
    let password = format!("Da-{}-Pass!9", unique("pw"));
    let (domain, admin) = rt.block_on(p.tenant(10, 4096, 2048, &password));
    let anna = format!("anna@{domain}");
    let ben = format!("ben@{domain}");
    rt.block_on(p.add_mailbox(&anna, "Anna Berger", 100, "Mb-Pass-12345!"));
    rt.block_on(p.add_mailbox(&ben, "Ben Kurz", 100, "Mb-Pass-12345!"));
    p.set_quota_usage(&ben, 50 * MIB, 42);
    let info = format!("info@{domain}");
    rt.block_on(p.add_alias(&info, &[&anna]));
    let secret = rt.block_on(p.enable_totp(&admin, &password));
    // The suite's leak scan looks for these in everything the window left behind.
    record_secret("mailcow_password", &password);
    record_secret("mailcow_api_key", &p.ro_key);
    record_secret("mailcow_api_key", &p.rw_key);
    record_secret("mailcow_totp_secret", &secret);
    // The read-only key goes through a proxy that counts what the window sends.
    let proxy = rt.block_on(async { Proxy::start(&p.url).await });

    let data_dir = kept_dir(&format!("e2e_mailcow_flows_{tag}"));
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

    // 1. The read-only key on the first screen.
    wait_for(d, PATIENCE, "[data-testid=login-managed] summary");
    // The smallest window the layout is made for.
    painted(d);
    d.set_window_size(1024, 700).expect("window size");
    click(d, "[data-testid=login-managed] summary");
    submit_managed(d, &proxy.url, &p.ro_key);
    wait_for(d, PATIENCE, "[data-testid=mailcow-dashboard]");
    open_view(d, "connections", "[data-testid=connection]");
    let ro = wait_connections(d, 1).remove(0);
    let card = card_text(d, &ro);
    assert!(
        card.contains(x.read_only) && card.contains(x.read_only_explain),
        "the card says read-only and what that allows: {card}"
    );
    wait_state(d, &ro, x.connected);
    shot(&app, &format!("{tag}-01-read-only-key"));

    open_view(d, "mailboxes", "[data-testid=mcb-row]");
    let rows = listed_mailboxes(d);
    assert!(rows.contains(&anna), "the key sees every domain: {rows:?}");
    let add_disabled = d
        .execute("return document.querySelector('[data-testid=mcb-add]').disabled")
        .expect("script");
    assert_eq!(add_disabled, json!(true), "no adding with a read-only key");
    let blocked = text_of(d, "[data-testid=mcb-add-blocked]");
    assert!(
        blocked.contains(x.add_blocked),
        "the window says why nothing can be added: {blocked}"
    );
    assert!(
        text_of(d, &in_row(&anna, "[data-testid=mcb-blocked]")) == x.row_read_only,
        "the row says read-only"
    );
    assert!(
        attributes(d, "[data-testid=mcb-alias-delete]", "data-testid").is_empty(),
        "no alias can be deleted with a read-only key"
    );
    assert!(
        attributes(d, "[data-testid=mcb-edit]", "data-testid").is_empty(),
        "no edit buttons"
    );
    shot(&app, &format!("{tag}-02-read-only-list"));

    // A write through the window's own command is refused before anything is sent.
    let posts = proxy.count("POST", "/");
    let tried = format!("ro-{}@{domain}", unique("x"));
    let refused = invoke(
        d,
        "mailcow_add_mailbox",
        &json!({"connectionId": ro, "address": tried, "name": "Nope", "quotaMib": 10,
                "password": null, "active": true}),
    )
    .expect_err("a read-only key may not add a mailbox");
    assert_eq!(refused["kind"], "forbidden", "{refused}");
    assert!(
        refused["message"]
            .as_str()
            .is_some_and(|m| m.contains("read-only") && m.contains("Nothing was sent")),
        "{refused}"
    );
    assert_eq!(proxy.count("POST", "/"), posts, "nothing was sent");
    assert!(
        rt.block_on(p.mailbox(&tried)).is_none(),
        "the peer has no such mailbox"
    );

    // 2. The read-write key, added on the connections page.
    open_view(d, "connections", "[data-testid=connection-add-managed]");
    click(d, "[data-testid=connection-add-managed]");
    submit_managed(d, &p.url, &p.rw_key);
    let ids = wait_connections(d, 2);
    let rw = ids.iter().find(|i| **i != ro).expect("a second").clone();
    wait_state(d, &rw, x.connected);
    let card = card_text(d, &rw);
    assert!(
        card.contains(x.read_write) && card.contains(x.read_write_explain),
        "the card says read-write and what that allows: {card}"
    );
    shot(&app, &format!("{tag}-03-read-write-key"));

    // 3. The domain administrator with TOTP.
    click(d, "[data-testid=connection-add-hosted]");
    submit_hosted(d, Some(&p.url), &admin, &password);
    wait_for(d, PATIENCE, "[data-testid=mc-hosted-totp]");
    let ids = wait_connections(d, 3);
    let session = ids
        .iter()
        .find(|i| **i != ro && **i != rw)
        .expect("a third")
        .clone();
    wait_state(d, &session, x.needs_totp);
    shot(&app, &format!("{tag}-04-totp-asked"));
    submit_totp(d, &wrong_code(&secret));
    wait_for(d, PATIENCE, "[data-testid=mc-hosted-totp-error]");
    let explained = text_of(d, "[data-testid=mc-hosted-totp-error]");
    assert!(
        explained.contains(x.wrong_code),
        "a wrong code is explained next to the field: {explained}"
    );
    wait_state(d, &session, x.needs_totp);
    shot(&app, &format!("{tag}-05-totp-wrong"));
    submit_totp(d, &totp_code(&secret, 0));
    wait_state(d, &session, x.connected);
    assert!(card_text(d, &session).contains(&admin));
    shot(&app, &format!("{tag}-06-totp-connected"));

    // 4. Removing the key connections: keyring entries and cached rows gone.
    for (id, url) in [(&ro, &proxy.url), (&rw, &p.url)] {
        assert!(
            keyring_secret(id).is_some(),
            "{id}: its key is in the keyring"
        );
        let before = cached_rows_of(data_dir.path(), id);
        assert!(
            before.iter().all(|(_, n)| *n > 0),
            "{id} cached rows of every kind: {before:?}"
        );
        click(d, &in_card(id, "[data-testid=connection-remove]"));
        wait_for(d, PATIENCE, "[data-testid=connection-remove-confirm]");
        let question = text_of(d, &in_card(id, ".confirm"));
        assert!(
            question.contains(&host_of(url)),
            "the question names the connection: {question}"
        );
        shot(&app, &format!("{tag}-07-remove-question"));
        click(d, "[data-testid=connection-remove-confirm]");
        wait_until(PATIENCE, "the connection gone from the page", || {
            Ok((!connection_ids(d).contains(id)).then_some(()))
        })
        .expect("removed");
        assert_eq!(keyring_secret(id), None, "{id}: the keyring entry is gone");
        let after = cached_rows_of(data_dir.path(), id);
        assert!(
            after.iter().all(|(_, n)| *n == 0),
            "{id} left rows in the cache: {after:?}"
        );
    }
    assert_eq!(wait_connections(d, 1), vec![session.clone()]);
    assert_eq!(keyring_secret(&session).as_deref(), Some(password.as_str()));
    shot(&app, &format!("{tag}-08-removed"));

    // 5. Changes to the domain's mailboxes and aliases, each checked on the peer.
    open_view(d, "mailboxes", "[data-testid=mcb-row]");
    wait_until(PATIENCE, "only the domain admin's mailboxes", || {
        Ok((listed_mailboxes(d) == vec![anna.clone(), ben.clone()]).then_some(()))
    })
    .unwrap_or_else(|e| panic!("{e}: {:?}", listed_mailboxes(d)));

    click(d, &in_row(&anna, "[data-testid=mcb-edit]"));
    wait_for(d, PATIENCE, "[data-testid=mcb-edit-name]");
    replace_text(d, "[data-testid=mcb-edit-name]", "Anna Neumann");
    replace_text(d, "[data-testid=mcb-edit-quota]", "150");
    click(d, "[data-testid=mcb-edit-active]");
    shot(&app, &format!("{tag}-09-edit"));
    click(d, "[data-testid=mcb-edit-submit]");
    wait_until(PATIENCE, "the changed row", || {
        Ok(text_of(d, &in_row(&anna, "[data-testid=mcb-who]"))
            .contains("Anna Neumann")
            .then_some(()))
    })
    .expect("the list shows the new name");
    let on_peer = rt.block_on(p.mailbox(&anna)).expect("anna on the peer");
    assert_eq!(on_peer["name"], "Anna Neumann");
    assert_eq!(on_peer["quota"], 150 * MIB);
    assert_eq!(on_peer["active_int"], 0);
    shot(&app, &format!("{tag}-10-edited"));

    // The domain's allowance shrinks on the server after the sync: the server refuses.
    let answer = rt.block_on(p.api_post(
        "edit/domain",
        json!({"items": [domain], "attr": {"maxquota": "200", "defquota": "100"}}),
    ));
    assert_success(&answer);
    click(d, &in_row(&anna, "[data-testid=mcb-edit]"));
    wait_for(d, PATIENCE, "[data-testid=mcb-edit-quota]");
    replace_text(d, "[data-testid=mcb-edit-quota]", "500");
    click(d, "[data-testid=mcb-edit-submit]");
    wait_for(d, PATIENCE, "[data-testid=mcb-edit-quota-error]");
    let refusal = text_of(d, "[data-testid=mcb-edit-quota-error]");
    assert!(
        refusal.contains(x.quota_refused),
        "the server's refusal next to the quota: {refusal}"
    );
    shot(&app, &format!("{tag}-11-quota-refused"));
    click(d, "[data-testid=mcb-edit-close]");
    assert!(
        text_of(d, &in_row(&anna, "[data-testid=mcb-usage]")).contains("150 MB"),
        "nothing changed locally: {}",
        text_of(d, &in_row(&anna, "[data-testid=mcb-usage]"))
    );
    assert_eq!(
        rt.block_on(p.mailbox(&anna)).expect("anna")["quota"],
        150 * MIB
    );

    // Delete: the question names the mailbox and its size.
    click(d, &in_row(&ben, "[data-testid=mcb-delete]"));
    wait_for(d, PATIENCE, "[data-testid=mcb-delete-question]");
    let question = text_of(d, "[data-testid=mcb-delete-question]");
    assert!(
        question.contains(&ben)
            && question.contains("Ben Kurz")
            && question.contains(x.delete_holds),
        "{question}"
    );
    shot(&app, &format!("{tag}-12-delete-question"));
    click(d, "[data-testid=mcb-delete-confirm]");
    wait_listed(d, &ben, false);
    assert!(
        rt.block_on(p.mailbox(&ben)).is_none(),
        "ben is gone on the peer"
    );
    shot(&app, &format!("{tag}-13-deleted"));

    // An alias, added and deleted.
    let sales = format!("sales@{domain}");
    replace_text(d, "[data-testid=mcb-alias-address]", &sales);
    replace_text(
        d,
        "[data-testid=mcb-alias-targets]",
        &format!("{anna}, boss@partner.example"),
    );
    click(d, "[data-testid=mcb-alias-add]");
    let alias_css = format!("[data-testid=mcb-alias][data-address=\"{sales}\"]");
    wait_for(d, PATIENCE, &alias_css);
    let on_peer = rt.block_on(p.alias(&sales)).expect("the alias on the peer");
    assert_eq!(on_peer["goto"], format!("{anna},boss@partner.example"));
    shot(&app, &format!("{tag}-14-alias-added"));
    click(d, &format!("{alias_css} [data-testid=mcb-alias-delete]"));
    click(d, "[data-testid=mcb-alias-delete-confirm]");
    wait_until(PATIENCE, "the alias gone from the list", || {
        Ok(d.find_all(&alias_css)
            .map(|found| found.is_empty())
            .unwrap_or(false)
            .then_some(()))
    })
    .expect("the alias is gone");
    assert!(
        rt.block_on(p.alias(&sales)).is_none(),
        "the alias is gone on the peer"
    );

    // 6. The session ends on the peer and the password changed there: signed out.
    let new_password = format!("Da-{}-New!7", unique("pw"));
    record_secret("mailcow_password", &new_password);
    let answer = rt.block_on(p.api_post(
        "edit/domain-admin",
        json!({"items": [admin], "attr": {"password": new_password, "password2": new_password}}),
    ));
    assert_success(&answer);
    assert!(p.end_sessions_of(&admin) >= 1, "a session to end");
    open_view(d, "connections", "[data-testid=connection]");
    click(d, &in_card(&session, "[data-testid=connection-sync]"));
    wait_state(d, &session, x.signed_out);
    let why = text_of(d, &in_card(&session, "[data-testid=connection-error]"));
    assert!(why.contains(x.wrong_password), "{why}");
    assert_eq!(
        card_text(d, &session).matches(x.wrong_password).count(),
        1,
        "the reason is said once"
    );
    shot(&app, &format!("{tag}-15-signed-out"));

    // Re-entering: a wrong password is refused next to it, the right one asks the code.
    click(d, &in_card(&session, "[data-testid=connection-reenter]"));
    submit_hosted(d, None, &admin, "not-the-password");
    wait_for(d, PATIENCE, "[data-testid=mc-hosted-password-error]");
    assert!(text_of(d, "[data-testid=mc-hosted-password-error]").contains(x.wrong_password));
    wait_state(d, &session, x.signed_out);
    shot(&app, &format!("{tag}-16-reenter-wrong"));
    submit_hosted(d, None, &admin, &new_password);
    submit_totp(d, &totp_code(&secret, 0));
    wait_state(d, &session, x.connected);
    assert_eq!(wait_connections(d, 1), vec![session.clone()]);
    assert_eq!(
        keyring_secret(&session).as_deref(),
        Some(new_password.as_str()),
        "the new password replaced the old one in the keyring"
    );
    shot(&app, &format!("{tag}-17-reentered"));
}

#[test]
fn e2e_mailcow_flows_in_english() {
    flows("en_GB", "en", &EN);
}

#[test]
fn e2e_mailcow_flows_in_german() {
    flows("de_DE", "de", &DE);
}
