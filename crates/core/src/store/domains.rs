//! Single-domain writes after a change made through the portal (the server's answer
//! replaces the cached row; the next sync brings the rest).

use cowdesk_model::Domain;

use super::{to_json, Store};
use crate::error::CoreError;

impl Store {
    /// Replaces the cached row of one domain with `domain`, as the server answered.
    /// `NotFound` when the domain is not cached for this account.
    pub async fn update_domain(&self, account_id: &str, domain: &Domain) -> Result<(), CoreError> {
        let expires = domain.expires_on.to_string();
        let lock_changed = domain.lock_changed_at.map(|t| t.to_rfc3339());
        let services = to_json(&domain.service_ids)?;
        let invoices = to_json(&domain.invoice_numbers)?;
        let done = sqlx::query!(
            "UPDATE domains SET expires_on = ?, transfer_lock = ?, auto_renew = ?, status = ?,
                 lock_changed_at = ?, service_ids = ?, invoice_numbers = ?
             WHERE account_id = ? AND name = ?",
            expires,
            domain.transfer_lock,
            domain.auto_renew,
            domain.status,
            lock_changed,
            services,
            invoices,
            account_id,
            domain.name
        )
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Err(CoreError::NotFound);
        }
        Ok(())
    }
}
