//! Files of billing: the PDF cache (invoices and the data processing agreement, kept per
//! account so they open offline) and the accountant export (PDFs plus a CSV summary).

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};
use cowdesk_model::{Invoice, InvoiceStatus};

use crate::error::CoreError;

/// Invoice numbers become file names: only these characters are allowed in them.
pub fn safe_file_stem(number: &str) -> Option<&str> {
    crate::validate::is_reference(number).then_some(number)
}

pub fn invoice_pdf_path(
    files_dir: &Path,
    account_id: &str,
    number: &str,
) -> Result<PathBuf, CoreError> {
    let stem = safe_file_stem(number).ok_or_else(|| {
        CoreError::field(
            "number",
            "This invoice number is not valid.",
            "Diese Rechnungsnummer ist ungültig.",
        )
    })?;
    Ok(account_dir(files_dir, account_id)?
        .join("invoices")
        .join(format!("{stem}.pdf")))
}

/// The invoice numbers whose PDFs are in the cache of an account.
pub fn cached_pdfs(files_dir: &Path, account_id: &str) -> std::collections::HashSet<String> {
    let Ok(dir) = account_dir(files_dir, account_id) else {
        return Default::default();
    };
    let Ok(entries) = std::fs::read_dir(dir.join("invoices")) else {
        return Default::default();
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            name.strip_suffix(".pdf").map(str::to_owned)
        })
        .collect()
}

pub fn dpa_path(files_dir: &Path, account_id: &str) -> Result<PathBuf, CoreError> {
    Ok(account_dir(files_dir, account_id)?.join("data-processing-agreement.pdf"))
}

fn account_dir(files_dir: &Path, account_id: &str) -> Result<PathBuf, CoreError> {
    let id = safe_file_stem(account_id).ok_or(CoreError::NotFound)?;
    Ok(files_dir.join(id))
}

/// Writes `bytes` to `path` through a temporary file, so a crash never leaves half a PDF
/// where a whole one is expected.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), CoreError> {
    let dir = path
        .parent()
        .ok_or_else(|| CoreError::Internal("file without folder".into()))?;
    std::fs::create_dir_all(dir).map_err(|e| io_error(dir, &e))?;
    let temporary = path.with_extension("part");
    let result = std::fs::File::create(&temporary)
        .and_then(|mut f| f.write_all(bytes).and_then(|()| f.sync_all()))
        .and_then(|()| std::fs::rename(&temporary, path));
    if let Err(err) = result {
        let _ = std::fs::remove_file(&temporary);
        return Err(io_error(path, &err));
    }
    Ok(())
}

pub fn io_error(path: &Path, err: &std::io::Error) -> CoreError {
    CoreError::input(
        format!("Could not write {}: {err}.", path.display()),
        format!("{} konnte nicht geschrieben werden: {err}.", path.display()),
    )
}

/// "2025" for a whole calendar year, else "2025-04-01_2025-06-30".
pub fn period_label(from: NaiveDate, to: NaiveDate) -> String {
    let whole_year = from.year() == to.year()
        && from.month() == 1
        && from.day() == 1
        && to.month() == 12
        && to.day() == 31;
    if whole_year {
        from.year().to_string()
    } else {
        format!("{from}_{to}")
    }
}

/// The export folder inside the folder the user chose.
pub fn export_folder(
    chosen: &Path,
    customer_number: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> PathBuf {
    let customer: String = customer_number
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    chosen.join(format!(
        "Servercow-{customer}-invoices-{}",
        period_label(from, to)
    ))
}

/// The CSV summary's header: `;`-separated (what spreadsheet programs in Germany expect),
/// ISO dates, amounts in euros with a decimal point.
pub const CSV_HEADER: &str =
    "number;issue_date;due_date;net_eur;gross_eur;currency;status;paid_on;dunning_level;pdf_file";

fn status_name(status: InvoiceStatus) -> &'static str {
    match status {
        InvoiceStatus::Open => "open",
        InvoiceStatus::Paid => "paid",
        InvoiceStatus::Overdue => "overdue",
        InvoiceStatus::Cancelled => "cancelled",
    }
}

