//! How results and errors reach the terminal: JSON with `--json` (language-neutral,
//! English and German messages side by side), readable lines otherwise; and the exit codes.

use chrono::{DateTime, Utc};
use cowdesk_core::model::{ErrorInfo, ErrorKind};
use serde::Serialize;

use crate::lang::Lang;

/// The command did what was asked.
pub const SUCCESS: i32 = 0;
/// Bad input, or refused (not signed in, not permitted, wrong password, nothing to do).
pub const REFUSED: i32 = 1;
/// The server or the network is in trouble: trying again later may work.
pub const TROUBLE: i32 = 2;

/// The exit code of a failure, for commands that tell input from trouble.
pub fn exit_code(kind: ErrorKind) -> i32 {
    match kind {
        ErrorKind::Offline | ErrorKind::Server | ErrorKind::RateLimited => TROUBLE,
        ErrorKind::InvalidInput
        | ErrorKind::InvalidCredentials
        | ErrorKind::NotSignedIn
        | ErrorKind::SessionExpired
        | ErrorKind::Forbidden
        | ErrorKind::NotFound
        | ErrorKind::Conflict
        | ErrorKind::InsecureServer
        | ErrorKind::KeyringUnavailable
        | ErrorKind::Storage
        | ErrorKind::CacheDamaged
        | ErrorKind::Internal => REFUSED,
    }
}

/// For the commands that came before that rule: every failure exits with 1.
pub fn always_refused(_: ErrorKind) -> i32 {
    REFUSED
}

pub fn print_json<T: Serialize>(value: &T) {
    match serde_json::to_string_pretty(value) {
        Ok(text) => println!("{text}"),
        Err(err) => eprintln!("cowdesk: cannot print JSON: {err}"),
    }
}

/// An error: as JSON on standard output with `--json`, else readable on standard error.
pub fn report(info: &ErrorInfo, json: bool, lang: Lang) {
    if json {
        print_json(info);
        return;
    }
    let message = lang.message(info);
    eprintln!("cowdesk: {message}");
    for field in info.fields.keys() {
        let problem = lang.field_problem(info, field);
        // A single field's error often is the message itself: said once.
        if problem != message {
            eprintln!("  {field}: {problem}");
        }
    }
}

/// A moment as the terminal shows it: "2026-12-02 14:05 UTC" or "02.12.2026 14:05 UTC".
pub fn moment(at: DateTime<Utc>, lang: Lang) -> String {
    at.format(lang.pick("%Y-%m-%d %H:%M UTC", "%d.%m.%Y %H:%M UTC"))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_tell_trouble_from_refusal() {
        assert_eq!(exit_code(ErrorKind::Offline), TROUBLE);
        assert_eq!(exit_code(ErrorKind::Server), TROUBLE);
        assert_eq!(exit_code(ErrorKind::RateLimited), TROUBLE);
        assert_eq!(exit_code(ErrorKind::InvalidInput), REFUSED);
        assert_eq!(exit_code(ErrorKind::NotSignedIn), REFUSED);
        assert_eq!(exit_code(ErrorKind::CacheDamaged), REFUSED);
        assert_eq!(always_refused(ErrorKind::Offline), REFUSED);
    }
}
