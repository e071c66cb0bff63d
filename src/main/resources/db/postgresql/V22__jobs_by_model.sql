-- the engine claims a model's due jobs on their own while some deployments are at their max_concurrency
CREATE INDEX jobs_model_due ON jobs (model, run_after) WHERE status = 'pending';
