//! Support tickets: every category's form asks what the FAQ lists, refuses what is
//! missing, and its hand-off text holds every field; the password guard stops each kind
//! of secret; sending goes through the sandbox's preview connection, else to the portal.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::NaiveDate;
use cowdesk_core::model::{GuardFindingKind, SupportCategory, SupportDraft, SupportHandOff};
use cowdesk_core::secrets::{MemorySecretStore, SecretStore};
use cowdesk_core::session::Core;
use cowdesk_core::support::guard::finding_text;
use cowdesk_core::support::{
    check_draft, explain_bounce, finish_ticket, form, forms, guard_text, mail_not_arriving_draft,
    prefill, render_ticket, replace_finding, BounceContext, KnownSecret, Prefill,
    PORTAL_TICKET_URL,
};
use cowdesk_sandbox::{record_secret, Sandbox, SandboxConfig, DEMO_EMAIL, DEMO_PASSWORD};
use tempfile::TempDir;

#[path = "support/fixtures.rs"]
mod fixtures;
use fixtures::no_progress;

fn today() -> NaiveDate {
    "2026-12-03".parse().unwrap()
}

/// The FAQ's lists, field by field.
fn faq_fields(category: SupportCategory) -> &'static [&'static str] {
    match category {
        SupportCategory::PaymentMade => &[
            "customer_number",
            "invoice_number",
            "payment_date",
            "amount",
            "reference",
            "payment_method",
            "paypal_transaction_id",
            "proof_of_payment",
        ],
        SupportCategory::PaymentExtension => {
            &["customer_number", "invoice_number", "expected_payment_date"]
        }
        SupportCategory::Cancellation => &[
            "customer_number",
            "service",
            "desired_date",
            "data_needed",
            "notice_deadline",
        ],
        SupportCategory::RestoreAfterTermination => &[
            "customer_number",
            "affected",
            "service",
            "noticed_on",
            "invoices_settled",
        ],
        SupportCategory::ServiceNotVisible => &[
            "customer_number",
            "login_email",
            "service",
            "description",
            "previous_invoice",
        ],
        SupportCategory::MailNotArriving => &[
            "sender",
            "recipient",
            "sent_at",
            "smtp_code",
            "bounce",
            "headers",
        ],
        SupportCategory::DeletedMailRestore => &[
            "mailbox",
            "sender_or_subject",
            "received_timeframe",
            "noticed_on",
            "deleted_via",
        ],
        SupportCategory::MoreStorage => &["hostname", "storage_gb"],
        SupportCategory::MassMailingApproval => &["accounts", "campaigns", "legally_compliant"],
        SupportCategory::MigrationEstimate => &[
            "source_system",
            "domains",
            "mailboxes",
            "data_gb",
            "extras",
            "switchover_window",
        ],
        SupportCategory::TechnicalProblem => &[
            "customer_number",
            "affected",
            "error_message",
            "time",
            "client",
        ],
    }
}

