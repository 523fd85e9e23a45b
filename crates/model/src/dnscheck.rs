//! The mail DNS doctor: findings per check, the record to publish, and the "Fix it" plan
//! applied through the Servercow DNS API. Findings carry a stable code and parameters;
//! the UI and the command line turn them into English or German sentences.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The checks the doctor runs, in the order it runs and shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum DnsCheck {
    Mx,
    Spf,
    Dkim,
    Dmarc,
    Autoconfig,
}

impl DnsCheck {
    pub const ALL: [DnsCheck; 5] = [
        DnsCheck::Mx,
        DnsCheck::Spf,
        DnsCheck::Dkim,
        DnsCheck::Dmarc,
        DnsCheck::Autoconfig,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DnsCheck::Mx => "mx",
            DnsCheck::Spf => "spf",
            DnsCheck::Dkim => "dkim",
            DnsCheck::Dmarc => "dmarc",
            DnsCheck::Autoconfig => "autoconfig",
        }
    }
}

/// Worst first when sorted descending: fail > warn > pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum DnsStatus {
    Pass,
    Warn,
    Fail,
}

/// A record to publish, exactly as it goes into the zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DnsRecord {
    /// Fully qualified, without the trailing dot, e.g. `_dmarc.example.de`.
    pub name: String,
    /// `MX`, `TXT`, `CNAME`.
    pub record_type: String,
    /// e.g. `10 hosted.mailcow.de.` or `v=spf1 include:spf.mailcow.de ~all`.
    pub value: String,
}

/// One thing the doctor found. `code` is stable (e.g. `spf_multiple`); `params` fill the
/// sentence (e.g. `count`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DnsFinding {
    pub check: DnsCheck,
    pub status: DnsStatus,
    pub code: String,
    pub params: BTreeMap<String, String>,
    /// The record to publish to fix this, when there is one.
    pub record: Option<DnsRecord>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DnsReport {
    pub domain: String,
    /// The resolver asked (`ip:port`), or `None` for the system resolver.
    pub resolver: Option<String>,
    pub checked_at: DateTime<Utc>,
    /// The worst status of all findings.
    pub status: DnsStatus,
    pub findings: Vec<DnsFinding>,
}

impl DnsReport {
    pub fn status_of(&self, check: DnsCheck) -> DnsStatus {
        self.findings
            .iter()
            .filter(|f| f.check == check)
            .map(|f| f.status)
            .max()
            .unwrap_or(DnsStatus::Pass)
    }
}

/// Progress of a check or of applying a fix, sent as an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DnsProgress {
    pub domain: String,
    /// `mx`, `spf`, `dkim`, `dmarc`, `autoconfig`, or `apply` while changing the zone.
    pub step: String,
    pub done: u32,
    pub total: u32,
}

/// One planned change of a (name, type) set in the zone, as the DNS API replaces it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DnsChange {
    /// Relative to the zone; `""` is the apex.
    pub name: String,
    pub record_type: String,
    pub before: Vec<String>,
    /// Empty: the set is deleted.
    pub after: Vec<String>,
    /// The findings this change fixes (their codes).
    pub fixes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DnsFixPlan {
    pub domain: String,
    pub changes: Vec<DnsChange>,
    /// Codes of failing or warning findings that "Fix it" cannot fix (e.g. too many SPF
    /// lookups in someone else's include, or a missing DKIM key).
    pub not_fixable: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DnsFixOutcome {
    /// The record sets that now hold their planned values.
    pub applied: Vec<DnsChange>,
    /// The record sets not changed, because an error stopped "Fix it" half-way.
    #[serde(default)]
    pub not_applied: Vec<DnsChange>,
    /// What stopped it, when something did.
    #[serde(default)]
    pub error: Option<crate::ErrorInfo>,
    /// The check run again after applying (also after a stop half-way).
    pub report: DnsReport,
}

/// The doctor's settings as the window sees them: never the API password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DnsSettings {
    /// `ip` or `ip:port`; `None` for the system resolver.
    pub resolver: Option<String>,
    /// The DNS API user name, when credentials are stored in the keyring.
    pub api_username: Option<String>,
}
