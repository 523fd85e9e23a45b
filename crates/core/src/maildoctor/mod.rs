//! The mail doctor: tests a mailbox's IMAP and SMTP from the user's side with the
//! mailbox password — IMAP 993 (SSL/TLS), IMAP 143 (STARTTLS), SMTP 465 (SSL/TLS) and
//! SMTP 587 (STARTTLS), concurrently, each step under a timeout — reads the quota and
//! where the space went, empties Trash and Junk on request, and sends a test mail to
//! the mailbox itself when asked. Every finding has a stable code and a text in English
//! and German (see `findings`).
//!
//! The command line and the window call `run_doctor` (the window through
//! `run_doctor_with_progress`), `mailbox_usage`, `preview_empty_trash` and `empty_trash`
//! with a `DoctorRequest`; `ExitStatus` turns their results into the command's exit
//! status.

pub mod findings;
mod imap;
mod imap_parse;
mod password;
mod roundtrip;
mod smtp;
pub mod target;
mod tls;
mod trash;
mod usage;
mod utf7;
mod wire;

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use cowdesk_model::{
    ErrorInfo, MailDoctorProgress, MailDoctorReport, MailFinding, MailService, MailTrashOutcome,
    MailTrashPreview,
};

pub use crate::portal::Sensitive;
pub use findings::{service_code, Outcome};
pub use password::{
    forget_mailbox_password, load_mailbox_password, mailbox_password_key, read_password,
    store_mailbox_password,
};
pub use target::PendingTrash;
pub use tls::Trust;
pub use trash::freed;

use crate::error::CoreError;
use crate::mailconfig::HOSTED_MAILCOW;
use imap::{Imap, ImapFailure};
use smtp::{Smtp, SmtpFailure};
use tls::TlsFailure;

/// The server checked when none is given.
pub const DEFAULT_SERVER: &str = HOSTED_MAILCOW;
/// Each step (resolve, connect, handshake, every answer) waits at most this long.
pub const DEFAULT_STEP_TIMEOUT: Duration = Duration::from_secs(10);
/// How long the round trip waits for the test mail to arrive.
pub const DEFAULT_ROUND_TRIP_TIMEOUT: Duration = Duration::from_secs(60);

/// Exit statuses of the `cowdesk mail` commands.
pub const EXIT_OK: i32 = 0;
pub const EXIT_BAD_INPUT: i32 = 1;
pub const EXIT_CHECK_FAILED: i32 = 2;

/// TLS from the first byte, or STARTTLS on a plain connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    Tls,
    Starttls,
}

/// The ports of the four services (the hosted mailcow's by default).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ports {
    pub imap_tls: u16,
    pub imap_starttls: u16,
    pub smtp_tls: u16,
    pub smtp_starttls: u16,
}

impl Default for Ports {
    fn default() -> Ports {
        Ports {
            imap_tls: 993,
            imap_starttls: 143,
            smtp_tls: 465,
            smtp_starttls: 587,
        }
    }
}

/// Everything `cowdesk mail doctor|usage|empty-trash` takes: one field per flag.
#[derive(Debug, Clone)]
pub struct DoctorRequest {
    /// The mailbox's e-mail address.
    pub address: String,
    /// `--server` (default hosted.mailcow.de).
    pub server: String,
    /// `--imap-tls-port`, `--imap-starttls-port`, `--smtp-tls-port`, `--smtp-starttls-port`.
    pub ports: Ports,
    /// `--ca-file`: one more trusted CA (PEM), besides the operating system's.
    pub ca_file: Option<PathBuf>,
    /// `--round-trip`: send a test mail to the mailbox itself.
    pub round_trip: bool,
    /// `--username`: what the mail program uses; the checks log in with it. `None`: the
    /// address.
    pub username: Option<String>,
    /// `--client-smtp-port`: the SMTP port the mail program is set to.
    pub client_smtp_port: Option<u16>,
    /// `--password-stdin` (see `read_password`), or from the keyring.
    pub password: Sensitive<String>,
    pub step_timeout: Duration,
    pub round_trip_timeout: Duration,
}

