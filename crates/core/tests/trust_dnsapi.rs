//! The Servercow DNS API as real clients use it, and the limits of cowdesk's client
//! (issue 17, items 7, 12 and 18): the sandbox's double takes what acme.sh, lego and
//! ddns-updater send and cowdesk reads those records back; an oversized answer is
//! refused, a silent server times out; "Fix it" stopped half-way names the record sets
//! changed and not changed and checks again.

use std::sync::Arc;
use std::time::{Duration, Instant};

use cowdesk_core::dnsapi::{DnsApi, DnsApiError};
use cowdesk_core::dnscheck::DnsLookup;
use cowdesk_core::model::DnsProgress;
use cowdesk_core::portal::Sensitive;
use cowdesk_core::secrets::{MemorySecretStore, SecretStore};
use cowdesk_core::session::Core;
use cowdesk_sandbox::{
    broken_zone, good_zone, Fault, Sandbox, SandboxConfig, DNS_API_PASSWORD, DNS_API_USERNAME,
};
use serde_json::{json, Value};
use tempfile::TempDir;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const ZONE: &str = "client.test";

fn quiet(_: DnsProgress) {}

/// A request to the double as a client sends it, with the sandbox's API login.
async fn send(sandbox: &Sandbox, method: reqwest::Method, body: Value) -> Value {
    reqwest::Client::new()
        .request(method, format!("{}/domains/{ZONE}", sandbox.dns_api_url()))
        .header("X-Auth-Username", DNS_API_USERNAME)
        .header("X-Auth-Password", DNS_API_PASSWORD)
        .header("Content-Type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn trust_dnsapi_double_takes_what_acme_sh_lego_and_ddns_updater_send() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    sandbox.handle().dns().put_zone(ZONE, good_zone(ZONE));
    let ok = json!({"message": "ok"});
    let post = reqwest::Method::POST;
    // acme.sh (dnsapi/dns_servercow.sh): the full domain name, TTL 20; a second
    // challenge value is sent with the first as an array.
    let acme_name = format!("_acme-challenge.www.{ZONE}");
    let sent = json!({"type": "TXT", "name": acme_name, "content": "challenge-one", "ttl": 20});
    assert_eq!(send(&sandbox, post.clone(), sent).await, ok);
    let sent = json!({"type": "TXT", "name": acme_name, "content": ["challenge-one", "challenge-two"], "ttl": 20});
    assert_eq!(send(&sandbox, post.clone(), sent).await, ok);
    // lego (providers/dns/servercow): the name relative to the zone, TTL 30 in its tests.
    let sent =
        json!({"type": "TXT", "name": "_acme-challenge", "content": "lego-value", "ttl": 30});
    assert_eq!(send(&sandbox, post.clone(), sent).await, ok);
    // ddns-updater: an A record at the apex with TTL 0.
    let sent = json!({"type": "A", "name": "", "content": "203.0.113.7", "ttl": 0});
    assert_eq!(send(&sandbox, post.clone(), sent).await, ok);

    let zones = sandbox.handle().dns();
    assert_eq!(
        zones.values(ZONE, "_acme-challenge.www", "TXT"),
        ["challenge-one", "challenge-two"],
        "stored relative to the zone"
    );
    // cowdesk's own client reads back what these clients wrote.
    let api = DnsApi::new(&sandbox.dns_api_url(), DNS_API_USERNAME, DNS_API_PASSWORD).unwrap();
    let records = api.records(ZONE).await.unwrap();
    let find = |name: &str, kind: &str| {
        records
            .iter()
            .find(|r| r.name == name && r.record_type == kind)
            .unwrap_or_else(|| panic!("{name} {kind} in {records:?}"))
    };
    assert_eq!(find("_acme-challenge.www", "TXT").ttl, 20);
    assert_eq!(find("_acme-challenge", "TXT").ttl, 30);
    let apex = find("", "A");
    assert_eq!(
        (apex.ttl, apex.content.as_slice()),
        (0, &["203.0.113.7".to_owned()][..])
    );

    // acme.sh removes its challenge by the full name again.
    let sent = json!({"type": "TXT", "name": acme_name});
    assert_eq!(send(&sandbox, reqwest::Method::DELETE, sent).await, ok);
    assert!(zones.values(ZONE, "_acme-challenge.www", "TXT").is_empty());
    // A full name outside the zone is still refused.
    let sent = json!({"type": "TXT", "name": "www.example.org.", "content": "x", "ttl": 20});
    assert!(send(&sandbox, post, sent).await.get("error").is_some());
    sandbox.shutdown().await;
}

/// A plain-HTTP server on loopback that answers every request with `answer` (raw bytes
/// after the request head), or never answers when `answer` is `None`.
async fn raw_server(answer: Option<Vec<u8>>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            let answer = answer.clone();
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = stream.read(&mut buf).await;
                match answer {
                    Some(bytes) => {
                        let _ = stream.write_all(&bytes).await;
                        let _ = stream.shutdown().await;
                    }
                    // Silent: hold the connection open without a byte.
                    None => tokio::time::sleep(Duration::from_secs(60)).await,
                }
            });
        }
    });
    port
}

