-- Questionnaires for research: their definitions, who they are distributed
-- to, and the responses. See internal/store/surveys.go for how anonymous
-- questionnaires keep people and responses apart; in short:
--   * who has answered lives in survey_participants, keyed (survey, person),
--     with no time and no response ID, stored in key order (WITHOUT ROWID on
--     SQLite) so its physical order says nothing about when anyone answered;
--   * an anonymous response has a random key, no user_id, times rounded to
--     the day, and is stored in key order too;
--   * an anonymous draft is found by the hash of a token only the
--     respondent's browser holds.

CREATE TABLE surveys (
    id             {{ID}},
    owner_id       BIGINT  NOT NULL REFERENCES users(id),
    institution_id BIGINT  NOT NULL DEFAULT 0, -- the owner's institution when created; 0 for none
    title          TEXT    NOT NULL,
    description    TEXT    NOT NULL DEFAULT '',
    definition     TEXT    NOT NULL,            -- JSON, see internal/survey
    status         TEXT    NOT NULL,            -- draft | open | closed
    anonymous      BOOLEAN NOT NULL,
    opens_at       BIGINT,
    closes_at      BIGINT,
    response_count INTEGER NOT NULL DEFAULT 0,  -- submitted responses
    reminded_at    BIGINT,
    template       TEXT    NOT NULL DEFAULT '',
    created_at     BIGINT  NOT NULL,
    updated_at     BIGINT  NOT NULL
);
CREATE INDEX surveys_owner ON surveys (owner_id, updated_at);
CREATE INDEX surveys_institution ON surveys (institution_id, status);

CREATE TABLE survey_distributions (
    id          {{ID}},
    survey_id   BIGINT NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
    kind        TEXT   NOT NULL,            -- community | institution | link
    target_id   BIGINT NOT NULL DEFAULT 0,  -- the community's or institution's space; 0 for a link
    token_hash  TEXT   UNIQUE,              -- links only: SHA-256 of the token
    created_by  BIGINT NOT NULL REFERENCES users(id),
    created_at  BIGINT NOT NULL,
    revoked_at  BIGINT
);
CREATE INDEX survey_distributions_survey ON survey_distributions (survey_id, id);
CREATE INDEX survey_distributions_target ON survey_distributions (kind, target_id);

-- One row per person who has submitted; the key refuses a second response.
CREATE TABLE survey_participants (
    survey_id BIGINT NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
    user_id   BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (survey_id, user_id)
) {{WITHOUT_ROWID}};

CREATE TABLE survey_responses (
    id             TEXT    NOT NULL PRIMARY KEY, -- 32 random hex digits
    survey_id      BIGINT  NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
    user_id        BIGINT  REFERENCES users(id) ON DELETE SET NULL, -- named questionnaires only
    draft_key      TEXT,                         -- anonymous drafts only: hash of the browser's token
    status         TEXT    NOT NULL,             -- draft | submitted
    answers        TEXT    NOT NULL,             -- JSON, see internal/survey
    institution_id BIGINT  NOT NULL DEFAULT 0,   -- the respondent's institution at submission
    submitted_at   BIGINT,                       -- anonymous: the start of the day (UTC)
    updated_at     BIGINT  NOT NULL              -- anonymous: the start of the day (UTC)
) {{WITHOUT_ROWID}};
CREATE INDEX survey_responses_survey ON survey_responses (survey_id, status);
CREATE UNIQUE INDEX survey_responses_user ON survey_responses (survey_id, user_id) WHERE user_id IS NOT NULL;
CREATE UNIQUE INDEX survey_responses_draft ON survey_responses (survey_id, draft_key) WHERE draft_key IS NOT NULL;
