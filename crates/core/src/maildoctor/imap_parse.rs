//! Reading IMAP responses (RFC 3501 and the extensions the doctor uses: QUOTA RFC 2087,
//! SPECIAL-USE RFC 6154, STATUS=SIZE RFC 8438). A response is first split into tokens
//! (atoms, strings, literals, lists), then read by the small functions below.

use std::collections::BTreeSet;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Token {
    Atom(String),
    /// A quoted string or a literal.
    Str(Vec<u8>),
    List(Vec<Token>),
    Nil,
}

impl Token {
    pub(crate) fn text(&self) -> Option<String> {
        match self {
            Token::Atom(a) => Some(a.clone()),
            Token::Str(s) => Some(String::from_utf8_lossy(s).into_owned()),
            Token::List(_) | Token::Nil => None,
        }
    }

    pub(crate) fn is_atom(&self, word: &str) -> bool {
        matches!(self, Token::Atom(a) if a.eq_ignore_ascii_case(word))
    }

    pub(crate) fn number(&self) -> Option<u64> {
        match self {
            Token::Atom(a) => a.parse().ok(),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StatusKind {
    Ok,
    No,
    Bad,
    Bye,
    Preauth,
}

/// One response from the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Response {
    /// `tag OK [code] text` or `* OK [code] text` (tag `None`).
    Status {
        tag: Option<String>,
        kind: StatusKind,
        code: Option<String>,
        text: String,
    },
    /// `+ text`: the server waits for more of the command.
    Continuation,
    /// `* ...`: untagged data, as tokens.
    Data(Vec<Token>),
}

/// Reads one whole response (a line with any literals spliced in, as `{n}\r\n<bytes>`).
pub(crate) fn parse_response(line: &[u8]) -> Result<Response, String> {
    if line.first() == Some(&b'+') {
        return Ok(Response::Continuation);
    }
    let (tag, rest) = split_word(line);
    if tag.is_empty() {
        return Err("an empty response".into());
    }
    let (word, after) = split_word(rest);
    let kind = match word.to_ascii_uppercase().as_slice() {
        b"OK" => Some(StatusKind::Ok),
        b"NO" => Some(StatusKind::No),
        b"BAD" => Some(StatusKind::Bad),
        b"BYE" => Some(StatusKind::Bye),
        b"PREAUTH" => Some(StatusKind::Preauth),
        _ => None,
    };
    let tag = (tag != b"*").then(|| String::from_utf8_lossy(tag).into_owned());
    match kind {
        Some(kind) => {
            let (code, text) = split_code(after);
            Ok(Response::Status {
                tag,
                kind,
                code,
                text,
            })
        }
        None if tag.is_none() => Ok(Response::Data(tokenize(rest)?)),
        None => Err(format!(
            "an unexpected response: {}",
            String::from_utf8_lossy(line)
        )),
    }
}

fn split_word(line: &[u8]) -> (&[u8], &[u8]) {
    match line.iter().position(|&b| b == b' ') {
        Some(i) => (&line[..i], &line[i + 1..]),
        None => (line, &[]),
    }
}

/// `[CODE args] text` -> (`CODE args`, `text`).
fn split_code(rest: &[u8]) -> (Option<String>, String) {
    if rest.first() == Some(&b'[') {
        if let Some(end) = rest.iter().position(|&b| b == b']') {
            let code = String::from_utf8_lossy(&rest[1..end]).into_owned();
            let text = String::from_utf8_lossy(&rest[end + 1..]).trim().to_owned();
            return (Some(code), text);
        }
    }
    (None, String::from_utf8_lossy(rest).trim().to_owned())
}

/// Splits untagged data into tokens; lists nest.
pub(crate) fn tokenize(input: &[u8]) -> Result<Vec<Token>, String> {
    let mut pos = 0;
    let tokens = read_tokens(input, &mut pos, false)?;
    Ok(tokens)
}

fn read_tokens(input: &[u8], pos: &mut usize, in_list: bool) -> Result<Vec<Token>, String> {
    let mut tokens = Vec::new();
    while *pos < input.len() {
        match input[*pos] {
            b' ' => *pos += 1,
            b'(' => {
                *pos += 1;
                tokens.push(Token::List(read_tokens(input, pos, true)?));
            }
            b')' => {
                if !in_list {
                    return Err("an unbalanced ')'".into());
                }
                *pos += 1;
                return Ok(tokens);
            }
            b'"' => tokens.push(Token::Str(read_quoted(input, pos)?)),
            b'{' => tokens.push(Token::Str(read_literal(input, pos)?)),
            _ => {
                let start = *pos;
                while *pos < input.len() && !matches!(input[*pos], b' ' | b'(' | b')' | b'"') {
                    // `BODY[HEADER.FIELDS (A B)]`-style sections keep their brackets'
                    // content in the atom.
                    if input[*pos] == b'[' {
                        while *pos < input.len() && input[*pos] != b']' {
                            *pos += 1;
                        }
                    }
                    *pos += 1;
                }
                let atom = String::from_utf8_lossy(&input[start..(*pos).min(input.len())]);
                tokens.push(if atom.eq_ignore_ascii_case("NIL") {
                    Token::Nil
                } else {
                    Token::Atom(atom.into_owned())
                });
            }
        }
    }
    if in_list {
        return Err("an unclosed '('".into());
    }
    Ok(tokens)
}

fn read_quoted(input: &[u8], pos: &mut usize) -> Result<Vec<u8>, String> {
    *pos += 1;
    let mut out = Vec::new();
    while *pos < input.len() {
        match input[*pos] {
            b'\\' if *pos + 1 < input.len() => {
                out.push(input[*pos + 1]);
                *pos += 2;
            }
            b'"' => {
                *pos += 1;
                return Ok(out);
            }
            b => {
                out.push(b);
                *pos += 1;
            }
        }
    }
    Err("an unclosed quoted string".into())
}

fn read_literal(input: &[u8], pos: &mut usize) -> Result<Vec<u8>, String> {
    let close = input[*pos..]
        .iter()
        .position(|&b| b == b'}')
        .ok_or("an unclosed literal")?;
    let digits = &input[*pos + 1..*pos + close];
    let digits = digits.strip_suffix(b"+").unwrap_or(digits);
    let n: usize = std::str::from_utf8(digits)
        .ok()
        .and_then(|d| d.parse().ok())
        .ok_or("a bad literal length")?;
    let start = *pos + close + 1;
    let start = if input[start..].starts_with(b"\r\n") {
        start + 2
    } else {
        return Err("a literal without CR LF".into());
    };
    let end = start.checked_add(n).filter(|&e| e <= input.len());
    let end = end.ok_or("a literal longer than the data")?;
    *pos = end;
    Ok(input[start..end].to_vec())
}

/// When a line ends in `{n}` or `{n+}`, a literal of n bytes follows it.
pub(crate) fn trailing_literal(line: &[u8]) -> Option<usize> {
    let inner = line.strip_suffix(b"}")?;
    let open = inner.iter().rposition(|&b| b == b'{')?;
    let digits = &inner[open + 1..];
    let digits = digits.strip_suffix(b"+").unwrap_or(digits);
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(digits).ok()?.parse().ok()
}

/// What the server can do, upper-cased (`IMAP4REV1`, `AUTH=PLAIN`, `STATUS=SIZE`, ...).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Capabilities(BTreeSet<String>);

impl Capabilities {
    pub(crate) fn from_words<'a>(words: impl IntoIterator<Item = &'a str>) -> Capabilities {
        Capabilities(
            words
                .into_iter()
                .filter(|w| !w.is_empty())
                .map(str::to_ascii_uppercase)
                .collect(),
        )
    }

    /// From `* CAPABILITY ...` data.
    pub(crate) fn from_data(tokens: &[Token]) -> Option<Capabilities> {
        let (first, rest) = tokens.split_first()?;
        if !first.is_atom("CAPABILITY") {
            return None;
        }
        let words: Vec<String> = rest.iter().filter_map(Token::text).collect();
        Some(Capabilities::from_words(words.iter().map(String::as_str)))
    }

    /// From a response code `CAPABILITY IMAP4rev1 ...` (greeting, login answer).
    pub(crate) fn from_code(code: &str) -> Option<Capabilities> {
        let mut words = code.split_ascii_whitespace();
        if !words.next()?.eq_ignore_ascii_case("CAPABILITY") {
            return None;
        }
        Some(Capabilities::from_words(words))
    }

    pub(crate) fn has(&self, name: &str) -> bool {
        self.0.contains(&name.to_ascii_uppercase())
    }

    /// A password can be sent: SASL PLAIN, or the LOGIN command while it is not disabled.
    pub(crate) fn password_auth(&self) -> bool {
        self.has("AUTH=PLAIN") || !self.has("LOGINDISABLED")
    }
}

/// One `* LIST (flags) "delimiter" name` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ListEntry {
    pub flags: Vec<String>,
    pub delimiter: Option<String>,
    /// As the server sends it (modified UTF-7), for use in commands.
    pub raw_name: String,
}

