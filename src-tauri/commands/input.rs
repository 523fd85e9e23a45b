//! The IPC's argument rules are core's (`cowdesk_core::validate`); these answer them in
//! the commands' error type for the commands that take them this way.

use cowdesk_core::validate::{self, mailcow, signin};

use super::CmdResult;

pub fn account_id(value: &str) -> CmdResult<&str> {
    Ok(validate::account_id(value)?)
}

pub fn password(value: &str) -> CmdResult<&str> {
    Ok(signin::password(value)?)
}

pub fn mailcow_url(value: &str) -> CmdResult<&str> {
    Ok(mailcow::url(value)?)
}

pub fn mailcow_user(value: &str) -> CmdResult<&str> {
    Ok(mailcow::user(value)?)
}

pub fn totp(value: &str) -> CmdResult<&str> {
    Ok(mailcow::totp(value)?)
}

pub fn connection_id(value: &str) -> CmdResult<&str> {
    Ok(mailcow::connection_id(value)?)
}
