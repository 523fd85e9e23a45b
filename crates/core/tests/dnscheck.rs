//! The mail DNS doctor against a real DNS server on loopback (the sandbox's, hickory-server
//! over UDP and TCP) serving good and broken zones; the DNS API client against the
//! sandbox's DNS API over loopback HTTP; and "Fix it" end to end: broken zone, plan, apply
//! through the API, check again.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use cowdesk_core::dnsapi::{DnsApi, DnsApiError};
use cowdesk_core::dnscheck::{check_domain, DnsLookup};
use cowdesk_core::model::{DnsCheck, DnsProgress, DnsReport, DnsSettings, DnsStatus, ErrorKind};
use cowdesk_core::portal::Sensitive;
use cowdesk_core::secrets::{MemorySecretStore, SecretStore};
use cowdesk_core::session::Core;
use cowdesk_sandbox::{
    broken_zone, dkim_record, good_zone, is_broken_demo_domain, Sandbox, SandboxConfig, Zone,
    DKIM_RSA_1024, DKIM_RSA_2048, DNS_API_PASSWORD, DNS_API_USERNAME,
};
use tempfile::TempDir;

fn quiet(_: DnsProgress) {}

struct Dns {
    sandbox: Sandbox,
    lookup: DnsLookup,
}

async fn dns_with(zones: Vec<(&str, Zone)>) -> Dns {
    let mut sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    for (name, zone) in zones {
        sandbox.handle().dns().put_zone(name, zone);
    }
    let addr = sandbox.serve_dns().await.unwrap();
    let lookup = DnsLookup::at(addr).unwrap();
    Dns { sandbox, lookup }
}

async fn check(dns: &Dns, domain: &str) -> DnsReport {
    check_domain(&dns.lookup, domain, &quiet).await
}

fn codes(report: &DnsReport, status: DnsStatus) -> BTreeSet<String> {
    report
        .findings
        .iter()
        .filter(|f| f.status == status)
        .map(|f| f.code.clone())
        .collect()
}

fn finding<'a>(report: &'a DnsReport, code: &str) -> &'a cowdesk_core::model::DnsFinding {
    report
        .findings
        .iter()
        .find(|f| f.code == code)
        .unwrap_or_else(|| panic!("no {code} in {:#?}", report.findings))
}

/// A good zone with one set replaced (empty values: removed).
fn good_but(domain: &str, name: &str, record_type: &str, values: &[&str]) -> Zone {
    let mut zone = good_zone(domain);
    if values.is_empty() {
        zone.sets.remove(&(name.to_owned(), record_type.to_owned()));
        zone
    } else {
        zone.with(name, record_type, values)
    }
}

#[tokio::test]
async fn dnscheck_good_zone_passes_every_check() {
    let dns = dns_with(vec![("good.test", good_zone("good.test"))]).await;
    let report = check(&dns, "good.test").await;
    assert_eq!(report.status, DnsStatus::Pass, "{:#?}", report.findings);
    for check in DnsCheck::ALL {
        assert!(
            report.findings.iter().any(|f| f.check == check),
            "{check:?}"
        );
    }
    assert_eq!(finding(&report, "dkim_ok").params["bits"], "2048");
    assert_eq!(finding(&report, "spf_ok").params["lookups"], "1");
    assert_eq!(
        report.resolver,
        Some(dns.lookup.server().unwrap().to_string())
    );
}

#[tokio::test]
async fn dnscheck_missing_mx_fails_with_the_record_to_publish() {
    let dns = dns_with(vec![("nomx.test", good_but("nomx.test", "", "MX", &[]))]).await;
    let report = check(&dns, "nomx.test").await;
    let mx = finding(&report, "mx_missing");
    assert_eq!(mx.status, DnsStatus::Fail);
    let record = mx.record.as_ref().unwrap();
    assert_eq!(
        (
            record.name.as_str(),
            record.record_type.as_str(),
            record.value.as_str()
        ),
        ("nomx.test", "MX", "10 hosted.mailcow.de.")
    );
    assert_eq!(report.status, DnsStatus::Fail);
}

#[tokio::test]
async fn dnscheck_two_spf_records_fail_and_are_merged_into_one() {
    let zone = good_but(
        "twospf.test",
        "",
        "TXT",
        &[
            "v=spf1 ip4:198.51.100.7 -all",
            "v=spf1 include:spf.mailcow.de ~all",
            "other=1",
        ],
    );
    let dns = dns_with(vec![("twospf.test", zone)]).await;
    let report = check(&dns, "twospf.test").await;
    let spf = finding(&report, "spf_multiple");
    assert_eq!(spf.status, DnsStatus::Fail);
    assert_eq!(spf.params["count"], "2");
    assert_eq!(
        spf.record.as_ref().unwrap().value,
        "v=spf1 ip4:198.51.100.7 include:spf.mailcow.de -all"
    );
}

