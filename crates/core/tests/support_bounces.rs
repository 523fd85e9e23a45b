//! The bounce explainer against a corpus of real bounces (tests/fixtures/bounces, each
//! labelled by hand in labels.tsv) and against random and mutated input.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use cowdesk_core::model::{BounceNextStep, BounceReason};
use cowdesk_core::support::{explain_bounce, BounceContext, BounceError, BounceSummary};
use proptest::prelude::*;

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bounces")
}

struct Label {
    file: String,
    mta: String,
    reason: BounceReason,
    status: Option<String>,
    permanent: bool,
    recipient: String,
}

fn labels() -> Vec<Label> {
    let text = std::fs::read_to_string(corpus_dir().join("labels.tsv")).expect("labels.tsv");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            assert_eq!(cols.len(), 6, "bad label line: {line}");
            Label {
                file: cols[0].to_owned(),
                mta: cols[1].to_owned(),
                reason: BounceReason::parse(cols[2])
                    .unwrap_or_else(|| panic!("reason {}", cols[2])),
                status: (cols[3] != "-").then(|| cols[3].to_owned()),
                permanent: cols[4] == "true",
                recipient: cols[5].to_owned(),
            }
        })
        .collect()
}

fn corpus_files() -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(corpus_dir())
        .expect("corpus folder")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".eml"))
        .collect();
    files.sort();
    files
}

#[test]
fn support_bounce_corpus_is_big_and_fully_labelled() {
    let labels = labels();
    let files = corpus_files();
    let labelled: BTreeSet<&str> = labels.iter().map(|l| l.file.as_str()).collect();
    let unlabelled: Vec<&String> = files
        .iter()
        .filter(|f| !labelled.contains(f.as_str()))
        .collect();
    assert!(
        unlabelled.is_empty(),
        "messages without a label: {unlabelled:?}"
    );
    for label in &labels {
        assert!(
            files.contains(&label.file),
            "label for a missing file: {}",
            label.file
        );
    }
    let real = labels.iter().filter(|l| l.mta != "made-here").count();
    let mtas: BTreeSet<&str> = labels
        .iter()
        .filter(|l| l.mta != "made-here")
        .map(|l| l.mta.as_str())
        .collect();
    assert!(real >= 60, "only {real} real-world bounces");
    assert!(mtas.len() >= 12, "only {} MTAs: {mtas:?}", mtas.len());
    let made: Vec<_> = labels
        .iter()
        .filter(|l| l.mta == "made-here")
        .map(|l| l.reason)
        .collect();
    assert!(made.contains(&BounceReason::Greylisting));
    assert!(made.contains(&BounceReason::RateLimited));
}

