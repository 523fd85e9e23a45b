//! The bounce explainer: a pasted or dropped bounce in, the reason (one of
//! `BounceReason`), the codes, the servers and what to do out. Reads RFC 3464 delivery
//! status notifications where the bounce has one and the plain text otherwise. Never
//! panics and stays linear in its input (a fuzz target and a property test hold it to it).

use cowdesk_model::{BounceExplanation, BounceReason};
use serde::Serialize;

use super::bounce_parts::{field, header_block, take_apart, Dsn, Field};
use super::bounce_reason::{classify, is_auto_reply, permanent};
use super::bounce_scan::{
    addresses, best_status, diagnostic, dsn_address, dsn_value, is_address, limit, remote_mta,
    reply_code, reporting_mta, Status,
};
use super::bounce_text::{explain, Facts};
use crate::error::CoreError;

/// Bigger inputs are read up to this size: no bounce is larger, and a dropped file of
/// gigabytes must not fill the memory.
pub const MAX_BOUNCE_BYTES: usize = 8 * 1024 * 1024;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum BounceError {
    #[error("the input is not a mail message")]
    NotAMessage,
}

impl BounceError {
    pub fn messages(&self) -> (&'static str, &'static str) {
        match self {
            BounceError::NotAMessage => (
                "This is not a mail message. Paste the complete bounce including its headers, or drop the .eml file.",
                "Das ist keine E-Mail-Nachricht. Fügen Sie die vollständige Unzustellbarkeitsnachricht mit ihren Kopfzeilen ein oder ziehen Sie die .eml-Datei hierher.",
            ),
        }
    }
}

impl From<BounceError> for CoreError {
    fn from(err: BounceError) -> Self {
        let (en, de) = err.messages();
        CoreError::field("bounce", en, de)
    }
}

/// What the explainer knows of the account (so "mailbox full" on one of the own domains
/// points at the mail doctor's usage view).
#[derive(Debug, Clone, Default)]
pub struct BounceContext {
    /// The account's own mail domains, lowercase.
    pub own_domains: Vec<String>,
}

/// The command line's JSON: exactly these fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BounceSummary {
    pub reason: BounceReason,
    pub permanent: bool,
    pub status: Option<String>,
    pub reply_code: Option<u16>,
    pub recipient: Option<String>,
    pub reporting_mta: Option<String>,
    pub remote_mta: Option<String>,
    pub diagnostic: Option<String>,
    pub explanation_en: String,
    pub explanation_de: String,
}

impl From<&BounceExplanation> for BounceSummary {
    fn from(e: &BounceExplanation) -> Self {
        BounceSummary {
            reason: e.reason,
            permanent: e.permanent,
            status: e.status.clone(),
            reply_code: e.reply_code,
            recipient: e.recipient.clone(),
            reporting_mta: e.reporting_mta.clone(),
            remote_mta: e.remote_mta.clone(),
            diagnostic: e.diagnostic.clone(),
            explanation_en: e.explanation_en.clone(),
            explanation_de: e.explanation_de.clone(),
        }
    }
}

/// Local parts that name a mail system, not a person who failed to get the mail.
const SYSTEM_LOCAL_PARTS: &[&str] = &[
    "mailer-daemon",
    "postmaster",
    "support",
    "abuse",
    "noreply",
    "no-reply",
    "bounce",
    "bounces",
];

fn is_system_address(address: &str) -> bool {
    address
        .split('@')
        .next()
        .is_some_and(|l| SYSTEM_LOCAL_PARTS.contains(&l.to_ascii_lowercase().as_str()))
}

/// The DSN block of the failed recipient: the first that failed or was delayed.
fn recipient_block(dsn: &Dsn) -> Option<&[Field]> {
    dsn.recipients
        .iter()
        .find(|b| field(b, "Action").is_some_and(|a| a.to_ascii_lowercase().starts_with("failed")))
        .or_else(|| {
            dsn.recipients.iter().find(|b| {
                field(b, "Action").is_some_and(|a| a.to_ascii_lowercase().starts_with("delayed"))
            })
        })
        .or_else(|| dsn.recipients.first())
        .map(Vec::as_slice)
}

