//! `cowdesk dns check` as a script runs it: the real binary against a real DNS server on
//! loopback (the sandbox's), JSON and the readable form, exit codes, and clear messages
//! for a bad domain or resolver.

mod support;

use std::process::Output;

use cowdesk_sandbox::{broken_zone, good_zone, Sandbox, SandboxConfig};
use serde_json::Value;
use support::cowdesk;

struct Dns {
    _runtime: tokio::runtime::Runtime,
    _sandbox: Sandbox,
    resolver: String,
}

/// A sandbox with a good and a broken zone, served over DNS from a runtime of its own.
fn dns() -> Dns {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let (sandbox, resolver) = runtime.block_on(async {
        let mut sandbox = Sandbox::start(SandboxConfig::default())
            .await
            .expect("sandbox");
        sandbox
            .handle()
            .dns()
            .put_zone("good.test", good_zone("good.test"));
        sandbox
            .handle()
            .dns()
            .put_zone("broken.test", broken_zone("broken.test"));
        let addr = sandbox.serve_dns().await.expect("DNS server");
        (sandbox, addr.to_string())
    });
    Dns {
        _runtime: runtime,
        _sandbox: sandbox,
        resolver,
    }
}

fn check(data_dir: &std::path::Path, args: &[&str]) -> Output {
    cowdesk(data_dir)
        .args(["dns", "check"])
        .args(args)
        .output()
        .expect("cowdesk runs")
}

#[test]
fn cli_dnscheck_check_json_and_exit_codes() {
    let dns = dns();
    let data = tempfile::tempdir().expect("tempdir");

    let good = check(
        data.path(),
        &["good.test", "--resolver", &dns.resolver, "--json"],
    );
    assert_eq!(
        good.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&good.stderr)
    );
    let report: Value = serde_json::from_slice(&good.stdout).expect("JSON report");
    assert_eq!(report["domain"], "good.test");
    assert_eq!(report["status"], "pass");
    assert_eq!(report["resolver"], dns.resolver.as_str());
    let checks: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["check"].as_str().unwrap())
        .collect();
    for check in ["mx", "spf", "dkim", "dmarc", "autoconfig"] {
        assert!(checks.contains(&check), "{check} in {checks:?}");
    }

    // A failing check: exit code 2, the findings with their records.
    let broken = check(
        data.path(),
        &["Broken.Test.", "--resolver", &dns.resolver, "--json"],
    );
    assert_eq!(broken.status.code(), Some(2));
    let report: Value = serde_json::from_slice(&broken.stdout).expect("JSON report");
    assert_eq!(report["domain"], "broken.test");
    assert_eq!(report["status"], "fail");
    let mx = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "mx_wrong")
        .expect("mx_wrong");
    assert_eq!(mx["params"]["found"], "mx.old-provider.example");
    assert_eq!(mx["record"]["value"], "10 hosted.mailcow.de.");

    // Readable by default.
    let text = check(data.path(), &["broken.test", "--resolver", &dns.resolver]);
    assert_eq!(text.status.code(), Some(2));
    let out = String::from_utf8_lossy(&text.stdout);
    assert!(out.contains("FAIL  MX"), "{out}");
    assert!(out.contains("points to mx.old-provider.example instead of hosted.mailcow.de"));
    assert!(out
        .contains("publish: broken.test TXT v=spf1 ip4:203.0.113.20 include:spf.mailcow.de ~all"));
}

#[test]
fn cli_dnscheck_check_names_bad_input() {
    let data = tempfile::tempdir().expect("tempdir");
    let bad_domain = check(data.path(), &["not a domain", "--json"]);
    assert_eq!(bad_domain.status.code(), Some(1));
    let error: Value = serde_json::from_slice(&bad_domain.stdout).expect("error as JSON");
    assert_eq!(error["kind"], "invalid_input");
    assert!(error["fields"]["domain"].is_string());

    let bad_resolver = check(data.path(), &["example.de", "--resolver", "dns.google"]);
    assert_eq!(bad_resolver.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&bad_resolver.stderr);
    assert!(
        stderr.contains("Enter the resolver as an IP address"),
        "{stderr}"
    );
    assert!(bad_resolver.stdout.is_empty());
}
