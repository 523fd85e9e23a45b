//! A connection the doctor owns from end to end: name resolution, TCP connect, plain or
//! TLS, read line by line. Every step runs under its own timeout, so a server that
//! accepts and then says nothing ends the step instead of hanging the run.

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;

/// Longest line accepted from a server; IMAP literals are read separately.
const MAX_LINE: usize = 64 * 1024;
/// Servers answer a failed login late on purpose (Dovecot: 2 s, growing to 15 s for an
/// address with many failures): the login step waits this much longer than others.
pub(crate) const LOGIN_GRACE: Duration = Duration::from_secs(15);
/// Largest IMAP literal accepted (folder names, never message bodies).
pub(crate) const MAX_LITERAL: usize = 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum WireError {
    #[error("no answer within {} while {step}", seconds(*.after))]
    Timeout { step: &'static str, after: Duration },
    #[error("the server closed the connection while {step}")]
    Closed { step: &'static str },
    #[error("{step}: {message}")]
    Io { step: &'static str, message: String },
    #[error("the server sent a line longer than 64 KiB while {step}")]
    TooLong { step: &'static str },
    /// Bytes that arrived with the answer to STARTTLS, before the handshake: whoever sent
    /// them could inject commands into the encrypted session.
    #[error("the server sent data before the TLS handshake (after STARTTLS)")]
    Injected,
}

/// Why no TCP connection came about.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum ConnectError {
    #[error("the name {host} could not be resolved: {reason}")]
    Resolve { host: String, reason: String },
    #[error("no connection to {target}: {reason}")]
    Connect { target: String, reason: String },
    #[error("no answer within {} while connecting to {target}", seconds(*.after))]
    Timeout { target: String, after: Duration },
}

pub(crate) fn seconds(after: Duration) -> String {
    let ms = after.as_millis();
    if ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else {
        format!("{:.1} s", after.as_secs_f64())
    }
}

/// Resolves `host` and connects to the first address that answers, each step under
/// `timeout`.
pub(crate) async fn connect(
    host: &str,
    port: u16,
    timeout: Duration,
) -> Result<TcpStream, ConnectError> {
    let addrs: Vec<SocketAddr> =
        match tokio::time::timeout(timeout, tokio::net::lookup_host((host, port))).await {
            Ok(Ok(addrs)) => addrs.collect(),
            Ok(Err(err)) => {
                return Err(ConnectError::Resolve {
                    host: host.to_owned(),
                    reason: err.to_string(),
                })
            }
            Err(_) => {
                return Err(ConnectError::Resolve {
                    host: host.to_owned(),
                    reason: format!("no answer within {}", seconds(timeout)),
                })
            }
        };
    let mut last = ConnectError::Resolve {
        host: host.to_owned(),
        reason: "no address".to_owned(),
    };
    for addr in addrs {
        let target = addr.to_string();
        match tokio::time::timeout(timeout, TcpStream::connect(addr)).await {
            Ok(Ok(stream)) => {
                // Commands are short and answered one by one: send them at once.
                let _ = stream.set_nodelay(true);
                return Ok(stream);
            }
            Ok(Err(err)) => {
                last = ConnectError::Connect {
                    target,
                    reason: connect_reason(&err),
                }
            }
            Err(_) => {
                last = ConnectError::Timeout {
                    target,
                    after: timeout,
                }
            }
        }
    }
    Err(last)
}

fn connect_reason(err: &io::Error) -> String {
    match err.kind() {
        io::ErrorKind::ConnectionRefused => {
            "connection refused (nothing listens on this port)".into()
        }
        _ => err.to_string(),
    }
}

pub(crate) enum Stream {
    Plain(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
}

/// A buffered, line-oriented connection.
pub(crate) struct Wire {
    stream: Stream,
    buf: Vec<u8>,
    timeout: Duration,
    local: Option<SocketAddr>,
}

impl Wire {
    pub(crate) fn new(stream: Stream, timeout: Duration) -> Wire {
        let local = match &stream {
            Stream::Plain(tcp) => tcp.local_addr().ok(),
            Stream::Tls(tls) => tls.get_ref().0.local_addr().ok(),
        };
        Wire {
            stream,
            buf: Vec::new(),
            timeout,
            local,
        }
    }

    pub(crate) fn timeout(&self) -> Duration {
        self.timeout
    }

    pub(crate) fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = timeout;
    }

    pub(crate) fn local_addr(&self) -> Option<SocketAddr> {
        self.local
    }

    /// The plain TCP stream, for the TLS handshake after STARTTLS. Anything already
    /// buffered is refused: it came before the handshake and must not be trusted.
    pub(crate) fn into_plain(self) -> Result<TcpStream, WireError> {
        if !self.buf.is_empty() {
            return Err(WireError::Injected);
        }
        match self.stream {
            Stream::Plain(tcp) => Ok(tcp),
            Stream::Tls(_) => Err(WireError::Io {
                step: "starting TLS",
                message: "the connection is encrypted already".into(),
            }),
        }
    }

    async fn fill(&mut self, step: &'static str, within: Duration) -> Result<(), WireError> {
        let mut chunk = [0u8; 8192];
        let read = async {
            match &mut self.stream {
                Stream::Plain(s) => s.read(&mut chunk).await,
                Stream::Tls(s) => s.read(&mut chunk).await,
            }
        };
        match tokio::time::timeout(within, read).await {
            Err(_) => Err(WireError::Timeout {
                step,
                after: within,
            }),
            Ok(Err(err)) => Err(WireError::Io {
                step,
                message: err.to_string(),
            }),
            Ok(Ok(0)) => Err(WireError::Closed { step }),
            Ok(Ok(n)) => {
                self.buf.extend_from_slice(&chunk[..n]);
                Ok(())
            }
        }
    }

    /// One line without its CR LF, under the step timeout.
    pub(crate) async fn read_line(&mut self, step: &'static str) -> Result<Vec<u8>, WireError> {
        let within = self.timeout;
        self.read_line_within(step, within).await
    }

    /// One line, waiting at most `within` for each part of it (IDLE waits longer than a
    /// step).
    pub(crate) async fn read_line_within(
        &mut self,
        step: &'static str,
        within: Duration,
    ) -> Result<Vec<u8>, WireError> {
        loop {
            if let Some(end) = self.buf.iter().position(|&b| b == b'\n') {
                let mut line: Vec<u8> = self.buf.drain(..=end).collect();
                line.pop();
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                return Ok(line);
            }
            if self.buf.len() > MAX_LINE {
                return Err(WireError::TooLong { step });
            }
            self.fill(step, within).await?;
        }
    }

    /// Exactly `n` bytes (an IMAP literal).
    pub(crate) async fn read_exact(
        &mut self,
        step: &'static str,
        n: usize,
    ) -> Result<Vec<u8>, WireError> {
        if n > MAX_LITERAL {
            return Err(WireError::TooLong { step });
        }
        while self.buf.len() < n {
            let within = self.timeout;
            self.fill(step, within).await?;
        }
        Ok(self.buf.drain(..n).collect())
    }

    pub(crate) async fn write_all(
        &mut self,
        step: &'static str,
        bytes: &[u8],
    ) -> Result<(), WireError> {
        let write = async {
            match &mut self.stream {
                Stream::Plain(s) => {
                    s.write_all(bytes).await?;
                    s.flush().await
                }
                Stream::Tls(s) => {
                    s.write_all(bytes).await?;
                    s.flush().await
                }
            }
        };
        match tokio::time::timeout(self.timeout, write).await {
            Err(_) => Err(WireError::Timeout {
                step,
                after: self.timeout,
            }),
            Ok(Err(err)) => Err(WireError::Io {
                step,
                message: err.to_string(),
            }),
            Ok(Ok(())) => Ok(()),
        }
    }

    /// Closes the sending side; errors do not matter any more at this point.
    pub(crate) async fn shutdown(&mut self) {
        let close = async {
            match &mut self.stream {
                Stream::Plain(s) => s.shutdown().await,
                Stream::Tls(s) => s.shutdown().await,
            }
        };
        let _ = tokio::time::timeout(self.timeout, close).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_reads_well() {
        assert_eq!(seconds(Duration::from_secs(10)), "10 s");
        assert_eq!(seconds(Duration::from_millis(1500)), "1.5 s");
    }
}
