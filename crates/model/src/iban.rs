//! IBAN rules (ISO 13616): the pure check, shared by the core (which words the problems
//! in English and German) and the sandbox (which refuses what the portal would).

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
    /// The mod-97 check fails: a typo somewhere.
    BadCheckDigits,
}

/// IBAN lengths by country (SWIFT IBAN registry).
#[rustfmt::skip]
pub const IBAN_LENGTHS: &[(&str, u8)] = &[
    ("AD", 24), ("AE", 23), ("AL", 28), ("AT", 20), ("AZ", 28), ("BA", 20), ("BE", 16),
    ("BG", 22), ("BH", 22), ("BR", 29), ("BY", 28), ("CH", 21), ("CR", 22), ("CY", 28),
    ("CZ", 24), ("DE", 22), ("DK", 18), ("DO", 28), ("EE", 20), ("EG", 29), ("ES", 24),
    ("FI", 18), ("FO", 18), ("FR", 27), ("GB", 22), ("GE", 22), ("GI", 23), ("GL", 18),
    ("GR", 27), ("GT", 28), ("HR", 21), ("HU", 28), ("IE", 22), ("IL", 23), ("IQ", 23),
    ("IS", 26), ("IT", 27), ("JO", 30), ("KW", 30), ("KZ", 20), ("LB", 28), ("LC", 32),
    ("LI", 21), ("LT", 20), ("LU", 20), ("LV", 21), ("MC", 27), ("MD", 24), ("ME", 22),
    ("MK", 19), ("MR", 27), ("MT", 31), ("MU", 30), ("NL", 18), ("NO", 15), ("PK", 24),
    ("PL", 28), ("PS", 29), ("PT", 25), ("QA", 29), ("RO", 24), ("RS", 22), ("SA", 24),
    ("SC", 31), ("SE", 24), ("SI", 19), ("SK", 24), ("SM", 27), ("ST", 25), ("SV", 28),
    ("TL", 23), ("TN", 24), ("TR", 26), ("UA", 29), ("VA", 22), ("VG", 24), ("XK", 20),
];

/// Countries of the SEPA direct-debit scheme (EEA, CH, GB, MC, SM, VA, AD and the like).
#[rustfmt::skip]
pub const SEPA_COUNTRIES: &[&str] = &[
    "AD", "AT", "BE", "BG", "CH", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GB", "GI",
    "GR", "HR", "HU", "IE", "IS", "IT", "LI", "LT", "LU", "LV", "MC", "MT", "NL", "NO", "PL",
    "PT", "RO", "SE", "SI", "SK", "SM", "VA",
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
    if !iban[2..4].bytes().all(|b| b.is_ascii_digit()) {
        return Err(IbanProblem::CheckDigitsNotNumeric);
    }
    if mod97(&iban) != 1 {
        return Err(IbanProblem::BadCheckDigits);
    }
    Ok(iban)
}

/// ISO 7064 MOD 97-10 of the IBAN moved round (first four characters to the end),
/// letters as 10..35, computed piecewise so no big number is needed.
fn mod97(iban: &str) -> u32 {
    let rearranged = iban[4..].bytes().chain(iban[..4].bytes());
    rearranged.fold(0u32, |acc, b| {
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

/// A BIC: 4 letters (bank), 2 letters (country), 2 letters or digits (location),
/// optionally 3 letters or digits (branch). Spaces ignored, any case; `Some` compact.
pub fn check_bic(value: &str) -> Option<String> {
    let bic = compact_iban(value);
    let b = bic.as_bytes();
    let shaped = matches!(b.len(), 8 | 11)
        && b[..6].iter().all(u8::is_ascii_uppercase)
        && b[6..]
            .iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    shaped.then_some(bic)
}
