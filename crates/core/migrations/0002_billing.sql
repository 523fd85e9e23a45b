-- Billing and contracts: the requests cowdesk sent as support tickets ("I already paid",
-- payment extension, cancellation, restore), so an invoice or a service can show what was
-- asked and when. The ticket's status comes from the synced tickets table.

CREATE TABLE billing_requests (
    account_id  TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    ticket_id   TEXT NOT NULL,
    category    TEXT NOT NULL,
    -- The invoice number or service id the request concerns.
    reference   TEXT NOT NULL,
    subject     TEXT NOT NULL,
    sent_at     TEXT NOT NULL,
    -- The date the request names (payment, expected payment, cancellation), if any.
    date        TEXT,
    PRIMARY KEY (account_id, ticket_id)
);

CREATE INDEX billing_requests_by_reference ON billing_requests (account_id, reference);
