//! Billing end to end, the real app binary under Xvfb through WebDriver: open an overdue
//! invoice, file "I already paid" with a proof of payment and see the ticket; export a
//! year of invoices for the accountant and check the folder's PDFs and CSV.
//!
//! The export's folder dialog is replaced by the documented test seam
//! `COWDESK_E2E_SAVE_DIR` (src-tauri/commands/billing.rs): a native GTK dialog cannot be
//! driven through WebDriver.
#![cfg(target_os = "linux")]

mod support;

use std::collections::BTreeSet;
use std::time::Duration;

use chrono::Datelike;
use cowdesk_core::model::{Invoice, InvoiceStatus};
use cowdesk_sandbox::{Sandbox, SandboxConfig};
use support::demo::{OWN, SHARED};
use support::driver::{wait_until, AppUnderTest};
use support::webdriver::WebDriver;

const PATIENCE: Duration = Duration::from_secs(30);

/// The demo data is deterministic for (seed, today): a sandbox started here with the
/// defaults holds exactly what the demo's sandbox program serves.
fn demo_invoices() -> Vec<Invoice> {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let sandbox = runtime
        .block_on(Sandbox::start(SandboxConfig::default()))
        .expect("sandbox");
    let invoices = sandbox
        .handle()
        .with_account(OWN, |data| data.invoices.clone())
        .expect("demo account");
    runtime.block_on(sandbox.shutdown());
    invoices
}

/// Starts the app on a fresh cache, enters the demo and opens the invoice list.
fn launch_demo(name: &str, data_dir: &std::path::Path, env: &[(&str, &str)]) -> AppUnderTest {
    let app = support::demo::launch_demo(name, data_dir, env);
    let d = app.driver();
    d.click(&d.find("[data-testid=nav-invoices]").expect("nav"))
        .expect("open invoices");
    d.find(&format!(
        "[data-testid=invoice-list][data-account-id={OWN}]"
    ))
    .expect("invoice list");
    app
}

/// Sets a form control's value the way typing would (Svelte listens to input/change).
fn set_value(d: &WebDriver, css: &str, value: &str) {
    let script = format!(
        "const el = document.querySelector({css:?}); el.value = {value:?}; \
         el.dispatchEvent(new Event('input', {{bubbles: true}})); \
         el.dispatchEvent(new Event('change', {{bubbles: true}})); return true;"
    );
    assert_eq!(
        d.execute(&script).expect("script"),
        serde_json::json!(true),
        "{css}"
    );
}

fn count(d: &WebDriver, css: &str) -> u64 {
    d.execute(&format!("return document.querySelectorAll({css:?}).length"))
        .expect("script")
        .as_u64()
        .unwrap_or(0)
}

/// Filters the invoice list to overdue invoices and waits until it shows only those;
/// returns their numbers.
fn show_only_overdue(d: &WebDriver) -> BTreeSet<String> {
    d.click(
        &d.find("[data-testid=invoice-filter-overdue]")
            .expect("filter"),
    )
    .expect("filter overdue");
    wait_until(PATIENCE, "only overdue invoices", || {
        let rows = d.find_all("[data-testid=invoice-row]")?;
        let mut numbers = BTreeSet::new();
        for row in &rows {
            // A row replaced while being read (stale) just means: look again.
            let status = d.attribute(row, "data-status").ok().flatten();
            let number = d.attribute(row, "data-number").ok().flatten();
            match (status.as_deref(), number) {
                (Some("overdue"), Some(number)) => numbers.insert(number),
                _ => return Ok(None),
            };
        }
        Ok((!numbers.is_empty()).then_some(numbers))
    })
    .expect("filtered list")
}

