//! The bounce explainer in the window: a pasted bounce or a chosen `.eml` file (the
//! dialog opens from Rust; a file dropped on the window arrives as text), explained with
//! what the cache knows of the account, and "Ask support" as a "mail not arriving" draft.

use std::io::Read;

use cowdesk_core::error::CoreError;
use cowdesk_core::model::{BounceExplanation, SupportDraft};
use cowdesk_core::support::{mail_not_arriving_draft, MAX_BOUNCE_BYTES};
use tauri::{AppHandle, Runtime};

use super::error::internal;
use super::input::AnyAccountId;
use super::CmdResult;
use crate::dialogs::choose_file;

core_commands! {
    support_explain_bounce(account_id: AnyAccountId, text: String) -> BounceExplanation
        = |core| core.explain_bounce_text(account_id.get(), &text);

    /// "Ask support": a "mail not arriving" draft with the FAQ's fields from the bounce and
    /// the original's headers attached.
    support_bounce_draft(account_id: AnyAccountId, text: String) -> SupportDraft
        = |core| async {
            let explanation = core.explain_bounce_text(account_id.get(), &text).await?;
            Ok::<_, CoreError>(mail_not_arriving_draft(&explanation, &text))
        };

    /// Opens the system's file dialog for a saved bounce and answers with its text;
    /// `None` when the dialog was cancelled.
    support_open_bounce_file() -> Option<String> = |_, app| open_bounce_file(app);
}

async fn open_bounce_file<R: Runtime>(app: AppHandle<R>) -> CmdResult<Option<String>> {
    let chosen = choose_file(&app, "E-mail (.eml)", &["eml", "txt"], None).await?;
    let Some(path) = chosen else {
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
            Err(CoreError::field(
                "bounce",
                "This file could not be read.",
                "Diese Datei konnte nicht gelesen werden.",
            )
            .into())
        }
    }
}
