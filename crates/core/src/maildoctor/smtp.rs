//! A small SMTP submission client (RFC 5321, 3207 STARTTLS, 4954 AUTH): greeting, EHLO,
//! STARTTLS, AUTH PLAIN or LOGIN, QUIT; and one message for the round trip. Nothing is
//! sent unless the round trip asks for it.

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::time::Duration;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use super::imap::printable;
use super::tls::{self, TlsFailure, Trust};
use super::wire::{self, ConnectError, Stream, Wire, WireError};
use super::Security;
use crate::portal::Sensitive;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SmtpFailure {
    Connect(ConnectError),
    Tls(TlsFailure),
    Wire(WireError),
    NoStarttls,
    NoPasswordAuth(String),
    AuthFailed(String),
    /// An unexpected reply.
    Protocol(String),
}

impl From<WireError> for SmtpFailure {
    fn from(err: WireError) -> Self {
        SmtpFailure::Wire(err)
    }
}

/// A reply: the code and its lines' texts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Reply {
    pub code: u16,
    pub lines: Vec<String>,
}

impl Reply {
    pub(crate) fn text(&self) -> String {
        format!("{} {}", self.code, self.lines.join(" "))
    }
}

/// Reads `250-...` lines up to the `250 ...` one.
pub(crate) fn parse_reply_line(line: &[u8]) -> Result<(u16, bool, String), String> {
    let code = line
        .get(..3)
        .and_then(|c| std::str::from_utf8(c).ok())
        .and_then(|c| c.parse::<u16>().ok())
        .filter(|c| (200..600).contains(c))
        .ok_or_else(|| format!("not an SMTP reply: {}", printable(line)))?;
    let more = match line.get(3) {
        None | Some(b' ') => false,
        Some(b'-') => true,
        Some(_) => return Err(format!("not an SMTP reply: {}", printable(line))),
    };
    let text = line.get(4..).map(printable).unwrap_or_default();
    Ok((code, more, text))
}

/// What EHLO announced.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Extensions {
    keywords: BTreeSet<String>,
    auth: BTreeSet<String>,
}

impl Extensions {
    /// From the EHLO reply's lines after the first (the first is the greeting name).
    pub(crate) fn parse(reply: &Reply) -> Extensions {
        let mut ext = Extensions::default();
        for line in reply.lines.iter().skip(1) {
            let mut words = line.split([' ', '=']);
            let Some(keyword) = words.next().map(str::to_ascii_uppercase) else {
                continue;
            };
            if keyword == "AUTH" {
                ext.auth
                    .extend(words.filter(|w| !w.is_empty()).map(str::to_ascii_uppercase));
            }
            ext.keywords.insert(keyword);
        }
        ext
    }

    pub(crate) fn has(&self, keyword: &str) -> bool {
        self.keywords.contains(&keyword.to_ascii_uppercase())
    }

    pub(crate) fn auth(&self, mechanism: &str) -> bool {
        self.auth.contains(&mechanism.to_ascii_uppercase())
    }

    pub(crate) fn password_auth(&self) -> bool {
        self.auth("PLAIN") || self.auth("LOGIN")
    }

    fn offered(&self) -> String {
        if self.auth.is_empty() {
            "no AUTH at all".to_owned()
        } else {
            format!(
                "AUTH {} but not PLAIN or LOGIN",
                self.auth.iter().cloned().collect::<Vec<_>>().join(" ")
            )
        }
    }
}

pub(crate) struct Smtp {
    wire: Wire,
    pub ext: Extensions,
}

