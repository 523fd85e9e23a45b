-- Domains: when the transfer lock last changed (for the re-lock reminder) and what the
-- domain is linked to (for the transfer checklist).
ALTER TABLE domains ADD COLUMN lock_changed_at TEXT;
ALTER TABLE domains ADD COLUMN service_ids TEXT NOT NULL DEFAULT '[]';     -- JSON array
ALTER TABLE domains ADD COLUMN invoice_numbers TEXT NOT NULL DEFAULT '[]'; -- JSON array

-- A local, per-account log of sensitive actions. It names what was done to what, and by
-- which login; it never holds a secret value (no authcode, no IBAN, no card number).
CREATE TABLE activity_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id  TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    subject     TEXT NOT NULL
);
CREATE INDEX activity_log_by_account ON activity_log (account_id, id);
