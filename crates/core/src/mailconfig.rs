//! How mail clients reach a mailcow (FAQ, "IMAP / SMTP settings for my mail client"):
//! SSL/TLS recommended, STARTTLS as the alternative; the hosted mailcow's server name, or
//! a Managed mailcow's own.

use cowdesk_model::{MailClientConfig, MailProtocol, MailSecurity, MailServerSetting};

use crate::error::CoreError;
use crate::validate::MailboxAddress;

pub const HOSTED_MAILCOW: &str = "hosted.mailcow.de";

pub fn hosted_mailcow() -> MailClientConfig {
    mailcow_servers(HOSTED_MAILCOW)
}

/// A mail server's name as typed: a host name (letters, digits, hyphens and dots, as a
/// domain) or an IP address.
pub fn server_name(value: &str) -> Result<String, CoreError> {
    let value = value.trim();
    if value.parse::<std::net::IpAddr>().is_ok() {
        return Ok(value.to_owned());
    }
    crate::domains::domain_name(value).map_err(|_| {
        CoreError::field(
            "server",
            "This is not a server name such as mail.example.de.",
            "Das ist kein Servername wie mail.example.de.",
        )
    })
}

/// A mailcow's IMAP and SMTP on `host`, with the ports every mailcow uses.
pub fn mailcow_servers(host: &str) -> MailClientConfig {
    let server = |protocol, port, security, recommended| MailServerSetting {
        protocol,
        host: host.to_owned(),
        port,
        security,
        recommended,
    };
    MailClientConfig {
        servers: vec![
            server(MailProtocol::Imap, 993, MailSecurity::Tls, true),
            server(MailProtocol::Smtp, 465, MailSecurity::Tls, true),
            server(MailProtocol::Imap, 143, MailSecurity::Starttls, false),
            server(MailProtocol::Smtp, 587, MailSecurity::Starttls, false),
        ],
        username_rule: "full_email_address".to_owned(),
        authentication: "password".to_owned(),
    }
}

/// The formats `cowdesk mail config` and the export offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigFormat {
    /// Thunderbird autoconfig, `config-v1.1.xml`.
    Thunderbird,
    /// Apple configuration profile, `.mobileconfig`.
    Apple,
    /// The plain settings table.
    Table,
}

impl ConfigFormat {
    pub fn parse(value: &str) -> Result<ConfigFormat, CoreError> {
        match value {
            "thunderbird" => Ok(ConfigFormat::Thunderbird),
            "apple" => Ok(ConfigFormat::Apple),
            "table" => Ok(ConfigFormat::Table),
            _ => Err(CoreError::field(
                "format",
                "Choose the format thunderbird, apple or table.",
                "Wählen Sie das Format thunderbird, apple oder table.",
            )),
        }
    }
}

/// A mailbox as a configuration file names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailAccount {
    pub address: MailboxAddress,
    /// The mailbox's display name; may be empty.
    pub name: String,
}

/// Escapes text for an XML element or a double-quoted attribute.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 cannot carry other control characters at all, not even escaped.
            c if c.is_control() && !matches!(c, '\t' | '\n' | '\r') => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn socket_type(security: MailSecurity) -> &'static str {
    match security {
        MailSecurity::Tls => "SSL",
        MailSecurity::Starttls => "STARTTLS",
    }
}

