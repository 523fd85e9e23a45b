//! The profile's mailcow connections: connecting a hosted mailcow's domain administrator
//! (with its TOTP step) or a Managed mailcow's API key, listing them with their state,
//! and removing one (keyring entry and cached rows). A refused secret or an unreachable
//! server is named beside its field (`CoreError::beside`), so the form shows it there.

use cowdesk_core::model::{ConnectOutcome, Connection, ConnectionSyncOutcome};
use cowdesk_core::validate::{mailcow, signin};

use super::input::SomeConnectionId;

core_commands! {
    list_connections() -> Vec<Connection> = |core| core.connections();

    /// Signs in as a mailcow's domain administrator (the hosted mailcow: the Servercow
    /// account's e-mail and password). `totp_needed` in the outcome asks for the code.
    connect_mailcow_session(url: String, user: String, password: String, totp: Option<String>)
        -> ConnectOutcome = |core| async {
            let totp = totp.as_deref().map(mailcow::totp).transpose()?;
            let (url, user) = (mailcow::url(&url)?, mailcow::user(&user)?);
            core.connect_mailcow_session(url, user, signin::password(&password)?, totp)
                .await
                .map_err(|e| e.beside("password"))
        };

    /// Finishes a login that waits for its six-digit code.
    verify_mailcow_totp(id: SomeConnectionId, code: String) -> Connection = |core| async {
        let code = mailcow::totp(&code)?;
        core.verify_mailcow_totp(&id, code).await.map_err(|e| e.beside("totp"))
    };

    /// Connects a Managed mailcow with an API key; the outcome says read-only or read-write.
    connect_mailcow_api_key(url: String, api_key: String) -> ConnectOutcome = |core| async {
        let (url, api_key) = (mailcow::url(&url)?, mailcow::api_key(&api_key)?);
        core.connect_mailcow_api_key(url, api_key).await.map_err(|e| e.beside("apiKey"))
    };

    /// Removes a connection: its keyring entry, then its cached rows.
    remove_connection(id: SomeConnectionId) -> () = |core| core.disconnect(&id);

    /// Reads one connection's domains, mailboxes and aliases into the cache.
    sync_connection(id: SomeConnectionId) -> ConnectionSyncOutcome
        = |core| core.sync_connection(&id);
}
