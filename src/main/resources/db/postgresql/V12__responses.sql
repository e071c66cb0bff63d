-- Stored Responses API responses. created_at is unix seconds, as in the Response object.
-- input_items holds the whole conversation the model was given (earlier turns included), so a later turn can continue
-- from any stored response even after the responses before it were deleted.
CREATE TABLE responses (
    id          VARCHAR(64) PRIMARY KEY,
    user_id     VARCHAR(64) NOT NULL,
    created_at  BIGINT NOT NULL,
    response    TEXT NOT NULL,
    input_items TEXT NOT NULL
);

CREATE INDEX responses_user ON responses (user_id, created_at);