/// Thunderbird autoconfig (`config-v1.1.xml`) for `domain`: IMAP and SMTP on the hosted
/// mailcow, the recommended SSL/TLS server first and STARTTLS as the alternative after it,
/// the username `%EMAILADDRESS%`, password authentication. `display_name` names the
/// account in Thunderbird (the mailbox's name, or the domain).
pub fn thunderbird_autoconfig(
    config: &MailClientConfig,
    domain: &str,
    display_name: &str,
) -> String {
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    xml.push_str("<clientConfig version=\"1.1\">\n");
    xml.push_str(&format!(
        "  <emailProvider id=\"{}\">\n",
        xml_escape(domain)
    ));
    xml.push_str(&format!("    <domain>{}</domain>\n", xml_escape(domain)));
    xml.push_str(&format!(
        "    <displayName>{}</displayName>\n",
        xml_escape(display_name)
    ));
    xml.push_str(&format!(
        "    <displayShortName>{}</displayShortName>\n",
        xml_escape(domain)
    ));
    // Incoming servers first, then outgoing; within each, the recommended one first
    // (Thunderbird takes the first of a kind as preferred, the rest as alternatives).
    let mut servers: Vec<_> = config.servers.iter().collect();
    servers.sort_by_key(|s| (s.protocol == MailProtocol::Smtp, !s.recommended));
    for server in servers {
        let (element, kind) = match server.protocol {
            MailProtocol::Imap => ("incomingServer", "imap"),
            MailProtocol::Smtp => ("outgoingServer", "smtp"),
        };
        xml.push_str(&format!("    <{element} type=\"{kind}\">\n"));
        xml.push_str(&format!(
            "      <hostname>{}</hostname>\n",
            xml_escape(&server.host)
        ));
        xml.push_str(&format!("      <port>{}</port>\n", server.port));
        xml.push_str(&format!(
            "      <socketType>{}</socketType>\n",
            socket_type(server.security)
        ));
        xml.push_str("      <username>%EMAILADDRESS%</username>\n");
        xml.push_str("      <authentication>password-cleartext</authentication>\n");
        xml.push_str(&format!("    </{element}>\n"));
    }
    xml.push_str("  </emailProvider>\n");
    xml.push_str("</clientConfig>\n");
    xml
}

