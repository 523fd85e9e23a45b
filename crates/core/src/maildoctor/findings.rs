//! The doctor's findings: stable codes, a severity, and what is wrong and what to do in
//! English and German, with the FAQ's advice where it has one.

use std::time::Duration;

use cowdesk_model::{MailFinding, MailQuota, MailService, MailSeverity};

use crate::mailconfig::HOSTED_MAILCOW;

const FAQ_SETTINGS: &str = "“IMAP / SMTP settings for my mail client”";
const FAQ_SETTINGS_DE: &str = "„IMAP / SMTP settings for my mail client“";
const FAQ_APPLE: &str = "“Apple Mail / iPhone stops receiving or sending”";
const FAQ_APPLE_DE: &str = "„Apple Mail / iPhone stops receiving or sending“";
const FAQ_FULL: &str = "“My mailbox is full – and quota doesn't drop after deleting”";
const FAQ_FULL_DE: &str = "„My mailbox is full – and quota doesn't drop after deleting“";

/// How one of the four connections ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    Unreachable,
    TlsUntrusted,
    TlsExpired,
    TlsNameMismatch,
    NoStarttls,
    AuthFailed,
    NoPasswordAuth,
}

impl Outcome {
    pub const ALL: [Outcome; 8] = [
        Outcome::Ok,
        Outcome::Unreachable,
        Outcome::TlsUntrusted,
        Outcome::TlsExpired,
        Outcome::TlsNameMismatch,
        Outcome::NoStarttls,
        Outcome::AuthFailed,
        Outcome::NoPasswordAuth,
    ];

    fn suffix(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Unreachable => "unreachable",
            Outcome::TlsUntrusted => "tls_untrusted",
            Outcome::TlsExpired => "tls_expired",
            Outcome::TlsNameMismatch => "tls_name_mismatch",
            Outcome::NoStarttls => "no_starttls",
            Outcome::AuthFailed => "auth_failed",
            Outcome::NoPasswordAuth => "no_password_auth",
        }
    }
}

/// The code of a connection's outcome, e.g. `smtp_starttls_no_starttls`.
pub fn service_code(service: MailService, outcome: Outcome) -> String {
    format!("{}_{}", service.as_str(), outcome.suffix())
}

/// Where the connection went, for the texts.
pub(crate) struct Target<'a> {
    pub service: MailService,
    pub host: &'a str,
    pub port: u16,
    pub username: &'a str,
}

fn service_names(service: MailService, port: u16) -> (String, String) {
    let (proto, security) = match service {
        MailService::ImapTls => ("IMAP", "SSL/TLS"),
        MailService::ImapStarttls => ("IMAP", "STARTTLS"),
        MailService::SmtpTls => ("SMTP", "SSL/TLS"),
        MailService::SmtpStarttls => ("SMTP", "STARTTLS"),
        _ => ("", ""),
    };
    (
        format!("{proto} with {security} (port {port})"),
        format!("{proto} mit {security} (Port {port})"),
    )
}

fn is_smtp(service: MailService) -> bool {
    matches!(service, MailService::SmtpTls | MailService::SmtpStarttls)
}

fn make(
    code: String,
    service: MailService,
    severity: MailSeverity,
    detail: String,
    en: String,
    de: String,
) -> MailFinding {
    MailFinding {
        code,
        service,
        severity,
        detail,
        message_en: en,
        message_de: de,
    }
}

