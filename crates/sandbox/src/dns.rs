//! The simulated DNS: zones held in the sandbox's state, changed through the DNS API
//! simulator (`dnsapi.rs`), and served over real DNS (UDP and TCP on loopback) so that a
//! resolver sees every change at once.

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard};

use hickory_server::net::runtime::Time;
use hickory_server::proto::rr::rdata::{CNAME, MX, SOA, TXT};
use hickory_server::proto::rr::{Name, RData, Record};
use hickory_server::server::{Request, RequestHandler, ResponseHandler, ResponseInfo};
use hickory_server::store::in_memory::InMemoryZoneHandler;
use hickory_server::zone_handler::{AxfrPolicy, Catalog, ZoneHandler, ZoneType};
use hickory_server::Server;

use crate::data::AccountData;
use crate::dnskeys::{dkim_record, DKIM_RSA_2048};

/// The DNS API login the sandbox accepts.
pub const DNS_API_USERNAME: &str = "cowdesk-dns";
pub const DNS_API_PASSWORD: &str = "dns-api-demo";

/// What `spf.mailcow.de` publishes in the simulation: addresses only, no lookups.
pub const MAILCOW_SPF: &str = "v=spf1 ip4:185.253.0.0/22 ip6:2a00:11c0::/32 -all";

/// One (name, type) set: the values and their TTL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordSet {
    pub ttl: u32,
    pub values: Vec<String>,
}

/// A zone: (relative name, upper-case type) -> set. `editable` zones belong to the DNS
/// API user; the others (mailcow.de) only exist so a resolver can follow references.
#[derive(Debug, Clone, Default)]
pub struct Zone {
    pub editable: bool,
    pub sets: BTreeMap<(String, String), RecordSet>,
}

impl Zone {
    pub fn new(editable: bool) -> Zone {
        Zone {
            editable,
            sets: BTreeMap::new(),
        }
    }

    /// Adds (replaces) a set; `name` relative, `""` for the apex.
    pub fn with(mut self, name: &str, record_type: &str, values: &[&str]) -> Zone {
        self.sets.insert(
            (name.to_ascii_lowercase(), record_type.to_ascii_uppercase()),
            RecordSet {
                ttl: 3600,
                values: values.iter().map(|v| (*v).to_owned()).collect(),
            },
        );
        self
    }
}

#[derive(Default)]
struct ZonesInner {
    zones: BTreeMap<String, Zone>,
    /// Bumped on every change; the DNS server rebuilds its catalog when it moved.
    version: u64,
}

/// The zones, shared by the DNS API simulator and the DNS server.
#[derive(Clone, Default)]
pub struct DnsZones {
    inner: Arc<Mutex<ZonesInner>>,
}

impl DnsZones {
    fn lock(&self) -> MutexGuard<'_, ZonesInner> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Demo zones for every generated domain, plus mailcow.de.
    pub(crate) fn generated(accounts: &[AccountData]) -> DnsZones {
        let zones = DnsZones::default();
        zones.put_zone("mailcow.de", mailcow_zone());
        for data in accounts {
            for domain in &data.domains {
                let zone = if is_broken_demo_domain(&domain.name) {
                    broken_zone(&domain.name)
                } else {
                    good_zone(&domain.name)
                };
                zones.put_zone(&domain.name, zone);
            }
        }
        zones
    }

    /// Adds or replaces a whole zone.
    pub fn put_zone(&self, zone: &str, content: Zone) {
        let mut inner = self.lock();
        inner.zones.insert(zone.to_ascii_lowercase(), content);
        inner.version += 1;
    }

    pub fn zone(&self, zone: &str) -> Option<Zone> {
        self.lock().zones.get(&zone.to_ascii_lowercase()).cloned()
    }

    /// The values of one set (empty when there is none).
    pub fn values(&self, zone: &str, name: &str, record_type: &str) -> Vec<String> {
        self.zone(zone)
            .and_then(|z| {
                z.sets
                    .get(&(name.to_ascii_lowercase(), record_type.to_ascii_uppercase()))
                    .map(|s| s.values.clone())
            })
            .unwrap_or_default()
    }

