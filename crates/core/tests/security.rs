//! Security properties of the portal client and the cache that can be shown against real
//! servers on loopback and real files (see docs/SECURITY.md).

#[path = "support/synced.rs"]
mod synced;

use std::sync::Arc;

use cowdesk_core::error::CoreError;
use cowdesk_core::model::ErrorKind;
use cowdesk_core::portal::{HttpPortal, Portal};
use cowdesk_sandbox::SandboxConfig;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::ConnectOptions;
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

    /// When the directory was last changed: a file made and unlinked at once leaves no
    /// entry, but it moves this.
    fn changed_at(dir: &std::path::Path) -> std::time::SystemTime {
        std::fs::metadata(dir).unwrap().modified().unwrap()
    }

    /// SQLite puts what does not fit its page cache (a large sync's rows on their way in,
    /// sign-out's rebuild of the whole file) into unlinked files in /var/tmp, whose blocks
    /// keep the cache's rows after sign-out has scrubbed the cache itself. The cache keeps
    /// them in memory: a large sync and the sign-out make no file in SQLite's temporary
    /// folder, which this test points at a folder of its own.
    #[tokio::test]
    async fn the_cache_leaves_no_temporary_file_of_its_rows() {
        let temporary = tempfile::TempDir::new().unwrap();
        // SQLite reads the variable once, when it first needs a temporary file; nothing
        // else in this test binary opens a database.
        std::env::set_var("SQLITE_TMPDIR", temporary.path());

        // First, that this process's SQLite does use the folder: a connection with
        // SQLite's defaults rebuilds a few megabytes through a temporary file there.
        let before = changed_at(temporary.path());
        let other = tempfile::TempDir::new().unwrap();
        let mut plain = SqliteConnectOptions::new()
            .filename(other.path().join("plain.sqlite"))
            .create_if_missing(true)
            .connect()
            .await
            .unwrap();
        sqlx::raw_sql(
            "CREATE TABLE t (body TEXT);
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
             INSERT INTO t SELECT printf('%.200c', 'x') || i FROM n;
             VACUUM;",
        )
        .execute(&mut plain)
        .await
        .unwrap();
        assert_ne!(
            changed_at(temporary.path()),
            before,
            "SQLite made no temporary file in SQLITE_TMPDIR: the check below would prove nothing"
        );

        let before = changed_at(temporary.path());
        let p = synced::synced(SandboxConfig {
            invoices: 2000,
            domains: 300,
            mailboxes: 12000,
            ..SandboxConfig::default()
        })
        .await;
        let cached = p.core.mailboxes(synced::OWN).await.unwrap();
        assert_eq!(cached.items.len(), 12000);
        p.core.logout().await.unwrap();
        assert_eq!(
            changed_at(temporary.path()),
            before,
            "the sync or the sign-out wrote a temporary file"
        );
    }
}
