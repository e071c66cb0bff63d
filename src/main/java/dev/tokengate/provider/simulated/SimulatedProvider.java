package dev.tokengate.provider.simulated;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.config.GatewayConfig;
import dev.tokengate.core.ChatChunk;
import dev.tokengate.core.ChatMessage;
import dev.tokengate.core.ChatRequest;
import dev.tokengate.core.ChatResponse;
import dev.tokengate.core.Choice;
import dev.tokengate.core.Deadline;
import dev.tokengate.core.Deployment;
import dev.tokengate.core.Json;
import dev.tokengate.core.Provider;
import dev.tokengate.core.ResponseFormat;
import dev.tokengate.core.Role;
import dev.tokengate.core.StreamSink;
import dev.tokengate.core.ToolCall;
import dev.tokengate.core.ToolChoice;
import dev.tokengate.core.ToolSpec;
import dev.tokengate.core.Usage;
import dev.tokengate.provider.AttemptDeadline;
import dev.tokengate.tokens.Tokenizer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A deterministic stand-in model for offline trials and load tests. Its answers are derived from the request, say that
 * they are simulated, and never claim facts. Honours max tokens, stop, n, tools, response formats and streaming.
 */
public final class SimulatedProvider implements Provider {
    public static final String FINGERPRINT = "fp_tokengate_simulated";
    private static final String[] FILLER = {
            "No real model was called, so this text carries no knowledge.",
            "It is generated deterministically from your request.",
            "Use it to try the API, measure the gateway, or test a client.",
            "Point the model at a real upstream to get real answers.",
            "The same request always gives the same simulated text.",
    };

    private final Vertx vertx;
    private final InstantSource clock;
    private final int ttftMs;
    private final int tokensPerSecond;

    public SimulatedProvider(Vertx vertx, InstantSource clock, GatewayConfig.Simulated config) {
        this.vertx = vertx;
        this.clock = clock;
        this.ttftMs = config.ttftMs();
        this.tokensPerSecond = config.tokensPerSecond();
    }

    /** One planned answer: the text or tool call of each choice and why it ends. */
    private record Plan(List<String> texts, List<ToolCall> calls, List<String> finishReasons, List<List<String>> pieces,
                        Usage usage) {}

    @Override
    public Future<ChatResponse> chat(Deployment deployment, ChatRequest request) {
        Deadline deadline = AttemptDeadline.current();
        Plan plan = plan(request);
        List<Choice> choices = new ArrayList<>();
        for (int i = 0; i < request.n(); i++) {
            ToolCall call = plan.calls().get(i);
            ChatMessage m = call != null ? ChatMessage.assistant(null, List.of(call)) : ChatMessage.assistant(plan.texts().get(i), null);
            choices.add(new Choice(i, m, plan.finishReasons().get(i)));
        }
        ChatResponse response = new ChatResponse(newId(), clock.instant().getEpochSecond(), deployment.upstreamModel(),
                List.copyOf(choices), plan.usage(), FINGERPRINT);
        long delay = ttftMs + (tokensPerSecond > 0 ? 1000L * plan.usage().completionTokens() / request.n() / tokensPerSecond : 0);
        if (delay <= 0) return Future.succeededFuture(response);
        Promise<ChatResponse> p = Promise.promise();
        // like a real upstream, a simulated one that would answer after the client's deadline is cut at it
        if (deadline != null && delay >= deadline.remainingMillis()) {
            vertx.setTimer(Math.max(1, deadline.remainingMillis()), t -> p.fail(deadline.exceeded()));
            return p.future();
        }
        vertx.setTimer(delay, t -> p.complete(response));
        return p.future();
    }

