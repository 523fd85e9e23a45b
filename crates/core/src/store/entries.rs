//! The profile's merged mailbox list in SQL: the portal preview's mailboxes and every
//! mailcow connection's, one row per lower-cased address, a window at a time. The same
//! rules as `Core::mailbox_entries` (which builds the whole list in Rust): the first
//! mailcow connection in the given order that reports an address gives its numbers; a
//! portal account (the first in the given order) that reports it too makes the row
//! `MailcowAndPortal`; an address only the portal reports is a `Portal` row.

use chrono::{DateTime, Utc};
use cowdesk_model::{
    MailboxEntry, MailboxEntryQuery, MailboxFilter, MailboxSort, MailboxSource, Window,
};

use super::window::{folded, needle, Slice};
use super::Store;
use crate::error::CoreError;

/// The part of an address after its last `@`, lowercased; '' without an `@`.
const DOMAIN_OF_ADDRESS: &str = "CASE WHEN instr(address, '@') = 0 THEN ''
    ELSE lower(substr(address, length(rtrim(address, replace(address, '@', ''))) + 1)) END";

/// Every row of both sources (`?1`: the connection ids in order of preference, `?2`: the
/// portal accounts whose role may read mailboxes, in order), ranked per address, then one
/// row per address. The columns of `entries` are those `MailboxEntry` needs, plus `k`
/// (the lowercased address) and `dom` (the address's domain, lowercased).
fn entries_cte() -> String {
    format!(
        "WITH
conn AS (SELECT value AS id, key AS rank FROM json_each(?1)),
acct AS (SELECT value AS id, key AS rank FROM json_each(?2)),
both_sides AS (
    SELECT lower(m.address) AS k, 0 AS side, c.rank AS rank, m.address, m.domain, m.name,
           m.quota_bytes, m.used_bytes,
           COALESCE(m.percent, CASE WHEN m.quota_bytes > 0
               THEN (m.used_bytes * 100 + m.quota_bytes / 2) / m.quota_bytes END) AS percent,
           m.messages, m.active, m.last_login, m.account_id AS connection_id,
           NULL AS account_id
    FROM mailcow_mailboxes m JOIN conn c ON c.id = m.account_id
    UNION ALL
    SELECT lower(p.address), 1, a.rank, p.address, NULL, p.name,
           MAX(p.quota_bytes, 0), MAX(p.used_bytes, 0),
           CASE WHEN p.quota_bytes > 0
               THEN (MAX(p.used_bytes, 0) * 100 + p.quota_bytes / 2) / p.quota_bytes END,
           NULL, p.active, NULL, NULL, p.account_id
    FROM mailboxes p JOIN acct a ON a.id = p.account_id
),
ranked AS (
    SELECT *,
        ROW_NUMBER() OVER (PARTITION BY k ORDER BY side, rank, address) AS rn,
        MAX(side) OVER (PARTITION BY k) AS has_portal,
        FIRST_VALUE(account_id) OVER (PARTITION BY k ORDER BY side DESC, rank, address
            ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS portal_account
    FROM both_sides
),
entries AS (
    SELECT k, address,
           CASE WHEN side = 0 THEN domain ELSE dom END AS domain,
           dom, name, quota_bytes, used_bytes, percent, messages, active, last_login,
           CASE WHEN side = 1 THEN 'portal'
                WHEN has_portal = 1 THEN 'mailcow_and_portal'
                ELSE 'mailcow' END AS source,
           connection_id,
           CASE WHEN side = 1 THEN account_id ELSE portal_account END AS account_id
    FROM (SELECT *, {DOMAIN_OF_ADDRESS} AS dom FROM ranked WHERE rn = 1)
)"
    )
}

/// The condition of `query` over `entries`, with its bound values (from `?3` on).
fn condition(query: &MailboxEntryQuery) -> (String, Vec<String>) {
    let mut binds: Vec<String> = Vec::new();
    let mut bind = |value: String| {
        binds.push(value);
        format!("?{}", binds.len() + 2)
    };
    let mut parts = vec![match query.filter {
        MailboxFilter::All => "true".to_owned(),
        MailboxFilter::NearlyFull => "percent >= 90".to_owned(),
        MailboxFilter::Full => "percent >= 100".to_owned(),
        MailboxFilter::Inactive => "active = 0".to_owned(),
    }];
    if query.mailcow_only {
        parts.push("source <> 'portal'".to_owned());
    }
    if let Some(domain) = query.domain.as_deref() {
        // As `in_domain`: an address without `@` is in no domain.
        let p = bind(domain.trim().to_ascii_lowercase());
        parts.push(format!("instr(address, '@') > 0 AND dom = {p}"));
    }
    let search = needle(&query.search);
    if !search.is_empty() {
        let (address, name) = (folded("address", &search), folded("name", &search));
        let p = bind(search);
        parts.push(format!(
            "(instr({address}, {p}) > 0 OR instr({name}, {p}) > 0)"
        ));
    }
    (parts.join(" AND "), binds)
}

fn order(query: &MailboxEntryQuery) -> String {
    let key = match query.sort {
        MailboxSort::Address => "k",
        MailboxSort::Name => "name",
        MailboxSort::Usage => {
            "CASE WHEN quota_bytes > 0 THEN CAST(used_bytes AS REAL) / quota_bytes END"
        }
        MailboxSort::Quota => "quota_bytes",
    };
    let dir = if query.descending { "DESC" } else { "ASC" };
    format!("{key} {dir}, k {dir}")
}

type EntryRow = (
    String,
    String,
    String,
    i64,
    i64,
    Option<i64>,
    Option<i64>,
    i64,
    Option<i64>,
    String,
    Option<String>,
    Option<String>,
);

fn entry(r: EntryRow) -> MailboxEntry {
    MailboxEntry {
        address: r.0,
        domain: r.1,
        name: r.2,
        quota_bytes: u64::try_from(r.3).unwrap_or(0),
        used_bytes: u64::try_from(r.4).unwrap_or(0),
        percent: r.5.and_then(|p| u32::try_from(p).ok()),
        messages: r.6.map(|m| u64::try_from(m).unwrap_or(0)),
        active: r.7 != 0,
        last_login: r.8.and_then(|s| DateTime::<Utc>::from_timestamp(s, 0)),
        source: match r.9.as_str() {
            "portal" => MailboxSource::Portal,
            "mailcow_and_portal" => MailboxSource::MailcowAndPortal,
            _ => MailboxSource::Mailcow,
        },
        connection_id: r.10,
        account_id: r.11,
    }
}

/// The sources of a merged list: mailcow connections in order of preference, portal
/// accounts (whose role may read mailboxes) in order.
pub struct Sources<'a> {
    pub connections: &'a [String],
    pub accounts: &'a [String],
}

