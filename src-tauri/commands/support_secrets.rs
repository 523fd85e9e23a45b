//! Secret links in the window: the secret service setting (secrets.servercow.de unless
//! changed; the demo's double in demo mode), "Share a secret", the copy button (from
//! Rust), and "replace with a secret link" for a password the guard found in a ticket.
//!
//! The secret crosses IPC inward only. The link with its key goes to the window once, to
//! be shown (or, for a finding, in place of the secret in the draft); the copy button
//! copies the link kept here. Nothing of either is logged.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use cowdesk_core::error::CoreError;
use cowdesk_core::model::{
    GuardFinding, SecretExpiry, SecretLinkShown, SecretServerSettings, SupportDraft,
};
use cowdesk_core::session::Core;
use cowdesk_core::support::guard::finding_text;
use cowdesk_core::support::{
    create_secret_link, replace_finding, SecretOptions, SecretText, DEFAULT_SECRET_SERVER,
};
use tauri::State;

use super::error::{from_core, internal, invalid_input};
use super::support::{checked_draft, hits, known_secrets, SupportSession};
use super::{input, CmdResult};
use crate::clipboard::{CopyError, SecretClipboard};
use crate::AppState;

/// Where the demo sandbox serves its secret service double (below its base address).
const DEMO_YOPASS_PATH: &str = "/yopass";
/// What Yopass takes: about 7,000 typed characters fit its 10,000 encrypted ones.
const MAX_SECRET_BYTES: usize = 64 * 1024;
const MAX_SERVER: usize = 2048;
/// How long the last link stays available to the copy button.
const HOLD_LINK_FOR: Duration = Duration::from_secs(15 * 60);

/// The last link made, for the copy button. Deliberately without Debug.
#[derive(Default)]
pub struct SharedLink(Mutex<Option<(String, SecretText, Instant)>>);

impl SharedLink {
    fn lock(&self) -> std::sync::MutexGuard<'_, Option<(String, SecretText, Instant)>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Forgets the link held for the copy button (sign-out).
    pub fn forget(&self) {
        *self.lock() = None;
    }
}

/// The service's address when the user did not choose one: the demo's double while the
/// demo runs, else the FAQ's.
fn default_server(core: &Core) -> String {
    match core.login_info() {
        Some(login) if login.demo => {
            format!("{}{DEMO_YOPASS_PATH}", login.server.trim_end_matches('/'))
        }
        _ => DEFAULT_SECRET_SERVER.to_owned(),
    }
}

async fn settings(core: &Core) -> CmdResult<SecretServerSettings> {
    let default_server = default_server(core);
    let server = core
        .secret_server(&default_server)
        .await
        .map_err(|e| from_core(&e))?;
    Ok(SecretServerSettings {
        server,
        default_server,
    })
}

fn secret_text(value: String) -> CmdResult<SecretText> {
    let value = SecretText::new(value);
    if value.expose().trim().is_empty() {
        return Err(invalid_input(
            "secret",
            "Enter the secret to share.",
            "Geben Sie das Geheimnis ein, das Sie teilen möchten.",
        ));
    }
    if value.expose().len() > MAX_SECRET_BYTES {
        return Err(invalid_input(
            "secret",
            "The secret is too long for the secret service. Split it or shorten it.",
            "Das Geheimnis ist zu lang für den Secret-Dienst. Teilen oder kürzen Sie es.",
        ));
    }
    Ok(value)
}

async fn make_link(
    core: &Core,
    secret: &str,
    expiry: SecretExpiry,
    one_time: bool,
) -> CmdResult<(SecretText, SecretLinkShown)> {
    let server = settings(core).await?.server;
    let options = SecretOptions {
        server,
        expiry,
        one_time,
    };
    let created = create_secret_link(secret, &options)
        .await
        .map_err(|e| from_core(&CoreError::from(e)))?;
    let link = created.link.to_text();
    let shown = SecretLinkShown {
        link: link.expose().to_owned(),
        id: created.link.id.clone(),
        server: created.link.server.clone(),
        expiry: created.expiry,
        one_time: created.one_time,
    };
    Ok((link, shown))
}

#[tauri::command]
pub async fn support_secret_settings(
    state: State<'_, AppState>,
) -> CmdResult<SecretServerSettings> {
    let core = state.core().await;
    settings(&core).await
}

