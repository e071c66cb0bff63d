package dev.tokengate.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.tokengate.core.Json;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * One fuzzed request: a route, the attack applied to it and what the answer must be. Built deterministically from a
 * seed, so a failing case jqwik reports can be replayed.
 */
record FuzzCase(Route route, Attack attack, RawHttp.Request request, Expect expect) {

    enum Expect {
        /** The input is wrong: the answer must be a 4xx. */
        REJECTED,
        /** The input may be acceptable: any answer but a 5xx (or no answer). */
        NOT_5XX
    }

    /** Fields whose value the gateway keeps as it is (any JSON), so no value there is wrong. */
    private static final Set<String> ANY_VALUE = Set.of("callback_payload");
    private static final String MARK = "@@fuzz-mark@@";
    private static final String QUOTED_MARK = "\"" + MARK + "\"";

    static boolean applies(Attack attack, Route route, Set<String> methodsOfPath) {
        return switch (attack) {
            case TRUNCATED_BODY, GARBAGE_BODY, DEEP_NESTING, WRONG_TYPE, NUMBER_OUT_OF_RANGE, DUPLICATE_KEY, INVALID_UTF8,
                 RAW_CONTROL_BYTE, ESCAPED_ODD_CHARS, HUGE_STRING, BAD_CONTENT_TYPE -> route.hasBody();
            case ODD_AUTHORIZATION -> route.authenticated();
            case HUGE_HEADER, WRONG_METHOD -> true;
            case GARBAGE_QUERY -> route.query() != null;
            case GARBAGE_PATH_ID -> !route.idSegments().isEmpty();
        };
    }

    static FuzzCase build(Route route, Attack attack, long seed, Set<String> methodsOfPath) {
        Random rnd = new Random(seed);
        RawHttp.Request base = RawHttp.Request.of(route.method(), route.target(), route.key(),
                route.hasBody() ? route.validBody().getBytes(StandardCharsets.UTF_8) : null);
        return switch (attack) {
            case TRUNCATED_BODY -> rejected(route, attack, base.withBody(truncated(route, rnd)));
            case GARBAGE_BODY -> rejected(route, attack, base.withBody(garbage(rnd)));
            case DEEP_NESTING -> rejected(route, attack, base.withBody(deepNesting(route, rnd)));
            case WRONG_TYPE -> rejected(route, attack, base.withBody(wrongType(route, rnd)));
            case NUMBER_OUT_OF_RANGE -> rejected(route, attack, base.withBody(outOfRange(route, rnd)));
            case DUPLICATE_KEY -> rejected(route, attack, base.withBody(duplicateKey(route, rnd)));
            case INVALID_UTF8 -> rejected(route, attack, base.withBody(inString(route, rnd, pick(rnd, INVALID_UTF8))));
            case RAW_CONTROL_BYTE -> rejected(route, attack, base.withBody(inString(route, rnd, new byte[]{(byte) rnd.nextInt(0x20)})));
            case ESCAPED_ODD_CHARS -> new FuzzCase(route, attack, base.withBody(inString(route, rnd,
                    pick(rnd, ESCAPED_ODD).getBytes(StandardCharsets.US_ASCII))), Expect.NOT_5XX);
            case HUGE_STRING -> hugeString(route, attack, base, rnd);
            case BAD_CONTENT_TYPE -> badContentType(route, attack, base, rnd);
            case ODD_AUTHORIZATION -> rejected(route, attack, oddAuthorization(base, route, rnd));
            case HUGE_HEADER -> rejected(route, attack, hugeHeader(base, route, rnd));
            case GARBAGE_QUERY -> garbageQuery(route, attack, base, rnd);
            case GARBAGE_PATH_ID -> rejected(route, attack, new RawHttp.Request(route.method(), garbagePath(route, rnd),
                    base.headers(), base.body()));
            case WRONG_METHOD -> rejected(route, attack, wrongMethod(base, methodsOfPath, rnd));
        };
    }