impl DoctorRequest {
    /// A request with the defaults: hosted.mailcow.de, ports 993/143/465/587, no round
    /// trip, the address as username.
    pub fn new(address: &str, password: Sensitive<String>) -> DoctorRequest {
        DoctorRequest {
            address: address.to_owned(),
            server: DEFAULT_SERVER.to_owned(),
            ports: Ports::default(),
            ca_file: None,
            round_trip: false,
            username: None,
            client_smtp_port: None,
            password,
            step_timeout: DEFAULT_STEP_TIMEOUT,
            round_trip_timeout: DEFAULT_ROUND_TRIP_TIMEOUT,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum MailDoctorError {
    /// A flag or field is not usable; `field` names it (`address`, `server`, `ca_file`, ...).
    #[error("invalid {field}: {message}")]
    InvalidInput {
        field: &'static str,
        message: String,
        message_de: String,
    },
    /// The IMAP connection that usage or emptying Trash needs did not work; the finding
    /// says why.
    #[error("{}: {}", .0.code, .0.detail)]
    Connection(Box<MailFinding>),
    /// The server refused a command after the login.
    #[error("the mail server refused: {0}")]
    Server(String),
    #[error("internal: {0}")]
    Internal(String),
}

impl From<MailDoctorError> for CoreError {
    fn from(err: MailDoctorError) -> CoreError {
        match err {
            MailDoctorError::InvalidInput {
                field,
                message,
                message_de,
            } => CoreError::field(field, &message, &message_de),
            MailDoctorError::Connection(finding) => CoreError::Refused {
                message: finding.message_en,
                message_de: finding.message_de,
            },
            MailDoctorError::Server(detail) => CoreError::Refused {
                message: format!("The mail server refused a command ({detail}). Try again later; if it stays, tell support."),
                message_de: format!("Der Mailserver hat einen Befehl abgelehnt ({detail}). Bitte später erneut versuchen; bleibt es so, informieren Sie den Support."),
            },
            MailDoctorError::Internal(detail) => CoreError::Internal(detail),
        }
    }
}

impl MailDoctorError {
    /// What the window and `--json` show.
    pub fn info(self) -> ErrorInfo {
        CoreError::from(self).info()
    }
}

/// The exit status of a `cowdesk mail` command: 0 nothing failed, 2 a check failed, 1 bad
/// input.
pub trait ExitStatus {
    fn exit_status(&self) -> i32;
}

impl ExitStatus for MailDoctorReport {
    fn exit_status(&self) -> i32 {
        if self.failed() {
            EXIT_CHECK_FAILED
        } else {
            EXIT_OK
        }
    }
}

impl ExitStatus for MailTrashPreview {
    fn exit_status(&self) -> i32 {
        EXIT_OK
    }
}

impl ExitStatus for MailTrashOutcome {
    fn exit_status(&self) -> i32 {
        EXIT_OK
    }
}

impl ExitStatus for MailDoctorError {
    fn exit_status(&self) -> i32 {
        match self {
            MailDoctorError::InvalidInput { .. } => EXIT_BAD_INPUT,
            _ => EXIT_CHECK_FAILED,
        }
    }
}

impl<T: ExitStatus> ExitStatus for Result<T, MailDoctorError> {
    fn exit_status(&self) -> i32 {
        match self {
            Ok(value) => value.exit_status(),
            Err(err) => err.exit_status(),
        }
    }
}

/// A request checked and ready: the address trimmed, the username chosen, the roots
/// loaded.
struct Prepared<'a> {
    req: &'a DoctorRequest,
    address: String,
    host: String,
    username: String,
    trust: Trust,
}

fn invalid(field: &'static str, en: &str, de: &str) -> MailDoctorError {
    MailDoctorError::InvalidInput {
        field,
        message: en.to_owned(),
        message_de: de.to_owned(),
    }
}

fn prepare(req: &DoctorRequest) -> Result<Prepared<'_>, MailDoctorError> {
    let address = crate::validate::email(&req.address)
        .map_err(|_| {
            invalid(
                "address",
                "Enter the mailbox's full e-mail address (name@example.de).",
                "Bitte die vollständige E-Mail-Adresse des Postfachs eingeben (name@beispiel.de).",
            )
        })?
        .to_owned();
    let host = req.server.trim().to_owned();
    if host.is_empty()
        || host.len() > 253
        || host
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '/')
    {
        return Err(invalid(
            "server",
            "Enter the mail server's name, e.g. hosted.mailcow.de.",
            "Bitte den Namen des Mailservers eingeben, z. B. hosted.mailcow.de.",
        ));
    }
    let ports = req.ports;
    let all_ports = [
        Some(ports.imap_tls),
        Some(ports.imap_starttls),
        Some(ports.smtp_tls),
        Some(ports.smtp_starttls),
        req.client_smtp_port,
    ];
    if all_ports.contains(&Some(0)) {
        return Err(invalid(
            "port",
            "A port is a number from 1 to 65535.",
            "Ein Port ist eine Zahl von 1 bis 65535.",
        ));
    }
    let username = match &req.username {
        None => address.clone(),
        Some(name) => {
            let name = name.trim();
            if name.is_empty()
                || name.len() > 254
                || name.chars().any(|c| c.is_whitespace() || c.is_control())
            {
                return Err(invalid(
                    "username",
                    "Enter the username exactly as the mail program has it.",
                    "Bitte den Benutzernamen genau so eingeben, wie er im Mailprogramm steht.",
                ));
            }
            name.to_owned()
        }
    };
    password::check_password(req.password.expose())?;
    if req.step_timeout.is_zero() || req.round_trip_timeout.is_zero() {
        return Err(invalid(
            "timeout",
            "A timeout must be longer than zero.",
            "Eine Zeitgrenze muss länger als null sein.",
        ));
    }
    let trust = Trust::load(req.ca_file.as_deref())?;
    Ok(Prepared {
        req,
        address,
        host,
        username,
        trust,
    })
}

