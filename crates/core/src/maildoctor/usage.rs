//! Where the space went, over IMAP: the quota (GETQUOTAROOT, STORAGE in KiB) and every
//! folder's message count and size (STATUS SIZE where offered, else the summed
//! RFC822.SIZE of its messages), largest first.

use cowdesk_model::{MailFinding, MailFolderUsage, MailQuota};

use super::findings;
use super::imap::{Arg, Imap, ImapFailure};
use super::imap_parse::{self, StatusEntry};
use super::utf7;

/// A folder as LIST names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Folder {
    /// As the server sent it, for commands.
    pub raw: String,
    /// Decoded, for people.
    pub name: String,
    pub delimiter: Option<String>,
    /// From SPECIAL-USE (`trash`, `junk`, `sent`, ...).
    pub special_use: Option<String>,
}

impl Folder {
    /// The last part of the name (`INBOX.Trash` -> `Trash`).
    pub(crate) fn leaf(&self) -> &str {
        match self.delimiter.as_deref().filter(|d| !d.is_empty()) {
            Some(d) => self.name.rsplit(d).next().unwrap_or(&self.name),
            None => &self.name,
        }
    }
}

const SPECIAL_USES: [&str; 7] = [
    "trash", "junk", "sent", "drafts", "archive", "all", "flagged",
];

/// Every selectable folder.
pub(crate) async fn list_folders(imap: &mut Imap) -> Result<Vec<Folder>, ImapFailure> {
    let command = if imap.caps.has("SPECIAL-USE") && imap.caps.has("LIST-EXTENDED") {
        "LIST \"\" \"*\" RETURN (SPECIAL-USE)"
    } else {
        "LIST \"\" \"*\""
    };
    let answer = imap
        .ok(&[Arg::Text(command)], "listing the folders")
        .await?;
    let mut folders = Vec::new();
    for data in &answer.data {
        let Some(entry) = imap_parse::parse_list(data) else {
            continue;
        };
        if entry.has_flag("\\Noselect") || entry.has_flag("\\NonExistent") {
            continue;
        }
        let special_use = SPECIAL_USES
            .iter()
            .find(|s| entry.has_flag(&format!("\\{s}")))
            .map(|s| (*s).to_owned());
        folders.push(Folder {
            name: utf7::decode(&entry.raw_name),
            raw: entry.raw_name,
            delimiter: entry.delimiter,
            special_use,
        });
    }
    Ok(folders)
}

/// The storage quota of INBOX's quota root, if the server has one.
pub(crate) async fn read_quota(imap: &mut Imap) -> Result<Option<MailQuota>, ImapFailure> {
    if !imap.caps.has("QUOTA") {
        return Ok(None);
    }
    let answer = imap
        .command(&[Arg::Text("GETQUOTAROOT INBOX")], "reading the quota")
        .await?;
    if !answer.ok() {
        return Ok(None);
    }
    Ok(answer
        .data
        .iter()
        .filter_map(|d| imap_parse::parse_quota(d))
        .find_map(|q| q.storage)
        .map(|(used_bytes, limit_bytes)| MailQuota {
            used_bytes,
            limit_bytes,
        }))
}

/// STATUS of one folder with `items` (MESSAGES is always asked); the size from STATUS
/// SIZE, or summed over the folder's messages.
pub(crate) async fn folder_status(
    imap: &mut Imap,
    folder: &Folder,
    items: &str,
) -> Result<StatusEntry, ImapFailure> {
    let with_size = imap.caps.has("STATUS=SIZE");
    let wanted = if with_size {
        format!("(MESSAGES SIZE{items})")
    } else {
        format!("(MESSAGES{items})")
    };
    let answer = imap
        .ok(
            &[
                Arg::Text("STATUS "),
                Arg::Str(folder.raw.as_bytes()),
                Arg::Text(" "),
                Arg::Text(&wanted),
            ],
            "reading a folder's status",
        )
        .await?;
    let mut entry = answer
        .data
        .iter()
        .find_map(|d| imap_parse::parse_status(d))
        .ok_or_else(|| ImapFailure::Protocol(format!("no STATUS for {}", folder.name)))?;
    if entry.size.is_none() {
        entry.size = Some(if entry.messages.unwrap_or(0) == 0 {
            0
        } else {
            summed_size(imap, folder).await?
        });
    }
    Ok(entry)
}

