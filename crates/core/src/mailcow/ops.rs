//! The operations, the same for both clients: which `/api/v1` route, which attributes.
//! A client only says how a GET and a write travel (cookie + form, or key + JSON).

use std::future::Future;

use serde_json::{json, Value};

use super::error::MailcowError;
use super::http::segment;
use super::messages::Operation;
use super::model::{
    Accepted, MailboxChange, MailcowAlias, MailcowDomain, MailcowMailbox, NewAlias, NewMailbox,
};
use super::{rules, wire};
use crate::portal::Sensitive;

/// A write as the UI sends it: `attr` and/or `items`, both JSON.
#[derive(Debug)]
pub(crate) enum Write {
    Add {
        route: &'static str,
        attr: Sensitive<Value>,
    },
    Edit {
        route: &'static str,
        items: Value,
        attr: Sensitive<Value>,
    },
    Delete {
        route: &'static str,
        items: Value,
    },
}

impl Write {
    pub(crate) fn route(&self) -> &'static str {
        match self {
            Write::Add { route, .. } | Write::Edit { route, .. } | Write::Delete { route, .. } => {
                route
            }
        }
    }
}

pub(crate) trait Transport: Send + Sync {
    /// `GET /api/v1/{path}`, answered with JSON.
    fn get(&self, path: &str) -> impl Future<Output = Result<Value, MailcowError>> + Send;
    /// A write; the answer as the server gave it (the verdict is read by the caller).
    fn write(&self, write: Write) -> impl Future<Output = Result<Value, MailcowError>> + Send;
}

fn flag(value: bool) -> &'static str {
    if value {
        "1"
    } else {
        "0"
    }
}

pub(crate) async fn domains<T: Transport>(t: &T) -> Result<Vec<MailcowDomain>, MailcowError> {
    let body = t.get("get/domain/all").await?;
    wire::items(body)?.iter().map(wire::domain).collect()
}

pub(crate) async fn mailboxes<T: Transport>(
    t: &T,
    domain: Option<&str>,
) -> Result<Vec<MailcowMailbox>, MailcowError> {
    let domain = domain.map(str::to_ascii_lowercase);
    let path = |list: &str| match &domain {
        Some(domain) => format!("get/mailbox/{list}/{}", segment(domain)),
        None => format!("get/mailbox/{list}"),
    };
    // `reduced` leaves out what cowdesk does not read (rate limits, sender ACLs, the
    // domain's quota left), which the server looks up mailbox by mailbox: the list comes
    // in about half the time. A mailcow older than the route takes `reduced` for a
    // mailbox's name and answers with nothing, so an empty list is asked for again the
    // long way (an empty domain costs one more short request).
    let mut items = wire::items(t.get(&path("reduced")).await?)?;
    if items.is_empty() {
        items = wire::items(t.get(&path("all")).await?)?;
    }
    let mailboxes: Vec<MailcowMailbox> =
        items.iter().map(wire::mailbox).collect::<Result<_, _>>()?;
    // For a domain the login does not administer, mailcow answers with all of the
    // login's own mailboxes instead of none: keep only the domain asked for.
    Ok(match domain {
        Some(domain) => mailboxes
            .into_iter()
            .filter(|m| m.domain == domain)
            .collect(),
        None => mailboxes,
    })
}

pub(crate) async fn aliases<T: Transport>(t: &T) -> Result<Vec<MailcowAlias>, MailcowError> {
    let body = t.get("get/alias/all").await?;
    wire::items(body)?.iter().map(wire::alias).collect()
}

pub(crate) async fn add_mailbox<T: Transport>(
    t: &T,
    mailbox: &NewMailbox,
) -> Result<Accepted, MailcowError> {
    rules::new_mailbox(mailbox)?;
    let password = mailbox.password.expose();
    let attr = json!({
        "local_part": mailbox.local_part.trim(),
        "domain": mailbox.domain.trim().to_ascii_lowercase(),
        "name": mailbox.name.trim(),
        "quota": mailbox.quota_mib.to_string(),
        "password": password,
        "password2": password,
        "active": flag(mailbox.active),
    });
    let write = Write::Add {
        route: "add/mailbox",
        attr: Sensitive::new(attr),
    };
    wire::verdict(&t.write(write).await?, Operation::AddMailbox)
}

pub(crate) async fn edit_mailbox<T: Transport>(
    t: &T,
    address: &str,
    change: &MailboxChange,
) -> Result<Accepted, MailcowError> {
    rules::mailbox_change(change)?;
    let mut attr = serde_json::Map::new();
    if let Some(name) = &change.name {
        attr.insert("name".into(), json!(name.trim()));
    }
    if let Some(quota) = change.quota_mib {
        attr.insert("quota".into(), json!(quota.to_string()));
    }
    if let Some(active) = change.active {
        attr.insert("active".into(), json!(flag(active)));
    }
    let write = Write::Edit {
        route: "edit/mailbox",
        items: json!([address.trim().to_ascii_lowercase()]),
        attr: Sensitive::new(Value::Object(attr)),
    };
    wire::verdict(&t.write(write).await?, Operation::EditMailbox)
}

pub(crate) async fn set_password<T: Transport>(
    t: &T,
    address: &str,
    password: &Sensitive<String>,
) -> Result<Accepted, MailcowError> {
    rules::password(password.expose())?;
    let write = Write::Edit {
        route: "edit/mailbox",
        items: json!([address.trim().to_ascii_lowercase()]),
        attr: Sensitive::new(json!({
            "password": password.expose(),
            "password2": password.expose(),
        })),
    };
    wire::verdict(&t.write(write).await?, Operation::SetPassword)
}

pub(crate) async fn delete_mailbox<T: Transport>(
    t: &T,
    address: &str,
) -> Result<Accepted, MailcowError> {
    let write = Write::Delete {
        route: "delete/mailbox",
        items: json!([address.trim().to_ascii_lowercase()]),
    };
    wire::verdict(&t.write(write).await?, Operation::DeleteMailbox)
}

pub(crate) async fn add_alias<T: Transport>(
    t: &T,
    alias: &NewAlias,
) -> Result<Accepted, MailcowError> {
    let alias = rules::new_alias(alias)?;
    let write = Write::Add {
        route: "add/alias",
        attr: Sensitive::new(json!({
            "address": alias.address,
            "goto": alias.targets.join(","),
            "active": flag(alias.active),
        })),
    };
    wire::verdict(&t.write(write).await?, Operation::AddAlias)
}

pub(crate) async fn delete_alias<T: Transport>(t: &T, id: u64) -> Result<Accepted, MailcowError> {
    let write = Write::Delete {
        route: "delete/alias",
        items: json!([id.to_string()]),
    };
    wire::verdict(&t.write(write).await?, Operation::DeleteAlias)
}
