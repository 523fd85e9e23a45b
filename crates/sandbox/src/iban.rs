//! The sandbox's own IBAN and BIC checks, written apart from cowdesk's (the model crate
//! and the `iban_validate` registry data): if both shared one validator, a bug in it
//! would pass the client's check and the "server's" alike and no test would see it.
//! Like the portal, the sandbox knows only what a SEPA mandate needs: the SEPA
//! countries' IBAN lengths (from the EPC's list of SEPA countries), ISO 7064 MOD 97-10
//! computed the textbook way (a few digits at a time), check digits 02-98.

/// IBAN length per SEPA country.
#[rustfmt::skip]
const SEPA_IBAN_LENGTHS: [(&str, usize); 37] = [
    ("AD", 24), ("AT", 20), ("BE", 16), ("BG", 22), ("CH", 21), ("CY", 28), ("CZ", 24),
    ("DE", 22), ("DK", 18), ("EE", 20), ("ES", 24), ("FI", 18), ("FR", 27), ("GB", 22),
    ("GI", 23), ("GR", 27), ("HR", 21), ("HU", 28), ("IE", 22), ("IS", 26), ("IT", 27),
    ("LI", 21), ("LT", 20), ("LU", 20), ("LV", 21), ("MC", 27), ("MT", 31), ("NL", 18),
    ("NO", 15), ("PL", 28), ("PT", 25), ("RO", 24), ("SE", 24), ("SI", 19), ("SK", 24),
    ("SM", 27), ("VA", 22),
];

/// Why the sandbox refuses an IBAN.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    NotSepa,
    Invalid,
}

/// `Ok` with the compact, upper-case IBAN of a SEPA account.
pub(crate) fn sepa_iban(value: &str) -> Result<String, Refusal> {
    let iban: String = value
        .chars()
        .filter(|c| *c != ' ')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if iban.len() < 5 || !iban.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(Refusal::Invalid);
    }
    let (country, check) = (&iban[..2], &iban[2..4]);
    if !country.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(Refusal::Invalid);
    }
    let Some((_, length)) = SEPA_IBAN_LENGTHS.iter().find(|(c, _)| *c == country) else {
        return Err(Refusal::NotSepa);
    };
    let check: u32 = check.parse().map_err(|_| Refusal::Invalid)?;
    if iban.len() != *length || !(2..=98).contains(&check) || remainder(&iban) != 1 {
        return Err(Refusal::Invalid);
    }
    Ok(iban)
}

/// The IBAN moved round (first four characters to the end), letters as 10..35, taken
/// seven digits at a time modulo 97.
fn remainder(iban: &str) -> u64 {
    let digits: String = iban[4..]
        .chars()
        .chain(iban[..4].chars())
        .map(|c| c.to_digit(36).unwrap_or(0).to_string())
        .collect();
    let mut rest = 0u64;
    for chunk in digits.as_bytes().chunks(7) {
        let part: u64 = std::str::from_utf8(chunk)
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        rest = (rest * 10u64.pow(chunk.len() as u32) + part) % 97;
    }
    rest
}

/// A BIC as the portal takes it: 8 or 11 characters, the bank in letters, a SEPA
/// country, then letters or digits.
pub(crate) fn sepa_bic(value: &str) -> bool {
    let bic = value.trim().to_ascii_uppercase();
    let b = bic.as_bytes();
    matches!(b.len(), 8 | 11)
        && b[..4].iter().all(u8::is_ascii_uppercase)
        && SEPA_IBAN_LENGTHS
            .iter()
            .any(|(c, _)| c.as_bytes() == &b[4..6])
        && b[6..].iter().all(u8::is_ascii_alphanumeric)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trust_sandbox_iban_check_is_its_own() {
        for good in [
            "DE89 3704 0044 0532 0130 00",
            "at611904300234573201",
            "NO9386011117947",
        ] {
            assert!(sepa_iban(good).is_ok(), "{good}");
        }
        assert_eq!(sepa_iban("SA0380000000608010167519"), Err(Refusal::NotSepa));
        for bad in [
            "DE88370400440532013000",
            "DE8937040044053201300",
            "DE01370400440000000042",
            "DE00370400440000000060",
            "DE99370400440000000024",
            "",
        ] {
            assert_eq!(sepa_iban(bad), Err(Refusal::Invalid), "{bad}");
        }
        assert!(sepa_bic("COBADEFFXXX"));
        assert!(!sepa_bic("MULTIPLE"));
        assert!(!sepa_bic("COBAXXFF"));
    }
}