#[tokio::test]
async fn dnscheck_spf_with_eleven_lookups_fails() {
    let mut zone = good_but(
        "lookups.test",
        "",
        "TXT",
        &["v=spf1 include:spf.mailcow.de a mx include:i1.lookups.test include:i2.lookups.test include:i3.lookups.test include:i4.lookups.test include:i5.lookups.test include:i6.lookups.test include:i7.lookups.test include:i8.lookups.test ~all"],
    );
    for i in 1..=8 {
        zone = zone.with(&format!("i{i}"), "TXT", &["v=spf1 ip4:192.0.2.1 -all"]);
    }
    let dns = dns_with(vec![("lookups.test", zone)]).await;
    let report = check(&dns, "lookups.test").await;
    let spf = finding(&report, "spf_too_many_lookups");
    assert_eq!(spf.status, DnsStatus::Fail);
    assert_eq!(spf.params["count"], "11");
    assert_eq!(spf.params["max"], "10");
    // Everything else about the record is fine; DMARC p=quarantine is premature while SPF
    // fails.
    assert_eq!(
        codes(&report, DnsStatus::Fail),
        BTreeSet::from([
            "spf_too_many_lookups".to_owned(),
            "dmarc_too_early".to_owned()
        ])
    );
}

#[tokio::test]
async fn dnscheck_spf_include_loop_and_void_lookups_are_found() {
    let zone = good_but(
        "loop.test",
        "",
        "TXT",
        &["v=spf1 include:spf.mailcow.de include:a.loop.test a:gone1.loop.test a:gone2.loop.test a:gone3.loop.test ~all"],
    )
    .with("a", "TXT", &["v=spf1 include:b.loop.test -all"])
    .with("b", "TXT", &["v=spf1 include:a.loop.test -all"]);
    let dns = dns_with(vec![("loop.test", zone)]).await;
    let report = check(&dns, "loop.test").await;
    assert_eq!(
        finding(&report, "spf_include_loop").params["domain"],
        "a.loop.test"
    );
    assert_eq!(
        finding(&report, "spf_too_many_void_lookups").params["count"],
        "3"
    );
}

#[tokio::test]
async fn dnscheck_missing_dkim_fails_and_dmarc_reject_without_dkim_is_too_early() {
    let zone = good_but("nodkim.test", "dkim._domainkey", "TXT", &[]).with(
        "_dmarc",
        "TXT",
        &["v=DMARC1; p=reject; rua=mailto:postmaster@nodkim.test"],
    );
    let dns = dns_with(vec![("nodkim.test", zone)]).await;
    let report = check(&dns, "nodkim.test").await;
    assert_eq!(finding(&report, "dkim_missing").status, DnsStatus::Fail);
    let dmarc = finding(&report, "dmarc_too_early");
    assert_eq!(dmarc.status, DnsStatus::Fail);
    assert_eq!(dmarc.params["policy"], "reject");
    assert_eq!(dmarc.params["missing"], "dkim");
    assert_eq!(
        dmarc.record.as_ref().unwrap().value,
        "v=DMARC1; p=none; rua=mailto:postmaster@nodkim.test"
    );
}

#[tokio::test]
async fn dnscheck_1024_bit_dkim_key_warns() {
    let weak = dkim_record(DKIM_RSA_1024);
    let zone = good_but("weak.test", "dkim._domainkey", "TXT", &[&weak]);
    let dns = dns_with(vec![("weak.test", zone)]).await;
    let report = check(&dns, "weak.test").await;
    let dkim = finding(&report, "dkim_weak");
    assert_eq!(dkim.status, DnsStatus::Warn);
    assert_eq!(dkim.params["bits"], "1024");
    assert_eq!(report.status, DnsStatus::Warn);
}

#[tokio::test]
async fn dnscheck_invalid_dmarc_and_autoconfig_elsewhere_are_reported() {
    let zone = good_but("odd.test", "_dmarc", "TXT", &["p=none; v=DMARC1"]).with(
        "autoconfig",
        "CNAME",
        &["mail.elsewhere.example."],
    );
    let dns = dns_with(vec![("odd.test", zone)]).await;
    let report = check(&dns, "odd.test").await;
    assert_eq!(
        finding(&report, "dmarc_invalid").params["reason"],
        "version_not_first"
    );
    let autoconfig = finding(&report, "autoconfig_wrong");
    assert_eq!(autoconfig.params["found"], "mail.elsewhere.example");
    assert_eq!(
        autoconfig.record.as_ref().unwrap().value,
        "hosted.mailcow.de."
    );
}

