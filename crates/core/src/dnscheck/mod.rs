//! The mail DNS doctor: MX, SPF, DKIM, DMARC and the autoconfig/autodiscover aliases of a
//! domain, checked with a real resolver against the rules of the hosted mailcow
//! (EXTERNAL-APIS.md §5). Every finding has a stable code and parameters; the UI and the
//! command line word it. Where a record would fix it, the finding carries the exact record.

pub mod dkim;
pub mod dmarc;
pub mod fix;
pub mod lookup;
pub mod pending;
mod service;
pub use service::LEGACY_SECRET_DNS_API;
pub mod spf;

use std::collections::BTreeMap;

use chrono::Utc;
use cowdesk_model::{DnsCheck, DnsFinding, DnsProgress, DnsRecord, DnsReport, DnsStatus};

pub use lookup::{parse_resolver, DnsLookup, LookupFailure};

use crate::mailconfig::HOSTED_MAILCOW;

/// The names of the autoconfig helpers, relative to the domain.
pub const AUTOCONFIG_NAMES: [&str; 2] = ["autoconfig", "autodiscover"];

/// Runs every check on `domain` (already validated), reporting each step.
pub async fn check_domain(
    dns: &DnsLookup,
    domain: &str,
    progress: &(dyn Fn(DnsProgress) + Send + Sync),
) -> DnsReport {
    let total = DnsCheck::ALL.len() as u32;
    let step = |check: DnsCheck, done: u32| {
        progress(DnsProgress {
            domain: domain.to_owned(),
            step: check.as_str().to_owned(),
            done,
            total,
        })
    };
    let mut findings = Vec::new();
    step(DnsCheck::Mx, 0);
    findings.extend(check_mx(dns, domain).await);
    step(DnsCheck::Spf, 1);
    findings.extend(check_spf(dns, domain).await);
    step(DnsCheck::Dkim, 2);
    findings.extend(check_dkim(dns, domain).await);
    let spf_ok = worst(&findings, DnsCheck::Spf) != DnsStatus::Fail;
    let dkim_ok = worst(&findings, DnsCheck::Dkim) != DnsStatus::Fail;
    step(DnsCheck::Dmarc, 3);
    findings.extend(check_dmarc(dns, domain, spf_ok, dkim_ok).await);
    step(DnsCheck::Autoconfig, 4);
    findings.extend(check_autoconfig(dns, domain).await);
    progress(DnsProgress {
        domain: domain.to_owned(),
        step: "done".to_owned(),
        done: total,
        total,
    });
    let status = findings
        .iter()
        .map(|f| f.status)
        .max()
        .unwrap_or(DnsStatus::Pass);
    DnsReport {
        domain: domain.to_owned(),
        resolver: dns.server().map(|s| s.to_string()),
        checked_at: Utc::now(),
        status,
        findings,
    }
}

fn worst(findings: &[DnsFinding], check: DnsCheck) -> DnsStatus {
    findings
        .iter()
        .filter(|f| f.check == check)
        .map(|f| f.status)
        .max()
        .unwrap_or(DnsStatus::Pass)
}

/// A finding; parameters as (name, value) pairs.
fn finding(
    check: DnsCheck,
    status: DnsStatus,
    code: &str,
    params: &[(&str, String)],
    record: Option<DnsRecord>,
) -> DnsFinding {
    DnsFinding {
        check,
        status,
        code: code.to_owned(),
        params: params
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect::<BTreeMap<_, _>>(),
        record,
    }
}

fn record(name: &str, record_type: &str, value: String) -> Option<DnsRecord> {
    Some(DnsRecord {
        name: name.to_owned(),
        record_type: record_type.to_owned(),
        value,
    })
}

fn lookup_failed(check: DnsCheck, failure: &LookupFailure) -> DnsFinding {
    finding(
        check,
        DnsStatus::Fail,
        "lookup_failed",
        &[
            ("name", failure.name.clone()),
            ("reason", failure.reason.clone()),
        ],
        None,
    )
}

pub fn mailcow_mx() -> String {
    format!("10 {HOSTED_MAILCOW}.")
}

async fn check_mx(dns: &DnsLookup, domain: &str) -> Vec<DnsFinding> {
    let hosts = match dns.mx(domain).await {
        Ok(hosts) => hosts,
        Err(failure) => return vec![lookup_failed(DnsCheck::Mx, &failure)],
    };
    let wanted = record(domain, "MX", mailcow_mx());
    if hosts.is_empty() {
        return vec![finding(
            DnsCheck::Mx,
            DnsStatus::Fail,
            "mx_missing",
            &[],
            wanted,
        )];
    }
    let others: Vec<String> = hosts
        .iter()
        .filter(|(_, host)| host != HOSTED_MAILCOW)
        .map(|(_, host)| host.clone())
        .collect();
    if others.is_empty() {
        vec![finding(DnsCheck::Mx, DnsStatus::Pass, "mx_ok", &[], None)]
    } else {
        vec![finding(
            DnsCheck::Mx,
            DnsStatus::Fail,
            "mx_wrong",
            &[("found", others.join(", "))],
            wanted,
        )]
    }
}