/// A stable UUID (version 8, RFC 9562) derived from `seed`: exporting the same mailbox
/// again gives the same identifiers, so installing the new profile replaces the old one.
fn stable_uuid(seed: &str) -> String {
    fn fnv1a(seed: &str, basis: u64) -> u64 {
        seed.bytes().fold(basis, |hash, b| {
            (hash ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        })
    }
    let high = fnv1a(seed, 0xcbf2_9ce4_8422_2325);
    let low = fnv1a(seed, 0x6c62_272e_07bb_0142);
    let high = (high & !0xf000) | 0x8000; // version 8
    let low = (low & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000; // RFC variant
    format!(
        "{:08X}-{:04X}-{:04X}-{:04X}-{:012X}",
        high >> 32,
        (high >> 16) & 0xffff,
        high & 0xffff,
        low >> 48,
        low & 0xffff_ffff_ffff
    )
}

/// The reverse-DNS stem of identifiers for `domain`: `de.example.mail`.
fn reverse_dns(domain: &str) -> String {
    let mut labels: Vec<&str> = domain.split('.').collect();
    labels.reverse();
    format!("{}.mail", labels.join("."))
}

struct Plist(String);

impl Plist {
    fn key(&mut self, indent: usize, key: &str) {
        self.0
            .push_str(&format!("{:indent$}<key>{}</key>\n", "", xml_escape(key)));
    }
    fn string(&mut self, indent: usize, key: &str, value: &str) {
        self.key(indent, key);
        self.0.push_str(&format!(
            "{:indent$}<string>{}</string>\n",
            "",
            xml_escape(value)
        ));
    }
    fn integer(&mut self, indent: usize, key: &str, value: i64) {
        self.key(indent, key);
        self.0
            .push_str(&format!("{:indent$}<integer>{value}</integer>\n", ""));
    }
    fn boolean(&mut self, indent: usize, key: &str, value: bool) {
        self.key(indent, key);
        self.0.push_str(&format!(
            "{:indent$}<{}/>\n",
            "",
            if value { "true" } else { "false" }
        ));
    }
}

/// An Apple configuration profile (`.mobileconfig`, an XML property list) with one
/// `com.apple.mail.managed` payload per account: IMAP 993 and SMTP 465 over SSL/TLS
/// (`UseSSL` is false when missing, so it is always written), the full address as
/// username, password authentication. No password is put in: the device asks for it
/// when the profile is installed. `scope` names the profile (an address or a domain)
/// and derives its identifier.
pub fn apple_mobileconfig(
    config: &MailClientConfig,
    scope: &str,
    accounts: &[MailAccount],
) -> Result<String, CoreError> {
    let Some(first) = accounts.first() else {
        return Err(CoreError::field(
            "address",
            "There is no mailbox to put into the profile.",
            "Es gibt kein Postfach für das Profil.",
        ));
    };
    let pick = |protocol| {
        config
            .servers
            .iter()
            .find(|s| s.protocol == protocol && s.recommended)
            .cloned()
    };
    let (Some(imap), Some(smtp)) = (pick(MailProtocol::Imap), pick(MailProtocol::Smtp)) else {
        return Err(CoreError::Internal("no recommended mail server".into()));
    };
    let stem = reverse_dns(&first.address.domain);
    let scope_id = if scope.contains('@') {
        format!("{stem}.{}", first.address.local)
    } else {
        format!("{stem}.domain")
    };

    let mut p = Plist(String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n\
         <plist version=\"1.0\">\n<dict>\n",
    ));
    p.key(2, "PayloadContent");
    p.0.push_str("  <array>\n");
    for account in accounts {
        let address = account.address.address();
        let description = if account.name.trim().is_empty() {
            address.clone()
        } else {
            format!("{} ({address})", account.name.trim())
        };
        let payload_id = format!(
            "{}.{}",
            reverse_dns(&account.address.domain),
            account.address.local
        );
        p.0.push_str("    <dict>\n");
        p.string(6, "PayloadType", "com.apple.mail.managed");
        p.integer(6, "PayloadVersion", 1);
        p.string(6, "PayloadIdentifier", &format!("{payload_id}.account"));
        p.string(
            6,
            "PayloadUUID",
            &stable_uuid(&format!("account:{address}")),
        );
        p.string(6, "PayloadDisplayName", &description);
        p.string(6, "EmailAccountType", "EmailTypeIMAP");
        p.string(6, "EmailAccountDescription", &description);
        if !account.name.trim().is_empty() {
            p.string(6, "EmailAccountName", account.name.trim());
        }
        p.string(6, "EmailAddress", &address);
        p.string(6, "IncomingMailServerHostName", &imap.host);
        p.integer(6, "IncomingMailServerPortNumber", i64::from(imap.port));
        p.boolean(6, "IncomingMailServerUseSSL", true);
        p.string(6, "IncomingMailServerUsername", &address);
        p.string(6, "IncomingMailServerAuthentication", "EmailAuthPassword");
        p.string(6, "OutgoingMailServerHostName", &smtp.host);
        p.integer(6, "OutgoingMailServerPortNumber", i64::from(smtp.port));
        p.boolean(6, "OutgoingMailServerUseSSL", true);
        p.string(6, "OutgoingMailServerUsername", &address);
        p.string(6, "OutgoingMailServerAuthentication", "EmailAuthPassword");
        p.boolean(6, "OutgoingPasswordSameAsIncomingPassword", true);
        p.0.push_str("    </dict>\n");
    }
    p.0.push_str("  </array>\n");
    p.string(2, "PayloadDisplayName", &format!("E-mail {scope}"));
    p.string(
        2,
        "PayloadDescription",
        &format!("IMAP and SMTP settings of the hosted mailcow for {scope}. The password is asked for when the profile is installed."),
    );
    p.string(2, "PayloadIdentifier", &scope_id);
    p.string(2, "PayloadOrganization", "Servercow hosted mailcow");
    p.boolean(2, "PayloadRemovalDisallowed", false);
    p.string(2, "PayloadType", "Configuration");
    p.string(
        2,
        "PayloadUUID",
        &stable_uuid(&format!("profile:{scope_id}")),
    );
    p.integer(2, "PayloadVersion", 1);
    p.0.push_str("</dict>\n</plist>\n");
    Ok(p.0)
}

/// The settings table as plain text, for a terminal.
pub fn settings_table(config: &MailClientConfig, address: &str) -> String {
    settings_table_in(config, address, false)
}

/// The settings table in English, or in German when `german`.
pub fn settings_table_in(config: &MailClientConfig, address: &str, german: bool) -> String {
    let word = |en: &'static str, de: &'static str| if german { de } else { en };
    let mut out = format!(
        "{:<6} {:<20} {:>5}  {:<10} {}\n",
        "",
        "SERVER",
        "PORT",
        word("SECURITY", "SICHERHEIT"),
        ""
    );
    for s in &config.servers {
        out.push_str(&format!(
            "{:<6} {:<20} {:>5}  {:<10} {}\n",
            match s.protocol {
                MailProtocol::Imap => "IMAP",
                MailProtocol::Smtp => "SMTP",
            },
            s.host,
            s.port,
            match s.security {
                MailSecurity::Tls => "SSL/TLS",
                MailSecurity::Starttls => "STARTTLS",
            },
            if s.recommended {
                word("recommended", "empfohlen")
            } else {
                word("alternative", "alternativ")
            }
        ));
    }
    if german {
        out.push_str(&format!("\nBenutzername:   {address}\n"));
        out.push_str("Anmeldung:      Passwort (PLAIN, über die verschlüsselte Verbindung)\n");
    } else {
        out.push_str(&format!("\nUsername:       {address}\n"));
        out.push_str("Authentication: password (PLAIN, over the encrypted connection)\n");
    }
    out
}

/// A configuration file ready to save: its suggested name, MIME type and text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigFile {
    pub file_name: String,
    pub mime_type: &'static str,
    pub contents: String,
}

