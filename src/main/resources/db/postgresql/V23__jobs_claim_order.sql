-- A claim takes the oldest due jobs in (run_after, created_at, id) order: with that whole order in the index the claim
-- reads only the rows it takes, where (run_after) alone made it sort every due row (a 10,000-item batch: every claim).
DROP INDEX jobs_due;
CREATE INDEX jobs_due ON jobs (run_after, created_at, id) WHERE status = 'pending';
DROP INDEX jobs_model_due;
CREATE INDEX jobs_model_due ON jobs (model, run_after, created_at, id) WHERE status = 'pending';
-- a batch's completion check looks for an item still pending or running; cancelling finds its pending items
DROP INDEX jobs_batch;
CREATE INDEX jobs_batch ON jobs (batch_id, status) WHERE batch_id IS NOT NULL;
