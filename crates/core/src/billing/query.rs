//! The invoice list: filters, search by number or amount, sorting and totals per year.
//! Pure functions over cached invoices, so the rules are tested without a database.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use cowdesk_model::{Invoice, InvoiceFilter, InvoiceQuery, InvoiceSort, InvoiceStatus, YearTotal};

/// Unpaid: open or overdue.
pub fn is_unpaid(invoice: &Invoice) -> bool {
    matches!(invoice.status, InvoiceStatus::Open | InvoiceStatus::Overdue)
}

/// Past its due date and unpaid (the portal's "overdue", or open with a due date behind us).
pub fn is_overdue(invoice: &Invoice, today: NaiveDate) -> bool {
    invoice.status == InvoiceStatus::Overdue
        || (invoice.status == InvoiceStatus::Open && invoice.due_date < today)
}

fn passes_filter(invoice: &Invoice, filter: InvoiceFilter, today: NaiveDate) -> bool {
    match filter {
        InvoiceFilter::All => true,
        InvoiceFilter::Open => is_unpaid(invoice),
        InvoiceFilter::Overdue => is_overdue(invoice, today),
        InvoiceFilter::Paid => invoice.status == InvoiceStatus::Paid,
        InvoiceFilter::Cancelled => invoice.status == InvoiceStatus::Cancelled,
    }
}

/// An amount as typed: "119", "119,00", "119.00", "1.234,56 €", "€ 1,234.56". `None` when
/// the text is not an amount.
pub fn parse_amount_cents(text: &str) -> Option<i64> {
    let cleaned: String = text
        .trim()
        .trim_start_matches('€')
        .trim_end_matches('€')
        .trim()
        .trim_end_matches("EUR")
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if cleaned.is_empty()
        || !cleaned
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
    {
        return None;
    }
    // The last separator followed by one or two digits is the decimal mark; any other is a
    // thousands separator.
    let last = cleaned.rfind(['.', ',']);
    let (whole, fraction) = match last {
        Some(i) if cleaned.len() - i - 1 <= 2 => (&cleaned[..i], &cleaned[i + 1..]),
        _ => (cleaned.as_str(), ""),
    };
    let whole: String = whole.chars().filter(char::is_ascii_digit).collect();
    let euros: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let cents: i64 = match fraction.len() {
        0 => 0,
        1 => fraction.parse::<i64>().ok()? * 10,
        _ => fraction.parse().ok()?,
    };
    euros.checked_mul(100)?.checked_add(cents)
}

fn matches_search(invoice: &Invoice, search: &str) -> bool {
    let search = search.trim();
    if search.is_empty() {
        return true;
    }
    if invoice
        .number
        .to_lowercase()
        .contains(&search.to_lowercase())
    {
        return true;
    }
    parse_amount_cents(search).is_some_and(|cents| cents == invoice.amount_cents)
}

/// The invoices `query` selects, in its order.
pub fn select<'a>(
    invoices: &'a [Invoice],
    query: &InvoiceQuery,
    today: NaiveDate,
) -> Vec<&'a Invoice> {
    let mut selected: Vec<&Invoice> = invoices
        .iter()
        .filter(|i| passes_filter(i, query.filter, today))
        .filter(|i| query.year.is_none_or(|y| i.issue_date.year() == y))
        .filter(|i| matches_search(i, &query.search))
        .collect();
    selected.sort_by(|a, b| {
        let order = match query.sort {
            InvoiceSort::IssueDate => a.issue_date.cmp(&b.issue_date),
            InvoiceSort::DueDate => a.due_date.cmp(&b.due_date),
            InvoiceSort::Amount => a.amount_cents.cmp(&b.amount_cents),
            InvoiceSort::Number => Ordering::Equal,
            InvoiceSort::Status => status_rank(a, today).cmp(&status_rank(b, today)),
        }
        // Ties (and the number sort) go by number, which grows with time.
        .then_with(|| a.number.cmp(&b.number));
        if query.descending {
            order.reverse()
        } else {
            order
        }
    });
    selected
}

/// Most urgent first when sorted ascending: overdue, open, paid, cancelled.
fn status_rank(invoice: &Invoice, today: NaiveDate) -> u8 {
    if is_overdue(invoice, today) {
        0
    } else {
        match invoice.status {
            InvoiceStatus::Open | InvoiceStatus::Overdue => 1,
            InvoiceStatus::Paid => 2,
            InvoiceStatus::Cancelled => 3,
        }
    }
}

