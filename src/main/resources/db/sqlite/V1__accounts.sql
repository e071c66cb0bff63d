CREATE TABLE users (
    id         VARCHAR(64) PRIMARY KEY,
    name       VARCHAR(200) NOT NULL,
    tier       VARCHAR(64) NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE api_keys (
    id         VARCHAR(64) PRIMARY KEY,
    user_id    VARCHAR(64) NOT NULL REFERENCES users (id),
    name       VARCHAR(200),
    prefix     VARCHAR(16) NOT NULL,
    key_hash   CHAR(64) NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);

CREATE INDEX api_keys_user ON api_keys (user_id);
