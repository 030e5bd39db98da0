-- Notifications: durable background jobs shared by every app instance, the
-- in-app inbox, per-person e-mail preferences, and server settings such as
-- the secret that signs unsubscribe links.

-- A job is claimed by setting locked_until/locked_by in one UPDATE; a worker
-- that dies leaves the lease to expire and another instance takes the job.
-- done_at is set on success and on giving up (failed = TRUE).
CREATE TABLE jobs (
    id           {{ID}},
    kind         TEXT    NOT NULL,
    payload      TEXT    NOT NULL DEFAULT '{}', -- JSON
    unique_key   TEXT    UNIQUE,                -- optional: at most one job per key, ever (NULLs are distinct)
    run_at       BIGINT  NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    last_error   TEXT    NOT NULL DEFAULT '',
    locked_until BIGINT,
    locked_by    TEXT    NOT NULL DEFAULT '',
    done_at      BIGINT,
    failed       BOOLEAN NOT NULL DEFAULT FALSE,
    created_at   BIGINT  NOT NULL
);
-- The claim query reads pending jobs in run_at order; finished jobs leave the index.
CREATE INDEX jobs_pending ON jobs (run_at, id) WHERE done_at IS NULL;
CREATE INDEX jobs_done ON jobs (done_at) WHERE done_at IS NOT NULL;

CREATE TABLE notifications (
    id          {{ID}},
    user_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind        TEXT   NOT NULL,
    actor_id    BIGINT,                       -- NULL for notices from the system
    space_id    BIGINT NOT NULL DEFAULT 0,
    object_type TEXT   NOT NULL DEFAULT '',
    object_id   BIGINT NOT NULL DEFAULT 0,
    title       TEXT   NOT NULL DEFAULT '',   -- the object's own title, never translated text
    url         TEXT   NOT NULL DEFAULT '',   -- site-relative link to the object
    read_at     BIGINT,
    created_at  BIGINT NOT NULL,
    emailed_at  BIGINT
);
CREATE INDEX notifications_inbox ON notifications (user_id, id);
CREATE INDEX notifications_unread ON notifications (user_id, id) WHERE read_at IS NULL;
-- The daily digest looks for unread notifications nobody has e-mailed yet.
CREATE INDEX notifications_pending_mail ON notifications (created_at) WHERE emailed_at IS NULL AND read_at IS NULL;

-- A person without a row for a kind gets notify.DefaultMode(kind).
CREATE TABLE notification_prefs (
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind    TEXT   NOT NULL,
    mode    TEXT   NOT NULL, -- immediately | digest | off
    PRIMARY KEY (user_id, kind)
);

-- Server-wide values created on first use (such as signing secrets), so
-- several instances sharing the database agree on them.
CREATE TABLE settings (
    key        TEXT   PRIMARY KEY,
    value      TEXT   NOT NULL,
    created_at BIGINT NOT NULL
);
