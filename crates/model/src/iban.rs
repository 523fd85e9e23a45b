//! IBAN and BIC rules, shared by the core (which words the problems in English and
//! German). The per-country BBAN structure of the IBAN registry comes from the
//! `iban_validate` crate; this module adds what the crate leaves to its users: the
//! problem in the user's terms (which rule failed), check digits 02-98 only, and BICs
//! with an ISO 3166 country. The sandbox deliberately checks with its own code.

/// Why an IBAN is not valid, in the order the rules are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IbanProblem {
    Empty,
    /// A character other than A-Z, 0-9 (spaces are allowed between groups).
    BadCharacter(char),
    /// The first two characters are not a country that uses IBANs.
    UnknownCountry,
    /// The length does not fit the country.
    WrongLength {
        expected: u8,
        actual: usize,
    },
    /// Positions 3 and 4 must be digits.
    CheckDigitsNotNumeric,
    /// Check digits are 02 to 98; 00, 01 and 99 are never issued (ISO 13616).
    CheckDigitsOutOfRange,
    /// The account part (BBAN) does not follow the country's structure: a letter where
    /// the country has digits, or the other way round.
    BbanStructure,
    /// The mod-97 check fails: a typo somewhere.
    BadCheckDigits,
}

/// Why a BIC is not valid, in the order the rules are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BicProblem {
    /// A BIC has 8 or 11 characters; this many were given.
    Length(usize),
    /// The first four characters (the bank) must be letters.
    BankCode,
    /// Characters 5 and 6 must be an ISO 3166 country code.
    UnknownCountry,
    /// The location (2) and branch (3) are letters or digits.
    LocationOrBranch,
}

/// IBAN lengths by country: the countries of the IBAN registry as `iban_validate` knows
/// them, plus `REGISTRY_SUPPLEMENT`. A test checks every length against the crate and
/// against the registry's own examples.
#[rustfmt::skip]
pub const IBAN_LENGTHS: &[(&str, u8)] = &[
    ("AD", 24), ("AE", 23), ("AL", 28), ("AT", 20), ("AZ", 28), ("BA", 20), ("BE", 16),
    ("BG", 22), ("BH", 22), ("BI", 27), ("BR", 29), ("BY", 28), ("CH", 21), ("CR", 22),
    ("CY", 28), ("CZ", 24), ("DE", 22), ("DJ", 27), ("DK", 18), ("DO", 28), ("EE", 20),
    ("EG", 29), ("ES", 24), ("FI", 18), ("FK", 18), ("FO", 18), ("FR", 27), ("GB", 22),
    ("GE", 22), ("GI", 23), ("GL", 18), ("GR", 27), ("GT", 28), ("HN", 28), ("HR", 21),
    ("HU", 28), ("IE", 22), ("IL", 23), ("IQ", 23), ("IS", 26), ("IT", 27), ("JO", 30),
    ("KW", 30), ("KZ", 20), ("LB", 28), ("LC", 32), ("LI", 21), ("LT", 20), ("LU", 20),
    ("LV", 21), ("LY", 25), ("MC", 27), ("MD", 24), ("ME", 22), ("MK", 19), ("MN", 20),
    ("MR", 27), ("MT", 31), ("MU", 30), ("NI", 28), ("NL", 18), ("NO", 15), ("OM", 23),
    ("PK", 24), ("PL", 28), ("PS", 29), ("PT", 25), ("QA", 29), ("RO", 24), ("RS", 22),
    ("RU", 33), ("SA", 24), ("SC", 31), ("SD", 18), ("SE", 24), ("SI", 19), ("SK", 24),
    ("SM", 27), ("SO", 23), ("ST", 25), ("SV", 28), ("TL", 23), ("TN", 24), ("TR", 26),
    ("UA", 29), ("VA", 22), ("VG", 24), ("XK", 20), ("YE", 30),
];

/// Registry countries `iban_validate` 5.0.1 does not know yet, with their BBAN structure
/// from the registry (`a` letters, `n` digits, `c` either): Pakistan (registered 2012)
/// and Honduras (2024). A test fails once the crate knows them, so this can go.
pub const REGISTRY_SUPPLEMENT: &[(&str, &[(usize, char)])] = &[
    ("PK", &[(4, 'a'), (16, 'c')]),
    ("HN", &[(4, 'a'), (20, 'n')]),
];

