//! The password guard: before a ticket text leaves cowdesk it is scanned for secrets —
//! secrets the caller knows (a stored or just-typed mailbox password, an API key, an
//! authcode of the account's domains), `password:` / `Passwort:` / `pw=` style lines, and
//! long random-looking tokens. A finding names its kind, shows a masked excerpt and its
//! place; `replace_finding` puts a secret link there instead.

use cowdesk_model::{GuardFinding, GuardFindingKind};

use crate::error::CoreError;

/// A secret the caller knows, with what to call it in the finding.
#[derive(Clone)]
pub struct KnownSecret {
    pub value: String,
    /// E.g. "mailbox password of info@example.de" — never the value.
    pub label: String,
    /// `KnownSecret` or `Authcode`.
    pub kind: GuardFindingKind,
}

impl std::fmt::Debug for KnownSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KnownSecret")
            .field("label", &self.label)
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

/// Labels that introduce a password, lowercase.
const PASSWORD_LABELS: &[&str] = &[
    "password",
    "passwort",
    "kennwort",
    "passphrase",
    "passcode",
    "pass",
    "pwd",
    "pw",
    "api-key",
    "api key",
    "apikey",
    "api_key",
    "token",
    "secret",
    "authcode",
    "auth-code",
    "auth code",
    "epp-code",
    "epp code",
];

/// Tokens shorter than this are never called random.
const MIN_TOKEN: usize = 20;
/// Known secrets shorter than this are not searched (they would match ordinary words).
const MIN_KNOWN: usize = 4;

/// A masked excerpt: the first and last two characters of a long value, dots between.
pub fn mask(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() < 8 {
        return "•".repeat(chars.len().max(3));
    }
    let head: String = chars[..2].iter().collect();
    let tail: String = chars[chars.len() - 2..].iter().collect();
    format!("{head}{}{tail}", "•".repeat((chars.len() - 4).min(12)))
}

fn finding(
    kind: GuardFindingKind,
    text: &str,
    start: usize,
    end: usize,
    label: Option<String>,
) -> GuardFinding {
    GuardFinding {
        kind,
        masked: mask(&text[start..end]),
        start: start as u32,
        end: end as u32,
        label,
    }
}

