package dev.tokengate.core;

import io.vertx.core.Future;
import java.util.List;

/** An upstream that draws images from a prompt. */
public interface ImageProvider {
    /** @param size "WIDTHxHEIGHT"; @param b64 true for b64_json answers, false for URLs */
    record Request(String prompt, int n, String size, boolean b64, String quality, String style, String user) {}

    /** One image: PNG bytes drawn here, or a URL / base64 an upstream returned. */
    record Image(byte[] png, String url, String b64Json, String revisedPrompt) {}

    record Result(List<Image> images) {}

    Future<Result> generate(Deployment deployment, Request request);
}