/// The finding for one connection.
pub(crate) fn connection(target: &Target<'_>, outcome: Outcome, detail: String) -> MailFinding {
    let (svc, svc_de) = service_names(target.service, target.port);
    let host = target.host;
    let user = target.username;
    let (tls_port, tls_name, tls_name_de) = if is_smtp(target.service) {
        (465, "SMTP with SSL/TLS", "SMTP mit SSL/TLS")
    } else {
        (993, "IMAP with SSL/TLS", "IMAP mit SSL/TLS")
    };
    let (en, de) = match outcome {
        Outcome::Ok => (
            format!("{svc} works: {host} has a valid certificate and accepted the login with the username {user}."),
            format!("{svc_de} funktioniert: {host} hat ein gültiges Zertifikat und hat die Anmeldung mit dem Benutzernamen {user} angenommen."),
        ),
        Outcome::Unreachable => (
            format!("{svc} cannot be reached on {host}. Check the server name and the port; a firewall, the network (a hotel or guest Wi-Fi, for example) or security software may block this port."),
            format!("{svc_de} ist auf {host} nicht erreichbar. Prüfen Sie Servername und Port; eine Firewall, das Netzwerk (etwa ein Hotel- oder Gast-WLAN) oder Sicherheitssoftware kann diesen Port sperren."),
        ),
        Outcome::TlsUntrusted => (
            format!("{svc}: the certificate of {host} is not from a trusted certificate authority. Do not accept it in your mail program. If the server name is right, something between you and the server (security software that scans mail, a company proxy) may show its own certificate."),
            format!("{svc_de}: Das Zertifikat von {host} stammt nicht von einer vertrauenswürdigen Zertifizierungsstelle. Akzeptieren Sie es nicht in Ihrem Mailprogramm. Stimmt der Servername, zeigt vielleicht etwas zwischen Ihnen und dem Server (Sicherheitssoftware, die E-Mails prüft, ein Firmen-Proxy) ein eigenes Zertifikat."),
        ),
        Outcome::TlsExpired => (
            format!("{svc}: the certificate of {host} is not valid at this time. Check that your computer's date and time are right; if they are, tell support."),
            format!("{svc_de}: Das Zertifikat von {host} ist derzeit nicht gültig. Prüfen Sie Datum und Uhrzeit Ihres Computers; stimmen sie, informieren Sie den Support."),
        ),
        Outcome::TlsNameMismatch => (
            format!("{svc}: the certificate does not belong to the server name {host}. Set the server name exactly as your provider gives it; for the hosted mailcow it is {HOSTED_MAILCOW} (FAQ {FAQ_SETTINGS})."),
            format!("{svc_de}: Das Zertifikat gehört nicht zum Servernamen {host}. Tragen Sie den Servernamen genau so ein, wie Ihr Anbieter ihn nennt; beim hosted mailcow ist es {HOSTED_MAILCOW} (FAQ {FAQ_SETTINGS_DE})."),
        ),
        Outcome::NoStarttls => (
            format!("{svc}: {host} does not offer STARTTLS, so a mail program would send the password unencrypted; cowdesk did not log in. Use {tls_name} on port {tls_port}. If the server should offer STARTTLS, something in the network may be removing it."),
            format!("{svc_de}: {host} bietet kein STARTTLS an; ein Mailprogramm würde das Passwort unverschlüsselt senden, daher hat cowdesk sich nicht angemeldet. Verwenden Sie {tls_name_de} auf Port {tls_port}. Sollte der Server STARTTLS anbieten, entfernt es vielleicht etwas im Netzwerk."),
        ),
        Outcome::AuthFailed => (
            format!("{svc}: {host} refused the login with the username {user}. Check the password (the mailbox's password, not the customer account's) and that the username is the full e-mail address (FAQ {FAQ_SETTINGS})."),
            format!("{svc_de}: {host} hat die Anmeldung mit dem Benutzernamen {user} abgelehnt. Prüfen Sie das Passwort (das Passwort des Postfachs, nicht das des Kundenkontos) und dass der Benutzername die vollständige E-Mail-Adresse ist (FAQ {FAQ_SETTINGS_DE})."),
        ),
        Outcome::NoPasswordAuth if is_smtp(target.service) => (
            format!("{svc}: {host} offers no password authentication (PLAIN or LOGIN) here, so your mail program cannot log in to send. Set the authentication to “Password” and use port 465 with SSL/TLS or 587 with STARTTLS; Apple Mail sometimes switches this off on its own (FAQ {FAQ_APPLE})."),
            format!("{svc_de}: {host} bietet hier keine Anmeldung mit Passwort (PLAIN oder LOGIN) an, Ihr Mailprogramm kann sich zum Senden nicht anmelden. Stellen Sie die Authentifizierung auf „Passwort“ und verwenden Sie Port 465 mit SSL/TLS oder 587 mit STARTTLS; Apple Mail schaltet das manchmal von selbst ab (FAQ {FAQ_APPLE_DE})."),
        ),
        Outcome::NoPasswordAuth => (
            format!("{svc}: {host} offers no password login (PLAIN or LOGIN) here, so your mail program cannot log in. Set the authentication to “Password” (normal password) and use port 993 with SSL/TLS or 143 with STARTTLS (FAQ {FAQ_SETTINGS})."),
            format!("{svc_de}: {host} bietet hier keine Anmeldung mit Passwort (PLAIN oder LOGIN) an, Ihr Mailprogramm kann sich nicht anmelden. Stellen Sie die Authentifizierung auf „Passwort“ (normales Passwort) und verwenden Sie Port 993 mit SSL/TLS oder 143 mit STARTTLS (FAQ {FAQ_SETTINGS_DE})."),
        ),
    };
    let severity = if outcome == Outcome::Ok {
        MailSeverity::Ok
    } else {
        MailSeverity::Error
    };
    make(
        service_code(target.service, outcome),
        target.service,
        severity,
        detail,
        en,
        de,
    )
}

pub(crate) fn username_not_full_address(username: &str, address: &str) -> MailFinding {
    make(
        "username_not_full_address".into(),
        MailService::Settings,
        MailSeverity::Error,
        format!("username {username}"),
        format!("Your mail program uses the username “{username}”. The username is always the full e-mail address: {address} (FAQ {FAQ_SETTINGS})."),
        format!("Ihr Mailprogramm verwendet den Benutzernamen „{username}“. Der Benutzername ist immer die vollständige E-Mail-Adresse: {address} (FAQ {FAQ_SETTINGS_DE})."),
    )
}

