//! Text the billing views read and write: an amount as typed never panics and round-trips
//! through its printed form; a CSV cell parses back to its text (with the leading `'` that
//! keeps spreadsheet formulas inert) and never starts a formula.
#![no_main]

use cowdesk_core::billing::files::cell;
use cowdesk_core::billing::query::parse_amount_cents;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(cents) = parse_amount_cents(text) {
        assert!(cents >= 0);
        let printed = format!("{},{:02}", cents / 100, cents % 100);
        assert_eq!(parse_amount_cents(&printed), Some(cents));
    }

    let line = format!("{};x", cell(text));
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .from_reader(line.as_bytes());
    let record = reader
        .records()
        .next()
        .expect("one record")
        .expect("valid CSV");
    assert_eq!(record.len(), 2, "{line:?}");
    let read = &record[0];
    assert!(!read.starts_with(['=', '+', '-', '@', '\t', '\r']), "{read:?}");
    assert_eq!(read.strip_prefix('\'').filter(|_| read != text).unwrap_or(read), text);
});