// ----- the DNS API client against the simulator -----------------------------------------

fn api(sandbox: &Sandbox, password: &str) -> DnsApi {
    DnsApi::new(&sandbox.dns_api_url(), DNS_API_USERNAME, password).unwrap()
}

#[tokio::test]
async fn dnsapi_errors_arrive_with_http_200() {
    let dns = dns_with(vec![("api.test", good_zone("api.test"))]).await;
    // The raw answer really is a 200 with an error body.
    let raw = reqwest::Client::new()
        .get(format!("{}/domains/api.test", dns.sandbox.dns_api_url()))
        .header("X-Auth-Username", DNS_API_USERNAME)
        .header("X-Auth-Password", "wrong")
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), 200);
    assert_eq!(
        raw.text().await.unwrap(),
        r#"{"error":"authentication failed"}"#
    );

    let wrong = api(&dns.sandbox, "wrong");
    assert!(matches!(
        wrong.records("api.test").await,
        Err(DnsApiError::Authentication)
    ));
    let right = api(&dns.sandbox, DNS_API_PASSWORD);
    assert!(matches!(
        right.records("unknown.test").await,
        Err(DnsApiError::NoSuchDomain)
    ));
    // mailcow.de is served but not the user's.
    assert!(matches!(
        right.records("mailcow.de").await,
        Err(DnsApiError::NoSuchDomain)
    ));
    let srv = right
        .replace(
            "api.test",
            "_imaps._tcp",
            "SRV",
            &["0 1 993 hosted.mailcow.de.".into()],
            3600,
        )
        .await;
    assert!(matches!(srv, Err(DnsApiError::Refused(m)) if m.contains("parameter type must be")));
    let bad_mx = right
        .replace("api.test", "", "MX", &["hosted.mailcow.de".into()], 3600)
        .await;
    assert!(matches!(bad_mx, Err(DnsApiError::Refused(_))));
}

#[tokio::test]
async fn dnsapi_post_replaces_the_set_and_delete_needs_its_body() {
    let dns = dns_with(vec![("api.test", good_zone("api.test"))]).await;
    let zones = dns.sandbox.handle().dns();
    let api = api(&dns.sandbox, DNS_API_PASSWORD);
    api.replace(
        "api.test",
        "multi",
        "TXT",
        &["one".into(), "two".into()],
        300,
    )
    .await
    .unwrap();
    assert_eq!(zones.values("api.test", "multi", "TXT"), ["one", "two"]);
    api.replace("api.test", "multi", "TXT", &["three".into()], 300)
        .await
        .unwrap();
    // POST replaced the whole set: one and two are gone.
    assert_eq!(zones.values("api.test", "multi", "TXT"), ["three"]);
    let listed = api.records("api.test").await.unwrap();
    let multi = listed.iter().find(|r| r.name == "multi").unwrap();
    assert_eq!(
        (multi.content.clone(), multi.ttl),
        (vec!["three".to_owned()], 300)
    );

    // A DELETE without its JSON body deletes nothing and says so with HTTP 200.
    let bare = reqwest::Client::new()
        .delete(format!("{}/domains/api.test", dns.sandbox.dns_api_url()))
        .header("X-Auth-Username", DNS_API_USERNAME)
        .header("X-Auth-Password", DNS_API_PASSWORD)
        .send()
        .await
        .unwrap();
    assert_eq!(bare.status(), 200);
    assert!(bare.text().await.unwrap().contains("error"));
    assert_eq!(zones.values("api.test", "multi", "TXT"), ["three"]);
    api.delete("api.test", "multi", "TXT").await.unwrap();
    assert!(zones.values("api.test", "multi", "TXT").is_empty());
    // Other types at the apex are untouched by a TXT change.
    assert_eq!(
        zones.values("api.test", "", "MX"),
        ["10 hosted.mailcow.de."]
    );
}

// ----- Fix it, end to end ---------------------------------------------------------------

struct Doctor {
    dns: Dns,
    core: Core,
    _dir: TempDir,
}

impl Doctor {
    /// Stores the sandbox's DNS API login, as a user does before Fix it.
    async fn store_sandbox_credentials(&self) -> DnsSettings {
        self.core
            .set_dns_api_credentials(
                DNS_API_USERNAME,
                Sensitive::new(DNS_API_PASSWORD.to_owned()),
            )
            .await
            .unwrap()
    }
}

