package dev.tokengate.batches;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokengate.accounts.User;
import dev.tokengate.core.ApiException;
import dev.tokengate.core.Json;
import dev.tokengate.files.FileService;
import dev.tokengate.files.StoredFile;
import dev.tokengate.wire.openai.BatchInputDecoder;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * OpenAI's Batch API on the batch engine: a batch reads its JSONL input file, and either every line becomes an item
 * (api "openai", ids "batch_...") or, when any line is invalid, the batch is stored as failed with the errors and their
 * line numbers. Users see only their own batches.
 */
public final class OpenAiBatches {
    public static final String API = "openai";
    private static final int MAX_METADATA_PAIRS = 16;

    /** What POST /v1/batches asked for, already checked. */
    public record CreateRequest(String inputFileId, String endpoint, String completionWindow, String metadata) {}

    /** A batch with its item counts, as listings show it. */
    public record Listed(Batch batch, BatchCounts counts) {}

    /** One page of a listing; {@code hasMore} says whether anything follows. */
    public record Page(List<Listed> batches, boolean hasMore) {}

    private final Vertx vertx;
    private final BatchService batches;
    private final BatchFactory factory;
    private final FileService files;

    public OpenAiBatches(Vertx vertx, BatchService batches, BatchFactory factory, FileService files) {
        this.vertx = vertx;
        this.batches = batches;
        this.factory = factory;
        this.files = files;
    }

    /** Checks the body of POST /v1/batches (OAS CreateBatchRequest). */
    public static CreateRequest decode(JsonNode body) {
        if (!body.isObject()) throw ApiException.invalid(null, "The request body must be a JSON object.");
        String inputFileId = requiredString(body, "input_file_id");
        String endpoint = requiredString(body, "endpoint");
        BatchInputDecoder.checkEndpoint(endpoint);
        String window = requiredString(body, "completion_window");
        if (!window.equals("24h")) throw ApiException.invalid("completion_window", "'completion_window' must be '24h'.", "invalid_value");
        JsonNode oea = body.get("output_expires_after");
        if (oea != null && !oea.isNull()) {
            if (!oea.isObject() || !"created_at".equals(oea.path("anchor").asText(null)) || !oea.path("seconds").canConvertToLong()
                    || oea.path("seconds").asLong() < FileService.MIN_EXPIRY_SECONDS || oea.path("seconds").asLong() > FileService.MAX_EXPIRY_SECONDS) {
                throw ApiException.invalid("output_expires_after", "'output_expires_after' must be {\"anchor\":\"created_at\",\"seconds\":N} with N between "
                        + FileService.MIN_EXPIRY_SECONDS + " and " + FileService.MAX_EXPIRY_SECONDS + ".", "invalid_value");
            }
        }
        return new CreateRequest(inputFileId, endpoint, window, metadata(body.get("metadata")));
    }

    public Future<Batch> create(User user, CreateRequest req) {
        return vertx.executeBlocking(() -> plan(user, req), false)
                .compose(p -> batches.create(p.batch(), p.items()));
    }

