-- Alerts: the notify-once ledger. One row per (account, rule, object, state): a re-sync or
-- a restart finds the row and notifies nothing again. Rows go with their account.

CREATE TABLE alerts (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id    TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    rule          TEXT NOT NULL,
    -- The invoice number, service id, mandate id, domain name or mailbox address.
    object        TEXT NOT NULL,
    -- What about the object: the dunning level, the expiry date, ... ('' when the rule
    -- has only one state).
    state         TEXT NOT NULL,
    severity      TEXT NOT NULL,
    title         TEXT NOT NULL,
    title_de      TEXT NOT NULL,
    body          TEXT NOT NULL,
    body_de       TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    resolved_at   TEXT,
    read_at       TEXT,
    -- pending | delivered | backfill | suppressed | dropped | failed
    delivery      TEXT NOT NULL,
    delivered_at  TEXT,
    UNIQUE (account_id, rule, object, state)
);

CREATE INDEX alerts_by_delivery ON alerts (delivery);

-- Since when a domain has been seen without its transfer lock (first sync that saw it
-- unlocked), for the "unlocked for more than 7 days" rule.
CREATE TABLE domain_unlock_seen (
    account_id  TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    domain      TEXT NOT NULL,
    since       TEXT NOT NULL,
    PRIMARY KEY (account_id, domain)
);
