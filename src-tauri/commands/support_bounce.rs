//! The bounce explainer in the window: a pasted bounce or a chosen `.eml` file (the
//! dialog opens from Rust; a file dropped on the window arrives as text), explained with
//! what the cache knows of the account, and "Ask support" as a "mail not arriving" draft.

use std::io::Read;

use cowdesk_core::error::CoreError;
use cowdesk_core::model::{BounceExplanation, SupportDraft};
use cowdesk_core::session::Core;
use cowdesk_core::support::{explain_bounce, mail_not_arriving_draft, MAX_BOUNCE_BYTES};
use tauri::{AppHandle, Manager, Runtime, State};
use tauri_plugin_dialog::DialogExt;

use super::error::{from_core, internal, invalid_input};
use super::{input, CmdResult};
use crate::AppState;

fn bounce_text(text: &str) -> CmdResult<&str> {
    if text.trim().is_empty() {
        return Err(invalid_input(
            "bounce",
            "Paste the bounce (the complete message with its headers) or choose its .eml file.",
            "Fügen Sie die Unzustellbarkeitsnachricht ein (vollständig mit Kopfzeilen) oder wählen Sie ihre .eml-Datei.",
        ));
    }
    if text.len() > MAX_BOUNCE_BYTES {
        return Err(invalid_input(
            "bounce",
            "This is larger than any bounce (at most 8 MB).",
            "Das ist größer als jede Unzustellbarkeitsnachricht (höchstens 8 MB).",
        ));
    }
    Ok(text)
}

async fn explain(
    core: &Core,
    account_id: Option<&str>,
    text: &str,
) -> CmdResult<BounceExplanation> {
    let context = core
        .bounce_context(account_id)
        .await
        .map_err(|e| from_core(&e))?;
    let input = text.as_bytes().to_vec();
    // Parsing a large message takes a moment: off the async threads.
    tauri::async_runtime::spawn_blocking(move || explain_bounce(&input, &context))
        .await
        .map_err(|e| internal(&e.to_string()))?
        .map_err(|e| from_core(&CoreError::from(e)))
}

#[tauri::command]
pub async fn support_explain_bounce(
    state: State<'_, AppState>,
    account_id: Option<String>,
    text: String,
) -> CmdResult<BounceExplanation> {
    let account_id = account_id.as_deref().map(input::account_id).transpose()?;
    let text = bounce_text(&text)?;
    let core = state.core().await;
    explain(&core, account_id, text).await
}

/// "Ask support": a "mail not arriving" draft with the FAQ's fields from the bounce and
/// the original's headers attached.
#[tauri::command]
pub async fn support_bounce_draft(
    state: State<'_, AppState>,
    account_id: Option<String>,
    text: String,
) -> CmdResult<SupportDraft> {
    let account_id = account_id.as_deref().map(input::account_id).transpose()?;
    let text = bounce_text(&text)?;
    let core = state.core().await;
    let explanation = explain(&core, account_id, text).await?;
    Ok(mail_not_arriving_draft(&explanation, text))
}

/// Opens the system's file dialog for a saved bounce and answers with its text; `None`
/// when the dialog was cancelled.
#[tauri::command]
pub async fn support_open_bounce_file<R: Runtime>(app: AppHandle<R>) -> CmdResult<Option<String>> {
    let mut dialog = app
        .dialog()
        .file()
        .add_filter("E-mail (.eml)", &["eml", "txt"]);
    if let Some(window) = app.get_webview_window("main") {
        dialog = dialog.set_parent(&window);
    }
    let chosen = tauri::async_runtime::spawn_blocking(move || dialog.blocking_pick_file())
        .await
        .map_err(|e| internal(&e.to_string()))?;
    let Some(path) = chosen.and_then(|p| p.into_path().ok()) else {
        return Ok(None);
    };
    let read = tauri::async_runtime::spawn_blocking(move || {
        let file = std::fs::File::open(&path)?;
        let mut bytes = Vec::new();
        file.take(MAX_BOUNCE_BYTES as u64).read_to_end(&mut bytes)?;
        Ok::<_, std::io::Error>(bytes)
    })
    .await
    .map_err(|e| internal(&e.to_string()))?;
    match read {
        Ok(bytes) => Ok(Some(String::from_utf8_lossy(&bytes).into_owned())),
        Err(err) => {
            tracing::info!("bounce file not read: {}", err.kind());
            Err(invalid_input(
                "bounce",
                "This file could not be read.",
                "Diese Datei konnte nicht gelesen werden.",
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn support_bounce_text_is_checked() {
        assert!(bounce_text("  \n")
            .unwrap_err()
            .fields
            .contains_key("bounce"));
        assert!(bounce_text(&"x".repeat(MAX_BOUNCE_BYTES + 1)).is_err());
        assert!(bounce_text("From: a@b.de\n\nhi").is_ok());
    }
}
