//! Billing and contracts against a real sandbox over loopback HTTP, with real SQLite files
//! and real files on disk.

use std::sync::Mutex;

use base64::Engine as _;
use chrono::{Datelike, NaiveDate};
use cowdesk_core::error::CoreError;
use cowdesk_core::model::{
    CancellationRequest, ErrorKind, ExportProgress, ExtensionRequest, InvoiceFilter, InvoiceList,
    InvoiceQuery, InvoiceSort, InvoiceStatus, PaymentMethod, PaymentNotice, Permission,
    PostalAddress, ProfileUpdate, RestoreRequest, ServiceStatus, TicketAttachment, TicketCategory,
};
use cowdesk_core::portal::HttpPortal;
use cowdesk_core::portal::Portal;
use cowdesk_sandbox::{Fault, SandboxConfig, DEMO_EMAIL, DEMO_PASSWORD};
use tempfile::TempDir;

#[path = "support/fixtures.rs"]
mod fixtures;
use fixtures::{no_progress, today, Fixture, OWN, SHARED};

/// The sandbox and the core on the tests' day.
async fn synced() -> Fixture {
    let config = SandboxConfig {
        today: today(),
        ..SandboxConfig::default()
    };
    fixtures::synced_with(config, Some(today())).await
}

fn all() -> InvoiceQuery {
    InvoiceQuery {
        filter: InvoiceFilter::All,
        year: None,
        search: String::new(),
        sort: InvoiceSort::IssueDate,
        descending: true,
    }
}

/// The cached overdue invoices of an account.
async fn overdue(f: &Fixture, account: &str) -> InvoiceList {
    let query = InvoiceQuery {
        filter: InvoiceFilter::Overdue,
        ..all()
    };
    f.core.invoice_list(account, &query).await.unwrap()
}

/// The overdue invoice with a reminder the demo data guarantees.
async fn overdue_number(f: &Fixture) -> String {
    overdue(f, OWN)
        .await
        .items
        .iter()
        .find(|r| r.invoice.dunning_level > 0)
        .map(|r| r.invoice.number.clone())
        .expect("an overdue invoice with a reminder")
}

fn proof(bytes: usize) -> TicketAttachment {
    let mut pdf = b"%PDF-1.4\n".to_vec();
    pdf.resize(bytes, b'x');
    TicketAttachment {
        file_name: "kontoauszug.pdf".into(),
        content_type: "application/pdf".into(),
        data_base64: base64::engine::general_purpose::STANDARD.encode(&pdf),
    }
}

fn notice(number: &str, amount_cents: i64) -> PaymentNotice {
    PaymentNotice {
        invoice_number: number.to_owned(),
        payment_date: today(),
        amount_cents,
        reference: number.to_owned(),
        method: PaymentMethod::BankTransfer,
        paypal_transaction_id: None,
        note: Some("Überwiesen am Vormittag.".into()),
        attachments: vec![proof(2048)],
    }
}

#[tokio::test]
async fn billing_invoice_list_filters_searches_and_totals_from_the_cache() {
    let f = synced().await;
    let everything = f.core.invoice_list(OWN, &all()).await.unwrap();
    assert!(everything.permitted);
    assert_eq!(everything.total_count, 24);
    assert_eq!(everything.items.len(), 24);
    let served = f
        .sandbox
        .handle()
        .with_account(OWN, |d| d.invoices.clone())
        .unwrap();
    // Totals per year add up to what the portal holds, cancelled invoices left out.
    for year in &everything.years {
        let expected: i64 = served
            .iter()
            .filter(|i| i.issue_date.year() == year.year && i.status != InvoiceStatus::Cancelled)
            .map(|i| i.amount_cents)
            .sum();
        assert_eq!(year.total_cents, expected, "{}", year.year);
        assert_eq!(year.paid_cents + year.unpaid_cents, year.total_cents);
    }
    let overdue = overdue(&f, OWN).await;
    assert!(!overdue.items.is_empty() && overdue.items.iter().all(|r| r.overdue));
    let target = &served[5];
    let euros = format!(
        "{},{:02}",
        target.amount_cents / 100,
        target.amount_cents % 100
    );
    let by_amount = f
        .core
        .invoice_list(
            OWN,
            &InvoiceQuery {
                search: euros,
                ..all()
            },
        )
        .await
        .unwrap();
    assert!(by_amount
        .items
        .iter()
        .any(|r| r.invoice.number == target.number));
    assert!(by_amount
        .items
        .iter()
        .all(|r| r.invoice.amount_cents == target.amount_cents));
    // The shared account's invoices only, never the own ones.
    let shared = f.core.invoice_list(SHARED, &all()).await.unwrap();
    assert!(shared
        .items
        .iter()
        .all(|r| !served.iter().any(|i| i.number == r.invoice.number)));
    f.sandbox.shutdown().await;
}