impl Prepared<'_> {
    fn endpoint(&self, service: MailService) -> (u16, Security) {
        let ports = self.req.ports;
        match service {
            MailService::ImapTls => (ports.imap_tls, Security::Tls),
            MailService::ImapStarttls => (ports.imap_starttls, Security::Starttls),
            MailService::SmtpTls => (ports.smtp_tls, Security::Tls),
            _ => (ports.smtp_starttls, Security::Starttls),
        }
    }

    fn target(&self, service: MailService) -> findings::Target<'_> {
        findings::Target {
            service,
            host: &self.host,
            port: self.endpoint(service).0,
            username: &self.username,
        }
    }

    /// What the mail program is set to, compared with the right settings.
    fn settings_findings(&self) -> Vec<MailFinding> {
        let mut out = Vec::new();
        if !self.username.contains('@') {
            out.push(findings::username_not_full_address(
                &self.username,
                &self.address,
            ));
        }
        if self.req.client_smtp_port == Some(25) {
            out.push(findings::port25_is_not_submission(&self.host));
        }
        out
    }

    /// One IMAP service up to a successful login; the session stays open on success.
    async fn check_imap(&self, service: MailService) -> (MailFinding, Option<Imap>) {
        let (port, security) = self.endpoint(service);
        let target = self.target(service);
        let timeout = self.req.step_timeout;
        let mut imap = match Imap::open(&self.host, port, security, &self.trust, timeout).await {
            Ok(imap) => imap,
            Err(err) => return (imap_finding(&target, &err), None),
        };
        match imap.login(&self.username, &self.req.password).await {
            Ok(method) => (
                findings::connection(&target, Outcome::Ok, format!("logged in with {method}")),
                Some(imap),
            ),
            Err(err) => {
                imap.logout().await;
                (imap_finding(&target, &err), None)
            }
        }
    }

    /// One SMTP service up to a successful AUTH, then QUIT: nothing is sent.
    async fn check_smtp(&self, service: MailService) -> MailFinding {
        let (port, security) = self.endpoint(service);
        let target = self.target(service);
        let timeout = self.req.step_timeout;
        let mut smtp = match Smtp::open(&self.host, port, security, &self.trust, timeout).await {
            Ok(smtp) => smtp,
            Err(err) => return smtp_finding(&target, &err),
        };
        let result = smtp.login(&self.username, &self.req.password).await;
        smtp.quit().await;
        match result {
            Ok(method) => {
                findings::connection(&target, Outcome::Ok, format!("logged in with {method}"))
            }
            Err(err) => smtp_finding(&target, &err),
        }
    }

    /// An IMAP session over SSL/TLS for usage and Trash, or the finding why not.
    async fn imap_session(&self) -> Result<Imap, MailDoctorError> {
        match self.check_imap(MailService::ImapTls).await {
            (_, Some(imap)) => Ok(imap),
            (finding, None) => Err(MailDoctorError::Connection(Box::new(finding))),
        }
    }
}

