//! Billing and contracts: invoices, PDFs, the accountant export, payment notices,
//! extensions, cancellation and restore requests, billing settings and the DPA.
//!
//! The window has no file-system, dialog or opener permission: PDFs are opened with the
//! system viewer and "save as" / the export folder are chosen here, in Rust.
//!
//! Test seam (debug builds only, test_hooks.rs): a folder given by the end-to-end test
//! replaces the save and folder dialogs (a native GTK dialog cannot be driven through
//! WebDriver); it is read only where a dialog would open.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use cowdesk_core::model::{
    BillingRequest, BillingSettings, CancellationRequest, ExportProgress, ExportReport,
    ExtensionRequest, InvoiceDetail, InvoiceList, InvoiceQuery, Listing, PaymentNotice, PdfResult,
    Profile, ProfileUpdate, RestoreRequest, ServiceContract, ServiceDetail,
};
use tauri::{AppHandle, Emitter, Manager, Runtime, State};
use tauri_plugin_dialog::DialogExt;

use super::error::{from_core, internal, invalid_input};
use super::{input, CmdResult};
use crate::AppState;

pub const EVENT_EXPORT_PROGRESS: &str = "billing-export-progress";
/// An IPC payload larger than this is refused before parsing further (5 MB of files in
/// base64 plus the form).
const MAX_ATTACHMENT_BASE64: usize = 7 * 1024 * 1024 + 1024;

/// Invoice numbers and service ids: letters, digits, `-`, `_`, `.`.
fn reference<'a>(value: &'a str, field: &str) -> CmdResult<&'a str> {
    if cowdesk_core::validate::is_reference(value) {
        Ok(value)
    } else {
        Err(invalid_input(
            field,
            "This reference is not valid.",
            "Diese Referenz ist ungültig.",
        ))
    }
}

/// What to do with a PDF.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum PdfAction {
    Open,
    Save,
}

fn pdf_action(value: &str) -> CmdResult<PdfAction> {
    match value {
        "open" => Ok(PdfAction::Open),
        "save" => Ok(PdfAction::Save),
        _ => Err(invalid_input(
            "action",
            "Choose open or save.",
            "Wählen Sie Öffnen oder Speichern.",
        )),
    }
}

fn search(query: &InvoiceQuery) -> CmdResult<()> {
    if query.search.chars().count() > 100 {
        return Err(invalid_input(
            "search",
            "The search text is too long.",
            "Der Suchtext ist zu lang.",
        ));
    }
    Ok(())
}

fn attachments_size(notice: &PaymentNotice) -> CmdResult<()> {
    let total: usize = notice.attachments.iter().map(|a| a.data_base64.len()).sum();
    if total > MAX_ATTACHMENT_BASE64 {
        return Err(invalid_input(
            "attachments",
            "The attachments are larger than 5 MB.",
            "Die Anhänge sind größer als 5 MB.",
        ));
    }
    Ok(())
}

#[tauri::command]
pub async fn billing_invoices(
    state: State<'_, AppState>,
    account_id: String,
    query: InvoiceQuery,
) -> CmdResult<InvoiceList> {
    let account_id = input::account_id(&account_id)?;
    search(&query)?;
    let core = state.core().await;
    core.invoice_list(account_id, &query)
        .await
        .map_err(|e| from_core(&e))
}

#[tauri::command]
pub async fn billing_invoice(
    state: State<'_, AppState>,
    account_id: String,
    number: String,
) -> CmdResult<InvoiceDetail> {
    let account_id = input::account_id(&account_id)?;
    let number = reference(&number, "number")?;
    let core = state.core().await;
    core.invoice_detail(account_id, number)
        .await
        .map_err(|e| from_core(&e))
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
    let account_id = input::account_id(&account_id)?;
    let number = reference(&number, "number")?;
    let action = pdf_action(&action)?;
    let core = state.core().await;
    let pdf = core
        .invoice_pdf(account_id, number)
        .await
        .map_err(|e| from_core(&e))?;
    deliver(&app, pdf, &format!("{number}.pdf"), action).await
}

