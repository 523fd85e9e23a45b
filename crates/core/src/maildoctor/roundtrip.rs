//! The round trip, only when asked for: a small test mail to the mailbox itself over
//! SMTP, awaited in INBOX over IMAP (IDLE where offered) within a time limit, then
//! deleted again.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use chrono::Utc;
use cowdesk_model::{MailFinding, MailService};

use super::findings;
use super::imap::{Arg, Imap, ImapFailure};
use super::imap_parse;
use super::smtp::{Smtp, SmtpFailure};
use super::tls::Trust;
use super::trash;
use super::{describe_smtp, Security};
use crate::portal::Sensitive;

/// Where the test mail is sent.
pub(crate) struct Sender<'a> {
    pub service: MailService,
    pub host: &'a str,
    pub port: u16,
    pub security: Security,
    pub username: &'a str,
    pub password: &'a Sensitive<String>,
}

pub(crate) async fn run(
    imap: &mut Imap,
    sender: &Sender<'_>,
    address: &str,
    trust: &Trust,
    step_timeout: Duration,
    limit: Duration,
) -> MailFinding {
    let message_id = message_id(trust);
    let started = Instant::now();
    if let Err(detail) = send(sender, address, &message_id, trust, step_timeout).await {
        return findings::round_trip_failed(address, detail);
    }
    match await_and_delete(imap, &message_id, started + limit).await {
        Ok(true) => {
            findings::round_trip_ok(address, sender.service, sender.port, started.elapsed())
        }
        Ok(false) => findings::round_trip_failed(
            address,
            format!(
                "sent, but not in INBOX within {}",
                super::wire::seconds(limit)
            ),
        ),
        Err(err) => findings::round_trip_failed(
            address,
            format!(
                "sent, but reading INBOX failed: {}",
                super::describe_imap(&err)
            ),
        ),
    }
}

async fn send(
    sender: &Sender<'_>,
    address: &str,
    message_id: &str,
    trust: &Trust,
    timeout: Duration,
) -> Result<(), String> {
    let fail = |err: SmtpFailure| format!("sending failed: {}", describe_smtp(&err));
    let mut smtp = Smtp::open(sender.host, sender.port, sender.security, trust, timeout)
        .await
        .map_err(fail)?;
    smtp.login(sender.username, sender.password)
        .await
        .map_err(fail)?;
    let result = smtp
        .send_mail(address, address, &message(address, message_id))
        .await
        .map_err(fail);
    smtp.quit().await;
    result
}

/// Waits for the message in INBOX and deletes it. True when it arrived.
async fn await_and_delete(
    imap: &mut Imap,
    message_id: &str,
    until: Instant,
) -> Result<bool, ImapFailure> {
    imap.ok(&[Arg::Text("SELECT INBOX")], "opening INBOX")
        .await?;
    let search = format!("UID SEARCH HEADER Message-ID \"{message_id}\"");
    let found = loop {
        let answer = imap.ok(&[Arg::Text(&search)], "searching INBOX").await?;
        let uids: Vec<u32> = answer
            .data
            .iter()
            .filter_map(|d| imap_parse::parse_search(d))
            .flatten()
            .collect();
        if !uids.is_empty() {
            break Some(uids);
        }
        if Instant::now() >= until {
            break None;
        }
        imap.wait_for_news(until).await?;
    };
    let Some(uids) = found else {
        trash::close(imap).await?;
        return Ok(false);
    };
    let set = uids
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(",");
    imap.ok(
        &[Arg::Text(&format!(
            "UID STORE {set} +FLAGS.SILENT (\\Deleted)"
        ))],
        "deleting the test mail",
    )
    .await?;
    // Without UIDPLUS an EXPUNGE would also remove what the user marked deleted in
    // INBOX: the test mail then stays marked deleted until the mail program expunges.
    if imap.caps.has("UIDPLUS") {
        imap.ok(
            &[Arg::Text(&format!("UID EXPUNGE {set}"))],
            "deleting the test mail",
        )
        .await?;
    }
    trash::close(imap).await?;
    Ok(true)
}

fn message_id(trust: &Trust) -> String {
    let mut random = [0u8; 12];
    let mut token = String::with_capacity(24);
    if trust.random(&mut random) {
        for b in random {
            let _ = write!(token, "{b:02x}");
        }
    } else {
        token = Utc::now()
            .timestamp_nanos_opt()
            .unwrap_or_default()
            .to_string();
    }
    format!("<cowdesk-doctor.{token}@cowdesk.invalid>")
}

/// A plain ASCII message: nothing in it needs MIME encoding.
pub(crate) fn message(address: &str, message_id: &str) -> String {
    [
        format!("From: <{address}>"),
        format!("To: <{address}>"),
        "Subject: cowdesk mail doctor test".to_owned(),
        format!("Date: {}", Utc::now().to_rfc2822()),
        format!("Message-ID: {message_id}"),
        "Auto-Submitted: auto-generated".to_owned(),
        "MIME-Version: 1.0".to_owned(),
        "Content-Type: text/plain; charset=us-ascii".to_owned(),
        "Content-Transfer-Encoding: 7bit".to_owned(),
        String::new(),
        "cowdesk's mail doctor sent this message to test sending and receiving.".to_owned(),
        "It deletes it again as soon as it arrives; if you see it, delete it.".to_owned(),
    ]
    .join("\r\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_test_mail_is_plain_ascii_with_crlf() {
        let m = message("max@example.de", "<x@cowdesk.invalid>");
        assert!(m.is_ascii());
        assert!(m.contains("\r\nMessage-ID: <x@cowdesk.invalid>\r\n"));
        assert!(!m.replace("\r\n", "").contains('\n'));
        assert!(m.contains("\r\n\r\n"));
    }

    #[test]
    fn message_ids_differ() {
        let trust = Trust::load(None).unwrap();
        let (a, b) = (message_id(&trust), message_id(&trust));
        assert_ne!(a, b);
        assert!(a.starts_with("<cowdesk-doctor.") && a.ends_with("@cowdesk.invalid>"));
    }
}