    @Override
    public Future<Void> stream(Deployment deployment, ChatRequest request, StreamSink sink) {
        Deadline deadline = AttemptDeadline.current();
        Plan plan = plan(request);
        String id = newId();
        long created = clock.instant().getEpochSecond();
        String model = deployment.upstreamModel();
        List<ChatChunk> chunks = new ArrayList<>();
        for (int i = 0; i < request.n(); i++) {
            ToolCall call = plan.calls().get(i);
            if (call != null) {
                chunks.add(chunk(id, created, model, new ChatChunk.Delta(i, Role.ASSISTANT, null,
                        List.of(new ChatChunk.ToolCallDelta(0, call.id(), call.name(), "")), null)));
                for (String piece : plan.pieces().get(i)) {
                    chunks.add(chunk(id, created, model, new ChatChunk.Delta(i, null, null,
                            List.of(new ChatChunk.ToolCallDelta(0, null, null, piece)), null)));
                }
            } else {
                chunks.add(chunk(id, created, model, new ChatChunk.Delta(i, Role.ASSISTANT, "", null, null)));
                for (String piece : plan.pieces().get(i)) {
                    chunks.add(chunk(id, created, model, new ChatChunk.Delta(i, null, piece, null, null)));
                }
            }
            chunks.add(chunk(id, created, model, new ChatChunk.Delta(i, null, null, null, plan.finishReasons().get(i))));
        }
        chunks.add(new ChatChunk(id, created, model, List.of(), plan.usage(), FINGERPRINT));
        Promise<Void> done = Promise.promise();
        if (deadline != null && ttftMs > 0 && ttftMs >= deadline.remainingMillis()) {
            vertx.setTimer(Math.max(1, deadline.remainingMillis()), t -> done.fail(deadline.exceeded()));
        } else if (ttftMs <= 0 && tokensPerSecond <= 0) {
            for (ChatChunk c : chunks) {
                if (sink.cancelled()) break;
                sink.onChunk(c);
            }
            done.complete();
        } else {
            // a client that goes away while the stream waits for it to drain ends the stream at once
            sink.whenCancelled(done::tryComplete);
            emitPaced(chunks, 0, sink, done, Math.max(0, ttftMs));
        }
        return done.future();
    }

    /**
     * Emits chunks on timers; several per tick when the pace is faster than the timer resolution allows. A client whose
     * write queue is full holds the next tick back until it has drained, as a real upstream is held back.
     */
    private void emitPaced(List<ChatChunk> chunks, int from, StreamSink sink, Promise<Void> done, long delayMs) {
        Runnable step = () -> {
            if (sink.cancelled()) {
                done.tryComplete();
                return;
            }
            int perTick = tokensPerSecond <= 0 ? chunks.size() : Math.max(1, tokensPerSecond / 100);
            int i = from;
            for (int k = 0; k < perTick && i < chunks.size(); k++, i++) sink.onChunk(chunks.get(i));
            if (i >= chunks.size()) {
                done.tryComplete();
                return;
            }
            int next = i;
            sink.whenWritable(() -> emitPaced(chunks, next, sink, done,
                    tokensPerSecond <= 0 ? 0 : Math.max(1, 1000L * perTick / tokensPerSecond)));
        };
        if (delayMs <= 0) step.run();
        else vertx.setTimer(delayMs, t -> step.run());
    }

    private static ChatChunk chunk(String id, long created, String model, ChatChunk.Delta delta) {
        return new ChatChunk(id, created, model, List.of(delta), null, FINGERPRINT);
    }

