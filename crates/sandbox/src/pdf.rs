//! A small but valid PDF for an invoice (one page, Helvetica, correct xref offsets), so
//! viewers open it and tests can check it like a real file.

use cowdesk_model::Invoice;

/// The data processing agreement (Auftragsverarbeitungsvertrag) of an account.
pub fn dpa(account_name: &str, customer_number: &str) -> Vec<u8> {
    document(&[
        "Servercow - Auftragsverarbeitungsvertrag (AVV)".to_owned(),
        "Data Processing Agreement (Art. 28 GDPR)".to_owned(),
        format!("Auftraggeber: {}", ascii(account_name)),
        format!("Kundennummer: {customer_number}"),
        "Sample document of the cowdesk sandbox.".to_owned(),
    ])
}

pub fn invoice(invoice: &Invoice, account_name: &str) -> Vec<u8> {
    let euros = format!(
        "{}.{:02} {}",
        invoice.amount_cents / 100,
        (invoice.amount_cents % 100).abs(),
        invoice.currency
    );
    let lines = [
        "Servercow - Rechnung / Invoice".to_owned(),
        format!("Rechnungsnummer: {}", invoice.number),
        format!("Kunde: {}", ascii(account_name)),
        format!("Rechnungsdatum: {}", invoice.issue_date),
        format!("Faellig am: {}", invoice.due_date),
        format!("Betrag: {euros}"),
        "Sample document of the cowdesk sandbox.".to_owned(),
    ];
    document(&lines)
}

/// A one-page PDF with one line of text per entry.
fn document(lines: &[String]) -> Vec<u8> {
    let mut content = String::from("BT /F1 14 Tf 72 760 Td 18 TL\n");
    for line in lines {
        content.push_str(&format!("({}) Tj T*\n", escape(line)));
    }
    content.push_str("ET\n");

    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>".to_owned(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
        format!("<< /Length {} >>\nstream\n{content}endstream", content.len()),
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (n, object) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", n + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        pdf.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}

/// The standard Helvetica encoding has no umlauts in this simple form; spell them out.
fn ascii(text: &str) -> String {
    text.replace('ä', "ae")
        .replace('ö', "oe")
        .replace('ü', "ue")
        .replace('Ä', "Ae")
        .replace('Ö', "Oe")
        .replace('Ü', "Ue")
        .replace('ß', "ss")
        .chars()
        .filter(char::is_ascii)
        .collect()
}

fn escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('(', "\\(")
        .replace(')', "\\)")
}
