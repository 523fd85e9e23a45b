-- What a mail product includes (mailboxes, storage), from the portal's services list.
ALTER TABLE services ADD COLUMN mailbox_limit INTEGER;
ALTER TABLE services ADD COLUMN storage_limit_bytes INTEGER;