impl ListEntry {
    pub(crate) fn has_flag(&self, flag: &str) -> bool {
        self.flags.iter().any(|f| f.eq_ignore_ascii_case(flag))
    }
}

pub(crate) fn parse_list(tokens: &[Token]) -> Option<ListEntry> {
    match tokens {
        [word, Token::List(flags), delimiter, name, ..] if word.is_atom("LIST") => {
            Some(ListEntry {
                flags: flags.iter().filter_map(Token::text).collect(),
                delimiter: delimiter.text(),
                raw_name: name.text()?,
            })
        }
        _ => None,
    }
}

/// One `* STATUS name (MESSAGES n SIZE n ...)` entry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct StatusEntry {
    pub raw_name: String,
    pub messages: Option<u32>,
    pub size: Option<u64>,
    pub uid_next: Option<u32>,
    pub uid_validity: Option<u32>,
}

pub(crate) fn parse_status(tokens: &[Token]) -> Option<StatusEntry> {
    let [word, name, Token::List(items), ..] = tokens else {
        return None;
    };
    if !word.is_atom("STATUS") {
        return None;
    }
    let mut entry = StatusEntry {
        raw_name: name.text()?,
        ..StatusEntry::default()
    };
    for pair in items.chunks(2) {
        let [key, value] = pair else { break };
        let value = value.number();
        let small = value.and_then(|v| u32::try_from(v).ok());
        match key.text()?.to_ascii_uppercase().as_str() {
            "MESSAGES" => entry.messages = small,
            "SIZE" => entry.size = value,
            "UIDNEXT" => entry.uid_next = small,
            "UIDVALIDITY" => entry.uid_validity = small,
            _ => {}
        }
    }
    Some(entry)
}