#[tokio::test]
async fn billing_pdf_is_fetched_once_then_opens_offline() {
    let f = synced().await;
    let number = overdue_number(&f).await;
    let first = f.core.invoice_pdf(OWN, &number).await.unwrap();
    assert!(!first.from_cache);
    let bytes = std::fs::read(&first.path).unwrap();
    assert!(bytes.starts_with(b"%PDF-") && bytes.ends_with(b"%%EOF\n"));
    assert!(String::from_utf8_lossy(&bytes).contains(&number));
    let again = f.core.invoice_pdf(OWN, &number).await.unwrap();
    assert!(again.from_cache);
    assert_eq!(again.path, first.path);
    let listed = f.core.invoice_list(OWN, &all()).await.unwrap();
    let row = listed
        .items
        .iter()
        .find(|r| r.invoice.number == number)
        .unwrap();
    assert!(row.pdf_cached);
    // Another account's invoice number is not found in this one.
    let foreign = f.core.invoice_list(SHARED, &all()).await.unwrap().items[0]
        .invoice
        .number
        .clone();
    assert_eq!(
        f.core.invoice_pdf(OWN, &foreign).await.unwrap_err().kind(),
        ErrorKind::NotFound
    );

    f.sandbox.shutdown().await;
    let offline = f.core.invoice_pdf(OWN, &number).await.unwrap();
    assert!(offline.from_cache, "cached PDFs open offline");
    let other = listed
        .items
        .iter()
        .find(|r| !r.pdf_cached && r.invoice.number != number)
        .unwrap();
    let err = f
        .core
        .invoice_pdf(OWN, &other.invoice.number)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Offline);
}

#[tokio::test]
async fn billing_export_of_a_year_writes_every_pdf_and_a_csv() {
    let f = synced().await;
    let out = TempDir::new().unwrap();
    let year = 2025;
    let (from, to) = (
        NaiveDate::from_ymd_opt(year, 1, 1).unwrap(),
        NaiveDate::from_ymd_opt(year, 12, 31).unwrap(),
    );
    let served = f
        .sandbox
        .handle()
        .with_account(OWN, |d| d.invoices.clone())
        .unwrap();
    let expected: Vec<_> = served
        .iter()
        .filter(|i| i.issue_date.year() == year)
        .collect();
    assert!(expected.len() >= 10, "demo data covers 2025");
    let seen = Mutex::new(Vec::<ExportProgress>::new());
    let progress = |p: ExportProgress| seen.lock().unwrap().push(p);
    let report = f
        .core
        .export_invoices(OWN, from, to, out.path(), &progress)
        .await
        .unwrap();
    assert_eq!(report.pdf_count as usize, expected.len());
    assert!(report.missing.is_empty());
    let folder = std::path::Path::new(&report.folder);
    assert_eq!(folder, out.path().join("Servercow-100001-invoices-2025"));
    for invoice in &expected {
        let pdf = std::fs::read(folder.join(format!("{}.pdf", invoice.number))).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
    }
    let csv = std::fs::read_to_string(&report.csv_file).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), expected.len() + 1);
    assert!(lines[0].starts_with("number;issue_date;due_date;net_eur;gross_eur"));
    for invoice in &expected {
        let line = lines
            .iter()
            .find(|l| l.starts_with(&invoice.number))
            .unwrap();
        let cells: Vec<&str> = line.split(';').collect();
        assert_eq!(cells[1], invoice.issue_date.to_string());
        assert_eq!(
            cells[4],
            format!(
                "{}.{:02}",
                invoice.amount_cents / 100,
                invoice.amount_cents % 100
            )
        );
        assert_eq!(
            cells[7],
            invoice.paid_on.map(|d| d.to_string()).unwrap_or_default()
        );
    }
    let seen = seen.into_inner().unwrap();
    assert_eq!(seen.len(), expected.len() + 1);
    assert!(seen.windows(2).all(|w| w[0].done < w[1].done));
    assert_eq!(seen.last().unwrap().done, seen.last().unwrap().total);

    // A period without invoices writes nothing.
    let empty = f
        .core
        .export_invoices(
            OWN,
            NaiveDate::from_ymd_opt(2010, 1, 1).unwrap(),
            NaiveDate::from_ymd_opt(2010, 12, 31).unwrap(),
            out.path(),
            &|_| {},
        )
        .await
        .unwrap_err();
    assert_eq!(empty.kind(), ErrorKind::InvalidInput);
    assert!(!out.path().join("Servercow-100001-invoices-2010").exists());

    // Offline, a year whose PDFs were never fetched still gets its CSV, with the gaps named.
    f.sandbox.shutdown().await;
    let offline = f
        .core
        .export_invoices(
            OWN,
            NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
            NaiveDate::from_ymd_opt(2024, 12, 31).unwrap(),
            out.path(),
            &|_| {},
        )
        .await
        .unwrap();
    assert_eq!(offline.pdf_count, 0);
    assert!(!offline.missing.is_empty());
    assert_eq!(
        std::fs::read_to_string(&offline.csv_file)
            .unwrap()
            .lines()
            .count(),
        offline.missing.len() + 1
    );
}

