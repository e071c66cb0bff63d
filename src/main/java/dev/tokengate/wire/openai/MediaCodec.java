package dev.tokengate.wire.openai;

import static dev.tokengate.wire.openai.RequestReader.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokengate.core.ApiException;
import dev.tokengate.core.EmbeddingProvider;
import dev.tokengate.core.ImageProvider;
import dev.tokengate.core.Json;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/** OpenAI's embeddings and image generation bodies: validation (400 naming the field) and answers. Pure. */
public final class MediaCodec {
    private static final Set<String> IMAGE_FORMATS = Set.of("url", "b64_json");

    private MediaCodec() {}

    public record EmbeddingCall(String model, EmbeddingProvider.Request request, boolean base64) {}

    public record ImageCall(String model, ImageProvider.Request request) {}

    public static EmbeddingCall embeddingRequest(JsonNode body) {
        if (!body.isObject()) throw ApiException.invalid(null, "The request body must be a JSON object.");
        String model = requiredString(body, "model", "model");
        JsonNode input = body.get("input");
        if (input == null || input.isNull()) throw ApiException.invalid("input", "Missing required parameter: 'input'.", "missing_required_parameter");
        List<String> texts = null;
        JsonNode raw = null;
        if (input.isTextual()) {
            texts = List.of(input.asText());
        } else if (input.isArray() && !input.isEmpty() && input.get(0).isTextual()) {
            if (input.size() > 2048) throw ApiException.invalid("input", "'input' may hold at most 2048 strings.", "invalid_value");
            texts = new ArrayList<>();
            for (int i = 0; i < input.size(); i++) {
                if (!input.get(i).isTextual()) throw wrongType("input[" + i + "]", "a string", input.get(i));
                texts.add(input.get(i).asText());
            }
        } else if (input.isArray() && !input.isEmpty() && (input.get(0).isIntegralNumber() || input.get(0).isArray())) {
            raw = input;
        } else {
            throw ApiException.invalid("input", "'input' must be a string, an array of strings, or token arrays (non-empty).", "invalid_value");
        }
        if (texts != null && texts.stream().anyMatch(String::isEmpty)) {
            throw ApiException.invalid("input", "'input' must not contain empty strings.", "invalid_value");
        }
        String format = optionalString(body, "encoding_format", "encoding_format");
        if (format != null && !format.equals("float") && !format.equals("base64")) {
            throw ApiException.invalid("encoding_format", "Invalid 'encoding_format': '" + format + "'. Supported values are: 'float' and 'base64'.", "invalid_value");
        }
        Integer dims = optionalInt(body, "dimensions", "dimensions", 1, 65536);
        String user = optionalString(body, "user", "user");
        return new EmbeddingCall(model, new EmbeddingProvider.Request(texts, raw, dims, user), "base64".equals(format));
    }

    public static ObjectNode embeddingResponse(String model, EmbeddingProvider.Result r, boolean base64) {
        ObjectNode o = Json.object();
        o.put("object", "list");
        ArrayNode data = o.putArray("data");
        for (int i = 0; i < r.vectors().size(); i++) {
            ObjectNode item = data.addObject();
            item.put("object", "embedding");
            item.put("index", i);
            float[] v = r.vectors().get(i);
            if (base64) {
                ByteBuffer buf = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                for (float f : v) buf.putFloat(f);
                item.put("embedding", Base64.getEncoder().encodeToString(buf.array()));
            } else {
                ArrayNode arr = item.putArray("embedding");
                for (float f : v) arr.add(f);
            }
        }
        o.put("model", model);
        o.putObject("usage").put("prompt_tokens", r.promptTokens()).put("total_tokens", r.promptTokens());
        return o;
    }

    public static ImageCall imageRequest(JsonNode body) {
        if (!body.isObject()) throw ApiException.invalid(null, "The request body must be a JSON object.");
        String prompt = requiredString(body, "prompt", "prompt");
        if (prompt.isBlank()) throw ApiException.invalid("prompt", "'prompt' must not be empty.", "invalid_value");
        if (prompt.length() > 32_000) throw ApiException.invalid("prompt", "'prompt' may be at most 32000 characters.", "invalid_value");
        String model = optionalString(body, "model", "model");
        Integer n = optionalInt(body, "n", "n", 1, 10);
        String size = optionalString(body, "size", "size");
        String format = optionalString(body, "response_format", "response_format");
        if (format != null && !IMAGE_FORMATS.contains(format)) {
            throw ApiException.invalid("response_format", "Invalid 'response_format': '" + format + "'. Supported values are: 'url' and 'b64_json'.", "invalid_value");
        }
        String quality = optionalString(body, "quality", "quality");
        String style = optionalString(body, "style", "style");
        String user = optionalString(body, "user", "user");
        return new ImageCall(model == null ? "dall-e-3" : model,
                new ImageProvider.Request(prompt, n == null ? 1 : n, size, "b64_json".equals(format), quality, style, user));
    }

    /** @param urlFor turns a PNG drawn here into a URL served by the gateway */
    public static ObjectNode imageResponse(long created, ImageProvider.Request req, ImageProvider.Result r,
                                           java.util.function.Function<byte[], String> urlFor) {
        ObjectNode o = Json.object();
        o.put("created", created);
        ArrayNode data = o.putArray("data");
        for (ImageProvider.Image img : r.images()) {
            ObjectNode item = data.addObject();
            if (img.png() != null) {
                if (req.b64()) item.put("b64_json", Base64.getEncoder().encodeToString(img.png()));
                else item.put("url", urlFor.apply(img.png()));
            } else {
                if (img.url() != null) item.put("url", img.url());
                if (img.b64Json() != null) item.put("b64_json", img.b64Json());
            }
            if (img.revisedPrompt() != null) item.put("revised_prompt", img.revisedPrompt());
        }
        if (req.size() != null) o.put("size", req.size());
        o.put("output_format", "png");
        return o;
    }
}
