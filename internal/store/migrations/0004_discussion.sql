-- Community discussion: boards, topics with threaded replies, likes, edit
-- history, abuse reports, @mentions and attachments. Every table carries the
-- community's space_id (or reaches it through its topic) so that a reader's
-- rights are checked once per community.
--
-- Paging a 5,000-reply topic stays an index walk: replies are read by
-- (topic_id, id), and the page boundary of page N is found by stepping
-- through that index from the nearer end, never by sorting rows.

-- A board groups topics. Each community gets a default board on its first
-- topic; its name is '' and pages show it under a translated name.
CREATE TABLE boards (
    id          {{ID}},
    space_id    BIGINT  NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
    name        TEXT    NOT NULL DEFAULT '',
    description TEXT    NOT NULL DEFAULT '',
    position    INTEGER NOT NULL DEFAULT 0,
    is_default  BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  BIGINT  NOT NULL
);
CREATE INDEX boards_space ON boards (space_id, position, id);
CREATE UNIQUE INDEX boards_default ON boards (space_id) WHERE is_default;
CREATE UNIQUE INDEX boards_name ON boards (space_id, name);

CREATE TABLE topics (
    id               {{ID}},
    board_id         BIGINT  NOT NULL REFERENCES boards(id),
    space_id         BIGINT  NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
    author_id        BIGINT  NOT NULL REFERENCES users(id),
    theme_id         BIGINT  REFERENCES theme_proposals(id), -- optional link to an adopted theme
    title            TEXT    NOT NULL,
    body             TEXT    NOT NULL,
    body_html        TEXT    NOT NULL,
    pinned           BOOLEAN NOT NULL DEFAULT FALSE,
    locked           BOOLEAN NOT NULL DEFAULT FALSE,
    hidden           BOOLEAN NOT NULL DEFAULT FALSE,
    reply_count      INTEGER NOT NULL DEFAULT 0,    -- hidden replies included: they keep their floor
    attachment_count INTEGER NOT NULL DEFAULT 0,    -- of the topic and its replies; 0 skips a query
    last_reply_at    BIGINT  NOT NULL,              -- the creation time until the first reply
    last_reply_by    BIGINT,
    created_at       BIGINT  NOT NULL,
    updated_at       BIGINT  NOT NULL,
    edited_at        BIGINT                         -- last change of title or body
);
-- Topic lists: pinned first, then by latest activity; readers who are not
-- moderators never see hidden topics, so hidden leads the key and both the
-- list and its count come from the index.
CREATE INDEX topics_board ON topics (board_id, hidden, pinned DESC, last_reply_at DESC, id DESC);
CREATE INDEX topics_space ON topics (space_id, hidden, pinned DESC, last_reply_at DESC, id DESC);
CREATE INDEX topics_author ON topics (author_id, created_at);
CREATE INDEX topics_theme ON topics (theme_id) WHERE theme_id IS NOT NULL;

CREATE TABLE replies (
    id               {{ID}},
    topic_id         BIGINT  NOT NULL REFERENCES topics(id) ON DELETE CASCADE,
    space_id         BIGINT  NOT NULL,               -- the topic's community, for reports and briefings
    parent_id        BIGINT,                          -- the reply this one answers (threading)
    quote_of         BIGINT,                          -- the reply quoted, if any
    quote_excerpt    TEXT    NOT NULL DEFAULT '',     -- plain-text snapshot of the quoted passage
    depth            INTEGER NOT NULL DEFAULT 0,      -- 0 answers the topic, 1 a reply, ...
    author_id        BIGINT  NOT NULL REFERENCES users(id),
    body             TEXT    NOT NULL,
    body_html        TEXT    NOT NULL,
    like_count       INTEGER NOT NULL DEFAULT 0,
    is_expert_answer BOOLEAN NOT NULL DEFAULT FALSE,
    expert_marked_by BIGINT,
    hidden           BOOLEAN NOT NULL DEFAULT FALSE,
    created_at       BIGINT  NOT NULL,
    updated_at       BIGINT  NOT NULL,
    edited_at        BIGINT
);
-- Pages of a topic, counts of replies before a given one, and the page
-- boundary all walk this index.
CREATE INDEX replies_topic ON replies (topic_id, id);
CREATE INDEX replies_author ON replies (author_id, created_at);
CREATE INDEX replies_space ON replies (space_id, created_at);

-- One like per person and reply: the primary key refuses a second.
CREATE TABLE reply_likes (
    reply_id   BIGINT NOT NULL REFERENCES replies(id) ON DELETE CASCADE,
    user_id    BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (reply_id, user_id)
);
-- A person's likes (and deleting a person) without scanning every like.
CREATE INDEX reply_likes_user ON reply_likes (user_id, reply_id);

-- Edit history: the text a post had before each edit, for moderators.
CREATE TABLE post_revisions (
    id         {{ID}},
    topic_id   BIGINT NOT NULL REFERENCES topics(id) ON DELETE CASCADE,
    post_type  TEXT   NOT NULL,               -- topic | reply
    post_id    BIGINT NOT NULL,
    editor_id  BIGINT NOT NULL REFERENCES users(id),
    old_title  TEXT   NOT NULL DEFAULT '',    -- topics only
    old_body   TEXT   NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX post_revisions_topic ON post_revisions (topic_id, id);
CREATE INDEX post_revisions_post ON post_revisions (post_type, post_id, id);

CREATE TABLE reports (
    id          {{ID}},
    space_id    BIGINT NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
    topic_id    BIGINT NOT NULL REFERENCES topics(id) ON DELETE CASCADE,
    post_type   TEXT   NOT NULL,              -- topic | reply
    post_id     BIGINT NOT NULL,
    reporter_id BIGINT NOT NULL REFERENCES users(id),
    reason      TEXT   NOT NULL,              -- discussion.ReportReasons key
    note        TEXT   NOT NULL DEFAULT '',
    status      TEXT   NOT NULL,              -- open | hidden | dismissed
    handled_by  BIGINT,
    handled_at  BIGINT,
    created_at  BIGINT NOT NULL
);
CREATE INDEX reports_queue ON reports (space_id, status, id);
CREATE INDEX reports_post ON reports (post_type, post_id, status);
-- A person has at most one open report per post.
CREATE UNIQUE INDEX reports_open ON reports (post_type, post_id, reporter_id) WHERE status = 'open';

-- Who a post @mentions: only members of the community are stored.
CREATE TABLE mentions (
    post_type  TEXT   NOT NULL,
    post_id    BIGINT NOT NULL,
    user_id    BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    topic_id   BIGINT NOT NULL REFERENCES topics(id) ON DELETE CASCADE,
    space_id   BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (post_type, post_id, user_id)
);
CREATE INDEX mentions_user ON mentions (user_id, created_at);

-- Files attached to a topic (reply_id = 0) or a reply. The bytes live in
-- the content-addressed blob store under blob_key.
CREATE TABLE attachments (
    id           {{ID}},
    space_id     BIGINT NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
    topic_id     BIGINT NOT NULL REFERENCES topics(id) ON DELETE CASCADE,
    reply_id     BIGINT NOT NULL DEFAULT 0,
    uploader_id  BIGINT NOT NULL REFERENCES users(id),
    blob_key     TEXT   NOT NULL,
    name         TEXT   NOT NULL,
    content_type TEXT   NOT NULL,
    size         BIGINT NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX attachments_post ON attachments (topic_id, reply_id);