#[tokio::test]
async fn billing_already_paid_reaches_support_with_its_proof() {
    let f = synced().await;
    let number = overdue_number(&f).await;
    let detail = f.core.invoice_detail(OWN, &number).await.unwrap();
    assert!(detail.overdue && detail.days_overdue > 0);
    assert_eq!(detail.customer_number, "100001");
    assert_eq!(
        detail.suspended_services.len(),
        1,
        "the vServer is suspended over it"
    );
    let sent = f
        .core
        .send_payment_notice(OWN, &notice(&number, detail.invoice.amount_cents))
        .await
        .unwrap();
    assert_eq!(sent.category, TicketCategory::PaymentMade);
    let received = f.sandbox.handle().received_tickets(OWN);
    assert_eq!(received.len(), 1);
    let (ticket_id, ticket) = &received[0];
    assert_eq!(ticket_id, &sent.ticket_id);
    assert_eq!(ticket.category, Some(TicketCategory::PaymentMade));
    assert_eq!(ticket.reference.as_deref(), Some(number.as_str()));
    assert!(ticket.body.contains(&format!("Invoice number: {number}")));
    assert!(ticket.body.contains("Customer number: 100001"));
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(&ticket.attachments[0].data_base64)
        .unwrap();
    assert_eq!(bytes.len(), 2048);
    // The invoice shows the request at once, and still after the next sync.
    let detail = f.core.invoice_detail(OWN, &number).await.unwrap();
    assert_eq!(detail.requests.len(), 1);
    assert_eq!(detail.requests[0].ticket_id, sent.ticket_id);
    f.core.sync_all(&no_progress).await.unwrap();
    let detail = f.core.invoice_detail(OWN, &number).await.unwrap();
    assert_eq!(detail.requests[0].ticket_id, sent.ticket_id);

    // The extension request carries customer number, invoice and date.
    let extension = f
        .core
        .send_payment_extension(
            OWN,
            &ExtensionRequest {
                invoice_number: number.clone(),
                expected_date: today() + chrono::Days::new(10),
                note: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(extension.category, TicketCategory::PaymentExtension);
    let received = f.sandbox.handle().received_tickets(OWN);
    assert!(received[1]
        .1
        .body
        .contains("Expected payment date: 2026-03-26"));
    f.sandbox.shutdown().await;
}

#[tokio::test]
async fn billing_bad_input_sends_nothing() {
    let f = synced().await;
    let number = overdue_number(&f).await;
    let before = f.sandbox.handle().request_count();
    let mut future = notice(&number, 100);
    future.payment_date = today() + chrono::Days::new(1);
    let err = f.core.send_payment_notice(OWN, &future).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(err.info().fields.contains_key("payment_date"));
    let mut large = notice(&number, 100);
    large.attachments = vec![proof(cowdesk_sandbox::MAX_ATTACHMENT_BYTES + 1)];
    let err = f.core.send_payment_notice(OWN, &large).await.unwrap_err();
    assert!(err.info().fields["attachments"].contains("5 MB"));
    let past = ExtensionRequest {
        invoice_number: number.clone(),
        expected_date: today() - chrono::Days::new(1),
        note: None,
    };
    assert!(f.core.send_payment_extension(OWN, &past).await.is_err());
    let bad_settings = ProfileUpdate {
        address: PostalAddress {
            company: None,
            name: "Anna Müller".into(),
            street: "Lindenstraße 12".into(),
            postal_code: "49074".into(),
            city: "Osnabrück".into(),
            country: "DE".into(),
        },
        billing_emails: vec!["rechnung@mueller.de; buchhaltung@".into()],
    };
    assert!(f
        .core
        .update_billing_settings(OWN, &bad_settings)
        .await
        .is_err());
    assert_eq!(
        f.sandbox.handle().request_count(),
        before,
        "nothing reached the portal"
    );
    assert!(f.sandbox.handle().received_tickets(OWN).is_empty());

    // The portal's own limit answers 413, which reads as a clear field error.
    let portal = HttpPortal::new(&f.sandbox.base_url()).unwrap();
    portal.login(DEMO_EMAIL, DEMO_PASSWORD).await.unwrap();
    let mut ticket = cowdesk_core::model::NewTicket::plain("Beleg", "Anbei.");
    ticket.attachments = vec![proof(cowdesk_sandbox::MAX_ATTACHMENT_BYTES + 10)];
    let err = portal.create_ticket(OWN, &ticket).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(err.info().fields["attachments"].contains("5 MB"));
    f.sandbox.shutdown().await;
}

#[tokio::test]
async fn billing_role_without_services_cannot_cancel_and_403_is_explained() {
    let f = synced().await;
    let before = f.sandbox.handle().request_count();
    let request = CancellationRequest {
        service_id: "acc-200002-s1".into(),
        date: today() + chrono::Days::new(60),
        data_needed: false,
        note: None,
        warnings_accepted: true,
    };
    let err = f
        .core
        .send_cancellation(SHARED, &request)
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        CoreError::Forbidden {
            permission: Some(Permission::Services)
        }
    ));
    let info = err.info();
    assert!(info.message.contains("“Services”"), "{}", info.message);
    assert!(
        info.message_de.contains("„Verträge“"),
        "{}",
        info.message_de
    );
    assert_eq!(
        f.sandbox.handle().request_count(),
        before,
        "refused before sending"
    );
    // The shared role may still report a payment and read its invoices.
    let shared_overdue = overdue(&f, SHARED).await;
    let invoice = &shared_overdue.items[0].invoice;
    f.core
        .send_payment_notice(SHARED, &notice(&invoice.number, invoice.amount_cents))
        .await
        .unwrap();
    assert!(!f.core.service_contracts(SHARED).await.unwrap().permitted);

    // A 403 the cache did not foresee (the role changed on the server) is explained too.
    f.sandbox.handle().inject_fault(Fault {
        path_contains: "/tickets".into(),
        status: 403,
        retry_after: None,
        times: 1,
    });
    let number = overdue_number(&f).await;
    let err = f
        .core
        .send_payment_notice(OWN, &notice(&number, 100))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Forbidden);
    assert!(err.info().message.contains("Ask the account owner"));
    f.sandbox.shutdown().await;
}