    /// Replaces a set of an editable zone; `false` when the zone is not the user's.
    pub(crate) fn replace(
        &self,
        zone: &str,
        name: &str,
        record_type: &str,
        set: RecordSet,
    ) -> bool {
        let mut inner = self.lock();
        let Some(z) = inner.zones.get_mut(zone).filter(|z| z.editable) else {
            return false;
        };
        z.sets
            .insert((name.to_owned(), record_type.to_owned()), set);
        inner.version += 1;
        true
    }

    pub(crate) fn delete(&self, zone: &str, name: &str, record_type: &str) -> bool {
        let mut inner = self.lock();
        let Some(z) = inner.zones.get_mut(zone).filter(|z| z.editable) else {
            return false;
        };
        z.sets.remove(&(name.to_owned(), record_type.to_owned()));
        inner.version += 1;
        true
    }

    pub(crate) fn editable_zone(&self, zone: &str) -> Option<Zone> {
        self.zone(zone).filter(|z| z.editable)
    }

    fn catalog(&self) -> (u64, Arc<Catalog>) {
        let inner = self.lock();
        let mut catalog = Catalog::new();
        for (origin, zone) in &inner.zones {
            match zone_handler(origin, zone) {
                Ok((name, handler)) => catalog.upsert(name.into(), vec![handler]),
                Err(err) => tracing::warn!("zone {origin} not served: {err}"),
            }
        }
        (inner.version, Arc::new(catalog))
    }

    fn version(&self) -> u64 {
        self.lock().version
    }
}

/// The second generated domain of each account (`<name>-1.<tld>`) has the broken mail
/// DNS of the demo: an old provider's MX, an SPF record without mailcow and with `?all`,
/// DMARC p=reject while SPF fails, no autoconfig alias, autodiscover elsewhere.
pub fn is_broken_demo_domain(domain: &str) -> bool {
    domain
        .split('.')
        .next()
        .is_some_and(|label| label.ends_with("-1"))
}

/// A zone that passes every check of the doctor.
pub fn good_zone(domain: &str) -> Zone {
    let dkim = dkim_record(DKIM_RSA_2048);
    let dmarc = format!("v=DMARC1; p=quarantine; rua=mailto:postmaster@{domain}");
    Zone::new(true)
        .with("", "A", &["203.0.113.10"])
        .with("", "MX", &["10 hosted.mailcow.de."])
        .with(
            "",
            "TXT",
            &[
                "v=spf1 include:spf.mailcow.de ~all",
                "google-site-verification=4vQm8XtR2dLkP9wE",
            ],
        )
        .with("dkim._domainkey", "TXT", &[&dkim])
        .with("_dmarc", "TXT", &[&dmarc])
        .with("autoconfig", "CNAME", &["hosted.mailcow.de."])
        .with("autodiscover", "CNAME", &["hosted.mailcow.de."])
        .with("www", "A", &["203.0.113.10"])
}

pub fn broken_zone(domain: &str) -> Zone {
    let dkim = dkim_record(DKIM_RSA_2048);
    let dmarc = format!("v=DMARC1; p=reject; rua=mailto:dmarc@{domain}");
    Zone::new(true)
        .with("", "A", &["203.0.113.20"])
        .with("", "MX", &["10 mx.old-provider.example."])
        .with(
            "",
            "TXT",
            &[
                "google-site-verification=4vQm8XtR2dLkP9wE",
                "v=spf1 ip4:203.0.113.20 ?all",
            ],
        )
        .with("dkim._domainkey", "TXT", &[&dkim])
        .with("_dmarc", "TXT", &[&dmarc])
        .with(
            "autodiscover",
            "CNAME",
            &["autodiscover.old-provider.example."],
        )
        .with("www", "A", &["203.0.113.20"])
}

fn mailcow_zone() -> Zone {
    Zone::new(false)
        .with("hosted", "A", &["185.253.1.10"])
        .with("hosted", "AAAA", &["2a00:11c0:1::10"])
        .with("spf", "TXT", &[MAILCOW_SPF])
}

