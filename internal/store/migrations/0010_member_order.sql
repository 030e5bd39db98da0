-- Member lists are read in (sort_name, user_id) order. The old index stopped
-- at sort_name, so every page sorted the whole member list of a school again
-- ("USE TEMP B-TREE FOR RIGHT PART OF ORDER BY"); with user_id in the index a
-- page is read straight from it and stops after LIMIT rows.
DROP INDEX space_members_sorted;
CREATE INDEX space_members_sorted ON space_members (space_id, sort_name, user_id);
