//! Which of the reasons a bounce gives, and whether it is final. The refusing server's
//! words decide first (they are the most specific), the enhanced status code second.

use cowdesk_model::BounceReason;

use super::bounce_scan::Status;

/// Phrases per reason, lowercase, checked in this order: a more specific cause comes
/// before a vaguer one that its text also contains (a blocklist named "spamhaus" before
/// "spam", "mailbox size limit" before "size").
const PHRASES: &[(BounceReason, &[&str])] = &[
    (
        BounceReason::Greylisting,
        &[
            "greylist",
            "graylist",
            "grey-list",
            "gray-list",
            "grey list",
            "gray list",
            "postgrey",
            "please try again later (greylisted",
        ],
    ),
    (
        BounceReason::RateLimited,
        &[
            "too many recipients",
            "too many rcpt",
            "recipient limit",
            "recipients limit",
            "maximum number of recipients",
            "max recipients",
            "rate limit",
            "ratelimit",
            "rate-limit",
            "rate limited",
            "too many messages",
            "too many connections",
            "sending limit",
            "sending quota",
            "relay quota",
            "message limit exceeded",
            "exceeded the rate",
            "throttl",
            "unusual rate",
            "mass mailing",
        ],
    ),
    (
        BounceReason::Authentication,
        &[
            "dmarc",
            "dkim",
            "spf",
            "sender policy framework",
            "domainkeys",
            "unauthenticated email",
            "not authenticated",
            "authentication failed",
            "failed authentication",
            "sender authentication",
            "5.7.26",
            "5.7.23",
            "5.7.27",
        ],
    ),
    (
        BounceReason::Blocklisted,
        &[
            "blacklist",
            "blocklist",
            "black list",
            "block list",
            "denylist",
            "spamhaus",
            "spamcop",
            "sorbs",
            "barracuda",
            "dnsbl",
            " rbl",
            "rbl ",
            "listed at",
            "listed on",
            "reputation",
            "ptr record",
            "reverse dns",
            "reverse lookup",
            "rdns",
            "client host rejected",
            "blocked using",
            "abuseat",
            "your ip",
            "ip address is blocked",
            "ip blocked",
            "(s3140)",
            "5.7.606",
            "5.7.511",
            "dynamic ip",
            "dialup",
        ],
    ),
    (
        BounceReason::MailboxFull,
        &[
            "mailbox full",
            "mailbox is full",
            "mailbox has exceeded",
            "mailbox size limit",
            "mailbox quota",
            "over quota",
            "overquota",
            "quota exceeded",
            "exceeded storage",
            "exceeded their storage",
            "quota",
            "insufficient storage",
            "out of storage",
            "not enough storage",
            "disk full",
            "mailfolder is full",
            "full mailbox",
        ],
    ),
    (
        BounceReason::TooLarge,
        &[
            "too large",
            "too big",
            "size exceeds",
            "exceeds the maximum",
            "maximum message size",
            "message size",
            "exceeds size",
            "size limit",
            "recipsizelimit",
            "message length exceeds",
        ],
    ),
    (
        BounceReason::UnknownDomain,
        &[
            "host or domain name not found",
            "domain not found",
            "domain does not exist",
            "domain doesn't exist",
            "no such domain",
            "unknown domain",
            "unrouteable address",
            "unroutable address",
            "nxdomain",
            "name service error",
            "no mx record",
            "no valid mx",
            "domain name not found",
            "domain is not found",
            "dns error",
            "domain is not reachable",
        ],
    ),
    (
        BounceReason::UnknownRecipient,
        &[
            "not listed in domino directory",
            "not listed in the directory",
            "invalid final delivery",
            "user unknown",
            "unknown user",
            "no such user",
            "no such recipient",
            "no such mailbox",
            "unknown recipient",
            "recipient unknown",
            "recipient not found",
            "recipnotfound",
            "user not found",
            "address not found",
            "address unknown",
            "unknown address",
            "invalid recipient",
            "invalid mailbox",
            "mailbox not found",
            "mailbox unavailable",
            "mailbox does not exist",
            "account does not exist",
            "account has been disabled",
            "account is disabled",
            "does not exist",
            "doesn't exist",
            "not a valid mailbox",
            "no mailbox",
            "email account that you tried to reach",
            "user doesn't have",
            "is not a valid",
        ],
    ),
    (
        BounceReason::Spam,
        &[
            "spam",
            "junk",
            "unsolicited",
            "content rejected",
            "message content",
            "malicious",
            "virus",
            "phishing",
            "suspicious",
            "bulk mail",
        ],
    ),
    (
        BounceReason::Expired,
        &[
            "in the queue too long",
            "queue too long",
            "retry timeout exceeded",
            "retry time not reached",
            "delivery time expired",
            "message expired",
            "envelope expired",
            "has expired",
            "expired after",
            "gave up",
            "could not be delivered within",
            "couldn't be delivered within",
        ],
    ),
    (
        BounceReason::Network,
        &[
            "network error",
            "socket error",
            "requests to connect",
            "connection refused",
            "connection timed out",
            "timed out",
            "timeout",
            "unable to connect",
            "couldn't connect",
            "could not connect",
            "no route to host",
            "network is unreachable",
            "lost connection",
            "connection reset",
            "establish an smtp connection",
            "tls",
            "certificate",
            "host unreachable",
            "mail server temporarily unavailable",
        ],
    ),
    (
        BounceReason::Policy,
        &[
            "policy",
            "access denied",
            "relay",
            "not permitted",
            "not allowed",
            "prohibited",
            "refused",
            "rejected",
            "blocked",
            "denied",
            "header error",
            "smtp server of your isp",
            "unroutable sender",
            "filter",
            "rule",
        ],
    ),
];

