//! IBAN and BIC checks on arbitrary text: never a panic; an accepted IBAN is compact,
//! groups and masks consistently, and the mask hides all but country, check digits and
//! the last four characters.
#![no_main]

use cowdesk_model::iban::{check_bic, check_iban, compact_iban, group_iban, mask_iban};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = check_bic(text);
    let _ = mask_iban(text);
    let Ok(iban) = check_iban(text) else {
        return;
    };
    assert_eq!(iban, compact_iban(&iban));
    assert_eq!(compact_iban(&group_iban(&iban)), iban);
    assert_eq!(check_iban(&group_iban(&iban)).as_deref(), Ok(iban.as_str()));
    let masked = compact_iban(&mask_iban(&iban));
    assert_eq!(masked.len(), iban.len());
    assert_eq!(&masked[..4], &iban[..4]);
    assert_eq!(&masked[masked.len() - 4..], &iban[iban.len() - 4..]);
    assert!(masked[4..masked.len() - 4].bytes().all(|b| b == b'*'));
});
