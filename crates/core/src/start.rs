//! What the window shows first, kept with the profile: the language chosen (and the
//! system's), the account shown last, and the signed-in login's first screen in one
//! answer.

pub mod failure;

use cowdesk_model::SignedInStart;

use crate::alerts::Lang;
use crate::error::CoreError;
use crate::session::Core;
use crate::validate::{self, signin};

const LANGUAGE: &str = "language";
const SELECTED_ACCOUNT: &str = "selected_account";

/// The system's language, reduced to one cowdesk speaks: "de" or "en".
pub fn system_language() -> &'static str {
    supported_language(sys_locale::get_locale().as_deref())
}

/// German for any German locale (de-DE, de-AT, de_CH.UTF-8), English otherwise: the
/// rule of [`Lang::from_code`].
pub fn supported_language(locale: Option<&str>) -> &'static str {
    match Lang::from_code(locale.unwrap_or_default()) {
        Lang::De => "de",
        Lang::En => "en",
    }
}

impl Core {
    /// The user's choice: "system" (the default), "en" or "de".
    pub async fn language(&self) -> Result<String, CoreError> {
        Ok(self
            .setting(LANGUAGE)
            .await?
            .unwrap_or_else(|| "system".to_owned()))
    }

    /// The language of notifications and the tray: the user's choice, else the system's.
    pub async fn notification_language(&self) -> Lang {
        match self.language().await.ok().as_deref() {
            Some(chosen @ ("de" | "en")) => Lang::from_code(chosen),
            _ => Lang::from_code(system_language()),
        }
    }

    pub async fn set_language(&self, language: &str) -> Result<(), CoreError> {
        let language = signin::language(language)?;
        self.set_setting(LANGUAGE, language).await
    }

    /// The signed-in login's accounts, the one shown last if it is still among them (else
    /// the first) and that one's dashboard.
    pub async fn signed_in_start(&self) -> Result<SignedInStart, CoreError> {
        let accounts = self.accounts().await?;
        let stored = self.setting(SELECTED_ACCOUNT).await?;
        let still_visible = stored.filter(|id| accounts.iter().any(|a| &a.account.id == id));
        let selected = still_visible.or_else(|| accounts.first().map(|a| a.account.id.clone()));
        let dashboard = match &selected {
            Some(account_id) => self.dashboard(account_id).await.ok(),
            None => None,
        };
        Ok(SignedInStart {
            accounts,
            selected,
            dashboard,
        })
    }

    /// Remembers the account shown, one of the login's own.
    pub async fn select_account(&self, account_id: &str) -> Result<(), CoreError> {
        let account_id = validate::account_id(account_id)?;
        let accounts = self.accounts().await?;
        if !accounts.iter().any(|a| a.account.id == account_id) {
            return Err(CoreError::field(
                "accountId",
                "This account is not available to your login.",
                "Dieses Konto ist für Ihre Anmeldung nicht verfügbar.",
            ));
        }
        self.set_setting(SELECTED_ACCOUNT, account_id).await
    }
}

#[cfg(test)]
mod tests {
    use super::supported_language;

    #[test]
    fn german_locales_map_to_german() {
        assert_eq!(supported_language(Some("de-DE")), "de");
        assert_eq!(supported_language(Some("de_AT.UTF-8")), "de");
        assert_eq!(supported_language(Some("en-US")), "en");
        assert_eq!(supported_language(Some("fr-FR")), "en");
        assert_eq!(supported_language(None), "en");
    }
}