/// A link to a secret is what the guard asks for, never a finding.
fn is_secret_link(token: &str) -> bool {
    token.contains("/#/s/") || token.contains("/#/c/") || token.contains("/#/f/")
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// `label: value` / `label=value` on one line: the value's span.
fn password_values(text: &str) -> Vec<(usize, usize)> {
    // ASCII lowercase keeps every byte offset of `text`.
    let lower = text.to_ascii_lowercase();
    let mut spans = Vec::new();
    for label in PASSWORD_LABELS {
        let mut from = 0;
        while let Some(at) = lower[from..].find(label) {
            let start = from + at;
            let end = start + label.len();
            from = end;
            let before_ok = text[..start]
                .chars()
                .next_back()
                .is_none_or(|c| !is_word_char(c));
            if !before_ok {
                continue;
            }
            let rest = &text[end..];
            let spaced = rest.trim_start_matches([' ', '\t']);
            let Some(after_sep) = spaced.strip_prefix([':', '=']) else {
                continue;
            };
            let value_start_rel = after_sep.len() - after_sep.trim_start_matches([' ', '\t']).len();
            let value_text = &after_sep[value_start_rel..];
            let value_len = value_text
                .find(|c: char| c.is_whitespace())
                .unwrap_or(value_text.len());
            let value = &value_text[..value_len];
            let value = value.trim_end_matches([',', ';', '.']);
            if value.is_empty() || is_secret_link(value) || value.starts_with("http") {
                continue;
            }
            let value_start = text.len() - value_text.len();
            spans.push((value_start, value_start + value.len()));
        }
    }
    spans
}

/// Bits of Shannon entropy per character.
fn entropy(token: &str) -> f64 {
    let mut counts = std::collections::HashMap::new();
    let mut n = 0f64;
    for c in token.chars() {
        *counts.entry(c).or_insert(0u32) += 1;
        n += 1.0;
    }
    counts
        .values()
        .map(|&k| {
            let p = f64::from(k) / n;
            -p * p.log2()
        })
        .sum()
}

fn looks_random(token: &str) -> bool {
    let len = token.chars().count();
    if !(MIN_TOKEN..=512).contains(&len) {
        return false;
    }
    if token.contains("://") || super::bounce_scan::is_address(token) || is_secret_link(token) {
        return false;
    }
    // Host names and dotted numbers are not secrets.
    if token.contains('.')
        && token
            .split('.')
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
    {
        return false;
    }
    // Masked values (IBAN masks, card numbers) are already safe.
    if token.contains('*') || token.contains('•') || token.contains('x') && token.contains("xxxx")
    {
        return false;
    }
    let lower = token.chars().any(|c| c.is_ascii_lowercase());
    let upper = token.chars().any(|c| c.is_ascii_uppercase());
    let digit = token.chars().any(|c| c.is_ascii_digit());
    let symbol = token.chars().any(|c| !c.is_alphanumeric());
    let classes = [lower, upper, digit, symbol].iter().filter(|b| **b).count();
    let bits = entropy(token);
    let hex = token
        .chars()
        .filter(|c| *c != '-')
        .all(|c| c.is_ascii_hexdigit());
    if hex {
        // API keys and tokens in hex: long, and digits mixed with letters.
        return len >= 30 && digit && (lower || upper) && bits >= 3.0;
    }
    // Generated secrets mix digits in; words, header names and hyphenated compounds do not.
    digit && ((classes >= 3 && bits >= 3.5) || (len >= 32 && classes >= 2 && bits >= 4.0))
}

/// Whitespace-separated tokens with their spans, surrounding punctuation trimmed.
fn tokens(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        let separator =
            c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | '(' | ')' | ',' | ';');
        match (separator, start) {
            (true, Some(s)) => {
                let raw = &text[s..i];
                let trimmed = raw.trim_end_matches(['.', ':', '!', '?']);
                out.push((s, s + trimmed.len()));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    out
}

fn overlaps(a: (usize, usize), b: (usize, usize)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

/// Every secret in `text`, in order. Empty when the text may leave.
pub fn guard_text(text: &str, known: &[KnownSecret]) -> Vec<GuardFinding> {
    guard_with(text, known, true)
}

/// Like `guard_text`, but without the random-token check: for machine text that is full
/// of public random-looking tokens (a bounce, mail headers: boundaries, message ids,
/// signatures). Known secrets and password lines are still found there.
pub fn guard_machine_text(text: &str, known: &[KnownSecret]) -> Vec<GuardFinding> {
    guard_with(text, known, false)
}

fn guard_with(text: &str, known: &[KnownSecret], random_tokens: bool) -> Vec<GuardFinding> {
    let mut found: Vec<(usize, usize, GuardFindingKind, Option<String>)> = Vec::new();
    let mut add = |start: usize, end: usize, kind: GuardFindingKind, label: Option<String>| {
        if start < end && !found.iter().any(|f| overlaps((f.0, f.1), (start, end))) {
            found.push((start, end, kind, label));
        }
    };
    for secret in known {
        let value = secret.value.trim();
        if value.chars().count() < MIN_KNOWN {
            continue;
        }
        let mut from = 0;
        while let Some(at) = text[from..].find(value) {
            let start = from + at;
            add(
                start,
                start + value.len(),
                secret.kind,
                Some(secret.label.clone()),
            );
            from = start + value.len();
        }
    }
    for (start, end) in password_values(text) {
        add(start, end, GuardFindingKind::PasswordLine, None);
    }
    for (start, end) in tokens(text).into_iter().filter(|_| random_tokens) {
        if looks_random(&text[start..end]) {
            add(start, end, GuardFindingKind::HighEntropyToken, None);
        }
    }
    found.sort_by_key(|f| f.0);
    found
        .into_iter()
        .map(|(start, end, kind, label)| finding(kind, text, start, end, label))
        .collect()
}

/// The secret a finding covers (what goes into the secret link).
pub fn finding_text<'a>(text: &'a str, finding: &GuardFinding) -> Result<&'a str, CoreError> {
    let (start, end) = (finding.start as usize, finding.end as usize);
    if start >= end
        || end > text.len()
        || !text.is_char_boundary(start)
        || !text.is_char_boundary(end)
    {
        return Err(CoreError::field(
            "text",
            "The text changed since it was checked. Check it again.",
            "Der Text hat sich seit der Prüfung geändert. Prüfen Sie ihn erneut.",
        ));
    }
    Ok(&text[start..end])
}

/// Replaces what `finding` covers with `link` (a secret link made of it).
pub fn replace_finding(
    text: &str,
    finding: &GuardFinding,
    link: &str,
) -> Result<String, CoreError> {
    finding_text(text, finding)?;
    let (start, end) = (finding.start as usize, finding.end as usize);
    Ok(format!("{}{link}{}", &text[..start], &text[end..]))
}

/// The error that stops a hand-off while the guard has findings.
pub fn blocked(findings: &[GuardFinding]) -> CoreError {
    let list = findings
        .iter()
        .map(|f| {
            let (en, _) = kind_names(f.kind);
            format!("{en} ({})", f.masked)
        })
        .collect::<Vec<_>>()
        .join(", ");
    let list_de = findings
        .iter()
        .map(|f| {
            let (_, de) = kind_names(f.kind);
            format!("{de} ({})", f.masked)
        })
        .collect::<Vec<_>>()
        .join(", ");
    CoreError::field(
        "body",
        &format!("The ticket contains secrets: {list}. Never send passwords in a ticket: turn each into a secret link first."),
        &format!("Das Ticket enthält Geheimnisse: {list_de}. Senden Sie nie Passwörter in einem Ticket: Machen Sie aus jedem zuerst einen Secret-Link."),
    )
}

pub fn kind_names(kind: GuardFindingKind) -> (&'static str, &'static str) {
    match kind {
        GuardFindingKind::KnownSecret => (
            "a stored password or key",
            "ein gespeichertes Passwort oder ein Schlüssel",
        ),
        GuardFindingKind::Authcode => ("a domain authcode", "ein Authcode einer Domain"),
        GuardFindingKind::PasswordLine => ("a password line", "eine Passwortzeile"),
        GuardFindingKind::HighEntropyToken => {
            ("a random-looking token", "ein zufällig wirkendes Token")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn support_guard_masks_and_finds_password_lines() {
        assert_eq!(mask("Sommer2026!"), "So•••••••6!");
        let text = "Hallo,\nPasswort: Sommer2026!\npw=abc123 and more";
        let found = guard_text(text, &[]);
        assert_eq!(found.len(), 2);
        assert_eq!(
            &text[found[0].start as usize..found[0].end as usize],
            "Sommer2026!"
        );
        assert_eq!(found[1].kind, GuardFindingKind::PasswordLine);
    }

    #[test]
    fn support_guard_leaves_ordinary_text_alone() {
        let text = "Kundennummer / Customer number: 100001\nRechnungsnummer: RE-2026-000023\nIBAN DE89 **** **** **** **30 00\nDatenschutzgrundverordnung\nLink: https://secrets.servercow.de/#/s/0b5c1a2e-3f4d-4e5f-8a9b-0c1d2e3f4a5b/AbCdEfGhIjKlMnOpQrStUv\nmail.example-company.de 2026-12-03T10:00:00";
        assert_eq!(guard_text(text, &[]), vec![]);
    }

    #[test]
    fn support_guard_replaces_in_place() {
        let text = "Key: q8Zr!v2Lm#9Tx4Kp@7Wn1Yb";
        let found = guard_text(text, &[]);
        assert_eq!(found.len(), 1);
        let replaced = replace_finding(text, &found[0], "https://s.example/#/s/id/key").unwrap();
        assert_eq!(replaced, "Key: https://s.example/#/s/id/key");
        assert!(guard_text(&replaced, &[]).is_empty());
    }
}
