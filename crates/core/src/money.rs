//! Amounts of money as people read them, in English and German: one place for the
//! grouping of thousands that the alerts, the notifications and the command line share.

/// The amount without currency: ("1,234.56", "1.234,56").
pub fn amount(cents: i64) -> (String, String) {
    let sign = if cents < 0 { "-" } else { "" };
    let cents = cents.unsigned_abs();
    let (units, rest) = (cents / 100, cents % 100);
    (
        format!("{sign}{}.{rest:02}", group(units, ',')),
        format!("{sign}{},{rest:02}", group(units, '.')),
    )
}

/// With the currency: ("€1,234.56", "1.234,56 €"); other currencies by their code.
pub fn money(cents: i64, currency: &str) -> (String, String) {
    let (en, de) = amount(cents);
    if currency == "EUR" {
        let en = match en.strip_prefix('-') {
            Some(unsigned) => format!("-€{unsigned}"),
            None => format!("€{en}"),
        };
        (en, format!("{de} €"))
    } else {
        (format!("{en} {currency}"), format!("{de} {currency}"))
    }
}

/// 1234567 -> "1,234,567" with `separator` between groups of three digits.
fn group(units: u64, separator: char) -> String {
    let digits = units.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cents_are_grouped_by_thousands() {
        let en = |cents| amount(cents).0;
        assert_eq!(en(0), "0.00");
        assert_eq!(en(5), "0.05");
        assert_eq!(en(123_456), "1,234.56");
        assert_eq!(en(100_000_000), "1,000,000.00");
        assert_eq!(en(-1999), "-19.99");
        assert_eq!(amount(123_456).1, "1.234,56");
        assert_eq!(amount(-100_000_000).1, "-1.000.000,00");
    }

    #[test]
    fn money_names_the_currency_as_each_language_does() {
        assert_eq!(
            money(123_456, "EUR"),
            ("€1,234.56".to_owned(), "1.234,56 €".to_owned())
        );
        assert_eq!(
            money(-500, "EUR"),
            ("-€5.00".to_owned(), "-5,00 €".to_owned())
        );
        assert_eq!(
            money(1_000_000, "CHF"),
            ("10,000.00 CHF".to_owned(), "10.000,00 CHF".to_owned())
        );
    }
}
