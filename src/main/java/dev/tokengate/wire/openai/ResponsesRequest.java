package dev.tokengate.wire.openai;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokengate.core.ChatMessage;
import dev.tokengate.core.ChatRequest;
import dev.tokengate.core.Role;
import java.util.ArrayList;
import java.util.List;

/**
 * A decoded {@code POST /v1/responses}: the canonical chat request to run, the settings to echo, and the conversation
 * as Responses items (with ids), which is what {@code input_items} lists and what a later turn continues from.
 */
public record ResponsesRequest(ChatRequest chat, ResponseSettings settings, List<ObjectNode> inputItems) {

    public boolean stream() { return chat.stream(); }

    /** The same request continuing a stored conversation: its items come first, this request's instructions stay. */
    public ResponsesRequest after(List<ObjectNode> history) {
        List<ObjectNode> items = new ArrayList<>(history);
        items.addAll(inputItems);
        return new ResponsesRequest(chat.withMessages(messages(settings.instructions(), items)), settings, List.copyOf(items));
    }

    static List<ChatMessage> messages(String instructions, List<ObjectNode> items) {
        List<ChatMessage> out = new ArrayList<>();
        // a system message rather than "developer": every chat upstream understands it
        if (instructions != null) out.add(ChatMessage.text(Role.SYSTEM, instructions));
        out.addAll(ResponseItems.messages(items));
        return List.copyOf(out);
    }
}
