//! The resolver the doctor asks: the system's (resolv.conf) or one given server. No cache,
//! so a check right after "Fix it" sees the zone as it is now, not as it was.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use hickory_resolver::config::{ConnectionConfig, NameServerConfig, ResolverConfig, ResolverOpts};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::net::NetError;
use hickory_resolver::proto::rr::{RData, RecordType};
use hickory_resolver::TokioResolver;

use crate::error::CoreError;

const TIMEOUT: Duration = Duration::from_secs(4);
const ATTEMPTS: usize = 2;

/// Why a name could not be looked up (not: "it has no such records", which is an answer).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("DNS lookup of {name} failed: {reason}")]
pub struct LookupFailure {
    pub name: String,
    pub reason: String,
}

pub struct DnsLookup {
    resolver: TokioResolver,
    server: Option<SocketAddr>,
}

impl DnsLookup {
    /// The system's resolver configuration.
    pub fn system() -> Result<DnsLookup, CoreError> {
        let mut builder = TokioResolver::builder_tokio()
            .map_err(|e| CoreError::Internal(format!("system resolver: {e}")))?;
        tune(builder.options_mut());
        let resolver = builder
            .build()
            .map_err(|e| CoreError::Internal(format!("system resolver: {e}")))?;
        Ok(DnsLookup {
            resolver,
            server: None,
        })
    }

    /// One server, over UDP with TCP for truncated answers.
    pub fn at(server: SocketAddr) -> Result<DnsLookup, CoreError> {
        let connection = |mut c: ConnectionConfig| {
            c.port = server.port();
            c
        };
        let name_server = NameServerConfig::new(
            server.ip(),
            true,
            vec![
                connection(ConnectionConfig::udp()),
                connection(ConnectionConfig::tcp()),
            ],
        );
        let config = ResolverConfig::from_name_servers(vec![name_server]);
        let mut builder =
            TokioResolver::builder_with_config(config, TokioRuntimeProvider::default());
        tune(builder.options_mut());
        let resolver = builder
            .build()
            .map_err(|e| CoreError::Internal(format!("resolver: {e}")))?;
        Ok(DnsLookup {
            resolver,
            server: Some(server),
        })
    }

    /// `system()` for `None`, `at()` otherwise.
    pub fn new(server: Option<SocketAddr>) -> Result<DnsLookup, CoreError> {
        match server {
            Some(server) => DnsLookup::at(server),
            None => DnsLookup::system(),
        }
    }

    pub fn server(&self) -> Option<SocketAddr> {
        self.server
    }

    /// The TXT strings of `name`, each record's character strings joined (as SPF, DKIM and
    /// DMARC read them). Empty when the name or the type does not exist.
    pub async fn txt(&self, name: &str) -> Result<Vec<String>, LookupFailure> {
        let records = self.rdata(name, RecordType::TXT).await?;
        Ok(records
            .into_iter()
            .filter_map(|rdata| match rdata {
                RData::TXT(txt) => Some(
                    txt.txt_data
                        .iter()
                        .map(|part| String::from_utf8_lossy(part).into_owned())
                        .collect::<String>(),
                ),
                _ => None,
            })
            .collect())
    }

    /// (preference, host without the trailing dot, lower case).
    pub async fn mx(&self, name: &str) -> Result<Vec<(u16, String)>, LookupFailure> {
        let records = self.rdata(name, RecordType::MX).await?;
        let mut hosts: Vec<(u16, String)> = records
            .into_iter()
            .filter_map(|rdata| match rdata {
                RData::MX(mx) => Some((mx.preference, host_name(&mx.exchange.to_ascii()))),
                _ => None,
            })
            .collect();
        hosts.sort();
        Ok(hosts)
    }

    /// The CNAME target of `name` (without the trailing dot), if it is an alias.
    pub async fn cname(&self, name: &str) -> Result<Option<String>, LookupFailure> {
        let records = self.rdata(name, RecordType::CNAME).await?;
        Ok(records.into_iter().find_map(|rdata| match rdata {
            RData::CNAME(target) => Some(host_name(&target.0.to_ascii())),
            _ => None,
        }))
    }