async fn check_spf(dns: &DnsLookup, domain: &str) -> Vec<DnsFinding> {
    let txt = match dns.txt(domain).await {
        Ok(txt) => txt,
        Err(failure) => return vec![lookup_failed(DnsCheck::Spf, &failure)],
    };
    let records: Vec<&str> = txt
        .iter()
        .map(String::as_str)
        .filter(|t| spf::is_spf(t))
        .collect();
    let merged = record(domain, "TXT", spf::merge(&records));
    let fail = |code: &str, params: &[(&str, String)], rec: Option<DnsRecord>| {
        finding(DnsCheck::Spf, DnsStatus::Fail, code, params, rec)
    };
    let one = match records.as_slice() {
        [] => return vec![fail("spf_missing", &[], merged)],
        [one] => *one,
        many => {
            return vec![fail(
                "spf_multiple",
                &[("count", many.len().to_string())],
                merged,
            )]
        }
    };
    let parsed = match spf::parse(one) {
        Ok(parsed) => parsed,
        Err(err) => return vec![fail("spf_invalid", &[("term", err.term)], None)],
    };
    let expansion = spf::expand(dns, domain, &parsed).await;
    let mut findings = Vec::new();
    if !expansion.includes_mailcow {
        findings.push(fail("spf_no_mailcow", &[], merged.clone()));
    }
    if expansion.lookups > spf::MAX_LOOKUPS {
        findings.push(fail(
            "spf_too_many_lookups",
            &[
                ("count", expansion.lookups.to_string()),
                ("max", spf::MAX_LOOKUPS.to_string()),
            ],
            None,
        ));
    }
    if expansion.void_lookups > spf::MAX_VOID_LOOKUPS {
        findings.push(fail(
            "spf_too_many_void_lookups",
            &[
                ("count", expansion.void_lookups.to_string()),
                ("max", spf::MAX_VOID_LOOKUPS.to_string()),
            ],
            None,
        ));
    }
    for target in &expansion.loops {
        findings.push(fail(
            "spf_include_loop",
            &[("domain", target.clone())],
            None,
        ));
    }
    for target in &expansion.broken_includes {
        findings.push(fail(
            "spf_include_broken",
            &[("domain", target.clone())],
            None,
        ));
    }
    for name in &expansion.failures {
        findings.push(lookup_failed(
            DnsCheck::Spf,
            &LookupFailure {
                name: name.clone(),
                reason: "no answer".to_owned(),
            },
        ));
    }
    let all_ok = matches!(
        parsed.all(),
        Some(spf::Qualifier::Fail | spf::Qualifier::SoftFail)
    ) && parsed.all_is_last();
    // A record without `all` that redirects ends where the redirect's record ends.
    let ends_in_redirect = parsed.all().is_none() && parsed.redirect().is_some();
    if !(all_ok || ends_in_redirect) {
        findings.push(fail(
            "spf_bad_all",
            &[("found", parsed.all_text())],
            merged.clone(),
        ));
    }
    if findings.is_empty() {
        findings.push(finding(
            DnsCheck::Spf,
            DnsStatus::Pass,
            "spf_ok",
            &[
                ("lookups", expansion.lookups.to_string()),
                ("max", spf::MAX_LOOKUPS.to_string()),
            ],
            None,
        ));
    }
    findings
}

pub fn dkim_name(domain: &str) -> String {
    format!("{}._domainkey.{domain}", dkim::SELECTOR)
}

async fn check_dkim(dns: &DnsLookup, domain: &str) -> Vec<DnsFinding> {
    let name = dkim_name(domain);
    let txt = match dns.txt(&name).await {
        Ok(txt) => txt,
        Err(failure) => return vec![lookup_failed(DnsCheck::Dkim, &failure)],
    };
    let keys: Vec<&String> = txt.iter().filter(|t| dkim::is_dkim(t)).collect();
    let params = [("name", name.clone())];
    let one = match keys.as_slice() {
        [] => {
            return vec![finding(
                DnsCheck::Dkim,
                DnsStatus::Fail,
                "dkim_missing",
                &params,
                None,
            )]
        }
        [one] => *one,
        many => {
            return vec![finding(
                DnsCheck::Dkim,
                DnsStatus::Fail,
                "dkim_multiple",
                &[("name", name.clone()), ("count", many.len().to_string())],
                None,
            )]
        }
    };
    let (status, code, extra) = match dkim::parse_record(one) {
        Ok(dkim::DkimKey::Rsa { bits }) if bits < dkim::FAIL_BELOW_BITS => (
            DnsStatus::Fail,
            "dkim_too_weak",
            Some(("bits", bits.to_string())),
        ),
        Ok(dkim::DkimKey::Rsa { bits }) if bits < dkim::WARN_BELOW_BITS => (
            DnsStatus::Warn,
            "dkim_weak",
            Some(("bits", bits.to_string())),
        ),
        Ok(dkim::DkimKey::Rsa { bits }) => {
            (DnsStatus::Pass, "dkim_ok", Some(("bits", bits.to_string())))
        }
        Ok(dkim::DkimKey::Ed25519) => (
            DnsStatus::Pass,
            "dkim_ok",
            Some(("bits", "256 (Ed25519)".to_owned())),
        ),
        Ok(dkim::DkimKey::Revoked) => (DnsStatus::Fail, "dkim_revoked", None),
        Err(err) => (
            DnsStatus::Fail,
            "dkim_invalid",
            Some(("reason", err.code().to_owned())),
        ),
    };
    let mut params = params.to_vec();
    params.extend(extra);
    vec![finding(DnsCheck::Dkim, status, code, &params, None)]
}