/// The zone as hickory records, SOA first.
fn zone_handler(origin: &str, zone: &Zone) -> Result<(Name, Arc<dyn ZoneHandler>), String> {
    let origin_name = Name::from_ascii(format!("{origin}.")).map_err(|e| e.to_string())?;
    let mut handler =
        InMemoryZoneHandler::<hickory_server::net::runtime::TokioRuntimeProvider>::empty(
            origin_name.clone(),
            ZoneType::Primary,
            AxfrPolicy::Deny,
        );
    let serial = 1;
    let soa = SOA::new(
        Name::from_ascii(format!("ns.{origin}.")).map_err(|e| e.to_string())?,
        Name::from_ascii(format!("hostmaster.{origin}.")).map_err(|e| e.to_string())?,
        serial,
        3600,
        600,
        86400,
        60,
    );
    handler.upsert_mut(
        Record::from_rdata(origin_name.clone(), 3600, RData::SOA(soa)),
        serial,
    );
    for ((name, record_type), set) in &zone.sets {
        let owner = if name.is_empty() {
            origin_name.clone()
        } else {
            Name::from_ascii(format!("{name}.{origin}.")).map_err(|e| e.to_string())?
        };
        for value in &set.values {
            let Some(rdata) = rdata(record_type, value) else {
                // TLSA, CAA and malformed values are kept in the API but not served.
                continue;
            };
            handler.upsert_mut(Record::from_rdata(owner.clone(), set.ttl, rdata), serial);
        }
    }
    Ok((origin_name, Arc::new(handler)))
}

fn rdata(record_type: &str, value: &str) -> Option<RData> {
    let name = |v: &str| {
        let v = v.trim();
        let fqdn = if v.ends_with('.') {
            v.to_owned()
        } else {
            format!("{v}.")
        };
        Name::from_ascii(fqdn).ok()
    };
    Some(match record_type {
        "A" => RData::A(value.trim().parse::<Ipv4Addr>().ok()?.into()),
        "AAAA" => RData::AAAA(value.trim().parse::<Ipv6Addr>().ok()?.into()),
        "MX" => {
            let (preference, host) = value.trim().split_once(' ')?;
            RData::MX(MX::new(preference.parse().ok()?, name(host)?))
        }
        "CNAME" => RData::CNAME(CNAME(name(value)?)),
        // One TXT value, split into the 255-byte character strings DNS carries.
        "TXT" => RData::TXT(TXT::from_bytes(value.as_bytes().chunks(255).collect())),
        _ => return None,
    })
}

/// Serves the zones as they are at each query.
struct LiveCatalog {
    zones: DnsZones,
    cached: Mutex<(u64, Arc<Catalog>)>,
}

impl LiveCatalog {
    fn current(&self) -> Arc<Catalog> {
        let version = self.zones.version();
        let mut cached = self
            .cached
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if cached.0 != version {
            *cached = self.zones.catalog();
        }
        cached.1.clone()
    }
}

#[async_trait::async_trait]
impl RequestHandler for LiveCatalog {
    async fn handle_request<R: ResponseHandler, T: Time>(
        &self,
        request: &Request,
        response_handle: R,
    ) -> ResponseInfo {
        let catalog = self.current();
        catalog
            .handle_request::<R, T>(request, response_handle)
            .await
    }
}

/// A DNS server for the zones on 127.0.0.1, UDP and TCP on the same port. Stops when
/// dropped.
pub struct DnsServer {
    addr: SocketAddr,
    _server: Server<LiveCatalog>,
}

impl DnsServer {
    pub async fn start(zones: DnsZones) -> std::io::Result<DnsServer> {
        // The UDP port is free; TCP on the same number usually is too. Try a few times.
        let mut last_error = None;
        for _ in 0..20 {
            let udp = tokio::net::UdpSocket::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
            let addr = udp.local_addr()?;
            match tokio::net::TcpListener::bind(addr).await {
                Ok(tcp) => {
                    let (version, catalog) = zones.catalog();
                    let handler = LiveCatalog {
                        zones,
                        cached: Mutex::new((version, catalog)),
                    };
                    let mut server = Server::new(handler);
                    server.register_socket(udp);
                    server.register_listener(tcp, std::time::Duration::from_secs(5), 64);
                    return Ok(DnsServer {
                        addr,
                        _server: server,
                    });
                }
                Err(err) => last_error = Some(err),
            }
        }
        Err(last_error.unwrap_or_else(|| std::io::Error::other("no free port")))
    }

    /// Where to point a resolver: `127.0.0.1:PORT`.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}