/// The outcome and detail of a failed handshake.
fn tls_outcome(failure: &TlsFailure) -> (Outcome, String) {
    match failure {
        TlsFailure::Untrusted(d) => (Outcome::TlsUntrusted, d.clone()),
        TlsFailure::Expired(d) => (Outcome::TlsExpired, d.clone()),
        TlsFailure::NameMismatch(d) => (Outcome::TlsNameMismatch, d.clone()),
        TlsFailure::Failed(d) => (Outcome::Unreachable, d.clone()),
    }
}

fn imap_outcome(err: &ImapFailure) -> (Outcome, String) {
    match err {
        ImapFailure::Connect(e) => (Outcome::Unreachable, e.to_string()),
        ImapFailure::Tls(t) => tls_outcome(t),
        ImapFailure::Wire(e) => (Outcome::Unreachable, e.to_string()),
        ImapFailure::NoStarttls => (
            Outcome::NoStarttls,
            "STARTTLS is not among the server's capabilities".to_owned(),
        ),
        ImapFailure::NoPasswordAuth(d) => (Outcome::NoPasswordAuth, d.clone()),
        ImapFailure::AuthFailed(d) => (Outcome::AuthFailed, d.clone()),
        ImapFailure::Protocol(d) => (Outcome::Unreachable, d.clone()),
    }
}

fn smtp_outcome(err: &SmtpFailure) -> (Outcome, String) {
    match err {
        SmtpFailure::Connect(e) => (Outcome::Unreachable, e.to_string()),
        SmtpFailure::Tls(t) => tls_outcome(t),
        SmtpFailure::Wire(e) => (Outcome::Unreachable, e.to_string()),
        SmtpFailure::NoStarttls => (
            Outcome::NoStarttls,
            "STARTTLS is not among the EHLO extensions".to_owned(),
        ),
        SmtpFailure::NoPasswordAuth(d) => (Outcome::NoPasswordAuth, d.clone()),
        SmtpFailure::AuthFailed(d) => (Outcome::AuthFailed, d.clone()),
        SmtpFailure::Protocol(d) => (Outcome::Unreachable, d.clone()),
    }
}

fn imap_finding(target: &findings::Target<'_>, err: &ImapFailure) -> MailFinding {
    let (outcome, detail) = imap_outcome(err);
    findings::connection(target, outcome, detail)
}

fn smtp_finding(target: &findings::Target<'_>, err: &SmtpFailure) -> MailFinding {
    let (outcome, detail) = smtp_outcome(err);
    findings::connection(target, outcome, detail)
}

pub(crate) fn describe_imap(err: &ImapFailure) -> String {
    imap_outcome(err).1
}

pub(crate) fn describe_smtp(err: &SmtpFailure) -> String {
    smtp_outcome(err).1
}

fn server_error(err: &ImapFailure) -> MailDoctorError {
    MailDoctorError::Server(describe_imap(err))
}

/// `cowdesk mail doctor`: the four connections concurrently, what the mail program is
/// set to, the round trip when asked, then quota and folders over the first IMAP
/// connection that worked. `Err` only for bad input.
pub async fn run_doctor(req: &DoctorRequest) -> Result<MailDoctorReport, MailDoctorError> {
    run_doctor_with_progress(req, &|_| {}).await
}

