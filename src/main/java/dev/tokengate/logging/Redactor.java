package dev.tokengate.logging;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The last line of defence for secrets in logs. The code never logs keys on purpose; this masks what slips through
 * anyway (an upstream error quoting a key, a library printing a URL): our key formats, OpenAI-style keys, bearer
 * tokens, passwords in URLs, and the exact secrets the gateway registers at start (admin key, upstream keys).
 */
public final class Redactor {
    static final String MASK = "***";
    private static final Pattern PATTERNS = Pattern.compile(
            "(?<tg>tg-)[A-Za-z0-9_-]{16,}"
            + "|(?<sk>sk-)[A-Za-z0-9_-]{16,}"
            + "|(?<bearer>(?i:bearer)\\s+)[^\\s\"',;]+"
            + "|(?<userinfo>://[^:/@\\s\"]+:)[^@/\\s\"]+@");
    private static final Set<String> KNOWN = ConcurrentHashMap.newKeySet();
    /** {@link #KNOWN} as an array, read by every mask without an iterator; replaced whenever a secret is registered. */
    private static volatile String[] known = new String[0];

    private Redactor() {}

    /** Masks this exact value wherever it appears from now on. Short values are ignored: they would mask ordinary words. */
    public static void register(String secret) {
        if (secret == null || secret.strip().length() < 8) return;
        synchronized (KNOWN) {
            if (KNOWN.add(secret.strip())) known = KNOWN.toArray(new String[0]);
        }
    }

    public static String mask(String text) {
        if (text == null || text.isEmpty()) return text;
        String out = text;
        for (String secret : known) {
            if (out.contains(secret)) out = out.replace(secret, MASK);
        }
        if (!mayMatchPatterns(out)) return out;
        Matcher m = PATTERNS.matcher(out);
        if (!m.find()) return out;
        StringBuilder sb = new StringBuilder(out.length());
        do {
            String keep = m.group("tg") != null ? m.group("tg") : m.group("sk") != null ? m.group("sk")
                    : m.group("bearer") != null ? m.group("bearer") : m.group("userinfo");
            m.appendReplacement(sb, Matcher.quoteReplacement(keep + MASK + (m.group("userinfo") != null ? "@" : "")));
        } while (m.find());
        m.appendTail(sb);
        return sb.toString();
    }

    /**
     * Every alternative of {@link #PATTERNS} starts with one of these literals. Every access-log value passes through
     * here and almost none holds one, so this scan spares the regex on the hot path (it was 9% of a request's CPU).
     */
    private static boolean mayMatchPatterns(String s) {
        // one pass: each literal is recognized at its second or third character, which rarely occurs
        for (int i = 1; i < s.length(); i++) {
            switch (s.charAt(i)) {
                case '-' -> {
                    if (i >= 2 && (s.startsWith("tg", i - 2) || s.startsWith("sk", i - 2))) return true;
                }
                case '/' -> {
                    if (i >= 2 && s.charAt(i - 1) == '/' && s.charAt(i - 2) == ':') return true;
                }
                case 'e', 'E' -> {
                    if (s.regionMatches(true, i - 1, "bearer", 0, 6)) return true;
                }
                default -> { }
            }
        }
        return false;
    }
}
