//! cowdesk-sandbox: a local simulator of the Servercow customer portal, speaking
//! cowdesk's portal contract (docs/portal-api.yaml) over HTTP on loopback only.
//! The `cowdesk-sandbox` program (src/main.rs) serves it for the window's demo mode and
//! `cowdesk sandbox`; tests also use it in-process, as a real server with knobs and faults.

mod auth;
mod billing;
mod config;
mod data;
mod dns;
mod dnsapi;
mod dnskeys;
mod domains;
mod faults;
mod generate;
mod http;
mod iban;
mod idempotency;
mod mandates;
mod pdf;
mod routes;
mod scenarios;
mod secret_log;
mod state;
mod yopass;

use std::net::SocketAddr;
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use billing::MAX_ATTACHMENT_BYTES;
pub use config::SandboxConfig;
pub use data::AccountData;
pub use dns::{
    broken_zone, good_zone, is_broken_demo_domain, DnsServer, DnsZones, RecordSet, Zone,
    DNS_API_PASSWORD, DNS_API_USERNAME, MAILCOW_SPF,
};
pub use dnskeys::{dkim_record, DKIM_RSA_1024, DKIM_RSA_2048};
pub use faults::{Disruption, DisruptionKind, Fault, PageShift};
pub use mandates::NO_DEBIT_IBAN;
pub use routes::ROUTES;
pub use scenarios::DemoEvent;
pub use secret_log::record as record_secret;
pub use state::SandboxHandle;
pub use yopass::{
    StoredSecret, YopassConfig, YopassDouble, YopassServer, YopassVersion, YOPASS_EXPIRIES,
    YOPASS_MAX_LENGTH,
};

/// The demo login.
pub const DEMO_EMAIL: &str = "demo@cowdesk.example";
/// The demo login's own account, and the one shared with it under the "Accounting" role.
pub const DEMO_OWN_ACCOUNT: &str = "acc-100001";
pub const DEMO_SHARED_ACCOUNT: &str = "acc-200002";
pub const DEMO_PASSWORD: &str = "cowdesk-demo";
/// A second login, owner of an account the demo user cannot see.
pub const OTHER_EMAIL: &str = "other@cowdesk.example";
pub const OTHER_PASSWORD: &str = "other-password";
/// The owner of the bakery account the demo login sees with the accounting role: a login
/// that sees more of that account than the demo login does.
pub const SHARED_OWNER_EMAIL: &str = "jonas@baeckerei-schmidt.example";
pub const SHARED_OWNER_PASSWORD: &str = "jonas-password";

const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

/// A running sandbox; stops when shut down or dropped.
pub struct Sandbox {
    addr: SocketAddr,
    handle: SandboxHandle,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
    /// The zones served over DNS, once `serve_dns` was called.
    dns: Option<DnsServer>,
}

impl Sandbox {
    /// Serves on 127.0.0.1 with a random free port.
    pub async fn start(config: SandboxConfig) -> std::io::Result<Sandbox> {
        Sandbox::start_on(SocketAddr::from(([127, 0, 0, 1], 0)), config).await
    }

    /// Serves on `addr`, which must be a loopback address: the sandbox holds sample
    /// credentials and must never be reachable from the network.
    pub async fn start_on(addr: SocketAddr, config: SandboxConfig) -> std::io::Result<Sandbox> {
        if !addr.ip().is_loopback() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "the sandbox listens on loopback addresses only",
            ));
        }
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let handle = SandboxHandle::new(&config);
        let app = routes::router(handle.clone());
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let served = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
            if let Err(err) = served {
                tracing::warn!("sandbox stopped: {err}");
            }
        });
        Ok(Sandbox {
            addr,
            handle,
            stop: Some(stop),
            task: Some(task),
            dns: None,
        })
    }

    /// "http://127.0.0.1:PORT", without a trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn handle(&self) -> SandboxHandle {
        self.handle.clone()
    }

    /// Serves the sandbox's zones over DNS on 127.0.0.1 (UDP and TCP, one port), the
    /// zones the DNS API simulator changes; returns the resolver address. Idempotent.
    pub async fn serve_dns(&mut self) -> std::io::Result<SocketAddr> {
        if let Some(dns) = &self.dns {
            return Ok(dns.addr());
        }
        let server = DnsServer::start(self.handle.dns()).await?;
        let addr = server.addr();
        self.dns = Some(server);
        Ok(addr)
    }

    /// The secret service double's base URL (Yopass 14), e.g. `http://127.0.0.1:PORT/yopass`.
    pub fn yopass_url(&self) -> String {
        format!("{}{}", self.base_url(), routes::YOPASS_PREFIX)
    }

    /// The DNS API simulator's base URL, e.g. `http://127.0.0.1:PORT/dns/v1`.
    pub fn dns_api_url(&self) -> String {
        format!("{}/dns/v1", self.base_url())
    }

    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(mut task) = self.task.take() {
            // Open keep-alive connections may hold a graceful shutdown open; give them
            // a moment, then cut them.
            if tokio::time::timeout(SHUTDOWN_GRACE, &mut task)
                .await
                .is_err()
            {
                task.abort();
                let _ = task.await;
            }
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}