    /** Every field of the route's valid body, each given every value of a wrong type: the exhaustive WRONG_TYPE sweep. */
    static List<FuzzCase> everyWrongType(Route route) {
        RawHttp.Request base = RawHttp.Request.of(route.method(), route.target(), route.key(), null);
        JsonNode root = tree(route);
        List<FuzzCase> out = new ArrayList<>();
        for (List<Object> path : paths(root, n -> !n.isNull())) {
            for (String value : wrongValues(at(root, path))) {
                out.add(rejected(route, Attack.WRONG_TYPE, base.withBody(substitute(route, path, value.getBytes(StandardCharsets.UTF_8)))));
            }
        }
        return out;
    }

    /** Every string value of the route's valid body with {@code escaped} (JSON escapes) put in its middle. */
    static List<FuzzCase> everyStringWith(Route route, String escaped) {
        RawHttp.Request base = RawHttp.Request.of(route.method(), route.target(), route.key(), null);
        JsonNode root = tree(route);
        List<FuzzCase> out = new ArrayList<>();
        for (List<Object> path : paths(root, JsonNode::isTextual)) {
            String original = at(root, path).asText();
            String value = "\"" + new String(escapedContent(original.substring(0, original.length() / 2)), StandardCharsets.UTF_8)
                    + escaped + new String(escapedContent(original.substring(original.length() / 2)), StandardCharsets.UTF_8) + "\"";
            out.add(new FuzzCase(route, Attack.ESCAPED_ODD_CHARS, base.withBody(substitute(route, path,
                    value.getBytes(StandardCharsets.UTF_8))), Expect.NOT_5XX));
        }
        return out;
    }

    /** The route with each of its path ids in turn replaced by {@code rawSegment} (already URL-encoded). */
    static List<FuzzCase> everyPathIdAs(Route route, String rawSegment) {
        List<FuzzCase> out = new ArrayList<>();
        for (int i : route.idSegments()) {
            String[] segments = route.path().split("/", -1);
            segments[i] = rawSegment;
            String target = String.join("/", segments) + (route.query() == null ? "" : "?" + route.query());
            RawHttp.Request r = RawHttp.Request.of(route.method(), target, route.key(),
                    route.hasBody() ? route.validBody().getBytes(StandardCharsets.UTF_8) : null);
            out.add(rejected(route, Attack.GARBAGE_PATH_ID, r));
        }
        return out;
    }

    @Override
    public String toString() {
        return attack + " on " + route + " (" + expect + "): " + request;
    }

    private static FuzzCase rejected(Route route, Attack attack, RawHttp.Request request) {
        return new FuzzCase(route, attack, request, Expect.REJECTED);
    }

    // ---- bodies

    private static byte[] truncated(Route route, Random rnd) {
        byte[] valid = route.validBody().getBytes(StandardCharsets.UTF_8);
        return java.util.Arrays.copyOf(valid, 1 + rnd.nextInt(valid.length - 1));
    }

    private static byte[] garbage(Random rnd) {
        int n = 1 + rnd.nextInt(300);
        byte[] b = new byte[n];
        if (rnd.nextBoolean()) {
            rnd.nextBytes(b);
        } else {
            String alphabet = "{}[]\":,0123456789.eE+-truefalsnl \t\n\\abcxyz";
            for (int i = 0; i < n; i++) b[i] = (byte) alphabet.charAt(rnd.nextInt(alphabet.length()));
        }
        // a body of blanks only is "empty" to some routes; keep a visible byte so every garbage body is wrong
        b[0] = (byte) "{[\"x?".charAt(rnd.nextInt(5));
        return b;
    }

