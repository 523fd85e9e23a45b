//! Security properties of the portal client that can be shown against real servers on
//! loopback (see docs/SECURITY.md).

use std::sync::Arc;

use cowdesk_core::error::CoreError;
use cowdesk_core::model::ErrorKind;
use cowdesk_core::portal::{HttpPortal, Portal};
use tokio::net::TcpListener;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::TlsAcceptor;

/// A test-only certificate for localhost/127.0.0.1 that no trust store knows.
const CERT: &[u8] = include_bytes!("fixtures/self-signed.crt");
const KEY: &[u8] = include_bytes!("fixtures/self-signed.key");

mod security {
    use super::*;

    #[tokio::test]
    async fn a_certificate_no_trust_store_knows_is_refused() {
        let _ = tokio_rustls::rustls::crypto::ring::default_provider().install_default();
        let config = ServerConfig::builder()
            .with_no_client_auth()
            .with_single_cert(
                vec![CertificateDer::from_pem_slice(CERT).unwrap()],
                PrivateKeyDer::from_pem_slice(KEY).unwrap(),
            )
            .unwrap();
        let acceptor = TlsAcceptor::from(Arc::new(config));
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = tokio::spawn(async move {
            let (stream, _) = listener.accept().await.unwrap();
            // The handshake is where a verifying client gives up.
            acceptor
                .accept(stream)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string())
        });

        let portal = HttpPortal::new(&format!("https://127.0.0.1:{port}")).unwrap();
        let result = portal.login("demo@cowdesk.example", "cowdesk-demo").await;
        let error = result.expect_err("an unverified server must not be trusted");
        assert!(matches!(error, CoreError::Offline(_)), "{error:?}");
        assert_eq!(error.info().kind, ErrorKind::Offline);
        let handshake = server.await.unwrap();
        let reason = handshake.expect_err("the client aborts the handshake");
        assert!(
            ["UnknownCA", "BadCertificate", "CertificateUnknown"]
                .iter()
                .any(|alert| reason.contains(alert)),
            "the client rejected the certificate: {reason}"
        );
    }

    #[tokio::test]
    async fn plain_http_is_refused_except_to_loopback() {
        for refused in [
            "http://portal.example.com",
            "http://10.0.0.1:8080",
            "ftp://x",
        ] {
            assert!(HttpPortal::new(refused).is_err(), "{refused}");
        }
        for allowed in [
            "https://portal.example.com",
            "http://127.0.0.1:1",
            "http://[::1]:1",
            "http://localhost:1",
        ] {
            assert!(HttpPortal::new(allowed).is_ok(), "{allowed}");
        }
    }
}
