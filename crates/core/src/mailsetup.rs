//! Mail setup from the cache: the allowance of the account's mail products, and the
//! client configuration files of a cached mailbox or of every mailbox of a domain (of a
//! portal account, or of a mailcow connection named by its id).

use cowdesk_model::{MailAllowance, MailClientConfig, Mailbox, Service, ServiceStatus};

use crate::domains::domain_name;
use crate::error::CoreError;
use crate::mailconfig::{self, ConfigFile, ConfigFormat, MailAccount};
use crate::mailcow::MailcowMailbox;
use crate::session::Core;
use crate::validate::mailbox_address;

/// The allowances of the active (or suspended: still booked) mail services, added up;
/// `None` when no such service carries one.
pub fn total_allowance<'a>(
    services: impl IntoIterator<Item = &'a cowdesk_model::Service>,
) -> Option<MailAllowance> {
    services
        .into_iter()
        .filter(|s| matches!(s.status, ServiceStatus::Active | ServiceStatus::Suspended))
        .filter_map(|s| s.mail_allowance)
        .reduce(|a, b| MailAllowance {
            mailboxes: a.mailboxes.saturating_add(b.mailboxes),
            storage_bytes: a.storage_bytes.saturating_add(b.storage_bytes),
        })
}

/// A value of the client settings the window may put on the clipboard: a port of a
/// mailcow or a server name (a host name or an IP address) as it is, else a mailbox
/// address (checked, as it will be used). Anything else is refused, so the window cannot
/// copy arbitrary text.
pub fn copyable_setting(value: String) -> Result<String, CoreError> {
    let port = mailconfig::hosted_mailcow()
        .servers
        .iter()
        .any(|s| s.port.to_string() == value);
    if port || mailconfig::server_name(&value).is_ok() {
        Ok(value)
    } else {
        Ok(mailbox_address(&value)?.address())
    }
}

/// The server name in a mailcow connection's URL: where its mailboxes are reached by mail
/// programs too (mailcow serves its web interface, IMAP and SMTP under one name).
fn mail_host(url: &str) -> Result<String, CoreError> {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(|h| h.trim_matches(['[', ']']).to_owned()))
        .ok_or_else(|| CoreError::Internal(format!("a connection without a server name: {url}")))
}

/// The format of a file to save: Thunderbird or Apple (not the table).
pub fn file_format(value: &str) -> Result<ConfigFormat, CoreError> {
    match ConfigFormat::parse(value)? {
        ConfigFormat::Table => Err(CoreError::field(
            "format",
            "Choose Thunderbird or Apple.",
            "Wählen Sie Thunderbird oder Apple.",
        )),
        format => Ok(format),
    }
}

/// What a save dialog offers for `format`: the filter's name and the extension.
pub fn file_filter(format: ConfigFormat) -> (&'static str, &'static str) {
    match format {
        ConfigFormat::Apple => ("Apple configuration profile", "mobileconfig"),
        _ => ("Thunderbird autoconfig", "xml"),
    }
}

impl Core {
    /// The file of one mailbox (`scope` "mailbox", `value` its address) or of every
    /// mailbox of a domain (`scope` "domain").
    pub async fn config_file(
        &self,
        account_id: &str,
        scope: &str,
        value: &str,
        format: ConfigFormat,
    ) -> Result<ConfigFile, CoreError> {
        match scope {
            "mailbox" => self.mailbox_config_file(account_id, value, format).await,
            "domain" => self.domain_config_file(account_id, value, format).await,
            _ => Err(CoreError::field(
                "scope",
                "Choose a mailbox or a domain.",
                "Wählen Sie ein Postfach oder eine Domain.",
            )),
        }
    }

    /// The account's mail allowance, from the cached services.
    pub async fn mail_allowance(
        &self,
        account_id: &str,
    ) -> Result<Option<MailAllowance>, CoreError> {
        let account = self.store().account(account_id).await?;
        let services: Vec<Service> = self.readable(&account).await?;
        Ok(total_allowance(&services))
    }

    /// How mail programs reach the mailboxes of `account_id`: a mailcow connection's own
    /// server (a Managed mailcow, or a hosted mailcow other than Servercow's), else the
    /// hosted mailcow (the portal's accounts, and no account at all).
    pub async fn mail_client_config(
        &self,
        account_id: Option<&str>,
    ) -> Result<MailClientConfig, CoreError> {
        if let Some(id) = account_id {
            if let Ok(record) = self.connection_record(id).await {
                return Ok(mailconfig::mailcow_servers(&mail_host(&record.url)?));
            }
        }
        Ok(mailconfig::hosted_mailcow())
    }