pub fn dmarc_name(domain: &str) -> String {
    format!("_dmarc.{domain}")
}

async fn check_dmarc(
    dns: &DnsLookup,
    domain: &str,
    spf_ok: bool,
    dkim_ok: bool,
) -> Vec<DnsFinding> {
    let name = dmarc_name(domain);
    let txt = match dns.txt(&name).await {
        Ok(txt) => txt,
        Err(failure) => return vec![lookup_failed(DnsCheck::Dmarc, &failure)],
    };
    let records: Vec<&String> = txt.iter().filter(|t| dmarc::is_dmarc(t)).collect();
    let one = match records.as_slice() {
        [] if spf_ok && dkim_ok => {
            return vec![finding(
                DnsCheck::Dmarc,
                DnsStatus::Warn,
                "dmarc_missing",
                &[],
                record(&name, "TXT", dmarc::recommended(domain)),
            )]
        }
        // The FAQ: DMARC only once SPF and DKIM verifiably work.
        [] => {
            return vec![finding(
                DnsCheck::Dmarc,
                DnsStatus::Warn,
                "dmarc_wait",
                &[],
                None,
            )]
        }
        [one] => *one,
        many => {
            return vec![finding(
                DnsCheck::Dmarc,
                DnsStatus::Fail,
                "dmarc_multiple",
                &[("count", many.len().to_string())],
                None,
            )]
        }
    };
    let parsed = match dmarc::parse(one) {
        Ok(parsed) => parsed,
        Err(err) => {
            let mut params = vec![("reason", err.code().to_owned())];
            if let Some(tag) = err.tag() {
                params.push(("tag", tag.to_owned()));
            }
            let fixed = matches!(err, dmarc::DmarcError::MissingPolicy)
                .then(|| record(&name, "TXT", dmarc::with_policy(one, "none")))
                .flatten();
            return vec![finding(
                DnsCheck::Dmarc,
                DnsStatus::Fail,
                "dmarc_invalid",
                &params,
                fixed,
            )];
        }
    };
    let mut findings = Vec::new();
    if parsed.policy != "none" && !(spf_ok && dkim_ok) {
        let missing = match (spf_ok, dkim_ok) {
            (false, false) => "spf_dkim",
            (false, true) => "spf",
            _ => "dkim",
        };
        findings.push(finding(
            DnsCheck::Dmarc,
            DnsStatus::Fail,
            "dmarc_too_early",
            &[
                ("policy", parsed.policy.clone()),
                ("missing", missing.to_owned()),
            ],
            record(&name, "TXT", dmarc::with_policy(one, "none")),
        ));
    }
    if !parsed.has_rua {
        findings.push(finding(
            DnsCheck::Dmarc,
            DnsStatus::Warn,
            "dmarc_no_rua",
            &[],
            None,
        ));
    }
    if findings.is_empty() {
        findings.push(finding(
            DnsCheck::Dmarc,
            DnsStatus::Pass,
            "dmarc_ok",
            &[("policy", parsed.policy)],
            None,
        ));
    }
    findings
}

async fn check_autoconfig(dns: &DnsLookup, domain: &str) -> Vec<DnsFinding> {
    let mut findings = Vec::new();
    for label in AUTOCONFIG_NAMES {
        let name = format!("{label}.{domain}");
        let wanted = record(&name, "CNAME", format!("{HOSTED_MAILCOW}."));
        let params = [("name", name.clone())];
        findings.push(match dns.cname(&name).await {
            Ok(Some(target)) if target == HOSTED_MAILCOW => finding(
                DnsCheck::Autoconfig,
                DnsStatus::Pass,
                "autoconfig_ok",
                &params,
                None,
            ),
            Ok(Some(target)) => finding(
                DnsCheck::Autoconfig,
                DnsStatus::Warn,
                "autoconfig_wrong",
                &[("name", name.clone()), ("found", target)],
                wanted,
            ),
            Ok(None) => finding(
                DnsCheck::Autoconfig,
                DnsStatus::Warn,
                "autoconfig_missing",
                &params,
                wanted,
            ),
            Err(failure) => lookup_failed(DnsCheck::Autoconfig, &failure),
        });
    }
    findings
}
