//! Adding, defaulting and cancelling payment mandates.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{Invoice, Mandate, MandateKind};

/// `POST /accounts/{id}/mandates` body. For SEPA: holder and IBAN (BIC optional); for
/// PayPal and card only the kind (the provider collects the rest). Debug hides the IBAN.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewMandate {
    pub kind: MandateKind,
    pub holder: Option<String>,
    pub iban: Option<String>,
    pub bic: Option<String>,
}

impl std::fmt::Debug for NewMandate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewMandate")
            .field("kind", &self.kind)
            .field("holder", &self.holder)
            .field("iban", &self.iban.as_ref().map(|_| "<redacted>"))
            .field("bic", &self.bic)
            .finish()
    }
}

/// Where an approval at the payment provider stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ApprovalStatus {
    Pending,
    Approved,
    Denied,
    Expired,
    Cancelled,
}

/// A PayPal subscription or card mandate waiting for the customer's approval at the
/// provider. No mandate exists until it is approved, so a denied or abandoned approval
/// leaves nothing behind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MandateApproval {
    pub id: String,
    pub kind: MandateKind,
    pub status: ApprovalStatus,
    /// The provider's page to open in the system browser.
    pub approval_url: String,
    /// The mandate created on approval.
    pub mandate_id: Option<String>,
    pub expires_at: DateTime<Utc>,
}

/// Sent to the window while cowdesk waits for an approval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ApprovalProgress {
    pub account_id: String,
    pub kind: MandateKind,
    pub status: ApprovalStatus,
    /// Seconds until cowdesk stops waiting.
    pub seconds_left: u32,
    /// False when the system browser could not be opened: the window offers "open again".
    pub browser_opened: bool,
}

/// What making a mandate the default or cancelling it affects, from the cache.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MandateImpact {
    pub mandate: Mandate,
    /// Unpaid invoices: they keep the method they were created with (set default), or
    /// may still be collected (cancelling SEPA).
    pub open_invoices: Vec<Invoice>,
    /// This is the only active mandate: after cancelling, invoices need manual payment.
    pub last_active: bool,
}

/// One problem with a field of the SEPA form, in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FieldProblem {
    pub field: String,
    pub message: String,
    pub message_de: String,
}

/// The SEPA form checked while typing (the same rules core applies before sending).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SepaCheck {
    /// The IBAN in groups of four, as typed so far.
    pub iban_grouped: String,
    /// The country the IBAN belongs to, once known.
    pub iban_country: Option<String>,
    pub problems: Vec<FieldProblem>,
}