/// Countries of the SEPA direct-debit scheme (EEA, CH, GB, MC, SM, VA, AD and the like).
#[rustfmt::skip]
pub const SEPA_COUNTRIES: &[&str] = &[
    "AD", "AT", "BE", "BG", "CH", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GB", "GI",
    "GR", "HR", "HU", "IE", "IS", "IT", "LI", "LT", "LU", "LV", "MC", "MT", "NL", "NO", "PL",
    "PT", "RO", "SE", "SI", "SK", "SM", "VA",
];

/// ISO 3166-1 alpha-2 country codes (the 249 of Debian's iso-codes 4.15, which a test
/// compares with this list), plus XK: Kosovo, a user-assigned code that SWIFT uses in
/// BICs and IBANs.
#[rustfmt::skip]
pub const ISO_3166_COUNTRIES: &[&str] = &[
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX",
    "AZ", "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ",
    "BR", "BS", "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK",
    "CL", "CM", "CN", "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM",
    "DO", "DZ", "EC", "EE", "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR",
    "GA", "GB", "GD", "GE", "GF", "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS",
    "GT", "GU", "GW", "GY", "HK", "HM", "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN",
    "IO", "IQ", "IR", "IS", "IT", "JE", "JM", "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN",
    "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC", "LI", "LK", "LR", "LS", "LT", "LU", "LV",
    "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK", "ML", "MM", "MN", "MO", "MP", "MQ",
    "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA", "NC", "NE", "NF", "NG", "NI",
    "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM",
    "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW", "SA", "SB", "SC",
    "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS", "ST", "SV",
    "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO", "TR",
    "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",
    // User-assigned, used by SWIFT for Kosovo.
    "XK",
];

/// The IBAN without spaces, upper-cased (what is sent and checked).
pub fn compact_iban(value: &str) -> String {
    value
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect()
}

/// Groups of four, as printed: "DE89 3704 0044 0532 0130 00".
pub fn group_iban(value: &str) -> String {
    let compact = compact_iban(value);
    let chars: Vec<char> = compact.chars().collect();
    chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn iban_length(country: &str) -> Option<u8> {
    IBAN_LENGTHS
        .iter()
        .find(|(c, _)| *c == country)
        .map(|(_, n)| *n)
}

/// Checks an IBAN (spaces allowed, any case); `Ok` with the compact form.
pub fn check_iban(value: &str) -> Result<String, IbanProblem> {
    let iban = compact_iban(value);
    if iban.is_empty() {
        return Err(IbanProblem::Empty);
    }
    if let Some(bad) = iban.chars().find(|c| !c.is_ascii_alphanumeric()) {
        return Err(IbanProblem::BadCharacter(bad));
    }
    let country = iban.get(..2).unwrap_or("");
    let Some(expected) = iban_length(country) else {
        return Err(IbanProblem::UnknownCountry);
    };
    if iban.len() != usize::from(expected) {
        return Err(IbanProblem::WrongLength {
            expected,
            actual: iban.len(),
        });
    }
    let digits = &iban[2..4];
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(IbanProblem::CheckDigitsNotNumeric);
    }
    if matches!(digits, "00" | "01" | "99") {
        return Err(IbanProblem::CheckDigitsOutOfRange);
    }
    if !bban_follows_structure(country, &iban[4..]) {
        return Err(IbanProblem::BbanStructure);
    }
    if mod97(&iban[4..], &iban[..4]) != 1 {
        return Err(IbanProblem::BadCheckDigits);
    }
    Ok(iban)
}

/// The BBAN against the registry's structure for `country`, whatever the check digits:
/// the registry check is asked about the same BBAN with correct check digits, so a typo
/// in them does not hide a letter where a digit belongs.
fn bban_follows_structure(country: &str, bban: &str) -> bool {
    if let Some((_, pattern)) = REGISTRY_SUPPLEMENT.iter().find(|(c, _)| *c == country) {
        return matches_pattern(pattern, bban);
    }
    let check = 98 - mod97(&format!("{bban}{country}"), "00");
    let fixed = format!("{country}{check:02}{bban}");
    fixed.parse::<iban::Iban>().is_ok()
}

