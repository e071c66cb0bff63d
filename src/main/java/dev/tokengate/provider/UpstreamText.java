package dev.tokengate.provider;

import dev.tokengate.logging.Redactor;

/**
 * Text an upstream wrote that we pass on (its error messages): it reaches clients, logs and stored job errors, so the
 * secrets in it are masked first. Upstreams quote keys in their errors ("Incorrect API key provided: sk-..."), and a
 * misconfigured one may quote ours in full; the mask knows our key formats, OpenAI-style keys, bearer tokens and the
 * exact upstream keys and admin key registered at start.
 */
public final class UpstreamText {
    private UpstreamText() {}

    public static String safe(String upstreamText) {
        return Redactor.mask(upstreamText);
    }
}