/// A valid value for every field of `category`.
fn filled(category: SupportCategory) -> SupportDraft {
    let mut values = BTreeMap::new();
    for field in form(category).fields {
        let value = match field.key.as_str() {
            "customer_number" => "100001",
            "invoice_number" | "previous_invoice" => "RE-2026-000023",
            "payment_date" => "2026-11-20",
            "amount" => "34,51",
            "reference" => "RE-2026-000023 Zahlung",
            "payment_method" => "bank_transfer",
            "paypal_transaction_id" => "",
            "proof_of_payment" => "kontoauszug.pdf",
            "expected_payment_date" => "2026-12-20",
            "service" => "Managed mailcow M (svc-42)",
            "desired_date" => "2027-03-31",
            "data_needed" => "nein",
            "notice_deadline" => "2027-02-28",
            "affected" => "cowdesk-demo.example",
            "noticed_on" => "2026-12-01",
            "invoices_settled" => "ja",
            "login_email" | "sender" => "office@cowdesk-demo.example",
            "recipient" => "lena@example.org",
            "description" => "The service list is empty.\nOnly the dashboard shows.",
            "sent_at" | "time" => "2026-12-02 14:05",
            "smtp_code" => "550 5.1.1",
            "bounce" => "Final-Recipient: rfc822; lena@example.org\nStatus: 5.1.1",
            "headers" => "Authentication-Results: mx.example.org; dkim=pass",
            "mailbox" => "anna@cowdesk-demo.example",
            "sender_or_subject" => "Rechnung November from billing@example.net",
            "received_timeframe" => "2026-11-20 to 2026-11-25",
            "deleted_via" => "webmail",
            "hostname" => "mx.cowdesk-demo.example",
            "storage_gb" => "200",
            "accounts" => "newsletter@cowdesk-demo.example",
            "campaigns" => "Monthly newsletter to 1,200 opted-in customers",
            "legally_compliant" => "yes",
            "source_system" => "Microsoft 365",
            "domains" => "2",
            "mailboxes" => "14",
            "data_gb" => "120",
            "extras" => "emails, calendars and contacts",
            "switchover_window" => "a weekend in January",
            "error_message" => "IMAP login failed: AUTHENTICATIONFAILED",
            "client" => "Thunderbird 128",
            other => panic!("no sample value for {other}"),
        };
        if !value.is_empty() {
            values.insert(field.key, value.to_owned());
        }
    }
    SupportDraft {
        category: Some(category),
        values,
    }
}

#[test]
fn support_every_category_form_asks_what_the_faq_lists() {
    assert_eq!(forms().len(), 11);
    for category in SupportCategory::ALL {
        let keys: Vec<String> = form(category).fields.into_iter().map(|f| f.key).collect();
        assert_eq!(keys, faq_fields(category), "{category:?}");
        for field in form(category).fields {
            assert!(!field.label_en.is_empty() && !field.label_de.is_empty());
        }
    }
}

#[test]
fn support_ticket_forms_refuse_what_is_missing_in_both_languages() {
    for category in SupportCategory::ALL {
        let empty = SupportDraft {
            category: Some(category),
            values: BTreeMap::new(),
        };
        let info = check_draft(&empty, today()).unwrap_err().info();
        for field in form(category).fields.iter().filter(|f| f.required) {
            assert!(
                info.fields.contains_key(&field.key),
                "{category:?} {}",
                field.key
            );
            assert!(
                info.fields_de.contains_key(&field.key),
                "{category:?} {} in German",
                field.key
            );
        }
        for field in form(category).fields.iter().filter(|f| !f.required) {
            assert!(
                !info.fields.contains_key(&field.key),
                "{category:?} {} is optional",
                field.key
            );
        }
    }
    // Bad values are named per field.
    let mut draft = filled(SupportCategory::PaymentMade);
    draft
        .values
        .insert("payment_date".into(), "2027-01-01".into());
    draft.values.insert("amount".into(), "zero".into());
    draft
        .values
        .insert("payment_method".into(), "paypal".into());
    let info = check_draft(&draft, today()).unwrap_err().info();
    for key in ["payment_date", "amount", "paypal_transaction_id"] {
        assert!(info.fields.contains_key(key), "{key}: {:?}", info.fields);
    }
    let mut draft = filled(SupportCategory::MailNotArriving);
    draft
        .values
        .insert("recipient".into(), "not an address".into());
    let info = check_draft(&draft, today()).unwrap_err().info();
    assert!(info.fields["recipient"].contains("e-mail"));
    assert!(info.fields_de["recipient"].contains("E-Mail"));
}

#[test]
fn support_hand_off_text_contains_every_field() {
    for category in SupportCategory::ALL {
        let draft = filled(category);
        let ticket = render_ticket(&draft, today()).unwrap();
        assert_eq!(ticket.category, category);
        for field in form(category).fields {
            let Some(value) = draft.values.get(&field.key) else {
                continue;
            };
            assert!(
                ticket.body.contains(&field.label_en),
                "{category:?}: label {}",
                field.label_en
            );
            let shown = match value.as_str() {
                "ja" | "yes" => "ja / yes",
                "nein" => "nein / no",
                "bank_transfer" => "Überweisung / bank transfer",
                v => v,
            };
            assert!(
                ticket.body.contains(shown),
                "{category:?}: {} = {shown}\n{}",
                field.key,
                ticket.body
            );
        }
    }
}

