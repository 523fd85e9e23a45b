//! Changes to a mailcow's mailboxes and aliases: checked here by the same rules as the
//! forms (the FAQ's character rule, the domain's allowance from the cache), sent to the
//! server, and only once the server said success read back from it into the cache. A
//! refusal comes back in English and German with the field it concerns; the cache is not
//! touched before the server confirmed.

use cowdesk_model::{ConnectionAccess, MailcowChangeOutcome, Resource};

use super::records::Record;
use crate::error::CoreError;
use crate::mailcow::{
    password, rules, Accepted, MailboxChange, Mailcow, MailcowDomain, MailcowError, MailcowMailbox,
    NewAlias, NewMailbox, MIB,
};
use crate::portal::Sensitive;
use crate::session::Core;

/// A new mailbox as a form or the command line gives it.
#[derive(Clone)]
pub struct MailboxInput {
    /// `local@domain`.
    pub address: String,
    pub name: String,
    pub quota_mib: u64,
    /// `None`: cowdesk generates one and shows it once.
    pub password: Option<String>,
    pub active: bool,
}

impl std::fmt::Debug for MailboxInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailboxInput")
            .field("address", &self.address)
            .field("name", &self.name)
            .field("quota_mib", &self.quota_mib)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("active", &self.active)
            .finish()
    }
}

#[derive(Debug, Clone)]
pub struct AliasInput {
    pub address: String,
    pub targets: Vec<String>,
    pub active: bool,
}

/// RFC 5321: an address has at most 254 octets.
const MAX_ADDRESS: usize = 254;

/// The domain of an address (`@domain` for a catch-all alias), lower case.
fn split(address: &str, field: &str) -> Result<(String, String), CoreError> {
    let address = address.trim();
    match address.rsplit_once('@') {
        Some((local, domain)) if !domain.is_empty() && address.len() <= MAX_ADDRESS => {
            Ok((local.to_owned(), domain.to_ascii_lowercase()))
        }
        _ => Err(CoreError::field(
            field,
            "Enter the full address, e.g. anna@example.com.",
            "Geben Sie die vollständige Adresse ein, z. B. anna@example.com.",
        )),
    }
}

fn not_here(what: &str, what_de: &str, value: &str, field: &str) -> CoreError {
    CoreError::field(
        field,
        &format!("No mailcow connection of this profile has the {what} {value} (sync first, or check the address)."),
        &format!("Keine mailcow-Verbindung dieses Profils hat {what_de} {value} (erst synchronisieren oder die Adresse prüfen)."),
    )
}

fn read_only() -> CoreError {
    MailcowError::ReadOnlyKey.into()
}

fn confirmed(record: &Record, address: &str, en: String, de: String) -> MailcowChangeOutcome {
    MailcowChangeOutcome {
        connection_id: record.id.clone(),
        address: address.to_owned(),
        message: en,
        message_de: de,
        generated_password: None,
        reread_error: None,
    }
}

impl Core {
    /// The connection a change goes through: the one named, else a read-write one whose
    /// cache holds `key` in `table` (`mailcow_mailboxes.address`, `mailcow_domains.name`,
    /// `mailcow_aliases.address`), else any that holds it.
    async fn connection_holding(
        &self,
        named: Option<&str>,
        table_column: (&str, &str),
        key: &str,
    ) -> Result<Option<Record>, CoreError> {
        if let Some(id) = named {
            return self.connection_record(id).await.map(Some);
        }
        let (table, column) = table_column;
        let holders: Vec<String> = sqlx::query_scalar(&format!(
            "SELECT account_id FROM {table} WHERE {column} = ?1"
        ))
        .bind(key)
        .fetch_all(self.store.pool())
        .await?;
        Ok(self
            .writable_first()
            .await?
            .into_iter()
            .find(|r| holders.contains(&r.id)))
    }

    async fn cached_mailcow_domain(
        &self,
        record: &Record,
        name: &str,
    ) -> Result<Option<MailcowDomain>, CoreError> {
        Ok(self
            .store
            .rows::<MailcowDomain>(&record.id)
            .await?
            .into_iter()
            .find(|d| d.name == name))
    }

    async fn cached_mailcow_mailbox(
        &self,
        record: &Record,
        address: &str,
    ) -> Result<Option<MailcowMailbox>, CoreError> {
        Ok(self
            .store
            .rows::<MailcowMailbox>(&record.id)
            .await?
            .into_iter()
            .find(|m| m.address == address))
    }