#[tokio::test]
async fn billing_contracts_cancellation_and_restore() {
    let f = synced().await;
    let contracts = f.core.service_contracts(OWN).await.unwrap();
    assert!(contracts.permitted);
    assert_eq!(contracts.items.len(), 5);
    let active = contracts
        .items
        .iter()
        .find(|c| c.service.status == ServiceStatus::Active && c.service.term_months == 12)
        .unwrap();
    let deadline = active.notice_deadline.unwrap();
    assert_eq!(
        Some(deadline),
        cowdesk_core::billing::notice::notice_deadline(active.service.period_end)
    );
    assert_eq!(
        active.days_to_deadline,
        Some((deadline - today()).num_days())
    );

    let suspended = contracts
        .items
        .iter()
        .find(|c| c.service.status == ServiceStatus::Suspended)
        .unwrap();
    let detail = f
        .core
        .service_detail(OWN, &suspended.service.id)
        .await
        .unwrap();
    assert_eq!(detail.open_invoices.len(), 1);
    assert!(suspended
        .service
        .status_reason
        .as_deref()
        .unwrap()
        .contains(&detail.open_invoices[0].number));

    let request = CancellationRequest {
        service_id: active.service.id.clone(),
        date: active.earliest_end,
        data_needed: true,
        note: None,
        warnings_accepted: true,
    };
    let sent = f.core.send_cancellation(OWN, &request).await.unwrap();
    let contracts = f.core.service_contracts(OWN).await.unwrap();
    let cancelled = contracts
        .items
        .iter()
        .find(|c| c.service.id == active.service.id)
        .unwrap();
    assert_eq!(
        cancelled.cancellation.as_ref().map(|r| &r.ticket_id),
        Some(&sent.ticket_id)
    );
    assert_eq!(
        cancelled.cancellation.as_ref().and_then(|r| r.date),
        Some(active.earliest_end)
    );

    let terminated = contracts
        .items
        .iter()
        .find(|c| c.service.status == ServiceStatus::Terminated)
        .unwrap();
    let restore = RestoreRequest {
        service_id: terminated.service.id.clone(),
        affected: "mueller-webdesign.de".into(),
        noticed_on: today(),
        invoices_settled: false,
        note: None,
    };
    f.core.send_restore_request(OWN, &restore).await.unwrap();
    let wrong = RestoreRequest {
        service_id: active.service.id.clone(),
        ..restore
    };
    assert_eq!(
        f.core
            .send_restore_request(OWN, &wrong)
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidInput
    );
    let received = f.sandbox.handle().received_tickets(OWN);
    let categories: Vec<_> = received.iter().map(|(_, t)| t.category).collect();
    assert_eq!(
        categories,
        [
            Some(TicketCategory::Cancellation),
            Some(TicketCategory::Restore)
        ]
    );
    f.sandbox.shutdown().await;
}