    private Plan plan(ChatRequest request) {
        int promptTokens = Tokenizer.countPrompt(request.messages());
        long seed = seed(request);
        List<String> texts = new ArrayList<>();
        List<ToolCall> calls = new ArrayList<>();
        List<String> finishes = new ArrayList<>();
        List<List<String>> pieces = new ArrayList<>();
        int completion = 0;
        ToolSpec tool = chooseTool(request);
        for (int i = 0; i < request.n(); i++) {
            if (tool != null) {
                String args = tool.parameters() == null ? "{}"
                        : Json.text(new SchemaInstanceGenerator(tool.parameters(), seed + i).generate());
                calls.add(new ToolCall("call_" + Long.toHexString(seed + i).replace('-', 'x') + i, tool.name(), args));
                texts.add(null);
                finishes.add("tool_calls");
                List<String> p = Tokenizer.pieces(args);
                pieces.add(p);
                completion += p.size() + Tokenizer.count(tool.name()) + 3;
                continue;
            }
            String full = text(request, seed, i);
            String finish = "stop";
            for (String stop : request.stop()) {
                int at = stop.isEmpty() ? -1 : full.indexOf(stop);
                if (at >= 0) full = full.substring(0, at);
            }
            if (request.maxTokens() != null && Tokenizer.count(full) > request.maxTokens()) {
                full = Tokenizer.truncate(full, request.maxTokens());
                finish = "length";
            }
            List<String> p = Tokenizer.pieces(full);
            texts.add(full);
            calls.add(null);
            finishes.add(finish);
            pieces.add(p);
            completion += p.size();
        }
        return new Plan(texts, calls, finishes, pieces, new Usage(promptTokens, completion, 0));
    }

    private static ToolSpec chooseTool(ChatRequest request) {
        if (request.tools().isEmpty()) return null;
        return switch (request.toolChoice()) {
            case ToolChoice.None n -> null;
            case ToolChoice.Required r -> request.tools().get(0);
            case ToolChoice.Named n -> request.tools().stream().filter(t -> t.name().equals(n.name())).findFirst().orElse(null);
            // with "auto" the simulated model calls a tool when the user just spoke, and answers after a tool result
            case ToolChoice.Auto a -> lastRole(request) == Role.USER ? request.tools().get(0) : null;
        };
    }

    private static Role lastRole(ChatRequest request) {
        return request.messages().get(request.messages().size() - 1).role();
    }

    private static String text(ChatRequest request, long seed, int choice) {
        String prose = prose(request, seed, choice);
        return switch (request.responseFormat()) {
            case ResponseFormat.Text t -> prose;
            case ResponseFormat.JsonObject j -> Json.text(Json.object().put("simulated", true).put("text", prose));
            case ResponseFormat.JsonSchema s -> {
                JsonNode schema = s.schema() == null ? Json.object().put("type", "object") : s.schema();
                yield Json.text(new SchemaInstanceGenerator(schema, seed + choice).generate());
            }
        };
    }

    private static String prose(ChatRequest request, long seed, int choice) {
        ChatMessage last = request.messages().get(request.messages().size() - 1);
        StringBuilder sb = new StringBuilder("This is a simulated reply from ").append(request.model())
                .append(" (Tokengate's simulated provider). ");
        if (last.role() == Role.TOOL) {
            sb.append("The tool returned: \"").append(quote(last.text(), 24)).append("\". ");
        } else {
            String said = "";
            for (int i = request.messages().size() - 1; i >= 0; i--) {
                if (request.messages().get(i).role() == Role.USER) {
                    said = request.messages().get(i).text();
                    break;
                }
            }
            sb.append("You wrote: \"").append(quote(said, 16)).append("\". ");
        }
        if (choice > 0) sb.append("(Alternative ").append(choice + 1).append(".) ");
        int sentences = 2 + (int) Math.floorMod(seed, 3L);
        for (int i = 0; i < sentences; i++) {
            sb.append(FILLER[(int) Math.floorMod(seed + i + choice, (long) FILLER.length)]);
            if (i + 1 < sentences) sb.append(' ');
        }
        return sb.toString();
    }

    private static String quote(String text, int words) {
        String[] w = text.strip().split("\\s+");
        if (w.length <= words) return text.strip();
        return String.join(" ", java.util.Arrays.copyOf(w, words)) + " ...";
    }

    private static long seed(ChatRequest request) {
        long h = 1125899906842597L;
        for (ChatMessage m : request.messages()) {
            h = 31 * h + m.role().ordinal();
            h = 31 * h + m.text().hashCode();
        }
        return h;
    }

    private static String newId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "chatcmpl-" + Long.toHexString(r.nextLong()) + Long.toHexString(r.nextLong());
    }
}
