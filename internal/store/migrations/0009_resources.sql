-- Teaching resources (教学资源): uploaded files, links and native documents
-- (lesson plans, teaching cases, reflections) in personal, community and
-- institutional spaces, with their revisions, ratings, comments,
-- favourites, reuse provenance, the review workflow that features
-- resources (精品资源), and Yanxiu's own search index (CJK bigrams and
-- words, see internal/resource/search.go), the same on both engines.

CREATE TABLE resources (
    id              {{ID}},
    space_id        BIGINT  NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
    owner_id        BIGINT  NOT NULL REFERENCES users(id),
    kind            TEXT    NOT NULL,                -- file | link | document
    title           TEXT    NOT NULL,
    description     TEXT    NOT NULL DEFAULT '',
    subject         TEXT    NOT NULL DEFAULT '',     -- teacher subject key
    grade           TEXT    NOT NULL DEFAULT '',     -- g1 .. g12
    edition         TEXT    NOT NULL DEFAULT '',     -- textbook edition (教材版本)
    chapter         TEXT    NOT NULL DEFAULT '',     -- textbook chapter (章节)
    resource_type   TEXT    NOT NULL,                -- courseware | lesson_plan | ... (resource.Types)
    tags            TEXT    NOT NULL DEFAULT '',     -- display copy, tab-separated; resource_tags is the facet
    licence         TEXT    NOT NULL,
    theme_id        BIGINT  REFERENCES theme_proposals(id) ON DELETE SET NULL,
    visibility      TEXT    NOT NULL,                -- private | community | institution | public
    inst_path       TEXT    NOT NULL DEFAULT '',     -- subtree whose people see 'institution' resources
    blob_key        TEXT    NOT NULL DEFAULT '',     -- files: SHA-256 content address
    file_name       TEXT    NOT NULL DEFAULT '',
    format          TEXT    NOT NULL DEFAULT '',     -- word | powerpoint | spreadsheet | pdf | image | audio | video
    content_type    TEXT    NOT NULL DEFAULT '',     -- decided from the bytes, never the name
    size            BIGINT  NOT NULL DEFAULT 0,
    text_status     TEXT    NOT NULL DEFAULT '',     -- '' | pending | done | failed (text extraction)
    url             TEXT    NOT NULL DEFAULT '',     -- links
    doc_type        TEXT    NOT NULL DEFAULT '',     -- documents: lesson_plan | teaching_case | reflection
    revision_id     BIGINT,                          -- documents: the current revision
    copied_from     BIGINT  REFERENCES resources(id) ON DELETE SET NULL, -- reuse provenance
    featured        BOOLEAN NOT NULL DEFAULT FALSE,  -- featured (精品) by at least one institution
    view_count      INTEGER NOT NULL DEFAULT 0,
    download_count  INTEGER NOT NULL DEFAULT 0,
    favourite_count INTEGER NOT NULL DEFAULT 0,
    comment_count   INTEGER NOT NULL DEFAULT 0,
    reuse_count     INTEGER NOT NULL DEFAULT 0,
    rating_count    INTEGER NOT NULL DEFAULT 0,
    rating_sum      INTEGER NOT NULL DEFAULT 0,
    title_len       INTEGER NOT NULL DEFAULT 0,      -- indexed tokens per field, for BM25
    meta_len        INTEGER NOT NULL DEFAULT 0,
    body_len        INTEGER NOT NULL DEFAULT 0,
    indexed_at      BIGINT,                          -- NULL until the search index holds the resource
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL
);
CREATE INDEX resources_space ON resources (space_id, created_at);
CREATE INDEX resources_owner ON resources (owner_id, created_at);
CREATE INDEX resources_visibility ON resources (visibility, created_at);
CREATE INDEX resources_subject_grade ON resources (subject, grade);
CREATE INDEX resources_blob ON resources (blob_key) WHERE blob_key <> '';
CREATE INDEX resources_copied_from ON resources (copied_from) WHERE copied_from IS NOT NULL;
CREATE INDEX resources_theme ON resources (theme_id) WHERE theme_id IS NOT NULL;

-- Tags as rows, for the tag facet and filter.
CREATE TABLE resource_tags (
    resource_id BIGINT NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
    tag         TEXT   NOT NULL,
    PRIMARY KEY (resource_id, tag)
);
CREATE INDEX resource_tags_tag ON resource_tags (tag, resource_id);

