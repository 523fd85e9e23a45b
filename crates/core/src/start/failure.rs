//! What the window says when it cannot start: a desktop launch shows no standard error,
//! so the shell puts this in a dialog of the system's own (src-tauri/start_failure.rs).
//! In the system's language: the user's own choice is in the cache that did not open.

use std::path::Path;

use crate::alerts::Lang;
use crate::error::CoreError;

/// The dialog's words: its title, what happened, the details with what to do, and its
/// one button's label (not left to the toolkit, whose translations may not be installed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartFailure {
    pub title: String,
    pub headline: String,
    pub details: String,
    pub close: String,
}

impl StartFailure {
    /// The cache in `data_dir` could not be opened (no space, no permission, a folder
    /// where a file should be): the data folder and its check come with the cause.
    pub fn cache(lang: Lang, err: &CoreError, data_dir: &Path) -> StartFailure {
        let info = err.info();
        let (headline, folder, hint) = match lang {
            Lang::En => (
                info.message,
                "Data folder",
                "Check that this folder can be written and that its disk has free space, then start cowdesk again.",
            ),
            Lang::De => (
                info.message_de,
                "Datenordner",
                "Prüfen Sie, ob in diesen Ordner geschrieben werden kann und ob auf dem Datenträger Platz frei ist, und starten Sie cowdesk dann erneut.",
            ),
        };
        let detail = match err {
            // Without the "local cache:" its headline already says.
            CoreError::Storage(detail) | CoreError::CacheUnwritable(detail) => detail.clone(),
            other => other.to_string(),
        };
        let mut details = format!(
            "{}\n\n{folder}: {}",
            cause(lang, &detail),
            data_dir.display()
        );
        // A damaged cache's headline already says what to do (start again).
        if !matches!(err, CoreError::CacheDamaged(_)) {
            details.push_str("\n\n");
            details.push_str(hint);
        }
        StartFailure::new(lang, headline, details)
    }

    /// The window itself could not be made (its runtime, the webview).
    pub fn window(lang: Lang, detail: &str) -> StartFailure {
        let (headline, hint) = match lang {
            Lang::En => (
                "The window could not be created.",
                "Check that a desktop session is running and that WebKitGTK is installed, then start cowdesk again. The command line (cowdesk status, cowdesk sync) works without the window.",
            ),
            Lang::De => (
                "Das Fenster konnte nicht erstellt werden.",
                "Prüfen Sie, ob eine Desktop-Sitzung läuft und WebKitGTK installiert ist, und starten Sie cowdesk dann erneut. Die Befehlszeile (cowdesk status, cowdesk sync) funktioniert auch ohne Fenster.",
            ),
        };
        let details = format!("{}\n\n{hint}", cause(lang, detail));
        StartFailure::new(lang, headline.to_owned(), details)
    }

    fn new(lang: Lang, headline: String, details: String) -> StartFailure {
        let (title, close) = match lang {
            Lang::En => ("cowdesk could not start", "Close"),
            Lang::De => ("cowdesk konnte nicht starten", "Schließen"),
        };
        StartFailure {
            title: title.to_owned(),
            headline,
            details,
            close: close.to_owned(),
        }
    }
}

/// The system's own words for the cause: English, as the system gave them.
fn cause(lang: Lang, detail: &str) -> String {
    match lang {
        Lang::En => format!("Cause: {detail}"),
        Lang::De => format!("Ursache: {detail}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cache_that_cannot_be_opened_names_its_folder_in_both_languages() {
        let err = CoreError::Storage("/data/x: File exists (os error 17)".into());
        let en = StartFailure::cache(Lang::En, &err, Path::new("/data/x"));
        assert_eq!(en.title, "cowdesk could not start");
        assert_eq!(en.headline, err.info().message);
        assert!(
            en.details
                .starts_with("Cause: /data/x: File exists (os error 17)"),
            "{}",
            en.details
        );
        assert!(
            en.details.contains("Data folder: /data/x"),
            "{}",
            en.details
        );

        let de = StartFailure::cache(Lang::De, &err, Path::new("/data/x"));
        assert_eq!(de.title, "cowdesk konnte nicht starten");
        assert_eq!(de.headline, err.info().message_de);
        assert!(de.details.contains("Ursache: "), "{}", de.details);
        assert!(
            de.details.contains("Datenordner: /data/x"),
            "{}",
            de.details
        );
        assert_eq!(
            (en.close.as_str(), de.close.as_str()),
            ("Close", "Schließen")
        );
    }

    #[test]
    fn a_cache_found_damaged_at_the_start_says_to_start_again_only() {
        let err = CoreError::CacheDamaged("database disk image is malformed".into());
        let en = StartFailure::cache(Lang::En, &err, Path::new("/data/x"));
        assert!(en.headline.contains("start it again"), "{}", en.headline);
        assert!(!en.details.contains("free space"), "{}", en.details);
    }

    #[test]
    fn a_window_that_cannot_be_made_says_the_command_line_still_works() {
        let en = StartFailure::window(Lang::En, "no display");
        assert_eq!(en.headline, "The window could not be created.");
        assert!(
            en.details.starts_with("Cause: no display"),
            "{}",
            en.details
        );
        assert!(en.details.contains("cowdesk status"), "{}", en.details);
        let de = StartFailure::window(Lang::De, "no display");
        assert_eq!(de.headline, "Das Fenster konnte nicht erstellt werden.");
        assert!(de.details.contains("Befehlszeile"), "{}", de.details);
    }
}
