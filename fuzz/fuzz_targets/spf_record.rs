//! The SPF parser and merger on arbitrary text: never a panic; merging valid records gives
//! one valid record that includes spf.mailcow.de and ends in ~all or -all, and merging is
//! stable (merging the result again changes nothing).
#![no_main]

use cowdesk_core::dnscheck::spf::{is_spf, merge, parse, Qualifier};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // Several records, one per line, as a TXT set may hold them.
    let records: Vec<&str> = text.lines().filter(|l| is_spf(l)).collect();
    let merged = merge(&records);
    assert!(is_spf(&merged));
    assert_eq!(merge(&[merged.as_str()]), merged);
    let all_valid = records.iter().all(|r| parse(r).is_ok());
    let Ok(parsed) = parse(&merged) else {
        assert!(!all_valid, "merging valid records gave an invalid one: {merged}");
        return;
    };
    assert!(parsed.includes("spf.mailcow.de"));
    assert!(matches!(parsed.all(), Some(Qualifier::SoftFail | Qualifier::Fail)));
    assert!(parsed.all_is_last());
    for record in text.lines() {
        if let Ok(parsed) = parse(record) {
            let _ = (parsed.all_text(), parsed.redirect());
        }
    }
});
