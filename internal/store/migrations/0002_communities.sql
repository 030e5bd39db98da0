-- Training communities (研修共同体): a community is a space of kind
-- 'community' plus the settings below; membership and roles live in
-- space_members like every other space (roles host, facilitator, expert,
-- member). Theme negotiation: proposals, their discussion, voting rounds and
-- adoption decisions, all kept as history.

CREATE TABLE communities (
    space_id       BIGINT  PRIMARY KEY REFERENCES spaces(id) ON DELETE CASCADE,
    institution_id BIGINT  NOT NULL REFERENCES spaces(id),
    purpose        TEXT    NOT NULL DEFAULT '',
    subject        TEXT    NOT NULL DEFAULT '',
    grade_band     TEXT    NOT NULL DEFAULT '',
    cover_key      TEXT    NOT NULL DEFAULT '',
    starts_on      BIGINT,
    ends_on        BIGINT,
    status         TEXT    NOT NULL,            -- planning | active | archived
    join_policy    TEXT    NOT NULL,            -- open | request | invite
    member_cap     INTEGER NOT NULL DEFAULT 0,  -- 0 = no cap
    created_by     BIGINT  NOT NULL REFERENCES users(id)
);
CREATE INDEX communities_institution ON communities (institution_id, status);

CREATE TABLE join_requests (
    id         {{ID}},
    space_id   BIGINT NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
    user_id    BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    message    TEXT   NOT NULL DEFAULT '',
    status     TEXT   NOT NULL,                 -- pending | approved | declined | cancelled
    reason     TEXT   NOT NULL DEFAULT '',
    decided_by BIGINT,
    created_at BIGINT NOT NULL,
    decided_at BIGINT
);
CREATE INDEX join_requests_space ON join_requests (space_id, status, created_at);
-- At most one pending request per person and community.
CREATE UNIQUE INDEX join_requests_pending ON join_requests (space_id, user_id) WHERE status = 'pending';

CREATE TABLE invitations (
    id         {{ID}},
    space_id   BIGINT  NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
    inviter_id BIGINT  NOT NULL REFERENCES users(id),
    invitee_id BIGINT  REFERENCES users(id),   -- by name; NULL for a link
    token_hash TEXT    UNIQUE,                 -- links only: SHA-256 of the token
    role       TEXT    NOT NULL,
    max_uses   INTEGER NOT NULL DEFAULT 0,     -- links: 0 = unlimited
    uses       INTEGER NOT NULL DEFAULT 0,
    expires_at BIGINT  NOT NULL,
    revoked_at BIGINT,
    created_at BIGINT  NOT NULL
);
CREATE INDEX invitations_space ON invitations (space_id, created_at);
CREATE INDEX invitations_invitee ON invitations (invitee_id);

CREATE TABLE theme_proposals (
    id            {{ID}},
    space_id      BIGINT  NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
    author_id     BIGINT  NOT NULL REFERENCES users(id),
    title         TEXT    NOT NULL,
    problem       TEXT    NOT NULL,             -- the problem from practice
    rationale     TEXT    NOT NULL DEFAULT '',  -- why it matters
    plan          TEXT    NOT NULL DEFAULT '',  -- what the community would do
    status        TEXT    NOT NULL,             -- proposed | adopted | declined | withdrawn
    decision_note TEXT    NOT NULL DEFAULT '',
    decided_by    BIGINT,
    decided_at    BIGINT,
    comment_count INTEGER NOT NULL DEFAULT 0,
    created_at    BIGINT  NOT NULL,
    updated_at    BIGINT  NOT NULL
);
CREATE INDEX theme_proposals_space ON theme_proposals (space_id, status, created_at);

CREATE TABLE proposal_comments (
    id          {{ID}},
    proposal_id BIGINT NOT NULL REFERENCES theme_proposals(id) ON DELETE CASCADE,
    author_id   BIGINT NOT NULL REFERENCES users(id),
    body        TEXT   NOT NULL,
    body_html   TEXT   NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX proposal_comments_proposal ON proposal_comments (proposal_id, id);

-- A voting round: approval voting with a per-member budget and a deadline.
-- For a secret ballot only the tallies and the list of who has voted are
-- stored, never a link between a person and a choice (no votes rows, no
-- choices in events), while the participants key still refuses double votes.
CREATE TABLE vote_rounds (
    id           {{ID}},
    space_id     BIGINT  NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
    created_by   BIGINT  NOT NULL REFERENCES users(id),
    title        TEXT    NOT NULL,
    budget       INTEGER NOT NULL,
    closes_at    BIGINT  NOT NULL,
    live_results BOOLEAN NOT NULL,
    secret       BOOLEAN NOT NULL,
    voter_count  INTEGER NOT NULL DEFAULT 0,
    created_at   BIGINT  NOT NULL
);
CREATE INDEX vote_rounds_space ON vote_rounds (space_id, created_at);

CREATE TABLE vote_options (
    round_id    BIGINT  NOT NULL REFERENCES vote_rounds(id) ON DELETE CASCADE,
    proposal_id BIGINT  NOT NULL REFERENCES theme_proposals(id) ON DELETE CASCADE,
    tally       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (round_id, proposal_id)
);

CREATE TABLE vote_participants (
    round_id BIGINT NOT NULL REFERENCES vote_rounds(id) ON DELETE CASCADE,
    user_id  BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (round_id, user_id)
);

-- Named ballots only (secret rounds write none).
CREATE TABLE votes (
    round_id    BIGINT NOT NULL REFERENCES vote_rounds(id) ON DELETE CASCADE,
    proposal_id BIGINT NOT NULL REFERENCES theme_proposals(id) ON DELETE CASCADE,
    user_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (round_id, proposal_id, user_id)
);
