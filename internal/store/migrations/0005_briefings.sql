-- Community briefings (简报): a host's report on one period of a community,
-- [period_from, period_to) in Unix milliseconds, drafted from the event log
-- and the community's tables, edited, then published to its members.
-- Community announcements reuse the announcements table (space_id is the
-- community's space), so nothing is added for them.
--
-- figures is the JSON of the numbers computed from the data when the
-- briefing was last saved: the text a host publishes and the figures beside
-- it stay together even when later activity would change the counts.
CREATE TABLE briefings (
    id           {{ID}},
    space_id     BIGINT NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
    author_id    BIGINT NOT NULL REFERENCES users(id),
    title        TEXT   NOT NULL,
    period_from  BIGINT NOT NULL,
    period_to    BIGINT NOT NULL,
    body         TEXT   NOT NULL,
    body_html    TEXT   NOT NULL,
    figures      TEXT   NOT NULL DEFAULT '{}',
    status       TEXT   NOT NULL,              -- draft | published
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    published_at BIGINT
);
-- A community's published briefings newest first (its page, its list and
-- its feed), and its drafts for the hosts, both from one index.
CREATE INDEX briefings_space ON briefings (space_id, status, published_at, id);