#[test]
fn support_bounce_corpus_matches_every_hand_label() {
    let context = BounceContext::default();
    let mut wrong = Vec::new();
    for label in labels() {
        let raw = std::fs::read(corpus_dir().join(&label.file)).expect("message");
        let got = match explain_bounce(&raw, &context) {
            Ok(got) => got,
            Err(err) => {
                wrong.push(format!("{}: {err}", label.file));
                continue;
            }
        };
        let mut diffs = Vec::new();
        if got.reason != label.reason {
            diffs.push(format!("reason {:?} != {:?}", got.reason, label.reason));
        }
        if got.status != label.status {
            diffs.push(format!("status {:?} != {:?}", got.status, label.status));
        }
        if got.permanent != label.permanent {
            diffs.push(format!(
                "permanent {} != {}",
                got.permanent, label.permanent
            ));
        }
        if !got
            .recipient
            .as_deref()
            .is_some_and(|r| r.eq_ignore_ascii_case(&label.recipient))
        {
            diffs.push(format!(
                "recipient {:?} != {}",
                got.recipient, label.recipient
            ));
        }
        if got.explanation_en.is_empty() || got.explanation_de.is_empty() {
            diffs.push("no explanation".into());
        }
        if !diffs.is_empty() {
            wrong.push(format!("{}: {}", label.file, diffs.join("; ")));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} bounces read wrongly:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
fn support_bounce_json_has_exactly_the_command_line_fields() {
    let raw = std::fs::read(corpus_dir().join("postfix-01.eml")).unwrap();
    let explained = explain_bounce(&raw, &BounceContext::default()).unwrap();
    let json = serde_json::to_value(BounceSummary::from(&explained)).unwrap();
    let keys: BTreeSet<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let expected: BTreeSet<&str> = [
        "reason",
        "permanent",
        "status",
        "reply_code",
        "recipient",
        "reporting_mta",
        "remote_mta",
        "diagnostic",
        "explanation_en",
        "explanation_de",
    ]
    .into_iter()
    .collect();
    assert_eq!(keys, expected);
    assert_eq!(json["reason"], "unknown_recipient");
    assert_eq!(json["status"], "5.1.1");
    assert_eq!(json["reply_code"], 550);
    assert_eq!(json["remote_mta"], "mx01.example.co.jp");
    assert_eq!(json["reporting_mta"], "mv-osn-hcb007.ocn.ad.jp");
    let qmail = std::fs::read(corpus_dir().join("qmail-04.eml")).unwrap();
    let json = serde_json::to_value(BounceSummary::from(
        &explain_bounce(&qmail, &BounceContext::default()).unwrap(),
    ))
    .unwrap();
    assert!(
        json["status"].is_null(),
        "no enhanced code in that bounce: {json}"
    );
}

#[test]
fn support_bounce_advice_follows_the_faq() {
    let context = BounceContext {
        own_domains: vec!["example.jp".into()],
    };
    // Mailbox full on one of our own domains: the mail doctor's usage view.
    let raw = std::fs::read(corpus_dir().join("outlook-01.eml")).unwrap();
    let full = explain_bounce(&raw, &context).unwrap();
    assert_eq!(full.next_step, BounceNextStep::MailboxUsage);
    assert_eq!(
        full.next_step_target.as_deref(),
        Some("kijitora@example.jp")
    );
    let elsewhere = explain_bounce(&raw, &BounceContext::default()).unwrap();
    assert_eq!(elsewhere.next_step, BounceNextStep::ContactRecipient);
    // Greylisting: wait.
    let raw = std::fs::read(corpus_dir().join("made-here-greylisting-01.eml")).unwrap();
    let grey = explain_bounce(&raw, &context).unwrap();
    assert_eq!(grey.next_step, BounceNextStep::Wait);
    assert!(!grey.permanent);
    assert!(grey.explanation_de.contains("warten"));
    // The 25-recipient limit: split, or ask for a mass-mailing approval.
    let raw = std::fs::read(corpus_dir().join("made-here-recipient-limit-01.eml")).unwrap();
    let limit = explain_bounce(&raw, &context).unwrap();
    assert_eq!(limit.reason, BounceReason::RateLimited);
    assert_eq!(limit.next_step, BounceNextStep::SplitRecipients);
    assert!(limit.explanation_en.contains("25"));
}

#[test]
fn support_bounce_authentication_points_at_the_dns_doctor_for_the_sender() {
    let labels = labels();
    let auth = labels
        .iter()
        .find(|l| l.reason == BounceReason::Authentication)
        .expect("an authentication bounce in the corpus");
    let raw = std::fs::read(corpus_dir().join(&auth.file)).unwrap();
    let got = explain_bounce(&raw, &BounceContext::default()).unwrap();
    assert_eq!(got.next_step, BounceNextStep::DnsDoctor);
    assert!(
        got.next_step_target.is_some(),
        "the sender's domain: {got:?}"
    );
}

#[test]
fn support_bounce_line_ends_do_not_matter() {
    let raw = std::fs::read_to_string(corpus_dir().join("postfix-01.eml")).unwrap();
    let lf = explain_bounce(raw.as_bytes(), &BounceContext::default()).unwrap();
    for converted in [raw.replace('\n', "\r\n"), raw.replace('\n', "\r")] {
        let got = explain_bounce(converted.as_bytes(), &BounceContext::default()).unwrap();
        assert_eq!(BounceSummary::from(&got), BounceSummary::from(&lf));
    }
}

#[test]
fn support_bounce_an_out_of_office_reply_is_not_a_failure() {
    let reply = b"From: Lena <lena@example.org>\nTo: office@cowdesk-demo.example\nSubject: Automatische Antwort: Angebot\nAuto-Submitted: auto-replied\n\nIch bin bis Montag nicht im Buero.\n";
    let got = explain_bounce(reply, &BounceContext::default()).unwrap();
    assert_eq!(got.reason, BounceReason::AutoReply);
    assert!(!got.permanent);
    assert_eq!(got.next_step, BounceNextStep::Nothing);
    assert!(got.status.is_none() && got.reply_code.is_none());
}

#[test]
fn support_bounce_input_that_is_not_mail_is_refused() {
    for input in [
        &b""[..],
        b"hello world",
        b"\x00\x01\x02",
        b"{\"json\": true}",
        b"\n\n\n",
    ] {
        assert_eq!(
            explain_bounce(input, &BounceContext::default()),
            Err(BounceError::NotAMessage),
            "{input:?}"
        );
    }
}

/// Every corpus message, to mutate.
fn corpus_messages() -> Vec<Vec<u8>> {
    corpus_files()
        .iter()
        .map(|f| std::fs::read(corpus_dir().join(f)).unwrap())
        .collect()
}

fn check_never_panics_or_hangs(input: &[u8]) {
    let start = Instant::now();
    let result = explain_bounce(input, &BounceContext::default());
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "took {:?}",
        start.elapsed()
    );
    if let Ok(explained) = result {
        assert!(!explained.explanation_en.is_empty());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn support_bounce_random_bytes_never_panic(input in proptest::collection::vec(any::<u8>(), 0..4096)) {
        check_never_panics_or_hangs(&input);
    }

    #[test]
    fn support_bounce_mutated_corpus_never_panics(
        pick in any::<prop::sample::Index>(),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..40),
        cut in any::<prop::sample::Index>(),
    ) {
        let corpus = corpus_messages();
        let mut message = corpus[pick.index(corpus.len())].clone();
        for (at, byte, op) in edits {
            if message.is_empty() {
                break;
            }
            let i = at.index(message.len());
            match op {
                0 => message[i] = byte,
                1 => message.insert(i, byte),
                _ => { message.remove(i); }
            }
        }
        let keep = cut.index(message.len() + 1);
        message.truncate(keep.max(message.len() / 2));
        check_never_panics_or_hangs(&message);
    }

    #[test]
    fn support_bounce_header_soup_never_panics(lines in proptest::collection::vec("[A-Za-z-]{1,12}: [ -~]{0,60}", 1..30), body in "[ -~\n]{0,2000}") {
        let input = format!("{}\n\n{}", lines.join("\n"), body);
        check_never_panics_or_hangs(input.as_bytes());
    }
}

#[test]
fn support_bounce_inputs_the_fuzzer_found_are_read() {
    // A mutated corpus message that trips a debug assertion inside mail-parser.
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bounce-regressions");
    for entry in std::fs::read_dir(dir).unwrap() {
        let input = std::fs::read(entry.unwrap().path()).unwrap();
        let got = explain_bounce(&input, &BounceContext::default()).expect("still a mail message");
        assert!(!got.explanation_en.is_empty());
    }
}

#[test]
fn support_bounce_huge_input_stays_fast() {
    let mut input = b"From: a@b.example\nSubject: x\n\n".to_vec();
    input.extend(
        std::iter::repeat_n(
            b"550 5.1.1 host mx.example [1.2.3.4] said: ".as_slice(),
            200_000,
        )
        .flatten(),
    );
    let start = Instant::now();
    let _ = explain_bounce(&input, &BounceContext::default());
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "took {:?}",
        start.elapsed()
    );
}
