-- mailcow connections of the profile and what they hold. Secrets (the domain
-- administrator's password, an API key) are never stored here: the keyring holds them
-- under the connection's id.

CREATE TABLE mailcow_connections (
    id             TEXT PRIMARY KEY NOT NULL,
    -- The profile the connection belongs to (each profile has a cache file of its own).
    profile        TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('session', 'api_key')),
    url            TEXT NOT NULL,
    -- The domain administrator of a session; NULL for an API key.
    user_name      TEXT,
    access         TEXT NOT NULL CHECK (access IN ('read_only', 'read_write')),
    state          TEXT NOT NULL
                   CHECK (state IN ('connected', 'signed_out', 'needs_totp', 'error')),
    last_error     TEXT,
    last_error_de  TEXT,
    created_at     TEXT NOT NULL
);

-- A connection's rows are scoped by an account row of its own (accounts.id = the
-- connection's id, connection_id set), so the write path, the sync state and the alert
-- ledger treat them like an account's; removing the connection removes all of it. Such
-- rows are not portal accounts: the account list leaves them out.
ALTER TABLE accounts ADD COLUMN connection_id TEXT
    REFERENCES mailcow_connections(id) ON DELETE CASCADE;

CREATE TABLE mailcow_domains (
    account_id                   TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    name                         TEXT NOT NULL,
    active                       INTEGER NOT NULL,
    mailboxes_used               INTEGER NOT NULL,
    mailboxes_allowed            INTEGER NOT NULL,
    aliases_used                 INTEGER NOT NULL,
    aliases_allowed              INTEGER NOT NULL,
    storage_used_bytes           INTEGER NOT NULL,
    storage_assigned_bytes       INTEGER NOT NULL,
    storage_allowed_bytes        INTEGER NOT NULL,
    max_mailbox_quota_bytes      INTEGER NOT NULL,
    default_mailbox_quota_bytes  INTEGER NOT NULL,
    PRIMARY KEY (account_id, name)
);

CREATE TABLE mailcow_mailboxes (
    account_id   TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    address      TEXT NOT NULL,
    domain       TEXT NOT NULL,
    local_part   TEXT NOT NULL,
    name         TEXT NOT NULL,
    quota_bytes  INTEGER NOT NULL,  -- 0 = unlimited
    used_bytes   INTEGER NOT NULL,
    percent      INTEGER,           -- NULL when unlimited
    messages     INTEGER NOT NULL,
    active       INTEGER NOT NULL,
    last_login   INTEGER,           -- Unix seconds; NULL = never
    PRIMARY KEY (account_id, address)
);

CREATE INDEX mailcow_mailboxes_by_domain ON mailcow_mailboxes (domain);

CREATE TABLE mailcow_aliases (
    account_id  TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    address     TEXT NOT NULL,
    -- The server's id, which deleting needs.
    server_id   INTEGER NOT NULL,
    domain      TEXT NOT NULL,
    targets     TEXT NOT NULL,      -- JSON array
    active      INTEGER NOT NULL,
    PRIMARY KEY (account_id, address)
);