async fn doctor(zones: Vec<(&str, Zone)>) -> Doctor {
    let dns = dns_with(zones).await;
    let dir = TempDir::new().unwrap();
    let secrets: Arc<dyn SecretStore> = Arc::new(MemorySecretStore::default());
    let core = Core::open(dir.path(), "default", secrets).await.unwrap();
    core.set_dns_api_base(&dns.sandbox.dns_api_url())
        .await
        .unwrap();
    let resolver = dns.lookup.server().unwrap().to_string();
    core.set_dns_resolver(Some(&resolver)).await.unwrap();
    Doctor {
        dns,
        core,
        _dir: dir,
    }
}

#[tokio::test]
async fn dnscheck_fix_it_repairs_a_broken_zone_and_the_recheck_passes() {
    let d = doctor(vec![("broken.test", broken_zone("broken.test"))]).await;
    let before = d.core.check_dns("broken.test", None, &quiet).await.unwrap();
    assert_eq!(before.status, DnsStatus::Fail);
    let failing = codes(&before, DnsStatus::Fail);
    for code in [
        "mx_wrong",
        "spf_no_mailcow",
        "spf_bad_all",
        "dmarc_too_early",
    ] {
        assert!(failing.contains(code), "{code} in {failing:?}");
    }

    // No credentials yet: planning is refused with a clear message.
    let err = d
        .core
        .plan_dns_fix("broken.test", None, &quiet)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict);
    assert!(err.info().message.contains("DNS API credentials"));

    let settings = d.store_sandbox_credentials().await;
    assert_eq!(settings.api_username.as_deref(), Some(DNS_API_USERNAME));

    let steps = Arc::new(Mutex::new(Vec::new()));
    let seen = steps.clone();
    let progress = move |p: DnsProgress| seen.lock().unwrap().push(p.step);
    let plan = d
        .core
        .plan_dns_fix("broken.test", None, &progress)
        .await
        .unwrap();
    assert!(plan.not_fixable.is_empty(), "{:?}", plan.not_fixable);
    let change = |name: &str, t: &str| {
        plan.changes
            .iter()
            .find(|c| c.name == name && c.record_type == t)
            .unwrap_or_else(|| panic!("no change of {name} {t}: {:#?}", plan.changes))
    };
    let mx = change("", "MX");
    assert_eq!(
        (mx.before.clone(), mx.after.clone()),
        (
            vec!["10 mx.old-provider.example.".to_owned()],
            vec!["10 hosted.mailcow.de.".to_owned()]
        )
    );
    let txt = change("", "TXT");
    // Read-modify-write: the verification value stays, the SPF record is merged in place.
    assert_eq!(
        txt.after,
        [
            "google-site-verification=4vQm8XtR2dLkP9wE",
            "v=spf1 ip4:203.0.113.20 include:spf.mailcow.de ~all"
        ]
    );
    assert_eq!(change("autoconfig", "CNAME").before, Vec::<String>::new());
    assert_eq!(
        change("autodiscover", "CNAME").after,
        ["hosted.mailcow.de."]
    );
    // DMARC p=reject may stay: SPF is fixed by this plan, DKIM already passes.
    assert!(plan.changes.iter().all(|c| c.name != "_dmarc"));

    let outcome = d.core.apply_dns_fix(&plan, &progress).await.unwrap();
    assert_eq!(outcome.applied.len(), plan.changes.len());
    assert_eq!(
        outcome.report.status,
        DnsStatus::Pass,
        "{:#?}",
        outcome.report.findings
    );
    let zones = d.dns.sandbox.handle().dns();
    assert_eq!(
        zones.values("broken.test", "", "TXT"),
        [
            "google-site-verification=4vQm8XtR2dLkP9wE",
            "v=spf1 ip4:203.0.113.20 include:spf.mailcow.de ~all"
        ]
    );
    let steps = steps.lock().unwrap().clone();
    assert!(steps.iter().any(|s| s == "apply") && steps.iter().any(|s| s == "spf"));

    // Nothing left to do.
    let again = d
        .core
        .plan_dns_fix("broken.test", None, &quiet)
        .await
        .unwrap();
    assert!(again.changes.is_empty());
}