/// The failed recipient, from the text: an address that starts a line first (`<a@b>:`),
/// else any address that is neither the bounce's own nor a system address.
fn recipient_from_text(text: &str, own: &[String]) -> Option<String> {
    let usable =
        |a: &String| !own.iter().any(|o| o.eq_ignore_ascii_case(a)) && !is_system_address(a);
    // Lines that name a message, not a person: their ids look like addresses.
    let id_line = |line: &str| {
        let l = line.trim_start().to_ascii_lowercase();
        [
            "message-id:",
            "in-reply-to:",
            "references:",
            "original-envelope-id:",
        ]
        .iter()
        .any(|p| l.starts_with(p))
    };
    const KEYWORDS: &[&str] = &["recipient", "address", "rcpt", "user", "failed", "mailbox"];
    text.lines()
        .filter_map(|line| {
            let t = line.trim_start_matches([' ', '\t', '<', '>', '"']);
            let first = t.split(['>', ':', ' ', '\t', '"']).next().unwrap_or("");
            is_address(first).then(|| first.to_owned())
        })
        .find(usable)
        .or_else(|| {
            text.lines()
                .filter(|l| !id_line(l))
                .filter(|l| {
                    let lower = l.to_ascii_lowercase();
                    KEYWORDS.iter().any(|k| lower.contains(k))
                })
                .flat_map(addresses)
                .find(usable)
        })
        .or_else(|| {
            text.lines()
                .filter(|l| !id_line(l))
                .flat_map(addresses)
                .find(usable)
        })
        // A bounce of a mail the sender sent to itself names its own address.
        .or_else(|| {
            text.lines().find_map(|line| {
                let t = line.trim_start_matches([' ', '\t', '<', '>', '"']);
                let first = t.split(['>', ':', ' ', '\t', '"']).next().unwrap_or("");
                is_address(first).then(|| first.to_owned())
            })
        })
}

/// The host of a `Remote-MTA: dns; host [ip]` value.
fn dsn_host(value: &str) -> Option<String> {
    let value = dsn_value(value);
    let host = value
        .split([' ', '['])
        .find(|p| !p.is_empty())
        .unwrap_or("")
        .trim_matches(['[', ']', '.'])
        .to_owned();
    (!host.is_empty()).then_some(host)
}

