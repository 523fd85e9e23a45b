//! Reads what a plain-text bounce says: enhanced status codes, SMTP reply codes, the failed
//! recipient, the reporting and remote MTA, and the refusing server's words. Hand-written
//! linear scans, so that no input can make them slow.

/// An enhanced status code (RFC 3463): class.subject.detail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Status {
    pub class: u8,
    pub subject: u16,
    pub detail: u16,
}

impl Status {
    pub fn text(self) -> String {
        format!("{}.{}.{}", self.class, self.subject, self.detail)
    }

    /// `x.0.0`: says nothing beyond the class.
    pub fn is_generic(self) -> bool {
        self.subject == 0 && self.detail == 0
    }
}

fn is_boundary(c: Option<char>) -> bool {
    c.is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '/'))
}

/// Reads `digits` starting at `at`: (value, bytes used), at most `max` digits.
fn number(bytes: &[u8], at: usize, max: usize) -> Option<(u16, usize)> {
    let mut value: u16 = 0;
    let mut used = 0;
    while at + used < bytes.len() && used < max && bytes[at + used].is_ascii_digit() {
        value = value * 10 + u16::from(bytes[at + used] - b'0');
        used += 1;
    }
    (used > 0).then_some((value, used))
}

/// Every enhanced status code in `text`, in order.
pub(super) fn statuses(text: &str) -> Vec<Status> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i + 4 < bytes.len() {
        let c = bytes[i];
        // An ASCII digit always starts a character, so `i` is a char boundary here.
        if matches!(c, b'2' | b'4' | b'5')
            && bytes[i + 1] == b'.'
            && is_boundary(text[..i].chars().next_back())
        {
            if let Some((subject, s_len)) = number(bytes, i + 2, 3) {
                let dot = i + 2 + s_len;
                if dot < bytes.len() && bytes[dot] == b'.' {
                    if let Some((detail, d_len)) = number(bytes, dot + 1, 3) {
                        let end = dot + 1 + d_len;
                        let after = text[end..].chars().next();
                        // "5.1.1." ends a sentence; "5.1.1.2" is not a code.
                        let after_ok = is_boundary(after)
                            || (after == Some('.')
                                && !text[end + 1..]
                                    .chars()
                                    .next()
                                    .is_some_and(|c| c.is_ascii_digit()));
                        if after_ok {
                            found.push(Status {
                                class: c - b'0',
                                subject,
                                detail,
                            });
                            i = end;
                            continue;
                        }
                    }
                }
            }
        }
        i += 1;
    }
    found
}

/// The most telling code: the last one that is more than `x.0.0`, else the first.
pub(super) fn best_status(text: &str) -> Option<Status> {
    let all = statuses(text);
    all.iter()
        .rev()
        .find(|s| !s.is_generic() && s.detail != 0)
        .or_else(|| all.iter().find(|s| !s.is_generic()))
        .or_else(|| all.first())
        .copied()
}

/// The first SMTP reply code (2xx/4xx/5xx) standing alone in `text`.
pub(super) fn reply_code(text: &str) -> Option<u16> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i + 2 < bytes.len() {
        let c = bytes[i];
        if matches!(c, b'2' | b'4' | b'5')
            && bytes[i + 1].is_ascii_digit()
            && bytes[i + 2].is_ascii_digit()
        {
            let before = text[..i].chars().next_back();
            let after = text[i + 3..].chars().next();
            let before_ok = before.is_none_or(|b| {
                b.is_whitespace() || matches!(b, ':' | ';' | '(' | '\'' | '"' | '<' | '#' | '[')
            });
            let after_ok = after.is_none_or(|a| a.is_whitespace() || matches!(a, '-' | ',' | ')'));
            if before_ok && after_ok {
                let value = u16::from(c - b'0') * 100
                    + u16::from(bytes[i + 1] - b'0') * 10
                    + u16::from(bytes[i + 2] - b'0');
                return Some(value);
            }
        }
        i += 1;
    }
    None
}

/// Is `word` a plausible e-mail address?
pub(super) fn is_address(word: &str) -> bool {
    let Some((local, domain)) = word.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && local.len() <= 64
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && domain.len() <= 253
        && domain
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
        && local
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-/=?^_`{|}~.".contains(&b))
}

/// The addresses in `text`, in order, lowercase-domain kept as written.
pub(super) fn addresses(text: &str) -> Vec<String> {
    text.split(|c: char| {
        c.is_whitespace() || matches!(c, '<' | '>' | '(' | ')' | '"' | ',' | ';' | '[' | ']')
    })
    .map(|w| w.trim_matches(|c: char| matches!(c, ':' | '.' | '\'' | '`')))
    .map(|w| w.strip_prefix("mailto:").unwrap_or(w))
    .filter(|w| is_address(w))
    .map(str::to_owned)
    .collect()
}

/// Strips `rfc822;` / `dns;` / `smtp;` type prefixes from a DSN value.
pub(super) fn dsn_value(value: &str) -> String {
    let value = value.trim();
    match value.split_once(';') {
        Some((kind, rest)) if kind.len() <= 12 && !kind.contains(' ') => rest.trim().to_owned(),
        _ => value.to_owned(),
    }
}

/// The address in a `Final-Recipient` style value.
pub(super) fn dsn_address(value: &str) -> Option<String> {
    let value = dsn_value(value);
    addresses(&value).into_iter().next().or_else(|| {
        let v = value.trim_matches(['<', '>', ' ']);
        (!v.is_empty()).then(|| v.to_owned())
    })
}