    private BatchFactory.Planned plan(User user, CreateRequest req) {
        StoredFile input = files.owned(user.id(), req.inputFileId());
        if (!input.purpose().equals(FileService.BATCH)) {
            throw ApiException.invalid("input_file_id", "The input file must be uploaded with purpose 'batch'; '" + input.id()
                    + "' has purpose '" + input.purpose() + "'.", "invalid_file_purpose");
        }
        byte[] content = files.contentOf(user.id(), input.id());
        BatchInputDecoder.Result decoded = BatchInputDecoder.decode(content, req.endpoint(), factory.config().maxRequests());
        List<BatchInputDecoder.LineError> errors = new ArrayList<>(decoded.errors());
        for (BatchInputDecoder.Line line : decoded.lines()) {
            try {
                factory.checkModel(user, line.model());
            } catch (ApiException e) {
                errors.add(new BatchInputDecoder.LineError(e.code() == null ? "invalid_model" : e.code(),
                        "Line " + line.number() + ": body: " + e.getMessage(), "body.model", line.number()));
            }
        }
        if (!errors.isEmpty()) {
            errors.sort(Comparator.comparing(BatchInputDecoder.LineError::line, Comparator.nullsFirst(Comparator.naturalOrder())));
            errors = errors.subList(0, Math.min(errors.size(), BatchInputDecoder.MAX_ERRORS));
            Batch failed = factory.failed(user, API, "batch_", req.endpoint(), input.id(), req.completionWindow(), req.metadata(),
                    Json.text(errorArray(errors)));
            return new BatchFactory.Planned(failed, List.of());
        }
        List<BatchFactory.ItemSpec> specs = decoded.lines().stream()
                .map(l -> new BatchFactory.ItemSpec(l.model(), l.body(), l.customId())).toList();
        return factory.plan(user, API, "batch_", specs, null, null, req.endpoint(), input.id(), req.completionWindow(),
                req.metadata(), "body[%d].");
    }

    public Future<ObjectNode> view(Batch b) {
        return batches.counts(b.id()).map(c -> OpenAiBatchViews.batch(b, c));
    }

    public Future<Batch> get(User user, String id) {
        return batches.get(user.id(), API, id);
    }

    public Future<Batch> cancel(User user, String id) {
        return batches.cancel(user.id(), API, id);
    }

    /** Newest first, strictly after the batch {@code after}; fetches one more than asked to know whether more follow. */
    public Future<Page> list(User user, String after, int limit) {
        return batches.list(user.id(), API, after, null, limit + 1, false).compose(found -> {
            List<Batch> page = found.subList(0, Math.min(limit, found.size()));
            List<Future<BatchCounts>> counts = page.stream().map(b -> batches.counts(b.id())).toList();
            return Future.all(counts).map(all -> {
                List<Listed> out = new ArrayList<>();
                for (int i = 0; i < page.size(); i++) out.add(new Listed(page.get(i), counts.get(i).result()));
                return new Page(out, found.size() > limit);
            });
        });
    }

    private static ArrayNode errorArray(List<BatchInputDecoder.LineError> errors) {
        ArrayNode arr = Json.array();
        for (BatchInputDecoder.LineError e : errors) {
            ObjectNode o = arr.addObject();
            o.put("code", e.code());
            o.put("message", e.message());
            if (e.param() == null) o.putNull("param");
            else o.put("param", e.param());
            if (e.line() == null) o.putNull("line");
            else o.put("line", e.line());
        }
        return arr;
    }

    private static String requiredString(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) throw ApiException.invalid(field, "Missing required parameter: '" + field + "'.", "missing_required_parameter");
        if (!v.isTextual() || v.asText().isBlank()) throw ApiException.invalid(field, "'" + field + "' must be a non-empty string.", "invalid_type");
        return v.asText();
    }

    /** OpenAI's metadata: at most 16 string pairs, keys up to 64 characters, values up to 512. Stored as JSON text. */
    private static String metadata(JsonNode m) {
        if (m == null || m.isNull()) return null;
        if (!m.isObject()) throw ApiException.invalid("metadata", "'metadata' must be an object of string values.", "invalid_type");
        if (m.size() > MAX_METADATA_PAIRS) {
            throw ApiException.invalid("metadata", "'metadata' may hold at most " + MAX_METADATA_PAIRS + " pairs.", "invalid_value");
        }
        var fields = m.fields();
        while (fields.hasNext()) {
            var e = fields.next();
            if (e.getKey().length() > 64) throw ApiException.invalid("metadata", "Metadata keys must be at most 64 characters.", "invalid_value");
            if (!e.getValue().isTextual() || e.getValue().asText().length() > 512) {
                throw ApiException.invalid("metadata." + e.getKey(), "Metadata values must be strings of at most 512 characters.", "invalid_value");
            }
        }
        return Json.text(m);
    }
}
