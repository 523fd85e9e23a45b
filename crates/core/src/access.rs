//! What of the cache a session may see. The cache can hold rows the account's role may no
//! longer read (the role changed, and the account's sync has not succeeded since): every
//! read of synced rows by `Core` goes through here, so none of them is shown, counted or
//! used to fill a form, and no alert about them is listed.

use cowdesk_model::{Account, AlertCategory, Profile, Resource, Role};

use crate::error::CoreError;
use crate::session::Core;
use crate::store::rows::Synced;

impl Core {
    /// Resources the role does not allow, by the cached role or by the last sync's 403.
    pub(crate) async fn not_permitted(
        &self,
        account_id: &str,
        role: &Role,
    ) -> Result<Vec<Resource>, CoreError> {
        let states = self.store().sync_states(account_id).await?;
        Ok(Resource::ALL
            .into_iter()
            .filter(|r| !role.allows(r.permission()) || states.get(r).is_some_and(|s| !s.permitted))
            .collect())
    }

    /// Whether the role may read `resource`, by the cached role and the last sync's 403.
    pub(crate) async fn permitted(
        &self,
        account: &Account,
        resource: Resource,
    ) -> Result<bool, CoreError> {
        Ok(!self
            .not_permitted(&account.id, &account.role)
            .await?
            .contains(&resource))
    }

    /// The account's cached rows of `T`, or none when its role may not read them.
    pub(crate) async fn readable<T: Synced>(&self, account: &Account) -> Result<Vec<T>, CoreError> {
        match self.permitted(account, T::table().resource).await? {
            true => self.store().rows(&account.id).await,
            false => Ok(Vec::new()),
        }
    }

    /// Refuses a view of one object of `resource` (an invoice's detail, say) when the role
    /// may not read it, naming the permission.
    pub(crate) async fn require(
        &self,
        account: &Account,
        resource: Resource,
    ) -> Result<(), CoreError> {
        match self.permitted(account, resource).await? {
            true => Ok(()),
            false => Err(CoreError::Forbidden {
                permission: Some(resource.permission()),
            }),
        }
    }

    /// The account's cached profile, if the role may read it.
    pub(crate) async fn readable_profile(
        &self,
        account: &Account,
    ) -> Result<Option<Profile>, CoreError> {
        Ok(self.readable::<Profile>(account).await?.pop())
    }

    /// (account, alert rule name) of every alert the session may not see: the alerts about
    /// a resource the account's role may not read.
    pub(crate) async fn hidden_alert_rules(
        &self,
    ) -> Result<Vec<(String, &'static str)>, CoreError> {
        let mut hidden = Vec::new();
        for account in self.store().accounts().await? {
            let not_permitted = self.not_permitted(&account.id, &account.role).await?;
            for rule in cowdesk_model::AlertRule::ALL {
                if not_permitted.contains(&alert_resource(rule.category())) {
                    hidden.push((account.id.clone(), rule.as_str()));
                }
            }
        }
        Ok(hidden)
    }
}

/// The resource an alert's category is about.
pub(crate) fn alert_resource(category: AlertCategory) -> Resource {
    match category {
        AlertCategory::Invoices => Resource::Invoices,
        AlertCategory::Services => Resource::Services,
        AlertCategory::Mandates => Resource::Mandates,
        AlertCategory::Domains => Resource::Domains,
        AlertCategory::Mailboxes => Resource::Mailboxes,
    }
}