/// `pattern` as (count, `a` letters / `n` digits / `c` either), against `s`.
fn matches_pattern(pattern: &[(usize, char)], s: &str) -> bool {
    let expected: Vec<char> = pattern
        .iter()
        .flat_map(|(count, kind)| std::iter::repeat_n(*kind, *count))
        .collect();
    expected.len() == s.len()
        && expected.iter().zip(s.bytes()).all(|(kind, b)| match kind {
            'a' => b.is_ascii_uppercase(),
            'n' => b.is_ascii_digit(),
            _ => b.is_ascii_uppercase() || b.is_ascii_digit(),
        })
}

/// ISO 7064 MOD 97-10 of `head` followed by `tail` (for an IBAN: the BBAN, then country
/// and check digits), letters as 10..35, computed piecewise so no big number is needed.
fn mod97(head: &str, tail: &str) -> u32 {
    head.bytes().chain(tail.bytes()).fold(0u32, |acc, b| {
        let value = match b {
            b'0'..=b'9' => u32::from(b - b'0'),
            _ => u32::from(b.to_ascii_uppercase() - b'A') + 10,
        };
        if value >= 10 {
            (acc * 100 + value) % 97
        } else {
            (acc * 10 + value) % 97
        }
    })
}

/// What may be shown and cached of an IBAN: country, check digits and the last four
/// characters, the rest as `*`, grouped: "DE89 **** **** **** **30 00".
pub fn mask_iban(value: &str) -> String {
    let compact = compact_iban(value);
    let len = compact.chars().count();
    let masked: String = compact
        .chars()
        .enumerate()
        .map(|(i, c)| if i < 4 || i + 4 >= len { c } else { '*' })
        .collect();
    group_iban(&masked)
}

/// A BIC (ISO 9362): 4 letters (bank), an ISO 3166 country, 2 letters or digits
/// (location), optionally 3 letters or digits (branch). Spaces ignored, any case; `Ok`
/// with the compact form.
pub fn check_bic(value: &str) -> Result<String, BicProblem> {
    let bic = compact_iban(value);
    let b = bic.as_bytes();
    if !matches!(b.len(), 8 | 11) {
        return Err(BicProblem::Length(bic.chars().count()));
    }
    if !b[..4].iter().all(u8::is_ascii_uppercase) {
        return Err(BicProblem::BankCode);
    }
    if !ISO_3166_COUNTRIES.contains(&&bic[4..6]) {
        return Err(BicProblem::UnknownCountry);
    }
    if !b[6..]
        .iter()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    {
        return Err(BicProblem::LocationOrBranch);
    }
    Ok(bic)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trust_iban_supplement_covers_only_what_the_registry_crate_lacks() {
        for (country, length) in IBAN_LENGTHS {
            let supplemented = REGISTRY_SUPPLEMENT.iter().any(|(c, _)| c == country);
            let bban = "0".repeat(usize::from(*length) - 4);
            let check = 98 - mod97(&format!("{bban}{country}"), "00");
            let iban = format!("{country}{check:02}{bban}");
            match iban.parse::<iban::Iban>() {
                Err(iban::ParseIbanError::UnknownCountry(_)) => {
                    assert!(supplemented, "{country}: unknown to iban_validate")
                }
                _ => assert!(!supplemented, "{country}: iban_validate knows it now"),
            }
        }
        for (country, pattern) in REGISTRY_SUPPLEMENT {
            let length: usize = pattern.iter().map(|(n, _)| n).sum();
            assert_eq!(iban_length(country), Some(length as u8 + 4), "{country}");
        }
    }

    #[test]
    fn trust_iban_mod97_matches_the_registry_crate() {
        let iban = "GB29NWBK60161331926819";
        assert_eq!(mod97(&iban[4..], &iban[..4]), 1);
        assert!(iban.parse::<iban::Iban>().is_ok());
    }

    #[test]
    fn trust_bic_shape_and_country() {
        assert_eq!(check_bic("cobadeffxxx").as_deref(), Ok("COBADEFFXXX"));
        assert_eq!(check_bic("MULTIPLE"), Err(BicProblem::UnknownCountry));
        assert_eq!(check_bic("COBAXXFF"), Err(BicProblem::UnknownCountry));
        assert_eq!(check_bic("COB4DEFF"), Err(BicProblem::BankCode));
        assert_eq!(check_bic("COBADEF-"), Err(BicProblem::LocationOrBranch));
        assert_eq!(check_bic("COBADEF"), Err(BicProblem::Length(7)));
        assert_eq!(check_bic("NLPRXKPR").as_deref(), Ok("NLPRXKPR"));
    }
}