fn amount(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", (cents / 100).abs(), (cents % 100).abs())
}

/// A CSV cell: quoted when it holds the separator, a quote or a line break. Text that a
/// spreadsheet would run as a formula (starting with = + - @ or a tab) gets a leading `'`,
/// so an invoice number from the server can never become a formula in the accountant's
/// spreadsheet.
pub fn cell(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([';', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

/// One CSV line per invoice. The portal's contract carries gross amounts only, so the net
/// column stays empty rather than guessing a VAT rate.
pub fn csv(rows: &[(&Invoice, Option<String>)]) -> String {
    let mut text = String::from(CSV_HEADER);
    text.push_str("\r\n");
    for (invoice, pdf_file) in rows {
        let line = [
            cell(&invoice.number),
            invoice.issue_date.to_string(),
            invoice.due_date.to_string(),
            String::new(),
            amount(invoice.amount_cents),
            cell(&invoice.currency),
            status_name(invoice.status).to_owned(),
            invoice.paid_on.map(|d| d.to_string()).unwrap_or_default(),
            invoice.dunning_level.to_string(),
            pdf_file.as_deref().map(cell).unwrap_or_default(),
        ]
        .join(";");
        text.push_str(&line);
        text.push_str("\r\n");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn billing_csv_cells_are_quoted_and_never_formulas() {
        assert_eq!(cell("RE-2026-1"), "RE-2026-1");
        assert_eq!(cell("a;b"), "\"a;b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        for formula in ["+1", "-1", "@SUM(A1)", "\tx"] {
            assert!(cell(formula).starts_with('\''), "{formula:?}");
        }
    }

    #[test]
    fn billing_file_names_are_safe() {
        assert_eq!(safe_file_stem("RE-2026-000123"), Some("RE-2026-000123"));
        for bad in ["", "../x", "a/b", ".hidden", "a b", "RE\u{0}1"] {
            assert_eq!(safe_file_stem(bad), None, "{bad:?}");
        }
        let dir = Path::new("/cache");
        assert_eq!(
            invoice_pdf_path(dir, "acc-1", "RE-1").unwrap(),
            Path::new("/cache/acc-1/invoices/RE-1.pdf")
        );
        assert!(invoice_pdf_path(dir, "acc-1", "../../etc/passwd").is_err());
        assert!(invoice_pdf_path(dir, "../acc", "RE-1").is_err());
    }

    #[test]
    fn billing_export_names_the_period() {
        let day = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(period_label(day("2025-01-01"), day("2025-12-31")), "2025");
        assert_eq!(
            period_label(day("2025-04-01"), day("2025-06-30")),
            "2025-04-01_2025-06-30"
        );
        assert_eq!(
            export_folder(
                Path::new("/out"),
                "100001",
                day("2025-01-01"),
                day("2025-12-31")
            ),
            Path::new("/out/Servercow-100001-invoices-2025")
        );
    }

    #[test]
    fn billing_csv_has_a_row_per_invoice() {
        let paid = Invoice {
            number: "RE-2025-000001".into(),
            issue_date: "2025-01-10".parse().unwrap(),
            due_date: "2025-01-24".parse().unwrap(),
            amount_cents: 123_405,
            currency: "EUR".into(),
            status: InvoiceStatus::Paid,
            dunning_level: 0,
            paid_on: "2025-01-15".parse().ok(),
        };
        let open = Invoice {
            number: "RE;2025\"2".into(),
            status: InvoiceStatus::Overdue,
            paid_on: None,
            amount_cents: 5,
            dunning_level: 2,
            ..paid.clone()
        };
        let text = csv(&[(&paid, Some("RE-2025-000001.pdf".into())), (&open, None)]);
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(lines[0], CSV_HEADER);
        assert_eq!(
            lines[1],
            "RE-2025-000001;2025-01-10;2025-01-24;;1234.05;EUR;paid;2025-01-15;0;RE-2025-000001.pdf"
        );
        assert_eq!(
            lines[2],
            "\"RE;2025\"\"2\";2025-01-10;2025-01-24;;0.05;EUR;overdue;;2;"
        );
        assert_eq!(lines[3], "");
    }
}