    private static byte[] deepNesting(Route route, Random rnd) {
        int depth = 1000 + rnd.nextInt(4001);
        String nested = rnd.nextBoolean() ? "[".repeat(depth) + "]".repeat(depth)
                : "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
        if (rnd.nextInt(4) == 0) return nested.getBytes(StandardCharsets.UTF_8);
        List<List<Object>> paths = paths(tree(route), p -> true);
        return substitute(route, pick(rnd, paths), nested.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] wrongType(Route route, Random rnd) {
        JsonNode root = tree(route);
        List<List<Object>> paths = paths(root, n -> !n.isNull());
        List<Object> path = pick(rnd, paths);
        return substitute(route, path, pick(rnd, wrongValues(at(root, path))).getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] outOfRange(Route route, Random rnd) {
        JsonNode root = tree(route);
        List<List<Object>> numbers = paths(root, JsonNode::isNumber);
        if (numbers.isEmpty()) return wrongType(route, rnd);
        String value = rnd.nextInt(8) == 0 ? "1" + "0".repeat(250 + rnd.nextInt(1000)) : pick(rnd, OUT_OF_RANGE);
        return substitute(route, pick(rnd, numbers), value.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] duplicateKey(Route route, Random rnd) {
        JsonNode root = tree(route);
        List<List<Object>> objects = new ArrayList<>(paths(root, n -> n.isObject() && n.size() > 0));
        if (root.isObject()) objects.add(List.of());
        List<Object> path = pick(rnd, objects);
        ObjectNode target = (ObjectNode) at(root, path);
        List<String> fields = new ArrayList<>();
        target.fieldNames().forEachRemaining(f -> {
            if (!ANY_VALUE.contains(f) && !target.get(f).isNull()) fields.add(f);
        });
        if (fields.isEmpty()) return wrongType(route, rnd);
        String field = pick(rnd, fields);
        String text = Json.text(target);
        String withDuplicate = text.substring(0, text.length() - 1) + "," + Json.text(new TextNode(field)) + ":"
                + pick(rnd, wrongValues(target.get(field))) + "}";
        return substitute(route, path, withDuplicate.getBytes(StandardCharsets.UTF_8));
    }

    /** Puts {@code payload} (raw bytes) in the middle of one string value of the valid body. */
    private static byte[] inString(Route route, Random rnd, byte[] payload) {
        JsonNode root = tree(route);
        List<List<Object>> strings = paths(root, JsonNode::isTextual);
        List<Object> path = pick(rnd, strings);
        String original = at(root, path).asText();
        int cut = rnd.nextInt(original.length() + 1);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write('"');
        b.writeBytes(escapedContent(original.substring(0, cut)));
        b.writeBytes(payload);
        b.writeBytes(escapedContent(original.substring(cut)));
        b.write('"');
        return substitute(route, path, b.toByteArray());
    }

    private static FuzzCase hugeString(Route route, Attack attack, RawHttp.Request base, Random rnd) {
        int size = pick(rnd, List.of(64 << 10, 256 << 10, (int) (FuzzTargets.MAX_BODY_BYTES * 1.2)));
        StringBuilder sb = new StringBuilder(size + 16);
        String[] words = {"lorem", "ipsum", "dolor", "sit", "amet", "x", "tokengate", "fuzz"};
        while (sb.length() < size) sb.append(words[rnd.nextInt(words.length)]).append(' ');
        byte[] body = inString(route, rnd, sb.toString().getBytes(StandardCharsets.US_ASCII));
        Expect expect = body.length > FuzzTargets.MAX_BODY_BYTES ? Expect.REJECTED : Expect.NOT_5XX;
        return new FuzzCase(route, attack, base.withBody(body), expect);
    }

    private static FuzzCase badContentType(Route route, Attack attack, RawHttp.Request base, Random rnd) {
        RawHttp.Request r = base.withoutHeader("Content-Type");
        String type = pick(rnd, BAD_CONTENT_TYPES);
        if (type != null) r = r.withHeader("Content-Type", type);
        boolean validBody = rnd.nextBoolean();
        if (validBody) return new FuzzCase(route, attack, r, Expect.NOT_5XX);
        return rejected(route, attack, r.withBody(truncated(route, rnd)));
    }

    // ---- headers, query, path, method

    private static RawHttp.Request oddAuthorization(RawHttp.Request base, Route route, Random rnd) {
        RawHttp.Request r = base.withoutHeader("Authorization");
        String key = route.key();
        String value = pick(rnd, List.of("", "Bearer", "Bearer ", "Bearer \t ", "Basic dXNlcjpwYXNz", "Token " + key,
                "Bearer " + key + "x", "Bearer x" + key, "Bearer " + key.substring(0, key.length() - 1),
                "Bearer " + "k".repeat(1000 + rnd.nextInt(6000)), "Bearer \u00e9\u00ff\u00c3\u00a9", "Bearer tg-" + rnd.nextLong(),
                "Bearer " + key + " " + key, "Bearer \u0001" + key, "Bearer\u0000 " + key, key));
        if (rnd.nextInt(4) == 0) return r.withHeader("x-api-key", (value.startsWith("Bearer ") ? value.substring(7) : value) + "!");
        return r.withHeader("Authorization", value);
    }

    private static RawHttp.Request hugeHeader(RawHttp.Request base, Route route, Random rnd) {
        return switch (rnd.nextInt(3)) {
            case 0 -> base.withHeader("X-Fuzz", "h".repeat(9_000 + rnd.nextInt(60_000)));
            case 1 -> {
                RawHttp.Request r = base;
                for (int i = 0; i < 100 + rnd.nextInt(400); i++) r = r.withHeader("X-Fuzz-" + i, "v".repeat(100));
                yield r;
            }
            default -> new RawHttp.Request(base.method(), route.path() + "?pad=" + "q".repeat(9_000 + rnd.nextInt(20_000)),
                    base.headers(), base.body());
        };
    }

    private static FuzzCase garbageQuery(Route route, Attack attack, RawHttp.Request base, Random rnd) {
        if (rnd.nextInt(3) == 0) {
            String cursor = pick(rnd, List.of("x", "%00", "%FF%FE", "%zz", "%", "'%20OR%201=1--", "b".repeat(5000),
                    "%E2%80%AE", "%C0%AF", "..%2F..%2F"));
            String q = route.query() + "&" + (rnd.nextBoolean() ? "after" : "before") + "=" + cursor;
            return new FuzzCase(route, attack, new RawHttp.Request("GET", route.path() + "?" + q, base.headers(), null),
                    Expect.NOT_5XX);
        }
        String q = rnd.nextBoolean()
                ? "limit=" + pick(rnd, List.of("abc", "-1", "0", "1001", "99999999999999999999", "1e3", "", "%00", "1.5",
                        "%201", "0x10", "%zz"))
                : "limit=10&order=" + pick(rnd, List.of("ASC", "sideways", "", "%00", "asc%00", "%FF", "desc,asc"));
        return rejected(route, attack, new RawHttp.Request("GET", route.path() + "?" + q, base.headers(), null));
    }

    private static String garbagePath(Route route, Random rnd) {
        String[] segments = route.path().split("/", -1);
        List<Integer> ids = new ArrayList<>(route.idSegments());
        java.util.Collections.sort(ids);
        int i = pick(rnd, ids);
        StringBuilder random = new StringBuilder();
        for (int k = 0; k < 1 + rnd.nextInt(40); k++) random.append((char) ('!' + rnd.nextInt(94)));
        String encoded = java.net.URLEncoder.encode(random.toString(), StandardCharsets.UTF_8).replace("+", "%20");
        segments[i] = pick(rnd, List.of(encoded, "%00", "%FF%FE", "..", "%2e%2e", "a%2Fb", "x".repeat(300),
                "x".repeat(9000), "%E2%80%AE", segments[i] + "x", segments[i].toUpperCase(), "%C0%AF", "null", "-1"));
        String path = String.join("/", segments);
        return route.query() == null ? path : path + "?" + route.query();
    }

    private static RawHttp.Request wrongMethod(RawHttp.Request base, Set<String> methodsOfPath, Random rnd) {
        List<String> others = new ArrayList<>(List.of("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "FUZZ"));
        others.removeAll(methodsOfPath);
        return new RawHttp.Request(pick(rnd, others), base.target(), base.headers(), base.body());
    }

    // ---- JSON trees

    private static JsonNode tree(Route route) {
        return Json.parseOrNull(route.validBody());
    }

    /** Paths (field names and indexes) of the nodes under root that match, not descending into opaque values. */
    private static List<List<Object>> paths(JsonNode root, java.util.function.Predicate<JsonNode> keep) {
        List<List<Object>> out = new ArrayList<>();
        walk(root, new ArrayList<>(), keep, out);
        return out;
    }

    private static void walk(JsonNode node, List<Object> path, java.util.function.Predicate<JsonNode> keep, List<List<Object>> out) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                if (ANY_VALUE.contains(e.getKey())) return;
                List<Object> p = new ArrayList<>(path);
                p.add(e.getKey());
                if (keep.test(e.getValue())) out.add(p);
                if (!FuzzTargets.FREE_FORM.contains(e.getKey())) walk(e.getValue(), p, keep, out);
            });
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                List<Object> p = new ArrayList<>(path);
                p.add(i);
                if (keep.test(node.get(i))) out.add(p);
                walk(node.get(i), p, keep, out);
            }
        }
    }

