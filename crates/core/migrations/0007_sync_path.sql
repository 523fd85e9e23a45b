-- The sync path: indexes for the counts of the dashboard and the account list and for the
-- date-driven pass of the alert rules, and the day of that pass per account.

-- Unpaid invoices (open, overdue): the dashboard's totals, the account list's badge and
-- the daily pass over due dates read only these.
CREATE INDEX invoices_unpaid ON invoices (account_id, due_date)
    WHERE status IN ('open', 'overdue');

-- Domains by expiry: the dashboard's "expiring" card and the daily pass.
CREATE INDEX domains_by_expiry ON domains (account_id, expires_on);

-- Mailboxes at or over 90 % of a limited quota (the same expression as the queries).
CREATE INDEX mailboxes_nearly_full ON mailboxes (account_id)
    WHERE quota_bytes > 0 AND used_bytes * 100 >= 90 * quota_bytes;

CREATE INDEX services_suspended ON services (account_id) WHERE status = 'suspended';

-- Open alerts of an account, for the rules that look at them.
CREATE INDEX alerts_open ON alerts (account_id, rule) WHERE resolved_at IS NULL;

-- The day the date-driven rules (due dates, expiry, unlock age) last looked at every row
-- they concern; a sync on a later day looks again.
CREATE TABLE alert_rule_day (
    account_id  TEXT PRIMARY KEY NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    day         TEXT NOT NULL
);