#[test]
fn support_prefill_takes_what_the_cache_has() {
    let known = Prefill {
        customer_number: Some("100001".into()),
        invoice_number: Some("RE-2026-000023".into()),
        domain: Some("cowdesk-demo.example".into()),
        notice_deadline: Some("2027-02-28".parse().unwrap()),
        ..Prefill::default()
    };
    let draft = prefill(SupportCategory::Cancellation, &known);
    assert_eq!(draft.values["customer_number"], "100001");
    assert_eq!(draft.values["service"], "cowdesk-demo.example");
    assert_eq!(draft.values["notice_deadline"], "2027-02-28");
    assert!(
        !draft.values.contains_key("invoice_number"),
        "not a field of this form"
    );
}

#[test]
fn support_mail_not_arriving_ticket_from_a_bounce() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/bounces/made-here-authentication-01.eml"
    );
    let raw = std::fs::read_to_string(path).unwrap();
    let explained = explain_bounce(raw.as_bytes(), &BounceContext::default()).unwrap();
    let draft = mail_not_arriving_draft(&explained, &raw);
    assert_eq!(draft.values["sender"], "office@cowdesk-demo.example");
    assert_eq!(draft.values["recipient"], "lena@gmail.example");
    assert_eq!(draft.values["sent_at"], "Thu, 3 Dec 2026 09:30:09 +0100");
    assert_eq!(draft.values["smtp_code"], "550 5.7.26");
    assert!(draft.values["headers"].contains("Authentication-Results: hosted.mailcow.de"));
    let ticket = finish_ticket(&draft, &[], today()).unwrap();
    assert!(ticket.body.contains("5.7.26"));
    assert!(ticket.body.contains("DMARC"));
}

#[test]
fn support_password_guard_catches_each_kind_and_nothing_leaves() {
    let mailbox_password = "Sommer!Regen-2026";
    let authcode = "Xk7$pQ2&mL9w";
    record_secret("secret_link", mailbox_password);
    record_secret("secret_link", authcode);
    let known = [
        KnownSecret {
            value: mailbox_password.into(),
            label: "mailbox password of anna@cowdesk-demo.example".into(),
            kind: GuardFindingKind::KnownSecret,
        },
        KnownSecret {
            value: authcode.into(),
            label: "authcode of cowdesk-demo.example".into(),
            kind: GuardFindingKind::Authcode,
        },
    ];
    let cases = [
        (
            format!("My new password is {mailbox_password} please check"),
            GuardFindingKind::KnownSecret,
        ),
        (
            format!("The transfer code {authcode} does not work"),
            GuardFindingKind::Authcode,
        ),
        (
            "Passwort: hallo1234".to_owned(),
            GuardFindingKind::PasswordLine,
        ),
        (
            "login with pw=abc and user x".to_owned(),
            GuardFindingKind::PasswordLine,
        ),
        (
            "Kennwort = Tannenbaum".to_owned(),
            GuardFindingKind::PasswordLine,
        ),
        (
            "api token 9fQ2xLm7Kp3Zt8Wv1Rb6Yc4Nd5Hs0Jg".to_owned(),
            GuardFindingKind::HighEntropyToken,
        ),
    ];
    for (text, kind) in cases {
        let found = guard_text(&text, &known);
        assert_eq!(found.len(), 1, "{text}: {found:?}");
        assert_eq!(found[0].kind, kind, "{text}");
        let secret = finding_text(&text, &found[0]).unwrap();
        assert!(!found[0].masked.contains(secret), "masked shows the secret");
        // Nothing leaves: the hand-off refuses the ticket.
        let mut draft = filled(SupportCategory::TechnicalProblem);
        draft.values.insert("error_message".into(), text.clone());
        let err = finish_ticket(&draft, &known, today()).unwrap_err().info();
        assert!(err.fields.contains_key("body"), "{text}");
        assert!(!err.message.contains(secret) && !err.message_de.contains(secret));
        // Replaced by a secret link, the text passes.
        let replaced = replace_finding(
            &text,
            &found[0],
            "https://secrets.servercow.de/#/s/abcdefghijklmnopqrstuv/ABCDEFGHIJKLMNOPQRSTUV",
        )
        .unwrap();
        assert!(guard_text(&replaced, &known).is_empty(), "{replaced}");
    }
    // A ticket without secrets passes.
    for category in SupportCategory::ALL {
        finish_ticket(&filled(category), &known, today()).unwrap();
    }
}