    private static JsonNode at(JsonNode root, List<Object> path) {
        JsonNode n = root;
        for (Object step : path) n = step instanceof Integer i ? n.get(i) : n.get((String) step);
        return n;
    }

    /** The valid body with the node at {@code path} replaced by raw bytes (the whole body when the path is empty). */
    private static byte[] substitute(Route route, List<Object> path, byte[] raw) {
        if (path.isEmpty()) return raw;
        JsonNode root = tree(route);
        JsonNode parent = at(root, path.subList(0, path.size() - 1));
        Object last = path.get(path.size() - 1);
        if (last instanceof Integer i) ((ArrayNode) parent).set(i, new TextNode(MARK));
        else ((ObjectNode) parent).set((String) last, new TextNode(MARK));
        String text = Json.text(root);
        int at = text.indexOf(QUOTED_MARK);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(text.substring(0, at).getBytes(StandardCharsets.UTF_8));
        b.writeBytes(raw);
        b.writeBytes(text.substring(at + QUOTED_MARK.length()).getBytes(StandardCharsets.UTF_8));
        return b.toByteArray();
    }

    private static byte[] escapedContent(String s) {
        String quoted = Json.text(new TextNode(s));
        return quoted.substring(1, quoted.length() - 1).getBytes(StandardCharsets.UTF_8);
    }