/// `run_doctor`, telling `progress` where it is: each of the four connections as it
/// answers (`connections`, done of 4), the round trip when it starts, then the usage.
pub async fn run_doctor_with_progress(
    req: &DoctorRequest,
    progress: &(dyn Fn(MailDoctorProgress) + Send + Sync),
) -> Result<MailDoctorReport, MailDoctorError> {
    let p = prepare(req)?;
    let step = |step: &str, done: u32, total: u32| {
        progress(MailDoctorProgress {
            address: p.address.clone(),
            step: step.to_owned(),
            done,
            total,
        })
    };
    let answered = AtomicU32::new(0);
    let tick = || {
        let done = answered.fetch_add(1, Ordering::SeqCst) + 1;
        step("connections", done, 4);
    };
    step("connections", 0, 4);
    let ((imap_tls, tls_session), (imap_starttls, starttls_session), smtp_tls, smtp_starttls) = tokio::join!(
        async {
            let checked = p.check_imap(MailService::ImapTls).await;
            tick();
            checked
        },
        async {
            let checked = p.check_imap(MailService::ImapStarttls).await;
            tick();
            checked
        },
        async {
            let checked = p.check_smtp(MailService::SmtpTls).await;
            tick();
            checked
        },
        async {
            let checked = p.check_smtp(MailService::SmtpStarttls).await;
            tick();
            checked
        },
    );
    let smtp_ok = [
        (MailService::SmtpTls, &smtp_tls),
        (MailService::SmtpStarttls, &smtp_starttls),
    ]
    .into_iter()
    .find(|(_, f)| f.severity == cowdesk_model::MailSeverity::Ok)
    .map(|(service, _)| service);
    let mut report = MailDoctorReport {
        address: p.address.clone(),
        findings: vec![imap_tls, imap_starttls, smtp_tls, smtp_starttls],
        quota: None,
        folders: Vec::new(),
    };
    report.findings.extend(p.settings_findings());

    let (session, spare) = match (tls_session, starttls_session) {
        (Some(a), b) => (Some(a), b),
        (None, b) => (b, None),
    };
    if let Some(spare) = spare {
        spare.logout().await;
    }
    let Some(mut imap) = session else {
        if req.round_trip {
            report.findings.push(findings::round_trip_failed(
                &p.address,
                "no IMAP connection works to see the test mail arrive; nothing was sent".into(),
            ));
        }
        return Ok(report);
    };
    if req.round_trip {
        let finding = match smtp_ok {
            Some(service) => {
                step("round_trip", 0, 1);
                let (port, security) = p.endpoint(service);
                let sender = roundtrip::Sender {
                    service,
                    host: &p.host,
                    port,
                    security,
                    username: &p.username,
                    password: &req.password,
                };
                roundtrip::run(
                    &mut imap,
                    &sender,
                    &p.address,
                    &p.trust,
                    req.step_timeout,
                    req.round_trip_timeout,
                )
                .await
            }
            None => findings::round_trip_failed(
                &p.address,
                "no SMTP connection works to send the test mail".into(),
            ),
        };
        report.findings.push(finding);
    }
    step("usage", 0, 1);
    match usage::read_usage(&mut imap).await {
        Ok((quota, folders)) => {
            report
                .findings
                .extend(usage::findings(quota.as_ref(), &folders));
            report.quota = quota;
            report.folders = folders;
        }
        Err(err) => {
            tracing::warn!(reason = %describe_imap(&err), "mail doctor: reading the mailbox usage failed");
        }
    }
    imap.logout().await;
    Ok(report)
}

/// `cowdesk mail usage`: quota and folders over IMAP with SSL/TLS, with the quota
/// findings. A login that does not work is reported as its finding (exit 2).
pub async fn mailbox_usage(req: &DoctorRequest) -> Result<MailDoctorReport, MailDoctorError> {
    let p = prepare(req)?;
    let (login, session) = p.check_imap(MailService::ImapTls).await;
    let mut report = MailDoctorReport {
        address: p.address.clone(),
        findings: vec![login],
        quota: None,
        folders: Vec::new(),
    };
    report.findings.extend(p.settings_findings());
    let Some(mut imap) = session else {
        return Ok(report);
    };
    let usage = usage::read_usage(&mut imap).await;
    imap.logout().await;
    let (quota, folders) = usage.map_err(|err| server_error(&err))?;
    report
        .findings
        .extend(usage::findings(quota.as_ref(), &folders));
    report.quota = quota;
    report.folders = folders;
    Ok(report)
}

/// `cowdesk mail empty-trash` without `--yes`: what emptying Trash and Junk would free.
pub async fn preview_empty_trash(req: &DoctorRequest) -> Result<MailTrashPreview, MailDoctorError> {
    let p = prepare(req)?;
    let mut imap = p.imap_session().await?;
    let preview = trash::preview(&mut imap, &p.address).await;
    imap.logout().await;
    preview.map_err(|err| server_error(&err))
}

