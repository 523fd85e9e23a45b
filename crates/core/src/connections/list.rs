//! Reads of what the connections cached: the profile's mailbox list merged over the
//! portal preview and every mailcow (one row per address, saying where it came from),
//! the mailcow domains with their allowances, and the aliases.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use cowdesk_model::{
    ConnectionAccess, MailboxEntry, MailboxSource, MailcowAliasEntry, MailcowDomainEntry, Resource,
};

use super::records::{self, Record};
use crate::error::CoreError;
use crate::mailcow::{MailcowAlias, MailcowDomain, MailcowMailbox};
use crate::session::Core;

fn in_domain(address: &str, domain: Option<&str>) -> bool {
    match domain {
        None => true,
        Some(domain) => address
            .rsplit_once('@')
            .is_some_and(|(_, d)| d.eq_ignore_ascii_case(domain.trim())),
    }
}

fn domain_of(address: &str) -> String {
    address
        .rsplit_once('@')
        .map(|(_, d)| d.to_ascii_lowercase())
        .unwrap_or_default()
}

/// Rounded percent of a limited quota.
fn percent(used: u64, quota: u64) -> Option<u32> {
    (quota > 0).then(|| {
        let p = (u128::from(used) * 100 + u128::from(quota) / 2) / u128::from(quota);
        u32::try_from(p).unwrap_or(u32::MAX)
    })
}

fn entry(connection_id: &str, m: MailcowMailbox) -> MailboxEntry {
    MailboxEntry {
        domain: m.domain,
        name: m.name,
        quota_bytes: m.quota_bytes,
        used_bytes: m.used_bytes,
        percent: m.percent.or_else(|| percent(m.used_bytes, m.quota_bytes)),
        messages: Some(m.messages),
        active: m.active,
        last_login: m
            .last_login
            .and_then(|s| DateTime::<Utc>::from_timestamp(s, 0)),
        source: MailboxSource::Mailcow,
        connection_id: Some(connection_id.to_owned()),
        account_id: None,
        address: m.address,
    }
}

impl Core {
    /// The connections in the order a change prefers them: read-write first.
    pub(crate) async fn writable_first(&self) -> Result<Vec<Record>, CoreError> {
        let mut all = records::all(&self.store).await?;
        all.sort_by_key(|r| r.access != ConnectionAccess::ReadWrite);
        Ok(all)
    }

    /// Every mailbox of the profile, from the cache: each mailcow connection's, and the
    /// portal preview's accounts' (where their role may read mailboxes), one row per
    /// address. Where a mailcow and the portal both report an address, the mailcow's
    /// numbers are shown and `source` says both. Sorted by address.
    pub async fn mailbox_entries(
        &self,
        domain: Option<&str>,
    ) -> Result<Vec<MailboxEntry>, CoreError> {
        let mut rows: BTreeMap<String, MailboxEntry> = BTreeMap::new();
        for record in self.writable_first().await? {
            for m in self.store.rows::<MailcowMailbox>(&record.id).await? {
                if in_domain(&m.address, domain) {
                    rows.entry(m.address.to_ascii_lowercase())
                        .or_insert_with(|| entry(&record.id, m));
                }
            }
        }
        for account in self.store.accounts().await? {
            if !self.permitted(&account, Resource::Mailboxes).await? {
                continue;
            }
            for m in self.store.mailboxes(&account.id).await? {
                if !in_domain(&m.address, domain) {
                    continue;
                }
                let key = m.address.to_ascii_lowercase();
                match rows.get_mut(&key) {
                    Some(row) => {
                        if row.source == MailboxSource::Mailcow {
                            row.source = MailboxSource::MailcowAndPortal;
                            row.account_id = Some(account.id.clone());
                        }
                    }
                    None => {
                        let quota = u64::try_from(m.quota_bytes).unwrap_or(0);
                        let used = u64::try_from(m.used_bytes).unwrap_or(0);
                        rows.insert(
                            key,
                            MailboxEntry {
                                domain: domain_of(&m.address),
                                name: m.name,
                                quota_bytes: quota,
                                used_bytes: used,
                                percent: percent(used, quota),
                                messages: None,
                                active: m.active,
                                last_login: None,
                                source: MailboxSource::Portal,
                                connection_id: None,
                                account_id: Some(account.id.clone()),
                                address: m.address,
                            },
                        );
                    }
                }
            }
        }
        Ok(rows.into_values().collect())
    }

    /// The mailcow domains of every connection, with their allowances.
    pub async fn mailcow_domains(&self) -> Result<Vec<MailcowDomainEntry>, CoreError> {
        let mut out = Vec::new();
        for record in records::all(&self.store).await? {
            for d in self.store.rows::<MailcowDomain>(&record.id).await? {
                out.push(MailcowDomainEntry {
                    connection_id: record.id.clone(),
                    name: d.name,
                    active: d.active,
                    mailboxes_used: small(d.mailboxes_used),
                    mailboxes_allowed: small(d.mailboxes_allowed),
                    aliases_used: small(d.aliases_used),
                    aliases_allowed: small(d.aliases_allowed),
                    storage_used_bytes: d.storage_used_bytes,
                    storage_assigned_bytes: d.storage_assigned_bytes,
                    storage_allowed_bytes: d.storage_allowed_bytes,
                    max_mailbox_quota_bytes: d.max_mailbox_quota_bytes,
                    default_mailbox_quota_bytes: d.default_mailbox_quota_bytes,
                });
            }
        }
        Ok(out)
    }

    /// The aliases of every connection (of one domain), by address.
    pub async fn mailcow_aliases(
        &self,
        domain: Option<&str>,
    ) -> Result<Vec<MailcowAliasEntry>, CoreError> {
        let mut out: BTreeMap<String, MailcowAliasEntry> = BTreeMap::new();
        for record in self.writable_first().await? {
            for a in self.store.rows::<MailcowAlias>(&record.id).await? {
                if in_domain(&a.address, domain) {
                    out.entry(a.address.clone())
                        .or_insert_with(|| MailcowAliasEntry {
                            connection_id: record.id.clone(),
                            address: a.address,
                            targets: a.targets,
                            active: a.active,
                        });
                }
            }
        }
        Ok(out.into_values().collect())
    }
}

fn small(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mailcow_percent_is_rounded_and_none_when_unlimited() {
        assert_eq!(percent(500_000_000, 512 * 1024 * 1024), Some(93));
        assert_eq!(percent(1, 0), None);
        assert_eq!(percent(0, 10), Some(0));
        assert!(in_domain("a@Example.test", Some("example.TEST")));
        assert!(!in_domain("a@example.test", Some("other.test")));
    }
}