-- Revisions of native documents. base_id is the revision the author
-- started editing from. Saving moves resources.revision_id from base_id to
-- the new revision in one conditional UPDATE, and the unique index below
-- lets no two revisions share a base: of two people who started from the
-- same revision, the second gets a conflict instead of overwriting the
-- first. A revert or a resolved conflict is a new revision on top.
CREATE TABLE resource_revisions (
    id          {{ID}},
    resource_id BIGINT  NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
    number      INTEGER NOT NULL,                -- 1, 2, ... per document
    author_id   BIGINT  NOT NULL REFERENCES users(id),
    base_id     BIGINT,                          -- NULL for the first revision
    title       TEXT    NOT NULL,
    body        TEXT    NOT NULL,                -- JSON: [{"key": "objectives", "text": "..."}, ...]
    note        TEXT    NOT NULL DEFAULT '',
    created_at  BIGINT  NOT NULL
);
CREATE UNIQUE INDEX resource_revisions_number ON resource_revisions (resource_id, number);
CREATE UNIQUE INDEX resource_revisions_base ON resource_revisions (resource_id, base_id) WHERE base_id IS NOT NULL;

-- Text extracted from uploaded files (or a document's current text), kept
-- so that the index can be rebuilt when metadata changes.
CREATE TABLE resource_texts (
    resource_id BIGINT NOT NULL PRIMARY KEY REFERENCES resources(id) ON DELETE CASCADE,
    body        TEXT   NOT NULL,
    extracted_at BIGINT NOT NULL
);

CREATE TABLE resource_ratings (
    resource_id BIGINT  NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
    user_id     BIGINT  NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    stars       INTEGER NOT NULL,                -- 1 .. 5
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL,
    PRIMARY KEY (resource_id, user_id)
);

CREATE TABLE resource_comments (
    id          {{ID}},
    resource_id BIGINT NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
    author_id   BIGINT NOT NULL REFERENCES users(id),
    body        TEXT   NOT NULL,
    body_html   TEXT   NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX resource_comments_resource ON resource_comments (resource_id, id);

CREATE TABLE resource_favourites (
    resource_id BIGINT NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
    user_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (resource_id, user_id)
);
CREATE INDEX resource_favourites_user ON resource_favourites (user_id, created_at);

-- The review workflow: the owner or a community host recommends a resource
-- to an institution (school or district); a reviewer there (an expert or an
-- admin of that institution) approves it into the featured collection or
-- returns it with comments. One pending recommendation per resource and
-- institution.
CREATE TABLE resource_reviews (
    id             {{ID}},
    resource_id    BIGINT NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
    institution_id BIGINT NOT NULL REFERENCES spaces(id),
    recommended_by BIGINT NOT NULL REFERENCES users(id),
    note           TEXT   NOT NULL DEFAULT '',     -- why it is recommended
    status         TEXT   NOT NULL,                -- pending | approved | returned | withdrawn
    reviewer_id    BIGINT REFERENCES users(id),
    comments       TEXT   NOT NULL DEFAULT '',     -- the reviewer's comments; required when returned
    created_at     BIGINT NOT NULL,
    decided_at     BIGINT
);
CREATE INDEX resource_reviews_queue ON resource_reviews (institution_id, status, created_at);
CREATE INDEX resource_reviews_resource ON resource_reviews (resource_id, created_at);
CREATE UNIQUE INDEX resource_reviews_pending ON resource_reviews (resource_id, institution_id) WHERE status = 'pending';

-- The featured collections (精品资源) of institutions.
CREATE TABLE resource_featured (
    resource_id    BIGINT NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
    institution_id BIGINT NOT NULL REFERENCES spaces(id),
    review_id      BIGINT REFERENCES resource_reviews(id) ON DELETE SET NULL,
    featured_at    BIGINT NOT NULL,
    PRIMARY KEY (resource_id, institution_id)
);
CREATE INDEX resource_featured_institution ON resource_featured (institution_id, featured_at);

-- The search index: one row per term, resource and field (0 title, 1
-- description, tags and other metadata, 2 body text) with the term's
-- frequency there. Queries look terms up through the primary key.
CREATE TABLE resource_terms (
    term        TEXT    NOT NULL,
    resource_id BIGINT  NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
    field       INTEGER NOT NULL,
    tf          INTEGER NOT NULL,
    PRIMARY KEY (term, resource_id, field)
);
CREATE INDEX resource_terms_resource ON resource_terms (resource_id);

-- Collection figures for BM25, kept exactly as integers by the indexer:
-- how many resources are indexed and their total field lengths.
CREATE TABLE resource_index_stats (
    id        INTEGER PRIMARY KEY,              -- always 1
    docs      BIGINT  NOT NULL DEFAULT 0,
    title_len BIGINT  NOT NULL DEFAULT 0,
    meta_len  BIGINT  NOT NULL DEFAULT 0,
    body_len  BIGINT  NOT NULL DEFAULT 0
);
INSERT INTO resource_index_stats (id) VALUES (1);