/// Empties what `preview` showed, then reads the quota again (before/after).
pub async fn empty_trash(
    req: &DoctorRequest,
    preview: &MailTrashPreview,
) -> Result<MailTrashOutcome, MailDoctorError> {
    let p = prepare(req)?;
    if !preview.address.eq_ignore_ascii_case(&p.address) {
        return Err(invalid(
            "address",
            "The preview belongs to another mailbox.",
            "Die Vorschau gehört zu einem anderen Postfach.",
        ));
    }
    let mut imap = p.imap_session().await?;
    let outcome = trash::apply(&mut imap, preview).await;
    imap.logout().await;
    outcome.map_err(|err| server_error(&err))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> DoctorRequest {
        DoctorRequest::new("max@example.de", Sensitive::new("pw".into()))
    }

    #[test]
    fn defaults_are_the_hosted_mailcow() {
        let req = request();
        assert_eq!(req.server, "hosted.mailcow.de");
        assert_eq!(
            req.ports,
            Ports {
                imap_tls: 993,
                imap_starttls: 143,
                smtp_tls: 465,
                smtp_starttls: 587
            }
        );
        assert!(!format!("{req:?}").contains("\"pw\""));
    }

    #[test]
    fn bad_input_is_exit_status_1() {
        for (change, field) in [
            (
                Box::new(|r: &mut DoctorRequest| r.address = "max".into())
                    as Box<dyn Fn(&mut DoctorRequest)>,
                "address",
            ),
            (
                Box::new(|r: &mut DoctorRequest| r.server = "  ".into()),
                "server",
            ),
            (
                Box::new(|r: &mut DoctorRequest| r.ports.smtp_tls = 0),
                "port",
            ),
            (
                Box::new(|r: &mut DoctorRequest| r.username = Some("a b".into())),
                "username",
            ),
            (
                Box::new(|r: &mut DoctorRequest| r.password = Sensitive::new(String::new())),
                "password",
            ),
        ] {
            let mut req = request();
            change(&mut req);
            let err = prepare(&req).err().unwrap();
            assert!(matches!(&err, MailDoctorError::InvalidInput { field: f, .. } if *f == field));
            assert_eq!(err.exit_status(), EXIT_BAD_INPUT);
            let info = err.info();
            assert_eq!(info.kind, cowdesk_model::ErrorKind::InvalidInput);
            assert!(info.fields.contains_key(field));
        }
    }

    #[test]
    fn exit_status_follows_the_worst_finding() {
        let target = findings::Target {
            service: MailService::ImapTls,
            host: "h",
            port: 993,
            username: "u@example.de",
        };
        let mut report = MailDoctorReport {
            address: "u@example.de".into(),
            findings: vec![findings::connection(&target, Outcome::Ok, String::new())],
            quota: None,
            folders: Vec::new(),
        };
        assert_eq!(report.exit_status(), EXIT_OK);
        report.findings.extend(findings::trash_holds_quota(50, 100));
        assert_eq!(report.exit_status(), EXIT_OK, "a warning is not a failure");
        report.findings.push(findings::connection(
            &target,
            Outcome::AuthFailed,
            String::new(),
        ));
        assert_eq!(report.exit_status(), EXIT_CHECK_FAILED);
        let failed: Result<MailDoctorReport, MailDoctorError> =
            Err(MailDoctorError::Server("x".into()));
        assert_eq!(failed.exit_status(), EXIT_CHECK_FAILED);
    }

    #[test]
    fn the_report_serialises_to_the_documented_json() {
        let target = findings::Target {
            service: MailService::SmtpStarttls,
            host: "h",
            port: 587,
            username: "u@example.de",
        };
        let report = MailDoctorReport {
            address: "u@example.de".into(),
            findings: vec![findings::connection(
                &target,
                Outcome::NoStarttls,
                "d".into(),
            )],
            quota: Some(cowdesk_model::MailQuota {
                used_bytes: 2048,
                limit_bytes: 4096,
            }),
            folders: vec![cowdesk_model::MailFolderUsage {
                name: "INBOX".into(),
                special_use: None,
                messages: 2,
                size_bytes: 2048,
            }],
        };
        let json = serde_json::to_value(&report).unwrap();
        let keys = |v: &serde_json::Value| {
            let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
            k.sort();
            k
        };
        assert_eq!(keys(&json), ["address", "findings", "folders", "quota"]);
        assert_eq!(
            keys(&json["findings"][0]),
            [
                "code",
                "detail",
                "message_de",
                "message_en",
                "service",
                "severity"
            ]
        );
        assert_eq!(json["findings"][0]["code"], "smtp_starttls_no_starttls");
        assert_eq!(json["findings"][0]["service"], "smtp_starttls");
        assert_eq!(json["findings"][0]["severity"], "error");
        assert_eq!(keys(&json["quota"]), ["limit_bytes", "used_bytes"]);
        assert_eq!(
            keys(&json["folders"][0]),
            ["messages", "name", "size_bytes", "special_use"]
        );
    }
}