    /** JSON texts of values whose type differs from the node's (never null: null means "absent" for optional fields). */
    private static List<String> wrongValues(JsonNode n) {
        if (n.isTextual()) return List.of("123", "-1", "true", "false", "{\"x\":1}", "4.5");
        if (n.isNumber()) return List.of("\"12\"", "true", "{\"x\":1}", "[1]");
        if (n.isBoolean()) return List.of("\"true\"", "1", "{\"x\":1}", "[true]");
        if (n.isObject()) return List.of("\"{}\"", "1", "true", "[{}]");
        return List.of("1", "true", "{\"x\":1}");
    }

    private static final List<byte[]> INVALID_UTF8 = List.of(new byte[]{(byte) 0xFF}, new byte[]{(byte) 0xC3, 0x28},
            new byte[]{(byte) 0xE2, (byte) 0x82}, new byte[]{(byte) 0xF0, 0x28, (byte) 0x8C, 0x28}, new byte[]{(byte) 0x80},
            new byte[]{(byte) 0xED, (byte) 0xA0, (byte) 0x80}, new byte[]{(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80},
            new byte[]{(byte) 0xFE, (byte) 0xFE, (byte) 0xFF, (byte) 0xFF});
    private static final List<String> ESCAPED_ODD = List.of("\\u0000", "\\ud800", "\\udfff\\ud800", "\\u202e", "\\uffff",
            "\\u0000\\u0000\\u0000", "\\ud83d", "\\\\u0000", "\\u2028\\u2029", "\\ufeff");
    private static final List<String> OUT_OF_RANGE = List.of("1e309", "-1e309", "1e30", "-1e30", "18446744073709551616",
            "-9223372036854775809", "-7", "2147483648");
    private static final List<String> BAD_CONTENT_TYPES = java.util.Arrays.asList(null, "text/plain",
            "application/x-www-form-urlencoded", "multipart/form-data; boundary=xyz", "multipart/form-data",
            "application/json; charset=latin1", "garbage/;;;=", "", "application/xml", "application/json; boundary=\u00ff");

    private static <T> T pick(Random rnd, List<T> list) {
        return list.get(rnd.nextInt(list.size()));
    }
}