    /// How many A and AAAA records `name` has.
    pub async fn address_count(&self, name: &str) -> Result<usize, LookupFailure> {
        let v4 = self.rdata(name, RecordType::A).await?;
        let v6 = self.rdata(name, RecordType::AAAA).await?;
        Ok(v4.len() + v6.len())
    }

    /// Asks the resolver once about `name` (its SOA): `Ok` as soon as any answer comes
    /// back (an empty one, "no such domain", a refusal), `Err` when no answer comes at all
    /// (timeout, nothing listening, no network): then nothing can be checked.
    pub async fn reachable(&self, name: &str) -> Result<(), LookupFailure> {
        let fqdn = format!("{}.", name.trim_end_matches('.'));
        let failure = |reason: String| LookupFailure {
            name: name.to_owned(),
            reason,
        };
        // Every attempt on every transport has its own timeout; this bounds the whole.
        let limit = TIMEOUT * (2 * ATTEMPTS as u32);
        match tokio::time::timeout(limit, self.resolver.lookup(fqdn.as_str(), RecordType::SOA))
            .await
        {
            Err(_) => Err(failure("timeout".to_owned())),
            Ok(Ok(_)) | Ok(Err(NetError::Dns(_))) => Ok(()),
            Ok(Err(err)) => Err(failure(failure_reason(&err))),
        }
    }

    async fn rdata(
        &self,
        name: &str,
        record_type: RecordType,
    ) -> Result<Vec<RData>, LookupFailure> {
        let fqdn = format!("{}.", name.trim_end_matches('.'));
        match self.resolver.lookup(fqdn.as_str(), record_type).await {
            Ok(lookup) => Ok(lookup
                .answers()
                .iter()
                .filter(|r| r.record_type() == record_type)
                .map(|r| r.data.clone())
                .collect()),
            Err(err) if is_no_records(&err) => Ok(Vec::new()),
            Err(err) => Err(LookupFailure {
                name: name.to_owned(),
                reason: failure_reason(&err),
            }),
        }
    }
}

fn tune(options: &mut ResolverOpts) {
    options.timeout = TIMEOUT;
    options.attempts = ATTEMPTS;
    options.cache_size = 0;
    options.ndots = 0;
}

fn is_no_records(err: &NetError) -> bool {
    err.is_no_records_found() || err.is_nx_domain()
}

/// Short and stable enough to show: "timeout", "refused", or the resolver's words.
fn failure_reason(err: &NetError) -> String {
    match err {
        NetError::Timeout => "timeout".to_owned(),
        other => other.to_string(),
    }
}

/// `Host.Example.` -> `host.example`.
pub fn host_name(name: &str) -> String {
    name.trim_end_matches('.').to_ascii_lowercase()
}

/// A resolver address as typed: `ip` (port 53) or `ip:port` (`[v6]:port` for IPv6).
pub fn parse_resolver(value: &str) -> Result<SocketAddr, CoreError> {
    let value = value.trim();
    let parsed = value.parse::<SocketAddr>().ok().or_else(|| {
        value
            .parse::<IpAddr>()
            .ok()
            .map(|ip| SocketAddr::new(ip, 53))
    });
    match parsed {
        Some(addr) if addr.port() != 0 && !addr.ip().is_unspecified() => Ok(addr),
        _ => Err(CoreError::field(
            "resolver",
            "Enter the resolver as an IP address, optionally with a port (e.g. 9.9.9.9 or 127.0.0.1:5353).",
            "Geben Sie den Resolver als IP-Adresse ein, optional mit Port (z. B. 9.9.9.9 oder 127.0.0.1:5353).",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dnscheck_resolver_addresses() {
        assert_eq!(parse_resolver("9.9.9.9").unwrap().to_string(), "9.9.9.9:53");
        assert_eq!(
            parse_resolver(" 127.0.0.1:5353 ").unwrap().to_string(),
            "127.0.0.1:5353"
        );
        assert_eq!(parse_resolver("::1").unwrap().to_string(), "[::1]:53");
        assert_eq!(parse_resolver("[::1]:54").unwrap().to_string(), "[::1]:54");
        for bad in [
            "",
            "dns.google",
            "1.2.3.4:0",
            "0.0.0.0",
            "1.2.3.4:99999",
            "1.2.3",
        ] {
            assert!(parse_resolver(bad).is_err(), "{bad}");
        }
    }
}
