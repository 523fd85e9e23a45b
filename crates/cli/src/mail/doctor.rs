//! `cowdesk mail doctor|usage|empty-trash ADDRESS`: the mail doctor of cowdesk-core with
//! the mailbox password read from standard input. Each command prints the report (or
//! JSON with `--json`) and ends with the core's exit status: 0 nothing failed, 2 a check
//! failed, 1 bad input.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::Args;
use cowdesk_core::maildoctor::{
    empty_trash, mailbox_usage, preview_empty_trash, read_password, run_doctor, DoctorRequest,
    ExitStatus, MailDoctorError, Ports, Sensitive, DEFAULT_SERVER,
};

use super::print;
use crate::lang::Lang;
use crate::output;

/// What all three commands take: the mailbox, the server and its ports, what the mail
/// program is set to, and the password.
#[derive(Args, Debug)]
pub struct MailboxArgs {
    /// The mailbox's full e-mail address.
    address: String,
    /// The mail server.
    #[arg(long, value_name = "HOST", default_value = DEFAULT_SERVER)]
    server: String,
    #[arg(long, value_name = "N", default_value_t = Ports::default().imap_tls)]
    imap_tls_port: u16,
    #[arg(long, value_name = "N", default_value_t = Ports::default().imap_starttls)]
    imap_starttls_port: u16,
    #[arg(long, value_name = "N", default_value_t = Ports::default().smtp_tls)]
    smtp_tls_port: u16,
    #[arg(long, value_name = "N", default_value_t = Ports::default().smtp_starttls)]
    smtp_starttls_port: u16,
    /// One more trusted CA certificate (PEM), besides the system's (private servers, tests).
    #[arg(long, value_name = "PEM")]
    ca_file: Option<PathBuf>,
    /// The username the mail program uses; the checks log in with it (default: the address).
    #[arg(long, value_name = "NAME")]
    username: Option<String>,
    /// The SMTP port the mail program is set to (25 is not for sending from a mail program).
    #[arg(long, value_name = "N")]
    client_smtp_port: Option<u16>,
    /// Read the mailbox password from the first line of standard input (else a prompt on
    /// a terminal).
    #[arg(long)]
    password_stdin: bool,
    #[arg(long)]
    pub json: bool,
}

impl MailboxArgs {
    fn request(&self, lang: Lang) -> Result<DoctorRequest, MailDoctorError> {
        let password = self.password(lang)?;
        let mut req = DoctorRequest::new(&self.address, password);
        req.server = self.server.clone();
        req.ports = Ports {
            imap_tls: self.imap_tls_port,
            imap_starttls: self.imap_starttls_port,
            smtp_tls: self.smtp_tls_port,
            smtp_starttls: self.smtp_starttls_port,
        };
        req.ca_file = self.ca_file.clone();
        req.username = self.username.clone();
        req.client_smtp_port = self.client_smtp_port;
        Ok(req)
    }

    fn password(&self, lang: Lang) -> Result<Sensitive<String>, MailDoctorError> {
        if self.password_stdin {
            return read_password(std::io::stdin().lock());
        }
        if std::io::stdin().is_terminal() {
            if let Ok(typed) = rpassword::prompt_password(
                lang.pick("Mailbox password: ", "Passwort des Postfachs: "),
            ) {
                let typed = Sensitive::new(typed);
                return read_password(typed.expose().as_bytes());
            }
        }
        Err(MailDoctorError::InvalidInput {
            field: "password",
            message: "No mailbox password given: use --password-stdin.".into(),
            message_de: "Kein Passwort des Postfachs angegeben: --password-stdin verwenden.".into(),
        })
    }

    /// Prints a failure before any check ran and gives its exit status (1 bad input, 2
    /// the connection or the server).
    fn fail(&self, err: MailDoctorError, lang: Lang) -> i32 {
        let code = err.exit_status();
        output::report(&err.info(), self.json, lang);
        code
    }
}

/// `cowdesk mail doctor`.
#[derive(Args, Debug)]
pub struct Doctor {
    #[command(flatten)]
    pub mailbox: MailboxArgs,
    /// Also send a test mail to the mailbox itself and wait for it over IMAP (then delete it).
    #[arg(long)]
    round_trip: bool,
}

impl Doctor {
    pub async fn run(self, lang: Lang) -> i32 {
        let mut req = match self.mailbox.request(lang) {
            Ok(req) => req,
            Err(err) => return self.mailbox.fail(err, lang),
        };
        req.round_trip = self.round_trip;
        match run_doctor(&req).await {
            Ok(report) => {
                if self.mailbox.json {
                    output::print_json(&report);
                } else {
                    print::report(&report, lang);
                }
                report.exit_status()
            }
            Err(err) => self.mailbox.fail(err, lang),
        }
    }
}

/// `cowdesk mail usage`.
#[derive(Args, Debug)]
pub struct Usage {
    #[command(flatten)]
    pub mailbox: MailboxArgs,
}

impl Usage {
    pub async fn run(self, lang: Lang) -> i32 {
        let req = match self.mailbox.request(lang) {
            Ok(req) => req,
            Err(err) => return self.mailbox.fail(err, lang),
        };
        match mailbox_usage(&req).await {
            Ok(report) => {
                if self.mailbox.json {
                    output::print_json(&report);
                } else {
                    print::report(&report, lang);
                }
                report.exit_status()
            }
            Err(err) => self.mailbox.fail(err, lang),
        }
    }
}

/// `cowdesk mail empty-trash`.
#[derive(Args, Debug)]
pub struct EmptyTrash {
    #[command(flatten)]
    pub mailbox: MailboxArgs,
    /// Empty them: without it, only what emptying would free is shown.
    #[arg(long)]
    yes: bool,
}

impl EmptyTrash {
    pub async fn run(self, lang: Lang) -> i32 {
        let req = match self.mailbox.request(lang) {
            Ok(req) => req,
            Err(err) => return self.mailbox.fail(err, lang),
        };
        let preview = match preview_empty_trash(&req).await {
            Ok(preview) => preview,
            Err(err) => return self.mailbox.fail(err, lang),
        };
        if !self.yes {
            if self.mailbox.json {
                output::print_json(&preview);
            } else {
                print::trash_preview(&preview, lang);
            }
            return preview.exit_status();
        }
        // Only what the preview saw is deleted: mail that arrives meanwhile stays.
        match empty_trash(&req, &preview).await {
            Ok(outcome) => {
                if self.mailbox.json {
                    output::print_json(&outcome);
                } else {
                    print::trash_outcome(&outcome, lang);
                }
                outcome.exit_status()
            }
            Err(err) => self.mailbox.fail(err, lang),
        }
    }
}
