//! The language of what the command line prints for people: German when the locale of
//! messages is German (LC_ALL, else LC_MESSAGES, else LANG, as POSIX orders them), English
//! otherwise. JSON output is the same in every language.

use cowdesk_core::model::ErrorInfo;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    De,
}

impl Lang {
    pub fn from_env() -> Lang {
        Lang::from_vars(|name| std::env::var(name).ok())
    }

    /// The first of LC_ALL, LC_MESSAGES and LANG that is set and not empty decides.
    fn from_vars(var: impl Fn(&str) -> Option<String>) -> Lang {
        let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .find_map(|name| var(name).filter(|value| !value.is_empty()));
        match locale {
            Some(locale) if locale.to_ascii_lowercase().starts_with("de") => Lang::De,
            _ => Lang::En,
        }
    }

    /// `en` or `de`, whichever this language is.
    pub fn pick<T>(self, en: T, de: T) -> T {
        match self {
            Lang::En => en,
            Lang::De => de,
        }
    }

    /// The error's message in this language.
    pub fn message(self, info: &ErrorInfo) -> &str {
        self.pick(&info.message, &info.message_de)
    }

    /// The problem of `field` in this language: German from `fields_de`, else (an error
    /// from before both were carried) the German message where the field's text is the
    /// error's own message, else the English text.
    pub fn field_problem<'a>(self, info: &'a ErrorInfo, field: &str) -> &'a str {
        let en = info.fields.get(field).map(String::as_str).unwrap_or("");
        match self {
            Lang::En => en,
            Lang::De => info
                .fields_de
                .get(field)
                .map(String::as_str)
                .or_else(|| (en == info.message).then_some(info.message_de.as_str()))
                .unwrap_or(en),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lang_of(vars: &[(&str, &str)]) -> Lang {
        Lang::from_vars(|name| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    #[test]
    fn trust_lang_follows_the_posix_order_of_locale_variables() {
        assert_eq!(lang_of(&[]), Lang::En);
        assert_eq!(lang_of(&[("LANG", "de_DE.UTF-8")]), Lang::De);
        assert_eq!(lang_of(&[("LANG", "de_AT")]), Lang::De);
        assert_eq!(lang_of(&[("LANG", "en_GB.UTF-8")]), Lang::En);
        assert_eq!(lang_of(&[("LANG", "C")]), Lang::En);
        assert_eq!(
            lang_of(&[("LANG", "de_DE.UTF-8"), ("LC_MESSAGES", "en_US.UTF-8")]),
            Lang::En
        );
        assert_eq!(
            lang_of(&[("LC_ALL", "de_CH.UTF-8"), ("LC_MESSAGES", "en_US.UTF-8")]),
            Lang::De
        );
        // An empty variable counts as unset.
        assert_eq!(lang_of(&[("LC_ALL", ""), ("LANG", "de_DE")]), Lang::De);
    }

    #[test]
    fn trust_field_problems_follow_the_language() {
        let info = cowdesk_core::error::CoreError::field(
            "address",
            "Enter an address.",
            "Bitte eine Adresse eingeben.",
        )
        .info();
        assert_eq!(
            Lang::En.field_problem(&info, "address"),
            "Enter an address."
        );
        assert_eq!(
            Lang::De.field_problem(&info, "address"),
            "Bitte eine Adresse eingeben."
        );
        let mut older = info.clone();
        older.fields_de.clear();
        older.message_de = "Adresse fehlt.".into();
        assert_eq!(Lang::De.field_problem(&older, "address"), "Adresse fehlt.");
    }
}
