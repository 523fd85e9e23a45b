-- The conversation of each ticket, as the portal last answered it (read when the user
-- opens a ticket, kept for offline reading). Replaced as a whole per ticket.
CREATE TABLE ticket_messages (
    account_id  TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    ticket_id   TEXT NOT NULL,
    position    INTEGER NOT NULL,
    author      TEXT NOT NULL,
    body        TEXT NOT NULL,
    sent_at     TEXT NOT NULL,
    PRIMARY KEY (account_id, ticket_id, position)
);

-- When each ticket's conversation was last read from the portal.
CREATE TABLE ticket_threads (
    account_id  TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    ticket_id   TEXT NOT NULL,
    fetched_at  TEXT NOT NULL,
    PRIMARY KEY (account_id, ticket_id)
);
