//! The DKIM key record parser and its DER reader, and the DMARC parser, on arbitrary
//! input: never a panic; a measured RSA key has a sensible size.
#![no_main]

use cowdesk_core::dnscheck::dkim::{is_dkim, parse_record, read_tlv, rsa_modulus_bits, DkimKey};
use cowdesk_core::dnscheck::dmarc;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Raw bytes: the DER reader and the key size.
    if let Some((_, content, rest)) = read_tlv(data) {
        assert!(content.len() + rest.len() < data.len());
    }
    if let Ok(bits) = rsa_modulus_bits(data) {
        assert!(bits >= 1 && (bits as usize) <= data.len() * 8);
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = is_dkim(text);
    if let Ok(DkimKey::Rsa { bits }) = parse_record(text) {
        assert!(bits >= 1);
    }
    let _ = dmarc::is_dmarc(text);
    if let Ok(parsed) = dmarc::parse(text) {
        assert!(["none", "quarantine", "reject"].contains(&parsed.policy.as_str()));
        let rewritten = dmarc::with_policy(text, "none");
        assert_eq!(dmarc::parse(&rewritten).map(|d| d.policy), Ok("none".to_owned()));
    }
});
