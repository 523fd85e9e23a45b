//! A small IMAP client for the doctor: connect (TLS or STARTTLS), capabilities, password
//! login, and the few commands usage, Trash and the round trip need.

use std::time::{Duration, Instant};

use base64::Engine;

use super::imap_parse::{
    self, parse_response, trailing_literal, Capabilities, Response, StatusKind, Token,
};
use super::tls::{self, TlsFailure, Trust};
use super::wire::{self, ConnectError, Stream, Wire, WireError};
use super::Security;
use crate::portal::Sensitive;

/// Why a step of an IMAP check failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ImapFailure {
    Connect(ConnectError),
    Tls(TlsFailure),
    Wire(WireError),
    NoStarttls,
    NoPasswordAuth(String),
    AuthFailed(String),
    /// The server said NO or BAD, or something unreadable.
    Protocol(String),
}

impl From<WireError> for ImapFailure {
    fn from(err: WireError) -> Self {
        ImapFailure::Wire(err)
    }
}

/// A command's answer: the untagged data that came with it and the final status.
pub(crate) struct Answer {
    pub data: Vec<Vec<Token>>,
    pub codes: Vec<String>,
    pub kind: StatusKind,
    pub code: Option<String>,
    pub text: String,
}

impl Answer {
    pub(crate) fn ok(&self) -> bool {
        self.kind == StatusKind::Ok
    }
}