#[test]
fn billing_e2e_overdue_invoice_already_paid_files_a_ticket() {
    let invoices = demo_invoices();
    let overdue = invoices
        .iter()
        .find(|i| i.status == InvoiceStatus::Overdue && i.dunning_level > 0)
        .expect("demo data has an overdue invoice with a reminder")
        .clone();
    let data_dir = support::driver::kept_dir(module_path!());
    let proof_dir = support::driver::kept_dir(module_path!());
    let proof = proof_dir.path().join("kontoauszug.pdf");
    std::fs::write(&proof, b"%PDF-1.4\n% proof of payment\n%%EOF\n").expect("proof file");

    let app = launch_demo(
        "billing-already-paid",
        data_dir.path(),
        &[("LANG", "en_GB.UTF-8")],
    );
    let d = app.driver();

    // Only overdue invoices, then open the one with the reminder.
    let shown = show_only_overdue(d);
    assert!(shown.contains(&overdue.number), "{shown:?}");
    app.screenshot("01-overdue-filter").expect("screenshot");
    let open = d
        .find(&format!(
            "[data-testid=invoice-row][data-number=\"{}\"] [data-testid=invoice-open]",
            overdue.number
        ))
        .expect("the overdue invoice's row");
    d.click(&open).expect("open the invoice");
    d.find(&format!(
        "[data-testid=invoice-detail][data-number=\"{}\"]",
        overdue.number
    ))
    .expect("invoice detail");
    d.find("[data-testid=overdue-note]").expect("overdue note");
    let level = d
        .text(
            &d.find("[data-testid=dunning-level]")
                .expect("dunning level"),
        )
        .expect("text");
    assert_eq!(level, "Payment reminder");
    app.screenshot("02-invoice-detail").expect("screenshot");

    // The form comes prefilled from the cache.
    d.click(&d.find("[data-testid=already-paid-button]").expect("button"))
        .expect("open the form");
    d.find("[data-testid=payment-form]").expect("payment form");
    let prefilled = d
        .execute(
            "return [document.querySelector('[data-testid=payment-invoice]').value, \
             document.querySelector('[data-testid=payment-reference]').value, \
             document.querySelector('[data-testid=payment-amount]').value]",
        )
        .expect("script");
    let euros = format!(
        "{}.{:02}",
        overdue.amount_cents / 100,
        overdue.amount_cents % 100
    );
    assert_eq!(
        prefilled,
        serde_json::json!([overdue.number, overdue.number, euros])
    );

    // A payment date in the future is refused with a clear message; nothing is sent.
    set_value(d, "[data-testid=payment-date]", "2099-01-01");
    d.click(&d.find("[data-testid=payment-submit]").expect("submit"))
        .expect("submit");
    let problem = wait_until(PATIENCE, "the date problem", || {
        let found = d.find_all("[data-testid=payment-form] .field-error")?;
        match found.first() {
            Some(el) => Ok(Some(d.text(el)?)),
            None => Ok(None),
        }
    })
    .expect("field problem");
    assert!(problem.contains("future"), "{problem}");
    assert_eq!(count(d, "[data-testid=request-sent]"), 0);
    app.screenshot("03-bad-date").expect("screenshot");

    // A real date, the proof of payment attached, and off it goes.
    let today = chrono::Local::now().date_naive();
    set_value(d, "[data-testid=payment-date]", &today.to_string());
    d.send_keys(
        &d.find("[data-testid=payment-file]").expect("file input"),
        &proof.display().to_string(),
    )
    .expect("attach the proof");
    let chip = d
        .text(
            &d.find("[data-testid=payment-file-chip]")
                .expect("attached file"),
        )
        .expect("text");
    assert!(chip.contains("kontoauszug.pdf"), "{chip}");
    d.click(&d.find("[data-testid=payment-submit]").expect("submit"))
        .expect("submit");
    let sent = d.find("[data-testid=request-sent]").expect("sent notice");
    let ticket = d
        .attribute(&sent, "data-ticket-id")
        .expect("attribute")
        .expect("ticket id");
    assert!(d.text(&sent).expect("text").contains(&ticket));
    // The ticket is listed with the invoice, and stays after a sync.
    let request = format!("[data-testid=billing-request][data-ticket-id=\"{ticket}\"]");
    d.find(&request).expect("the ticket under the invoice");
    app.screenshot("04-ticket-sent").expect("screenshot");
    d.click(&d.find("[data-testid=sync-button]").expect("sync"))
        .expect("sync");
    wait_until(PATIENCE, "the sync to end", || {
        let button = d.find("[data-testid=sync-button]")?;
        Ok(d.attribute(&button, "disabled")?.is_none().then_some(()))
    })
    .expect("sync ends");
    let listed = d.find(&request).expect("the ticket after the sync");
    assert!(d
        .text(&listed)
        .expect("text")
        .contains("Payment already made"));
}

