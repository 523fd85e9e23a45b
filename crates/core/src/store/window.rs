//! Windows of long lists: filter, search, sort and count in SQL; only the window's rows
//! leave SQLite.

use chrono::{Duration, NaiveDate};
use cowdesk_model::{Domain, Invoice};
use cowdesk_model::{
    DomainFilter, DomainQuery, DomainSort, InvoiceFilter, InvoiceQuery, InvoiceSort, Mailbox,
    MailboxFilter, MailboxQuery, MailboxSort, Window, YearTotal,
};

use super::read::read_where;
use super::rows::Synced;
use super::Store;
use crate::error::CoreError;

/// A window's rows and counts, before the caller shapes the rows.
pub struct Slice<T> {
    pub rows: Vec<T>,
    pub matching: u32,
    pub total: u32,
}

/// A search text as the SQL below compares it: trimmed and lowercased.
pub(super) fn needle(search: &str) -> String {
    search.trim().to_lowercase()
}

/// `column` lowercased as far as `needle` needs it: SQLite's `lower` folds ASCII only,
/// which is all an ASCII needle can match; for another needle the column side also folds
/// the German capitals (Ä, Ö, Ü) by hand.
pub(super) fn folded(column: &str, needle: &str) -> String {
    if needle.is_ascii() {
        format!("lower({column})")
    } else {
        format!("lower(replace(replace(replace({column}, 'Ä', 'ä'), 'Ö', 'ö'), 'Ü', 'ü'))")
    }
}

/// Bound values of a window query: the account is `?1`; these follow as `?2`, `?3`, ….
struct Binds(Vec<String>);

impl Binds {
    fn add(&mut self, value: String) -> String {
        self.0.push(value);
        format!("?{}", self.0.len() + 1)
    }
}

