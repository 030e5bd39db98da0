-- Direct messages (私信) between members who share a training community:
-- one-to-one conversations, their messages, blocks, and reports to
-- moderators. Messages are private to the two participants; a moderator
-- sees a message only through a report of it.

-- pair_key is 'minUserID:maxUserID', so the same two people always share
-- one conversation, even when both write first at the same moment. The
-- newest message is kept on the row so an inbox needs no search for it.
CREATE TABLE conversations (
    id              {{ID}},
    pair_key        TEXT   NOT NULL UNIQUE,
    created_at      BIGINT NOT NULL,
    last_message_at BIGINT NOT NULL,
    last_message_id BIGINT NOT NULL DEFAULT 0
);

-- Reading is tracked by message ID, not only by time: two messages can
-- share a millisecond, IDs never do. Within one conversation IDs follow
-- commit order because a send updates the conversation row (taking its
-- lock) before inserting the message.
CREATE TABLE conversation_members (
    conversation_id BIGINT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    user_id         BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    last_read_id    BIGINT NOT NULL DEFAULT 0, -- newest message this person has seen
    last_read_at    BIGINT,                    -- when they last read the conversation
    PRIMARY KEY (conversation_id, user_id)
);
CREATE INDEX conversation_members_user ON conversation_members (user_id, conversation_id);

CREATE TABLE messages (
    id              {{ID}},
    conversation_id BIGINT  NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    sender_id       BIGINT  NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    body            TEXT    NOT NULL,
    body_html       TEXT    NOT NULL,
    created_at      BIGINT  NOT NULL,
    hidden          BOOLEAN NOT NULL DEFAULT FALSE -- set by a moderator acting on a report
);
CREATE INDEX messages_conversation ON messages (conversation_id, id);
-- The sending rate limit counts a person's recent messages.
CREATE INDEX messages_sender ON messages (sender_id, created_at);

CREATE TABLE blocks (
    blocker_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    blocked_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (blocker_id, blocked_id)
);
CREATE INDEX blocks_blocked ON blocks (blocked_id, blocker_id);

CREATE TABLE message_reports (
    id          {{ID}},
    message_id  BIGINT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    reporter_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    reason      TEXT   NOT NULL, -- message.ReportReasons key
    status      TEXT   NOT NULL, -- open | hidden | dismissed
    handled_by  BIGINT,
    handled_at  BIGINT,
    created_at  BIGINT NOT NULL
);
CREATE INDEX message_reports_queue ON message_reports (status, id);
CREATE INDEX message_reports_message ON message_reports (message_id, status);
-- A person has at most one open report per message.
CREATE UNIQUE INDEX message_reports_open ON message_reports (message_id, reporter_id) WHERE status = 'open';
