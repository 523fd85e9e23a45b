//! How mail clients reach the hosted mailcow (FAQ, "IMAP / SMTP settings for my mail
//! client"): SSL/TLS recommended, STARTTLS as the alternative.

use cowdesk_model::{MailClientConfig, MailProtocol, MailSecurity, MailServerSetting};

pub const HOSTED_MAILCOW: &str = "hosted.mailcow.de";

pub fn hosted_mailcow() -> MailClientConfig {
    let server = |protocol, port, security, recommended| MailServerSetting {
        protocol,
        host: HOSTED_MAILCOW.to_owned(),
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

#[cfg(test)]
mod tests {
    use super::*;

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
