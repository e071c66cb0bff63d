package dev.tokengate.reliability;

/** The kinds of bad input the fuzzer sends; each applies to some routes. */
enum Attack {
    /** A valid body cut short. */
    TRUNCATED_BODY,
    /** Random bytes or random printable text instead of the body. */
    GARBAGE_BODY,
    /** A value (or the whole body) replaced by arrays or objects nested 1,000 to 5,000 levels deep. */
    DEEP_NESTING,
    /** One field of a valid body given a value of another JSON type. */
    WRONG_TYPE,
    /** One numeric field given a value far out of its range, or too long to be a number. */
    NUMBER_OUT_OF_RANGE,
    /** A field written twice, the second time with a wrong type (the last one wins, as in most JSON readers). */
    DUPLICATE_KEY,
    /** Bytes that are not UTF-8 inside a string value. */
    INVALID_UTF8,
    /** A raw NUL or other control byte inside a string value (JSON requires them escaped). */
    RAW_CONTROL_BYTE,
    /** Escaped oddities inside a string value: \u0000, lone surrogates, bidi overrides. Valid JSON: any non-5xx answer. */
    ESCAPED_ODD_CHARS,
    /** A string value of 64 KiB to 1.2 MiB (over the body limit must be 413; under it any non-5xx answer). */
    HUGE_STRING,
    /** A wrong Content-Type (or none) with a body cut short; a valid body with a wrong Content-Type may also pass. */
    BAD_CONTENT_TYPE,
    /** Missing, malformed, unknown or oversized keys in Authorization or x-api-key. */
    ODD_AUTHORIZATION,
    /** A header or a request line over the server's limits. */
    HUGE_HEADER,
    /** Garbage limit and order parameters (rejected) or cursors (any non-5xx answer). */
    GARBAGE_QUERY,
    /** A resource id in the path replaced by garbage: unknown, encoded NUL, invalid UTF-8, dot segments, very long. */
    GARBAGE_PATH_ID,
    /** A method the path does not have. */
    WRONG_METHOD
}
