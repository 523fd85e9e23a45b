//! The SEPA mandate form: account holder, IBAN (country, length, check digits) and the
//! optional BIC, each failing with a message that names the rule.

use cowdesk_model::iban::{self, BicProblem, IbanProblem};
use cowdesk_model::{FieldProblem, SepaCheck};

use crate::error::CoreError;

const MAX_HOLDER: usize = 70;

/// The message for an IBAN problem, in English and German.
pub fn iban_message(problem: IbanProblem) -> (String, String) {
    match problem {
        IbanProblem::Empty => (
            "Enter the IBAN of the account to debit.".into(),
            "Geben Sie die IBAN des Kontos ein, von dem abgebucht werden soll.".into(),
        ),
        IbanProblem::BadCharacter(c) => (
            format!("An IBAN has only letters and digits; “{c}” does not belong in it."),
            format!("Eine IBAN besteht nur aus Buchstaben und Ziffern; „{c}“ gehört nicht hinein."),
        ),
        IbanProblem::UnknownCountry => (
            "An IBAN starts with a country code such as DE or AT; this one is not known.".into(),
            "Eine IBAN beginnt mit einem Ländercode wie DE oder AT; dieser ist unbekannt.".into(),
        ),
        IbanProblem::WrongLength { expected, actual } => (
            format!("An IBAN of this country has {expected} characters; this one has {actual}."),
            format!("Eine IBAN dieses Landes hat {expected} Zeichen; diese hat {actual}."),
        ),
        IbanProblem::CheckDigitsNotNumeric => (
            "The third and fourth characters of an IBAN are its check digits (two digits).".into(),
            "Das dritte und vierte Zeichen einer IBAN sind ihre Prüfziffern (zwei Ziffern).".into(),
        ),
        IbanProblem::CheckDigitsOutOfRange => (
            "The check digits of an IBAN (third and fourth characters) are 02 to 98; 00, 01 and 99 are never issued.".into(),
            "Die Prüfziffern einer IBAN (drittes und viertes Zeichen) liegen zwischen 02 und 98; 00, 01 und 99 werden nie vergeben.".into(),
        ),
        IbanProblem::BbanStructure => (
            "After the check digits, an IBAN follows its country's fixed pattern of letters and digits; this one does not (a letter where a digit belongs, or the other way round).".into(),
            "Nach den Prüfziffern folgt eine IBAN dem festen Muster ihres Landes aus Buchstaben und Ziffern; diese nicht (ein Buchstabe, wo eine Ziffer hingehört, oder umgekehrt).".into(),
        ),
        IbanProblem::BadCheckDigits => (
            "The check digits do not match: there is a typo in this IBAN.".into(),
            "Die Prüfziffern passen nicht: Diese IBAN enthält einen Tippfehler.".into(),
        ),
    }
}

/// A valid IBAN of a SEPA country, compact; else a field error naming the rule.
pub fn iban(value: &str) -> Result<String, CoreError> {
    let compact = iban::check_iban(value).map_err(|p| {
        let (en, de) = iban_message(p);
        CoreError::field("iban", &en, &de)
    })?;
    if !iban::SEPA_COUNTRIES.contains(&&compact[..2]) {
        return Err(CoreError::field(
            "iban",
            "SEPA direct debit is only possible from an account in a SEPA country.",
            "Eine SEPA-Lastschrift ist nur von einem Konto in einem SEPA-Land möglich.",
        ));
    }
    Ok(compact)
}

/// The message for a BIC problem, in English and German.
pub fn bic_message(problem: BicProblem) -> (String, String) {
    match problem {
        BicProblem::Length(actual) => (
            format!("A BIC has 8 or 11 characters: 4 letters for the bank, 2 for the country, 2 letters or digits for the place, optionally 3 for the branch (e.g. COBADEFFXXX). This one has {actual}."),
            format!("Eine BIC hat 8 oder 11 Zeichen: 4 Buchstaben für die Bank, 2 für das Land, 2 Buchstaben oder Ziffern für den Ort, optional 3 für die Filiale (z. B. COBADEFFXXX). Diese hat {actual}."),
        ),
        BicProblem::BankCode => (
            "The first four characters of a BIC name the bank and are letters only.".into(),
            "Die ersten vier Zeichen einer BIC bezeichnen die Bank und sind nur Buchstaben.".into(),
        ),
        BicProblem::UnknownCountry => (
            "Characters 5 and 6 of a BIC are the bank's country (ISO 3166, e.g. DE); this is not a country code.".into(),
            "Das 5. und 6. Zeichen einer BIC sind das Land der Bank (ISO 3166, z. B. DE); das ist kein Ländercode.".into(),
        ),
        BicProblem::LocationOrBranch => (
            "After the country, a BIC has only letters and digits (2 for the place, optionally 3 for the branch).".into(),
            "Nach dem Land hat eine BIC nur Buchstaben und Ziffern (2 für den Ort, optional 3 für die Filiale).".into(),
        ),
    }
}

