//! The mail doctor's results as the terminal shows them, in the reader's language: the
//! findings, the quota and the folders as a bar list, and what emptying Trash and Junk
//! frees.

use cowdesk_core::maildoctor::findings::size;
use cowdesk_core::maildoctor::freed;
use cowdesk_core::model::{
    MailDoctorReport, MailFolderUsage, MailQuota, MailSeverity, MailTrashFolder, MailTrashOutcome,
    MailTrashPreview,
};

use crate::lang::Lang;

/// Width of the longest folder's bar.
const BAR: u64 = 24;

pub fn report(report: &MailDoctorReport, lang: Lang) {
    println!(
        "{}",
        lang.pick(
            format!("Mail doctor for {}", report.address),
            format!("Mail-Doktor für {}", report.address),
        )
    );
    for finding in &report.findings {
        let mark = match finding.severity {
            MailSeverity::Ok => "ok",
            MailSeverity::Warning => lang.pick("warning", "Hinweis"),
            MailSeverity::Error => lang.pick("FAILED", "FEHLER"),
        };
        println!("\n[{mark}] {}", finding.code);
        println!("  {}", lang.pick(&finding.message_en, &finding.message_de));
        if finding.severity != MailSeverity::Ok && !finding.detail.is_empty() {
            println!("  ({})", finding.detail);
        }
    }
    if let Some(quota) = &report.quota {
        println!("\n{}", quota_line(quota, lang));
    }
    if !report.folders.is_empty() {
        println!("\n{}", lang.pick("Folders:", "Ordner:"));
        folders(&report.folders, lang);
    }
}

fn quota_line(quota: &MailQuota, lang: Lang) -> String {
    let german = lang == Lang::De;
    let (used, limit) = (
        size(quota.used_bytes, german),
        size(quota.limit_bytes, german),
    );
    let percent = quota.percent();
    lang.pick(
        format!("Quota: {used} of {limit} used ({percent} %)"),
        format!("Speicher: {used} von {limit} belegt ({percent} %)"),
    )
}

/// The folders, largest first (as the report sorts them), each with a bar.
fn folders(folders: &[MailFolderUsage], lang: Lang) {
    let german = lang == Lang::De;
    let largest = folders
        .iter()
        .map(|f| f.size_bytes)
        .max()
        .unwrap_or(0)
        .max(1);
    let name_width = folders
        .iter()
        .map(|f| f.name.chars().count())
        .max()
        .unwrap_or(0);
    for folder in folders {
        let bar = "#".repeat(usize::try_from(folder.size_bytes * BAR / largest).unwrap_or(0));
        let messages = lang.pick(
            format!("{} messages", folder.messages),
            format!("{} Nachrichten", folder.messages),
        );
        println!(
            "  {:<name_width$}  {:>10}  {:>16}  {bar}",
            folder.name,
            size(folder.size_bytes, german),
            messages,
        );
    }
}

fn folder_list(folders: &[MailTrashFolder], lang: Lang) -> String {
    let german = lang == Lang::De;
    folders
        .iter()
        .map(|f| {
            let messages = lang.pick(
                format!("{} messages", f.messages),
                format!("{} Nachrichten", f.messages),
            );
            format!("{} ({messages}, {})", f.name, size(f.size_bytes, german))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn trash_preview(preview: &MailTrashPreview, lang: Lang) {
    let german = lang == Lang::De;
    if preview.messages == 0 {
        println!(
            "{}",
            lang.pick(
                format!(
                    "Trash and Junk of {} are empty: nothing to free.",
                    preview.address
                ),
                format!(
                    "Papierkorb und Spam von {} sind leer: Es gibt nichts freizugeben.",
                    preview.address
                ),
            )
        );
    } else {
        let (list, bytes) = (
            folder_list(&preview.folders, lang),
            size(preview.bytes_to_free, german),
        );
        println!(
            "{}",
            lang.pick(
                format!("Emptying {list} would free {bytes}."),
                format!("Das Leeren von {list} würde {bytes} freigeben."),
            )
        );
        println!(
            "{}",
            lang.pick(
                "Nothing was deleted. Run the command again with --yes to empty them.",
                "Es wurde nichts gelöscht. Führen Sie den Befehl mit --yes erneut aus, um sie zu leeren.",
            )
        );
    }
    if let Some(quota) = &preview.quota {
        println!("{}", quota_line(quota, lang));
    }
}

pub fn trash_outcome(outcome: &MailTrashOutcome, lang: Lang) {
    let german = lang == Lang::De;
    if outcome.emptied.is_empty() {
        println!(
            "{}",
            lang.pick(
                format!("Nothing to empty in {}.", outcome.address),
                format!("In {} gab es nichts zu leeren.", outcome.address),
            )
        );
    } else {
        let list = folder_list(&outcome.emptied, lang);
        println!(
            "{}",
            lang.pick(format!("Emptied {list}."), format!("Geleert: {list}."))
        );
    }
    if !outcome.skipped.is_empty() {
        let names = outcome.skipped.join(", ");
        println!(
            "{}",
            lang.pick(
                format!("Left alone, because they changed since they were looked at: {names}."),
                format!(
                    "Nicht angefasst, weil sie sich seit dem Nachsehen geändert haben: {names}."
                ),
            )
        );
    }
    if let Some(before) = &outcome.before {
        println!(
            "{} {}",
            lang.pick("Before:", "Vorher:"),
            quota_line(before, lang)
        );
    }
    if let Some(after) = &outcome.after {
        println!(
            "{} {}",
            lang.pick("After: ", "Nachher:"),
            quota_line(after, lang)
        );
    }
    if let Some(bytes) = freed(outcome) {
        println!(
            "{}",
            lang.pick(
                format!("Freed: {}", size(bytes, german)),
                format!("Freigegeben: {}", size(bytes, german)),
            )
        );
    }
}
