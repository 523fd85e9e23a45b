//! Mail setup through the core against a real sandbox over loopback HTTP, with a real
//! SQLite file: the mail allowance comes portal → sync → cache, and the configuration
//! files of cached mailboxes carry their names and addresses.

use std::sync::Arc;

use cowdesk_core::mailconfig::ConfigFormat;
use cowdesk_core::model::{ErrorKind, MailAllowance};
use cowdesk_core::secrets::{MemorySecretStore, SecretStore};
use cowdesk_core::session::Core;
use cowdesk_sandbox::{Sandbox, SandboxConfig};
use tempfile::TempDir;

#[path = "support/fixtures.rs"]
mod fixtures;
use fixtures::OWN;

const GIB: i64 = 1024 * 1024 * 1024;

async fn synced(config: SandboxConfig) -> (Sandbox, TempDir, Core) {
    let f = fixtures::synced_with(config, None).await;
    (f.sandbox, f.dir, f.core)
}

#[tokio::test]
async fn mailsetup_allowance_reaches_the_cache_through_sync() {
    let (_sandbox, dir, core) = synced(SandboxConfig::default()).await;
    assert_eq!(
        core.mail_allowance(OWN).await.unwrap(),
        Some(MailAllowance {
            mailboxes: 20,
            storage_bytes: 20 * GIB
        })
    );
    let services = core.services(OWN).await.unwrap().items;
    let mail: Vec<_> = services.iter().filter(|s| s.kind == "mail").collect();
    assert!(!mail.is_empty());
    assert!(services
        .iter()
        .all(|s| (s.kind == "mail") == s.mail_allowance.is_some()));
    // It survives a restart: read back from the SQLite file, not kept in memory.
    drop(core);
    let secrets: Arc<dyn SecretStore> = Arc::new(MemorySecretStore::default());
    let reopened = Core::open(dir.path(), "default", secrets).await.unwrap();
    assert_eq!(
        reopened
            .mail_allowance(OWN)
            .await
            .unwrap()
            .map(|a| a.mailboxes),
        Some(20)
    );
}

#[tokio::test]
async fn mailsetup_a_large_account_gets_a_plan_that_fits() {
    let config = SandboxConfig {
        mailboxes: 1500,
        ..SandboxConfig::default()
    };
    let (_sandbox, _dir, core) = synced(config).await;
    let allowance = core.mail_allowance(OWN).await.unwrap().unwrap();
    assert_eq!(allowance.mailboxes, 2000);
    assert!(allowance.storage_bytes >= 1500 * 2 * GIB);
    assert_eq!(core.mailboxes(OWN).await.unwrap().items.len(), 1500);
}

#[tokio::test]
async fn mailsetup_files_of_cached_mailboxes() {
    let (_sandbox, _dir, core) = synced(SandboxConfig::default()).await;
    let mailboxes = core.mailboxes(OWN).await.unwrap().items;
    let info = mailboxes
        .iter()
        .find(|m| m.address.starts_with("info@"))
        .unwrap();
    let domain = info.address.split_once('@').unwrap().1.to_owned();

    let file = core
        .mailbox_config_file(OWN, &info.address, ConfigFormat::Apple)
        .await
        .unwrap();
    let top = plist::Value::from_reader_xml(file.contents.as_bytes())
        .unwrap()
        .into_dictionary()
        .unwrap();
    let payload = top["PayloadContent"].as_array().unwrap()[0]
        .as_dictionary()
        .unwrap();
    assert_eq!(
        payload["EmailAddress"].as_string(),
        Some(info.address.as_str())
    );
    assert_eq!(
        payload["EmailAccountName"].as_string(),
        Some(info.name.as_str())
    );

    // The domain's profile holds every cached mailbox of the domain.
    let file = core
        .domain_config_file(OWN, &domain, ConfigFormat::Apple)
        .await
        .unwrap();
    let top = plist::Value::from_reader_xml(file.contents.as_bytes())
        .unwrap()
        .into_dictionary()
        .unwrap();
    let in_domain = mailboxes
        .iter()
        .filter(|m| m.address.ends_with(&format!("@{domain}")))
        .count();
    assert_eq!(top["PayloadContent"].as_array().unwrap().len(), in_domain);

    let file = core
        .domain_config_file(OWN, &domain, ConfigFormat::Thunderbird)
        .await
        .unwrap();
    let doc = roxmltree::Document::parse(&file.contents).unwrap();
    let provider = doc
        .descendants()
        .find(|n| n.has_tag_name("emailProvider"))
        .unwrap();
    assert_eq!(provider.attribute("id"), Some(domain.as_str()));

    // Not a mailbox of this account, and a refused address: no file.
    let err = core
        .mailbox_config_file(OWN, &format!("nobody@{domain}"), ConfigFormat::Apple)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    let err = core
        .mailbox_config_file(OWN, &format!("a+b@{domain}"), ConfigFormat::Apple)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
}
