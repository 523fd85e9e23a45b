//! Emptying Trash and Junk (the FAQ's first remedy for a full mailbox). The folders come
//! from SPECIAL-USE (\Trash, \Junk), else from their usual names. The preview names them
//! with what they hold; applying deletes only what the preview showed (UIDs below its
//! UIDNEXT, same UIDVALIDITY), then reads the quota again.

use cowdesk_model::{MailQuota, MailTrashFolder, MailTrashOutcome, MailTrashPreview};

use super::imap::{Arg, Imap, ImapFailure};
use super::imap_parse;
use super::usage::{self, Folder};

const TRASH_NAMES: [&str; 2] = ["Trash", "Papierkorb"];
const JUNK_NAMES: [&str; 2] = ["Junk", "Spam"];

/// Indexes of the Trash and Junk folders in `folders`, with `trash` or `junk`.
pub(crate) fn cleanup_kinds(folders: &[Folder]) -> Vec<(usize, &'static str)> {
    let mut out = Vec::new();
    for (kind, names) in [("trash", TRASH_NAMES), ("junk", JUNK_NAMES)] {
        let marked: Vec<usize> = folders
            .iter()
            .enumerate()
            .filter(|(_, f)| f.special_use.as_deref() == Some(kind))
            .map(|(i, _)| i)
            .collect();
        if marked.is_empty() {
            out.extend(
                folders
                    .iter()
                    .enumerate()
                    .filter(|(_, f)| {
                        f.special_use.is_none()
                            && names.iter().any(|n| f.leaf().eq_ignore_ascii_case(n))
                    })
                    .map(|(i, _)| (i, kind)),
            );
        } else {
            out.extend(marked.into_iter().map(|i| (i, kind)));
        }
    }
    out
}

pub(crate) async fn preview(
    imap: &mut Imap,
    address: &str,
) -> Result<MailTrashPreview, ImapFailure> {
    let quota = usage::read_quota(imap).await?;
    let folders = usage::list_folders(imap).await?;
    let mut out = Vec::new();
    for (index, kind) in cleanup_kinds(&folders) {
        let folder = &folders[index];
        let status = usage::folder_status(imap, folder, " UIDNEXT UIDVALIDITY").await?;
        out.push(MailTrashFolder {
            name: folder.name.clone(),
            special_use: kind.to_owned(),
            messages: status.messages.unwrap_or(0),
            size_bytes: status.size.unwrap_or(0),
            uid_validity: status.uid_validity.unwrap_or(0),
            uid_next: status.uid_next.unwrap_or(0),
        });
    }
    Ok(MailTrashPreview {
        address: address.to_owned(),
        messages: out.iter().map(|f| f.messages).sum(),
        bytes_to_free: out.iter().map(|f| f.size_bytes).sum(),
        folders: out,
        quota,
    })
}

/// Deletes what `preview` showed, folder by folder, and reads the quota before and after.
pub(crate) async fn apply(
    imap: &mut Imap,
    preview: &MailTrashPreview,
) -> Result<MailTrashOutcome, ImapFailure> {
    let before = usage::read_quota(imap).await?;
    let folders = usage::list_folders(imap).await?;
    let mut emptied = Vec::new();
    let mut skipped = Vec::new();
    for wanted in &preview.folders {
        let Some(folder) = folders.iter().find(|f| f.name == wanted.name) else {
            skipped.push(wanted.name.clone());
            continue;
        };
        if empty_folder(imap, folder, wanted).await? {
            emptied.push(wanted.clone());
        } else {
            skipped.push(wanted.name.clone());
        }
    }
    let after = usage::read_quota(imap).await?;
    Ok(MailTrashOutcome {
        address: preview.address.clone(),
        emptied,
        skipped,
        before,
        after,
    })
}

/// False when the folder is not the one previewed (its UIDVALIDITY changed).
async fn empty_folder(
    imap: &mut Imap,
    folder: &Folder,
    wanted: &MailTrashFolder,
) -> Result<bool, ImapFailure> {
    let selected = imap
        .ok(
            &[Arg::Text("SELECT "), Arg::Str(folder.raw.as_bytes())],
            "opening Trash or Junk",
        )
        .await?;
    let validity = selected
        .codes
        .iter()
        .find_map(|c| imap_parse::code_number(c, "UIDVALIDITY"));
    let result = if validity != Some(wanted.uid_validity) {
        false
    } else {
        if wanted.uid_next > 1 && wanted.messages > 0 {
            let range = format!("1:{}", wanted.uid_next - 1);
            imap.ok(
                &[Arg::Text(&format!(
                    "UID STORE {range} +FLAGS.SILENT (\\Deleted)"
                ))],
                "marking messages deleted",
            )
            .await?;
            // UID EXPUNGE removes exactly these; plain EXPUNGE also removes what the
            // user had marked deleted in this folder, which is Trash or Junk anyway.
            let expunge = if imap.caps.has("UIDPLUS") {
                format!("UID EXPUNGE {range}")
            } else {
                "EXPUNGE".to_owned()
            };
            imap.ok(&[Arg::Text(&expunge)], "deleting messages").await?;
        }
        true
    };
    close(imap).await?;
    Ok(result)
}

/// Leaves the selected folder without expunging anything more (CLOSE would expunge:
/// without UNSELECT, opening INBOX read-only leaves the folder as it is).
pub(crate) async fn close(imap: &mut Imap) -> Result<(), ImapFailure> {
    let command = if imap.caps.has("UNSELECT") {
        "UNSELECT"
    } else {
        "EXAMINE INBOX"
    };
    imap.ok(&[Arg::Text(command)], "closing the folder").await?;
    Ok(())
}

/// How many bytes emptying freed (used before minus used after), when the server has a
/// quota.
pub fn freed(outcome: &MailTrashOutcome) -> Option<u64> {
    match (outcome.before, outcome.after) {
        (Some(MailQuota { used_bytes: b, .. }), Some(MailQuota { used_bytes: a, .. })) => {
            Some(b.saturating_sub(a))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(name: &str, special: Option<&str>) -> Folder {
        Folder {
            raw: name.into(),
            name: name.into(),
            delimiter: Some("/".into()),
            special_use: special.map(Into::into),
        }
    }

    #[test]
    fn special_use_wins_over_names() {
        let folders = [
            folder("INBOX", None),
            folder("Papierkorb", None),
            folder("Deleted Items", Some("trash")),
            folder("Spam", None),
        ];
        assert_eq!(cleanup_kinds(&folders), [(2, "trash"), (3, "junk")]);
    }

    #[test]
    fn usual_names_without_special_use() {
        let folders = [
            folder("INBOX", None),
            folder("INBOX/papierkorb", None),
            folder("Junk", None),
            folder("Trashy", None),
        ];
        assert_eq!(cleanup_kinds(&folders), [(1, "trash"), (2, "junk")]);
    }
}