impl Smtp {
    /// Connects, reads the greeting, says EHLO; with STARTTLS, upgrades and says EHLO
    /// again.
    pub(crate) async fn open(
        host: &str,
        port: u16,
        security: Security,
        trust: &Trust,
        timeout: Duration,
    ) -> Result<Smtp, SmtpFailure> {
        let tcp = wire::connect(host, port, timeout)
            .await
            .map_err(SmtpFailure::Connect)?;
        let stream = match security {
            Security::Tls => Stream::Tls(Box::new(
                tls::handshake(tcp, host, trust, timeout)
                    .await
                    .map_err(SmtpFailure::Tls)?,
            )),
            Security::Starttls => Stream::Plain(tcp),
        };
        let mut smtp = Smtp {
            wire: Wire::new(stream, timeout),
            ext: Extensions::default(),
        };
        let greeting = smtp.reply("waiting for the greeting").await?;
        if greeting.code != 220 {
            return Err(SmtpFailure::Protocol(format!(
                "the server refused the connection: {}",
                greeting.text()
            )));
        }
        smtp.ehlo().await?;
        if security == Security::Starttls {
            if !smtp.ext.has("STARTTLS") {
                return Err(SmtpFailure::NoStarttls);
            }
            let reply = smtp.send("STARTTLS", "starting TLS").await?;
            if reply.code != 220 {
                return Err(SmtpFailure::Protocol(format!(
                    "STARTTLS refused: {}",
                    reply.text()
                )));
            }
            let tcp = smtp.wire.into_plain()?;
            let tls = tls::handshake(tcp, host, trust, timeout)
                .await
                .map_err(SmtpFailure::Tls)?;
            smtp.wire = Wire::new(Stream::Tls(Box::new(tls)), timeout);
            smtp.ehlo().await?;
        }
        Ok(smtp)
    }

    async fn ehlo(&mut self) -> Result<(), SmtpFailure> {
        let name = ehlo_name(self.wire.local_addr());
        let reply = self.send(&format!("EHLO {name}"), "saying EHLO").await?;
        if reply.code != 250 {
            return Err(SmtpFailure::Protocol(format!(
                "EHLO refused: {}",
                reply.text()
            )));
        }
        self.ext = Extensions::parse(&reply);
        Ok(())
    }

    async fn reply(&mut self, step: &'static str) -> Result<Reply, SmtpFailure> {
        let mut lines = Vec::new();
        loop {
            let line = self.wire.read_line(step).await?;
            let (code, more, text) = parse_reply_line(&line).map_err(SmtpFailure::Protocol)?;
            lines.push(text);
            if !more {
                return Ok(Reply { code, lines });
            }
            if lines.len() > 1000 {
                return Err(SmtpFailure::Protocol(
                    "a reply of more than 1000 lines".into(),
                ));
            }
        }
    }

    async fn send(&mut self, line: &str, step: &'static str) -> Result<Reply, SmtpFailure> {
        self.wire
            .write_all(step, format!("{line}\r\n").as_bytes())
            .await?;
        self.reply(step).await
    }

    /// AUTH PLAIN where offered, else AUTH LOGIN. Returns the method used.
    pub(crate) async fn login(
        &mut self,
        username: &str,
        password: &Sensitive<String>,
    ) -> Result<&'static str, SmtpFailure> {
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
    ) -> Result<&'static str, SmtpFailure> {
        let step = "logging in";
        if !self.ext.password_auth() {
            return Err(SmtpFailure::NoPasswordAuth(self.ext.offered()));
        }
        let plain = self.ext.auth("PLAIN");
        let reply = if plain {
            let mut plain = vec![0u8];
            plain.extend_from_slice(username.as_bytes());
            plain.push(0);
            plain.extend_from_slice(password.expose().as_bytes());
            let response = Sensitive::new(STANDARD.encode(&plain));
            let line = Sensitive::new(format!("AUTH PLAIN {}", response.expose()));
            self.send(line.expose(), step).await?
        } else {
            let reply = self.send("AUTH LOGIN", step).await?;
            if reply.code != 334 {
                return Err(SmtpFailure::AuthFailed(reply.text()));
            }
            let reply = self.send(&STANDARD.encode(username), step).await?;
            if reply.code != 334 {
                return Err(SmtpFailure::AuthFailed(reply.text()));
            }
            let secret = Sensitive::new(STANDARD.encode(password.expose()));
            self.send(secret.expose(), step).await?
        };
        match reply.code {
            235 => Ok(if plain { "AUTH PLAIN" } else { "AUTH LOGIN" }),
            _ => Err(SmtpFailure::AuthFailed(reply.text())),
        }
    }

    /// Sends one message from `from` to `to`. `message` has CR LF line ends.
    pub(crate) async fn send_mail(
        &mut self,
        from: &str,
        to: &str,
        message: &str,
    ) -> Result<(), SmtpFailure> {
        let step = "sending the test mail";
        for (line, want) in [
            (format!("MAIL FROM:<{from}>"), &[250][..]),
            (format!("RCPT TO:<{to}>"), &[250, 251][..]),
            ("DATA".to_owned(), &[354][..]),
        ] {
            let reply = self.send(&line, step).await?;
            if !want.contains(&reply.code) {
                return Err(SmtpFailure::Protocol(format!(
                    "{} refused: {}",
                    line.split(':').next().unwrap_or(&line),
                    reply.text()
                )));
            }
        }
        let mut data = String::with_capacity(message.len() + 8);
        for line in message.split("\r\n") {
            if line.starts_with('.') {
                data.push('.');
            }
            data.push_str(line);
            data.push_str("\r\n");
        }
        data.push_str(".\r\n");
        self.wire.write_all(step, data.as_bytes()).await?;
        let reply = self.reply(step).await?;
        if reply.code != 250 {
            return Err(SmtpFailure::Protocol(format!(
                "the message was refused: {}",
                reply.text()
            )));
        }
        Ok(())
    }

    /// QUIT and close; the answer does not matter.
    pub(crate) async fn quit(mut self) {
        let _ = self.send("QUIT", "saying QUIT").await;
        self.wire.shutdown().await;
    }
}

