//! TLS for the doctor: the operating system's trusted roots plus, optionally, one more CA
//! from a PEM file (`--ca-file`, for private servers and tests); a failed handshake is
//! classified from rustls' own verifier error, so "untrusted", "expired" and "for another
//! name" are told apart.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use chrono::DateTime;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName, UnixTime};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tokio_rustls::rustls::{self, CertificateError, ClientConfig, RootCertStore};
use tokio_rustls::TlsConnector;

use super::wire::seconds;
use super::MailDoctorError;

/// How a TLS handshake failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TlsFailure {
    /// The chain does not lead to a trusted root (unknown CA, self-signed, bad signature).
    Untrusted(String),
    /// The certificate's validity period is over (or has not begun).
    Expired(String),
    /// The certificate is for other names than the server's.
    NameMismatch(String),
    /// No handshake at all: a timeout, a closed connection, not TLS on that port.
    Failed(String),
}

/// The roots a handshake trusts. Cheap to clone.
#[derive(Clone)]
pub struct Trust {
    config: Arc<ClientConfig>,
}

impl std::fmt::Debug for Trust {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Trust")
    }
}

impl Trust {
    /// The operating system's roots, plus the certificates in `ca_file` when given. A CA
    /// file that cannot be read or holds no certificate is bad input.
    pub fn load(ca_file: Option<&Path>) -> Result<Trust, MailDoctorError> {
        let mut roots = RootCertStore::empty();
        // Unparsable system certificates are skipped; a machine without any still gets
        // a verdict (every server is then "untrusted").
        let native = rustls_native_certs::load_native_certs();
        roots.add_parsable_certificates(native.certs);
        if let Some(path) = ca_file {
            for cert in read_ca_file(path)? {
                roots
                    .add(cert)
                    .map_err(|err| bad_ca_file(path, &err.to_string()))?;
            }
        }
        Self::with_roots(roots)
    }

    fn with_roots(roots: RootCertStore) -> Result<Trust, MailDoctorError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|err| MailDoctorError::Internal(err.to_string()))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(Trust {
            config: Arc::new(config),
        })
    }

    /// Random bytes from the TLS provider's generator (unique Message-IDs).
    pub(crate) fn random(&self, out: &mut [u8]) -> bool {
        self.config
            .crypto_provider()
            .secure_random
            .fill(out)
            .is_ok()
    }
}

fn read_ca_file(path: &Path) -> Result<Vec<CertificateDer<'static>>, MailDoctorError> {
    let certs = CertificateDer::pem_file_iter(path)
        .map_err(|err| bad_ca_file(path, &err.to_string()))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|err| bad_ca_file(path, &err.to_string()))?;
    if certs.is_empty() {
        return Err(bad_ca_file(path, "no certificate in the file"));
    }
    Ok(certs)
}

fn bad_ca_file(path: &Path, reason: &str) -> MailDoctorError {
    let path = path.display();
    MailDoctorError::InvalidInput {
        field: "ca_file",
        message: format!("The CA file {path} cannot be used ({reason}). Give a PEM file with one or more certificates."),
        message_de: format!("Die CA-Datei {path} ist nicht verwendbar ({reason}). Bitte eine PEM-Datei mit einem oder mehreren Zertifikaten angeben."),
    }
}

/// The TLS handshake on `tcp` for `host`, under `timeout`.
pub(crate) async fn handshake(
    tcp: TcpStream,
    host: &str,
    trust: &Trust,
    timeout: Duration,
) -> Result<TlsStream<TcpStream>, TlsFailure> {
    let name = ServerName::try_from(host.to_owned())
        .map_err(|_| TlsFailure::Failed(format!("{host} is not a valid server name")))?;
    let connector = TlsConnector::from(trust.config.clone());
    match tokio::time::timeout(timeout, connector.connect(name, tcp)).await {
        Err(_) => Err(TlsFailure::Failed(format!(
            "no answer within {} during the TLS handshake",
            seconds(timeout)
        ))),
        Ok(Ok(stream)) => Ok(stream),
        Ok(Err(err)) => Err(
            match err
                .get_ref()
                .and_then(|inner| inner.downcast_ref::<rustls::Error>())
            {
                Some(tls) => classify(tls, host),
                None => TlsFailure::Failed(format!("TLS handshake: {err}")),
            },
        ),
    }
}