    /// Sends one write through the connection's client; a refusal or failure is recorded
    /// on the connection where it says something about it.
    async fn send<F, Fut>(&self, record: &Record, write: F) -> Result<Accepted, CoreError>
    where
        F: FnOnce(std::sync::Arc<crate::mailcow::AnyMailcow>) -> Fut,
        Fut: std::future::Future<Output = Result<Accepted, MailcowError>>,
    {
        if record.access == ConnectionAccess::ReadOnly {
            return Err(read_only());
        }
        let client = self.client_for(record).await?;
        match write(client).await {
            Ok(accepted) => Ok(accepted),
            Err(err) => Err(self.mailcow_failed(&record.id, err).await),
        }
    }

    /// After the server's success: the connection read again and written to the cache.
    /// A failed re-read does not undo the change; the outcome says the list is older.
    async fn reread(
        &self,
        record: &Record,
        address: &str,
        mut outcome: MailcowChangeOutcome,
    ) -> MailcowChangeOutcome {
        let acknowledged = [(Resource::Mailboxes, address.to_owned())];
        if let Err(err) = self.fetch_and_write(record, &acknowledged).await {
            outcome.reread_error = Some(err.info());
        }
        // Another connection that sees the same domain (a session and a key of one
        // mailcow) would otherwise keep showing the old row until its own next sync.
        if let Err(err) = self.reread_others(record, address).await {
            tracing::info!("the other connections of the domain were not re-read: {err}");
        }
        outcome
    }

    async fn reread_others(&self, changed: &Record, address: &str) -> Result<(), CoreError> {
        let domain = address
            .rsplit_once('@')
            .map(|(_, d)| d.to_ascii_lowercase())
            .unwrap_or_default();
        for other in super::records::all(&self.store).await? {
            if other.id == changed.id {
                continue;
            }
            let holds = self
                .store
                .rows::<MailcowDomain>(&other.id)
                .await?
                .iter()
                .any(|d| d.name.eq_ignore_ascii_case(&domain));
            if holds {
                self.fetch_and_write(&other, &[]).await?;
            }
        }
        Ok(())
    }

    /// Adds a mailbox. The password is the one given, or one cowdesk generates, which
    /// the outcome carries to be shown once (it is stored nowhere).
    pub async fn mailcow_add_mailbox(
        &self,
        connection: Option<&str>,
        input: MailboxInput,
    ) -> Result<MailcowChangeOutcome, CoreError> {
        let (local, domain) = split(&input.address, "address")?;
        let record = self
            .connection_holding(connection, ("mailcow_domains", "name"), &domain)
            .await?
            .ok_or_else(|| not_here("domain", "die Domain", &domain, "address"))?;
        let (password, generated) = match input.password {
            Some(typed) => (Sensitive::new(typed), false),
            None => (password::generate()?, true),
        };
        let mailbox = NewMailbox {
            local_part: local.trim().to_owned(),
            domain: domain.clone(),
            name: input.name.trim().to_owned(),
            quota_mib: input.quota_mib,
            password: password.clone(),
            active: input.active,
        };
        rules::new_mailbox(&mailbox)?;
        if let Some(cached) = self.cached_mailcow_domain(&record, &domain).await? {
            rules::new_mailbox_fits(&mailbox, &cached)?;
        }
        let address = mailbox.address();
        self.send(&record, |c| async move { c.add_mailbox(&mailbox).await })
            .await?;
        let mut outcome = confirmed(
            &record,
            &address,
            format!("The mailcow created the mailbox {address}."),
            format!("Der mailcow hat das Postfach {address} angelegt."),
        );
        if generated {
            outcome.generated_password = Some(password.expose().clone());
        }
        Ok(self.reread(&record, &address, outcome).await)
    }

    /// The connection holding a cached mailbox, and the mailbox as cached.
    async fn mailbox_target(
        &self,
        connection: Option<&str>,
        address: &str,
    ) -> Result<(Record, MailcowMailbox), CoreError> {
        let address = address.trim().to_ascii_lowercase();
        split(&address, "address")?;
        let record = self
            .connection_holding(connection, ("mailcow_mailboxes", "address"), &address)
            .await?
            .ok_or_else(|| not_here("mailbox", "das Postfach", &address, "address"))?;
        let mailbox = self
            .cached_mailcow_mailbox(&record, &address)
            .await?
            .ok_or_else(|| not_here("mailbox", "das Postfach", &address, "address"))?;
        Ok((record, mailbox))
    }