impl Store {
    async fn slice<T: Synced>(
        &self,
        account_id: &str,
        condition: &str,
        order: &str,
        binds: Binds,
        window: Window,
    ) -> Result<Slice<T>, CoreError> {
        let table = T::table().name;
        let sql = format!(
            "SELECT (SELECT COUNT(*) FROM {table} WHERE account_id = ?1),
                    (SELECT COUNT(*) FROM {table} WHERE account_id = ?1 AND ({condition}))"
        );
        let mut counts = sqlx::query_as(&sql).bind(account_id);
        for value in &binds.0 {
            counts = counts.bind(value);
        }
        let (total, matching): (i64, i64) = counts.fetch_one(self.pool()).await?;
        // Only the window's rows, by their position in the sorted, filtered list.
        let limit = window.limit.min(cowdesk_model::MAX_WINDOW_ROWS);
        let ranked = format!(
            "rowid IN (SELECT rowid FROM {table} WHERE account_id = ?1 AND ({condition})
                       ORDER BY {order} LIMIT {limit} OFFSET {})",
            window.offset
        );
        let binds: Vec<&str> = binds.0.iter().map(String::as_str).collect();
        let rows = read_where(
            &mut *self.pool().acquire().await?,
            account_id,
            &ranked,
            order,
            &binds,
        )
        .await?;
        Ok(Slice {
            rows,
            matching: u32::try_from(matching).unwrap_or(u32::MAX),
            total: u32::try_from(total).unwrap_or(u32::MAX),
        })
    }

    /// The condition and order of `query` over an account's mailboxes, and its binds.
    fn mailbox_condition(query: &MailboxQuery) -> (String, String, Binds) {
        let mut binds = Binds(Vec::new());
        let mut condition = vec![match query.filter {
            MailboxFilter::All => "true".to_owned(),
            MailboxFilter::NearlyFull => {
                "quota_bytes > 0 AND used_bytes * 100 >= 90 * quota_bytes".to_owned()
            }
            MailboxFilter::Full => "quota_bytes > 0 AND used_bytes >= quota_bytes".to_owned(),
            MailboxFilter::Inactive => "active = 0".to_owned(),
        }];
        if let Some(domain) = query.domain.as_deref() {
            let p = binds.add(domain.trim().to_ascii_lowercase());
            condition.push(format!(
                "instr(address, '@') > 0 AND lower(substr(address, instr(address, '@') + 1)) = {p}"
            ));
        }
        let search = needle(&query.search);
        if !search.is_empty() {
            let (address, name) = (folded("address", &search), folded("name", &search));
            let p = binds.add(search);
            condition.push(format!(
                "(instr({address}, {p}) > 0 OR instr({name}, {p}) > 0)"
            ));
        }
        let key = match query.sort {
            MailboxSort::Address => "address",
            MailboxSort::Name => "name",
            MailboxSort::Usage => {
                "CASE WHEN quota_bytes > 0 THEN CAST(used_bytes AS REAL) / quota_bytes END"
            }
            MailboxSort::Quota => "quota_bytes",
        };
        let dir = if query.descending { "DESC" } else { "ASC" };
        let order = format!("{key} {dir}, address {dir}");
        (condition.join(" AND "), order, binds)
    }

    pub async fn mailbox_window(
        &self,
        account_id: &str,
        query: &MailboxQuery,
        window: Window,
    ) -> Result<Slice<Mailbox>, CoreError> {
        let (condition, order, binds) = Self::mailbox_condition(query);
        self.slice(account_id, &condition, &order, binds, window)
            .await
    }

    /// Where the row whose `key_column` is `key` stands in the sorted, filtered list.
    async fn position(
        &self,
        table: &str,
        account_id: &str,
        (condition, order, mut binds): (String, String, Binds),
        key_column: &str,
        key: &str,
    ) -> Result<Option<u32>, CoreError> {
        let p = binds.add(key.to_owned());
        let sql = format!(
            "SELECT n FROM (SELECT {key_column} AS k, ROW_NUMBER() OVER (ORDER BY {order}) - 1 AS n
                            FROM {table} WHERE account_id = ?1 AND ({condition}))
             WHERE k = {p}"
        );
        let mut q = sqlx::query_scalar(&sql).bind(account_id);
        for value in &binds.0 {
            q = q.bind(value);
        }
        let n: Option<i64> = q.fetch_optional(self.pool()).await?;
        Ok(n.map(|n| u32::try_from(n).unwrap_or(u32::MAX)))
    }

    /// Where `address` stands in the account's mailboxes that `query` selects.
    pub async fn mailbox_position(
        &self,
        account_id: &str,
        query: &MailboxQuery,
        address: &str,
    ) -> Result<Option<u32>, CoreError> {
        let parts = Self::mailbox_condition(query);
        self.position("mailboxes", account_id, parts, "address", address)
            .await
    }

    /// Where domain `name` stands in the account's domains that `query` selects.
    pub async fn domain_position(
        &self,
        account_id: &str,
        query: &DomainQuery,
        today: NaiveDate,
        name: &str,
    ) -> Result<Option<u32>, CoreError> {
        let parts = Self::domain_condition(query, today);
        self.position("domains", account_id, parts, "name", name)
            .await
    }

    /// The account's mailboxes as a whole: count, usage, limited quotas, nearly full
    /// ones and their domains.
    pub async fn mailbox_totals(
        &self,
        account_id: &str,
    ) -> Result<(u32, u64, u64, u32, Vec<String>), CoreError> {
        let (count, used, assigned, nearly_full): (i64, i64, i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), COALESCE(SUM(MAX(used_bytes, 0)), 0),
                    COALESCE(SUM(MAX(quota_bytes, 0)), 0),
                    COUNT(*) FILTER (WHERE quota_bytes > 0 AND used_bytes * 100 >= 90 * quota_bytes)
             FROM mailboxes WHERE account_id = ?1",
        )
        .bind(account_id)
        .fetch_one(self.pool())
        .await?;
        let domains: Vec<String> = sqlx::query_scalar(
            "SELECT DISTINCT lower(substr(address, instr(address, '@') + 1)) AS d
             FROM mailboxes WHERE account_id = ?1 AND instr(address, '@') > 0 ORDER BY d",
        )
        .bind(account_id)
        .fetch_all(self.pool())
        .await?;
        Ok((
            u32::try_from(count).unwrap_or(u32::MAX),
            u64::try_from(used).unwrap_or(0),
            u64::try_from(assigned).unwrap_or(0),
            u32::try_from(nearly_full).unwrap_or(u32::MAX),
            domains,
        ))
    }

    pub async fn domain_window(
        &self,
        account_id: &str,
        query: &DomainQuery,
        today: NaiveDate,
        window: Window,
    ) -> Result<Slice<Domain>, CoreError> {
        let (condition, order, binds) = Self::domain_condition(query, today);
        self.slice(account_id, &condition, &order, binds, window)
            .await
    }

    fn domain_condition(query: &DomainQuery, today: NaiveDate) -> (String, String, Binds) {
        let mut binds = Binds(Vec::new());
        let mut condition = vec![match query.filter {
            DomainFilter::All => "true".to_owned(),
            DomainFilter::Expiring => {
                let from = binds.add((today - Duration::days(30)).to_string());
                let to = binds.add((today + Duration::days(30)).to_string());
                format!("expires_on BETWEEN {from} AND {to}")
            }
            DomainFilter::Unlocked => "transfer_lock = 0".to_owned(),
        }];
        let search = needle(&query.search);
        if !search.is_empty() {
            let name = folded("name", &search);
            let p = binds.add(search);
            condition.push(format!("instr({name}, {p}) > 0"));
        }
        let dir = if query.descending { "DESC" } else { "ASC" };
        let order = match query.sort {
            DomainSort::Name => format!("name {dir}"),
            DomainSort::ExpiresOn => format!("expires_on {dir}, name {dir}"),
        };
        (condition.join(" AND "), order, binds)
    }

    /// The condition and order of `query` over an account's invoices (as
    /// `billing::query::select` filters and sorts), and its binds.
    fn invoice_condition(query: &InvoiceQuery, today: NaiveDate) -> (String, String, Binds) {
        let mut binds = Binds(Vec::new());
        let today = binds.add(today.to_string());
        let overdue = format!("(status = 'overdue' OR (status = 'open' AND due_date < {today}))");
        let mut condition = vec![match query.filter {
            InvoiceFilter::All => "true".to_owned(),
            InvoiceFilter::Open => "status IN ('open', 'overdue')".to_owned(),
            InvoiceFilter::Overdue => overdue.clone(),
            InvoiceFilter::Paid => "status = 'paid'".to_owned(),
            InvoiceFilter::Cancelled => "status = 'cancelled'".to_owned(),
        }];
        if let Some(year) = query.year {
            let p = binds.add(format!("{year:04}"));
            condition.push(format!("substr(issue_date, 1, 4) = {p}"));
        }
        let search = query.search.trim();
        if !search.is_empty() {
            let p = binds.add(search.to_lowercase());
            let by_number = format!("instr(lower(number), {p}) > 0");
            condition.push(match crate::billing::query::parse_amount_cents(search) {
                Some(cents) => format!("({by_number} OR amount_cents = {cents})"),
                None => by_number,
            });
        }
        let key = match query.sort {
            InvoiceSort::IssueDate => "issue_date".to_owned(),
            InvoiceSort::DueDate => "due_date".to_owned(),
            InvoiceSort::Amount => "amount_cents".to_owned(),
            InvoiceSort::Number => "number".to_owned(),
            InvoiceSort::Status => format!(
                "CASE WHEN {overdue} THEN 0 WHEN status IN ('open', 'overdue') THEN 1
                      WHEN status = 'paid' THEN 2 ELSE 3 END"
            ),
        };
        let dir = if query.descending { "DESC" } else { "ASC" };
        let order = format!("{key} {dir}, number {dir}");
        (condition.join(" AND "), order, binds)
    }

    /// The invoices `query` selects, a window at a time.
    pub async fn invoice_window(
        &self,
        account_id: &str,
        query: &InvoiceQuery,
        today: NaiveDate,
        window: Window,
    ) -> Result<Slice<Invoice>, CoreError> {
        let (condition, order, binds) = Self::invoice_condition(query, today);
        self.slice(account_id, &condition, &order, binds, window)
            .await
    }

    /// Where invoice `number` stands in the account's invoices that `query` selects.
    pub async fn invoice_position(
        &self,
        account_id: &str,
        query: &InvoiceQuery,
        today: NaiveDate,
        number: &str,
    ) -> Result<Option<u32>, CoreError> {
        let parts = Self::invoice_condition(query, today);
        self.position("invoices", account_id, parts, "number", number)
            .await
    }

    /// Totals per year of issue over all of the account's invoices, newest year first, as
    /// `billing::query::totals_per_year` adds them up (cancelled ones count, add nothing).
    pub async fn invoice_years(&self, account_id: &str) -> Result<Vec<YearTotal>, CoreError> {
        let rows: Vec<(i64, i64, i64, i64, i64)> = sqlx::query_as(
            "SELECT CAST(substr(issue_date, 1, 4) AS INTEGER) AS year, COUNT(*),
                    COALESCE(SUM(amount_cents) FILTER (WHERE status <> 'cancelled'), 0),
                    COALESCE(SUM(amount_cents) FILTER (WHERE status = 'paid'), 0),
                    COALESCE(SUM(amount_cents) FILTER (WHERE status IN ('open', 'overdue')), 0)
             FROM invoices WHERE account_id = ?1 GROUP BY year ORDER BY year DESC",
        )
        .bind(account_id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(year, count, total, paid, unpaid)| YearTotal {
                year: i32::try_from(year).unwrap_or_default(),
                count: u32::try_from(count).unwrap_or(u32::MAX),
                total_cents: total,
                paid_cents: paid,
                unpaid_cents: unpaid,
            })
            .collect())
    }
}
