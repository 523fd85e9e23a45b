//! `cowdesk mail config <address> --format thunderbird|apple|table`, run as a user would:
//! the real binary, its standard output parsed back by an XML and a plist parser.

mod support;

use std::process::Output;

use support::cowdesk;

fn mail_config(address: &str, format: &str) -> Output {
    let data_dir = tempfile::tempdir().unwrap();
    cowdesk(data_dir.path())
        .args(["mail", "config", address, "--format", format])
        .output()
        .expect("cowdesk runs")
}

fn stdout_of(output: &Output) -> String {
    assert!(
        output.status.success(),
        "command failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).unwrap()
}

#[test]
fn cli_mailsetup_prints_a_thunderbird_file() {
    let xml = stdout_of(&mail_config("info@Mueller-Webdesign.de", "thunderbird"));
    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    assert_eq!(doc.root_element().attribute("version"), Some("1.1"));
    let domain = doc
        .descendants()
        .find(|n| n.has_tag_name("domain"))
        .and_then(|n| n.text());
    assert_eq!(domain, Some("mueller-webdesign.de"));
    let ports: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("port"))
        .filter_map(|n| n.text())
        .collect();
    assert_eq!(ports, ["993", "143", "465", "587"]);
}

#[test]
fn cli_mailsetup_prints_an_apple_profile_without_a_password() {
    let text = stdout_of(&mail_config("max.1@a.de", "apple"));
    let top = plist::Value::from_reader_xml(text.as_bytes())
        .expect("a property list")
        .into_dictionary()
        .unwrap();
    assert_eq!(top["PayloadType"].as_string(), Some("Configuration"));
    let payload = top["PayloadContent"].as_array().unwrap()[0]
        .as_dictionary()
        .unwrap();
    assert_eq!(
        payload["IncomingMailServerUsername"].as_string(),
        Some("max.1@a.de")
    );
    assert_eq!(payload["IncomingMailServerUseSSL"].as_boolean(), Some(true));
    assert!(!payload.contains_key("IncomingPassword"));
    assert!(!payload.contains_key("OutgoingPassword"));
}

#[test]
fn cli_mailsetup_prints_the_table() {
    let table = stdout_of(&mail_config("info@a.de", "table"));
    assert!(table.contains("hosted.mailcow.de"), "{table}");
    assert!(table.contains("Username:       info@a.de"), "{table}");
    // The table is also what comes without --format.
    let data_dir = tempfile::tempdir().unwrap();
    let plain = cowdesk(data_dir.path())
        .args(["mail", "config", "info@a.de"])
        .output()
        .unwrap();
    assert_eq!(stdout_of(&plain), table);
}

#[test]
fn cli_mailsetup_names_a_managed_mailcows_own_server() {
    let data_dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        cowdesk(data_dir.path())
            .args(["mail", "config", "info@a.de"])
            .args(args)
            .output()
            .unwrap()
    };
    let table = stdout_of(&run(&["--server", "Mail.Example.DE"]));
    assert!(
        table.contains("mail.example.de") && !table.contains("hosted.mailcow.de"),
        "{table}"
    );
    let xml = stdout_of(&run(&[
        "--server",
        "mail.example.de",
        "--format",
        "thunderbird",
    ]));
    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let hosts: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("hostname"))
        .filter_map(|n| n.text())
        .collect();
    assert_eq!(hosts, ["mail.example.de"; 4]);
    let profile = stdout_of(&run(&["--server", "192.0.2.7", "--format", "apple"]));
    assert!(profile.contains("192.0.2.7") && !profile.contains("hosted.mailcow.de"));

    let refused = run(&["--server", "not a host"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(refused.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("not a server name"), "{stderr}");
}

#[test]
fn cli_mailsetup_names_the_forbidden_character() {
    let output = mail_config("max+news@a.de", "table");
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("“+” is not allowed before the @"),
        "{stderr}"
    );

    let output = mail_config("info@a.de", "outlook");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("thunderbird"), "{stderr}");
}