#[tokio::test]
async fn dnscheck_fix_it_lowers_dmarc_while_dkim_is_missing_and_publishes_a_pasted_key() {
    let zone = good_but("nokey.test", "dkim._domainkey", "TXT", &["unrelated=1"]).with(
        "_dmarc",
        "TXT",
        &["v=DMARC1; p=reject; rua=mailto:postmaster@nokey.test"],
    );
    let d = doctor(vec![("nokey.test", zone)]).await;
    d.store_sandbox_credentials().await;
    // Without the key: DMARC goes to p=none, DKIM stays open.
    let plan = d
        .core
        .plan_dns_fix("nokey.test", None, &quiet)
        .await
        .unwrap();
    let dmarc = plan.changes.iter().find(|c| c.name == "_dmarc").unwrap();
    assert_eq!(
        dmarc.after,
        ["v=DMARC1; p=none; rua=mailto:postmaster@nokey.test"]
    );
    assert_eq!(plan.not_fixable, ["dkim_missing"]);

    // A pasted key is checked first.
    let weak = dkim_record("AAAA");
    let err = d
        .core
        .plan_dns_fix("nokey.test", Some(&weak), &quiet)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);

    let key = dkim_record(DKIM_RSA_2048);
    let plan = d
        .core
        .plan_dns_fix("nokey.test", Some(&key), &quiet)
        .await
        .unwrap();
    assert!(plan.changes.iter().all(|c| c.name != "_dmarc"));
    let dkim = plan
        .changes
        .iter()
        .find(|c| c.name == "dkim._domainkey")
        .unwrap();
    assert_eq!(dkim.after, vec!["unrelated=1".to_owned(), key.clone()]);
    let outcome = d.core.apply_dns_fix(&plan, &quiet).await.unwrap();
    assert_eq!(
        outcome.report.status,
        DnsStatus::Pass,
        "{:#?}",
        outcome.report.findings
    );
    assert_eq!(
        d.dns
            .sandbox
            .handle()
            .dns()
            .values("nokey.test", "dkim._domainkey", "TXT"),
        ["unrelated=1".to_owned(), key]
    );
}

#[tokio::test]
async fn dnscheck_fix_it_refuses_when_the_zone_changed_since_the_plan() {
    let d = doctor(vec![("race.test", broken_zone("race.test"))]).await;
    d.store_sandbox_credentials().await;
    let plan = d
        .core
        .plan_dns_fix("race.test", None, &quiet)
        .await
        .unwrap();
    // Someone adds a TXT value in the portal meanwhile.
    let zones = d.dns.sandbox.handle().dns();
    let mut zone = zones.zone("race.test").unwrap();
    zone = zone.with(
        "",
        "TXT",
        &["v=spf1 ip4:203.0.113.20 ?all", "new-verification=1"],
    );
    zones.put_zone("race.test", zone);
    let err = d.core.apply_dns_fix(&plan, &quiet).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict);
    assert!(zones
        .values("race.test", "", "TXT")
        .contains(&"new-verification=1".to_owned()));
    assert_eq!(
        zones.values("race.test", "", "MX"),
        ["10 mx.old-provider.example."]
    );
}

#[tokio::test]
async fn dnscheck_demo_data_has_a_broken_domain_and_the_doctor_sees_it() {
    let mut sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let addr = sandbox.serve_dns().await.unwrap();
    let zones = sandbox.handle().dns();
    let broken = sandbox
        .handle()
        .with_account("acc-100001", |a| {
            a.domains
                .iter()
                .map(|d| d.name.clone())
                .find(|n| is_broken_demo_domain(n))
        })
        .flatten()
        .expect("the demo account has a broken domain");
    assert!(zones.zone(&broken).is_some());
    let lookup = DnsLookup::at(addr).unwrap();
    let report = check_domain(&lookup, &broken, &quiet).await;
    assert_eq!(report.status, DnsStatus::Fail);
}

#[tokio::test]
async fn dnscheck_settings_validate_the_resolver_and_keep_the_password_out_of_sqlite() {
    let d = doctor(vec![]).await;
    let err = d
        .core
        .set_dns_resolver(Some("dns.example"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(err.info().fields.contains_key("resolver"));
    assert_eq!(
        d.core
            .set_dns_resolver(Some("9.9.9.9"))
            .await
            .unwrap()
            .resolver
            .as_deref(),
        Some("9.9.9.9:53")
    );
    assert_eq!(d.core.set_dns_resolver(None).await.unwrap().resolver, None);
    let err = d
        .core
        .set_dns_api_credentials(" ", Sensitive::new("x".into()))
        .await
        .unwrap_err();
    assert!(err.info().fields.contains_key("username"));
    d.core
        .set_dns_api_credentials("user", Sensitive::new("sekret-dns-pass".into()))
        .await
        .unwrap();
    // The cache file never holds the password.
    drop(d.core);
    for entry in std::fs::read_dir(d._dir.path()).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap_or_default();
        assert!(!String::from_utf8_lossy(&bytes).contains("sekret-dns-pass"));
    }
}