    async fn mail_accounts(&self, account_id: &str) -> Result<Vec<MailAccount>, CoreError> {
        // A mailcow connection's id (a profile may have no portal account at all): the
        // mailboxes cached from that mailcow.
        if let Ok(record) = self.connection_record(account_id).await {
            return Ok(self
                .store()
                .rows::<MailcowMailbox>(&record.id)
                .await?
                .into_iter()
                .filter_map(|m| {
                    Some(MailAccount {
                        address: mailbox_address(&m.address).ok()?,
                        name: m.name,
                    })
                })
                .collect());
        }
        let account = self.store().account(account_id).await?;
        Ok(self
            .readable::<Mailbox>(&account)
            .await?
            .into_iter()
            // A cached address the rules refuse (created before they tightened) is left out.
            .filter_map(|m| {
                Some(MailAccount {
                    address: mailbox_address(&m.address).ok()?,
                    name: m.name,
                })
            })
            .collect())
    }

    /// The configuration file of one cached mailbox of the account.
    pub async fn mailbox_config_file(
        &self,
        account_id: &str,
        address: &str,
        format: ConfigFormat,
    ) -> Result<ConfigFile, CoreError> {
        let wanted = mailbox_address(address)?;
        let account = self
            .mail_accounts(account_id)
            .await?
            .into_iter()
            .find(|a| a.address.address().eq_ignore_ascii_case(&wanted.address()))
            .ok_or(CoreError::NotFound)?;
        let config = self.mail_client_config(Some(account_id)).await?;
        mailconfig::mailbox_file(&config, &account, format)
    }

    /// The configuration file of a whole domain: every cached mailbox of it.
    pub async fn domain_config_file(
        &self,
        account_id: &str,
        domain: &str,
        format: ConfigFormat,
    ) -> Result<ConfigFile, CoreError> {
        let domain = domain_name(domain)?;
        let accounts = self.mail_accounts(account_id).await?;
        if !accounts.iter().any(|a| a.address.domain == domain) {
            return Err(CoreError::NotFound);
        }
        let config = self.mail_client_config(Some(account_id)).await?;
        mailconfig::domain_file(&config, &domain, &accounts, format)
    }
}

#[cfg(test)]
mod mailsetup_tests {
    use super::*;
    use chrono::NaiveDate;
    use cowdesk_model::Service;

    fn service(status: ServiceStatus, allowance: Option<(u32, i64)>) -> Service {
        Service {
            id: "s".into(),
            kind: "mail".into(),
            product: "Shared mailcow".into(),
            status,
            term_months: 12,
            period_end: NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(),
            status_reason: None,
            status_reason_text: None,
            mail_allowance: allowance.map(|(mailboxes, storage_bytes)| MailAllowance {
                mailboxes,
                storage_bytes,
            }),
        }
    }

    #[test]
    fn allowances_of_booked_mail_services_add_up() {
        let services = [
            service(ServiceStatus::Active, Some((20, 20))),
            service(ServiceStatus::Suspended, Some((5, 1))),
            service(ServiceStatus::Terminated, Some((100, 100))),
            service(ServiceStatus::Cancelled, Some((100, 100))),
            service(ServiceStatus::Active, None),
        ];
        assert_eq!(
            total_allowance(&services),
            Some(MailAllowance {
                mailboxes: 25,
                storage_bytes: 21
            })
        );
        assert_eq!(total_allowance(&services[2..]), None);
    }

    #[test]
    fn mailsetup_copies_server_names_ports_and_addresses_only() {
        for value in [
            "hosted.mailcow.de",
            "mail.example.de",
            "127.0.0.1",
            "::1",
            "993",
            "587",
        ] {
            assert_eq!(copyable_setting(value.to_owned()).unwrap(), value);
        }
        // An address as it will be used: the domain in lower case.
        assert_eq!(
            copyable_setting("Info@Example.de".to_owned()).unwrap(),
            "Info@example.de"
        );
        for value in ["rm -rf /", "password: hunter2", "", "a b.de", "12345678"] {
            assert!(copyable_setting(value.to_owned()).is_err(), "{value}");
        }
    }

    #[test]
    fn mailsetup_mail_host_is_the_connection_urls_server_name() {
        assert_eq!(
            mail_host("https://mail.example.de/").unwrap(),
            "mail.example.de"
        );
        assert_eq!(mail_host("http://127.0.0.1:8080").unwrap(), "127.0.0.1");
        assert_eq!(mail_host("http://[::1]:8443/").unwrap(), "::1");
        assert!(mail_host("not a url").is_err());
    }
}
