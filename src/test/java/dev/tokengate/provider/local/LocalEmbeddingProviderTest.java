package dev.tokengate.provider.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import io.vertx.core.Vertx;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The model loaded off-heap (from a file, by ONNX Runtime) is the model langchain4j loads from its jar. */
class LocalEmbeddingProviderTest {
    private static Vertx vertx;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        vertx.close().await();
    }

    @Test
    void offHeapLoadGivesLangchain4jsVectors() {
        LocalEmbeddingProvider provider = new LocalEmbeddingProvider(vertx);
        List<TextSegment> texts = List.of(TextSegment.from("Hello world"), TextSegment.from("The cat sits on the mat"));
        var ours = provider.model().embedAll(texts).content();
        var theirs = new AllMiniLmL6V2QuantizedEmbeddingModel().embedAll(texts).content();
        for (int i = 0; i < texts.size(); i++) {
            assertThat(ours.get(i).vector()).hasSize(LocalEmbeddingProvider.DIMENSIONS);
            assertThat(ours.get(i).vector()).containsExactly(theirs.get(i).vector(),
                    org.assertj.core.data.Offset.offset(1e-5f));
        }
        assertThat(provider.model()).isSameAs(provider.model());
        assertThat(provider.model().estimateTokenCount("Hello world")).isPositive();
    }
}
