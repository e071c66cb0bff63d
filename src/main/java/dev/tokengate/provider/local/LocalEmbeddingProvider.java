package dev.tokengate.provider.local;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import dev.tokengate.core.ApiException;
import dev.tokengate.core.Deployment;
import dev.tokengate.core.EmbeddingProvider;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * all-MiniLM-L6-v2 (quantized ONNX, bundled in its jar) run in-process: 384 dimensions, offline. The model loads on
 * first use (about a second) so start-up stays fast; inference runs on worker threads, never on an event loop.
 *
 * <p>The model is loaded outside the Java heap: the 23 MB {@code .onnx} resource is copied to a temporary file, which
 * ONNX Runtime reads natively ({@link OrtEnvironment#createSession(String, OrtSession.SessionOptions)}), then the file
 * is deleted. langchain4j's own loader ({@code AllMiniLmL6V2QuantizedEmbeddingModel}) reads the resource into a
 * growing {@code byte[]} (about 64 MB of heap at its peak) and hands that to ONNX Runtime, which is what kept the default
 * heap at 160 MB. Its static initializer also left the class unusable after one failed load; here a failed load
 * throws to that request and the next call tries again.
 */
public final class LocalEmbeddingProvider implements EmbeddingProvider {
    public static final int DIMENSIONS = 384;

    static final String MODEL_RESOURCE = "all-minilm-l6-v2-q.onnx";
    static final String TOKENIZER_RESOURCE = "all-minilm-l6-v2-q-tokenizer.json";

    private final Vertx vertx;
    private volatile Model model;

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
            Model m = model();
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

    /** The loaded model; loads it on first use (a failure is thrown to this caller and the next one tries again). */
    Model model() {
        Model m = model;
        if (m == null) {
            synchronized (this) {
                if (model == null) model = load();
                m = model;
            }
        }
        return m;
    }

    private static Model load() {
        ClassLoader loader = LocalEmbeddingProvider.class.getClassLoader();
        Path file = null;
        try {
            file = Files.createTempFile("tokengate-minilm-", ".onnx");
            try (InputStream in = loader.getResourceAsStream(MODEL_RESOURCE)) {
                if (in == null) throw new IllegalStateException("missing resource " + MODEL_RESOURCE);
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            }
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            OrtSession session;
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                // no CPU memory arena: it keeps the largest batch's buffers for good (about 12 MB more RSS after
                // eight concurrent callers of eight texts each), for a gain that matters little at this model's size
                options.setCPUArenaAllocator(false);
                options.setMemoryPatternOptimization(false);
                session = env.createSession(file.toString(), options);
            }
            try (InputStream tokenizer = loader.getResourceAsStream(TOKENIZER_RESOURCE)) {
                if (tokenizer == null) throw new IllegalStateException("missing resource " + TOKENIZER_RESOURCE);
                return new Model(new OnnxBertBiEncoder(env, session, tokenizer, PoolingMode.MEAN));
            } catch (IOException | RuntimeException | Error e) {
                session.close(); // its native memory, which no garbage collection would free
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("loading the local embedding model", e);
        } catch (OrtException e) {
            throw new IllegalStateException("loading the local embedding model", e);
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // a temporary file left behind is harmless
                }
            }
        }
    }

    /** langchain4j's in-process model (batching, token counts) on an encoder we loaded. */
    static final class Model extends AbstractInProcessEmbeddingModel {
        private final OnnxBertBiEncoder encoder;

        Model(OnnxBertBiEncoder encoder) {
            super(null);
            this.encoder = encoder;
        }

        @Override
        protected OnnxBertBiEncoder model() {
            return encoder;
        }

        @Override
        protected Integer knownDimension() {
            return DIMENSIONS;
        }
    }
}
