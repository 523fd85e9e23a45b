//! The mail side of an account: what a mail product allows, and the mailboxes view.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What a mail product includes (FAQ: the shared mailcow's default is 20 mailboxes and
/// 20 GB storage; other plans differ). Sent by the portal on mail services only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MailAllowance {
    pub mailboxes: u32,
    #[ts(type = "number")]
    pub storage_bytes: i64,
}