pub(crate) fn port25_is_not_submission(host: &str) -> MailFinding {
    make(
        "port25_is_not_submission".into(),
        MailService::Settings,
        MailSeverity::Error,
        "SMTP port 25".into(),
        format!("Your mail program sends on port 25. Port 25 is for servers passing mail to each other; a mail program sends on port 465 with SSL/TLS or 587 with STARTTLS, with password authentication. Apple Mail sometimes switches to port 25 and turns password authentication off by itself: in the account's outgoing (SMTP) settings set port 587 with STARTTLS or 465 with SSL/TLS, authentication “Password”, the full e-mail address as username and the server {host}; if the values keep changing, turn off “Automatically manage connection settings” and correct them by hand (FAQ {FAQ_APPLE})."),
        format!("Ihr Mailprogramm sendet über Port 25. Port 25 ist für Server, die einander E-Mails übergeben; ein Mailprogramm sendet über Port 465 mit SSL/TLS oder 587 mit STARTTLS und meldet sich mit Passwort an. Apple Mail stellt manchmal von selbst auf Port 25 um und schaltet die Anmeldung mit Passwort ab: Stellen Sie in den Einstellungen des Postausgangsservers (SMTP) Port 587 mit STARTTLS oder 465 mit SSL/TLS ein, Authentifizierung „Passwort“, die vollständige E-Mail-Adresse als Benutzername und den Server {host}; ändern sich die Werte immer wieder, schalten Sie „Verbindungseinstellungen automatisch verwalten“ aus und korrigieren Sie sie von Hand (FAQ {FAQ_APPLE_DE})."),
    )
}

/// `quota_full` at 100 % or more, `quota_nearly_full` from 90 %.
pub(crate) fn quota(quota: &MailQuota) -> Option<MailFinding> {
    if quota.limit_bytes == 0 {
        return None;
    }
    let (used, limit) = (quota.used_bytes, quota.limit_bytes);
    let pct = quota.percent();
    let detail = format!("{used} of {limit} bytes");
    if used >= limit {
        Some(make(
            "quota_full".into(),
            MailService::Quota,
            MailSeverity::Error,
            detail,
            format!("The mailbox is full: {} of {}. New mail is refused until space is freed. Empty Trash and Junk, delete or archive large attachments and old mail, then check the quota again; if the space is too small for good, ask support for more (FAQ {FAQ_FULL}).", size(used, false), size(limit, false)),
            format!("Das Postfach ist voll: {} von {}. Neue E-Mails werden abgewiesen, bis Platz frei ist. Leeren Sie Papierkorb und Spam, löschen oder archivieren Sie große Anhänge und alte E-Mails und prüfen Sie danach das Kontingent; reicht der Platz dauerhaft nicht, bitten Sie den Support um mehr (FAQ {FAQ_FULL_DE}).", size(used, true), size(limit, true)),
        ))
    } else if pct >= 90 {
        Some(make(
            "quota_nearly_full".into(),
            MailService::Quota,
            MailSeverity::Warning,
            detail,
            format!("The mailbox is nearly full: {} of {} ({pct} %). When it is full, new mail is refused. Empty Trash and Junk, delete or archive large attachments and old mail, then check the quota again (FAQ {FAQ_FULL}).", size(used, false), size(limit, false)),
            format!("Das Postfach ist fast voll: {} von {} ({pct} %). Ist es voll, werden neue E-Mails abgewiesen. Leeren Sie Papierkorb und Spam, löschen oder archivieren Sie große Anhänge und alte E-Mails und prüfen Sie danach das Kontingent (FAQ {FAQ_FULL_DE}).", size(used, true), size(limit, true)),
        ))
    } else {
        None
    }
}

/// `trash_holds_quota` when Trash and Junk hold 20 % or more of the used storage.
pub(crate) fn trash_holds_quota(trash_bytes: u64, used_bytes: u64) -> Option<MailFinding> {
    if trash_bytes == 0
        || used_bytes == 0
        || trash_bytes.saturating_mul(100) < used_bytes.saturating_mul(20)
    {
        return None;
    }
    let pct = (trash_bytes.saturating_mul(100) / used_bytes).min(100);
    Some(make(
        "trash_holds_quota".into(),
        MailService::Quota,
        MailSeverity::Warning,
        format!("{trash_bytes} of {used_bytes} bytes in Trash and Junk"),
        format!("Trash and Junk hold {}, {pct} % of the used storage. Deleted mail keeps using space until these folders are emptied; emptying them frees it (FAQ {FAQ_FULL}).", size(trash_bytes, false)),
        format!("Papierkorb und Spam belegen {}, {pct} % des genutzten Speichers. Gelöschte E-Mails belegen Platz, bis diese Ordner geleert werden; das Leeren gibt ihn frei (FAQ {FAQ_FULL_DE}).", size(trash_bytes, true)),
    ))
}

