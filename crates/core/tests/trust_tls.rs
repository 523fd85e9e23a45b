//! The operating system's certificate store (issue 17, item 12), for every HTTPS client
//! of the core: a company CA added to the store is trusted, a certificate from any other
//! CA is still refused. On Linux the store is read through rustls-native-certs, which
//! takes SSL_CERT_FILE instead of the system bundle when it is set: this test binary sets
//! it, once, before any client is built, to a bundle holding only the test company CA.
//! The fixtures are test-only keys for 127.0.0.1 that protect nothing.

use std::path::PathBuf;
use std::sync::{Arc, Once};

use cowdesk_core::dnsapi::DnsApi;
use cowdesk_core::error::CoreError;
use cowdesk_core::portal::{HttpPortal, Portal};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::TlsAcceptor;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The trust store of this process: the test company CA only.
fn company_trust_store() {
    static SET: Once = Once::new();
    SET.call_once(|| {
        // Edition 2021: safe; every test calls this first, before any client exists.
        std::env::set_var("SSL_CERT_FILE", fixture("company-ca.crt"));
        std::env::remove_var("SSL_CERT_DIR");
        let _ = tokio_rustls::rustls::crypto::ring::default_provider().install_default();
    });
}

/// An HTTPS server on 127.0.0.1 with `leaf`, answering one request with `body` (JSON);
/// its task ends with the handshake's outcome.
async fn https_server(leaf: &str, body: &'static str) -> (u16, JoinHandle<Result<(), String>>) {
    let cert = std::fs::read(fixture(&format!("{leaf}-leaf.crt"))).unwrap();
    let key = std::fs::read(fixture(&format!("{leaf}-leaf.key"))).unwrap();
    let config = ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from_pem_slice(&cert).unwrap()],
            PrivateKeyDer::from_pem_slice(&key).unwrap(),
        )
        .unwrap();
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let task = tokio::spawn(async move {
        let (stream, _) = listener.accept().await.unwrap();
        let mut tls = acceptor.accept(stream).await.map_err(|e| e.to_string())?;
        let mut request = Vec::new();
        let mut buf = [0u8; 4096];
        while !request.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = tls.read(&mut buf).await.map_err(|e| e.to_string())?;
            if n == 0 {
                break;
            }
            request.extend_from_slice(&buf[..n]);
        }
        let answer = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        tls.write_all(answer.as_bytes())
            .await
            .map_err(|e| e.to_string())?;
        tls.shutdown().await.map_err(|e| e.to_string())
    });
    (port, task)
}

const TOKENS: &str =
    r#"{"access_token":"a-token","refresh_token":"r-token","token_type":"Bearer","expires_in":60}"#;

#[tokio::test]
async fn trust_store_company_ca_is_accepted_by_the_portal_client() {
    company_trust_store();
    let (port, server) = https_server("company", TOKENS).await;
    let portal = HttpPortal::new(&format!("https://127.0.0.1:{port}")).unwrap();
    portal
        .login("demo@cowdesk.example", "cowdesk-demo")
        .await
        .expect("a server certified by a CA of the system store is trusted");
    server.await.unwrap().expect("the handshake completed");
}

#[tokio::test]
async fn trust_store_company_ca_is_accepted_by_the_dns_api_client() {
    company_trust_store();
    let (port, server) = https_server("company", "[]").await;
    let api = DnsApi::new(&format!("https://127.0.0.1:{port}/dns/v1"), "u", "p").unwrap();
    let records = api.records("mueller-webdesign.de").await.unwrap();
    assert!(records.is_empty());
    server.await.unwrap().expect("the handshake completed");
}

#[tokio::test]
async fn trust_store_unknown_ca_is_still_refused() {
    company_trust_store();
    let refused = |reason: String| {
        assert!(
            ["UnknownCA", "BadCertificate", "CertificateUnknown"]
                .iter()
                .any(|alert| reason.contains(alert)),
            "{reason}"
        )
    };
    let (port, server) = https_server("other", TOKENS).await;
    let portal = HttpPortal::new(&format!("https://127.0.0.1:{port}")).unwrap();
    let error = portal
        .login("demo@cowdesk.example", "cowdesk-demo")
        .await
        .expect_err("a CA outside the store is not trusted");
    assert!(matches!(error, CoreError::Offline(_)), "{error:?}");
    refused(server.await.unwrap().expect_err("the client aborts"));

    let (port, server) = https_server("other", "[]").await;
    let api = DnsApi::new(&format!("https://127.0.0.1:{port}/dns/v1"), "u", "p").unwrap();
    assert!(api.records("mueller-webdesign.de").await.is_err());
    refused(server.await.unwrap().expect_err("the client aborts"));
}
