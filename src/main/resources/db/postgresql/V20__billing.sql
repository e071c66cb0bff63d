-- Prepaid balances in integer micro-dollars. reserved_micros is held by requests in flight (one row per request in
-- balance_holds, so holds of a crashed instance can be released); the checks make overspending impossible even for a
-- buggy writer.
CREATE TABLE balances (
    user_id         VARCHAR(64) PRIMARY KEY REFERENCES users (id),
    balance_micros  BIGINT NOT NULL,
    reserved_micros BIGINT NOT NULL DEFAULT 0,
    unlimited       INTEGER NOT NULL DEFAULT 0,
    updated_at      BIGINT NOT NULL,
    CHECK (reserved_micros >= 0),
    CHECK (balance_micros >= reserved_micros)
);

CREATE TABLE balance_holds (
    id         VARCHAR(64) PRIMARY KEY,
    user_id    VARCHAR(64) NOT NULL,
    micros     BIGINT NOT NULL,
    owner      VARCHAR(64) NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE INDEX balance_holds_owner ON balance_holds (owner);
CREATE INDEX balance_holds_expiry ON balance_holds (expires_at);

CREATE TABLE balance_entries (
    id                   VARCHAR(64) PRIMARY KEY,
    user_id              VARCHAR(64) NOT NULL,
    kind                 VARCHAR(32) NOT NULL,
    amount_micros        BIGINT NOT NULL,
    balance_after_micros BIGINT NOT NULL,
    reason               VARCHAR(500),
    created_at           BIGINT NOT NULL
);

CREATE INDEX balance_entries_user ON balance_entries (user_id, created_at, id);

CREATE TABLE usage_records (
    id                VARCHAR(64) PRIMARY KEY,
    request_id        VARCHAR(200),
    user_id           VARCHAR(64) NOT NULL,
    key_id            VARCHAR(64),
    model             VARCHAR(200),
    deployment        VARCHAR(300),
    prompt_tokens     INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL,
    cached_tokens     INTEGER NOT NULL,
    cost_micros       BIGINT NOT NULL,
    charged_micros    BIGINT NOT NULL,
    latency_ms        BIGINT NOT NULL,
    status            INTEGER NOT NULL,
    cache_hit         INTEGER NOT NULL,
    stream            INTEGER NOT NULL,
    created_at        BIGINT NOT NULL
);

CREATE INDEX usage_records_user_time ON usage_records (user_id, created_at, id);
