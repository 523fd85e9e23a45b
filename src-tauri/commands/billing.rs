//! Billing and contracts: invoices, PDFs, the accountant export, payment notices,
//! extensions, cancellation and restore requests, billing settings and the DPA.
//!
//! The window has no file-system, dialog or opener permission: PDFs are opened with the
//! system viewer and "save as" / the export folder are chosen here, in Rust.

use chrono::NaiveDate;
use cowdesk_core::model::{
    BillingRequest, BillingSettings, CancellationRequest, ExportProgress, ExportReport,
    ExtensionRequest, InvoiceDetail, Listing, PaymentNotice, PdfResult, Profile, ProfileUpdate,
    RestoreRequest, ServiceContract, ServiceDetail,
};
use tauri::{AppHandle, Emitter, Runtime, State};

use cowdesk_core::validate::billing::{self as rules, PdfAction};
use cowdesk_core::validate::{self, reference};

use super::error::{internal, write_failed};
use super::CmdResult;
use crate::dialogs::{choose_folder, choose_save_path_for};
use crate::AppState;

pub const EVENT_EXPORT_PROGRESS: &str = "billing-export-progress";

#[tauri::command]
pub async fn billing_invoice(
    state: State<'_, AppState>,
    account_id: String,
    number: String,
) -> CmdResult<InvoiceDetail> {
    let account_id = validate::account_id(&account_id)?;
    let number = reference(&number, "number")?;
    let core = state.core().await;
    Ok(core.invoice_detail(account_id, number).await?)
}

/// Opens the invoice's PDF with the system viewer, or saves a copy where the user says.
/// `None` when the save dialog was cancelled.
#[tauri::command]
pub async fn billing_invoice_pdf<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    account_id: String,
    number: String,
    action: String,
) -> CmdResult<Option<PdfResult>> {
    let account_id = validate::account_id(&account_id)?;
    let number = reference(&number, "number")?;
    let action = rules::pdf_action(&action)?;
    let core = state.core().await;
    let pdf = core.invoice_pdf(account_id, number).await?;
    deliver(&app, pdf, &format!("{number}.pdf"), action).await
}

#[tauri::command]
pub async fn billing_dpa<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    account_id: String,
    action: String,
) -> CmdResult<Option<PdfResult>> {
    let account_id = validate::account_id(&account_id)?;
    let action = rules::pdf_action(&action)?;
    let core = state.core().await;
    let pdf = core.dpa_pdf(account_id).await?;
    deliver(&app, pdf, "Servercow-data-processing-agreement.pdf", action).await
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
                internal("no program to open PDF files was found")
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

/// Exports the PDFs and a CSV of every invoice issued from `from` to `to` into a folder
/// the user picks; progress arrives as `billing-export-progress`. `None` when the folder
/// dialog was cancelled.
#[tauri::command]
pub async fn billing_export<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    account_id: String,
    from: NaiveDate,
    to: NaiveDate,
) -> CmdResult<Option<ExportReport>> {
    let account_id = validate::account_id(&account_id)?;
    rules::period(from, to)?;
    let Some(folder) = choose_folder(&app).await? else {
        return Ok(None);
    };
    let core = state.core().await;
    let progress = |p: ExportProgress| {
        let _ = app.emit(EVENT_EXPORT_PROGRESS, p);
    };
    Ok(core
        .export_invoices(account_id, from, to, &folder, &progress)
        .await
        .map(Some)?)
}

#[tauri::command]
pub async fn billing_payment_notice(
    state: State<'_, AppState>,
    account_id: String,
    notice: PaymentNotice,
) -> CmdResult<BillingRequest> {
    let account_id = validate::account_id(&account_id)?;
    rules::payment_notice(&notice)?;
    let core = state.core().await;
    Ok(core.send_payment_notice(account_id, &notice).await?)
}

#[tauri::command]
pub async fn billing_payment_extension(
    state: State<'_, AppState>,
    account_id: String,
    request: ExtensionRequest,
) -> CmdResult<BillingRequest> {
    let account_id = validate::account_id(&account_id)?;
    reference(&request.invoice_number, "invoice_number")?;
    let core = state.core().await;
    Ok(core.send_payment_extension(account_id, &request).await?)
}

#[tauri::command]
pub async fn billing_services(
    state: State<'_, AppState>,
    account_id: String,
) -> CmdResult<Listing<ServiceContract>> {
    let account_id = validate::account_id(&account_id)?;
    let core = state.core().await;
    Ok(core.service_contracts(account_id).await?)
}

#[tauri::command]
pub async fn billing_service(
    state: State<'_, AppState>,
    account_id: String,
    service_id: String,
) -> CmdResult<ServiceDetail> {
    let account_id = validate::account_id(&account_id)?;
    let service_id = reference(&service_id, "service_id")?;
    let core = state.core().await;
    Ok(core.service_detail(account_id, service_id).await?)
}

#[tauri::command]
pub async fn billing_cancel(
    state: State<'_, AppState>,
    account_id: String,
    request: CancellationRequest,
) -> CmdResult<BillingRequest> {
    let account_id = validate::account_id(&account_id)?;
    reference(&request.service_id, "service_id")?;
    let core = state.core().await;
    Ok(core.send_cancellation(account_id, &request).await?)
}

#[tauri::command]
pub async fn billing_restore(
    state: State<'_, AppState>,
    account_id: String,
    request: RestoreRequest,
) -> CmdResult<BillingRequest> {
    let account_id = validate::account_id(&account_id)?;
    reference(&request.service_id, "service_id")?;
    let core = state.core().await;
    Ok(core.send_restore_request(account_id, &request).await?)
}

#[tauri::command]
pub async fn billing_settings(
    state: State<'_, AppState>,
    account_id: String,
) -> CmdResult<BillingSettings> {
    let account_id = validate::account_id(&account_id)?;
    let core = state.core().await;
    Ok(core.billing_settings(account_id).await?)
}

#[tauri::command]
pub async fn billing_update_settings(
    state: State<'_, AppState>,
    account_id: String,
    update: ProfileUpdate,
) -> CmdResult<Profile> {
    let account_id = validate::account_id(&account_id)?;
    rules::profile_update(&update)?;
    let core = state.core().await;
    Ok(core.update_billing_settings(account_id, &update).await?)
}