/// Sorts a handshake error into what the user can act on.
pub(crate) fn classify(err: &rustls::Error, host: &str) -> TlsFailure {
    let rustls::Error::InvalidCertificate(cert) = err else {
        return TlsFailure::Failed(format!("TLS handshake: {err}"));
    };
    match cert {
        CertificateError::Expired => TlsFailure::Expired("the certificate has expired".to_owned()),
        CertificateError::ExpiredContext { not_after, .. } => {
            TlsFailure::Expired(format!("the certificate expired on {}", date(*not_after)))
        }
        CertificateError::NotValidYet => {
            TlsFailure::Expired("the certificate is not valid yet".to_owned())
        }
        CertificateError::NotValidYetContext { not_before, .. } => TlsFailure::Expired(format!(
            "the certificate is valid only from {}",
            date(*not_before)
        )),
        CertificateError::NotValidForName => {
            TlsFailure::NameMismatch(format!("the certificate is not valid for {host}"))
        }
        CertificateError::NotValidForNameContext { presented, .. } => {
            TlsFailure::NameMismatch(format!(
                "the certificate is for {}, not for {host}",
                if presented.is_empty() {
                    "no name".to_owned()
                } else {
                    presented.join(", ")
                }
            ))
        }
        CertificateError::UnknownIssuer => TlsFailure::Untrusted(
            "the certificate is not issued by a trusted certificate authority".to_owned(),
        ),
        other => TlsFailure::Untrusted(format!("the certificate was refused: {other}")),
    }
}

fn date(time: UnixTime) -> String {
    i64::try_from(time.as_secs())
        .ok()
        .and_then(|secs| DateTime::from_timestamp(secs, 0))
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|| "an unknown date".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verifier_errors_are_sorted() {
        let host = "mail.example.de";
        let err = |cert| rustls::Error::InvalidCertificate(cert);
        assert!(matches!(
            classify(&err(CertificateError::UnknownIssuer), host),
            TlsFailure::Untrusted(_)
        ));
        assert!(matches!(
            classify(&err(CertificateError::BadSignature), host),
            TlsFailure::Untrusted(_)
        ));
        let expired = classify(
            &err(CertificateError::ExpiredContext {
                time: UnixTime::since_unix_epoch(Duration::from_secs(1_800_000_000)),
                not_after: UnixTime::since_unix_epoch(Duration::from_secs(1_700_000_000)),
            }),
            host,
        );
        assert_eq!(
            expired,
            TlsFailure::Expired("the certificate expired on 2023-11-14 22:13 UTC".into())
        );
        let mismatch = classify(
            &err(CertificateError::NotValidForNameContext {
                expected: ServerName::try_from("mail.example.de").unwrap(),
                presented: vec!["DnsName(\"other.example\")".into()],
            }),
            host,
        );
        assert!(
            matches!(&mismatch, TlsFailure::NameMismatch(d) if d.contains("other.example") && d.contains(host))
        );
        assert!(matches!(
            classify(&rustls::Error::HandshakeNotComplete, host),
            TlsFailure::Failed(_)
        ));
    }

    #[test]
    fn a_ca_file_without_certificates_is_bad_input() {
        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join("ca.pem");
        std::fs::write(&path, "not a certificate\n").unwrap();
        let err = Trust::load(Some(&path)).unwrap_err();
        assert!(matches!(
            err,
            MailDoctorError::InvalidInput {
                field: "ca_file",
                ..
            }
        ));
        let err = Trust::load(Some(&dir.path().join("missing.pem"))).unwrap_err();
        assert!(matches!(
            err,
            MailDoctorError::InvalidInput {
                field: "ca_file",
                ..
            }
        ));
    }
}