#[tokio::test]
async fn trust_dnsapi_oversized_answer_is_refused() {
    // 5 MB of records, without a Content-Length: refused while it streams in.
    let mut answer =
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n[".to_vec();
    let record =
        br#"{"name":"","type":"TXT","content":"padding-padding-padding-padding","ttl":60},"#;
    while answer.len() < 5 * 1024 * 1024 {
        answer.extend_from_slice(record);
    }
    answer.extend_from_slice(br#"{"name":"","type":"TXT","content":"end","ttl":60}]"#);
    let port = raw_server(Some(answer)).await;
    let api = DnsApi::new(&format!("http://127.0.0.1:{port}/dns/v1"), "u", "p").unwrap();
    match api.records(ZONE).await {
        Err(DnsApiError::Unexpected(reason)) => assert!(reason.contains("larger"), "{reason}"),
        other => panic!("an oversized answer was not refused: {other:?}"),
    }
}

#[tokio::test]
async fn trust_dnsapi_silent_server_times_out() {
    let port = raw_server(None).await;
    let api = DnsApi::new(&format!("http://127.0.0.1:{port}/dns/v1"), "u", "p")
        .unwrap()
        .with_request_timeout(Duration::from_secs(1));
    let started = Instant::now();
    let result = api.records(ZONE).await;
    assert!(
        matches!(result, Err(DnsApiError::Unreachable(_))),
        "{result:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn trust_dns_fix_stopped_half_way_names_what_changed_and_checks_again() {
    let mut sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let domain = "half.test";
    sandbox.handle().dns().put_zone(domain, broken_zone(domain));
    let resolver = sandbox.serve_dns().await.unwrap();
    let dir = TempDir::new().unwrap();
    let secrets: Arc<dyn SecretStore> = Arc::new(MemorySecretStore::default());
    let core = Core::open(dir.path(), "default", secrets).await.unwrap();
    core.set_dns_api_base(&sandbox.dns_api_url()).await.unwrap();
    core.set_dns_resolver(Some(&resolver.to_string()))
        .await
        .unwrap();
    core.set_dns_api_credentials(
        DNS_API_USERNAME,
        Sensitive::new(DNS_API_PASSWORD.to_owned()),
    )
    .await
    .unwrap();
    let plan = core.plan_dns_fix(domain, None, &quiet).await.unwrap();
    assert!(plan.changes.len() >= 2, "{plan:?}");

    // Applying reads the zone, writes the first set, then the second write fails.
    sandbox.handle().inject_fault_after(
        2,
        Fault {
            path_contains: format!("/dns/v1/domains/{domain}"),
            status: 500,
            retry_after: None,
            times: 1,
        },
    );
    let outcome = core.apply_dns_fix(&plan, &quiet).await.unwrap();
    let error = outcome.error.expect("the stop is reported");
    assert!(!error.message.is_empty() && !error.message_de.is_empty());
    let key = |c: &cowdesk_core::model::DnsChange| (c.name.clone(), c.record_type.clone());
    assert_eq!(
        outcome.applied.iter().map(key).collect::<Vec<_>>(),
        vec![key(&plan.changes[0])],
        "exactly the first set was changed"
    );
    assert_eq!(
        outcome.not_applied.iter().map(key).collect::<Vec<_>>(),
        plan.changes[1..].iter().map(key).collect::<Vec<_>>(),
        "every other set was not"
    );
    // The zone is as the outcome says: the first set new, the second as before.
    let zones = sandbox.handle().dns();
    let first = &plan.changes[0];
    let second = &plan.changes[1];
    let mut now = zones.values(domain, &first.name, &first.record_type);
    let mut after = first.after.clone();
    now.sort();
    after.sort();
    assert_eq!(now, after);
    let mut now = zones.values(domain, &second.name, &second.record_type);
    let mut before = second.before.clone();
    now.sort();
    before.sort();
    assert_eq!(now, before);
    // The check ran again on the zone as it is now: something is still to fix.
    let lookup = DnsLookup::at(resolver).unwrap();
    let again = cowdesk_core::dnscheck::check_domain(&lookup, domain, &quiet).await;
    assert_eq!(outcome.report.status, again.status);
    assert_ne!(outcome.report.status, cowdesk_core::model::DnsStatus::Pass);
    sandbox.shutdown().await;
}