/// Sets the secret service; `null` or the default goes back to the default.
#[tauri::command]
pub async fn support_set_secret_server(
    state: State<'_, AppState>,
    server: Option<String>,
) -> CmdResult<SecretServerSettings> {
    if server.as_ref().is_some_and(|s| s.len() > MAX_SERVER) {
        return Err(invalid_input(
            "server",
            "This address is too long.",
            "Diese Adresse ist zu lang.",
        ));
    }
    let core = state.core().await;
    let default = default_server(&core);
    let chosen = server
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty() && s.trim_end_matches('/') != default);
    core.set_secret_server(chosen)
        .await
        .map_err(|e| from_core(&e))?;
    settings(&core).await
}

/// Encrypts the secret here, stores the ciphertext on the secret service and shows the
/// link with the key once; it stays available to the copy button for a while.
#[tauri::command]
pub async fn support_create_secret(
    state: State<'_, AppState>,
    session: State<'_, SupportSession>,
    shared: State<'_, SharedLink>,
    secret: String,
    expiry: SecretExpiry,
    one_time: bool,
) -> CmdResult<SecretLinkShown> {
    let secret = secret_text(secret)?;
    let core = state.core().await;
    let (link, shown) = make_link(&core, secret.expose(), expiry, one_time).await?;
    session.remember(secret.expose());
    *shared.lock() = Some((shown.id.clone(), link, Instant::now()));
    Ok(shown)
}

/// Copies the link made last (by its id) to the clipboard, marked as a secret; the
/// clipboard is cleared after a minute if it still holds it.
#[tauri::command]
pub fn support_copy_secret_link(
    shared: State<'_, SharedLink>,
    clipboard: State<'_, SecretClipboard>,
    id: String,
) -> CmdResult<()> {
    let link = match shared.lock().as_ref() {
        Some((held, link, since)) if *held == id && since.elapsed() < HOLD_LINK_FOR => {
            link.clone()
        }
        _ => {
            return Err(invalid_input(
                "link",
                "This link is no longer held for copying. Select it and copy it by hand, or make a new one.",
                "Dieser Link wird nicht mehr zum Kopieren bereitgehalten. Markieren und kopieren Sie ihn von Hand oder erstellen Sie einen neuen.",
            ))
        }
    };
    // Straight to the clipboard: an authcode held for the domain view's copy button stays.
    clipboard
        .copy_secret(link.expose())
        .map_err(|err| match err {
            CopyError::NothingHeld => internal("nothing to copy"),
            CopyError::Clipboard(reason) => {
                tracing::warn!("clipboard: {reason}");
                internal("the clipboard is not available")
            }
        })
}

/// Puts a secret link in place of what the guard found in one field of the draft: the
/// finding must still be there as the guard reports it. Answers with the new draft.
#[tauri::command]
#[allow(clippy::too_many_arguments)]
pub async fn support_replace_finding(
    state: State<'_, AppState>,
    session: State<'_, SupportSession>,
    account_id: Option<String>,
    draft: SupportDraft,
    field: String,
    finding: GuardFinding,
    expiry: SecretExpiry,
    one_time: bool,
) -> CmdResult<SupportDraft> {
    let account_id = account_id.as_deref().map(input::account_id).transpose()?;
    let mut draft = checked_draft(draft)?;
    let core = state.core().await;
    let known = known_secrets(&core, &session, account_id).await?;
    let still_there = hits(&draft, &known)
        .into_iter()
        .any(|h| h.field == field && h.finding == finding);
    let Some(value) = draft.values.get(&field).filter(|_| still_there) else {
        return Err(invalid_input(
            "field",
            "The text changed since it was checked. Check it again.",
            "Der Text hat sich seit der Prüfung geändert. Prüfen Sie ihn erneut.",
        ));
    };
    let secret = SecretText::new(
        finding_text(value, &finding)
            .map_err(|e| from_core(&e))?
            .to_owned(),
    );
    let (link, _) = make_link(&core, secret.expose(), expiry, one_time).await?;
    let replaced = replace_finding(value, &finding, link.expose()).map_err(|e| from_core(&e))?;
    session.remember(secret.expose());
    draft.values.insert(field, replaced);
    Ok(draft)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn support_secrets_are_checked_and_redacted() {
        assert!(secret_text("  ".into()).is_err());
        assert!(secret_text("x".repeat(MAX_SECRET_BYTES + 1)).is_err());
        let ok = secret_text("Sommer2026!".into()).unwrap();
        assert!(!format!("{ok:?}").contains("Sommer"));
    }
}
