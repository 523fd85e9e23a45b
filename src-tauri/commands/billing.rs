//! Billing and contracts: invoices, PDFs, the accountant export, payment notices,
//! extensions, cancellation and restore requests, billing settings and the DPA.
//!
//! The window has no file-system, dialog or opener permission: PDFs are opened with the
//! system viewer and "save as" / the export folder are chosen here, in Rust.

use chrono::NaiveDate;
use cowdesk_core::error::CoreError;
use cowdesk_core::model::{
    BillingRequest, BillingSettings, CancellationRequest, ErrorInfo, ExportProgress, ExportReport,
    ExtensionRequest, InvoiceDetail, Listing, PaymentNotice, PdfResult, Profile, ProfileUpdate,
    RestoreRequest, ServiceContract, ServiceDetail,
};
use cowdesk_core::validate::billing::{self as rules, PdfAction};
use cowdesk_core::validate::reference;
use tauri::{AppHandle, Emitter, Runtime};

use super::error::write_failed;
use super::input::AccountId;
use super::CmdResult;
use crate::dialogs::{choose_folder, choose_save_path_for};
use crate::AppState;

pub const EVENT_EXPORT_PROGRESS: &str = "billing-export-progress";

core_commands! {
    billing_invoice(account_id: AccountId, number: String) -> InvoiceDetail
        = |core| core.invoice_detail(&account_id, reference(&number, "number")?);

    billing_payment_notice(account_id: AccountId, notice: PaymentNotice) -> BillingRequest
        = |core| {
            rules::payment_notice(&notice)?;
            core.send_payment_notice(&account_id, &notice)
        };

    billing_payment_extension(account_id: AccountId, request: ExtensionRequest)
        -> BillingRequest = |core| {
            reference(&request.invoice_number, "invoice_number")?;
            core.send_payment_extension(&account_id, &request)
        };

    billing_services(account_id: AccountId) -> Listing<ServiceContract>
        = |core| core.service_contracts(&account_id);

    billing_service(account_id: AccountId, service_id: String) -> ServiceDetail
        = |core| core.service_detail(&account_id, reference(&service_id, "service_id")?);

    billing_cancel(account_id: AccountId, request: CancellationRequest) -> BillingRequest
        = |core| {
            reference(&request.service_id, "service_id")?;
            core.send_cancellation(&account_id, &request)
        };

    billing_restore(account_id: AccountId, request: RestoreRequest) -> BillingRequest
        = |core| {
            reference(&request.service_id, "service_id")?;
            core.send_restore_request(&account_id, &request)
        };

    billing_settings(account_id: AccountId) -> BillingSettings
        = |core| core.billing_settings(&account_id);

    billing_update_settings(account_id: AccountId, update: ProfileUpdate) -> Profile
        = |core| {
            rules::profile_update(&update)?;
            core.update_billing_settings(&account_id, &update)
        };

    /// Opens the invoice's PDF with the system viewer, or saves a copy where the user
    /// says. `None` when the save dialog was cancelled.
    billing_invoice_pdf(account_id: AccountId, number: String, action: String)
        -> Option<PdfResult> = |core, app| async move {
            let number = reference(&number, "number")?;
            let action = rules::pdf_action(&action)?;
            let pdf = core.invoice_pdf(&account_id, number).await?;
            drop(core);
            deliver(&app, pdf, &format!("{number}.pdf"), action).await
        };

    billing_dpa(account_id: AccountId, action: String) -> Option<PdfResult>
        = |core, app| async move {
            let action = rules::pdf_action(&action)?;
            let pdf = core.dpa_pdf(&account_id).await?;
            drop(core);
            deliver(&app, pdf, "Servercow-data-processing-agreement.pdf", action).await
        };

    /// Exports the PDFs and a CSV of every invoice issued from `from` to `to` into a
    /// folder the user picks; progress arrives as `billing-export-progress`. `None` when
    /// the folder dialog was cancelled.
    billing_export(account_id: AccountId, from: NaiveDate, to: NaiveDate)
        -> Option<ExportReport> = |_, app| async move {
            rules::period(from, to)?;
            let Some(folder) = choose_folder(&app).await? else {
                return Ok(None);
            };
            let core = app.state::<AppState>().core().await;
            let progress = |p: ExportProgress| {
                let _ = app.emit(EVENT_EXPORT_PROGRESS, p);
            };
            let report = core.export_invoices(&account_id, from, to, &folder, &progress);
            Ok::<_, ErrorInfo>(Some(report.await?))
        };
}

async fn deliver<R: Runtime>(
    app: &AppHandle<R>,
    pdf: PdfResult,
    file_name: &str,
    action: PdfAction,
) -> CmdResult<Option<PdfResult>> {
    match action {
        PdfAction::Open => {
            open::that_detached(&pdf.path).map_err(|e| {
                tracing::warn!("no PDF viewer: {e}");
                CoreError::desktop(
                    "No program to open PDF files was found. Save the PDF instead.",
                    "Es wurde kein Programm zum Öffnen von PDF-Dateien gefunden. \
                     Speichern Sie das PDF stattdessen.",
                )
            })?;
            Ok(Some(pdf))
        }
        PdfAction::Save => {
            let Some(target) = choose_save_path_for(app, file_name, "PDF", &["pdf"]).await? else {
                return Ok(None);
            };
            std::fs::copy(&pdf.path, &target).map_err(|e| write_failed(&target, &e))?;
            Ok(Some(PdfResult {
                path: target.display().to_string(),
                from_cache: pdf.from_cache,
            }))
        }
    }
}
