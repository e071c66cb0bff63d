CREATE TABLE files (
    id         VARCHAR(64) PRIMARY KEY,
    user_id    VARCHAR(64) NOT NULL,
    purpose    VARCHAR(32) NOT NULL,
    filename   TEXT NOT NULL,
    bytes      BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT,
    content    BYTEA NOT NULL
);

CREATE INDEX files_user ON files (user_id, created_at, id);
