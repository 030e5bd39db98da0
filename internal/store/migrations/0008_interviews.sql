-- Interview research: projects with their team, interview outlines,
-- interview records (pseudonymous interviewees with grouping attributes, a
-- transcript, an optional recording in the blob store), a hierarchical code
-- book and coded segments of transcripts. Every table hangs off a project,
-- so deleting a project removes all of it.
--
-- Offsets of segments count Unicode code points of the transcript.

CREATE TABLE interview_projects (
    id             {{ID}},
    owner_id       BIGINT NOT NULL REFERENCES users(id),
    institution_id BIGINT REFERENCES spaces(id),  -- the owner's when it began; NULL for none
    title          TEXT   NOT NULL,
    description    TEXT   NOT NULL DEFAULT '',
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);
CREATE INDEX interview_projects_owner ON interview_projects (owner_id);

-- The team: the owner (role 'owner') and co-researchers ('coder').
CREATE TABLE interview_members (
    project_id BIGINT NOT NULL REFERENCES interview_projects(id) ON DELETE CASCADE,
    user_id    BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role       TEXT   NOT NULL,
    added_at   BIGINT NOT NULL,
    PRIMARY KEY (project_id, user_id)
);
-- "My projects" without scanning every membership.
CREATE INDEX interview_members_user ON interview_members (user_id, project_id);

CREATE TABLE interview_outlines (
    id         {{ID}},
    project_id BIGINT NOT NULL REFERENCES interview_projects(id) ON DELETE CASCADE,
    title      TEXT   NOT NULL,
    intro      TEXT   NOT NULL DEFAULT '',
    created_by BIGINT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX interview_outlines_project ON interview_outlines (project_id, id);

-- An outline's questions in order; probes are one per line.
CREATE TABLE interview_questions (
    outline_id BIGINT  NOT NULL REFERENCES interview_outlines(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    text       TEXT    NOT NULL,
    probes     TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (outline_id, position)
);

CREATE TABLE interview_records (
    id             {{ID}},
    project_id     BIGINT  NOT NULL REFERENCES interview_projects(id) ON DELETE CASCADE,
    outline_id     BIGINT  REFERENCES interview_outlines(id) ON DELETE SET NULL,
    pseudonym      TEXT    NOT NULL,
    gender         TEXT    NOT NULL DEFAULT '',  -- teacher vocabulary keys; '' = not stated
    years_band     TEXT    NOT NULL DEFAULT '',
    title          TEXT    NOT NULL DEFAULT '',
    location       TEXT    NOT NULL DEFAULT '',
    subject        TEXT    NOT NULL DEFAULT '',
    interviewed_on BIGINT,                        -- a date, as midnight UTC in ms
    interviewer    TEXT    NOT NULL DEFAULT '',
    transcript     TEXT    NOT NULL DEFAULT '',
    audio_key      TEXT    NOT NULL DEFAULT '',   -- blob key; '' = no recording
    audio_name     TEXT    NOT NULL DEFAULT '',
    audio_type     TEXT    NOT NULL DEFAULT '',
    audio_size     BIGINT  NOT NULL DEFAULT 0,
    created_by     BIGINT  NOT NULL REFERENCES users(id),
    created_at     BIGINT  NOT NULL,
    updated_at     BIGINT  NOT NULL
);
CREATE INDEX interview_records_project ON interview_records (project_id, id);
-- A pseudonym names one interviewee within a project.
CREATE UNIQUE INDEX interview_records_pseudonym ON interview_records (project_id, pseudonym);

-- Free attributes of a record (学段, 是否班主任 ...), in the order entered.
CREATE TABLE interview_record_attributes (
    record_id BIGINT  NOT NULL REFERENCES interview_records(id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    name      TEXT    NOT NULL,
    value     TEXT    NOT NULL,
    PRIMARY KEY (record_id, position)
);

-- The code book: a tree by parent_id within a project. The service lifts a
-- deleted code's children to its parent; SET NULL only guards the key.
CREATE TABLE interview_codes (
    id         {{ID}},
    project_id BIGINT NOT NULL REFERENCES interview_projects(id) ON DELETE CASCADE,
    parent_id  BIGINT REFERENCES interview_codes(id) ON DELETE SET NULL,
    name       TEXT   NOT NULL,
    definition TEXT   NOT NULL DEFAULT '',
    example    TEXT   NOT NULL DEFAULT '',
    created_by BIGINT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX interview_codes_name ON interview_codes (project_id, name);
CREATE INDEX interview_codes_parent ON interview_codes (parent_id);

CREATE TABLE interview_segments (
    id         {{ID}},
    project_id BIGINT  NOT NULL REFERENCES interview_projects(id) ON DELETE CASCADE,
    record_id  BIGINT  NOT NULL REFERENCES interview_records(id) ON DELETE CASCADE,
    code_id    BIGINT  NOT NULL REFERENCES interview_codes(id) ON DELETE CASCADE,
    start_pos  INTEGER NOT NULL,
    end_pos    INTEGER NOT NULL,
    quote      TEXT    NOT NULL,                  -- the passage as coded
    memo       TEXT    NOT NULL DEFAULT '',
    stale      BOOLEAN NOT NULL DEFAULT FALSE,    -- the passage left the edited transcript
    coder_id   BIGINT  NOT NULL REFERENCES users(id),
    created_at BIGINT  NOT NULL,
    updated_at BIGINT  NOT NULL
);
CREATE INDEX interview_segments_record ON interview_segments (record_id, start_pos);
CREATE INDEX interview_segments_code ON interview_segments (code_id, id);
CREATE INDEX interview_segments_project ON interview_segments (project_id);
-- One passage is coded with one code once.
CREATE UNIQUE INDEX interview_segments_span ON interview_segments (record_id, code_id, start_pos, end_pos);
