-- The search index, laid out for district scale (500,000 resources).
--
-- resource_terms kept one row per term, resource and field, keyed by term.
-- A query for a common two-character term such as 数学 with a subject and
-- a grade filter read every resource holding the term (a fifth of the
-- collection) and joined each to its resource to test the filters: some
-- hundred thousand row visits, each costing SQLite microseconds. And a
-- rebuild wrote a hundred million rows.
--
-- resource_postings keeps packed blocks instead (internal/resource/
-- postings.go): each row holds up to 128 resources' postings of one term
-- within one subject and grade, with the term's frequency per field, the
-- resource's field lengths and whether it is public. Subject and grade
-- lead the key after the term because they are the facets teachers filter
-- on first (学科, 年级), so such a query reads a few contiguous blocks and
-- needs no join for public resources. A block is named by the lowest
-- resource id in it; adding or removing a resource rewrites one block.
--
-- There is no foreign key to resources (a block serves many resources):
-- the one path that deletes a resource unindexes it first, using the list
-- of its terms kept in resource_index_docs.
DROP TABLE resource_terms;

CREATE TABLE resource_postings (
    term     TEXT    NOT NULL,
    subject  TEXT    NOT NULL,
    grade    TEXT    NOT NULL,
    first_id BIGINT  NOT NULL,   -- the lowest resource id in the block
    n        INTEGER NOT NULL,   -- postings in the block
    data     {{BLOB}} NOT NULL,
    PRIMARY KEY (term, subject, grade, first_id)
) {{WITHOUT_ROWID}};

-- Document frequency of each term (resources holding it), for BM25's idf,
-- kept exact by the indexer instead of counted at query time.
CREATE TABLE resource_term_df (
    term TEXT   NOT NULL PRIMARY KEY,
    df   BIGINT NOT NULL
) {{WITHOUT_ROWID}};

-- What the index holds for each resource: the subject and grade its
-- postings are filed under, its field lengths and its distinct terms
-- (newline-separated), so that unindexing takes out exactly those.
CREATE TABLE resource_index_docs (
    resource_id BIGINT  NOT NULL PRIMARY KEY REFERENCES resources(id) ON DELETE CASCADE,
    subject     TEXT    NOT NULL,
    grade       TEXT    NOT NULL,
    title_len   INTEGER NOT NULL,
    meta_len    INTEGER NOT NULL,
    body_len    INTEGER NOT NULL,
    terms       TEXT    NOT NULL
);

-- What the index lacks, found at start without reading every resource.
CREATE INDEX resources_unindexed ON resources (id) WHERE indexed_at IS NULL;

-- Everything is indexed again at the next start (see
-- service.IndexMissingResources) from the resources and their kept text.
UPDATE resources SET title_len = 0, meta_len = 0, body_len = 0, indexed_at = NULL;
UPDATE resource_index_stats SET docs = 0, title_len = 0, meta_len = 0, body_len = 0;
