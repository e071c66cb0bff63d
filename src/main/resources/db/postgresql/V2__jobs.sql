CREATE TABLE jobs (
    id                   VARCHAR(64) PRIMARY KEY,
    user_id              VARCHAR(64) NOT NULL,
    kind                 VARCHAR(16) NOT NULL,
    batch_id             VARCHAR(64),
    custom_id            VARCHAR(512),
    status               VARCHAR(16) NOT NULL,
    model                VARCHAR(200) NOT NULL,
    request              TEXT NOT NULL,
    output_schema        TEXT,
    cache_ttl_seconds    INTEGER,
    idempotency_key      VARCHAR(255),
    callback             TEXT,
    attempts             INTEGER NOT NULL DEFAULT 0,
    lease_owner          VARCHAR(64),
    lease_expires_at     BIGINT,
    run_after            BIGINT NOT NULL,
    served_model         VARCHAR(200),
    result               TEXT,
    response             TEXT,
    error                TEXT,
    error_code           VARCHAR(64),
    error_status         INTEGER,
    prompt_tokens        INTEGER,
    completion_tokens    INTEGER,
    cost_micros          BIGINT,
    cache_hit            INTEGER NOT NULL DEFAULT 0,
    ttft_ns              BIGINT,
    duration_ns          BIGINT,
    callback_state       VARCHAR(16),
    callback_attempts    INTEGER NOT NULL DEFAULT 0,
    callback_status_code INTEGER,
    callback_error       TEXT,
    callback_sent_at     BIGINT,
    created_at           BIGINT NOT NULL,
    updated_at           BIGINT NOT NULL,
    completed_at         BIGINT
);

CREATE UNIQUE INDEX jobs_idempotency ON jobs (user_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX jobs_due ON jobs (run_after) WHERE status = 'pending';
CREATE INDEX jobs_leased ON jobs (lease_expires_at) WHERE status = 'assigned';
CREATE INDEX jobs_batch ON jobs (batch_id, created_at) WHERE batch_id IS NOT NULL;
CREATE INDEX jobs_callbacks ON jobs (completed_at) WHERE callback_state = 'pending';

CREATE TABLE user_secrets (
    user_id         VARCHAR(64) PRIMARY KEY,
    callback_secret VARCHAR(128) NOT NULL
);
