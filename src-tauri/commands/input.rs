//! Arguments checked as a command's arguments are read: the rules are core's
//! (`cowdesk_core::validate`), a rejected one answers with the same `ErrorInfo` as any
//! command error, and a command that takes one has only valid values to work with.

use std::ops::Deref;

use cowdesk_core::domains;
use cowdesk_core::error::CoreError;
use cowdesk_core::model::ErrorInfo;
use cowdesk_core::validate::{self, mailcow};
use serde::de::DeserializeOwned;
use tauri::ipc::{CommandArg, CommandItem, InvokeError};
use tauri::Runtime;

/// An argument of a `core_commands!` command: read as `Raw` from the invocation's JSON,
/// then checked. Any other argument is taken as it was read.
pub trait Argument: Sized {
    type Raw: DeserializeOwned;
    fn check(raw: Self::Raw) -> Result<Self, CoreError>;
}

impl<T: DeserializeOwned> Argument for T {
    type Raw = T;
    fn check(raw: T) -> Result<T, CoreError> {
        Ok(raw)
    }
}

/// Declares an argument read as `$raw` and kept as `rule`'s answer.
macro_rules! checked_arg {
    ($(#[$doc:meta])* $name:ident($kept:ty) from $raw:ty, $rule:expr) => {
        $(#[$doc])*
        pub struct $name($kept);

        impl Argument for $name {
            type Raw = $raw;
            fn check(raw: $raw) -> Result<Self, CoreError> {
                let rule: fn($raw) -> Result<$kept, CoreError> = $rule;
                rule(raw).map($name)
            }
        }

        impl<'de, R: Runtime> CommandArg<'de, R> for $name {
            fn from_command(item: CommandItem<'de, R>) -> Result<Self, InvokeError> {
                let raw = <$raw as CommandArg<'de, R>>::from_command(item)?;
                <$name as Argument>::check(raw).map_err(|e| InvokeError::from(ErrorInfo::from(e)))
            }
        }

        impl Deref for $name {
            type Target = $kept;
            fn deref(&self) -> &$kept {
                &self.0
            }
        }
    };
}

type Rule = fn(&str) -> Result<&str, CoreError>;

/// `value`, once `rule` accepts it.
fn kept(value: String, rule: Rule) -> Result<String, CoreError> {
    rule(&value)?;
    Ok(value)
}

/// The optional form of `rule`: absent stays absent.
fn optional(value: Option<String>, rule: Rule) -> Result<Option<String>, CoreError> {
    value.map(|v| kept(v, rule)).transpose()
}

checked_arg!(
    /// An account id (a portal account's or a mailcow connection's).
    AccountId(String) from String,
    |v| kept(v, validate::account_id)
);

checked_arg!(
    /// An account id or none: every account, or none in particular.
    AnyAccountId(Option<String>) from Option<String>,
    |v| optional(v, validate::account_id)
);

checked_arg!(
    /// The mailcow connection a change is for; absent, the only one there is.
    ConnectionId(Option<String>) from Option<String>,
    |v| optional(v, mailcow::connection_id)
);

checked_arg!(
    /// A mailcow connection's id.
    SomeConnectionId(String) from String,
    |v| kept(v, mailcow::connection_id)
);

checked_arg!(
    /// A domain name, trimmed and in lower case.
    DomainName(String) from String,
    |v| domains::domain_name(&v)
);

impl AnyAccountId {
    pub fn get(&self) -> Option<&str> {
        self.0.as_deref()
    }
}

impl ConnectionId {
    pub fn get(&self) -> Option<&str> {
        self.0.as_deref()
    }
}