#[test]
fn billing_e2e_exports_a_year_of_invoices() {
    let invoices = demo_invoices();
    let year = chrono::Local::now().date_naive().year() - 1;
    let expected: BTreeSet<String> = invoices
        .iter()
        .filter(|i| i.issue_date.year() == year)
        .map(|i| i.number.clone())
        .collect();
    assert!(expected.len() >= 10, "demo data covers {year}");
    let data_dir = support::driver::kept_dir(module_path!());
    let out = support::driver::kept_dir(module_path!());
    let out_path = out.path().display().to_string();

    let app = launch_demo(
        "billing-export",
        data_dir.path(),
        &[("LANG", "de_DE.UTF-8"), ("COWDESK_E2E_SAVE_DIR", &out_path)],
    );
    let d = app.driver();

    d.find("[data-testid=export-panel]").expect("export panel");
    set_value(d, "[data-testid=export-period]", &year.to_string());
    d.click(
        &d.find("[data-testid=export-button]")
            .expect("export button"),
    )
    .expect("export");
    let result = d
        .find("[data-testid=export-result]")
        .expect("export result");
    let folder = d
        .attribute(&result, "data-folder")
        .expect("attribute")
        .expect("folder");
    assert_eq!(
        std::path::PathBuf::from(&folder),
        out.path().join(format!("Servercow-100001-invoices-{year}"))
    );
    d.execute(
        "document.querySelector('[data-testid=export-result]').scrollIntoView(); return true",
    )
    .expect("script");
    app.screenshot("01-export-done").expect("screenshot");

    let mut pdfs = BTreeSet::new();
    for entry in std::fs::read_dir(&folder).expect("export folder") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "pdf") {
            let bytes = std::fs::read(&path).expect("pdf");
            assert!(bytes.starts_with(b"%PDF-"), "{}", path.display());
            let stem = path
                .file_stem()
                .expect("stem")
                .to_string_lossy()
                .into_owned();
            assert!(String::from_utf8_lossy(&bytes).contains(&stem));
            pdfs.insert(stem);
        }
    }
    assert_eq!(pdfs, expected);
    let csv =
        std::fs::read_to_string(std::path::Path::new(&folder).join(format!("invoices-{year}.csv")))
            .expect("csv");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), expected.len() + 1);
    assert!(lines[0].starts_with("number;issue_date"));
    let in_csv: BTreeSet<String> = lines[1..]
        .iter()
        .map(|l| l.split(';').next().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(in_csv, expected);
    for line in &lines[1..] {
        let pdf_file = line.rsplit(';').next().unwrap_or_default();
        assert!(pdf_file.ends_with(".pdf"), "{line}");
    }

    // "Save as…" of one invoice: the seam's folder stands in for the dialog.
    let newest = invoices.first().expect("an invoice").number.clone();
    d.click(
        &d.find(&format!(
            "[data-testid=invoice-row][data-number=\"{newest}\"] [data-testid=invoice-open]"
        ))
        .expect("the newest invoice"),
    )
    .expect("open it");
    d.click(&d.find("[data-testid=pdf-save]").expect("save as"))
        .expect("save as");
    let note = d
        .text(&d.find("[data-testid=pdf-note]").expect("saved note"))
        .expect("text");
    let saved = out.path().join(format!("{newest}.pdf"));
    assert!(note.contains(&saved.display().to_string()), "{note}");
    assert!(std::fs::read(&saved)
        .expect("saved PDF")
        .starts_with(b"%PDF-"));
    // Downloaded once, the PDF is now in the cache (it opens offline).
    wait_until(PATIENCE, "the cached mark", || {
        let text = d.text(&d.find("[data-testid=pdf-cached]")?)?;
        Ok(text.contains("auf diesem Computer").then_some(()))
    })
    .expect("cached");
    app.screenshot("02-saved-as").expect("screenshot");
}