/// The reason from the refusing server's words and the status code.
pub(super) fn classify(failure_text: &str, status: Option<Status>) -> BounceReason {
    let lower = failure_text.to_ascii_lowercase();
    // Microsoft's directory-based edge blocking says "Access denied" with 5.4.1 for an
    // address that does not exist in the recipient's directory.
    if status.is_some_and(|s| s.subject == 4 && s.detail == 1)
        && lower.contains("recipient address rejected: access denied")
    {
        return BounceReason::UnknownRecipient;
    }
    if let Some(status) = status {
        // Codes that say exactly what happened beat a vaguer phrase in the text.
        match (status.subject, status.detail) {
            (2, 2) => return BounceReason::MailboxFull,
            (1, 1) | (1, 10) => return BounceReason::UnknownRecipient,
            (1, 2) => return BounceReason::UnknownDomain,
            (5, 3) => return BounceReason::RateLimited,
            (3, 4) | (2, 3) => return BounceReason::TooLarge,
            // "Delivery time expired": whatever the last refusal was, the sender gave up.
            (4, 7) => return BounceReason::Expired,
            (7, 23) | (7, 26) | (7, 27) => return BounceReason::Authentication,
            _ => {}
        }
    }
    for (reason, phrases) in PHRASES {
        if phrases.iter().any(|p| lower.contains(p)) {
            return *reason;
        }
    }
    match status.map(|s| (s.subject, s.detail)) {
        Some((1, 1 | 10 | 0 | 6)) | Some((2, 1)) => BounceReason::UnknownRecipient,
        Some((1, 2)) | Some((4, 4)) => BounceReason::UnknownDomain,
        Some((4, 7)) => BounceReason::Expired,
        Some((4, _)) => BounceReason::Network,
        Some((7, 1)) if status.is_some_and(|s| s.class == 4) => BounceReason::Greylisting,
        Some((7, _)) => BounceReason::Policy,
        _ => BounceReason::Other,
    }
}

/// Whether the bounce is an automatic reply (out of office) rather than a failure.
pub(super) fn is_auto_reply(subject: &str, headers_lower: &str, has_failure: bool) -> bool {
    if has_failure {
        return false;
    }
    let subject = subject.to_ascii_lowercase();
    const SUBJECTS: &[&str] = &[
        "out of office",
        "out of the office",
        "automatic reply",
        "auto-reply",
        "autoreply",
        "auto reply",
        "abwesenheit",
        "automatische antwort",
        "vacation",
        "urlaub",
        "away from",
        "autosvar",
        "réponse automatique",
    ];
    SUBJECTS.iter().any(|s| subject.contains(s))
        || headers_lower.contains("x-autoreply")
        || headers_lower.contains("x-autorespond")
        || headers_lower.contains("precedence: auto_reply")
        || headers_lower.contains("auto-submitted: auto-replied")
}

/// Whether the failure is final. The DSN's `Action`, then what the text says, then the
/// code's class.
pub(super) fn permanent(
    action: Option<&str>,
    text_lower: &str,
    status: Option<Status>,
    reply: Option<u16>,
) -> bool {
    match action.map(|a| a.trim().to_ascii_lowercase()) {
        Some(a) if a.starts_with("failed") => return true,
        Some(a) if a.starts_with("delayed") => return false,
        _ => {}
    }
    const FINAL: &[&str] = &[
        "permanent error",
        "permanent fatal",
        "failed permanently",
        "permanent failure",
        "i've given up",
        "this is a permanent",
        "will not try to redeliver",
        "not going to try again",
    ];
    const TEMPORARY: &[&str] = &[
        "will retry",
        "will keep trying",
        "will try again",
        "still trying",
        "has not yet been delivered",
        "have not yet been delivered",
        "delivery has been delayed",
        "message delayed",
        "is delayed",
        "temporary failure",
        "temporarily deferred",
        "this is a temporary",
        "warning: message",
        "(delay)",
    ];
    if FINAL.iter().any(|p| text_lower.contains(p)) {
        return true;
    }
    if TEMPORARY.iter().any(|p| text_lower.contains(p)) {
        return false;
    }
    match (status.map(|s| s.class), reply.map(|r| r / 100)) {
        (Some(4), _) => false,
        (Some(5), _) => true,
        (_, Some(4)) => false,
        _ => true,
    }
}
