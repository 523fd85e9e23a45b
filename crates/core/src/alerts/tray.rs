//! What the tray icon's menu says, in the user's language, with the count of unresolved
//! alerts.

use super::text::Lang;

pub struct TrayLabels {
    pub open: &'static str,
    pub alerts: String,
    pub sync: &'static str,
    pub quit: &'static str,
}

impl TrayLabels {
    pub fn new(lang: Lang, unresolved: u32) -> TrayLabels {
        match lang {
            Lang::En => TrayLabels {
                open: "Open cowdesk",
                alerts: match unresolved {
                    0 => "No unresolved alerts".to_owned(),
                    1 => "1 unresolved alert".to_owned(),
                    n => format!("{n} unresolved alerts"),
                },
                sync: "Sync now",
                quit: "Quit cowdesk",
            },
            Lang::De => TrayLabels {
                open: "cowdesk öffnen",
                alerts: match unresolved {
                    0 => "Keine offenen Hinweise".to_owned(),
                    1 => "1 offener Hinweis".to_owned(),
                    n => format!("{n} offene Hinweise"),
                },
                sync: "Jetzt synchronisieren",
                quit: "cowdesk beenden",
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alert_tray_labels_count_in_both_languages() {
        assert_eq!(TrayLabels::new(Lang::En, 0).alerts, "No unresolved alerts");
        assert_eq!(TrayLabels::new(Lang::En, 1).alerts, "1 unresolved alert");
        assert_eq!(TrayLabels::new(Lang::De, 3).alerts, "3 offene Hinweise");
        assert_eq!(TrayLabels::new(Lang::De, 0).sync, "Jetzt synchronisieren");
    }
}