/// Contracts, suspension, cancellation, restore and billing settings, then the shared
/// account's Accounting role: what it lacks is disabled with the reason.
#[test]
fn billing_e2e_contracts_settings_and_role_limits() {
    let data_dir = support::driver::kept_dir(module_path!());
    let app = launch_demo(
        "billing-contracts",
        data_dir.path(),
        &[("LANG", "en_GB.UTF-8")],
    );
    let d = app.driver();

    // Contracts with their notice deadlines.
    d.click(&d.find("[data-testid=nav-services]").expect("nav"))
        .expect("services");
    d.find(&format!(
        "[data-testid=service-list][data-account-id={OWN}]"
    ))
    .expect("service list");
    let deadlines = wait_until(PATIENCE, "notice deadlines", || {
        let found = d.find_all("[data-testid=notice-deadline]")?;
        Ok((found.len() >= 3).then_some(found))
    })
    .expect("deadlines");
    let text = d.text(&deadlines[0]).expect("text");
    assert!(
        text.contains("days left") || text.contains("Missed"),
        "{text}"
    );
    app.screenshot("01-services").expect("screenshot");

    // The suspended vServer: why, the invoice behind it, the way back.
    d.click(
        &d.find("[data-testid=service-row][data-status=suspended] [data-testid=service-open]")
            .expect("suspended service"),
    )
    .expect("open it");
    let reason = d
        .text(&d.find("[data-testid=suspension-reason]").expect("reason"))
        .expect("text");
    assert!(reason.contains("Unpaid invoice RE-"), "{reason}");
    assert_eq!(count(d, "[data-testid=suspension-invoice]"), 1);
    app.screenshot("02-suspended").expect("screenshot");
    d.click(&d.find("[data-testid=service-back]").expect("back"))
        .expect("back");

    // Cancelling an active contract: the warnings must be confirmed first.
    d.click(
        &d.find("[data-testid=service-row][data-status=active] [data-testid=service-open]")
            .expect("active service"),
    )
    .expect("open it");
    d.click(
        &d.find("[data-testid=cancel-button]")
            .expect("cancel button"),
    )
    .expect("cancel");
    d.find("[data-testid=cancel-warnings]").expect("warnings");
    d.click(&d.find("[data-testid=cancel-data-yes]").expect("radio"))
        .expect("data needed");
    d.click(&d.find("[data-testid=cancel-submit]").expect("submit"))
        .expect("submit");
    d.find("[data-testid=cancel-form] .field-error")
        .expect("must confirm the warnings");
    assert_eq!(count(d, "[data-testid=request-sent]"), 0, "nothing sent");
    app.screenshot("03-cancel-form").expect("screenshot");
    d.click(&d.find("[data-testid=cancel-accept]").expect("checkbox"))
        .expect("accept");
    d.click(&d.find("[data-testid=cancel-submit]").expect("submit"))
        .expect("submit");
    d.find("[data-testid=request-sent]")
        .expect("cancellation sent");
    d.find("[data-testid=cancellation-requested]")
        .expect("marked as requested");
    d.click(&d.find("[data-testid=service-back]").expect("back"))
        .expect("back");

    // The terminated package offers the restore request.
    d.click(
        &d.find("[data-testid=service-row][data-status=terminated] [data-testid=service-open]")
            .expect("terminated service"),
    )
    .expect("open it");
    d.find("[data-testid=restore-form]").expect("restore form");
    d.click(&d.find("[data-testid=restore-submit]").expect("submit"))
        .expect("submit empty");
    d.find("[data-testid=restore-form] .field-error")
        .expect("the domain is required");
    set_value(d, "[data-testid=restore-affected]", "mueller-webdesign.de");
    d.click(&d.find("[data-testid=restore-submit]").expect("submit"))
        .expect("submit");
    d.find("[data-testid=request-sent]")
        .expect("restore request sent");
    app.screenshot("04-restore-sent").expect("screenshot");

    // Billing settings: e-mail chips, a bad address refused, a good one saved.
    d.click(&d.find("[data-testid=nav-billing]").expect("nav"))
        .expect("settings");
    d.find(&format!(
        "[data-testid=billing-settings][data-account-id={OWN}]"
    ))
    .expect("settings");
    let chips_before = count(d, "[data-testid=email-chip]");
    assert_eq!(chips_before, 2);
    let input = d.find("[data-testid=email-input]").expect("input");
    let chip_texts = || -> Result<Vec<String>, String> {
        let texts = d.execute(
            "return [...document.querySelectorAll('[data-testid=email-chip]')] \
               .map(c => c.textContent.replace('×', '').trim())",
        )?;
        serde_json::from_value(texts).map_err(|e| e.to_string())
    };
    let mut expected = chip_texts().expect("the chips");
    // Each separator turns the text before it into one chip. The address goes into the
    // field in one step, as a paste would, and only the separator is typed: the field
    // also makes a chip of its text when it loses the focus (as it should when the user
    // clicks elsewhere), and under Xvfb, with no window manager, a window that another
    // test of this binary opens takes the focus. Typed key by key, an address was split
    // into two chips that way three times in full runs ("kein" + "-at", and
    // "steuer@kanzlei.examp" with "le" left in the field).
    for address in ["steuer@kanzlei.example", "kein-at"] {
        set_value(d, "[data-testid=email-input]", address);
        d.send_keys(&input, ";").expect("type the separator");
        expected.push(address.to_owned());
        let typed = wait_until(PATIENCE, "one chip per typed address", || {
            let texts = chip_texts()?;
            Ok((texts == expected).then_some(()))
        });
        if let Err(err) = typed {
            panic!("{err}: the chips are {:?}", chip_texts());
        }
    }
    d.click(&d.find("[data-testid=settings-save]").expect("save"))
        .expect("save");
    let problem = d
        .text(
            &d.find("[data-testid=settings-form] .field-error")
                .expect("problem"),
        )
        .expect("text");
    assert!(problem.contains("kein-at"), "{problem}");
    app.screenshot("05-settings-bad-email").expect("screenshot");
    let chips = d
        .find_all("[data-testid=email-chip-remove]")
        .expect("chips");
    d.click(chips.last().expect("the bad chip"))
        .expect("remove it");
    d.click(&d.find("[data-testid=settings-save]").expect("save"))
        .expect("save");
    d.find("[data-testid=settings-saved]").expect("saved");
    assert_eq!(count(d, "[data-testid=email-chip]"), 3);

    // The shared bakery account, role Accounting: no services, so no cancellation; its
    // invoices and "I already paid" work.
    d.click(&d.find("[data-testid=account-switcher]").expect("switcher"))
        .expect("open");
    d.click(
        &d.find(&format!(
            "[data-testid=account-option][data-account-id={SHARED}]"
        ))
        .expect("shared account"),
    )
    .expect("switch");
    d.find(&format!(
        "[data-testid=billing-settings][data-account-id={SHARED}]"
    ))
    .expect("settings of the shared account");
    d.click(&d.find("[data-testid=nav-services]").expect("nav"))
        .expect("services");
    d.find(&format!(
        "[data-testid=service-list][data-account-id={SHARED}]"
    ))
    .expect("service list");
    d.find("[data-testid=not-permitted]")
        .expect("services not permitted");
    d.click(&d.find("[data-testid=nav-invoices]").expect("nav"))
        .expect("invoices");
    d.find(&format!(
        "[data-testid=invoice-list][data-account-id={SHARED}]"
    ))
    .expect("invoice list");
    show_only_overdue(d);
    d.click(
        &d.find("[data-testid=invoice-row] [data-testid=invoice-open]")
            .expect("row"),
    )
    .expect("open");
    let button = d.find("[data-testid=already-paid-button]").expect("button");
    assert_eq!(d.attribute(&button, "disabled").expect("attribute"), None);
    app.screenshot("06-shared-invoice").expect("screenshot");
}
