//! Takes a bounce apart with mail-parser: the `message/delivery-status` part (whose blocks
//! are header syntax), the human-readable text, and the returned original's headers.

use mail_parser::{MessageParser, MimeHeaders, PartType};

/// At most this much text is looked at: a bounce's explanation is at the top, and the
/// scanners stay linear in it.
const MAX_TEXT: usize = 256 * 1024;

/// One `Name: value` field of a header block, unfolded.
pub(super) type Field = (String, String);

/// The per-message and per-recipient blocks of a delivery-status part.
#[derive(Debug, Default)]
pub(super) struct Dsn {
    pub message: Vec<Field>,
    pub recipients: Vec<Vec<Field>>,
}

/// What the explainer needs from the message.
#[derive(Debug, Default)]
pub(super) struct Parts {
    /// The bounce's own headers.
    pub headers: Vec<Field>,
    pub dsn: Option<Dsn>,
    /// The human-readable report, without the returned original.
    pub text: String,
    /// The returned original message's header block.
    pub original_headers: Option<String>,
}

/// Where a bounce's text ends and the copy of the original message begins.
const ORIGINAL_MARKERS: &[&str] = &[
    "------ This is a copy of the message",
    "--- Below this line is a copy of the message",
    "----- Original message -----",
    "Below is a copy of the original message",
    "Original message headers:",
    "----- The header of the original message is following",
    "------ This is a copy of your message",
    "--- The header of the original message is following",
    "Original-Message-Headers",
    "Original message follows.",
    "------- Returned Message --------",
];

pub(super) fn field<'a>(fields: &'a [Field], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
}

/// Parses a header block (`Name: value` lines with folded continuations) leniently:
/// a line that is neither a field nor a continuation is skipped.
pub(super) fn header_block(text: &str) -> Vec<Field> {
    let mut fields: Vec<Field> = Vec::new();
    for line in text.lines() {
        if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = fields.last_mut() {
                let more = line.trim();
                if !more.is_empty() {
                    if !value.is_empty() {
                        value.push(' ');
                    }
                    value.push_str(more);
                }
            }
            continue;
        }
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let name = name.trim();
        if name.is_empty()
            || name.len() > 76
            || !name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            continue;
        }
        fields.push((name.to_owned(), value.trim().to_owned()));
    }
    fields
}

/// Splits a delivery-status body into its blocks (separated by empty lines) and reads each
/// block as headers with mail-parser, as RFC 3464 defines them.
fn delivery_status(body: &[u8]) -> Dsn {
    let text = String::from_utf8_lossy(body).replace("\r\n", "\n");
    let mut blocks: Vec<Vec<Field>> = Vec::new();
    for block in text.split("\n\n") {
        let block = block.trim_matches('\n');
        if block.trim().is_empty() {
            continue;
        }
        let mut fields = parsed_block(block);
        if fields.is_empty() {
            fields = header_block(block);
        }
        if !fields.is_empty() {
            blocks.push(fields);
        }
    }
    let mut dsn = Dsn::default();
    for block in blocks {
        let per_recipient = field(&block, "Final-Recipient").is_some()
            || field(&block, "Original-Recipient").is_some()
            || field(&block, "Action").is_some()
            || field(&block, "Status").is_some();
        if per_recipient {
            dsn.recipients.push(block);
        } else if dsn.message.is_empty() {
            dsn.message = block;
        } else {
            dsn.message.extend(block);
        }
    }
    dsn
}

/// Runs mail-parser, turning a panic into `None`. mail-parser 0.11 has a
/// `debug_assert!` that malformed multiparts reach (found by the fuzz target): release
/// builds recover from it, debug builds would panic. The explainer must not panic in any
/// build, so a panic there means "not parsed" and the raw text is read instead.
fn guarded<T>(parse: impl FnOnce() -> Option<T>) -> Option<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(parse))
        .ok()
        .flatten()
}

/// One DSN block through mail-parser's header parser; values unfolded.
fn parsed_block(block: &str) -> Vec<Field> {
    let mut source = block.to_owned();
    source.push_str("\n\n");
    guarded(|| {
        let message = MessageParser::new().parse_headers(source.as_bytes())?;
        Some(
            message
                .headers_raw()
                .map(|(name, value)| (name.to_owned(), unfold(value)))
                .collect(),
        )
    })
    .unwrap_or_default()
}

/// What is left when mail-parser cannot take the message apart: the header block read
/// line by line, and the rest as text.
fn unparsed(source: &str) -> Option<Parts> {
    let (head, body) = source.split_once("\n\n").unwrap_or((source, ""));
    let headers = header_block(head);
    if headers.is_empty() {
        return None;
    }
    let (text, original_headers) = split_original(&capped(body.to_owned()));
    Some(Parts {
        headers,
        dsn: None,
        text,
        original_headers,
    })
}

