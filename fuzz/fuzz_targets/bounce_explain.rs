//! The bounce explainer on any bytes: it never panics, and whatever it reads is
//! consistent — a status code looks like one, a permanent failure is not an auto-reply,
//! the explanation exists in both languages.
#![no_main]

use cowdesk_core::model::BounceReason;
use cowdesk_core::support::{explain_bounce, BounceContext};
use std::sync::Once;

use libfuzzer_sys::fuzz_target;

static QUIET_HOOK: Once = Once::new();

fuzz_target!(|data: &[u8]| {
    // libfuzzer-sys aborts in its panic hook, before any unwinding. The explainer catches
    // a panic inside mail-parser (a debug assertion) on purpose and reads the text instead,
    // so the hook only prints here: a panic that reaches this closure still ends in
    // libfuzzer-sys's catch_unwind, which aborts and reports the input.
    QUIET_HOOK.call_once(|| std::panic::set_hook(Box::new(|info| eprintln!("{info}"))));
    let context = BounceContext {
        own_domains: vec!["example.jp".into()],
    };
    let Ok(explained) = explain_bounce(data, &context) else {
        return;
    };
    assert!(!explained.explanation_en.is_empty());
    assert!(!explained.explanation_de.is_empty());
    if let Some(status) = &explained.status {
        let parts: Vec<&str> = status.split('.').collect();
        assert_eq!(parts.len(), 3, "{status}");
        assert!(matches!(parts[0], "2" | "4" | "5"), "{status}");
        assert!(parts[1..].iter().all(|p| !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit())));
    }
    if let Some(code) = explained.reply_code {
        assert!((200..600).contains(&code), "{code}");
    }
    if explained.reason == BounceReason::AutoReply {
        assert!(!explained.permanent);
    }
    if let Some(diagnostic) = &explained.diagnostic {
        assert!(diagnostic.len() <= 4 * 1024);
    }
});