impl Sources<'_> {
    fn json(&self) -> Result<(String, String), CoreError> {
        let text = |ids: &[String]| {
            serde_json::to_string(ids).map_err(|e| CoreError::Internal(e.to_string()))
        };
        Ok((text(self.connections)?, text(self.accounts)?))
    }
}

/// Figures of the rows a mailcow reports (one per address).
pub struct MailcowFigures {
    pub mailboxes: u32,
    pub used_bytes: u64,
    pub nearly_full: u32,
    pub domains: u32,
    /// The sum of the domains' allowed storage; 0 when one is unlimited (0) or none.
    pub allowed_bytes: u64,
}

fn count(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Store {
    /// One window of the merged list that `query` selects, with its counts.
    pub async fn mailbox_entry_window(
        &self,
        sources: &Sources<'_>,
        query: &MailboxEntryQuery,
        window: Window,
    ) -> Result<Slice<MailboxEntry>, CoreError> {
        let (connections, accounts) = sources.json()?;
        let (condition, binds) = condition(query);
        let cte = entries_cte();
        let counts_sql =
            format!("{cte} SELECT COUNT(*), COUNT(*) FILTER (WHERE {condition}) FROM entries");
        let mut counts = sqlx::query_as(&counts_sql)
            .bind(&connections)
            .bind(&accounts);
        for value in &binds {
            counts = counts.bind(value);
        }
        let (total, matching): (i64, i64) = counts.fetch_one(self.pool()).await?;
        let limit = window.limit.min(cowdesk_model::MAX_WINDOW_ROWS);
        let rows_sql = format!(
            "{cte} SELECT address, domain, name, quota_bytes, used_bytes, percent, messages,
                      active, last_login, source, connection_id, account_id
             FROM entries WHERE {condition} ORDER BY {} LIMIT {limit} OFFSET {}",
            order(query),
            window.offset
        );
        let mut rows = sqlx::query_as::<_, EntryRow>(&rows_sql)
            .bind(&connections)
            .bind(&accounts);
        for value in &binds {
            rows = rows.bind(value);
        }
        let rows = rows
            .fetch_all(self.pool())
            .await?
            .into_iter()
            .map(entry)
            .collect();
        Ok(Slice {
            rows,
            matching: count(matching),
            total: count(total),
        })
    }

    /// Where `address` (any case) stands in the list `query` selects, if it is in it.
    pub async fn mailbox_entry_position(
        &self,
        sources: &Sources<'_>,
        query: &MailboxEntryQuery,
        address: &str,
    ) -> Result<Option<u32>, CoreError> {
        let (connections, accounts) = sources.json()?;
        let (condition, binds) = condition(query);
        let sql = format!(
            "{} SELECT n FROM (SELECT k, ROW_NUMBER() OVER (ORDER BY {}) - 1 AS n
                               FROM entries WHERE {condition})
             WHERE k = ?{}",
            entries_cte(),
            order(query),
            binds.len() + 3
        );
        let mut q = sqlx::query_scalar(&sql).bind(&connections).bind(&accounts);
        for value in &binds {
            q = q.bind(value);
        }
        let n: Option<i64> = q
            .bind(address.to_ascii_lowercase())
            .fetch_optional(self.pool())
            .await?;
        Ok(n.map(count))
    }

    /// Counts over the rows a mailcow reports, and the mailcow domains' allowances.
    pub async fn mailcow_figures(
        &self,
        sources: &Sources<'_>,
    ) -> Result<MailcowFigures, CoreError> {
        let (connections, accounts) = sources.json()?;
        let sql = format!(
            "{} SELECT COUNT(*), COALESCE(SUM(used_bytes), 0),
                      COUNT(*) FILTER (WHERE percent >= 90)
               FROM entries WHERE source <> 'portal'",
            entries_cte()
        );
        let (mailboxes, used, nearly_full): (i64, i64, i64) = sqlx::query_as(&sql)
            .bind(&connections)
            .bind(&accounts)
            .fetch_one(self.pool())
            .await?;
        let (domains, allowed, unlimited): (i64, i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), COALESCE(SUM(storage_allowed_bytes), 0),
                    COUNT(*) FILTER (WHERE storage_allowed_bytes <= 0)
             FROM mailcow_domains d JOIN json_each(?1) c ON c.value = d.account_id",
        )
        .bind(&connections)
        .fetch_one(self.pool())
        .await?;
        Ok(MailcowFigures {
            mailboxes: count(mailboxes),
            used_bytes: u64::try_from(used).unwrap_or(0),
            nearly_full: count(nearly_full),
            domains: count(domains),
            allowed_bytes: match unlimited {
                0 => u64::try_from(allowed).unwrap_or(0),
                _ => 0,
            },
        })
    }
}