fn unfold(value: &str) -> String {
    value.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Drops HTML tags and decodes the few entities a bounce uses.
fn strip_html(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

/// Cuts the text at the first marker of a returned original; the rest (if it has headers)
/// is the original's header block.
fn split_original(text: &str) -> (String, Option<String>) {
    let cut = ORIGINAL_MARKERS
        .iter()
        .filter_map(|marker| text.find(marker))
        .min();
    match cut {
        Some(at) => {
            let rest = &text[at..];
            let after_marker = rest.split_once('\n').map(|(_, r)| r).unwrap_or("");
            let headers = after_marker.trim_start_matches(['\n', ' ']);
            let block = headers.split("\n\n").next().unwrap_or("").to_owned();
            let original = (!header_block(&block).is_empty()).then_some(block);
            (text[..at].to_owned(), original)
        }
        None => (text.to_owned(), None),
    }
}

fn capped(mut text: String) -> String {
    if text.len() > MAX_TEXT {
        let mut end = MAX_TEXT;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
    text
}

/// The raw header block of a nested message.
fn raw_headers(raw: &[u8]) -> String {
    let text = String::from_utf8_lossy(raw).replace("\r\n", "\n");
    let text = text.trim_start_matches('\n');
    text.split("\n\n").next().unwrap_or("").to_owned()
}

/// Whether the input starts like a mail message: a header field (or an mbox `From ` line
/// followed by one) before anything else.
fn looks_like_message(input: &str) -> bool {
    let mut lines = input.lines().skip_while(|l| l.trim().is_empty());
    let Some(mut first) = lines.next() else {
        return false;
    };
    if first.starts_with("From ") {
        match lines.next() {
            Some(next) => first = next,
            None => return false,
        }
    }
    !header_block(first).is_empty()
}

/// Parses the message; `None` when the input is not a mail message.
pub(super) fn take_apart(input: &[u8]) -> Option<Parts> {
    // CRLF (DOS) and lone CR (old Mac) line ends become LF.
    let text = String::from_utf8_lossy(input)
        .replace("\r\n", "\n")
        .replace('\r', "\n");
    if !looks_like_message(&text) {
        return None;
    }
    // An mbox separator line is not a header.
    let source = match text.trim_start_matches('\n').strip_prefix("From ") {
        Some(rest) => rest
            .split_once('\n')
            .map(|(_, r)| r)
            .unwrap_or("")
            .to_owned(),
        None => text.trim_start_matches('\n').to_owned(),
    };
    let Some(message) = guarded(|| MessageParser::default().parse(source.as_bytes())) else {
        return unparsed(&source);
    };
    let headers: Vec<Field> = message
        .headers_raw()
        .map(|(name, value)| (name.to_owned(), unfold(value)))
        .collect();
    if headers.is_empty() {
        return None;
    }

    let mut parts = Parts {
        headers,
        ..Parts::default()
    };
    let mut plain = String::new();
    let mut html = String::new();
    for part in &message.parts {
        let (ctype, subtype) = part
            .content_type()
            .map(|ct| {
                (
                    ct.ctype().to_ascii_lowercase(),
                    ct.subtype().unwrap_or("").to_ascii_lowercase(),
                )
            })
            .unwrap_or_else(|| ("text".into(), "plain".into()));
        match (&part.body, ctype.as_str(), subtype.as_str()) {
            (PartType::Multipart(_), _, _) => {}
            (_, "message", "delivery-status" | "global-delivery-status") => {
                parts
                    .dsn
                    .get_or_insert_with(|| delivery_status(part.contents()));
            }
            (PartType::Message(original), _, _) => {
                parts
                    .original_headers
                    .get_or_insert_with(|| raw_headers(original.raw_message()));
            }
            (_, "message", "rfc822" | "global") | (_, "text", "rfc822-headers") => {
                parts
                    .original_headers
                    .get_or_insert_with(|| raw_headers(part.contents()));
            }
            (PartType::Html(body), _, _) => {
                html.push_str(&strip_html(body));
                html.push('\n');
            }
            (PartType::Text(body), _, _) => {
                plain.push_str(body);
                plain.push('\n');
            }
            _ => {}
        }
        if plain.len() > MAX_TEXT {
            break;
        }
    }
    let mut text = if plain.trim().is_empty() { html } else { plain };
    if text.trim().is_empty() && parts.dsn.is_none() {
        // A multipart body without its boundaries: read the raw body as text.
        text = source
            .split_once("\n\n")
            .map(|(_, body)| body.to_owned())
            .unwrap_or_default();
    }
    let (report, inline_original) = split_original(&capped(text.replace("\r\n", "\n")));
    parts.text = report;
    if parts.original_headers.is_none() {
        parts.original_headers = inline_original;
    }
    Some(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn support_header_blocks_unfold_and_skip_junk() {
        let fields = header_block("Final-Recipient: rfc822; a@b.example\nnot a field\nDiagnostic-Code: smtp; 550\n    more text\n");
        assert_eq!(fields.len(), 2);
        assert_eq!(
            field(&fields, "diagnostic-code"),
            Some("smtp; 550 more text")
        );
    }

    #[test]
    fn support_text_is_not_a_message() {
        assert!(take_apart(b"just some words\nand more").is_none());
        assert!(take_apart(b"").is_none());
        assert!(take_apart(b"\n\n").is_none());
        assert!(take_apart(b"Subject: hi\n\nbody").is_some());
    }
}
