//! Steps the mailcow end-to-end tests share: sign in on the first screen, connect through
//! the forms, open a view, read the connections page and the mailbox list, and look at
//! what the app left in the keyring and its cache file. The peer itself is
//! `mailcow_peer` (crates/core/tests/support/mailcow_peer.rs).

use std::path::Path;
use std::time::Duration;

use serde_json::Value;

use super::driver::wait_until;
use super::page::{attributes, click, replace_text, text_of, wait_for};
use super::webdriver::WebDriver;

/// How long a step may take on a busy machine (a mailcow write and its re-read).
pub const PATIENCE: Duration = Duration::from_secs(45);

/// A runtime for the peer's API and the proxy. Multi-threaded, so a proxy keeps answering
/// the window while the test blocks on WebDriver calls.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("a runtime for the peer's API")
}

/// Clicks a view in the sidebar and waits for its marker element.
pub fn open_view(d: &WebDriver, view: &str, marker: &str) {
    click(d, &format!("[data-testid=nav-{view}]"));
    wait_for(d, PATIENCE, marker);
}

/// Fills the open hosted-mailcow form (`url` under "Advanced", left as it is when
/// `None`) and sends it.
pub fn submit_hosted(d: &WebDriver, url: Option<&str>, user: &str, password: &str) {
    wait_for(d, PATIENCE, "[data-testid=mc-hosted-user]");
    if let Some(url) = url {
        let open = d
            .execute("const a = document.querySelector('[data-testid=mc-hosted-form] details.advanced'); return !!(a && a.open)")
            .expect("script");
        if open != Value::Bool(true) {
            click(d, "[data-testid=mc-hosted-form] details.advanced summary");
        }
        wait_for(d, PATIENCE, "[data-testid=mc-hosted-url]");
        replace_text(d, "[data-testid=mc-hosted-url]", url);
    }
    replace_text(d, "[data-testid=mc-hosted-user]", user);
    replace_text(d, "[data-testid=mc-hosted-password]", password);
    click(d, "[data-testid=mc-hosted-submit]");
}

/// Fills the open Managed-mailcow form and sends it.
pub fn submit_managed(d: &WebDriver, url: &str, key: &str) {
    wait_for(d, PATIENCE, "[data-testid=mc-managed-url]");
    replace_text(d, "[data-testid=mc-managed-url]", url);
    replace_text(d, "[data-testid=mc-managed-key]", key);
    click(d, "[data-testid=mc-managed-submit]");
}

/// Types the six digits into the TOTP step and confirms.
pub fn submit_totp(d: &WebDriver, code: &str) {
    wait_for(d, PATIENCE, "[data-testid=mc-hosted-totp]");
    replace_text(d, "[data-testid=mc-hosted-totp]", code);
    click(d, "[data-testid=mc-hosted-submit]");
}

/// The ids of the connections the connections page lists, in order.
pub fn connection_ids(d: &WebDriver) -> Vec<String> {
    attributes(d, "[data-testid=connection]", "data-connection")
}

/// Waits until the connections page lists `n` connections; returns their ids.
pub fn wait_connections(d: &WebDriver, n: usize) -> Vec<String> {
    wait_until(PATIENCE, &format!("{n} connections listed"), || {
        let ids = connection_ids(d);
        Ok((ids.len() == n).then_some(ids))
    })
    .unwrap_or_else(|e| panic!("{e}: {:?}", connection_ids(d)))
}

/// A selector inside the card of connection `id`.
pub fn in_card(id: &str, css: &str) -> String {
    format!("[data-testid=connection][data-connection=\"{id}\"] {css}")
}

/// The whole text of the card of connection `id`.
pub fn card_text(d: &WebDriver, id: &str) -> String {
    text_of(
        d,
        &format!("[data-testid=connection][data-connection=\"{id}\"]"),
    )
}

/// Waits until the state badge of connection `id` reads `state`.
pub fn wait_state(d: &WebDriver, id: &str, state: &str) {
    let css = in_card(id, "[data-testid=connection-state]");
    wait_until(PATIENCE, &format!("connection {id}: {state}"), || {
        Ok((text_of(d, &css) == state).then_some(()))
    })
    .unwrap_or_else(|e| panic!("{e}; the card says: {}", card_text(d, id)));
}

/// The addresses of the mailbox list's rows, in order.
pub fn listed_mailboxes(d: &WebDriver) -> Vec<String> {
    attributes(d, "[data-testid=mcb-row]", "data-address")
}

/// Waits until the mailbox list does (`true`) or does not list `address`.
pub fn wait_listed(d: &WebDriver, address: &str, listed: bool) {
    wait_until(PATIENCE, &format!("{address} listed: {listed}"), || {
        Ok((listed_mailboxes(d).iter().any(|a| a == address) == listed).then_some(()))
    })
    .unwrap_or_else(|e| panic!("{e}"));
}

/// A selector inside the mailbox list's row of `address`.
pub fn in_row(address: &str, css: &str) -> String {
    format!("[data-testid=mcb-row][data-address=\"{address}\"] {css}")
}

/// The secret the app keeps in the (real) keyring for a mailcow connection.
pub fn keyring_secret(connection_id: &str) -> Option<String> {
    use cowdesk_core::secrets::{KeyringSecretStore, SecretStore};
    KeyringSecretStore::new()
        .get(&cowdesk_core::connections::secret_key(connection_id))
        .expect("the keyring answers")
}

/// How many rows of the app's cache file (`default.sqlite` in `data_dir`) belong to
/// connection `id`, table by table: its record, its scope row, its domains, mailboxes,
/// aliases and sync state.
pub fn cached_rows_of(data_dir: &Path, id: &str) -> Vec<(&'static str, i64)> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime for SQLite");
    rt.block_on(async {
        use sqlx::ConnectOptions;
        let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(data_dir.join("default.sqlite"))
            .read_only(true)
            .connect()
            .await
            .expect("open the cache file");
        let mut counts = Vec::new();
        for (table, column) in [
            ("mailcow_connections", "id"),
            ("accounts", "id"),
            ("mailcow_domains", "account_id"),
            ("mailcow_mailboxes", "account_id"),
            ("mailcow_aliases", "account_id"),
            ("sync_state", "account_id"),
        ] {
            let n: i64 =
                sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table} WHERE {column} = ?1"))
                    .bind(id)
                    .fetch_one(&mut conn)
                    .await
                    .unwrap_or_else(|e| panic!("count {table}: {e}"));
            counts.push((table, n));
        }
        counts
    })
}

/// The host (and port) of a URL, as the connections page names a connection.
pub fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.split('/').next().unwrap_or(rest).to_owned()
}
