//! Texts the portal words itself (a 422's field problems, a service's status reason):
//! the ones cowdesk knows come in English and German; anything else is kept exactly as
//! the portal wrote it and marked as the portal's words, so the German window never
//! passes off an English server text as its own.

use cowdesk_model::ServerText;

/// Field problems the portal contract's server sends (docs/portal-api.yaml), word for word.
const KNOWN: &[(&str, &str)] = &[
    ("Some fields are not valid.", "Einige Felder sind ungültig."),
    ("Send a JSON object.", "Bitte ein JSON-Objekt senden."),
    (
        "Enter your e-mail address.",
        "Bitte die E-Mail-Adresse eingeben.",
    ),
    (
        "This is not an e-mail address.",
        "Das ist keine E-Mail-Adresse.",
    ),
    ("Enter your password.", "Bitte das Passwort eingeben."),
    ("The refresh token is missing.", "Das Anmelde-Token fehlt."),
    ("Enter a subject.", "Bitte einen Betreff eingeben."),
    ("Describe your request.", "Bitte das Anliegen beschreiben."),
    ("Unknown category.", "Unbekannte Kategorie."),
    (
        "Nothing of this account has this reference.",
        "Nichts in diesem Konto hat diese Referenz.",
    ),
    (
        "Send a list of attachments.",
        "Bitte eine Liste von Anhängen senden.",
    ),
    (
        "Each attachment needs file_name, content_type and data_base64.",
        "Jeder Anhang braucht file_name, content_type und data_base64.",
    ),
    (
        "An attachment is empty or not base64.",
        "Ein Anhang ist leer oder nicht Base64-kodiert.",
    ),
    (
        "The attachments are too large.",
        "Die Anhänge sind zu groß.",
    ),
    ("Enter a name.", "Bitte einen Namen eingeben."),
    ("Enter the street.", "Bitte die Straße eingeben."),
    ("Enter the postal code.", "Bitte die Postleitzahl eingeben."),
    ("Enter the city.", "Bitte den Ort eingeben."),
    ("Enter the country code.", "Bitte den Ländercode eingeben."),
    (
        "Use a two-letter country code.",
        "Bitte einen zweistelligen Ländercode verwenden.",
    ),
    (
        "A German postal code has five digits.",
        "Eine deutsche Postleitzahl hat fünf Ziffern.",
    ),
    (
        "Send a list of addresses.",
        "Bitte eine Liste von Adressen senden.",
    ),
    (
        "Enter at least one address.",
        "Bitte mindestens eine Adresse eingeben.",
    ),
    ("At most 10 addresses.", "Höchstens 10 Adressen."),
    ("Send true or false.", "Bitte true oder false senden."),
    (
        "Choose sepa, paypal or card.",
        "Bitte sepa, paypal oder card wählen.",
    ),
    (
        "Enter the account holder.",
        "Bitte den Kontoinhaber eingeben.",
    ),
    ("This is not a valid IBAN.", "Das ist keine gültige IBAN."),
    (
        "Not an account in a SEPA country.",
        "Das ist kein Konto in einem SEPA-Land.",
    ),
    (
        "The bank of this account does not allow direct debits.",
        "Die Bank dieses Kontos erlaubt keine Lastschriften.",
    ),
    ("This is not a valid BIC.", "Das ist keine gültige BIC."),
    // Status reasons of services.
    (
        "Terminated at the end of the term",
        "Zum Ende der Laufzeit beendet",
    ),
];

/// Texts with a variable part: (English prefix, English suffix, German prefix, German
/// suffix); the part between is carried over as it is (an invoice number, an address).
const KNOWN_PATTERNS: &[(&str, &str, &str, &str)] = &[
    ("Unpaid invoice ", "", "Unbezahlte Rechnung ", ""),
    (
        "",
        " is not an e-mail address.",
        "",
        " ist keine E-Mail-Adresse.",
    ),
    (
        "The attachments have ",
        " MB; at most 5 MB are accepted.",
        "Die Anhänge haben ",
        " MB; höchstens 5 MB sind erlaubt.",
    ),
];

/// `text` in both languages when known; else the portal's words, marked.
pub fn translate(text: &str) -> ServerText {
    let known = |de: String| ServerText {
        en: text.to_owned(),
        de,
        server_words: false,
    };
    let trimmed = text.trim();
    if let Some((_, de)) = KNOWN.iter().find(|(en, _)| *en == trimmed) {
        return known((*de).to_owned());
    }
    for (prefix, suffix, prefix_de, suffix_de) in KNOWN_PATTERNS {
        let middle = trimmed
            .strip_prefix(prefix)
            .and_then(|rest| rest.strip_suffix(suffix));
        if let Some(middle) = middle.filter(|m| !m.is_empty()) {
            return known(format!("{prefix_de}{middle}{suffix_de}"));
        }
    }
    ServerText {
        en: text.to_owned(),
        de: text.to_owned(),
        server_words: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trust_known_server_texts_come_in_german() {
        let t = translate("This is not a valid IBAN.");
        assert_eq!(t.de, "Das ist keine gültige IBAN.");
        assert!(!t.server_words);
        let t = translate("Unpaid invoice RE-2026-000107");
        assert_eq!(t.de, "Unbezahlte Rechnung RE-2026-000107");
        assert!(!t.server_words);
        let t = translate("\"x@\" is not an e-mail address.");
        assert_eq!(t.de, "\"x@\" ist keine E-Mail-Adresse.");
    }

    #[test]
    fn trust_unknown_server_texts_are_marked_as_the_servers_words() {
        let t = translate("Account frozen by compliance");
        assert_eq!(t.en, "Account frozen by compliance");
        assert_eq!(t.de, "Account frozen by compliance");
        assert!(t.server_words);
        assert!(
            translate("Unpaid invoice ").server_words,
            "no number, no match"
        );
    }
}