/// The file for one mailbox.
pub fn mailbox_file(
    config: &MailClientConfig,
    account: &MailAccount,
    format: ConfigFormat,
) -> Result<ConfigFile, CoreError> {
    let address = account.address.address();
    Ok(match format {
        ConfigFormat::Thunderbird => ConfigFile {
            file_name: "config-v1.1.xml".into(),
            mime_type: "application/xml",
            contents: thunderbird_autoconfig(
                config,
                &account.address.domain,
                if account.name.trim().is_empty() {
                    &address
                } else {
                    account.name.trim()
                },
            ),
        },
        ConfigFormat::Apple => ConfigFile {
            file_name: format!("{}.mobileconfig", address),
            mime_type: "application/x-apple-aspen-config",
            contents: apple_mobileconfig(config, &address, std::slice::from_ref(account))?,
        },
        ConfigFormat::Table => ConfigFile {
            file_name: format!("{address}.txt"),
            mime_type: "text/plain",
            contents: settings_table(config, &address),
        },
    })
}

/// The file for a whole domain: Thunderbird's autoconfig for the domain, or one Apple
/// profile with every mailbox of the domain in `accounts`.
pub fn domain_file(
    config: &MailClientConfig,
    domain: &str,
    accounts: &[MailAccount],
    format: ConfigFormat,
) -> Result<ConfigFile, CoreError> {
    Ok(match format {
        ConfigFormat::Thunderbird => ConfigFile {
            file_name: "config-v1.1.xml".into(),
            mime_type: "application/xml",
            contents: thunderbird_autoconfig(config, domain, domain),
        },
        ConfigFormat::Apple => {
            let mine: Vec<MailAccount> = accounts
                .iter()
                .filter(|a| a.address.domain == domain)
                .cloned()
                .collect();
            ConfigFile {
                file_name: format!("{domain}.mobileconfig"),
                mime_type: "application/x-apple-aspen-config",
                contents: apple_mobileconfig(config, domain, &mine)?,
            }
        }
        ConfigFormat::Table => ConfigFile {
            file_name: format!("{domain}.txt"),
            mime_type: "text/plain",
            contents: settings_table(config, &format!("name@{domain}")),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::mailbox_address;

    fn account(address: &str, name: &str) -> MailAccount {
        MailAccount {
            address: mailbox_address(address).unwrap(),
            name: name.to_owned(),
        }
    }

    type Server = (String, String, u16, String, String, String);

    /// (type, hostname, port, socketType, username, authentication) of each server.
    fn servers(xml: &str, element: &str) -> Vec<Server> {
        let doc = roxmltree::Document::parse(xml).expect("well-formed XML");
        let provider = doc
            .root_element()
            .children()
            .find(|n| n.has_tag_name("emailProvider"))
            .unwrap();
        let text = |n: roxmltree::Node, tag: &str| {
            n.children()
                .find(|c| c.has_tag_name(tag))
                .and_then(|c| c.text())
                .unwrap_or_else(|| panic!("{tag} missing"))
                .to_owned()
        };
        provider
            .children()
            .filter(|n| n.has_tag_name(element))
            .map(|n| {
                (
                    n.attribute("type").unwrap().to_owned(),
                    text(n, "hostname"),
                    text(n, "port").parse().unwrap(),
                    text(n, "socketType"),
                    text(n, "username"),
                    text(n, "authentication"),
                )
            })
            .collect()
    }

    #[test]
    fn mailsetup_thunderbird_autoconfig_has_every_required_element() {
        let xml = thunderbird_autoconfig(&hosted_mailcow(), "mueller-webdesign.de", "Anna Müller");
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "clientConfig");
        assert_eq!(root.attribute("version"), Some("1.1"));
        let provider = root
            .children()
            .find(|n| n.has_tag_name("emailProvider"))
            .unwrap();
        assert_eq!(provider.attribute("id"), Some("mueller-webdesign.de"));
        let domains: Vec<_> = provider
            .children()
            .filter(|n| n.has_tag_name("domain"))
            .map(|n| n.text().unwrap())
            .collect();
        assert_eq!(domains, ["mueller-webdesign.de"]);
        let imap = servers(&xml, "incomingServer");
        let smtp = servers(&xml, "outgoingServer");
        let expect = |kind: &str, port, socket: &str| -> Server {
            (
                kind.to_owned(),
                "hosted.mailcow.de".to_owned(),
                port,
                socket.to_owned(),
                "%EMAILADDRESS%".to_owned(),
                "password-cleartext".to_owned(),
            )
        };
        // The preferred server first, the alternative after it.
        assert_eq!(
            imap,
            [expect("imap", 993, "SSL"), expect("imap", 143, "STARTTLS")]
        );
        assert_eq!(
            smtp,
            [expect("smtp", 465, "SSL"), expect("smtp", 587, "STARTTLS")]
        );
    }

    #[test]
    fn mailsetup_odd_names_are_escaped_in_both_files() {
        let odd = r#"Tom & "Jerry" <Büro> 'O'Brien' ]]> &amp;"#;
        let xml = thunderbird_autoconfig(&hosted_mailcow(), "a-b.de", odd);
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let shown = doc
            .descendants()
            .find(|n| n.has_tag_name("displayName"))
            .and_then(|n| n.text())
            .unwrap();
        assert_eq!(shown, odd);

        let profile = apple_mobileconfig(
            &hosted_mailcow(),
            "x_y@a-b.de",
            &[account("x_y@a-b.de", odd)],
        )
        .unwrap();
        let top = parse_profile(&profile);
        let payload = top["PayloadContent"].as_array().unwrap()[0]
            .as_dictionary()
            .unwrap();
        assert_eq!(payload["EmailAccountName"].as_string(), Some(odd));
        assert_mail_payload(payload, "x_y@a-b.de");
        // A control character cannot be written in XML 1.0 at all: it becomes a space.
        let xml = thunderbird_autoconfig(&hosted_mailcow(), "a.de", "bell\u{7}name");
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let shown = doc
            .descendants()
            .find(|n| n.has_tag_name("displayName"))
            .and_then(|n| n.text());
        assert_eq!(shown, Some("bell name"));
    }

    fn parse_profile(text: &str) -> plist::Dictionary {
        plist::Value::from_reader_xml(text.as_bytes())
            .expect("a valid property list")
            .into_dictionary()
            .expect("a dictionary at the top")
    }

    fn assert_top_level(top: &plist::Dictionary) {
        assert_eq!(top["PayloadType"].as_string(), Some("Configuration"));
        assert_eq!(top["PayloadVersion"].as_signed_integer(), Some(1));
        let identifier = top["PayloadIdentifier"].as_string().unwrap();
        assert!(
            identifier.split('.').count() >= 3 && !identifier.contains(' '),
            "{identifier} is not reverse DNS"
        );
        assert_uuid(top["PayloadUUID"].as_string().unwrap());
        assert!(!top["PayloadDisplayName"].as_string().unwrap().is_empty());
    }

    fn assert_uuid(uuid: &str) {
        let groups: Vec<_> = uuid.split('-').map(str::len).collect();
        assert_eq!(groups, [8, 4, 4, 4, 12], "{uuid}");
        assert!(uuid.chars().all(|c| c == '-' || c.is_ascii_hexdigit()));
    }

    fn assert_mail_payload(payload: &plist::Dictionary, address: &str) {
        let s = |key: &str| {
            payload
                .get(key)
                .and_then(plist::Value::as_string)
                .unwrap_or_else(|| panic!("{key} missing"))
        };
        let i = |key: &str| {
            payload
                .get(key)
                .and_then(plist::Value::as_signed_integer)
                .unwrap_or_else(|| panic!("{key} missing"))
        };
        let b = |key: &str| {
            payload
                .get(key)
                .and_then(plist::Value::as_boolean)
                .unwrap_or_else(|| panic!("{key} missing"))
        };
        assert_eq!(s("PayloadType"), "com.apple.mail.managed");
        assert_eq!(i("PayloadVersion"), 1);
        assert!(s("PayloadIdentifier").contains('.'));
        assert_uuid(s("PayloadUUID"));
        assert!(!s("PayloadDisplayName").is_empty());
        assert_eq!(s("EmailAccountType"), "EmailTypeIMAP");
        assert_eq!(s("EmailAddress"), address);
        assert_eq!(s("IncomingMailServerHostName"), "hosted.mailcow.de");
        assert_eq!(i("IncomingMailServerPortNumber"), 993);
        assert!(b("IncomingMailServerUseSSL"));
        assert_eq!(s("IncomingMailServerUsername"), address);
        assert_eq!(s("IncomingMailServerAuthentication"), "EmailAuthPassword");
        assert_eq!(s("OutgoingMailServerHostName"), "hosted.mailcow.de");
        assert_eq!(i("OutgoingMailServerPortNumber"), 465);
        assert!(b("OutgoingMailServerUseSSL"));
        assert_eq!(s("OutgoingMailServerUsername"), address);
        assert_eq!(s("OutgoingMailServerAuthentication"), "EmailAuthPassword");
        for key in payload.keys() {
            assert!(
                !key.to_ascii_lowercase().contains("password")
                    || key == "OutgoingPasswordSameAsIncomingPassword",
                "{key}: no password goes into the profile"
            );
        }
    }

    #[test]
    fn mailsetup_apple_profile_for_one_mailbox_has_every_required_key() {
        let info = account("info@mueller-webdesign.de", "Info");
        let file = mailbox_file(&hosted_mailcow(), &info, ConfigFormat::Apple).unwrap();
        assert_eq!(file.mime_type, "application/x-apple-aspen-config");
        assert_eq!(file.file_name, "info@mueller-webdesign.de.mobileconfig");
        let top = parse_profile(&file.contents);
        assert_top_level(&top);
        assert_eq!(
            top["PayloadIdentifier"].as_string(),
            Some("de.mueller-webdesign.mail.info")
        );
        let content = top["PayloadContent"].as_array().unwrap();
        assert_eq!(content.len(), 1);
        assert_mail_payload(
            content[0].as_dictionary().unwrap(),
            "info@mueller-webdesign.de",
        );
        // The same mailbox gives the same identifiers again (a re-import replaces it).
        assert_eq!(
            mailbox_file(&hosted_mailcow(), &info, ConfigFormat::Apple)
                .unwrap()
                .contents,
            file.contents
        );
    }

    #[test]
    fn mailsetup_apple_profile_for_a_domain_has_one_payload_per_mailbox() {
        let accounts = [
            account("info@a.de", "Info"),
            account("max.1@a.de", ""),
            account("other@b.de", "Elsewhere"),
        ];
        let file = domain_file(&hosted_mailcow(), "a.de", &accounts, ConfigFormat::Apple).unwrap();
        let top = parse_profile(&file.contents);
        assert_top_level(&top);
        assert_eq!(
            top["PayloadIdentifier"].as_string(),
            Some("de.a.mail.domain")
        );
        let content = top["PayloadContent"].as_array().unwrap();
        let addresses = ["info@a.de", "max.1@a.de"];
        assert_eq!(content.len(), addresses.len());
        let mut uuids = std::collections::BTreeSet::new();
        for (payload, address) in content.iter().zip(addresses) {
            let payload = payload.as_dictionary().unwrap();
            assert_mail_payload(payload, address);
            uuids.insert(payload["PayloadUUID"].as_string().unwrap().to_owned());
        }
        uuids.insert(top["PayloadUUID"].as_string().unwrap().to_owned());
        assert_eq!(uuids.len(), 3, "every payload has its own UUID");
        assert!(domain_file(&hosted_mailcow(), "c.de", &accounts, ConfigFormat::Apple).is_err());
    }

    #[test]
    fn mailsetup_domain_and_mailbox_thunderbird_files() {
        let file = domain_file(&hosted_mailcow(), "a.de", &[], ConfigFormat::Thunderbird).unwrap();
        assert_eq!(file.file_name, "config-v1.1.xml");
        assert_eq!(servers(&file.contents, "incomingServer").len(), 2);
        let file = mailbox_file(
            &hosted_mailcow(),
            &account("info@a.de", ""),
            ConfigFormat::Thunderbird,
        )
        .unwrap();
        let doc = roxmltree::Document::parse(&file.contents).unwrap();
        let name = doc
            .descendants()
            .find(|n| n.has_tag_name("displayName"))
            .and_then(|n| n.text());
        assert_eq!(name, Some("info@a.de"));
    }

    #[test]
    fn mailsetup_table_in_german_has_the_same_rows() {
        let en = settings_table_in(&hosted_mailcow(), "info@a.de", false);
        let de = settings_table_in(&hosted_mailcow(), "info@a.de", true);
        assert_eq!(en, settings_table(&hosted_mailcow(), "info@a.de"));
        assert!(de.contains("Benutzername:   info@a.de"), "{de}");
        assert!(
            de.contains("empfohlen") && de.contains("SICHERHEIT"),
            "{de}"
        );
        assert!(
            !de.contains("recommended") && !de.contains("Username"),
            "{de}"
        );
        assert_eq!(en.lines().count(), de.lines().count());
    }

    #[test]
    fn mailsetup_table_names_the_username_and_every_port() {
        let table = settings_table(&hosted_mailcow(), "info@a.de");
        for needle in [
            "993",
            "465",
            "143",
            "587",
            "Username:       info@a.de",
            "SSL/TLS",
            "STARTTLS",
        ] {
            assert!(table.contains(needle), "{needle} missing:\n{table}");
        }
        let first = table.lines().nth(1).unwrap();
        assert!(
            first.contains("993") && first.contains("recommended"),
            "{first}"
        );
    }

    #[test]
    fn mailsetup_formats_parse() {
        assert_eq!(ConfigFormat::parse("apple").unwrap(), ConfigFormat::Apple);
        assert_eq!(
            ConfigFormat::parse("thunderbird").unwrap(),
            ConfigFormat::Thunderbird
        );
        assert_eq!(ConfigFormat::parse("table").unwrap(), ConfigFormat::Table);
        assert!(ConfigFormat::parse("outlook").is_err());
    }

    #[test]
    fn recommended_settings_come_first_and_match_the_faq() {
        let config = hosted_mailcow();
        let ports: Vec<_> = config
            .servers
            .iter()
            .map(|s| (s.port, s.recommended))
            .collect();
        assert_eq!(
            ports,
            [(993, true), (465, true), (143, false), (587, false)]
        );
        assert!(config.servers.iter().all(|s| s.host == "hosted.mailcow.de"));
        assert!(config
            .servers
            .iter()
            .all(|s| (s.security == MailSecurity::Tls) == s.recommended));
    }
}