/// An empty BIC is fine (the portal determines it); otherwise 8 or 11 characters of the
/// right form with a real country; else a field error naming the rule.
pub fn bic(value: &str) -> Result<Option<String>, CoreError> {
    if value.trim().is_empty() {
        return Ok(None);
    }
    iban::check_bic(value).map(Some).map_err(|p| {
        let (en, de) = bic_message(p);
        CoreError::field("bic", &en, &de)
    })
}

pub fn holder(value: &str) -> Result<String, CoreError> {
    let holder = value.trim();
    if holder.is_empty() {
        return Err(CoreError::field(
            "holder",
            "Enter the account holder as the bank knows them.",
            "Geben Sie den Kontoinhaber so ein, wie die Bank ihn führt.",
        ));
    }
    if holder.chars().count() > MAX_HOLDER || holder.chars().any(char::is_control) {
        return Err(CoreError::field(
            "holder",
            "The account holder may have at most 70 characters.",
            "Der Kontoinhaber darf höchstens 70 Zeichen haben.",
        ));
    }
    Ok(holder.to_owned())
}

/// All three fields checked at once, for the form while typing.
pub fn check(holder_value: &str, iban_value: &str, bic_value: &str) -> SepaCheck {
    let compact = iban::compact_iban(iban_value);
    let country = compact
        .get(..2)
        .filter(|c| iban::iban_length(c).is_some())
        .map(str::to_owned);
    let problems = [
        holder(holder_value).err(),
        iban(iban_value).err(),
        bic(bic_value).err(),
    ]
    .into_iter()
    .flatten()
    .filter_map(|err| match err {
        CoreError::InvalidInput {
            message,
            message_de,
            fields,
            ..
        } => Some(FieldProblem {
            field: fields.into_keys().next().unwrap_or_default(),
            message,
            message_de,
        }),
        _ => None,
    })
    .collect();
    SepaCheck {
        iban_grouped: iban::group_iban(iban_value),
        iban_country: country,
        problems,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Correct IBANs of 20 countries (the registry's examples), typed the way people do.
    const VALID: &[&str] = &[
        "DE89 3704 0044 0532 0130 00",
        "AT61 1904 3002 3457 3201",
        "CH93 0076 2011 6238 5295 7",
        "NL91 ABNA 0417 1643 00",
        "FR14 2004 1010 0505 0001 3M02 606",
        "GB29 NWBK 6016 1331 9268 19",
        "BE68 5390 0754 7034",
        "ES91 2100 0418 4502 0005 1332",
        "IT60 X054 2811 1010 0000 0123 456",
        "PL61 1090 1014 0000 0712 1981 2874",
        "LU28 0019 4006 4475 0000",
        "DK50 0040 0440 1162 43",
        "FI21 1234 5600 0007 85",
        "NO93 8601 1117 947",
        "SE45 5000 0000 0583 9825 7466",
        "IE29 AIBK 9311 5212 3456 78",
        "PT50 0002 0123 1234 5678 9015 4",
        "CZ65 0800 0000 1920 0014 5399",
        "de89370400440532013000",
        "SA03 8000 0000 6080 1016 7519",
    ];

    #[test]
    fn mandate_iban_accepts_correct_ibans_of_many_countries() {
        let countries: std::collections::BTreeSet<_> =
            VALID.iter().map(|v| v[..2].to_ascii_uppercase()).collect();
        assert!(countries.len() >= 12, "{countries:?}");
        for value in VALID {
            assert!(iban::check_iban(value).is_ok(), "{value} refused");
        }
        assert_eq!(
            iban("de89 3704 0044 0532 0130 00").unwrap(),
            "DE89370400440532013000"
        );
    }

    #[test]
    fn mandate_iban_refuses_wrong_ones_naming_the_rule() {
        let cases: &[(&str, IbanProblem)] = &[
            ("", IbanProblem::Empty),
            ("   ", IbanProblem::Empty),
            ("DE89 3704 0044 0532 0130 01", IbanProblem::BadCheckDigits),
            ("DE88 3704 0044 0532 0130 00", IbanProblem::BadCheckDigits),
            ("AT61 1904 3002 3457 3202", IbanProblem::BadCheckDigits),
            ("NL91 ABNA 0417 1643 01", IbanProblem::BadCheckDigits),
            (
                "DE89 3704 0044 0532 0130 0",
                IbanProblem::WrongLength {
                    expected: 22,
                    actual: 21,
                },
            ),
            (
                "DE89 3704 0044 0532 0130 000",
                IbanProblem::WrongLength {
                    expected: 22,
                    actual: 23,
                },
            ),
            (
                "AT61 1904 3002 3457 320",
                IbanProblem::WrongLength {
                    expected: 20,
                    actual: 19,
                },
            ),
            ("XX89 3704 0044 0532 0130 00", IbanProblem::UnknownCountry),
            ("US12 3456 7890 1234 5678 90", IbanProblem::UnknownCountry),
            ("1234 5678", IbanProblem::UnknownCountry),
            (
                "DE89-3704-0044-0532-0130-00",
                IbanProblem::BadCharacter('-'),
            ),
            (
                "DE89 3704 0044 0532 0130 0Ä",
                IbanProblem::BadCharacter('Ä'),
            ),
            ("DE89.3704", IbanProblem::BadCharacter('.')),
            (
                "DEAB 3704 0044 0532 0130 00",
                IbanProblem::CheckDigitsNotNumeric,
            ),
        ];
        for (value, expected) in cases {
            assert_eq!(iban::check_iban(value), Err(*expected), "{value:?}");
            let info = iban(value).unwrap_err().info();
            assert!(info.fields.contains_key("iban"));
            assert_ne!(info.message, info.message_de);
        }
        let info = iban("DE89 3704 0044 0532 0130 0").unwrap_err().info();
        assert!(info.message.contains("22") && info.message.contains("21"));
        let info = iban("DE89-3704").unwrap_err().info();
        assert!(info.message.contains('-'));
        // Valid, but not a SEPA country.
        let info = iban("SA03 8000 0000 6080 1016 7519").unwrap_err().info();
        assert!(info.message.contains("SEPA"));
    }

    /// Property, checked exhaustively: every valid IBAN with any one digit changed to any
    /// other digit fails (MOD 97-10 catches every single substitution).
    #[test]
    fn mandate_iban_with_any_one_digit_changed_fails() {
        let mut variants = 0;
        for value in VALID {
            let compact = iban::compact_iban(value);
            for (position, original) in compact.char_indices() {
                if !original.is_ascii_digit() {
                    continue;
                }
                for digit in '0'..='9' {
                    if digit == original {
                        continue;
                    }
                    let mut changed = compact.clone();
                    changed.replace_range(position..position + 1, &digit.to_string());
                    assert!(
                        iban::check_iban(&changed).is_err(),
                        "{changed} (from {value}) passed"
                    );
                    variants += 1;
                }
            }
        }
        assert!(variants > 3000, "{variants}");
    }

    #[test]
    fn mandate_iban_is_grouped_and_masked() {
        assert_eq!(
            iban::group_iban("de89370400440532013000"),
            "DE89 3704 0044 0532 0130 00"
        );
        assert_eq!(
            iban::mask_iban("DE89 3704 0044 0532 0130 00"),
            "DE89 **** **** **** **30 00"
        );
        assert_eq!(
            iban::mask_iban("AT611904300234573201"),
            "AT61 **** **** **** 3201"
        );
    }

    #[test]
    fn mandate_bic_has_8_or_11_characters_of_the_right_form() {
        assert_eq!(bic("").unwrap(), None);
        assert_eq!(
            bic(" cobadeffxxx ").unwrap().as_deref(),
            Some("COBADEFFXXX")
        );
        assert_eq!(bic("COBADEFF").unwrap().as_deref(), Some("COBADEFF"));
        assert_eq!(bic("GENODEM1GLS").unwrap().as_deref(), Some("GENODEM1GLS"));
        for bad in [
            "COBADEF",
            "COBADEFFXX",
            "COBADEFFXXXX",
            "C0BADEFF",
            "COBAD3FF",
            "COBADEF!",
            "COBA DE",
        ] {
            let err = bic(bad).unwrap_err().info();
            assert!(err.fields.contains_key("bic"), "{bad}");
        }
    }

    #[test]
    fn mandate_form_check_lists_every_problem_while_typing() {
        let check = super::check("", "DE89 3704", "XX");
        let fields: Vec<&str> = check.problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["holder", "iban", "bic"]);
        assert_eq!(check.iban_grouped, "DE89 3704");
        assert_eq!(check.iban_country.as_deref(), Some("DE"));
        let ok = super::check("Anna Müller", "DE89370400440532013000", "");
        assert!(ok.problems.is_empty());
        assert_eq!(ok.iban_grouped, "DE89 3704 0044 0532 0130 00");
        assert!(holder(&"x".repeat(71)).is_err());
    }
}