/// One `* QUOTA root (STORAGE used limit ...)` entry; STORAGE in KiB as the server
/// counts it, turned into bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct QuotaEntry {
    pub root: String,
    /// (used, limit) in bytes.
    pub storage: Option<(u64, u64)>,
}

pub(crate) fn parse_quota(tokens: &[Token]) -> Option<QuotaEntry> {
    let [word, root, Token::List(items), ..] = tokens else {
        return None;
    };
    if !word.is_atom("QUOTA") {
        return None;
    }
    let mut storage = None;
    for triple in items.chunks(3) {
        let [name, used, limit] = triple else { break };
        if name.is_atom("STORAGE") {
            let used = used.number()?.saturating_mul(1024);
            let limit = limit.number()?.saturating_mul(1024);
            storage = Some((used, limit));
        }
    }
    Some(QuotaEntry {
        root: root.text().unwrap_or_default(),
        storage,
    })
}

/// `* SEARCH 3 7 9` -> the numbers.
pub(crate) fn parse_search(tokens: &[Token]) -> Option<Vec<u32>> {
    let (first, rest) = tokens.split_first()?;
    if !first.is_atom("SEARCH") {
        return None;
    }
    Some(
        rest.iter()
            .filter_map(Token::number)
            .filter_map(|n| u32::try_from(n).ok())
            .collect(),
    )
}

