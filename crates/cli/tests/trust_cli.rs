//! What the command line tells a person: German when the locale says so (error messages and
//! its own lines; JSON stays the same in every language), and "could not check" (exit 1),
//! not "a check failed" (exit 2), when the DNS resolver cannot be reached.

mod support;

use std::net::{SocketAddr, TcpListener, UdpSocket};
use std::path::Path;
use std::process::{Command, Output};

use cowdesk_sandbox::{good_zone, Sandbox, SandboxConfig};
use serde_json::Value;

fn german(data_dir: &Path) -> Command {
    let mut command = support::cowdesk(data_dir);
    command.env("LANG", "de_DE.UTF-8");
    command
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn trust_cli_speaks_german_with_lang_de() {
    let data = tempfile::tempdir().expect("tempdir");

    // An error from the core, in German; in English with an English locale.
    let de = german(data.path()).arg("accounts").output().unwrap();
    assert_eq!(de.status.code(), Some(1));
    assert!(
        text(&de.stderr).contains("Sie sind nicht angemeldet."),
        "{}",
        text(&de.stderr)
    );
    let en = support::cowdesk(data.path())
        .arg("accounts")
        .output()
        .unwrap();
    assert!(text(&en.stderr).contains("You are not signed in."));
    // LC_ALL outranks LANG, LC_MESSAGES too.
    let over = german(data.path())
        .env("LC_MESSAGES", "en_US.UTF-8")
        .arg("accounts")
        .output()
        .unwrap();
    assert!(text(&over.stderr).contains("You are not signed in."));
    let over = support::cowdesk(data.path())
        .env("LC_ALL", "de_AT.UTF-8")
        .arg("accounts")
        .output()
        .unwrap();
    assert!(text(&over.stderr).contains("Sie sind nicht angemeldet."));

    // JSON is language-neutral: byte for byte the same, with both messages.
    let json_de = german(data.path())
        .args(["accounts", "--json"])
        .output()
        .unwrap();
    let json_en = support::cowdesk(data.path())
        .args(["accounts", "--json"])
        .output()
        .unwrap();
    assert_eq!(json_de.stdout, json_en.stdout);
    let error: Value = serde_json::from_slice(&json_de.stdout).expect("error as JSON");
    assert_eq!(error["message"], "You are not signed in.");
    assert_eq!(error["message_de"], "Sie sind nicht angemeldet.");

    // The command line's own lines.
    let status = german(data.path()).arg("status").output().unwrap();
    assert!(status.status.success());
    let out = text(&status.stdout);
    assert!(out.contains("Nicht angemeldet."), "{out}");
    assert!(out.contains("Zwischenspeicher:"), "{out}");
    assert!(!out.contains("Not signed in"), "{out}");

    let table = german(data.path())
        .args(["mail", "config", "info@a.de"])
        .output()
        .unwrap();
    let out = text(&table.stdout);
    assert!(out.contains("Benutzername:   info@a.de"), "{out}");
    assert!(out.contains("empfohlen"), "{out}");

    // A field error: the German message and the German problem of the field.
    let bad = german(data.path())
        .args(["mail", "config", "max+news@a.de"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(1));
    let err = text(&bad.stderr);
    assert!(err.contains("„+“ ist vor dem @ nicht erlaubt"), "{err}");
    assert!(!err.contains("is not allowed"), "{err}");
}

#[test]
fn trust_cli_dns_check_reads_in_german() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let (_sandbox, resolver) = runtime.block_on(async {
        let mut sandbox = Sandbox::start(SandboxConfig::default())
            .await
            .expect("sandbox");
        sandbox
            .handle()
            .dns()
            .put_zone("good.test", good_zone("good.test"));
        let addr = sandbox.serve_dns().await.expect("DNS server");
        (sandbox, addr.to_string())
    });
    let data = tempfile::tempdir().expect("tempdir");
    let output = german(data.path())
        .args(["dns", "check", "good.test", "--resolver", &resolver])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let out = text(&output.stdout);
    assert!(out.starts_with("Mail-DNS von good.test"), "{out}");
    assert!(
        out.contains("E-Mails für diese Domain gehen an hosted.mailcow.de."),
        "{out}"
    );
    assert!(out.contains("0 mit Problem"), "{out}");
    assert!(!out.contains("Mail for this domain"), "{out}");
}

/// A loopback port where a DNS server would be, with nothing answering on it: a UDP
/// socket that reads nothing and a TCP listener that accepts nothing.
fn silent_resolver() -> (UdpSocket, TcpListener, SocketAddr) {
    for _ in 0..20 {
        let udp = UdpSocket::bind("127.0.0.1:0").expect("udp socket");
        let addr = udp.local_addr().expect("udp address");
        if let Ok(tcp) = TcpListener::bind(addr) {
            return (udp, tcp, addr);
        }
    }
    panic!("no loopback port free for both UDP and TCP");
}

fn check(data_dir: &Path, resolver: &str, json: bool) -> Output {
    let mut command = support::cowdesk(data_dir);
    command.args(["dns", "check", "example.de", "--resolver", resolver]);
    if json {
        command.arg("--json");
    }
    command.output().expect("cowdesk runs")
}

#[test]
fn trust_dns_check_unreachable_resolver_exits_1() {
    let data = tempfile::tempdir().expect("tempdir");
    let (_udp, _tcp, addr) = silent_resolver();
    let resolver = addr.to_string();

    let output = check(data.path(), &resolver, true);
    assert_eq!(
        output.status.code(),
        Some(1),
        "could not check is 1, not 2: {}",
        text(&output.stdout)
    );
    let error: Value = serde_json::from_slice(&output.stdout).expect("the error as JSON");
    assert_eq!(error["kind"], "offline");
    let message = error["message"].as_str().expect("message");
    assert!(message.contains(&resolver), "{message}");
    assert!(message.contains("could not be reached"), "{message}");
    assert!(message.contains("nothing was checked"), "{message}");
    assert!(error["message_de"]
        .as_str()
        .is_some_and(|m| m.contains("nicht erreichbar")));
    // No report: no finding claims a record is missing.
    assert!(error.get("findings").is_none());

    // Nothing listening at all (refused at once): the same answer, readable this time.
    let closed = {
        let probe = UdpSocket::bind("127.0.0.1:0").expect("udp socket");
        probe.local_addr().expect("address")
    };
    let output = check(data.path(), &closed.to_string(), false);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stdout));
    assert!(output.stdout.is_empty(), "{}", text(&output.stdout));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("could not be reached"), "{stderr}");
}