#[tauri::command]
pub async fn billing_dpa<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    account_id: String,
    action: String,
) -> CmdResult<Option<PdfResult>> {
    let account_id = input::account_id(&account_id)?;
    let action = pdf_action(&action)?;
    let core = state.core().await;
    let pdf = core.dpa_pdf(account_id).await.map_err(|e| from_core(&e))?;
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
            let Some(target) = choose_save_path(app, file_name).await? else {
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

pub(crate) fn write_failed(path: &Path, err: &std::io::Error) -> cowdesk_core::model::ErrorInfo {
    let mut info = invalid_input(
        "path",
        &format!("Could not write {}: {err}.", path.display()),
        &format!("{} konnte nicht geschrieben werden: {err}.", path.display()),
    );
    info.fields.clear();
    info.fields_de.clear();
    info
}

/// The test seam's folder, if set (debug builds only).
fn seam_dir() -> Option<PathBuf> {
    crate::test_hooks::save_dir()
}

async fn choose_save_path<R: Runtime>(
    app: &AppHandle<R>,
    file_name: &str,
) -> CmdResult<Option<PathBuf>> {
    choose_save_path_for(app, file_name, "PDF", &["pdf"]).await
}

/// The save dialog (or the test seam's folder) for a file of the kind `filter` names.
pub(crate) async fn choose_save_path_for<R: Runtime>(
    app: &AppHandle<R>,
    file_name: &str,
    filter: &str,
    extensions: &[&str],
) -> CmdResult<Option<PathBuf>> {
    if let Some(dir) = seam_dir() {
        return Ok(Some(dir.join(file_name)));
    }
    let mut dialog = app
        .dialog()
        .file()
        .set_file_name(file_name)
        .add_filter(filter, extensions);
    if let Some(window) = app.get_webview_window("main") {
        dialog = dialog.set_parent(&window);
    }
    if let Some(downloads) = dirs::download_dir() {
        dialog = dialog.set_directory(downloads);
    }
    let chosen = tauri::async_runtime::spawn_blocking(move || dialog.blocking_save_file())
        .await
        .map_err(|e| internal(&e.to_string()))?;
    Ok(chosen.and_then(|p| p.into_path().ok()))
}

async fn choose_folder<R: Runtime>(app: &AppHandle<R>) -> CmdResult<Option<PathBuf>> {
    if let Some(dir) = seam_dir() {
        return Ok(Some(dir));
    }
    let mut dialog = app.dialog().file();
    if let Some(window) = app.get_webview_window("main") {
        dialog = dialog.set_parent(&window);
    }
    if let Some(documents) = dirs::document_dir() {
        dialog = dialog.set_directory(documents);
    }
    let chosen = tauri::async_runtime::spawn_blocking(move || dialog.blocking_pick_folder())
        .await
        .map_err(|e| internal(&e.to_string()))?;
    Ok(chosen.and_then(|p| p.into_path().ok()))
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
    let account_id = input::account_id(&account_id)?;
    if from > to {
        return Err(invalid_input(
            "period",
            "The period ends before it starts.",
            "Der Zeitraum endet, bevor er beginnt.",
        ));
    }
    let Some(folder) = choose_folder(&app).await? else {
        return Ok(None);
    };
    let core = state.core().await;
    let progress = |p: ExportProgress| {
        let _ = app.emit(EVENT_EXPORT_PROGRESS, p);
    };
    core.export_invoices(account_id, from, to, &folder, &progress)
        .await
        .map(Some)
        .map_err(|e| from_core(&e))
}

#[tauri::command]
pub async fn billing_payment_notice(
    state: State<'_, AppState>,
    account_id: String,
    notice: PaymentNotice,
) -> CmdResult<BillingRequest> {
    let account_id = input::account_id(&account_id)?;
    reference(&notice.invoice_number, "invoice_number")?;
    attachments_size(&notice)?;
    let core = state.core().await;
    core.send_payment_notice(account_id, &notice)
        .await
        .map_err(|e| from_core(&e))
}

#[tauri::command]
pub async fn billing_payment_extension(
    state: State<'_, AppState>,
    account_id: String,
    request: ExtensionRequest,
) -> CmdResult<BillingRequest> {
    let account_id = input::account_id(&account_id)?;
    reference(&request.invoice_number, "invoice_number")?;
    let core = state.core().await;
    core.send_payment_extension(account_id, &request)
        .await
        .map_err(|e| from_core(&e))
}

#[tauri::command]
pub async fn billing_services(
    state: State<'_, AppState>,
    account_id: String,
) -> CmdResult<Listing<ServiceContract>> {
    let account_id = input::account_id(&account_id)?;
    let core = state.core().await;
    core.service_contracts(account_id)
        .await
        .map_err(|e| from_core(&e))
}

#[tauri::command]
pub async fn billing_service(
    state: State<'_, AppState>,
    account_id: String,
    service_id: String,
) -> CmdResult<ServiceDetail> {
    let account_id = input::account_id(&account_id)?;
    let service_id = reference(&service_id, "service_id")?;
    let core = state.core().await;
    core.service_detail(account_id, service_id)
        .await
        .map_err(|e| from_core(&e))
}

#[tauri::command]
pub async fn billing_cancel(
    state: State<'_, AppState>,
    account_id: String,
    request: CancellationRequest,
) -> CmdResult<BillingRequest> {
    let account_id = input::account_id(&account_id)?;
    reference(&request.service_id, "service_id")?;
    let core = state.core().await;
    core.send_cancellation(account_id, &request)
        .await
        .map_err(|e| from_core(&e))
}

#[tauri::command]
pub async fn billing_restore(
    state: State<'_, AppState>,
    account_id: String,
    request: RestoreRequest,
) -> CmdResult<BillingRequest> {
    let account_id = input::account_id(&account_id)?;
    reference(&request.service_id, "service_id")?;
    let core = state.core().await;
    core.send_restore_request(account_id, &request)
        .await
        .map_err(|e| from_core(&e))
}

#[tauri::command]
pub async fn billing_settings(
    state: State<'_, AppState>,
    account_id: String,
) -> CmdResult<BillingSettings> {
    let account_id = input::account_id(&account_id)?;
    let core = state.core().await;
    core.billing_settings(account_id)
        .await
        .map_err(|e| from_core(&e))
}

#[tauri::command]
pub async fn billing_update_settings(
    state: State<'_, AppState>,
    account_id: String,
    update: ProfileUpdate,
) -> CmdResult<Profile> {
    let account_id = input::account_id(&account_id)?;
    if update.billing_emails.len() > 100 {
        return Err(invalid_input(
            "billing_emails",
            "Too many addresses.",
            "Zu viele Adressen.",
        ));
    }
    let core = state.core().await;
    core.update_billing_settings(account_id, &update)
        .await
        .map_err(|e| from_core(&e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn billing_ipc_references_are_checked() {
        assert!(reference("RE-2026-000123", "number").is_ok());
        assert!(reference("acc-100001-s4", "service_id").is_ok());
        for bad in ["", "../x", ".x", "a/b", "a b", &"x".repeat(65)] {
            let err = reference(bad, "number").unwrap_err();
            assert!(err.fields.contains_key("number"), "{bad:?}");
        }
    }

    #[test]
    fn billing_ipc_pdf_actions_are_closed() {
        assert_eq!(pdf_action("open").unwrap(), PdfAction::Open);
        assert_eq!(pdf_action("save").unwrap(), PdfAction::Save);
        assert!(pdf_action("delete").is_err());
    }
}
