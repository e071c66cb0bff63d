package dev.tokengate.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.core.ChatChunk;
import dev.tokengate.core.StreamSink;
import dev.tokengate.tokens.Tokenizer;
import java.util.ArrayList;
import java.util.List;
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
}
