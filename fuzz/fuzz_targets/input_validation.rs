//! The checks every typed-in value passes before a request: any string is answered with
//! Ok or a field error, never a panic, and an accepted portal address is HTTPS or loopback.
#![no_main]

use cowdesk_core::portal::check_server;
use cowdesk_core::validate;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = validate::email(text);
    let _ = validate::password(text);
    if let Ok(mailbox) = validate::mailbox_address(text) {
        assert!(mailbox
            .local
            .chars()
            .all(validate::mailbox::local_part_char_allowed));
        assert_eq!(
            validate::mailbox_address(&mailbox.address()).ok(),
            Some(mailbox.clone())
        );
    }
    if let Ok(url) = check_server(text) {
        assert!(url.scheme() == "https" || url.scheme() == "http");
    }
});
