package dev.tokengate.media;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.images.ImageGenerateParams;
import com.openai.models.images.ImagesResponse;
import dev.tokengate.support.Sdk;
import dev.tokengate.support.TestGateway;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EmbeddingsAndImagesTest {
    private static TestGateway gw;
    private static String key;
    private static OpenAIClient sdk;

    @BeforeAll
    static void start() {
        gw = TestGateway.start();
        key = gw.createUserKey("media", "user_free");
        sdk = Sdk.client(gw, key);
    }

    @AfterAll
    static void stop() {
        sdk.close();
        gw.close();
    }

    @Test
    void seedEmbeddingExampleReturnsALocal384DimensionVectorThroughTheSdk() {
        CreateEmbeddingResponse r = sdk.embeddings().create(EmbeddingCreateParams.builder()
                .model("text-embedding-3-small").input("Hello world").build());
        r.validate();
        assertThat(r.data()).hasSize(1);
        List<Float> v = r.data().get(0).embedding();
        assertThat(v).hasSize(384);
        double norm = v.stream().mapToDouble(f -> f * f).sum();
        assertThat(norm).isBetween(0.98, 1.02);
        assertThat(r.usage().promptTokens()).isPositive();
    }

    @Test
    void similarTextsAreCloserThanUnrelatedOnes() {
        JsonNode r = gw.post("/v1/embeddings", key, "{\"model\":\"all-minilm-l6-v2\",\"input\":[\"The cat sits on the mat\","
                + "\"A cat is sitting on a rug\",\"Quarterly revenue grew by ten percent\"]}").json();
        float[] a = floats(r.path("data").get(0).path("embedding"));
        float[] b = floats(r.path("data").get(1).path("embedding"));
        float[] c = floats(r.path("data").get(2).path("embedding"));
        assertThat(dot(a, b)).isGreaterThan(dot(a, c) + 0.2);
        assertThat(r.path("data").get(2).path("index").asInt()).isEqualTo(2);
    }

    @Test
    void base64EncodingIsLittleEndianFloat32OfTheSameVector() {
        String body = "{\"model\":\"text-embedding-3-small\",\"input\":\"Hello world\"";
        float[] plain = floats(gw.post("/v1/embeddings", key, body + "}").json().path("data").get(0).path("embedding"));
        String b64 = gw.post("/v1/embeddings", key, body + ",\"encoding_format\":\"base64\"}").json()
                .path("data").get(0).path("embedding").asText();
        ByteBuffer buf = ByteBuffer.wrap(Base64.getDecoder().decode(b64)).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(buf.remaining()).isEqualTo(384 * 4);
        for (float f : plain) assertThat(buf.getFloat()).isEqualTo(f);
    }

    @Test
    void dimensionsShortenTheVectorAndTooManyIsABadRequest() {
        JsonNode r = gw.post("/v1/embeddings", key, "{\"model\":\"text-embedding-3-small\",\"input\":\"x\",\"dimensions\":64}").json();
        assertThat(r.path("data").get(0).path("embedding").size()).isEqualTo(64);
        var bad = gw.post("/v1/embeddings", key, "{\"model\":\"text-embedding-3-small\",\"input\":\"x\",\"dimensions\":1000}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().path("error").path("param").asText()).isEqualTo("dimensions");
    }

    @Test
    void embeddingErrorsNameTheField() {
        assertThat(gw.post("/v1/embeddings", key, "{\"model\":\"text-embedding-3-small\"}").json().path("error").path("param").asText())
                .isEqualTo("input");
        assertThat(gw.post("/v1/embeddings", key, "{\"model\":\"text-embedding-3-small\",\"input\":\"x\",\"encoding_format\":\"hex\"}")
                .json().path("error").path("param").asText()).isEqualTo("encoding_format");
        assertThat(gw.post("/v1/embeddings", key, "{\"model\":\"gpt-5-mini\",\"input\":\"x\"}").status()).isEqualTo(400);
        assertThat(gw.post("/v1/embeddings", key, "{\"model\":\"nope\",\"input\":\"x\"}").status()).isEqualTo(404);
    }

    @Test
    void seedImageExampleReturnsAUrlServingARealPngOfTheRequestedSize() throws Exception {
        ImagesResponse r = sdk.images().generate(ImageGenerateParams.builder().model("dall-e-3").prompt("A cute cat")
                .size(ImageGenerateParams.Size._1024X1024).build());
        r.validate();
        String url = r.data().orElseThrow().get(0).url().orElseThrow();
        assertThat(url).startsWith(gw.baseUrl() + "/v1/images/content/");
        HttpResponse<byte[]> png = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(png.headers().firstValue("Content-Type")).contains("image/png");
        var image = ImageIO.read(new java.io.ByteArrayInputStream(png.body()));
        assertThat(image.getWidth()).isEqualTo(1024);
        assertThat(image.getHeight()).isEqualTo(1024);
    }

    @Test
    void b64JsonImagesAreDeterministicForThePrompt() throws Exception {
        String body = "{\"model\":\"dall-e-3\",\"prompt\":\"A lighthouse\",\"size\":\"256x256\",\"response_format\":\"b64_json\"}";
        String first = gw.post("/v1/images/generations", key, body).json().path("data").get(0).path("b64_json").asText();
        String second = gw.post("/v1/images/generations", key, body).json().path("data").get(0).path("b64_json").asText();
        assertThat(first).isEqualTo(second);
        var image = ImageIO.read(new java.io.ByteArrayInputStream(Base64.getDecoder().decode(first)));
        assertThat(image.getWidth()).isEqualTo(256);
    }

    @Test
    void imageErrorsNameTheFieldAndUnknownImageUrlsAre404() {
        assertThat(gw.post("/v1/images/generations", key, "{\"model\":\"dall-e-3\"}").json().path("error").path("param").asText())
                .isEqualTo("prompt");
        assertThat(gw.post("/v1/images/generations", key, "{\"prompt\":\"x\",\"size\":\"big\"}").json().path("error").path("param").asText())
                .isEqualTo("size");
        assertThat(gw.post("/v1/images/generations", key, "{\"prompt\":\"x\",\"n\":11}").status()).isEqualTo(400);
        assertThat(gw.get("/v1/images/content/nothing-here.png", null).status()).isEqualTo(404);
    }

    private static float[] floats(JsonNode arr) {
        float[] out = new float[arr.size()];
        for (int i = 0; i < out.length; i++) out[i] = (float) arr.get(i).asDouble();
        return out;
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }
}