/// `EHLO [192.0.2.1]`: the address literal of this end of the connection.
fn ehlo_name(local: Option<SocketAddr>) -> String {
    match local {
        Some(SocketAddr::V4(a)) => format!("[{}]", a.ip()),
        Some(SocketAddr::V6(a)) => format!("[IPv6:{}]", a.ip()),
        None => "[127.0.0.1]".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(lines: &[&str]) -> Reply {
        let mut out = Reply {
            code: 0,
            lines: Vec::new(),
        };
        for line in lines {
            let (code, _, text) = parse_reply_line(line.as_bytes()).unwrap();
            out.code = code;
            out.lines.push(text);
        }
        out
    }

    #[test]
    fn ehlo_capabilities_are_read() {
        let ext = Extensions::parse(&reply(&[
            "250-mail.example.de",
            "250-PIPELINING",
            "250-SIZE 10240000",
            "250-STARTTLS",
            "250-AUTH PLAIN LOGIN",
            "250 SMTPUTF8",
        ]));
        assert!(ext.has("starttls") && ext.has("SIZE") && ext.has("SMTPUTF8"));
        assert!(ext.auth("PLAIN") && ext.auth("login") && ext.password_auth());

        // Old servers: AUTH=LOGIN.
        let ext = Extensions::parse(&reply(&["250-x", "250 AUTH=LOGIN"]));
        assert!(ext.password_auth() && !ext.has("STARTTLS"));

        let ext = Extensions::parse(&reply(&["250-x", "250 AUTH CRAM-MD5 SCRAM-SHA-256"]));
        assert!(!ext.password_auth());
        assert_eq!(
            ext.offered(),
            "AUTH CRAM-MD5 SCRAM-SHA-256 but not PLAIN or LOGIN"
        );
        let ext = Extensions::parse(&reply(&["250-x", "250 8BITMIME"]));
        assert_eq!(ext.offered(), "no AUTH at all");
        // The greeting line's name is not a keyword.
        let ext = Extensions::parse(&reply(&["250 STARTTLS"]));
        assert!(!ext.has("STARTTLS"));
    }

    #[test]
    fn reply_lines_are_read() {
        assert_eq!(
            parse_reply_line(b"250-PIPELINING").unwrap(),
            (250, true, "PIPELINING".into())
        );
        assert_eq!(
            parse_reply_line(b"535 5.7.8 Error: authentication failed").unwrap(),
            (535, false, "5.7.8 Error: authentication failed".into())
        );
        assert_eq!(
            parse_reply_line(b"221").unwrap(),
            (221, false, String::new())
        );
        assert!(parse_reply_line(b"* OK IMAP here").is_err());
        assert!(parse_reply_line(b"250x").is_err());
    }

    #[test]
    fn ehlo_names_are_address_literals() {
        assert_eq!(ehlo_name("127.0.0.1:5000".parse().ok()), "[127.0.0.1]");
        assert_eq!(ehlo_name("[::1]:5000".parse().ok()), "[IPv6:::1]");
    }
}