    /// Changes a mailbox's name, quota (MiB, within the domain's allowance) or state.
    pub async fn mailcow_edit_mailbox(
        &self,
        connection: Option<&str>,
        address: &str,
        change: MailboxChange,
    ) -> Result<MailcowChangeOutcome, CoreError> {
        let (record, mailbox) = self.mailbox_target(connection, address).await?;
        rules::mailbox_change(&change)?;
        if let Some(quota) = change.quota_mib {
            if let Some(domain) = self.cached_mailcow_domain(&record, &mailbox.domain).await? {
                rules::quota_change_fits(&mailbox, quota, &domain)?;
            }
        }
        let address = mailbox.address.clone();
        let target = address.clone();
        self.send(&record, |c| async move {
            c.edit_mailbox(&target, &change).await
        })
        .await?;
        let outcome = confirmed(
            &record,
            &address,
            format!("The mailcow changed the mailbox {address}."),
            format!("Der mailcow hat das Postfach {address} geändert."),
        );
        Ok(self.reread(&record, &address, outcome).await)
    }

    /// Sets a mailbox's password (given, or generated and shown once).
    pub async fn mailcow_set_mailbox_password(
        &self,
        connection: Option<&str>,
        address: &str,
        password: Option<String>,
    ) -> Result<MailcowChangeOutcome, CoreError> {
        let (record, mailbox) = self.mailbox_target(connection, address).await?;
        let (password, generated) = match password {
            Some(typed) => (Sensitive::new(typed), false),
            None => (password::generate()?, true),
        };
        rules::password(password.expose())?;
        let address = mailbox.address.clone();
        let (target, sent) = (address.clone(), password.clone());
        self.send(&record, |c| async move {
            c.set_mailbox_password(&target, &sent).await
        })
        .await?;
        let mut outcome = confirmed(
            &record,
            &address,
            format!("The mailcow set the new password of {address}."),
            format!("Der mailcow hat das neue Passwort von {address} gesetzt."),
        );
        if generated {
            outcome.generated_password = Some(password.expose().clone());
        }
        Ok(self.reread(&record, &address, outcome).await)
    }

    /// Deletes a mailbox; its mail is gone (the FAQ warns so, and so does the message).
    pub async fn mailcow_delete_mailbox(
        &self,
        connection: Option<&str>,
        address: &str,
    ) -> Result<MailcowChangeOutcome, CoreError> {
        let (record, mailbox) = self.mailbox_target(connection, address).await?;
        let address = mailbox.address.clone();
        let target = address.clone();
        self.send(&record, |c| async move { c.delete_mailbox(&target).await })
            .await?;
        let stored = mailbox.used_bytes.div_ceil(MIB);
        let outcome = confirmed(
            &record,
            &address,
            format!(
                "The mailcow deleted the mailbox {address} ({}, {stored} MiB of mail, {} messages); its mail is gone.",
                mailbox.name, mailbox.messages
            ),
            format!(
                "Der mailcow hat das Postfach {address} gelöscht ({}, {stored} MiB E-Mail, {} Nachrichten); seine E-Mails sind fort.",
                mailbox.name, mailbox.messages
            ),
        );
        Ok(self.reread(&record, &address, outcome).await)
    }

    /// Adds an alias (`local@domain`, or `@domain` to catch all) forwarding to `targets`.
    pub async fn mailcow_add_alias(
        &self,
        connection: Option<&str>,
        input: AliasInput,
    ) -> Result<MailcowChangeOutcome, CoreError> {
        let alias = rules::new_alias(&NewAlias {
            address: input.address,
            targets: input.targets,
            active: input.active,
        })?;
        let (_, domain) = split(&alias.address, "address")?;
        let record = self
            .connection_holding(connection, ("mailcow_domains", "name"), &domain)
            .await?
            .ok_or_else(|| not_here("domain", "die Domain", &domain, "address"))?;
        let address = alias.address.clone();
        self.send(&record, |c| async move { c.add_alias(&alias).await })
            .await?;
        let outcome = confirmed(
            &record,
            &address,
            format!("The mailcow created the alias {address}."),
            format!("Der mailcow hat den Alias {address} angelegt."),
        );
        Ok(self.reread(&record, &address, outcome).await)
    }

    /// Deletes an alias by its address.
    pub async fn mailcow_delete_alias(
        &self,
        connection: Option<&str>,
        address: &str,
    ) -> Result<MailcowChangeOutcome, CoreError> {
        let address = address.trim().to_ascii_lowercase();
        let missing = || not_here("alias", "den Alias", &address, "address");
        let record = self
            .connection_holding(connection, ("mailcow_aliases", "address"), &address)
            .await?
            .ok_or_else(missing)?;
        let alias = self
            .store
            .rows::<crate::mailcow::MailcowAlias>(&record.id)
            .await?
            .into_iter()
            .find(|a| a.address == address)
            .ok_or_else(missing)?;
        self.send(&record, |c| async move { c.delete_alias(alias.id).await })
            .await?;
        let outcome = confirmed(
            &record,
            &address,
            format!("The mailcow deleted the alias {address}."),
            format!("Der mailcow hat den Alias {address} gelöscht."),
        );
        Ok(self.reread(&record, &address, outcome).await)
    }
}