/// Without STATUS=SIZE: EXAMINE the folder and add up RFC822.SIZE.
async fn summed_size(imap: &mut Imap, folder: &Folder) -> Result<u64, ImapFailure> {
    imap.ok(
        &[Arg::Text("EXAMINE "), Arg::Str(folder.raw.as_bytes())],
        "opening a folder",
    )
    .await?;
    let answer = imap
        .ok(
            &[Arg::Text("FETCH 1:* (RFC822.SIZE)")],
            "adding up message sizes",
        )
        .await?;
    Ok(answer
        .data
        .iter()
        .filter_map(|d| imap_parse::parse_fetch_size(d))
        .sum())
}

/// The quota and every folder, largest first. Trash and Junk found by their usual
/// names are marked `trash` / `junk` like those the server marks.
pub(crate) async fn read_usage(
    imap: &mut Imap,
) -> Result<(Option<MailQuota>, Vec<MailFolderUsage>), ImapFailure> {
    let quota = read_quota(imap).await?;
    let folders = list_folders(imap).await?;
    let kinds = super::trash::cleanup_kinds(&folders);
    let mut usage = Vec::with_capacity(folders.len());
    for (index, folder) in folders.iter().enumerate() {
        let status = folder_status(imap, folder, "").await?;
        let special_use = folder.special_use.clone().or_else(|| {
            kinds
                .iter()
                .find(|(i, _)| *i == index)
                .map(|(_, kind)| (*kind).to_owned())
        });
        usage.push(MailFolderUsage {
            name: folder.name.clone(),
            special_use,
            messages: status.messages.unwrap_or(0),
            size_bytes: status.size.unwrap_or(0),
        });
    }
    sort_by_size(&mut usage);
    Ok((quota, usage))
}

pub(crate) fn sort_by_size(usage: &mut [MailFolderUsage]) {
    usage.sort_by(|a, b| {
        b.size_bytes
            .cmp(&a.size_bytes)
            .then_with(|| a.name.cmp(&b.name))
    });
}

/// quota_full / quota_nearly_full and trash_holds_quota.
pub(crate) fn findings(quota: Option<&MailQuota>, folders: &[MailFolderUsage]) -> Vec<MailFinding> {
    let Some(quota) = quota else {
        return Vec::new();
    };
    let trash: u64 = folders
        .iter()
        .filter(|f| matches!(f.special_use.as_deref(), Some("trash" | "junk")))
        .map(|f| f.size_bytes)
        .sum();
    findings::quota(quota)
        .into_iter()
        .chain(findings::trash_holds_quota(trash, quota.used_bytes))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usage(name: &str, special: Option<&str>, size: u64) -> MailFolderUsage {
        MailFolderUsage {
            name: name.into(),
            special_use: special.map(Into::into),
            messages: 1,
            size_bytes: size,
        }
    }

    #[test]
    fn folders_sort_largest_first_and_trash_is_counted() {
        let mut folders = vec![
            usage("INBOX", None, 100),
            usage("Trash", Some("trash"), 600),
            usage("Spam", Some("junk"), 250),
            usage("Sent", Some("sent"), 100),
        ];
        sort_by_size(&mut folders);
        let names: Vec<_> = folders.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["Trash", "Spam", "INBOX", "Sent"]);
        let quota = MailQuota {
            used_bytes: 1050,
            limit_bytes: 1100,
        };
        let codes: Vec<_> = findings(Some(&quota), &folders)
            .into_iter()
            .map(|f| f.code)
            .collect();
        assert_eq!(codes, ["quota_nearly_full", "trash_holds_quota"]);
        assert!(findings(None, &folders).is_empty());
    }

    #[test]
    fn leaf_names() {
        let f = Folder {
            raw: "INBOX.Papierkorb".into(),
            name: "INBOX.Papierkorb".into(),
            delimiter: Some(".".into()),
            special_use: None,
        };
        assert_eq!(f.leaf(), "Papierkorb");
    }
}