#[tokio::test]
async fn support_ticket_goes_to_the_portal_page_without_a_preview_connection() {
    let dir = TempDir::new().unwrap();
    let secrets: Arc<dyn SecretStore> = Arc::new(MemorySecretStore::default());
    let core = Core::open(dir.path(), "default", secrets).await.unwrap();
    core.set_today(today());
    let handed = core
        .hand_off_support_ticket(None, &filled(SupportCategory::MoreStorage), &[])
        .await
        .unwrap();
    let SupportHandOff::Portal {
        url,
        body,
        subject,
        steps_en,
        steps_de,
    } = handed
    else {
        panic!("{handed:?}");
    };
    assert_eq!(url, PORTAL_TICKET_URL);
    assert!(steps_en.contains("Your Support Requests") && steps_de.contains("Kategorie"));
    assert!(body.contains("mx.cowdesk-demo.example") && body.contains("200"));
    assert!(subject.contains("Managed mailcow"));
}

#[tokio::test]
async fn support_ticket_is_sent_with_the_preview_connection() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let dir = TempDir::new().unwrap();
    let secrets: Arc<dyn SecretStore> = Arc::new(MemorySecretStore::default());
    let core = Core::open(dir.path(), "default", secrets).await.unwrap();
    core.set_today(today());
    core.login(&sandbox.base_url(), DEMO_EMAIL, DEMO_PASSWORD, false)
        .await
        .unwrap();
    for outcome in core.sync_all(&no_progress).await.unwrap() {
        assert_eq!(outcome.error, None);
    }
    let account = core.accounts().await.unwrap()[0].account.id.clone();
    // A cancellation names the service and the notice deadline cowdesk computes for it.
    let service = core
        .services(&account)
        .await
        .unwrap()
        .items
        .into_iter()
        .find(|s| s.term_months > 0)
        .expect("a service with a term");
    let cancel = core
        .support_draft(
            Some(&account),
            SupportCategory::Cancellation,
            Prefill {
                service: Some(service.id.clone()),
                ..Prefill::default()
            },
        )
        .await
        .unwrap();
    assert!(cancel.values["service"].contains(&service.product));
    let expected = cowdesk_core::billing::notice::contract_dates(
        service.period_end,
        service.term_months,
        today(),
    )
    .deadline
    .unwrap();
    assert_eq!(cancel.values["notice_deadline"], expected.to_string());
    let draft = core
        .support_draft(
            Some(&account),
            SupportCategory::TechnicalProblem,
            Prefill::default(),
        )
        .await
        .unwrap();
    assert!(
        !draft.values["customer_number"].is_empty(),
        "prefilled from the cache"
    );
    let mut full = filled(SupportCategory::TechnicalProblem);
    full.values.insert(
        "customer_number".into(),
        draft.values["customer_number"].clone(),
    );
    // A pasted password stops it before anything is sent.
    let mut leaky = full.clone();
    leaky
        .values
        .insert("error_message".into(), "Passwort: Geheim-4711".into());
    record_secret("secret_link", "Geheim-4711");
    assert!(core
        .hand_off_support_ticket(Some(&account), &leaky, &[])
        .await
        .is_err());
    assert!(sandbox.handle().received_tickets(&account).is_empty());

    let handed = core
        .hand_off_support_ticket(Some(&account), &full, &[])
        .await
        .unwrap();
    let SupportHandOff::Sent { ticket_id, .. } = handed else {
        panic!("{handed:?}");
    };
    let received = sandbox.handle().received_tickets(&account);
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].0, ticket_id);
    assert!(received[0].1.body.contains("AUTHENTICATIONFAILED"));
    assert!(received[0]
        .1
        .body
        .contains(&draft.values["customer_number"]));
    sandbox.shutdown().await;
}
