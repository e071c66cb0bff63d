import dev.tokengate.core.ChatResponse;
import dev.tokengate.wire.openai.ChatEncoder;
import dev.tokengate.wire.openai.PlainResponseRelay;
import dev.tokengate.wire.openai.UpstreamDecoder;
import java.nio.charset.StandardCharsets;

/**
 * What one plain answer costs the gateway's CPU, by the two paths: decoding the upstream's body into the core model and
 * encoding it again (before session 6), against relaying its bytes with the model renamed. The body is the one
 * bench/upstream/FixedUpstream.java answers. Single-threaded wall time per answer, five rounds of a million each.
 *
 * Run: java -XX:+UseParallelGC -cp target/tokengate.jar bench/micro/PlainAnswerCost.java
 */
public final class PlainAnswerCost {
    private static final byte[] BODY = ("{\"id\":\"chatcmpl-bench0000000000000000000001\",\"object\":\"chat.completion\","
            + "\"created\":1763700000,\"model\":\"bench-model\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
            + "\"content\":\"Hello from the fixed benchmark upstream.\",\"refusal\":null},\"logprobs\":null,"
            + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":8,\"total_tokens\":20},"
            + "\"system_fingerprint\":\"fp_bench\"}").getBytes(StandardCharsets.UTF_8);
    private static final int N = 1_000_000;
    private static long sink;

    public static void main(String[] args) throws Exception {
        for (int round = 1; round <= 5; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < N; i++) {
                ChatResponse r = UpstreamDecoder.response(BODY).withModel("bench-model");
                sink += ChatEncoder.responseBytes(r).length;
            }
            long t1 = System.nanoTime();
            for (int i = 0; i < N; i++) sink += PlainResponseRelay.relay(BODY, "bench-model").body().length;
            long t2 = System.nanoTime();
            System.out.printf("round %d: decode + encode %.2f µs, relay %.2f µs per answer%n", round,
                    (t1 - t0) / 1e3 / N, (t2 - t1) / 1e3 / N);
        }
        if (sink == 42) System.out.println();
    }
}