/// `* 4 EXISTS` -> 4.
pub(crate) fn parse_exists(tokens: &[Token]) -> Option<u32> {
    match tokens {
        [n, word, ..] if word.is_atom("EXISTS") => n.number()?.try_into().ok(),
        _ => None,
    }
}

/// `* 1 FETCH (RFC822.SIZE 2048 ...)` -> 2048.
pub(crate) fn parse_fetch_size(tokens: &[Token]) -> Option<u64> {
    let [_, word, Token::List(items), ..] = tokens else {
        return None;
    };
    if !word.is_atom("FETCH") {
        return None;
    }
    items
        .chunks(2)
        .find(|pair| pair[0].is_atom("RFC822.SIZE"))
        .and_then(|pair| pair.get(1))
        .and_then(Token::number)
}

/// `UIDVALIDITY 3857529045` or `UIDNEXT 4392` in a response code.
pub(crate) fn code_number(code: &str, name: &str) -> Option<u32> {
    let mut words = code.split_ascii_whitespace();
    if !words.next()?.eq_ignore_ascii_case(name) {
        return None;
    }
    words.next()?.parse().ok()
}

/// A string argument of a command: quoted where that is safe, else `None` (the caller
/// sends a literal).
pub(crate) fn quoted(value: &[u8]) -> Option<String> {
    if value
        .iter()
        .any(|&b| b == b'\r' || b == b'\n' || b == 0 || b >= 0x80)
    {
        return None;
    }
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for &b in value {
        if b == b'"' || b == b'\\' {
            out.push('\\');
        }
        out.push(char::from(b));
    }
    out.push('"');
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(line: &str) -> Vec<Token> {
        match parse_response(line.as_bytes()).unwrap() {
            Response::Data(tokens) => tokens,
            other => panic!("not data: {other:?}"),
        }
    }

    #[test]
    fn capabilities_from_greeting_code_and_data() {
        let greeting = parse_response(
            b"* OK [CAPABILITY IMAP4rev1 SASL-IR LITERAL+ AUTH=PLAIN AUTH=LOGIN] Dovecot ready.",
        )
        .unwrap();
        let Response::Status {
            tag: None,
            kind: StatusKind::Ok,
            code: Some(code),
            text,
        } = greeting
        else {
            panic!("not a greeting")
        };
        assert_eq!(text, "Dovecot ready.");
        let caps = Capabilities::from_code(&code).unwrap();
        assert!(caps.has("auth=plain") && caps.has("SASL-IR") && caps.password_auth());
        assert!(!caps.has("STARTTLS"));

        let caps = Capabilities::from_data(&data(
            "* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED AUTH=CRAM-MD5",
        ))
        .unwrap();
        assert!(caps.has("STARTTLS"));
        assert!(!caps.password_auth(), "LOGINDISABLED and no AUTH=PLAIN");
        let caps =
            Capabilities::from_data(&data("* CAPABILITY IMAP4rev1 LOGINDISABLED AUTH=PLAIN"))
                .unwrap();
        assert!(caps.password_auth());
        // Without LOGINDISABLED the LOGIN command takes a password.
        let caps = Capabilities::from_data(&data("* CAPABILITY IMAP4rev1")).unwrap();
        assert!(caps.password_auth());
        assert_eq!(Capabilities::from_data(&data("* SEARCH 1 2")), None);
    }

    #[test]
    fn quota_lines_in_kib_become_bytes() {
        let q = parse_quota(&data(
            "* QUOTA \"User quota\" (STORAGE 974 1024 MESSAGE 10 1000)",
        ))
        .unwrap();
        assert_eq!(q.root, "User quota");
        assert_eq!(q.storage, Some((974 * 1024, 1024 * 1024)));
        // Only a message limit: no storage quota.
        let q = parse_quota(&data("* QUOTA \"\" (MESSAGE 10 1000)")).unwrap();
        assert_eq!(q.storage, None);
        let q = parse_quota(&data("* QUOTA root ()")).unwrap();
        assert_eq!(q.storage, None);
        assert_eq!(parse_quota(&data("* QUOTAROOT INBOX \"User quota\"")), None);
    }

    #[test]
    fn status_with_and_without_size() {
        let s = parse_status(&data("* STATUS Trash (MESSAGES 9 SIZE 884736)")).unwrap();
        assert_eq!(s.raw_name, "Trash");
        assert_eq!((s.messages, s.size), (Some(9), Some(884_736)));
        let s = parse_status(&data(
            "* STATUS \"Gel&APY-schte Elemente\" (MESSAGES 0 UIDNEXT 5 UIDVALIDITY 1700000000)",
        ))
        .unwrap();
        assert_eq!(s.raw_name, "Gel&APY-schte Elemente");
        assert_eq!(s.size, None);
        assert_eq!((s.uid_next, s.uid_validity), (Some(5), Some(1_700_000_000)));
        // A literal name.
        let s = parse_status(&data("* STATUS {5}\r\nA \"b\" (MESSAGES 1)")).unwrap();
        assert_eq!(s.raw_name, "A \"b\"");
        assert_eq!(s.messages, Some(1));
    }

    #[test]
    fn list_entries_with_special_use() {
        let l = parse_list(&data("* LIST (\\HasNoChildren \\Trash) \"/\" Trash")).unwrap();
        assert!(l.has_flag("\\trash"));
        assert_eq!(l.delimiter.as_deref(), Some("/"));
        assert_eq!(l.raw_name, "Trash");
        let l = parse_list(&data("* LIST () NIL \"INBOX\"")).unwrap();
        assert_eq!((l.delimiter, l.raw_name.as_str()), (None, "INBOX"));
    }

    #[test]
    fn search_exists_fetch_and_codes() {
        assert_eq!(parse_search(&data("* SEARCH 4 17")), Some(vec![4, 17]));
        assert_eq!(parse_search(&data("* SEARCH")), Some(vec![]));
        assert_eq!(parse_exists(&data("* 12 EXISTS")), Some(12));
        assert_eq!(parse_exists(&data("* 12 RECENT")), None);
        assert_eq!(
            parse_fetch_size(&data("* 3 FETCH (UID 9 RFC822.SIZE 2048)")),
            Some(2048)
        );
        assert_eq!(code_number("UIDNEXT 4392", "UIDNEXT"), Some(4392));
        assert_eq!(code_number("UIDVALIDITY 1", "UIDNEXT"), None);
        assert_eq!(trailing_literal(b"* LIST () \"/\" {12}"), Some(12));
        assert_eq!(trailing_literal(b"a1 LOGIN {5+}"), Some(5));
        assert_eq!(trailing_literal(b"* OK done"), None);
    }

    #[test]
    fn tagged_and_continuation_responses() {
        assert_eq!(parse_response(b"+ idling").unwrap(), Response::Continuation);
        assert_eq!(
            parse_response(b"a3 NO [AUTHENTICATIONFAILED] Authentication failed.").unwrap(),
            Response::Status {
                tag: Some("a3".into()),
                kind: StatusKind::No,
                code: Some("AUTHENTICATIONFAILED".into()),
                text: "Authentication failed.".into()
            }
        );
        assert!(parse_response(b"a3 WHAT").is_err());
        assert!(tokenize(b"(unclosed").is_err());
        assert!(tokenize(b"{9}\r\nshort").is_err());
    }

    #[test]
    fn arguments_are_quoted_or_left_to_a_literal() {
        assert_eq!(quoted(b"Trash").as_deref(), Some("\"Trash\""));
        assert_eq!(quoted(b"a\"b\\c").as_deref(), Some("\"a\\\"b\\\\c\""));
        assert_eq!(quoted("pässword".as_bytes()), None);
        assert_eq!(quoted(b"two\r\nlines"), None);
    }
}