/// A part of a command: text as is, or a string the server must take as a literal.
pub(crate) enum Arg<'a> {
    Text(&'a str),
    Str(&'a [u8]),
}

pub(crate) struct Imap {
    wire: Wire,
    next_tag: u32,
    pub caps: Capabilities,
}

impl Imap {
    /// Connects and reaches the point where a login can be tried: the TLS handshake done
    /// (implicitly or after STARTTLS) and the capabilities known.
    pub(crate) async fn open(
        host: &str,
        port: u16,
        security: Security,
        trust: &Trust,
        timeout: Duration,
    ) -> Result<Imap, ImapFailure> {
        let tcp = wire::connect(host, port, timeout)
            .await
            .map_err(ImapFailure::Connect)?;
        let stream = match security {
            Security::Tls => Stream::Tls(Box::new(
                tls::handshake(tcp, host, trust, timeout)
                    .await
                    .map_err(ImapFailure::Tls)?,
            )),
            Security::Starttls => Stream::Plain(tcp),
        };
        let mut imap = Imap {
            wire: Wire::new(stream, timeout),
            next_tag: 1,
            caps: Capabilities::default(),
        };
        let greeting_caps = imap.greeting().await?;
        imap.caps = match greeting_caps {
            Some(caps) => caps,
            None => imap.capability().await?,
        };
        if security == Security::Starttls {
            if !imap.caps.has("STARTTLS") {
                return Err(ImapFailure::NoStarttls);
            }
            let answer = imap
                .command(&[Arg::Text("STARTTLS")], "starting TLS")
                .await?;
            if !answer.ok() {
                return Err(ImapFailure::Protocol(format!(
                    "STARTTLS refused: {}",
                    answer.text
                )));
            }
            let tcp = imap.wire.into_plain()?;
            let tls = tls::handshake(tcp, host, trust, timeout)
                .await
                .map_err(ImapFailure::Tls)?;
            imap.wire = Wire::new(Stream::Tls(Box::new(tls)), timeout);
            // Capabilities from before TLS are not to be trusted (RFC 3501 §6.2.1).
            imap.caps = imap.capability().await?;
        }
        Ok(imap)
    }

    /// The server's first line; refuses a `BYE`.
    async fn greeting(&mut self) -> Result<Option<Capabilities>, ImapFailure> {
        let line = self.wire.read_line("waiting for the greeting").await?;
        match parse_response(&line).map_err(ImapFailure::Protocol)? {
            Response::Status {
                tag: None,
                kind: StatusKind::Ok | StatusKind::Preauth,
                code,
                ..
            } => Ok(code.as_deref().and_then(Capabilities::from_code)),
            Response::Status {
                kind: StatusKind::Bye,
                text,
                ..
            } => Err(ImapFailure::Protocol(format!(
                "the server refused the connection: {text}"
            ))),
            _ => Err(ImapFailure::Protocol(format!(
                "not an IMAP greeting: {}",
                printable(&line)
            ))),
        }
    }

    async fn capability(&mut self) -> Result<Capabilities, ImapFailure> {
        let answer = self
            .command(&[Arg::Text("CAPABILITY")], "reading the capabilities")
            .await?;
        answer
            .data
            .iter()
            .find_map(|d| Capabilities::from_data(d))
            .ok_or_else(|| ImapFailure::Protocol("no CAPABILITY answer".into()))
    }

    /// Logs in with a password: SASL PLAIN where offered, else the LOGIN command.
    /// Returns the method used.
    pub(crate) async fn login(
        &mut self,
        username: &str,
        password: &Sensitive<String>,
    ) -> Result<&'static str, ImapFailure> {
        let normal = self.wire.timeout();
        self.wire.set_timeout(normal + wire::LOGIN_GRACE);
        let result = self.login_with_grace(username, password).await;
        self.wire.set_timeout(normal);
        result
    }

    async fn login_with_grace(
        &mut self,
        username: &str,
        password: &Sensitive<String>,
    ) -> Result<&'static str, ImapFailure> {
        if !self.caps.password_auth() {
            return Err(ImapFailure::NoPasswordAuth(self.auth_offer()));
        }
        let plain = self.caps.has("AUTH=PLAIN");
        let answer = if plain {
            self.authenticate_plain(username, password).await?
        } else {
            self.command(
                &[
                    Arg::Text("LOGIN "),
                    Arg::Str(username.as_bytes()),
                    Arg::Text(" "),
                    Arg::Str(password.expose().as_bytes()),
                ],
                "logging in",
            )
            .await?
        };
        if !answer.ok() {
            let text = match &answer.code {
                Some(code) => format!("[{code}] {}", answer.text),
                None => answer.text.clone(),
            };
            return Err(ImapFailure::AuthFailed(text));
        }
        // Servers list more after the login; the OK often carries them.
        self.caps = match answer.code.as_deref().and_then(Capabilities::from_code) {
            Some(caps) => caps,
            None => self.capability().await?,
        };
        Ok(if plain { "AUTHENTICATE PLAIN" } else { "LOGIN" })
    }

    /// What the server offers instead of a password, for the finding's detail.
    fn auth_offer(&self) -> String {
        let mechs: Vec<String> = [
            "CRAM-MD5",
            "SCRAM-SHA-1",
            "SCRAM-SHA-256",
            "XOAUTH2",
            "OAUTHBEARER",
            "EXTERNAL",
            "GSSAPI",
        ]
        .iter()
        .filter(|m| self.caps.has(&format!("AUTH={m}")))
        .map(|m| (*m).to_owned())
        .collect();
        let offered = if mechs.is_empty() {
            "no mechanism".to_owned()
        } else {
            mechs.join(", ")
        };
        format!("LOGIN is disabled; the server offers {offered} but no PLAIN")
    }

    async fn authenticate_plain(
        &mut self,
        username: &str,
        password: &Sensitive<String>,
    ) -> Result<Answer, ImapFailure> {
        let mut plain = Vec::with_capacity(username.len() * 2 + password.expose().len() + 2);
        plain.push(0);
        plain.extend_from_slice(username.as_bytes());
        plain.push(0);
        plain.extend_from_slice(password.expose().as_bytes());
        let response = Sensitive::new(base64::engine::general_purpose::STANDARD.encode(&plain));
        let tag = self.tag();
        if self.caps.has("SASL-IR") {
            let line = format!("{tag} AUTHENTICATE PLAIN {}\r\n", response.expose());
            self.wire.write_all("logging in", line.as_bytes()).await?;
        } else {
            let line = format!("{tag} AUTHENTICATE PLAIN\r\n");
            self.wire.write_all("logging in", line.as_bytes()).await?;
            if let Some(done) = self.until_continuation(&tag, "logging in").await? {
                return Ok(done);
            }
            let line = format!("{}\r\n", response.expose());
            self.wire.write_all("logging in", line.as_bytes()).await?;
        }
        self.finish(&tag, "logging in", Answer::empty()).await
    }

    fn tag(&mut self) -> String {
        let tag = format!("d{}", self.next_tag);
        self.next_tag += 1;
        tag
    }

    /// Reads one whole response, literals included.
    async fn read_response(&mut self, step: &'static str) -> Result<Vec<u8>, ImapFailure> {
        let mut line = self.wire.read_line(step).await?;
        let mut total = 0usize;
        while let Some(n) = trailing_literal(&line) {
            total += n;
            if total > wire::MAX_LITERAL {
                return Err(WireError::TooLong { step }.into());
            }
            line.extend_from_slice(b"\r\n");
            let literal = self.wire.read_exact(step, n).await?;
            line.extend_from_slice(&literal);
            let more = self.wire.read_line(step).await?;
            line.extend_from_slice(&more);
        }
        Ok(line)
    }

    /// Sends a command made of parts; strings go quoted, or as literals where quoting
    /// cannot carry them (LITERAL+ when offered, else waiting for the server's `+`).
    pub(crate) async fn command(
        &mut self,
        parts: &[Arg<'_>],
        step: &'static str,
    ) -> Result<Answer, ImapFailure> {
        let tag = self.tag();
        let mut pending = format!("{tag} ");
        for part in parts {
            match part {
                Arg::Text(text) => pending.push_str(text),
                Arg::Str(bytes) => match imap_parse::quoted(bytes) {
                    Some(q) => pending.push_str(&q),
                    None => {
                        let plus = self.caps.has("LITERAL+");
                        pending.push_str(&format!(
                            "{{{}{}}}\r\n",
                            bytes.len(),
                            if plus { "+" } else { "" }
                        ));
                        self.wire.write_all(step, pending.as_bytes()).await?;
                        pending.clear();
                        if !plus {
                            if let Some(done) = self.until_continuation(&tag, step).await? {
                                return Ok(done);
                            }
                        }
                        self.wire.write_all(step, bytes).await?;
                    }
                },
            }
        }
        pending.push_str("\r\n");
        self.wire.write_all(step, pending.as_bytes()).await?;
        self.finish(&tag, step, Answer::empty()).await
    }

    /// Waits for `+`; a tagged answer instead ends the command early.
    async fn until_continuation(
        &mut self,
        tag: &str,
        step: &'static str,
    ) -> Result<Option<Answer>, ImapFailure> {
        let mut answer = Answer::empty();
        loop {
            let line = self.read_response(step).await?;
            match parse_response(&line).map_err(ImapFailure::Protocol)? {
                Response::Continuation => return Ok(None),
                response => {
                    if answer.take(response, tag)? {
                        return Ok(Some(answer));
                    }
                }
            }
        }
    }

    /// Collects untagged data until the tagged answer.
    async fn finish(
        &mut self,
        tag: &str,
        step: &'static str,
        mut answer: Answer,
    ) -> Result<Answer, ImapFailure> {
        loop {
            let line = self.read_response(step).await?;
            let response = parse_response(&line).map_err(ImapFailure::Protocol)?;
            if response == Response::Continuation {
                return Err(ImapFailure::Protocol(format!(
                    "the server wants more while {step}"
                )));
            }
            if answer.take(response, tag)? {
                return Ok(answer);
            }
        }
    }

    /// Runs a command that must succeed.
    pub(crate) async fn ok(
        &mut self,
        parts: &[Arg<'_>],
        step: &'static str,
    ) -> Result<Answer, ImapFailure> {
        let answer = self.command(parts, step).await?;
        if answer.ok() {
            Ok(answer)
        } else {
            Err(ImapFailure::Protocol(format!("{step}: {}", answer.text)))
        }
    }

    /// Waits (IDLE where offered, else NOOP) until the selected folder reports new
    /// messages or `until` passes. True when something arrived.
    pub(crate) async fn wait_for_news(&mut self, until: Instant) -> Result<bool, ImapFailure> {
        let now = Instant::now();
        if now >= until {
            return Ok(false);
        }
        let remaining = until - now;
        if !self.caps.has("IDLE") {
            let answer = self
                .ok(&[Arg::Text("NOOP")], "waiting for new mail")
                .await?;
            let news = answer
                .data
                .iter()
                .any(|d| imap_parse::parse_exists(d).is_some());
            if !news {
                tokio::time::sleep(remaining.min(Duration::from_millis(200))).await;
            }
            return Ok(news);
        }
        let step = "waiting for new mail";
        let tag = self.tag();
        self.wire
            .write_all(step, format!("{tag} IDLE\r\n").as_bytes())
            .await?;
        if let Some(answer) = self.until_continuation(&tag, step).await? {
            return Err(ImapFailure::Protocol(format!(
                "IDLE refused: {}",
                answer.text
            )));
        }
        let mut news = false;
        loop {
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            match self.wire.read_line_within(step, left).await {
                Ok(line) => {
                    if let Ok(Response::Data(tokens)) = parse_response(&line) {
                        if imap_parse::parse_exists(&tokens).is_some() {
                            news = true;
                            break;
                        }
                    }
                }
                Err(WireError::Timeout { .. }) => break,
                Err(err) => return Err(err.into()),
            }
        }
        self.wire.write_all(step, b"DONE\r\n").await?;
        let answer = self.finish(&tag, step, Answer::empty()).await?;
        Ok(news
            || answer
                .data
                .iter()
                .any(|d| imap_parse::parse_exists(d).is_some()))
    }

    /// LOGOUT, then close; a server that does not answer is left behind.
    pub(crate) async fn logout(mut self) {
        let _ = self.command(&[Arg::Text("LOGOUT")], "logging out").await;
        self.wire.shutdown().await;
    }
}

impl Answer {
    fn empty() -> Answer {
        Answer {
            data: Vec::new(),
            codes: Vec::new(),
            kind: StatusKind::Bad,
            code: None,
            text: String::new(),
        }
    }

    /// Adds a response; true when it was the tagged end of the command.
    fn take(&mut self, response: Response, tag: &str) -> Result<bool, ImapFailure> {
        match response {
            Response::Data(tokens) => {
                self.data.push(tokens);
                Ok(false)
            }
            Response::Status {
                tag: Some(t),
                kind,
                code,
                text,
            } if t == tag => {
                self.kind = kind;
                self.code = code;
                self.text = text;
                Ok(true)
            }
            Response::Status {
                tag: None,
                kind: StatusKind::Bye,
                text,
                ..
            } => Err(ImapFailure::Protocol(format!(
                "the server closed the session: {text}"
            ))),
            Response::Status {
                tag: None, code, ..
            } => {
                self.codes.extend(code);
                Ok(false)
            }
            Response::Status { tag: Some(t), .. } => Err(ImapFailure::Protocol(format!(
                "an answer to another command ({t})"
            ))),
            Response::Continuation => Ok(false),
        }
    }
}

/// A server line for a finding's detail: printable ASCII, at most 200 characters.
pub(crate) fn printable(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(200)
        .collect()
}
