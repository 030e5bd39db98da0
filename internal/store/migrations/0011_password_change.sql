-- Accounts created by a roster import start with a generated password that
-- an administrator handed over; the person must choose their own before
-- doing anything else. A password change clears the flag.
ALTER TABLE users ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT FALSE;