/// Totals per year of issue, newest year first. Cancelled invoices are counted but add
/// nothing to the sums: nothing is owed for them.
pub fn totals_per_year(invoices: &[Invoice]) -> Vec<YearTotal> {
    let mut years: BTreeMap<i32, YearTotal> = BTreeMap::new();
    for invoice in invoices {
        let year = invoice.issue_date.year();
        let total = years.entry(year).or_insert(YearTotal {
            year,
            count: 0,
            total_cents: 0,
            paid_cents: 0,
            unpaid_cents: 0,
        });
        total.count += 1;
        match invoice.status {
            InvoiceStatus::Cancelled => {}
            InvoiceStatus::Paid => {
                total.total_cents += invoice.amount_cents;
                total.paid_cents += invoice.amount_cents;
            }
            InvoiceStatus::Open | InvoiceStatus::Overdue => {
                total.total_cents += invoice.amount_cents;
                total.unpaid_cents += invoice.amount_cents;
            }
        }
    }
    years.into_values().rev().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invoice(
        number: &str,
        issued: &str,
        cents: i64,
        status: InvoiceStatus,
        due: &str,
    ) -> Invoice {
        Invoice {
            number: number.into(),
            issue_date: issued.parse().unwrap(),
            due_date: due.parse().unwrap(),
            amount_cents: cents,
            currency: "EUR".into(),
            status,
            dunning_level: 0,
            paid_on: None,
        }
    }

    fn sample() -> Vec<Invoice> {
        vec![
            invoice(
                "RE-2026-000010",
                "2026-11-10",
                11_900,
                InvoiceStatus::Open,
                "2026-11-24",
            ),
            invoice(
                "RE-2026-000009",
                "2026-10-10",
                2_380,
                InvoiceStatus::Overdue,
                "2026-10-24",
            ),
            invoice(
                "RE-2026-000008",
                "2026-09-10",
                2_380,
                InvoiceStatus::Paid,
                "2026-09-24",
            ),
            invoice(
                "RE-2025-000007",
                "2025-12-10",
                123_456,
                InvoiceStatus::Paid,
                "2025-12-24",
            ),
            invoice(
                "RE-2025-000006",
                "2025-11-10",
                500,
                InvoiceStatus::Cancelled,
                "2025-11-24",
            ),
        ]
    }

    fn query(filter: InvoiceFilter) -> InvoiceQuery {
        InvoiceQuery {
            filter,
            year: None,
            search: String::new(),
            sort: InvoiceSort::IssueDate,
            descending: true,
        }
    }

    fn numbers(selected: Vec<&Invoice>) -> Vec<&str> {
        selected.into_iter().map(|i| &i.number[8..]).collect()
    }

    #[test]
    fn billing_invoice_filters() {
        let all = sample();
        let today: NaiveDate = "2026-11-25".parse().unwrap();
        assert_eq!(
            numbers(select(&all, &query(InvoiceFilter::All), today)).len(),
            5
        );
        assert_eq!(
            numbers(select(&all, &query(InvoiceFilter::Open), today)),
            ["000010", "000009"]
        );
        // Open and due yesterday counts as overdue.
        assert_eq!(
            numbers(select(&all, &query(InvoiceFilter::Overdue), today)),
            ["000010", "000009"]
        );
        let earlier: NaiveDate = "2026-11-20".parse().unwrap();
        assert_eq!(
            numbers(select(&all, &query(InvoiceFilter::Overdue), earlier)),
            ["000009"]
        );
        assert_eq!(
            numbers(select(&all, &query(InvoiceFilter::Paid), today)),
            ["000008", "000007"]
        );
        assert_eq!(
            numbers(select(&all, &query(InvoiceFilter::Cancelled), today)),
            ["000006"]
        );
        let in_2025 = InvoiceQuery {
            year: Some(2025),
            ..query(InvoiceFilter::All)
        };
        assert_eq!(numbers(select(&all, &in_2025, today)), ["000007", "000006"]);
    }

    #[test]
    fn billing_invoice_search_by_number_or_amount() {
        let all = sample();
        let today: NaiveDate = "2026-11-25".parse().unwrap();
        let search = |text: &str| {
            let q = InvoiceQuery {
                search: text.into(),
                ..query(InvoiceFilter::All)
            };
            numbers(select(&all, &q, today))
                .into_iter()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        };
        assert_eq!(search("re-2025"), ["000007", "000006"]);
        assert_eq!(search("000009"), ["000009"]);
        assert_eq!(search("23,80"), ["000009", "000008"]);
        assert_eq!(search("23.80 €"), ["000009", "000008"]);
        assert_eq!(search("1.234,56"), ["000007"]);
        assert_eq!(search("1,234.56"), ["000007"]);
        assert_eq!(search("119"), ["000010"]);
        assert!(search("banana").is_empty());
    }

    #[test]
    fn billing_amounts_parse_in_both_notations() {
        assert_eq!(parse_amount_cents("119"), Some(11_900));
        assert_eq!(parse_amount_cents("119,5"), Some(11_950));
        assert_eq!(parse_amount_cents("€ 1.234,56"), Some(123_456));
        assert_eq!(parse_amount_cents("1,234.56 EUR"), Some(123_456));
        assert_eq!(
            parse_amount_cents("1.234"),
            Some(123_400),
            "thousands separator"
        );
        assert_eq!(parse_amount_cents("RE-1"), None);
        assert_eq!(parse_amount_cents(""), None);
    }

    #[test]
    fn billing_invoice_sorting() {
        let all = sample();
        let today: NaiveDate = "2026-11-25".parse().unwrap();
        let sorted = |sort, descending| {
            let q = InvoiceQuery {
                sort,
                descending,
                ..query(InvoiceFilter::All)
            };
            numbers(select(&all, &q, today))
                .into_iter()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            sorted(InvoiceSort::Amount, false),
            ["000006", "000008", "000009", "000010", "000007"]
        );
        assert_eq!(sorted(InvoiceSort::Number, true)[0], "000010");
        assert_eq!(sorted(InvoiceSort::DueDate, false)[0], "000006");
        assert_eq!(
            sorted(InvoiceSort::Status, false),
            ["000009", "000010", "000007", "000008", "000006"]
        );
    }

    #[test]
    fn billing_totals_per_year_skip_cancelled_amounts() {
        let totals = totals_per_year(&sample());
        assert_eq!(totals.len(), 2);
        assert_eq!(totals[0].year, 2026);
        assert_eq!(totals[0].count, 3);
        assert_eq!(totals[0].total_cents, 11_900 + 2_380 + 2_380);
        assert_eq!(totals[0].paid_cents, 2_380);
        assert_eq!(totals[0].unpaid_cents, 11_900 + 2_380);
        assert_eq!(totals[1].year, 2025);
        assert_eq!(totals[1].count, 2);
        assert_eq!(totals[1].total_cents, 123_456);
    }
}