pub(crate) fn round_trip_ok(
    address: &str,
    via: MailService,
    port: u16,
    took: Duration,
) -> MailFinding {
    let (svc, svc_de) = service_names(via, port);
    let ms = took.as_millis();
    make(
        "round_trip_ok".into(),
        MailService::RoundTrip,
        MailSeverity::Ok,
        format!("arrived after {ms} ms"),
        format!("A test mail to {address}, sent with {svc}, arrived in the inbox after {ms} ms and was deleted again."),
        format!("Eine Test-E-Mail an {address}, gesendet über {svc_de}, kam nach {ms} ms im Posteingang an und wurde wieder gelöscht."),
    )
}

pub(crate) fn round_trip_failed(address: &str, detail: String) -> MailFinding {
    make(
        "round_trip_failed".into(),
        MailService::RoundTrip,
        MailSeverity::Error,
        detail.clone(),
        format!("A test mail to {address} did not complete the round trip ({detail}). If the connection checks pass, tell support the address and the time of this test."),
        format!("Eine Test-E-Mail an {address} hat den Weg nicht geschafft ({detail}). Sind die Verbindungsprüfungen in Ordnung, nennen Sie dem Support die Adresse und die Uhrzeit dieses Tests."),
    )
}

/// Bytes as mail programs show them (1024-based), with the language's decimal mark.
pub fn size(bytes: u64, german: bool) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if bytes < 1024 {
        return if german {
            format!("{bytes} Byte")
        } else {
            format!("{bytes} bytes")
        };
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    let text = if value < 10.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.0}")
    };
    let text = if german { text.replace('.', ",") } else { text };
    format!("{text} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(service: MailService) -> Target<'static> {
        Target {
            service,
            host: "hosted.mailcow.de",
            port: 587,
            username: "max@example.de",
        }
    }

    #[test]
    fn every_code_has_both_languages() {
        for service in MailService::CONNECTIONS {
            for outcome in Outcome::ALL {
                let f = connection(&target(service), outcome, "d".into());
                assert_eq!(f.code, service_code(service, outcome));
                assert!(f.code.starts_with(service.as_str()));
                assert!(!f.message_en.is_empty() && !f.message_de.is_empty());
                assert_ne!(f.message_en, f.message_de);
                assert_eq!(f.severity == MailSeverity::Ok, outcome == Outcome::Ok);
            }
        }
        let quota_full = quota(&MailQuota {
            used_bytes: 10,
            limit_bytes: 10,
        })
        .unwrap();
        let others = [
            username_not_full_address("max", "max@example.de"),
            port25_is_not_submission("hosted.mailcow.de"),
            quota_full,
            trash_holds_quota(30, 100).unwrap(),
            round_trip_ok(
                "max@example.de",
                MailService::SmtpTls,
                465,
                Duration::from_millis(80),
            ),
            round_trip_failed("max@example.de", "x".into()),
        ];
        for f in others {
            assert_ne!(f.message_en, f.message_de, "{}", f.code);
        }
    }

    #[test]
    fn apple_mail_advice_for_port_25() {
        let f = port25_is_not_submission("hosted.mailcow.de");
        for text in [&f.message_en, &f.message_de] {
            assert!(text.contains("587") && text.contains("465"));
            assert!(text.contains("Apple Mail") && text.contains("hosted.mailcow.de"));
        }
        assert!(f
            .message_en
            .contains("Automatically manage connection settings"));
    }

    #[test]
    fn quota_thresholds() {
        let q = |used, limit| {
            quota(&MailQuota {
                used_bytes: used,
                limit_bytes: limit,
            })
            .map(|f| f.code)
        };
        assert_eq!(q(89, 100), None);
        assert_eq!(q(90, 100).as_deref(), Some("quota_nearly_full"));
        assert_eq!(q(99, 100).as_deref(), Some("quota_nearly_full"));
        assert_eq!(q(100, 100).as_deref(), Some("quota_full"));
        assert_eq!(q(5, 0), None);
        assert!(trash_holds_quota(19, 100).is_none());
        assert!(trash_holds_quota(20, 100).is_some());
        assert!(trash_holds_quota(0, 0).is_none());
    }

    #[test]
    fn sizes_read_well() {
        assert_eq!(size(512, false), "512 bytes");
        assert_eq!(size(974 * 1024, false), "974 KB");
        assert_eq!(size(1536 * 1024, true), "1,5 MB");
        assert_eq!(size(20 * 1024 * 1024 * 1024, false), "20 GB");
    }
}