#[tokio::test]
async fn billing_settings_update_address_and_emails_and_fetch_the_dpa() {
    let f = synced().await;
    let settings = f.core.billing_settings(OWN).await.unwrap();
    assert!(settings.permitted);
    let mut address = settings.profile.unwrap().address;
    address.street = "Neue Straße 5".into();
    let update = ProfileUpdate {
        address,
        billing_emails: vec!["Rechnung@mueller-webdesign.de;steuer@kanzlei.example".into()],
    };
    let profile = f.core.update_billing_settings(OWN, &update).await.unwrap();
    assert_eq!(
        profile.billing_emails,
        ["rechnung@mueller-webdesign.de", "steuer@kanzlei.example"]
    );
    let cached = f.core.billing_settings(OWN).await.unwrap().profile.unwrap();
    assert_eq!(cached.address.street, "Neue Straße 5");
    let served = f
        .sandbox
        .handle()
        .with_account(OWN, |d| d.profile.clone())
        .unwrap();
    assert_eq!(served, cached);
    // The next sync brings the same profile back.
    f.core.sync_all(&no_progress).await.unwrap();
    assert_eq!(
        f.core.billing_settings(OWN).await.unwrap().profile.unwrap(),
        served
    );

    let dpa = f.core.dpa_pdf(SHARED).await.unwrap();
    let bytes = std::fs::read(&dpa.path).unwrap();
    assert!(bytes.starts_with(b"%PDF-") && String::from_utf8_lossy(&bytes).contains("200002"));
    f.sandbox.shutdown().await;
    assert!(
        f.core.dpa_pdf(SHARED).await.unwrap().from_cache,
        "offline: the cached copy"
    );
}

#[tokio::test]
async fn billing_files_go_with_sign_out() {
    let f = synced().await;
    let number = overdue_number(&f).await;
    let pdf = f.core.invoice_pdf(OWN, &number).await.unwrap();
    assert!(std::path::Path::new(&pdf.path).is_file());
    f.core.logout().await.unwrap();
    assert!(!std::path::Path::new(&pdf.path).exists());
    f.sandbox.shutdown().await;
}
