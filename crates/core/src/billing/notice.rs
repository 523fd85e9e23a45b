//! Contract dates: the notice deadline and renewals (FAQ "Cancel or terminate a service":
//! "A notice period of 1 month to the end of the term applies. If it's missed, the service
//! is automatically extended by another term."). docs/BILLING-NOTICE.md explains the rule
//! with the same examples as the tests below.

use chrono::{Datelike, Days, Months, NaiveDate};

/// Months of notice before the end of a term.
pub const NOTICE_MONTHS: u32 = 1;

/// The last day a cancellation must reach Servercow to end the service at `term_end`
/// (the last day of the term): one month earlier. A term ending on the last day of a month
/// has its deadline on the last day of the month before (31 March: 28 or 29 February;
/// 30 April: 31 March); any other day goes to the same day of the month before, or to that
/// month's last day when it is shorter (15 May: 15 April; 30 March: 28 February).
/// `None` only beyond the calendar's range.
pub fn notice_deadline(term_end: NaiveDate) -> Option<NaiveDate> {
    shift_months(term_end, -(NOTICE_MONTHS as i32))
}

/// The end of the term that follows one ending on `term_end`, for a term of `months`
/// months, with the same month-end rule (28 February 2027 + 1 month = 31 March 2027).
pub fn next_term_end(term_end: NaiveDate, months: u16) -> Option<NaiveDate> {
    shift_months(term_end, i32::from(months))
}

fn is_month_end(day: NaiveDate) -> bool {
    day.checked_add_days(Days::new(1))
        .is_some_and(|next| next.month() != day.month())
}

/// `months` calendar months later (earlier when negative); a month's last day stays a
/// month's last day, other days are clamped to the target month's length.
fn shift_months(day: NaiveDate, months: i32) -> Option<NaiveDate> {
    let shift = |d: NaiveDate| {
        if months >= 0 {
            d.checked_add_months(Months::new(months.unsigned_abs()))
        } else {
            d.checked_sub_months(Months::new(months.unsigned_abs()))
        }
    };
    if is_month_end(day) {
        // From the first of the month: the first of the target month, then its last day.
        let first = day.with_day(1)?;
        let target_first = shift(first)?;
        target_first
            .checked_add_months(Months::new(1))?
            .checked_sub_days(Days::new(1))
    } else {
        shift(day)
    }
}

/// The contract dates of a service on `today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContractDates {
    /// The deadline for ending the service at its current period end; `None` without a
    /// term (term of 0 months: no notice period applies).
    pub deadline: Option<NaiveDate>,
    /// Days from today to the deadline, negative once missed.
    pub days_left: Option<i64>,
    /// The earliest term end a cancellation sent today can reach.
    pub earliest_end: NaiveDate,
}

pub fn contract_dates(period_end: NaiveDate, term_months: u16, today: NaiveDate) -> ContractDates {
    if term_months == 0 {
        return ContractDates {
            deadline: None,
            days_left: None,
            earliest_end: period_end.max(today),
        };
    }
    let deadline = notice_deadline(period_end);
    // Missed deadlines roll on term by term until one still lies ahead (a period end cached
    // long ago may be several terms behind).
    let mut earliest_end = period_end;
    let mut guard = 0;
    while notice_deadline(earliest_end).is_some_and(|d| d < today) && guard < 1200 {
        match next_term_end(earliest_end, term_months) {
            Some(next) => earliest_end = next,
            None => break,
        }
        guard += 1;
    }
    ContractDates {
        deadline,
        days_left: deadline.map(|d| (d - today).num_days()),
        earliest_end,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    /// Every row of the examples table in docs/BILLING-NOTICE.md, read from the document.
    #[test]
    fn billing_notice_deadline_examples_from_the_docs() {
        let doc = include_str!("../../../../docs/BILLING-NOTICE.md");
        let examples: Vec<(NaiveDate, NaiveDate)> = doc
            .lines()
            .filter_map(|line| {
                let cells: Vec<&str> = line.split('|').map(str::trim).collect();
                let end = cells.get(1)?.parse().ok()?;
                let deadline = cells.get(2)?.parse().ok()?;
                Some((end, deadline))
            })
            .collect();
        assert_eq!(examples.len(), 12, "the table has twelve examples");
        for (end, deadline) in examples {
            assert_eq!(notice_deadline(end), Some(deadline), "term ending {end}");
        }
        // The month-end examples the issue names, spelled out.
        assert_eq!(notice_deadline(day("2027-03-31")), Some(day("2027-02-28")));
        assert_eq!(notice_deadline(day("2028-03-31")), Some(day("2028-02-29")));
        assert_eq!(notice_deadline(day("2027-04-30")), Some(day("2027-03-31")));
    }

    #[test]
    fn billing_renewal_keeps_month_ends() {
        assert_eq!(
            next_term_end(day("2027-03-31"), 12),
            Some(day("2028-03-31"))
        );
        assert_eq!(next_term_end(day("2027-02-28"), 1), Some(day("2027-03-31")));
        assert_eq!(next_term_end(day("2027-01-31"), 1), Some(day("2027-02-28")));
        assert_eq!(next_term_end(day("2027-05-15"), 1), Some(day("2027-06-15")));
        assert_eq!(
            next_term_end(day("2028-02-29"), 12),
            Some(day("2029-02-28"))
        );
        assert_eq!(next_term_end(day("2027-01-30"), 1), Some(day("2027-02-28")));
    }

    #[test]
    fn billing_contract_dates_before_on_and_after_the_deadline() {
        let end = day("2027-03-31");
        // Deadline 28 February: ten days before it, on it, and the day after.
        let before = contract_dates(end, 12, day("2027-02-18"));
        assert_eq!(before.deadline, Some(day("2027-02-28")));
        assert_eq!(before.days_left, Some(10));
        assert_eq!(before.earliest_end, end);
        let on = contract_dates(end, 12, day("2027-02-28"));
        assert_eq!(on.days_left, Some(0));
        assert_eq!(on.earliest_end, end, "the deadline day itself is in time");
        let after = contract_dates(end, 12, day("2027-03-01"));
        assert_eq!(after.days_left, Some(-1));
        assert_eq!(after.earliest_end, day("2028-03-31"), "extended by a term");
        // A monthly service whose cached period end is long past rolls on month by month.
        let monthly = contract_dates(day("2027-01-31"), 1, day("2027-04-10"));
        assert_eq!(monthly.earliest_end, day("2027-05-31"));
        // No term, no deadline.
        let open_ended = contract_dates(day("2027-01-31"), 0, day("2027-04-10"));
        assert_eq!(open_ended.deadline, None);
        assert_eq!(open_ended.earliest_end, day("2027-04-10"));
    }
}
