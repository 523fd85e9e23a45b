//! Secret links as the window makes them: which service they go to (the FAQ's, the
//! demo's double while the demo runs, or the user's choice), a link made from a secret
//! and shown once, the last link held for the copy button, and a link put in place of
//! what the guard found in a ticket draft.

use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use cowdesk_model::{
    GuardFinding, SecretExpiry, SecretLinkShown, SecretServerSettings, SupportDraft,
};

use super::guard::{finding_text, replace_finding, KnownSecret};
use super::secret::{create_secret_link, SecretOptions, SecretText, DEFAULT_SECRET_SERVER};
use super::session::guard_hits;
use crate::error::CoreError;
use crate::session::Core;

/// Where the demo sandbox serves its secret service double (below its base address).
const DEMO_YOPASS_PATH: &str = "/yopass";
/// How long the last link stays available to the copy button.
const HOLD_LINK_FOR: Duration = Duration::from_secs(15 * 60);

impl Core {
    /// The service's address when the user did not choose one: the demo's double while
    /// the demo runs, else the FAQ's.
    pub fn default_secret_server(&self) -> String {
        match self.login_info() {
            Some(login) if login.demo => {
                format!("{}{DEMO_YOPASS_PATH}", login.server.trim_end_matches('/'))
            }
            _ => DEFAULT_SECRET_SERVER.to_owned(),
        }
    }

    pub async fn secret_server_settings(&self) -> Result<SecretServerSettings, CoreError> {
        let default_server = self.default_secret_server();
        let server = self.secret_server(&default_server).await?;
        Ok(SecretServerSettings {
            server,
            default_server,
        })
    }

    /// Sets the secret service; `None`, blank or the default goes back to the default.
    pub async fn choose_secret_server(
        &self,
        server: Option<&str>,
    ) -> Result<SecretServerSettings, CoreError> {
        let server = crate::validate::support::secret_server(server)?;
        let default = self.default_secret_server();
        let chosen = server
            .map(str::trim)
            .filter(|s| !s.is_empty() && s.trim_end_matches('/') != default);
        self.set_secret_server(chosen).await?;
        self.secret_server_settings().await
    }

    /// Encrypts `secret` here and stores the ciphertext on the secret service: the link
    /// with its key, and what the window shows of it once.
    pub async fn make_secret_link(
        &self,
        secret: &str,
        expiry: SecretExpiry,
        one_time: bool,
    ) -> Result<(SecretText, SecretLinkShown), CoreError> {
        let options = SecretOptions {
            server: self.secret_server_settings().await?.server,
            expiry,
            one_time,
        };
        let created = create_secret_link(secret, &options).await?;
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

    /// Puts a secret link in place of what the guard found in `field` of `draft`: the
    /// finding must still be there as the guard reports it. Answers the secret that went
    /// into the link.
    #[allow(clippy::too_many_arguments)]
    pub async fn replace_finding_with_link(
        &self,
        draft: &mut SupportDraft,
        field: String,
        finding: &GuardFinding,
        known: &[KnownSecret],
        expiry: SecretExpiry,
        one_time: bool,
    ) -> Result<SecretText, CoreError> {
        let still_there = guard_hits(draft, known)
            .into_iter()
            .any(|h| h.field == field && h.finding == *finding);
        let Some(value) = draft.values.get(&field).filter(|_| still_there) else {
            return Err(CoreError::field(
                "field",
                "The text changed since it was checked. Check it again.",
                "Der Text hat sich seit der Prüfung geändert. Prüfen Sie ihn erneut.",
            ));
        };
        let secret = SecretText::new(finding_text(value, finding)?.to_owned());
        let (link, _) = self
            .make_secret_link(secret.expose(), expiry, one_time)
            .await?;
        let replaced = replace_finding(value, finding, link.expose())?;
        draft.values.insert(field, replaced);
        Ok(secret)
    }
}

/// The last link made, for the copy button. Deliberately without Debug.
#[derive(Default)]
pub struct HeldLink(Mutex<Option<(String, SecretText, Instant)>>);

impl HeldLink {
    fn lock(&self) -> MutexGuard<'_, Option<(String, SecretText, Instant)>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Holds `link` (of the secret `id`) for a while.
    pub fn hold(&self, id: &str, link: SecretText) {
        *self.lock() = Some((id.to_owned(), link, Instant::now()));
    }

    /// The link of `id`, while it is held.
    pub fn get(&self, id: &str) -> Result<SecretText, CoreError> {
        match self.lock().as_ref() {
            Some((held, link, since)) if held == id && since.elapsed() < HOLD_LINK_FOR => {
                Ok(link.clone())
            }
            _ => Err(CoreError::field(
                "link",
                "This link is no longer held for copying. Select it and copy it by hand, or make a new one.",
                "Dieser Link wird nicht mehr zum Kopieren bereitgehalten. Markieren und kopieren Sie ihn von Hand oder erstellen Sie einen neuen.",
            )),
        }
    }

    /// Forgets the link held for the copy button (sign-out).
    pub fn forget(&self) {
        *self.lock() = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn support_held_link_is_given_for_its_id_until_forgotten() {
        let held = HeldLink::default();
        assert!(held.get("a1").is_err());
        held.hold("a1", SecretText::new("https://s/#/s/a1/key".into()));
        assert_eq!(held.get("a1").unwrap().expose(), "https://s/#/s/a1/key");
        let err = held.get("b2").unwrap_err().info();
        assert!(err.fields.contains_key("link"));
        held.forget();
        assert!(held.get("a1").is_err());
    }
}