/// A host name as a bounce writes it: letters, digits, dots and dashes.
fn host_at(text: &str) -> Option<String> {
    let host: String = text
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'))
        .collect();
    let host = host.trim_end_matches(['.', ':']).to_owned();
    (host.len() >= 3 && host.contains('.')).then_some(host)
}

/// The host after the first of `markers` in `text`.
fn host_after(text: &str, markers: &[&str]) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    markers.iter().find_map(|marker| {
        let at = lower.find(marker)? + marker.len();
        host_at(&text[at..])
    })
}

/// The server that wrote the bounce, as its text names it.
pub(super) fn reporting_mta(text: &str) -> Option<String> {
    host_after(
        text,
        &[
            "this is the mail system at host ",
            "this is the postfix program at host ",
            "this is the qmail-send program at ",
            "delivery status notification from ",
            "generating server: ",
            "reporting-mta: dns;",
        ],
    )
}

/// The server that refused, as the text names it.
pub(super) fn remote_mta(text: &str) -> Option<String> {
    host_after(
        text,
        &[
            "while talking to ",
            "remote host ",
            "remote server ",
            " said: ",
            "remote-mta: dns;",
            "remote mta ",
        ],
    )
    .filter(|h| !h.chars().all(|c| c.is_ascii_digit() || c == '.') || h.split('.').count() == 4)
    .or_else(|| {
        // "host mx.example.jp [192.0.2.1]" (Exim), "host mx.example.jp[192.0.2.1] said" (Postfix).
        let lower = text.to_ascii_lowercase();
        let mut from = 0;
        while let Some(at) = lower[from..].find("host ") {
            let start = from + at + 5;
            if let Some(host) = host_at(&text[start..]) {
                let rest = text[start..].trim_start()[host.len()..].trim_start();
                if rest.starts_with('[') {
                    return Some(host);
                }
            }
            from = start;
        }
        None
    })
    .or_else(|| {
        // qmail: "192.0.2.135 does not like recipient."
        text.lines().find_map(|line| {
            line.trim()
                .strip_suffix(" does not like recipient.")
                .map(|h| h.trim().to_owned())
        })
    })
}

/// The lines that explain the failure: those around the first reply or status code.
pub(super) fn diagnostic(text: &str, recipient: Option<&str>) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let start = recipient
        .and_then(|r| {
            let r = r.to_ascii_lowercase();
            lines.iter().position(|l| {
                let l = l.to_ascii_lowercase();
                l.contains(&r) && (reply_code(&l).is_some() || best_status(&l).is_some())
            })
        })
        .or_else(|| {
            lines.iter().position(|l| {
                let code = reply_code(l);
                code.is_some_and(|c| c >= 400) || statuses(l).iter().any(|s| s.class >= 4)
            })
        })?;
    let mut picked: Vec<String> = Vec::new();
    for (n, line) in lines[start..].iter().enumerate() {
        let trimmed = line.trim();
        if trimmed.is_empty() || picked.len() >= 4 {
            break;
        }
        // The next recipient's block starts with its address.
        let first_word = trimmed
            .trim_start_matches('<')
            .split(['>', ':', ' '])
            .next()
            .unwrap_or("");
        if n > 0
            && is_address(first_word)
            && recipient.is_none_or(|r| !first_word.eq_ignore_ascii_case(r))
        {
            break;
        }
        picked.push(
            trimmed
                .trim_start_matches(['<', '>', ' '])
                .trim()
                .to_owned(),
        );
    }
    let joined = picked.join(" ");
    let joined = joined.trim();
    (!joined.is_empty()).then(|| limit(joined, 600))
}

pub(super) fn limit(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn support_status_codes_are_found_but_not_in_ip_addresses() {
        let found = statuses("host 192.0.2.135 said 550 5.1.1 user unknown (#5.5.0). Exim 4.72");
        let texts: Vec<_> = found.iter().map(|s| s.text()).collect();
        assert_eq!(texts, vec!["5.1.1", "5.5.0"]);
        assert_eq!(
            best_status("5.1.0 - Unknown address error 550-'5.2.2 <a@b.example>... Mailbox Full'")
                .map(|s| s.text()),
            Some("5.2.2".into())
        );
        assert!(statuses("version 5.1.1.2 and 2010.06.29").is_empty());
    }

    #[test]
    fn support_reply_codes_stand_alone() {
        assert_eq!(
            reply_code("Remote host said: 450 4.2.2 Mailbox Full"),
            Some(450)
        );
        assert_eq!(reply_code("smtp;550 5.2.2 full"), Some(550));
        assert_eq!(reply_code("SIZE=16600348 port 25 1999"), None);
        assert_eq!(reply_code("at 192.0.2.222 said"), None);
    }

    #[test]
    fn support_mta_names_are_read_from_text() {
        assert_eq!(
            remote_mta("host mx.example.jp [192.0.2.153]: 550 5.1.1"),
            Some("mx.example.jp".into())
        );
        assert_eq!(
            remote_mta("... while talking to mx.bouncehammer.jp.:"),
            Some("mx.bouncehammer.jp".into())
        );
        assert_eq!(
            reporting_mta("This is the mail system at host mx.example.org."),
            Some("mx.example.org".into())
        );
    }
}
