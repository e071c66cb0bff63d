-- A user's usage is listed newest first by (created_at, id). The index no longer carries the id: it made every entry
-- about 40 bytes longer, and this index is most of what a usage insert costs (each commit of the ledger writer dirties
-- one leaf page per user it settles). Listing still walks the index in created_at order and sorts only the rows that
-- share a millisecond by id.
DROP INDEX usage_records_user_time;
CREATE INDEX usage_records_user_time ON usage_records (user_id, created_at);
