//! Billing and contracts: ticket requests with attachments, invoice queries, contract
//! deadlines, cancellation and restore requests, billing settings and exports.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{Invoice, PostalAddress, Profile, Service, TicketStatus};

/// What a ticket is about, so support can route it (and the portal can check the role).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum TicketCategory {
    General,
    /// "Received a payment reminder, but I already paid".
    PaymentMade,
    /// "Can I extend a payment deadline?".
    PaymentExtension,
    /// Cancel a service (needs the `services` permission as well).
    Cancellation,
    /// Restore a terminated service (needs the `services` permission as well).
    Restore,
}

/// A file sent with a ticket, e.g. a proof of payment. The content travels as base64.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TicketAttachment {
    pub file_name: String,
    pub content_type: String,
    pub data_base64: String,
}

impl std::fmt::Debug for TicketAttachment {
    // The content can be megabytes of base64: print its size only.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TicketAttachment")
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("base64_len", &self.data_base64.len())
            .finish()
    }
}

/// How the customer paid ("payment method" in the FAQ's list).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    BankTransfer,
    Sepa,
    Paypal,
    Card,
}

/// The "I already paid" form: exactly the details the FAQ asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PaymentNotice {
    pub invoice_number: String,
    pub payment_date: NaiveDate,
    #[ts(type = "number")]
    pub amount_cents: i64,
    /// The reference (Verwendungszweck) used for the transfer.
    pub reference: String,
    pub method: PaymentMethod,
    /// Required for PayPal.
    pub paypal_transaction_id: Option<String>,
    pub note: Option<String>,
    /// Proof of payment, if available.
    pub attachments: Vec<TicketAttachment>,
}

/// "Ask for a payment extension": customer number (from the cache), invoice, expected date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ExtensionRequest {
    pub invoice_number: String,
    pub expected_date: NaiveDate,
    pub note: Option<String>,
}

/// A cancellation: service, desired date, whether data is still needed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CancellationRequest {
    pub service_id: String,
    pub date: NaiveDate,
    pub data_needed: bool,
    pub note: Option<String>,
    /// The customer has read the FAQ's warnings (data gone, no pro-rata refund).
    pub warnings_accepted: bool,
}

/// Restoring a terminated service: the fields the FAQ lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RestoreRequest {
    pub service_id: String,
    /// Affected domain or hostname.
    pub affected: String,
    /// When the termination / deletion was noticed.
    pub noticed_on: NaiveDate,
    pub invoices_settled: bool,
    pub note: Option<String>,
}

/// A request cowdesk sent as a ticket, remembered with what it was about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BillingRequest {
    pub ticket_id: String,
    pub category: TicketCategory,
    /// The invoice number or service id it concerns.
    pub reference: String,
    pub subject: String,
    pub sent_at: DateTime<Utc>,
    /// The ticket's status as last synced.
    pub status: TicketStatus,
    /// The date the request names: payment date, expected date, cancellation date.
    pub date: Option<NaiveDate>,
}

/// Invoice list filters. "Open" means unpaid, overdue ones included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceFilter {
    All,
    Open,
    Overdue,
    Paid,
    Cancelled,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceSort {
    IssueDate,
    DueDate,
    Amount,
    Number,
    Status,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct InvoiceQuery {
    pub filter: InvoiceFilter,
    /// Year of issue.
    pub year: Option<i32>,
    /// Part of the number, or an amount ("119", "119,00", "119.00 €").
    pub search: String,
    pub sort: InvoiceSort,
    pub descending: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct InvoiceRow {
    pub invoice: Invoice,
    /// Unpaid after its due date.
    pub overdue: bool,
    /// The PDF is in the cache and opens offline.
    pub pdf_cached: bool,
}

/// Totals of one year of issue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct YearTotal {
    pub year: i32,
    pub count: u32,
    #[ts(type = "number")]
    pub total_cents: i64,
    #[ts(type = "number")]
    pub paid_cents: i64,
    #[ts(type = "number")]
    pub unpaid_cents: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct InvoiceList {
    pub items: Vec<InvoiceRow>,
    /// All cached invoices of the account, before filtering.
    pub total_count: u32,
    /// Per year of issue, newest first, over all invoices (not only the filtered ones).
    pub years: Vec<YearTotal>,
    pub permitted: bool,
    pub last_synced: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct InvoiceDetail {
    pub invoice: Invoice,
    pub overdue: bool,
    /// Days past the due date (0 when not overdue).
    #[ts(type = "number")]
    pub days_overdue: i64,
    pub pdf_cached: bool,
    pub customer_number: String,
    /// Services suspended over this invoice.
    pub suspended_services: Vec<Service>,
    /// Tickets cowdesk sent about this invoice, newest first.
    pub requests: Vec<BillingRequest>,
}

/// A service with its contract dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ServiceContract {
    pub service: Service,
    /// Last day a cancellation reaches Servercow in time for the end of this term
    /// (docs/BILLING-NOTICE.md); none for a service without a term.
    pub notice_deadline: Option<NaiveDate>,
    /// Days from today to the deadline (negative when missed).
    #[ts(type = "number | null")]
    pub days_to_deadline: Option<i64>,
    /// The earliest end a cancellation sent today reaches: this term's end while the
    /// deadline holds, else the end of the next term.
    pub earliest_end: NaiveDate,
    /// A cancellation cowdesk already sent for it, if any.
    pub cancellation: Option<BillingRequest>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ServiceDetail {
    pub contract: ServiceContract,
    pub customer_number: String,
    /// For a suspended service: the unpaid invoices behind it (those its reason names,
    /// else every overdue or reminded invoice), most urgent first.
    pub open_invoices: Vec<Invoice>,
    pub requests: Vec<BillingRequest>,
}

/// What the billing settings form shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BillingSettings {
    pub profile: Option<Profile>,
    pub permitted: bool,
    pub last_synced: Option<DateTime<Utc>>,
}

/// `PUT /accounts/{id}/profile`: the postal address and the billing e-mail list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ProfileUpdate {
    pub address: PostalAddress,
    pub billing_emails: Vec<String>,
}

/// Where a PDF ended up: opened from the cache, or saved to a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PdfResult {
    pub path: String,
    /// Served from the cache without asking the portal.
    pub from_cache: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ExportProgress {
    pub done: u32,
    pub total: u32,
    pub number: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ExportReport {
    pub folder: String,
    pub csv_file: String,
    pub pdf_count: u32,
    /// Invoices whose PDF could not be fetched (offline and not cached); their CSV rows
    /// are there, without a file.
    pub missing: Vec<String>,
}