/// The host in the bounce's topmost `Received: ... by HOST`.
fn received_by(headers: &[Field]) -> Option<String> {
    let received = field(headers, "Received")?;
    let lower = received.to_ascii_lowercase();
    let at = lower.find(" by ")? + 4;
    let host: String = received[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
        .collect();
    (host.contains('.')).then_some(host)
}

fn domain_of(address: &str) -> Option<String> {
    address
        .rsplit_once('@')
        .map(|(_, d)| d.trim_end_matches('>').to_ascii_lowercase())
        .filter(|d| !d.is_empty())
}

fn first_address(value: Option<&str>) -> Option<String> {
    value.and_then(|v| addresses(v).into_iter().next())
}

/// Explains a bounce. `Err(NotAMessage)` when the input is not a mail message.
pub fn explain_bounce(
    input: &[u8],
    context: &BounceContext,
) -> Result<BounceExplanation, BounceError> {
    let input = &input[..input.len().min(MAX_BOUNCE_BYTES)];
    let parts = take_apart(input).ok_or(BounceError::NotAMessage)?;
    let headers = &parts.headers;
    let own_addresses: Vec<String> = [field(headers, "From"), field(headers, "To")]
        .into_iter()
        .flatten()
        .flat_map(addresses)
        .collect();

    let block = parts.dsn.as_ref().and_then(recipient_block);
    let dsn_field = |name: &str| block.and_then(|b| field(b, name));

    let recipient = dsn_field("Final-Recipient")
        .or_else(|| dsn_field("Original-Recipient"))
        .and_then(dsn_address)
        .or_else(|| first_address(field(headers, "X-Failed-Recipients")))
        .or_else(|| recipient_from_text(&parts.text, &own_addresses));

    let text_diagnostic = diagnostic(&parts.text, recipient.as_deref());
    let diagnostic = dsn_field("Diagnostic-Code")
        .map(dsn_value)
        .filter(|d| !d.is_empty())
        .map(|d| limit(&d, 600))
        .or_else(|| text_diagnostic.clone());

    let dsn_status = dsn_field("Status").and_then(best_status);
    let status: Option<Status> = match dsn_status {
        Some(s) if !s.is_generic() => Some(s),
        other => diagnostic
            .as_deref()
            .and_then(best_status)
            .filter(|s| !s.is_generic())
            .or(other)
            .or_else(|| best_status(&parts.text)),
    };
    let reply = diagnostic
        .as_deref()
        .and_then(reply_code)
        .or_else(|| reply_code(&parts.text));

    let reporting = parts
        .dsn
        .as_ref()
        .and_then(|d| field(&d.message, "Reporting-MTA"))
        .and_then(dsn_host)
        .or_else(|| reporting_mta(&parts.text))
        .or_else(|| received_by(headers))
        .or_else(|| first_address(field(headers, "From")).and_then(|a| domain_of(&a)));
    let remote = dsn_field("Remote-MTA")
        .and_then(dsn_host)
        .or_else(|| remote_mta(text_diagnostic.as_deref().unwrap_or("")))
        .or_else(|| remote_mta(&parts.text));

    let has_failure = parts.dsn.is_some()
        || status.is_some_and(|s| s.class >= 4)
        || reply.is_some_and(|r| r >= 400)
        || field(headers, "X-Failed-Recipients").is_some();
    let subject = field(headers, "Subject").unwrap_or("");
    let headers_lower: String = headers
        .iter()
        .map(|(n, v)| format!("{n}: {v}\n"))
        .collect::<String>()
        .to_ascii_lowercase();

    let reason = if is_auto_reply(subject, &headers_lower, has_failure) {
        BounceReason::AutoReply
    } else {
        let from_diagnostic = diagnostic
            .as_deref()
            .map(|d| classify(d, status))
            .unwrap_or(BounceReason::Other);
        if from_diagnostic == BounceReason::Other {
            classify(&parts.text, status)
        } else {
            from_diagnostic
        }
    };
    let text_lower = parts.text.to_ascii_lowercase();
    let is_permanent = reason != BounceReason::AutoReply
        && permanent(dsn_field("Action"), &text_lower, status, reply);

    // The returned original: who sent it, when, and how it was authenticated.
    let original = parts.original_headers.as_deref().map(header_block);
    let original_field = |name: &str| original.as_deref().and_then(|o| field(o, name));
    let original_sender = first_address(original_field("From"))
        .or_else(|| {
            parts
                .dsn
                .as_ref()
                .and_then(|d| field(&d.message, "X-Postfix-Sender"))
                .and_then(dsn_address)
        })
        .or_else(|| first_address(field(headers, "To")).filter(|a| !is_system_address(a)));
    let authentication_results: Vec<String> = original
        .as_deref()
        .map(|o| {
            o.iter()
                .filter(|(n, _)| n.eq_ignore_ascii_case("Authentication-Results"))
                .map(|(_, v)| v.clone())
                .collect()
        })
        .unwrap_or_default();

    let recipient_domain = recipient.as_deref().and_then(domain_of);
    let sender_domain = original_sender.as_deref().and_then(domain_of);
    let mentions_platform = reporting
        .as_deref()
        .is_some_and(|r| r.to_ascii_lowercase().contains("mailcow"))
        || text_lower.contains("mailcow");
    let explained = explain(
        reason,
        &Facts {
            permanent: is_permanent,
            recipient: recipient.as_deref(),
            sender_domain: sender_domain.as_deref(),
            recipient_is_ours: recipient_domain.as_deref().is_some_and(|d| {
                context
                    .own_domains
                    .iter()
                    .any(|o| o.eq_ignore_ascii_case(d))
            }),
            from_shared_platform: mentions_platform,
        },
    );

    Ok(BounceExplanation {
        reason,
        permanent: is_permanent,
        status: status.map(Status::text),
        reply_code: reply,
        recipient,
        reporting_mta: reporting,
        remote_mta: remote,
        diagnostic,
        explanation_en: explained.en,
        explanation_de: explained.de,
        next_step: explained.next_step,
        next_step_target: explained.target,
        original_sender,
        original_date: original_field("Date").map(str::to_owned),
        original_subject: original_field("Subject").map(|s| limit(s, 300)),
        original_headers: parts.original_headers.map(|h| limit(&h, 64 * 1024)),
        authentication_results,
    })
}
