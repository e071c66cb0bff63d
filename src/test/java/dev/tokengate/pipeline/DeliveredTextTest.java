package dev.tokengate.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.core.ChatChunk;
import dev.tokengate.core.StreamSink;
import dev.tokengate.tokens.AdversarialText;
import dev.tokengate.tokens.Tokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** What a stream without a usage report is charged: the text each choice handed to the client, and nothing after. */
class DeliveredTextTest {
    private static final class Client implements StreamSink {
        final List<ChatChunk> got = new ArrayList<>();
        boolean gone;

        @Override
        public void onChunk(ChatChunk chunk) {
            got.add(chunk);
        }

        @Override
        public boolean cancelled() {
            return gone;
        }

        @Override
        public void whenCancelled(Runnable action) {}
    }

    private static ChatChunk chunk(ChatChunk.Delta... deltas) {
        return new ChatChunk("c", 1, "m", List.of(deltas), null, null);
    }

    private static ChatChunk.Delta text(int index, String content) {
        return new ChatChunk.Delta(index, null, content, null, null);
    }

    @Test
    void countsTheTextOfEveryChoiceDeliveredAndNothingAfterTheClientLeft() {
        Client client = new Client();
        DeliveredText delivered = new DeliveredText(client);

        delivered.onChunk(chunk(text(0, "The prepaid "), text(2, "Balances are ")));
        delivered.onChunk(chunk(text(1, "A balance "), text(0, "balance runs out.")));
        delivered.onChunk(chunk(new ChatChunk.Delta(2, null, null,
                List.of(new ChatChunk.ToolCallDelta(0, "call_1", "top_up", "{\"usd\":5}")), "tool_calls")));
        client.gone = true;
        delivered.onChunk(chunk(text(0, " This part never reached the client.")));

        assertThat(client.got).hasSize(4);
        assertThat(delivered.tokens()).isEqualTo(Tokenizer.count("The prepaid balance runs out.") + Tokenizer.count("A balance ")
                + Tokenizer.count("Balances are top_up{\"usd\":5}"));
    }

    @Test
    void countsNothingForAStreamThatDeliveredNoText() {
        DeliveredText delivered = new DeliveredText(new Client());

        delivered.onChunk(chunk(new ChatChunk.Delta(0, null, null, null, "stop")));

        assertThat(delivered.tokens()).isZero();
    }

    /** A choice's delivered text cut into the deltas of a stream: content, or a tool call's name then its arguments. */
    private static List<ChatChunk.Delta> deltas(int index, String text, boolean toolCall, Random random) {
        List<ChatChunk.Delta> deltas = new ArrayList<>();
        List<String> parts = AdversarialText.parts(random, text, 1 + random.nextInt(300));
        for (int i = 0; i < parts.size(); i++) {
            String part = parts.get(i);
            deltas.add(!toolCall ? text(index, part) : new ChatChunk.Delta(index, null, null,
                    List.of(new ChatChunk.ToolCallDelta(0, i == 0 ? "call_" + index : null, i == 0 ? part : null, i == 0 ? null : part)), null));
        }
        return deltas;
    }

    /** Sends the choices' deltas interleaved at random, a few choices to a chunk, each choice's in order. */
    private static void stream(DeliveredText delivered, List<List<ChatChunk.Delta>> choices, Random random, Runnable afterEachChunk) {
        int[] next = new int[choices.size()];
        int left = choices.stream().mapToInt(List::size).sum();
        while (left > 0) {
            List<ChatChunk.Delta> chunk = new ArrayList<>();
            for (int c = 0; c < choices.size(); c++) {
                if (next[c] < choices.get(c).size() && random.nextInt(3) > 0) {
                    chunk.add(choices.get(c).get(next[c]++));
                    left--;
                }
            }
            if (chunk.isEmpty()) continue;
            delivered.onChunk(chunk(chunk.toArray(ChatChunk.Delta[]::new)));
            afterEachChunk.run();
        }
    }

    @Test
    void chargesExactlyTheWholeDeliveredTextOfEveryChoiceHoweverTheStreamIsCut() {
        Random random = new Random(42);
        for (int round = 0; round < 60; round++) {
            int choices = 1 + random.nextInt(3);
            List<List<ChatChunk.Delta>> deltas = new ArrayList<>();
            int expected = 0;
            for (int c = 0; c < choices; c++) {
                String text = AdversarialText.random(random, random.nextInt(round % 5 == 0 ? 200_000 : 50_000));
                deltas.add(deltas(c, text, c == 1 || random.nextInt(4) == 0, random));
                expected += Tokenizer.count(text);
            }
            DeliveredText delivered = new DeliveredText(new Client());

            stream(delivered, deltas, random, () -> {});

            assertThat(delivered.tokens()).isEqualTo(expected);
        }
    }

    @Test
    void holdsABoundedTailOfAStreamOfSeveralMegabytes() {
        Random random = new Random(8);
        String answer = AdversarialText.random(random, 3_000_000);
        String arguments = AdversarialText.random(random, 1_000_000);
        DeliveredText delivered = new DeliveredText(new Client());
        int[] mostHeld = {0};

        stream(delivered, List.of(deltas(0, answer, false, random), deltas(1, arguments, true, random)), random,
                () -> mostHeld[0] = Math.max(mostHeld[0], delivered.held()));

        // two choices, each at most 16 K characters not counted yet (RunningCount.COUNT_AT) and the tail after its last cut
        assertThat(mostHeld[0]).isLessThan(48 * 1024);
        assertThat(delivered.tokens()).isEqualTo(Tokenizer.count(answer) + Tokenizer.count(arguments));
    }
}
