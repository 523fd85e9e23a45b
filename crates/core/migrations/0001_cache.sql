-- The local cache. Every data row belongs to one customer account (account_id) and goes
-- with it. Secrets are never stored here: the refresh token lives in the OS keyring.

CREATE TABLE login (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    server      TEXT NOT NULL,
    email       TEXT NOT NULL,
    demo        INTEGER NOT NULL,
    remembered  INTEGER NOT NULL,
    -- ETag of the last account list, so an unchanged list costs a 304.
    accounts_etag TEXT
);

CREATE TABLE settings (
    key    TEXT PRIMARY KEY NOT NULL,
    value  TEXT NOT NULL
);

CREATE TABLE accounts (
    id               TEXT PRIMARY KEY NOT NULL,
    customer_number  TEXT NOT NULL,
    name             TEXT NOT NULL,
    is_own           INTEGER NOT NULL,
    role_name        TEXT NOT NULL,
    permissions      TEXT NOT NULL, -- JSON array of permission names
    position         INTEGER NOT NULL
);

CREATE TABLE profiles (
    account_id       TEXT PRIMARY KEY NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    customer_number  TEXT NOT NULL,
    email            TEXT NOT NULL,
    company          TEXT,
    name             TEXT NOT NULL,
    street           TEXT NOT NULL,
    postal_code      TEXT NOT NULL,
    city             TEXT NOT NULL,
    country          TEXT NOT NULL,
    billing_emails   TEXT NOT NULL -- JSON array
);

CREATE TABLE invoices (
    account_id     TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    number         TEXT NOT NULL,
    issue_date     TEXT NOT NULL,
    due_date       TEXT NOT NULL,
    amount_cents   INTEGER NOT NULL,
    currency       TEXT NOT NULL,
    status         TEXT NOT NULL,
    dunning_level  INTEGER NOT NULL,
    paid_on        TEXT,
    PRIMARY KEY (account_id, number)
);

CREATE TABLE mandates (
    account_id  TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    id          TEXT NOT NULL,
    kind        TEXT NOT NULL,
    label       TEXT NOT NULL,
    status      TEXT NOT NULL,
    is_default  INTEGER NOT NULL,
    created_on  TEXT NOT NULL,
    PRIMARY KEY (account_id, id)
);

CREATE TABLE services (
    account_id     TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    id             TEXT NOT NULL,
    kind           TEXT NOT NULL,
    product        TEXT NOT NULL,
    status         TEXT NOT NULL,
    term_months    INTEGER NOT NULL,
    period_end     TEXT NOT NULL,
    status_reason  TEXT,
    PRIMARY KEY (account_id, id)
);

CREATE TABLE domains (
    account_id     TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    name           TEXT NOT NULL,
    expires_on     TEXT NOT NULL,
    transfer_lock  INTEGER NOT NULL,
    auto_renew     INTEGER NOT NULL,
    status         TEXT NOT NULL,
    PRIMARY KEY (account_id, name)
);

CREATE TABLE mailboxes (
    account_id   TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    address      TEXT NOT NULL,
    name         TEXT NOT NULL,
    quota_bytes  INTEGER NOT NULL,
    used_bytes   INTEGER NOT NULL,
    active       INTEGER NOT NULL,
    PRIMARY KEY (account_id, address)
);

CREATE TABLE account_users (
    account_id   TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    email        TEXT NOT NULL,
    role_name    TEXT NOT NULL,
    permissions  TEXT NOT NULL, -- JSON array
    PRIMARY KEY (account_id, email)
);

CREATE TABLE tickets (
    account_id  TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    id          TEXT NOT NULL,
    subject     TEXT NOT NULL,
    status      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (account_id, id)
);

-- What the last sync saw of each resource: its ETag, and whether the role may read it.
CREATE TABLE sync_state (
    account_id  TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    resource    TEXT NOT NULL,
    etag        TEXT,
    permitted   INTEGER NOT NULL,
    synced_at   TEXT NOT NULL,
    PRIMARY KEY (account_id, resource)
);
