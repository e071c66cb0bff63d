package dev.tokengate.provider.local;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.tokengate.core.ApiException;
import dev.tokengate.core.Deployment;
import dev.tokengate.core.EmbeddingProvider;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;

/**
 * all-MiniLM-L6-v2 (quantized ONNX, bundled in its jar) run in-process: 384 dimensions, offline. The model loads on
 * first use (about a second) so start-up stays fast; inference runs on worker threads, never on an event loop.
 */
public final class LocalEmbeddingProvider implements EmbeddingProvider {
    public static final int DIMENSIONS = 384;

    private final Vertx vertx;
    private volatile AllMiniLmL6V2QuantizedEmbeddingModel model;

    public LocalEmbeddingProvider(Vertx vertx) {
        this.vertx = vertx;
    }

    @Override
    public Future<Result> embed(Deployment deployment, Request request) {
        if (request.texts() == null) {
            return Future.failedFuture(ApiException.invalid("input", "The model '" + deployment.publicModel()
                    + "' takes text input, not token arrays.", "invalid_value"));
        }
        Integer dims = request.dimensions();
        if (dims != null && dims > DIMENSIONS) {
            return Future.failedFuture(ApiException.invalid("dimensions", "The model '" + deployment.publicModel()
                    + "' has " + DIMENSIONS + " dimensions; 'dimensions' may be at most that.", "invalid_value"));
        }
        return vertx.executeBlocking(() -> {
            AllMiniLmL6V2QuantizedEmbeddingModel m = model();
            List<TextSegment> segments = request.texts().stream().map(TextSegment::from).toList();
            List<Embedding> out = m.embedAll(segments).content();
            List<float[]> vectors = new ArrayList<>(out.size());
            int tokens = 0;
            for (int i = 0; i < out.size(); i++) {
                vectors.add(shorten(out.get(i).vector(), dims));
                tokens += m.estimateTokenCount(request.texts().get(i));
            }
            return new Result(vectors, tokens);
        }, false);
    }

    /** Keeps the first {@code dims} components and renormalizes, as OpenAI's "dimensions" does. */
    static float[] shorten(float[] v, Integer dims) {
        if (dims == null || dims >= v.length) return v;
        float[] out = java.util.Arrays.copyOf(v, dims);
        double norm = 0;
        for (float x : out) norm += x * x;
        norm = Math.sqrt(norm);
        if (norm > 0) for (int i = 0; i < out.length; i++) out[i] = (float) (out[i] / norm);
        return out;
    }

    private AllMiniLmL6V2QuantizedEmbeddingModel model() {
        AllMiniLmL6V2QuantizedEmbeddingModel m = model;
        if (m == null) {
            synchronized (this) {
                if (model == null) model = new AllMiniLmL6V2QuantizedEmbeddingModel();
                m = model;
            }
        }
        return m;
    }
}
