-- Foundation: spaces (personal, institutional, later communities), people,
-- sessions, tokens, journal, follows, announcements and the event log.
-- Times are BIGINT Unix milliseconds (UTC) on both engines: compact, fast to
-- compare, and identical in SQLite and PostgreSQL.

CREATE TABLE spaces (
    id          {{ID}},
    kind        TEXT    NOT NULL,            -- personal | institution | community
    level       TEXT    NOT NULL DEFAULT '', -- institutions: region | district | school | group
    parent_id   BIGINT  REFERENCES spaces(id),
    path        TEXT    NOT NULL DEFAULT '', -- '/1/7/42/': ancestors and self, for subtree queries
    name        TEXT    NOT NULL,
    sort_name   TEXT    NOT NULL DEFAULT '', -- collation key of name (pinyin order for Chinese), hex
    code        TEXT    NOT NULL DEFAULT '',
    description TEXT    NOT NULL DEFAULT '',
    location    TEXT    NOT NULL DEFAULT '', -- urban | town | rural
    visibility  TEXT    NOT NULL,
    modules     TEXT    NOT NULL DEFAULT '', -- comma-separated switched-on modules
    owner_id    BIGINT,                      -- personal spaces: the owner (users.id)
    member_count INTEGER NOT NULL DEFAULT 0,
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL
);
CREATE INDEX spaces_parent ON spaces (parent_id, sort_name);
CREATE INDEX spaces_path ON spaces (path);
CREATE INDEX spaces_kind_level ON spaces (kind, level);
CREATE UNIQUE INDEX spaces_owner ON spaces (owner_id) WHERE kind = 'personal';

CREATE TABLE users (
    id                {{ID}},
    username          TEXT    NOT NULL UNIQUE,
    password_hash     TEXT    NOT NULL,
    role              TEXT    NOT NULL,
    institution_id    BIGINT  REFERENCES spaces(id),
    personal_space_id BIGINT  REFERENCES spaces(id),
    display_name      TEXT    NOT NULL DEFAULT '',
    sort_name         TEXT    NOT NULL DEFAULT '', -- collation key of the display name (pinyin order), hex
    email             TEXT    NOT NULL DEFAULT '',
    gender            TEXT    NOT NULL DEFAULT '',
    subjects          TEXT    NOT NULL DEFAULT '', -- comma-separated subject keys
    grade_band        TEXT    NOT NULL DEFAULT '',
    title             TEXT    NOT NULL DEFAULT '',
    years_of_teaching INTEGER,
    staff_no          TEXT,
    bio               TEXT    NOT NULL DEFAULT '',
    avatar_key        TEXT    NOT NULL DEFAULT '',
    lang              TEXT    NOT NULL DEFAULT '',
    disabled          BOOLEAN NOT NULL DEFAULT FALSE,
    created_at        BIGINT  NOT NULL,
    updated_at        BIGINT  NOT NULL
);
CREATE INDEX users_institution ON users (institution_id, sort_name);
-- Staff numbers are unique within an institution, the key of roster re-imports.
CREATE UNIQUE INDEX users_staff_no ON users (institution_id, staff_no) WHERE staff_no IS NOT NULL;

CREATE TABLE space_members (
    space_id  BIGINT NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
    user_id   BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role      TEXT   NOT NULL,
    sort_name TEXT   NOT NULL DEFAULT '', -- copy of users.sort_name so member lists sort from the index
    joined_at BIGINT NOT NULL,
    PRIMARY KEY (space_id, user_id)
);
CREATE INDEX space_members_user ON space_members (user_id);
CREATE INDEX space_members_sorted ON space_members (space_id, sort_name);

CREATE TABLE sessions (
    id         TEXT   PRIMARY KEY, -- hex SHA-256 of the cookie token
    user_id    BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    last_seen  BIGINT NOT NULL,
    user_agent TEXT   NOT NULL DEFAULT '',
    ip         TEXT   NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE access_tokens (
    id           {{ID}},
    user_id      BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name         TEXT   NOT NULL,
    prefix       TEXT   NOT NULL,
    token_hash   TEXT   NOT NULL UNIQUE,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT,
    expires_at   BIGINT
);
CREATE INDEX access_tokens_user ON access_tokens (user_id);

-- Failed logins, counted per account and per address over a sliding window.
CREATE TABLE login_failures (
    id    {{ID}},
    scope TEXT   NOT NULL, -- 'user' or 'ip'
    key   TEXT   NOT NULL,
    at    BIGINT NOT NULL
);
CREATE INDEX login_failures_key ON login_failures (scope, key, at);

CREATE TABLE journal_entries (
    id            {{ID}},
    author_id     BIGINT  NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    space_id      BIGINT  NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
    title         TEXT    NOT NULL,
    body          TEXT    NOT NULL,
    body_html     TEXT    NOT NULL,
    visibility    TEXT    NOT NULL,
    status        TEXT    NOT NULL,
    comment_count INTEGER NOT NULL DEFAULT 0,
    published_at  BIGINT,
    created_at    BIGINT  NOT NULL,
    updated_at    BIGINT  NOT NULL
);
CREATE INDEX journal_author ON journal_entries (author_id, status, published_at);
CREATE INDEX journal_public ON journal_entries (status, visibility, published_at);

CREATE TABLE journal_comments (
    id         {{ID}},
    entry_id   BIGINT NOT NULL REFERENCES journal_entries(id) ON DELETE CASCADE,
    author_id  BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    body       TEXT   NOT NULL,
    body_html  TEXT   NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX journal_comments_entry ON journal_comments (entry_id, id);

CREATE TABLE follows (
    follower_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    followee_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (follower_id, followee_id)
);
CREATE INDEX follows_followee ON follows (followee_id);

CREATE TABLE announcements (
    id         {{ID}},
    space_id   BIGINT NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
    author_id  BIGINT NOT NULL REFERENCES users(id),
    title      TEXT   NOT NULL,
    body       TEXT   NOT NULL,
    body_html  TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX announcements_space ON announcements (space_id, created_at);

-- The append-only event log, sized for tens of millions of rows: narrow rows,
-- no foreign keys (deleting a user must not rewrite history), and one index
-- per access path analytics use: a person's, a space's and an institution's
-- events over a time range.
CREATE TABLE events (
    id             {{ID}},
    at             BIGINT NOT NULL,
    actor_id       BIGINT NOT NULL,
    verb           TEXT   NOT NULL,
    object_type    TEXT   NOT NULL,
    object_id      BIGINT NOT NULL,
    space_id       BIGINT NOT NULL DEFAULT 0,
    institution_id BIGINT NOT NULL DEFAULT 0,
    context        TEXT   NOT NULL DEFAULT '{}'
);
CREATE INDEX events_actor_at ON events (actor_id, at);
CREATE INDEX events_space_at ON events (space_id, at);
CREATE INDEX events_institution_at ON events (institution_id, at);

CREATE TABLE roster_imports (
    id             {{ID}},
    institution_id BIGINT NOT NULL REFERENCES spaces(id),
    user_id        BIGINT NOT NULL REFERENCES users(id),
    filename       TEXT   NOT NULL,
    created        INTEGER NOT NULL,
    updated        INTEGER NOT NULL,
    unchanged      INTEGER NOT NULL,
    skipped        INTEGER NOT NULL,
    at             BIGINT NOT NULL
);
